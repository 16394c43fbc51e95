//! The audit log of the actor's scope, with filters and keyset pagination.

use crate::AppState;
use crate::error::PageError;
use crate::pages::render;
use crate::session::{Page, urlencode};
use ansinh_app::AppError;
use ansinh_app::records::AuditFilter;
use ansinh_app::records::AuditRow;
use ansinh_domain::Permission;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use chrono::{NaiveDate, TimeZone, Utc};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    before: Option<i64>,
}

/// Start of a Vietnamese calendar day (UTC+7) as a UTC instant.
fn day_start(d: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight")) - chrono::Duration::hours(7)
}

fn parse_day(field: &str, s: &str) -> Result<Option<NaiveDate>, AppError> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    crate::fmt::parse_date(s).map(Some).ok_or_else(|| {
        AppError::invalid(
            field,
            format!("Ngày «{s}» không hợp lệ, cần dạng dd/mm/yyyy"),
            format!("date «{s}» is invalid, expected dd/mm/yyyy"),
        )
    })
}

pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<AuditQuery>,
) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    if !actor.has(Permission::ViewAudit) {
        return Err(PageError::from(AppError::Forbidden));
    }
    let from = parse_day("from", &q.from)?;
    let to = parse_day("to", &q.to)?;
    let nonempty = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    let filter = AuditFilter {
        action: nonempty(&q.action),
        entity: None,
        actor: nonempty(&q.actor),
        from: from.map(day_start),
        to: to.and_then(|d| d.succ_opt()).map(day_start),
        before_id: q.before,
    };
    let result = state.app.audit_list(actor, &filter, 50).await?;
    let next_link = result.next_before.map(|b| {
        format!(
            "/audit?action={}&actor={}&from={}&to={}&before={b}",
            urlencode(&q.action),
            urlencode(&q.actor),
            urlencode(&q.from),
            urlencode(&q.to)
        )
    });
    render(&AuditTpl {
        page: &page,
        rows: result.rows,
        actions: result.actions,
        action: q.action,
        actor: q.actor,
        from: q.from,
        to: q.to,
        next_link,
    })
}

// ─── Views ───────────────────────────────────────────────────────────────────────────────

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
