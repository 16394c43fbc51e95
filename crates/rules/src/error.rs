//! Errors of the rules crate.
//!
//! Error policy: every error is about the caller's input or the parameter data, never about the
//! machine (the crate does no I/O). Each variant
//! - names the field it is about, machine-readable, through [`RuleError::field`];
//! - renders a Vietnamese message first and an English one second ([`RuleError::message_vi`],
//!   [`RuleError::message_en`]; `Display` joins them with " / "), naming the value, the reason
//!   and, where there is one, the allowed range and the month;
//! - carries the raw values, so the web layer can re-render it in its own templates.
//!
//! Dates in Vietnamese messages are `dd/mm/yyyy`, in English ones ISO `yyyy-mm-dd`; money is
//! `1.500.000 ₫` in Vietnamese and `1,500,000 VND` in English.

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::{CalendarError, Month};
use crate::money::Vnd;

/// A text in both interface languages, Vietnamese first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Bilingual {
    /// Tiếng Việt.
    pub vi: String,
    /// English.
    pub en: String,
}

impl Bilingual {
    /// Both texts.
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Bilingual {
        Bilingual { vi: vi.into(), en: en.into() }
    }
}

impl std::fmt::Display for Bilingual {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", self.vi, self.en)
    }
}

/// Why a rule could not be applied.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{} / {}", self.message_vi(), self.message_en())]
#[non_exhaustive]
pub enum RuleError {
    /// The key is not in the parameter catalogue.
    UnknownKey {
        /// The key given.
        key: String,
    },
    /// No version of a known parameter is in force on the date.
    NotInForce {
        /// Parameter key.
        key: String,
        /// Date looked up.
        date: NaiveDate,
    },
    /// `effective_to` is not after `effective_from`.
    InvalidPeriod {
        /// Parameter key.
        key: String,
        /// Start (inclusive).
        from: NaiveDate,
        /// End (exclusive).
        to: NaiveDate,
    },
    /// A value outside what the parameter's unit allows.
    InvalidValue {
        /// Parameter key.
        key: String,
        /// Value given.
        value: i64,
        /// Why, in both languages.
        reason: Bilingual,
    },
    /// Two versions of the same key would be in force on the same day.
    Overlap {
        /// Parameter key.
        key: String,
        /// The new version's start.
        new_from: NaiveDate,
        /// The new version's end (exclusive), if any.
        new_to: Option<NaiveDate>,
        /// The existing version's start.
        existing_from: NaiveDate,
        /// The existing version's end (exclusive), if any.
        existing_to: Option<NaiveDate>,
    },
    /// The parameter file could not be read.
    Data {
        /// What is wrong, from the TOML parser or the checks.
        reason: String,
    },
    /// Not a `YYYY-MM` month.
    InvalidMonth {
        /// Text given.
        input: String,
    },
    /// A birth month that is not a valid month.
    InvalidBirthMonth {
        /// Year given.
        year: i32,
        /// Month given.
        month: Option<u32>,
    },
    /// Chosen VSI income outside [rural poverty line, 20 × MTC] for a month.
    IncomeOutOfRange {
        /// The month whose parameters were broken.
        month: Month,
        /// Income chosen.
        income: Vnd,
        /// Smallest allowed (rural poverty line).
        min: Vnd,
        /// Largest allowed (multiple × MTC).
        max: Vnd,
    },
    /// A number of months the payment mode does not allow.
    InvalidModeMonths {
        /// Mode, e.g. `ahead_years`.
        mode: &'static str,
        /// Months given.
        months: u32,
        /// Smallest allowed.
        min: u32,
        /// Largest allowed.
        max: u32,
        /// Whether the months must be whole years.
        whole_years: bool,
    },
    /// A province code that is not two digits.
    InvalidProvince {
        /// Text given.
        input: String,
    },
    /// A household with no members.
    NoMembers,
    /// A health-insurance period that is not one of the allowed lengths.
    InvalidHiPeriod {
        /// Months given.
        months: u32,
        /// Lengths allowed in that month.
        allowed: Vec<u32>,
    },
    /// Odd months of contribution must be 0..=11.
    InvalidOddMonths {
        /// Months given.
        months: u32,
    },
    /// A negative amount where only amounts ≥ 0 make sense.
    NegativeAmount {
        /// Field name.
        field: &'static str,
        /// Amount given.
        amount: Vnd,
    },
    /// An average income needs at least one month of history.
    EmptyHistory,
}

