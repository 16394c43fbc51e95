//! Askama templates (`templates/*.html`; fragments for htmx end in `_partial.html`).

use crate::session::Page;
use ansinh_app::{UnitView, UserView};
use ansinh_domain::{Grant, Level, Role, Unit};
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
