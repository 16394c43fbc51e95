//! Administrative units: browse, look up across eras, and user-created villages and groups.

use crate::work::Audited;
use crate::{App, AppError, Result};
use ansinh_domain::unit::{NewPlace, PlaceStart};
use ansinh_domain::{Actor, Level, Permission, Unit, UnitCode, text};
use ansinh_store::{Conn, NewUnit};
use chrono::NaiveDate;
use serde::Serialize;

/// A unit page: the unit, its visible ancestors, its children on a date, and its links across
/// eras.
#[derive(Debug, Serialize)]
pub struct UnitView {
    pub unit: Unit,
    pub ancestors: Vec<Unit>,
    /// Children valid on the date, with how many children each has.
    pub children: Vec<(Unit, i64)>,
    pub successors: Vec<Unit>,
    pub predecessors: Vec<Unit>,
    /// The unit existed on the day shown (else it has no children then: the page points to
    /// its predecessors or successors instead).
    pub exists_on_day: bool,
    /// It had ended by the day shown (else, not existing, it had not begun yet).
    pub ended_by_day: bool,
    /// The old commune a village belonged to before its commune began.
    pub former_parent: Option<Unit>,
    /// Its parent now (not on the day shown).
    pub parent: Option<Unit>,
    /// For a commune: the old communes a village under it may have belonged to (its
    /// predecessors valid before it began), for the "began" form.
    pub former_choices: Vec<Unit>,
    /// The actor may add villages/groups under this unit.
    pub can_add_child: bool,
    /// The actor may rename this unit (user-created units only).
    pub can_rename: bool,
}

/// One old → new link, for `ansinh units successor`.
#[derive(Debug, Serialize)]
pub struct SuccessorLink {
    pub old: Unit,
    pub new: Vec<Unit>,
}

/// Pick, among the versions of a code, the one valid on `on`; failing that the latest.
pub(crate) fn pick_version(versions: Vec<Unit>, on: NaiveDate) -> Option<Unit> {
    let valid: Vec<&Unit> = versions.iter().filter(|u| u.valid_on(on)).collect();
    // Official units win over a local code that happens to be equal (cannot, but be explicit).
    if let Some(u) = valid.iter().min_by_key(|u| u.level) {
        return Some((*u).clone());
    }
    versions.into_iter().max_by_key(|u| u.valid_from)
}

impl App {
    pub(crate) async fn visible_unit(&self, c: &mut Conn<'_>, actor: &Actor, id: i64) -> Result<Unit> {
        let u = c.unit_by_id(id).await?.ok_or(AppError::NotFound)?;
        if !actor.can(Permission::View, &u.path) {
            return Err(AppError::NotFound);
        }
        Ok(u)
    }

