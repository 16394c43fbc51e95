//! The one integration-test binary of `ansinh-rules`: worked examples of the laws and decrees, table
//! tests at every parameter boundary, and property tests.

use ansinh_rules::hi;
use ansinh_rules::pension::{self, PensionInput};
use ansinh_rules::retirement;
use ansinh_rules::vsi::{self, LocalGroup, PaymentMode, SupportCategory, VsiInput};
use ansinh_rules::{
    BirthMonth, Confidence, Month, ParamSet, ParamVersion, RuleError, Sex, Unit, Vnd, param_info,
};
use chrono::NaiveDate;
use proptest::prelude::*;

mod household_hi;
mod money_words;
mod parameters;
mod pensions;
mod retirement_age;
mod vsi_quotes;

fn m(s: &str) -> Month {
    Month::parse(s).unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn params() -> &'static ParamSet {
    ParamSet::bundled_ref()
}

fn input(start: &str, income: i64, category: SupportCategory, mode: PaymentMode) -> VsiInput {
    VsiInput { category, mode, ..VsiInput::new(m(start), Vnd(income)) }
}

fn monthly(start: &str, income: i64, category: SupportCategory) -> vsi::VsiQuote {
    vsi::quote(params(), &input(start, income, category, PaymentMode::Monthly)).unwrap()
}

// ─── Pension ───────────────────────────────────────────────────────────────────────────────

fn pension_at(sex: Sex, years: u32, months: u32, on: &str) -> pension::Pension {
    pension::compute(
        params(),
        PensionInput {
            sex,
            years,
            months,
            average_income: Vnd(5_000_000),
            months_after_retirement_age: 0,
            on: m(on),
        },
    )
    .unwrap()
}

// ─── Properties ────────────────────────────────────────────────────────────────────────────

fn any_category() -> impl Strategy<Value = SupportCategory> {
    prop::sample::select(SupportCategory::ALL.to_vec())
}

