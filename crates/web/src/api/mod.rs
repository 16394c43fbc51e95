//! JSON API under `/api/v1`, described by OpenAPI at `/api/openapi.json`, Swagger UI at
//! `/api/docs`. Authentication: `Authorization: Bearer <token>` (from `ansinh user token`) or
//! the browser session. Every answer is filtered by the caller's scope.

pub mod calc;
pub mod collection;
pub mod households;
pub mod imports;
pub mod indicators;
pub mod me;
pub mod models;
pub mod persons;
pub mod units;

use crate::AppState;
use crate::error::{ApiErrorBody, ApiErrorDetail, FieldError};
use ansinh_app::AppError;
use axum::Router;
use axum::routing::{get, post};
use chrono::NaiveDate;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_swagger_ui::SwaggerUi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "An Sinh API",
        version = "1",
        description = "An Sinh — mở rộng bao phủ BHXH tự nguyện, BHTN, BHYT hộ gia đình. \
                       Errors: {\"error\": {\"code\", \"field\", \"message_vi\", \"message_en\"}}."
    ),
    paths(units::list, units::get, me::get, calc::post_vsi, calc::post_hi, calc::post_retirement, calc::post_pension,
          persons::list, persons::create, persons::get, persons::update, households::get, households::set_poverty,
          collection::issue_book, collection::my_books, collection::enrol_vsi, collection::change_terms, collection::enrol_hi,
          collection::cover, collection::pay, collection::receipt, collection::void, collection::verify, collection::day, collection::due, collection::due_places, collection::citizen_lookup, collection::close_day, collection::remittances, collection::review, collection::import_list, collection::reminders, collection::queue_reminders, collection::reminders_file,
          models::list, models::create, models::get, models::replicate, models::status, models::add_member, models::leave, models::deposit, models::fund, models::reverse, models::groups, models::campaigns, models::create_campaign, models::campaign, models::visit, models::next,
          indicators::dashboard, indicators::values, indicators::plan, indicators::hand_down, indicators::retention, indicators::targets, indicators::add_target, indicators::add_denominator, indicators::snapshots, indicators::take_snapshot, indicators::snapshot, indicators::import_targets,
          imports::submit, imports::get, imports::list),
    components(schemas(imports::ImportJobDto, imports::ImportReportDto, ansinh_app::indicators::import::TargetImport, indicators::HandDownDto, indicators::HandedDownDto, indicators::TargetDto, indicators::DenominatorDto, indicators::TargetsDto, indicators::CreatedDto, indicators::SnapshotDto, indicators::NewSnapshotDto, ansinh_app::indicators::NewTarget, ansinh_app::indicators::NewDenominator, ansinh_app::indicators::plan::Assignment, ansinh_app::indicators::plan::Plan, ansinh_app::indicators::plan::PlanRow, ansinh_app::indicators::plan::Cohort, ansinh_app::indicators::report::Dashboard, ansinh_app::indicators::report::ChildRow, ansinh_app::indicators::report::TrendPoint, ansinh_app::indicators::report::TrendValue, ansinh_app::indicators::report::Projection, ansinh_app::indicators::report::DistrictRow, ansinh_app::indicators::UnitIndicators, ansinh_app::indicators::IndicatorValue, ansinh_app::indicators::UnitHead, ansinh_app::indicators::Denominator, ansinh_app::indicators::TargetInfo, collection::ListImportDto, collection::RowErrorDto, collection::ReminderDto, collection::OutboxDto, collection::QueueDto, models::ModelDto, models::ModelStatsDto, models::ModelSummaryDto, models::MemberDto, models::MemberViewDto, models::PlanDto, models::ModelDetailDto, models::FundEntryDto, models::PoolDto, models::StatementLineDto, models::StatementDto, models::GroupLineDto, models::UninsuredDto, models::GroupsDto, models::CampaignDto, models::VisitDto, models::FunnelDto, models::CampaignDetailDto, models::FactorDto, models::NextVisitDto, models::ReplicateDto, models::StatusDto, models::ReasonDto, ansinh_app::models::NewModel, ansinh_app::models::NewMember, ansinh_app::models::NewDeposit, ansinh_app::models::NewCampaign, ansinh_app::models::NewVisit, collection::BookDto, collection::StandingDto, collection::ParticipationDto, collection::ReceiptDto, collection::ReceiptLineDto, collection::SourceDto, collection::ReceiptDetailDto, collection::PaymentDto, collection::NextPaymentDto, collection::CoverItemDto, collection::CoverDto, collection::DayDto, collection::DueDto, collection::DuePlacesDto, ansinh_app::collection::DuePlace, ansinh_app::collection::VsiEnrolment, collection::HiEnrolmentDto, collection::VoidDto, collection::CitizenLookupDto, collection::RemittanceDto, collection::CloseDayDto, collection::ReviewDto, ansinh_app::collection::CitizenCover, ansinh_app::collection::CitizenScheme, ansinh_app::collection::CitizenReceipt, ansinh_app::collection::NewBook, ansinh_app::collection::VsiTerms, ansinh_app::collection::PaymentRequest, ansinh_app::collection::PaymentItem, ansinh_app::collection::SourceInput, ansinh_app::collection::PublicReceipt, persons::PersonInputDto, persons::PersonUpdateDto, persons::PersonDto, persons::PersonDetailDto, persons::PersonPageDto, persons::HouseMateDto, persons::MoveDto, households::HouseholdDto, households::HouseholdMemberDto, households::PovertyDto, households::PovertyRequest, ansinh_app::calc::VsiRequest, ansinh_app::calc::VsiResponse, ansinh_app::calc::VsiLineDto, ansinh_app::calc::DeadlineDto, ansinh_app::calc::BasisDto, ansinh_app::calc::HiRequest, ansinh_app::calc::HiResponse, ansinh_app::calc::HiMemberDto, ansinh_app::calc::RetirementRequest, ansinh_app::calc::RetirementResponse, ansinh_app::calc::PensionRequest, ansinh_app::calc::PensionResponse, units::UnitDto, units::UnitDetailDto, me::MeDto, me::GrantDto, ApiErrorBody, ApiErrorDetail, FieldError)),
    modifiers(&BearerAuth, &CommonErrors),
    security(("bearer" = [])),
    tags((name = "units", description = "Đơn vị hành chính — administrative units"),
         (name = "me", description = "Người gọi — the caller"),
         (name = "persons", description = "Nhân khẩu — persons of the population registry"),
         (name = "households", description = "Hộ gia đình — households, poverty status per year"),
         (name = "collection", description = "Tham gia và thu — enrolment, payments, receipts"),
         (name = "models", description = "Mô hình an sinh và vận động — community models, funds, 100% groups, campaigns, visits"),
         (name = "indicators", description = "Chỉ tiêu bao phủ — coverage indicators against targets, planner, retention, snapshots"),
         (name = "calc", description = "Máy tính BHXH — calculators (public, no sign-in)"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The error answers every operation may give besides its own, in the document so clients
/// (and schemathesis) expect them: 400 for a path or query value of the wrong type or a body
/// that is not JSON, 422 for a value the API refuses (the field named), 413 for a body over the limit, 415 for a JSON body sent without its
/// content type, 503 when the database is busy past its wait. All in the `{"error": {…}}` body.
struct CommonErrors;

impl utoipa::Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let answer = |what: &str| {
            ResponseBuilder::new()
                .description(what)
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("ApiErrorBody"))).build(),
                )
                .build()
        };
        for item in openapi.paths.paths.values_mut() {
            let shared = item.parameters.as_ref().is_some_and(|p| !p.is_empty());
            for op in [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch]
                .into_iter()
                .flatten()
            {
                let params = shared || op.parameters.as_ref().is_some_and(|p| !p.is_empty());
                let body = match &op.request_body {
                    Some(utoipa::openapi::RefOr::T(b)) => Some(b.content.contains_key("application/json")),
                    Some(_) => Some(false),
                    None => None,
                };
                let mut add = |code: &str, what: &str| {
                    op.responses.responses.entry(code.to_string()).or_insert_with(|| answer(what).into());
                };
                if params || body == Some(true) {
                    add(
                        "400",
                        "Giá trị sai kiểu trong đường dẫn hoặc truy vấn, hoặc nội dung không phải JSON — a path or query value of the wrong type, or a body that is not JSON",
                    );
                }
                if params || body.is_some() {
                    add(
                        "422",
                        "Giá trị không hợp lệ, nêu tên trường — a value is invalid; the field is named",
                    );
                }
                if body.is_some() {
                    add("413", "Nội dung gửi lên quá lớn — the body is over the limit");
                }
                if body == Some(true) {
                    add(
                        "415",
                        "Cần Content-Type: application/json — the JSON body's content type is missing",
                    );
                }
                add("503", "Cơ sở dữ liệu đang bận, xin thử lại — the database is busy, try again");
            }
        }
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/units", get(units::list))
        .route("/api/v1/units/{code}", get(units::get))
        .route("/api/v1/me", get(me::get))
        .route("/api/v1/persons", get(persons::list).post(persons::create))
        .route("/api/v1/persons/{id}", get(persons::get).put(persons::update))
        .route("/api/v1/households/{id}", get(households::get))
        .route("/api/v1/households/{id}/poverty", post(households::set_poverty))
        .route("/api/v1/books", post(collection::issue_book))
        .route("/api/v1/books/mine", get(collection::my_books))
        .route("/api/v1/persons/{id}/vsi", post(collection::enrol_vsi))
        .route("/api/v1/persons/{id}/cover", get(collection::cover))
        .route("/api/v1/participations/{id}/terms", post(collection::change_terms))
        .route("/api/v1/households/{id}/hi", post(collection::enrol_hi))
        .route("/api/v1/payments", post(collection::pay))
        .route("/api/v1/receipts/verify/{code}", get(collection::verify))
        .route("/api/v1/receipts/{id}", get(collection::receipt))
        .route("/api/v1/receipts/{id}/void", post(collection::void))
        .route("/api/v1/collect/day", get(collection::day))
        .route("/api/v1/collect/due", get(collection::due))
        .route("/api/v1/collect/due/places", get(collection::due_places))
        .route("/api/v1/citizen/lookup", post(collection::citizen_lookup))
        .route("/api/v1/remittances", get(collection::remittances).post(collection::close_day))
        .route("/api/v1/remittances/{id}/review", post(collection::review))
        .route(
            "/api/v1/participation-lists",
            post(collection::import_list)
                .layer(axum::extract::DefaultBodyLimit::max(crate::pages::imports::MAX_UPLOAD)),
        )
        .route(
            "/api/v1/imports/persons",
            post(imports::submit)
                .layer(axum::extract::DefaultBodyLimit::max(crate::pages::imports::MAX_UPLOAD)),
        )
        .route("/api/v1/imports", get(imports::list))
        .route("/api/v1/imports/{id}", get(imports::get))
        .route("/api/v1/reminders", get(collection::reminders).post(collection::queue_reminders))
        .route("/api/v1/reminders/{channel}", get(collection::reminders_file))
        .route("/api/v1/models", get(models::list).post(models::create))
        .route("/api/v1/models/{id}", get(models::get))
        .route("/api/v1/models/{id}/replicate", post(models::replicate))
        .route("/api/v1/models/{id}/status", post(models::status))
        .route("/api/v1/models/{id}/members", post(models::add_member))
        .route("/api/v1/members/{id}/leave", post(models::leave))
        .route("/api/v1/models/{id}/deposits", post(models::deposit))
        .route("/api/v1/models/{id}/fund", get(models::fund))
        .route("/api/v1/fund-entries/{id}/reverse", post(models::reverse))
        .route("/api/v1/groups/{unit_id}", get(models::groups))
        .route("/api/v1/campaigns", get(models::campaigns).post(models::create_campaign))
        .route("/api/v1/campaigns/{id}", get(models::campaign))
        .route("/api/v1/visits", post(models::visit))
        .route("/api/v1/visit-next", get(models::next))
        .route("/api/v1/indicators/{unit_id}", get(indicators::dashboard))
        .route("/api/v1/indicators/{unit_id}/values", get(indicators::values))
        .route("/api/v1/indicators/{unit_id}/plan", get(indicators::plan).post(indicators::hand_down))
        .route("/api/v1/indicators/{unit_id}/retention", get(indicators::retention))
        .route("/api/v1/targets", get(indicators::targets).post(indicators::add_target))
        .route("/api/v1/denominators", post(indicators::add_denominator))
        .route(
            "/api/v1/targets/import",
            post(indicators::import_targets)
                .layer(axum::extract::DefaultBodyLimit::max(crate::pages::imports::MAX_UPLOAD)),
        )
        .route("/api/v1/snapshots", get(indicators::snapshots).post(indicators::take_snapshot))
        .route("/api/v1/snapshots/{unit_id}/{month}", get(indicators::snapshot))
        .route("/api/v1/calc/vsi", post(calc::post_vsi))
        .route("/api/v1/calc/hi-household", post(calc::post_hi))
        .route("/api/v1/calc/retirement", post(calc::post_retirement))
        .route("/api/v1/calc/pension", post(calc::post_pension))
        .layer(axum::middleware::from_fn(json_errors))
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", ApiDoc::openapi()))
}

