//! The population registry's pure parts: citizen IDs, person values, import rows, demo data.

use ansinh_domain::cccd::{BIRTH_PROVINCES, CitizenId, OldSiNumber};
use ansinh_domain::import::{
    Column, PersonRecord, RowError, TEMPLATE_HEADERS, TEMPLATE_KEYS, check_file, data_row_number,
    is_blank_row, map_headers, parse_row, template_example_row,
};
use ansinh_domain::person::{
    BirthDate, Ethnicity, FullName, HouseholdCode, Occupation, Phone, PovertyStatus, Relation, Sex,
    parse_sex, working_age,
};
use ansinh_domain::population::{DemoHousehold, DemoPlace, generate, generate_vec};
use ansinh_rules::ParamSet;
use chrono::NaiveDate;
use proptest::prelude::*;
use std::collections::HashSet;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn today() -> NaiveDate {
    date(2026, 1, 15)
}

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
}

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

proptest! {
    #[test]
    fn cccd_generate_parse_round_trip(p in 0usize..63, female: bool, year in 1900i32..=2399, serial in 0u32..1_000_000) {
        let sex = if female { Sex::Female } else { Sex::Male };
        let id = CitizenId::generate(BIRTH_PROVINCES[p].0, sex, year, serial).unwrap();
        let back = CitizenId::parse(id.as_str()).unwrap();
        prop_assert_eq!(back.province_code(), BIRTH_PROVINCES[p].0);
        prop_assert_eq!(back.sex(), sex);
        prop_assert_eq!(back.birth_year(), year);
        prop_assert_eq!(back.serial(), serial);
        prop_assert!(back.check_against(sex, year).is_ok());
    }

    #[test]
    fn cccd_parse_never_panics(s in "\\PC{0,20}") {
        let _ = CitizenId::parse(&s);
    }
}

#[test]
fn old_si_number() {
    assert_eq!(OldSiNumber::parse(" 4209001234 ").unwrap().as_str(), "4209001234");
    assert!(OldSiNumber::parse("420900123").unwrap_err().vi.contains("Excel"));
    assert!(OldSiNumber::parse("42090012345").is_err());
    assert_eq!(OldSiNumber::parse("42090O1234").unwrap_err().field, "old_si_number");
}

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

// ─── Import ───────────────────────────────────────────────────────────────────────────────

fn record(row: usize, cells: &[&str]) -> Result<PersonRecord, Vec<RowError>> {
    let map = map_headers(&TEMPLATE_HEADERS).unwrap();
    parse_row(&map, row, &strings(cells), today())
}

#[test]
fn template_headers_and_example() {
    assert_eq!(TEMPLATE_HEADERS.len(), Column::ALL.len());
    assert_eq!(TEMPLATE_KEYS.len(), Column::ALL.len());
    let map = map_headers(&TEMPLATE_HEADERS).unwrap();
    let r = parse_row(&map, 2, &template_example_row(), today()).unwrap();
    assert_eq!(r.cccd.as_str(), "042090001234");
    assert_eq!(r.full_name.as_str(), "Nguyễn Văn An");
    assert_eq!(r.relation, Relation::Head);
    assert_eq!(r.occupation, Some(Occupation::Farmer));
    assert_eq!(r.unit_code.as_str(), "18322-01");
    assert_eq!(r.row, 2);
    assert_eq!(data_row_number(0), 2);
}

#[test]
fn headers_match_folded_and_english() {
    let folded = strings(&[
        "so cccd",
        "HO VA TEN",
        "Ngay sinh",
        "gioi tinh",
        "Ma ho",
        "quan he voi chu ho",
        "Mã thôn / tổ / xã (*)",
        "Ghi chú",
    ]);
    let map = map_headers(&folded).unwrap();
    assert_eq!(map.index(Column::Cccd), Some(0));
    assert_eq!(map.index(Column::UnitCode), Some(6));
    assert_eq!(map.index(Column::Phone), None);
    assert_eq!(map.header(Column::FullName), "HO VA TEN");

    let english = TEMPLATE_KEYS.map(|k| k.to_uppercase());
    let map = map_headers(&english).unwrap();
    assert_eq!(map.index(Column::OldSiNumber), Some(10));

    // Any order; unknown columns ignored.
    let map = map_headers(&[
        "Ghi chú",
        "sex",
        "cccd",
        "relation",
        "full_name",
        "unit_code",
        "birth_date",
        "household_code",
    ])
    .unwrap();
    assert_eq!(map.index(Column::Sex), Some(1));
    let r = parse_row(
        &map,
        2,
        &["x", "Nữ", "042195000001", "Vợ", "Trần Thị Bình", "18322-01", "1995", "HT-1"],
        today(),
    )
    .unwrap();
    assert_eq!(r.birth, BirthDate::YearOnly(1995));
    assert_eq!(r.ethnicity, Ethnicity::KINH);
    assert_eq!((r.phone, r.occupation, r.old_si_number), (None, None, None));
}

