//! Citizen identifiers: the 12-digit CCCD / số định danh cá nhân (the SI number since
//! 1 Aug 2025) and the 10-digit old SI number (mã số BHXH cũ) still printed on old cards.
//!
//! A CCCD is `PPP S YY NNNNNN` (Circular 07/2016/TT-BCA): `PPP` the province where the birth was registered (the pre-2025 list of 63
//! codes, [`BIRTH_PROVINCES`]), `S` century and sex, `YY` the birth year modulo 100, and six
//! digits the ministry allots. There is no check digit, so validation is length, province, and
//! agreement with the sex and birth year on record ([`CitizenId::check_against`]).

use crate::error::Invalid;
use ansinh_rules::Sex;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Mã tỉnh nơi đăng ký khai sinh — the 63 province codes a CCCD starts with.
///
/// Source: Annex 1 of Circular 07/2016/TT-BCA ("Danh mục mã tỉnh, thành phố trực thuộc trung
/// ương nơi công dân đăng ký khai sinh"), checked against two public copies of the table
/// (thuvienphapluat.vn, a blog copy of the annex) and against the pre-2025 province codes in
/// `data/units.csv` (the CCCD code is the statistical province code padded to three digits).
/// The list is frozen: people keep their number when provinces merge (1 Jul 2025), so the old
/// names stay here.
pub const BIRTH_PROVINCES: [(&str, &str); 63] = [
    ("001", "Hà Nội"),
    ("002", "Hà Giang"),
    ("004", "Cao Bằng"),
    ("006", "Bắc Kạn"),
    ("008", "Tuyên Quang"),
    ("010", "Lào Cai"),
    ("011", "Điện Biên"),
    ("012", "Lai Châu"),
    ("014", "Sơn La"),
    ("015", "Yên Bái"),
    ("017", "Hòa Bình"),
    ("019", "Thái Nguyên"),
    ("020", "Lạng Sơn"),
    ("022", "Quảng Ninh"),
    ("024", "Bắc Giang"),
    ("025", "Phú Thọ"),
    ("026", "Vĩnh Phúc"),
    ("027", "Bắc Ninh"),
    ("030", "Hải Dương"),
    ("031", "Hải Phòng"),
    ("033", "Hưng Yên"),
    ("034", "Thái Bình"),
    ("035", "Hà Nam"),
    ("036", "Nam Định"),
    ("037", "Ninh Bình"),
    ("038", "Thanh Hóa"),
    ("040", "Nghệ An"),
    ("042", "Hà Tĩnh"),
    ("044", "Quảng Bình"),
    ("045", "Quảng Trị"),
    ("046", "Thừa Thiên Huế"),
    ("048", "Đà Nẵng"),
    ("049", "Quảng Nam"),
    ("051", "Quảng Ngãi"),
    ("052", "Bình Định"),
    ("054", "Phú Yên"),
    ("056", "Khánh Hòa"),
    ("058", "Ninh Thuận"),
    ("060", "Bình Thuận"),
    ("062", "Kon Tum"),
    ("064", "Gia Lai"),
    ("066", "Đắk Lắk"),
    ("067", "Đắk Nông"),
    ("068", "Lâm Đồng"),
    ("070", "Bình Phước"),
    ("072", "Tây Ninh"),
    ("074", "Bình Dương"),
    ("075", "Đồng Nai"),
    ("077", "Bà Rịa - Vũng Tàu"),
    ("079", "Hồ Chí Minh"),
    ("080", "Long An"),
    ("082", "Tiền Giang"),
    ("083", "Bến Tre"),
    ("084", "Trà Vinh"),
    ("086", "Vĩnh Long"),
    ("087", "Đồng Tháp"),
    ("089", "An Giang"),
    ("091", "Kiên Giang"),
    ("092", "Cần Thơ"),
    ("093", "Hậu Giang"),
    ("094", "Sóc Trăng"),
    ("095", "Bạc Liêu"),
    ("096", "Cà Mau"),
];

/// The name of the birth-registration province with CCCD code `code` ("042" → "Hà Tĩnh").
pub fn birth_province_name(code: &str) -> Option<&'static str> {
    BIRTH_PROVINCES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// First and last birth year a CCCD can encode (century digits 0–9 cover 1900–2399).
pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 2399;

