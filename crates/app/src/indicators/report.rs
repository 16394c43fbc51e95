//! Dashboards: a unit's headline indicators, their monthly trend and year-end projection, the
//! ranking of the units below it with those at risk of missing their target, the pre-2025
//! district view, and the monthly snapshots that keep what a month showed.

use super::spans::{key, month_of};
use super::{Inputs, Series, UnitHead, UnitIndicators, children, month_key, rate_bp, year_end};
use crate::work::Subject;
use crate::{App, AppError, Result};
use ansinh_domain::{Actor, Indicator, Level, Permission, Unit};
use ansinh_store::{Conn, DeltaRow, SnapshotRow};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Months a trend shows (ending with the month asked for).
pub const TREND_MONTHS: i64 = 24;
/// Months the projection fits (the last ones with data, up to this many).
pub const FIT_MONTHS: usize = 12;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendValue {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub indicator: Indicator,
    pub numerator: i64,
    pub denominator: i64,
    pub rate_bp: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendPoint {
    /// YYYYMM.
    pub month: i64,
    pub values: Vec<TrendValue>,
}

/// Year-end projection of an indicator from the monthly trend of its numerator (least
/// squares over the last months), over this year's denominator, with a 95 % interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Projection {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub indicator: Indicator,
    /// December of the year (YYYYMM).
    pub month: i64,
    pub numerator: i64,
    pub rate_bp: i64,
    pub low_bp: i64,
    pub high_bp: i64,
    /// Months the fit used.
    pub months_used: usize,
    pub target_bp: Option<i64>,
    /// The projection falls short of the target.
    pub at_risk: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChildRow {
    pub indicators: UnitIndicators,
    /// The parent's target for the chosen indicator when the unit has none of its own: the
    /// yardstick its risk is judged by until the planner hands a target down.
    pub inherited_target_bp: Option<i64>,
    /// The projection of the dashboard's chosen indicator.
    pub projection: Option<Projection>,
    pub at_risk: bool,
    /// 1 = highest rate of the chosen indicator.
    pub rank: usize,
}

/// A pre-2025 district, rebuilt from the new communes that succeeded most of its communes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DistrictRow {
    pub district: UnitHead,
    pub communes: Vec<String>,
    pub numerator: i64,
    pub registry_denominator: i64,
    pub rate_bp: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    pub unit: UnitHead,
    /// From the country (or the viewer's scope root) down to the unit.
    pub trail: Vec<UnitHead>,
    pub on: NaiveDate,
    pub month: i64,
    /// When the figures were read (live) or frozen (a snapshot).
    pub as_of: DateTime<Utc>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub indicator: Indicator,
    pub headline: UnitIndicators,
    pub trend: Vec<TrendPoint>,
    pub projections: Vec<Projection>,
    pub children: Vec<ChildRow>,
    pub districts: Vec<DistrictRow>,
    /// Set when the dashboard is a kept monthly snapshot (who took it).
    pub snapshot_by: Option<String>,
}

/// Running sums of the deltas of (unit, series) at each of `months` (ascending).
struct Running(HashMap<(i64, String), Vec<(i64, i64)>>);

impl Running {
    fn new(deltas: Vec<DeltaRow>) -> Running {
        let mut m: HashMap<(i64, String), Vec<(i64, i64)>> = HashMap::new();
        for d in deltas {
            m.entry((d.unit_id, d.series)).or_default().push((d.month, d.delta));
        }
        Running(m)
    }

    fn at(&self, unit: i64, s: Series, months: &[i64]) -> Vec<i64> {
        let Some(ds) = self.0.get(&(unit, s.as_str().to_string())) else { return vec![0; months.len()] };
        let (mut i, mut sum) = (0, 0);
        months
            .iter()
            .map(|&m| {
                while i < ds.len() && ds[i].0 <= m {
                    sum += ds[i].1;
                    i += 1;
                }
                sum
            })
            .collect()
    }
}

fn months_back(month: i64, n: i64) -> Vec<i64> {
    let Some(m) = month_of(month) else { return vec![] };
    // Months before the series begin have no figures of their own.
    (0..n).rev().map(|i| key(m.add(-i))).filter(|k| *k >= super::spans::FIRST_MONTH).collect()
}

