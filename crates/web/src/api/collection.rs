//! Enrolment and collection: receipt books, VSI and household-HI enrolment, payments (one
//! request id pays once), receipts and voids, a person's cover, the collector's day, the renewal
//! list, and the public check of a receipt's code.

use crate::AppState;
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiUser;
use ansinh_app::AppError;
use ansinh_app::collection::{
    CollectorDay, DueFilter, DueItem, HiEnrolment, NewBook, PaymentRequest, PersonCover, PublicReceipt,
    ReceiptView, Standing, VsiEnrolment, VsiTerms,
};
use ansinh_app::records::{BookRow, ParticipationRow, ReceiptRow};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A receipt book or electronic series.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookDto {
    pub id: i64,
    /// paper, electronic
    pub kind: String,
    pub series: String,
    pub book_no: String,
    pub first_no: i64,
    pub last_no: i64,
    pub next_no: i64,
    pub remaining: i64,
    pub collector_id: i64,
    pub unit_id: i64,
}

impl From<&BookRow> for BookDto {
    fn from(b: &BookRow) -> Self {
        BookDto {
            id: b.id,
            kind: b.kind.as_str().into(),
            series: b.series.clone(),
            book_no: b.book_no.clone(),
            first_no: b.first_no,
            last_no: b.last_no,
            next_no: b.next_no,
            remaining: b.remaining(),
            collector_id: b.collector_id,
            unit_id: b.unit_id,
        }
    }
}

/// Where a participation stands today.
#[derive(Debug, Serialize, ToSchema)]
pub struct StandingDto {
    /// active, waiting, due, suspended, lapsed, ended
    pub status: String,
    pub label_vi: String,
    pub label_en: String,
    /// The day the status refers to: paid through, card valid from, deadline, since, ended on.
    pub date: Option<String>,
}

impl From<&Standing> for StandingDto {
    fn from(s: &Standing) -> Self {
        let date = match s {
            Standing::Active { through } => (*through != chrono::NaiveDate::MAX).then(|| through.to_string()),
            Standing::Waiting { card_from } => Some(card_from.to_string()),
            Standing::Due { deadline, .. } => Some(deadline.to_string()),
            Standing::Suspended { since } | Standing::Lapsed { since } => Some(since.to_string()),
            Standing::Ended { on, .. } => Some(on.to_string()),
        };
        StandingDto { status: s.key().into(), label_vi: s.label_vi(), label_en: s.label_en(), date }
    }
}

/// A person's participation in one scheme.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipationDto {
    pub id: i64,
    pub person_id: i64,
    /// vsi, hi_household, csi, ui, hi
    pub scheme: String,
    pub enrolled: bool,
    pub household_id: Option<i64>,
    pub started_on: String,
    pub income: Option<i64>,
    pub mode_months: Option<i64>,
    /// Support category key (others, near_poor, poor, ethnic_minority, island).
    pub category: Option<String>,
    pub paid_through: Option<String>,
    pub ended_on: Option<String>,
    pub end_reason: String,
}

impl From<&ParticipationRow> for ParticipationDto {
    fn from(p: &ParticipationRow) -> Self {
        ParticipationDto {
            id: p.id,
            person_id: p.person_id,
            scheme: p.scheme.as_str().into(),
            enrolled: p.enrolled,
            household_id: p.household_id,
            started_on: p.started_on.to_string(),
            income: p.income,
            mode_months: p.mode_months,
            category: p.category.map(|c| c.group().to_string()),
            paid_through: p.paid_through.map(|d| d.to_string()),
            ended_on: p.ended_on.map(|d| d.to_string()),
            end_reason: p.end_reason.clone(),
        }
    }
}

/// A receipt as issued.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReceiptDto {
    pub id: i64,
    pub series: String,
    pub book_no: String,
    pub number: i64,
    /// Mã xác nhận: check it at `/bien-lai/{code}`.
    pub code: String,
    pub scheme: String,
    pub payer_person_id: i64,
    pub payer_name: String,
    pub content: String,
    pub amount: i64,
    pub paid_on: String,
    pub collector: String,
    pub voided: bool,
    pub void_reason: String,
}

