//! Chỉ tiêu bao phủ — the dashboards (province, commune, village, group), the map, the
//! planner, targets and official denominators, retention cohorts, the report (PDF, XLSX), CSV
//! of the ranking, monthly snapshots, and the bundled boundaries for the maps.

use crate::AppState;
use crate::downloads::file_response;
use crate::error::{PageError, form_outcome, unprocessable};
use crate::pages::models::{Parsed, field_errors, number_field};
use crate::pages::render;
use crate::session::Page;
use ansinh_app::indicators::files::{self, pct, points};
use ansinh_app::indicators::plan::{Assignment, Cohort, Plan};
use ansinh_app::indicators::report::Dashboard;
use ansinh_app::indicators::{IndicatorValue, NewDenominator, NewTarget};
use ansinh_app::records::{DenominatorRow, TargetRow};
use ansinh_domain::{DenominatorKind, Indicator, Invalid, Level, Permission};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct DashQuery {
    #[serde(default)]
    pub on: String,
    #[serde(default)]
    pub indicator: String,
    /// A kept month (YYYYMM) instead of the live figures.
    #[serde(default)]
    pub snapshot: String,
}

pub fn indicator_of(s: &str) -> Indicator {
    Indicator::parse(s).unwrap_or(Indicator::Si)
}

fn on_of(page: &Page, s: &str) -> NaiveDate {
    crate::fmt::parse_date(s).unwrap_or(page.today)
}

/// A value the templates pass in whatever reference form askama gives: basis points, maybe.
pub trait Bp {
    fn bp(&self) -> Option<i64>;
}
impl Bp for i64 {
    fn bp(&self) -> Option<i64> {
        Some(*self)
    }
}
impl Bp for Option<i64> {
    fn bp(&self) -> Option<i64> {
        *self
    }
}
impl<T: Bp + ?Sized> Bp for &T {
    fn bp(&self) -> Option<i64> {
        (**self).bp()
    }
}
impl<T: Bp> Bp for Option<&T> {
    fn bp(&self) -> Option<i64> {
        self.and_then(|x| x.bp())
    }
}

pub fn label(page: &Page, i: Indicator) -> &'static str {
    if page.is_vi() { i.label_vi() } else { i.label_en() }
}

/// Where the indicators start for this user: the country for a national scope, else the
/// first unit of its scope.
pub async fn index(State(state): State<AppState>, page: Page) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let roots = state.app.scope_roots(actor).await?;
    let id = roots.first().map(|u| u.id).ok_or(PageError::App(ansinh_app::AppError::NotFound))?;
    Ok(Redirect::to(&format!("/indicators/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "indicators.html")]
pub struct DashTpl<'a> {
    pub page: &'a Page,
    pub d: Dashboard,
    pub q: DashQuery,
    pub can_manage: bool,
    /// The figures as JSON for the charts and the map (the tables show the same).
    pub data_json: String,
    pub snapshots: Vec<(String, i64, String)>,
}

impl DashTpl<'_> {
    pub fn pct(&self, bp: impl Bp) -> String {
        let s = pct(bp.bp());
        if self.page.is_vi() { s } else { s.replace(',', ".") }
    }
    pub fn pts(&self, bp: impl Bp) -> String {
        let s = points(bp.bp().map(|g| -g));
        if self.page.is_vi() { s } else { s.replace(',', ".") }
    }
    pub fn n(&self, v: impl Bp) -> String {
        ansinh_reports::pdf::thousands(v.bp().unwrap_or(0))
    }
    pub fn positive(&self, v: impl Bp) -> bool {
        v.bp().is_some_and(|x| x > 0)
    }
    /// A commune, village or group (they have the 100 %-group view).
    pub fn is_local(&self) -> bool {
        matches!(self.d.unit.level, Level::Commune | Level::Village | Level::Group)
    }
    pub fn is_province(&self) -> bool {
        self.d.unit.level == Level::Province
    }
    pub fn label(&self, i: &Indicator) -> &'static str {
        label(self.page, *i)
    }
    pub fn month(&self, k: &i64) -> String {
        files::month_label(*k)
    }
    pub fn indicators(&self) -> Vec<(&'static str, &'static str, bool)> {
        Indicator::ALL.iter().map(|i| (i.as_str(), label(self.page, *i), *i == self.d.indicator)).collect()
    }
    pub fn value(&self, i: &Indicator) -> Option<IndicatorValue> {
        self.d.headline.get(*i).cloned()
    }
    pub fn projection(&self, i: &Indicator) -> Option<ansinh_app::indicators::report::Projection> {
        self.d.projections.iter().find(|p| p.indicator == *i).cloned()
    }
    pub fn chosen(&self, c: &ansinh_app::indicators::report::ChildRow) -> Option<IndicatorValue> {
        c.indicators.get(self.d.indicator).cloned()
    }
    pub fn trend_value(&self, p: &ansinh_app::indicators::report::TrendPoint, i: &Indicator) -> Option<i64> {
        p.values.iter().find(|v| v.indicator == *i).and_then(|v| v.rate_bp)
    }
    pub fn width(&self, bp: impl Bp) -> i64 {
        bp.bp().map(|b| (b / 100).clamp(0, 100)).unwrap_or(0)
    }
    pub fn has_map(&self) -> bool {
        matches!(self.d.unit.level, Level::Province | Level::Country)
    }
    pub fn on_str(&self) -> String {
        self.d.on.format("%Y-%m-%d").to_string()
    }
    pub fn as_of(&self) -> String {
        self.d.as_of.with_timezone(&ansinh_app::VN_OFFSET).format("%d/%m/%Y %H:%M").to_string()
    }
    pub fn child_level_label(&self) -> String {
        match self.d.children.first().map(|c| c.indicators.unit.level) {
            Some(Level::Province) => self.page.t("ind-provinces"),
            Some(Level::Commune) => self.page.t("ind-communes"),
            Some(Level::Village) => self.page.t("ind-villages"),
            Some(Level::Group) => self.page.t("ind-groups"),
            _ => self.page.t("ind-units"),
        }
    }
    pub fn query(&self) -> String {
        format!("on={}&indicator={}", self.on_str(), self.d.indicator.as_str())
    }
}

