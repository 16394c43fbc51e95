//! Home page, language switch, health check, 404.

use crate::error::PageError;
use crate::i18n::Lang;
use crate::pages::render;
use crate::session::{LANG_COOKIE, Page, safe_next};
use crate::{AppState, session};
use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

/// The public brochure for visitors; for a signed-in user, the figures of their scope and
/// their role's next tasks.
pub async fn show(State(state): State<AppState>, page: Page) -> Result<Html<String>, PageError> {
    let home = match &page.actor {
        Some(a) => Some(state.app.home(a).await?),
        None => None,
    };
    render(&HomeTpl { page: &page, home })
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn set_lang(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
) -> Response {
    let lang = Lang::parse(&code).unwrap_or(Lang::Vi);
    let secure = session::is_https(&headers, &state);
    let cookie = session::set_cookie(LANG_COOKIE, lang.code(), 60 * 60 * 24 * 365, secure);
    ([(header::SET_COOKIE, cookie)], Redirect::to(&safe_next(q.next.as_deref()))).into_response()
}

pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.app.health().await {
        Ok(n) => Json(serde_json::json!({ "status": "ok", "database": state.app.backend(), "units": n }))
            .into_response(),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, format!("database: {e}")).into_response(),
    }
}

pub async fn not_found(page: Page, uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::error::ApiError(ansinh_app::AppError::NotFound).into_response();
    }
    crate::pages::fail(&page, &ansinh_app::AppError::NotFound).into_response()
}

// ─── Views ───────────────────────────────────────────────────────────────────────────────

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomeTpl<'a> {
    pub page: &'a Page,
    pub home: Option<ansinh_app::home::Home>,
}

impl HomeTpl<'_> {
    /// The coverage of a scope in words: "12,5%" of the official (or registry) denominator, or
    /// "—" while there is none.
    pub fn rate(&self, s: &ansinh_app::home::ScopeFigures, code: &str) -> String {
        let Ok(i) = ansinh_domain::Indicator::parse(code) else { return "—".into() };
        match s.coverage(i) {
            Some(v) => match v.rate_bp.or(v.registry_rate_bp) {
                Some(bp) => self.page.percent(&bp),
                None => "—".into(),
            },
            None => "—".into(),
        }
    }

    pub fn indicator_name(&self, code: &str) -> String {
        match ansinh_domain::Indicator::parse(code) {
            Ok(i) if self.page.is_vi() => i.label_vi().to_string(),
            Ok(i) => i.label_en().to_string(),
            Err(_) => code.to_string(),
        }
    }
}
