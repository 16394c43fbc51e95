//! Months, birth months and sex: the calendar vocabulary of the rules.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A month or birth month that does not exist. Converts into [`crate::RuleError`] (which
/// names the field); kept here so the calendar depends on nothing else in the crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CalendarError {
    /// Not a `YYYY-MM` month, or out of range.
    InvalidMonth {
        /// Text given.
        input: String,
    },
    /// A birth month that is not a valid month.
    InvalidBirthMonth {
        /// Year given.
        year: i32,
        /// Month given.
        month: Option<u32>,
    },
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CalendarError::InvalidMonth { input } => write!(f, "invalid month «{input}»"),
            CalendarError::InvalidBirthMonth { year, month } => {
                write!(f, "invalid birth month {year}-{month:?}")
            }
        }
    }
}

impl std::error::Error for CalendarError {}

/// Tháng — a calendar month (`YYYY-MM`), the unit every contribution is priced in.
///
/// Always valid: year 1..=9999, month 1..=12. Ordered chronologically.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    /// Smallest year a [`Month`] can hold.
    pub const MIN_YEAR: i32 = 1;
    /// Largest year a [`Month`] can hold.
    pub const MAX_YEAR: i32 = 9999;

    /// A month, or an error naming the field `month` if out of range.
    pub fn new(year: i32, month: u32) -> Result<Month, CalendarError> {
        if (Self::MIN_YEAR..=Self::MAX_YEAR).contains(&year) && (1..=12).contains(&month) {
            Ok(Month { year, month })
        } else {
            Err(CalendarError::InvalidMonth { input: format!("{year:04}-{month:02}") })
        }
    }

    /// Parse exactly `YYYY-MM`.
    pub fn parse(input: &str) -> Result<Month, CalendarError> {
        let bad = || CalendarError::InvalidMonth { input: input.to_owned() };
        let b = input.as_bytes();
        if b.len() != 7 || b[4] != b'-' {
            return Err(bad());
        }
        if !b[..4].iter().chain(&b[5..]).all(u8::is_ascii_digit) {
            return Err(bad());
        }
        let year: i32 = input[..4].parse().map_err(|_| bad())?;
        let month: u32 = input[5..].parse().map_err(|_| bad())?;
        Month::new(year, month).map_err(|_| bad())
    }

    /// The month containing `date`.
    pub fn from_date(date: NaiveDate) -> Month {
        // chrono years fit (the clamp only matters for dates beyond year 9999).
        Month { year: date.year().clamp(Self::MIN_YEAR, Self::MAX_YEAR), month: date.month() }
    }

    /// Calendar year.
    pub const fn year(self) -> i32 {
        self.year
    }

    /// Month of the year, 1..=12.
    pub const fn month(self) -> u32 {
        self.month
    }

    /// First day of the month (the date parameters are looked up on).
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("Month is always valid")
    }

    /// Last day of the month.
    pub fn last_day(self) -> NaiveDate {
        let (y, m) = if self.month == 12 { (self.year + 1, 1) } else { (self.year, self.month + 1) };
        NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.pred_opt()).expect("Month is always valid")
    }

    /// `n` months later (earlier if negative), or `None` outside years 1..=9999.
    pub fn checked_add(self, n: i64) -> Option<Month> {
        let idx = self.index().checked_add(n)?;
        let year = i32::try_from(idx.div_euclid(12)).ok()?;
        let month = u32::try_from(idx.rem_euclid(12)).ok()? + 1;
        Month::new(year, month).ok()
    }

    /// `n` months later (earlier if negative).
    ///
    /// # Panics
    /// If the result falls outside years 1..=9999; use [`Month::checked_add`] for user input.
    // Named `add` because callers read it as month arithmetic; `Month + n` works too.
    #[allow(clippy::should_implement_trait)]
    pub fn add(self, n: i64) -> Month {
        self.checked_add(n).expect("Month::add: result outside years 1..=9999")
    }

    /// Months from `self` to `later` (negative if `later` is earlier).
    pub fn months_until(self, later: Month) -> i64 {
        later.index() - self.index()
    }

    fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }
}

impl std::ops::Add<i64> for Month {
    type Output = Month;
    /// Same as [`Month::add`].
    fn add(self, n: i64) -> Month {
        Month::add(self, n)
    }
}

impl Month {
    /// How a month is written for people: `03/2025` (the `Display` form `2025-03` is the data
    /// and URL form).
    pub fn format_vi(self) -> String {
        format!("{:02}/{:04}", self.month, self.year)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl fmt::Debug for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Month({self})")
    }
}

impl FromStr for Month {
    type Err = CalendarError;
    fn from_str(s: &str) -> Result<Month, CalendarError> {
        Month::parse(s)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Month, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Month::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Giới tính — sex, as recorded for retirement-age and pension rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    /// Nam.
    Male,
    /// Nữ.
    Female,
}

impl Sex {
    /// The suffix of sex-specific parameter keys: `male` / `female`.
    pub const fn key(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }
}

/// Tháng năm sinh — birth month; the month may be unknown (only the year is on record).
///
/// When only the year is known, January is used (Decree 135/2020 Art 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BirthMonth {
    /// Year of birth.
    pub year: i32,
    /// Month of birth, 1..=12, if known.
    pub month: Option<u32>,
}

impl BirthMonth {
    /// Birth month known.
    pub const fn new(year: i32, month: u32) -> BirthMonth {
        BirthMonth { year, month: Some(month) }
    }

    /// Only the year is known.
    pub const fn year_only(year: i32) -> BirthMonth {
        BirthMonth { year, month: None }
    }

    /// The month used by age rules: the birth month, or January if unknown.
    pub fn to_month(self) -> Result<Month, CalendarError> {
        Month::new(self.year, self.month.unwrap_or(1))
            .map_err(|_| CalendarError::InvalidBirthMonth { year: self.year, month: self.month })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let m = Month::parse("2025-03").unwrap();
        assert_eq!((m.year(), m.month()), (2025, 3));
        assert_eq!(m.to_string(), "2025-03");
        for bad in ["2025-3", "2025-13", "2025-00", "25-03", "2025/03", "0000-01", "2025-031"] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn arithmetic() {
        let m = Month::parse("2025-11").unwrap();
        assert_eq!(m.add(2).to_string(), "2026-01");
        assert_eq!(m.add(-11).to_string(), "2024-12");
        assert_eq!(m.months_until(m.add(14)), 14);
        assert_eq!(
            Month::parse("2024-02").unwrap().last_day(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        assert_eq!(
            Month::parse("2025-12").unwrap().last_day(),
            NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()
        );
        assert!(Month::parse("9999-12").unwrap().checked_add(1).is_none());
    }

    #[test]
    fn serde_as_string() {
        let m = Month::parse("2027-01").unwrap();
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, "\"2027-01\"");
        assert_eq!(serde_json::from_str::<Month>(&json).unwrap(), m);
        assert!(serde_json::from_str::<Month>("\"2027-13\"").is_err());
    }

    #[test]
    fn birth_year_only_is_january() {
        assert_eq!(BirthMonth::year_only(1964).to_month().unwrap(), Month::new(1964, 1).unwrap());
        assert!(BirthMonth::new(1964, 13).to_month().is_err());
    }
}
