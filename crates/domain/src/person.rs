//! People and households: the values a person row is made of, each parsed from
//! what commune staff type (with or without diacritics) and then trusted.
//!
//! Stored forms are English snake_case keys (`wage_worker`, `near_poor`); labels are Vietnamese
//! first ([`Occupation::label_vi`]) and English second.

use crate::error::Invalid;
use crate::text;
use ansinh_rules::{BirthMonth, ParamSet, RuleError, retirement};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

pub use ansinh_rules::Sex;

use crate::labels::label_key;

// ─── Sex ──────────────────────────────────────────────────────────────────────────────────

/// Giới tính — parse "Nam", "Nữ", "nu", "male", "female", "M", "F" (any case, with or without
/// diacritics).
pub fn parse_sex(s: &str) -> Result<Sex, Invalid> {
    match label_key(s).as_str() {
        "nam" | "male" | "m" => Ok(Sex::Male),
        "nu" | "female" | "f" => Ok(Sex::Female),
        _ => Err(Invalid::new(
            "sex",
            format!("Giới tính «{}» không hợp lệ: ghi Nam hoặc Nữ", s.trim()),
            format!("sex «{}» is invalid: write Nam (male) or Nữ (female)", s.trim()),
        )),
    }
}

/// "Nam" / "Nữ".
pub fn sex_label_vi(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "Nam",
        Sex::Female => "Nữ",
    }
}

/// "Male" / "Female".
pub fn sex_label_en(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "Male",
        Sex::Female => "Female",
    }
}

// ─── Birth date ───────────────────────────────────────────────────────────────────────────

/// Ngày sinh — a full birth date, or only the year when that is all that is on record.
///
/// A year-only date counts as 1 January for age rules (Decree 135/2020 Art 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum BirthDate {
    Full(NaiveDate),
    YearOnly(i32),
}

/// Births before this year are refused as typing mistakes.
pub const FIRST_BIRTH_YEAR: i32 = 1900;

impl BirthDate {
    /// Parse `dd/mm/yyyy`, `d/m/yyyy` (also with `-` or `.`), `yyyy-mm-dd` or `yyyy`; refuse
    /// impossible dates (31/02/2020), dates after `today` and years before 1900.
    pub fn parse(s: &str, today: NaiveDate) -> Result<BirthDate, Invalid> {
        let d = BirthDate::parse_format(s)?;
        let future = match d {
            BirthDate::Full(date) => date > today,
            BirthDate::YearOnly(y) => y > today.year(),
        };
        if future {
            return Err(Invalid::new(
                "birth_date",
                format!("Ngày sinh {d} ở tương lai (sau {})", today.format("%d/%m/%Y")),
                format!("birth date {d} is in the future (after {})", today.format("%d/%m/%Y")),
            ));
        }
        Ok(d)
    }

