//! Administrative units (đơn vị hành chính) and the places users keep under a commune.
//!
//! Official codes are reused across eras (Decision 19/2025/QĐ-TTg kept many pre-reform codes), so a unit is identified by its row id;
//! `code` + validity says which era. The hierarchy is a materialised path of ids (`/0/12/345/`),
//! so a subtree is one range scan and needs no recursive query.

use crate::error::Invalid;
use crate::text;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Path of the root (Việt Nam); every other path starts with it.
pub const ROOT_PATH: &str = "/0/";
/// Row id of the root unit.
pub const ROOT_ID: i64 = 0;

/// Cấp hành chính — level in the hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Cả nước
    Country,
    /// Tỉnh / thành phố trực thuộc trung ương
    Province,
    /// Huyện / quận / thị xã (until 30 Jun 2025)
    District,
    /// Xã / phường / thị trấn / đặc khu
    Commune,
    /// Thôn / xóm / tổ dân phố — created by users, local code
    Village,
    /// Tổ liên gia — inter-family group, created by users, local code
    Group,
}

impl Level {
    pub const ALL: [Level; 6] =
        [Level::Country, Level::Province, Level::District, Level::Commune, Level::Village, Level::Group];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Country => "country",
            Level::Province => "province",
            Level::District => "district",
            Level::Commune => "commune",
            Level::Village => "village",
            Level::Group => "group",
        }
    }

    pub fn parse(s: &str) -> Result<Level, Invalid> {
        Level::ALL.into_iter().find(|l| l.as_str() == s).ok_or_else(|| {
            Invalid::new(
                "level",
                format!("Cấp hành chính không hợp lệ: «{s}»"),
                format!("unknown level «{s}»"),
            )
        })
    }

    /// Whether units of this level are created by users (thôn, tổ liên gia) rather than loaded.
    pub fn is_local(self) -> bool {
        matches!(self, Level::Village | Level::Group)
    }

    /// The level a user-created child of this level has, if any.
    pub fn local_child(self) -> Option<Level> {
        match self {
            Level::Commune => Some(Level::Village),
            Level::Village => Some(Level::Group),
            _ => None,
        }
    }
}

