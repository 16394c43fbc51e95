//! Thu — enrolment and collection: schemes, receipt books, payer sources, verification codes,
//! and the masked name a public receipt check may show.

use crate::Invalid;
use serde::{Deserialize, Serialize};

/// Chế độ — a scheme a person participates in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    /// BHXH tự nguyện — voluntary social insurance (enrolled in An Sinh).
    Vsi,
    /// BHYT hộ gia đình — household health insurance (enrolled in An Sinh).
    HiHousehold,
    /// BHXH bắt buộc — compulsory social insurance (imported from lists).
    Csi,
    /// BH thất nghiệp — unemployment insurance (imported).
    Ui,
    /// BHYT of another group (state-paid, employer, pensioner, student …; imported).
    Hi,
}

impl Scheme {
    pub const ALL: [Scheme; 5] = [Scheme::Vsi, Scheme::HiHousehold, Scheme::Csi, Scheme::Ui, Scheme::Hi];

    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Vsi => "vsi",
            Scheme::HiHousehold => "hi_household",
            Scheme::Csi => "csi",
            Scheme::Ui => "ui",
            Scheme::Hi => "hi",
        }
    }

    pub fn from_key(s: &str) -> Option<Scheme> {
        Scheme::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Scheme::Vsi => "BHXH tự nguyện",
            Scheme::HiHousehold => "BHYT hộ gia đình",
            Scheme::Csi => "BHXH bắt buộc",
            Scheme::Ui => "Bảo hiểm thất nghiệp",
            Scheme::Hi => "BHYT (nhóm khác)",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Scheme::Vsi => "Voluntary social insurance",
            Scheme::HiHousehold => "Household health insurance",
            Scheme::Csi => "Compulsory social insurance",
            Scheme::Ui => "Unemployment insurance",
            Scheme::Hi => "Health insurance (other group)",
        }
    }

    /// Whether An Sinh enrols and collects it (the others come from lists).
    pub fn collected(self) -> bool {
        matches!(self, Scheme::Vsi | Scheme::HiHousehold)
    }

    /// Whether it gives a health-insurance card (so the person is not in the household group).
    pub fn gives_hi(self) -> bool {
        matches!(self, Scheme::HiHousehold | Scheme::Hi | Scheme::Csi)
    }
}

/// Loại quyển biên lai — a paper book (quyển số) or an electronic series (ký hiệu).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookKind {
    Paper,
    Electronic,
}

impl BookKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BookKind::Paper => "paper",
            BookKind::Electronic => "electronic",
        }
    }

    pub fn from_key(s: &str) -> Option<BookKind> {
        match s {
            "paper" => Some(BookKind::Paper),
            "electronic" => Some(BookKind::Electronic),
            _ => None,
        }
    }

    pub fn parse(s: &str) -> Result<BookKind, Invalid> {
        BookKind::from_key(s.trim()).ok_or_else(|| {
            Invalid::new(
                "kind",
                format!("Loại quyển «{s}» không hợp lệ; chọn giấy (paper) hoặc điện tử (electronic)"),
                format!("book kind «{s}» is not paper or electronic"),
            )
        })
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            BookKind::Paper => "Quyển giấy",
            BookKind::Electronic => "Biên lai điện tử",
        }
    }
}

/// Nguồn đóng — who pays (part of) a receipt: the person, a community model's fund, a sponsor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum PayerSource {
    /// Người tham gia tự đóng.
    Person,
    /// Quỹ của mô hình an sinh cộng đồng.
    Fund,
    /// Nhà tài trợ.
    Sponsor,
}

impl PayerSource {
    pub const ALL: [PayerSource; 3] = [PayerSource::Person, PayerSource::Fund, PayerSource::Sponsor];

    pub fn as_str(self) -> &'static str {
        match self {
            PayerSource::Person => "person",
            PayerSource::Fund => "fund",
            PayerSource::Sponsor => "sponsor",
        }
    }

    pub fn from_key(s: &str) -> Option<PayerSource> {
        PayerSource::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn parse(s: &str) -> Result<PayerSource, Invalid> {
        PayerSource::from_key(s.trim()).ok_or_else(|| {
            Invalid::new(
                "sources",
                format!("Nguồn đóng «{s}» không hợp lệ; chọn person, fund hoặc sponsor"),
                format!("payer source «{s}» is not person, fund or sponsor"),
            )
        })
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            PayerSource::Person => "Người tham gia",
            PayerSource::Fund => "Quỹ mô hình",
            PayerSource::Sponsor => "Nhà tài trợ",
        }
    }
}

/// Ký hiệu / quyển số: 1–20 of A–Z 0–9 `/` `-` `.`, upper-cased.
pub fn series(field: &str, s: &str) -> Result<String, Invalid> {
    let t = s.trim().to_uppercase();
    let ok = (1..=20).contains(&t.len()) && t.chars().all(|c| c.is_ascii_alphanumeric() || "/-.".contains(c));
    if ok {
        Ok(t)
    } else {
        Err(Invalid::new(
            field,
            format!("«{s}» cần 1–20 ký tự chữ in hoa, số, «/», «-» hoặc «.»"),
            format!("«{s}» needs 1–20 of A–Z, 0–9, '/', '-' or '.'"),
        ))
    }
}

/// Mã xác nhận alphabet: Crockford base32 without I, L, O, U (nothing to misread aloud).
const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Length of a verification code: 12 × 5 = 60 random bits.
pub const CODE_LEN: usize = 12;

/// A verification code from 12 random bytes (each taken modulo 32: 256 is a multiple of 32,
/// so every symbol is equally likely).
pub fn verification_code(random: [u8; CODE_LEN]) -> String {
    random.iter().map(|b| CODE_ALPHABET[usize::from(*b % 32)] as char).collect()
}

/// A code as a person may type it back: upper case, without spaces or dashes, O→0, I/L→1.
/// `None` if it cannot be a code.
pub fn normalise_code(s: &str) -> Option<String> {
    let out: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    (out.len() == CODE_LEN && out.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(out)
}

/// The name a public page may show: the given name whole, other words by their initial
/// ("Nguyễn Văn An" → "N. V. An").
pub fn masked_name(full: &str) -> String {
    let words: Vec<&str> = full.split_whitespace().collect();
    match words.split_last() {
        Some((last, rest)) => {
            let mut out: Vec<String> =
                rest.iter().filter_map(|w| w.chars().next()).map(|c| format!("{c}.")).collect();
            out.push((*last).to_string());
            out.join(" ")
        }
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_and_codes() {
        assert_eq!(masked_name("Nguyễn Văn An"), "N. V. An");
        assert_eq!(masked_name("An"), "An");
        let c = verification_code([7; CODE_LEN]);
        assert_eq!(c.len(), CODE_LEN);
        assert_eq!(normalise_code(&format!(" {}-{} ", &c[..6], &c[6..])), Some(c));
        assert_eq!(normalise_code("0000-0000-000O"), Some("000000000000".into()));
        assert_eq!(normalise_code("short"), None);
        assert_eq!(series("series", " ab/26 ").unwrap(), "AB/26");
        assert!(series("series", "bad series!").is_err());
    }
}