async fn dashboard_data(
    state: &AppState,
    page: &Page,
    id: i64,
    q: &DashQuery,
) -> Result<Dashboard, PageError> {
    let actor = page.actor()?;
    let indicator = indicator_of(&q.indicator);
    if let Ok(month) = q.snapshot.trim().parse::<i64>()
        && let Some(d) = state.app.snapshot_dashboard(actor, id, month, indicator).await?
    {
        return Ok(d);
    }
    Ok(state.app.dashboard(actor, id, on_of(page, &q.on), indicator).await?)
}

/// The figures the charts and the map draw, as JSON.
fn chart_json(d: &Dashboard) -> String {
    let trend: Vec<serde_json::Value> = d
        .trend
        .iter()
        .map(|p| {
            let mut o = serde_json::json!({ "month": files::month_label(p.month) });
            for v in &p.values {
                o[v.indicator.as_str()] = serde_json::json!(v.rate_bp.map(|b| b as f64 / 100.0));
            }
            o
        })
        .collect();
    let units: Vec<serde_json::Value> = d
        .children
        .iter()
        .map(|c| {
            let v = c.indicators.get(d.indicator);
            serde_json::json!({
                "id": c.indicators.unit.id,
                "code": c.indicators.unit.code,
                "name": c.indicators.unit.name,
                "rate": v.and_then(|v| v.rate_bp).map(|b| b as f64 / 100.0),
                "gap": v.and_then(|v| v.gap_bp).map(|b| b as f64 / 100.0),
                "at_risk": c.at_risk,
            })
        })
        .collect();
    serde_json::json!({
        "level": d.unit.level.as_str(),
        "province": d.unit.province_code,
        "indicator": d.indicator.as_str(),
        "trend": trend,
        "units": units,
    })
    .to_string()
    // Safe inside <script type="application/json">.
    .replace("</", "<\\/")
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<DashQuery>,
) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    let d = dashboard_data(&state, &page, id, &q).await?;
    let can_manage = actor.can(Permission::ManageTargets, &d.unit.path);
    let snapshots = if d.unit.level == Level::Province {
        state.app.snapshots(actor, id).await?.into_iter().map(|(p, m, by, _)| (p, m, by)).collect()
    } else {
        vec![]
    };
    let data_json = chart_json(&d);
    render(&DashTpl { page: &page, d, q, can_manage, data_json, snapshots })
}

