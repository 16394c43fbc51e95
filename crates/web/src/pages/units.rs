//! Browse the administrative hierarchy; add and rename villages and inter-family groups.

use crate::AppState;
use crate::error::{PageError, fields_message, form_outcome, unprocessable};
use crate::pages::render;
use crate::session::{HxRequest, Page};
use ansinh_app::AppError;
use ansinh_app::UnitView;
use ansinh_app::registry::PlaceCounts;
use ansinh_app::registry::{PersonPage, PersonQuery};
use ansinh_domain::unit::{PlaceStart, VILLAGE_KINDS};
use ansinh_domain::{Actor, Level, Unit};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
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
    // Residents are counted where they live now: an old commune that has ended has none.
    if !matches!(unit.level, Level::Commune | Level::Village | Level::Group)
        || unit.valid_to.is_some_and(|t| t <= state.app.today())
    {
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
    let roots = state.app.scope_roots(actor).await?;
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
    let era = q.era(page.today, state.app.reform_day().await?);
    let view = state.app.unit_view(actor, id, Some(era.on)).await?;
    unit_page(&state, &page, view, era, None, String::new(), None).await
}

/// The children block alone (htmx era switch).
pub async fn children(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<EraQuery>,
) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    let era = q.era(page.today, state.app.reform_day().await?);
    let view = state.app.unit_view(actor, id, Some(era.on)).await?;
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
    HxRequest(htmx): HxRequest,
    Query(q): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let results = state.app.search_units(actor, &q.q, None).await?;
    if htmx {
        return Ok(render(&SearchTpl { page: &page, results, query: q.q })?.into_response());
    }
    // Without JavaScript: the same results inside the full page.
    let roots = state.app.scope_roots(actor).await?;
    Ok(render(&RootsTpl { page: &page, roots, results, query: q.q })?.into_response())
}

#[derive(Deserialize)]
pub struct PickQuery {
    #[serde(default)]
    q: String,
    /// `view` (filters), `residence` (where a person lives), `users` (a user's scope).
    #[serde(default, rename = "for")]
    purpose: String,
    /// The id of the list the options go into (their ids derive from it).
    #[serde(default)]
    list: String,
}

/// The place picker's options for what was typed: places in scope by name or code, each with
/// its path (an HTML fragment of `<li role="option">`).
pub async fn pick(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<PickQuery>,
) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    let purpose = ansinh_app::PlaceUse::parse(&q.purpose);
    let matches = match state.app.pick_places(actor, &q.q, purpose, 12).await {
        Ok(m) => m,
        Err(ansinh_app::AppError::Invalid(_)) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let list: String = q.list.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(40).collect();
    render(&PickTpl { page: &page, matches, list })
}

#[derive(Template)]
#[template(path = "place_options.html")]
pub struct PickTpl<'a> {
    pub page: &'a Page,
    pub matches: Vec<ansinh_app::PlaceMatch>,
    pub list: String,
}

#[derive(Deserialize)]
pub struct PlaceForm {
    #[serde(default)]
    name: String,
    kind: Option<String>,
    #[serde(flatten)]
    start: StartForm,
}

/// When a place began: `began` (parent / before / date), `began_on`, and the old commune.
#[derive(Deserialize, Default)]
pub struct StartForm {
    began: Option<String>,
    began_on: Option<String>,
    former: Option<String>,
}

impl StartForm {
    fn parse(&self) -> Result<(PlaceStart, Option<i64>), AppError> {
        let start = PlaceStart::parse(self.began.as_deref(), self.began_on.as_deref())?;
        Ok((start, ansinh_domain::unit::parse_former(self.former.as_deref())?))
    }
}

/// The whole unit page: the unit, its population and residents, the children block (with the
/// add form's `error` and typed name) and the "began" form's error.
async fn unit_page(
    state: &AppState,
    page: &Page,
    view: UnitView,
    era: Era,
    error: Option<String>,
    form_name: String,
    start_error: Option<String>,
) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    let counts = counts(state, actor, &view.unit).await?;
    let members = members(state, actor, &view.unit).await?;
    let children = ChildrenTpl { page, view, era, error, form_name, kinds: &VILLAGE_KINDS };
    render(&UnitTpl { page, children, counts, members, start_error })
}

