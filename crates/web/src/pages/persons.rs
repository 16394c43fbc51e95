//! Đăng ký dân cư — the person list and search (htmx-refreshed), exports, the import template,
//! a new person, a person's page with its edit form, probable duplicates.

use crate::AppState;
use crate::display::{Opt, options};
use crate::downloads::{CSV, XLSX, file_response};
use crate::error::{PageError, fields_message, form_outcome};
use crate::pages::render;
use crate::session::urlencode;
use crate::session::{HxRequest, Page};
use ansinh_app::records::PersonRow;
use ansinh_app::registry::PersonQuery;
use ansinh_app::registry::PersonView;
use ansinh_app::registry::{PersonInput, PersonPage};
use ansinh_app::{App, AppError};
use ansinh_domain::Invalid;
use ansinh_domain::person::{
    ETHNIC_GROUPS, Ethnicity, Occupation, PovertyStatus, Relation, Sex, sex_label_en, sex_label_vi,
};
use ansinh_domain::{Actor, Permission};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;

/// Search; a filter that cannot be understood is shown above the (empty) results.
async fn person_list(
    state: &AppState,
    page: &Page,
    actor: &Actor,
    query: ListQuery,
) -> Result<PersonList, PageError> {
    Ok(match form_outcome(state.app.search_persons(actor, &query.to_app()).await)? {
        Ok(r) => PersonList { query, result: Some(r), error: None },
        Err(fields) => PersonList { query, result: None, error: Some(fields_message(page.lang, &fields)) },
    })
}

pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let list = person_list(&state, &page, actor, q).await?;
    let status = if list.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&PersonsTpl { page: &page, results: PersonResultsTpl { page: &page, list } })?)
        .into_response())
}

/// The results block alone (htmx, on every keystroke of the search form); the address bar
/// follows the filters (`HX-Push-Url`), so a reload or a shared link shows the same list.
/// Without htmx: the whole page.
pub async fn results(
    State(state): State<AppState>,
    page: Page,
    HxRequest(htmx): HxRequest,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let list = person_list(&state, &page, actor, q).await?;
    if !htmx {
        let status = if list.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
        return Ok((
            status,
            render(&PersonsTpl { page: &page, results: PersonResultsTpl { page: &page, list } })?,
        )
            .into_response());
    }
    let url = list.query.link("/persons", list.query.page());
    let mut res = render(&PersonResultsTpl { page: &page, list })?.into_response();
    if let Ok(v) = HeaderValue::from_str(&url) {
        res.headers_mut().insert("hx-push-url", v);
    }
    Ok(res)
}

/// The exact total of a list whose page showed «1.000+» (an htmx fragment, asked for once the
/// page is on screen).
pub async fn count(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    let n = state.app.count_persons(actor, &q.to_app()).await?;
    Ok(Html(format!("<strong data-count=\"exact\">{}</strong>", page.count(n))))
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
    let query = q.to_app();
    let table = state.app.export_persons(actor, &query).await?;
    // A workbook is printed: under the list's heading (it still imports back).
    let heading = state.app.export_heading(actor, &query, table.rows.len()).await?;
    let bytes = ansinh_reports::write_xlsx_titled(&table, "Nhân khẩu", &heading)
        .map_err(|e| PageError::from(AppError::Internal(format!("xlsx: {}", e.en))))?;
    Ok(file_response(bytes, XLSX, &format!("danh-sách-nhân-khẩu-{}.xlsx", stamp(&page))))
}

pub async fn export_csv(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let table = state.app.export_persons(actor, &q.to_app()).await?;
    Ok(file_response(
        ansinh_reports::write_csv(&table),
        CSV,
        &format!("danh-sách-nhân-khẩu-{}.csv", stamp(&page)),
    ))
}

/// The import template: the data sheet with its example row and drop-downs, instructions, lists.
pub async fn template_xlsx(page: Page) -> Result<Response, PageError> {
    page.actor()?;
    let bytes = App::import_template_xlsx()
        .map_err(|e| PageError::from(AppError::Internal(format!("xlsx: {}", e.en))))?;
    Ok(file_response(bytes, XLSX, "mẫu-nhập-nhân-khẩu.xlsx"))
}

pub async fn template_csv(page: Page) -> Result<Response, PageError> {
    page.actor()?;
    Ok(file_response(ansinh_reports::write_csv(&App::import_template()), CSV, "mẫu-nhập-nhân-khẩu.csv"))
}

