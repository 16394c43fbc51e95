//! Places by name or code: what the one place picker offers while a user types, and how a typed
//! place («Thanh Bình», «tổ 4 Thanh Bình», «Thôn Thanh Bình · Xã Mai Hoa», «18322-01», or the
//! picker's own «… (18322-01)») resolves to one unit in the user's scope — or why it does not.

use crate::{App, AppError, Result};
use ansinh_domain::{Actor, Level, Permission, Unit, UnitCode, text};
use ansinh_store::Conn;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;

/// A place with enough of its path to be told apart from others of the same name.
#[derive(Debug, Clone, Serialize)]
pub struct PlaceMatch {
    pub unit: Unit,
    /// «Tổ liên gia số 5 · Thôn Thanh Bình · Xã Mai Hoa»
    pub label: String,
}

impl PlaceMatch {
    /// What the picker writes into a field: the label and the code, which resolves back exactly.
    pub fn value(&self) -> String {
        format!("{} ({})", self.label, self.unit.code)
    }
}

/// What a picker is for: which places it may offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceUse {
    /// Filtering lists: any place the user sees.
    View,
    /// Where a person lives: a current commune, village or group the user may register people in.
    Residence,
    /// A user's scope: any unit where the actor manages users.
    UserScope,
    /// The commune a community model belongs to: a commune where the actor runs models.
    ModelCommune,
    /// Narrowing a collector's lists: a commune, village or group where the actor collects.
    Collect,
}

impl PlaceUse {
    pub fn parse(s: &str) -> PlaceUse {
        match s {
            "residence" => PlaceUse::Residence,
            "users" => PlaceUse::UserScope,
            "model-commune" => PlaceUse::ModelCommune,
            "collect" => PlaceUse::Collect,
            _ => PlaceUse::View,
        }
    }

    fn permission(self) -> Permission {
        match self {
            PlaceUse::View => Permission::View,
            PlaceUse::Residence => Permission::EditPeople,
            PlaceUse::UserScope => Permission::ManageUsers,
            PlaceUse::ModelCommune => Permission::ManageModels,
            PlaceUse::Collect => Permission::Collect,
        }
    }

    fn offers(self, u: &Unit) -> bool {
        match self {
            PlaceUse::Residence | PlaceUse::Collect => {
                matches!(u.level, Level::Commune | Level::Village | Level::Group)
            }
            PlaceUse::ModelCommune => u.level == Level::Commune,
            _ => u.level != Level::Country,
        }
    }
}

/// Words of a typed place, folded; separators of a written path («·», «,», «/») are spaces.
fn words(q: &str) -> Vec<String> {
    let cleaned: String = q.chars().map(|c| if "·,;/|>›".contains(c) { ' ' } else { c }).collect();
    text::fold(&cleaned).split(' ').filter(|w| !w.is_empty()).take(12).map(str::to_string).collect()
}

/// The code a typed place carries: the whole text, or the trailing «(code)» the picker wrote.
pub(crate) fn code_in(q: &str) -> Option<UnitCode> {
    let t = q.trim();
    if let Ok(c) = UnitCode::parse(t) {
        return Some(c);
    }
    let inner = t.strip_suffix(')')?.rsplit_once('(')?.1;
    UnitCode::parse(inner).ok()
}

/// The unit's name, with or without its kind, is exactly these words.
fn named_exactly(u: &Unit, key: &str) -> bool {
    text::fold(&u.name) == key || text::fold(&u.full_name()) == key
}

/// The words appear in order, each a whole word, in the unit's full name («tổ 4» in «Tổ liên gia
/// số 4», never in «Tổ liên gia số 14»).
fn named_loosely(u: &Unit, run: &[String]) -> bool {
    let full = text::fold(&u.full_name());
    let mut have = full.split(' ');
    run.iter().all(|w| have.any(|h| h == w))
}

