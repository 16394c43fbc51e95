//! Chỉ tiêu bao phủ — coverage indicators against targets, live across the hierarchy
//! (issue 11, DOMAIN.md §8).
//!
//! Every value is a numerator over a denominator with the denominator's source and year,
//! never a bare percentage. Numerators come from the coverage series kept live by the unit
//! of work ([`live`]); denominators are the official statistics entered per unit and year,
//! shown beside the registry's own count.

pub mod files;
pub mod import;
pub mod live;
pub mod plan;
pub mod report;
pub mod spans;

use crate::work::Subject;
use crate::{App, AppError, Result};
use ansinh_domain::unit::ROOT_ID;
use ansinh_domain::{Actor, DenominatorKind, Indicator, Invalid, Level, Permission, Unit};
use ansinh_rules::Month;
use ansinh_store::{Conn, DenominatorRow, SeriesValue, TargetRow};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A coverage series: persons counted per month (see [`spans`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Series {
    /// Dân số — residents (from their birth month).
    Population,
    /// Người trong độ tuổi lao động — from age 15 to the month retirement age is reached.
    WorkingAge,
    /// BHXH bắt buộc.
    Csi,
    /// BHXH tự nguyện (paid months).
    Vsi,
    /// BHXH bắt buộc hoặc tự nguyện (a person in both counts once).
    Si,
    /// BH thất nghiệp.
    Ui,
    /// Có thẻ BHYT còn hạn (hộ gia đình or any other group).
    Hi,
    /// BHXH tự nguyện among farmers (occupation "nông, lâm, ngư nghiệp").
    VsiFarmer,
}

impl Series {
    pub const ALL: [Series; 8] = [
        Series::Population,
        Series::WorkingAge,
        Series::Csi,
        Series::Vsi,
        Series::Si,
        Series::Ui,
        Series::Hi,
        Series::VsiFarmer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Series::Population => "population",
            Series::WorkingAge => "working_age",
            Series::Csi => "csi",
            Series::Vsi => "vsi",
            Series::Si => "si",
            Series::Ui => "ui",
            Series::Hi => "hi",
            Series::VsiFarmer => "vsi_farmer",
        }
    }

    pub fn from_key(s: &str) -> Option<Series> {
        Series::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The numerator of an indicator.
    pub fn numerator(i: Indicator) -> Series {
        match i {
            Indicator::Si => Series::Si,
            Indicator::Vsi => Series::Vsi,
            Indicator::Ui => Series::Ui,
            Indicator::Hi => Series::Hi,
            Indicator::VsiFarmer => Series::VsiFarmer,
        }
    }

    /// The registry's own count of a denominator.
    pub fn registry(d: DenominatorKind) -> Series {
        match d {
            DenominatorKind::LabourForce => Series::WorkingAge,
            DenominatorKind::Population => Series::Population,
        }
    }
}

/// A denominator with where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Denominator {
    pub value: i64,
    /// The year of the statistic (the indicator's year, or the latest before it).
    pub year: i64,
    pub source: String,
    /// An official statistic (false: the registry's own count, used when none is entered).
    pub official: bool,
}

/// A target with the resolution that set it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetInfo {
    pub rate_bp: i64,
    pub year: i64,
    pub resolution: String,
    pub note: String,
}

/// One indicator of one unit in one month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorValue {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub indicator: Indicator,
    pub numerator: i64,
    pub denominator: Denominator,
    /// The registry's own count of the denominator, shown beside the official one.
    pub registry_denominator: i64,
    /// numerator ÷ denominator in basis points (none when the denominator is 0).
    pub rate_bp: Option<i64>,
    /// numerator ÷ the registry's count.
    pub registry_rate_bp: Option<i64>,
    pub target: Option<TargetInfo>,
    /// Target minus rate in basis points (positive: short of the target).
    pub gap_bp: Option<i64>,
    /// Participants still needed to reach the target (0 when reached).
    pub needed: Option<i64>,
}

/// A unit as an indicator table names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitHead {
    pub id: i64,
    pub code: String,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub level: Level,
    pub path: String,
    pub province_code: String,
}

impl From<&Unit> for UnitHead {
    fn from(u: &Unit) -> UnitHead {
        UnitHead {
            id: u.id,
            code: u.code.clone(),
            name: if u.id == ROOT_ID { "Việt Nam".into() } else { u.full_name() },
            level: u.level,
            path: u.path.clone(),
            province_code: u.province_code.clone(),
        }
    }
}

