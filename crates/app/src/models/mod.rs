//! Mô hình an sinh cộng đồng — community social-security models (DOMAIN.md §9): a model in a
//! commune with its goals and income calendar, its member households or persons and their
//! pledges, its fund (a ledger that never goes negative, paying members' contributions through
//! the payment flow), the plan that times contributions to the harvest, 100 %-group tracking,
//! outreach campaigns with their visits, and the ranked list of whom to visit next.
//!
//! Parts: [`fund`], [`plan`], [`groups`], [`outreach`], [`next`].

use crate::work::{Audited, Subject};
use crate::{App, AppError, Result};
use ansinh_domain::unit::in_subtree;
use ansinh_domain::{
    Actor, IncomeMonths, Invalid, Level, ModelKind, ModelStatus, Organisation, Permission, Unit, text,
};
use ansinh_store::{FundTotals, MemberRow, ModelRow};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;

pub mod fund;
pub mod groups;
pub mod next;
pub mod outreach;
pub mod plan;

pub use fund::{FundChoice, FundStatement, NewDeposit, StatementLine};
pub use groups::{GroupLine, GroupsView, UninsuredItem};
pub use next::{Backtest, NextVisit, RankFactor};
pub use outreach::{CampaignView, Funnel, NewCampaign, NewVisit};
pub use plan::PlanItem;

impl Audited for ModelRow {
    fn subject(&self) -> Subject {
        Subject::new("community_model", self.id, &self.province_code, &self.unit_path)
    }
}

impl Audited for MemberRow {
    fn subject(&self) -> Subject {
        Subject::new("model_member", self.id, &self.province_code, &self.unit_path)
    }
}

/// A model to launch, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewModel {
    /// Code of the commune.
    pub unit_code: String,
    /// tree_pledge, savings, garden, full_group, sponsor, other.
    pub kind: String,
    pub name: String,
    /// farmers_union, womens_union, youth_union, veterans, front, si_office.
    pub organisation: String,
    pub launched_on: NaiveDate,
    #[serde(default)]
    pub goal_members: i64,
    #[serde(default)]
    pub goal_enrolments: i64,
    /// Coverage rate aimed at, in percent.
    #[serde(default)]
    pub goal_rate: i64,
    /// Months income comes in: "1" (apricots before Tết), "8-10" (pomelo); empty = monthly.
    #[serde(default)]
    pub income_months: String,
    #[serde(default)]
    pub income_note: String,
    #[serde(default)]
    pub rules: String,
    /// Codes of the villages and groups it covers (none: the whole commune).
    #[serde(default)]
    pub places: Vec<String>,
}

/// A member to add, as typed: a household or a person.
#[derive(Debug, Clone, Default, serde::Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewMember {
    #[serde(default)]
    pub household_id: Option<i64>,
    #[serde(default)]
    pub person_id: Option<i64>,
    pub joined_on: NaiveDate,
    /// Cam kết: "2" (gốc mai).
    #[serde(default)]
    pub pledge_qty: i64,
    #[serde(default)]
    pub pledge_unit: String,
    /// Estimated value of the pledge a year, in đồng.
    #[serde(default)]
    pub pledge_value: i64,
    /// The fund pays the member's VSI.
    #[serde(default)]
    pub pays_vsi: bool,
    /// The fund pays the household's HI.
    #[serde(default)]
    pub pays_hi: bool,
}

/// A member with the names the pages show.
#[derive(Debug, Clone, Serialize)]
pub struct MemberView {
    pub member: MemberRow,
    /// The person's name, or the household head's.
    pub name: String,
    pub household_code: String,
    /// The person (or head) whose VSI the fund pays.
    pub person_id: Option<i64>,
    /// Open VSI participation and how it stands, in words.
    pub vsi: Option<(i64, String)>,
    pub insured: bool,
    /// The member's own sub-balance.
    pub balance: i64,
}

