//! Máy tính BHXH tự nguyện — the citizen's estimator: what to pay now and per year, the
//! state (and provincial) support, the month of retirement, the estimated pension and lump
//! sum, and a few plans side by side. Pure computation on the rules with the parameters in
//! force; every assumption is listed so the page can say it.

use ansinh_domain::Invalid;
use ansinh_rules::vsi::{self, LocalGroup, PaymentMode, SupportCategory, VsiQuote};
use ansinh_rules::{BirthMonth, Month, ParamSet, ParamUsed, RuleError, Sex, Vnd, keys, pension, retirement};
use chrono::NaiveDate;

/// How the person wants to pay (phương thức đóng).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EstimateMode {
    /// 1, 3, 6, 12 months, or 24–60 (whole years paid ahead, discounted).
    Months(u32),
    /// Một lần cho thời gian còn thiếu: at or past retirement age, the months still missing for
    /// the minimum, in one payment with interest.
    Missing,
}

/// What the person tells the estimator.
#[derive(Debug, Clone)]
pub struct EstimateInput {
    pub sex: Sex,
    pub birth: BirthMonth,
    /// Months of contributions already paid (compulsory and voluntary).
    pub paid_months: u32,
    /// Mức thu nhập tháng làm căn cứ đóng.
    pub income: Vnd,
    pub category: SupportCategory,
    pub mode: EstimateMode,
    pub province: Option<String>,
    pub group: Option<LocalGroup>,
    /// First month to pay.
    pub start: Month,
    /// Day of payment: every month is priced with the parameters in force that day, as the
    /// collector will price it (DOMAIN.md §12, "priced on its payment date").
    pub paid_on: NaiveDate,
}

impl EstimateInput {
    fn poor_or_near_poor(&self) -> bool {
        matches!(self.category, SupportCategory::Poor | SupportCategory::NearPoor)
    }
}

/// One plan of the side-by-side comparison, priced exactly as the headline (same payment
/// mode, same payment date): the chosen income's row is the headline.
#[derive(Debug, Clone)]
pub struct Plan {
    pub income: Vnd,
    /// What the person pays for the payment (after support).
    pub payable: Vnd,
    /// State and provincial support in that payment.
    pub support: Vnd,
    /// Months the payment covers.
    pub months: u32,
    /// The pension this plan leads to (after completing the missing months, if any).
    pub pension: Option<pension::Pension>,
    /// This is the person's own income (the headline).
    pub chosen: bool,
    /// Set when this income is not allowed (e.g. under the poverty line).
    pub error: Option<String>,
}

impl Plan {
    /// The payment spread over its months, rounded to the đồng.
    pub fn per_month(&self) -> Vnd {
        Vnd(if self.months == 0 {
            0
        } else {
            (self.payable.0 + i64::from(self.months) / 2) / i64::from(self.months)
        })
    }
}

/// At retirement age and short of the minimum years: how to complete them.
#[derive(Debug, Clone)]
pub struct CatchUp {
    /// Months to pay in the usual way first, when more are missing than one payment may cover.
    pub regular_first: u32,
    /// Months the one payment covers (at most `vsi.missing_max_months`).
    pub lump_months: u32,
    /// That payment at the chosen income, priced on the payment date; `None` while the person
    /// is not yet at retirement age or must first pay `regular_first` months (it is priced then).
    pub lump: Option<VsiQuote>,
    /// The pension once the minimum is reached, at the chosen income.
    pub pension: pension::Pension,
    /// The first month of that pension.
    pub pension_from: Month,
}

/// Trợ cấp hưu trí xã hội for someone who will not have a pension.
#[derive(Debug, Clone)]
pub struct SocialOutlook {
    pub age: u32,
    /// Earliest month (this month when the age is already reached).
    pub from: Month,
    pub monthly: Vnd,
    /// The age is met already.
    pub eligible_now: bool,
}

