//! Coverage indicators: dashboards (numerator, denominator with its source and year, the
//! registry's own count, target with its resolution, gap, projection; the units below ranked),
//! a unit's values, targets and official denominators (entered, never rewritten), the planner
//! and its hand-down, retention cohorts, and monthly snapshots.

use crate::AppState;
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiUser;
use ansinh_app::indicators::plan::{Assignment, Cohort, Plan};
use ansinh_app::indicators::report::Dashboard;
use ansinh_app::indicators::{NewDenominator, NewTarget, UnitIndicators};
use ansinh_app::records::{DenominatorRow, TargetRow};
use ansinh_domain::{Indicator, Invalid};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashQuery {
    /// Date (YYYY-MM-DD); default today. The figures are those of its month.
    on: Option<NaiveDate>,
    /// si, vsi, ui, hi, vsi_farmer (default si): what the units below are ranked by.
    indicator: Option<String>,
}

fn indicator(s: Option<&str>) -> Result<Indicator, ApiError> {
    match s {
        None | Some("") => Ok(Indicator::Si),
        Some(s) => Ok(Indicator::parse(s).map_err(ansinh_app::AppError::from)?),
    }
}

/// A unit's dashboard: headline indicators, 24-month trend, projections, the units below it
/// ranked (at-risk flagged), the pre-2025 districts of a province.
#[utoipa::path(get, path = "/api/v1/indicators/{unit_id}", tag = "indicators", params(("unit_id" = i64, Path, description = "Unit id (0 = the country)"), DashQuery),
    responses((status = 200, body = Dashboard), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn dashboard(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(unit_id): Path<i64>,
    Query(q): Query<DashQuery>,
) -> Result<Json<Dashboard>, ApiError> {
    let on = q.on.unwrap_or_else(|| state.app.today());
    Ok(Json(state.app.dashboard(&actor, unit_id, on, indicator(q.indicator.as_deref())?).await?))
}

/// Every indicator of one unit in a month (no ranking, no trend: the light read).
#[utoipa::path(get, path = "/api/v1/indicators/{unit_id}/values", tag = "indicators", params(("unit_id" = i64, Path, description = "Unit id"), DashQuery),
    responses((status = 200, body = UnitIndicators), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn values(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(unit_id): Path<i64>,
    Query(q): Query<DashQuery>,
) -> Result<Json<UnitIndicators>, ApiError> {
    let on = q.on.unwrap_or_else(|| state.app.today());
    Ok(Json(state.app.unit_indicators(&actor, unit_id, on).await?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    /// Default: this year.
    year: Option<i64>,
    indicator: Option<String>,
}

/// The target planner: the unit's gap to its target split over the units below it.
#[utoipa::path(get, path = "/api/v1/indicators/{unit_id}/plan", tag = "indicators", params(("unit_id" = i64, Path, description = "Unit id"), PlanQuery),
    responses((status = 200, body = Plan), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn plan(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(unit_id): Path<i64>,
    Query(q): Query<PlanQuery>,
) -> Result<Json<Plan>, ApiError> {
    let year = q.year.unwrap_or_else(|| state.app.today().year() as i64);
    Ok(Json(state.app.plan(&actor, unit_id, year, indicator(q.indicator.as_deref())?).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct HandDownDto {
    pub year: i64,
    pub indicator: String,
    pub assignments: Vec<Assignment>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HandedDownDto {
    /// Units given a target.
    pub handed_down: usize,
}

/// Hand the plan down: each assigned unit gets a target of (its numerator + additional) ÷
/// its denominator for the year, citing the parent's resolution.
#[utoipa::path(post, path = "/api/v1/indicators/{unit_id}/plan", tag = "indicators", params(("unit_id" = i64, Path, description = "Unit id")),
    request_body = HandDownDto,
    responses((status = 200, body = HandedDownDto), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn hand_down(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(unit_id): Path<i64>,
    Json(b): Json<HandDownDto>,
) -> Result<Json<HandedDownDto>, ApiError> {
    let ind = indicator(Some(&b.indicator))?;
    let n = state.app.hand_down(&actor, unit_id, b.year, ind, &b.assignments).await?;
    Ok(Json(HandedDownDto { handed_down: n }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RetentionQuery {
    /// Only the members of this community model.
    model: Option<i64>,
    /// Only those a campaign's visits enrolled.
    campaign: Option<i64>,
}

/// VSI retention by start quarter: the share still paying after 6, 12 and 24 months.
#[utoipa::path(get, path = "/api/v1/indicators/{unit_id}/retention", tag = "indicators", params(("unit_id" = i64, Path, description = "Unit id"), RetentionQuery),
    responses((status = 200, body = [Cohort]), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn retention(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(unit_id): Path<i64>,
    Query(q): Query<RetentionQuery>,
) -> Result<Json<Vec<Cohort>>, ApiError> {
    Ok(Json(state.app.retention(&actor, unit_id, q.model, q.campaign).await?))
}

/// A target (superseded ones are kept with the time they were replaced).
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetDto {
    pub id: i64,
    pub unit_id: i64,
    pub year: i64,
    pub indicator: String,
    /// Basis points: 3150 = 31.50 %.
    pub rate_bp: i64,
    pub resolution: String,
    pub note: String,
    pub entered_by: String,
    pub entered_at: DateTime<Utc>,
    pub superseded_at: Option<DateTime<Utc>>,
}

impl From<&TargetRow> for TargetDto {
    fn from(t: &TargetRow) -> Self {
        TargetDto {
            id: t.id,
            unit_id: t.unit_id,
            year: t.year,
            indicator: t.indicator.clone(),
            rate_bp: t.rate_bp,
            resolution: t.resolution.clone(),
            note: t.note.clone(),
            entered_by: t.entered_by.clone(),
            entered_at: t.entered_at,
            superseded_at: t.superseded_at,
        }
    }
}

/// An official denominator with its source.
#[derive(Debug, Serialize, ToSchema)]
pub struct DenominatorDto {
    pub id: i64,
    pub unit_id: i64,
    pub year: i64,
    /// labour_force or population
    pub kind: String,
    pub value: i64,
    pub source: String,
    pub entered_by: String,
    pub entered_at: DateTime<Utc>,
    pub superseded_at: Option<DateTime<Utc>>,
}

impl From<&DenominatorRow> for DenominatorDto {
    fn from(d: &DenominatorRow) -> Self {
        DenominatorDto {
            id: d.id,
            unit_id: d.unit_id,
            year: d.year,
            kind: d.kind.clone(),
            value: d.value,
            source: d.source.clone(),
            entered_by: d.entered_by.clone(),
            entered_at: d.entered_at,
            superseded_at: d.superseded_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TargetsDto {
    pub targets: Vec<TargetDto>,
    pub denominators: Vec<DenominatorDto>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitQuery {
    unit_id: i64,
}

/// Targets and official denominators of a unit's subtree, with their history.
#[utoipa::path(get, path = "/api/v1/targets", tag = "indicators", params(UnitQuery),
    responses((status = 200, body = TargetsDto), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn targets(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Query(q): Query<UnitQuery>,
) -> Result<Json<TargetsDto>, ApiError> {
    let (t, d) = state.app.targets_and_denominators(&actor, q.unit_id).await?;
    Ok(Json(TargetsDto {
        targets: t.iter().map(TargetDto::from).collect(),
        denominators: d.iter().map(DenominatorDto::from).collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedDto {
    pub id: i64,
}

/// Enter a target (supersedes the unit's target for that year and indicator).
#[utoipa::path(post, path = "/api/v1/targets", tag = "indicators", request_body = NewTarget,
    responses((status = 201, body = CreatedDto), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn add_target(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Json(b): Json<NewTarget>,
) -> Result<(StatusCode, Json<CreatedDto>), ApiError> {
    Ok((StatusCode::CREATED, Json(CreatedDto { id: state.app.add_target(&actor, &b).await? })))
}

/// Enter an official denominator with its source (supersedes the one of that year and kind).
#[utoipa::path(post, path = "/api/v1/denominators", tag = "indicators", request_body = NewDenominator,
    responses((status = 201, body = CreatedDto), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn add_denominator(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Json(b): Json<NewDenominator>,
) -> Result<(StatusCode, Json<CreatedDto>), ApiError> {
    Ok((StatusCode::CREATED, Json(CreatedDto { id: state.app.add_denominator(&actor, &b).await? })))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SnapshotDto {
    pub province_code: String,
    /// YYYYMM
    pub month: i64,
    pub taken_by: String,
    pub taken_at: DateTime<Utc>,
}

/// The months kept as snapshots under a unit.
#[utoipa::path(get, path = "/api/v1/snapshots", tag = "indicators", params(UnitQuery),
    responses((status = 200, body = [SnapshotDto]), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn snapshots(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Query(q): Query<UnitQuery>,
) -> Result<Json<Vec<SnapshotDto>>, ApiError> {
    Ok(Json(
        state
            .app
            .snapshots(&actor, q.unit_id)
            .await?
            .into_iter()
            .map(|(province_code, month, taken_by, taken_at)| SnapshotDto {
                province_code,
                month,
                taken_by,
                taken_at,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewSnapshotDto {
    /// The province's unit id.
    pub unit_id: i64,
    /// YYYY-MM
    pub month: String,
}

fn month(s: &str) -> Result<i64, ApiError> {
    ansinh_domain::indicator::parse_month(s)
        .map_err(|e: Invalid| ApiError::from(ansinh_app::AppError::from(e)))
}

/// Keep a province's month as a snapshot (422 if that month is kept already).
#[utoipa::path(post, path = "/api/v1/snapshots", tag = "indicators", request_body = NewSnapshotDto,
    responses((status = 201, body = CreatedDto), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn take_snapshot(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Json(b): Json<NewSnapshotDto>,
) -> Result<(StatusCode, Json<CreatedDto>), ApiError> {
    let m = month(&b.month)?;
    match state.app.take_snapshot(&actor, b.unit_id, m).await? {
        Some(id) => Ok((StatusCode::CREATED, Json(CreatedDto { id }))),
        // Never rewritten: a second snapshot of a month is refused.
        None => Err(ApiError::from(Invalid::new(
            "month",
            format!("Tháng {} đã được chốt, không chốt lại", b.month),
            format!("month {} is kept already and is never retaken", b.month),
        ))),
    }
}

/// A kept month's dashboard of a province, exactly as it was.
#[utoipa::path(get, path = "/api/v1/snapshots/{unit_id}/{month}", tag = "indicators",
    params(("unit_id" = i64, Path, description = "The province's unit id"), ("month" = String, Path, description = "YYYY-MM"), DashQuery),
    responses((status = 200, body = Dashboard), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn snapshot(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path((unit_id, m)): Path<(i64, String)>,
    Query(q): Query<DashQuery>,
) -> Result<Json<Dashboard>, ApiError> {
    let m = month(&m)?;
    let ind = indicator(q.indicator.as_deref())?;
    state
        .app
        .snapshot_dashboard(&actor, unit_id, m, ind)
        .await?
        .map(Json)
        .ok_or(ApiError::from(ansinh_app::AppError::NotFound))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The file's name (its extension says CSV or XLSX).
    filename: String,
}

/// Import targets and official denominators from a file sent as the body (CSV or XLSX, the
/// columns of `/indicators/targets-template.csv`); all or nothing: `written` is false and
/// every bad row is listed when one row is wrong.
#[utoipa::path(post, path = "/api/v1/targets/import", tag = "indicators", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = ansinh_app::indicators::import::TargetImport), (status = 401, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn import_targets(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Query(q): Query<ImportQuery>,
    body: axum::body::Bytes,
) -> Result<Json<ansinh_app::indicators::import::TargetImport>, ApiError> {
    Ok(Json(state.app.import_targets(&actor, &q.filename, &body).await?))
}
