//! Askama templates (`templates/*.html`; fragments for htmx end in `_partial.html`).

use crate::people::ListQuery;
use crate::session::Page;
use ansinh_app::estimate::Estimate;
use ansinh_app::records::{AuditRow, PersonRow, UserRow};
use ansinh_app::registry::{HouseholdView, PersonInput, PersonPage, PersonView, PlaceCounts};
use ansinh_app::{UnitView, UserView};
use ansinh_domain::Invalid;
use ansinh_domain::person::{
    ETHNIC_GROUPS, Occupation, PovertyStatus, Relation, Sex, sex_label_en, sex_label_vi,
};
use ansinh_domain::{Grant, Level, Role, Unit};
use ansinh_rules::{Month, ParamUsed, Vnd};
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
        // Each key spelled out, so the i18n test sees every one.
        self.t(match l {
            Level::Country => "level-country",
            Level::Province => "level-province",
            Level::District => "level-district",
            Level::Commune => "level-commune",
            Level::Village => "level-village",
            Level::Group => "level-group",
        })
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
        u.valid_to.is_some_and(|t| t <= self.today)
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
    /// Persons and working-age persons under a commune, village or group.
    pub counts: Option<PlaceCounts>,
    /// A village's or group's residents (first page).
    pub members: Option<ansinh_app::registry::PersonPage>,
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
    pub form: ansinh_app::calc::EstimateForm,
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
    pub versions: Vec<ansinh_app::records::ParamRow>,
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

// ─── Population registry ──────────────────────────────────────────────────────────────────

/// One choice of a `<select>`.
#[derive(Debug, Clone)]
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Choices from (value, label) pairs, with `current` selected.
pub fn options<'a>(items: impl IntoIterator<Item = (&'a str, &'a str)>, current: &str) -> Vec<Opt> {
    items
        .into_iter()
        .map(|(v, l)| Opt { value: v.to_string(), label: l.to_string(), selected: v == current.trim() })
        .collect()
}

impl Page {
    /// "15/03/1990", or "1990" when only the year is on record (the one birth formatter).
    pub fn birth(&self, p: &PersonRow) -> String {
        p.birth.to_string()
    }

    pub fn sex(&self, s: &Sex) -> String {
        self.label(sex_label_vi(*s), sex_label_en(*s))
    }

    pub fn occupation(&self, o: &Occupation) -> String {
        self.label(o.label_vi(), o.label_en())
    }

    pub fn relation(&self, r: &Option<Relation>) -> String {
        r.map(|r| self.label(r.label_vi(), r.label_en())).unwrap_or_default()
    }

    pub fn poverty(&self, s: &PovertyStatus) -> String {
        self.label(s.label_vi(), s.label_en())
    }

    /// "12.345" (vi) / "12,345" (en).
    pub fn count(&self, n: impl std::borrow::Borrow<i64>) -> String {
        let n = *n.borrow();
        let digits = n.unsigned_abs().to_string();
        let sep = if self.is_vi() { '.' } else { ',' };
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        if n < 0 { format!("-{out}") } else { out }
    }

    fn label(&self, vi: &str, en: &str) -> String {
        if self.is_vi() { vi.to_string() } else { en.to_string() }
    }
}

/// The person form's values as typed, kept when it comes back with errors: the app's
/// [`PersonInput`] plus the reason of a change (edit form only).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PersonForm {
    #[serde(flatten)]
    pub person: PersonInput,
    /// Why a person moved (edit form only).
    #[serde(default)]
    pub reason: String,
}

impl PersonForm {
    pub fn input(&self) -> PersonInput {
        self.person.clone()
    }

    /// The stored person, as the edit form shows it.
    pub fn from_view(v: &PersonView) -> PersonForm {
        let p = &v.person;
        PersonForm {
            person: PersonInput {
                cccd: p.cccd.clone(),
                old_si_number: p.old_si_number.clone().unwrap_or_default(),
                full_name: p.full_name.clone(),
                birth_date: p.birth.to_string(),
                sex: p.sex.key().to_string(),
                ethnicity: p.ethnicity.clone(),
                phone: p.phone.clone().unwrap_or_default(),
                occupation: p.occupation.as_str().to_string(),
                unit_code: v.place.code.clone(),
                household_code: v.household.as_ref().map(|h| h.code.clone()).unwrap_or_default(),
                relation: p.relation.map(|r| r.as_str().to_string()).unwrap_or_default(),
            },
            reason: String::new(),
        }
    }
}

