//! Đi vận động — outreach campaigns (scope, period, teams, targets) and the visit log: one row
//! per visit to a household or person, recorded from a phone that may be offline (the phone
//! chooses the visit's id, so a visit sent twice is stored once); the follow-up list; and the
//! funnel visited → interested → enrolled → still paying after 6 and 12 months, with each
//! enrolment attributed to the campaign whose visit came last before it.

use super::*;
use ansinh_domain::VisitOutcome;
use ansinh_domain::unit::subtree_range;
use ansinh_store::{CampaignRow, VisitRow};
use chrono::{Days, Months};

impl Audited for CampaignRow {
    fn subject(&self) -> Subject {
        Subject::new("campaign", self.id, &self.province_code, &self.unit_path)
    }
}

impl Audited for VisitRow {
    fn subject(&self) -> Subject {
        Subject::new("visit", self.id, &self.province_code, &self.unit_path)
    }
}

/// Days after a campaign ends in which an enrolment of a person it visited still counts for it.
pub const ATTRIBUTION_DAYS: u64 = 60;
/// Visits listed on a campaign's page, newest first.
pub const VISITS_SHOWN: usize = 100;
/// How far back a visit may be dated (a phone offline for weeks).
pub const VISIT_BACKDATE_DAYS: u64 = 60;

/// A campaign to start, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewCampaign {
    pub name: String,
    /// Codes of the communes, villages or groups it covers.
    pub unit_codes: Vec<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    #[serde(default)]
    pub target_visits: i64,
    #[serde(default)]
    pub target_enrolments: i64,
    /// The organisations in the teams, e.g. "Hội Phụ nữ, Đoàn Thanh niên, BHXH huyện".
    #[serde(default)]
    pub teams: String,
    /// Usernames of the team members.
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default)]
    pub note: String,
}

/// A visit, as the phone sends it.
#[derive(Debug, Clone, Default, serde::Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewVisit {
    /// Chosen by the phone (8–64 of letters, digits, '-', '_'): the same id twice is one visit.
    pub client_id: String,
    #[serde(default)]
    pub campaign_id: Option<i64>,
    #[serde(default)]
    pub model_id: Option<i64>,
    #[serde(default)]
    pub person_id: Option<i64>,
    #[serde(default)]
    pub household_id: Option<i64>,
    pub visited_on: NaiveDate,
    /// enrolled, will_enrol, undecided, refused, not_home, not_eligible.
    pub outcome: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub follow_up_on: Option<NaiveDate>,
}

/// visited → interested → enrolled → still paying.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Funnel {
    pub visits: i64,
    /// Distinct persons visited.
    pub visited: i64,
    pub interested: i64,
    pub enrolled: i64,
    /// Of those enrolled at least 6 (12) months ago: how many have paid 6 (12) months or more.
    pub due_6: i64,
    pub paying_6: i64,
    pub due_12: i64,
    pub paying_12: i64,
    pub by_outcome: Vec<(VisitOutcome, i64)>,
}

/// A visit with the visited person's name.
#[derive(Debug, Clone, Serialize)]
pub struct VisitItem {
    pub visit: VisitRow,
    pub name: String,
}

/// A campaign's page.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignView {
    pub campaign: CampaignRow,
    pub units: Vec<Unit>,
    /// (display name, organisation).
    pub team: Vec<(String, String)>,
    pub visits: Vec<VisitItem>,
    /// The latest visit of each person still to follow up (a follow-up date, not enrolled).
    pub follow_ups: Vec<VisitItem>,
    pub funnel: Funnel,
    pub can_visit: bool,
}

fn client_id(s: &str) -> Result<String> {
    let t = s.trim();
    if (8..=64).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        Ok(t.to_string())
    } else {
        Err(AppError::invalid(
            "client_id",
            "Mã lần thăm cần 8–64 ký tự chữ, số, «-» hoặc «_»",
            "the visit id needs 8–64 of letters, digits, '-' or '_'",
        ))
    }
}

