//! Error policy for the web: one mapping from [`AppError`] to responses.
//! - Pages: `Invalid` re-renders the form where the handler can, else a 422 page with the
//!   field and reason; `NotFound` (also every out-of-scope read) a 404 page; `Forbidden` 403;
//!   `Unauthenticated` a redirect to the login page; `Busy` 503 with `Retry-After`; storage errors a 500 page, logged in full.
//! - API: the same statuses with `{"error": {"code", "field", "message_vi", "message_en"}}`;
//!   when a body has several bad fields, every one is listed in `fields` (first one also in
//!   `field`/`message_*`), so a client can mark them all at once.

use crate::i18n::{Lang, tr};
use ansinh_app::AppError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every API error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiErrorBody {
    pub error: ApiErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiErrorDetail {
    /// `invalid`, `not_found`, `forbidden`, `unauthenticated`, `locked`, `busy`, `internal`.
    pub code: String,
    /// The offending field, for `invalid`.
    pub field: Option<String>,
    pub message_vi: String,
    pub message_en: String,
    /// Per-field errors, when several fields are wrong.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message_vi: String,
    pub message_en: String,
}

pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::Unauthenticated | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
        AppError::Locked { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Store(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// An error answered as JSON. Field errors come from the use case (every bad field at once);
/// the fixed messages come from the same Fluent catalogue as the pages, in both languages.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl From<ansinh_domain::Invalid> for ApiError {
    fn from(e: ansinh_domain::Invalid) -> Self {
        ApiError(AppError::from(e))
    }
}

/// The error code and bilingual message of an error (field errors: the first field's).
pub fn api_message(e: &AppError) -> (&'static str, String, String) {
    let both = |key: &str| (tr(Lang::Vi, key), tr(Lang::En, key));
    let (code, (vi, en)) = match e {
        AppError::Invalid(list) => {
            let first = list.first();
            (
                "invalid",
                (
                    first.map(|f| f.vi.clone()).unwrap_or_default(),
                    first.map(|f| f.en.clone()).unwrap_or_default(),
                ),
            )
        }
        AppError::NotFound => ("not_found", both("error-not-found")),
        AppError::Forbidden => ("forbidden", both("error-forbidden")),
        AppError::Unauthenticated | AppError::BadCredentials => {
            ("unauthenticated", both("error-unauthenticated-api"))
        }
        AppError::Locked { minutes, .. } => {
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("minutes", *minutes);
            let vi = crate::i18n::tr_args(Lang::Vi, "login-locked", Some(&args));
            let en = crate::i18n::tr_args(Lang::En, "login-locked", Some(&args));
            ("locked", (vi, en))
        }
        AppError::Busy => ("busy", both("error-busy")),
        AppError::Store(_) | AppError::Internal(_) => {
            tracing::error!(error = %e, "internal error");
            ("internal", both("error-internal"))
        }
    };
    (code, vi, en)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        let status = status_of(&e);
        let (code, vi, en) = api_message(&e);
        let fields: Vec<FieldError> = match &e {
            AppError::Invalid(list) if list.len() > 1 => list
                .iter()
                .map(|i| FieldError {
                    field: i.field.clone(),
                    message_vi: i.vi.clone(),
                    message_en: i.en.clone(),
                })
                .collect(),
            _ => Vec::new(),
        };
        let body = ApiErrorBody {
            error: ApiErrorDetail {
                code: code.into(),
                field: e.first_invalid().map(|i| i.field.clone()),
                message_vi: vi,
                message_en: en,
                fields,
            },
        };
        let mut res = (status, Json(body)).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            res.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static("5"));
        }
        res
    }
}

/// An error answered as a page: a redirect, a page already rendered, or an application error
/// that `pages::render_errors` turns into the error page in the request's language. Page handlers
/// therefore end their calls in plain `?`.
#[derive(Debug)]
pub enum PageError {
    Redirect(String),
    Page(StatusCode, String),
    App(AppError),
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError::App(e)
    }
}

/// An application error waiting for the page middleware (`pages::render_errors`) to be
/// rendered in the request's language.
#[derive(Clone)]
pub(crate) struct PendingError(pub(crate) std::sync::Arc<AppError>);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Redirect(to) => Redirect::to(&to).into_response(),
            PageError::Page(status, html) => (status, Html(html)).into_response(),
            PageError::App(e) => {
                let mut res = status_of(&e).into_response();
                res.extensions_mut().insert(PendingError(std::sync::Arc::new(e)));
                res
            }
        }
    }
}

/// A form use case's outcome: `Ok(Ok(v))` done, `Ok(Err(fields))` to show the form again with
/// its field errors (answered 422), `Err` any other failure (the error page).
pub fn form_outcome<T>(r: Result<T, AppError>) -> Result<Result<T, Vec<ansinh_domain::Invalid>>, PageError> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(AppError::Invalid(list)) => Ok(Err(list)),
        Err(e) => Err(PageError::App(e)),
    }
}

/// The reasons of field errors, in `lang`, as one line.
pub fn fields_message(lang: Lang, fields: &[ansinh_domain::Invalid]) -> String {
    fields
        .iter()
        .map(|i| match lang {
            Lang::Vi => i.vi.clone(),
            Lang::En => i.en.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A re-rendered form with field errors: 422, so scripts and tests see the failure.
pub fn unprocessable(html: Html<String>) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, html).into_response()
}

/// The user-facing message of an error, in `lang` (every field's reason for field errors).
pub fn message(lang: Lang, e: &AppError) -> String {
    match e {
        AppError::Invalid(list) => fields_message(lang, list),
        AppError::BadCredentials => tr(lang, "login-bad"),
        AppError::Unauthenticated => tr(lang, "error-unauthenticated"),
        e => {
            let (_, vi, en) = api_message(e);
            match lang {
                Lang::Vi => vi,
                Lang::En => en,
            }
        }
    }
}
