//! Community models and outreach: models (launch, replicate, status), members and pledges, the
//! fund (deposits, reversals, statement), 100 %-group coverage, campaigns, visits (a
//! `client_id` sent twice is one visit) and the ranked list of whom to visit next.

use crate::AppState;
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiUser;
use ansinh_app::models::{
    CampaignView, FundStatement, GroupLine, GroupsView, ModelStats, ModelSummary, ModelView, NewCampaign,
    NewDeposit, NewMember, NewModel, NewVisit, NextVisit,
};
use ansinh_app::records::{CampaignRow, FundEntryRow, MemberRow, ModelRow, VisitRow};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A community model.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelDto {
    pub id: i64,
    pub name: String,
    /// tree_pledge, savings, garden, full_group, sponsor, other
    pub kind: String,
    /// farmers_union, womens_union, youth_union, veterans, front, si_office
    pub organisation: String,
    /// The commune's unit id.
    pub unit_id: i64,
    pub launched_on: NaiveDate,
    /// active, paused, closed
    pub status: String,
    pub goal_members: i64,
    pub goal_enrolments: i64,
    pub goal_rate: i64,
    /// Months income comes in ("8,9,10"; empty = every month).
    pub income_months: String,
    pub income_note: String,
    pub rules: String,
    pub template_id: Option<i64>,
}

impl From<&ModelRow> for ModelDto {
    fn from(m: &ModelRow) -> Self {
        ModelDto {
            id: m.id,
            name: m.name.clone(),
            kind: m.kind.as_str().into(),
            organisation: m.organisation.as_str().into(),
            unit_id: m.unit_id,
            launched_on: m.launched_on,
            status: m.status.as_str().into(),
            goal_members: m.goal_members,
            goal_enrolments: m.goal_enrolments,
            goal_rate: m.goal_rate,
            income_months: m.income_months.clone(),
            income_note: m.income_note.clone(),
            rules: m.rules.clone(),
            template_id: m.template_id,
        }
    }
}

/// What a model achieved.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelStatsDto {
    pub members: i64,
    pub left: i64,
    /// Members paying VSI through today.
    pub enrolled: i64,
    pub ever_enrolled: i64,
    /// enrolled / ever_enrolled, percent.
    pub retention: i64,
    pub fund_income: i64,
    pub fund_spent: i64,
    pub contributions_from_fund: i64,
    pub fund_balance: i64,
    pub enrolled_per_10_members: f64,
    pub enrolled_per_10_million: f64,
}

impl From<&ModelStats> for ModelStatsDto {
    fn from(s: &ModelStats) -> Self {
        ModelStatsDto {
            members: s.members,
            left: s.left,
            enrolled: s.enrolled,
            ever_enrolled: s.ever_enrolled,
            retention: s.retention,
            fund_income: s.fund.income,
            fund_spent: s.fund.spent,
            contributions_from_fund: s.fund.contributions,
            fund_balance: s.fund.balance,
            enrolled_per_10_members: s.enrolled_per_10_members,
            enrolled_per_10_million: s.enrolled_per_10_million,
        }
    }
}

/// A model with its figures (the list and comparison).
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelSummaryDto {
    pub model: ModelDto,
    pub commune: String,
    pub stats: ModelStatsDto,
}

impl From<&ModelSummary> for ModelSummaryDto {
    fn from(s: &ModelSummary) -> Self {
        ModelSummaryDto {
            model: ModelDto::from(&s.model),
            commune: s.commune.clone(),
            stats: ModelStatsDto::from(&s.stats),
        }
    }
}

/// A member household or person with the pledge.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberDto {
    pub id: i64,
    pub household_id: Option<i64>,
    pub person_id: Option<i64>,
    pub joined_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
    pub leave_reason: String,
    pub pledge_qty: i64,
    pub pledge_unit: String,
    /// Estimated yearly value, đồng.
    pub pledge_value: i64,
    pub pays_vsi: bool,
    pub pays_hi: bool,
}

