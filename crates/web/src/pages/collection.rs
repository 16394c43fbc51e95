//! Thu — the collector's screens: my day (receipts and totals), my books, the renewal and
//! lapse list; a person's insurance page (participations, enrol in VSI, pay); a household's
//! HI page (members, who is left out and why, enrol, pay); a receipt (C45-BB) with its void;
//! the public check of a receipt's code. Built for a phone held in one hand in a yard.

use crate::AppState;
use crate::error::{PageError, fields_message, form_outcome, unprocessable};
use crate::pages::render;
use crate::session::Page;
use ansinh_app::collection::{
    CollectorDay, DUE_MAX_DAYS, DueFilter, DueView, HiCandidate, NewBook, PaymentItem, PaymentRequest,
    PersonCover, PublicReceipt, ReceiptView, SourceInput, VsiEnrolment, VsiTerms,
};
use ansinh_app::records::{BookRow, HouseholdRow, PersonRow};
use ansinh_app::rules::Vnd;
use ansinh_app::{AppError, PlaceUse};
use ansinh_domain::Permission;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

/// A fresh request id for a payment form: a double click or a resent form carries the same one.
fn new_request_id() -> String {
    // Without randomness the form gets no id and the use case refuses it (nothing is paid).
    let mut b = [0u8; 12];
    match getrandom::fill(&mut b) {
        Ok(()) => hex::encode(b),
        Err(_) => String::new(),
    }
}

fn money_input(field: &str, s: &str) -> Result<i64, AppError> {
    ansinh_app::calc::vnd_text(s).ok_or_else(|| {
        AppError::invalid(
            field,
            format!("Số tiền «{}» không hợp lệ, ví dụ 1.500.000 hoặc 1,5tr", s.trim()),
            format!("amount «{}» is invalid, e.g. 1,500,000", s.trim()),
        )
    })
}

fn months_input(field: &str, s: &str) -> Result<u32, AppError> {
    s.trim().parse::<u32>().map_err(|_| {
        AppError::invalid(
            field,
            format!("Số tháng «{}» không hợp lệ", s.trim()),
            format!("months «{}» is invalid", s.trim()),
        )
    })
}

// ─── The collector's day ──────────────────────────────────────────────────────────────────

#[derive(Deserialize, Default)]
pub struct DayQuery {
    #[serde(default)]
    day: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    issued: String,
    /// The renewal list's place (picker text) and part (`all`, `soon`, `overdue`).
    #[serde(default)]
    place: String,
    #[serde(default)]
    status: String,
}

#[derive(Template)]
#[template(path = "collect.html")]
pub struct CollectTpl<'a> {
    pub page: &'a Page,
    pub day: CollectorDay,
    pub books: Vec<BookRow>,
    pub due: DueView,
    pub days: u32,
    /// The renewal list's filters as typed, and what was wrong with them.
    pub due_place: String,
    /// The place the list is narrowed to (its code), for the reminders button.
    pub due_code: Option<String>,
    pub due_status: DueFilter,
    pub due_error: Option<String>,
    pub office_books: Vec<BookRow>,
    pub book_form: BookForm,
    pub error: Option<String>,
    pub issued: bool,
    pub remittances: Vec<ansinh_app::records::RemittanceRow>,
    pub outbox: Option<ansinh_app::collection::Outbox>,
}