    /// The units an actor starts browsing from: the roots of its scope (the country for a
    /// national administrator shows the provinces).
    pub async fn scope_roots(&self, actor: &Actor) -> Result<Vec<Unit>> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let mut out = Vec::new();
        for g in &actor.grants {
            if let Some(u) = c.unit_by_id(g.unit_id).await?
                && !out.iter().any(|o: &Unit| o.id == u.id)
            {
                out.push(u);
            }
        }
        Ok(out)
    }

    /// A unit by code, the version valid on `on` (today when `None`).
    pub async fn unit_by_code(&self, actor: &Actor, code: &str, on: Option<NaiveDate>) -> Result<Unit> {
        let code = UnitCode::parse(code)?;
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let versions: Vec<Unit> = c
            .units_by_code(code.as_str())
            .await?
            .into_iter()
            .filter(|u| actor.can(Permission::View, &u.path))
            .collect();
        pick_version(versions, on.unwrap_or_else(|| self.today())).ok_or(AppError::NotFound)
    }

    /// Children of the unit with `parent` code (the country when `None`), valid on `on`.
    pub async fn list_units(
        &self,
        actor: &Actor,
        parent: Option<&str>,
        on: Option<NaiveDate>,
    ) -> Result<Vec<Unit>> {
        let parent_id = match parent {
            Some(code) => self.unit_by_code(actor, code, on).await?.id,
            None => ansinh_domain::unit::ROOT_ID,
        };
        let on = on.unwrap_or_else(|| self.today());
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        // A unit that did not exist on the day had no children then.
        if let Some(p) = c.unit_by_id(parent_id).await?
            && !p.valid_on(on)
        {
            return Ok(Vec::new());
        }
        let mut kids = c.unit_children(parent_id, Some(on)).await?;
        kids.retain(|u| actor.can(Permission::View, &u.path));
        Ok(kids)
    }

    /// Everything the unit page shows.
    pub async fn unit_view(&self, actor: &Actor, id: i64, on: Option<NaiveDate>) -> Result<UnitView> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let unit = self.visible_unit(&mut c, actor, id).await?;
        let day = on.unwrap_or_else(|| self.today());
        // Every ancestor on the day, named (administrative units are public); the page links
        // only those the viewer may open. A village older than its commune hangs, before the
        // commune began, under the old commune it belonged to.
        let mut ancestors = Vec::new();
        let mut below = unit.clone();
        while let Some(pid) = below.parent_id {
            let Some(mut p) = c.unit_by_id(pid).await? else { break };
            if !p.valid_on(day)
                && let Some(f) = below.former_parent_id
                && let Some(old) = c.unit_by_id(f).await?
                && old.valid_on(day)
            {
                p = old;
            }
            if p.level == Level::Country {
                break;
            }
            ancestors.push(p.clone());
            below = p;
        }
        ancestors.reverse();
        let former_parent = match unit.former_parent_id {
            Some(f) => c.unit_by_id(f).await?,
            None => None,
        };
        let exists_on_day = unit.valid_on(day);
        let ended_by_day = unit.valid_to.is_some_and(|t| t <= day);
        let mut kids = if exists_on_day { c.unit_children(unit.id, on).await? } else { Vec::new() };
        // A unit's own children lie in its subtree; the villages an old commune had then lie
        // under today's commune, which a user scoped to the old one may not see.
        kids.retain(|k| actor.can(Permission::View, &k.path));
        let ids: Vec<i64> = kids.iter().map(|u| u.id).collect();
        let counts = c.child_counts(&ids, on).await?;
        let mut children: Vec<(Unit, i64)> = kids
            .into_iter()
            .map(|u| {
                let n = counts.iter().find(|(id, _)| *id == u.id).map_or(0, |(_, n)| *n);
                (u, n)
            })
            .collect();
        if unit.level >= Level::Commune {
            children.sort_by_key(|(u, _)| text::sort_key(&u.name));
        }
        let successors = c.successors(unit.id).await?;
        let predecessors = c.predecessors(unit.id).await?;
        let manage = actor.can(Permission::ManagePlaces, &unit.path);
        let current = unit.valid_to.is_none_or(|t| t > self.today());
        let parent = match unit.parent_id {
            Some(p) => c.unit_by_id(p).await?,
            None => None,
        };
        let former_choices = match (unit.level, &parent) {
            (Level::Commune, _) => former_choices(&unit, &predecessors),
            (Level::Village, Some(commune)) => former_choices(commune, &c.predecessors(commune.id).await?),
            _ => Vec::new(),
        };
        Ok(UnitView {
            can_add_child: manage && current && unit.level.local_child().is_some(),
            can_rename: manage && unit.level.is_local(),
            unit,
            ancestors,
            children,
            successors,
            predecessors,
            exists_on_day,
            ended_by_day,
            former_parent,
            parent,
            former_choices,
        })
    }

    /// What each version of `code` became (old → new).
    pub async fn successors_of(&self, actor: &Actor, code: &str) -> Result<Vec<SuccessorLink>> {
        let code = UnitCode::parse(code)?;
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let mut out = Vec::new();
        let mut seen_any = false;
        for old in c.units_by_code(code.as_str()).await? {
            if !actor.can(Permission::View, &old.path) {
                continue;
            }
            seen_any = true;
            let new = c.successors(old.id).await?;
            if !new.is_empty() {
                out.push(SuccessorLink { old, new });
            }
        }
        if !seen_any {
            return Err(AppError::NotFound);
        }
        Ok(out)
    }

    /// Units whose name starts with `query` (diacritics ignored), inside the actor's scope.
    pub async fn search_units(&self, actor: &Actor, query: &str, on: Option<NaiveDate>) -> Result<Vec<Unit>> {
        let key = text::fold(&text::free_text("q", query, crate::registry::MAX_QUERY)?);
        if key.is_empty() {
            return Ok(Vec::new());
        }
        let mut r = self.db.read().await?;
        let roots = actor.roots(Permission::View);
        Ok(r.conn().search_units(&key, &roots, on, 30).await?)
    }

    /// Add a village under a commune, or an inter-family group under a village, begun with its
    /// parent.
    pub async fn create_place(
        &self,
        actor: &Actor,
        parent_id: i64,
        name: &str,
        kind: Option<&str>,
    ) -> Result<Unit> {
        self.create_place_begun(actor, parent_id, name, kind, PlaceStart::WithParent, None).await
    }

    /// Add a village or group that began on `start`; a village older than its commune names
    /// the old commune (`former`, one of the commune's predecessors) it belonged to.
    pub async fn create_place_begun(
        &self,
        actor: &Actor,
        parent_id: i64,
        name: &str,
        kind: Option<&str>,
        start: PlaceStart,
        former: Option<i64>,
    ) -> Result<Unit> {
        let mut w = self.write(actor).await?;
        let parent = self.visible_unit(&mut w.conn(), actor, parent_id).await?;
        if !actor.can(Permission::ManagePlaces, &parent.path) {
            return Err(AppError::Forbidden);
        }
        let place = NewPlace::parse(parent.level, name, kind)?;
        if parent.valid_to.is_some_and(|t| t <= self.today()) {
            return Err(AppError::invalid(
                "parent",
                format!(
                    "{} đã hết hiệu lực từ {}; hãy thêm vào đơn vị mới",
                    parent.full_name(),
                    fmt_date(parent.valid_to)
                ),
                format!(
                    "{} ceased to exist on {}; add it under the new unit",
                    parent.full_name(),
                    fmt_date(parent.valid_to)
                ),
            ));
        }
        let siblings = w.conn().unit_children(parent.id, None).await?;
        let key = text::fold(&place.name);
        if let Some(dup) = siblings.iter().find(|s| text::fold(&s.name) == key) {
            return Err(AppError::invalid(
                "name",
                format!("Đã có «{}» (mã {}) trong {}", dup.full_name(), dup.code, parent.full_name()),
                format!("«{}» (code {}) already exists in {}", dup.full_name(), dup.code, parent.full_name()),
            ));
        }
        let (valid_from, former_parent_id) =
            self.resolve_start(&mut w.conn(), &parent, start, former, None).await?;
        let seq = w.conn().next_local_seq(parent.id).await?;
        let code = UnitCode::local_child(&parent.code, seq);
        let unit = w
            .conn()
            .insert_unit(&NewUnit {
                code: code.to_string(),
                name: place.name.clone(),
                name_key: key,
                kind: place.kind.clone(),
                level: place.level,
                parent_id: parent.id,
                parent_path: parent.path.clone(),
                province_code: parent.province_code.clone(),
                valid_from,
                former_parent_id,
            })
            .await?;
        let after = serde_json::json!({
            "code": unit.code, "name": unit.name, "kind": unit.kind, "level": unit.level, "parent": parent.code,
            "valid_from": unit.valid_from, "former_parent_id": unit.former_parent_id,
        });
        w.changed("unit.create", unit.subject(), None, Some(after));
        w.indicators_changed(); // a new or renamed place shows on the dashboards
        w.commit().await?;
        Ok(unit)
    }

    /// Rename a user-created unit (official names come only from the bundled list).
    pub async fn rename_place(&self, actor: &Actor, id: i64, name: &str) -> Result<Unit> {
        let mut w = self.write(actor).await?;
        let mut unit = self.visible_unit(&mut w.conn(), actor, id).await?;
        if !unit.level.is_local() || !actor.can(Permission::ManagePlaces, &unit.path) {
            return Err(AppError::Forbidden);
        }
        let name = ansinh_domain::unit::place_name(name)?;
        if name == unit.name {
            return Ok(unit);
        }
        let before = serde_json::json!({ "name": unit.name });
        w.conn().rename_unit(unit.id, &name, &text::fold(&name)).await?;
        unit.name = name;
        let after = serde_json::json!({ "name": unit.name });
        w.changed("unit.rename", unit.subject(), Some(before), Some(after));
        w.indicators_changed(); // a new or renamed place shows on the dashboards
        w.commit().await?;
        Ok(unit)
    }
}

