//! Mô hình an sinh — the community models' screens: the list and comparison with the launch
//! form, a model's dashboard (members and pledges, fund, the harvest plan, replicate), the fund
//! statement (with XLSX and PDF), and the 100 %-group view of a commune or village.

use crate::AppState;
use crate::error::{PageError, form_outcome, unprocessable};
use crate::pages::render;
use crate::session::Page;
use ansinh_app::AppError;
use ansinh_app::models::{
    FundStatement, GroupsView, ModelSummary, ModelView, NewDeposit, NewMember, NewModel,
};
use ansinh_app::rules::Vnd;
use ansinh_domain::{FundEntryKind, Invalid, ModelKind, ModelStatus, Organisation, Permission};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

/// Labels of the fields the model and outreach forms name in their errors.
const FIELDS: &[(&str, &str, &str)] = &[
    ("unit_code", "Xã", "Commune"),
    ("kind", "Loại", "Kind"),
    ("name", "Tên", "Name"),
    ("organisation", "Tổ chức", "Organisation"),
    ("launched_on", "Ngày ra mắt", "Launch date"),
    ("goal_members", "Mục tiêu thành viên", "Member goal"),
    ("goal_enrolments", "Mục tiêu người tham gia", "Enrolment goal"),
    ("goal_rate", "Mục tiêu tỷ lệ", "Rate goal"),
    ("income_months", "Tháng có thu nhập", "Income months"),
    ("income_note", "Ghi chú thu nhập", "Income note"),
    ("rules", "Cách làm", "Rules"),
    ("places", "Thôn, tổ", "Villages, groups"),
    ("member", "Thành viên", "Member"),
    ("joined_on", "Ngày tham gia", "Join date"),
    ("left_on", "Ngày rời", "Leaving date"),
    ("pledge_qty", "Số lượng cam kết", "Pledge quantity"),
    ("pledge_unit", "Đơn vị cam kết", "Pledge unit"),
    ("pledge_value", "Giá trị cam kết", "Pledge value"),
    ("pays", "Quỹ đóng", "Fund pays"),
    ("amount", "Số tiền", "Amount"),
    ("on", "Ngày", "Date"),
    ("member_id", "Phần của thành viên", "Member's pool"),
    ("note", "Ghi chú", "Note"),
    ("reason", "Lý do", "Reason"),
    ("entry", "Bút toán", "Entry"),
    ("status", "Trạng thái", "Status"),
    ("unit_codes", "Địa bàn", "Places"),
    ("starts_on", "Ngày bắt đầu", "Start"),
    ("ends_on", "Ngày kết thúc", "End"),
    ("target_visits", "Chỉ tiêu lượt thăm", "Visit target"),
    ("target_enrolments", "Chỉ tiêu người tham gia", "Enrolment target"),
    ("teams", "Tổ vận động", "Teams"),
    ("members", "Thành viên tổ", "Team members"),
    ("client_id", "Mã lần thăm", "Visit id"),
    ("campaign_id", "Đợt vận động", "Campaign"),
    ("model_id", "Mô hình", "Model"),
    ("person_id", "Người được thăm", "Person visited"),
    ("visited_on", "Ngày đến nhà", "Visit date"),
    ("outcome", "Kết quả", "Outcome"),
    ("follow_up_on", "Ngày hẹn quay lại", "Follow-up date"),
    ("unit_id", "Đơn vị", "Unit"),
    ("year", "Năm", "Year"),
    ("indicator", "Chỉ tiêu", "Indicator"),
    ("rate", "Tỷ lệ (%)", "Rate (%)"),
    ("resolution", "Nghị quyết", "Resolution"),
    ("value", "Số người", "Persons"),
    ("source", "Nguồn số liệu", "Source"),
    ("month", "Tháng", "Month"),
    ("additional", "Giao thêm", "Assigned"),
    ("assignments", "Phân bổ", "Assignments"),
    ("target", "Chỉ tiêu giao", "Target"),
];