impl CollectTpl<'_> {
    /// The renewal list's cap, written as on the page («2.000»).
    pub fn due_limit(&self) -> String {
        crate::fmt::number(ansinh_app::collection::DUE_LIMIT)
    }
    pub fn remit_status(&self, m: &ansinh_app::records::RemittanceRow) -> String {
        remit_status(self.page, &m.status)
    }
    /// Valid receipts of the shown day not yet remitted.
    pub fn unremitted(&self) -> usize {
        self.day.receipts.iter().filter(|r| r.voided_at.is_none() && r.remittance_id.is_none()).count()
    }
    pub fn vnd(&self, v: &i64) -> String {
        Vnd(*v).format_vi()
    }
    pub fn scheme_total(&self, key: &str) -> String {
        Vnd(self.day.by_scheme.get(key).copied().unwrap_or(0)).format_vi()
    }
    pub fn source_total(&self, key: &str) -> String {
        Vnd(self.day.by_source.get(key).copied().unwrap_or(0)).format_vi()
    }
    pub fn can_issue(&self) -> bool {
        self.page.can(Permission::ManageBooks)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct BookForm {
    #[serde(default)]
    pub collector: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub series: String,
    #[serde(default)]
    pub book_no: String,
    #[serde(default)]
    pub first_no: String,
    #[serde(default)]
    pub last_no: String,
    #[serde(default)]
    pub unit_code: String,
}

async fn collect_page<'a>(
    state: &AppState,
    page: &'a Page,
    q: &DayQuery,
    book_form: BookForm,
    error: Option<String>,
) -> Result<CollectTpl<'a>, PageError> {
    let actor = page.actor()?;
    let day = crate::fmt::parse_date(&q.day);
    let days = q.days.trim().parse::<u32>().unwrap_or(30).min(DUE_MAX_DAYS);
    let collector = actor.has(Permission::Collect) && actor.user_id.is_some();
    let mut due_errors: Vec<ansinh_domain::Invalid> = Vec::new();
    let mut due_status = DueFilter::All;
    let mut due_code = None;
    if collector {
        match form_outcome(DueFilter::parse(&q.status))? {
            Ok(f) => due_status = f,
            Err(fields) => due_errors.extend(fields),
        }
        if !q.place.trim().is_empty() {
            match form_outcome(state.app.place_from_text(actor, &q.place, PlaceUse::Collect, "place").await)?
            {
                Ok(u) => due_code = Some(u.code.to_string()),
                Err(fields) => due_errors.extend(fields),
            }
        }
    }
    let due_error = (!due_errors.is_empty()).then(|| fields_message(page.lang, &due_errors));
    let (day, books, due) = if collector {
        (
            state.app.collector_day(actor, day).await?,
            state.app.my_books(actor).await?,
            state.app.due_view(actor, days, due_code.as_deref(), due_status).await?,
        )
    } else {
        (
            CollectorDay {
                day: day.unwrap_or(page.today),
                receipts: vec![],
                by_scheme: Default::default(),
                by_source: Default::default(),
                total: 0,
                voided: 0,
            },
            vec![],
            DueView { items: vec![], truncated: false, places: vec![] },
        )
    };
    let office_books =
        if actor.has(Permission::ManageBooks) { state.app.books_in_scope(actor).await? } else { vec![] };
    let remittances = state.app.remittances(actor).await?;
    let outbox = if collector { Some(state.app.outbox(actor).await?) } else { None };
    Ok(CollectTpl {
        page,
        day,
        books,
        due,
        days,
        due_place: q.place.trim().to_string(),
        due_code,
        due_status,
        due_error,
        office_books,
        book_form,
        error,
        issued: !q.issued.is_empty(),
        remittances,
        outbox,
    })
}

pub async fn day(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<DayQuery>,
) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    if !actor.has(Permission::Collect) && !actor.has(Permission::ManageBooks) {
        return Err(PageError::App(AppError::Forbidden));
    }
    render(
        &collect_page(&state, &page, &q, BookForm { kind: "paper".into(), ..Default::default() }, None)
            .await?,
    )
}

pub async fn issue_book(
    State(state): State<AppState>,
    page: Page,
    Form(f): Form<BookForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let parse = |field: &str, s: &str| {
        s.trim().parse::<i64>().map_err(|_| {
            AppError::invalid(
                field,
                format!("Số «{}» không hợp lệ", s.trim()),
                format!("number «{}» is invalid", s.trim()),
            )
        })
    };
    let result = match (parse("first_no", &f.first_no), parse("last_no", &f.last_no)) {
        (Ok(first_no), Ok(last_no)) => {
            let n = NewBook {
                collector: f.collector.clone(),
                kind: f.kind.clone(),
                series: f.series.clone(),
                book_no: f.book_no.clone(),
                first_no,
                last_no,
                unit_code: f.unit_code.clone(),
            };
            state.app.issue_book(actor, &n).await.map(|_| ())
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match form_outcome(result)? {
        Ok(()) => Ok(Redirect::to("/collect?issued=1#books").into_response()),
        Err(fields) => {
            let error = Some(fields_message(page.lang, &fields));
            Ok(unprocessable(render(&collect_page(&state, &page, &DayQuery::default(), f, error).await?)?))
        }
    }
}

// ─── A person's insurance ─────────────────────────────────────────────────────────────────

#[derive(Debug, Clone, Default, Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    pub income: String,
    #[serde(default)]
    pub mode_months: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub override_reason: String,
    #[serde(default)]
    pub override_document: String,
    #[serde(default)]
    pub prior_support_months: String,
}

#[derive(Template)]
#[template(path = "insurance.html")]
pub struct InsuranceTpl<'a> {
    pub page: &'a Page,
    pub person: PersonRow,
    pub cover: PersonCover,
    pub form: EnrolForm,
    pub error: Option<String>,
    pub request_id: String,
    /// Model funds that pay this person's VSI.
    pub funds: Vec<ansinh_app::models::FundChoice>,
}

