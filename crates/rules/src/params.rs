//! Effective-dated parameters: every legal number the calculators use.
//!
//! A [`ParamVersion`] is one value of one key over a half-open period
//! `[effective_from, effective_to)`. A [`ParamSet`] holds all versions, indexed by key (one hash
//! lookup, then a binary search over that key's few versions), and guarantees that no two
//! versions of a key overlap. The shipped set lives in `data/parameters.toml` and is compiled
//! in with `include_str!`; an administrator adds versions at run time with
//! [`ParamSet::add_version`].

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize, Serializer};

use crate::catalog::require_info;
use crate::error::RuleError;

/// Độ tin cậy — how sure we are of a fact: V confirmed in two or more
/// independent sources, S one source, U unconfirmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Confidence {
    /// Đã xác minh — confirmed by two or more independent sources.
    V,
    /// Một nguồn — one source.
    S,
    /// Chưa xác nhận — unconfirmed; shown as such in the interface.
    U,
}

impl Confidence {
    /// `V`, `S` or `U`, as stored and shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            Confidence::V => "V",
            Confidence::S => "S",
            Confidence::U => "U",
        }
    }

    /// `V`, `S` or `U` (either case); `None` for anything else.
    pub fn parse(s: &str) -> Option<Confidence> {
        match s.trim() {
            "V" | "v" => Some(Confidence::V),
            "S" | "s" => Some(Confidence::S),
            "U" | "u" => Some(Confidence::U),
            _ => None,
        }
    }
}

/// Phiên bản tham số — one value of one parameter over `[effective_from, effective_to)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParamVersion {
    /// Key from the catalogue, e.g. `base_salary`, `pension.adjustment.2019`.
    pub key: String,
    /// First day in force.
    pub effective_from: NaiveDate,
    /// First day no longer in force; `None` = until further notice.
    pub effective_to: Option<NaiveDate>,
    /// Integer value, read according to the key's [`crate::Unit`].
    pub value: i64,
    /// Căn cứ pháp lý — the legal basis, e.g. "Nghị định 73/2024/NĐ-CP".
    pub legal_basis: String,
    /// How sure we are.
    pub confidence: Confidence,
    /// Ghi chú nội bộ — the research note behind the value (sources, assumptions, what is
    /// still to check), for administrators; never shown on public pages. Empty when none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl ParamVersion {
    /// Whether the version is in force on `date`.
    pub fn in_force(&self, date: NaiveDate) -> bool {
        self.effective_from <= date && self.effective_to.is_none_or(|to| date < to)
    }

    /// Whether the two periods share at least one day.
    pub fn overlaps(&self, other: &ParamVersion) -> bool {
        let a_before_b_ends = other.effective_to.is_none_or(|to| self.effective_from < to);
        let b_before_a_ends = self.effective_to.is_none_or(|to| other.effective_from < to);
        a_before_b_ends && b_before_a_ends
    }

    fn check(&self) -> Result<(), RuleError> {
        let info = require_info(&self.key)?;
        if let Some(to) = self.effective_to
            && to <= self.effective_from
        {
            return Err(RuleError::InvalidPeriod { key: self.key.clone(), from: self.effective_from, to });
        }
        info.unit.check(self.value).map_err(|reason| RuleError::InvalidValue {
            key: self.key.clone(),
            value: self.value,
            reason,
        })?;
        if self.legal_basis.trim().is_empty() {
            return Err(RuleError::InvalidValue {
                key: self.key.clone(),
                value: self.value,
                reason: crate::Bilingual::new("thiếu căn cứ pháp lý", "the legal basis is missing"),
            });
        }
        Ok(())
    }
}

/// Tham số đã dùng — a parameter version a calculation used, shown with the result so the
/// interface can cite the legal basis. Cheap to clone (shared).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamUsed(Arc<ParamVersion>);

impl ParamUsed {
    pub(crate) fn from_arc(v: Arc<ParamVersion>) -> ParamUsed {
        ParamUsed(v)
    }

