//! Calculators: `POST /api/v1/calc/{vsi,hi-household,retirement,pension}`, public. The request
//! and response types are [`ansinh_app::calc`]'s, shared with `ansinh calc` and the estimator.

use crate::AppState;
use crate::error::ApiError;
use ansinh_app::calc::{
    HiRequest, HiResponse, PensionRequest, PensionResponse, RetirementRequest, RetirementResponse,
    VsiRequest, VsiResponse, compute_hi, compute_pension, compute_retirement, compute_vsi,
};
use ansinh_rules::Month;
use axum::Json;
use axum::extract::State;

fn this_month(state: &AppState) -> Month {
    Month::from_date(state.app.today())
}

/// BHXH tự nguyện: contribution, state and provincial support, amount to pay.
#[utoipa::path(post, path = "/api/v1/calc/vsi", tag = "calc", request_body = VsiRequest, security(()),
    responses((status = 200, body = VsiResponse), (status = 422, body = crate::error::ApiErrorBody)))]
pub async fn post_vsi(
    State(s): State<AppState>,
    Json(r): Json<VsiRequest>,
) -> Result<Json<VsiResponse>, ApiError> {
    Ok(Json(compute_vsi(&s.app.params(), &r)?))
}

/// BHYT hộ gia đình: each member's share, monthly total, total.
#[utoipa::path(post, path = "/api/v1/calc/hi-household", tag = "calc", request_body = HiRequest, security(()),
    responses((status = 200, body = HiResponse), (status = 422, body = crate::error::ApiErrorBody)))]
pub async fn post_hi(
    State(s): State<AppState>,
    Json(r): Json<HiRequest>,
) -> Result<Json<HiResponse>, ApiError> {
    Ok(Json(compute_hi(&s.app.params(), &r)?))
}

/// Tuổi nghỉ hưu: the month of reaching it and the first pension month.
#[utoipa::path(post, path = "/api/v1/calc/retirement", tag = "calc", request_body = RetirementRequest, security(()),
    responses((status = 200, body = RetirementResponse), (status = 422, body = crate::error::ApiErrorBody)))]
pub async fn post_retirement(
    State(s): State<AppState>,
    Json(r): Json<RetirementRequest>,
) -> Result<Json<RetirementResponse>, ApiError> {
    Ok(Json(compute_retirement(&s.app.params(), &r, this_month(&s))?))
}

/// Lương hưu: eligibility, rate, monthly amount, lump sum.
#[utoipa::path(post, path = "/api/v1/calc/pension", tag = "calc", request_body = PensionRequest, security(()),
    responses((status = 200, body = PensionResponse), (status = 422, body = crate::error::ApiErrorBody)))]
pub async fn post_pension(
    State(s): State<AppState>,
    Json(r): Json<PensionRequest>,
) -> Result<Json<PensionResponse>, ApiError> {
    Ok(Json(compute_pension(&s.app.params(), &r, this_month(&s))?))
}