#[test]
fn missing_and_duplicated_columns() {
    let errors = map_headers(&["Số CCCD", "Họ và tên", "cccd", "Ngày sinh"]).unwrap_err();
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(
        lines.iter().any(|l| l.starts_with("dòng 1, cột cccd: cột «cccd» trùng với cột «Số CCCD»")),
        "{lines:?}"
    );
    for missing in ["Giới tính", "Mã hộ", "Quan hệ với chủ hộ", "Mã thôn/tổ/xã"] {
        assert!(lines.iter().any(|l| l.contains(&format!("thiếu cột «{missing}»"))), "{missing}: {lines:?}");
    }
    assert!(!lines.iter().any(|l| l.contains("Dân tộc")), "optional columns are not required");
    assert!(errors.iter().all(|e| e.row == 1));
    assert!(map_headers::<&str>(&[]).is_err());
}

const GOOD: [&str; 11] = [
    "042195000001",
    "Trần Thị Bình",
    "12/08/1995",
    "Nữ",
    "18322-0001",
    "Vợ",
    "18322-01",
    "Kinh",
    "+84 912 345 678",
    "Tự do",
    "",
];

#[test]
fn a_good_row() {
    let r = record(7, &GOOD).unwrap();
    assert_eq!(r.row, 7);
    assert_eq!(r.sex, Sex::Female);
    assert_eq!(r.phone.unwrap().as_str(), "0912345678");
    assert_eq!(r.household_code.as_str(), "18322-0001");
    // Short rows (trailing cells missing) are fine when the missing cells are optional.
    assert!(record(3, &GOOD[..7]).is_ok());
    assert!(!is_blank_row(&GOOD) && is_blank_row(&["", " ", "\t"]));
}

#[test]
fn bad_rows_report_every_cell() {
    let mut cells = GOOD;
    cells[0] = "04219500000";
    cells[2] = "31/02/2020";
    cells[5] = "hàng xóm";
    cells[6] = "xã Kỳ Nam";
    cells[8] = "12345";
    cells[10] = "123";
    let errors = record(5, &cells).unwrap_err();
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 6, "{lines:#?}");
    assert!(lines[0].starts_with("dòng 5, cột Số CCCD: Số CCCD «04219500000» có 11 chữ số"), "{}", lines[0]);
    assert!(lines.iter().any(|l| l.starts_with("dòng 5, cột Ngày sinh:") && l.contains("không tồn tại")));
    assert!(lines.iter().any(|l| l.starts_with("dòng 5, cột Quan hệ với chủ hộ:")));
    assert!(lines.iter().any(|l| l.starts_with("dòng 5, cột Mã thôn/tổ/xã:")));
    assert!(lines.iter().any(|l| l.starts_with("dòng 5, cột Số điện thoại:")));
    assert!(lines.iter().any(|l| l.starts_with("dòng 5, cột Mã số BHXH cũ:")));
    assert!(errors[0].to_en().starts_with("row 5, column Số CCCD: citizen ID"), "{}", errors[0].to_en());

    // A future birth date.
    let mut cells = GOOD;
    cells[2] = "01/01/2027";
    let e = record(2, &cells).unwrap_err();
    assert!(e[0].vi.contains("tương lai"), "{:?}", e);

    // Required cells left blank.
    let errors = record(9, &["", "", "", "", "", "", ""]).unwrap_err();
    assert_eq!(errors.len(), 7);
    assert!(errors.iter().all(|e| e.vi.contains("không được để trống")), "{errors:?}");
    assert_eq!(errors[0].to_string(), "dòng 9, cột Số CCCD: «Số CCCD» không được để trống");
}