impl InsuranceTpl<'_> {
    pub fn vnd(&self, v: &i64) -> String {
        Vnd(*v).format_vi()
    }
    pub fn support(&self, n: &ansinh_app::collection::NextPayment) -> String {
        Vnd(n.state_support + n.local_support).format_vi()
    }
    pub fn has_open_vsi(&self) -> bool {
        self.cover.items.iter().any(|i| {
            i.participation.scheme == ansinh_domain::Scheme::Vsi && i.participation.ended_on.is_none()
        })
    }
    pub fn modes(&self) -> Vec<(u32, String, bool)> {
        let current = self.form.mode_months.trim().parse::<u32>().unwrap_or(12);
        [1u32, 3, 6, 12, 24, 36, 48, 60]
            .into_iter()
            .map(|m| {
                let label = match (m, self.page.is_vi()) {
                    (1, true) => "Hằng tháng".to_string(),
                    (1, false) => "Monthly".to_string(),
                    (m, true) if m > 12 => format!("{} năm một lần (chiết khấu)", m / 12),
                    (m, false) if m > 12 => format!("{} years at once (discounted)", m / 12),
                    (m, true) => format!("{m} tháng một lần"),
                    (m, false) => format!("Every {m} months"),
                };
                (m, label, m == current)
            })
            .collect()
    }
    pub fn categories(&self) -> Vec<(&'static str, &'static str, bool)> {
        let vi = [
            ("", "Theo hồ sơ (tự xác định)"),
            ("others", "Đối tượng khác"),
            ("near_poor", "Hộ cận nghèo"),
            ("poor", "Hộ nghèo"),
            ("ethnic_minority", "Người dân tộc thiểu số"),
            ("island", "Xã đảo, đặc khu"),
        ];
        let en = ["From the records", "Others", "Near-poor", "Poor", "Ethnic minority", "Island commune"];
        vi.iter()
            .zip(en)
            .map(|((k, v), e)| (*k, if self.page.is_vi() { *v } else { e }, *k == self.form.category.trim()))
            .collect()
    }
    pub fn category_label(&self, c: &Option<ansinh_app::rules::vsi::SupportCategory>) -> String {
        use ansinh_app::rules::vsi::SupportCategory::*;
        let vi = self.page.is_vi();
        match c {
            None => String::new(),
            Some(Others) => if vi { "Đối tượng khác" } else { "Others" }.into(),
            Some(NearPoor) => if vi { "Hộ cận nghèo" } else { "Near-poor" }.into(),
            Some(Poor) => if vi { "Hộ nghèo" } else { "Poor" }.into(),
            Some(EthnicMinority) => if vi { "Người dân tộc thiểu số" } else { "Ethnic minority" }.into(),
            Some(Island) => if vi { "Xã đảo, đặc khu" } else { "Island commune" }.into(),
        }
    }
}

async fn insurance_page<'a>(
    state: &AppState,
    page: &'a Page,
    id: i64,
    form: EnrolForm,
    error: Option<String>,
) -> Result<InsuranceTpl<'a>, PageError> {
    let actor = page.actor()?;
    let view = state.app.person_view(actor, id).await?;
    let cover = state.app.person_cover(actor, view.person.id).await?;
    let funds = state.app.member_funds(actor, view.person.id).await?;
    Ok(InsuranceTpl { page, person: view.person, cover, form, error, request_id: new_request_id(), funds })
}

pub async fn insurance(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let form = EnrolForm { mode_months: "12".into(), income: "1.500.000".into(), ..Default::default() };
    render(&insurance_page(&state, &page, id, form, None).await?)
}