#[derive(Debug, Clone)]
pub struct Estimate {
    /// The payment with the chosen plan; `None` when nothing is left to pay (the person is at
    /// retirement age with the minimum years: they apply for the pension).
    pub quote: Option<VsiQuote>,
    pub retirement: retirement::Retirement,
    /// The person has already reached retirement age at `start`.
    pub retired_already: bool,
    /// Contribution months at retirement if paying every month from `start` (past retirement
    /// age: the months paid).
    pub months_at_retirement: u32,
    pub pension: pension::Pension,
    /// Months still missing for the minimum at retirement (0 when eligible).
    pub missing_months: u32,
    pub catch_up: Option<CatchUp>,
    /// Shown when no pension is in sight at retirement.
    pub social: Option<SocialOutlook>,
    pub plans: Vec<Plan>,
    /// Every parameter used, without duplicates.
    pub basis: Vec<ParamUsed>,
    /// A provincial layer was asked for but gives nothing for these months or this group.
    pub local_layer_missing: bool,
}

/// Why the estimate cannot be made, field by field, with an allowed income to offer when the
/// chosen one is outside the legal range ("tính với 2.200.000 ₫").
#[derive(Debug, Clone)]
pub struct EstimateError {
    pub errors: Vec<Invalid>,
    pub suggest_income: Option<Vnd>,
}

impl From<Invalid> for EstimateError {
    fn from(e: Invalid) -> Self {
        EstimateError { errors: vec![e], suggest_income: None }
    }
}