fn sex_vi(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "Nam",
        Sex::Female => "Nữ",
    }
}

fn sex_en(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "male",
        Sex::Female => "female",
    }
}

/// Căn cước công dân / số định danh cá nhân — a 12-digit citizen identifier.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CitizenId(String);

impl CitizenId {
    /// Parse a CCCD: surrounding spaces are ignored; exactly 12 digits with a known province code.
    pub fn parse(s: &str) -> Result<CitizenId, Invalid> {
        let s = s.trim();
        if s.is_empty() {
            return Err(Invalid::new("cccd", "Số CCCD không được để trống", "the citizen ID is required"));
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid::new(
                "cccd",
                format!("Số CCCD «{s}» chỉ được gồm chữ số"),
                format!("citizen ID «{s}» must contain digits only"),
            ));
        }
        if s.len() != 12 {
            let (hint_vi, hint_en) = if s.len() == 11 {
                (
                    " (có thể Excel đã bỏ số 0 đầu: hãy định dạng cột là Văn bản/Text)",
                    " (Excel may have dropped the leading zero: format the column as Text)",
                )
            } else {
                ("", "")
            };
            return Err(Invalid::new(
                "cccd",
                format!("Số CCCD «{s}» có {} chữ số, cần đúng 12{hint_vi}", s.len()),
                format!("citizen ID «{s}» has {} digits, expected exactly 12{hint_en}", s.len()),
            ));
        }
        let province = &s[..3];
        if birth_province_name(province).is_none() {
            return Err(Invalid::new(
                "cccd",
                format!("Số CCCD «{s}»: mã tỉnh «{province}» (3 chữ số đầu) không tồn tại"),
                format!("citizen ID «{s}»: «{province}» (first 3 digits) is not a province code"),
            ));
        }
        Ok(CitizenId(s.to_string()))
    }

    /// Make a CCCD from its parts (demo data, tests). `province` is a code of
    /// [`BIRTH_PROVINCES`] ("042", or "42" which is padded); `serial` is the last six digits.
    pub fn generate(province: &str, sex: Sex, birth_year: i32, serial: u32) -> Result<CitizenId, Invalid> {
        let province = province.trim();
        let province = if province.len() < 3 && province.bytes().all(|b| b.is_ascii_digit()) {
            format!("{province:0>3}")
        } else {
            province.to_string()
        };
        if birth_province_name(&province).is_none() {
            return Err(Invalid::new(
                "province",
                format!("Mã tỉnh «{province}» không có trong danh mục mã tỉnh CCCD"),
                format!("«{province}» is not a CCCD province code"),
            ));
        }
        if !(FIRST_YEAR..=LAST_YEAR).contains(&birth_year) {
            return Err(Invalid::new(
                "birth_year",
                format!(
                    "Năm sinh {birth_year} nằm ngoài khoảng {FIRST_YEAR}–{LAST_YEAR} mà CCCD mã hóa được"
                ),
                format!(
                    "birth year {birth_year} is outside {FIRST_YEAR}–{LAST_YEAR}, which a CCCD can encode"
                ),
            ));
        }
        if serial > 999_999 {
            return Err(Invalid::new(
                "serial",
                "Số thứ tự CCCD chỉ có 6 chữ số",
                "the CCCD serial has only 6 digits",
            ));
        }
        let offset = birth_year - FIRST_YEAR;
        let century = offset / 100;
        let digit = century * 2 + i32::from(sex == Sex::Female);
        Ok(CitizenId(format!("{province}{digit}{:02}{serial:06}", offset % 100)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Mã tỉnh nơi đăng ký khai sinh — "042".
    pub fn province_code(&self) -> &str {
        &self.0[..3]
    }

    /// Name of the birth-registration province ("Hà Tĩnh").
    pub fn province_name(&self) -> &'static str {
        birth_province_name(self.province_code()).unwrap_or("")
    }

    fn century_digit(&self) -> i32 {
        i32::from(self.0.as_bytes()[3] - b'0')
    }

    /// Giới tính encoded in the 4th digit: even = male, odd = female.
    pub fn sex(&self) -> Sex {
        if self.century_digit() % 2 == 0 { Sex::Male } else { Sex::Female }
    }

    /// Năm sinh encoded in digits 4–6 (century from the 4th digit, year from the 5th and 6th).
    pub fn birth_year(&self) -> i32 {
        let yy: i32 = self.0[4..6].parse().unwrap_or(0);
        FIRST_YEAR + (self.century_digit() / 2) * 100 + yy
    }

    /// The last six digits.
    pub fn serial(&self) -> u32 {
        self.0[6..].parse().unwrap_or(0)
    }

    /// Check the number against the sex and birth year on record, naming each part that disagrees.
    pub fn check_against(&self, sex: Sex, birth_year: i32) -> Result<(), Invalid> {
        let mut vi = Vec::new();
        let mut en = Vec::new();
        if self.sex() != sex {
            vi.push(format!(
                "chữ số thứ 4 ({}) là của giới tính {} nhưng giới tính khai là {}",
                self.century_digit(),
                sex_vi(self.sex()),
                sex_vi(sex)
            ));
            en.push(format!(
                "the 4th digit ({}) means {} but the sex given is {}",
                self.century_digit(),
                sex_en(self.sex()),
                sex_en(sex)
            ));
        }
        if self.birth_year() != birth_year {
            let century = self.birth_year() / 100 != birth_year / 100;
            let (part_vi, part_en) = if century {
                ("chữ số thứ 4–6 (thế kỷ và năm sinh)", "digits 4–6 (century and birth year)")
            } else {
                ("chữ số thứ 5–6 (năm sinh)", "digits 5–6 (birth year)")
            };
            vi.push(format!("{part_vi} cho năm {} nhưng năm sinh khai là {birth_year}", self.birth_year()));
            en.push(format!("{part_en} give {} but the birth year given is {birth_year}", self.birth_year()));
        }
        if vi.is_empty() {
            Ok(())
        } else {
            Err(Invalid::new(
                "cccd",
                format!("Số CCCD {} không khớp: {}", self.0, vi.join("; ")),
                format!("citizen ID {} does not match: {}", self.0, en.join("; ")),
            ))
        }
    }
}

impl TryFrom<String> for CitizenId {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        CitizenId::parse(&s)
    }
}

