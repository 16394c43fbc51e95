//! Vận động — outreach screens: campaigns (list, start one), a campaign's page (funnel,
//! follow-ups, visits, and the door-to-door list with a visit form per person that works
//! offline), and the ranked list of whom to visit next.

use super::models::{Parsed, date_field, field_errors, number_field};
use crate::AppState;
use crate::error::{PageError, form_outcome, unprocessable};
use crate::pages::render;
use crate::session::Page;
use ansinh_app::models::{CampaignView, NewCampaign, NewVisit, NextVisit, UninsuredItem};
use ansinh_app::records::{CampaignRow, VisitRow};
use ansinh_domain::{Permission, VisitOutcome};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

/// A fresh id for a visit form (the phone's script replaces it for each visit it queues).
fn new_client_id() -> String {
    let mut b = [0u8; 12];
    match getrandom::fill(&mut b) {
        Ok(()) => format!("v-{}", hex::encode(b)),
        Err(_) => String::new(),
    }
}

pub fn outcome_label(page: &Page, o: &VisitOutcome) -> &'static str {
    if page.is_vi() { o.label_vi() } else { o.label_en() }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CampaignForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub unit_codes: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub target_visits: String,
    #[serde(default)]
    pub target_enrolments: String,
    #[serde(default)]
    pub teams: String,
    #[serde(default)]
    pub members: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Template)]
#[template(path = "outreach.html")]
pub struct OutreachTpl<'a> {
    pub page: &'a Page,
    pub campaigns: Vec<CampaignRow>,
    pub recent: Vec<VisitRow>,
    pub form: CampaignForm,
    pub error: Option<String>,
    pub can_start: bool,
}

impl OutreachTpl<'_> {
    pub fn outcome(&self, o: &VisitOutcome) -> &'static str {
        outcome_label(self.page, o)
    }
}

async fn outreach_page<'a>(
    state: &AppState,
    page: &'a Page,
    form: CampaignForm,
    error: Option<String>,
) -> Result<OutreachTpl<'a>, PageError> {
    let actor = page.actor()?;
    let campaigns = state.app.campaigns(actor).await?;
    let recent = state.app.recent_visits(actor, 30).await?;
    Ok(OutreachTpl { page, campaigns, recent, form, error, can_start: actor.has(Permission::ManageModels) })
}

pub async fn index(State(state): State<AppState>, page: Page) -> Result<Html<String>, PageError> {
    let form = CampaignForm {
        starts_on: page.today.format("%d/%m/%Y").to_string(),
        ends_on: (page.today + chrono::Days::new(30)).format("%d/%m/%Y").to_string(),
        ..Default::default()
    };
    render(&outreach_page(&state, &page, form, None).await?)
}

fn list_of(s: &str) -> Vec<String> {
    s.split([',', ';', ' ', '\n']).map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect()
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    Form(f): Form<CampaignForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let result = async {
        let mut p = Parsed(Vec::new());
        let n = NewCampaign {
            name: f.name.clone(),
            unit_codes: vec![f.unit_codes.clone()],
            starts_on: p.date("starts_on", &f.starts_on, page.today),
            ends_on: p.date("ends_on", &f.ends_on, page.today),
            target_visits: p.take(number_field("target_visits", &f.target_visits)),
            target_enrolments: p.take(number_field("target_enrolments", &f.target_enrolments)),
            teams: f.teams.clone(),
            members: list_of(&f.members),
            note: f.note.clone(),
        };
        p.into_result()?;
        state.app.create_campaign(actor, &n).await
    }
    .await;
    match form_outcome(result)? {
        Ok(k) => Ok(Redirect::to(&format!("/campaigns/{}", k.id)).into_response()),
        Err(list) => {
            let e = Some(field_errors(&page, &list));
            Ok(unprocessable(render(&outreach_page(&state, &page, f, e).await?)?))
        }
    }
}

// ─── A campaign ───────────────────────────────────────────────────────────────────────────

#[derive(Template)]
#[template(path = "campaign.html")]
pub struct CampaignTpl<'a> {
    pub page: &'a Page,
    pub view: CampaignView,
    /// The door-to-door list: workers of the campaign's places not yet insured, by place.
    pub doors: Vec<(String, Vec<UninsuredItem>)>,
    pub error: Option<String>,
    pub saved: bool,
}

