//! Error policy: [`AppError::Invalid`] carries every bad field with a Vietnamese + English
//! reason and is shown to the user as is. [`AppError::NotFound`] is also what an out-of-scope read gets, so
//! scope never leaks existence. A database too busy to answer in time is [`AppError::Busy`]
//! ("try again", HTTP 503), never a failure. Storage errors are logged in full and shown only as a generic
//! message. Nothing is half-written: every use case runs in one transaction.

use ansinh_domain::Invalid;
use chrono::{DateTime, Utc};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Every invalid field found, at once (never empty): a form or an API client can mark them
    /// all. The use case is the only validator.
    #[error("{}", join(.0))]
    Invalid(Vec<Invalid>),
    #[error("không tìm thấy / not found")]
    NotFound,
    #[error("không có quyền / forbidden")]
    Forbidden,
    #[error("chưa đăng nhập / not signed in")]
    Unauthenticated,
    #[error("sai tên đăng nhập hoặc mật khẩu / wrong username or password")]
    BadCredentials,
    #[error("tài khoản tạm khoá đến {until} / account locked until {until}")]
    /// `minutes`: how long until it opens again, rounded up, as of when the error was made.
    Locked { until: DateTime<Utc>, minutes: i64 },
    /// The database was too busy to answer in time (a long import holds the write lock):
    /// nothing was written; try again shortly.
    #[error("hệ thống đang bận / busy, try again")]
    Busy,
    #[error("storage: {0}")]
    Store(ansinh_store::StoreError),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<ansinh_store::StoreError> for AppError {
    fn from(e: ansinh_store::StoreError) -> Self {
        if e.is_busy() {
            tracing::warn!(error = %e, "database busy");
            AppError::Busy
        } else {
            AppError::Store(e)
        }
    }
}

impl From<ansinh_rules::RuleError> for AppError {
    fn from(e: ansinh_rules::RuleError) -> Self {
        AppError::Invalid(vec![e.into()])
    }
}

impl From<Invalid> for AppError {
    fn from(e: Invalid) -> Self {
        AppError::Invalid(vec![e])
    }
}

impl AppError {
    pub fn invalid(field: &str, vi: impl Into<String>, en: impl Into<String>) -> AppError {
        AppError::Invalid(vec![Invalid::new(field, vi, en)])
    }
}

fn join(list: &[Invalid]) -> String {
    list.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

impl AppError {
    /// The first invalid field, if this is an [`AppError::Invalid`].
    pub fn first_invalid(&self) -> Option<&Invalid> {
        match self {
            AppError::Invalid(list) => list.first(),
            _ => None,
        }
    }
}