/// The deepest path above every one of `paths`.
fn common_path(paths: &[String]) -> String {
    let split: Vec<Vec<&str>> = paths.iter().map(|p| p.trim_matches('/').split('/').collect()).collect();
    let mut out = Vec::new();
    if let Some(first) = split.first() {
        for (i, seg) in first.iter().enumerate() {
            if split.iter().all(|s| s.get(i) == Some(seg)) {
                out.push(*seg);
            } else {
                break;
            }
        }
    }
    format!("/{}/", out.join("/"))
}

impl App {
    /// Start a campaign.
    pub async fn create_campaign(&self, actor: &Actor, n: &NewCampaign) -> Result<CampaignRow> {
        let mut errors = Vec::new();
        let name = required("name", &n.name, 160, &mut errors);
        let teams = text::free_text("teams", &n.teams, 300).map_err(|e| errors.push(e)).unwrap_or_default();
        let note = text::free_text("note", &n.note, 1000).map_err(|e| errors.push(e)).unwrap_or_default();
        let target_visits =
            goal("target_visits", n.target_visits, 1_000_000).map_err(|e| errors.push(e)).unwrap_or(0);
        let target_enrolments = goal("target_enrolments", n.target_enrolments, 1_000_000)
            .map_err(|e| errors.push(e))
            .unwrap_or(0);
        if n.ends_on < n.starts_on || (n.ends_on - n.starts_on).num_days() > 366 {
            errors.push(Invalid::new(
                "ends_on",
                "Ngày kết thúc phải từ ngày bắt đầu, đợt vận động không quá một năm",
                "the end must be on or after the start, and a campaign at most a year",
            ));
        }
        // Each item a place by code or by name (the web form's one field may hold several).
        let mut units: Vec<Unit> = Vec::new();
        for item in n.unit_codes.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            match self.places_from_text(actor, item, crate::PlaceUse::View, "unit_codes").await {
                Ok(list) => {
                    for u in list {
                        if u.level < Level::Commune {
                            errors.push(Invalid::new(
                                "unit_codes",
                                format!(
                                    "«{}» không phải xã, thôn hay tổ; hãy chọn nơi đi vận động",
                                    u.full_name()
                                ),
                                format!("«{}» is not a commune, village or group", u.full_name()),
                            ));
                        } else if !units.iter().any(|o| o.id == u.id) {
                            units.push(u);
                        }
                    }
                }
                Err(AppError::Invalid(list)) => errors.extend(list),
                Err(e) => return Err(e),
            }
        }
        if units.is_empty() && errors.iter().all(|e| e.field != "unit_codes") {
            errors.push(Invalid::new("unit_codes", "Chọn ít nhất một địa bàn", "choose at least one place"));
        }
        let mut team = Vec::new();
        {
            let mut r = self.db.read().await?;
            for u in n.members.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
                match r.conn().user_by_username(u).await? {
                    Some(user) => team.push(user),
                    None => errors.push(Invalid::new(
                        "members",
                        format!("Không có người dùng «{u}»"),
                        format!("no user «{u}»"),
                    )),
                }
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        if units.iter().any(|u| !actor.can(Permission::ManageModels, &u.path)) {
            return Err(AppError::Forbidden);
        }
        let paths: Vec<String> = units.iter().map(|u| u.path.clone()).collect();
        let mut w = self.write(actor).await?;
        let mut k = CampaignRow {
            id: 0,
            province_code: units[0].province_code.clone(),
            unit_path: common_path(&paths),
            name,
            starts_on: n.starts_on,
            ends_on: n.ends_on,
            target_visits,
            target_enrolments,
            teams,
            note,
            created_by: actor.username.clone(),
            created_at: w.now(),
        };
        k.id = w.conn().insert_campaign(&k).await?;
        for u in &units {
            w.conn().insert_campaign_unit(k.id, u.id, &u.path).await?;
        }
        for u in &team {
            w.conn().insert_campaign_member(k.id, u.id, "").await?;
        }
        w.created("campaign.create", &k);
        w.commit().await?;
        Ok(k)
    }