impl From<&ReceiptRow> for ReceiptDto {
    fn from(r: &ReceiptRow) -> Self {
        ReceiptDto {
            id: r.id,
            series: r.series.clone(),
            book_no: r.book_no.clone(),
            number: r.number,
            code: r.code.clone(),
            scheme: r.scheme.as_str().into(),
            payer_person_id: r.payer_person_id,
            payer_name: r.payer_name.clone(),
            content: r.content.clone(),
            amount: r.amount,
            paid_on: r.paid_on.to_string(),
            collector: r.collector.clone(),
            voided: r.voided_at.is_some(),
            void_reason: r.void_reason.clone(),
        }
    }
}

/// One line of a receipt.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReceiptLineDto {
    pub participation_id: i64,
    pub person_id: i64,
    pub name: String,
    pub ordinal: i64,
    pub covers_from: String,
    pub covers_to: String,
    pub months: i64,
    pub gross: i64,
    pub state_support: i64,
    pub local_support: i64,
    pub discount: i64,
    pub amount: i64,
}

/// Who paid a part of a receipt.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceDto {
    /// person, fund, sponsor
    pub source: String,
    pub name: String,
    pub amount: i64,
}

/// A receipt with its lines, sources and the amount in words.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReceiptDetailDto {
    pub receipt: ReceiptDto,
    pub amount_words: String,
    pub lines: Vec<ReceiptLineDto>,
    pub sources: Vec<SourceDto>,
}

impl From<&ReceiptView> for ReceiptDetailDto {
    fn from(v: &ReceiptView) -> Self {
        ReceiptDetailDto {
            receipt: ReceiptDto::from(&v.receipt),
            amount_words: v.amount_words.clone(),
            lines: v
                .lines
                .iter()
                .map(|l| ReceiptLineDto {
                    participation_id: l.line.participation_id,
                    person_id: l.line.person_id,
                    name: l.name.clone(),
                    ordinal: l.line.ordinal,
                    covers_from: l.line.covers_from.to_string(),
                    covers_to: l.line.covers_to.to_string(),
                    months: l.line.months,
                    gross: l.line.gross,
                    state_support: l.line.state_support,
                    local_support: l.line.local_support,
                    discount: l.line.discount,
                    amount: l.line.amount,
                })
                .collect(),
            sources: v
                .sources
                .iter()
                .map(|s| SourceDto {
                    source: s.source.as_str().into(),
                    name: s.name.clone(),
                    amount: s.amount,
                })
                .collect(),
        }
    }
}

/// The receipts a payment request made.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentDto {
    /// True when an earlier send of the same request id made them (nothing was paid again).
    pub replayed: bool,
    pub receipts: Vec<ReceiptDto>,
}

/// The next payment of a participation if made today.
#[derive(Debug, Serialize, ToSchema)]
pub struct NextPaymentDto {
    /// YYYY-MM
    pub from: String,
    pub months: u32,
    pub amount: i64,
    pub deadline: String,
    /// Why it cannot be quoted now, if so.
    pub problem: Option<String>,
}

/// A participation with its standing and next payment.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoverItemDto {
    pub participation: ParticipationDto,
    pub standing: StandingDto,
    pub next: Option<NextPaymentDto>,
}

/// A person's participations and receipts.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoverDto {
    pub items: Vec<CoverItemDto>,
    pub receipts: Vec<ReceiptDto>,
}

impl From<&PersonCover> for CoverDto {
    fn from(c: &PersonCover) -> Self {
        CoverDto {
            items: c
                .items
                .iter()
                .map(|i| CoverItemDto {
                    participation: ParticipationDto::from(&i.participation),
                    standing: StandingDto::from(&i.standing),
                    next: i.next.as_ref().map(|n| NextPaymentDto {
                        from: n.from.to_string(),
                        months: n.months,
                        amount: n.amount,
                        deadline: n.deadline.to_string(),
                        problem: n.problem.clone(),
                    }),
                })
                .collect(),
            receipts: c.receipts.iter().map(ReceiptDto::from).collect(),
        }
    }
}

/// A collector's day.
#[derive(Debug, Serialize, ToSchema)]
pub struct DayDto {
    pub day: String,
    pub total: i64,
    pub voided: usize,
    /// Totals of valid receipts by scheme key.
    pub by_scheme: std::collections::BTreeMap<String, i64>,
    /// Totals of valid receipts by payer source.
    pub by_source: std::collections::BTreeMap<String, i64>,
    pub receipts: Vec<ReceiptDto>,
}