fn quote(
    params: &ParamSet,
    i: &EstimateInput,
    income: Vnd,
    mode: PaymentMode,
    start: Month,
) -> Result<VsiQuote, RuleError> {
    let mut input = vsi::VsiInput::new(start, income);
    input.category = i.category;
    input.mode = mode;
    input.province = i.province.clone();
    input.local_group = i.group;
    input.paid_on = Some(i.paid_on.max(start.first_day()));
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

/// The incomes compared side by side: the minimum (rural poverty line on `on`), 3 and 5
/// million, and the person's own choice.
pub fn plan_incomes(params: &ParamSet, on: NaiveDate, chosen: Vnd) -> Vec<Vnd> {
    let Ok(min) = params.value(keys::POVERTY_LINE_RURAL, on).map(Vnd) else {
        return vec![chosen];
    };
    let mut v = vec![min, Vnd(3_000_000), Vnd(5_000_000), chosen];
    v.sort();
    v.dedup();
    v.retain(|x| *x >= min);
    v
}

fn months_text(m: u32) -> (String, String) {
    let (y, r) = (m / 12, m % 12);
    match (y, r) {
        (0, r) => (format!("{r} tháng"), format!("{r} months")),
        (y, 0) => (format!("{y} năm"), format!("{y} years")),
        (y, r) => (format!("{y} năm {r} tháng"), format!("{y} years {r} months")),
    }
}

/// A contribution history longer than the person's working life cannot be: the months paid
/// must fit between the birthday of the minimum working age and `start`.
fn check_history(params: &ParamSet, i: &EstimateInput, basis: &mut Vec<ParamUsed>) -> Result<(), Invalid> {
    let used = params.used(keys::WORKING_AGE_MIN, i.start.first_day()).map_err(Invalid::from)?;
    let min_age = used.value;
    add_basis(basis, std::slice::from_ref(&used));
    let born = i.birth.to_month().map_err(|e| Invalid::new("birth", e.to_string(), e.to_string()))?;
    let of_age = born.add(min_age * 12);
    if of_age > i.start {
        return Err(Invalid::new(
            "start",
            format!(
                "Người tham gia BHXH tự nguyện phải từ đủ {min_age} tuổi: bạn đủ {min_age} tuổi vào tháng {}, hãy chọn tháng bắt đầu đóng từ {}",
                of_age.format_vi(),
                of_age.format_vi()
            ),
            format!(
                "voluntary social insurance starts at {min_age}: you reach {min_age} in {}; choose a first month from {}",
                of_age.format_vi(),
                of_age.format_vi()
            ),
        ));
    }
    let possible = u32::try_from(of_age.months_until(i.start)).unwrap_or(0);
    if i.paid_months > possible {
        let (paid_vi, paid_en) = months_text(i.paid_months);
        let (max_vi, max_en) = months_text(possible);
        return Err(Invalid::new(
            "paid_years",
            format!(
                "Thời gian đã đóng {paid_vi} dài hơn thời gian từ khi bạn đủ {min_age} tuổi ({}) đến tháng bắt đầu đóng: tối đa {max_vi}",
                of_age.format_vi()
            ),
            format!(
                "{paid_en} of contributions is longer than the time since you turned {min_age} ({}): at most {max_en}",
                of_age.format_vi()
            ),
        ));
    }
    Ok(())
}

/// Compute the estimate; errors name the form field.
pub fn estimate(params: &ParamSet, i: &EstimateInput) -> Result<Estimate, EstimateError> {
    let mut basis = Vec::new();
    check_history(params, i, &mut basis)?;
    let ret = retirement::reach(params, i.sex, i.birth).map_err(Invalid::from)?;
    let retired_already = ret.reached < i.start;
    let future = if retired_already { 0 } else { (i.start.months_until(ret.reached) + 1).max(0) as u32 };
    let months_at_retirement = i.paid_months + future;
    let on = if retired_already { i.start } else { ret.pension_start };
    let p = pension_at(params, i, months_at_retirement, i.income, on).map_err(Invalid::from)?;
    let min_used = params.used(keys::PENSION_MIN_YEARS, on.first_day()).map_err(Invalid::from)?;
    let min_months = u32::try_from(min_used.value).unwrap_or(0) * 12;
    let missing_months = min_months.saturating_sub(months_at_retirement);
    let max_used = params.used(keys::VSI_MISSING_MAX_MONTHS, on.first_day()).map_err(Invalid::from)?;
    let missing_max = u32::try_from(max_used.value).unwrap_or(0);

    // Completing the minimum: first regular months if more are missing than one payment may
    // cover, then the one payment, from retirement age (or from now, if past it).
    let from = if retired_already { i.start } else { ret.reached.add(1) };
    let catch_up_plan = (missing_months > 0).then(|| {
        let regular_first = missing_months.saturating_sub(missing_max);
        (regular_first, missing_months - regular_first, from.add(i64::from(regular_first)))
    });
    let lump_now = matches!(catch_up_plan, Some((0, _, _))) && retired_already;

    let mode = match i.mode {
        EstimateMode::Months(m) => Some(crate::calc::mode(m)?),
        EstimateMode::Missing => match catch_up_plan {
            Some((0, months, _)) if lump_now => Some(PaymentMode::MissingAtRetirement { months }),
            _ => {
                return Err(Invalid::new(
                    "mode",
                    match catch_up_plan {
                        None => "Bạn đã đủ số năm đóng tối thiểu, không có thời gian còn thiếu để đóng một lần".to_string(),
                        Some((first, _, _)) if first > 0 => format!(
                            "Đóng một lần chỉ cho tối đa {missing_max} tháng còn thiếu; bạn thiếu {missing_months} tháng: hãy đóng trước {first} tháng theo tháng, quý, 6 hoặc 12 tháng"
                        ),
                        _ => format!(
                            "Đóng một lần cho thời gian còn thiếu chỉ khi đã đủ tuổi nghỉ hưu (tháng {})",
                            ret.reached.format_vi()
                        ),
                    },
                    "a single payment for the missing months is only for people at retirement age who miss at most the allowed months",
                )
                .into());
            }
        },
    };
    // Nothing to pay: at retirement age with the minimum years.
    let mode = if retired_already && missing_months == 0 { None } else { mode };

    let q = match mode {
        None => None,
        Some(mode) => match quote(params, i, i.income, mode, i.start) {
            Ok(q) => Some(q),
            Err(e @ RuleError::IncomeOutOfRange { .. }) => {
                let RuleError::IncomeOutOfRange { income, min, max, .. } = e else { unreachable!() };
                return Err(EstimateError {
                    errors: vec![Invalid::from(e)],
                    suggest_income: Some(if income < min { min } else { max }),
                });
            }
            Err(e) => return Err(Invalid::from(e).into()),
        },
    };

    add_basis(&mut basis, q.as_ref().map_or(&[][..], |q| &q.basis));
    add_basis(&mut basis, &ret.basis);
    add_basis(&mut basis, &p.basis);
    add_basis(&mut basis, &[min_used]);

    let catch_up = match catch_up_plan {
        None => None,
        Some((regular_first, lump_months, pension_on)) => {
            add_basis(&mut basis, &[max_used]);
            let lump = if lump_now {
                let mode = PaymentMode::MissingAtRetirement { months: lump_months };
                let l = quote(params, i, i.income, mode, i.start).map_err(Invalid::from)?;
                add_basis(&mut basis, &l.basis);
                Some(l)
            } else {
                None
            };
            let pension =
                pension_at(params, i, min_months, i.income, pension_on.add(1)).map_err(Invalid::from)?;
            add_basis(&mut basis, &pension.basis);
            Some(CatchUp { regular_first, lump_months, lump, pension, pension_from: pension_on.add(1) })
        }
    };

    let today = Month::from_date(i.paid_on);
    let social = if p.eligible {
        None
    } else {
        let born = i.birth.to_month().map_err(|e| Invalid::new("birth", e.to_string(), e.to_string()))?;
        let age_now = u32::try_from(born.months_until(today).max(0) / 12).unwrap_or(0);
        let s =
            pension::social_pension(params, age_now, i.poor_or_near_poor(), today).map_err(Invalid::from)?;
        add_basis(&mut basis, &s.basis);
        Some(SocialOutlook {
            age: s.from_age,
            from: born.add(i64::from(s.from_age) * 12).max(today),
            monthly: s.amount,
            eligible_now: s.eligible,
        })
    };

    let mut plans = Vec::new();
    if let (Some(mode), Some(headline)) = (mode, q.as_ref()) {
        for income in plan_incomes(params, headline.priced_on, i.income) {
            let pen = match &catch_up {
                Some(c) => pension_at(params, i, min_months, income, c.pension_from).ok(),
                None => pension_at(params, i, months_at_retirement, income, on).ok(),
            };
            let plan = match quote(params, i, income, mode, i.start) {
                Ok(m) => Plan {
                    income,
                    payable: m.payable,
                    support: Vnd(m.state_support.0 + m.local_support.0),
                    months: m.months,
                    pension: pen,
                    chosen: income == i.income,
                    error: None,
                },
                Err(e) => Plan {
                    income,
                    payable: Vnd(0),
                    support: Vnd(0),
                    months: 0,
                    pension: None,
                    chosen: income == i.income,
                    error: Some(e.message_vi()),
                },
            };
            plans.push(plan);
        }
    }
    let local_layer_missing = i.province.is_some() && q.as_ref().is_some_and(|q| q.local_support.0 == 0);
    Ok(Estimate {
        quote: q,
        retirement: ret,
        retired_already,
        months_at_retirement,
        pension: p,
        missing_months,
        catch_up,
        social,
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
            mode: EstimateMode::Months(12),
            province: None,
            group: None,
            start: Month::parse("2026-01").unwrap(),
            paid_on: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
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
        assert!(e.catch_up.is_none() && e.social.is_none());
        assert_eq!(e.quote.as_ref().unwrap().months, 12);
        assert_eq!(e.plans.first().unwrap().income, Vnd(1_500_000), "minimum plan first");
        assert!(e.plans.windows(2).all(|w| w[0].payable < w[1].payable));
        assert!(e.plans.windows(2).all(|w| w[0].pension.as_ref().unwrap().monthly_pension
            < w[1].pension.as_ref().unwrap().monthly_pension));
    }

    #[test]
    fn the_chosen_plan_is_the_headline_in_every_mode() {
        let p = ParamSet::bundled();
        for mode in [1, 3, 6, 12, 24, 60] {
            // Paid in December 2026 for months reaching into 2027, when the poverty line rises:
            // every month at the payment date's parameters, in the headline and in the table.
            let i = EstimateInput {
                mode: EstimateMode::Months(mode),
                start: Month::parse("2026-12").unwrap(),
                paid_on: NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
                ..input()
            };
            let e = estimate(&p, &i).unwrap();
            let q = e.quote.as_ref().unwrap();
            let chosen: Vec<&Plan> = e.plans.iter().filter(|p| p.chosen).collect();
            assert_eq!(chosen.len(), 1, "{mode}");
            assert_eq!((chosen[0].payable, chosen[0].months), (q.payable, q.months), "{mode}");
            assert_eq!(chosen[0].support, Vnd(q.state_support.0 + q.local_support.0), "{mode}");
            assert_eq!(q.priced_on, NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(), "{mode}");
        }
    }

    #[test]
    fn short_careers_show_missing_months_and_how_to_complete_them() {
        let p = ParamSet::bundled();
        let i = EstimateInput { birth: BirthMonth::new(1968, 1), paid_months: 0, ..input() };
        let e = estimate(&p, &i).unwrap();
        assert!(!e.pension.eligible);
        assert!(e.missing_months > 0 && e.missing_months < 15 * 12);
        assert_eq!(e.months_at_retirement + e.missing_months, 15 * 12);
        let c = e.catch_up.as_ref().unwrap();
        assert_eq!(c.regular_first + c.lump_months, e.missing_months);
        assert!(c.lump_months <= 60 && c.lump.is_none(), "priced when the person gets there");
        assert!(c.pension.eligible);
        assert!(e.social.is_some());
    }

    #[test]
    fn past_retirement_age_offers_the_missing_period_and_the_social_pension() {
        let p = ParamSet::bundled();
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let past = EstimateInput {
            birth: BirthMonth::new(1960, 5),
            paid_months: 10 * 12,
            start: Month::parse("2026-12").unwrap(),
            paid_on: today,
            ..input()
        };
        // A man of 66 with 10 years: 60 months missing, payable at once.
        let e = estimate(&p, &past).unwrap();
        assert!(e.retired_already && e.missing_months == 60);
        let c = e.catch_up.as_ref().unwrap();
        assert_eq!((c.regular_first, c.lump_months), (0, 60));
        let lump = c.lump.as_ref().unwrap();
        assert_eq!(lump.months, 60);
        assert!(c.pension.eligible);
        let social = e.social.as_ref().unwrap();
        assert_eq!((social.age, social.from), (75, Month::parse("2035-05").unwrap()));
        assert!(!social.eligible_now);
        // The one payment as the headline, and in the table.
        let e = estimate(&p, &EstimateInput { mode: EstimateMode::Missing, ..past.clone() }).unwrap();
        assert_eq!(e.quote.as_ref().unwrap().payable, lump.payable);
        assert!(e.plans.iter().any(|p| p.chosen && p.payable == lump.payable));
        // 2 years paid: 156 missing, so 96 regular months first, then 60 at once.
        let e = estimate(&p, &EstimateInput { paid_months: 24, ..past.clone() }).unwrap();
        let c = e.catch_up.as_ref().unwrap();
        assert_eq!((c.regular_first, c.lump_months), (96, 60));
        let err =
            estimate(&p, &EstimateInput { paid_months: 24, mode: EstimateMode::Missing, ..past.clone() })
                .unwrap_err();
        assert_eq!(err.errors[0].field, "mode");
        // Fifteen years already: nothing to pay, apply for the pension.
        let e = estimate(&p, &EstimateInput { paid_months: 15 * 12, ..past.clone() }).unwrap();
        assert!(e.quote.is_none() && e.plans.is_empty() && e.pension.eligible && e.social.is_none());
        // Born 1940, never paid: the social pension now (86 ≥ 75).
        let e =
            estimate(&p, &EstimateInput { birth: BirthMonth::new(1940, 5), paid_months: 0, ..past }).unwrap();
        let social = e.social.as_ref().unwrap();
        assert!(social.eligible_now && social.from == Month::parse("2026-12").unwrap());
        assert_eq!(social.monthly, Vnd(500_000));
    }

    #[test]
    fn impossible_histories_are_refused_on_the_field() {
        let p = ParamSet::bundled();
        let young = EstimateInput { birth: BirthMonth::new(2000, 5), paid_months: 40 * 12, ..input() };
        let e = estimate(&p, &young).unwrap_err();
        assert_eq!(e.errors[0].field, "paid_years");
        assert!(e.errors[0].vi.contains("05/2015"), "{}", e.errors[0].vi);
        let child = EstimateInput { birth: BirthMonth::new(2015, 5), paid_months: 0, ..input() };
        assert_eq!(estimate(&p, &child).unwrap_err().errors[0].field, "start");
    }

    #[test]
    fn bad_income_names_the_field_and_offers_the_minimum() {
        let p = ParamSet::bundled();
        let e = estimate(&p, &EstimateInput { income: Vnd(100), ..input() }).unwrap_err();
        assert_eq!(e.errors[0].field, "income");
        assert_eq!(e.suggest_income, Some(Vnd(1_500_000)));
        // Paid in 2027 the floor is the new poverty line.
        let i = EstimateInput {
            income: Vnd(1_500_000),
            start: Month::parse("2027-01").unwrap(),
            paid_on: NaiveDate::from_ymd_opt(2027, 1, 4).unwrap(),
            ..input()
        };
        assert_eq!(estimate(&p, &i).unwrap_err().suggest_income, Some(Vnd(2_200_000)));
        let e = estimate(&p, &EstimateInput { income: Vnd(900_000_000), ..input() }).unwrap_err();
        assert!(e.suggest_income.unwrap() > Vnd(40_000_000));
    }
}