/// Every field error as "Label: reason", in the page's language.
pub fn field_errors(page: &Page, list: &[Invalid]) -> String {
    list.iter()
        .map(|i| {
            let reason = if page.is_vi() { &i.vi } else { &i.en };
            match FIELDS.iter().find(|f| f.0 == i.field) {
                Some((_, vi, en)) => format!("{}: {reason}", if page.is_vi() { vi } else { en }),
                None => reason.clone(),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A date typed in a form field (dd/mm/yyyy or yyyy-mm-dd).
pub fn date_field(field: &str, s: &str) -> Result<chrono::NaiveDate, Invalid> {
    crate::fmt::parse_date(s).ok_or_else(|| {
        Invalid::new(
            field,
            format!("Ngày «{}» không hợp lệ, ví dụ 13/11/2024", s.trim()),
            format!("date «{}» is invalid, e.g. 13/11/2024", s.trim()),
        )
    })
}

/// A whole number typed in a form field (empty = 0); money may carry dots: 6.000.000.
pub fn number_field(field: &str, s: &str) -> Result<i64, Invalid> {
    let t: String = s.trim().chars().filter(|c| !matches!(c, '.' | ',' | ' ' | '\u{a0}' | '₫')).collect();
    if t.is_empty() {
        return Ok(0);
    }
    t.parse::<i64>().map_err(|_| {
        Invalid::new(
            field,
            format!("«{}» không phải số, ví dụ 6.000.000", s.trim()),
            format!("«{}» is not a number, e.g. 6,000,000", s.trim()),
        )
    })
}

/// Collect the parse errors of a form before the use case adds its own.
pub struct Parsed(pub Vec<Invalid>);

impl Parsed {
    pub fn take<T: Default>(&mut self, r: Result<T, Invalid>) -> T {
        r.unwrap_or_else(|e| {
            self.0.push(e);
            T::default()
        })
    }
    pub fn date(&mut self, field: &str, s: &str, today: chrono::NaiveDate) -> chrono::NaiveDate {
        date_field(field, s).unwrap_or_else(|e| {
            self.0.push(e);
            today
        })
    }
    pub fn into_result(self) -> Result<(), AppError> {
        if self.0.is_empty() { Ok(()) } else { Err(AppError::Invalid(self.0)) }
    }
}

fn vnd(v: i64) -> String {
    Vnd(v).format_vi()
}

pub fn kind_label(page: &Page, k: ModelKind) -> &'static str {
    if page.is_vi() { k.label_vi() } else { k.label_en() }
}

pub fn org_label(page: &Page, o: Organisation) -> &'static str {
    if page.is_vi() { o.label_vi() } else { o.label_en() }
}

// ─── The list, the comparison and the launch form ─────────────────────────────────────────

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ModelForm {
    #[serde(default)]
    pub unit_code: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub launched_on: String,
    #[serde(default)]
    pub goal_members: String,
    #[serde(default)]
    pub goal_enrolments: String,
    #[serde(default)]
    pub goal_rate: String,
    #[serde(default)]
    pub income_months: String,
    #[serde(default)]
    pub income_note: String,
    #[serde(default)]
    pub rules: String,
    #[serde(default)]
    pub places: String,
}

#[derive(Template)]
#[template(path = "models.html")]
pub struct ModelsTpl<'a> {
    pub page: &'a Page,
    pub models: Vec<ModelSummary>,
    pub form: ModelForm,
    pub error: Option<String>,
    pub can_launch: bool,
}

impl ModelsTpl<'_> {
    pub fn vnd(&self, v: &i64) -> String {
        vnd(*v)
    }
    pub fn kind(&self, k: &ModelKind) -> &'static str {
        kind_label(self.page, *k)
    }
    pub fn org(&self, o: &Organisation) -> &'static str {
        org_label(self.page, *o)
    }
    pub fn status(&self, s: &ModelStatus) -> &'static str {
        if self.page.is_vi() { s.label_vi() } else { s.label_en() }
    }
    pub fn kinds(&self) -> Vec<(&'static str, &'static str, bool)> {
        ModelKind::ALL
            .iter()
            .map(|k| (k.as_str(), kind_label(self.page, *k), self.form.kind == k.as_str()))
            .collect()
    }
    pub fn orgs(&self) -> Vec<(&'static str, &'static str, bool)> {
        Organisation::ALL
            .iter()
            .map(|o| (o.as_str(), org_label(self.page, *o), self.form.organisation == o.as_str()))
            .collect()
    }
    pub fn one(&self, v: &f64) -> String {
        format!("{v:.1}").replace('.', if self.page.is_vi() { "," } else { "." })
    }
    /// The models summed by kind: (kind, how many, figures).
    pub fn by_kind(&self) -> Vec<(ModelKind, usize, ansinh_app::models::ModelStats)> {
        ansinh_app::models::by_kind(&self.models)
    }
}