/// Least-squares line through `ys` at t = 0, 1, …, evaluated at `t0`, with the 95 %
/// half-width of the prediction (0 with fewer than three points).
pub fn fit(ys: &[f64], t0: f64) -> Option<(f64, f64)> {
    let n = ys.len() as f64;
    if ys.is_empty() {
        return None;
    }
    if ys.len() == 1 {
        return Some((ys[0], 0.0));
    }
    let tbar = (n - 1.0) / 2.0;
    let ybar = ys.iter().sum::<f64>() / n;
    let sxx: f64 = (0..ys.len()).map(|t| (t as f64 - tbar).powi(2)).sum();
    let sxy: f64 = ys.iter().enumerate().map(|(t, y)| (t as f64 - tbar) * (y - ybar)).sum();
    let b = sxy / sxx;
    let a = ybar - b * tbar;
    let pred = a + b * t0;
    if ys.len() < 3 {
        return Some((pred, 0.0));
    }
    let sse: f64 = ys.iter().enumerate().map(|(t, y)| (y - (a + b * t as f64)).powi(2)).sum();
    let s = (sse / (n - 2.0)).sqrt();
    let half = 1.96 * s * (1.0 + 1.0 / n + (t0 - tbar).powi(2) / sxx).sqrt();
    Some((pred, half))
}

/// The projection of `indicator` at `unit` from its numerator's monthly values up to `month`.
fn project(
    running: &Running,
    unit: i64,
    indicator: Indicator,
    month: i64,
    current: &UnitIndicators,
) -> Option<Projection> {
    let v = current.get(indicator)?;
    let den = v.denominator.value;
    if den <= 0 {
        return None;
    }
    let months = months_back(month, FIT_MONTHS as i64);
    let nums = running.at(unit, Series::numerator(indicator), &months);
    // Fit only from the first month with any participant (a series that starts mid-window).
    let first = nums.iter().position(|&n| n > 0).unwrap_or(nums.len());
    let ys: Vec<f64> = nums[first..].iter().map(|&n| n as f64).collect();
    let dec = year_end(month);
    let ahead = month_of(month).zip(month_of(dec)).map(|(a, b)| a.months_until(b)).unwrap_or(0) as f64;
    let (pred, half) = if ys.is_empty() { (0.0, 0.0) } else { fit(&ys, (ys.len() - 1) as f64 + ahead)? };
    let pred = pred.max(0.0);
    let bp = |x: f64| ((x.max(0.0) / den as f64) * 10_000.0).round() as i64;
    let target_bp = v.target.as_ref().map(|t| t.rate_bp);
    let rate = bp(pred);
    Some(Projection {
        indicator,
        month: dec,
        numerator: pred.round() as i64,
        rate_bp: rate,
        low_bp: bp(pred - half),
        high_bp: bp(pred + half),
        months_used: ys.len(),
        target_bp,
        at_risk: target_bp.is_some_and(|t| rate < t),
    })
}

/// Dashboards kept under the indicator version they were computed at (read before computing,
/// so a kept one reflects at least that version; while the version is unchanged nothing it
/// shows has changed). Keyed by unit, date and indicator; the viewer's trail is cut per request.
#[derive(Default)]
pub struct DashboardCache(std::sync::Mutex<DashboardMap>);

type DashboardMap = HashMap<(i64, NaiveDate, Indicator), (i64, std::sync::Arc<Dashboard>)>;

/// Dashboards kept at most (a province's communes × a few dates × five indicators).
const CACHE_ENTRIES: usize = 2_000;

impl std::fmt::Debug for DashboardCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DashboardCache")
    }
}

impl DashboardCache {
    fn get(&self, key: (i64, NaiveDate, Indicator), version: i64) -> Option<std::sync::Arc<Dashboard>> {
        let m = self.0.lock().ok()?;
        m.get(&key).filter(|(v, _)| *v == version).map(|(_, d)| d.clone())
    }

    fn put(&self, key: (i64, NaiveDate, Indicator), version: i64, d: std::sync::Arc<Dashboard>) {
        if let Ok(mut m) = self.0.lock() {
            if m.len() >= CACHE_ENTRIES {
                m.retain(|_, (v, _)| *v == version);
                if m.len() >= CACHE_ENTRIES {
                    m.clear();
                }
            }
            m.insert(key, (version, d));
        }
    }
}

