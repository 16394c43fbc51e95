//! Sign in and out. The session id is rotated at every login: a new random secret is issued
//! and any session the browser carried before is ended.

use crate::AppState;
use crate::error::{PageError, message};
use crate::pages::render;
use crate::session::{self, ClientAddr, Page, SESSION_COOKIE, cookie, safe_next};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

pub async fn show(page: Page, Query(q): Query<LoginQuery>) -> Result<Html<String>, PageError> {
    render(&LoginTpl {
        page: &page,
        next: safe_next(q.next.as_deref()),
        username: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddr(client): ClientAddr,
    page: Page,
    Form(f): Form<LoginForm>,
) -> Result<Response, PageError> {
    let next = safe_next(f.next.as_deref());
    match state.app.login_from(&f.username, &f.password, &client).await {
        Ok((_, token)) => {
            if let Some(old) = cookie(&headers, SESSION_COOKIE) {
                let _ = state.app.logout(&old).await;
            }
            let secure = session::is_https(&headers, &state);
            let c = session::set_cookie(SESSION_COOKIE, &token, ansinh_app::SESSION_HOURS * 3600, secure);
            Ok(([(header::SET_COOKIE, c)], Redirect::to(&next)).into_response())
        }
        Err(e) => {
            let status = crate::error::status_of(&e);
            let error = Some(message(page.lang, &e));
            let html = render(&LoginTpl { page: &page, next, username: f.username, error })?;
            Ok((status, html).into_response())
        }
    }
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        let _ = state.app.logout(&token).await;
    }
    let secure = session::is_https(&headers, &state);
    let clear = session::set_cookie(SESSION_COOKIE, "", 0, secure);
    ([(header::SET_COOKIE, clear)], Redirect::to("/")).into_response()
}

// ─── Views ───────────────────────────────────────────────────────────────────────────────

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginTpl<'a> {
    pub page: &'a Page,
    pub next: String,
    pub username: String,
    pub error: Option<String>,
}
