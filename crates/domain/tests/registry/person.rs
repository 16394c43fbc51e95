//! Person values: dates, ages, working age, names, phones, keys.

use super::*;

#[test]
fn string_conversions_go_through_parse() {
    let id = CitizenId::try_from("042090001234".to_string()).unwrap();
    assert_eq!(String::from(id), "042090001234");
    assert!(CitizenId::try_from("123".to_string()).is_err());
    let b = BirthDate::try_from("1955".to_string()).unwrap();
    assert_eq!(String::from(b), "1955");
    let e = Ethnicity::try_from("Mường".to_string()).unwrap();
    assert_eq!(String::from(e), "Mường");
}

// ─── Person values ────────────────────────────────────────────────────────────────────────

#[test]
fn birth_dates() {
    let t = today();
    assert_eq!(BirthDate::parse("05/03/1990", t).unwrap(), BirthDate::Full(date(1990, 3, 5)));
    assert_eq!(BirthDate::parse("5/3/1990", t).unwrap(), BirthDate::Full(date(1990, 3, 5)));
    assert_eq!(BirthDate::parse("05-03-1990", t).unwrap(), BirthDate::Full(date(1990, 3, 5)));
    assert_eq!(BirthDate::parse("05.03.1990", t).unwrap(), BirthDate::Full(date(1990, 3, 5)));
    assert_eq!(BirthDate::parse("1990-03-05", t).unwrap(), BirthDate::Full(date(1990, 3, 5)));
    assert_eq!(BirthDate::parse(" 1955 ", t).unwrap(), BirthDate::YearOnly(1955));
    assert_eq!(BirthDate::parse("05/03/1990 00:00:00", t).unwrap(), BirthDate::Full(date(1990, 3, 5)));
    assert_eq!(BirthDate::parse("29/02/2024", t).unwrap(), BirthDate::Full(date(2024, 2, 29)));
    assert_eq!(BirthDate::parse("15/01/2026", t).unwrap().to_string(), "15/01/2026");

    for (bad, needle) in [
        ("31/02/2020", "không tồn tại"),
        ("29/02/2023", "không tồn tại"),
        ("00/01/2000", "không tồn tại"),
        ("16/01/2026", "tương lai"),
        ("2027", "tương lai"),
        ("1899", "trước 1900"),
        ("31/12/1899", "trước 1900"),
        ("", "để trống"),
        ("5/3/90", "định dạng"),
        ("1990/03/05", "định dạng"),
        ("ngày 5 tháng 3", "định dạng"),
        ("05/03/1990 10:30", "định dạng"),
    ] {
        let e = BirthDate::parse(bad, t).unwrap_err();
        assert_eq!(e.field, "birth_date");
        assert!(e.vi.contains(needle), "{bad}: {}", e.vi);
    }
}

#[test]
fn ages_and_year_only_dates() {
    let b = BirthDate::Full(date(2011, 3, 5));
    assert_eq!(b.age_on(date(2026, 3, 4)), 14);
    assert_eq!(b.age_on(date(2026, 3, 5)), 15);
    // Year only counts as 1 January (Decree 135/2020 Art 3).
    let y = BirthDate::YearOnly(2011);
    assert_eq!(y.age_on(date(2026, 1, 1)), 15);
    assert_eq!(y.age_on(date(2025, 12, 31)), 14);
    assert_eq!(y.as_birth_month().month, None);
    assert_eq!(b.as_birth_month().month, Some(3));
    assert_eq!(y.effective_date(), date(2011, 1, 1));
}