/// Every indicator of a unit in a month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitIndicators {
    pub unit: UnitHead,
    /// YYYYMM.
    pub month: i64,
    pub values: Vec<IndicatorValue>,
    /// Residents and working-age persons in the registry this month, for the planner.
    pub population: i64,
    pub working_age: i64,
}

impl UnitIndicators {
    pub fn get(&self, i: Indicator) -> Option<&IndicatorValue> {
        self.values.iter().find(|v| v.indicator == i)
    }
}

/// Share in basis points, rounded half up.
pub fn rate_bp(num: i64, den: i64) -> Option<i64> {
    (den > 0).then(|| (num * 20_000 + den) / (den * 2))
}

/// Participants needed so that `num / den` reaches `target_bp`.
pub fn needed(num: i64, den: i64, target_bp: i64) -> i64 {
    let goal = (den * target_bp + 9_999) / 10_000;
    (goal - num).max(0)
}

pub(crate) fn month_key(d: NaiveDate) -> i64 {
    spans::key(Month::from_date(d))
}

/// The month of `on`, if the series answer for it (2020–2040).
pub(crate) fn checked_month(on: NaiveDate) -> Result<i64> {
    let m = month_key(on);
    if (spans::FIRST_MONTH..=spans::LAST_MONTH).contains(&m) {
        Ok(m)
    } else {
        Err(Invalid::new(
            "on",
            format!("Ngày {} ngoài khoảng có số liệu (01/2020 – 12/2040)", on.format("%d/%m/%Y")),
            format!("{} is outside the months with figures (01/2020 – 12/2040)", on.format("%d/%m/%Y")),
        )
        .into())
    }
}

/// The inputs of indicator values for a set of units, read in three queries.
pub(crate) struct Inputs {
    series: HashMap<(i64, Series), i64>,
    denominators: Vec<DenominatorRow>,
    targets: Vec<TargetRow>,
}

impl Inputs {
    pub(crate) async fn read(c: &mut Conn<'_>, units: &[i64], month: i64) -> Result<Inputs> {
        let year = month / 100;
        let rows: Vec<SeriesValue> = c.series_at(units, month).await?;
        let series = rows
            .into_iter()
            .filter_map(|r| Series::from_key(&r.series).map(|s| ((r.unit_id, s), r.value)))
            .collect();
        let denominators = c.denominators_of(units, year - 10, year).await?;
        let targets = c.targets_of(units, year, year + 10).await?;
        Ok(Inputs { series, denominators, targets })
    }

    fn series(&self, unit: i64, s: Series) -> i64 {
        self.series.get(&(unit, s)).copied().unwrap_or(0)
    }

    pub(crate) fn values(&self, u: &Unit, month: i64) -> UnitIndicators {
        let year = month / 100;
        let values = Indicator::ALL
            .iter()
            .map(|&i| {
                let numerator = self.series(u.id, Series::numerator(i));
                let registry_denominator = self.series(u.id, Series::registry(i.denominator()));
                let official = self
                    .denominators
                    .iter()
                    .filter(|d| d.unit_id == u.id && d.kind == i.denominator().as_str() && d.year <= year)
                    .max_by_key(|d| d.year);
                let denominator = match official {
                    Some(d) => {
                        Denominator { value: d.value, year: d.year, source: d.source.clone(), official: true }
                    }
                    None => Denominator {
                        value: registry_denominator,
                        year,
                        source: "Sổ đăng ký An Sinh (đếm từ hồ sơ) / An Sinh registry count".into(),
                        official: false,
                    },
                };
                let target = self
                    .targets
                    .iter()
                    .filter(|t| t.unit_id == u.id && t.indicator == i.as_str() && t.year >= year)
                    .min_by_key(|t| t.year)
                    .map(|t| TargetInfo {
                        rate_bp: t.rate_bp,
                        year: t.year,
                        resolution: t.resolution.clone(),
                        note: t.note.clone(),
                    });
                let rate = rate_bp(numerator, denominator.value);
                IndicatorValue {
                    indicator: i,
                    numerator,
                    gap_bp: target.as_ref().zip(rate).map(|(t, r)| t.rate_bp - r),
                    needed: target.as_ref().map(|t| needed(numerator, denominator.value, t.rate_bp)),
                    rate_bp: rate,
                    registry_rate_bp: rate_bp(numerator, registry_denominator),
                    registry_denominator,
                    denominator,
                    target,
                }
            })
            .collect();
        UnitIndicators {
            unit: UnitHead::from(u),
            month,
            values,
            population: self.series(u.id, Series::Population),
            working_age: self.series(u.id, Series::WorkingAge),
        }
    }
}