/// What a model achieved: the dashboard's figures.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct ModelStats {
    /// Current members.
    pub members: i64,
    pub left: i64,
    /// Members (or their person) with VSI paid through today.
    pub enrolled: i64,
    /// Members ever enrolled in VSI since joining.
    pub ever_enrolled: i64,
    /// Of those, still paying: enrolled / ever_enrolled in percent.
    pub retention: i64,
    pub fund: FundTotals,
    /// Lasting enrolments per 10 members, and per 10 million đồng of contributions from the fund.
    pub enrolled_per_10_members: f64,
    pub enrolled_per_10_million: f64,
}

/// One model, everything its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct ModelView {
    pub model: ModelRow,
    pub commune: Unit,
    pub places: Vec<Unit>,
    pub calendar: IncomeMonths,
    pub members: Vec<MemberView>,
    pub stats: ModelStats,
    /// Balance of the common pool.
    pub common_balance: i64,
    pub plan: Vec<PlanItem>,
    pub template: Option<ModelRow>,
    pub can_manage: bool,
    /// Working-age workers and those insured where the model runs (its places, else the
    /// commune): what its coverage-rate goal is measured against.
    pub coverage: (i64, i64),
}

/// A model in the list and the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct ModelSummary {
    pub model: ModelRow,
    pub commune: String,
    pub stats: ModelStats,
}

/// Models summed by kind (the comparison across kinds): (kind, models, summed figures, with
/// retention and the per-member and per-đồng ratios recomputed from the sums).
pub fn by_kind(models: &[ModelSummary]) -> Vec<(ModelKind, usize, ModelStats)> {
    let mut out: Vec<(ModelKind, usize, ModelStats)> = Vec::new();
    for m in models {
        let i = match out.iter().position(|x| x.0 == m.model.kind) {
            Some(i) => i,
            None => {
                out.push((m.model.kind, 0, ModelStats::default()));
                out.len() - 1
            }
        };
        let (_, n, s) = &mut out[i];
        *n += 1;
        s.members += m.stats.members;
        s.left += m.stats.left;
        s.enrolled += m.stats.enrolled;
        s.ever_enrolled += m.stats.ever_enrolled;
        s.fund.income += m.stats.fund.income;
        s.fund.spent += m.stats.fund.spent;
        s.fund.contributions += m.stats.fund.contributions;
        s.fund.balance += m.stats.fund.balance;
    }
    for (_, _, s) in &mut out {
        s.finish();
    }
    out.sort_by_key(|x| x.0);
    out
}

impl ModelStats {
    /// Retention and the ratios, from the counts.
    fn finish(&mut self) {
        self.retention = if self.ever_enrolled > 0 { self.enrolled * 100 / self.ever_enrolled } else { 0 };
        self.enrolled_per_10_members = if self.members + self.left > 0 {
            self.enrolled as f64 * 10.0 / (self.members + self.left) as f64
        } else {
            0.0
        };
        self.enrolled_per_10_million = if self.fund.contributions > 0 {
            self.enrolled as f64 * 10_000_000.0 / self.fund.contributions as f64
        } else {
            0.0
        };
    }
}

pub(crate) fn goal(field: &str, v: i64, max: i64) -> Result<i64, Invalid> {
    if (0..=max).contains(&v) {
        Ok(v)
    } else {
        Err(Invalid::new(field, format!("Cần số từ 0 đến {max}"), format!("needs a number from 0 to {max}")))
    }
}

fn required(field: &str, s: &str, max: usize, errors: &mut Vec<Invalid>) -> String {
    match text::free_text(field, s, max) {
        Ok(t) if t.is_empty() => {
            errors.push(Invalid::new(field, "Cần điền", "required"));
            t
        }
        Ok(t) => t,
        Err(e) => {
            errors.push(e);
            String::new()
        }
    }
}

impl App {
    /// The model `id` if the actor may see it.
    pub(crate) async fn model_in_scope(
        &self,
        c: &mut ansinh_store::Conn<'_>,
        actor: &Actor,
        id: i64,
    ) -> Result<ModelRow> {
        let m = c.model_by_id(id).await?.ok_or(AppError::NotFound)?;
        if !actor.can(Permission::View, &m.unit_path) {
            return Err(AppError::NotFound);
        }
        Ok(m)
    }

