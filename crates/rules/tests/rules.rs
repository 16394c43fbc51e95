//! The one integration-test binary of `ansinh-rules`: worked examples from DOMAIN.md, table
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

// ─── Parameters ────────────────────────────────────────────────────────────────────────────

#[test]
fn bundled_parameters_parse_validate_and_are_catalogued() {
    let set = ParamSet::from_toml_str(ParamSet::bundled_toml()).expect("bundled file is valid");
    let versions = set.versions();
    assert!(versions.len() > 100, "{}", versions.len());
    for v in &versions {
        let info = param_info(&v.key).unwrap_or_else(|| panic!("{} not catalogued", v.key));
        assert!(info.unit.check(v.value).is_ok(), "{}", v.key);
        assert!(!v.legal_basis.trim().is_empty(), "{}", v.key);
        if v.confidence == Confidence::U {
            assert!(
                v.legal_basis.contains("UNCONFIRMED"),
                "{}: U versions must say so in their basis",
                v.key
            );
        }
    }
    // Re-validating the same versions through from_versions gives the same set.
    let again = ParamSet::from_versions(versions.into_iter().cloned().collect()).unwrap();
    assert_eq!(again.versions().len(), set.versions().len());
}

#[test]
fn every_catalogue_entry_has_a_unit_and_both_names() {
    for info in ansinh_rules::param_catalog() {
        assert!(!info.name_vi.is_empty() && !info.name_en.is_empty());
        let _ = info.unit;
    }
    assert_eq!(param_info("pension.adjustment.2019").unwrap().unit, Unit::Coefficient);
    assert_eq!(param_info("vsi.local_support.42.farmer").unwrap().unit, Unit::BasisPoints);
    assert!(param_info("pension.adjustment.2019").unwrap().is_pattern());
}

#[test]
fn base_salary_and_poverty_line_history() {
    let p = params();
    for (date, lcs) in [
        ("2018-07-01", 1_390_000),
        ("2019-06-30", 1_390_000),
        ("2019-07-01", 1_490_000),
        ("2023-07-01", 1_800_000),
        ("2024-07-01", 2_340_000),
        ("2026-06-30", 2_340_000),
        ("2026-07-01", 2_530_000),
    ] {
        assert_eq!(p.value("base_salary", d(date)).unwrap(), lcs, "{date}");
    }
    for (date, line) in [
        ("2021-12-31", 700_000),
        ("2022-01-01", 1_500_000),
        ("2026-12-31", 1_500_000),
        ("2027-01-01", 2_200_000),
    ] {
        assert_eq!(p.value("poverty_line.rural", d(date)).unwrap(), line, "{date}");
    }
    assert_eq!(p.get("base_salary", d("2026-07-01")).unwrap().confidence, Confidence::S);
}

#[test]
fn add_version_closes_the_open_predecessor_and_refuses_other_overlaps() {
    let mut set = ParamSet::bundled();
    let v = ParamVersion {
        key: "base_salary".into(),
        effective_from: d("2028-01-01"),
        effective_to: None,
        value: 2_800_000,
        legal_basis: "Nghị định giả định (test)".into(),
        confidence: Confidence::U,
    };
    let out = set.add_version(v.clone()).unwrap();
    let closed = out.closed.expect("2026 version closed");
    assert_eq!(closed.before.value, 2_530_000);
    assert_eq!(closed.after.effective_to, Some(d("2028-01-01")));
    assert_eq!(set.value("base_salary", d("2027-12-31")).unwrap(), 2_530_000);
    assert_eq!(set.value("base_salary", d("2028-01-01")).unwrap(), 2_800_000);

    let e = set
        .add_version(ParamVersion {
            effective_from: d("2025-01-01"),
            effective_to: Some(d("2025-02-01")),
            ..v.clone()
        })
        .unwrap_err();
    assert!(matches!(e, RuleError::Overlap { .. }));
    assert_eq!(e.field(), "effective_from");
    assert!(e.message_vi().contains("chồng lấn"));
    assert!(e.message_vi().contains("01/07/2024"));
    assert!(e.message_en().contains("[2024-07-01, 2026-07-01)"));

    let e = set.add_version(ParamVersion { key: "nope".into(), ..v.clone() }).unwrap_err();
    assert_eq!(e.field(), "key");

    // A new key of a catalogued family needs no code change.
    set.add_version(ParamVersion {
        key: "vsi.local_support.01.poor".into(),
        effective_from: d("2025-01-01"),
        effective_to: None,
        value: 5000,
        legal_basis: "test".into(),
        confidence: Confidence::U,
    })
    .unwrap();
}

