//! Tuổi nghỉ hưu — when a person reaches retirement age (Labour Code 2019 Art 169,
//! Decree 135/2020).
//!
//! The required age depends on the year Y in which it is reached
//! (`retirement.age_months.{sex}`, effective-dated by Y). From birth month B, try
//! Y = birth year + 50, 51, …: the first Y for which B + req(Y) falls in a year ≤ Y gives the
//! month T of reaching the age. Retirement is the last day of T; the pension starts on the 1st
//! of T + 1. Looking the age up by retirement year alone is wrong near year boundaries.

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::{BirthMonth, Month, Sex};
use crate::catalog::keys;
use crate::error::RuleError;
use crate::params::{Basis, ParamSet, ParamUsed};

/// Kết quả tuổi nghỉ hưu — the result of [`reach`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Retirement {
    /// Whole years of the required age.
    pub age_years: u32,
    /// Remaining months of the required age.
    pub age_months: u32,
    /// Tháng đủ tuổi nghỉ hưu — month T the age is reached.
    pub reached: Month,
    /// Tháng bắt đầu hưởng lương hưu — T + 1.
    pub pension_start: Month,
    /// Ngày nghỉ hưu — last day of T.
    pub last_day: NaiveDate,
    /// The parameter version that set the age.
    pub basis: Vec<ParamUsed>,
}

/// Years after birth searched for the year of reaching the age (ages are 50–70 in practice).
const SEARCH_YEARS: i32 = 40;

/// Tính thời điểm đủ tuổi nghỉ hưu — when a person of `sex` born in `birth` reaches
/// retirement age. A birth year without a month counts as January (Decree 135/2020 Art 3).
pub fn reach(params: &ParamSet, sex: Sex, birth: BirthMonth) -> Result<Retirement, RuleError> {
    let b = birth.to_month()?;
    let key = keys::retirement_age_months(sex);
    let series = params.series(key);
    for y in (b.year() + 50)..=(b.year() + 50 + SEARCH_YEARS) {
        let date = NaiveDate::from_ymd_opt(y, 1, 1)
            .ok_or(RuleError::InvalidBirthMonth { year: birth.year, month: birth.month })?;
        let v = series
            .and_then(|s| s.at_shared(date))
            .ok_or_else(|| RuleError::NotInForce { key: key.to_owned(), date })?;
        let req = v.value;
        let t = b
            .checked_add(req)
            .ok_or(RuleError::InvalidBirthMonth { year: birth.year, month: birth.month })?;
        if t.year() <= y {
            let mut basis = Basis::with_capacity(1);
            basis.add(v);
            let req = u32::try_from(req).unwrap_or(0);
            let pension_start = t
                .checked_add(1)
                .ok_or(RuleError::InvalidBirthMonth { year: birth.year, month: birth.month })?;
            return Ok(Retirement {
                age_years: req / 12,
                age_months: req % 12,
                reached: t,
                pension_start,
                last_day: t.last_day(),
                basis: basis.into_vec(),
            });
        }
    }
    Err(RuleError::InvalidBirthMonth { year: birth.year, month: birth.month })
}
