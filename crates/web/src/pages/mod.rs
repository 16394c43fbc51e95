//! HTML pages, one file per screen: each module owns its handlers and the template structs
//! (views) it renders. Handlers return application errors with plain `?`; [`render_errors`]
//! renders them as the error page in the request's language.

pub mod assets;
pub mod audit;
pub mod calc;
pub mod collection;
pub mod home;
pub mod households;
pub mod imports;
pub mod indicators;
pub mod login;
pub mod models;
pub mod outreach;
pub mod parameters;
pub mod persons;
pub mod units;
pub mod users;

use crate::error::{PageError, message, status_of};
use crate::session::{Page, urlencode};
use ansinh_app::AppError;
use askama::Template;
use axum::response::{Html, IntoResponse, Response};

/// Render a template into a page response.
pub fn render<T: Template>(t: &T) -> Result<Html<String>, PageError> {
    t.render().map(Html).map_err(|e| {
        tracing::error!(error = %e, "template");
        PageError::Page(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "template error".into())
    })
}

/// Middleware: render an application error a page handler returned as the error page (or the
/// login redirect), with the language and the signed-in user of the request. The context is
/// looked up only when there is an error.
pub async fn render_errors(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let headers = req.headers().clone();
    let uri = req.uri().clone();
    let res = next.run(req).await;
    let Some(crate::error::PendingError(e)) = res.extensions().get::<crate::error::PendingError>().cloned()
    else {
        return res;
    };
    let page = Page::from_headers(&state, &headers, &uri).await;
    fail(&page, &e).into_response()
}

#[derive(askama::Template)]
#[template(path = "error.html")]
struct ErrorTpl<'a> {
    page: &'a Page,
    status: u16,
    message: &'a str,
    /// Where to go back to (the form that failed), besides home.
    back: Option<&'a str>,
}

/// The error page.
pub fn error_page(page: &Page, status: u16, message: &str) -> String {
    use askama::Template;
    ErrorTpl { page, status, message, back: None }
        .render()
        .unwrap_or_else(|e| format!("{status} {message} ({e})"))
}

/// The error page with a link back to `back` (a local path).
pub fn error_page_back(page: &Page, status: u16, message: &str, back: &str) -> String {
    use askama::Template;
    ErrorTpl { page, status, message, back: Some(back) }
        .render()
        .unwrap_or_else(|e| format!("{status} {message} ({e})"))
}

/// The policy of this site's own pages, sent with every HTML answer: scripts only from here
/// (all of them are vendored), no framing, forms only to here. (Inline styles stay allowed:
/// htmx and ECharts set them.)
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/// Middleware: HTML pages carry personal data, so they are never cached (`no-store`), and
/// they get [`CONTENT_SECURITY_POLICY`]. The vendored Swagger UI (`/api/docs`) keeps its own.
pub async fn page_headers(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use axum::http::{HeaderValue, header};
    let docs = req.uri().path().starts_with("/api/docs");
    let mut res = next.run(req).await;
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html && !docs {
        let h = res.headers_mut();
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    }
    res
}

/// An application error as a page: the error page in the request's language, or the login
/// redirect that comes back here.
pub fn fail(page: &Page, e: &AppError) -> PageError {
    if matches!(e, AppError::Unauthenticated) {
        return PageError::Redirect(format!("/login?next={}", urlencode(&page.here)));
    }
    let status = status_of(e);
    PageError::Page(status, error_page(page, status.as_u16(), &message(page.lang, e)))
}
