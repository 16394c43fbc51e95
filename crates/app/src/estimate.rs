//! Máy tính BHXH tự nguyện — the citizen's estimator: what to pay now and per year, the
//! state (and provincial) support, the month of retirement, the estimated pension and lump
//! sum, and a few plans side by side. Pure computation on the rules with the parameters in
//! force; every assumption is listed so the page can say it.

use ansinh_domain::Invalid;
use ansinh_rules::vsi::{self, LocalGroup, PaymentMode, SupportCategory, VsiQuote};
use ansinh_rules::{BirthMonth, Month, ParamSet, ParamUsed, RuleError, Sex, Vnd, keys, pension, retirement};

/// What the person tells the estimator.
#[derive(Debug, Clone)]
pub struct EstimateInput {
    pub sex: Sex,
    pub birth: BirthMonth,
    /// Months of contributions already paid (compulsory and voluntary).
    pub paid_months: u32,
    pub income: Vnd,
    pub category: SupportCategory,
    /// 1, 3, 6, 12, or 24–60 (whole years paid ahead).
    pub mode_months: u32,
    pub province: Option<String>,
    pub group: Option<LocalGroup>,
    /// First month to pay.
    pub start: Month,
}

/// One plan of the side-by-side comparison.
#[derive(Debug, Clone)]
pub struct Plan {
    pub income: Vnd,
    /// What the person pays for one month (after support).
    pub monthly_payable: Vnd,
    pub monthly_support: Vnd,
    /// Twelve months at today's parameters.
    pub yearly_payable: Vnd,
    pub pension: Option<pension::Pension>,
    /// Set when this income is not allowed (e.g. under the poverty line).
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Estimate {
    pub quote: VsiQuote,
    pub retirement: retirement::Retirement,
    /// The person has already reached retirement age at `start`.
    pub retired_already: bool,
    /// Contribution months at retirement if paying every month from `start`.
    pub months_at_retirement: u32,
    pub pension: pension::Pension,
    /// Months still missing for the minimum (0 when eligible).
    pub missing_months: u32,
    pub plans: Vec<Plan>,
    /// Every parameter used, without duplicates.
    pub basis: Vec<ParamUsed>,
    /// A provincial layer was asked for but gives nothing for these months or this group.
    pub local_layer_missing: bool,
}

fn quote(
    params: &ParamSet,
    i: &EstimateInput,
    income: Vnd,
    mode: PaymentMode,
) -> Result<VsiQuote, RuleError> {
    let mut input = vsi::VsiInput::new(i.start, income);
    input.category = i.category;
    input.mode = mode;
    input.province = i.province.clone();
    input.local_group = i.group;
    vsi::quote(params, &input)
}

fn pension_at(
    params: &ParamSet,
    i: &EstimateInput,
    months: u32,
    income: Vnd,
    on: Month,
) -> Result<pension::Pension, RuleError> {
    pension::compute(
        params,
        pension::PensionInput {
            sex: i.sex,
            years: months / 12,
            months: months % 12,
            average_income: income,
            months_after_retirement_age: 0,
            on,
        },
    )
}

fn add_basis(all: &mut Vec<ParamUsed>, more: &[ParamUsed]) {
    for u in more {
        if !all.iter().any(|x| x.key == u.key && x.effective_from == u.effective_from) {
            all.push(u.clone());
        }
    }
}

/// The incomes compared side by side: the minimum (rural poverty line at `start`), 3 and 5
/// million, and the person's own choice.
pub fn plan_incomes(params: &ParamSet, start: Month, chosen: Vnd) -> Vec<Vnd> {
    // The caller priced `start` already, so the poverty line is there; without it only the
    // person's own choice is compared.
    let Ok(min) = params.value(keys::POVERTY_LINE_RURAL, start.first_day()).map(Vnd) else {
        return vec![chosen];
    };
    let mut v = vec![min, Vnd(3_000_000), Vnd(5_000_000), chosen];
    v.sort();
    v.dedup();
    v.retain(|x| *x >= min);
    v
}

/// Compute the estimate; errors name the form field.
pub fn estimate(params: &ParamSet, i: &EstimateInput) -> Result<Estimate, Invalid> {
    let q = quote(params, i, i.income, crate::calc::mode(i.mode_months)?).map_err(Invalid::from)?;
    let ret = retirement::reach(params, i.sex, i.birth).map_err(Invalid::from)?;
    let retired_already = ret.reached < i.start;
    let future = if retired_already { 0 } else { (i.start.months_until(ret.reached) + 1).max(0) as u32 };
    let months_at_retirement = i.paid_months + future;
    let on = if retired_already { i.start } else { ret.pension_start };
    let p = pension_at(params, i, months_at_retirement, i.income, on).map_err(Invalid::from)?;
    let min_years = params.value(keys::PENSION_MIN_YEARS, on.first_day()).map_err(Invalid::from)? as u32;
    let missing_months = (min_years * 12).saturating_sub(months_at_retirement);

    let mut basis = Vec::new();
    add_basis(&mut basis, &q.basis);
    add_basis(&mut basis, &ret.basis);
    add_basis(&mut basis, &p.basis);

    let mut plans = Vec::new();
    for income in plan_incomes(params, i.start, i.income) {
        let plan = match quote(params, i, income, PaymentMode::Monthly) {
            Ok(m) => {
                let pen = pension_at(params, i, months_at_retirement, income, on).ok();
                Plan {
                    income,
                    monthly_payable: m.payable,
                    monthly_support: Vnd(m.state_support.0 + m.local_support.0),
                    yearly_payable: Vnd(m.payable.0 * 12),
                    pension: pen,
                    error: None,
                }
            }
            Err(e) => Plan {
                income,
                monthly_payable: Vnd(0),
                monthly_support: Vnd(0),
                yearly_payable: Vnd(0),
                pension: None,
                error: Some(e.message_vi()),
            },
        };
        plans.push(plan);
    }
    let local_layer_missing = i.province.is_some() && q.local_support.0 == 0;
    Ok(Estimate {
        quote: q,
        retirement: ret,
        retired_already,
        months_at_retirement,
        pension: p,
        missing_months,
        plans,
        basis,
        local_layer_missing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> EstimateInput {
        EstimateInput {
            sex: Sex::Male,
            birth: BirthMonth::new(1980, 5),
            paid_months: 36,
            income: Vnd(3_000_000),
            category: SupportCategory::Others,
            mode_months: 12,
            province: None,
            group: None,
            start: Month::parse("2026-01").unwrap(),
        }
    }

    #[test]
    fn estimate_adds_future_months_until_retirement() {
        let p = ParamSet::bundled();
        let e = estimate(&p, &input()).unwrap();
        // A man born 05/1980 retires at 62 (from 2028): 05/2042.
        assert_eq!(e.retirement.reached, Month::parse("2042-05").unwrap());
        let future = Month::parse("2026-01").unwrap().months_until(e.retirement.reached) as u32 + 1;
        assert_eq!(e.months_at_retirement, 36 + future);
        assert!(e.pension.eligible, "{:?}", e.pension.reason);
        assert_eq!(e.missing_months, 0);
        assert_eq!(e.quote.months, 12);
        assert_eq!(e.plans.first().unwrap().income, Vnd(1_500_000), "minimum plan first");
        assert!(e.plans.windows(2).all(|w| w[0].monthly_payable < w[1].monthly_payable));
        assert!(e.plans.windows(2).all(|w| w[0].pension.as_ref().unwrap().monthly_pension
            < w[1].pension.as_ref().unwrap().monthly_pension));
    }

    #[test]
    fn short_careers_show_missing_months() {
        let p = ParamSet::bundled();
        let i = EstimateInput { birth: BirthMonth::new(1968, 1), paid_months: 0, ..input() };
        let e = estimate(&p, &i).unwrap();
        assert!(!e.pension.eligible);
        assert!(e.missing_months > 0 && e.missing_months < 15 * 12);
        assert_eq!(e.months_at_retirement + e.missing_months, 15 * 12);
    }

    #[test]
    fn bad_income_names_the_field() {
        let p = ParamSet::bundled();
        let e = estimate(&p, &EstimateInput { income: Vnd(100), ..input() }).unwrap_err();
        assert_eq!(e.field, "income");
    }
}
