//! Voluntary social insurance: contributions, support, limits, modes, deadlines.

use super::*;

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
fn vsi_payment_is_priced_on_its_payment_date_for_every_month_it_covers() {
    // Every3 from May 2025, paid on 2 May: every month under Decree 134 (10%), although July
    // falls under Decree 159 — the payment is never re-priced.
    let i = input("2025-05", 1_500_000, SupportCategory::Others, PaymentMode::Every3);
    let q = vsi::quote(params(), &i.clone().paid_on(d("2025-05-02"))).unwrap();
    let supports: Vec<i64> = q.lines.iter().map(|l| l.state_support.0).collect();
    assert_eq!(supports, [33_000, 33_000, 33_000]);
    assert_eq!(q.priced_on, d("2025-05-02"));
    assert_eq!(q.lines[2].month, m("2025-07"));
    // The same period paid late, on 3 July 2025, is priced by Decree 159 throughout.
    let late = vsi::quote(params(), &i.paid_on(d("2025-07-03"))).unwrap();
    assert!(late.lines.iter().all(|l| l.state_support == Vnd(66_000)));

    // DOMAIN.md §12: 12 months paid in November 2026 at 1,500,000 ₫ cover 11/2026–10/2027 and
    // stay valid although the rural poverty line rises to 2,200,000 ₫ on 1 January 2027.
    let nov = input("2026-11", 1_500_000, SupportCategory::Others, PaymentMode::Every12);
    let q = vsi::quote(params(), &nov.clone().paid_on(d("2026-11-20"))).unwrap();
    assert_eq!(q.lines.len(), 12);
    assert_eq!(q.lines[11].month, m("2027-10"));
    assert_eq!(q.gross, Vnd(12 * 330_000));
    assert_eq!(q.state_support, Vnd(12 * 66_000));
    assert_eq!(q.payable, Vnd(12 * 264_000));
    // Paid in January 2027 instead, 1,500,000 ₫ is below the new floor.
    let e = vsi::quote(params(), &nov.clone().paid_on(d("2027-01-05"))).unwrap_err();
    assert!(matches!(e, RuleError::IncomeOutOfRange { month, .. } if month == m("2027-01")));

    // With `vsi.pricing.first_month` = 1, the first month covered sets the price instead.
    let mut versions: Vec<ParamVersion> =
        params().versions().into_iter().filter(|v| v.key != "vsi.pricing.first_month").cloned().collect();
    versions.push(ParamVersion {
        key: "vsi.pricing.first_month".into(),
        effective_from: d("2016-01-01"),
        effective_to: None,
        value: 1,
        legal_basis: "test".into(),
        confidence: Confidence::U,
        note: String::new(),
    });
    let p = ParamSet::from_versions(versions).unwrap();
    let q = vsi::quote(&p, &nov.paid_on(d("2026-10-25"))).unwrap();
    assert_eq!(q.priced_on, d("2026-11-01"));
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
            "Mức thu nhập tháng làm căn cứ đóng 1.000.000\u{a0}₫ ngoài khoảng cho phép 1.500.000\u{a0}₫ – 46.800.000\u{a0}₫ cho tháng 03/2025 / income 1,000,000 VND outside the allowed range"
        ),
        "{e}"
    );
    // A payment is checked against the limits in force on its payment date: three months
    // from 11/2026 paid in November pass at 1,500,000 ₫, paid in January 2027 they do not, and
    // the error names the month whose parameters refused it.
    let nov = input("2026-11", 1_500_000, SupportCategory::Others, PaymentMode::Every3);
    assert!(vsi::quote(p, &nov.clone().paid_on(d("2026-11-02"))).is_ok());
    let e = vsi::quote(p, &nov.paid_on(d("2027-01-04"))).unwrap_err();
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
        note: String::new(),
    })
    .unwrap();
    let mut i = input("2025-07", 1_500_000, SupportCategory::Poor, PaymentMode::Every3);
    i.support_months_used = 125;
    i.support_months_used_prior_regime = 100;
    // Paid in July, while counts-prior is still 1: 125 ≥ 120, no support for any month.
    let q = vsi::quote(&set, &i.clone().paid_on(d("2025-07-10"))).unwrap();
    let supports: Vec<i64> = q.lines.iter().map(|l| l.state_support.0).collect();
    assert_eq!(supports, [0, 0, 0]);
    // Paid in August, once the flag is 0: 125 − 100 prior-regime months = 25 < 120, so every
    // month of the payment is supported.
    let q = vsi::quote(&set, &i.paid_on(d("2025-08-05"))).unwrap();
    let supports: Vec<i64> = q.lines.iter().map(|l| l.state_support.0).collect();
    assert_eq!(supports, [165_000, 165_000, 165_000]);
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
    // DOMAIN.md §4: Nghị quyết 177/2019/NQ-HĐND, 2020–2025.
    assert_eq!(local.confidence, Confidence::V);
    assert!(local.legal_basis.contains("177/2019/NQ-HĐND"));

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
    // Paid in January 2025: every month under Decree 134 (10%), never re-priced.
    assert_eq!(q.state_support, Vnd(24 * 33_000));
    assert!(q.discount > Vnd::ZERO && q.discount < Vnd(24 * 330_000 / 10));
    assert_eq!(q.payable, q.gross - q.state_support - q.discount);
    let r = q.basis.iter().find(|u| u.key == "vsi.fund_monthly_rate").unwrap();
    assert_eq!(r.confidence, Confidence::U);
    // Exact: Σ_{i=1..24} 330,000 / (1 + 0.0034)^(i−1), r of 2025 = 34 bps.
    // Spanning 1 Jan 2027 the payment stays priced at its payment date (July 2025).
    assert!(
        vsi::quote(
            params(),
            &input("2025-07", 1_500_000, SupportCategory::Others, PaymentMode::AheadYears { months: 24 }),
        )
        .is_ok()
    );
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