pub async fn new_form(page: Page) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    if !actor.has(Permission::EditPeople) {
        return Err(PageError::from(AppError::Forbidden));
    }
    render(&PersonNewTpl { page: &page, form: PersonFormView::new(&page, PersonForm::default(), Vec::new()) })
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    Form(f): Form<PersonForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let errors = match form_outcome(state.app.create_person(actor, &f.input()).await)? {
        Ok(p) => return Ok(Redirect::to(&format!("/persons/{}?created=1", p.id)).into_response()),
        Err(fields) => fields,
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
    #[serde(default)]
    created: String,
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let view = state.app.person_view(actor, id).await?;
    if view.person.id != id {
        // A record merged into another: its page is the survivor's.
        return Ok(Redirect::to(&format!("/persons/{}", view.person.id)).into_response());
    }
    let moves = move_lines(&view);
    let form = PersonFormView::new(&page, PersonForm::from_view(&view), Vec::new());
    Ok(render(&PersonTpl {
        page: &page,
        view,
        form,
        moves,
        saved: !q.saved.is_empty(),
        created: !q.created.is_empty(),
    })?
    .into_response())
}

pub async fn update(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<PersonForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let errors = match form_outcome(state.app.update_person(actor, id, &f.input(), &f.reason).await)? {
        Ok(_) => return Ok(Redirect::to(&format!("/persons/{id}?saved=1")).into_response()),
        Err(fields) => fields,
    };
    let view = state.app.person_view(actor, id).await?;
    let moves = move_lines(&view);
    let form = PersonFormView::new(&page, f, errors);
    let html = render(&PersonTpl { page: &page, view, form, moves, saved: false, created: false })?;
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
    let pairs = state.app.duplicates(actor).await?;
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
    state.app.merge_persons(actor, f.keep, f.drop).await?;
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
    state.app.dismiss_duplicate(actor, f.a, f.b).await?;
    Ok(Redirect::to("/persons/duplicates?done=dismissed").into_response())
}

// ─── Views ───────────────────────────────────────────────────────────────────────────────

/// The person form's values as typed, kept when it comes back with errors: the app's
/// [`PersonInput`] plus the reason of a change (edit form only).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PersonForm {
    #[serde(flatten)]
    pub person: PersonInput,
    /// Why a person moved (edit form only).
    #[serde(default)]
    pub reason: String,
}

impl PersonForm {
    pub fn input(&self) -> PersonInput {
        self.person.clone()
    }

    /// The stored person, as the edit form shows it.
    pub fn from_view(v: &PersonView) -> PersonForm {
        let p = &v.person;
        PersonForm {
            person: PersonInput {
                cccd: p.cccd.clone(),
                old_si_number: p.old_si_number.clone().unwrap_or_default(),
                full_name: p.full_name.clone(),
                birth_date: p.birth.to_string(),
                sex: p.sex.key().to_string(),
                ethnicity: p.ethnicity.clone(),
                phone: p.phone.clone().unwrap_or_default(),
                occupation: p.occupation.as_str().to_string(),
                unit_code: v.place.code.clone(),
                household_code: v.household.as_ref().map(|h| h.code.clone()).unwrap_or_default(),
                relation: p.relation.map(|r| r.as_str().to_string()).unwrap_or_default(),
            },
            reason: String::new(),
        }
    }
}

/// A person form as shown: the values, the errors by field, the choices.
pub struct PersonFormView {
    pub values: PersonForm,
    pub errors: Vec<Invalid>,
    vi: bool,
}

impl PersonFormView {
    pub fn new(page: &Page, values: PersonForm, errors: Vec<Invalid>) -> PersonFormView {
        PersonFormView { values, errors, vi: page.is_vi() }
    }

    /// Errors are filed under the form's field names.
    fn field_of(e: &Invalid) -> &str {
        match e.field.as_str() {
            "province" | "birth_year" | "serial" => "cccd",
            f => f,
        }
    }

    pub fn has(&self, field: &str) -> bool {
        self.errors.iter().any(|e| Self::field_of(e) == field)
    }

    /// This field's reasons, in the page's language.
    pub fn err(&self, field: &str) -> String {
        self.errors
            .iter()
            .filter(|e| Self::field_of(e) == field)
            .map(|e| self.text(e))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn text(&self, e: &Invalid) -> String {
        if self.vi { e.vi.clone() } else { e.en.clone() }
    }

    fn label<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        if self.vi { vi } else { en }
    }