/// Every API error in the documented `{"error": {…}}` shape: axum's own rejections (a body
/// that is not JSON, a path segment that is not a number, a missing content type) answer plain
/// text; this turns them into the same body the handlers' errors have, keeping the status.
async fn json_errors(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    let res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let detail = match axum::body::to_bytes(res.into_body(), 4096).await {
        Ok(b) => String::from_utf8_lossy(&b).trim().to_string(),
        Err(_) => String::new(),
    };
    let (code, vi) = match status.as_u16() {
        404 => ("not_found", "Không tìm thấy"),
        405 => ("method_not_allowed", "Phương thức không được hỗ trợ cho địa chỉ này"),
        413 => ("too_large", "Nội dung gửi lên quá lớn"),
        415 => ("unsupported_media_type", "Cần gửi nội dung JSON (Content-Type: application/json)"),
        s if s >= 500 => ("internal", "Lỗi hệ thống, xin thử lại"),
        _ => ("invalid", "Yêu cầu không hợp lệ"),
    };
    let en =
        if detail.is_empty() { status.canonical_reason().unwrap_or("error").to_string() } else { detail };
    let body = crate::error::ApiErrorBody {
        error: crate::error::ApiErrorDetail {
            code: code.into(),
            field: None,
            message_vi: format!("{vi}: {en}"),
            message_en: en,
            fields: Vec::new(),
        },
    };
    (status, axum::Json(body)).into_response()
}

/// Parse an optional `on` date (YYYY-MM-DD or dd/mm/yyyy) from a query.
pub fn parse_on(on: Option<&str>) -> Result<Option<NaiveDate>, AppError> {
    match on.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => crate::fmt::parse_date(s).map(Some).ok_or_else(|| {
            AppError::invalid(
                "on",
                format!("Ngày «{s}» không hợp lệ, cần dạng YYYY-MM-DD"),
                format!("date «{s}» is invalid, expected YYYY-MM-DD"),
            )
        }),
    }
}