/// A person form as shown: the values, the errors by field, the choices.
pub struct PersonFormView {
    pub values: PersonForm,
    pub errors: Vec<Invalid>,
    vi: bool,
}

impl PersonFormView {
    pub fn new(page: &Page, values: PersonForm, errors: Vec<Invalid>) -> PersonFormView {
        PersonFormView { values, errors, vi: page.is_vi() }
    }

    /// Errors are filed under the form's field names.
    fn field_of(e: &Invalid) -> &str {
        match e.field.as_str() {
            "province" | "birth_year" | "serial" => "cccd",
            f => f,
        }
    }

    pub fn has(&self, field: &str) -> bool {
        self.errors.iter().any(|e| Self::field_of(e) == field)
    }

    /// This field's reasons, in the page's language.
    pub fn err(&self, field: &str) -> String {
        self.errors
            .iter()
            .filter(|e| Self::field_of(e) == field)
            .map(|e| self.text(e))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn text(&self, e: &Invalid) -> String {
        if self.vi { e.vi.clone() } else { e.en.clone() }
    }

    fn label<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        if self.vi { vi } else { en }
    }

    pub fn sexes(&self) -> Vec<Opt> {
        let current = match ansinh_domain::person::parse_sex(&self.values.person.sex) {
            Ok(ansinh_rules::Sex::Male) => "male",
            Ok(ansinh_rules::Sex::Female) => "female",
            Err(_) => "",
        };
        options([("male", self.label("Nam", "Male")), ("female", self.label("Nữ", "Female"))], current)
    }

    pub fn occupations(&self) -> Vec<Opt> {
        let current = Occupation::parse(&self.values.person.occupation).map_or("", |o| o.as_str());
        options(Occupation::ALL.iter().map(|o| (o.as_str(), self.label(o.label_vi(), o.label_en()))), current)
    }

    pub fn relations(&self) -> Vec<Opt> {
        let current = Relation::parse(&self.values.person.relation).map_or("", |r| r.as_str());
        options(Relation::ALL.iter().map(|r| (r.as_str(), self.label(r.label_vi(), r.label_en()))), current)
    }

    pub fn ethnicities(&self) -> Vec<Opt> {
        let current = if self.values.person.ethnicity.trim().is_empty() {
            "Kinh"
        } else {
            ansinh_domain::person::Ethnicity::parse(&self.values.person.ethnicity).map_or("", |e| e.name())
        };
        options(ETHNIC_GROUPS.iter().map(|g| (*g, *g)), current)
    }
}

/// The person list (page and htmx fragment).
pub struct PersonList {
    pub query: ListQuery,
    pub result: Option<PersonPage>,
    pub error: Option<String>,
}

impl PersonList {
    pub fn pages(&self) -> i64 {
        self.result.as_ref().map_or(1, |r| ((r.total + r.per_page - 1) / r.per_page).max(1))
    }

    pub fn current(&self) -> i64 {
        self.result.as_ref().map_or(1, |r| r.page)
    }

    /// The full-page link of page `p` (for the address bar and without JavaScript).
    pub fn link(&self, p: impl std::borrow::Borrow<i64>) -> String {
        self.query.link("/persons", *p.borrow())
    }

    /// The fragment link of page `p`.
    pub fn fragment(&self, p: impl std::borrow::Borrow<i64>) -> String {
        self.query.link("/persons/results", *p.borrow())
    }

    pub fn export(&self, ext: &str) -> String {
        let qs = self.query.qs();
        if qs.is_empty() { format!("/persons/export.{ext}") } else { format!("/persons/export.{ext}?{qs}") }
    }

