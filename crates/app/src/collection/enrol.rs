//! Enrolment: VSI (chosen income, mode, support category derived or overridden with a reason
//! and a document) and household HI (members covered by another group are left out, with why).

use super::*;
use ansinh_domain::person::PovertyStatus;
use ansinh_domain::{Occupation, text};
use ansinh_rules::catalog::keys;
use ansinh_rules::vsi::{SupportCategory, VsiInput};
use ansinh_rules::{Bilingual, Vnd};
use ansinh_store::{HouseholdRow, PersonRow, TermsRow};
use chrono::Datelike;

/// A VSI enrolment as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VsiEnrolment {
    /// The person (the API takes it from the path).
    #[serde(default)]
    pub person_id: i64,
    /// Chosen monthly income (đồng).
    pub income: i64,
    /// Months paid at once: 1, 3, 6, 12, or 24–60 whole years ahead.
    pub mode_months: u32,
    /// First month (MM/YYYY or YYYY-MM); default the current month.
    #[serde(default)]
    pub start: String,
    /// A support category other than the derived one (others, near_poor, poor,
    /// ethnic_minority, island); needs `override_reason` and `override_document`.
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub override_reason: String,
    #[serde(default)]
    pub override_document: String,
    /// Months of state support received before (toward the 120-month cap).
    #[serde(default)]
    pub prior_support_months: u32,
}

/// New VSI terms (from the next payment on).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VsiTerms {
    pub income: i64,
    pub mode_months: u32,
    /// Why they change (kept in the history).
    #[serde(default)]
    pub reason: String,
}

/// Household members to enrol in household HI.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HiEnrolment {
    pub household_id: i64,
    pub person_ids: Vec<i64>,
}

/// A household member and whether household HI is for them.
#[derive(Debug, Clone, Serialize)]
pub struct HiCandidate {
    pub person: PersonRow,
    pub age: i32,
    /// Why the person is not in the household group (covered by another group), if so.
    pub excluded: Option<Bilingual>,
    /// Already enrolled in household HI.
    pub enrolled: bool,
}

/// The support category the records give: the household's poverty status this year, the
/// island and ethnic-minority flags; the calculator takes the highest rate in force.
pub(crate) fn derived_category(
    person: &PersonRow,
    household: Option<&HouseholdRow>,
    poverty: PovertyStatus,
) -> SupportCategory {
    match poverty {
        PovertyStatus::Poor => return SupportCategory::Poor,
        PovertyStatus::NearPoor => return SupportCategory::NearPoor,
        PovertyStatus::None => {}
    }
    if household.is_some_and(|h| h.island) {
        return SupportCategory::Island;
    }
    if person.ethnicity != "Kinh" {
        return SupportCategory::EthnicMinority;
    }
    SupportCategory::Others
}

/// The provincial group of an occupation (Hà Tĩnh's layer looks at farm households and
/// freelance workers).
pub(crate) fn local_group(o: Occupation) -> Option<&'static str> {
    match o {
        Occupation::Farmer => Some("farmer"),
        Occupation::Freelance => Some("freelance"),
        _ => None,
    }
}

pub(crate) fn parse_local_group(s: Option<&str>) -> Option<ansinh_rules::vsi::LocalGroup> {
    match s {
        Some("farmer") => Some(ansinh_rules::vsi::LocalGroup::Farmer),
        Some("freelance") => Some(ansinh_rules::vsi::LocalGroup::Freelance),
        _ => None,
    }
}

impl App {
    /// The household's poverty status in `year` (none when not recorded).
    pub(crate) async fn poverty_in(
        &self,
        c: &mut ansinh_store::Conn<'_>,
        household: Option<&HouseholdRow>,
        year: i32,
    ) -> Result<PovertyStatus> {
        let Some(h) = household else { return Ok(PovertyStatus::None) };
        Ok(c.poverty_of(h.id)
            .await?
            .into_iter()
            .find(|p| p.year == year)
            .map_or(PovertyStatus::None, |p| p.status))
    }