impl App {
    /// The dashboard of a unit on a date, live (kept while nothing it shows has changed).
    pub async fn dashboard(
        &self,
        actor: &Actor,
        unit_id: i64,
        on: NaiveDate,
        indicator: Indicator,
    ) -> Result<Dashboard> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let u = self.indicator_unit(&mut c, actor, unit_id).await?;
        super::checked_month(on)?;
        let version = c.indicator_version().await?;
        let key = (u.id, on, indicator);
        let kept = match self.dashboards.get(key, version) {
            Some(d) => d,
            None => {
                let d = std::sync::Arc::new(
                    self.dashboard_of(&mut c, &Actor::system(), &u, on, indicator).await?,
                );
                self.dashboards.put(key, version, d.clone());
                d
            }
        };
        let mut d = (*kept).clone();
        d.trail.retain(|t| actor.can(Permission::View, &t.path));
        d.as_of = self.now();
        Ok(d)
    }

    /// The dashboard computed afresh, never from what is kept (for benchmarks and checks).
    pub async fn dashboard_computed(
        &self,
        unit_id: i64,
        on: NaiveDate,
        indicator: Indicator,
    ) -> Result<Dashboard> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let u = c.unit_by_id(unit_id).await?.ok_or(AppError::NotFound)?;
        self.dashboard_of(&mut c, &Actor::system(), &u, on, indicator).await
    }

    pub(crate) async fn dashboard_of(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        u: &Unit,
        on: NaiveDate,
        indicator: Indicator,
    ) -> Result<Dashboard> {
        let month = month_key(on);
        let kids = children(c, u, on).await?;
        let mut ids: Vec<i64> = vec![u.id];
        ids.extend(kids.iter().map(|k| k.id));
        let inputs = Inputs::read(c, &ids, month).await?;
        let headline = inputs.values(u, month);
        // The unit's own trend of every series; the children's of the chosen indicator only.
        let all: Vec<&'static str> = Series::ALL.iter().map(|s| s.as_str()).collect();
        let mut deltas = c.deltas_until(&[u.id], &all, month).await?;
        let kid_ids: Vec<i64> = kids.iter().map(|k| k.id).collect();
        if !kid_ids.is_empty() {
            let chosen = [Series::numerator(indicator).as_str()];
            deltas.extend(c.deltas_until(&kid_ids, &chosen, month).await?);
        }
        let running = Running::new(deltas);
        let months = months_back(month, super::report::TREND_MONTHS);
        let trend = self.trend(c, &running, u, &months).await?;
        let projections =
            Indicator::ALL.iter().filter_map(|&i| project(&running, u.id, i, month, &headline)).collect();
        let parent_target = headline.get(indicator).and_then(|v| v.target.as_ref()).map(|t| t.rate_bp);
        let mut rows: Vec<ChildRow> = kids
            .iter()
            .map(|k| {
                let indicators = inputs.values(k, month);
                let own = indicators.get(indicator).and_then(|v| v.target.as_ref()).is_some();
                let inherited_target_bp = if own { None } else { parent_target };
                let mut projection = project(&running, k.id, indicator, month, &indicators);
                if let (Some(p), Some(t)) = (projection.as_mut(), inherited_target_bp) {
                    p.target_bp = Some(t);
                    p.at_risk = p.rate_bp < t;
                }
                let at_risk = projection.as_ref().is_some_and(|p| p.at_risk);
                ChildRow { indicators, inherited_target_bp, projection, at_risk, rank: 0 }
            })
            .collect();
        let rate = |r: &ChildRow| r.indicators.get(indicator).and_then(|v| v.rate_bp).unwrap_or(-1);
        rows.sort_by(|a, b| rate(b).cmp(&rate(a)).then(a.indicators.unit.name.cmp(&b.indicators.unit.name)));
        for (i, r) in rows.iter_mut().enumerate() {
            r.rank = i + 1;
        }
        let districts =
            if u.level == Level::Province { self.districts(c, u, &rows, indicator).await? } else { vec![] };
        Ok(Dashboard {
            unit: UnitHead::from(u),
            trail: self.trail(c, actor, u).await?,
            on,
            month,
            as_of: self.now(),
            indicator,
            headline,
            trend,
            projections,
            children: rows,
            districts,
            snapshot_by: None,
        })
    }

    async fn trail(&self, c: &mut Conn<'_>, actor: &Actor, u: &Unit) -> Result<Vec<UnitHead>> {
        let ids: Vec<i64> = super::live::ancestors(&u.path).collect();
        let mut units = c.units_by_ids(&ids).await?;
        units.retain(|x| actor.can(Permission::View, &x.path));
        units.sort_by_key(|x| x.path.len());
        Ok(units.iter().map(UnitHead::from).collect())
    }

    /// Each month's value of every indicator at `u`, over that month's denominator (the
    /// official figure of its year or the latest before it, else the registry's count).
    async fn trend(
        &self,
        c: &mut Conn<'_>,
        running: &Running,
        u: &Unit,
        months: &[i64],
    ) -> Result<Vec<TrendPoint>> {
        let first = months.first().copied().unwrap_or(0) / 100;
        let last = months.last().copied().unwrap_or(0) / 100;
        let official = c.denominators_of(&[u.id], first - 10, last).await?;
        let series: HashMap<Series, Vec<i64>> =
            Series::ALL.iter().map(|&s| (s, running.at(u.id, s, months))).collect();
        Ok(months
            .iter()
            .enumerate()
            .map(|(i, &m)| TrendPoint {
                month: m,
                values: Indicator::ALL
                    .iter()
                    .map(|&ind| {
                        let numerator = series[&Series::numerator(ind)][i];
                        let denominator = official
                            .iter()
                            .filter(|d| d.kind == ind.denominator().as_str() && d.year <= m / 100)
                            .max_by_key(|d| d.year)
                            .map(|d| d.value)
                            .unwrap_or(series[&Series::registry(ind.denominator())][i]);
                        TrendValue {
                            indicator: ind,
                            numerator,
                            denominator,
                            rate_bp: rate_bp(numerator, denominator),
                        }
                    })
                    .collect(),
            })
            .collect())
    }

    /// The pre-2025 districts of a province, from the communes that succeeded theirs.
    async fn districts(
        &self,
        c: &mut Conn<'_>,
        u: &Unit,
        rows: &[ChildRow],
        indicator: Indicator,
    ) -> Result<Vec<DistrictRow>> {
        let best = self.district_of_commune(c).await?;
        let district_ids: Vec<i64> = {
            let mut v: Vec<i64> = best.values().copied().collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let mut districts = c.units_by_ids(&district_ids).await?;
        districts.retain(|d| d.parent_id == Some(u.id));
        districts.sort_by(|a, b| a.code.cmp(&b.code));
        let mut out = Vec::new();
        for d in districts {
            let mine: Vec<&ChildRow> =
                rows.iter().filter(|r| best.get(&r.indicators.unit.id).is_some_and(|x| *x == d.id)).collect();
            if mine.is_empty() {
                continue;
            }
            let value = |r: &&ChildRow| r.indicators.get(indicator).cloned();
            let numerator: i64 = mine.iter().filter_map(value).map(|v| v.numerator).sum();
            let registry_denominator: i64 =
                mine.iter().filter_map(value).map(|v| v.registry_denominator).sum();
            out.push(DistrictRow {
                district: UnitHead::from(&d),
                communes: mine.iter().map(|r| r.indicators.unit.name.clone()).collect(),
                numerator,
                registry_denominator,
                rate_bp: rate_bp(numerator, registry_denominator),
            });
        }
        Ok(out)
    }

    /// New commune → the old district that held most of its predecessors (ties: the lowest id).
    async fn district_of_commune(&self, c: &mut Conn<'_>) -> Result<HashMap<i64, i64>> {
        if let Some(m) = self.reform_districts.get() {
            return Ok(m.clone());
        }
        let mut best: HashMap<i64, (i64, i64)> = HashMap::new();
        for (district, commune, n) in c.reform_districts().await? {
            let e = best.entry(commune).or_insert((district, n));
            if n > e.1 || (n == e.1 && district < e.0) {
                *e = (district, n);
            }
        }
        let m: HashMap<i64, i64> = best.into_iter().map(|(k, (d, _))| (k, d)).collect();
        let _ = self.reform_districts.set(m.clone());
        Ok(m)
    }

    /// Freeze a province's dashboard for a month (every indicator) so its report can be
    /// reproduced exactly later. `None` if that month already has a snapshot.
    pub async fn take_snapshot(&self, actor: &Actor, province_id: i64, month: i64) -> Result<Option<i64>> {
        let on = month_of(month)
            .map(|m| m.last_day())
            .ok_or_else(|| ansinh_domain::Invalid::new("month", "Tháng không hợp lệ", "Invalid month"))?;
        super::checked_month(on)?;
        let mut w = self.write(actor).await?;
        let u = w.conn().unit_by_id(province_id).await?.ok_or(AppError::NotFound)?;
        super::manage_guard(actor, &u)?;
        if u.level != Level::Province {
            return Err(ansinh_domain::Invalid::new(
                "unit_id",
                "Chỉ chốt số liệu theo tỉnh",
                "Snapshots are taken per province",
            )
            .into());
        }
        if w.conn().snapshot(&u.province_code, month).await?.is_some() {
            return Ok(None);
        }
        let body = {
            let mut c = w.conn();
            let mut all = Vec::new();
            for i in Indicator::ALL {
                all.push(self.dashboard_of(&mut c, actor, &u, on, *i).await?);
            }
            serde_json::to_string(&all).map_err(|e| AppError::Internal(e.to_string()))?
        };
        let row = SnapshotRow {
            id: 0,
            province_code: u.province_code.clone(),
            unit_path: u.path.clone(),
            month,
            body,
            taken_by: w.actor_name(),
            taken_at: w.now(),
        };
        let Some(id) = w.conn().insert_snapshot(&row).await? else { return Ok(None) };
        w.event("indicator.snapshot", Subject::new("snapshot", id, &u.province_code, &u.path));
        w.commit().await?;
        Ok(Some(id))
    }

    /// The kept snapshot of a province's month for `indicator`, if there is one.
    pub async fn snapshot_dashboard(
        &self,
        actor: &Actor,
        province_id: i64,
        month: i64,
        indicator: Indicator,
    ) -> Result<Option<Dashboard>> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let u = self.indicator_unit(&mut c, actor, province_id).await?;
        let Some(s) = c.snapshot(&u.province_code, month).await? else { return Ok(None) };
        let all: Vec<Dashboard> =
            serde_json::from_str(&s.body).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(all.into_iter().find(|d| d.indicator == indicator && d.unit.id == u.id).map(|mut d| {
            d.snapshot_by = Some(s.taken_by.clone());
            d.as_of = s.taken_at;
            d
        }))
    }

    /// Months with a kept snapshot under a unit: (province code, month, taken by, at).
    pub async fn snapshots(
        &self,
        actor: &Actor,
        unit_id: i64,
    ) -> Result<Vec<(String, i64, String, DateTime<Utc>)>> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let u = self.indicator_unit(&mut c, actor, unit_id).await?;
        let (lo, hi) = ansinh_domain::unit::subtree_range(&u.path);
        Ok(c.snapshot_months(&lo, &hi).await?)
    }

    /// Take last month's snapshot of every province that has figures and none yet (run by
    /// the server at start and every hour). Returns how many were taken.
    pub async fn snapshot_due(&self) -> Result<usize> {
        let last = key(ansinh_rules::Month::from_date(self.today()).add(-1));
        let provinces = {
            let mut r = self.db.read().await?;
            let mut c = r.conn();
            let mut ps = c.unit_children(ansinh_domain::unit::ROOT_ID, None).await?;
            ps.retain(|p| p.level == Level::Province);
            let ids: Vec<i64> = ps.iter().map(|p| p.id).collect();
            let have = c.series_at(&ids, last).await?;
            ps.retain(|p| have.iter().any(|h| h.unit_id == p.id && h.value > 0));
            ps
        };
        let system = Actor::system();
        let mut n = 0;
        for p in provinces {
            if self.take_snapshot(&system, p.id, last).await?.is_some() {
                n += 1;
            }
        }
        Ok(n)
    }
}