impl From<&CollectorDay> for DayDto {
    fn from(d: &CollectorDay) -> Self {
        DayDto {
            day: d.day.to_string(),
            total: d.total,
            voided: d.voided,
            by_scheme: d.by_scheme.clone(),
            by_source: d.by_source.clone(),
            receipts: d.receipts.iter().map(ReceiptDto::from).collect(),
        }
    }
}

/// A person due soon, suspended or lapsed.
#[derive(Debug, Serialize, ToSchema)]
pub struct DueDto {
    pub participation_id: i64,
    pub scheme: String,
    pub person_id: i64,
    pub full_name: String,
    pub phone: Option<String>,
    pub place: String,
    pub paid_through: Option<String>,
    pub standing: StandingDto,
}

impl From<&DueItem> for DueDto {
    fn from(d: &DueItem) -> Self {
        DueDto {
            participation_id: d.row.participation_id,
            scheme: d.scheme.as_str().into(),
            person_id: d.row.person_id,
            full_name: d.row.full_name.clone(),
            phone: d.row.phone.clone(),
            place: d.place.clone(),
            paid_through: d.row.paid_through.map(|t| t.to_string()),
            standing: StandingDto::from(&d.standing),
        }
    }
}

/// Issue a receipt book to a collector (SI office).
#[utoipa::path(post, path = "/api/v1/books", tag = "collection", request_body = NewBook,
    responses((status = 201, body = BookDto), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
              (status = 422, body = ApiErrorBody)))]
pub async fn issue_book(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Json(body): Json<NewBook>,
) -> Result<(StatusCode, Json<BookDto>), ApiError> {
    let b = state.app.issue_book(&actor, &body).await?;
    Ok((StatusCode::CREATED, Json(BookDto::from(&b))))
}

/// The caller's own receipt books.
#[utoipa::path(get, path = "/api/v1/books/mine", tag = "collection",
    responses((status = 200, body = Vec<BookDto>), (status = 401, body = ApiErrorBody)))]