#[test]
fn working_age_from_15_to_the_month_after_retirement_age() {
    let p = ParamSet::bundled();
    let teen = BirthDate::Full(date(2011, 3, 5));
    assert!(!working_age(&teen, Sex::Male, date(2026, 3, 4), &p).unwrap());
    assert!(working_age(&teen, Sex::Male, date(2026, 3, 5), &p).unwrap());
    // A man born in March 1966 reaches 61 years 9 months (the 2027 age) in December 2027…
    let man = BirthDate::Full(date(1966, 3, 10));
    assert!(working_age(&man, Sex::Male, date(2027, 12, 31), &p).unwrap());
    // …and is past working age from the 1st of the month after.
    assert!(!working_age(&man, Sex::Male, date(2028, 1, 1), &p).unwrap());
    // A woman born in 1970 (year only = January) reaches 57 years 4 months in May 2027.
    let woman = BirthDate::YearOnly(1970);
    assert!(working_age(&woman, Sex::Female, date(2027, 5, 31), &p).unwrap());
    assert!(!working_age(&woman, Sex::Female, date(2027, 6, 1), &p).unwrap());
    assert!(!working_age(&BirthDate::YearOnly(1940), Sex::Female, today(), &p).unwrap());
}

#[test]
fn sexes() {
    for s in ["Nam", "nam", "NAM", "male", "Male", "M", "m"] {
        assert_eq!(parse_sex(s).unwrap(), Sex::Male, "{s}");
    }
    for s in ["Nữ", "nữ", "nu", "NU", "female", "F", "f", "Nư\u{303}"] {
        assert_eq!(parse_sex(s).unwrap(), Sex::Female, "{s}");
    }
    for s in ["", "x", "trai", "Nam/Nữ"] {
        assert_eq!(parse_sex(s).unwrap_err().field, "sex", "{s}");
    }
}

#[test]
fn full_names() {
    let n = FullName::parse("  Nguye\u{302}\u{303}n   Văn  An ").unwrap();
    assert_eq!(n.as_str(), "Nguyễn Văn An");
    assert_eq!((n.family(), n.given()), ("Nguyễn", "An"));
    assert_eq!(n.folded(), "nguyen van an");
    assert!(FullName::parse("Hồ Thị Thu-Hà").is_ok());
    assert!(FullName::parse("H'Hen Niê").is_ok());
    for (bad, needle) in [
        ("", "để trống"),
        ("An", "hai từ"),
        ("Nguyễn Văn 2", "ký tự không hợp lệ"),
        ("Nguyễn, Văn An", "ký tự không hợp lệ"),
        ("Lê -An", "bắt đầu bằng chữ cái"),
    ] {
        let e = FullName::parse(bad).unwrap_err();
        assert_eq!(e.field, "full_name");
        assert!(e.vi.contains(needle), "{bad}: {}", e.vi);
    }
    assert!(FullName::parse(&format!("Nguyễn {}", "a".repeat(80))).unwrap_err().vi.contains("80"));
}

#[test]
fn phones() {
    for (input, stored) in [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0084912345678", "0912345678"),
        ("912345678", "0912345678"),
        ("0398-765-432", "0398765432"),
        ("(0239) 3855 123", "02393855123"),
        ("+84 239 3855 123", "02393855123"),
    ] {
        assert_eq!(Phone::parse(input).unwrap().as_str(), stored, "{input}");
    }
    for bad in
        ["", "091234567", "09123456789", "0112345678", "0612345678", "+1 555 123 4567", "0912abc678", "12345"]
    {
        assert_eq!(Phone::parse(bad).unwrap_err().field, "phone", "{bad}");
    }
    assert!(Phone::parse("0912345678").unwrap().is_mobile());
    assert!(!Phone::parse("02393855123").unwrap().is_mobile());
}

#[test]
fn occupations() {
    for (input, o) in [
        ("Nông, lâm, ngư nghiệp", Occupation::Farmer),
        ("nong lam ngu nghiep", Occupation::Farmer),
        ("Nông nghiệp", Occupation::Farmer),
        ("farmer", Occupation::Farmer),
        ("Tự do", Occupation::Freelance),
        ("lao dong tu do", Occupation::Freelance),
        ("Làm công hưởng lương", Occupation::WageWorker),
        ("wage_worker", Occupation::WageWorker),
        ("Học sinh", Occupation::Student),
        ("sinh vien", Occupation::Student),
        ("Học sinh/sinh viên", Occupation::Student),
        ("Hưu trí", Occupation::Retired),
        ("KHÁC", Occupation::Other),
    ] {
        assert_eq!(Occupation::parse(input).unwrap(), o, "{input}");
    }
    let e = Occupation::parse("phi hành gia").unwrap_err();
    assert_eq!(e.field, "occupation");
    assert!(e.vi.contains("Hưu trí"), "lists the choices: {}", e.vi);
}