/// The predecessors of `commune` a village under it may have belonged to: those that existed
/// before it began.
pub(crate) fn former_choices(commune: &Unit, predecessors: &[Unit]) -> Vec<Unit> {
    let Some(began) = commune.valid_from else { return Vec::new() };
    predecessors
        .iter()
        .filter(|p| p.level == Level::Commune && p.valid_from.is_none_or(|f| f < began))
        .cloned()
        .collect()
}

/// `a` starts before `b` (no date: before the reform, earlier than any date).
fn starts_before(a: Option<NaiveDate>, b: Option<NaiveDate>) -> bool {
    match (a, b) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(x), Some(y)) => x < y,
    }
}

fn began_text(d: Option<NaiveDate>) -> (String, String) {
    match d {
        Some(d) => (d.format("%d/%m/%Y").to_string(), d.format("%d/%m/%Y").to_string()),
        None => ("trước cải cách (không rõ ngày)".into(), "before the reform (day unknown)".into()),
    }
}

impl App {
    /// The start day and old commune of a place under `parent` (`place`: the one being changed).
    async fn resolve_start(
        &self,
        c: &mut Conn<'_>,
        parent: &Unit,
        start: PlaceStart,
        former: Option<i64>,
        place: Option<&Unit>,
    ) -> Result<(Option<NaiveDate>, Option<i64>)> {
        let day = match start {
            PlaceStart::WithParent => parent.valid_from,
            PlaceStart::BeforeReform => None,
            PlaceStart::On(d) => Some(d),
        };
        if let Some(d) = day
            && d > self.today()
        {
            return Err(AppError::invalid(
                "began_on",
                format!("Ngày bắt đầu có ({}) không được sau hôm nay", d.format("%d/%m/%Y")),
                format!("the day it began ({}) cannot be after today", d.format("%d/%m/%Y")),
            ));
        }
        // Its own groups cannot be older than it (those that began with it follow it).
        if let Some(place) = place {
            for k in c.unit_children(place.id, None).await? {
                if k.valid_from != place.valid_from && starts_before(k.valid_from, day) {
                    let (vi, en) = began_text(k.valid_from);
                    return Err(AppError::invalid(
                        "began_on",
                        format!("{} có từ {vi}, trước ngày này; hãy sửa ngày của tổ trước", k.full_name()),
                        format!(
                            "{} began {en}, before this day; change the group's day first",
                            k.full_name()
                        ),
                    ));
                }
            }
        }
        if !starts_before(day, parent.valid_from) {
            return Ok((day, None));
        }
        let (pvi, pen) = began_text(parent.valid_from);
        if parent.level != Level::Commune {
            return Err(AppError::invalid(
                "began_on",
                format!("{} chỉ có từ {pvi}; tổ không thể có trước thôn", parent.full_name()),
                format!("{} began {pen}; a group cannot be older than its village", parent.full_name()),
            ));
        }
        // A village older than its commune belonged to one of the old communes it was formed of.
        let choices = former_choices(parent, &c.predecessors(parent.id).await?);
        let names = || {
            choices.iter().map(|u| format!("{} ({})", u.full_name(), u.code)).collect::<Vec<_>>().join(", ")
        };
        let old = match (former, choices.as_slice()) {
            (_, []) => {
                return Err(AppError::invalid(
                    "began_on",
                    format!(
                        "{} có từ {pvi} và không hình thành từ xã nào; thôn không thể có trước ngày đó",
                        parent.full_name()
                    ),
                    format!(
                        "{} began {pen} and was formed of no other commune; a village cannot be older",
                        parent.full_name()
                    ),
                ));
            }
            (Some(id), _) => choices.iter().find(|u| u.id == id).ok_or_else(|| {
                AppError::invalid(
                    "former",
                    format!("Xã cũ phải là một trong các xã hợp thành {}: {}", parent.full_name(), names()),
                    format!(
                        "the old commune must be one of those {} was formed of: {}",
                        parent.full_name(),
                        names()
                    ),
                )
            })?,
            (None, [only]) => only,
            (None, _) => {
                return Err(AppError::invalid(
                    "former",
                    format!("Trước {pvi} thôn thuộc xã cũ nào? Chọn một trong: {}", names()),
                    format!("which old commune did it belong to before {pen}? One of: {}", names()),
                ));
            }
        };
        if let Some(d) = day
            && !old.valid_on(d)
        {
            return Err(AppError::invalid(
                "began_on",
                format!("Ngày {} {} không còn hoặc chưa có", d.format("%d/%m/%Y"), old.full_name()),
                format!("{} did not exist on {}", old.full_name(), d.format("%d/%m/%Y")),
            ));
        }
        Ok((day, Some(old.id)))
    }