pub async fn my_books(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> Result<Json<Vec<BookDto>>, ApiError> {
    Ok(Json(state.app.my_books(&actor).await?.iter().map(BookDto::from).collect()))
}

/// Enrol a person in voluntary social insurance.
#[utoipa::path(post, path = "/api/v1/persons/{id}/vsi", tag = "collection", request_body = VsiEnrolment,
    params(("id" = i64, Path, description = "Person id")),
    responses((status = 201, body = ParticipationDto), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
              (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn enrol_vsi(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    Json(mut e): Json<VsiEnrolment>,
) -> Result<(StatusCode, Json<ParticipationDto>), ApiError> {
    e.person_id = id;
    let p = state.app.enrol_vsi(&actor, &e).await?;
    Ok((StatusCode::CREATED, Json(ParticipationDto::from(&p))))
}

/// Change the chosen income and payment mode from the next payment on.
#[utoipa::path(post, path = "/api/v1/participations/{id}/terms", tag = "collection", request_body = VsiTerms,
    params(("id" = i64, Path, description = "Participation id")),
    responses((status = 200, body = ParticipationDto), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
              (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn change_terms(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    Json(b): Json<VsiTerms>,
) -> Result<Json<ParticipationDto>, ApiError> {
    Ok(Json(ParticipationDto::from(&state.app.change_vsi_terms(&actor, id, &b).await?)))
}

/// Members to enrol in household HI.
#[derive(Debug, Deserialize, ToSchema)]
pub struct HiEnrolmentDto {
    pub person_ids: Vec<i64>,
}

/// Enrol household members in household HI (members covered by another group are refused).
#[utoipa::path(post, path = "/api/v1/households/{id}/hi", tag = "collection", request_body = HiEnrolmentDto,
    params(("id" = i64, Path, description = "Household id")),
    responses((status = 201, body = Vec<ParticipationDto>), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
              (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn enrol_hi(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    Json(b): Json<HiEnrolmentDto>,
) -> Result<(StatusCode, Json<Vec<ParticipationDto>>), ApiError> {
    let v = state
        .app
        .enrol_hi_household(&actor, &HiEnrolment { household_id: id, person_ids: b.person_ids })
        .await?;
    Ok((StatusCode::CREATED, Json(v.iter().map(ParticipationDto::from).collect())))
}

/// A person's participations, where each stands today, and their receipts.
#[utoipa::path(get, path = "/api/v1/persons/{id}/cover", tag = "collection",
    params(("id" = i64, Path, description = "Person id")),
    responses((status = 200, body = CoverDto), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn cover(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<CoverDto>, ApiError> {
    Ok(Json(CoverDto::from(&state.app.person_cover(&actor, id).await?)))
}

/// Record a visit's payments: one receipt per item, numbered from the caller's book, priced on
/// today's parameters. The same `request_id` again answers the first receipts (200,
/// `replayed`); with other items it is refused.
#[utoipa::path(post, path = "/api/v1/payments", tag = "collection", request_body = PaymentRequest,
    responses((status = 201, body = PaymentDto), (status = 200, body = PaymentDto, description = "replayed"),
              (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
              (status = 422, body = ApiErrorBody), (status = 503, body = ApiErrorBody)))]
pub async fn pay(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Json(b): Json<PaymentRequest>,
) -> Result<(StatusCode, Json<PaymentDto>), ApiError> {
    let out = state.app.record_payment(&actor, &b).await?;
    let status = if out.replayed { StatusCode::OK } else { StatusCode::CREATED };
    Ok((
        status,
        Json(PaymentDto {
            replayed: out.replayed,
            receipts: out.receipts.iter().map(ReceiptDto::from).collect(),
        }),
    ))
}

/// A receipt with its lines and sources.
#[utoipa::path(get, path = "/api/v1/receipts/{id}", tag = "collection",
    params(("id" = i64, Path, description = "Receipt id")),
    responses((status = 200, body = ReceiptDetailDto), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn receipt(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ReceiptDetailDto>, ApiError> {
    Ok(Json(ReceiptDetailDto::from(&state.app.receipt_view(&actor, id).await?)))
}

/// Why a receipt is voided.
#[derive(Debug, Deserialize, ToSchema)]
pub struct VoidDto {
    pub reason: String,
}

/// Void a receipt (kept, marked void; its months stop counting).
#[utoipa::path(post, path = "/api/v1/receipts/{id}/void", tag = "collection", request_body = VoidDto,
    params(("id" = i64, Path, description = "Receipt id")),
    responses((status = 200, body = ReceiptDto), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
              (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn void(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    Json(b): Json<VoidDto>,
) -> Result<Json<ReceiptDto>, ApiError> {
    Ok(Json(ReceiptDto::from(&state.app.void_receipt(&actor, id, &b.reason).await?)))
}

/// Check a receipt's verification code (public: valid or void, date, amount, masked name).
#[utoipa::path(get, path = "/api/v1/receipts/verify/{code}", tag = "collection", security(()),
    params(("code" = String, Path, description = "Verification code (mã xác nhận)")),
    responses((status = 200, body = PublicReceipt), (status = 404, body = ApiErrorBody)))]
pub async fn verify(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<PublicReceipt>, ApiError> {
    Ok(Json(state.app.verify_receipt(&code).await?))
}

#[derive(Debug, Deserialize, Default)]
pub struct DayQuery {
    /// YYYY-MM-DD; default today.
    #[serde(default)]
    pub day: Option<String>,
}

/// The caller's receipts of a day with the totals by scheme and payer source.
#[utoipa::path(get, path = "/api/v1/collect/day", tag = "collection",
    params(("day" = Option<String>, Query, description = "YYYY-MM-DD, default today")),
    responses((status = 200, body = DayDto), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
              (status = 422, body = ApiErrorBody)))]
pub async fn day(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Query(q): Query<DayQuery>,
) -> Result<Json<DayDto>, ApiError> {
    let day = super::parse_on(q.day.as_deref()).map_err(|_| {
        AppError::invalid("day", "Ngày không hợp lệ, cần YYYY-MM-DD", "invalid day, expected YYYY-MM-DD")
    })?;
    Ok(Json(DayDto::from(&state.app.collector_day(&actor, day).await?)))
}

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DueQuery {
    /// Paid period ending within this many days (default 30, at most 366).
    #[serde(default)]
    #[param(maximum = 366)]
    pub days: Option<u32>,
    /// A unit code to narrow the list (village, inter-family group).
    #[serde(default)]
    pub unit: Option<String>,
    /// `all` (default), `soon` (still in time) or `overdue` (suspended, card lapsed).
    #[serde(default)]
    pub status: Option<String>,
}

/// The renewal list's lines per village and inter-family group.
#[derive(Debug, Serialize, ToSchema)]
pub struct DuePlacesDto {
    /// The list stopped at its cap of rows per scope root (narrow it with `unit`).
    pub truncated: bool,
    pub places: Vec<ansinh_app::collection::DuePlace>,
}

/// Per village and inter-family group of the caller's area (or under `unit`): how many are due
/// soon and overdue, the caller's reminders there and how many a payment followed.
#[utoipa::path(get, path = "/api/v1/collect/due/places", tag = "collection",
    params(DueQuery),
    responses((status = 200, body = DuePlacesDto), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
              (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn due_places(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Query(q): Query<DueQuery>,
) -> Result<Json<DuePlacesDto>, ApiError> {
    let filter = DueFilter::parse(q.status.as_deref().unwrap_or(""))?;
    let v = state.app.due_view(&actor, q.days.unwrap_or(30), q.unit.as_deref(), filter).await?;
    Ok(Json(DuePlacesDto { truncated: v.truncated, places: v.places }))
}

/// People whose paid period ends within `days` days, or who are due, suspended or lapsed.
#[utoipa::path(get, path = "/api/v1/collect/due", tag = "collection",
    params(DueQuery),
    responses((status = 200, body = Vec<DueDto>), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
              (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn due(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Query(q): Query<DueQuery>,
) -> Result<Json<Vec<DueDto>>, ApiError> {
    let filter = DueFilter::parse(q.status.as_deref().unwrap_or(""))?;
    let v = state.app.due_view(&actor, q.days.unwrap_or(30), q.unit.as_deref(), filter).await?;
    Ok(Json(v.items.iter().map(DueDto::from).collect()))
}

/// A citizen's own lookup: both values must match.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CitizenLookupDto {
    /// Số CCCD, 12 digits.
    pub cccd: String,
    /// DD/MM/YYYY or YYYY-MM-DD (the year alone when only the year is on record).
    pub birth_date: String,
}

/// A citizen's schemes, standing, next amount and deadline, and receipts (public; both values
/// must match a record; throttled per citizen id and address, 429 when locked).
#[utoipa::path(post, path = "/api/v1/citizen/lookup", tag = "collection", security(()), request_body = CitizenLookupDto,
    responses((status = 200, body = ansinh_app::collection::CitizenCover), (status = 422, body = ApiErrorBody),
              (status = 429, body = ApiErrorBody)))]
pub async fn citizen_lookup(
    State(state): State<AppState>,
    crate::session::ClientAddr(client): crate::session::ClientAddr,
    Json(b): Json<CitizenLookupDto>,
) -> Result<Json<ansinh_app::collection::CitizenCover>, ApiError> {
    Ok(Json(state.app.citizen_cover(&b.cccd, &b.birth_date, &client).await?))
}

/// A remittance batch.
#[derive(Debug, Serialize, ToSchema)]
pub struct RemittanceDto {
    pub id: i64,
    pub collector_id: i64,
    pub collector: String,
    pub day: String,
    pub receipts: i64,
    pub total: i64,
    /// submitted, confirmed, flagged
    pub status: String,
    pub received: Option<i64>,
    pub reviewed_by: String,
    pub note: String,
}

impl From<&ansinh_app::records::RemittanceRow> for RemittanceDto {
    fn from(r: &ansinh_app::records::RemittanceRow) -> Self {
        RemittanceDto {
            id: r.id,
            collector_id: r.collector_id,
            collector: r.collector.clone(),
            day: r.day.to_string(),
            receipts: r.receipts,
            total: r.total,
            status: r.status.clone(),
            received: r.received,
            reviewed_by: r.reviewed_by.clone(),
            note: r.note.clone(),
        }
    }
}

/// The day to close.
#[derive(Debug, Deserialize, ToSchema, Default)]
pub struct CloseDayDto {
    /// YYYY-MM-DD; default today.
    #[serde(default)]
    pub day: Option<String>,
}

/// Close the caller's day into a remittance batch.
#[utoipa::path(post, path = "/api/v1/remittances", tag = "collection", request_body = CloseDayDto,
    responses((status = 201, body = RemittanceDto), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
              (status = 422, body = ApiErrorBody)))]
pub async fn close_day(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Json(b): Json<CloseDayDto>,
) -> Result<(StatusCode, Json<RemittanceDto>), ApiError> {
    let day = super::parse_on(b.day.as_deref()).map_err(|_| {
        AppError::invalid("day", "Ngày không hợp lệ, cần YYYY-MM-DD", "invalid day, expected YYYY-MM-DD")
    })?;
    let r = state.app.close_day(&actor, day).await?;
    Ok((StatusCode::CREATED, Json(RemittanceDto::from(&r))))
}

/// The caller's batches and those in its scope, newest first.
#[utoipa::path(get, path = "/api/v1/remittances", tag = "collection",
    responses((status = 200, body = Vec<RemittanceDto>), (status = 401, body = ApiErrorBody)))]
pub async fn remittances(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> Result<Json<Vec<RemittanceDto>>, ApiError> {
    Ok(Json(state.app.remittances(&actor).await?.iter().map(RemittanceDto::from).collect()))
}

/// What the SI office counted.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewDto {
    pub received: i64,
    #[serde(default)]
    pub note: String,
}

/// Confirm a batch (the amount received equals its total) or flag the difference.
#[utoipa::path(post, path = "/api/v1/remittances/{id}/review", tag = "collection", request_body = ReviewDto,
    params(("id" = i64, Path, description = "Remittance id")),
    responses((status = 200, body = RemittanceDto), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody),
              (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn review(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    Json(b): Json<ReviewDto>,
) -> Result<Json<RemittanceDto>, ApiError> {
    Ok(Json(RemittanceDto::from(&state.app.review_remittance(&actor, id, b.received, &b.note).await?)))
}

/// How a list is imported.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The file's name; its extension says the format (`.csv` or `.xlsx`).
    pub filename: String,
    /// dry_run, all_or_nothing (default), valid_rows_only.
    #[serde(default)]
    pub mode: Option<String>,
}

/// A row the import refused, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowErrorDto {
    /// Row number as seen in Excel (the header is row 1).
    pub row: usize,
    /// The column's header as written in the file (empty: the whole row).
    pub column: String,
    pub message_vi: String,
    pub message_en: String,
}

impl RowErrorDto {
    pub fn of(e: &ansinh_domain::import::RowError) -> RowErrorDto {
        RowErrorDto {
            row: e.row,
            column: e.column.clone(),
            message_vi: e.vi.clone(),
            message_en: e.en.clone(),
        }
    }
}

/// What a participation-list import did (or would do, for a dry run).
#[derive(Debug, Serialize, ToSchema)]
pub struct ListImportDto {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Something was written (never for a dry run, nor for all-or-nothing with a bad row).
    pub written: bool,
    pub bad_rows: usize,
    pub errors: Vec<RowErrorDto>,
}

/// Import a list of participations An Sinh does not collect (compulsory SI, unemployment
/// insurance, HI of the other groups): the file as the request body, its name in `filename`.
/// Columns as the template of `/collect/lists`; re-importing the same list changes nothing.
#[utoipa::path(post, path = "/api/v1/participation-lists", tag = "collection", params(ListQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = ListImportDto), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn import_list(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Query(q): Query<ListQuery>,
    body: axum::body::Bytes,
) -> Result<Json<ListImportDto>, ApiError> {
    use ansinh_app::import::ImportMode;
    let mode = match q.mode.as_deref().map(str::trim).unwrap_or("all_or_nothing") {
        "dry_run" => ImportMode::DryRun,
        "all_or_nothing" | "" => ImportMode::AllOrNothing,
        "valid_rows_only" => ImportMode::ValidRowsOnly,
        other => {
            return Err(ApiError(AppError::invalid(
                "mode",
                format!(
                    "Cách nhập «{other}» không hợp lệ; chọn dry_run, all_or_nothing hoặc valid_rows_only"
                ),
                format!("mode «{other}» is not dry_run, all_or_nothing or valid_rows_only"),
            )));
        }
    };
    let r = state.app.import_participations(&actor, &q.filename, &body, mode).await?;
    Ok(Json(ListImportDto {
        rows: r.rows,
        created: r.created,
        updated: r.updated,
        unchanged: r.unchanged,
        written: r.written,
        bad_rows: r.bad_rows(),
        errors: r.errors.iter().map(RowErrorDto::of).collect(),
    }))
}

/// A reminder in the outbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReminderDto {
    pub id: i64,
    pub person_id: i64,
    pub participation_id: i64,
    pub phone: Option<String>,
    /// The Vietnamese message (name, amount, deadline).
    pub message: String,
    pub amount: i64,
    pub deadline: chrono::NaiveDate,
    /// The receipt that followed it, if one did.
    pub closed_by: Option<i64>,
}

/// The caller's reminder outbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxDto {
    /// Reminders queued by this request (only for POST).
    pub queued: Option<usize>,
    pub open: usize,
    /// Reminders a payment followed.
    pub paid: usize,
    pub reminders: Vec<ReminderDto>,
}

/// Queue reminders for everyone due within `days`, suspended or lapsed.
#[derive(Debug, Deserialize, ToSchema)]
pub struct QueueDto {
    /// Default 30, at most 366.
    #[serde(default)]
    #[schema(maximum = 366)]
    pub days: Option<u32>,
    /// Only those living under this unit code (village, inter-family group).
    #[serde(default)]
    pub unit: Option<String>,
    /// `all` (default), `soon` or `overdue`: as the renewal list's `status`.
    #[serde(default)]
    pub status: Option<String>,
}

fn outbox_dto(o: &ansinh_app::collection::Outbox, queued: Option<usize>) -> OutboxDto {
    OutboxDto {
        queued,
        open: o.open,
        paid: o.paid,
        reminders: o
            .reminders
            .iter()
            .map(|r| ReminderDto {
                id: r.id,
                person_id: r.person_id,
                participation_id: r.participation_id,
                phone: r.phone.clone(),
                message: r.message.clone(),
                amount: r.amount,
                deadline: r.deadline,
                closed_by: r.closed_by,
            })
            .collect(),
    }
}

/// The caller's reminders (a collector's own).
#[utoipa::path(get, path = "/api/v1/reminders", tag = "collection",
    responses((status = 200, body = OutboxDto), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)))]