    /// Campaigns the actor can see, newest first.
    pub async fn campaigns(&self, actor: &Actor) -> Result<Vec<CampaignRow>> {
        let mut r = self.db.read().await?;
        Ok(r.conn().campaigns_under(&actor.roots(Permission::View)).await?)
    }

    /// Record a visit. The same `client_id` sent again by the same visitor returns the visit
    /// stored the first time (`true`: it was a replay).
    pub async fn record_visit(&self, actor: &Actor, n: &NewVisit) -> Result<(VisitRow, bool)> {
        let cid = client_id(&n.client_id)?;
        let Some(uid) = actor.user_id else { return Err(AppError::Forbidden) };
        let today = self.today();
        let mut errors = Vec::new();
        let outcome = VisitOutcome::parse(&n.outcome).map_err(|e| errors.push(e)).ok();
        let reason =
            text::free_text("reason", &n.reason, 200).map_err(|e| errors.push(e)).unwrap_or_default();
        let note = text::free_text("note", &n.note, 1000).map_err(|e| errors.push(e)).unwrap_or_default();
        if n.visited_on > today || n.visited_on < today - Days::new(VISIT_BACKDATE_DAYS) {
            errors.push(Invalid::new(
                "visited_on",
                format!("Ngày đến nhà phải trong {VISIT_BACKDATE_DAYS} ngày qua, không sau hôm nay"),
                format!("the visit date must be within the last {VISIT_BACKDATE_DAYS} days, not after today"),
            ));
        }
        if n.follow_up_on.is_some_and(|f| f < n.visited_on) {
            errors.push(Invalid::new(
                "follow_up_on",
                "Ngày hẹn quay lại phải từ ngày đến nhà trở đi",
                "the follow-up date must be on or after the visit",
            ));
        }
        if n.person_id.is_none() && n.household_id.is_none() {
            errors.push(Invalid::new(
                "person_id",
                "Chọn người hoặc hộ được thăm",
                "choose the person or household visited",
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let Some(outcome) = outcome else { return Err(AppError::Internal("visit outcome".into())) };
        let mut w = self.write(actor).await?;
        if let Some(v) = w.conn().visit_by_client_id(&cid).await? {
            if v.visitor_id != uid {
                return Err(AppError::invalid(
                    "client_id",
                    "Mã lần thăm này đã được người khác dùng",
                    "this visit id was used by someone else",
                ));
            }
            return Ok((v, true));
        }
        let (path, province, household_id, person_id) = match (n.person_id, n.household_id) {
            (Some(p), _) => {
                let p = w.conn().person_by_id(p).await?.ok_or(AppError::NotFound)?;
                (p.unit_path, p.province_code, p.household_id, Some(p.id))
            }
            (None, Some(h)) => {
                let h = w.conn().household_by_id(h).await?.ok_or(AppError::NotFound)?;
                (h.unit_path, h.province_code, Some(h.id), None)
            }
            _ => return Err(AppError::NotFound),
        };
        if !actor.can(Permission::View, &path) {
            return Err(AppError::NotFound);
        }
        if !actor.can(Permission::Visit, &path) {
            return Err(AppError::Forbidden);
        }
        if let Some(k) = n.campaign_id {
            let campaign = w.conn().campaign_by_id(k).await?.ok_or(AppError::NotFound)?;
            let units = w.conn().campaign_units(k).await?;
            if !units.iter().any(|(_, p)| in_subtree(&path, p)) {
                return Err(AppError::invalid(
                    "campaign_id",
                    format!("Người được thăm không ở địa bàn của đợt «{}»", campaign.name),
                    format!("the person visited is outside the campaign «{}»", campaign.name),
                ));
            }
            if n.visited_on < campaign.starts_on || n.visited_on > campaign.ends_on {
                return Err(AppError::invalid(
                    "visited_on",
                    format!("Ngày đến nhà ngoài thời gian của đợt «{}»", campaign.name),
                    format!("the visit date is outside the campaign «{}»", campaign.name),
                ));
            }
        }
        if let Some(m) = n.model_id {
            let model = self.model_in_scope(&mut w.conn(), actor, m).await?;
            if !in_subtree(&path, &model.unit_path) {
                return Err(AppError::invalid(
                    "model_id",
                    "Người được thăm không ở xã của mô hình",
                    "the person visited is outside the model's commune",
                ));
            }
        }
        let visitor = match w.conn().user_by_id(uid).await? {
            Some(u) => u.display_name,
            None => actor.username.clone(),
        };
        let mut v = VisitRow {
            id: 0,
            client_id: cid.clone(),
            province_code: province,
            unit_path: path,
            campaign_id: n.campaign_id,
            model_id: n.model_id,
            household_id,
            person_id,
            visited_on: n.visited_on,
            visitor_id: uid,
            visitor,
            outcome,
            reason,
            note,
            follow_up_on: n.follow_up_on,
            at: w.now(),
        };
        match w.conn().insert_visit(&v).await? {
            Some(id) => v.id = id,
            // Sent twice at the same instant: the other send stored it.
            None => {
                drop(w);
                let mut r = self.db.read().await?;
                let v = r.conn().visit_by_client_id(&cid).await?.ok_or(AppError::Busy)?;
                return Ok((v, true));
            }
        }
        w.created("visit.record", &v);
        w.commit().await?;
        Ok((v, false))
    }

    /// A campaign's page: its team, visits, follow-ups and funnel.
    pub async fn campaign_view(&self, actor: &Actor, id: i64) -> Result<CampaignView> {
        let today = self.today();
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let campaign = c.campaign_by_id(id).await?.ok_or(AppError::NotFound)?;
        if !actor.can(Permission::View, &campaign.unit_path) {
            return Err(AppError::NotFound);
        }
        let unit_ids: Vec<i64> = c.campaign_units(id).await?.into_iter().map(|(i, _)| i).collect();
        let units = c.units_by_ids(&unit_ids).await?;
        let mut team = Vec::new();
        for (uid, org) in c.campaign_members(id).await? {
            if let Some(u) = c.user_by_id(uid).await? {
                team.push((u.display_name, org));
            }
        }
        let visits = c.visits_of_campaign(id).await?;
        let mut person_ids: Vec<i64> = visits.iter().filter_map(|v| v.person_id).collect();
        person_ids.sort_unstable();
        person_ids.dedup();
        let people = c.persons_by_ids(&person_ids).await?;
        let parts = c.participations_of_persons(&person_ids).await?;
        let payments = c.vsi_payments_of_persons(&person_ids).await?;
        let name = |v: &VisitRow| -> String {
            v.person_id
                .and_then(|p| people.iter().find(|x| x.id == p))
                .map(|p| {
                    if actor.can(Permission::View, &p.unit_path) {
                        p.full_name.clone()
                    } else {
                        ansinh_domain::collection::masked_name(&p.full_name)
                    }
                })
                .unwrap_or_else(|| "(hộ)".into())
        };
        // Funnel.
        let mut f =
            Funnel { visits: visits.len() as i64, visited: person_ids.len() as i64, ..Default::default() };
        for o in VisitOutcome::ALL {
            let n = visits.iter().filter(|v| v.outcome == *o).count() as i64;
            if n > 0 {
                f.by_outcome.push((*o, n));
            }
        }
        let attribution_end = campaign.ends_on + Days::new(ATTRIBUTION_DAYS);
        for pid in &person_ids {
            let mine: Vec<&VisitRow> = visits.iter().filter(|v| v.person_id == Some(*pid)).collect();
            if mine.iter().any(|v| v.outcome.interested()) {
                f.interested += 1;
            }
            let first = mine.iter().map(|v| v.visited_on).min().unwrap_or(campaign.starts_on);
            // Enrolled by the campaign: a VSI payment from the first visit to the end of the
            // attribution window, by someone not covered on the day of that visit (a first
            // enrolment, or a lapsed member re-registering).
            let paid: Vec<&(i64, NaiveDate, NaiveDate, NaiveDate)> =
                payments.iter().filter(|x| x.0 == *pid).collect();
            let covered = paid.iter().any(|x| x.1 < first && x.2 <= first && first <= x.3);
            let won = paid.iter().filter(|x| x.1 >= first && x.1 <= attribution_end).min_by_key(|x| x.2);
            if let (false, Some(w)) = (covered, won) {
                f.enrolled += 1;
                let start = w.2;
                let through = paid.iter().map(|x| x.3).max().unwrap_or(start);
                for (months, due, paying) in
                    [(6u32, &mut f.due_6, &mut f.paying_6), (12, &mut f.due_12, &mut f.paying_12)]
                {
                    let mark = start.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX);
                    if mark <= today {
                        *due += 1;
                        if through >= mark - Days::new(1) {
                            *paying += 1;
                        }
                    }
                }
            }
        }
        let insured = |pid: i64| {
            parts.iter().any(|p| {
                p.person_id == pid && p.ended_on.is_none() && p.paid_through.is_some_and(|t| t >= today)
            })
        };
        let mut follow_ups: Vec<VisitItem> = Vec::new();
        for pid in &person_ids {
            let last =
                visits.iter().filter(|v| v.person_id == Some(*pid)).max_by_key(|v| (v.visited_on, v.id));
            if let Some(v) = last
                && v.follow_up_on.is_some()
                && !matches!(v.outcome, VisitOutcome::Enrolled | VisitOutcome::NotEligible)
                && !insured(*pid)
            {
                follow_ups.push(VisitItem { name: name(v), visit: v.clone() });
            }
        }
        follow_ups.sort_by_key(|v| (v.visit.follow_up_on, v.visit.id));
        // The latest visits (the funnel counts them all).
        let visits =
            visits.iter().take(VISITS_SHOWN).map(|v| VisitItem { name: name(v), visit: v.clone() }).collect();
        let can_visit = actor.can(Permission::Visit, &campaign.unit_path)
            || units.iter().any(|u| actor.can(Permission::Visit, &u.path));
        Ok(CampaignView { campaign, units, team, visits, follow_ups, funnel: f, can_visit })
    }

    /// The person with this CCCD number, if the actor may see them (the visit form's lookup).
    pub async fn person_id_by_cccd(&self, actor: &Actor, cccd: &str) -> Result<i64> {
        let t = cccd.trim();
        let mut r = self.db.read().await?;
        let p = r.conn().person_by_cccd(t).await?.filter(|p| actor.can(Permission::View, &p.unit_path));
        p.map(|p| p.id).ok_or_else(|| {
            AppError::invalid(
                "person_id",
                format!("Không tìm thấy người có số CCCD «{t}» trong phạm vi của bạn"),
                format!("no person with citizen ID «{t}» in your scope"),
            )
        })
    }

    /// Recent visits in the actor's scope (for the outreach page), newest first.
    pub async fn recent_visits(&self, actor: &Actor, days: u64) -> Result<Vec<VisitRow>> {
        let since = self.today() - Days::new(days);
        let mut r = self.db.read().await?;
        let mut out = Vec::new();
        for root in actor.roots(Permission::View) {
            let (lo, hi) = subtree_range(&root);
            out.extend(r.conn().visits_under(&lo, &hi, since, 200).await?);
        }
        out.sort_by_key(|v| std::cmp::Reverse((v.visited_on, v.id)));
        out.truncate(200);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn common_path_is_the_deepest_shared_ancestor() {
        let p = |v: &[&str]| super::common_path(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(p(&["/0/42/7/9/", "/0/42/7/10/"]), "/0/42/7/");
        assert_eq!(p(&["/0/42/7/"]), "/0/42/7/");
        assert_eq!(p(&["/0/42/", "/0/43/"]), "/0/");
    }
}