// ─── VSI ───────────────────────────────────────────────────────────────────────────────────

#[test]
fn vsi_worked_example_before_and_after_july_2025() {
    let before = monthly("2025-06", 1_500_000, SupportCategory::Others);
    assert_eq!(before.gross, Vnd(330_000));
    assert_eq!(before.state_support, Vnd(33_000));
    assert_eq!(before.payable, Vnd(297_000));
    let after = monthly("2025-07", 1_500_000, SupportCategory::Others);
    assert_eq!(after.gross, Vnd(330_000));
    assert_eq!(after.state_support, Vnd(66_000));
    assert_eq!(after.payable, Vnd(264_000));
    // The basis names the decree of each era.
    let basis = |q: &vsi::VsiQuote| {
        q.basis.iter().find(|u| u.key == "vsi.support.others").unwrap().legal_basis.clone()
    };
    assert!(basis(&before).contains("134/2015"));
    assert!(basis(&after).contains("159/2025"));
    assert!(after.basis.iter().any(|u| u.key == "poverty_line.rural"));
    assert_eq!(after.support_months_used_after, 1);
}

#[test]
fn vsi_every_category_before_and_after_july_2025() {
    use SupportCategory::*;
    // income 1,500,000: gross 330,000; support base 22% × 1,500,000 = 330,000.
    let table = [
        (Others, 33_000, 66_000),
        (NearPoor, 82_500, 132_000),
        (Poor, 99_000, 165_000),
        (EthnicMinority, 33_000, 99_000), // no own category before 7-2025 → others
        (Island, 33_000, 165_000),
    ];
    for (cat, before, after) in table {
        let q = monthly("2025-06", 1_500_000, cat);
        assert_eq!(q.state_support, Vnd(before), "{cat:?} before");
        assert_eq!(q.payable, Vnd(330_000 - before), "{cat:?} before");
        let q = monthly("2025-07", 1_500_000, cat);
        assert_eq!(q.state_support, Vnd(after), "{cat:?} after");
        assert_eq!(q.payable, Vnd(330_000 - after), "{cat:?} after");
    }
}

#[test]
fn vsi_support_is_on_the_poverty_line_not_on_income() {
    let q = monthly("2025-07", 10_000_000, SupportCategory::Poor);
    assert_eq!(q.gross, Vnd(2_200_000));
    assert_eq!(q.state_support, Vnd(165_000));
    assert_eq!(q.payable, Vnd(2_035_000));
}

#[test]
fn vsi_boundary_31_dec_2026_and_1_jan_2027() {
    let dec = monthly("2026-12", 2_200_000, SupportCategory::Others);
    assert_eq!(dec.gross, Vnd(484_000));
    assert_eq!(dec.state_support, Vnd(66_000)); // 20% × 22% × 1,500,000
    let jan = monthly("2027-01", 2_200_000, SupportCategory::Others);
    assert_eq!(jan.gross, Vnd(484_000));
    assert_eq!(jan.state_support, Vnd(96_800)); // 20% × 22% × 2,200,000
    assert_eq!(jan.payable, Vnd(387_200));
    // 1,500,000 is fine in December 2026, too low in January 2027.
    assert!(
        vsi::quote(params(), &input("2026-12", 1_500_000, SupportCategory::Others, PaymentMode::Monthly))
            .is_ok()
    );
    let e = vsi::quote(params(), &input("2027-01", 1_500_000, SupportCategory::Others, PaymentMode::Monthly))
        .unwrap_err();
    assert_eq!(e.field(), "income");
}

