//! Lương hưu — pension rate, monthly pension, lump sum at retirement, average income and the
//! social pension (Law 41/2024 from 1 Jul 2025, Law 58/2014 before).
//!
//! - Eligible with at least `pension.min_years` years (15 from 1 Jul 2025, 20 before); the
//!   retirement age is assumed reached (see [`crate::retirement::reach`]).
//! - Rate: `pension.rate.base` (45%) at `pension.rate.base_years.{sex}` years (women 15, men 20),
//!   plus `pension.rate.step` (2%) per further year, at most `pension.rate.max` (75%). Men with
//!   15 to under 20 years: `pension.rate.male_reduced_base` (40%) at 15 years, plus 1% a year.
//!   Odd months: 1..=`pension.odd_months.half_year_max` (6) count as half a year, 7–11 as a year.
//! - Lump sum at retirement for the years above `pension.lump_sum.threshold_years.{sex}` (35/30):
//!   `pension.lump_sum.per_year` (0.5) × average income per year; those of the excess years
//!   contributed after reaching retirement age count `pension.lump_sum.after_age_per_year` (2).
//! - Average income = Σ(income × `pension.adjustment.{year}`) / months, with the coefficient
//!   table in force in the month the benefit is settled.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::calendar::{Month, Sex};
use crate::catalog::keys;
use crate::error::{Bilingual, RuleError};
use crate::money::{BPS, Vnd, round_vnd};
use crate::params::{Basis, ParamSet, ParamUsed, ParamVersion};

/// What [`compute`] is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PensionInput {
    /// Sex.
    pub sex: Sex,
    /// Whole years of contributions (compulsory + voluntary, minus withdrawn periods).
    pub years: u32,
    /// Odd months beyond the whole years, 0..=11.
    pub months: u32,
    /// Mức bình quân thu nhập tháng đóng BHXH — average monthly income (see [`average_income`]).
    pub average_income: Vnd,
    /// Months contributed after reaching retirement age.
    pub months_after_retirement_age: u32,
    /// Month the pension is settled (parameters are looked up on its first day).
    pub on: Month,
}

/// Kết quả lương hưu — the result of [`compute`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pension {
    /// Đủ điều kiện hưởng lương hưu.
    pub eligible: bool,
    /// Tỷ lệ hưởng, basis points (4500 = 45%).
    pub rate_bps: i64,
    /// Lương hưu hằng tháng.
    pub monthly_pension: Vnd,
    /// Trợ cấp một lần khi nghỉ hưu.
    pub lump_sum: Vnd,
    /// Contribution time as counted for the rate, in half years.
    pub counted_half_years: u32,
    /// Why, in both languages.
    pub reason: Bilingual,
    /// Every parameter version used.
    pub basis: Vec<ParamUsed>,
}

/// Odd months → half years: 0 → 0, 1..=half_max → 1, above → 2.
fn half_years(years: u32, months: u32, half_max: i64) -> u32 {
    let odd = match months {
        0 => 0,
        m if i64::from(m) <= half_max => 1,
        _ => 2,
    };
    years.saturating_mul(2).saturating_add(odd)
}

fn years_vi(hy: u32) -> String {
    if hy.is_multiple_of(2) { format!("{}", hy / 2) } else { format!("{},5", hy / 2) }
}

fn years_en(hy: u32) -> String {
    if hy.is_multiple_of(2) { format!("{}", hy / 2) } else { format!("{}.5", hy / 2) }
}

fn pct_vi(bps: i64) -> String {
    crate::Unit::BasisPoints.format_vi(bps)
}

fn pct_en(bps: i64) -> String {
    if bps % 100 == 0 {
        format!("{}%", bps / 100)
    } else {
        format!("{}.{:02}", bps / 100, bps % 100).trim_end_matches('0').to_owned() + "%"
    }
}

