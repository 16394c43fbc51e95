//! `GET /api/v1/me`: who the token or session belongs to, and its scope.

use crate::AppState;
use crate::error::ApiError;
use crate::session::ApiUser;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct GrantDto {
    /// admin, province_officer, commune_officer, org_member, collector, viewer
    pub role: String,
    pub unit_id: i64,
    pub unit_name: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MeDto {
    pub username: String,
    pub grants: Vec<GrantDto>,
}

/// The caller and the scope every other answer is filtered by.
#[utoipa::path(get, path = "/api/v1/me", tag = "me",
    responses((status = 200, body = MeDto), (status = 401, body = crate::error::ApiErrorBody)))]
pub async fn get(State(_state): State<AppState>, ApiUser(actor): ApiUser) -> Result<Json<MeDto>, ApiError> {
    Ok(Json(MeDto {
        username: actor.username.clone(),
        grants: actor
            .grants
            .iter()
            .map(|g| GrantDto {
                role: g.role.as_str().into(),
                unit_id: g.unit_id,
                unit_name: g.unit_name.clone(),
            })
            .collect(),
    }))
}
