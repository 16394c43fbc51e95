//! The target planner — how many more enrolments each unit below must bring so that the
//! unit reaches its target — and the retention cohorts of VSI.

use super::{Inputs, UnitHead, children, needed, rate_bp};
use crate::{App, AppError, Result};
use ansinh_domain::{Actor, Indicator, Invalid, Permission};
use ansinh_rules::Month;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanRow {
    pub unit: UnitHead,
    pub numerator: i64,
    pub denominator: i64,
    pub denominator_official: bool,
    pub rate_bp: Option<i64>,
    /// The unit's own target this year, if one is set.
    pub own_target_bp: Option<i64>,
    /// Participants the unit lacks to reach its own target (or the parent's rate when it has
    /// none).
    pub own_gap: i64,
    /// Remaining potential: people in the registry not yet counted (working age without SI,
    /// or residents without a valid HI card).
    pub potential: i64,
    /// The proposed share of the parent's gap (by potential, whole persons summing exactly).
    pub proposed: i64,
    /// The target that share implies: (numerator + proposed) ÷ denominator.
    pub proposed_bp: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plan {
    pub unit: UnitHead,
    pub year: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub indicator: Indicator,
    pub target_bp: Option<i64>,
    pub resolution: String,
    pub numerator: i64,
    pub denominator: i64,
    /// Participants the unit lacks to reach its target.
    pub needed: i64,
    pub rows: Vec<PlanRow>,
}

/// Split `total` in proportion to `weights`, in whole units summing exactly to `total`
/// (largest remainders; ties to the first).
pub fn apportion(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i64 = weights.iter().map(|w| (*w).max(0)).sum();
    if total <= 0 || sum == 0 {
        return vec![0; weights.len()];
    }
    let mut out: Vec<i64> = weights.iter().map(|w| total * w.max(&0) / sum).collect();
    let mut rest: Vec<(i64, usize)> =
        weights.iter().enumerate().map(|(i, w)| (-(total * w.max(&0) % sum), i)).collect();
    rest.sort();
    let left = total - out.iter().sum::<i64>();
    for (_, i) in rest.into_iter().take(left as usize) {
        out[i] += 1;
    }
    out
}

/// A commune's assigned additional enrolments, as the province hands them down.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assignment {
    pub unit_id: i64,
    /// Additional participants the unit is to bring this year.
    pub additional: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cohort {
    /// "2025-Q3".
    pub quarter: String,
    pub started: i64,
    /// Share (basis points) still paying after 6, 12 and 24 months; none while the cohort is
    /// too young to tell.
    pub after_6: Option<i64>,
    pub after_12: Option<i64>,
    pub after_24: Option<i64>,
    pub paying_6: i64,
    pub paying_12: i64,
    pub paying_24: i64,
}

impl App {
    /// The planner for `indicator` in `year` at `unit_id`: its gap to target split over the
    /// units below it by their remaining potential.
    pub async fn plan(&self, actor: &Actor, unit_id: i64, year: i64, indicator: Indicator) -> Result<Plan> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let u = self.indicator_unit(&mut c, actor, unit_id).await?;
        let today = self.today();
        let on = if year == today.year() as i64 {
            today
        } else {
            NaiveDate::from_ymd_opt(year as i32, 12, 31).unwrap_or(today)
        };
        let month = super::checked_month(on)?;
        let kids = children(&mut c, &u, on).await?;
        let mut ids = vec![u.id];
        ids.extend(kids.iter().map(|k| k.id));
        let inputs = Inputs::read(&mut c, &ids, month).await?;
        let head = inputs.values(&u, month);
        let v = head.get(indicator).cloned().ok_or(AppError::NotFound)?;
        let target = v.target.clone().filter(|t| t.year == year);
        let target_bp = target.as_ref().map(|t| t.rate_bp);
        let need = target_bp.map(|t| needed(v.numerator, v.denominator.value, t)).unwrap_or(0);
        let mut rows: Vec<PlanRow> = kids
            .iter()
            .map(|k| {
                let ki = inputs.values(k, month);
                let kv = ki.get(indicator).cloned();
                let (num, den, official) = kv
                    .as_ref()
                    .map(|x| (x.numerator, x.denominator.value, x.denominator.official))
                    .unwrap_or((0, 0, false));
                let own =
                    kv.as_ref().and_then(|x| x.target.as_ref()).filter(|t| t.year == year).map(|t| t.rate_bp);
                let base = match indicator.denominator() {
                    ansinh_domain::DenominatorKind::LabourForce => ki.working_age,
                    ansinh_domain::DenominatorKind::Population => ki.population,
                };
                // Counted participants may include people past working age: never negative.
                let counted = inputs_num(&ki, indicator);
                PlanRow {
                    unit: ki.unit.clone(),
                    numerator: num,
                    denominator: den,
                    denominator_official: official,
                    rate_bp: rate_bp(num, den),
                    own_target_bp: own,
                    own_gap: own.or(target_bp).map(|t| needed(num, den, t)).unwrap_or(0),
                    potential: (base - counted).max(0),
                    proposed: 0,
                    proposed_bp: None,
                }
            })
            .collect();
        let weights: Vec<i64> = rows.iter().map(|r| r.potential).collect();
        for (r, p) in rows.iter_mut().zip(apportion(need, &weights)) {
            r.proposed = p;
            r.proposed_bp = rate_bp(r.numerator + p, r.denominator);
        }
        Ok(Plan {
            unit: head.unit.clone(),
            year,
            indicator,
            target_bp,
            resolution: target.map(|t| t.resolution).unwrap_or_default(),
            numerator: v.numerator,
            denominator: v.denominator.value,
            needed: need,
            rows,
        })
    }

    /// Hand the plan down: each unit below gets a target for the year of (its numerator + its
    /// assigned additional participants) ÷ its denominator, citing the parent's resolution.
    pub async fn hand_down(
        &self,
        actor: &Actor,
        unit_id: i64,
        year: i64,
        indicator: Indicator,
        assignments: &[Assignment],
    ) -> Result<usize> {
        let plan = self.plan(actor, unit_id, year, indicator).await?;
        if !actor.can(Permission::ManageTargets, &plan.unit.path) {
            return Err(AppError::Forbidden);
        }
        if plan.target_bp.is_none() {
            return Err(Invalid::new(
                "target",
                format!("{} chưa có chỉ tiêu năm {year}: nhập chỉ tiêu trước khi giao xuống", plan.unit.name),
                format!("{} has no target for {year}: enter it before handing targets down", plan.unit.name),
            )
            .into());
        }
        let mut w = self.write(actor).await?;
        let mut n = 0;
        for a in assignments {
            let Some(row) = plan.rows.iter().find(|r| r.unit.id == a.unit_id) else {
                return Err(Invalid::new(
                    "unit_id",
                    format!("Đơn vị {} không trực thuộc {}", a.unit_id, plan.unit.name),
                    format!("Unit {} is not directly under {}", a.unit_id, plan.unit.name),
                )
                .into());
            };
            if a.additional < 0 || a.additional > row.denominator.max(0) {
                return Err(Invalid::new(
                    "additional",
                    format!("{}: số giao thêm phải từ 0 đến {}", row.unit.name, row.denominator),
                    format!("{}: the additional number must be 0 to {}", row.unit.name, row.denominator),
                )
                .into());
            }
            let Some(bp) = rate_bp(row.numerator + a.additional, row.denominator) else { continue };
            let u = w.conn().unit_by_id(row.unit.id).await?.ok_or(AppError::NotFound)?;
            let note = format!("Giao thêm {} người (từ kế hoạch của {})", a.additional, plan.unit.name);
            let resolution = format!("{} — phân bổ cho đơn vị cấp dưới", plan.resolution);
            self.insert_target(&mut w, &u, year, indicator, bp.min(10_000), &resolution, &note).await?;
            n += 1;
        }
        if n == 0 {
            return Err(
                Invalid::new("assignments", "Chưa có đơn vị nào được giao", "No unit was assigned").into()
            );
        }
        w.commit().await?;
        Ok(n)
    }

    /// VSI retention by start quarter under a unit: of those who started, the share still
    /// paying 6, 12 and 24 months later (a paid month at start + k).
    pub async fn retention(
        &self,
        actor: &Actor,
        unit_id: i64,
        model_id: Option<i64>,
        campaign_id: Option<i64>,
    ) -> Result<Vec<Cohort>> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let u = self.indicator_unit(&mut c, actor, unit_id).await?;
        let (lo, hi) = ansinh_domain::unit::subtree_range(&u.path);
        let today = self.today();
        let from = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(today);
        let lines = c.vsi_retention_lines(&lo, &hi, from, today).await?;
        let only: Option<std::collections::HashSet<i64>> = match (model_id, campaign_id) {
            (Some(m), _) => Some(c.participations_of_model(m).await?.into_iter().collect()),
            (None, Some(k)) => Some(c.participations_of_campaign(k).await?.into_iter().collect()),
            _ => None,
        };
        let now = Month::from_date(today);
        let mut by: std::collections::BTreeMap<(i32, u32), Vec<Started>> = Default::default();
        let mut last_id = -1;
        for l in lines {
            if only.as_ref().is_some_and(|s| !s.contains(&l.participation_id)) {
                continue;
            }
            let start = Month::from_date(l.started_on);
            let q = (start.year(), (start.month() - 1) / 3 + 1);
            let list = by.entry(q).or_default();
            if l.participation_id != last_id {
                list.push((l.participation_id, start, Vec::new()));
                last_id = l.participation_id;
            }
            if let (Some(f), Some(t), Some(last)) = (l.covers_from, l.covers_to, list.last_mut()) {
                last.2.push((Month::from_date(f), Month::from_date(t)));
            }
        }
        Ok(by
            .into_iter()
            .map(|((y, q), ps)| {
                let started = ps.len() as i64;
                let paying = |k: i64| -> Option<i64> {
                    // The cohort's last start month plus k must be over (not the month running).
                    let youngest = Month::new(y, q * 3).ok()?;
                    if youngest.add(k).months_until(now) <= 0 {
                        return None;
                    }
                    Some(
                        ps.iter()
                            .filter(|(_, s, periods)| {
                                let m = s.add(k);
                                periods.iter().any(|(f, t)| f.months_until(m) >= 0 && m.months_until(*t) >= 0)
                            })
                            .count() as i64,
                    )
                };
                let (p6, p12, p24) = (paying(6), paying(12), paying(24));
                Cohort {
                    quarter: format!("{y}-Q{q}"),
                    started,
                    after_6: p6.and_then(|p| rate_bp(p, started)),
                    after_12: p12.and_then(|p| rate_bp(p, started)),
                    after_24: p24.and_then(|p| rate_bp(p, started)),
                    paying_6: p6.unwrap_or(0),
                    paying_12: p12.unwrap_or(0),
                    paying_24: p24.unwrap_or(0),
                }
            })
            .collect())
    }
}

/// A participation of a cohort: its id, start month and paid periods.
type Started = (i64, Month, Vec<(Month, Month)>);

/// Participants counted toward the potential: SI for labour-force indicators (a person in
/// SI is not a potential VSI or UI enrolee), HI for HI.
fn inputs_num(ki: &super::UnitIndicators, indicator: Indicator) -> i64 {
    let by = match indicator {
        Indicator::Hi => Indicator::Hi,
        _ => Indicator::Si,
    };
    ki.get(by).map(|v| v.numerator).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::apportion;

    #[test]
    fn apportion_sums_exactly() {
        assert_eq!(apportion(10, &[1, 1, 1]), vec![4, 3, 3]);
        assert_eq!(apportion(7, &[0, 5, 2]), vec![0, 5, 2]);
        assert_eq!(apportion(5, &[0, 0]), vec![0, 0]);
        assert_eq!(apportion(0, &[3, 4]), vec![0, 0]);
        let v = apportion(1001, &[333, 333, 334, 17]);
        assert_eq!(v.iter().sum::<i64>(), 1001);
    }
}