    pub fn sexes(&self) -> Vec<Opt> {
        let current = match ansinh_domain::person::parse_sex(&self.values.person.sex) {
            Ok(ansinh_rules::Sex::Male) => "male",
            Ok(ansinh_rules::Sex::Female) => "female",
            Err(_) => "",
        };
        options([("male", self.label("Nam", "Male")), ("female", self.label("Nữ", "Female"))], current)
    }

    pub fn occupations(&self) -> Vec<Opt> {
        let current = Occupation::parse(&self.values.person.occupation).map_or("", |o| o.as_str());
        options(Occupation::ALL.iter().map(|o| (o.as_str(), self.label(o.label_vi(), o.label_en()))), current)
    }

    pub fn relations(&self) -> Vec<Opt> {
        let current = Relation::parse(&self.values.person.relation).map_or("", |r| r.as_str());
        options(Relation::ALL.iter().map(|r| (r.as_str(), self.label(r.label_vi(), r.label_en()))), current)
    }

    pub fn ethnicities(&self) -> Vec<Opt> {
        let current = if self.values.person.ethnicity.trim().is_empty() {
            "Kinh"
        } else {
            ansinh_domain::person::Ethnicity::parse(&self.values.person.ethnicity).map_or("", |e| e.name())
        };
        options(ETHNIC_GROUPS.iter().map(|g| (*g, *g)), current)
    }
}

/// The person list (page and htmx fragment).
pub struct PersonList {
    pub query: ListQuery,
    pub result: Option<PersonPage>,
    pub error: Option<String>,
}

impl PersonList {
    pub fn pages(&self) -> i64 {
        self.result.as_ref().map_or(1, |r| ((r.total + r.per_page - 1) / r.per_page).max(1))
    }

    /// Whether a next page exists (past the counted cap too).
    pub fn has_next(&self) -> bool {
        self.result.as_ref().is_some_and(|r| r.more)
    }

    /// The list counted only up to its cap (the exact total is fetched after).
    pub fn capped(&self) -> bool {
        self.result.as_ref().is_some_and(|r| r.total_capped)
    }

    /// The exact-count fragment's link for this list's filters.
    pub fn count_link(&self) -> String {
        let qs = self.query.qs();
        if qs.is_empty() { "/persons/count".to_string() } else { format!("/persons/count?{qs}") }
    }

    pub fn current(&self) -> i64 {
        self.result.as_ref().map_or(1, |r| r.page)
    }

    /// The full-page link of page `p` (for the address bar and without JavaScript).
    pub fn link(&self, p: impl std::borrow::Borrow<i64>) -> String {
        self.query.link("/persons", *p.borrow())
    }

    /// The fragment link of page `p`.
    pub fn fragment(&self, p: impl std::borrow::Borrow<i64>) -> String {
        self.query.link("/persons/results", *p.borrow())
    }

    pub fn export(&self, ext: &str) -> String {
        let qs = self.query.qs();
        if qs.is_empty() { format!("/persons/export.{ext}") } else { format!("/persons/export.{ext}?{qs}") }
    }

    pub fn age_bands(&self) -> Vec<Opt> {
        options(AGE_BANDS.iter().map(|a| (*a, *a)), &self.query.filters.age)
    }

    pub fn sexes(&self, vi: bool) -> Vec<Opt> {
        let label = |s: Sex| if vi { sex_label_vi(s) } else { sex_label_en(s) };
        options([Sex::Male, Sex::Female].into_iter().map(|s| (s.key(), label(s))), &self.query.filters.sex)
    }

    pub fn poverty_statuses(&self, vi: bool) -> Vec<Opt> {
        options(
            PovertyStatus::ALL.iter().map(|s| (s.as_str(), if vi { s.label_vi() } else { s.label_en() })),
            &self.query.filters.poverty,
        )
    }

    pub fn ethnicities(&self) -> Vec<Opt> {
        options(Ethnicity::all().map(|e| (e.name(), e.name())), &self.query.filters.ethnicity)
    }

    pub fn occupations(&self, vi: bool) -> Vec<Opt> {
        options(
            Occupation::ALL.iter().map(|o| (o.as_str(), if vi { o.label_vi() } else { o.label_en() })),
            &self.query.filters.occupation,
        )
    }
}

/// Age bands offered by the list's filter.
pub const AGE_BANDS: [&str; 5] = ["0-14", "15-34", "35-59", "15-59", "60+"];