fn vi_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn vi_period(from: NaiveDate, to: Option<NaiveDate>) -> String {
    match to {
        Some(to) => format!("{} – {}", vi_date(from), vi_date(to)),
        None => format!("từ {} (không thời hạn)", vi_date(from)),
    }
}

fn en_period(from: NaiveDate, to: Option<NaiveDate>) -> String {
    match to {
        Some(to) => format!("[{from}, {to})"),
        None => format!("[{from}, open)"),
    }
}

impl RuleError {
    /// The machine-readable name of the field the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            RuleError::UnknownKey { .. } | RuleError::Data { .. } => "key",
            RuleError::NotInForce { .. } => "effective_from",
            RuleError::InvalidPeriod { .. } => "effective_to",
            RuleError::InvalidValue { .. } => "value",
            RuleError::Overlap { .. } => "effective_from",
            RuleError::InvalidMonth { .. } => "month",
            RuleError::InvalidBirthMonth { .. } => "birth_month",
            RuleError::IncomeOutOfRange { .. } => "income",
            RuleError::InvalidModeMonths { .. } => "mode",
            RuleError::InvalidProvince { .. } => "province",
            RuleError::NoMembers => "members",
            RuleError::InvalidHiPeriod { .. } => "months",
            RuleError::InvalidOddMonths { .. } => "months",
            RuleError::NegativeAmount { field, .. } => field,
            RuleError::EmptyHistory => "history",
        }
    }

    /// The message in Vietnamese.
    pub fn message_vi(&self) -> String {
        match self {
            RuleError::UnknownKey { key } => {
                format!("Tham số “{key}” không có trong danh mục tham số")
            }
            RuleError::NotInForce { key, date } => {
                format!("Không có giá trị nào của tham số “{key}” có hiệu lực ngày {}", vi_date(*date))
            }
            RuleError::InvalidPeriod { key, from, to } => format!(
                "Thời gian hiệu lực của tham số “{key}” không hợp lệ: ngày hết hiệu lực {} phải sau ngày bắt đầu {}",
                vi_date(*to),
                vi_date(*from)
            ),
            RuleError::InvalidValue { key, value, reason } => {
                format!("Giá trị {value} của tham số “{key}” không hợp lệ: {}", reason.vi)
            }
            RuleError::Overlap { key, new_from, new_to, existing_from, existing_to } => format!(
                "Thời gian hiệu lực {} của tham số “{key}” chồng lấn với phiên bản đang có ({}); chỉ phiên bản không thời hạn liền trước mới được tự động kết thúc",
                vi_period(*new_from, *new_to),
                vi_period(*existing_from, *existing_to)
            ),
            RuleError::Data { reason } => format!("Tệp tham số không hợp lệ: {reason}"),
            RuleError::InvalidMonth { input } => {
                format!("Tháng “{input}” không hợp lệ, cần dạng NNNN-TT (ví dụ 2025-07)")
            }
            RuleError::InvalidBirthMonth { year, month } => match month {
                Some(m) => format!("Tháng năm sinh {m:02}/{year} không hợp lệ"),
                None => format!("Năm sinh {year} không hợp lệ"),
            },
            RuleError::IncomeOutOfRange { month, income, min, max } => format!(
                "Mức thu nhập tháng làm căn cứ đóng {} ngoài khoảng cho phép {} – {} cho tháng {}",
                income.format_vi(),
                min.format_vi(),
                max.format_vi(),
                month.format_vi()
            ),
            RuleError::InvalidModeMonths { mode, months, min, max, whole_years } => format!(
                "Số tháng {months} không hợp lệ cho phương thức đóng “{}”: cho phép từ {min} đến {max} tháng{}",
                mode_vi(mode),
                if *whole_years { ", là bội số của 12" } else { "" }
            ),
            RuleError::InvalidProvince { input } => {
                format!("Mã tỉnh “{input}” không hợp lệ, cần 2 chữ số (ví dụ 42)")
            }
            RuleError::NoMembers => "Hộ gia đình phải có ít nhất 1 thành viên tham gia".to_owned(),
            RuleError::InvalidHiPeriod { months, allowed } => {
                format!("Thời hạn đóng BHYT {months} tháng không hợp lệ; được phép: {} tháng", join(allowed))
            }
            RuleError::InvalidOddMonths { months } => {
                format!("Số tháng lẻ {months} không hợp lệ, phải từ 0 đến 11")
            }
            RuleError::NegativeAmount { field, amount } => {
                format!("Số tiền “{field}” {} không được âm", amount.format_vi())
            }
            RuleError::EmptyHistory => "Cần ít nhất một tháng đã đóng để tính bình quân thu nhập".to_owned(),
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            RuleError::UnknownKey { key } => {
                format!("unknown parameter key “{key}” (not in the parameter catalogue)")
            }
            RuleError::NotInForce { key, date } => {
                format!("no version of parameter “{key}” is in force on {date}")
            }
            RuleError::InvalidPeriod { key, from, to } => format!(
                "invalid period for parameter “{key}”: effective_to {to} must be after effective_from {from}"
            ),
            RuleError::InvalidValue { key, value, reason } => {
                format!("invalid value {value} for parameter “{key}”: {}", reason.en)
            }
            RuleError::Overlap { key, new_from, new_to, existing_from, existing_to } => format!(
                "the period {} of parameter “{key}” overlaps the existing version {}; only an open-ended predecessor is closed automatically",
                en_period(*new_from, *new_to),
                en_period(*existing_from, *existing_to)
            ),
            RuleError::Data { reason } => format!("invalid parameter file: {reason}"),
            RuleError::InvalidMonth { input } => {
                format!("invalid month “{input}”, expected YYYY-MM (e.g. 2025-07)")
            }
            RuleError::InvalidBirthMonth { year, month } => match month {
                Some(m) => format!("invalid birth month {year}-{m:02}"),
                None => format!("invalid birth year {year}"),
            },
            RuleError::IncomeOutOfRange { month, income, min, max } => format!(
                "income {} outside the allowed range {} – {} for {}",
                income.format_en(),
                min.format_en(),
                max.format_en(),
                month.format_vi()
            ),
            RuleError::InvalidModeMonths { mode, months, min, max, whole_years } => format!(
                "{months} months is not allowed for payment mode “{mode}”: allowed {min} to {max} months{}",
                if *whole_years { ", in whole years (multiple of 12)" } else { "" }
            ),
            RuleError::InvalidProvince { input } => {
                format!("invalid province code “{input}”, expected 2 digits (e.g. 42)")
            }
            RuleError::NoMembers => "a household needs at least 1 participating member".to_owned(),
            RuleError::InvalidHiPeriod { months, allowed } => format!(
                "a health-insurance period of {months} months is not allowed; allowed: {} months",
                join(allowed)
            ),
            RuleError::InvalidOddMonths { months } => {
                format!("odd months {months} is invalid, must be 0 to 11")
            }
            RuleError::NegativeAmount { field, amount } => {
                format!("amount “{field}” {} must not be negative", amount.format_en())
            }
            RuleError::EmptyHistory => "an average income needs at least one contributed month".to_owned(),
        }
    }

    /// Both messages.
    pub fn message(&self) -> Bilingual {
        Bilingual::new(self.message_vi(), self.message_en())
    }
}