impl From<&MemberRow> for MemberDto {
    fn from(m: &MemberRow) -> Self {
        MemberDto {
            id: m.id,
            household_id: m.household_id,
            person_id: m.person_id,
            joined_on: m.joined_on,
            left_on: m.left_on,
            leave_reason: m.leave_reason.clone(),
            pledge_qty: m.pledge_qty,
            pledge_unit: m.pledge_unit.clone(),
            pledge_value: m.pledge_value,
            pays_vsi: m.pays_vsi,
            pays_hi: m.pays_hi,
        }
    }
}

/// A member on the model's page.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberViewDto {
    pub member: MemberDto,
    pub name: String,
    pub household_code: String,
    /// The person whose VSI the fund pays (the person, or the household head).
    pub paying_person_id: Option<i64>,
    pub vsi_participation_id: Option<i64>,
    pub vsi_standing: Option<String>,
    pub insured: bool,
    /// The member's own sub-balance, đồng.
    pub balance: i64,
}

/// One member's harvest plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanDto {
    pub member_id: i64,
    pub name: String,
    pub paid_through: Option<NaiveDate>,
    pub income_on: NaiveDate,
    pub mode_months: u32,
    pub amount: i64,
    pub pledge_value: i64,
    pub yearly_cost: i64,
    pub advice: String,
    pub warning: Option<String>,
}

/// A model with its members, figures and plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelDetailDto {
    pub model: ModelDto,
    pub commune: String,
    pub places: Vec<i64>,
    pub members: Vec<MemberViewDto>,
    pub stats: ModelStatsDto,
    pub common_balance: i64,
    pub plan: Vec<PlanDto>,
}

impl From<&ModelView> for ModelDetailDto {
    fn from(v: &ModelView) -> Self {
        ModelDetailDto {
            model: ModelDto::from(&v.model),
            commune: v.commune.full_name(),
            places: v.places.iter().map(|u| u.id).collect(),
            members: v
                .members
                .iter()
                .map(|m| MemberViewDto {
                    member: MemberDto::from(&m.member),
                    name: m.name.clone(),
                    household_code: m.household_code.clone(),
                    paying_person_id: m.person_id,
                    vsi_participation_id: m.vsi.as_ref().map(|x| x.0),
                    vsi_standing: m.vsi.as_ref().map(|x| x.1.clone()),
                    insured: m.insured,
                    balance: m.balance,
                })
                .collect(),
            stats: ModelStatsDto::from(&v.stats),
            common_balance: v.common_balance,
            plan: v
                .plan
                .iter()
                .map(|p| PlanDto {
                    member_id: p.member_id,
                    name: p.name.clone(),
                    paid_through: p.paid_through,
                    income_on: p.income_on,
                    mode_months: p.mode_months,
                    amount: p.amount,
                    pledge_value: p.pledge_value,
                    yearly_cost: p.yearly_cost,
                    advice: p.advice.clone(),
                    warning: p.warning.clone(),
                })
                .collect(),
        }
    }
}

/// A fund entry: amount > 0 came in, < 0 went out.
#[derive(Debug, Serialize, ToSchema)]
pub struct FundEntryDto {
    pub id: i64,
    /// sale, savings, donation, other_income, contribution, reversal
    pub kind: String,
    pub amount: i64,
    pub on: NaiveDate,
    /// The member's pool, or none for the common pool.
    pub member_id: Option<i64>,
    pub note: String,
    pub receipt_id: Option<i64>,
    pub reverses_id: Option<i64>,
    pub actor: String,
}

impl From<&FundEntryRow> for FundEntryDto {
    fn from(e: &FundEntryRow) -> Self {
        FundEntryDto {
            id: e.id,
            kind: e.kind.as_str().into(),
            amount: e.amount,
            on: e.on_date,
            member_id: e.member_id,
            note: e.note.clone(),
            receipt_id: e.receipt_id,
            reverses_id: e.reverses_id,
            actor: e.actor.clone(),
        }
    }
}