    /// The version.
    pub fn version(&self) -> &ParamVersion {
        &self.0
    }
}

impl Deref for ParamUsed {
    type Target = ParamVersion;
    fn deref(&self) -> &ParamVersion {
        &self.0
    }
}

impl Serialize for ParamUsed {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// The versions of one key, sorted by `effective_from`, never overlapping.
#[derive(Clone, Debug, Default)]
pub struct ParamSeries(Vec<Arc<ParamVersion>>);

impl ParamSeries {
    /// The version in force on `date`.
    pub fn at(&self, date: NaiveDate) -> Option<&ParamVersion> {
        self.at_shared(date).map(|a| &**a)
    }

    pub(crate) fn at_shared(&self, date: NaiveDate) -> Option<&Arc<ParamVersion>> {
        let i = self.0.partition_point(|v| v.effective_from <= date);
        let v = self.0.get(i.checked_sub(1)?)?;
        v.effective_to.is_none_or(|to| date < to).then_some(v)
    }

    /// All versions, oldest first.
    pub fn versions(&self) -> impl Iterator<Item = &ParamVersion> {
        self.0.iter().map(|a| &**a)
    }
}

/// FNV-1a: the index is keyed by short trusted strings, so SipHash's flooding resistance buys
/// nothing. Measured (benches/vsi.rs): SipHash ≈ 330 → FNV ≈ 240 ms per million quotes
/// before the hot keys were pre-resolved; a word-at-a-time "Fx" hash measured slower here.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// What [`ParamSet::add_version`] did, for the audit trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AddOutcome {
    /// The version added.
    pub added: ParamVersion,
    /// The open-ended predecessor that was closed at the new version's start, if any.
    pub closed: Option<ClosedVersion>,
}

/// An open-ended version before and after it was closed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClosedVersion {
    /// As it was (`effective_to: None`).
    pub before: ParamVersion,
    /// As it is now (`effective_to` = the new version's `effective_from`).
    pub after: ParamVersion,
}

/// Keys the VSI calculator reads on every quote, kept pre-resolved (no hashing per quote).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Hot {
    VsiRate,
    PovertyLine,
    BaseSalary,
    MaxMultiple,
    SupportOthers,
    SupportNearPoor,
    SupportPoor,
    SupportEthnicMinority,
    SupportIsland,
    SupportMaxMonths,
    CapCountsPrior,
    DeadlineMonthly,
    DeadlineEvery3,
    DeadlineEvery6,
    DeadlineEvery12,
}

impl Hot {
    const ALL: [Hot; 15] = [
        Hot::VsiRate,
        Hot::PovertyLine,
        Hot::BaseSalary,
        Hot::MaxMultiple,
        Hot::SupportOthers,
        Hot::SupportNearPoor,
        Hot::SupportPoor,
        Hot::SupportEthnicMinority,
        Hot::SupportIsland,
        Hot::SupportMaxMonths,
        Hot::CapCountsPrior,
        Hot::DeadlineMonthly,
        Hot::DeadlineEvery3,
        Hot::DeadlineEvery6,
        Hot::DeadlineEvery12,
    ];

    pub(crate) const fn key(self) -> &'static str {
        use crate::catalog::keys;
        match self {
            Hot::VsiRate => keys::VSI_RATE,
            Hot::PovertyLine => keys::POVERTY_LINE_RURAL,
            Hot::BaseSalary => keys::BASE_SALARY,
            Hot::MaxMultiple => keys::VSI_MAX_INCOME_MULTIPLE,
            Hot::SupportOthers => keys::VSI_SUPPORT_OTHERS,
            Hot::SupportNearPoor => keys::VSI_SUPPORT_NEAR_POOR,
            Hot::SupportPoor => keys::VSI_SUPPORT_POOR,
            Hot::SupportEthnicMinority => keys::VSI_SUPPORT_ETHNIC_MINORITY,
            Hot::SupportIsland => keys::VSI_SUPPORT_ISLAND,
            Hot::SupportMaxMonths => keys::VSI_SUPPORT_MAX_MONTHS,
            Hot::CapCountsPrior => keys::VSI_SUPPORT_CAP_COUNTS_PRIOR,
            Hot::DeadlineMonthly => "vsi.deadline_months.monthly",
            Hot::DeadlineEvery3 => "vsi.deadline_months.every3",
            Hot::DeadlineEvery6 => "vsi.deadline_months.every6",
            Hot::DeadlineEvery12 => "vsi.deadline_months.every12",
        }
    }
}