pub async fn create_place(
    State(state): State<AppState>,
    page: Page,
    HxRequest(htmx): HxRequest,
    Path(id): Path<i64>,
    Form(f): Form<PlaceForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let era = EraQuery::default().era(page.today, state.app.reform_day().await?);
    let created = match f.start.parse() {
        Ok((start, former)) => {
            state.app.create_place_begun(actor, id, &f.name, f.kind.as_deref(), start, former).await
        }
        Err(e) => Err(e),
    };
    match form_outcome(created)? {
        Ok(_) if !htmx => Ok(Redirect::to(&format!("/units/{id}")).into_response()),
        Ok(_) => {
            let view = state.app.unit_view(actor, id, Some(era.on)).await?;
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
        Err(fields) => {
            let error = Some(fields_message(page.lang, &fields));
            let view = state.app.unit_view(actor, id, Some(era.on)).await?;
            let html = if htmx {
                render(&ChildrenTpl {
                    page: &page,
                    view,
                    era,
                    error,
                    form_name: f.name,
                    kinds: &VILLAGE_KINDS,
                })?
            } else {
                unit_page(&state, &page, view, era, error, f.name, None).await?
            };
            // htmx swaps 2xx only by default: answer the form with its error as 200 for htmx.
            if htmx { Ok(html.into_response()) } else { Ok(unprocessable(html)) }
        }
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
    state.app.rename_place(actor, id, &f.name).await?;
    Ok(Redirect::to(&format!("/units/{id}")).into_response())
}

/// Say when a village or group really began (`POST /units/{id}/start`).
pub async fn set_start(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<StartForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let saved = match f.parse() {
        Ok((start, former)) => state.app.set_place_start(actor, id, start, former).await,
        Err(e) => Err(e),
    };
    match form_outcome(saved)? {
        Ok(_) => Ok(Redirect::to(&format!("/units/{id}")).into_response()),
        Err(fields) => {
            let era = EraQuery::default().era(page.today, state.app.reform_day().await?);
            let view = state.app.unit_view(actor, id, Some(era.on)).await?;
            let start_error = Some(fields_message(page.lang, &fields));
            Ok(unprocessable(unit_page(&state, &page, view, era, None, String::new(), start_error).await?))
        }
    }
}

// ─── Views ───────────────────────────────────────────────────────────────────────────────

/// Which date the unit tree is shown on.
#[derive(Debug, Clone)]
pub struct Era {
    /// `before`, `after` or `date`.
    pub mode: &'static str,
    pub on: NaiveDate,
}

impl Era {
    pub fn query(&self) -> String {
        format!("on={}", self.on.format("%Y-%m-%d"))
    }

    pub fn iso(&self) -> String {
        self.on.format("%Y-%m-%d").to_string()
    }
}

#[derive(Template)]
#[template(path = "units_roots.html")]
pub struct RootsTpl<'a> {
    pub page: &'a Page,
    pub roots: Vec<Unit>,
    /// Search results shown in the page when the search was submitted without htmx.
    pub results: Vec<Unit>,
    pub query: String,
}

#[derive(Template)]
#[template(path = "unit.html")]
pub struct UnitTpl<'a> {
    pub page: &'a Page,
    /// The children block (with the era switch and the add-place form), also answered alone
    /// to htmx.
    pub children: ChildrenTpl<'a>,
    /// Persons and working-age persons under a commune, village or group.
    pub counts: Option<PlaceCounts>,
    /// A village's or group's residents (first page).
    pub members: Option<ansinh_app::registry::PersonPage>,
    /// Why the "began" form was refused.
    pub start_error: Option<String>,
}

#[derive(Template)]
#[template(path = "units_partial.html")]
pub struct ChildrenTpl<'a> {
    pub page: &'a Page,
    pub view: UnitView,
    pub era: Era,
    pub error: Option<String>,
    pub form_name: String,
    pub kinds: &'static [&'static str],
}

#[derive(Template)]
#[template(path = "units_search_partial.html")]
pub struct SearchTpl<'a> {
    pub page: &'a Page,
    pub results: Vec<Unit>,
    pub query: String,
}