#[test]
fn vsi_payment_spanning_a_change_prices_each_month_by_its_own_parameters() {
    // Every3 from May 2025: May and June under Decree 134, July under Decree 159.
    let q = vsi::quote(params(), &input("2025-05", 1_500_000, SupportCategory::Others, PaymentMode::Every3))
        .unwrap();
    let supports: Vec<i64> = q.lines.iter().map(|l| l.state_support.0).collect();
    assert_eq!(supports, [33_000, 33_000, 66_000]);
    assert_eq!(q.gross, Vnd(990_000));
    assert_eq!(q.payable, Vnd(990_000 - 132_000));
    assert_eq!(q.months, 3);
    assert_eq!(q.lines[2].month, m("2025-07"));

    // Every12 from July 2026: LCS rises in July 2026 (max), poverty line in January 2027.
    let q =
        vsi::quote(params(), &input("2026-07", 2_200_000, SupportCategory::NearPoor, PaymentMode::Every12))
            .unwrap();
    assert_eq!(q.lines.len(), 12);
    for l in &q.lines {
        let expected = if l.month < m("2027-01") { 132_000 } else { 193_600 };
        assert_eq!(l.state_support, Vnd(expected), "{}", l.month);
    }
}

#[test]
fn vsi_income_limits() {
    let p = params();
    let q = |start: &str, income: i64| {
        vsi::quote(p, &input(start, income, SupportCategory::Others, PaymentMode::Monthly))
    };
    // Minimum = rural poverty line; maximum = 20 × MTC of the month.
    assert_eq!(q("2025-03", 1_500_000).unwrap().gross, Vnd(330_000));
    assert_eq!(q("2025-03", 46_800_000).unwrap().gross, Vnd(10_296_000));
    assert!(q("2025-03", 46_800_001).is_err());
    assert!(q("2025-03", 1_499_999).is_err());
    assert!(q("2026-06", 46_800_001).is_err());
    assert_eq!(q("2026-07", 50_600_000).unwrap().gross, Vnd(11_132_000));
    assert!(q("2026-07", 50_600_001).is_err());
    assert_eq!(q("2027-01", 2_200_000).unwrap().gross, Vnd(484_000));

    let e = q("2025-03", 1_000_000).unwrap_err();
    assert_eq!(e.field(), "income");
    assert!(
        e.to_string().starts_with(
            "Mức thu nhập 1.000.000 ₫ ngoài khoảng cho phép 1.500.000 ₫ – 46.800.000 ₫ cho tháng 2025-03 / income 1,000,000 VND outside the allowed range"
        ),
        "{e}"
    );
    // A multi-month payment names the month that breaks the range.
    let e = vsi::quote(p, &input("2026-11", 1_500_000, SupportCategory::Others, PaymentMode::Every3))
        .unwrap_err();
    match e {
        RuleError::IncomeOutOfRange { month, min, max, .. } => {
            assert_eq!(month, m("2027-01"));
            assert_eq!(min, Vnd(2_200_000));
            assert_eq!(max, Vnd(50_600_000));
        }
        other => panic!("{other}"),
    }
}

