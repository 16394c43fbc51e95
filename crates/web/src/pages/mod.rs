//! HTML pages, one file per resource.

pub mod assets;
pub mod audit;
pub mod calc;
pub mod home;
pub mod households;
pub mod imports;
pub mod login;
pub mod parameters;
pub mod persons;
pub mod units;
pub mod users;

use crate::error::PageError;
use askama::Template;
use axum::response::Html;

/// Render a template into a page response.
pub fn render<T: Template>(t: &T) -> Result<Html<String>, PageError> {
    t.render().map(Html).map_err(|e| {
        tracing::error!(error = %e, "template");
        PageError::Page(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "template error".into())
    })
}

/// Whether the request came from htmx (answer with a fragment).
pub fn is_htmx(headers: &axum::http::HeaderMap) -> bool {
    headers.get("hx-request").is_some()
}