fn mode_vi(mode: &str) -> &'static str {
    match mode {
        "ahead_years" => "đóng một lần cho nhiều năm về sau",
        "missing_at_retirement" => "đóng một lần cho thời gian còn thiếu",
        _ => "khác",
    }
}

fn join(v: &[u32]) -> String {
    v.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
}

impl From<CalendarError> for RuleError {
    fn from(e: CalendarError) -> Self {
        match e {
            CalendarError::InvalidMonth { input } => RuleError::InvalidMonth { input },
            CalendarError::InvalidBirthMonth { year, month } => RuleError::InvalidBirthMonth { year, month },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn income_message_matches_the_house_style() {
        let e = RuleError::IncomeOutOfRange {
            month: Month::parse("2025-03").unwrap(),
            income: Vnd(1_000_000),
            min: Vnd(1_500_000),
            max: Vnd(46_800_000),
        };
        assert_eq!(e.field(), "income");
        assert_eq!(
            e.to_string(),
            "Mức thu nhập tháng làm căn cứ đóng 1.000.000\u{a0}₫ ngoài khoảng cho phép 1.500.000\u{a0}₫ – 46.800.000\u{a0}₫ cho tháng 03/2025 \
             / income 1,000,000 VND outside the allowed range 1,500,000 VND – 46,800,000 VND for 03/2025"
        );
    }
}