async fn models_page<'a>(
    state: &AppState,
    page: &'a Page,
    form: ModelForm,
    error: Option<String>,
) -> Result<ModelsTpl<'a>, PageError> {
    let actor = page.actor()?;
    let models = state.app.models(actor).await?;
    Ok(ModelsTpl { page, models, form, error, can_launch: actor.has(Permission::ManageModels) })
}

pub async fn list(State(state): State<AppState>, page: Page) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    // The commune of a commune-level account is the default.
    let unit_code = match actor.grants.first() {
        Some(g) => state
            .app
            .scope_roots(actor)
            .await?
            .into_iter()
            .find(|u| u.id == g.unit_id && u.level == ansinh_domain::Level::Commune)
            .map(|u| u.code)
            .unwrap_or_default(),
        None => String::new(),
    };
    let form = ModelForm {
        unit_code,
        kind: "tree_pledge".into(),
        organisation: "farmers_union".into(),
        launched_on: page.today.format("%d/%m/%Y").to_string(),
        ..Default::default()
    };
    render(&models_page(&state, &page, form, None).await?)
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    Form(f): Form<ModelForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let result = async {
        let mut p = Parsed(Vec::new());
        let n = NewModel {
            unit_code: f.unit_code.clone(),
            kind: f.kind.clone(),
            name: f.name.clone(),
            organisation: f.organisation.clone(),
            launched_on: p.date("launched_on", &f.launched_on, page.today),
            goal_members: p.take(number_field("goal_members", &f.goal_members)),
            goal_enrolments: p.take(number_field("goal_enrolments", &f.goal_enrolments)),
            goal_rate: p.take(number_field("goal_rate", &f.goal_rate)),
            income_months: f.income_months.clone(),
            income_note: f.income_note.clone(),
            rules: f.rules.clone(),
            places: vec![f.places.clone()],
        };
        p.into_result()?;
        state.app.create_model(actor, &n).await
    }
    .await;
    match form_outcome(result)? {
        Ok(m) => Ok(Redirect::to(&format!("/models/{}", m.id)).into_response()),
        Err(list) => {
            let e = Some(field_errors(&page, &list));
            Ok(unprocessable(render(&models_page(&state, &page, f, e).await?)?))
        }
    }
}

// ─── One model ────────────────────────────────────────────────────────────────────────────

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    pub member: String,
    #[serde(default)]
    pub joined_on: String,
    #[serde(default)]
    pub pledge_qty: String,
    #[serde(default)]
    pub pledge_unit: String,
    #[serde(default)]
    pub pledge_value: String,
    #[serde(default)]
    pub pays_vsi: Option<String>,
    #[serde(default)]
    pub pays_hi: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct DepositForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub on: String,
    #[serde(default)]
    pub member_id: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Template)]
#[template(path = "model.html")]
pub struct ModelTpl<'a> {
    pub page: &'a Page,
    pub view: ModelView,
    pub error: Option<String>,
    pub saved: bool,
    pub member_form: MemberForm,
    pub deposit_form: DepositForm,
}

