//! Đăng ký dân cư — the person list and search (htmx-refreshed), exports, the import template,
//! a new person, a person's page with its edit form, probable duplicates.

use crate::AppState;
use crate::error::{PageError, message};
use crate::pages::{is_htmx, render};
use crate::people::{CSV, ListQuery, XLSX, file_response};
use crate::session::Page;
use crate::templates::{
    DupPair, DuplicatesTpl, MoveLine, PersonForm, PersonFormView, PersonList, PersonNewTpl, PersonResultsTpl,
    PersonTpl, PersonsTpl,
};
use ansinh_app::registry::PersonView;
use ansinh_app::{App, AppError};
use ansinh_domain::{Actor, Invalid, Permission};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

/// Search; a filter that cannot be understood is shown above the (empty) results.
async fn person_list(
    state: &AppState,
    page: &Page,
    actor: &Actor,
    query: ListQuery,
) -> Result<PersonList, PageError> {
    match state.app.search_persons(actor, &query.to_app()).await {
        Ok(r) => Ok(PersonList { query, result: Some(r), error: None }),
        Err(e @ AppError::Invalid(_)) => {
            Ok(PersonList { query, result: None, error: Some(message(page.lang, &e)) })
        }
        Err(e) => Err(page.fail(e)),
    }
}

pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let list = person_list(&state, &page, actor, q).await?;
    let status = if list.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&PersonsTpl { page: &page, list })?).into_response())
}

/// The results block alone (htmx, on every keystroke of the search form); the address bar
/// follows the filters (`HX-Push-Url`), so a reload or a shared link shows the same list.
/// Without htmx: the whole page.
pub async fn results(
    State(state): State<AppState>,
    page: Page,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let list = person_list(&state, &page, actor, q).await?;
    if !is_htmx(&headers) {
        let status = if list.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
        return Ok((status, render(&PersonsTpl { page: &page, list })?).into_response());
    }
    let url = list.query.link("/persons", list.query.page());
    let mut res = render(&PersonResultsTpl { page: &page, list })?.into_response();
    if let Ok(v) = HeaderValue::from_str(&url) {
        res.headers_mut().insert("hx-push-url", v);
    }
    Ok(res)
}

fn stamp(page: &Page) -> String {
    page.today.format("%Y%m%d").to_string()
}

pub async fn export_xlsx(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let table = state.app.export_persons(actor, &q.to_app()).await.map_err(|e| page.fail(e))?;
    let bytes = ansinh_reports::write_xlsx(&table, "Nhân khẩu")
        .map_err(|e| page.fail(AppError::Internal(format!("xlsx: {}", e.en))))?;
    Ok(file_response(bytes, XLSX, &format!("danh-sách-nhân-khẩu-{}.xlsx", stamp(&page))))
}

pub async fn export_csv(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let table = state.app.export_persons(actor, &q.to_app()).await.map_err(|e| page.fail(e))?;
    Ok(file_response(
        ansinh_reports::write_csv(&table),
        CSV,
        &format!("danh-sách-nhân-khẩu-{}.csv", stamp(&page)),
    ))
}

/// The import template (Vietnamese headers, one example row).
pub async fn template_xlsx(page: Page) -> Result<Response, PageError> {
    page.actor()?;
    let bytes = ansinh_reports::write_xlsx(&App::import_template(), "Nhân khẩu")
        .map_err(|e| page.fail(AppError::Internal(format!("xlsx: {}", e.en))))?;
    Ok(file_response(bytes, XLSX, "mẫu-nhập-nhân-khẩu.xlsx"))
}

pub async fn template_csv(page: Page) -> Result<Response, PageError> {
    page.actor()?;
    Ok(file_response(ansinh_reports::write_csv(&App::import_template()), CSV, "mẫu-nhập-nhân-khẩu.csv"))
}