    /// The format checks of [`BirthDate::parse`] without the "not in the future" check (for
    /// values read back from storage).
    pub fn parse_format(s: &str) -> Result<BirthDate, Invalid> {
        let raw = s.trim();
        // Spreadsheets sometimes add a midnight time to a date cell.
        let s = match raw.split_once(' ') {
            Some((date, time)) if time.trim().chars().all(|c| c == '0' || c == ':') => date,
            _ => raw,
        };
        let bad_format = || {
            Invalid::new(
                "birth_date",
                format!(
                    "Ngày sinh «{raw}» không đúng định dạng: ghi dd/mm/yyyy (ví dụ 05/03/1990) hoặc chỉ năm yyyy"
                ),
                format!(
                    "birth date «{raw}» is not in a known format: write dd/mm/yyyy (e.g. 05/03/1990) or just the year yyyy"
                ),
            )
        };
        if s.is_empty() {
            return Err(Invalid::new(
                "birth_date",
                "Ngày sinh không được để trống",
                "the birth date is required",
            ));
        }
        let number = |p: &str, max_len: usize| -> Option<u32> {
            if p.is_empty() || p.len() > max_len || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            p.parse().ok()
        };
        let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
        let (y, m, d) = match parts.as_slice() {
            [y] if y.len() == 4 => (number(y, 4).ok_or_else(bad_format)? as i32, None, None),
            [y, m, d] if y.len() == 4 && s.contains('-') => (
                number(y, 4).ok_or_else(bad_format)? as i32,
                Some(number(m, 2).ok_or_else(bad_format)?),
                Some(number(d, 2).ok_or_else(bad_format)?),
            ),
            [d, m, y] if y.len() == 4 => (
                number(y, 4).ok_or_else(bad_format)? as i32,
                Some(number(m, 2).ok_or_else(bad_format)?),
                Some(number(d, 2).ok_or_else(bad_format)?),
            ),
            _ => return Err(bad_format()),
        };
        if y < FIRST_BIRTH_YEAR {
            return Err(Invalid::new(
                "birth_date",
                format!("Năm sinh {y} trước {FIRST_BIRTH_YEAR}: kiểm tra lại"),
                format!("birth year {y} is before {FIRST_BIRTH_YEAR}: please check"),
            ));
        }
        match (m, d) {
            (Some(m), Some(d)) => NaiveDate::from_ymd_opt(y, m, d).map(BirthDate::Full).ok_or_else(|| {
                Invalid::new(
                    "birth_date",
                    format!("Ngày sinh «{raw}» không tồn tại (ngày {d}, tháng {m}, năm {y})"),
                    format!("birth date «{raw}» does not exist (day {d}, month {m}, year {y})"),
                )
            }),
            _ => Ok(BirthDate::YearOnly(y)),
        }
    }

    pub fn year(&self) -> i32 {
        match self {
            BirthDate::Full(d) => d.year(),
            BirthDate::YearOnly(y) => *y,
        }
    }

    pub fn is_year_only(&self) -> bool {
        matches!(self, BirthDate::YearOnly(_))
    }

    /// The date age rules use: the birth date, or 1 January of a year-only birth.
    pub fn effective_date(&self) -> NaiveDate {
        match self {
            BirthDate::Full(d) => *d,
            BirthDate::YearOnly(y) => NaiveDate::from_ymd_opt(*y, 1, 1).unwrap_or(NaiveDate::MIN),
        }
    }

    /// The birth month for [`ansinh_rules`] (month unknown for a year-only date).
    pub fn as_birth_month(&self) -> BirthMonth {
        match self {
            BirthDate::Full(d) => BirthMonth::new(d.year(), d.month()),
            BirthDate::YearOnly(y) => BirthMonth::year_only(*y),
        }
    }

    /// Tuổi — whole years completed on `on` (negative before birth). A year-only date counts
    /// as 1 January.
    pub fn age_on(&self, on: NaiveDate) -> i32 {
        let b = self.effective_date();
        let mut age = on.year() - b.year();
        if (on.month(), on.day()) < (b.month(), b.day()) {
            age -= 1;
        }
        age
    }
}

impl fmt::Display for BirthDate {
    /// `dd/mm/yyyy`, or `yyyy` when only the year is known.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BirthDate::Full(d) => write!(f, "{}", d.format("%d/%m/%Y")),
            BirthDate::YearOnly(y) => write!(f, "{y}"),
        }
    }
}

impl BirthDate {
    /// `yyyy-mm-dd`, or `yyyy` when only the year is known (the API's form).
    pub fn iso(&self) -> String {
        match self {
            BirthDate::Full(d) => d.to_string(),
            BirthDate::YearOnly(y) => y.to_string(),
        }
    }

    /// The stored pair (the date age rules use, whether only the year is known) back into a
    /// birth date.
    pub fn from_stored(date: NaiveDate, year_only: bool) -> BirthDate {
        if year_only { BirthDate::YearOnly(date.year()) } else { BirthDate::Full(date) }
    }
}

