//! `GET /api/v1/units`, `GET /api/v1/units/{code}`.

use crate::AppState;
use crate::error::ApiError;
use crate::session::ApiUser;
use ansinh_domain::Unit;
use axum::Json;
use axum::extract::{Path, Query, State};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An administrative unit, one version of it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UnitDto {
    pub id: i64,
    /// Official code (2/3/5 digits) or local code (`18322-01`).
    pub code: String,
    pub name: String,
    /// "Xã Kỳ Nam"
    pub full_name: String,
    /// Tỉnh, Thành phố, Huyện, Xã, Phường, Thôn, Tổ liên gia …
    pub kind: String,
    /// country, province, district, commune, village, group
    pub level: String,
    pub parent_id: Option<i64>,
    pub province_code: String,
    /// First day valid (inclusive); null = since before the records.
    pub valid_from: Option<NaiveDate>,
    /// First day no longer valid (exclusive); null = still valid.
    pub valid_to: Option<NaiveDate>,
    /// A village older than its commune: the old commune (xã cũ) it belonged to before.
    pub former_parent_id: Option<i64>,
}

impl From<&Unit> for UnitDto {
    fn from(u: &Unit) -> Self {
        UnitDto {
            id: u.id,
            code: u.code.clone(),
            name: u.name.clone(),
            full_name: u.full_name(),
            kind: u.kind.clone(),
            level: u.level.as_str().to_string(),
            parent_id: u.parent_id,
            province_code: u.province_code.clone(),
            valid_from: u.valid_from,
            valid_to: u.valid_to,
            former_parent_id: u.former_parent_id,
        }
    }
}

/// A unit with its links across eras.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UnitDetailDto {
    #[serde(flatten)]
    pub unit: UnitDto,
    /// What it became (e.g. on 1 Jul 2025).
    pub successors: Vec<UnitDto>,
    /// What it was formed from.
    pub predecessors: Vec<UnitDto>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Parent unit code; omitted = provinces.
    parent: Option<String>,
    /// Date the list is valid on (YYYY-MM-DD); default today.
    on: Option<String>,
}

/// Children of a unit valid on a date.
#[utoipa::path(get, path = "/api/v1/units", tag = "units", params(ListQuery),
    responses((status = 200, body = [UnitDto]), (status = 401, body = crate::error::ApiErrorBody),
              (status = 404, body = crate::error::ApiErrorBody), (status = 422, body = crate::error::ApiErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<UnitDto>>, ApiError> {
    let on = super::parse_on(q.on.as_deref())?;
    let parent = q.parent.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let units = state.app.list_units(&actor, parent, on).await?;
    Ok(Json(units.iter().map(UnitDto::from).collect()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GetQuery {
    /// Date to pick the version on (YYYY-MM-DD); default today.
    on: Option<String>,
}

/// One unit by code (the version valid on the date), with successors and predecessors.
#[utoipa::path(get, path = "/api/v1/units/{code}", tag = "units",
    params(("code" = String, Path, description = "Unit code"), GetQuery),
    responses((status = 200, body = UnitDetailDto), (status = 401, body = crate::error::ApiErrorBody),
              (status = 404, body = crate::error::ApiErrorBody), (status = 422, body = crate::error::ApiErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(code): Path<String>,
    Query(q): Query<GetQuery>,
) -> Result<Json<UnitDetailDto>, ApiError> {
    let on = super::parse_on(q.on.as_deref())?;
    let unit = state.app.unit_by_code(&actor, &code, on).await?;
    let view = state.app.unit_view(&actor, unit.id, on).await?;
    Ok(Json(UnitDetailDto {
        unit: UnitDto::from(&view.unit),
        successors: view.successors.iter().map(UnitDto::from).collect(),
        predecessors: view.predecessors.iter().map(UnitDto::from).collect(),
    }))
}