/// One pool's balance.
#[derive(Debug, Serialize, ToSchema)]
pub struct PoolDto {
    /// 0 = the common pool, else the member id.
    pub member_id: i64,
    pub name: String,
    pub balance: i64,
}

/// A statement line.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementLineDto {
    pub entry: FundEntryDto,
    /// Balance of the whole fund after the entry.
    pub balance: i64,
    pub reversed: bool,
}

/// Sổ quỹ.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementDto {
    pub model_id: i64,
    pub income: i64,
    pub spent: i64,
    pub balance: i64,
    pub pools: Vec<PoolDto>,
    pub lines: Vec<StatementLineDto>,
}

impl From<&FundStatement> for StatementDto {
    fn from(s: &FundStatement) -> Self {
        StatementDto {
            model_id: s.model.id,
            income: s.income,
            spent: s.spent,
            balance: s.balance,
            pools: s
                .pools
                .iter()
                .map(|(k, n, b)| PoolDto { member_id: *k, name: n.clone(), balance: *b })
                .collect(),
            lines: s
                .lines
                .iter()
                .map(|l| StatementLineDto {
                    entry: FundEntryDto::from(&l.entry),
                    balance: l.balance,
                    reversed: l.reversed,
                })
                .collect(),
        }
    }
}

/// A village or group line.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupLineDto {
    pub unit_id: i64,
    pub code: String,
    pub name: String,
    /// village, group, commune
    pub level: String,
    pub workers: i64,
    pub insured: i64,
    pub rate: f64,
    pub reached_on: Option<NaiveDate>,
    pub dropped_on: Option<NaiveDate>,
}

impl From<&GroupLine> for GroupLineDto {
    fn from(l: &GroupLine) -> Self {
        GroupLineDto {
            unit_id: l.unit.id,
            code: l.unit.code.clone(),
            name: l.unit.full_name(),
            level: l.unit.level.as_str().into(),
            workers: l.workers,
            insured: l.insured,
            rate: l.rate,
            reached_on: l.reached_on,
            dropped_on: l.dropped_on,
        }
    }
}

/// A worker not yet insured.
#[derive(Debug, Serialize, ToSchema)]
pub struct UninsuredDto {
    pub person_id: i64,
    pub full_name: String,
    pub phone: Option<String>,
    pub place: String,
    pub last_visit_on: Option<NaiveDate>,
    pub last_outcome: Option<String>,
}

/// The 100 %-group view of a unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupsDto {
    pub total: GroupLineDto,
    pub lines: Vec<GroupLineDto>,
    pub uninsured: Vec<UninsuredDto>,
    pub truncated: bool,
}

impl From<&GroupsView> for GroupsDto {
    fn from(v: &GroupsView) -> Self {
        GroupsDto {
            total: GroupLineDto::from(&v.total),
            lines: v.lines.iter().map(GroupLineDto::from).collect(),
            uninsured: v
                .uninsured
                .iter()
                .map(|u| UninsuredDto {
                    person_id: u.person.person_id,
                    full_name: u.person.full_name.clone(),
                    phone: u.person.phone.clone(),
                    place: u.place.clone(),
                    last_visit_on: u.last_visit.as_ref().map(|v| v.visited_on),
                    last_outcome: u.last_visit.as_ref().map(|v| v.outcome.as_str().to_string()),
                })
                .collect(),
            truncated: v.truncated,
        }
    }
}

/// An outreach campaign.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignDto {
    pub id: i64,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub target_visits: i64,
    pub target_enrolments: i64,
    pub teams: String,
    pub note: String,
}

impl From<&CampaignRow> for CampaignDto {
    fn from(k: &CampaignRow) -> Self {
        CampaignDto {
            id: k.id,
            name: k.name.clone(),
            starts_on: k.starts_on,
            ends_on: k.ends_on,
            target_visits: k.target_visits,
            target_enrolments: k.target_enrolments,
            teams: k.teams.clone(),
            note: k.note.clone(),
        }
    }
}