impl ModelTpl<'_> {
    pub fn vnd(&self, v: &i64) -> String {
        vnd(*v)
    }
    pub fn kind(&self) -> &'static str {
        kind_label(self.page, self.view.model.kind)
    }
    pub fn org(&self) -> &'static str {
        org_label(self.page, self.view.model.organisation)
    }
    pub fn status(&self) -> &'static str {
        let s = self.view.model.status;
        if self.page.is_vi() { s.label_vi() } else { s.label_en() }
    }
    pub fn statuses(&self) -> Vec<(&'static str, &'static str, bool)> {
        ModelStatus::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str(),
                    if self.page.is_vi() { s.label_vi() } else { s.label_en() },
                    *s == self.view.model.status,
                )
            })
            .collect()
    }
    pub fn deposit_kinds(&self) -> Vec<(&'static str, &'static str)> {
        FundEntryKind::DEPOSITS
            .iter()
            .map(|k| (k.as_str(), if self.page.is_vi() { k.label_vi() } else { k.label_en() }))
            .collect()
    }
    /// Insured / workers where the model runs, "57,3%".
    pub fn coverage_rate(&self) -> String {
        let (w, i) = self.view.coverage;
        if w == 0 {
            return "–".into();
        }
        format!("{:.1}%", i as f64 * 100.0 / w as f64).replace('.', if self.page.is_vi() { "," } else { "." })
    }
    /// Share of the coverage-rate goal reached, in percent of the bar.
    pub fn goal_pct(&self) -> i64 {
        let (w, i) = self.view.coverage;
        let goal = self.view.model.goal_rate;
        if w == 0 || goal == 0 { 0 } else { (i * 100 * 100 / (w * goal)).min(100) }
    }
    /// Percent of a goal reached (0 when no goal is set).
    pub fn pct(&self, have: &i64, goal: &i64) -> i64 {
        if *goal > 0 { (have * 100 / goal).min(100) } else { 0 }
    }
    pub fn pledge(&self, m: &ansinh_app::records::MemberRow) -> String {
        let mut s = String::new();
        if m.pledge_qty > 0 {
            s.push_str(&format!("{} {}", m.pledge_qty, m.pledge_unit));
        }
        if m.pledge_value > 0 {
            if !s.is_empty() {
                s.push_str(", ");
            }
            s.push_str(&format!(
                "~{}/{}",
                vnd(m.pledge_value),
                if self.page.is_vi() { "năm" } else { "year" }
            ));
        }
        s
    }
    pub fn one(&self, v: &f64) -> String {
        format!("{v:.1}").replace('.', if self.page.is_vi() { "," } else { "." })
    }
}

async fn model_page<'a>(
    state: &AppState,
    page: &'a Page,
    id: i64,
    error: Option<String>,
    member_form: MemberForm,
    deposit_form: DepositForm,
) -> Result<ModelTpl<'a>, PageError> {
    let actor = page.actor()?;
    let view = state.app.model_view(actor, id).await?;
    let saved = page.here.contains("saved=1");
    Ok(ModelTpl { page, view, error, saved, member_form, deposit_form })
}

fn today_text(page: &Page) -> String {
    page.today.format("%d/%m/%Y").to_string()
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let mf = MemberForm { joined_on: today_text(&page), pays_vsi: Some("on".into()), ..Default::default() };
    let df = DepositForm { kind: "sale".into(), on: today_text(&page), ..Default::default() };
    render(&model_page(&state, &page, id, None, mf, df).await?)
}

async fn redisplay(
    state: &AppState,
    page: &Page,
    id: i64,
    list: &[Invalid],
    mf: MemberForm,
    df: DepositForm,
) -> Result<Response, PageError> {
    let e = Some(field_errors(page, list));
    Ok(unprocessable(render(&model_page(state, page, id, e, mf, df).await?)?))
}