pub async fn enrol_vsi(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<EnrolForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let result = async {
        let income = money_input("income", &f.income)?;
        let mode_months = months_input("mode_months", &f.mode_months)?;
        let prior = if f.prior_support_months.trim().is_empty() {
            0
        } else {
            months_input("prior_support_months", &f.prior_support_months)?
        };
        let e = VsiEnrolment {
            person_id: id,
            income,
            mode_months,
            start: f.start.clone(),
            category: f.category.clone(),
            override_reason: f.override_reason.clone(),
            override_document: f.override_document.clone(),
            prior_support_months: prior,
        };
        state.app.enrol_vsi(actor, &e).await
    }
    .await;
    match form_outcome(result)? {
        Ok(_) => Ok(Redirect::to(&format!("/persons/{id}/insurance#vsi")).into_response()),
        Err(fields) => {
            let error = Some(fields_message(page.lang, &fields));
            Ok(unprocessable(render(&insurance_page(&state, &page, id, f, error).await?)?))
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TermsForm {
    #[serde(default)]
    pub income: String,
    #[serde(default)]
    pub mode_months: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub person_id: i64,
}

pub async fn change_terms(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<TermsForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let result = async {
        let t = VsiTerms {
            income: money_input("income", &f.income)?,
            mode_months: months_input("mode_months", &f.mode_months)?,
            reason: f.reason.clone(),
        };
        state.app.change_vsi_terms(actor, id, &t).await
    }
    .await;
    match form_outcome(result)? {
        Ok(p) => Ok(Redirect::to(&format!("/persons/{}/insurance#vsi", p.person_id)).into_response()),
        Err(fields) => {
            let error = Some(fields_message(page.lang, &fields));
            Ok(unprocessable(render(
                &insurance_page(&state, &page, f.person_id, EnrolForm::default(), error).await?,
            )?))
        }
    }
}

// ─── Payments ─────────────────────────────────────────────────────────────────────────────

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PayForm {
    #[serde(default)]
    pub request_id: String,
    /// `vsi` or `hi_household`.
    #[serde(default)]
    pub scheme: String,
    #[serde(default)]
    pub participation_id: Option<i64>,
    #[serde(default)]
    pub household_id: Option<i64>,
    #[serde(default)]
    pub payer_person_id: Option<i64>,
    #[serde(default)]
    pub months: String,
    /// Part paid by a community model's fund (optional).
    #[serde(default)]
    pub fund_name: String,
    #[serde(default)]
    pub fund_amount: String,
    /// A community model whose fund pays (all, or `fund_amount` of) it.
    #[serde(default)]
    pub fund_model: String,
    /// Where to come back on an error.
    #[serde(default)]
    pub back: String,
}

pub async fn pay(
    State(state): State<AppState>,
    page: Page,
    Form(f): Form<PayForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let item = async {
        let months = if f.months.trim().is_empty() { None } else { Some(months_input("months", &f.months)?) };
        Ok::<_, AppError>(match f.scheme.as_str() {
            "hi_household" => PaymentItem::HiHousehold {
                household_id: f.household_id.ok_or(AppError::NotFound)?,
                months: months.unwrap_or(12),
                payer_person_id: f.payer_person_id,
                sources: vec![],
            },
            _ => PaymentItem::Vsi {
                participation_id: f.participation_id.ok_or(AppError::NotFound)?,
                months,
                sources: vec![],
            },
        })
    }
    .await?;
    // A fund's part, if typed; the person pays the rest (the use case adds it).
    let result = async {
        let mut item = item;
        let model_id = f.fund_model.trim().parse::<i64>().ok();
        if !f.fund_amount.trim().is_empty() || model_id.is_some() {
            // A model's fund with no amount typed pays what is left (amount 0, the use case's rule).
            let amount =
                if f.fund_amount.trim().is_empty() { 0 } else { money_input("fund_amount", &f.fund_amount)? };
            let fund = SourceInput { source: "fund".into(), name: f.fund_name.clone(), amount, model_id };
            match &mut item {
                PaymentItem::Vsi { sources, .. } | PaymentItem::HiHousehold { sources, .. } => {
                    sources.push(fund)
                }
            }
        }
        state
            .app
            .record_payment(actor, &PaymentRequest { request_id: f.request_id.clone(), items: vec![item] })
            .await
    }
    .await;
    match form_outcome(result)? {
        Ok(out) => match out.receipts.first() {
            Some(r) => Ok(Redirect::to(&format!("/receipts/{}?new=1", r.id)).into_response()),
            None => Err(PageError::App(AppError::NotFound)),
        },
        Err(fields) => {
            let msg = fields_message(page.lang, &fields);
            let html = crate::pages::error_page(&page, 422, &msg);
            let back = crate::session::safe_next(Some(&f.back));
            let html = html.replace(
                "</main>",
                &format!(
                    "<p><a class=\"button\" href=\"{}\">{}</a></p></main>",
                    askama_escape(&back),
                    page.t("back")
                ),
            );
            Ok(unprocessable(Html(html)))
        }
    }
}

fn askama_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

// ─── Household HI ─────────────────────────────────────────────────────────────────────────

#[derive(Template)]
#[template(path = "household_insurance.html")]
pub struct HouseholdInsuranceTpl<'a> {
    pub page: &'a Page,
    pub household: HouseholdRow,
    pub candidates: Vec<HiCandidate>,
    pub error: Option<String>,
    pub request_id: String,
    pub can_collect: bool,
    /// (months, amount if paid today) for each allowed period.
    pub quotes: Vec<(u32, i64)>,
    /// Model funds that pay this household's HI (through its head's or a member's membership).
    pub funds: Vec<ansinh_app::models::FundChoice>,
    /// How household HI is priced, from the parameters in force today.
    pub pricing_note: String,
}

impl HouseholdInsuranceTpl<'_> {
    pub fn vnd(&self, v: &i64) -> String {
        Vnd(*v).format_vi()
    }
    pub fn selectable(&self) -> bool {
        self.can_collect && self.candidates.iter().any(|c| !c.enrolled && c.excluded.is_none())
    }
    pub fn is_head(&self, c: &HiCandidate) -> bool {
        self.household.head_person_id == Some(c.person.id)
    }
    pub fn any_enrolled(&self) -> bool {
        self.candidates.iter().any(|c| c.enrolled)
    }
    pub fn why(&self, c: &HiCandidate) -> String {
        c.excluded
            .as_ref()
            .map(|b| if self.page.is_vi() { b.vi.clone() } else { b.en.clone() })
            .unwrap_or_default()
    }
}

async fn household_page<'a>(
    state: &AppState,
    page: &'a Page,
    id: i64,
    error: Option<String>,
) -> Result<HouseholdInsuranceTpl<'a>, PageError> {
    let actor = page.actor()?;
    let (household, candidates) = state.app.hi_candidates(actor, id).await?;
    let can_collect = actor.can(Permission::Collect, &household.unit_path);
    let mut quotes = Vec::new();
    if can_collect && candidates.iter().any(|c| c.enrolled) {
        for months in state.app.hi_periods() {
            let item =
                PaymentItem::HiHousehold { household_id: id, months, payer_person_id: None, sources: vec![] };
            if let Ok(amount) = state.app.quote_item(actor, &item).await {
                quotes.push((months, amount));
            }
        }
    }
    let mut funds: Vec<ansinh_app::models::FundChoice> = Vec::new();
    if let Some(head) = household.head_person_id.or(candidates.first().map(|c| c.person.id)) {
        funds = state.app.member_funds(actor, head).await?.into_iter().filter(|f| f.pays_hi).collect();
    }
    let pricing_note = hi_pricing_note(&state.app.params(), page.today, page.is_vi());
    Ok(HouseholdInsuranceTpl {
        page,
        household,
        candidates,
        error,
        request_id: new_request_id(),
        can_collect,
        funds,
        quotes,
        pricing_note,
    })
}

