//! Vietnamese-aware text: NFC normalisation, a folded key for matching (diacritics and case
//! ignored, so "Hoà" = "Hòa" and "nguyen van a" finds "Nguyễn Văn A"), and a sort key that
//! follows the Vietnamese alphabet (a ă â b c d đ e ê …) with tones as a tie-breaker.

use crate::error::Invalid;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Normalise to NFC and collapse runs of white space; the stored form of every name.
pub fn clean(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Characters no free text may hold: controls (C0, DEL, C1 — NUL among them, which
/// PostgreSQL refuses and SQLite stores) and the bidirectional overrides and isolates that make
/// text display in another order than it is stored (RLO and friends).
fn is_forbidden(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// Free text typed by a person (a reason, a decision, a label, a search): NFC, white space
/// collapsed, at most `max` characters, no control or bidirectional-override character. The
/// one check for every free-text field, so both databases store the same thing.
pub fn free_text(field: &str, raw: &str, max: usize) -> Result<String, Invalid> {
    if let Some(c) = raw.chars().find(|c| is_forbidden(*c)) {
        return Err(Invalid::new(
            field,
            format!("Có ký tự điều khiển không hợp lệ (U+{:04X}); hãy gõ lại nội dung", c as u32),
            format!("contains a control character (U+{:04X}); type the text again", c as u32),
        ));
    }
    let text = clean(raw);
    let n = text.chars().count();
    if n > max {
        return Err(Invalid::new(
            field,
            format!("Dài {n} ký tự, tối đa {max} ký tự"),
            format!("{n} characters long, at most {max}"),
        ));
    }
    Ok(text)
}

/// The key names are matched on: no diacritics, `đ` → `d`, lower case, single spaces.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            c => out.extend(c.to_lowercase()),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Tone marks, in the order Vietnamese dictionaries sort them (none, grave, hook, tilde, acute, dot).
const TONES: [char; 5] = ['\u{0300}', '\u{0309}', '\u{0303}', '\u{0301}', '\u{0323}'];

/// A byte string whose ordering is the Vietnamese collation of `s`.
pub fn sort_key(s: &str) -> Vec<u8> {
    let mut primary = Vec::with_capacity(s.len() + 4);
    let mut tones = Vec::new();
    for word in clean(s).split(' ') {
        let mut chars = word.nfd().peekable();
        while let Some(c) = chars.next() {
            let lower = c.to_lowercase().next().unwrap_or(c);
            // Letter modifiers (breve, circumflex, horn) make distinct letters.
            let mut modifier = 0u8;
            let mut tone = 0u8;
            while let Some(&m) = chars.peek() {
                if !is_combining_mark(m) {
                    break;
                }
                match m {
                    '\u{0306}' => modifier = 1, // ă
                    '\u{0302}' => modifier = 2, // â ê ô
                    '\u{031B}' => modifier = 3, // ơ ư
                    t => {
                        if let Some(i) = TONES.iter().position(|x| *x == t) {
                            tone = i as u8 + 1;
                        }
                    }
                }
                chars.next();
            }
            let (base, bonus) = match lower {
                'đ' => ('d', 1),
                c => (c, modifier),
            };
            if base.is_ascii_alphanumeric() {
                primary.push(base as u8);
                primary.push(b'0' + bonus);
            } else {
                let mut buf = [0u8; 4];
                primary.extend_from_slice(base.encode_utf8(&mut buf).as_bytes());
            }
            tones.push(b'0' + tone);
        }
        primary.push(b' ');
    }
    primary.push(0);
    primary.extend(tones);
    primary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_ignores_diacritics_and_tone_placement() {
        assert_eq!(fold("Nguyễn Văn A"), "nguyen van a");
        assert_eq!(fold("Hoà"), fold("Hòa"));
        assert_eq!(fold("Đức  Lĩnh"), "duc linh");
    }

    #[test]
    fn clean_normalises_to_nfc() {
        let decomposed = "Ho\u{0300}a";
        assert_eq!(clean(decomposed), "Hòa");
        assert_eq!(clean("  Kỳ   Nam "), "Kỳ Nam");
    }

    #[test]
    fn vietnamese_alphabet_order() {
        let mut names = vec!["Đức", "Dung", "Ân", "An", "Ăn", "Bình", "Ê", "Em"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names, vec!["An", "Ăn", "Ân", "Bình", "Dung", "Đức", "Em", "Ê"]);
    }

    #[test]
    fn tones_break_ties_only() {
        let mut names = vec!["Mã", "Ma", "Mà", "Mai"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names, vec!["Ma", "Mà", "Mã", "Mai"]);
    }
}