/// A visit.
#[derive(Debug, Serialize, ToSchema)]
pub struct VisitDto {
    pub id: i64,
    pub client_id: String,
    pub campaign_id: Option<i64>,
    pub model_id: Option<i64>,
    pub person_id: Option<i64>,
    pub household_id: Option<i64>,
    pub visited_on: NaiveDate,
    pub visitor: String,
    /// enrolled, will_enrol, undecided, refused, not_home, not_eligible
    pub outcome: String,
    pub reason: String,
    pub note: String,
    pub follow_up_on: Option<NaiveDate>,
    /// The same client_id was stored before: this is that visit.
    pub replayed: bool,
}

fn visit_dto(v: &VisitRow, replayed: bool) -> VisitDto {
    VisitDto {
        id: v.id,
        client_id: v.client_id.clone(),
        campaign_id: v.campaign_id,
        model_id: v.model_id,
        person_id: v.person_id,
        household_id: v.household_id,
        visited_on: v.visited_on,
        visitor: v.visitor.clone(),
        outcome: v.outcome.as_str().into(),
        reason: v.reason.clone(),
        note: v.note.clone(),
        follow_up_on: v.follow_up_on,
        replayed,
    }
}

/// visited → interested → enrolled → still paying.
#[derive(Debug, Serialize, ToSchema)]
pub struct FunnelDto {
    pub visits: i64,
    pub visited: i64,
    pub interested: i64,
    pub enrolled: i64,
    pub due_6: i64,
    pub paying_6: i64,
    pub due_12: i64,
    pub paying_12: i64,
}

/// A campaign with its places, funnel and visits.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignDetailDto {
    pub campaign: CampaignDto,
    pub unit_ids: Vec<i64>,
    pub funnel: FunnelDto,
    pub follow_ups: Vec<VisitDto>,
    pub visits: Vec<VisitDto>,
}

impl From<&CampaignView> for CampaignDetailDto {
    fn from(v: &CampaignView) -> Self {
        let f = &v.funnel;
        CampaignDetailDto {
            campaign: CampaignDto::from(&v.campaign),
            unit_ids: v.units.iter().map(|u| u.id).collect(),
            funnel: FunnelDto {
                visits: f.visits,
                visited: f.visited,
                interested: f.interested,
                enrolled: f.enrolled,
                due_6: f.due_6,
                paying_6: f.paying_6,
                due_12: f.due_12,
                paying_12: f.paying_12,
            },
            follow_ups: v.follow_ups.iter().map(|x| visit_dto(&x.visit, false)).collect(),
            visits: v.visits.iter().map(|x| visit_dto(&x.visit, false)).collect(),
        }
    }
}

/// One input of a rank.
#[derive(Debug, Serialize, ToSchema)]
pub struct FactorDto {
    pub label: String,
    pub points: i64,
}

/// Whom to visit, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct NextVisitDto {
    pub person_id: i64,
    pub name: String,
    pub phone: Option<String>,
    pub place: String,
    /// lapsed, ending, near_full
    pub kind: String,
    pub score: i64,
    pub reason: String,
    pub factors: Vec<FactorDto>,
}

impl From<&NextVisit> for NextVisitDto {
    fn from(n: &NextVisit) -> Self {
        NextVisitDto {
            person_id: n.person_id,
            name: n.name.clone(),
            phone: n.phone.clone(),
            place: n.place.clone(),
            kind: n.kind.into(),
            score: n.score,
            reason: n.reason.clone(),
            factors: n
                .factors
                .iter()
                .map(|f| FactorDto { label: f.label.clone(), points: f.points })
                .collect(),
        }
    }
}

/// Start the same model elsewhere.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReplicateDto {
    pub unit_code: String,
    #[serde(default)]
    pub name: String,
    pub launched_on: NaiveDate,
}

/// A new status.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StatusDto {
    /// active, paused, closed
    pub status: String,
}