/// How household HI is priced, in words, from the parameters in force `on` (rate, the shares of
/// the 2nd… members, the card's waiting days and the break that restarts them); the legal basis
/// is the parameters page's.
fn hi_pricing_note(params: &ansinh_rules::ParamSet, on: chrono::NaiveDate, vi: bool) -> String {
    use ansinh_rules::keys;
    let show = |key: &str| {
        let v = params.value(key, on).ok()?;
        Some(ansinh_rules::param_info(key).map_or_else(|| v.to_string(), |i| i.unit.format_vi(v)))
    };
    let shares: Option<Vec<String>> = (2..=5).map(|n| show(keys::hi_household_share(n))).collect();
    let (Some(rate), Some(shares), Some(wait), Some(gap)) = (
        show(keys::HI_HOUSEHOLD_RATE),
        shares,
        params.value(keys::HI_CARD_WAITING_DAYS, on).ok(),
        params.value(keys::HI_CARD_BREAK_MONTHS, on).ok(),
    ) else {
        return String::new();
    };
    if vi {
        format!(
            "Người thứ nhất {rate} mức lương cơ sở; người thứ 2, 3, 4 bằng {}, {}, {}; từ người thứ 5 bằng {} mức của người thứ nhất. Thẻ lần đầu hoặc sau gián đoạn từ {gap} tháng có giá trị sau {wait} ngày.",
            shares[0], shares[1], shares[2], shares[3]
        )
    } else {
        format!(
            "First member {rate} of the base salary; 2nd, 3rd, 4th {}, {}, {}; 5th and later {} of the first member's amount. A first card, or one after a break of {gap} months or more, is valid after {wait} days.",
            shares[0], shares[1], shares[2], shares[3]
        )
    }
}

pub async fn household_insurance(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    render(&household_page(&state, &page, id, None).await?)
}

pub async fn enrol_hi(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let person_ids: Vec<i64> =
        pairs.iter().filter(|(k, _)| k == "person_id").filter_map(|(_, v)| v.parse().ok()).collect();
    let result = state
        .app
        .enrol_hi_household(actor, &ansinh_app::collection::HiEnrolment { household_id: id, person_ids })
        .await;
    match form_outcome(result)? {
        Ok(_) => Ok(Redirect::to(&format!("/households/{id}/insurance")).into_response()),
        Err(fields) => {
            let error = Some(fields_message(page.lang, &fields));
            Ok(unprocessable(render(&household_page(&state, &page, id, error).await?)?))
        }
    }
}

// ─── Receipts ─────────────────────────────────────────────────────────────────────────────

#[derive(Deserialize, Default)]
pub struct ReceiptQuery {
    #[serde(default)]
    new: String,
}

#[derive(Template)]
#[template(path = "receipt.html")]
pub struct ReceiptTpl<'a> {
    pub page: &'a Page,
    pub view: ReceiptView,
    pub fresh: bool,
    pub verify_url: String,
    pub qr_svg: String,
    pub error: Option<String>,
}

impl ReceiptTpl<'_> {
    pub fn vnd(&self, v: &i64) -> String {
        Vnd(*v).format_vi()
    }
    pub fn number(&self) -> String {
        format!("{:07}", self.view.receipt.number)
    }
    /// Who paid, when anyone but the person paid (a fund, a sponsor) — as on the PDF.
    pub fn shows_sources(&self) -> bool {
        self.view.sources.len() > 1
            || self.view.sources.iter().any(|s| s.source != ansinh_domain::PayerSource::Person)
    }
    pub fn code_grouped(&self) -> String {
        group_code(&self.view.receipt.code)
    }
}

