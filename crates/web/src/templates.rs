//! Askama templates (`templates/*.html`; fragments for htmx end in `_partial.html`).

use crate::session::Page;
use ansinh_app::estimate::Estimate;
use ansinh_app::{UnitView, UserView};
use ansinh_domain::Invalid;
use ansinh_domain::{Grant, Level, Role, Unit};
use ansinh_rules::{Month, ParamUsed, Vnd};
use ansinh_store::{AuditRow, UserRow};
use askama::Template;
use chrono::{DateTime, NaiveDate, Utc};

impl Page {
    pub fn date(&self, d: &Option<NaiveDate>) -> String {
        crate::fmt::date(d)
    }

    pub fn datetime(&self, t: &DateTime<Utc>) -> String {
        crate::fmt::datetime(t)
    }

    pub fn opt_datetime(&self, t: &Option<DateTime<Utc>>) -> String {
        t.as_ref().map(crate::fmt::datetime).unwrap_or_default()
    }

    pub fn level(&self, l: &Level) -> String {
        self.t(&format!("level-{}", l.as_str()))
    }

    pub fn role(&self, r: &Role) -> String {
        match self.lang {
            crate::i18n::Lang::Vi => r.label_vi().to_string(),
            crate::i18n::Lang::En => r.label_en().to_string(),
        }
    }

    /// "01/07/2025 – nay" style validity.
    pub fn validity(&self, u: &Unit) -> String {
        match (u.valid_from, u.valid_to) {
            (None, None) => String::new(),
            (Some(f), None) => format!("{} {}", self.t("valid-from"), crate::fmt::date(&Some(f))),
            (None, Some(t)) => format!("{} {}", self.t("valid-until"), crate::fmt::date(&Some(t))),
            (Some(f), Some(t)) => format!("{} – {}", crate::fmt::date(&Some(f)), crate::fmt::date(&Some(t))),
        }
    }

    pub fn ended(&self, u: &Unit) -> bool {
        u.valid_to.is_some_and(|t| t <= ansinh_app::today())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorTpl<'a> {
    pub page: &'a Page,
    pub status: u16,
    pub message: &'a str,
}

pub fn error_page(page: &Page, status: u16, message: &str) -> String {
    ErrorTpl { page, status, message }.render().unwrap_or_else(|e| format!("{status} {message} ({e})"))
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomeTpl<'a> {
    pub page: &'a Page,
    pub roots: Vec<Unit>,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginTpl<'a> {
    pub page: &'a Page,
    pub next: String,
    pub username: String,
    pub error: Option<String>,
}

/// Which date the unit tree is shown on.
#[derive(Debug, Clone)]
pub struct Era {
    /// `before`, `after` or `date`.
    pub mode: &'static str,
    pub on: NaiveDate,
}

impl Era {
    pub fn query(&self) -> String {
        format!("on={}", self.on.format("%Y-%m-%d"))
    }

    pub fn iso(&self) -> String {
        self.on.format("%Y-%m-%d").to_string()
    }
}

#[derive(Template)]
#[template(path = "units_roots.html")]
pub struct RootsTpl<'a> {
    pub page: &'a Page,
    pub roots: Vec<Unit>,
    /// Search results shown in the page when the search was submitted without htmx.
    pub results: Vec<Unit>,
    pub query: String,
}

#[derive(Template)]
#[template(path = "unit.html")]
pub struct UnitTpl<'a> {
    pub page: &'a Page,
    pub view: UnitView,
    pub era: Era,
    pub error: Option<String>,
    pub form_name: String,
    pub kinds: &'static [&'static str],
}

#[derive(Template)]
#[template(path = "units_partial.html")]
pub struct ChildrenTpl<'a> {
    pub page: &'a Page,
    pub view: UnitView,
    pub era: Era,
    pub error: Option<String>,
    pub form_name: String,
    pub kinds: &'static [&'static str],
}

#[derive(Template)]
#[template(path = "units_search_partial.html")]
pub struct SearchTpl<'a> {
    pub page: &'a Page,
    pub results: Vec<Unit>,
    pub query: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditTpl<'a> {
    pub page: &'a Page,
    pub rows: Vec<AuditRow>,
    pub actions: Vec<String>,
    pub action: String,
    pub actor: String,
    pub from: String,
    pub to: String,
    pub next_link: Option<String>,
}

#[derive(Template)]
#[template(path = "users.html")]
pub struct UsersTpl<'a> {
    pub page: &'a Page,
    pub users: Vec<(UserRow, Vec<Grant>)>,
    pub roles: &'static [Role],
    pub error: Option<String>,
    pub form: UserForm,
}