#[test]
fn cccd_must_agree_with_sex_and_birth_year() {
    let mut cells = GOOD;
    cells[3] = "Nam";
    cells[5] = "Chủ hộ";
    let e = record(4, &cells).unwrap_err();
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].column, "Số CCCD");
    assert!(e[0].vi.contains("chữ số thứ 4"), "{}", e[0].vi);

    let mut cells = GOOD;
    cells[2] = "12/08/1996";
    let e = record(4, &cells).unwrap_err();
    assert!(e[0].vi.contains("năm sinh khai là 1996"), "{}", e[0].vi);

    // A woman born in 2005 with a 1900s century digit (1 instead of 3).
    let mut cells = GOOD;
    cells[0] = "042105000001";
    cells[2] = "2005";
    let e = record(4, &cells).unwrap_err();
    assert!(e[0].vi.contains("thế kỷ"), "{}", e[0].vi);
}

#[test]
fn relation_must_agree_with_sex() {
    let mut cells = GOOD;
    cells[5] = "Chồng";
    let e = record(6, &cells).unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].to_string(), "dòng 6, cột Quan hệ với chủ hộ: quan hệ «Chồng» không khớp giới tính «Nữ»");
}

#[test]
fn diacritics_free_file() {
    let headers = [
        "so cccd",
        "ho va ten",
        "ngay sinh",
        "gioi tinh",
        "ma ho",
        "quan he voi chu ho",
        "ma thon/to/xa",
        "dan toc",
        "nghe nghiep",
    ];
    let map = map_headers(&headers).unwrap();
    let r = parse_row(
        &map,
        2,
        &["042090001234", "Nguyen Van An", "1990", "nam", "HT1", "chu ho", "18322", "kinh", "nong nghiep"],
        today(),
    )
    .unwrap();
    assert_eq!((r.sex, r.relation, r.occupation), (Sex::Male, Relation::Head, Some(Occupation::Farmer)));
}

#[test]
fn within_file_checks() {
    let mut a = GOOD;
    a[5] = "Chủ hộ";
    let mut b = GOOD;
    b[0] = "042090001234";
    b[1] = "Nguyễn Văn An";
    b[3] = "Nam";
    b[2] = "1990";
    b[5] = "Chủ hộ";
    let mut c = GOOD; // same CCCD as a, another household
    c[4] = "18322-0002";
    let records = vec![record(2, &a).unwrap(), record(3, &b).unwrap(), record(7, &c).unwrap()];
    let errors = check_file(&records);
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        vec![
            "dòng 2, cột Quan hệ với chủ hộ: hộ 18322-0001 (đơn vị 18322-01) có hơn một chủ hộ: dòng này và dòng 3",
            "dòng 2, cột Số CCCD: số CCCD 042195000001 trùng với dòng 7",
            "dòng 3, cột Quan hệ với chủ hộ: hộ 18322-0001 (đơn vị 18322-01) có hơn một chủ hộ: dòng này và dòng 2",
            "dòng 7, cột Số CCCD: số CCCD 042195000001 trùng với dòng 2",
        ]
    );
    assert!(check_file(&records[..1]).is_empty());
    // A household without a head in the file is fine (it may exist already).
    assert!(check_file(&[record(7, &c).unwrap()]).is_empty());
}

// ─── Demo population ──────────────────────────────────────────────────────────────────────

fn places() -> Vec<DemoPlace> {
    let place = |unit: &str, commune: &str, weight| DemoPlace {
        unit_code: unit.into(),
        commune_code: commune.into(),
        province_code: "42".into(),
        weight,
    };
    vec![
        place("18322-01", "18322", 3),
        place("18322-01-04", "18322", 1),
        place("18832-02", "18832", 2),
        place("18547-01", "18547", 2),
        place("18547-02", "18547", 0),
    ]
}

fn reference() -> NaiveDate {
    date(2026, 1, 1)
}