pub async fn add_member(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<MemberForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let result = async {
        let mut p = Parsed(Vec::new());
        let joined_on = p.date("joined_on", &f.joined_on, page.today);
        let pledge_qty = p.take(number_field("pledge_qty", &f.pledge_qty));
        let pledge_value = p.take(number_field("pledge_value", &f.pledge_value));
        p.into_result()?;
        let (household_id, person_id) = state.app.member_ref(actor, id, &f.member).await?;
        let n = NewMember {
            household_id,
            person_id,
            joined_on,
            pledge_qty,
            pledge_unit: f.pledge_unit.clone(),
            pledge_value,
            pays_vsi: f.pays_vsi.is_some(),
            pays_hi: f.pays_hi.is_some(),
        };
        state.app.add_member(actor, id, &n).await
    }
    .await;
    match form_outcome(result)? {
        Ok(_) => Ok(Redirect::to(&format!("/models/{id}?saved=1#members")).into_response()),
        Err(list) => redisplay(&state, &page, id, &list, f, DepositForm::default()).await,
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct LeaveForm {
    #[serde(default)]
    pub left_on: String,
    #[serde(default)]
    pub reason: String,
}

pub async fn leave_member(
    State(state): State<AppState>,
    page: Page,
    Path((id, member)): Path<(i64, i64)>,
    Form(f): Form<LeaveForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let result = async {
        let on = date_field("left_on", &f.left_on).map_err(|e| AppError::Invalid(vec![e]))?;
        state.app.leave_member(actor, member, on, &f.reason).await
    }
    .await;
    match form_outcome(result)? {
        Ok(_) => Ok(Redirect::to(&format!("/models/{id}?saved=1#members")).into_response()),
        Err(list) => redisplay(&state, &page, id, &list, MemberForm::default(), DepositForm::default()).await,
    }
}

pub async fn deposit(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<DepositForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let result = async {
        let mut p = Parsed(Vec::new());
        let on = p.date("on", &f.on, page.today);
        let amount = p.take(number_field("amount", &f.amount));
        p.into_result()?;
        let d = NewDeposit {
            kind: f.kind.clone(),
            amount,
            on,
            member_id: f.member_id.trim().parse().ok(),
            note: f.note.clone(),
        };
        state.app.deposit(actor, id, &d).await
    }
    .await;
    match form_outcome(result)? {
        Ok(_) => Ok(Redirect::to(&format!("/models/{id}?saved=1#fund")).into_response()),
        Err(list) => redisplay(&state, &page, id, &list, MemberForm::default(), f).await,
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    pub status: String,
}

pub async fn set_status(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<StatusForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    match form_outcome(state.app.set_model_status(actor, id, &f.status).await)? {
        Ok(_) => Ok(Redirect::to(&format!("/models/{id}?saved=1")).into_response()),
        Err(list) => redisplay(&state, &page, id, &list, MemberForm::default(), DepositForm::default()).await,
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReplicateForm {
    #[serde(default)]
    pub unit_code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub launched_on: String,
}

pub async fn replicate(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<ReplicateForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let result = async {
        let on = date_field("launched_on", &f.launched_on).map_err(|e| AppError::Invalid(vec![e]))?;
        state.app.replicate_model(actor, id, &f.unit_code, &f.name, on).await
    }
    .await;
    match form_outcome(result)? {
        Ok(m) => Ok(Redirect::to(&format!("/models/{}", m.id)).into_response()),
        Err(list) => redisplay(&state, &page, id, &list, MemberForm::default(), DepositForm::default()).await,
    }
}

// ─── The fund statement ───────────────────────────────────────────────────────────────────

#[derive(Template)]
#[template(path = "fund.html")]
pub struct FundTpl<'a> {
    pub page: &'a Page,
    pub s: FundStatement,
    pub can_manage: bool,
    pub error: Option<String>,
}

impl FundTpl<'_> {
    pub fn vnd(&self, v: &i64) -> String {
        vnd(*v)
    }
    pub fn entry_kind(&self, k: &FundEntryKind) -> &'static str {
        if self.page.is_vi() { k.label_vi() } else { k.label_en() }
    }
    pub fn can_reverse(&self, l: &ansinh_app::models::StatementLine) -> bool {
        self.can_manage && !l.reversed && l.entry.kind.is_deposit()
    }
}

async fn fund_page<'a>(
    state: &AppState,
    page: &'a Page,
    id: i64,
    error: Option<String>,
) -> Result<FundTpl<'a>, PageError> {
    let actor = page.actor()?;
    let s = state.app.fund_statement(actor, id).await?;
    let can_manage = actor.can(Permission::ManageModels, &s.model.unit_path);
    Ok(FundTpl { page, s, can_manage, error })
}

pub async fn fund(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    render(&fund_page(&state, &page, id, None).await?)
}

pub async fn reverse(
    State(state): State<AppState>,
    page: Page,
    Path((id, entry)): Path<(i64, i64)>,
    Form(f): Form<LeaveForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    match form_outcome(state.app.reverse_fund_entry(actor, entry, &f.reason).await)? {
        Ok(_) => Ok(Redirect::to(&format!("/models/{id}/fund")).into_response()),
        Err(list) => {
            let e = Some(field_errors(&page, &list));
            Ok(unprocessable(render(&fund_page(&state, &page, id, e).await?)?))
        }
    }
}

const STATEMENT_HEAD: [&str; 7] = ["Ngày", "Loại", "Phần của", "Nội dung", ">Thu", ">Chi", ">Số dư"];

fn file_name(s: &FundStatement, ext: &str) -> String {
    let slug: String = ansinh_domain::text::fold(&s.model.name)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("so-quy-{slug}.{ext}")
}

fn pool_of(l: &ansinh_app::models::StatementLine) -> String {
    if l.member.is_empty() { "Quỹ chung".into() } else { l.member.clone() }
}