// ─── Report files ─────────────────────────────────────────────────────────────────────────

fn report_name(d: &Dashboard, ext: &str) -> String {
    format!("bao-cao-chi-tieu-{}-{}.{ext}", d.unit.code, d.month)
}

pub async fn report_pdf(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<DashQuery>,
) -> Result<Response, PageError> {
    let d = dashboard_data(&state, &page, id, &q).await?;
    Ok(file_response(files::report_pdf(&d), "application/pdf", &report_name(&d, "pdf")))
}

pub async fn report_xlsx(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<DashQuery>,
) -> Result<Response, PageError> {
    let d = dashboard_data(&state, &page, id, &q).await?;
    let bytes =
        files::report_xlsx(&d).map_err(|e| PageError::Page(StatusCode::INTERNAL_SERVER_ERROR, e.vi))?;
    Ok(file_response(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &report_name(&d, "xlsx"),
    ))
}

/// The ranking table as CSV.
pub async fn ranking_csv(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<DashQuery>,
) -> Result<Response, PageError> {
    let d = dashboard_data(&state, &page, id, &q).await?;
    let headers = [
        "hang",
        "ma",
        "don_vi",
        "chi_tieu",
        "tu_so",
        "mau_so",
        "nguon_mau_so",
        "nam_mau_so",
        "ty_le_phan_tram",
        "mau_so_so_dang_ky",
        "chi_tieu_giao_phan_tram",
        "can_them",
        "du_bao_phan_tram",
        "nguy_co",
    ];
    let rows: Vec<Vec<String>> = d
        .children
        .iter()
        .map(|c| {
            let v = c.indicators.get(d.indicator);
            let bp = |b: Option<i64>| b.map(|b| format!("{:.2}", b as f64 / 100.0)).unwrap_or_default();
            vec![
                c.rank.to_string(),
                c.indicators.unit.code.clone(),
                c.indicators.unit.name.clone(),
                d.indicator.as_str().into(),
                v.map(|v| v.numerator.to_string()).unwrap_or_default(),
                v.map(|v| v.denominator.value.to_string()).unwrap_or_default(),
                v.map(|v| {
                    if v.denominator.official { v.denominator.source.clone() } else { "so_dang_ky".into() }
                })
                .unwrap_or_default(),
                v.map(|v| v.denominator.year.to_string()).unwrap_or_default(),
                bp(v.and_then(|v| v.rate_bp)),
                v.map(|v| v.registry_denominator.to_string()).unwrap_or_default(),
                bp(v.and_then(|v| v.target.as_ref().map(|t| t.rate_bp))),
                v.and_then(|v| v.needed).map(|n| n.to_string()).unwrap_or_default(),
                bp(c.projection.as_ref().map(|p| p.rate_bp)),
                if c.at_risk { "1".into() } else { "0".into() },
            ]
        })
        .collect();
    let table = ansinh_reports::Table::new(headers.iter().map(|s| s.to_string()).collect(), rows);
    let name = format!("xep-hang-{}-{}-{}.csv", d.unit.code, d.indicator.as_str(), d.month);
    Ok(file_response(ansinh_reports::write_csv(&table), "text/csv; charset=utf-8", &name))
}

// ─── Snapshots ────────────────────────────────────────────────────────────────────────────

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SnapshotForm {
    #[serde(default)]
    pub month: String,
}

pub async fn take_snapshot(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<SnapshotForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let month = ansinh_domain::indicator::parse_month(&f.month).map_err(|e| PageError::App(e.into()))?;
    state.app.take_snapshot(actor, id, month).await?;
    Ok(Redirect::to(&format!("/indicators/{id}?snapshot={month}")).into_response())
}

// ─── Targets and denominators ─────────────────────────────────────────────────────────────

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TargetForm {
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub indicator: String,
    #[serde(default)]
    pub rate: String,
    #[serde(default)]
    pub resolution: String,
    #[serde(default)]
    pub note: String,
    // Denominator fields.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub source: String,
}