    pub fn age_bands(&self) -> Vec<Opt> {
        options(AGE_BANDS.iter().map(|a| (*a, *a)), &self.query.age)
    }
}

/// Age bands offered by the list's filter.
pub const AGE_BANDS: [&str; 5] = ["0-14", "15-34", "35-59", "15-59", "60+"];

#[derive(Template)]
#[template(path = "persons.html")]
pub struct PersonsTpl<'a> {
    pub page: &'a Page,
    pub list: PersonList,
}

#[derive(Template)]
#[template(path = "persons_results_partial.html")]
pub struct PersonResultsTpl<'a> {
    pub page: &'a Page,
    pub list: PersonList,
}

#[derive(Template)]
#[template(path = "person_new.html")]
pub struct PersonNewTpl<'a> {
    pub page: &'a Page,
    pub form: PersonFormView,
}

/// One move of a person, with the places and households named.
pub struct MoveLine {
    pub on: NaiveDate,
    pub from_place: String,
    pub to_place: String,
    pub from_household: Option<(i64, String)>,
    pub to_household: Option<(i64, String)>,
    pub reason: String,
    pub actor: String,
}

#[derive(Template)]
#[template(path = "person.html")]
pub struct PersonTpl<'a> {
    pub page: &'a Page,
    pub view: PersonView,
    pub form: PersonFormView,
    pub moves: Vec<MoveLine>,
    pub saved: bool,
}

/// The poverty form's values as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PovertyForm {
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub decision: String,
}

#[derive(Template)]
#[template(path = "household.html")]
pub struct HouseholdTpl<'a> {
    pub page: &'a Page,
    pub view: HouseholdView,
    pub form: PovertyForm,
    pub error: Option<String>,
    pub saved: bool,
}

impl HouseholdTpl<'_> {
    pub fn statuses(&self) -> Vec<Opt> {
        let current = PovertyStatus::parse(&self.form.status).map_or("", |s| s.as_str());
        let vi = self.page.is_vi();
        options(
            PovertyStatus::ALL.iter().map(|s| (s.as_str(), if vi { s.label_vi() } else { s.label_en() })),
            current,
        )
    }

    pub fn head_name(&self) -> String {
        let head = self.view.household.head_person_id;
        self.view
            .members
            .iter()
            .find(|(p, _)| Some(p.id) == head)
            .map(|(p, _)| p.full_name.clone())
            .unwrap_or_default()
    }
}

/// An import's outcome as shown.
#[derive(Debug, Default)]
pub struct ImportView {
    pub filename: String,
    /// `dry_run`, `all` or `valid`.
    pub mode: &'static str,
    pub rows: usize,
    pub bad_rows: usize,
    /// `dòng N, cột X: lý do`, in the page's language; the first [`ImportView::SHOWN`].
    pub errors: Vec<String>,
    /// Errors not listed (see `errors_link`).
    pub more_errors: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub households_created: usize,
    pub written: bool,
    /// The rejected rows as XLSX (valid rows only).
    pub rejected_link: Option<String>,
    /// Every error as CSV, when there are more than are listed.
    pub errors_link: Option<String>,
}

impl ImportView {
    pub const SHOWN: usize = 1000;
}

/// What the import page shows under the form.
#[derive(Debug, Default)]
pub struct ImportResult {
    pub report: Option<ImportView>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "persons_import.html")]
pub struct ImportTpl<'a> {
    pub page: &'a Page,
    pub result: ImportResult,
}

#[derive(Template)]
#[template(path = "persons_import_partial.html")]
pub struct ImportPartialTpl<'a> {
    pub page: &'a Page,
    pub result: ImportResult,
}

/// Two records that are probably one person.
pub struct DupPair {
    pub left: PersonRow,
    pub right: PersonRow,
}

impl DupPair {
    pub fn sides(&self) -> [&PersonRow; 2] {
        [&self.left, &self.right]
    }
}

#[derive(Template)]
#[template(path = "persons_duplicates.html")]
pub struct DuplicatesTpl<'a> {
    pub page: &'a Page,
    pub pairs: Vec<DupPair>,
    pub notice: Option<String>,
}
