//! Citizen IDs and old SI numbers.

use super::*;

// ─── CCCD ─────────────────────────────────────────────────────────────────────────────────

#[test]
fn cccd_parts_and_province_table() {
    assert_eq!(BIRTH_PROVINCES.len(), 63);
    let id = CitizenId::parse("042090001234").unwrap();
    assert_eq!(id.province_code(), "042");
    assert_eq!(id.province_name(), "Hà Tĩnh");
    assert_eq!(id.sex(), Sex::Male);
    assert_eq!(id.birth_year(), 1990);
    assert!(id.check_against(Sex::Male, 1990).is_ok());
    for (digit, sex, year) in [
        ('0', Sex::Male, 1955),
        ('1', Sex::Female, 1955),
        ('2', Sex::Male, 2055),
        ('3', Sex::Female, 2055),
        ('4', Sex::Male, 2155),
        ('5', Sex::Female, 2155),
        ('6', Sex::Male, 2255),
        ('7', Sex::Female, 2255),
        ('8', Sex::Male, 2355),
        ('9', Sex::Female, 2355),
    ] {
        let id = CitizenId::parse(&format!("001{digit}55123456")).unwrap();
        assert_eq!((id.sex(), id.birth_year()), (sex, year), "digit {digit}");
    }
    assert_eq!(CitizenId::parse("096300000001").unwrap().province_name(), "Cà Mau");
}

#[test]
fn cccd_bad_inputs() {
    for (input, needle) in [
        ("", "để trống"),
        ("04209000123", "11 chữ số"),
        ("0420900012345", "13 chữ số"),
        ("04209000123A", "chỉ được gồm chữ số"),
        ("042 090 001 234", "chỉ được gồm chữ số"),
        ("003090001234", "mã tỉnh «003»"),
        ("099090001234", "mã tỉnh «099»"),
        ("100090001234", "mã tỉnh «100»"),
    ] {
        let e = CitizenId::parse(input).unwrap_err();
        assert_eq!(e.field, "cccd");
        assert!(e.vi.contains(needle), "{input}: {}", e.vi);
    }
    // An 11-digit number is most likely Excel eating the leading zero: say so.
    let e = CitizenId::parse("42090001234").unwrap_err();
    assert!(e.vi.contains("Excel") && e.en.contains("leading zero"), "{}", e.vi);
}

#[test]
fn cccd_mismatch_names_the_part() {
    let id = CitizenId::parse("042090001234").unwrap();
    let e = id.check_against(Sex::Female, 1990).unwrap_err();
    assert!(e.vi.contains("chữ số thứ 4") && e.vi.contains("Nữ"), "{}", e.vi);
    assert!(!e.vi.contains("năm sinh khai"), "{}", e.vi);
    let e = id.check_against(Sex::Male, 1991).unwrap_err();
    assert!(e.vi.contains("chữ số thứ 5–6") && e.vi.contains("1991"), "{}", e.vi);
    assert!(e.en.contains("digits 5–6 (birth year) give 1990"), "{}", e.en);
    // Same two last digits, wrong century: the century/sex digit is to blame.
    let e = id.check_against(Sex::Male, 2090).unwrap_err();
    assert!(e.vi.contains("thế kỷ"), "{}", e.vi);
    let e = id.check_against(Sex::Female, 1985).unwrap_err();
    assert!(e.vi.contains("chữ số thứ 4") && e.vi.contains("năm sinh"), "both parts: {}", e.vi);
}

#[test]
fn cccd_generate_checks_its_inputs() {
    assert_eq!(CitizenId::generate("042", Sex::Female, 1975, 7).unwrap().as_str(), "042175000007");
    assert_eq!(CitizenId::generate("1", Sex::Male, 2000, 999_999).unwrap().as_str(), "001200999999");
    assert_eq!(CitizenId::generate("003", Sex::Male, 2000, 1).unwrap_err().field, "province");
    assert_eq!(CitizenId::generate("042", Sex::Male, 1899, 1).unwrap_err().field, "birth_year");
    assert_eq!(CitizenId::generate("042", Sex::Male, 2400, 1).unwrap_err().field, "birth_year");
    assert_eq!(CitizenId::generate("042", Sex::Male, 2000, 1_000_000).unwrap_err().field, "serial");
}

#[test]
fn old_si_number() {
    assert_eq!(OldSiNumber::parse(" 4209001234 ").unwrap().as_str(), "4209001234");
    assert!(OldSiNumber::parse("420900123").unwrap_err().vi.contains("Excel"));
    assert!(OldSiNumber::parse("42090012345").is_err());
    assert_eq!(OldSiNumber::parse("42090O1234").unwrap_err().field, "old_si_number");
}
