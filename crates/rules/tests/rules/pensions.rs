//! Pension rate, amount, lump sum, social pension.

use super::*;

#[test]
fn pension_rates_by_years() {
    // (years, women bps, women lump sum, men bps, men lump sum) on 2025-07 (Law 41/2024).
    let table = [
        (14, None, 0, None, 0),
        (15, Some(4500), 0, Some(4000), 0),
        (19, Some(5300), 0, Some(4400), 0),
        (20, Some(5500), 0, Some(4500), 0),
        (30, Some(7500), 0, Some(6500), 0),
        (35, Some(7500), 12_500_000, Some(7500), 0),
        (40, Some(7500), 25_000_000, Some(7500), 12_500_000),
    ];
    for (years, women, women_lump, men, men_lump) in table {
        for (sex, rate, lump) in [(Sex::Female, women, women_lump), (Sex::Male, men, men_lump)] {
            let p = pension_at(sex, years, 0, "2025-07");
            assert_eq!(p.eligible, rate.is_some(), "{sex:?} {years}");
            assert_eq!(p.rate_bps, rate.unwrap_or(0), "{sex:?} {years}");
            assert_eq!(p.monthly_pension, Vnd(5_000_000 * rate.unwrap_or(0) / 10_000), "{sex:?} {years}");
            assert_eq!(p.lump_sum, Vnd(lump), "{sex:?} {years}");
        }
    }
}

#[test]
fn pension_before_july_2025_needs_20_years() {
    assert!(!pension_at(Sex::Female, 19, 11, "2025-06").eligible);
    let p = pension_at(Sex::Female, 20, 0, "2025-06");
    assert_eq!(p.rate_bps, 5500);
    let p = pension_at(Sex::Male, 20, 0, "2025-06");
    assert_eq!(p.rate_bps, 4500);
    assert!(pension_at(Sex::Female, 15, 0, "2025-07").eligible);
    let p = pension_at(Sex::Male, 14, 11, "2025-07");
    assert!(!p.eligible);
    assert!(p.reason.vi.contains("cần tối thiểu 15 năm"), "{}", p.reason.vi);
}

#[test]
fn pension_odd_months_and_after_age_lump_sum() {
    assert_eq!(pension_at(Sex::Female, 20, 6, "2025-07").rate_bps, 5600);
    assert_eq!(pension_at(Sex::Female, 20, 7, "2025-07").rate_bps, 5700);
    assert_eq!(pension_at(Sex::Male, 15, 3, "2025-07").rate_bps, 4050);
    let p = pension_at(Sex::Male, 19, 7, "2025-07");
    assert_eq!(p.rate_bps, 4500, "19 y 7 m counts as 20 years");

    // Man, 37 years, the last 2 after retirement age: 2 excess years at 2 × average.
    let p = pension::compute(
        params(),
        PensionInput {
            sex: Sex::Male,
            years: 37,
            months: 0,
            average_income: Vnd(5_000_000),
            months_after_retirement_age: 24,
            on: m("2025-07"),
        },
    )
    .unwrap();
    assert_eq!(p.lump_sum, Vnd(20_000_000));
    // Only 1 of the 3 excess years after the age: 2 × 0.5 + 1 × 2 = 3 × average.
    let p = pension::compute(
        params(),
        PensionInput {
            sex: Sex::Male,
            years: 38,
            months: 0,
            average_income: Vnd(5_000_000),
            months_after_retirement_age: 12,
            on: m("2025-07"),
        },
    )
    .unwrap();
    assert_eq!(p.lump_sum, Vnd(15_000_000));
    assert!(p.reason.en.contains("1 of them after retirement age"), "{}", p.reason.en);
}

#[test]
fn pension_average_income_uses_the_settlement_years_coefficients() {
    let hist = [
        (m("2008-06"), Vnd(1_000_000)), // × 2.21 when settled in 2025, × 2.29 in 2026
        (m("2025-03"), Vnd(2_000_000)), // × 1.00
    ];
    let a = pension::average_income(params(), &hist).unwrap();
    assert_eq!(a.on, m("2025-04"));
    assert_eq!(a.average, Vnd((2_210_000 + 2_000_000) / 2));
    assert_eq!(a.total_adjusted, Vnd(4_210_000));
    assert_eq!(a.months, 2);
    assert_eq!(a.basis.len(), 2);
    let a = pension::average_income_on(params(), &hist, m("2026-03")).unwrap();
    assert_eq!(a.average, Vnd((2_290_000 + 2_000_000) / 2));
    // No coefficient table is bundled for benefits settled in 2024: an error naming the key.
    let e = pension::average_income(params(), &[(m("2008-06"), Vnd(1_000_000)), (m("2023-12"), Vnd(1))])
        .unwrap_err();
    assert!(matches!(e, RuleError::NotInForce { ref key, .. } if key == "pension.adjustment.2008"), "{e}");
    assert_eq!(pension::average_income(params(), &[]).unwrap_err().field(), "history");
}

#[test]
fn social_pension_from_75_or_70_if_poor() {
    let s = pension::social_pension(params(), 75, false, m("2025-07")).unwrap();
    assert!(s.eligible);
    assert_eq!(s.monthly, Vnd(500_000));
    assert!(!pension::social_pension(params(), 74, false, m("2025-07")).unwrap().eligible);
    assert!(pension::social_pension(params(), 70, true, m("2025-07")).unwrap().eligible);
}