impl TryFrom<String> for BirthDate {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        BirthDate::parse_format(&s)
    }
}

impl From<BirthDate> for String {
    fn from(d: BirthDate) -> String {
        d.to_string()
    }
}

/// Độ tuổi lao động — from the birthday of the minimum working age (the parameter
/// `labour.working_age_min`, Labour Code 2019 Art 3) up to, not including, the month after the
/// person reaches retirement age (Art 169; [`retirement::reach`]). A missing parameter is an
/// error; a birth month the retirement rules do not cover is not of working age.
pub fn working_age(birth: &BirthDate, sex: Sex, on: NaiveDate, params: &ParamSet) -> Result<bool, RuleError> {
    let min = params.value(ansinh_rules::catalog::keys::WORKING_AGE_MIN, on)?;
    if i64::from(birth.age_on(on)) < min {
        return Ok(false);
    }
    Ok(match retirement::reach(params, sex, birth.as_birth_month()) {
        Ok(r) => on < r.pension_start.first_day(),
        Err(_) => false,
    })
}

// ─── Full name ────────────────────────────────────────────────────────────────────────────

/// Họ và tên — NFC, 2–80 characters, at least two words of letters (hyphen and apostrophe
/// allowed inside, for names such as "H'Hen Niê").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FullName(String);