#[test]
fn vsi_support_stops_at_120_months() {
    let mut i = input("2025-07", 1_500_000, SupportCategory::Poor, PaymentMode::Every3);
    i.support_months_used = 119;
    let q = vsi::quote(params(), &i).unwrap();
    let supports: Vec<i64> = q.lines.iter().map(|l| l.state_support.0).collect();
    assert_eq!(supports, [165_000, 0, 0]);
    assert_eq!(q.support_months_used_after, 120);
    assert!(q.basis.iter().any(|u| u.key == "vsi.support.max_months"));
    assert!(
        q.basis
            .iter()
            .any(|u| u.key == "vsi.support.cap_counts_prior_regime" && u.confidence == Confidence::U)
    );

    // If pre-July-2025 months did not count (the U parameter set to 0), support resumes.
    let mut set = ParamSet::bundled();
    set.add_version(ParamVersion {
        key: "vsi.support.cap_counts_prior_regime".into(),
        effective_from: d("2025-08-01"),
        effective_to: None,
        value: 0,
        legal_basis: "test".into(),
        confidence: Confidence::U,
    })
    .unwrap();
    let mut i = input("2025-07", 1_500_000, SupportCategory::Poor, PaymentMode::Every3);
    i.support_months_used = 125;
    i.support_months_used_prior_regime = 100;
    let q = vsi::quote(&set, &i).unwrap();
    let supports: Vec<i64> = q.lines.iter().map(|l| l.state_support.0).collect();
    // July: counts-prior still 1 → 125 ≥ 120, no support. From August: 125 − 100 (before the
    // 2025-08-01 boundary; July was unsupported) = 25 < 120 → supported.
    assert_eq!(supports, [0, 165_000, 165_000]);
}

#[test]
fn vsi_ha_tinh_provincial_layer() {
    let mut i = input("2025-03", 1_500_000, SupportCategory::Others, PaymentMode::Monthly);
    i.province = Some("42".into());
    i.local_group = Some(LocalGroup::Farmer);
    let q = vsi::quote(params(), &i).unwrap();
    assert_eq!(q.state_support, Vnd(33_000));
    assert_eq!(q.local_support, Vnd(66_000)); // 20% × 22% × 1,500,000
    assert_eq!(q.payable, Vnd(231_000));
    let local = q.basis.iter().find(|u| u.key == "vsi.local_support.42.farmer").unwrap();
    assert_eq!(local.confidence, Confidence::S);

    // Valid until 31 Dec 2025 only.
    i.start = m("2025-12");
    assert_eq!(vsi::quote(params(), &i).unwrap().local_support, Vnd(66_000));
    i.start = m("2026-01");
    assert_eq!(vsi::quote(params(), &i).unwrap().local_support, Vnd::ZERO);

    // Not for groups the resolution does not name, nor for other provinces.
    i.start = m("2025-03");
    i.local_group = None;
    assert_eq!(vsi::quote(params(), &i).unwrap().local_support, Vnd::ZERO);
    i.local_group = Some(LocalGroup::Freelance);
    i.province = Some("01".into());
    assert_eq!(vsi::quote(params(), &i).unwrap().local_support, Vnd::ZERO);
    i.province = Some("042".into());
    assert_eq!(vsi::quote(params(), &i).unwrap_err().field(), "province");
}

#[test]
fn vsi_ahead_payment_is_discounted() {
    // 24 months from 2025-01 stay under one poverty line (the 2027 rise would need 2,200,000).
    let q = vsi::quote(
        params(),
        &input("2025-01", 1_500_000, SupportCategory::Others, PaymentMode::AheadYears { months: 24 }),
    )
    .unwrap();
    assert_eq!(q.months, 24);
    assert_eq!(q.gross, Vnd(24 * 330_000));
    // 6 months under Decree 134 (10%), 18 under Decree 159 (20%).
    assert_eq!(q.state_support, Vnd(6 * 33_000 + 18 * 66_000));
    assert!(q.discount > Vnd::ZERO && q.discount < Vnd(24 * 330_000 / 10));
    assert_eq!(q.payable, q.gross - q.state_support - q.discount);
    let r = q.basis.iter().find(|u| u.key == "vsi.fund_monthly_rate").unwrap();
    assert_eq!(r.confidence, Confidence::U);
    // Exact: Σ_{i=1..24} 330,000 / (1 + 0.0034)^(i−1), r of 2025 = 34 bps.
    // Spanning 1 Jan 2027 the chosen income must be valid in every month.
    let e = vsi::quote(
        params(),
        &input("2025-07", 1_500_000, SupportCategory::Others, PaymentMode::AheadYears { months: 24 }),
    )
    .unwrap_err();
    assert!(matches!(e, RuleError::IncomeOutOfRange { month, .. } if month == m("2027-01")));
    let pv: f64 = (0..24).map(|i| 330_000.0 / 1.0034f64.powi(i)).sum();
    assert!((q.gross.0 as f64 - pv - q.discount.0 as f64).abs() <= 1.0);

    for bad in [12, 18, 36 + 1, 72] {
        let e = vsi::quote(
            params(),
            &input("2025-07", 1_500_000, SupportCategory::Others, PaymentMode::AheadYears { months: bad }),
        )
        .unwrap_err();
        assert_eq!(e.field(), "mode", "{bad}");
    }
    assert!(
        vsi::quote(
            params(),
            &input("2025-07", 2_200_000, SupportCategory::Others, PaymentMode::AheadYears { months: 60 }),
        )
        .is_ok()
    );
}