/// Why an entry is reversed, or a member leaves.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReasonDto {
    pub reason: String,
    /// For a member leaving: the day (default today).
    #[serde(default)]
    pub on: Option<NaiveDate>,
}

#[derive(Debug, Deserialize)]
pub struct LimitQuery {
    #[serde(default)]
    limit: Option<usize>,
}

/// Models in the caller's scope with their figures.
#[utoipa::path(get, path = "/api/v1/models", tag = "models",
    responses((status = 200, body = [ModelSummaryDto]), (status = 401, body = ApiErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> Result<Json<Vec<ModelSummaryDto>>, ApiError> {
    Ok(Json(state.app.models(&actor).await?.iter().map(ModelSummaryDto::from).collect()))
}

/// Launch a model in a commune.
#[utoipa::path(post, path = "/api/v1/models", tag = "models", request_body = NewModel,
    responses((status = 201, body = ModelDto), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Json(b): Json<NewModel>,
) -> Result<(StatusCode, Json<ModelDto>), ApiError> {
    Ok((StatusCode::CREATED, Json(ModelDto::from(&state.app.create_model(&actor, &b).await?))))
}

/// A model with its members, figures and harvest plan.
#[utoipa::path(get, path = "/api/v1/models/{id}", tag = "models", params(("id" = i64, Path, description = "Model id")),
    responses((status = 200, body = ModelDetailDto), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ModelDetailDto>, ApiError> {
    Ok(Json(ModelDetailDto::from(&state.app.model_view(&actor, id).await?)))
}

/// Nhân rộng: the same kind, rules, calendar and goals in another commune.
#[utoipa::path(post, path = "/api/v1/models/{id}/replicate", tag = "models", params(("id" = i64, Path, description = "Model id")),
    request_body = ReplicateDto,
    responses((status = 201, body = ModelDto), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn replicate(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    Json(b): Json<ReplicateDto>,
) -> Result<(StatusCode, Json<ModelDto>), ApiError> {
    let m = state.app.replicate_model(&actor, id, &b.unit_code, &b.name, b.launched_on).await?;
    Ok((StatusCode::CREATED, Json(ModelDto::from(&m))))
}

/// Change a model's status.
#[utoipa::path(post, path = "/api/v1/models/{id}/status", tag = "models", params(("id" = i64, Path, description = "Model id")),
    request_body = StatusDto,
    responses((status = 200, body = ModelDto), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn status(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    Json(b): Json<StatusDto>,
) -> Result<Json<ModelDto>, ApiError> {
    Ok(Json(ModelDto::from(&state.app.set_model_status(&actor, id, &b.status).await?)))
}

/// Add a household or person, with the pledge.
#[utoipa::path(post, path = "/api/v1/models/{id}/members", tag = "models", params(("id" = i64, Path, description = "Model id")),
    request_body = NewMember,
    responses((status = 201, body = MemberDto), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn add_member(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    Json(b): Json<NewMember>,
) -> Result<(StatusCode, Json<MemberDto>), ApiError> {
    Ok((StatusCode::CREATED, Json(MemberDto::from(&state.app.add_member(&actor, id, &b).await?))))
}

/// A member leaves (kept, with the day and reason).
#[utoipa::path(post, path = "/api/v1/members/{id}/leave", tag = "models", params(("id" = i64, Path, description = "Member id")),
    request_body = ReasonDto,
    responses((status = 200, body = MemberDto), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn leave(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    Json(b): Json<ReasonDto>,
) -> Result<Json<MemberDto>, ApiError> {
    let on = b.on.unwrap_or_else(|| state.app.today());
    Ok(Json(MemberDto::from(&state.app.leave_member(&actor, id, on, &b.reason).await?)))
}

/// Record money coming into the fund.
#[utoipa::path(post, path = "/api/v1/models/{id}/deposits", tag = "models", params(("id" = i64, Path, description = "Model id")),
    request_body = NewDeposit,
    responses((status = 201, body = FundEntryDto), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn deposit(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    Json(b): Json<NewDeposit>,
) -> Result<(StatusCode, Json<FundEntryDto>), ApiError> {
    Ok((StatusCode::CREATED, Json(FundEntryDto::from(&state.app.deposit(&actor, id, &b).await?))))
}

/// The fund statement: entries with running balance, each pool's balance.
#[utoipa::path(get, path = "/api/v1/models/{id}/fund", tag = "models", params(("id" = i64, Path, description = "Model id")),
    responses((status = 200, body = StatementDto), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn fund(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<StatementDto>, ApiError> {
    Ok(Json(StatementDto::from(&state.app.fund_statement(&actor, id).await?)))
}

/// Correct a deposit by reversing it (a contribution is reversed by voiding its receipt).
#[utoipa::path(post, path = "/api/v1/fund-entries/{id}/reverse", tag = "models", params(("id" = i64, Path, description = "Entry id")),
    request_body = ReasonDto,
    responses((status = 201, body = FundEntryDto), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn reverse(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    Json(b): Json<ReasonDto>,
) -> Result<(StatusCode, Json<FundEntryDto>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(FundEntryDto::from(&state.app.reverse_fund_entry(&actor, id, &b.reason).await?)),
    ))
}

/// Workers, insured and rate per village and group of a unit, and who is not insured yet.
#[utoipa::path(get, path = "/api/v1/groups/{unit_id}", tag = "models", params(("unit_id" = i64, Path, description = "Unit id (commune, village or group)")),
    responses((status = 200, body = GroupsDto), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn groups(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<GroupsDto>, ApiError> {
    Ok(Json(GroupsDto::from(&state.app.full_groups(&actor, id).await?)))
}

/// Campaigns in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/campaigns", tag = "models",
    responses((status = 200, body = [CampaignDto]), (status = 401, body = ApiErrorBody)))]
pub async fn campaigns(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> Result<Json<Vec<CampaignDto>>, ApiError> {
    Ok(Json(state.app.campaigns(&actor).await?.iter().map(CampaignDto::from).collect()))
}

/// Start a campaign.
#[utoipa::path(post, path = "/api/v1/campaigns", tag = "models", request_body = NewCampaign,
    responses((status = 201, body = CampaignDto), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_campaign(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Json(b): Json<NewCampaign>,
) -> Result<(StatusCode, Json<CampaignDto>), ApiError> {
    Ok((StatusCode::CREATED, Json(CampaignDto::from(&state.app.create_campaign(&actor, &b).await?))))
}

/// A campaign with its funnel, follow-ups and visits.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}", tag = "models", params(("id" = i64, Path, description = "Campaign id")),
    responses((status = 200, body = CampaignDetailDto), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn campaign(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<CampaignDetailDto>, ApiError> {
    Ok(Json(CampaignDetailDto::from(&state.app.campaign_view(&actor, id).await?)))
}

/// Record a visit. The same `client_id` again answers the visit stored the first time (200,
/// `replayed`).
#[utoipa::path(post, path = "/api/v1/visits", tag = "models", request_body = NewVisit,
    responses((status = 201, body = VisitDto), (status = 200, body = VisitDto, description = "replayed"), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn visit(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Json(b): Json<NewVisit>,
) -> Result<(StatusCode, Json<VisitDto>), ApiError> {
    let (v, replayed) = state.app.record_visit(&actor, &b).await?;
    Ok((if replayed { StatusCode::OK } else { StatusCode::CREATED }, Json(visit_dto(&v, replayed))))
}

/// Whom to visit next in the caller's scope, best first, each with its reason and points.
#[utoipa::path(get, path = "/api/v1/visit-next", tag = "models", params(("limit" = Option<usize>, Query, description = "At most (default 50, up to 500)")),
    responses((status = 200, body = [NextVisitDto]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)))]
pub async fn next(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Query(q): Query<LimitQuery>,
) -> Result<Json<Vec<NextVisitDto>>, ApiError> {
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    Ok(Json(state.app.visit_next(&actor, limit).await?.iter().map(NextVisitDto::from).collect()))
}
