//! Derived counts per unit (residents, households), kept by the unit of work in the same
//! transaction as each change ([`crate::work::Derived`]), and their check: a recount from the
//! records with plain `GROUP BY`s must agree, unit by unit.

use crate::work::Subject;
use crate::{App, Result};
use ansinh_domain::Actor;
use ansinh_domain::unit::ROOT_PATH;
use ansinh_store::UnitCount;
use serde::Serialize;
use std::collections::BTreeMap;

/// A unit whose kept count differs from the recount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountDifference {
    pub unit_id: i64,
    /// (persons, households) as kept.
    pub kept: Pair,
    /// (persons, households) recounted from the records.
    pub recounted: Pair,
}

/// (persons, households) of one unit.
type Pair = (i64, i64);

fn differences(kept: &[UnitCount], recounted: &[UnitCount]) -> Vec<CountDifference> {
    let mut by_unit: BTreeMap<i64, (Pair, Pair)> = BTreeMap::new();
    for u in kept {
        by_unit.entry(u.unit_id).or_default().0 = (u.persons, u.households);
    }
    for u in recounted {
        by_unit.entry(u.unit_id).or_default().1 = (u.persons, u.households);
    }
    by_unit
        .into_iter()
        .filter(|(_, (k, r))| k != r)
        .map(|(unit_id, (kept, recounted))| CountDifference { unit_id, kept, recounted })
        .collect()
}

impl App {
    /// Recount from the records and compare with the kept counts; empty when they agree.
    pub async fn verify_counts(&self) -> Result<Vec<CountDifference>> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let kept = c.stored_unit_counts().await?;
        let recounted = c.recount_units().await?;
        Ok(differences(&kept, &recounted))
    }

    /// Replace the kept counts by a recount; returns what differed before (audited).
    pub async fn rebuild_counts(&self, actor: &Actor) -> Result<Vec<CountDifference>> {
        let mut w = self.write(actor).await?;
        let kept = w.conn().stored_unit_counts().await?;
        let recounted = w.conn().recount_units().await?;
        let diff = differences(&kept, &recounted);
        w.conn().replace_unit_counts(&recounted).await?;
        let after = serde_json::json!({ "units": recounted.len(), "differences": diff.len() });
        w.changed("indicators.rebuild", Subject::new("unit_counts", "*", "00", ROOT_PATH), None, Some(after));
        w.commit().await?;
        Ok(diff)
    }
}
