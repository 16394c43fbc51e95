//! Display helpers of the request context, shared by every screen: one formatter per kind of
//! value (dates, money, counts, labels of domain values) and form choices.

use crate::session::Page;
use ansinh_app::records::PersonRow;
use ansinh_domain::Invalid;
use ansinh_domain::person::{Occupation, PovertyStatus, Relation, Sex, sex_label_en, sex_label_vi};
use ansinh_domain::{Level, Role, Unit};
use ansinh_rules::{Month, ParamUsed, Vnd};
use chrono::{DateTime, NaiveDate, Utc};

impl Page {
    pub fn date(&self, d: &Option<NaiveDate>) -> String {
        crate::fmt::date(d)
    }

    pub fn datetime(&self, t: &DateTime<Utc>) -> String {
        crate::fmt::datetime(t)
    }

    pub fn opt_datetime(&self, t: &Option<DateTime<Utc>>) -> String {
        t.as_ref().map(crate::fmt::datetime).unwrap_or_default()
    }

    pub fn level(&self, l: &Level) -> String {
        // Each key spelled out, so the i18n test sees every one.
        self.t(match l {
            Level::Country => "level-country",
            Level::Province => "level-province",
            Level::District => "level-district",
            Level::Commune => "level-commune",
            Level::Village => "level-village",
            Level::Group => "level-group",
        })
    }

    pub fn role(&self, r: &Role) -> String {
        match self.lang {
            crate::i18n::Lang::Vi => r.label_vi().to_string(),
            crate::i18n::Lang::En => r.label_en().to_string(),
        }
    }

    /// "01/07/2025 – nay" style validity.
    pub fn validity(&self, u: &Unit) -> String {
        match (u.valid_from, u.valid_to) {
            // A village or group older than the records: since before the reform.
            (None, None) if u.level.is_local() => self.t("valid-before-reform"),
            (None, None) => String::new(),
            (Some(f), None) => format!("{} {}", self.t("valid-from"), crate::fmt::date(&Some(f))),
            (None, Some(t)) => format!("{} {}", self.t("valid-until"), crate::fmt::date(&Some(t))),
            (Some(f), Some(t)) => format!("{} – {}", crate::fmt::date(&Some(f)), crate::fmt::date(&Some(t))),
        }
    }

    /// `on=YYYY-MM-DD`, the last day `u` was valid (the tree of its time); empty while valid.
    pub fn on_last_day(&self, u: &Unit) -> String {
        u.valid_to
            .and_then(|t| t.pred_opt())
            .map(|d| format!("on={}", d.format("%Y-%m-%d")))
            .unwrap_or_default()
    }

    pub fn ended(&self, u: &Unit) -> bool {
        u.valid_to.is_some_and(|t| t <= self.today)
    }
}

impl Page {
    pub fn day(&self, d: &NaiveDate) -> String {
        d.format("%d/%m/%Y").to_string()
    }

    pub fn money(&self, v: &Vnd) -> String {
        v.format_vi()
    }

    /// "12/2026", the month of a day.
    pub fn month_of(&self, d: &NaiveDate) -> String {
        d.format("%m/%Y").to_string()
    }

    /// "05/2042"
    pub fn month(&self, m: &Month) -> String {
        format!("{:02}/{}", m.month(), m.year())
    }

    /// "45%", "40,5%"
    pub fn percent(&self, bps: &i64) -> String {
        let s = format!("{}", *bps as f64 / 100.0);
        format!("{}%", if self.is_vi() { s.replace('.', ",") } else { s })
    }

    /// "20 năm 3 tháng"
    pub fn duration(&self, months: &u32) -> String {
        let (y, m) = (months / 12, months % 12);
        match (self.is_vi(), m) {
            (true, 0) => format!("{y} năm"),
            (true, _) => format!("{y} năm {m} tháng"),
            (false, 0) => format!("{y} years"),
            (false, _) => format!("{y} years {m} months"),
        }
    }

    pub fn invalid_text(&self, i: &Invalid) -> String {
        if self.is_vi() { i.vi.clone() } else { i.en.clone() }
    }

    /// A parameter's value as people read it.
    pub fn param_value(&self, u: &ParamUsed) -> String {
        ansinh_rules::param_info(&u.key).map_or_else(|| u.value.to_string(), |i| i.unit.format_vi(u.value))
    }

    pub fn param_name(&self, key: &str) -> String {
        match ansinh_rules::param_info(key) {
            Some(i) if self.is_vi() => i.name_vi.to_string(),
            Some(i) => i.name_en.to_string(),
            None => key.to_string(),
        }
    }
}

// ─── Enrolment and collection ──────────────────────────────────────────────────────────────

impl Page {
    pub fn scheme(&self, s: &ansinh_domain::Scheme) -> String {
        if self.is_vi() { s.label_vi() } else { s.label_en() }.to_string()
    }

    /// Where a participation stands, in a sentence.
    pub fn standing(&self, s: &ansinh_app::collection::Standing) -> String {
        if self.is_vi() { s.label_vi() } else { s.label_en() }
    }

    /// The standing in one word.
    pub fn standing_short(&self, s: &ansinh_app::collection::Standing) -> String {
        use ansinh_app::collection::Standing::*;
        self.t(match s {
            Active { .. } => "standing-active",
            Waiting { .. } => "standing-waiting",
            Due { .. } => "standing-due",
            Suspended { .. } => "standing-suspended",
            Lapsed { .. } => "standing-lapsed",
            Ended { .. } => "standing-ended",
        })
    }
}

// ─── Population registry ──────────────────────────────────────────────────────────────────

/// One choice of a `<select>`.
#[derive(Debug, Clone)]
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Choices from (value, label) pairs, with `current` selected.
pub fn options<'a>(items: impl IntoIterator<Item = (&'a str, &'a str)>, current: &str) -> Vec<Opt> {
    items
        .into_iter()
        .map(|(v, l)| Opt { value: v.to_string(), label: l.to_string(), selected: v == current.trim() })
        .collect()
}

impl Page {
    /// "15/03/1990", or "1990" when only the year is on record (the one birth formatter).
    pub fn birth(&self, p: &PersonRow) -> String {
        p.birth.to_string()
    }

    pub fn sex(&self, s: &Sex) -> String {
        self.label(sex_label_vi(*s), sex_label_en(*s))
    }

    pub fn occupation(&self, o: &Occupation) -> String {
        self.label(o.label_vi(), o.label_en())
    }

    pub fn relation(&self, r: &Option<Relation>) -> String {
        r.map(|r| self.label(r.label_vi(), r.label_en())).unwrap_or_default()
    }

    pub fn poverty(&self, s: &PovertyStatus) -> String {
        self.label(s.label_vi(), s.label_en())
    }

    /// "12.345" (vi) / "12,345" (en).
    pub fn count(&self, n: impl std::borrow::Borrow<i64>) -> String {
        let n = *n.borrow();
        let digits = n.unsigned_abs().to_string();
        let sep = if self.is_vi() { '.' } else { ',' };
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        if n < 0 { format!("-{out}") } else { out }
    }

    fn label(&self, vi: &str, en: &str) -> String {
        if self.is_vi() { vi.to_string() } else { en.to_string() }
    }
}
