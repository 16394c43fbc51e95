//! Calculators: `POST /api/v1/calc/{vsi,hi-household,retirement,pension}`.
//!
//! The request and response types here are the contract shared with `ansinh calc`: the CLI
//! builds the same requests from its flags and prints the same JSON, so the two cannot drift.
//! Amounts are integers in đồng. Every response lists the legal parameters it used.

use crate::AppState;
use crate::error::{ApiErrorBody, ApiErrorDetail, FieldError};
use ansinh_rules::vsi::{LocalGroup, PaymentMode, SupportCategory};
use ansinh_rules::{
    BirthMonth, Month, ParamSet, ParamUsed, RuleError, Sex, Vnd, hi, pension, retirement, vsi,
};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Field errors of a calculator request (answered 422; exit code 2 in the CLI).
#[derive(Debug)]
pub struct CalcError(pub Vec<FieldError>);

impl CalcError {
    fn field(field: &str, vi: impl Into<String>, en: impl Into<String>) -> CalcError {
        CalcError(vec![FieldError { field: field.into(), message_vi: vi.into(), message_en: en.into() }])
    }

    /// One line: "vi / en" of the first error (what the CLI prints).
    pub fn line(&self) -> String {
        self.0
            .first()
            .map(|f| format!("{}: {} / {}", f.field, f.message_vi, f.message_en))
            .unwrap_or_default()
    }
}

impl From<RuleError> for CalcError {
    fn from(e: RuleError) -> Self {
        CalcError::field(e.field(), e.message_vi(), e.message_en())
    }
}

impl IntoResponse for CalcError {
    fn into_response(self) -> Response {
        let first = self.0.first();
        let body = ApiErrorBody {
            error: ApiErrorDetail {
                code: "invalid".into(),
                field: first.map(|f| f.field.clone()),
                message_vi: first.map(|f| f.message_vi.clone()).unwrap_or_default(),
                message_en: first.map(|f| f.message_en.clone()).unwrap_or_default(),
                fields: self.0,
            },
        };
        (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
    }
}

/// A legal parameter a result used, with its basis.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BasisDto {
    pub key: String,
    pub value: i64,
    /// The value as people read it (`4,5%`, `2.340.000 ₫`).
    pub display: String,
    pub effective_from: String,
    pub effective_to: Option<String>,
    pub legal_basis: String,
    /// V confirmed, S one source, U unconfirmed.
    pub confidence: String,
}

fn basis(used: &[ParamUsed]) -> Vec<BasisDto> {
    used.iter()
        .map(|u| {
            let v = u.version();
            let display = ansinh_rules::param_info(&v.key)
                .map_or_else(|| v.value.to_string(), |i| i.unit.format_vi(v.value));
            BasisDto {
                key: v.key.clone(),
                value: v.value,
                display,
                effective_from: v.effective_from.to_string(),
                effective_to: v.effective_to.map(|d| d.to_string()),
                legal_basis: v.legal_basis.clone(),
                confidence: ansinh_app::confidence_str(v.confidence).into(),
            }
        })
        .collect()
}

fn month(field: &str, s: &str) -> Result<Month, CalcError> {
    Month::parse(s.trim()).map_err(|_| {
        CalcError::field(
            field,
            format!("Tháng «{s}» không hợp lệ, cần YYYY-MM"),
            format!("month «{s}» is invalid, expected YYYY-MM"),
        )
    })
}

fn sex(s: &str) -> Result<Sex, CalcError> {
    match s.trim().to_lowercase().as_str() {
        "male" | "nam" | "m" => Ok(Sex::Male),
        "female" | "nữ" | "nu" | "f" => Ok(Sex::Female),
        _ => Err(CalcError::field(
            "sex",
            format!("Giới tính «{s}» không hợp lệ: male hoặc female"),
            format!("sex «{s}» must be male or female"),
        )),
    }
}

/// Parse a category name (`others`, `near_poor`, `poor`, `ethnic_minority`, `island`).
pub fn category(s: &str) -> Result<SupportCategory, CalcError> {
    SupportCategory::ALL.into_iter().find(|c| c.group() == s.trim().replace('-', "_")).ok_or_else(|| {
        CalcError::field(
            "category",
            format!("Nhóm «{s}» không hợp lệ: others, near_poor, poor, ethnic_minority, island"),
            format!("category «{s}» must be one of others, near_poor, poor, ethnic_minority, island"),
        )
    })
}

