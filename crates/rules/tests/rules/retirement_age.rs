//! Retirement age across the schedule.

use super::*;

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