#[derive(Template)]
#[template(path = "indicator_targets.html")]
pub struct TargetsTpl<'a> {
    pub page: &'a Page,
    pub unit: ansinh_app::indicators::UnitHead,
    pub units: Vec<(i64, String)>,
    pub targets: Vec<TargetRow>,
    pub denominators: Vec<DenominatorRow>,
    pub form: TargetForm,
    pub error: Option<String>,
    pub saved: bool,
    pub can_manage: bool,
}

impl TargetsTpl<'_> {
    pub fn pct(&self, bp: impl Bp) -> String {
        pct(bp.bp())
    }
    pub fn n(&self, v: impl Bp) -> String {
        ansinh_reports::pdf::thousands(v.bp().unwrap_or(0))
    }
    pub fn unit_name(&self, id: &i64) -> String {
        self.units.iter().find(|u| u.0 == *id).map(|u| u.1.clone()).unwrap_or_else(|| id.to_string())
    }
    pub fn indicator_label(&self, key: &str) -> &'static str {
        Indicator::from_key(key).map(|i| label(self.page, i)).unwrap_or("?")
    }
    pub fn kind_label(&self, key: &str) -> &'static str {
        DenominatorKind::from_key(key)
            .map(|k| if self.page.is_vi() { k.label_vi() } else { k.label_en() })
            .unwrap_or("?")
    }
    pub fn indicators(&self) -> Vec<(&'static str, &'static str, bool)> {
        Indicator::ALL
            .iter()
            .map(|i| (i.as_str(), label(self.page, *i), self.form.indicator == i.as_str()))
            .collect()
    }
    pub fn kinds(&self) -> Vec<(&'static str, &'static str, bool)> {
        DenominatorKind::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str(),
                    if self.page.is_vi() { k.label_vi() } else { k.label_en() },
                    self.form.kind == k.as_str(),
                )
            })
            .collect()
    }
    pub fn when(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        t.with_timezone(&ansinh_app::VN_OFFSET).format("%d/%m/%Y %H:%M").to_string()
    }
}

async fn targets_page<'a>(
    state: &AppState,
    page: &'a Page,
    id: i64,
    form: TargetForm,
    error: Option<String>,
    saved: bool,
) -> Result<TargetsTpl<'a>, PageError> {
    let actor = page.actor()?;
    let d = state.app.unit_indicators(actor, id, page.today).await?;
    let (targets, denominators) = state.app.targets_and_denominators(actor, id).await?;
    let kids = state.app.indicator_children(actor, id).await?;
    let mut units: Vec<(i64, String)> = vec![(d.unit.id, d.unit.name.clone())];
    units.extend(kids.iter().map(|u| (u.id, u.full_name())));
    let can_manage = actor.can(Permission::ManageTargets, &d.unit.path);
    Ok(TargetsTpl { page, unit: d.unit, units, targets, denominators, form, error, saved, can_manage })
}

pub async fn targets(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let form = TargetForm {
        unit_id: id.to_string(),
        year: page.today.year().to_string(),
        indicator: "si".into(),
        kind: "labour_force".into(),
        ..Default::default()
    };
    render(&targets_page(&state, &page, id, form, None, false).await?)
}

pub async fn add_target(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<TargetForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let result = async {
        let mut p = Parsed(Vec::new());
        let n = NewTarget {
            unit_id: p.take(number_field("unit_id", &f.unit_id)),
            year: p.take(number_field("year", &f.year)),
            indicator: f.indicator.clone(),
            rate: f.rate.clone(),
            resolution: f.resolution.clone(),
            note: f.note.clone(),
        };
        p.into_result()?;
        state.app.add_target(actor, &n).await
    }
    .await;
    targets_outcome(&state, &page, id, f, form_outcome(result)?).await
}

pub async fn add_denominator(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<TargetForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let result = async {
        let mut p = Parsed(Vec::new());
        let n = NewDenominator {
            unit_id: p.take(number_field("unit_id", &f.unit_id)),
            year: p.take(number_field("year", &f.year)),
            kind: f.kind.clone(),
            value: p.take(number_field("value", &f.value)),
            source: f.source.clone(),
        };
        p.into_result()?;
        state.app.add_denominator(actor, &n).await
    }
    .await;
    targets_outcome(&state, &page, id, f, form_outcome(result)?).await
}