#[test]
fn vsi_missing_months_at_retirement_carry_interest_and_respect_the_cap() {
    let q = vsi::quote(
        params(),
        &input("2025-07", 2_000_000, SupportCategory::Poor, PaymentMode::MissingAtRetirement { months: 60 }),
    )
    .unwrap();
    assert_eq!(q.months, 60);
    assert!(q.lines.iter().all(|l| l.month == m("2025-07")));
    assert_eq!(q.gross, Vnd(60 * 440_000));
    assert_eq!(q.state_support, Vnd::ZERO, "no support on the missing lump sum (U)");
    let fv: f64 = (1..=60).map(|i| 440_000.0 * 1.0034f64.powi(i)).sum();
    assert!((q.gross.0 as f64 + q.interest.0 as f64 - fv).abs() <= 1.0);
    assert_eq!(q.payable, q.gross + q.interest);

    // From 1 Jul 2025 at most 60 months; before, 120.
    let e = vsi::quote(
        params(),
        &input(
            "2025-07",
            2_000_000,
            SupportCategory::Others,
            PaymentMode::MissingAtRetirement { months: 61 },
        ),
    )
    .unwrap_err();
    assert_eq!(e.field(), "mode");
    assert!(e.message_vi().contains("60"));
    assert!(
        vsi::quote(
            params(),
            &input(
                "2025-06",
                2_000_000,
                SupportCategory::Others,
                PaymentMode::MissingAtRetirement { months: 120 }
            ),
        )
        .is_ok()
    );
}

#[test]
fn vsi_deadlines() {
    let cases = [
        (PaymentMode::Monthly, "2025-02", "2025-02-28"),
        (PaymentMode::Every3, "2025-11", "2026-01-31"),
        (PaymentMode::Every6, "2025-07", "2025-10-31"),
        (PaymentMode::Every12, "2025-07", "2026-01-31"),
        (PaymentMode::AheadYears { months: 24 }, "2025-07", "2025-07-31"),
    ];
    for (mode, start, last) in cases {
        let dl = vsi::deadline(mode, m(start)).unwrap();
        assert_eq!(dl.last_day, d(last), "{mode:?}");
        assert!(dl.rule_vi().contains("đăng ký lại"));
        assert!(dl.rule_en().contains("re-register"));
    }
    let dl = vsi::deadline(PaymentMode::Every6, m("2025-07")).unwrap();
    assert!(dl.rule_vi().contains("4 tháng đầu"), "{}", dl.rule_vi());
    assert!(dl.rule_en().contains("first 4 months of the 6-month period"));
    assert!(dl.rule_vi().contains("31/10/2025"));
    let q = vsi::quote(params(), &input("2025-07", 1_500_000, SupportCategory::Others, PaymentMode::Every12))
        .unwrap();
    assert_eq!(q.deadline.last_day, d("2026-01-31"));
}