impl From<CitizenId> for String {
    fn from(c: CitizenId) -> String {
        c.0
    }
}

impl fmt::Display for CitizenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Mã số BHXH cũ — the 10-digit social-insurance number on cards issued before the CCCD took over.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OldSiNumber(String);

impl OldSiNumber {
    /// Exactly 10 digits, surrounding spaces ignored.
    pub fn parse(s: &str) -> Result<OldSiNumber, Invalid> {
        let s = s.trim();
        if s.len() == 10 && s.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(OldSiNumber(s.to_string()));
        }
        let (hint_vi, hint_en) = if s.len() == 9 && s.bytes().all(|b| b.is_ascii_digit()) {
            (
                " (có thể Excel đã bỏ số 0 đầu: hãy định dạng cột là Văn bản/Text)",
                " (Excel may have dropped the leading zero: format the column as Text)",
            )
        } else {
            ("", "")
        };
        Err(Invalid::new(
            "old_si_number",
            format!("Mã số BHXH «{s}» không hợp lệ: cần đúng 10 chữ số{hint_vi}"),
            format!("SI number «{s}» is invalid: expected exactly 10 digits{hint_en}"),
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OldSiNumber {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        OldSiNumber::parse(&s)
    }
}

impl From<OldSiNumber> for String {
    fn from(c: OldSiNumber) -> String {
        c.0
    }
}

impl fmt::Display for OldSiNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn province_table_is_sorted_and_unique() {
        for w in BIRTH_PROVINCES.windows(2) {
            assert!(w[0].0 < w[1].0, "{:?}", w);
        }
        assert_eq!(birth_province_name("042"), Some("Hà Tĩnh"));
        assert_eq!(birth_province_name("096"), Some("Cà Mau"));
        assert_eq!(birth_province_name("003"), None);
    }

    #[test]
    fn parts() {
        let id = CitizenId::parse(" 042195001234 ").unwrap();
        assert_eq!(
            (id.province_code(), id.sex(), id.birth_year(), id.serial()),
            ("042", Sex::Female, 1995, 1234)
        );
        let id = CitizenId::generate("42", Sex::Male, 2007, 42).unwrap();
        assert_eq!(id.as_str(), "042207000042");
    }
}