async fn targets_outcome(
    state: &AppState,
    page: &Page,
    id: i64,
    f: TargetForm,
    r: Result<i64, Vec<Invalid>>,
) -> Result<Response, PageError> {
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/indicators/{id}/targets?saved=1")).into_response()),
        Err(list) => {
            let e = Some(field_errors(page, &list));
            Ok(unprocessable(render(&targets_page(state, page, id, f, e, false).await?)?))
        }
    }
}

/// A file of targets and denominators (all or nothing; the page lists every bad row).
pub async fn import_targets(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    mp: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let outcome = async {
        let u = crate::pages::imports::read_upload(mp).await?;
        state.app.import_targets(actor, &u.filename, &u.bytes).await
    }
    .await;
    let form =
        TargetForm { unit_id: id.to_string(), year: page.today.year().to_string(), ..Default::default() };
    match form_outcome(outcome)? {
        Ok(r) if r.written => Ok(Redirect::to(&format!("/indicators/{id}/targets?saved=1")).into_response()),
        Ok(r) => {
            let lines: Vec<String> = r
                .errors
                .iter()
                .map(|e| {
                    let m = if page.is_vi() { &e.vi } else { &e.en };
                    if e.column.is_empty() {
                        format!("{} {}: {m}", page.t("ind-row"), e.row)
                    } else {
                        format!("{} {}, {}: {m}", page.t("ind-row"), e.row, e.column)
                    }
                })
                .collect();
            let e = Some(format!("{} {}", page.t("ind-import-refused"), lines.join("; ")));
            Ok(unprocessable(render(&targets_page(&state, &page, id, form, e, false).await?)?))
        }
        Err(list) => {
            let e = Some(field_errors(&page, &list));
            Ok(unprocessable(render(&targets_page(&state, &page, id, form, e, false).await?)?))
        }
    }
}

/// The template of that file.
pub async fn targets_template() -> Response {
    let headers: Vec<String> =
        ansinh_app::indicators::import::HEADERS.iter().map(|s| s.to_string()).collect();
    let rows = vec![
        vec![
            "42".into(),
            "2026".into(),
            "si".into(),
            "31,5".into(),
            "Nghị quyết …/NQ-HĐND ngày …".into(),
            String::new(),
        ],
        vec![
            "42".into(),
            "2026".into(),
            "labour_force".into(),
            "536000".into(),
            "Cục Thống kê tỉnh, Niên giám 2025".into(),
            String::new(),
        ],
    ];
    let table = ansinh_reports::Table::new(headers, rows);
    file_response(ansinh_reports::write_csv(&table), "text/csv; charset=utf-8", "mau-chi-tieu.csv")
}

// ─── Planner ──────────────────────────────────────────────────────────────────────────────

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PlanQuery {
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub indicator: String,
}

#[derive(Template)]
#[template(path = "indicator_plan.html")]
pub struct PlanTpl<'a> {
    pub page: &'a Page,
    pub plan: Plan,
    pub error: Option<String>,
    pub saved: Option<usize>,
    pub can_manage: bool,
    pub entered: HashMap<i64, String>,
}

impl PlanTpl<'_> {
    pub fn pct(&self, bp: impl Bp) -> String {
        pct(bp.bp())
    }
    pub fn n(&self, v: impl Bp) -> String {
        ansinh_reports::pdf::thousands(v.bp().unwrap_or(0))
    }
    pub fn label(&self) -> &'static str {
        label(self.page, self.plan.indicator)
    }
    pub fn indicators(&self) -> Vec<(&'static str, &'static str, bool)> {
        Indicator::ALL.iter().map(|i| (i.as_str(), label(self.page, *i), *i == self.plan.indicator)).collect()
    }
    pub fn entered(&self, id: &i64, proposed: &i64) -> String {
        self.entered.get(id).cloned().unwrap_or_else(|| proposed.to_string())
    }
    pub fn potential_total(&self) -> i64 {
        self.plan.rows.iter().map(|r| r.potential).sum()
    }
}

fn plan_params(page: &Page, q: &PlanQuery) -> (i64, Indicator) {
    (q.year.trim().parse().unwrap_or(page.today.year() as i64), indicator_of(&q.indicator))
}

