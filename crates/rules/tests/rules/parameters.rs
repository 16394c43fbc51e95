//! The bundled parameters: valid, catalogued, versioned.

use super::*;

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
            assert!(!v.note.is_empty(), "{}: U versions must say in their note what is unconfirmed", v.key);
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
    // DOMAIN.md §5: Decree 161/2026/NĐ-CP of 15 May 2026, Art 3 cl 2.
    let b = p.get("base_salary", d("2026-07-01")).unwrap();
    assert_eq!(b.confidence, Confidence::V);
    assert!(b.legal_basis.contains("161/2026/NĐ-CP"));
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
        note: String::new(),
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
        note: String::new(),
    })
    .unwrap();
}

/// The legal basis is shown to citizens: a Vietnamese citation of the document and article.
/// Research notes (sources, assumptions, what is still to check) live in `note`, shown to
/// administrators only.
#[test]
fn public_bases_are_vietnamese_citations_and_notes_stay_internal() {
    let set = ParamSet::bundled();
    let english = [
        "UNCONFIRMED",
        "assumed",
        "source",
        "remembered",
        "derived",
        "placeholder",
        "Interpretation",
        " the ",
        " and ",
    ];
    for v in set.versions() {
        for w in english {
            assert!(
                !v.legal_basis.contains(w),
                "{} from {}: «{}» in the public basis «{}»",
                v.key,
                v.effective_from,
                w,
                v.legal_basis
            );
        }
        assert!(
            v.legal_basis.contains("Luật")
                || v.legal_basis.contains("Nghị")
                || v.legal_basis.contains("Thông tư")
                || v.legal_basis.contains("Công văn")
                || v.legal_basis.contains("Quyết định")
                || v.legal_basis.contains("Bộ luật")
                || v.legal_basis.contains("Hệ số")
                || v.legal_basis.contains("Giá trị tạm tính"),
            "{}: «{}» names no document",
            v.key,
            v.legal_basis
        );
    }
    let with_notes = set.versions().into_iter().filter(|v| !v.note.is_empty()).count();
    assert!(with_notes > 50, "{with_notes}");
    // The note travels with the version (and its audit record), not with public results.
    let hi = set.get("hi.household.period.12", chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()).unwrap();
    assert!(hi.note.contains("Decree 188"), "{}", hi.note);
}
