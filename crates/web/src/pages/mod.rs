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

/// Largest response body compressed on the fly; larger ones (and streamed downloads, whose
/// size is not known in advance) go as they are.
const COMPRESS_MAX: usize = 8 << 20;

/// Middleware: gzip pages, JSON and SVG for browsers that accept it (a page of the registry
/// is 20–60 kB of HTML that shrinks about eightfold — seconds on a slow mobile link). Bodies
/// under 1 kB, already encoded, or of unknown size are left alone.
pub async fn compress(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use axum::body::HttpBody as _;
    use axum::http::{HeaderValue, header};
    let gzip = assets::accepts_gzip(req.headers());
    let res = next.run(req).await;
    if !gzip || res.headers().contains_key(header::CONTENT_ENCODING) {
        return res;
    }
    let compressible =
        res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
            ["text/html", "application/json", "image/svg+xml", "text/plain", "application/geo+json"]
                .iter()
                .any(|k| v.starts_with(k))
        });
    let size = res.body().size_hint().exact();
    if !compressible || !size.is_some_and(|n| (1024..=COMPRESS_MAX as u64).contains(&n)) {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, COMPRESS_MAX).await else {
        return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut enc =
        flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 4), flate2::Compression::new(5));
    if std::io::Write::write_all(&mut enc, &bytes).is_err() {
        return Response::from_parts(parts, axum::body::Body::from(bytes));
    }
    let Ok(z) = enc.finish() else { return Response::from_parts(parts, axum::body::Body::from(bytes)) };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    parts.headers.append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    Response::from_parts(parts, axum::body::Body::from(z))
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