pub async fn plan(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<PlanQuery>,
) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    let (year, indicator) = plan_params(&page, &q);
    let plan = state.app.plan(actor, id, year, indicator).await?;
    let can_manage = actor.can(Permission::ManageTargets, &plan.unit.path);
    let saved = page.here.contains("saved=").then(|| {
        page.here
            .split("saved=")
            .nth(1)
            .and_then(|s| s.split('&').next())
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    });
    render(&PlanTpl { page: &page, plan, error: None, saved, can_manage, entered: HashMap::new() })
}

/// The planner's table as posted: `year`, `indicator` and `add_<unit id>` per row.
pub async fn hand_down(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let q = PlanQuery {
        year: f.get("year").cloned().unwrap_or_default(),
        indicator: f.get("indicator").cloned().unwrap_or_default(),
    };
    let (year, indicator) = plan_params(&page, &q);
    let mut p = Parsed(Vec::new());
    let mut entered = HashMap::new();
    let mut assignments = Vec::new();
    for (k, v) in &f {
        if let Some(uid) = k.strip_prefix("add_").and_then(|s| s.parse::<i64>().ok()) {
            entered.insert(uid, v.clone());
            let additional = p.take(number_field("additional", v));
            assignments.push(Assignment { unit_id: uid, additional });
        }
    }
    assignments.sort_by_key(|a| a.unit_id);
    let result = match p.into_result() {
        Ok(()) => state.app.hand_down(actor, id, year, indicator, &assignments).await,
        Err(e) => Err(e),
    };
    match form_outcome(result)? {
        Ok(n) => Ok(Redirect::to(&format!(
            "/indicators/{id}/plan?year={year}&indicator={}&saved={n}",
            indicator.as_str()
        ))
        .into_response()),
        Err(list) => {
            let plan = state.app.plan(actor, id, year, indicator).await?;
            let can_manage = actor.can(Permission::ManageTargets, &plan.unit.path);
            let error = Some(field_errors(&page, &list));
            Ok(unprocessable(render(&PlanTpl {
                page: &page,
                plan,
                error,
                saved: None,
                can_manage,
                entered,
            })?))
        }
    }
}

// ─── Retention ────────────────────────────────────────────────────────────────────────────

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RetentionQuery {
    #[serde(default)]
    pub model: String,
    #[serde(default)]
    pub campaign: String,
}

#[derive(Template)]
#[template(path = "indicator_retention.html")]
pub struct RetentionTpl<'a> {
    pub page: &'a Page,
    pub unit: ansinh_app::indicators::UnitHead,
    pub cohorts: Vec<Cohort>,
    pub models: Vec<(i64, String, bool)>,
    pub campaigns: Vec<(i64, String, bool)>,
}

impl RetentionTpl<'_> {
    pub fn pct(&self, bp: impl Bp) -> String {
        pct(bp.bp())
    }
}

pub async fn retention(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<RetentionQuery>,
) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    let model = q.model.trim().parse::<i64>().ok();
    let campaign = q.campaign.trim().parse::<i64>().ok();
    let cohorts = state.app.retention(actor, id, model, campaign).await?;
    let unit = state.app.unit_indicators(actor, id, page.today).await?.unit;
    let in_unit = |path: &str| path.starts_with(&unit.path);
    let models = state
        .app
        .models(actor)
        .await?
        .into_iter()
        .filter(|m| in_unit(&m.model.unit_path))
        .map(|m| (m.model.id, m.model.name.clone(), Some(m.model.id) == model))
        .collect();
    let campaigns = state
        .app
        .campaigns(actor)
        .await?
        .into_iter()
        .filter(|c| in_unit(&c.unit_path))
        .map(|c| (c.id, c.name.clone(), Some(c.id) == campaign))
        .collect();
    render(&RetentionTpl { page: &page, unit, cohorts, models, campaigns })
}

// ─── Boundaries ───────────────────────────────────────────────────────────────────────────

fn geojson(body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, "application/geo+json"), (header::CACHE_CONTROL, "public, max-age=86400")], body)
        .into_response()
}

/// The communes of a province (`42.json`).
pub async fn communes_geo(Path(file): Path<String>) -> Response {
    let code = file.trim_end_matches(".json");
    match ansinh_app::geo::communes(code) {
        Some(body) => geojson(body),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

pub async fn provinces_geo() -> Response {
    geojson(ansinh_app::geo::provinces())
}