/// A new official denominator.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewDenominator {
    pub unit_id: i64,
    pub year: i64,
    /// `labour_force` or `population`.
    pub kind: String,
    pub value: i64,
    /// Where the figure comes from (e.g. "Cục Thống kê tỉnh, Niên giám thống kê 2024").
    pub source: String,
}

/// A new target.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewTarget {
    pub unit_id: i64,
    pub year: i64,
    /// `si`, `vsi`, `ui`, `hi` or `vsi_farmer`.
    pub indicator: String,
    /// The rate as written ("31,5" or "31.5 %").
    pub rate: String,
    /// The deciding resolution (e.g. "Nghị quyết 80/NQ-HĐND ngày 12/12/2025").
    pub resolution: String,
    #[serde(default)]
    pub note: String,
}

fn check_year(year: i64) -> Result<()> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(Invalid::new(
            "year",
            format!("Năm {year} không hợp lệ: ghi năm từ 2000 đến 2100"),
            format!("Year {year} is not valid: write a year from 2000 to 2100"),
        )
        .into())
    }
}

fn required(field: &'static str, vi: &str, en: &str, s: &str) -> Result<String> {
    let t = s.trim();
    if t.is_empty() || t.chars().count() > 300 {
        return Err(Invalid::new(
            field,
            format!("{vi}: bắt buộc, tối đa 300 ký tự"),
            format!("{en}: required, at most 300 characters"),
        )
        .into());
    }
    Ok(t.to_string())
}

impl App {
    /// The unit `id` if the actor may see it (the country root for a national scope).
    pub(crate) async fn indicator_unit(&self, c: &mut Conn<'_>, actor: &Actor, id: i64) -> Result<Unit> {
        self.visible_unit(c, actor, id).await
    }