#[test]
fn demo_is_deterministic() {
    let a = generate_vec(&places(), 5_000, 42, reference());
    let b = generate_vec(&places(), 5_000, 42, reference());
    assert_eq!(a, b);
    let c = generate_vec(&places(), 5_000, 43, reference());
    assert_ne!(a, c);
    assert_eq!(a.iter().map(|h| h.members.len()).sum::<usize>(), 5_000);
    // The same on every machine: a fingerprint of the whole output (FNV-1a), so any change to
    // the generator is a visible, deliberate decision (update the constant and say why).
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for h in &a {
        for p in &h.members {
            let line = format!(
                "{}|{}|{}|{}|{}|{:?}|{}|{}|{:?}|{:?}",
                h.code,
                h.unit_code,
                p.cccd,
                p.full_name,
                p.birth,
                p.sex,
                p.relation.as_str(),
                p.occupation.as_str(),
                p.phone,
                h.poverty
            );
            for b in line.bytes() {
                hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
    assert_eq!(hash, 17_370_418_995_594_138_256, "generator output changed");
}

#[test]
fn demo_without_places_is_empty() {
    assert_eq!(generate(&[], 100, 1, reference()).count(), 0);
    let zero = vec![DemoPlace {
        unit_code: "1".into(),
        commune_code: "1".into(),
        province_code: "42".into(),
        weight: 0,
    }];
    assert_eq!(generate(&zero, 100, 1, reference()).count(), 0);
    assert_eq!(generate(&places(), 0, 1, reference()).count(), 0);
}

fn share(count: usize, total: usize) -> f64 {
    count as f64 * 100.0 / total as f64
}

#[test]
fn demo_shape_on_100_000_persons() {
    let r = reference();
    let households: Vec<DemoHousehold> = generate(&places(), 100_000, 2024, r).collect();
    let persons: Vec<_> = households.iter().flat_map(|h| &h.members).collect();
    let n = persons.len();
    assert_eq!(n, 100_000);

    let ages: Vec<i32> = persons.iter().map(|p| p.birth.age_on(r)).collect();
    let under_15 = share(ages.iter().filter(|a| **a < 15).count(), n);
    let working = share(ages.iter().filter(|a| (15..65).contains(*a)).count(), n);
    let over_65 = share(ages.iter().filter(|a| **a >= 65).count(), n);
    assert!((under_15 - 23.3).abs() <= 1.5, "under 15: {under_15:.2}%");
    assert!((working - 67.4).abs() <= 1.5, "15–64: {working:.2}%");
    assert!((over_65 - 9.3).abs() <= 1.5, "65+: {over_65:.2}%");

    let mean = n as f64 / households.len() as f64;
    assert!((mean - 3.6).abs() <= 0.3, "mean household size {mean:.2}");

    let ratio = |lo: i32, hi: i32| {
        let in_band = |p: &&&ansinh_domain::population::DemoPerson| (lo..hi).contains(&p.birth.age_on(r));
        let men = persons.iter().filter(in_band).filter(|p| p.sex == Sex::Male).count();
        let women = persons.iter().filter(in_band).filter(|p| p.sex == Sex::Female).count();
        men as f64 * 100.0 / women as f64
    };
    let young = ratio(0, 20);
    let old = ratio(80, 200);
    let all = ratio(0, 200);
    assert!(young > 100.0, "sex ratio under 20: {young:.1}");
    assert!((55.0..=75.0).contains(&old), "sex ratio 80+: {old:.1}");
    assert!((95.0..=103.0).contains(&all), "sex ratio overall: {all:.1}");

    // Poverty shares (illustrative targets 3% and 4%).
    let h = households.len();
    let poor = share(households.iter().filter(|x| x.poverty == PovertyStatus::Poor).count(), h);
    let near = share(households.iter().filter(|x| x.poverty == PovertyStatus::NearPoor).count(), h);
    assert!(
        (2.0..=4.0).contains(&poor) && (3.0..=5.0).contains(&near),
        "poor {poor:.2}% near-poor {near:.2}%"
    );

    // Family names: Hà Tĩnh weights (Võ, not Vũ; Huỳnh rare; Hồ common).
    let family = |name: &str| persons.iter().filter(|p| p.full_name.family() == name).count();
    assert_eq!(family("Vũ"), 0);
    assert!(family("Hồ") > 5 * family("Huỳnh").max(1));
    assert!(share(family("Nguyễn"), n) > 25.0);
    // "Văn"/"Thị" common among older cohorts, rarer after 2000.
    let middle_share = |from: i32, to: i32, sex: Sex, middle: &str| {
        let cohort: Vec<_> =
            persons.iter().filter(|p| p.sex == sex && (from..to).contains(&p.birth.year())).collect();
        share(
            cohort.iter().filter(|p| p.full_name.as_str().split(' ').nth(1) == Some(middle)).count(),
            cohort.len(),
        )
    };
    assert!(middle_share(1940, 1975, Sex::Male, "Văn") > 60.0);
    assert!(middle_share(2005, 2026, Sex::Male, "Văn") < 20.0);
    assert!(middle_share(1940, 1975, Sex::Female, "Thị") > 70.0);
    assert!(middle_share(2005, 2026, Sex::Female, "Thị") < 20.0);

    // Occupations plausible by age.
    for (p, age) in persons.iter().zip(&ages) {
        match *age {
            6..18 => assert_eq!(p.occupation, Occupation::Student, "{age}"),
            ..6 => assert_eq!(p.occupation, Occupation::Other),
            _ => {}
        }
        if p.occupation == Occupation::Retired {
            assert!(*age >= 55, "retired at {age}");
        }
    }
    assert!(persons.iter().any(|p| p.occupation == Occupation::Farmer));

    // Every household has exactly one head, listed first; codes are unique; the weight-0
    // place gets nothing.
    let mut codes = HashSet::new();
    for h in &households {
        assert_eq!(h.members[0].relation, Relation::Head);
        assert_eq!(h.members.iter().filter(|m| m.relation == Relation::Head).count(), 1);
        assert!(codes.insert(h.code.clone()), "duplicate household code {}", h.code);
        assert_ne!(h.unit_code, "18547-02");
        assert!(HouseholdCode::parse(h.code.as_str()).is_ok());
    }
}

#[test]
fn demo_identifiers_are_valid_and_unique() {
    let r = reference();
    let mut seen = HashSet::new();
    let mut ha_tinh = 0usize;
    let mut n = 0usize;
    for h in generate(&places(), 60_000, 7, r) {
        for p in &h.members {
            n += 1;
            let id = CitizenId::parse(p.cccd.as_str()).unwrap();
            id.check_against(p.sex, p.birth.year()).unwrap();
            assert!(seen.insert(p.cccd.clone()), "duplicate CCCD {}", p.cccd);
            ha_tinh += usize::from(id.province_code() == "042");
            assert_eq!(FullName::parse(p.full_name.as_str()).unwrap(), p.full_name);
            assert!(BirthDate::parse(&p.birth.to_string(), r).is_ok(), "{}", p.birth);
            if let Some(phone) = &p.phone {
                assert_eq!(&Phone::parse(phone.as_str()).unwrap(), phone);
            }
        }
    }
    assert!(share(ha_tinh, n) > 85.0, "most CCCDs from Hà Tĩnh: {:.1}%", share(ha_tinh, n));
}

/// `cargo test --release -p ansinh-domain --test registry -- --ignored demo_million` times it.
#[test]
#[ignore = "slow in debug builds; run with --release"]
fn demo_million_streams() {
    let started = std::time::Instant::now();
    let (mut persons, mut households) = (0usize, 0usize);
    for h in generate(&places(), 1_000_000, 1, reference()) {
        persons += h.members.len();
        households += 1;
    }
    assert_eq!(persons, 1_000_000);
    eprintln!("{persons} persons in {households} households: {:?}", started.elapsed());
}

#[test]
#[ignore = "prints a sample"]
fn demo_sample() {
    for h in generate(&places(), 40, 3, reference()) {
        println!("{} {} {:?}", h.code, h.unit_code, h.poverty);
        for p in &h.members {
            println!(
                "   {:<16} {:<24} {:<10} {:<5} {:<14} {:<11} {} {:?}",
                p.cccd.as_str(),
                p.full_name.as_str(),
                p.birth.to_string(),
                p.sex.key(),
                p.relation.label_vi(),
                p.occupation.as_str(),
                p.ethnicity,
                p.phone.as_ref().map(|x| x.as_str())
            );
        }
    }
}

/// `cargo test --release -p ansinh-domain --test registry -- --ignored import_million` times
/// parsing and checking a million demo rows (no I/O).
#[test]
#[ignore = "slow in debug builds; run with --release"]
fn import_million_rows() {
    use ansinh_domain::person::sex_label_vi;
    let rows: Vec<Vec<String>> = generate(&places(), 1_000_000, 1, reference())
        .flat_map(|h| {
            h.members
                .iter()
                .map(|p| {
                    vec![
                        p.cccd.to_string(),
                        p.full_name.to_string(),
                        p.birth.to_string(),
                        sex_label_vi(p.sex).to_string(),
                        h.code.to_string(),
                        p.relation.label_vi().to_string(),
                        h.unit_code.clone(),
                        p.ethnicity.to_string(),
                        p.phone.as_ref().map(ToString::to_string).unwrap_or_default(),
                        p.occupation.label_vi().to_string(),
                        String::new(),
                    ]
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let map = map_headers(&TEMPLATE_HEADERS).unwrap();
    let started = std::time::Instant::now();
    let records: Vec<PersonRecord> = rows
        .iter()
        .enumerate()
        .map(|(i, cells)| parse_row(&map, data_row_number(i), cells, today()).unwrap())
        .collect();
    let parsed = started.elapsed();
    assert!(check_file(&records).is_empty());
    eprintln!("parse_row: {parsed:?}; check_file: {:?}", started.elapsed() - parsed);
}
