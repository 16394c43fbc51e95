//! Vietnamese display formats: dates dd/mm/yyyy, times in Việt Nam time.

use chrono::{DateTime, NaiveDate, Utc};

pub fn date(d: &Option<NaiveDate>) -> String {
    d.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default()
}

pub fn datetime(t: &DateTime<Utc>) -> String {
    (*t + chrono::Duration::hours(7)).format("%d/%m/%Y %H:%M").to_string()
}

/// `1000000` → `1.000.000` (Vietnamese digit grouping); negatives keep their sign.
pub fn number(n: i64) -> String {
    let grouped = ansinh_reports::vi_number(n.unsigned_abs() as usize);
    if n < 0 { format!("-{grouped}") } else { grouped }
}

/// Parse a date typed as dd/mm/yyyy or yyyy-mm-dd.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%d/%m/%Y").or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let d = NaiveDate::from_ymd_opt(2025, 7, 1);
        assert_eq!(date(&d), "01/07/2025");
        assert_eq!(parse_date("01/07/2025"), d);
        assert_eq!(parse_date("2025-07-01"), d);
        assert_eq!(parse_date("31/02/2025"), None);
    }
}
