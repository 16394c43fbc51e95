//! Keeping the coverage series live: the unit of work refreshes the spans of every person a
//! change touched, in the change's own transaction, and adds the difference to the deltas of
//! the person's unit and every unit above it. The rebuild recomputes everything the same way.

use super::spans::{RetirementCache, spans_of_all};
use crate::work::Subject;
use crate::{App, Result};
use ansinh_domain::Actor;
use ansinh_domain::unit::ROOT_PATH;
use ansinh_rules::ParamSet;
use ansinh_store::{Conn, DeltaRow, SpanRow};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Unit ids on a path, root first: "/0/28/123/" → [0, 28, 123].
pub(crate) fn ancestors(path: &str) -> impl Iterator<Item = i64> + '_ {
    path.split('/').filter(|s| !s.is_empty()).filter_map(|s| s.parse().ok())
}

/// Add the deltas of `spans` (times `sign`) at each span's unit and its ancestors.
fn push_deltas(out: &mut Vec<DeltaRow>, spans: &[SpanRow], sign: i64, paths: &HashMap<i64, String>) {
    for s in spans {
        let Some(path) = paths.get(&s.unit_id) else { continue };
        let end = s.to_month.and_then(super::spans::month_of).map(|m| super::spans::key(m.add(1)));
        for unit_id in ancestors(path) {
            out.push(DeltaRow { unit_id, series: s.series.clone(), month: s.from_month, delta: sign });
            if let Some(end) = end {
                out.push(DeltaRow { unit_id, series: s.series.clone(), month: end, delta: -sign });
            }
        }
    }
}

async fn paths_of(c: &mut Conn<'_>, unit_ids: impl Iterator<Item = i64>) -> Result<HashMap<i64, String>> {
    let mut ids: Vec<i64> = unit_ids.collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(c.units_by_ids(&ids).await?.into_iter().map(|u| (u.id, u.path)).collect())
}

/// Refresh the spans of `ids` and apply what changed (inside the caller's transaction);
/// `true` if anything did.
pub(crate) async fn refresh(
    c: &mut Conn<'_>,
    ids: &[i64],
    params: &ParamSet,
    today: NaiveDate,
) -> Result<bool> {
    let (persons, parts, lines) = c.coverage_inputs(ids).await?;
    let mut new = spans_of_all(&persons, &parts, &lines, params, today, &mut RetirementCache::default());
    let mut old = c.spans_of(ids).await?;
    new.sort();
    old.sort();
    if new == old {
        return Ok(false);
    }
    let changed: Vec<i64> = {
        let mut by: BTreeMap<i64, (Vec<&SpanRow>, Vec<&SpanRow>)> = BTreeMap::new();
        for s in &old {
            by.entry(s.person_id).or_default().0.push(s);
        }
        for s in &new {
            by.entry(s.person_id).or_default().1.push(s);
        }
        by.into_iter().filter(|(_, (o, n))| o != n).map(|(id, _)| id).collect()
    };
    let old: Vec<SpanRow> = old.into_iter().filter(|s| changed.binary_search(&s.person_id).is_ok()).collect();
    let new: Vec<SpanRow> = new.into_iter().filter(|s| changed.binary_search(&s.person_id).is_ok()).collect();
    let paths = paths_of(c, old.iter().chain(&new).map(|s| s.unit_id)).await?;
    let mut deltas = Vec::new();
    push_deltas(&mut deltas, &old, -1, &paths);
    push_deltas(&mut deltas, &new, 1, &paths);
    c.replace_spans(&changed, &new).await?;
    c.add_coverage_deltas(&deltas).await?;
    Ok(true)
}

/// A key whose kept delta differs from the recomputation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeltaDifference {
    pub unit_id: i64,
    pub series: String,
    pub month: i64,
    pub kept: i64,
    pub recomputed: i64,
}

/// Persons read per step of a rebuild.
const STEP: i64 = 20_000;