    /// The VSI input of a participation's next payment on `today`, and the period's start.
    pub(crate) fn vsi_input_for(
        &self,
        p: &ParticipationRow,
        person: &PersonRow,
        months: Option<u32>,
        supported_before: i64,
        today: NaiveDate,
    ) -> Result<(VsiInput, Option<NaiveDate>)> {
        let params = self.params();
        let mode = mode_of(months.unwrap_or_else(|| u32::try_from(p.mode_months.unwrap_or(1)).unwrap_or(1)))?;
        let (start, suspended) = vsi_next_start(&params, p, mode, today)?;
        let mut input = VsiInput::new(start, Vnd(p.income.unwrap_or(0))).paid_on(today);
        input.mode = mode;
        input.category = p.category.unwrap_or_default();
        input.local_group = parse_local_group(p.local_group.as_deref());
        input.province = input.local_group.map(|_| person.province_code.clone());
        input.support_months_used =
            u32::try_from(p.prior_support_months + supported_before).unwrap_or(u32::MAX);
        Ok((input, suspended))
    }

    /// Enrol a person in VSI.
    pub async fn enrol_vsi(&self, actor: &Actor, e: &VsiEnrolment) -> Result<ParticipationRow> {
        let today = self.today();
        let params = self.params();
        let mut w = self.write(actor).await?;
        let person = w.conn().person_by_id(e.person_id).await?.filter(|p| p.merged_into.is_none());
        let person = person.ok_or(AppError::NotFound)?;
        collect_guard(actor, &person.unit_path)?;
        let household = match person.household_id {
            Some(h) => w.conn().household_by_id(h).await?,
            None => None,
        };
        let poverty = self.poverty_in(&mut w.conn(), household.as_ref(), today.year()).await?;
        let derived = derived_category(&person, household.as_ref(), poverty);

        let mut errors = Vec::new();
        let start = if e.start.trim().is_empty() {
            Month::from_date(today)
        } else {
            crate::calc::month("start", &e.start)
                .map_err(|x| errors.push(x))
                .unwrap_or(Month::from_date(today))
        };
        if start < Month::from_date(today) {
            errors.push(Invalid::new(
                "start",
                "Tháng bắt đầu không được trước tháng hiện tại",
                "the first month cannot be before the current month",
            ));
        }
        let min_age = params.value(keys::WORKING_AGE_MIN, today)?;
        if i64::from(person.birth.age_on(today)) < min_age {
            errors.push(Invalid::new(
                "person_id",
                format!("Người tham gia BHXH tự nguyện phải từ đủ {min_age} tuổi"),
                format!("a VSI participant must be at least {min_age}"),
            ));
        }
        let category = if e.category.trim().is_empty() {
            derived
        } else {
            crate::calc::category(&e.category).map_err(|x| errors.push(x)).unwrap_or(derived)
        };
        let reason = text::free_text("override_reason", &e.override_reason, 300)
            .map_err(|x| errors.push(x))
            .unwrap_or_default();
        let document = text::free_text("override_document", &e.override_document, 120)
            .map_err(|x| errors.push(x))
            .unwrap_or_default();
        if category != derived {
            if reason.is_empty() {
                errors.push(Invalid::new(
                    "override_reason",
                    "Đổi đối tượng hỗ trợ so với hồ sơ cần ghi lý do",
                    "a support category other than the records' needs a reason",
                ));
            }
            if document.is_empty() {
                errors.push(Invalid::new(
                    "override_document",
                    "Đổi đối tượng hỗ trợ cần số văn bản/giấy tờ chứng minh",
                    "a support category other than the records' needs a document reference",
                ));
            }
        }
        let mode = mode_of(e.mode_months).map_err(|x| errors.push(x)).ok();
        let income = crate::calc::income("income", e.income).map_err(|x| errors.push(x)).ok();
        if w.conn()
            .participations_of_person(person.id)
            .await?
            .iter()
            .any(|p| p.scheme == Scheme::Vsi && p.ended_on.is_none())
        {
            errors.push(Invalid::new(
                "person_id",
                "Người này đang tham gia BHXH tự nguyện; hãy đổi mức đóng thay vì đăng ký mới",
                "this person already participates in VSI; change the terms instead",
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let (Some(mode), Some(income)) = (mode, income) else {
            return Err(AppError::Internal("enrolment checks passed without values".into()));
        };
        let now = w.now();
        let overridden = category != derived;
        let mut p = ParticipationRow {
            income: Some(income.0),
            mode_months: Some(i64::from(mode.months())),
            category: Some(category),
            category_reason: if overridden { reason.clone() } else { String::new() },
            category_document: if overridden { document } else { String::new() },
            local_group: local_group(person.occupation).map(str::to_string),
            prior_support_months: i64::from(e.prior_support_months),
            ..ParticipationRow::new(&person, Scheme::Vsi, true, start.first_day(), now)
        };
        // The first payment must be quotable now: the income within the limits in force.
        let (input, _) = self.vsi_input_for(&p, &person, None, 0, today)?;
        vsi::quote(&params, &input)?;
        p.id = w.conn().insert_participation(&p).await?;
        w.conn()
            .insert_terms(&TermsRow {
                id: 0,
                participation_id: p.id,
                from_month: start.to_string(),
                income: income.0,
                mode_months: i64::from(mode.months()),
                category: category.group().to_string(),
                reason: if reason.is_empty() { "Đăng ký tham gia".into() } else { reason },
                actor: actor.username.clone(),
                at: now,
            })
            .await?;
        w.changed("participation.enrol", person_subject(&person, p.id), None, Some(json(&p)));
        w.commit().await?;
        Ok(p)
    }

    /// Change the income and mode of a VSI participation from its next payment on.
    pub async fn change_vsi_terms(&self, actor: &Actor, id: i64, t: &VsiTerms) -> Result<ParticipationRow> {
        let today = self.today();
        let params = self.params();
        let mut w = self.write(actor).await?;
        let (before, person) = self.participation_in_scope(&mut w.conn(), actor, id).await?;
        collect_guard(actor, &person.unit_path)?;
        if before.scheme != Scheme::Vsi || before.ended_on.is_some() {
            return Err(AppError::invalid(
                "participation",
                "Chỉ đổi được mức đóng của người đang tham gia BHXH tự nguyện",
                "only an open VSI participation can change its terms",
            ));
        }
        let mut errors = Vec::new();
        let mode = mode_of(t.mode_months).map_err(|x| errors.push(x)).ok();
        let income = crate::calc::income("income", t.income).map_err(|x| errors.push(x)).ok();
        let reason =
            text::free_text("reason", &t.reason, 300).map_err(|x| errors.push(x)).unwrap_or_default();
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let (Some(mode), Some(income)) = (mode, income) else {
            return Err(AppError::Internal("terms checks passed without values".into()));
        };
        let mut after = before.clone();
        // Changing the terms while suspended is the re-registration: from the current month.
        if matches!(standing(&params, &before, today)?, Standing::Suspended { .. }) {
            after.started_on = Month::from_date(today).first_day();
        }
        after.income = Some(income.0);
        after.mode_months = Some(i64::from(mode.months()));
        after.updated_at = w.now();
        let supported = w.conn().supported_months(id).await?;
        let (input, _) = self.vsi_input_for(&after, &person, None, supported, today)?;
        vsi::quote(&params, &input)?;
        w.conn().update_participation_terms(&after).await?;
        w.conn()
            .insert_terms(&TermsRow {
                id: 0,
                participation_id: id,
                from_month: input.start.to_string(),
                income: income.0,
                mode_months: i64::from(mode.months()),
                category: after.category.unwrap_or_default().group().to_string(),
                reason: if reason.is_empty() {
                    "Thay đổi mức đóng / phương thức".into()
                } else {
                    reason
                },
                actor: actor.username.clone(),
                at: after.updated_at,
            })
            .await?;
        w.changed(
            "participation.terms",
            person_subject(&person, id),
            Some(json(&before)),
            Some(json(&after)),
        );
        w.commit().await?;
        Ok(after)
    }

    /// End a participation (the person stops, dies, moves to compulsory SI…), with a reason.
    pub async fn end_participation(&self, actor: &Actor, id: i64, reason: &str) -> Result<ParticipationRow> {
        let reason = text::free_text("reason", reason, 300)?;
        if reason.chars().count() < 3 {
            return Err(AppError::invalid("reason", "Cần ghi lý do kết thúc", "a reason to end is needed"));
        }
        let mut w = self.write(actor).await?;
        let (before, person) = self.participation_in_scope(&mut w.conn(), actor, id).await?;
        collect_guard(actor, &person.unit_path)?;
        let today = self.today();
        let now = w.now();
        if !w.conn().end_participation(id, today, &reason, now).await? {
            return Err(AppError::invalid("participation", "Đã kết thúc từ trước", "already ended"));
        }
        let after =
            ParticipationRow { ended_on: Some(today), end_reason: reason, updated_at: now, ..before.clone() };
        w.changed("participation.end", person_subject(&person, id), Some(json(&before)), Some(json(&after)));
        w.derive(Derived::Coverage(person.id));
        w.commit().await?;
        Ok(after)
    }

    /// The household-HI payment periods allowed today (`hi.household.period.{months}` = 1).
    pub fn hi_periods(&self) -> Vec<u32> {
        let params = self.params();
        let today = self.today();
        (2..=60)
            .filter(|m| params.value(&keys::hi_household_period(*m), today).is_ok_and(|v| v == 1))
            .collect()
    }

    /// The members of a household and whether household HI is for them.
    pub async fn hi_candidates(
        &self,
        actor: &Actor,
        household_id: i64,
    ) -> Result<(HouseholdRow, Vec<HiCandidate>)> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let household = c.household_by_id(household_id).await?.ok_or(AppError::NotFound)?;
        if !actor.can(Permission::View, &household.unit_path) {
            return Err(AppError::NotFound);
        }
        let out = self.candidates(&mut c, actor, &household).await?;
        Ok((household, out))
    }

    async fn candidates(
        &self,
        c: &mut ansinh_store::Conn<'_>,
        actor: &Actor,
        household: &HouseholdRow,
    ) -> Result<Vec<HiCandidate>> {
        let today = self.today();
        let params = self.params();
        let members: Vec<PersonRow> = c
            .persons_of_household(household.id)
            .await?
            .into_iter()
            .filter(|p| actor.can(Permission::View, &p.unit_path))
            .collect();
        let ids: Vec<i64> = members.iter().map(|p| p.id).collect();
        let parts = c.participations_of_persons(&ids).await?;
        let poverty = self.poverty_in(c, Some(household), today.year()).await?;
        let child_age = params.value(keys::HI_STATE_CHILD_AGE, today)?;
        let pension_age = params.value(keys::HI_STATE_SOCIAL_PENSION_AGE, today)?;
        let mut out = Vec::with_capacity(members.len());
        for p in members {
            let age = p.birth.age_on(today);
            let mine: Vec<&ParticipationRow> = parts.iter().filter(|x| x.person_id == p.id).collect();
            let enrolled = mine.iter().any(|x| x.scheme == Scheme::HiHousehold && x.ended_on.is_none());
            let other = mine.iter().find(|x| {
                x.scheme != Scheme::HiHousehold
                    && x.scheme.gives_hi()
                    && x.ended_on.is_none()
                    && x.started_on <= today
                    && x.valid_to.is_none_or(|t| t >= today)
            });
            let excluded = if i64::from(age) < child_age {
                Some(Bilingual::new(
                    format!("Trẻ em dưới {child_age} tuổi: NSNN đóng BHYT"),
                    format!("child under {child_age}: HI paid by the state"),
                ))
            } else if poverty == PovertyStatus::Poor {
                Some(Bilingual::new("Thuộc hộ nghèo: NSNN đóng BHYT", "poor household: HI paid by the state"))
            } else if poverty == PovertyStatus::NearPoor {
                Some(Bilingual::new(
                    "Thuộc hộ cận nghèo: tham gia nhóm được NSNN hỗ trợ, không theo hộ gia đình",
                    "near-poor household: joins the state-supported group, not the household group",
                ))
            } else if household.island || (household.ethnic_minority_area && p.ethnicity != "Kinh") {
                Some(Bilingual::new(
                    "Sống ở xã đảo hoặc là người dân tộc thiểu số vùng khó khăn: NSNN đóng BHYT",
                    "island commune or ethnic minority in a hard area: HI paid by the state",
                ))
            } else if i64::from(age) >= pension_age {
                Some(Bilingual::new(
                    format!("Từ {pension_age} tuổi hưởng trợ cấp hưu trí xã hội: NSNN đóng BHYT"),
                    format!("{pension_age} or older, social pension: HI paid by the state"),
                ))
            } else if let Some(o) = other {
                Some(Bilingual::new(
                    format!("Đã có thẻ BHYT qua {} ({})", o.scheme.label_vi(), o.grp),
                    format!("already covered through {} ({})", o.scheme.label_en(), o.grp),
                ))
            } else if p.occupation == Occupation::Retired {
                Some(Bilingual::new(
                    "Người hưởng lương hưu: quỹ BHXH đóng BHYT",
                    "pensioner: HI paid by the SI fund",
                ))
            } else if p.occupation == Occupation::Student {
                Some(Bilingual::new(
                    "Học sinh, sinh viên: tham gia BHYT tại trường",
                    "student: joins HI through the school",
                ))
            } else {
                None
            };
            out.push(HiCandidate { person: p, age, excluded, enrolled });
        }
        Ok(out)
    }

    /// Enrol household members in household HI; members covered by another group are refused
    /// with the reason.
    pub async fn enrol_hi_household(&self, actor: &Actor, e: &HiEnrolment) -> Result<Vec<ParticipationRow>> {
        let mut w = self.write(actor).await?;
        let household = w.conn().household_by_id(e.household_id).await?.ok_or(AppError::NotFound)?;
        collect_guard(actor, &household.unit_path)?;
        let candidates = self.candidates(&mut w.conn(), actor, &household).await?;
        let mut errors = Vec::new();
        if e.person_ids.is_empty() {
            errors.push(Invalid::new(
                "person_ids",
                "Chọn ít nhất một thành viên",
                "choose at least one member",
            ));
        }
        let mut chosen = Vec::new();
        for id in &e.person_ids {
            match candidates.iter().find(|c| c.person.id == *id) {
                None => errors.push(Invalid::new(
                    "person_ids",
                    format!("Người #{id} không phải thành viên của hộ {}", household.code),
                    format!("person #{id} is not a member of household {}", household.code),
                )),
                Some(c) if c.enrolled => {}
                Some(c) => match &c.excluded {
                    Some(why) => errors.push(Invalid::new(
                        "person_ids",
                        format!("{}: {}", c.person.full_name, why.vi),
                        format!("{}: {}", c.person.full_name, why.en),
                    )),
                    None => chosen.push(c.person.clone()),
                },
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        if chosen.is_empty() {
            return Err(AppError::invalid(
                "person_ids",
                "Các thành viên đã chọn đều đã đăng ký BHYT hộ gia đình",
                "every chosen member is enrolled already",
            ));
        }
        let now = w.now();
        let today = self.today();
        let mut out = Vec::new();
        for person in chosen {
            let mut p = ParticipationRow::new(&person, Scheme::HiHousehold, true, today, now);
            p.household_id = Some(household.id);
            p.id = w.conn().insert_participation(&p).await?;
            w.changed("participation.enrol", person_subject(&person, p.id), None, Some(json(&p)));
            out.push(p);
        }
        w.commit().await?;
        Ok(out)
    }
}

/// Audit subject of a participation: filed where its person lives.
pub(crate) fn person_subject(person: &PersonRow, participation_id: i64) -> Subject {
    Subject::new("participation", participation_id, &person.province_code, &person.unit_path)
}

pub(crate) use crate::work::json;
