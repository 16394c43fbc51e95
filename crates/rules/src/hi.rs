//! BHYT hộ gia đình — household health insurance: the amount per member and when the card
//! becomes valid (Decree 146/2018 Art 7, kept by Decree 188/2025; Law on HI Art 16).
//!
//! 1st member `hi.household.rate` (4.5%) × base salary; 2nd, 3rd, 4th members 70%, 60%, 50% of
//! the 1st; 5th and later 40% (`hi.household.share.{ordinal}`). Only members joining through the
//! household scheme in the same fiscal year are counted — the caller orders them.
//!
//! The whole period is priced at the base salary in force in the payment month: the household
//! pays once for the period and is not asked for a top-up when the base salary rises during it.

use chrono::{Days, Months, NaiveDate};
use serde::Serialize;

use crate::calendar::Month;
use crate::catalog::keys;
use crate::error::RuleError;
use crate::money::{BPS, Vnd, round_vnd};
use crate::params::{Basis, ParamSet, ParamUsed};

/// One member's monthly amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct HiMember {
    /// Thứ tự người tham gia — 1-based ordinal in the household.
    pub ordinal: u32,
    /// Share of the first member's amount, in basis points.
    pub share_bps: i64,
    /// Monthly amount.
    pub monthly: Vnd,
}

/// Báo giá BHYT hộ gia đình — the result of [`household`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HiQuote {
    /// Payment month (parameters looked up on its first day).
    pub month: Month,
    /// Months paid.
    pub months: u32,
    /// Per member.
    pub members: Vec<HiMember>,
    /// Σ monthly amounts.
    pub monthly_total: Vnd,
    /// monthly_total × months.
    pub total: Vnd,
    /// Every parameter version used.
    pub basis: Vec<ParamUsed>,
}

/// Mức đóng BHYT hộ gia đình — amounts for `members` members paying `months` months from
/// `month`. `months` = 1 asks for the monthly amounts only; more months must be an allowed
/// payment period (`hi.household.period.{months}` = 1).
pub fn household(params: &ParamSet, members: u32, month: Month, months: u32) -> Result<HiQuote, RuleError> {
    if members == 0 {
        return Err(RuleError::NoMembers);
    }
    let date = month.first_day();
    let mut basis = Basis::with_capacity(8);

    let allowed_key = keys::hi_household_period(months);
    match params.find(&allowed_key, date) {
        Some(v) if v.value == 1 => basis.add(v),
        _ if months == 1 => {}
        _ => {
            let allowed = (1..=60)
                .filter(|m| params.find(&keys::hi_household_period(*m), date).is_some_and(|v| v.value == 1))
                .collect();
            return Err(RuleError::InvalidHiPeriod { months, allowed });
        }
    }

    let base = params.get_shared(keys::BASE_SALARY, date)?;
    let rate = params.get_shared(keys::HI_HOUSEHOLD_RATE, date)?;
    basis.add(base);
    basis.add(rate);
    let first = round_vnd(i128::from(base.value) * i128::from(rate.value), BPS);

    let mut out = Vec::with_capacity(members as usize);
    for ordinal in 1..=members {
        let share = params.get_shared(keys::hi_household_share(ordinal), date)?;
        basis.add(share);
        // "70% of the first member's amount": a share of the rounded amount the first pays.
        let monthly = first.apply_bps(share.value);
        out.push(HiMember { ordinal, share_bps: share.value, monthly });
    }
    let monthly_total: Vnd = out.iter().map(|m| m.monthly).sum();
    Ok(HiQuote {
        month,
        months,
        members: out,
        monthly_total,
        total: Vnd(monthly_total.0 * i64::from(months)),
        basis: basis.into_vec(),
    })
}

/// Ngày thẻ BHYT có giá trị — with the shipped parameters; see [`card_valid_from_with`].
pub fn card_valid_from(
    payment_date: NaiveDate,
    previous_card_end: Option<NaiveDate>,
) -> Result<NaiveDate, RuleError> {
    card_valid_from_with(ParamSet::bundled_ref(), payment_date, previous_card_end)
}

/// Ngày thẻ BHYT có giá trị — the first day a household HI card is valid.
///
/// - first time (no previous card), or a break of at least `hi.card.break_months` months after
///   the previous card's last day → `hi.card.waiting_days` days after the payment;
/// - paid while the previous card is still valid → the day after it ends (continuous);
/// - a shorter break → from the payment date (Law on HI Art 16 cl 3 as amended).
pub fn card_valid_from_with(
    params: &ParamSet,
    payment_date: NaiveDate,
    previous_card_end: Option<NaiveDate>,
) -> Result<NaiveDate, RuleError> {
    let wait = params.get(keys::HI_CARD_WAITING_DAYS, payment_date)?.value;
    let after_wait =
        payment_date.checked_add_days(Days::new(u64::try_from(wait).unwrap_or(0))).unwrap_or(NaiveDate::MAX);
    let Some(end) = previous_card_end else {
        return Ok(after_wait);
    };
    let next = end.succ_opt().unwrap_or(NaiveDate::MAX);
    if payment_date < next {
        return Ok(next);
    }
    let break_months = params.get(keys::HI_CARD_BREAK_MONTHS, payment_date)?.value;
    let long_break_from = next
        .checked_add_months(Months::new(u32::try_from(break_months).unwrap_or(0)))
        .unwrap_or(NaiveDate::MAX);
    Ok(if payment_date >= long_break_from { after_wait } else { payment_date })
}