impl App {
    /// Units named exactly by `run` (with or without their kind word(s) in front) in `roots`.
    async fn named(
        &self,
        c: &mut Conn<'_>,
        run: &[String],
        roots: &[String],
        on: NaiveDate,
    ) -> Result<Vec<Unit>> {
        let key = run.join(" ");
        let mut out: Vec<Unit> = Vec::new();
        // «Xã Mai Hoa», «Thôn Thanh Bình», «Tổ liên gia số 4»: up to three leading kind words.
        for k in 0..run.len().min(4) {
            for u in c.units_named(&run[k..].join(" "), roots, Some(on), 60).await? {
                if named_exactly(&u, &key) && !out.iter().any(|o| o.id == u.id) {
                    out.push(u);
                }
            }
        }
        Ok(out)
    }

    /// The units the words name inside `roots`: the whole text as one name; else the longest run
    /// of last words names places and the words before it a place inside them (written lowest
    /// first: «tổ 4 Thanh Bình», «Thanh Bình Mai Hoa»).
    async fn named_path(
        &self,
        c: &mut Conn<'_>,
        run: &[String],
        roots: &[String],
        on: NaiveDate,
        depth: usize,
    ) -> Result<Vec<Unit>> {
        if run.is_empty() || depth > 4 {
            return Ok(Vec::new());
        }
        let whole = self.named(c, run, roots, on).await?;
        if !whole.is_empty() {
            return Ok(whole);
        }
        for split in 1..run.len() {
            let anchors = self.named(c, &run[split..], roots, on).await?;
            if anchors.is_empty() {
                continue;
            }
            let rest = &run[..split];
            let mut found: Vec<Unit> = Vec::new();
            for a in &anchors {
                let inner =
                    Box::pin(self.named_path(c, rest, std::slice::from_ref(&a.path), on, depth + 1)).await?;
                found.extend(inner.into_iter().filter(|u| u.id != a.id));
            }
            if found.is_empty() {
                for a in &anchors {
                    let kids = c.unit_children(a.id, Some(on)).await?;
                    found.extend(kids.into_iter().filter(|k| named_loosely(k, rest)));
                }
            }
            found.sort_by_key(|u| u.id);
            found.dedup_by_key(|u| u.id);
            return Ok(found);
        }
        Ok(Vec::new())
    }

    /// Labels for units: a list's place names with the commune ([`place_names`]); a commune or
    /// larger unit with the one above it («Xã Mai Hoa · Tỉnh Hà Tĩnh»).
    pub(crate) async fn place_labels(&self, c: &mut Conn<'_>, units: Vec<Unit>) -> Result<Vec<PlaceMatch>> {
        let ids: Vec<i64> = units.iter().map(|u| u.id).collect();
        let mut names = place_names(c, &ids, true).await?;
        let parent_ids: Vec<i64> =
            units.iter().filter(|u| u.level <= Level::Commune).filter_map(|u| u.parent_id).collect();
        let parents: HashMap<i64, Unit> = c
            .units_by_ids(&parent_ids)
            .await?
            .into_iter()
            .filter(|p| p.level != Level::Country)
            .map(|p| (p.id, p))
            .collect();
        Ok(units
            .into_iter()
            .map(|u| {
                let mut label = names.remove(&u.id).unwrap_or_else(|| u.full_name());
                if u.level <= Level::Commune
                    && let Some(p) = u.parent_id.and_then(|id| parents.get(&id))
                {
                    label = format!("{label} · {}", p.full_name());
                }
                PlaceMatch { label, unit: u }
            })
            .collect())
    }

