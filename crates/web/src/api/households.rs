//! `GET /api/v1/households/{id}`, `POST /api/v1/households/{id}/poverty`.

use super::persons::birth;
use super::units::UnitDto;
use crate::AppState;
use crate::error::ApiError;
use crate::session::ApiUser;
use ansinh_app::AppError;
use ansinh_app::registry::HouseholdView;
use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct HouseholdMemberDto {
    pub id: i64,
    pub full_name: String,
    /// Relation key to the head.
    pub relation: Option<String>,
    /// `yyyy-mm-dd`, or `yyyy`.
    pub birth_date: String,
    pub sex: String,
    pub age: i32,
}

/// Poverty status of one year (hộ nghèo / hộ cận nghèo).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PovertyDto {
    pub year: i32,
    /// poor, near_poor, none
    pub status: String,
    /// The decision it rests on (number, date).
    pub decision: String,
}

/// A household.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct HouseholdDto {
    pub id: i64,
    /// Household code, unique in the commune.
    pub code: String,
    pub place: UnitDto,
    pub head_person_id: Option<i64>,
    /// In an ethnic-minority area (vùng đồng bào dân tộc thiểu số).
    pub ethnic_minority_area: bool,
    /// In an island commune (xã đảo, đặc khu).
    pub island: bool,
    pub members: Vec<HouseholdMemberDto>,
    /// By year.
    pub poverty: Vec<PovertyDto>,
    /// Whether the caller may change this household.
    pub can_edit: bool,
}

impl From<&HouseholdView> for HouseholdDto {
    fn from(v: &HouseholdView) -> Self {
        HouseholdDto {
            id: v.household.id,
            code: v.household.code.clone(),
            place: UnitDto::from(&v.place),
            head_person_id: v.household.head_person_id,
            ethnic_minority_area: v.household.ethnic_minority_area,
            island: v.household.island,
            members: v
                .members
                .iter()
                .map(|(p, age)| HouseholdMemberDto {
                    id: p.id,
                    full_name: p.full_name.clone(),
                    relation: p.relation.map(|r| r.as_str().to_string()),
                    birth_date: birth(p),
                    sex: p.sex.key().to_string(),
                    age: *age,
                })
                .collect(),
            poverty: v
                .poverty
                .iter()
                .map(|p| PovertyDto {
                    year: p.year,
                    status: p.status.as_str().to_string(),
                    decision: p.decision.clone(),
                })
                .collect(),
            can_edit: v.can_edit,
        }
    }
}

/// One household with its members and poverty status per year.
#[utoipa::path(get, path = "/api/v1/households/{id}", tag = "households",
    params(("id" = i64, Path, description = "Household id")),
    responses((status = 200, body = HouseholdDto), (status = 401, body = crate::error::ApiErrorBody),
              (status = 404, body = crate::error::ApiErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<HouseholdDto>, ApiError> {
    let view = state.app.household_view(&actor, id).await?;
    Ok(Json(HouseholdDto::from(&view)))
}

/// A year's poverty status to record (a second record for the same year corrects the first).
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct PovertyRequest {
    pub year: Option<i32>,
    /// poor, near_poor, none (or Hộ nghèo, Hộ cận nghèo, Không).
    pub status: String,
    pub decision: String,
}

/// Record a household's poverty status for a year; answers the household.
#[utoipa::path(post, path = "/api/v1/households/{id}/poverty", tag = "households",
    params(("id" = i64, Path, description = "Household id")), request_body = PovertyRequest,
    responses((status = 200, body = HouseholdDto), (status = 401, body = crate::error::ApiErrorBody),
              (status = 403, body = crate::error::ApiErrorBody), (status = 404, body = crate::error::ApiErrorBody),
              (status = 422, body = crate::error::ApiErrorBody)))]
pub async fn set_poverty(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<PovertyRequest>,
) -> Result<Json<HouseholdDto>, ApiError> {
    let year = body.year.ok_or_else(|| AppError::invalid("year", "Cần ghi năm", "the year is required"))?;
    state.app.set_household_poverty(&actor, id, year, &body.status, &body.decision).await?;
    let view = state.app.household_view(&actor, id).await?;
    Ok(Json(HouseholdDto::from(&view)))
}