    /// The units directly below a unit that its indicators roll up from (valid today).
    pub async fn indicator_children(&self, actor: &Actor, unit_id: i64) -> Result<Vec<Unit>> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let u = self.indicator_unit(&mut c, actor, unit_id).await?;
        children(&mut c, &u, self.today()).await
    }

    /// Every indicator of a unit in the month of `on`.
    pub async fn unit_indicators(
        &self,
        actor: &Actor,
        unit_id: i64,
        on: NaiveDate,
    ) -> Result<UnitIndicators> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let u = self.indicator_unit(&mut c, actor, unit_id).await?;
        let month = checked_month(on)?;
        Ok(Inputs::read(&mut c, &[u.id], month).await?.values(&u, month))
    }

    /// Record an official denominator (supersedes the current one of its unit, year, kind).
    pub async fn add_denominator(&self, actor: &Actor, n: &NewDenominator) -> Result<i64> {
        check_year(n.year)?;
        let kind = DenominatorKind::parse(&n.kind)?;
        if n.value <= 0 || n.value > 200_000_000 {
            return Err(Invalid::new(
                "value",
                "Giá trị mẫu số phải là số người lớn hơn 0",
                "The denominator must be a number of persons above 0",
            )
            .into());
        }
        let source = required("source", "Nguồn số liệu", "Source", &n.source)?;
        let mut w = self.write(actor).await?;
        let u = w.conn().unit_by_id(n.unit_id).await?.ok_or(AppError::NotFound)?;
        manage_guard(actor, &u)?;
        let id = self.insert_denominator_row(&mut w, &u, n.year, kind, n.value, &source).await?;
        w.commit().await?;
        Ok(id)
    }

    pub(crate) async fn insert_denominator_row(
        &self,
        w: &mut crate::work::Work<'_>,
        u: &Unit,
        year: i64,
        kind: DenominatorKind,
        value: i64,
        source: &str,
    ) -> Result<i64> {
        let row = DenominatorRow {
            id: 0,
            province_code: u.province_code.clone(),
            unit_id: u.id,
            unit_path: u.path.clone(),
            year,
            kind: kind.as_str().into(),
            value,
            source: source.into(),
            entered_by: w.actor_name(),
            entered_at: w.now(),
            superseded_at: None,
        };
        let id = w.conn().insert_denominator(&row).await?;
        w.indicators_changed();
        let after = serde_json::to_value(&row).ok();
        w.changed(
            "indicator.denominator",
            Subject::new("denominator", id, &u.province_code, &u.path),
            None,
            after,
        );
        Ok(id)
    }

    /// Record a target (supersedes the current one of its unit, year, indicator).
    pub async fn add_target(&self, actor: &Actor, n: &NewTarget) -> Result<i64> {
        check_year(n.year)?;
        let indicator = Indicator::parse(&n.indicator)?;
        let rate_bp = ansinh_domain::indicator::parse_rate("rate", &n.rate)?;
        let resolution =
            required("resolution", "Nghị quyết giao chỉ tiêu", "Deciding resolution", &n.resolution)?;
        let mut w = self.write(actor).await?;
        let u = w.conn().unit_by_id(n.unit_id).await?.ok_or(AppError::NotFound)?;
        manage_guard(actor, &u)?;
        let id =
            self.insert_target(&mut w, &u, n.year, indicator, rate_bp, &resolution, n.note.trim()).await?;
        w.commit().await?;
        Ok(id)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn insert_target(
        &self,
        w: &mut crate::work::Work<'_>,
        u: &Unit,
        year: i64,
        indicator: Indicator,
        rate_bp: i64,
        resolution: &str,
        note: &str,
    ) -> Result<i64> {
        let row = TargetRow {
            id: 0,
            province_code: u.province_code.clone(),
            unit_id: u.id,
            unit_path: u.path.clone(),
            year,
            indicator: indicator.as_str().into(),
            rate_bp,
            resolution: resolution.into(),
            note: note.into(),
            entered_by: w.actor_name(),
            entered_at: w.now(),
            superseded_at: None,
        };
        let id = w.conn().insert_target(&row).await?;
        w.indicators_changed();
        let after = serde_json::to_value(&row).ok();
        w.changed("indicator.target", Subject::new("target", id, &u.province_code, &u.path), None, after);
        Ok(id)
    }

    /// Targets and denominators of a unit's subtree, superseded ones too (their history).
    pub async fn targets_and_denominators(
        &self,
        actor: &Actor,
        unit_id: i64,
    ) -> Result<(Vec<TargetRow>, Vec<DenominatorRow>)> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let u = self.indicator_unit(&mut c, actor, unit_id).await?;
        let (lo, hi) = ansinh_domain::unit::subtree_range(&u.path);
        Ok((c.targets_under(&lo, &hi).await?, c.denominators_under(&lo, &hi).await?))
    }

    /// Resolution 28-NQ/TW's national targets, preloaded once as reference (on the root).
    pub(crate) async fn preload_national_targets(&self, w: &mut crate::work::Work<'_>) -> Result<()> {
        let Some(root) = w.conn().unit_by_id(ROOT_ID).await? else { return Ok(()) };
        if !w.conn().targets_of(&[ROOT_ID], 2000, 2100).await?.is_empty() {
            return Ok(());
        }
        let r28 = "Nghị quyết 28-NQ/TW ngày 23/5/2018 của Ban Chấp hành Trung ương (mục tiêu toàn quốc)";
        for (year, indicator, bp) in [
            (2025, Indicator::Si, 4500),
            (2025, Indicator::VsiFarmer, 250),
            (2030, Indicator::Si, 6000),
            (2030, Indicator::VsiFarmer, 500),
        ] {
            self.insert_target(w, &root, year, indicator, bp, r28, "Tham khảo / reference").await?;
        }
        Ok(())
    }
}

/// Outside the actor's scope answers like a unit that does not exist; inside it, setting
/// targets needs [`Permission::ManageTargets`].
pub(crate) fn manage_guard(actor: &Actor, u: &Unit) -> Result<()> {
    if !actor.can(Permission::View, &u.path) {
        Err(AppError::NotFound)
    } else if !actor.can(Permission::ManageTargets, &u.path) {
        Err(AppError::Forbidden)
    } else {
        Ok(())
    }
}

/// The year of a YYYYMM key and the key of December that year.
pub(crate) fn year_end(month: i64) -> i64 {
    (month / 100) * 100 + 12
}

/// Units directly below `u` valid on `on` that indicators roll up from.
pub(crate) async fn children(c: &mut Conn<'_>, u: &Unit, on: NaiveDate) -> Result<Vec<Unit>> {
    Ok(c.unit_children(u.id, Some(on)).await?)
}
