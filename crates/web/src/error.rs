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

/// An error answered as JSON: an application error, or several invalid fields of a body.
#[derive(Debug)]
pub enum ApiError {
    App(AppError),
    Fields(Vec<ansinh_domain::Invalid>),
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError::App(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = match self {
            ApiError::App(e) => e,
            ApiError::Fields(list) => {
                let fields: Vec<FieldError> = list
                    .iter()
                    .map(|i| FieldError {
                        field: i.field.clone(),
                        message_vi: i.vi.clone(),
                        message_en: i.en.clone(),
                    })
                    .collect();
                let first = list.first();
                let body = ApiErrorBody {
                    error: ApiErrorDetail {
                        code: "invalid".into(),
                        field: first.map(|f| f.field.clone()),
                        message_vi: first.map(|f| f.vi.clone()).unwrap_or_default(),
                        message_en: first.map(|f| f.en.clone()).unwrap_or_default(),
                        fields,
                    },
                };
                return (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response();
            }
        };
        let status = status_of(&e);
        let (code, field, vi, en) = match &e {
            AppError::Invalid(i) => ("invalid", Some(i.field.clone()), i.vi.clone(), i.en.clone()),
            AppError::NotFound => ("not_found", None, "Không tìm thấy".into(), "Not found".into()),
            AppError::Forbidden => ("forbidden", None, "Không có quyền".into(), "Forbidden".into()),
            AppError::Unauthenticated | AppError::BadCredentials => (
                "unauthenticated",
                None,
                "Cần đăng nhập hoặc mã truy cập (Bearer) hợp lệ".into(),
                "A valid session or bearer token is required".into(),
            ),
            AppError::Locked { until, .. } => (
                "locked",
                None,
                format!("Tài khoản tạm khoá đến {}", crate::fmt::datetime(until)),
                format!("Account locked until {}", crate::fmt::datetime(until)),
            ),
            AppError::Busy => (
                "busy",
                None,
                "Hệ thống đang bận, xin thử lại sau ít giây".into(),
                "The system is busy, please try again in a few seconds".into(),
            ),
            e @ (AppError::Store(_) | AppError::Internal(_)) => {
                tracing::error!(error = %e, "internal error");
                ("internal", None, "Lỗi hệ thống, xin thử lại".into(), "Internal error, please retry".into())
            }
        };
        let body = ApiErrorBody {
            error: ApiErrorDetail {
                code: code.into(),
                field,
                message_vi: vi,
                message_en: en,
                fields: Vec::new(),
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

/// An error answered as a page (already rendered) or a redirect.
#[derive(Debug)]
pub enum PageError {
    Redirect(String),
    Page(StatusCode, String),
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Redirect(to) => Redirect::to(&to).into_response(),
            PageError::Page(status, html) => (status, Html(html)).into_response(),
        }
    }
}

/// The user-facing message of an error, in `lang`.
pub fn message(lang: Lang, e: &AppError) -> String {
    match e {
        AppError::Invalid(i) => match lang {
            Lang::Vi => i.vi.clone(),
            Lang::En => i.en.clone(),
        },
        AppError::NotFound => tr(lang, "error-not-found"),
        AppError::Forbidden => tr(lang, "error-forbidden"),
        AppError::Unauthenticated => tr(lang, "error-unauthenticated"),
        AppError::Busy => tr(lang, "error-busy"),
        AppError::BadCredentials => tr(lang, "login-bad"),
        AppError::Locked { minutes, .. } => {
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("minutes", *minutes);
            crate::i18n::tr_args(lang, "login-locked", Some(&args))
        }
        AppError::Store(_) | AppError::Internal(_) => {
            tracing::error!(error = %e, "internal error");
            tr(lang, "error-internal")
        }
    }
}