/// Tính lương hưu — pension rate, monthly amount and lump sum.
pub fn compute(params: &ParamSet, input: PensionInput) -> Result<Pension, RuleError> {
    if input.months > 11 {
        return Err(RuleError::InvalidOddMonths { months: input.months });
    }
    if input.average_income.0 < 0 {
        return Err(RuleError::NegativeAmount { field: "average_income", amount: input.average_income });
    }
    let date = input.on.first_day();
    let mut basis = Basis::with_capacity(10);
    let mut get = |key: &str| -> Result<i64, RuleError> {
        let v = params.get_shared(key, date)?;
        basis.add(v);
        Ok(v.value)
    };

    let min_years = get(keys::PENSION_MIN_YEARS)?;
    let total_months = i64::from(input.years) * 12 + i64::from(input.months);
    let (y, m) = (input.years, input.months);
    if total_months < min_years * 12 {
        return Ok(Pension {
            eligible: false,
            rate_bps: 0,
            monthly_pension: Vnd::ZERO,
            lump_sum: Vnd::ZERO,
            counted_half_years: 0,
            reason: Bilingual::new(
                format!(
                    "Chưa đủ điều kiện hưởng lương hưu: có {y} năm {m} tháng đóng BHXH, cần tối thiểu {min_years} năm"
                ),
                format!(
                    "Not eligible for a pension: {y} years {m} months of contributions, at least {min_years} years needed"
                ),
            ),
            basis: basis.into_vec(),
        });
    }

    let half_max = get(keys::PENSION_ODD_MONTHS_HALF_YEAR_MAX)?;
    let hy = half_years(input.years, input.months, half_max);
    let base = get(keys::PENSION_RATE_BASE)?;
    let step = get(keys::PENSION_RATE_STEP)?;
    let max = get(keys::PENSION_RATE_MAX)?;
    let base_years = get(keys::pension_base_years(input.sex))?;
    let hy64 = i64::from(hy);

    let rate = if hy64 >= 2 * base_years || input.sex == Sex::Female {
        base + step * (hy64 - 2 * base_years) / 2
    } else {
        // Men between the minimum and the base years (15 to under 20 from 1 Jul 2025).
        let reduced = get(keys::PENSION_RATE_MALE_REDUCED_BASE)?;
        let reduced_step = get(keys::PENSION_RATE_MALE_REDUCED_STEP)?;
        reduced + reduced_step * (hy64 - 2 * min_years) / 2
    }
    .clamp(0, max);
    let avg = i128::from(input.average_income.0);
    let monthly_pension = round_vnd(avg * i128::from(rate), BPS);

    let threshold = get(keys::lump_sum_threshold_years(input.sex))?;
    let excess = u32::try_from((hy64 - 2 * threshold).max(0)).unwrap_or(0);
    let mut lump_sum = Vnd::ZERO;
    let mut after_excess = 0;
    if excess > 0 {
        let per_year = get(keys::PENSION_LUMP_SUM_PER_YEAR)?;
        let after = input.months_after_retirement_age;
        after_excess = half_years(after / 12, after % 12, half_max).min(excess);
        let after_per_year = if after_excess > 0 {
            match params.find(keys::PENSION_LUMP_SUM_AFTER_AGE_PER_YEAR, date) {
                Some(v) => {
                    basis.add(v);
                    v.value
                }
                None => per_year,
            }
        } else {
            0
        };
        // Coefficients are per year; the counts are half years, hence 2 × BPS.
        let weighted = i128::from(excess - after_excess) * i128::from(per_year)
            + i128::from(after_excess) * i128::from(after_per_year);
        lump_sum = round_vnd(avg * weighted, 2 * BPS);
    }

    let mut vi = format!(
        "Đủ điều kiện: {y} năm {m} tháng đóng BHXH (tính {} năm), tỷ lệ hưởng {}",
        years_vi(hy),
        pct_vi(rate)
    );
    let mut en = format!(
        "Eligible: {y} years {m} months of contributions (counted as {} years), pension rate {}",
        years_en(hy),
        pct_en(rate)
    );
    if excess > 0 {
        vi += &format!("; trợ cấp một lần cho {} năm vượt {threshold} năm", years_vi(excess));
        en += &format!("; lump sum for {} years above {threshold} years", years_en(excess));
        if after_excess > 0 {
            vi += &format!(" (trong đó {} năm đóng sau tuổi nghỉ hưu)", years_vi(after_excess));
            en += &format!(" ({} of them after retirement age)", years_en(after_excess));
        }
    }
    Ok(Pension {
        eligible: true,
        rate_bps: rate,
        monthly_pension,
        lump_sum,
        counted_half_years: hy,
        reason: Bilingual::new(vi, en),
        basis: basis.into_vec(),
    })
}