    /// The model if the actor may run it (else not found / forbidden).
    pub(crate) async fn model_to_manage(
        &self,
        c: &mut ansinh_store::Conn<'_>,
        actor: &Actor,
        id: i64,
    ) -> Result<ModelRow> {
        let m = self.model_in_scope(c, actor, id).await?;
        if !actor.can(Permission::ManageModels, &m.unit_path) {
            return Err(AppError::Forbidden);
        }
        Ok(m)
    }

    /// Launch a model in a commune.
    pub async fn create_model(&self, actor: &Actor, n: &NewModel) -> Result<ModelRow> {
        self.launch_model(actor, n, None).await
    }

    async fn launch_model(&self, actor: &Actor, n: &NewModel, template_id: Option<i64>) -> Result<ModelRow> {
        let mut errors = Vec::new();
        let kind = ModelKind::parse(&n.kind).map_err(|e| errors.push(e)).ok();
        let organisation = Organisation::parse(&n.organisation).map_err(|e| errors.push(e)).ok();
        let name = required("name", &n.name, 120, &mut errors);
        let calendar = IncomeMonths::parse(&n.income_months).map_err(|e| errors.push(e)).unwrap_or_default();
        let income_note = text::free_text("income_note", &n.income_note, 300)
            .map_err(|e| errors.push(e))
            .unwrap_or_default();
        let rules = text::free_text("rules", &n.rules, 2000).map_err(|e| errors.push(e)).unwrap_or_default();
        let goal_members =
            goal("goal_members", n.goal_members, 100_000).map_err(|e| errors.push(e)).unwrap_or(0);
        let goal_enrolments =
            goal("goal_enrolments", n.goal_enrolments, 100_000).map_err(|e| errors.push(e)).unwrap_or(0);
        let goal_rate = goal("goal_rate", n.goal_rate, 100).map_err(|e| errors.push(e)).unwrap_or(0);
        if n.launched_on > self.today() {
            errors.push(Invalid::new(
                "launched_on",
                "Ngày ra mắt không được sau hôm nay",
                "the launch date cannot be after today",
            ));
        }
        // The commune by name («Mai Hoa») or code, as the place picker writes it.
        let commune =
            match self.place_from_text(actor, &n.unit_code, crate::PlaceUse::ModelCommune, "unit_code").await
            {
                Ok(u) => Some(u),
                Err(AppError::Invalid(mut list)) => {
                    errors.append(&mut list);
                    None
                }
                Err(e) => return Err(e),
            };
        if let Some(u) = &commune
            && u.level != Level::Commune
        {
            errors.push(Invalid::new(
                "unit_code",
                format!("«{}» không phải cấp xã; mô hình thuộc một xã", u.full_name()),
                format!("«{}» is not a commune; a model belongs to a commune", u.name),
            ));
        }
        let mut places: Vec<Unit> = Vec::new();
        if let Some(u) = &commune {
            for item in n.places.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
                match self.places_from_text(actor, item, crate::PlaceUse::View, "places").await {
                    Ok(list) => {
                        for p in list {
                            if !(p.level.is_local() && in_subtree(&p.path, &u.path)) {
                                errors.push(Invalid::new(
                                    "places",
                                    format!(
                                        "«{}» không phải thôn hay tổ liên gia của {}",
                                        p.full_name(),
                                        u.full_name()
                                    ),
                                    format!("«{}» is not a village or group of {}", p.full_name(), u.name),
                                ));
                            } else if !places.iter().any(|o: &Unit| o.id == p.id) {
                                places.push(p);
                            }
                        }
                    }
                    Err(AppError::Invalid(list)) => errors.extend(list),
                    Err(e) => return Err(e),
                }
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let (Some(kind), Some(organisation), Some(commune)) = (kind, organisation, commune) else {
            return Err(AppError::Internal("model: validated fields missing".into()));
        };
        if !actor.can(Permission::ManageModels, &commune.path) {
            return Err(AppError::Forbidden);
        }
        let mut w = self.write(actor).await?;
        let now = w.now();
        let mut m = ModelRow {
            id: 0,
            province_code: commune.province_code.clone(),
            unit_id: commune.id,
            unit_path: commune.path.clone(),
            kind,
            name,
            organisation,
            launched_on: n.launched_on,
            goal_members,
            goal_enrolments,
            goal_rate,
            status: ModelStatus::Active,
            income_months: calendar.to_key(),
            income_note,
            rules,
            template_id,
            created_by: actor.username.clone(),
            created_at: now,
            updated_at: now,
        };
        m.id = w.conn().insert_model(&m).await?;
        for p in &places {
            w.conn().insert_model_place(m.id, p.id, &p.path).await?;
        }
        w.created(if template_id.is_some() { "model.replicate" } else { "model.create" }, &m);
        w.commit().await?;
        Ok(m)
    }

    /// Nhân rộng — start a model in another commune from `template_id`: the same kind,
    /// organisation, goals, calendar and rules; no members, no fund.
    pub async fn replicate_model(
        &self,
        actor: &Actor,
        template_id: i64,
        unit_code: &str,
        name: &str,
        launched_on: NaiveDate,
    ) -> Result<ModelRow> {
        let t = {
            let mut r = self.db.read().await?;
            self.model_in_scope(&mut r.conn(), actor, template_id).await?
        };
        let n = NewModel {
            unit_code: unit_code.into(),
            kind: t.kind.as_str().into(),
            name: if name.trim().is_empty() { t.name.clone() } else { name.into() },
            organisation: t.organisation.as_str().into(),
            launched_on,
            goal_members: t.goal_members,
            goal_enrolments: t.goal_enrolments,
            goal_rate: t.goal_rate,
            income_months: t.income_months.clone(),
            income_note: t.income_note.clone(),
            rules: t.rules.clone(),
            places: vec![],
        };
        self.launch_model(actor, &n, Some(t.id)).await
    }

    /// Change a model's status (active, paused, closed).
    pub async fn set_model_status(&self, actor: &Actor, id: i64, status: &str) -> Result<ModelRow> {
        let status = ModelStatus::parse(status)?;
        let mut w = self.write(actor).await?;
        let before = self.model_to_manage(&mut w.conn(), actor, id).await?;
        let after = ModelRow { status, updated_at: w.now(), ..before.clone() };
        w.conn().update_model(&after).await?;
        w.updated("model.status", &before, &after);
        w.commit().await?;
        Ok(after)
    }

    /// Add a household or a person to a model, with the pledge.
    pub async fn add_member(&self, actor: &Actor, model_id: i64, n: &NewMember) -> Result<MemberRow> {
        let mut errors = Vec::new();
        let pledge_unit = text::free_text("pledge_unit", &n.pledge_unit, 40)
            .map_err(|e| errors.push(e))
            .unwrap_or_default();
        let pledge_qty = goal("pledge_qty", n.pledge_qty, 100_000).map_err(|e| errors.push(e)).unwrap_or(0);
        let pledge_value =
            goal("pledge_value", n.pledge_value, 10_000_000_000).map_err(|e| errors.push(e)).unwrap_or(0);
        if n.household_id.is_none() && n.person_id.is_none() {
            errors.push(Invalid::new(
                "member",
                "Chọn một hộ hoặc một người",
                "choose a household or a person",
            ));
        }
        if n.joined_on > self.today() {
            errors.push(Invalid::new(
                "joined_on",
                "Ngày tham gia không được sau hôm nay",
                "the join date cannot be after today",
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let mut w = self.write(actor).await?;
        let model = self.model_to_manage(&mut w.conn(), actor, model_id).await?;
        if model.status == ModelStatus::Closed {
            return Err(AppError::invalid("model", "Mô hình đã kết thúc", "the model is closed"));
        }
        if n.joined_on < model.launched_on {
            return Err(AppError::invalid(
                "joined_on",
                "Ngày tham gia không được trước ngày ra mắt mô hình",
                "the join date cannot be before the model's launch",
            ));
        }
        // A household, a person, or a household with the person whose contributions it pays.
        let person = match n.person_id {
            Some(p) => Some(w.conn().person_by_id(p).await?.ok_or(AppError::NotFound)?),
            None => None,
        };
        let household = match n.household_id {
            Some(h) => Some(w.conn().household_by_id(h).await?.ok_or(AppError::NotFound)?),
            None => None,
        };
        if let (Some(p), Some(h)) = (&person, &household)
            && p.household_id != Some(h.id)
        {
            return Err(AppError::invalid(
                "member",
                format!("{} không thuộc hộ {}", p.full_name, h.code),
                format!("{} is not of household {}", p.full_name, h.code),
            ));
        }
        let (path, province) = match (&household, &person) {
            (Some(h), _) => (h.unit_path.clone(), h.province_code.clone()),
            (None, Some(p)) => (p.unit_path.clone(), p.province_code.clone()),
            _ => return Err(AppError::NotFound),
        };
        let (household_id, person_id) = (household.map(|h| h.id), person.map(|p| p.id));
        if !actor.can(Permission::View, &path) {
            return Err(AppError::NotFound);
        }
        let places = w.conn().model_places(model.id).await?;
        let inside = in_subtree(&path, &model.unit_path)
            && (places.is_empty() || places.iter().any(|(_, p)| in_subtree(&path, p)));
        if !inside {
            return Err(AppError::invalid(
                "member",
                "Hộ hoặc người này không ở địa bàn của mô hình",
                "this household or person does not live where the model runs",
            ));
        }
        let current = w.conn().members_of_models(&[model.id]).await?;
        // Once per person; a household without a named person once.
        if current.iter().any(|m| {
            m.left_on.is_none()
                && match person_id {
                    Some(_) => m.person_id == person_id,
                    None => m.person_id.is_none() && m.household_id == household_id,
                }
        }) {
            return Err(AppError::invalid(
                "member",
                "Hộ hoặc người này đã là thành viên của mô hình",
                "this household or person is a member already",
            ));
        }
        let mut m = MemberRow {
            id: 0,
            model_id: model.id,
            province_code: province,
            unit_path: path,
            household_id,
            person_id,
            joined_on: n.joined_on,
            left_on: None,
            leave_reason: String::new(),
            pledge_qty,
            pledge_unit,
            pledge_value,
            pays_vsi: n.pays_vsi,
            pays_hi: n.pays_hi,
            created_at: w.now(),
        };
        m.id = w.conn().insert_member(&m).await?;
        w.created("model.member.add", &m);
        w.commit().await?;
        Ok(m)
    }

    /// A household code (of the model's commune) or a CCCD number, as typed on the members
    /// form: `(household id, person id)`, one of them set.
    pub async fn member_ref(
        &self,
        actor: &Actor,
        model_id: i64,
        typed: &str,
    ) -> Result<(Option<i64>, Option<i64>)> {
        let t = typed.trim();
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let model = self.model_in_scope(&mut c, actor, model_id).await?;
        let not_found = || {
            AppError::invalid(
                "member",
                format!("Không tìm thấy hộ mã «{t}» hay người có CCCD «{t}» trong xã của mô hình"),
                format!("no household «{t}» or person with citizen ID «{t}» in the model's commune"),
            )
        };
        if t.is_empty() {
            return Err(AppError::invalid(
                "member",
                "Nhập mã hộ hoặc số CCCD",
                "type a household code or a citizen ID",
            ));
        }
        if t.len() == 12 && t.bytes().all(|b| b.is_ascii_digit()) {
            let p = c.person_by_cccd(t).await?.filter(|p| actor.can(Permission::View, &p.unit_path));
            let p = p.ok_or_else(not_found)?;
            return Ok((None, Some(p.id)));
        }
        let h = c
            .household_by_code(model.unit_id, t)
            .await?
            .filter(|h| actor.can(Permission::View, &h.unit_path));
        let h = h.ok_or_else(not_found)?;
        Ok((Some(h.id), None))
    }

    /// A member leaves the model (kept, with the date and reason).
    pub async fn leave_member(
        &self,
        actor: &Actor,
        member_id: i64,
        on: NaiveDate,
        reason: &str,
    ) -> Result<MemberRow> {
        let reason = text::free_text("reason", reason, 300)?;
        let mut w = self.write(actor).await?;
        let before = w.conn().member_by_id(member_id).await?.ok_or(AppError::NotFound)?;
        // Only who may run the model may record a member leaving.
        self.model_to_manage(&mut w.conn(), actor, before.model_id).await?;
        if on < before.joined_on || on > self.today() {
            return Err(AppError::invalid(
                "left_on",
                "Ngày rời mô hình phải từ ngày tham gia đến hôm nay",
                "the leaving date must be between the join date and today",
            ));
        }
        if !w.conn().leave_member(before.id, on, &reason).await? {
            return Err(AppError::invalid(
                "left_on",
                "Thành viên đã rời mô hình",
                "the member has left already",
            ));
        }
        let after = MemberRow { left_on: Some(on), leave_reason: reason, ..before.clone() };
        w.updated("model.member.leave", &before, &after);
        w.commit().await?;
        Ok(after)
    }

    /// The models the actor can see, with their figures (the list and the comparison).
    pub async fn models(&self, actor: &Actor) -> Result<Vec<ModelSummary>> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let models = c.models_under(&actor.roots(Permission::View)).await?;
        let ids: Vec<i64> = models.iter().map(|m| m.id).collect();
        let stats = self.model_stats(&mut c, &ids).await?;
        let unit_ids: Vec<i64> = models.iter().map(|m| m.unit_id).collect();
        let units = c.units_by_ids(&unit_ids).await?;
        Ok(models
            .into_iter()
            .map(|m| {
                let commune =
                    units.iter().find(|u| u.id == m.unit_id).map(Unit::full_name).unwrap_or_default();
                let stats = stats.get(&m.id).copied().unwrap_or_default();
                ModelSummary { model: m, commune, stats }
            })
            .collect())
    }

    /// Dashboard figures of each model.
    async fn model_stats(
        &self,
        c: &mut ansinh_store::Conn<'_>,
        ids: &[i64],
    ) -> Result<HashMap<i64, ModelStats>> {
        let today = self.today();
        let members = c.members_of_models(ids).await?;
        let totals = c.fund_totals(ids).await?;
        let persons = self.member_persons(c, &members).await?;
        let parts = c.participations_of_persons(&persons.values().copied().collect::<Vec<_>>()).await?;
        let mut out: HashMap<i64, ModelStats> = HashMap::new();
        for id in ids {
            out.insert(
                *id,
                ModelStats {
                    fund: totals.iter().find(|t| t.model_id == *id).copied().unwrap_or_default(),
                    ..Default::default()
                },
            );
        }
        for m in &members {
            let s = out.entry(m.model_id).or_default();
            if m.left_on.is_some() {
                s.left += 1;
                continue;
            }
            s.members += 1;
            let Some(pid) = persons.get(&m.id) else { continue };
            let vsi: Vec<_> = parts
                .iter()
                .filter(|p| p.person_id == *pid && p.scheme == ansinh_domain::Scheme::Vsi)
                .collect();
            if vsi.iter().any(|p| p.paid_through.is_some_and(|t| t >= m.joined_on)) {
                s.ever_enrolled += 1;
            }
            if vsi.iter().any(|p| p.ended_on.is_none() && p.paid_through.is_some_and(|t| t >= today)) {
                s.enrolled += 1;
            }
        }
        for s in out.values_mut() {
            s.finish();
        }
        Ok(out)
    }

    /// The person whose VSI each member's pledge pays: the person, or the household's head.
    async fn member_persons(
        &self,
        c: &mut ansinh_store::Conn<'_>,
        members: &[MemberRow],
    ) -> Result<HashMap<i64, i64>> {
        let hh_ids: Vec<i64> = members.iter().filter_map(|m| m.household_id).collect();
        let households = c.households_by_ids(&hh_ids).await?;
        let mut out = HashMap::new();
        for m in members {
            // The named person, else the household's head.
            let pid = match (m.person_id, m.household_id) {
                (Some(p), _) => Some(p),
                (_, Some(h)) => households.iter().find(|x| x.id == h).and_then(|x| x.head_person_id),
                _ => None,
            };
            if let Some(p) = pid {
                out.insert(m.id, p);
            }
        }
        Ok(out)
    }

    /// One model's page: members with their standing and sub-balance, figures, the plan.
    pub async fn model_view(&self, actor: &Actor, id: i64) -> Result<ModelView> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let model = self.model_in_scope(&mut c, actor, id).await?;
        let commune = c.unit_by_id(model.unit_id).await?.ok_or(AppError::NotFound)?;
        let place_ids: Vec<i64> = c.model_places(model.id).await?.into_iter().map(|(i, _)| i).collect();
        let places = c.units_by_ids(&place_ids).await?;
        let calendar = IncomeMonths::parse(&model.income_months).unwrap_or_default();
        let members = c.members_of_models(&[model.id]).await?;
        let persons = self.member_persons(&mut c, &members).await?;
        let person_ids: Vec<i64> = persons.values().copied().collect();
        let people = c.persons_by_ids(&person_ids).await?;
        let hh_ids: Vec<i64> = members.iter().filter_map(|m| m.household_id).collect();
        let households = c.households_by_ids(&hh_ids).await?;
        let parts = c.participations_of_persons(&person_ids).await?;
        let balances = c.fund_balances(model.id).await?;
        let params = self.params();
        let today = self.today();
        let mut views = Vec::new();
        for m in &members {
            let pid = persons.get(&m.id).copied();
            let person = pid.and_then(|p| people.iter().find(|x| x.id == p));
            // Outside the viewer's scope: initials only (as on receipts).
            let name = match person {
                Some(p) if actor.can(Permission::View, &p.unit_path) => p.full_name.clone(),
                Some(p) => ansinh_domain::collection::masked_name(&p.full_name),
                None => String::new(),
            };
            let household_code = m
                .household_id
                .and_then(|h| households.iter().find(|x| x.id == h))
                .map(|h| h.code.clone())
                .or_else(|| person.and_then(|p| p.household_id).map(|_| String::new()))
                .unwrap_or_default();
            let vsi = pid.and_then(|p| {
                parts.iter().find(|x| {
                    x.person_id == p && x.scheme == ansinh_domain::Scheme::Vsi && x.ended_on.is_none()
                })
            });
            let insured = vsi.is_some_and(|p| p.paid_through.is_some_and(|t| t >= today));
            let vsi = match vsi {
                Some(p) => Some((p.id, crate::collection::standing(&params, p, today)?.label_vi())),
                None => None,
            };
            let balance = balances.iter().find(|(k, _)| *k == m.id).map_or(0, |(_, b)| *b);
            views.push(MemberView {
                member: m.clone(),
                name,
                household_code,
                person_id: pid,
                vsi,
                insured,
                balance,
            });
        }
        let stats = self.model_stats(&mut c, &[model.id]).await?.remove(&model.id).unwrap_or_default();
        let common_balance = balances.iter().find(|(k, _)| *k == 0).map_or(0, |(_, b)| *b);
        let plan = self.harvest_plan(&mut c, &calendar, &views, &parts, &people).await?;
        let template = match model.template_id {
            Some(t) => c.model_by_id(t).await?,
            None => None,
        };
        let can_manage = actor.can(Permission::ManageModels, &model.unit_path);
        let bounds = crate::registry::working_age_bounds(&params, today)?;
        let mut coverage = (0, 0);
        let roots: Vec<String> = if places.is_empty() {
            vec![commune.path.clone()]
        } else {
            places.iter().map(|p| p.path.clone()).collect()
        };
        for root in &roots {
            let (lo, hi) = ansinh_domain::unit::subtree_range(root);
            for u in c.coverage_by_unit(&lo, &hi, today, bounds).await? {
                coverage.0 += u.workers;
                coverage.1 += u.insured;
            }
        }
        Ok(ModelView {
            model,
            commune,
            places,
            calendar,
            members: views,
            stats,
            common_balance,
            plan,
            template,
            can_manage,
            coverage,
        })
    }
}