/// A month from 2018-01 to 2030-12 and an income valid in it (as a fraction of the range).
fn month_and_income() -> impl Strategy<Value = (Month, i64)> {
    (0i64..156, 0u32..=1_000_000).prop_map(|(offset, frac)| {
        let month = m("2018-01").add(offset);
        let date = month.first_day();
        let p = params();
        let min = p.value("poverty_line.rural", date).unwrap();
        let max = p.value("base_salary", date).unwrap() * 20;
        (month, min + (max - min) * i64::from(frac) / 1_000_000)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn prop_supports_never_exceed_gross((month, income) in month_and_income(),
                                        cat in any_category(),
                                        mode in prop::sample::select(vec![PaymentMode::Monthly, PaymentMode::Every3, PaymentMode::Every6, PaymentMode::Every12]),
                                        used in 0u32..130,
                                        farmer in any::<bool>()) {
        let mut i = VsiInput { category: cat, mode, support_months_used: used, ..VsiInput::new(month, Vnd(income)) };
        if farmer {
            i.province = Some("42".into());
            i.local_group = Some(LocalGroup::Farmer);
        }
        let q = match vsi::quote(params(), &i) {
            Ok(q) => q,
            Err(e) => return Err(TestCaseError::fail(e.to_string())),
        };
        prop_assert!(q.state_support + q.local_support <= q.gross);
        prop_assert_eq!(q.payable, q.gross - q.state_support - q.local_support);
        prop_assert!(q.payable >= Vnd::ZERO);
        for l in &q.lines {
            prop_assert!(l.state_support + l.local_support <= l.gross);
            prop_assert_eq!(l.payable, l.gross - l.state_support - l.local_support);
        }
        prop_assert_eq!(q.lines.iter().map(|l| l.payable).sum::<Vnd>(), q.payable);
        prop_assert!(q.support_months_used_after >= used);
    }

    #[test]
    fn prop_monotonic_in_income((month, income) in month_and_income(), cat in any_category(), delta in 0i64..5_000_000) {
        let a = vsi::quote(params(), &VsiInput { category: cat, ..VsiInput::new(month, Vnd(income)) }).unwrap();
        match vsi::quote(params(), &VsiInput { category: cat, ..VsiInput::new(month, Vnd(income + delta)) }) {
            Ok(b) => {
                prop_assert!(b.gross >= a.gross);
                prop_assert!(b.payable >= a.payable);
                prop_assert_eq!(b.state_support, a.state_support);
            }
            Err(e) => prop_assert_eq!(e.field(), "income"),
        }
    }

    #[test]
    fn prop_multi_month_payment_equals_its_months_priced_alone((month, income) in month_and_income(),
                                                               cat in any_category(),
                                                               mode in prop::sample::select(vec![PaymentMode::Every3, PaymentMode::Every6, PaymentMode::Every12])) {
        let whole = match vsi::quote(params(), &VsiInput { category: cat, mode, ..VsiInput::new(month, Vnd(income)) }) {
            Ok(q) => q,
            Err(e) => { prop_assert_eq!(e.field(), "income"); return Ok(()); }
        };
        for (k, line) in whole.lines.iter().enumerate() {
            prop_assert_eq!(line.month, month.add(k as i64));
            // Priced on the same payment date as the whole.
            let alone = vsi::quote(params(), &VsiInput { category: cat, support_months_used: k as u32, ..VsiInput::new(line.month, Vnd(income)) }.paid_on(month.first_day())).unwrap();
            prop_assert_eq!(alone.lines[0].gross, line.gross);
            prop_assert_eq!(alone.lines[0].state_support, line.state_support);
            prop_assert_eq!(alone.lines[0].payable, line.payable);
        }
    }

    #[test]
    fn prop_retirement_month_is_monotonic_in_birth_month(offset in 0i64..(40 * 12), female in any::<bool>()) {
        let sex = if female { Sex::Female } else { Sex::Male };
        let b = m("1950-01").add(offset);
        let next = b.add(1);
        let r1 = retirement::reach(params(), sex, BirthMonth::new(b.year(), b.month())).unwrap();
        let r2 = retirement::reach(params(), sex, BirthMonth::new(next.year(), next.month())).unwrap();
        prop_assert!(r2.reached > r1.reached);
        prop_assert_eq!(r1.reached, b.add(i64::from(r1.age_years * 12 + r1.age_months)));
        prop_assert!(r1.reached.year() >= b.year() + 55);
    }

    #[test]
    fn prop_add_version_never_produces_overlaps(
        ops in prop::collection::vec((0i64..120, prop::option::of(1i64..60), 0i64..10_000_000), 1..25)
    ) {
        let mut set = ParamSet::from_versions(vec![]).unwrap();
        let base = m("2020-01");
        for (start, len, value) in ops {
            let from = base.add(start).first_day();
            let v = ParamVersion {
                key: "base_salary".into(),
                effective_from: from,
                effective_to: len.map(|l| base.add(start + l).first_day()),
                value,
                legal_basis: "prop".into(),
                confidence: Confidence::U,
                note: String::new(),
            };
            let before = set.versions().len();
            match set.add_version(v) {
                Ok(out) => prop_assert_eq!(set.versions().len(), before + 1, "{:?}", out.closed),
                Err(e) => {
                    prop_assert!(matches!(e, RuleError::Overlap { .. }), "{}", e);
                    prop_assert_eq!(set.versions().len(), before);
                }
            }
            let vs = set.versions();
            for (i, a) in vs.iter().enumerate() {
                for b in &vs[i + 1..] {
                    prop_assert!(!a.overlaps(b), "{:?} overlaps {:?}", a, b);
                }
            }
            // And the set still validates from scratch.
            prop_assert!(ParamSet::from_versions(vs.into_iter().cloned().collect()).is_ok());
        }
    }
}