pub async fn reminders(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> Result<Json<OutboxDto>, ApiError> {
    Ok(Json(outbox_dto(&state.app.outbox(&actor).await?, None)))
}

/// Queue a reminder for each person due within `days`, suspended or lapsed (one open reminder
/// per participation; a payment closes it).
#[utoipa::path(post, path = "/api/v1/reminders", tag = "collection", request_body = QueueDto,
    responses((status = 201, body = OutboxDto), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)))]
pub async fn queue_reminders(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Json(b): Json<QueueDto>,
) -> Result<(StatusCode, Json<OutboxDto>), ApiError> {
    let filter = DueFilter::parse(b.status.as_deref().unwrap_or(""))?;
    let n = state.app.queue_reminders(&actor, b.days.unwrap_or(30), b.unit.as_deref(), filter).await?;
    Ok((StatusCode::CREATED, Json(outbox_dto(&state.app.outbox(&actor).await?, Some(n)))))
}

/// The open reminders as a channel's file: `print` (a list to take along) or `sms` (CSV for an
/// SMS gateway).
#[utoipa::path(get, path = "/api/v1/reminders/{channel}", tag = "collection",
    params(("channel" = String, Path, description = "print or sms")),
    responses((status = 200, description = "the file"), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn reminders_file(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(channel): Path<String>,
) -> Result<axum::response::Response, ApiError> {
    use ansinh_app::collection::{PrintList, ReminderChannel, SmsCsv};
    let ch: &dyn ReminderChannel = match channel.as_str() {
        "print" => &PrintList,
        "sms" => &SmsCsv,
        _ => return Err(ApiError(AppError::NotFound)),
    };
    let f = state.app.outbox_file(&actor, ch).await?;
    Ok(crate::downloads::file_response(f.bytes, f.content_type, &f.filename))
}
