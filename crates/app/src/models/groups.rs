//! Tổ liên gia 100 % — for each village and inter-family group: its working-age workers, how
//! many are insured (VSI paid through today, or compulsory SI in force), the rate, and the named
//! list of those not yet insured with their last visit. The day a group (or village) first
//! reaches 100 % is kept, also when it later drops; it is written by the change that made it
//! (a payment, a void, a list import), in that change's transaction.

use super::*;
use crate::registry::working_age_bounds;
use crate::work::Work;
use ansinh_domain::unit::subtree_range;
use ansinh_store::{UninsuredRow, UnitCoverage, VisitRow};

/// Most uninsured workers listed on one page.
pub const UNINSURED_LIMIT: i64 = 1000;

/// A village or group line.
#[derive(Debug, Clone, Serialize)]
pub struct GroupLine {
    pub unit: Unit,
    pub workers: i64,
    pub insured: i64,
    /// Insured / workers, in percent (one decimal).
    pub rate: f64,
    /// The first day at 100 %.
    pub reached_on: Option<NaiveDate>,
    /// When it last dropped below 100 % after reaching it.
    pub dropped_on: Option<NaiveDate>,
}

impl GroupLine {
    pub fn remaining(&self) -> i64 {
        self.workers - self.insured
    }
    pub fn full(&self) -> bool {
        self.workers > 0 && self.insured >= self.workers
    }
}

/// A worker not yet insured, with the last visit.
#[derive(Debug, Clone, Serialize)]
pub struct UninsuredItem {
    pub person: UninsuredRow,
    pub place: String,
    pub last_visit: Option<VisitRow>,
}

/// The 100 %-group view of a commune or village.
#[derive(Debug, Clone, Serialize)]
pub struct GroupsView {
    pub unit: Unit,
    pub total: GroupLine,
    /// Villages, each followed by its groups.
    pub lines: Vec<GroupLine>,
    pub uninsured: Vec<UninsuredItem>,
    /// More uninsured workers than listed.
    pub truncated: bool,
}

fn line(unit: Unit, workers: i64, insured: i64, m: Option<&ansinh_store::MilestoneRow>) -> GroupLine {
    let rate = if workers > 0 { (insured as f64 * 1000.0 / workers as f64).round() / 10.0 } else { 0.0 };
    GroupLine {
        unit,
        workers,
        insured,
        rate,
        reached_on: m.map(|m| m.reached_on),
        dropped_on: m.and_then(|m| m.dropped_on),
    }
}

pub(crate) use crate::picker::place_names;

/// Sum the per-unit coverage over each unit's subtree.
fn subtree_sum(cov: &[UnitCoverage], paths: &HashMap<i64, String>, root: &str) -> (i64, i64) {
    cov.iter()
        .filter(|c| paths.get(&c.unit_id).is_some_and(|p| in_subtree(p, root)))
        .fold((0, 0), |(w, i), c| (w + c.workers, i + c.insured))
}

impl App {
    /// The 100 %-group view of the unit `unit_id` (a commune, a village or a group).
    pub async fn full_groups(&self, actor: &Actor, unit_id: i64) -> Result<GroupsView> {
        let today = self.today();
        let bounds = working_age_bounds(&self.params(), today)?;
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let unit = c.unit_by_id(unit_id).await?.ok_or(AppError::NotFound)?;
        if !actor.can(Permission::View, &unit.path) {
            return Err(AppError::NotFound);
        }
        if unit.level < Level::Commune {
            return Err(AppError::invalid(
                "unit",
                "Chọn một xã, thôn hoặc tổ liên gia",
                "choose a commune, village or inter-family group",
            ));
        }
        let (lo, hi) = subtree_range(&unit.path);
        let cov = c.coverage_by_unit(&lo, &hi, today, bounds).await?;
        let milestones = c.milestones_under(&lo, &hi).await?;
        // Villages and groups below, in order.
        let mut places: Vec<Unit> = Vec::new();
        let mut stack = vec![unit.clone()];
        while let Some(u) = stack.pop() {
            let mut kids = c.unit_children(u.id, None).await?;
            kids.sort_by(|a, b| b.path.cmp(&a.path));
            for k in kids.into_iter().filter(|k| k.level.is_local()) {
                stack.push(k.clone());
                places.push(k);
            }
        }
        places.sort_by(|a, b| a.path.cmp(&b.path));
        let mut paths: HashMap<i64, String> = places.iter().map(|u| (u.id, u.path.clone())).collect();
        paths.insert(unit.id, unit.path.clone());
        let ms = |id: i64| milestones.iter().find(|m| m.unit_id == id);
        let (tw, ti) = cov.iter().fold((0, 0), |(w, i), c| (w + c.workers, i + c.insured));
        let total = line(unit.clone(), tw, ti, ms(unit.id));
        let lines = places
            .into_iter()
            .map(|u| {
                let (w, i) = subtree_sum(&cov, &paths, &u.path);
                let m = ms(u.id);
                line(u, w, i, m)
            })
            .collect();
        let mut list = c.uninsured_workers(&lo, &hi, today, bounds, UNINSURED_LIMIT + 1).await?;
        let truncated = list.len() as i64 > UNINSURED_LIMIT;
        list.truncate(UNINSURED_LIMIT as usize);
        let ids: Vec<i64> = list.iter().map(|p| p.person_id).collect();
        let visits = c.visits_of_persons(&ids).await?;
        let unit_ids: Vec<i64> = list.iter().map(|p| p.unit_id).collect();
        let places = place_names(&mut c, &unit_ids, false).await?;
        let uninsured = list
            .into_iter()
            .map(|p| {
                let last_visit = visits
                    .iter()
                    .filter(|v| v.person_id == Some(p.person_id))
                    .max_by_key(|v| (v.visited_on, v.id))
                    .cloned();
                let place = places.get(&p.unit_id).cloned().unwrap_or_default();
                UninsuredItem { person: p, place, last_visit }
            })
            .collect();
        Ok(GroupsView { unit, total, lines, uninsured, truncated })
    }

    /// Mark or un-mark 100 % for the groups and villages the persons at `paths` live in (the
    /// local units on each path), as the current transaction leaves them. Called by every
    /// change of who is insured, with the places of the persons it changed: only the units
    /// holding them can change state. Each unit is settled by the first uninsured worker found
    /// in it (not full) or, failing that, by counting its workers (full).
    pub(crate) async fn refresh_full_groups(&self, w: &mut Work<'_>, paths: &[String]) -> Result<()> {
        if paths.is_empty() {
            return Ok(());
        }
        let today = self.today();
        let bounds = working_age_bounds(&self.params(), today)?;
        let mut ids: Vec<i64> = paths
            .iter()
            .flat_map(|p| {
                p.trim_matches('/').split('/').filter_map(|s| s.parse::<i64>().ok()).collect::<Vec<_>>()
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let units: Vec<Unit> =
            w.conn().units_by_ids(&ids).await?.into_iter().filter(|u| u.level.is_local()).collect();
        let now = w.now();
        for u in &units {
            let (lo, hi) = subtree_range(&u.path);
            match w.conn().full_workers(&lo, &hi, today, bounds).await? {
                Some(workers) => {
                    if w.conn().mark_full(u.id, &u.path, today, workers, now).await? {
                        w.event("group.full", u.subject());
                    }
                }
                None => {
                    if w.conn().mark_dropped(u.id, today).await? {
                        w.event("group.dropped", u.subject());
                    }
                }
            }
        }
        Ok(())
    }
}