/// Bộ tham số — all parameter versions, indexed by key.
///
/// Lookups: one hash of the key (FNV) then a binary search over that key's versions; the keys
/// every VSI quote reads are also kept pre-resolved, so a monthly quote hashes nothing.
#[derive(Clone, Debug, Default)]
pub struct ParamSet {
    series: HashMap<Box<str>, ParamSeries, BuildHasherDefault<Fnv>>,
    hot: Vec<ParamSeries>,
}

static BUNDLED_TOML: &str = include_str!("../data/parameters.toml");
static BUNDLED: OnceLock<ParamSet> = OnceLock::new();

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    params: Vec<RawParam>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParam {
    key: String,
    versions: Vec<RawVersion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVersion {
    from: toml::value::Datetime,
    #[serde(default)]
    to: Option<toml::value::Datetime>,
    value: i64,
    confidence: Confidence,
    basis: String,
    #[serde(default)]
    note: String,
}

fn toml_date(key: &str, dt: toml::value::Datetime) -> Result<NaiveDate, RuleError> {
    let bad = || RuleError::Data { reason: format!("{key}: “{dt}” is not a plain date (YYYY-MM-DD)") };
    if dt.time.is_some() || dt.offset.is_some() {
        return Err(bad());
    }
    let d = dt.date.ok_or_else(bad)?;
    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day)).ok_or_else(bad)
}

impl ParamSet {
    /// The shipped parameters (`data/parameters.toml`), parsed once per process.
    ///
    /// # Panics
    /// If the bundled file is invalid — a test proves it is not.
    pub fn bundled() -> ParamSet {
        Self::bundled_ref().clone()
    }

