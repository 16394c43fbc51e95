//! Administrative units: browse, look up across eras, and user-created villages and groups.

use crate::work::Audited;
use crate::{App, AppError, Result};
use ansinh_domain::unit::NewPlace;
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
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let mut kids = c.unit_children(parent_id, Some(on.unwrap_or_else(|| self.today()))).await?;
        kids.retain(|u| actor.can(Permission::View, &u.path));
        Ok(kids)
    }

    /// Everything the unit page shows.
    pub async fn unit_view(&self, actor: &Actor, id: i64, on: Option<NaiveDate>) -> Result<UnitView> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let unit = self.visible_unit(&mut c, actor, id).await?;
        let mut ancestors = Vec::new();
        for seg in unit.path.trim_matches('/').split('/') {
            let Ok(aid) = seg.parse::<i64>() else { continue };
            if aid == unit.id {
                continue;
            }
            // Every ancestor, named (administrative units are public); the page links only those
            // the viewer may open.
            if let Some(a) = c.unit_by_id(aid).await?
                && a.level != Level::Country
            {
                ancestors.push(a);
            }
        }
        let kids = c.unit_children(unit.id, on).await?;
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
        Ok(UnitView {
            can_add_child: manage && current && unit.level.local_child().is_some(),
            can_rename: manage && unit.level.is_local(),
            unit,
            ancestors,
            children,
            successors,
            predecessors,
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

    /// Add a village under a commune, or an inter-family group under a village.
    pub async fn create_place(
        &self,
        actor: &Actor,
        parent_id: i64,
        name: &str,
        kind: Option<&str>,
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
                valid_from: Some(self.today()),
            })
            .await?;
        let after = serde_json::json!({
            "code": unit.code, "name": unit.name, "kind": unit.kind, "level": unit.level, "parent": parent.code
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

fn fmt_date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default()
}