/// Mức bình quân thu nhập tháng — the result of [`average_income`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AverageIncome {
    /// Σ adjusted income / months.
    pub average: Vnd,
    /// Months counted.
    pub months: u32,
    /// Σ adjusted income.
    pub total_adjusted: Vnd,
    /// Month of settlement whose coefficient table was used.
    pub on: Month,
    /// Coefficients used.
    pub basis: Vec<ParamUsed>,
}

/// Average income, settled the month after the last contributed month (the usual pension start).
pub fn average_income(params: &ParamSet, history: &[(Month, Vnd)]) -> Result<AverageIncome, RuleError> {
    let last = history.iter().map(|(m, _)| *m).max().ok_or(RuleError::EmptyHistory)?;
    let on = last.checked_add(1).ok_or(RuleError::InvalidMonth { input: last.to_string() })?;
    average_income_on(params, history, on)
}

/// Average income with the coefficient table in force in `on` (the settlement month).
pub fn average_income_on(
    params: &ParamSet,
    history: &[(Month, Vnd)],
    on: Month,
) -> Result<AverageIncome, RuleError> {
    if history.is_empty() {
        return Err(RuleError::EmptyHistory);
    }
    let date = on.first_day();
    let mut basis = Basis::with_capacity(20);
    let mut coefs: Vec<(i32, Arc<ParamVersion>)> = Vec::new();
    let mut total: i128 = 0;
    for (month, income) in history {
        if income.0 < 0 {
            return Err(RuleError::NegativeAmount { field: "history", amount: *income });
        }
        let year = month.year();
        let coef = match coefs.iter().find(|(y, _)| *y == year) {
            Some((_, v)) => Arc::clone(v),
            None => {
                let v = Arc::clone(params.get_shared(&keys::pension_adjustment(year), date)?);
                basis.add(&v);
                coefs.push((year, Arc::clone(&v)));
                v
            }
        };
        total += i128::from(income.0) * i128::from(coef.value);
    }
    let n = u32::try_from(history.len()).unwrap_or(u32::MAX);
    Ok(AverageIncome {
        average: round_vnd(total, BPS * i128::from(n)),
        months: n,
        total_adjusted: round_vnd(total, BPS),
        on,
        basis: basis.into_vec(),
    })
}

/// Trợ cấp hưu trí xã hội — the result of [`social_pension`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SocialPension {
    /// Whether the age condition is met.
    pub eligible: bool,
    /// Monthly amount (0 if not eligible).
    pub monthly: Vnd,
    /// The monthly amount in force on `on`, eligible or not (what it pays once the age is met).
    pub amount: Vnd,
    /// Age from which it is paid for this person.
    pub from_age: u32,
    /// Every parameter version used.
    pub basis: Vec<ParamUsed>,
}

/// Trợ cấp hưu trí xã hội — social pension for a person of `age_years` in `on`
/// (75+, or 70+ if the household is poor / near-poor). Other conditions (no pension, no other
/// monthly allowance) are the caller's.
pub fn social_pension(
    params: &ParamSet,
    age_years: u32,
    poor_or_near_poor: bool,
    on: Month,
) -> Result<SocialPension, RuleError> {
    let date = on.first_day();
    let mut basis = Basis::with_capacity(2);
    let age_key = if poor_or_near_poor { keys::SOCIAL_PENSION_AGE_POOR } else { keys::SOCIAL_PENSION_AGE };
    let age = params.get_shared(age_key, date)?;
    basis.add(age);
    let amount = params.get_shared(keys::SOCIAL_PENSION_AMOUNT, date)?;
    basis.add(amount);
    let eligible = i64::from(age_years) >= age.value;
    Ok(SocialPension {
        eligible,
        monthly: if eligible { Vnd(amount.value) } else { Vnd::ZERO },
        amount: Vnd(amount.value),
        from_age: u32::try_from(age.value).unwrap_or(u32::MAX),
        basis: basis.into_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_months_round_to_half_years() {
        assert_eq!(half_years(15, 0, 6), 30);
        assert_eq!(half_years(15, 1, 6), 31);
        assert_eq!(half_years(15, 6, 6), 31);
        assert_eq!(half_years(15, 7, 6), 32);
        assert_eq!(half_years(15, 11, 6), 32);
    }

    #[test]
    fn percent_text() {
        assert_eq!(pct_en(4500), "45%");
        assert_eq!(pct_en(4050), "40.5%");
        assert_eq!(pct_vi(4050), "40,5%");
    }
}
