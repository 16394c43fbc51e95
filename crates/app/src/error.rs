//! Error policy: [`AppError::Invalid`] carries the field and a Vietnamese + English reason and is
//! shown to the user as is. [`AppError::NotFound`] is also what an out-of-scope read gets, so
//! scope never leaks existence. Storage errors are logged in full and shown only as a generic
//! message. Nothing is half-written: every use case runs in one transaction.

use ansinh_domain::Invalid;
use chrono::{DateTime, Utc};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Invalid(Invalid),
    #[error("không tìm thấy / not found")]
    NotFound,
    #[error("không có quyền / forbidden")]
    Forbidden,
    #[error("chưa đăng nhập / not signed in")]
    Unauthenticated,
    #[error("sai tên đăng nhập hoặc mật khẩu / wrong username or password")]
    BadCredentials,
    #[error("tài khoản tạm khoá đến {until} / account locked until {until}")]
    Locked { until: DateTime<Utc> },
    #[error("storage: {0}")]
    Store(#[from] ansinh_store::StoreError),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<Invalid> for AppError {
    fn from(e: Invalid) -> Self {
        AppError::Invalid(e)
    }
}

impl AppError {
    pub fn invalid(field: &str, vi: impl Into<String>, en: impl Into<String>) -> AppError {
        AppError::Invalid(Invalid::new(field, vi, en))
    }
}
