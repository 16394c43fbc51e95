//! Hộ gia đình — a household's page: members with ages, poverty status per year (hộ nghèo /
//! cận nghèo, with the decision), and the area flags that decide some support rates.

use crate::AppState;
use crate::display::{Opt, options};
use crate::error::{PageError, fields_message, form_outcome, unprocessable};
use crate::pages::render;
use crate::session::Page;
use ansinh_app::AppError;
use ansinh_app::registry::HouseholdView;
use ansinh_domain::person::PovertyStatus;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Datelike;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    #[serde(default)]
    saved: String,
    /// How many members a household move just moved.
    #[serde(default)]
    moved: Option<usize>,
}

fn blank_form(today: chrono::NaiveDate) -> PovertyForm {
    PovertyForm { year: today.year().to_string(), status: String::new(), decision: String::new() }
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    let view = state.app.household_view(actor, id).await?;
    render(&HouseholdTpl {
        page: &page,
        view,
        form: blank_form(page.today),
        error: None,
        saved: !q.saved.is_empty(),
        moved: q.moved,
        move_form: MoveForm::default(),
        move_error: None,
    })
}

/// Move the whole household: every member, one reason.
pub async fn move_household(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<MoveForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    match form_outcome(state.app.move_household(actor, id, &f.place, &f.reason).await)? {
        Ok(n) => Ok(Redirect::to(&format!("/households/{id}?moved={n}")).into_response()),
        Err(fields) => {
            let view = state.app.household_view(actor, id).await?;
            let move_error = Some(fields_message(page.lang, &fields));
            Ok(unprocessable(render(&HouseholdTpl {
                page: &page,
                view,
                form: blank_form(page.today),
                error: None,
                saved: false,
                moved: None,
                move_form: f,
                move_error,
            })?))
        }
    }
}

/// A year typed in a form.
pub fn parse_year(s: &str) -> Result<i32, AppError> {
    s.trim().parse::<i32>().map_err(|_| {
        AppError::invalid(
            "year",
            format!("Năm «{}» không hợp lệ: ghi 4 chữ số, ví dụ 2025", s.trim()),
            format!("year «{}» is invalid: write 4 digits, e.g. 2025", s.trim()),
        )
    })
}

pub async fn set_poverty(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<PovertyForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let result = match parse_year(&f.year) {
        Ok(year) => state.app.set_household_poverty(actor, id, year, &f.status, &f.decision).await,
        Err(e) => Err(e),
    };
    match form_outcome(result)? {
        Ok(()) => Ok(Redirect::to(&format!("/households/{id}?saved=1#poverty")).into_response()),
        Err(fields) => {
            let view = state.app.household_view(actor, id).await?;
            let error = Some(fields_message(page.lang, &fields));
            Ok(unprocessable(render(&HouseholdTpl {
                page: &page,
                view,
                form: f,
                error,
                saved: false,
                moved: None,
                move_form: MoveForm::default(),
                move_error: None,
            })?))
        }
    }
}

#[derive(Deserialize, Default)]
pub struct FlagsForm {
    #[serde(default)]
    ethnic_minority_area: String,
    #[serde(default)]
    island: String,
}

pub async fn set_flags(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<FlagsForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let on = |v: &str| !v.is_empty();
    state.app.set_household_flags(actor, id, on(&f.ethnic_minority_area), on(&f.island)).await?;
    Ok(Redirect::to(&format!("/households/{id}?saved=1")).into_response())
}

// ─── Views ───────────────────────────────────────────────────────────────────────────────

/// The poverty form's values as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PovertyForm {
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub decision: String,
}

#[derive(Template)]
#[template(path = "household.html")]
pub struct HouseholdTpl<'a> {
    pub page: &'a Page,
    pub view: HouseholdView,
    pub form: PovertyForm,
    pub error: Option<String>,
    pub saved: bool,
    pub moved: Option<usize>,
    pub move_form: MoveForm,
    pub move_error: Option<String>,
}

/// The household move form's values as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub reason: String,
}

impl HouseholdTpl<'_> {
    pub fn statuses(&self) -> Vec<Opt> {
        let current = PovertyStatus::parse(&self.form.status).map_or("", |s| s.as_str());
        let vi = self.page.is_vi();
        options(
            PovertyStatus::ALL.iter().map(|s| (s.as_str(), if vi { s.label_vi() } else { s.label_en() })),
            current,
        )
    }

    pub fn head_name(&self) -> String {
        let head = self.view.household.head_person_id;
        self.view
            .members
            .iter()
            .find(|(p, _)| Some(p.id) == head)
            .map(|(p, _)| p.full_name.clone())
            .unwrap_or_default()
    }
}