    /// Say when a user-created place really began (and, for a village older than its commune,
    /// the old commune it belonged to), so the tree on an earlier day shows it.
    pub async fn set_place_start(
        &self,
        actor: &Actor,
        id: i64,
        start: PlaceStart,
        former: Option<i64>,
    ) -> Result<Unit> {
        let mut w = self.write(actor).await?;
        let mut unit = self.visible_unit(&mut w.conn(), actor, id).await?;
        if !unit.level.is_local() || !actor.can(Permission::ManagePlaces, &unit.path) {
            return Err(AppError::Forbidden);
        }
        let parent =
            w.conn().unit_by_id(unit.parent_id.unwrap_or_default()).await?.ok_or(AppError::NotFound)?;
        let (valid_from, former_parent_id) =
            self.resolve_start(&mut w.conn(), &parent, start, former, Some(&unit)).await?;
        if (valid_from, former_parent_id) == (unit.valid_from, unit.former_parent_id) {
            return Ok(unit);
        }
        let before =
            serde_json::json!({ "valid_from": unit.valid_from, "former_parent_id": unit.former_parent_id });
        let before_from = unit.valid_from;
        w.conn().set_unit_start(unit.id, valid_from, former_parent_id).await?;
        unit.valid_from = valid_from;
        unit.former_parent_id = former_parent_id;
        let after =
            serde_json::json!({ "valid_from": unit.valid_from, "former_parent_id": unit.former_parent_id });
        w.changed("unit.start", unit.subject(), Some(before), Some(after));
        // Its groups that began with it begin with it still.
        for k in w.conn().unit_children(unit.id, None).await? {
            if k.valid_from == before_from && k.valid_from != valid_from {
                w.conn().set_unit_start(k.id, valid_from, None).await?;
                let b = serde_json::json!({ "valid_from": k.valid_from, "former_parent_id": null });
                let a = serde_json::json!({ "valid_from": valid_from, "former_parent_id": null });
                w.changed("unit.start", k.subject(), Some(b), Some(a));
            }
        }
        w.indicators_changed();
        w.commit().await?;
        Ok(unit)
    }
}

fn fmt_date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default()
}