impl FullName {
    pub fn parse(s: &str) -> Result<FullName, Invalid> {
        // Most names arrive already clean (NFC, single spaces): skip the rebuild then.
        let tidy = !s.starts_with(' ')
            && !s.ends_with(' ')
            && !s.contains("  ")
            && !s.contains(|c: char| c.is_whitespace() && c != ' ')
            && unicode_normalization::is_nfc_quick(s.chars()) == unicode_normalization::IsNormalized::Yes;
        let name = if tidy { s.to_string() } else { text::clean(s) };
        let n = name.chars().count();
        if n == 0 {
            return Err(Invalid::new(
                "full_name",
                "Họ và tên không được để trống",
                "the full name is required",
            ));
        }
        if n > 80 {
            return Err(Invalid::new(
                "full_name",
                "Họ và tên dài quá 80 ký tự",
                "the full name is longer than 80 characters",
            ));
        }
        if let Some(c) = name.chars().find(|c| !(c.is_alphabetic() || " -'’".contains(*c))) {
            return Err(Invalid::new(
                "full_name",
                format!(
                    "Họ và tên «{name}» chứa ký tự không hợp lệ «{c}»: chỉ dùng chữ cái, dấu cách và gạch nối"
                ),
                format!("full name «{name}» contains «{c}»: use letters, spaces and hyphens only"),
            ));
        }
        if name.split(' ').any(|w| !w.starts_with(char::is_alphabetic)) {
            return Err(Invalid::new(
                "full_name",
                format!("Họ và tên «{name}»: mỗi từ phải bắt đầu bằng chữ cái"),
                format!("full name «{name}»: every word must start with a letter"),
            ));
        }
        if n < 2 || name.split(' ').count() < 2 {
            return Err(Invalid::new(
                "full_name",
                format!("Họ và tên «{name}» cần ít nhất họ và tên (hai từ)"),
                format!("full name «{name}» needs at least a family and a given name (two words)"),
            ));
        }
        Ok(FullName(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Họ — the first word.
    pub fn family(&self) -> &str {
        self.0.split(' ').next().unwrap_or("")
    }

    /// Tên — the last word.
    pub fn given(&self) -> &str {
        self.0.rsplit(' ').next().unwrap_or("")
    }

    /// The search key ([`text::fold`]): "Nguyễn Văn A" → "nguyen van a".
    pub fn folded(&self) -> String {
        text::fold(&self.0)
    }
}

impl FullName {
    /// For generated values that are valid by construction (the demo population builds
    /// millions): skips the checks, so never call it with input from a person or a file.
    #[doc(hidden)]
    pub fn trusted(s: String) -> FullName {
        FullName(s)
    }
}

impl TryFrom<String> for FullName {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        FullName::parse(&s)
    }
}

impl From<FullName> for String {
    fn from(n: FullName) -> String {
        n.0
    }
}

impl fmt::Display for FullName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// ─── Phone ────────────────────────────────────────────────────────────────────────────────

/// Số điện thoại — stored as the domestic form: a mobile `0` + 9 digits (03x, 05x, 07x, 08x,
/// 09x) or a landline `02` + 9 digits (area codes since the 2017 renumbering). `+84`, `84` and
/// `0084` prefixes become `0`; spaces, dots, dashes and brackets are dropped; a 9-digit mobile
/// whose leading zero a spreadsheet dropped gets it back.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    pub fn parse(s: &str) -> Result<Phone, Invalid> {
        let raw = s.trim();
        let compact: String = raw.chars().filter(|c| !" .-()\u{a0}".contains(*c)).collect();
        let digits = if let Some(rest) = compact.strip_prefix('+') {
            rest.strip_prefix("84").map(|r| format!("0{r}"))
        } else if let Some(rest) = compact.strip_prefix("0084") {
            Some(format!("0{rest}"))
        } else if compact.starts_with("84") && (compact.len() == 11 || compact.len() == 12) {
            Some(format!("0{}", &compact[2..]))
        } else if compact.len() == 9 && compact.starts_with(['3', '5', '7', '8', '9']) {
            Some(format!("0{compact}"))
        } else {
            Some(compact)
        };
        let ok = |d: &str| {
            d.bytes().all(|b| b.is_ascii_digit())
                && ((d.len() == 10
                    && d.starts_with(['0'])
                    && matches!(d.as_bytes()[1], b'3' | b'5' | b'7' | b'8' | b'9'))
                    || (d.len() == 11 && d.starts_with("02")))
        };
        match digits {
            Some(d) if ok(&d) => Ok(Phone(d)),
            _ => Err(Invalid::new(
                "phone",
                format!(
                    "Số điện thoại «{raw}» không hợp lệ: di động 10 số (09x, 03x, 05x, 07x, 08x) hoặc cố định 11 số (02x), có thể bắt đầu bằng +84"
                ),
                format!(
                    "phone number «{raw}» is invalid: a 10-digit mobile (09x, 03x, 05x, 07x, 08x) or an 11-digit landline (02x), optionally starting with +84"
                ),
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_mobile(&self) -> bool {
        self.0.len() == 10
    }
}

impl Phone {
    /// For generated values that are valid by construction (the demo population builds
    /// millions): skips the checks, so never call it with input from a person or a file.
    #[doc(hidden)]
    pub fn trusted(s: String) -> Phone {
        Phone(s)
    }
}

impl TryFrom<String> for Phone {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        Phone::parse(&s)
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// ─── Labelled enums ───────────────────────────────────────────────────────────────────────

labelled! {
    /// Nghề nghiệp — occupation group.
    Occupation, field = "occupation", what_vi = "Nghề nghiệp", what_en = "occupation";
    /// Nông, lâm, ngư nghiệp
    Farmer => "farmer", "Nông, lâm, ngư nghiệp", "Farming, forestry, fishery",
        ["nong nghiep", "lam nghiep", "ngu nghiep", "nong lam nghiep", "nong lam ngu", "nong dan", "lam ruong"];
    /// Lao động tự do
    Freelance => "freelance", "Lao động tự do", "Freelance",
        ["tu do", "nghe tu do", "buon ban", "tieu thuong", "kinh doanh"];
    /// Làm công hưởng lương
    WageWorker => "wage_worker", "Làm công hưởng lương", "Wage worker",
        ["huong luong", "lam cong", "cong nhan", "cong chuc", "vien chuc", "cong chuc vien chuc", "wage earner"];
    /// Học sinh, sinh viên
    Student => "student", "Học sinh, sinh viên", "Student",
        ["hoc sinh", "sinh vien", "hoc sinh sinh vien"];
    /// Hưu trí
    Retired => "retired", "Hưu trí", "Retired", ["nghi huu", "ve huu"];
    /// Khác
    Other => "other", "Khác", "Other", [];
}

impl Occupation {
    /// Parse a Vietnamese label (with or without diacritics) or an English key.
    pub fn parse(s: &str) -> Result<Occupation, Invalid> {
        Occupation::lookup(s).ok_or_else(|| Occupation::invalid(s))
    }
}

labelled! {
    /// Quan hệ với chủ hộ — relation to the head of the household.
    Relation, field = "relation", what_vi = "Quan hệ với chủ hộ", what_en = "relation to the head";
    /// Chủ hộ
    Head => "head", "Chủ hộ", "Head", [];
    /// Vợ
    Wife => "wife", "Vợ", "Wife", [];
    /// Chồng
    Husband => "husband", "Chồng", "Husband", [];
    /// Con
    Child => "child", "Con", "Child", ["con de", "con trai", "con gai", "con nuoi", "son", "daughter"];
    /// Bố (cha)
    Father => "father", "Bố", "Father", ["cha", "bo de", "cha de"];
    /// Mẹ
    Mother => "mother", "Mẹ", "Mother", ["me de", "ma"];
    /// Ông
    Grandfather => "grandfather", "Ông", "Grandfather", ["ong noi", "ong ngoai"];
    /// Bà
    Grandmother => "grandmother", "Bà", "Grandmother", ["ba noi", "ba ngoai"];
    /// Cháu
    Grandchild => "grandchild", "Cháu", "Grandchild", ["chau noi", "chau ngoai", "chau ruot"];
    /// Anh
    ElderBrother => "elder_brother", "Anh", "Elder brother", ["anh trai", "anh ruot"];
    /// Chị
    ElderSister => "elder_sister", "Chị", "Elder sister", ["chi gai", "chi ruot"];
    /// Em
    YoungerSibling => "younger_sibling", "Em", "Younger sibling", ["em trai", "em gai", "em ruot"];
    /// Con dâu
    DaughterInLaw => "daughter_in_law", "Con dâu", "Daughter-in-law", [];
    /// Con rể
    SonInLaw => "son_in_law", "Con rể", "Son-in-law", [];
    /// Khác
    Other => "other", "Khác", "Other", ["nguoi khac", "quan he khac"];
}

impl Relation {
    /// Parse a Vietnamese label (with or without diacritics) or an English key. Without
    /// diacritics "ba" could be bà (grandmother) or ba (father, southern usage), so it is refused.
    pub fn parse(s: &str) -> Result<Relation, Invalid> {
        let t = s.trim();
        if let Some(v) = Relation::ALL.iter().find(|v| v.as_str() == t || v.label_vi() == t) {
            return Ok(*v);
        }
        let key = label_key(t);
        if key == "ba" {
            return match text::clean(s).to_lowercase().as_str() {
                "bà" => Ok(Relation::Grandmother),
                _ => Err(Invalid::new(
                    "relation",
                    format!("Quan hệ «{}» chưa rõ: ghi «Bố» hoặc «Bà» (có dấu)", s.trim()),
                    format!(
                        "relation «{}» is ambiguous: write «Bố» (father) or «Bà» (grandmother)",
                        s.trim()
                    ),
                )),
            };
        }
        Relation::lookup(s).ok_or_else(|| Relation::invalid(s))
    }

    /// Parse a relation as household lists write it, where one label names both sexes
    /// ("Vợ/chồng", "Bố/mẹ", "Cha mẹ", "Ông/bà", "Anh/chị", "Con dâu/rể"): the person's `sex`
    /// picks the one meant. Without a sex such a label is refused (it cannot be resolved).
    pub fn parse_with_sex(s: &str, sex: Option<Sex>) -> Result<Relation, Invalid> {
        let key = label_key(s);
        let pair = match key.as_str() {
            "vo chong" | "chong vo" => Some((Relation::Husband, Relation::Wife)),
            "bo me" | "cha me" | "me bo" | "me cha" | "bo me de" | "cha me de" => {
                Some((Relation::Father, Relation::Mother))
            }
            "ong ba" | "ba ong" => Some((Relation::Grandfather, Relation::Grandmother)),
            "anh chi" | "chi anh" => Some((Relation::ElderBrother, Relation::ElderSister)),
            "con dau re" | "con re dau" | "con dau con re" | "con re con dau" | "dau re" | "re dau" => {
                Some((Relation::SonInLaw, Relation::DaughterInLaw))
            }
            _ => None,
        };
        let Some((male, female)) = pair else { return Relation::parse(s) };
        match sex {
            Some(Sex::Male) => Ok(male),
            Some(Sex::Female) => Ok(female),
            None => Err(Invalid::new(
                "relation",
                format!(
                    "Quan hệ «{}» cần giới tính để xác định là «{}» hay «{}»",
                    s.trim(),
                    male.label_vi(),
                    female.label_vi()
                ),
                format!(
                    "relation «{}» needs the sex to tell «{}» from «{}»",
                    s.trim(),
                    male.as_str(),
                    female.as_str()
                ),
            )),
        }
    }

    /// The sex this relation implies (vợ is female, chồng male …), if any.
    pub fn implied_sex(self) -> Option<Sex> {
        match self {
            Relation::Wife
            | Relation::Mother
            | Relation::Grandmother
            | Relation::ElderSister
            | Relation::DaughterInLaw => Some(Sex::Female),
            Relation::Husband
            | Relation::Father
            | Relation::Grandfather
            | Relation::ElderBrother
            | Relation::SonInLaw => Some(Sex::Male),
            _ => None,
        }
    }
}

labelled! {
    /// Hộ nghèo / hộ cận nghèo — poverty status of a household in a given year.
    PovertyStatus, field = "poverty", what_vi = "Diện hộ", what_en = "poverty status";
    /// Hộ nghèo
    Poor => "poor", "Hộ nghèo", "Poor", ["ngheo"];
    /// Hộ cận nghèo
    NearPoor => "near_poor", "Hộ cận nghèo", "Near-poor", ["can ngheo"];
    /// Không thuộc diện nghèo, cận nghèo
    None => "none", "Không", "None", ["", "khong thuoc dien", "binh thuong"];
}

impl PovertyStatus {
    /// Parse a label or key; an empty value is [`PovertyStatus::None`].
    pub fn parse(s: &str) -> Result<PovertyStatus, Invalid> {
        PovertyStatus::lookup(s).ok_or_else(|| PovertyStatus::invalid(s))
    }
}

// ─── Ethnicity ────────────────────────────────────────────────────────────────────────────

/// The 54 ethnic groups (dân tộc) of Việt Nam, in the order and spelling of the 2019 census
/// results (largest first). Statistical numeric codes differ between the 1979 list (Decision
/// 121-TCTK/PPCĐ) and later lists, so the name is the stored value, not a number.
pub const ETHNIC_GROUPS: [&str; 54] = [
    "Kinh",
    "Tày",
    "Thái",
    "Mường",
    "Mông",
    "Khmer",
    "Nùng",
    "Dao",
    "Hoa",
    "Gia Rai",
    "Ê Đê",
    "Ba Na",
    "Xơ Đăng",
    "Sán Chay",
    "Cơ Ho",
    "Sán Dìu",
    "Chăm",
    "Hrê",
    "Ra Glai",
    "Mnông",
    "Xtiêng",
    "Bru-Vân Kiều",
    "Thổ",
    "Khơ Mú",
    "Cơ Tu",
    "Giáy",
    "Giẻ Triêng",
    "Tà Ôi",
    "Mạ",
    "Co",
    "Chơ Ro",
    "Xinh Mun",
    "Hà Nhì",
    "Chu Ru",
    "Lào",
    "Kháng",
    "La Chí",
    "Phù Lá",
    "La Hủ",
    "La Ha",
    "Pà Thẻn",
    "Chứt",
    "Lự",
    "Lô Lô",
    "Mảng",
    "Cờ Lao",
    "Bố Y",
    "Cống",
    "Ngái",
    "Si La",
    "Pu Péo",
    "Rơ Măm",
    "Brâu",
    "Ơ Đu",
];

/// Other spellings seen in lists and forms, as matching keys (see [`ethnic_key`]).
const ETHNIC_ALIASES: [(&str, &str); 14] = [
    ("viet", "Kinh"),
    ("hmong", "Mông"),
    ("meo", "Mông"),
    ("khome", "Khmer"),
    ("khomekrom", "Khmer"),
    ("edeh", "Ê Đê"),
    ("bahnar", "Ba Na"),
    ("raglay", "Ra Glai"),
    ("ragiai", "Ra Glai"),
    ("vankieu", "Bru-Vân Kiều"),
    ("bru", "Bru-Vân Kiều"),
    ("khmu", "Khơ Mú"),
    ("katu", "Cơ Tu"),
    ("caolan", "Sán Chay"),
];

/// Matching key of an ethnic-group name: folded, letters and digits only ("H'Mông" → "hmong").
fn ethnic_key(s: &str) -> String {
    text::fold(s).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Dân tộc — one of the 54 official ethnic groups; Kinh by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Ethnicity(u8);

impl Ethnicity {
    pub const KINH: Ethnicity = Ethnicity(0);

    /// Parse a name with or without diacritics, spaces, hyphens or apostrophes ("Ê-đê", "ede",
    /// "H'Mông", "Khơ-me").
    pub fn parse(s: &str) -> Result<Ethnicity, Invalid> {
        static KEYS: std::sync::LazyLock<Vec<(String, u8)>> = std::sync::LazyLock::new(|| {
            let by_name = |name: &str| ETHNIC_GROUPS.iter().position(|g| *g == name).unwrap_or(0) as u8;
            let mut keys: Vec<(String, u8)> =
                ETHNIC_GROUPS.iter().enumerate().map(|(i, g)| (ethnic_key(g), i as u8)).collect();
            keys.extend(ETHNIC_ALIASES.iter().map(|(a, n)| (a.to_string(), by_name(n))));
            keys
        });
        let t = s.trim();
        if let Some(i) = ETHNIC_GROUPS.iter().position(|g| *g == t) {
            return Ok(Ethnicity(i as u8));
        }
        let key = ethnic_key(t);
        let found = KEYS.iter().find(|(k, _)| *k == key).map(|(_, i)| usize::from(*i));
        match found {
            Some(i) if !key.is_empty() => Ok(Ethnicity(i as u8)),
            _ => Err(Invalid::new(
                "ethnicity",
                format!("Dân tộc «{}» không có trong danh mục 54 dân tộc", s.trim()),
                format!("ethnic group «{}» is not one of the 54 official groups", s.trim()),
            )),
        }
    }

    /// The name ("Kinh", "Mường").
    pub fn name(self) -> &'static str {
        ETHNIC_GROUPS[usize::from(self.0)]
    }

    /// Every group, Kinh first.
    pub fn all() -> impl Iterator<Item = Ethnicity> {
        (0..ETHNIC_GROUPS.len() as u8).map(Ethnicity)
    }

    /// Whether this is one of the 53 minority groups (dân tộc thiểu số).
    pub fn is_minority(self) -> bool {
        self != Ethnicity::KINH
    }
}

impl TryFrom<String> for Ethnicity {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        Ethnicity::parse(&s)
    }
}

impl From<Ethnicity> for String {
    fn from(e: Ethnicity) -> String {
        e.name().to_string()
    }
}

impl fmt::Display for Ethnicity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

// ─── Household code ───────────────────────────────────────────────────────────────────────

/// Mã hộ — the local code of a household: 1–20 of `A-Z 0-9 -` (lower case is raised).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HouseholdCode(String);

impl HouseholdCode {
    pub fn parse(s: &str) -> Result<HouseholdCode, Invalid> {
        let code = s.trim().to_ascii_uppercase();
        let ok = (1..=20).contains(&code.len())
            && code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(HouseholdCode(code))
        } else if code.is_empty() {
            Err(Invalid::new("household_code", "Mã hộ không được để trống", "the household code is required"))
        } else {
            Err(Invalid::new(
                "household_code",
                format!("Mã hộ «{}» không hợp lệ: 1–20 ký tự A-Z, 0-9 hoặc dấu gạch ngang", s.trim()),
                format!("household code «{}» is invalid: 1–20 of A-Z, 0-9 or '-'", s.trim()),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl HouseholdCode {
    /// For generated values that are valid by construction (the demo population builds
    /// millions): skips the checks, so never call it with input from a person or a file.
    #[doc(hidden)]
    pub fn trusted(s: String) -> HouseholdCode {
        HouseholdCode(s)
    }
}

impl TryFrom<String> for HouseholdCode {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        HouseholdCode::parse(&s)
    }
}

impl From<HouseholdCode> for String {
    fn from(c: HouseholdCode) -> String {
        c.0
    }
}

impl fmt::Display for HouseholdCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ethnic_keys_are_unique() {
        let mut keys: Vec<String> = ETHNIC_GROUPS.iter().map(|g| ethnic_key(g)).collect();
        keys.extend(ETHNIC_ALIASES.iter().map(|(a, _)| a.to_string()));
        let n = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), n);
        for (_, name) in ETHNIC_ALIASES {
            assert!(ETHNIC_GROUPS.contains(&name), "{name}");
        }
    }

    #[test]
    fn labels_parse_back() {
        for o in Occupation::ALL {
            assert_eq!(Occupation::parse(o.label_vi()).unwrap(), *o);
            assert_eq!(Occupation::parse(o.as_str()).unwrap(), *o);
            assert_eq!(Occupation::parse(&text::fold(o.label_vi())).unwrap(), *o);
        }
        for r in Relation::ALL {
            assert_eq!(Relation::parse(r.label_vi()).unwrap(), *r, "{r:?}");
            assert_eq!(Relation::parse(r.as_str()).unwrap(), *r);
        }
        // Labels lists write for both sexes, resolved with the person's sex.
        for (label, male, female) in [
            ("Vợ/chồng", Relation::Husband, Relation::Wife),
            ("vo chong", Relation::Husband, Relation::Wife),
            ("Bố/mẹ", Relation::Father, Relation::Mother),
            ("Cha mẹ", Relation::Father, Relation::Mother),
            ("Ông/Bà", Relation::Grandfather, Relation::Grandmother),
            ("Anh/chị", Relation::ElderBrother, Relation::ElderSister),
            ("Con dâu/rể", Relation::SonInLaw, Relation::DaughterInLaw),
        ] {
            assert_eq!(Relation::parse_with_sex(label, Some(Sex::Male)).unwrap(), male, "{label}");
            assert_eq!(Relation::parse_with_sex(label, Some(Sex::Female)).unwrap(), female, "{label}");
            let e = Relation::parse_with_sex(label, None).unwrap_err();
            assert!(e.vi.contains("giới tính"), "{}", e.vi);
        }
        for (label, want) in
            [("Cha", Relation::Father), ("Con đẻ", Relation::Child), ("Con nuôi", Relation::Child)]
        {
            assert_eq!(Relation::parse_with_sex(label, Some(Sex::Female)).unwrap(), want, "{label}");
        }
        for p in PovertyStatus::ALL {
            assert_eq!(PovertyStatus::parse(p.label_vi()).unwrap(), *p);
            assert_eq!(PovertyStatus::parse(p.as_str()).unwrap(), *p);
        }
    }
}
