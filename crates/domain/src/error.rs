//! Error policy: input that cannot become a domain value is an [`Invalid`] naming the field and
//! the reason in Vietnamese first and English second. It is shown to the user as is; nothing is
//! written when one is raised.

use std::fmt;

/// A value that could not be accepted: which field, and why (Vietnamese, English).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Invalid {
    pub field: String,
    pub vi: String,
    pub en: String,
}

impl Invalid {
    pub fn new(field: impl Into<String>, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self { field: field.into(), vi: vi.into(), en: en.into() }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.vi, self.en)
    }
}

impl std::error::Error for Invalid {}

/// A rule that cannot be applied (an income out of range, a missing parameter) names its
/// field and reason like any other invalid input.
impl From<ansinh_rules::RuleError> for Invalid {
    fn from(e: ansinh_rules::RuleError) -> Self {
        Invalid::new(e.field(), e.message_vi(), e.message_en())
    }
}