/// "ABCD-EFGH-JKMN"
pub fn group_code(code: &str) -> String {
    code.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

/// The public address of a receipt's check, as printed in its QR code.
pub fn verify_url(state: &AppState, code: &str) -> String {
    format!("{}/bien-lai/{}", state.config.public_url.trim_end_matches('/'), code)
}

async fn receipt_page<'a>(
    state: &AppState,
    page: &'a Page,
    id: i64,
    fresh: bool,
    error: Option<String>,
) -> Result<ReceiptTpl<'a>, PageError> {
    let actor = page.actor()?;
    let view = state.app.receipt_view(actor, id).await?;
    let url = verify_url(state, &view.receipt.code);
    let qr_svg = crate::receipt_pdf::qr_svg(&url);
    Ok(ReceiptTpl { page, view, fresh, verify_url: url, qr_svg, error })
}

pub async fn receipt(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<ReceiptQuery>,
) -> Result<Html<String>, PageError> {
    render(&receipt_page(&state, &page, id, !q.new.is_empty(), None).await?)
}

pub async fn receipt_pdf(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let view = state.app.receipt_view(actor, id).await?;
    let url = verify_url(&state, &view.receipt.code);
    let bytes = crate::receipt_pdf::render(&view, &url);
    let name = format!("bien-lai-{}-{:07}.pdf", view.receipt.series, view.receipt.number);
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/pdf".to_string()),
            (axum::http::header::CONTENT_DISPOSITION, format!("inline; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct VoidForm {
    #[serde(default)]
    pub reason: String,
}

pub async fn void(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<VoidForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    match form_outcome(state.app.void_receipt(actor, id, &f.reason).await)? {
        Ok(_) => Ok(Redirect::to(&format!("/receipts/{id}")).into_response()),
        Err(fields) => {
            let error = Some(fields_message(page.lang, &fields));
            Ok(unprocessable(render(&receipt_page(&state, &page, id, false, error).await?)?))
        }
    }
}

// ─── Public check ─────────────────────────────────────────────────────────────────────────

#[derive(Template)]
#[template(path = "verify.html")]
pub struct VerifyTpl<'a> {
    pub page: &'a Page,
    pub code: String,
    pub found: Option<PublicReceipt>,
    pub asked: bool,
}

impl VerifyTpl<'_> {
    pub fn vnd(&self, v: &i64) -> String {
        Vnd(*v).format_vi()
    }
}

#[derive(Deserialize, Default)]
pub struct VerifyQuery {
    #[serde(default)]
    ma: String,
}

async fn verify_page(state: &AppState, page: &Page, code: &str) -> Result<Response, PageError> {
    let asked = !code.trim().is_empty();
    let found = if asked {
        match state.app.verify_receipt(code).await {
            Ok(r) => Some(r),
            Err(AppError::NotFound) => None,
            Err(e) => return Err(PageError::App(e)),
        }
    } else {
        None
    };
    let tpl = VerifyTpl { page, code: code.trim().chars().take(40).collect(), found, asked };
    let html = render(&tpl)?;
    Ok(if asked && tpl.found.is_none() {
        (axum::http::StatusCode::NOT_FOUND, html).into_response()
    } else {
        html.into_response()
    })
}

pub async fn verify_form(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<VerifyQuery>,
) -> Result<Response, PageError> {
    verify_page(&state, &page, &q.ma).await
}

pub async fn verify_code(
    State(state): State<AppState>,
    page: Page,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    verify_page(&state, &page, &code).await
}

// ─── A citizen's own lookup ───────────────────────────────────────────────────────────────

#[derive(Template)]
#[template(path = "citizen.html")]
pub struct CitizenTpl<'a> {
    pub page: &'a Page,
    pub cccd: String,
    pub birth: String,
    pub cover: Option<ansinh_app::collection::CitizenCover>,
    pub error: Option<String>,
}

impl CitizenTpl<'_> {
    pub fn vnd(&self, v: &i64) -> String {
        Vnd(*v).format_vi()
    }
}

pub async fn citizen_form(page: Page) -> Result<Html<String>, PageError> {
    render(&CitizenTpl { page: &page, cccd: String::new(), birth: String::new(), cover: None, error: None })
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CitizenForm {
    #[serde(default)]
    pub cccd: String,
    #[serde(default)]
    pub birth_date: String,
}

pub async fn citizen_lookup(
    State(state): State<AppState>,
    page: Page,
    crate::session::ClientAddr(client): crate::session::ClientAddr,
    Form(f): Form<CitizenForm>,
) -> Result<Response, PageError> {
    let cccd: String = f.cccd.trim().chars().take(20).collect();
    let birth: String = f.birth_date.trim().chars().take(20).collect();
    match state.app.citizen_cover(&cccd, &birth, &client).await {
        Ok(cover) => Ok(render(&CitizenTpl { page: &page, cccd, birth, cover: Some(cover), error: None })?
            .into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Locked { .. })) => {
            let status = crate::error::status_of(&e);
            let error = Some(crate::error::message(page.lang, &e));
            let html = render(&CitizenTpl { page: &page, cccd, birth, cover: None, error })?;
            Ok((status, html).into_response())
        }
        Err(e) => Err(PageError::App(e)),
    }
}