/// Map a number of months to a payment mode: 1, 3, 6, 12; or 24–60 (whole years, paid ahead).
pub fn mode(months: u32) -> Result<PaymentMode, CalcError> {
    match months {
        1 => Ok(PaymentMode::Monthly),
        3 => Ok(PaymentMode::Every3),
        6 => Ok(PaymentMode::Every6),
        12 => Ok(PaymentMode::Every12),
        m if m > 12 && m % 12 == 0 => Ok(PaymentMode::AheadYears { months: m }),
        m => Err(CalcError::field(
            "months",
            format!("Số tháng {m} không hợp lệ: 1, 3, 6, 12 hoặc đóng trước nhiều năm 24, 36, 48, 60"),
            format!("months {m} is invalid: 1, 3, 6, 12, or whole years ahead 24, 36, 48, 60"),
        )),
    }
}

fn group(s: Option<&str>, province: bool) -> Result<Option<LocalGroup>, CalcError> {
    match s.map(str::trim) {
        None if province => Ok(Some(LocalGroup::Farmer)),
        None | Some("none") | Some("") => Ok(None),
        Some("farmer") => Ok(Some(LocalGroup::Farmer)),
        Some("freelance") => Ok(Some(LocalGroup::Freelance)),
        Some(g) => Err(CalcError::field(
            "group",
            format!("Nhóm «{g}» không hợp lệ: farmer, freelance, none"),
            format!("group «{g}» must be farmer, freelance or none"),
        )),
    }
}

fn income(field: &str, n: i64) -> Result<Vnd, CalcError> {
    if n <= 0 {
        return Err(CalcError::field(field, "Số tiền phải lớn hơn 0", "the amount must be positive"));
    }
    Ok(Vnd(n))
}

// ------------------------------------------------------------------------------------ VSI

/// A voluntary social insurance (BHXH tự nguyện) quote.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct VsiRequest {
    /// Chosen monthly income (đồng): between the rural poverty line and 20 × the reference level.
    pub income: i64,
    /// First month paid, YYYY-MM.
    pub month: String,
    /// others, near_poor, poor, ethnic_minority, island
    #[serde(default = "default_category")]
    pub category: String,
    /// 1, 3, 6, 12, or 24–60 whole years paid ahead (discounted). Default 1.
    #[serde(default)]
    pub months: Option<u32>,
    /// Province code whose own support layer applies (e.g. 42 Hà Tĩnh).
    #[serde(default)]
    pub province: Option<String>,
    /// farmer, freelance or none: the group the provincial layer looks at (default farmer).
    #[serde(default)]
    pub group: Option<String>,
    /// Months of state support already received (the cap is 120).
    #[serde(default)]
    pub support_months_used: Option<u32>,
}

