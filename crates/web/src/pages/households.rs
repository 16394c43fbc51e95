//! Hộ gia đình — a household's page: members with ages, poverty status per year (hộ nghèo /
//! cận nghèo, with the decision), and the area flags that decide some support rates.

use crate::AppState;
use crate::error::{PageError, message};
use crate::pages::render;
use crate::session::Page;
use crate::templates::{HouseholdTpl, PovertyForm};
use ansinh_app::AppError;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Datelike;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    #[serde(default)]
    saved: String,
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
    let view = state.app.household_view(actor, id).await.map_err(|e| page.fail(e))?;
    render(&HouseholdTpl {
        page: &page,
        view,
        form: blank_form(page.today),
        error: None,
        saved: !q.saved.is_empty(),
    })
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
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/households/{id}?saved=1#poverty")).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let view = state.app.household_view(actor, id).await.map_err(|e| page.fail(e))?;
            let error = Some(message(page.lang, &e));
            let html = render(&HouseholdTpl { page: &page, view, form: f, error, saved: false })?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(e) => Err(page.fail(e)),
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
    state
        .app
        .set_household_flags(actor, id, on(&f.ethnic_minority_area), on(&f.island))
        .await
        .map_err(|e| page.fail(e))?;
    Ok(Redirect::to(&format!("/households/{id}?saved=1")).into_response())
}