// ─── Remittances ──────────────────────────────────────────────────────────────────────────

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    pub day: String,
}

pub async fn close_day(
    State(state): State<AppState>,
    page: Page,
    Form(f): Form<CloseForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let day = crate::fmt::parse_date(&f.day);
    match form_outcome(state.app.close_day(actor, day).await)? {
        Ok(r) => Ok(Redirect::to(&format!("/remittances/{}", r.id)).into_response()),
        Err(fields) => {
            let error = Some(fields_message(page.lang, &fields));
            let q = DayQuery { day: f.day.clone(), ..Default::default() };
            Ok(unprocessable(render(&collect_page(&state, &page, &q, BookForm::default(), error).await?)?))
        }
    }
}

#[derive(Template)]
#[template(path = "remittance.html")]
pub struct RemittanceTpl<'a> {
    pub page: &'a Page,
    pub view: ansinh_app::collection::RemittanceView,
    pub error: Option<String>,
}

impl RemittanceTpl<'_> {
    pub fn vnd(&self, v: &i64) -> String {
        Vnd(*v).format_vi()
    }
    pub fn status(&self) -> String {
        remit_status(self.page, &self.view.remittance.status)
    }
    pub fn difference(&self) -> Option<String> {
        let r = &self.view.remittance;
        r.received.filter(|x| *x != r.total).map(|x| Vnd(x - r.total).format_vi())
    }
}

fn remit_status(page: &Page, status: &str) -> String {
    page.t(match status {
        "confirmed" => "remit-confirmed",
        "flagged" => "remit-flagged",
        _ => "remit-submitted",
    })
}

pub async fn remittance(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    let view = state.app.remittance_view(actor, id).await?;
    render(&RemittanceTpl { page: &page, view, error: None })
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    pub received: String,
    #[serde(default)]
    pub note: String,
}

pub async fn review(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<ReviewForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let result = async {
        let received = money_input("received", &f.received)?;
        state.app.review_remittance(actor, id, received, &f.note).await
    }
    .await;
    match form_outcome(result)? {
        Ok(_) => Ok(Redirect::to(&format!("/remittances/{id}")).into_response()),
        Err(fields) => {
            let view = state.app.remittance_view(actor, id).await?;
            let error = Some(fields_message(page.lang, &fields));
            Ok(unprocessable(render(&RemittanceTpl { page: &page, view, error })?))
        }
    }
}

// ─── Lists of the other schemes ───────────────────────────────────────────────────────────

#[derive(Template)]
#[template(path = "lists.html")]
pub struct ListsTpl<'a> {
    pub page: &'a Page,
    pub report: Option<ansinh_app::collection::ListImportReport>,
    pub filename: String,
    pub dry_run: bool,
    pub rejected_link: Option<String>,
    pub error: Option<String>,
}

impl ListsTpl<'_> {
    pub fn errors(&self) -> Vec<String> {
        let vi = self.page.is_vi();
        self.report
            .as_ref()
            .map(|r| r.errors.iter().take(200).map(|e| if vi { e.to_string() } else { e.to_en() }).collect())
            .unwrap_or_default()
    }
}

pub async fn lists(page: Page) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    if !actor.has(Permission::ManageBooks) {
        return Err(PageError::App(AppError::Forbidden));
    }
    render(&ListsTpl {
        page: &page,
        report: None,
        filename: String::new(),
        dry_run: false,
        rejected_link: None,
        error: None,
    })
}

pub async fn import_lists(
    State(state): State<AppState>,
    page: Page,
    mp: axum::extract::Multipart,
) -> Result<Response, PageError> {
    use ansinh_app::import::ImportMode;
    let actor = page.actor()?;
    let outcome = async {
        let u = crate::pages::imports::read_upload(mp).await?;
        let mode = match (u.dry_run, u.valid_rows_only) {
            (true, _) => ImportMode::DryRun,
            (false, true) => ImportMode::ValidRowsOnly,
            (false, false) => ImportMode::AllOrNothing,
        };
        let r = state.app.import_participations(actor, &u.filename, &u.bytes, mode).await?;
        Ok::<_, AppError>((u, r))
    }
    .await;
    match outcome {
        Ok((u, report)) => {
            let rejected_link = report
                .rejected_xlsx
                .as_ref()
                .and_then(|b| {
                    state.downloads.put(
                        page.user_id(),
                        "danh-sach-bi-tu-choi.xlsx",
                        crate::downloads::XLSX,
                        b.clone(),
                    )
                })
                .map(|k| format!("/persons/import/files/{k}"));
            let bad = report.bad_rows() > 0 && !report.written;
            let html = render(&ListsTpl {
                page: &page,
                filename: u.filename.clone(),
                dry_run: u.dry_run,
                report: Some(report),
                rejected_link,
                error: None,
            })?;
            Ok(if bad { unprocessable(html) } else { html.into_response() })
        }
        Err(AppError::Invalid(fields)) => {
            let error = Some(fields_message(page.lang, &fields));
            Ok(unprocessable(render(&ListsTpl {
                page: &page,
                report: None,
                filename: String::new(),
                dry_run: false,
                rejected_link: None,
                error,
            })?))
        }
        Err(e) => Err(PageError::App(e)),
    }
}