#[test]
fn vsi_quote_serialises_with_its_legal_basis() {
    let q = monthly("2025-07", 1_500_000, SupportCategory::Others);
    let json = serde_json::to_value(&q).unwrap();
    assert_eq!(json["payable"], 264_000);
    assert_eq!(json["lines"][0]["month"], "2025-07");
    assert!(json["deadline"]["rule"]["vi"].as_str().unwrap().contains("Đóng trong tháng"));
    let basis = json["basis"].as_array().unwrap();
    assert!(
        basis
            .iter()
            .any(|b| b["key"] == "vsi.rate" && b["effective_from"] == "2016-01-01" && b["confidence"] == "V")
    );
}

// ─── Household HI ──────────────────────────────────────────────────────────────────────────

#[test]
fn hi_worked_example_four_members() {
    let q = hi::household(params(), 4, m("2025-01"), 12).unwrap();
    let amounts: Vec<i64> = q.members.iter().map(|x| x.monthly.0).collect();
    assert_eq!(amounts, [105_300, 73_710, 63_180, 52_650]);
    assert_eq!(q.monthly_total, Vnd(294_840));
    assert_eq!(q.total, Vnd(294_840 * 12));
    assert!(q.basis.iter().any(|u| u.legal_basis.contains("146/2018")));
    // One month is the monthly price, not a payment period: always answered.
    let one = hi::household(params(), 4, m("2025-01"), 1).unwrap();
    assert_eq!((one.monthly_total, one.total), (Vnd(294_840), Vnd(294_840)));
}

#[test]
fn hi_household_sizes_one_to_seven() {
    let expected_2024 = [105_300, 179_010, 242_190, 294_840, 336_960, 379_080, 421_200];
    let expected_2026 = [113_850, 193_545, 261_855, 318_780, 364_320, 409_860, 455_400];
    for n in 1..=7u32 {
        let q = hi::household(params(), n, m("2025-12"), 3).unwrap();
        assert_eq!(q.monthly_total, Vnd(expected_2024[n as usize - 1]), "{n} members");
        assert_eq!(q.members.len(), n as usize);
        let q = hi::household(params(), n, m("2026-07"), 6).unwrap();
        assert_eq!(q.monthly_total, Vnd(expected_2026[n as usize - 1]), "{n} members 2026");
    }
    assert_eq!(hi::household(params(), 0, m("2025-12"), 3).unwrap_err().field(), "members");
    let e = hi::household(params(), 2, m("2025-12"), 5).unwrap_err();
    assert_eq!(e.field(), "months");
    assert!(e.message_en().contains("3, 6, 12"), "{e}");
}

#[test]
fn hi_card_validity() {
    // First time: 30 days after payment.
    assert_eq!(hi::card_valid_from(d("2025-03-10"), None).unwrap(), d("2025-04-09"));
    // Paid before the old card ends: continuous.
    assert_eq!(hi::card_valid_from(d("2025-03-10"), Some(d("2025-03-31"))).unwrap(), d("2025-04-01"));
    // Paid the day after it ended: continuous.
    assert_eq!(hi::card_valid_from(d("2025-04-01"), Some(d("2025-03-31"))).unwrap(), d("2025-04-01"));
    // Short break: from the payment date.
    assert_eq!(hi::card_valid_from(d("2025-06-30"), Some(d("2025-03-31"))).unwrap(), d("2025-06-30"));
    // Break of 3 months or more: 30 days again.
    assert_eq!(hi::card_valid_from(d("2025-07-01"), Some(d("2025-03-31"))).unwrap(), d("2025-07-31"));
}

// ─── Retirement age ────────────────────────────────────────────────────────────────────────

#[test]
fn retirement_worked_example_man_born_09_1964() {
    let r = retirement::reach(params(), Sex::Male, BirthMonth::new(1964, 9)).unwrap();
    assert_eq!((r.age_years, r.age_months), (61, 3));
    assert_eq!(r.reached, m("2025-12"));
    assert_eq!(r.pension_start, m("2026-01"));
    assert_eq!(r.last_day, d("2025-12-31"));
    assert!(r.basis[0].legal_basis.contains("135/2020"));
}