#[derive(Template)]
#[template(path = "persons.html")]
pub struct PersonsTpl<'a> {
    pub page: &'a Page,
    /// The list itself, also answered alone to htmx.
    pub results: PersonResultsTpl<'a>,
}

#[derive(Template)]
#[template(path = "persons_results_partial.html")]
pub struct PersonResultsTpl<'a> {
    pub page: &'a Page,
    pub list: PersonList,
}

#[derive(Template)]
#[template(path = "person_new.html")]
pub struct PersonNewTpl<'a> {
    pub page: &'a Page,
    pub form: PersonFormView,
}

/// One move of a person, with the places and households named.
pub struct MoveLine {
    pub on: NaiveDate,
    pub from_place: String,
    pub to_place: String,
    pub from_household: Option<(i64, String)>,
    pub to_household: Option<(i64, String)>,
    pub reason: String,
    pub actor: String,
}

#[derive(Template)]
#[template(path = "person.html")]
pub struct PersonTpl<'a> {
    pub page: &'a Page,
    pub view: PersonView,
    pub form: PersonFormView,
    pub moves: Vec<MoveLine>,
    pub saved: bool,
    /// Just created: say so, and offer to add the next one.
    pub created: bool,
}

/// Two records that are probably one person.
pub struct DupPair {
    pub left: PersonRow,
    pub right: PersonRow,
}

impl DupPair {
    pub fn sides(&self) -> [&PersonRow; 2] {
        [&self.left, &self.right]
    }
}

#[derive(Template)]
#[template(path = "persons_duplicates.html")]
pub struct DuplicatesTpl<'a> {
    pub page: &'a Page,
    pub pairs: Vec<DupPair>,
    pub notice: Option<String>,
}

/// The person list's filters as typed in the page's form, and the page number (a half-typed
/// page number is ignored, not an error).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    #[serde(flatten)]
    pub filters: PersonQuery,
    #[serde(default)]
    pub page: String,
}

impl ListQuery {
    pub fn page(&self) -> i64 {
        self.page.trim().parse::<i64>().ok().filter(|p| *p > 0).unwrap_or(1)
    }

    pub fn to_app(&self) -> PersonQuery {
        PersonQuery { page: Some(self.page()), ..self.filters.clone() }
    }

    /// The filters as a query string (without the page), empty values left out.
    pub fn qs(&self) -> String {
        let f = &self.filters;
        [
            ("q", &f.q),
            ("place", &f.place),
            ("household", &f.household),
            ("age", &f.age),
            ("working_age", &f.working_age),
            ("sex", &f.sex),
            ("poverty", &f.poverty),
            ("ethnicity", &f.ethnicity),
            ("occupation", &f.occupation),
        ]
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(v.trim())))
        .collect::<Vec<_>>()
        .join("&")
    }

    /// `base?filters&page=N` (page 1 left out).
    pub fn link(&self, base: &str, page: i64) -> String {
        let mut qs = self.qs();
        if page > 1 {
            if !qs.is_empty() {
                qs.push('&');
            }
            qs.push_str(&format!("page={page}"));
        }
        if qs.is_empty() { base.to_string() } else { format!("{base}?{qs}") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_links() {
        let filters =
            PersonQuery { q: "nguyen van".into(), working_age: "yes".into(), ..PersonQuery::default() };
        let q = ListQuery { filters, ..ListQuery::default() };
        assert_eq!(q.link("/persons", 1), "/persons?q=nguyen%20van&working_age=yes");
        assert_eq!(q.link("/persons", 3), "/persons?q=nguyen%20van&working_age=yes&page=3");
        assert_eq!(ListQuery::default().link("/persons", 2), "/persons?page=2");
        assert_eq!(ListQuery { page: "x".into(), ..ListQuery::default() }.page(), 1);
        // The form's fields reach the app's query; a half-typed page number is page 1.
        let uri: axum::http::Uri = "/persons?q=lan&sex=female&occupation=farmer&page=x".parse().unwrap();
        let axum::extract::Query(q) = axum::extract::Query::<ListQuery>::try_from_uri(&uri).unwrap();
        let a = q.to_app();
        assert_eq!(
            (a.q.as_str(), a.sex.as_str(), a.occupation.as_str(), a.page),
            ("lan", "female", "farmer", Some(1))
        );
        assert_eq!(q.qs(), "q=lan&sex=female&occupation=farmer");
    }
}
