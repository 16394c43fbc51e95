//! Household health insurance: shares by member, card validity.

use super::*;

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
