//! Browse the administrative hierarchy; add and rename villages and inter-family groups.

use crate::AppState;
use crate::error::{PageError, message};
use crate::pages::{is_htmx, render};
use crate::session::Page;
use crate::templates::{ChildrenTpl, Era, RootsTpl, SearchTpl, UnitTpl};
use ansinh_app::AppError;
use ansinh_app::registry::PlaceCounts;
use ansinh_app::registry::{PersonPage, PersonQuery};
use ansinh_domain::unit::VILLAGE_KINDS;
use ansinh_domain::{Actor, Level, Unit};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct EraQuery {
    era: Option<String>,
    on: Option<String>,
}

impl EraQuery {
    /// `?on=` (dd/mm/yyyy or yyyy-mm-dd) wins; else `?era=before` is the eve of the reform
    /// (`reform`: the day the two-level local government began, from the units' data);
    /// else today.
    fn era(&self, today: NaiveDate, reform: NaiveDate) -> Era {
        if let Some(d) = self.on.as_deref().and_then(crate::fmt::parse_date) {
            return Era { mode: "date", on: d };
        }
        match self.era.as_deref() {
            Some("before") => Era { mode: "before", on: reform.pred_opt().unwrap_or(reform) },
            _ => Era { mode: "after", on: today },
        }
    }
}

/// Population of a commune, village or group (the places persons live in).
async fn counts(state: &AppState, actor: &Actor, unit: &Unit) -> Result<Option<PlaceCounts>, AppError> {
    if !matches!(unit.level, Level::Commune | Level::Village | Level::Group) {
        return Ok(None);
    }
    state.app.place_counts(actor, unit).await.map(Some)
}

/// The first page of a village's or group's residents (Vietnamese order), shown on its page.
async fn members(state: &AppState, actor: &Actor, unit: &Unit) -> Result<Option<PersonPage>, AppError> {
    if !matches!(unit.level, Level::Village | Level::Group) {
        return Ok(None);
    }
    let q = PersonQuery { place: unit.code.clone(), ..Default::default() };
    state.app.search_persons(actor, &q).await.map(Some)
}

pub async fn index(State(state): State<AppState>, page: Page) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let roots = state.app.scope_roots(actor).await.map_err(|e| page.fail(e))?;
    if let [only] = roots.as_slice() {
        return Ok(Redirect::to(&format!("/units/{}", only.id)).into_response());
    }
    Ok(render(&RootsTpl { page: &page, roots, results: Vec::new(), query: String::new() })?.into_response())
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<EraQuery>,
) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    let era = q.era(page.today, state.app.reform_day().await.map_err(|e| page.fail(e))?);
    let view = state.app.unit_view(actor, id, Some(era.on)).await.map_err(|e| page.fail(e))?;
    let counts = counts(&state, actor, &view.unit).await.map_err(|e| page.fail(e))?;
    let members = members(&state, actor, &view.unit).await.map_err(|e| page.fail(e))?;
    render(&UnitTpl {
        page: &page,
        view,
        counts,
        members,
        era,
        error: None,
        form_name: String::new(),
        kinds: &VILLAGE_KINDS,
    })
}

/// The children block alone (htmx era switch).
pub async fn children(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<EraQuery>,
) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    let era = q.era(page.today, state.app.reform_day().await.map_err(|e| page.fail(e))?);
    let view = state.app.unit_view(actor, id, Some(era.on)).await.map_err(|e| page.fail(e))?;
    render(&ChildrenTpl {
        page: &page,
        view,
        era,
        error: None,
        form_name: String::new(),
        kinds: &VILLAGE_KINDS,
    })
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

pub async fn search(
    State(state): State<AppState>,
    page: Page,
    headers: HeaderMap,
    Query(q): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let results = state.app.search_units(actor, &q.q, None).await.map_err(|e| page.fail(e))?;
    if is_htmx(&headers) {
        return Ok(render(&SearchTpl { page: &page, results, query: q.q })?.into_response());
    }
    // Without JavaScript: the same results inside the full page.
    let roots = state.app.scope_roots(actor).await.map_err(|e| page.fail(e))?;
    Ok(render(&RootsTpl { page: &page, roots, results, query: q.q })?.into_response())
}

#[derive(Deserialize)]
pub struct PlaceForm {
    #[serde(default)]
    name: String,
    kind: Option<String>,
}

pub async fn create_place(
    State(state): State<AppState>,
    page: Page,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<PlaceForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let era = EraQuery::default().era(page.today, state.app.reform_day().await.map_err(|e| page.fail(e))?);
    match state.app.create_place(actor, id, &f.name, f.kind.as_deref()).await {
        Ok(_) if !is_htmx(&headers) => Ok(Redirect::to(&format!("/units/{id}")).into_response()),
        Ok(_) => {
            let view = state.app.unit_view(actor, id, Some(era.on)).await.map_err(|e| page.fail(e))?;
            let t = ChildrenTpl {
                page: &page,
                view,
                era,
                error: None,
                form_name: String::new(),
                kinds: &VILLAGE_KINDS,
            };
            Ok(render(&t)?.into_response())
        }
        Err(e @ AppError::Invalid(_)) => {
            let error = Some(message(page.lang, &e));
            let view = state.app.unit_view(actor, id, Some(era.on)).await.map_err(|e| page.fail(e))?;
            let html = if is_htmx(&headers) {
                render(&ChildrenTpl {
                    page: &page,
                    view,
                    era,
                    error,
                    form_name: f.name,
                    kinds: &VILLAGE_KINDS,
                })?
            } else {
                let counts = counts(&state, actor, &view.unit).await.map_err(|e| page.fail(e))?;
                let members = members(&state, actor, &view.unit).await.map_err(|e| page.fail(e))?;
                render(&UnitTpl {
                    page: &page,
                    view,
                    counts,
                    members,
                    era,
                    error,
                    form_name: f.name,
                    kinds: &VILLAGE_KINDS,
                })?
            };
            // htmx swaps 2xx only by default: answer the form with its error as 200 for htmx.
            let status = if is_htmx(&headers) { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            Ok((status, html).into_response())
        }
        Err(e) => Err(page.fail(e)),
    }
}

#[derive(Deserialize)]
pub struct RenameForm {
    #[serde(default)]
    name: String,
}

pub async fn rename(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<RenameForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    state.app.rename_place(actor, id, &f.name).await.map_err(|e| page.fail(e))?;
    Ok(Redirect::to(&format!("/units/{id}")).into_response())
}