/// Mã đơn vị — an official code (2, 3 or 5 digits) or a local code `18322-01`, `18322-01-04`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(s: &str) -> Result<UnitCode, Invalid> {
        let s = s.trim();
        let bad = || {
            Invalid::new(
                "code",
                format!(
                    "Mã đơn vị «{s}» không hợp lệ: cần 2, 3 hoặc 5 chữ số, hoặc mã thôn/tổ dạng 18322-01"
                ),
                format!(
                    "unit code «{s}» is invalid: expected 2, 3 or 5 digits, or a local code like 18322-01"
                ),
            )
        };
        if s == "VN" {
            return Ok(UnitCode(s.to_string()));
        }
        let mut parts = s.split('-');
        let head = parts.next().ok_or_else(bad)?;
        if !head.bytes().all(|b| b.is_ascii_digit()) || ![2, 3, 5].contains(&head.len()) {
            return Err(bad());
        }
        let rest: Vec<&str> = parts.collect();
        if !rest.is_empty() && (head.len() != 5 || rest.len() > 2) {
            return Err(bad());
        }
        if rest.iter().any(|p| p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit())) {
            return Err(bad());
        }
        Ok(UnitCode(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A local code for the `seq`-th child of `parent` (`18322` → `18322-03`).
    pub fn local_child(parent: &str, seq: i64) -> UnitCode {
        UnitCode(format!("{parent}-{seq:02}"))
    }
}

/// A place as a list writes it (địa bàn): its code (`18322-01`) or its name, alone or with its
/// path (`Tổ liên gia số 4 · Thôn Thanh Bình`); the name is resolved against the registry later.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PlaceText(String);

impl PlaceText {
    pub fn parse(s: &str) -> Result<PlaceText, Invalid> {
        let t = s.trim();
        if let Ok(code) = UnitCode::parse(t) {
            return Ok(PlaceText(code.0));
        }
        let name = text::free_text("unit_code", t, 150)?;
        if !name.chars().any(char::is_alphabetic) {
            // Digits and dashes only: a mistyped code, said as such.
            return Err(UnitCode::parse(t).err().unwrap_or_else(|| Invalid::new("unit_code", "", "")));
        }
        Ok(PlaceText(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text is a unit code (else a name to look up).
    pub fn is_code(&self) -> bool {
        UnitCode::parse(&self.0).is_ok()
    }
}

impl TryFrom<String> for UnitCode {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        UnitCode::parse(&s)
    }
}

impl From<UnitCode> for String {
    fn from(c: UnitCode) -> String {
        c.0
    }
}

impl std::fmt::Display for UnitCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One version of an administrative unit, valid on `[valid_from, valid_to)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// Tỉnh, Thành phố, Huyện, Xã, Phường, Thôn, Tổ liên gia …
    pub kind: String,
    pub level: Level,
    pub parent_id: Option<i64>,
    pub path: String,
    pub province_code: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    /// A village that existed before its commune (the 2025 mergers): the old commune it
    /// belonged to until then (xã cũ). `None` for official units and for places that began with
    /// their parent.
    #[serde(default)]
    pub former_parent_id: Option<i64>,
}

impl Unit {
    /// "Xã Kỳ Nam", "Tỉnh Hà Tĩnh"; a name that already starts with its kind ("Tổ liên gia
    /// số 4") is not repeated.
    pub fn full_name(&self) -> String {
        if self.kind.is_empty() || text::fold(&self.name).starts_with(&text::fold(&self.kind)) {
            self.name.clone()
        } else {
            format!("{} {}", self.kind, self.name)
        }
    }

    pub fn valid_on(&self, d: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= d) && self.valid_to.is_none_or(|t| d < t)
    }

    /// Path of a child with row id `id`.
    pub fn child_path(&self, id: i64) -> String {
        format!("{}{id}/", self.path)
    }
}

/// The bounds `[lo, hi)` of every path in the subtree at `path` (itself included), for a
/// range scan: `/0/5/` → (`/0/5/`, `/0/50`), since `0` is the byte after `/`.
pub fn subtree_range(path: &str) -> (String, String) {
    let mut hi = path.trim_end_matches('/').to_string();
    hi.push('0');
    (path.to_string(), hi)
}

/// Whether `path` lies in the subtree rooted at `root` (itself included).
pub fn in_subtree(path: &str, root: &str) -> bool {
    path.starts_with(root)
}

/// Kinds a user may choose for a village-level place.
pub const VILLAGE_KINDS: [&str; 6] = ["Thôn", "Xóm", "Tổ dân phố", "Khu phố", "Bản", "Làng"];
/// Kind of an inter-family group.
pub const GROUP_KIND: &str = "Tổ liên gia";

/// When a village or inter-family group began (có từ), as a form gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceStart {
    /// With its parent (the commune's own start, e.g. 01/07/2025; the village's for a group).
    WithParent,
    /// Before the 2025 reform, the date unknown.
    BeforeReform,
    /// On a known day.
    On(NaiveDate),
}

impl PlaceStart {
    /// `began`: `parent` (default), `before` or `date`; `on`: the day when `date`
    /// (dd/mm/yyyy or yyyy-mm-dd). A day given without a choice means that day.
    pub fn parse(began: Option<&str>, on: Option<&str>) -> Result<PlaceStart, Invalid> {
        let on = on.map(str::trim).filter(|s| !s.is_empty());
        let day = |s: &str| {
            NaiveDate::parse_from_str(s, "%d/%m/%Y")
                .or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d"))
                .map_err(|_| {
                    Invalid::new(
                        "began_on",
                        format!("Ngày «{s}» không đúng dạng ngày/tháng/năm"),
                        format!("«{s}» is not a day (dd/mm/yyyy)"),
                    )
                })
        };
        match began.map(str::trim).unwrap_or("") {
            "" => on.map_or(Ok(PlaceStart::WithParent), |s| day(s).map(PlaceStart::On)),
            "parent" => Ok(PlaceStart::WithParent),
            "before" => Ok(PlaceStart::BeforeReform),
            "date" => match on {
                Some(s) => day(s).map(PlaceStart::On),
                None => Err(Invalid::new(
                    "began_on",
                    "Hãy nhập ngày bắt đầu có (ngày/tháng/năm)",
                    "enter the day it began (dd/mm/yyyy)",
                )),
            },
            other => Err(Invalid::new(
                "began",
                format!("Lựa chọn «{other}» không hợp lệ"),
                format!("«{other}» is not a choice (parent, before, date)"),
            )),
        }
    }
}

/// The old commune a form names for a village (its row id; empty: none).
pub fn parse_former(s: Option<&str>) -> Result<Option<i64>, Invalid> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse::<i64>().map(Some).map_err(|_| {
            Invalid::new(
                "former",
                format!("Xã cũ «{s}» không hợp lệ"),
                format!("old commune «{s}» is not valid"),
            )
        }),
    }
}

/// A village or inter-family group to be created under `parent` (parsed from a form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPlace {
    pub name: String,
    pub kind: String,
    pub level: Level,
}

impl NewPlace {
    /// `parent_level` is the level of the unit it goes under (commune → village, village → group).
    pub fn parse(parent_level: Level, name: &str, kind: Option<&str>) -> Result<NewPlace, Invalid> {
        let level = parent_level.local_child().ok_or_else(|| {
            Invalid::new(
                "parent",
                "Chỉ tạo được thôn dưới xã/phường và tổ liên gia dưới thôn",
                "villages go under a commune and inter-family groups under a village",
            )
        })?;
        let name = place_name(name)?;
        let kind = match level {
            Level::Group => GROUP_KIND.to_string(),
            _ => {
                let k = text::clean(kind.unwrap_or("Thôn"));
                if !VILLAGE_KINDS.contains(&k.as_str()) {
                    return Err(Invalid::new(
                        "kind",
                        format!("Loại «{k}» không hợp lệ; chọn một trong: {}", VILLAGE_KINDS.join(", ")),
                        format!("kind «{k}» is not one of: {}", VILLAGE_KINDS.join(", ")),
                    ));
                }
                k
            }
        };
        Ok(NewPlace { name, kind, level })
    }
}

/// A place name: NFC, trimmed, 1–100 characters, no control characters.
pub fn place_name(raw: &str) -> Result<String, Invalid> {
    let name = text::free_text("name", raw, 100)?;
    if name.is_empty() {
        return Err(Invalid::new("name", "Tên không được để trống", "name must not be empty"));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert!(UnitCode::parse("42").is_ok());
        assert!(UnitCode::parse("436").is_ok());
        assert!(UnitCode::parse("18322").is_ok());
        assert!(UnitCode::parse("18322-01").is_ok());
        assert!(UnitCode::parse("18322-01-04").is_ok());
        assert!(UnitCode::parse("4").is_err());
        assert!(UnitCode::parse("436-01").is_err());
        assert!(UnitCode::parse("18322-01-02-03").is_err());
        assert!(UnitCode::parse("18a22").is_err());
        assert_eq!(UnitCode::local_child("18322", 3).as_str(), "18322-03");
    }

    #[test]
    fn subtree_bounds() {
        let (lo, hi) = subtree_range("/0/5/");
        for p in ["/0/5/", "/0/5/7/", "/0/5/99/12/"] {
            assert!(lo.as_str() <= p && p < hi.as_str(), "{p}");
        }
        for p in ["/0/50/", "/0/4/", "/0/6/", "/0/"] {
            assert!(!(lo.as_str() <= p && p < hi.as_str()), "{p}");
        }
    }

    #[test]
    fn new_place_rules() {
        let v = NewPlace::parse(Level::Commune, "  Thanh  Bình ", Some("Thôn")).unwrap();
        assert_eq!((v.name.as_str(), v.level), ("Thanh Bình", Level::Village));
        let g = NewPlace::parse(Level::Village, "Tổ 4", None).unwrap();
        assert_eq!((g.kind.as_str(), g.level), (GROUP_KIND, Level::Group));
        assert_eq!(NewPlace::parse(Level::Province, "X", None).unwrap_err().field, "parent");
        assert_eq!(NewPlace::parse(Level::Commune, "  ", None).unwrap_err().field, "name");
        assert_eq!(NewPlace::parse(Level::Commune, "A", Some("Phố")).unwrap_err().field, "kind");
    }
}