// ─── Forms ────────────────────────────────────────────────────────────────────────────────

#[derive(Deserialize, Default)]
pub struct FormQuery {
    /// MM/YYYY or YYYY-MM; default this month.
    #[serde(default)]
    month: String,
    /// The collector's username (the SI office); default the caller.
    #[serde(default)]
    collector: String,
}

/// `GET /collect/forms/{code}.xlsx`: D03-TS or D05-TS of a collector's month.
pub async fn form_xlsx(
    State(state): State<AppState>,
    page: Page,
    Path(file): Path<String>,
    Query(q): Query<FormQuery>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let (code, pdf) = match (file.strip_suffix(".xlsx"), file.strip_suffix(".pdf")) {
        (Some(c), _) => (c, false),
        (_, Some(c)) => (c, true),
        _ => return Err(PageError::App(AppError::NotFound)),
    };
    let month = if q.month.trim().is_empty() {
        ansinh_app::rules::Month::from_date(page.today)
    } else {
        ansinh_app::calc::month("month", &q.month).map_err(|e| PageError::App(e.into()))?
    };
    let collector = Some(q.collector.as_str()).filter(|s| !s.trim().is_empty());
    let sheet = state.app.export_form(actor, code, collector, month).await?;
    let name = format!("{}-{:02}-{}", code.to_uppercase(), month.month(), month.year());
    if pdf {
        let bytes = ansinh_reports::pdf::form_pdf(&sheet);
        return Ok(crate::downloads::file_response(bytes, crate::downloads::PDF, &format!("{name}.pdf")));
    }
    let bytes = ansinh_reports::write_form_xlsx(&sheet, code)
        .map_err(|e| PageError::App(AppError::Internal(e.en)))?;
    Ok(crate::downloads::file_response(bytes, crate::downloads::XLSX, &format!("{name}.xlsx")))
}

/// Tờ khai TK1-TS of a person, with the household annex, as PDF or XLSX.
pub async fn declaration(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    uri: axum::http::Uri,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let d = state.app.declaration(actor, "tk1-ts", id).await?;
    let name = format!("TK1-TS-{id}");
    if uri.path().ends_with(".pdf") {
        let bytes = ansinh_reports::pdf::declaration_pdf(&d);
        return Ok(crate::downloads::file_response(bytes, crate::downloads::PDF, &format!("{name}.pdf")));
    }
    let bytes = ansinh_reports::write_form_xlsx(&d.to_sheet(), "TK1-TS")
        .map_err(|e| PageError::App(AppError::Internal(e.en)))?;
    Ok(crate::downloads::file_response(bytes, crate::downloads::XLSX, &format!("{name}.xlsx")))
}

// ─── Reminders ────────────────────────────────────────────────────────────────────────────

#[derive(Debug, Clone, Default, Deserialize)]
pub struct QueueForm {
    #[serde(default)]
    pub days: String,
    /// The renewal list's narrowing when the button was pressed: a unit code and a part.
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub status: String,
}

pub async fn queue_reminders(
    State(state): State<AppState>,
    page: Page,
    Form(f): Form<QueueForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let days = f.days.trim().parse::<u32>().unwrap_or(30).min(DUE_MAX_DAYS);
    let place = Some(f.place.trim()).filter(|p| !p.is_empty());
    state.app.queue_reminders(actor, days, place, DueFilter::parse(&f.status)?).await?;
    Ok(Redirect::to("/collect#reminders").into_response())
}

/// `GET /collect/reminders/{channel}`: the open reminders as a printable list or a CSV for an
/// SMS gateway.
pub async fn reminders_file(
    State(state): State<AppState>,
    page: Page,
    Path(channel): Path<String>,
) -> Result<Response, PageError> {
    use ansinh_app::collection::{PrintList, ReminderChannel, SmsCsv};
    let actor = page.actor()?;
    let ch: &dyn ReminderChannel = match channel.as_str() {
        "print" => &PrintList,
        "sms" => &SmsCsv,
        _ => return Err(PageError::App(AppError::NotFound)),
    };
    let f = state.app.outbox_file(actor, ch).await?;
    Ok(crate::downloads::file_response(f.bytes, f.content_type, &f.filename))
}
