//! The population registry's pure parts: citizen IDs, person values, import rows.

use ansinh_domain::cccd::{BIRTH_PROVINCES, CitizenId, OldSiNumber};
use ansinh_domain::import::{
    Column, PersonRecord, RowError, TEMPLATE_HEADERS, TEMPLATE_KEYS, check_file, data_row_number,
    is_blank_row, map_headers, parse_row, template_example_row,
};
use ansinh_domain::person::{
    BirthDate, Ethnicity, FullName, HouseholdCode, Occupation, Phone, PovertyStatus, Relation, Sex,
    parse_sex, working_age,
};
use ansinh_rules::ParamSet;
use chrono::NaiveDate;
use proptest::prelude::*;

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