/// Values of the add-user form, kept when it is shown again with an error.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct UserForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub unit_code: String,
}

#[derive(Template)]
#[template(path = "user.html")]
pub struct UserTpl<'a> {
    pub page: &'a Page,
    pub view: UserView,
    pub new_token: Option<String>,
}

impl Page {
    pub fn day(&self, d: &NaiveDate) -> String {
        d.format("%d/%m/%Y").to_string()
    }

    pub fn money(&self, v: &Vnd) -> String {
        v.format_vi()
    }

    /// "05/2042"
    pub fn month(&self, m: &Month) -> String {
        format!("{:02}/{}", m.month(), m.year())
    }

    /// "45%", "40,5%"
    pub fn percent(&self, bps: &i64) -> String {
        let s = format!("{}", *bps as f64 / 100.0);
        format!("{}%", if self.is_vi() { s.replace('.', ",") } else { s })
    }

    /// "20 năm 3 tháng"
    pub fn duration(&self, months: &u32) -> String {
        let (y, m) = (months / 12, months % 12);
        match (self.is_vi(), m) {
            (true, 0) => format!("{y} năm"),
            (true, _) => format!("{y} năm {m} tháng"),
            (false, 0) => format!("{y} years"),
            (false, _) => format!("{y} years {m} months"),
        }
    }

    pub fn invalid_text(&self, i: &Invalid) -> String {
        if self.is_vi() { i.vi.clone() } else { i.en.clone() }
    }

    /// A parameter's value as people read it.
    pub fn param_value(&self, u: &ParamUsed) -> String {
        ansinh_rules::param_info(&u.key).map_or_else(|| u.value.to_string(), |i| i.unit.format_vi(u.value))
    }

    pub fn param_name(&self, key: &str) -> String {
        match ansinh_rules::param_info(key) {
            Some(i) if self.is_vi() => i.name_vi.to_string(),
            Some(i) => i.name_en.to_string(),
            None => key.to_string(),
        }
    }
}

/// What the estimator shows under the form.
pub enum EstimateView {
    Empty,
    Invalid(Vec<Invalid>),
    Ok(Box<Estimate>),
}

impl EstimateView {
    /// Chart data: one entry per plan (income, monthly payable, monthly pension), as JSON safe
    /// to embed in a `<script type="application/json">`.
    pub fn chart_json(&self) -> String {
        let EstimateView::Ok(e) = self else { return "[]".into() };
        let rows: Vec<serde_json::Value> = e
            .plans
            .iter()
            .filter(|p| p.error.is_none())
            .map(|p| {
                serde_json::json!({
                    "income": p.income.0,
                    "label": p.income.format_vi(),
                    "payable": p.monthly_payable.0,
                    "pension": p.pension.as_ref().map_or(0, |x| x.monthly_pension.0),
                })
            })
            .collect();
        serde_json::to_string(&rows).unwrap_or_else(|_| "[]".into()).replace('<', "\\u003c")
    }

    pub fn has_unconfirmed(&self) -> bool {
        matches!(self, EstimateView::Ok(e) if e.basis.iter().any(|u| u.confidence == ansinh_rules::Confidence::U))
    }
}

#[derive(Template)]
#[template(path = "calc.html")]
pub struct CalcTpl<'a> {
    pub page: &'a Page,
    pub form: crate::pages::calc::EstimateForm,
    pub result: EstimateView,
    pub provinces: Vec<String>,
}

#[derive(Template)]
#[template(path = "calc_result_partial.html")]
pub struct CalcResultTpl<'a> {
    pub page: &'a Page,
    pub result: EstimateView,
}

/// One parameter and its versions, for the parameter page.
pub struct ParamGroup {
    pub key: String,
    pub info: Option<&'static ansinh_rules::ParamInfo>,
    pub versions: Vec<ansinh_store::ParamRow>,
}

impl ParamGroup {
    pub fn name(&self, page: &Page) -> String {
        match self.info {
            Some(i) if page.is_vi() => i.name_vi.to_string(),
            Some(i) => i.name_en.to_string(),
            None => self.key.clone(),
        }
    }

    pub fn display(&self, value: &i64) -> String {
        self.info.map_or_else(|| value.to_string(), |i| i.unit.format_vi(*value))
    }
}

#[derive(Template)]
#[template(path = "parameters.html")]
pub struct ParamsTpl<'a> {
    pub page: &'a Page,
    pub groups: Vec<ParamGroup>,
    pub q: String,
    pub can_add: bool,
    pub form: crate::pages::parameters::ParamForm,
    pub error: Option<String>,
    pub added: Option<String>,
}