impl CampaignTpl<'_> {
    pub fn outcome(&self, o: &VisitOutcome) -> &'static str {
        outcome_label(self.page, o)
    }
    pub fn outcomes(&self) -> Vec<(&'static str, &'static str)> {
        VisitOutcome::ALL.iter().map(|o| (o.as_str(), outcome_label(self.page, o))).collect()
    }
    pub fn client_id(&self) -> String {
        new_client_id()
    }
    pub fn pct(&self, have: &i64, of: &i64) -> i64 {
        if *of > 0 { (have * 100 / of).min(100) } else { 0 }
    }
    pub fn door_count(&self) -> usize {
        self.doors.iter().map(|(_, l)| l.len()).sum()
    }
    pub fn today(&self) -> String {
        self.page.today.format("%Y-%m-%d").to_string()
    }
}

/// Most people on a campaign's door-to-door list.
const DOORS: usize = 300;

async fn campaign_page<'a>(
    state: &AppState,
    page: &'a Page,
    id: i64,
    error: Option<String>,
) -> Result<CampaignTpl<'a>, PageError> {
    let actor = page.actor()?;
    let view = state.app.campaign_view(actor, id).await?;
    let mut doors: Vec<(String, Vec<UninsuredItem>)> = Vec::new();
    if view.can_visit {
        let mut n = 0;
        for u in &view.units {
            for d in state.app.full_groups(actor, u.id).await?.uninsured {
                if n >= DOORS {
                    break;
                }
                n += 1;
                match doors.last_mut() {
                    Some((place, list)) if *place == d.place => list.push(d),
                    _ => doors.push((d.place.clone(), vec![d])),
                }
            }
        }
    }
    let saved = page.here.contains("saved=1");
    Ok(CampaignTpl { page, view, doors, error, saved })
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    render(&campaign_page(&state, &page, id, None).await?)
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct VisitForm {
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub person_id: String,
    /// Or the person's CCCD, typed.
    #[serde(default)]
    pub cccd: String,
    #[serde(default)]
    pub visited_on: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub follow_up_on: String,
}

pub async fn visit(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<VisitForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let result = async {
        let mut p = Parsed(Vec::new());
        let visited_on = if f.visited_on.trim().is_empty() {
            page.today
        } else {
            p.date("visited_on", &f.visited_on, page.today)
        };
        let follow_up_on = if f.follow_up_on.trim().is_empty() {
            None
        } else {
            Some(p.take(date_field("follow_up_on", &f.follow_up_on).map(Some)).unwrap_or(page.today))
        };
        p.into_result()?;
        let person_id = match f.person_id.trim().parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => Some(state.app.person_id_by_cccd(actor, &f.cccd).await?),
        };
        let n = NewVisit {
            client_id: f.client_id.clone(),
            campaign_id: Some(id),
            model_id: None,
            person_id,
            household_id: None,
            visited_on,
            outcome: f.outcome.clone(),
            reason: f.reason.clone(),
            note: f.note.clone(),
            follow_up_on,
        };
        state.app.record_visit(actor, &n).await
    }
    .await;
    match form_outcome(result)? {
        Ok(_) => Ok(Redirect::to(&format!("/campaigns/{id}?saved=1#visits")).into_response()),
        Err(list) => {
            let e = Some(field_errors(&page, &list));
            Ok(unprocessable(render(&campaign_page(&state, &page, id, e).await?)?))
        }
    }
}

// ─── Whom to visit next ───────────────────────────────────────────────────────────────────

#[derive(Template)]
#[template(path = "visit_next.html")]
pub struct NextTpl<'a> {
    pub page: &'a Page,
    pub list: Vec<NextVisit>,
}

impl NextTpl<'_> {
    pub fn kind(&self, k: &str) -> String {
        self.page.t(match k {
            "lapsed" => "next-kind-lapsed",
            "ending" => "next-kind-ending",
            _ => "next-kind-near-full",
        })
    }
}

pub async fn next(State(state): State<AppState>, page: Page) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    let list = state.app.visit_next(actor, 100).await?;
    render(&NextTpl { page: &page, list })
}