impl App {
    /// Recompute every person's spans and the deltas they imply, from the records.
    async fn recompute_coverage(&self, c: &mut Conn<'_>, write: bool) -> Result<Vec<DeltaRow>> {
        let params = self.params();
        let today = self.today();
        let units = c.all_unit_paths().await?;
        let paths: HashMap<i64, String> = units.into_iter().collect();
        let max = c.max_person_id().await?;
        let mut cache = RetirementCache::default();
        // Deltas at each person's own unit first (few keys: units × series × months), spread
        // to the ancestors once at the end.
        let mut leaf: HashMap<(i64, &'static str, i64), i64> = HashMap::new();
        let mut lo = 0;
        while lo <= max {
            let (persons, parts, lines) = c.coverage_inputs_range(lo, lo + STEP).await?;
            let spans = spans_of_all(&persons, &parts, &lines, &params, today, &mut cache);
            if write {
                c.insert_spans(&spans).await?;
            }
            for s in &spans {
                let Some(series) = super::Series::from_key(&s.series).map(super::Series::as_str) else {
                    continue;
                };
                *leaf.entry((s.unit_id, series, s.from_month)).or_default() += 1;
                if let Some(end) = s.to_month.and_then(super::spans::month_of) {
                    *leaf.entry((s.unit_id, series, super::spans::key(end.add(1)))).or_default() -= 1;
                }
            }
            lo += STEP;
        }
        let mut sums: HashMap<(i64, &'static str, i64), i64> = HashMap::new();
        for ((unit, series, month), d) in leaf {
            let Some(path) = paths.get(&unit) else { continue };
            for a in ancestors(path) {
                *sums.entry((a, series, month)).or_default() += d;
            }
        }
        let mut out: Vec<DeltaRow> = sums
            .into_iter()
            .filter(|(_, v)| *v != 0)
            .map(|((unit_id, series, month), delta)| DeltaRow {
                unit_id,
                series: series.to_string(),
                month,
                delta,
            })
            .collect();
        out.sort();
        Ok(out)
    }

    /// Compare the kept coverage deltas with a recomputation from the records; empty when
    /// they agree.
    pub async fn verify_coverage(&self) -> Result<Vec<DeltaDifference>> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let kept = c.stored_coverage_deltas().await?;
        let recomputed = self.recompute_coverage(&mut c, false).await?;
        Ok(delta_differences(&kept, &recomputed))
    }

    /// Replace the coverage spans and deltas by a recomputation (audited); returns what
    /// differed before.
    pub async fn rebuild_coverage(&self, actor: &Actor) -> Result<Vec<DeltaDifference>> {
        let mut w = self.write(actor).await?;
        let diff = self.rebuild_coverage_in(&mut w).await?;
        w.commit().await?;
        Ok(diff)
    }

    /// The rebuild inside a caller's unit of work (a bulk load recomputes everything once
    /// instead of person by person).
    pub(crate) async fn rebuild_coverage_in(
        &self,
        w: &mut crate::work::Work<'_>,
    ) -> Result<Vec<DeltaDifference>> {
        let kept = w.conn().stored_coverage_deltas().await?;
        w.conn().clear_coverage().await?;
        let recomputed = {
            let mut c = w.conn();
            self.recompute_coverage(&mut c, true).await?
        };
        // The table was emptied above and each key comes once: a bulk write, no upserts.
        w.conn().insert_coverage_deltas(&recomputed).await?;
        w.indicators_changed();
        let diff = delta_differences(&kept, &recomputed);
        let after = serde_json::json!({ "deltas": recomputed.len(), "differences": diff.len() });
        w.changed(
            "indicators.rebuild_coverage",
            Subject::new("coverage", "*", "00", ROOT_PATH),
            None,
            Some(after),
        );
        Ok(diff)
    }
}

fn delta_differences(kept: &[DeltaRow], recomputed: &[DeltaRow]) -> Vec<DeltaDifference> {
    let mut by: BTreeMap<(i64, &str, i64), (i64, i64)> = BTreeMap::new();
    for d in kept {
        by.entry((d.unit_id, d.series.as_str(), d.month)).or_default().0 += d.delta;
    }
    for d in recomputed {
        by.entry((d.unit_id, d.series.as_str(), d.month)).or_default().1 += d.delta;
    }
    by.into_iter()
        .filter(|(_, (k, r))| k != r)
        .map(|((unit_id, series, month), (kept, recomputed))| DeltaDifference {
            unit_id,
            series: series.to_string(),
            month,
            kept,
            recomputed,
        })
        .collect()
}