pub async fn fund_xlsx(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    use ansinh_reports::FormCell::{Number, Text};
    let actor = page.actor()?;
    let s = state.app.fund_statement(actor, id).await?;
    let mut title = vec![
        format!("SỔ QUỸ MÔ HÌNH «{}»", s.model.name),
        format!("Lập ngày {}", page.today.format("%d/%m/%Y")),
    ];
    for (_, name, b) in &s.pools {
        title.push(format!("Số dư {name}: {}", vnd(*b)));
    }
    let sheet = ansinh_reports::FormSheet {
        title,
        headers: STATEMENT_HEAD.iter().map(|h| h.trim_start_matches('>').to_string()).collect(),
        rows: s
            .lines
            .iter()
            .map(|l| {
                vec![
                    Text(l.entry.on_date.format("%d/%m/%Y").to_string()),
                    Text(l.entry.kind.label_vi().into()),
                    Text(pool_of(l)),
                    Text(l.entry.note.clone()),
                    Number(l.entry.amount.max(0)),
                    Number((-l.entry.amount).max(0)),
                    Number(l.balance),
                ]
            })
            .collect(),
        total: vec![
            Text("Cộng".into()),
            Text(String::new()),
            Text(String::new()),
            Text(String::new()),
            Number(s.income),
            Number(s.spent),
            Number(s.balance),
        ],
    };
    let bytes = ansinh_reports::write_form_xlsx(&sheet, "So quy")
        .map_err(|e| PageError::App(AppError::Internal(format!("{e:?}"))))?;
    Ok(crate::downloads::file_response(bytes, crate::downloads::XLSX, &file_name(&s, "xlsx")))
}

pub async fn fund_pdf(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let s = state.app.fund_statement(actor, id).await?;
    let rows: Vec<Vec<String>> = s
        .lines
        .iter()
        .map(|l| {
            let (i, o) = if l.entry.amount > 0 {
                (vnd(l.entry.amount), String::new())
            } else {
                (String::new(), vnd(-l.entry.amount))
            };
            vec![
                l.entry.on_date.format("%d/%m/%Y").to_string(),
                l.entry.kind.label_vi().to_string(),
                pool_of(l),
                l.entry.note.clone(),
                i,
                o,
                vnd(l.balance),
            ]
        })
        .collect();
    let title = format!("SỔ QUỸ MÔ HÌNH «{}»", s.model.name);
    let pools: Vec<String> = s.pools.iter().map(|(_, n, b)| format!("{n} {}", vnd(*b))).collect();
    let summary = format!(
        "Thu {} · Chi {} · Còn {} ({}) · lập ngày {}",
        vnd(s.income),
        vnd(s.spent),
        vnd(s.balance),
        pools.join(", "),
        page.today.format("%d/%m/%Y")
    );
    let bytes = ansinh_reports::pdf::table_pdf(
        &title,
        &summary,
        &STATEMENT_HEAD,
        &[1.0, 1.6, 1.8, 3.6, 1.1, 1.1, 1.2],
        &rows,
    );
    Ok(crate::downloads::file_response(bytes, crate::downloads::PDF, &file_name(&s, "pdf")))
}

// ─── 100 % groups ─────────────────────────────────────────────────────────────────────────

#[derive(Template)]
#[template(path = "groups.html")]
pub struct GroupsTpl<'a> {
    pub page: &'a Page,
    pub view: GroupsView,
    pub can_visit: bool,
}

impl GroupsTpl<'_> {
    pub fn rate(&self, r: &f64) -> String {
        format!("{r:.1}%").replace('.', if self.page.is_vi() { "," } else { "." })
    }
    pub fn width(&self, r: &f64) -> i64 {
        r.round() as i64
    }
    pub fn outcome(&self, o: &ansinh_domain::VisitOutcome) -> &'static str {
        if self.page.is_vi() { o.label_vi() } else { o.label_en() }
    }
    pub fn indent(&self, u: &ansinh_domain::Unit) -> bool {
        u.level == ansinh_domain::Level::Group && self.view.unit.level != ansinh_domain::Level::Village
    }
}

pub async fn groups(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    let view = state.app.full_groups(actor, id).await?;
    let can_visit = actor.can(Permission::Visit, &view.unit.path);
    render(&GroupsTpl { page: &page, view, can_visit })
}
