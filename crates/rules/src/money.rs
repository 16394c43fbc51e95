//! Money: whole đồng in an `i64`, and the one rounding function.
//!
//! Every amount the calculators produce goes through [`round_vnd`]: intermediate products are
//! kept exact in `i128` (amount × rate × rate …) and rounded once, half up, to a whole đồng.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub, SubAssign};

use serde::{Deserialize, Serialize};

/// Basis points in one whole (100% = 10,000 bps).
pub const BPS: i128 = 10_000;

/// Tiền đồng — an amount of money in whole Vietnamese đồng.
///
/// Serialised as a bare integer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Vnd(pub i64);

impl Vnd {
    /// Zero đồng.
    pub const ZERO: Vnd = Vnd(0);

    /// The amount as `i64` đồng.
    pub const fn get(self) -> i64 {
        self.0
    }

    /// Vietnamese formatting: `1.500.000 ₫` (dot as thousands separator, a no-break space
    /// before the sign so a line never ends between the number and its currency).
    pub fn format_vi(self) -> String {
        format!("{}\u{a0}₫", self.digits_vi())
    }

    /// The number alone, grouped as Vietnamese write it: `1.500.000` (for forms and for
    /// documents whose column heading already names the currency).
    pub fn digits_vi(self) -> String {
        group_digits(self.0, '.')
    }

    /// English formatting: `1,500,000 VND`.
    pub fn format_en(self) -> String {
        format!("{} VND", group_digits(self.0, ','))
    }

    /// Số tiền bằng chữ — the amount in Vietnamese words as receipts print it, capitalised and
    /// ending in "đồng": 3,168,000 → "Ba triệu một trăm sáu mươi tám nghìn đồng". Inner groups
    /// read in full ("một triệu không trăm linh năm nghìn"); 1 and 5 after "mươi" read "mốt",
    /// "lăm".
    pub fn words_vi(self) -> String {
        let mut out = String::new();
        if self.0 < 0 {
            out.push_str("âm ");
        }
        let n = self.0.unsigned_abs();
        if n == 0 {
            out.push_str("không");
        } else {
            words_below_billion_groups(n, false, &mut out);
        }
        out.push_str(" đồng");
        let mut chars = out.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => out,
        }
    }

    /// `self × bps / 10,000`, rounded with [`round_vnd`].
    pub fn apply_bps(self, bps: i64) -> Vnd {
        round_vnd(i128::from(self.0) * i128::from(bps), BPS)
    }
}

const DIGITS: [&str; 10] = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];

/// `n` > 0 in words; `full` when a higher group was read before (so "không trăm", "linh").
fn words_below_billion_groups(n: u64, full: bool, out: &mut String) {
    const BILLION: u64 = 1_000_000_000;
    if n >= BILLION {
        words_below_billion_groups(n / BILLION, full, out);
        out.push_str(" tỷ");
        let rest = n % BILLION;
        if rest > 0 {
            words_below_billion_groups(rest, true, out);
        }
        return;
    }
    let groups = [(n / 1_000_000, "triệu"), ((n / 1_000) % 1_000, "nghìn"), (n % 1_000, "")];
    let mut seen = full;
    for (g, name) in groups {
        if g == 0 {
            continue;
        }
        group_words(g, seen, out);
        if !name.is_empty() {
            out.push(' ');
            out.push_str(name);
        }
        seen = true;
    }
}

/// One group of three digits (1..=999).
fn group_words(g: u64, full: bool, out: &mut String) {
    let (h, t, u) = ((g / 100) as usize, ((g / 10) % 10) as usize, (g % 10) as usize);
    let mut word = |w: &str| {
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
        out.push_str(w);
    };
    if h > 0 || full {
        word(DIGITS[h]);
        word("trăm");
    }
    match t {
        0 if u > 0 && (h > 0 || full) => {
            word("linh");
            word(DIGITS[u]);
        }
        0 => {
            if u > 0 {
                word(DIGITS[u]);
            }
        }
        1 => {
            word("mười");
            match u {
                0 => {}
                5 => word("lăm"),
                _ => word(DIGITS[u]),
            }
        }
        _ => {
            word(DIGITS[t]);
            word("mươi");
            match u {
                0 => {}
                1 => word("mốt"),
                5 => word("lăm"),
                _ => word(DIGITS[u]),
            }
        }
    }
}

impl fmt::Display for Vnd {
    /// Same as [`Vnd::format_vi`]: the interface is Vietnamese first.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format_vi())
    }
}

impl Add for Vnd {
    type Output = Vnd;
    fn add(self, rhs: Vnd) -> Vnd {
        Vnd(self.0 + rhs.0)
    }
}

impl AddAssign for Vnd {
    fn add_assign(&mut self, rhs: Vnd) {
        self.0 += rhs.0;
    }
}

impl Sub for Vnd {
    type Output = Vnd;
    fn sub(self, rhs: Vnd) -> Vnd {
        Vnd(self.0 - rhs.0)
    }
}

impl SubAssign for Vnd {
    fn sub_assign(&mut self, rhs: Vnd) {
        self.0 -= rhs.0;
    }
}

impl Sum for Vnd {
    fn sum<I: Iterator<Item = Vnd>>(iter: I) -> Vnd {
        Vnd(iter.map(|v| v.0).sum())
    }
}

/// Làm tròn đến đồng — THE rounding function: `numerator / denominator` rounded half up
/// (towards +∞ on an exact half) to a whole đồng.
///
/// Callers keep products exact in `i128` and call this once per published amount, so a quote
/// never accumulates rounding drift. Results outside `i64` saturate (no real amount comes near).
///
/// # Panics
/// If `denominator <= 0` (a programming error, never user input).
pub fn round_vnd(numerator: i128, denominator: i128) -> Vnd {
    assert!(denominator > 0, "round_vnd: denominator must be positive");
    // floor((2n + d) / 2d) == floor(n/d + 1/2)
    let q = (2 * numerator + denominator).div_euclid(2 * denominator);
    Vnd(i64::try_from(q).unwrap_or(if q < 0 { i64::MIN } else { i64::MAX }))
}

fn group_digits(value: i64, sep: char) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_up() {
        assert_eq!(round_vnd(5, 10), Vnd(1));
        assert_eq!(round_vnd(4, 10), Vnd(0));
        assert_eq!(round_vnd(15, 10), Vnd(2));
        assert_eq!(round_vnd(-5, 10), Vnd(0));
        assert_eq!(round_vnd(-6, 10), Vnd(-1));
        assert_eq!(round_vnd(330_000 * 10_000, 10_000), Vnd(330_000));
    }

    #[test]
    fn formats() {
        assert_eq!(Vnd(1_500_000).format_vi(), "1.500.000\u{a0}₫");
        assert_eq!(Vnd(1_500_000).format_en(), "1,500,000 VND");
        assert_eq!(Vnd(0).format_vi(), "0\u{a0}₫");
        assert_eq!(Vnd(999).format_vi(), "999\u{a0}₫");
        assert_eq!(Vnd(1000).format_vi(), "1.000\u{a0}₫");
        assert_eq!(Vnd(-46_800_000).format_vi(), "-46.800.000\u{a0}₫");
    }

    #[test]
    fn applies_bps() {
        assert_eq!(Vnd(1_500_000).apply_bps(2200), Vnd(330_000));
        assert_eq!(Vnd(2_340_000).apply_bps(450), Vnd(105_300));
    }
}