pub async fn new_form(page: Page) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    if !actor.has(Permission::EditPeople) {
        return Err(page.fail(AppError::Forbidden));
    }
    render(&PersonNewTpl { page: &page, form: PersonFormView::new(&page, PersonForm::default(), Vec::new()) })
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    Form(f): Form<PersonForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let errors = match state.app.create_person(actor, &f.input()).await {
        Ok(p) => return Ok(Redirect::to(&format!("/persons/{}", p.id)).into_response()),
        Err(AppError::Invalid(list)) => list,
        Err(e) => return Err(page.fail(e)),
    };
    let html = render(&PersonNewTpl { page: &page, form: PersonFormView::new(&page, f, errors) })?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}

/// A person's moves, with the place names and household codes the app looked up.
fn move_lines(view: &PersonView) -> Vec<MoveLine> {
    let place = |id: i64| view.move_places.get(&id).cloned().unwrap_or_else(|| format!("#{id}"));
    let hh = |id: Option<i64>| {
        id.map(|i| (i, view.move_households.get(&i).cloned().unwrap_or_else(|| format!("#{i}"))))
    };
    view.moves
        .iter()
        .map(|m| MoveLine {
            on: m.moved_on,
            from_place: place(m.from_unit_id),
            to_place: place(m.to_unit_id),
            from_household: hh(m.from_household_id),
            to_household: hh(m.to_household_id),
            reason: m.reason.clone(),
            actor: m.actor.clone(),
        })
        .collect()
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    #[serde(default)]
    saved: String,
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let view = state.app.person_view(actor, id).await.map_err(|e| page.fail(e))?;
    if view.person.id != id {
        // A record merged into another: its page is the survivor's.
        return Ok(Redirect::to(&format!("/persons/{}", view.person.id)).into_response());
    }
    let moves = move_lines(&view);
    let form = PersonFormView::new(&page, PersonForm::from_view(&view), Vec::new());
    Ok(render(&PersonTpl { page: &page, view, form, moves, saved: !q.saved.is_empty() })?.into_response())
}

pub async fn update(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<PersonForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let errors: Vec<Invalid> = match state.app.update_person(actor, id, &f.input(), &f.reason).await {
        Ok(_) => return Ok(Redirect::to(&format!("/persons/{id}?saved=1")).into_response()),
        Err(AppError::Invalid(list)) => list,
        Err(e) => return Err(page.fail(e)),
    };
    let view = state.app.person_view(actor, id).await.map_err(|e| page.fail(e))?;
    let moves = move_lines(&view);
    let form = PersonFormView::new(&page, f, errors);
    let html = render(&PersonTpl { page: &page, view, form, moves, saved: false })?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

pub async fn duplicates(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<DoneQuery>,
) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    let pairs = state.app.duplicates(actor).await.map_err(|e| page.fail(e))?;
    let pairs = pairs.into_iter().map(|(left, right)| DupPair { left, right }).collect();
    let notice = match q.done.as_str() {
        "merged" => Some(page.t("dup-merged")),
        "dismissed" => Some(page.t("dup-dismissed")),
        _ => None,
    };
    render(&DuplicatesTpl { page: &page, pairs, notice })
}

#[derive(Deserialize)]
pub struct MergeForm {
    keep: i64,
    drop: i64,
}

pub async fn merge(
    State(state): State<AppState>,
    page: Page,
    Form(f): Form<MergeForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    state.app.merge_persons(actor, f.keep, f.drop).await.map_err(|e| page.fail(e))?;
    Ok(Redirect::to("/persons/duplicates?done=merged").into_response())
}

#[derive(Deserialize)]
pub struct DismissForm {
    a: i64,
    b: i64,
}

pub async fn dismiss(
    State(state): State<AppState>,
    page: Page,
    Form(f): Form<DismissForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    state.app.dismiss_duplicate(actor, f.a, f.b).await.map_err(|e| page.fail(e))?;
    Ok(Redirect::to("/persons/duplicates?done=dismissed").into_response())
}
