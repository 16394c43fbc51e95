//! The population registry's pure parts: citizen IDs, person values, import rows.

use ansinh_domain::cccd::{BIRTH_PROVINCES, CitizenId, OldSiNumber};
use ansinh_domain::import::{
    Column, PersonRecord, RowError, TEMPLATE_HEADERS, TEMPLATE_KEYS, check_file, data_row_number,
    is_blank_row, is_template_example, map_headers, parse_row, template_example_row,
};

use ansinh_domain::person::{
    BirthDate, Ethnicity, FullName, HouseholdCode, Occupation, Phone, PovertyStatus, Relation, Sex,
    parse_sex, working_age,
};

use ansinh_rules::ParamSet;

use chrono::NaiveDate;

use proptest::prelude::*;

mod cccd;
mod import;
mod person;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn today() -> NaiveDate {
    date(2026, 1, 15)
}

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
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

// ─── Import ───────────────────────────────────────────────────────────────────────────────

fn record(row: usize, cells: &[&str]) -> Result<PersonRecord, Vec<RowError>> {
    let map = map_headers(&TEMPLATE_HEADERS).unwrap();
    parse_row(&map, row, &strings(cells), today())
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