    /// What the picker offers for the typed text: the places it names, then places whose name
    /// starts with it (as one types «Thanh Bì…»), at most `limit`, each with its path.
    pub async fn pick_places(
        &self,
        actor: &Actor,
        q: &str,
        purpose: PlaceUse,
        limit: usize,
    ) -> Result<Vec<PlaceMatch>> {
        let q = text::free_text("q", q, crate::registry::MAX_QUERY)?;
        let run = words(&q);
        if run.is_empty() {
            return Ok(Vec::new());
        }
        let roots = actor.roots(purpose.permission());
        if roots.is_empty() {
            return Ok(Vec::new());
        }
        let on = self.today();
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let mut units: Vec<Unit> = Vec::new();
        if let Some(code) = code_in(&q) {
            units.extend(c.units_by_code(code.as_str()).await?.into_iter().filter(|u| u.valid_on(on)));
        }
        units.extend(self.named_path(&mut c, &run, &roots, on, 0).await?);
        units.extend(c.search_units(&run.join(" "), &roots, Some(on), 40).await?);
        if units.is_empty() && run.len() >= 2 {
            // Still typing the place above («tổ 2 Thanh» on the way to «tổ 2 Thanh Bình»): the
            // last words as the first letters of the anchor's name, the rest named inside it.
            for split in 1..run.len() {
                let anchors = c.search_units(&run[split..].join(" "), &roots, Some(on), 10).await?;
                for a in &anchors {
                    let rest = &run[..split];
                    let inner = self.named_path(&mut c, rest, std::slice::from_ref(&a.path), on, 1).await?;
                    if inner.iter().any(|u| u.id != a.id) {
                        units.extend(inner.into_iter().filter(|u| u.id != a.id));
                    } else {
                        let kids = c.unit_children(a.id, Some(on)).await?;
                        units.extend(kids.into_iter().filter(|k| named_loosely(k, rest)));
                    }
                }
                if !units.is_empty() {
                    break;
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        units.retain(|u| purpose.offers(u) && actor.can(purpose.permission(), &u.path) && seen.insert(u.id));
        units.truncate(limit);
        self.place_labels(&mut c, units).await
    }

    /// Several places typed in one field: separated by «;» or new lines (as the picker writes
    /// them), or a list of codes separated by commas or spaces (`18322-01, 18322-02`). Each is
    /// resolved as [`Self::place_from_text`]; every one that fails is an error on `field`.
    pub async fn places_from_text(
        &self,
        actor: &Actor,
        q: &str,
        purpose: PlaceUse,
        field: &str,
    ) -> Result<Vec<Unit>> {
        let mut items: Vec<String> = Vec::new();
        for piece in q.split([';', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
            let tokens: Vec<&str> = piece.split([',', ' ', '\t', '\r']).filter(|t| !t.is_empty()).collect();
            if tokens.iter().all(|t| UnitCode::parse(t).is_ok()) {
                items.extend(tokens.iter().map(|t| t.to_string()));
            } else {
                items.push(piece.to_string());
            }
        }
        if items.len() > 200 {
            return Err(AppError::invalid(field, "Tối đa 200 địa bàn", "at most 200 places"));
        }
        let mut out: Vec<Unit> = Vec::new();
        let mut errors = Vec::new();
        for item in &items {
            match self.place_from_text(actor, item, purpose, field).await {
                Ok(u) if !out.iter().any(|o| o.id == u.id) => out.push(u),
                Ok(_) => {}
                Err(AppError::Invalid(list)) => errors.extend(list),
                Err(e) => return Err(e),
            }
        }
        if errors.is_empty() { Ok(out) } else { Err(AppError::Invalid(errors)) }
    }

    /// The one unit a typed place names (by code or by name), for `purpose`, valid today. None
    /// found, or several, is an error on `field` that says so and lists the candidates.
    pub async fn place_from_text(
        &self,
        actor: &Actor,
        q: &str,
        purpose: PlaceUse,
        field: &str,
    ) -> Result<Unit> {
        let typed = q.trim();
        if typed.is_empty() {
            return Err(AppError::invalid(field, "Cần chọn một địa bàn", "choose a place"));
        }
        let unknown = || {
            AppError::invalid(
                field,
                format!(
                    "Không tìm thấy địa bàn «{typed}» trong phạm vi của bạn; gõ tên (ví dụ «Thanh Bình») hoặc mã (ví dụ 18322-01)"
                ),
                format!(
                    "no place «{typed}» in your scope; type a name (e.g. «Thanh Bình») or a code (e.g. 18322-01)"
                ),
            )
        };
        if let Some(code) = code_in(typed) {
            // A code resolves among the places the user sees; what they may do there is the
            // caller's check (a clear «forbidden» rather than «not found»).
            return match self.unit_by_code(actor, code.as_str(), None).await {
                Ok(u) => Ok(u),
                Err(AppError::NotFound) | Err(AppError::Invalid(_)) => Err(unknown()),
                Err(e) => Err(e),
            };
        }
        let run = words(&text::free_text(field, typed, crate::registry::MAX_QUERY)?);
        let roots = actor.roots(purpose.permission());
        if run.is_empty() || roots.is_empty() {
            return Err(unknown());
        }
        let on = self.today();
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let mut found = self.named_path(&mut c, &run, &roots, on, 0).await?;
        found.retain(|u| purpose.offers(u) && actor.can(purpose.permission(), &u.path));
        // Typed with its tone marks, a name tells «Thanh Bình» from «Thạnh Bình».
        if found.len() > 1 {
            let typed_lower = typed.to_lowercase();
            let exact: Vec<Unit> =
                found.iter().filter(|u| typed_lower.contains(&u.name.to_lowercase())).cloned().collect();
            if !exact.is_empty() {
                found = exact;
            }
        }
        match found.len() {
            0 => Err(unknown()),
            1 => Ok(found.remove(0)),
            n => {
                let shown: Vec<String> = self
                    .place_labels(&mut c, found.into_iter().take(5).collect())
                    .await?
                    .iter()
                    .map(|m| format!("{} ({})", m.label, m.unit.code))
                    .collect();
                let list = shown.join("; ");
                Err(AppError::invalid(
                    field,
                    format!(
                        "«{typed}» có {n} nơi trùng tên: {list}. Hãy chọn một trong danh sách gợi ý hoặc gõ mã"
                    ),
                    format!(
                        "«{typed}» names {n} places: {list}. Pick one of the suggestions or type its code"
                    ),
                ))
            }
        }
    }
}

/// The names people know places by in a list: «Tổ liên gia số 1 · Thôn Thanh Bình» for a group
/// (its number means little without its village), the full name for anything else; with
/// `with_commune`, the commune after a village or group too (for a list that spans communes).
pub(crate) async fn place_names(
    c: &mut Conn<'_>,
    unit_ids: &[i64],
    with_commune: bool,
) -> Result<HashMap<i64, String>> {
    let mut ids = unit_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let units = c.units_by_ids(&ids).await?;
    let mut above: Vec<i64> = units
        .iter()
        .filter(|u| u.level > Level::Commune)
        .flat_map(|u| u.path.trim_matches('/').split('/').filter_map(|s| s.parse::<i64>().ok()))
        .collect();
    above.sort_unstable();
    above.dedup();
    let by_id: HashMap<i64, Unit> = c.units_by_ids(&above).await?.into_iter().map(|u| (u.id, u)).collect();
    Ok(units
        .iter()
        .map(|u| {
            let mut parts = vec![u.full_name()];
            if u.level > Level::Commune {
                for id in u.path.trim_matches('/').split('/').rev().filter_map(|s| s.parse::<i64>().ok()) {
                    let Some(a) = by_id.get(&id).filter(|a| a.id != u.id) else { continue };
                    if a.level == Level::Village || (with_commune && a.level == Level::Commune) {
                        parts.push(a.full_name());
                    }
                    if a.level <= Level::Commune {
                        break;
                    }
                }
            }
            (u.id, parts.join(" · "))
        })
        .collect())
}