    /// The shipped parameters, shared.
    pub fn bundled_ref() -> &'static ParamSet {
        BUNDLED.get_or_init(|| {
            ParamSet::from_toml_str(BUNDLED_TOML)
                .unwrap_or_else(|e| panic!("bundled data/parameters.toml is invalid: {e}"))
        })
    }

    /// The text of the shipped parameter file (for export / seeding a database).
    pub fn bundled_toml() -> &'static str {
        BUNDLED_TOML
    }

    /// Parse a parameter file in the bundled format and validate it.
    pub fn from_toml_str(text: &str) -> Result<ParamSet, RuleError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| RuleError::Data { reason: e.to_string() })?;
        let mut versions = Vec::new();
        for p in raw.params {
            for v in p.versions {
                versions.push(ParamVersion {
                    effective_from: toml_date(&p.key, v.from)?,
                    effective_to: v.to.map(|t| toml_date(&p.key, t)).transpose()?,
                    key: p.key.clone(),
                    value: v.value,
                    legal_basis: v.basis,
                    confidence: v.confidence,
                    note: v.note,
                });
            }
        }
        ParamSet::from_versions(versions)
    }

    /// Build from versions, checking every key is in the catalogue, every value fits its unit,
    /// every period is non-empty and no two versions of a key overlap.
    pub fn from_versions(versions: Vec<ParamVersion>) -> Result<ParamSet, RuleError> {
        let mut series: HashMap<Box<str>, ParamSeries, BuildHasherDefault<Fnv>> = HashMap::default();
        for v in versions {
            v.check()?;
            series.entry(v.key.as_str().into()).or_default().0.push(Arc::new(v));
        }
        for s in series.values_mut() {
            s.0.sort_by_key(|v| v.effective_from);
            for pair in s.0.windows(2) {
                if pair[0].overlaps(&pair[1]) {
                    return Err(overlap(&pair[1], &pair[0]));
                }
            }
        }
        let mut set = ParamSet { series, hot: Vec::new() };
        set.refresh_hot();
        Ok(set)
    }

    fn refresh_hot(&mut self) {
        self.hot = Hot::ALL.iter().map(|h| self.series.get(h.key()).cloned().unwrap_or_default()).collect();
    }

    pub(crate) fn hot(&self, h: Hot) -> &ParamSeries {
        &self.hot[h as usize]
    }

    /// All versions, sorted by key then start date.
    pub fn versions(&self) -> Vec<&ParamVersion> {
        let mut all: Vec<&ParamVersion> = self.series.values().flat_map(|s| s.versions()).collect();
        all.sort_by(|a, b| (&a.key, a.effective_from).cmp(&(&b.key, b.effective_from)));
        all
    }

    /// Keys that have at least one version, sorted.
    pub fn keys(&self) -> Vec<&str> {
        let mut k: Vec<&str> = self.series.keys().map(|k| &**k).collect();
        k.sort_unstable();
        k
    }

    /// The versions of one key.
    pub fn series(&self, key: &str) -> Option<&ParamSeries> {
        self.series.get(key)
    }

    /// The version of `key` in force on `date`.
    pub fn get(&self, key: &str, date: NaiveDate) -> Result<&ParamVersion, RuleError> {
        self.get_shared(key, date).map(|a| &**a)
    }

    /// The value of `key` in force on `date`.
    pub fn value(&self, key: &str, date: NaiveDate) -> Result<i64, RuleError> {
        self.get(key, date).map(|v| v.value)
    }

    /// The version of `key` in force on `date`, kept as a citation for a result's basis.
    pub fn used(&self, key: &str, date: NaiveDate) -> Result<ParamUsed, RuleError> {
        self.get_shared(key, date).map(|a| ParamUsed::from_arc(a.clone()))
    }

    pub(crate) fn find(&self, key: &str, date: NaiveDate) -> Option<&Arc<ParamVersion>> {
        self.series.get(key)?.at_shared(date)
    }

    pub(crate) fn get_shared(&self, key: &str, date: NaiveDate) -> Result<&Arc<ParamVersion>, RuleError> {
        self.find(key, date).ok_or_else(|| {
            if crate::catalog::param_info(key).is_none() {
                RuleError::UnknownKey { key: key.to_owned() }
            } else {
                RuleError::NotInForce { key: key.to_owned(), date }
            }
        })
    }

    /// Add a version. An open-ended predecessor that started earlier is closed at the new
    /// version's `effective_from` (and returned, before and after, for the audit); any other
    /// overlap is refused with a bilingual error naming both periods.
    pub fn add_version(&mut self, v: ParamVersion) -> Result<AddOutcome, RuleError> {
        v.check()?;
        let series = self.series.entry(v.key.as_str().into()).or_default();
        let mut to_close = None;
        for (i, existing) in series.0.iter().enumerate() {
            if !existing.overlaps(&v) {
                continue;
            }
            let closable = existing.effective_to.is_none()
                && existing.effective_from < v.effective_from
                && to_close.is_none();
            if !closable {
                return Err(overlap(&v, existing));
            }
            to_close = Some(i);
        }
        let closed = to_close.map(|i| {
            let before = (*series.0[i]).clone();
            let after = ParamVersion { effective_to: Some(v.effective_from), ..before.clone() };
            series.0[i] = Arc::new(after.clone());
            ClosedVersion { before, after }
        });
        let at = series.0.partition_point(|e| e.effective_from < v.effective_from);
        series.0.insert(at, Arc::new(v.clone()));
        if Hot::ALL.iter().any(|h| h.key() == v.key) {
            self.refresh_hot();
        }
        Ok(AddOutcome { added: v, closed })
    }
}

fn overlap(new: &ParamVersion, existing: &ParamVersion) -> RuleError {
    RuleError::Overlap {
        key: new.key.clone(),
        new_from: new.effective_from,
        new_to: new.effective_to,
        existing_from: existing.effective_from,
        existing_to: existing.effective_to,
    }
}