#[test]
fn relations() {
    for (input, r) in [
        ("Chủ hộ", Relation::Head),
        ("chu ho", Relation::Head),
        ("Vợ", Relation::Wife),
        ("vo", Relation::Wife),
        ("Chồng", Relation::Husband),
        ("Con", Relation::Child),
        ("con trai", Relation::Child),
        ("Bố", Relation::Father),
        ("cha", Relation::Father),
        ("Mẹ", Relation::Mother),
        ("Ông", Relation::Grandfather),
        ("Bà", Relation::Grandmother),
        ("bà nội", Relation::Grandmother),
        ("Cháu", Relation::Grandchild),
        ("Anh", Relation::ElderBrother),
        ("Chị", Relation::ElderSister),
        ("Em", Relation::YoungerSibling),
        ("Con dâu", Relation::DaughterInLaw),
        ("con dau", Relation::DaughterInLaw),
        ("Con rể", Relation::SonInLaw),
        ("Khác", Relation::Other),
        ("daughter_in_law", Relation::DaughterInLaw),
    ] {
        assert_eq!(Relation::parse(input).unwrap(), r, "{input}");
    }
    let e = Relation::parse("hàng xóm").unwrap_err();
    assert_eq!(e.field, "relation");
    assert!(e.vi.contains("Chủ hộ"));
    // Without diacritics "ba" is bà or (southern) ba = father: refuse rather than guess.
    assert!(Relation::parse("ba").unwrap_err().vi.contains("Bố"));
    assert_eq!(Relation::Wife.implied_sex(), Some(Sex::Female));
    assert_eq!(Relation::Child.implied_sex(), None);
}

#[test]
fn poverty_ethnicity_household_codes() {
    assert_eq!(PovertyStatus::parse("Hộ nghèo").unwrap(), PovertyStatus::Poor);
    assert_eq!(PovertyStatus::parse("can ngheo").unwrap(), PovertyStatus::NearPoor);
    assert_eq!(PovertyStatus::parse("near_poor").unwrap(), PovertyStatus::NearPoor);
    assert_eq!(PovertyStatus::parse("").unwrap(), PovertyStatus::None);
    assert_eq!(PovertyStatus::parse("giàu").unwrap_err().field, "poverty");

    assert_eq!(Ethnicity::all().count(), 54);
    assert_eq!(Ethnicity::default(), Ethnicity::KINH);
    assert_eq!(Ethnicity::parse("kinh").unwrap().name(), "Kinh");
    assert_eq!(Ethnicity::parse("Ê-đê").unwrap().name(), "Ê Đê");
    assert_eq!(Ethnicity::parse("ede").unwrap().name(), "Ê Đê");
    assert_eq!(Ethnicity::parse("H'Mông").unwrap().name(), "Mông");
    assert_eq!(Ethnicity::parse("Khơ-me").unwrap().name(), "Khmer");
    assert_eq!(Ethnicity::parse("muong").unwrap().name(), "Mường");
    assert_eq!(Ethnicity::parse("Bru Vân Kiều").unwrap().name(), "Bru-Vân Kiều");
    assert!(Ethnicity::parse("Chứt").unwrap().is_minority());
    assert_eq!(Ethnicity::parse("Elf").unwrap_err().field, "ethnicity");
    assert_eq!(Ethnicity::parse("").unwrap_err().field, "ethnicity");

    assert_eq!(HouseholdCode::parse(" ht-0012 ").unwrap().as_str(), "HT-0012");
    for bad in ["", "HT 0012", "HT_12", "Hộ1", &"A".repeat(21)] {
        assert_eq!(HouseholdCode::parse(bad).unwrap_err().field, "household_code", "{bad}");
    }
}