#[test]
fn retirement_ages_across_the_schedule() {
    // (sex, birth, age years, age months, reached) — Decree 135/2020 appendix boundaries.
    let table = [
        (Sex::Male, "1960-12", 60, 0, "2020-12"),
        (Sex::Male, "1961-01", 60, 3, "2021-04"),
        (Sex::Male, "1961-09", 60, 3, "2021-12"),
        (Sex::Male, "1961-10", 60, 6, "2022-04"),
        (Sex::Male, "1962-06", 60, 6, "2022-12"),
        (Sex::Male, "1962-07", 60, 9, "2023-04"),
        (Sex::Male, "1963-03", 60, 9, "2023-12"),
        (Sex::Male, "1963-04", 61, 0, "2024-04"),
        (Sex::Male, "1963-12", 61, 0, "2024-12"),
        (Sex::Male, "1964-01", 61, 3, "2025-04"),
        (Sex::Male, "1964-09", 61, 3, "2025-12"),
        (Sex::Male, "1964-10", 61, 6, "2026-04"),
        (Sex::Male, "1965-06", 61, 6, "2026-12"),
        (Sex::Male, "1965-07", 61, 9, "2027-04"),
        (Sex::Male, "1966-03", 61, 9, "2027-12"),
        (Sex::Male, "1966-04", 62, 0, "2028-04"),
        (Sex::Male, "1970-01", 62, 0, "2032-01"),
        (Sex::Female, "1965-12", 55, 0, "2020-12"),
        (Sex::Female, "1966-01", 55, 4, "2021-05"),
        (Sex::Female, "1966-08", 55, 4, "2021-12"),
        (Sex::Female, "1966-09", 55, 8, "2022-05"),
        (Sex::Female, "1967-04", 55, 8, "2022-12"),
        (Sex::Female, "1967-05", 56, 0, "2023-05"),
        (Sex::Female, "1967-12", 56, 0, "2023-12"),
        (Sex::Female, "1968-01", 56, 4, "2024-05"),
        (Sex::Female, "1970-01", 57, 4, "2027-05"),
        (Sex::Female, "1969-04", 56, 8, "2025-12"),
        (Sex::Female, "1969-05", 57, 0, "2026-05"),
        (Sex::Female, "1969-09", 57, 0, "2026-09"),
        (Sex::Female, "1974-08", 59, 4, "2033-12"),
        (Sex::Female, "1974-09", 59, 8, "2034-05"),
        (Sex::Female, "1974-10", 59, 8, "2034-06"),
        (Sex::Female, "1975-04", 59, 8, "2034-12"),
        (Sex::Female, "1975-05", 60, 0, "2035-05"),
        (Sex::Female, "1976-01", 60, 0, "2036-01"),
    ];
    for (sex, birth, years, months, reached) in table {
        let b = m(birth);
        let r = retirement::reach(params(), sex, BirthMonth::new(b.year(), b.month())).unwrap();
        assert_eq!(
            (r.age_years, r.age_months, r.reached),
            (years, months, m(reached)),
            "{sex:?} born {birth}"
        );
        assert_eq!(r.pension_start, m(reached).add(1));
    }
}

#[test]
fn retirement_birth_year_only_counts_as_january() {
    let a = retirement::reach(params(), Sex::Female, BirthMonth::year_only(1970)).unwrap();
    let b = retirement::reach(params(), Sex::Female, BirthMonth::new(1970, 1)).unwrap();
    assert_eq!(a, b);
    let e = retirement::reach(params(), Sex::Male, BirthMonth::new(1970, 13)).unwrap_err();
    assert_eq!(e.field(), "birth_month");
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
            // A later month of the period may have a higher floor (e.g. January 2027).
            Err(RuleError::IncomeOutOfRange { month: bad, .. }) => { prop_assert!(bad > month); return Ok(()); }
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
            let alone = vsi::quote(params(), &VsiInput { category: cat, support_months_used: k as u32, ..VsiInput::new(line.month, Vnd(income)) }).unwrap();
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