/// The parameters a calculation used, without duplicates, in first-use order.
#[derive(Debug, Default)]
pub(crate) struct Basis(Vec<ParamUsed>);

impl Basis {
    pub(crate) fn with_capacity(n: usize) -> Basis {
        Basis(Vec::with_capacity(n))
    }

    pub(crate) fn add(&mut self, v: &Arc<ParamVersion>) {
        if !self.0.iter().any(|u| Arc::ptr_eq(&u.0, v)) {
            self.0.push(ParamUsed(Arc::clone(v)));
        }
    }

    pub(crate) fn add_used(&mut self, u: &ParamUsed) {
        self.add(&u.0);
    }

    pub(crate) fn into_vec(self) -> Vec<ParamUsed> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn v(key: &str, from: &str, to: Option<&str>, value: i64) -> ParamVersion {
        ParamVersion {
            key: key.into(),
            effective_from: d(from),
            effective_to: to.map(d),
            value,
            legal_basis: "test".into(),
            confidence: Confidence::U,
            note: String::new(),
        }
    }

    #[test]
    fn hot_keys_are_catalogued() {
        for h in Hot::ALL {
            assert!(crate::catalog::param_info(h.key()).is_some(), "{h:?}");
        }
    }

    #[test]
    fn lookup_is_half_open() {
        let set = ParamSet::from_versions(vec![
            v("base_salary", "2023-07-01", Some("2024-07-01"), 1_800_000),
            v("base_salary", "2024-07-01", None, 2_340_000),
        ])
        .unwrap();
        assert_eq!(set.value("base_salary", d("2024-06-30")).unwrap(), 1_800_000);
        assert_eq!(set.value("base_salary", d("2024-07-01")).unwrap(), 2_340_000);
        assert!(matches!(set.get("base_salary", d("2023-06-30")), Err(RuleError::NotInForce { .. })));
        assert!(matches!(set.get("no.such.key", d("2023-06-30")), Err(RuleError::UnknownKey { .. })));
    }

    #[test]
    fn rejects_overlaps_and_bad_values() {
        let e = ParamSet::from_versions(vec![
            v("base_salary", "2023-07-01", None, 1_800_000),
            v("base_salary", "2024-07-01", None, 2_340_000),
        ])
        .unwrap_err();
        assert!(matches!(e, RuleError::Overlap { .. }), "{e}");
        assert!(ParamSet::from_versions(vec![v("vsi.rate", "2024-07-01", None, 10_001)]).is_err());
        assert!(ParamSet::from_versions(vec![v("unknown", "2024-07-01", None, 1)]).is_err());
        assert!(ParamSet::from_versions(vec![v("vsi.rate", "2024-07-01", Some("2024-07-01"), 1)]).is_err());
    }

    #[test]
    fn add_closes_open_predecessor_only() {
        let mut set = ParamSet::from_versions(vec![v("base_salary", "2024-07-01", None, 2_340_000)]).unwrap();
        let out = set.add_version(v("base_salary", "2026-07-01", None, 2_530_000)).unwrap();
        let closed = out.closed.unwrap();
        assert_eq!(closed.before.effective_to, None);
        assert_eq!(closed.after.effective_to, Some(d("2026-07-01")));
        assert_eq!(set.value("base_salary", d("2026-06-30")).unwrap(), 2_340_000);
        assert_eq!(set.value("base_salary", d("2026-07-01")).unwrap(), 2_530_000);
        // Inside a closed period: refused.
        let e = set.add_version(v("base_salary", "2025-01-01", None, 1)).unwrap_err();
        assert!(e.message_vi().contains("chồng lấn"), "{e}");
        assert!(e.message_en().contains("overlaps"), "{e}");
        // Same start as the open one: refused (that would be a replacement, not a successor).
        assert!(set.add_version(v("base_salary", "2026-07-01", None, 1)).is_err());
    }
}