fn default_category() -> String {
    "others".into()
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct VsiLineDto {
    pub month: String,
    pub gross: i64,
    pub state_support: i64,
    pub local_support: i64,
    pub payable: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DeadlineDto {
    /// Last day to pay (YYYY-MM-DD); missing it suspends participation.
    pub last_day: String,
    pub rule_vi: String,
    pub rule_en: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct VsiResponse {
    /// 22% × income, summed over the months.
    pub gross: i64,
    /// National support (Nhà nước hỗ trợ), summed.
    pub state_support: i64,
    /// Provincial support layer, summed.
    pub local_support: i64,
    /// To pay: gross − supports (− discount + interest).
    pub payable: i64,
    pub months: u32,
    /// Discount for paying years ahead.
    pub discount: i64,
    /// Interest for paying missing months late.
    pub interest: i64,
    pub lines: Vec<VsiLineDto>,
    pub deadline: DeadlineDto,
    pub basis: Vec<BasisDto>,
}

pub fn vsi_input(r: &VsiRequest) -> Result<vsi::VsiInput, CalcError> {
    let start = month("month", &r.month)?;
    let mut input = vsi::VsiInput::new(start, income("income", r.income)?);
    input.category = category(&r.category)?;
    input.mode = mode(r.months.unwrap_or(1))?;
    input.province = r.province.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_string);
    input.local_group = group(r.group.as_deref(), input.province.is_some())?;
    input.support_months_used = r.support_months_used.unwrap_or(0);
    Ok(input)
}

pub fn vsi_response(q: &vsi::VsiQuote) -> VsiResponse {
    VsiResponse {
        gross: q.gross.0,
        state_support: q.state_support.0,
        local_support: q.local_support.0,
        payable: q.payable.0,
        months: q.months,
        discount: q.discount.0,
        interest: q.interest.0,
        lines: q
            .lines
            .iter()
            .map(|l| VsiLineDto {
                month: l.month.to_string(),
                gross: l.gross.0,
                state_support: l.state_support.0,
                local_support: l.local_support.0,
                payable: l.payable.0,
            })
            .collect(),
        deadline: DeadlineDto {
            last_day: q.deadline.last_day.to_string(),
            rule_vi: q.deadline.rule_vi(),
            rule_en: q.deadline.rule_en(),
        },
        basis: basis(&q.basis),
    }
}

pub fn compute_vsi(params: &ParamSet, r: &VsiRequest) -> Result<VsiResponse, CalcError> {
    Ok(vsi_response(&vsi::quote(params, &vsi_input(r)?)?))
}

// ------------------------------------------------------------------------------------ HI

/// Household health insurance (BHYT hộ gia đình) for members joining through the household.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct HiRequest {
    /// Members joining through the household scheme (1–20).
    pub members: u32,
    /// Month of payment, YYYY-MM (prices with the base salary in force then).
    pub month: String,
    /// Months paid (default 1).
    #[serde(default)]
    pub months: Option<u32>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct HiMemberDto {
    pub ordinal: u32,
    /// Share of the first member's amount, in percent (100, 70, 60, 50, 40).
    pub share_percent: f64,
    pub monthly: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct HiResponse {
    pub members: Vec<HiMemberDto>,
    pub monthly_total: i64,
    /// Over `months`.
    pub total: i64,
    pub months: u32,
    pub basis: Vec<BasisDto>,
}

pub fn compute_hi(params: &ParamSet, r: &HiRequest) -> Result<HiResponse, CalcError> {
    if r.members == 0 || r.members > 20 {
        return Err(CalcError::field(
            "members",
            "Số thành viên phải từ 1 đến 20",
            "members must be between 1 and 20",
        ));
    }
    let months = r.months.unwrap_or(1);
    if months == 0 || months > 60 {
        return Err(CalcError::field(
            "months",
            "Số tháng phải từ 1 đến 60",
            "months must be between 1 and 60",
        ));
    }
    let q = hi::household(params, r.members, month("month", &r.month)?, months)?;
    Ok(HiResponse {
        members: q
            .members
            .iter()
            .map(|m| HiMemberDto {
                ordinal: m.ordinal,
                share_percent: m.share_bps as f64 / 100.0,
                monthly: m.monthly.0,
            })
            .collect(),
        monthly_total: q.monthly_total.0,
        total: q.total.0,
        months: q.months,
        basis: basis(&q.basis),
    })
}

// ------------------------------------------------------------------------------------ retirement

/// Retirement age (Labour Code 2019 Art 169, Decree 135/2020).
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct RetirementRequest {
    /// male or female
    pub sex: String,
    /// Birth month YYYY-MM, or year YYYY when only the year is known (counts as January).
    pub birth: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RetirementResponse {
    pub age_years: u32,
    pub age_months: u32,
    /// Month of reaching retirement age, YYYY-MM.
    pub reached: String,
    /// First month of pension, YYYY-MM.
    pub pension_start: String,
    pub basis: Vec<BasisDto>,
}

pub fn birth(s: &str) -> Result<BirthMonth, CalcError> {
    let s = s.trim();
    let bad = || {
        CalcError::field(
            "birth",
            format!("Ngày sinh «{s}» không hợp lệ: YYYY-MM hoặc YYYY"),
            format!("birth «{s}» is invalid: YYYY-MM or YYYY"),
        )
    };
    let b = if s.len() == 4 {
        BirthMonth::year_only(s.parse().map_err(|_| bad())?)
    } else {
        let m = Month::parse(s).map_err(|_| bad())?;
        BirthMonth::new(m.year(), m.month())
    };
    if !(1900..=2100).contains(&b.year) {
        return Err(bad());
    }
    Ok(b)
}

pub fn compute_retirement(params: &ParamSet, r: &RetirementRequest) -> Result<RetirementResponse, CalcError> {
    let x = retirement::reach(params, sex(&r.sex)?, birth(&r.birth)?)?;
    Ok(RetirementResponse {
        age_years: x.age_years,
        age_months: x.age_months,
        reached: x.reached.to_string(),
        pension_start: x.pension_start.to_string(),
        basis: basis(&x.basis),
    })
}

// ------------------------------------------------------------------------------------ pension

/// Pension from years of contributions and an average income (Law 41/2024 Art 99–100).
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct PensionRequest {
    pub sex: String,
    /// Whole years of contributions.
    pub years: u32,
    /// Odd months (0–11).
    #[serde(default)]
    pub months: Option<u32>,
    /// Average monthly income the pension is computed on (đồng).
    pub average_income: i64,
    /// Month the pension starts (YYYY-MM; default this month): the rules in force then apply.
    #[serde(default)]
    pub on: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PensionResponse {
    pub eligible: bool,
    /// e.g. 45, 47, 40.5
    pub rate_percent: f64,
    pub monthly_pension: i64,
    /// One-off allowance for years above 35 (men) / 30 (women).
    pub lump_sum: i64,
    pub reason_vi: String,
    pub reason_en: String,
    pub basis: Vec<BasisDto>,
}

pub fn compute_pension(
    params: &ParamSet,
    r: &PensionRequest,
    today: Month,
) -> Result<PensionResponse, CalcError> {
    let months = r.months.unwrap_or(0);
    if months > 11 {
        return Err(CalcError::field("months", "Số tháng lẻ phải từ 0 đến 11", "odd months must be 0–11"));
    }
    if r.years > 60 {
        return Err(CalcError::field("years", "Số năm đóng tối đa 60", "years must be at most 60"));
    }
    let on = match r.on.as_deref() {
        Some(s) if !s.trim().is_empty() => month("on", s)?,
        _ => today,
    };
    let p = pension::compute(
        params,
        pension::PensionInput {
            sex: sex(&r.sex)?,
            years: r.years,
            months,
            average_income: income("average_income", r.average_income)?,
            months_after_retirement_age: 0,
            on,
        },
    )?;
    Ok(PensionResponse {
        eligible: p.eligible,
        rate_percent: p.rate_bps as f64 / 100.0,
        monthly_pension: p.monthly_pension.0,
        lump_sum: p.lump_sum.0,
        reason_vi: p.reason.vi.clone(),
        reason_en: p.reason.en.clone(),
        basis: basis(&p.basis),
    })
}

// ------------------------------------------------------------------------------------ handlers

fn this_month(state: &AppState) -> Month {
    Month::from_date(state.app.today())
}

/// BHXH tự nguyện: contribution, state and provincial support, amount to pay.
#[utoipa::path(post, path = "/api/v1/calc/vsi", tag = "calc", request_body = VsiRequest, security(()),
    responses((status = 200, body = VsiResponse), (status = 422, body = ApiErrorBody)))]
pub async fn post_vsi(
    State(s): State<AppState>,
    Json(r): Json<VsiRequest>,
) -> Result<Json<VsiResponse>, CalcError> {
    Ok(Json(compute_vsi(&s.app.params(), &r)?))
}

/// BHYT hộ gia đình: each member's share, monthly total, total.
#[utoipa::path(post, path = "/api/v1/calc/hi-household", tag = "calc", request_body = HiRequest, security(()),
    responses((status = 200, body = HiResponse), (status = 422, body = ApiErrorBody)))]
pub async fn post_hi(
    State(s): State<AppState>,
    Json(r): Json<HiRequest>,
) -> Result<Json<HiResponse>, CalcError> {
    Ok(Json(compute_hi(&s.app.params(), &r)?))
}

/// Tuổi nghỉ hưu: the month of reaching it and the first pension month.
#[utoipa::path(post, path = "/api/v1/calc/retirement", tag = "calc", request_body = RetirementRequest, security(()),
    responses((status = 200, body = RetirementResponse), (status = 422, body = ApiErrorBody)))]
pub async fn post_retirement(
    State(s): State<AppState>,
    Json(r): Json<RetirementRequest>,
) -> Result<Json<RetirementResponse>, CalcError> {
    Ok(Json(compute_retirement(&s.app.params(), &r)?))
}

/// Lương hưu: eligibility, rate, monthly amount, lump sum.
#[utoipa::path(post, path = "/api/v1/calc/pension", tag = "calc", request_body = PensionRequest, security(()),
    responses((status = 200, body = PensionResponse), (status = 422, body = ApiErrorBody)))]
pub async fn post_pension(
    State(s): State<AppState>,
    Json(r): Json<PensionRequest>,
) -> Result<Json<PensionResponse>, CalcError> {
    Ok(Json(compute_pension(&s.app.params(), &r, this_month(&s))?))
}
