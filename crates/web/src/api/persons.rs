//! `GET/POST /api/v1/persons`, `GET/PUT /api/v1/persons/{id}`: the population registry.
//! A person outside the caller's scope answers 404, exactly like one that does not exist.

use super::units::UnitDto;
use crate::AppState;
use crate::error::ApiError;
use crate::session::ApiUser;
use ansinh_app::records::PersonRow;
use ansinh_app::registry::{PersonInput, PersonListItem, PersonQuery, PersonView};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A person as sent by a client. Strings as people write them: `birth_date` is `dd/mm/yyyy`,
/// `yyyy-mm-dd` or just `yyyy`; `sex` Nam/Nữ/male/female; `occupation`, `relation` a key or the
/// Vietnamese label. Missing fields are empty (and refused when required).
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct PersonInputDto {
    /// Số CCCD: 12 digits, consistent with sex and birth year.
    pub cccd: String,
    /// Mã số BHXH cũ: 10 digits, optional.
    pub old_si_number: String,
    pub full_name: String,
    pub birth_date: String,
    pub sex: String,
    /// One of the 54 ethnic groups; default Kinh.
    pub ethnicity: String,
    pub phone: String,
    /// farmer, freelance, wage_worker, student, retired, other (default other).
    pub occupation: String,
    /// Village, inter-family group or commune code (`18322-01`).
    pub unit_code: String,
    /// Household code in the commune; created if new; empty = no household.
    pub household_code: String,
    /// head, wife, husband, child, father, mother, … (relation to the head).
    pub relation: String,
}

impl PersonInputDto {
    fn input(&self) -> PersonInput {
        PersonInput {
            cccd: self.cccd.clone(),
            old_si_number: self.old_si_number.clone(),
            full_name: self.full_name.clone(),
            birth_date: self.birth_date.clone(),
            sex: self.sex.clone(),
            ethnicity: self.ethnicity.clone(),
            phone: self.phone.clone(),
            occupation: self.occupation.clone(),
            unit_code: self.unit_code.clone(),
            household_code: self.household_code.clone(),
            relation: self.relation.clone(),
        }
    }
}

/// A change to a person: the whole record, and why (recorded with a move of place or household).
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct PersonUpdateDto {
    #[serde(flatten)]
    pub person: PersonInputDto,
    #[serde(default)]
    pub reason: String,
}

/// A person.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PersonDto {
    pub id: i64,
    pub cccd: String,
    pub old_si_number: Option<String>,
    pub full_name: String,
    /// `yyyy-mm-dd`, or `yyyy` when only the year is on record.
    pub birth_date: String,
    /// male, female
    pub sex: String,
    pub ethnicity: String,
    pub phone: Option<String>,
    /// farmer, freelance, wage_worker, student, retired, other
    pub occupation: String,
    pub household_id: Option<i64>,
    pub household_code: Option<String>,
    /// Relation key to the head of the household.
    pub relation: Option<String>,
    /// The village, group or commune the person lives in.
    pub unit_id: i64,
    pub place_name: String,
    /// Age today (Việt Nam time).
    pub age: i32,
    /// 15 up to retirement age today.
    pub working_age: bool,
}

/// `yyyy-mm-dd`, or `yyyy` when only the year is known.
pub fn birth(p: &PersonRow) -> String {
    p.birth.iso()
}

fn person_dto(
    p: &PersonRow,
    household_code: Option<String>,
    place_name: String,
    age: i32,
    working_age: bool,
) -> PersonDto {
    PersonDto {
        id: p.id,
        cccd: p.cccd.clone(),
        old_si_number: p.old_si_number.clone(),
        full_name: p.full_name.clone(),
        birth_date: birth(p),
        sex: p.sex.key().to_string(),
        ethnicity: p.ethnicity.clone(),
        phone: p.phone.clone(),
        occupation: p.occupation.as_str().to_string(),
        household_id: p.household_id,
        household_code,
        relation: p.relation.map(|r| r.as_str().to_string()),
        unit_id: p.unit_id,
        place_name,
        age,
        working_age,
    }
}

impl From<&PersonListItem> for PersonDto {
    fn from(it: &PersonListItem) -> Self {
        person_dto(&it.person, it.household_code.clone(), it.place_name.clone(), it.age, it.working_age)
    }
}

/// Another member of the person's household.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct HouseMateDto {
    pub id: i64,
    pub full_name: String,
    pub relation: Option<String>,
    pub birth_date: String,
    pub sex: String,
}

/// A move between places or households.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MoveDto {
    pub moved_on: chrono::NaiveDate,
    pub from_unit_id: i64,
    pub to_unit_id: i64,
    pub from_household_id: Option<i64>,
    pub to_household_id: Option<i64>,
    pub reason: String,
    pub actor: String,
}

/// A person with their place, household and history.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PersonDetailDto {
    #[serde(flatten)]
    pub person: PersonDto,
    pub place: UnitDto,
    /// Province → … → the place.
    pub place_trail: Vec<UnitDto>,
    pub members: Vec<HouseMateDto>,
    pub moves: Vec<MoveDto>,
    /// Whether the caller may change this person.
    pub can_edit: bool,
}

impl From<&PersonView> for PersonDetailDto {
    fn from(v: &PersonView) -> Self {
        PersonDetailDto {
            person: person_dto(
                &v.person,
                v.household.as_ref().map(|h| h.code.clone()),
                v.place.full_name(),
                v.age,
                v.working_age,
            ),
            place: UnitDto::from(&v.place),
            place_trail: v.place_trail.iter().map(UnitDto::from).collect(),
            members: v
                .members
                .iter()
                .map(|m| HouseMateDto {
                    id: m.id,
                    full_name: m.full_name.clone(),
                    relation: m.relation.map(|r| r.as_str().to_string()),
                    birth_date: birth(m),
                    sex: m.sex.key().to_string(),
                })
                .collect(),
            moves: v
                .moves
                .iter()
                .map(|m| MoveDto {
                    moved_on: m.moved_on,
                    from_unit_id: m.from_unit_id,
                    to_unit_id: m.to_unit_id,
                    from_household_id: m.from_household_id,
                    to_household_id: m.to_household_id,
                    reason: m.reason.clone(),
                    actor: m.actor.clone(),
                })
                .collect(),
            can_edit: v.can_edit,
        }
    }
}

/// One page of a search.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PersonPageDto {
    pub items: Vec<PersonDto>,
    pub page: i64,
    pub per_page: i64,
    /// Matches, counted up to a cap (`total_capped` says the cap was reached).
    pub total: i64,
    pub total_capped: bool,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Name (diacritics optional): a prefix of the full name, a given name ("Dũng"), or a name
    /// followed by a place's name ("Dũng Thanh Bình"); a 12-digit CCCD, a phone number, or
    /// the first digits of either.
    q: Option<String>,
    /// Village, group or commune code to narrow to.
    place: Option<String>,
    /// Age band: `15-34`, `60+`.
    age: Option<String>,
    /// `yes`: working age only.
    working_age: Option<String>,
    /// Household code.
    household: Option<String>,
    /// `male` or `female`.
    sex: Option<String>,
    /// The household's poverty status this year: `poor`, `near_poor` or `none`.
    poverty: Option<String>,
    /// One of the 54 ethnic groups, by name (diacritics optional).
    ethnicity: Option<String>,
    /// Occupation key (`farmer`, `freelance`, `wage_worker`, `student`, `retired`, `other`).
    occupation: Option<String>,
    /// Page number, from 1 (50 per page), sorted by given name as Vietnamese lists are.
    page: Option<i64>,
}

/// Search persons in the caller's scope.
#[utoipa::path(get, path = "/api/v1/persons", tag = "persons", params(SearchQuery),
    responses((status = 200, body = PersonPageDto), (status = 401, body = crate::error::ApiErrorBody),
              (status = 422, body = crate::error::ApiErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Query(q): Query<SearchQuery>,
) -> Result<Json<PersonPageDto>, ApiError> {
    let query = PersonQuery {
        q: q.q.unwrap_or_default(),
        household: q.household.unwrap_or_default(),
        place: q.place.unwrap_or_default(),
        age: q.age.unwrap_or_default(),
        working_age: q.working_age.unwrap_or_default(),
        sex: q.sex.unwrap_or_default(),
        poverty: q.poverty.unwrap_or_default(),
        ethnicity: q.ethnicity.unwrap_or_default(),
        occupation: q.occupation.unwrap_or_default(),
        page: q.page,
    };
    let r = state.app.search_persons(&actor, &query).await?;
    Ok(Json(PersonPageDto {
        items: r.items.iter().map(PersonDto::from).collect(),
        page: r.page,
        per_page: r.per_page,
        total: r.total,
        total_capped: r.total_capped,
    }))
}

/// Register a person. A CCCD already on record is refused naming the existing person (when
/// the caller may see them).
#[utoipa::path(post, path = "/api/v1/persons", tag = "persons", request_body = PersonInputDto,
    responses((status = 201, body = PersonDetailDto), (status = 401, body = crate::error::ApiErrorBody),
              (status = 403, body = crate::error::ApiErrorBody), (status = 422, body = crate::error::ApiErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Json(body): Json<PersonInputDto>,
) -> Result<(StatusCode, Json<PersonDetailDto>), ApiError> {
    let input = body.input();
    let p = state.app.create_person(&actor, &input).await?;
    let view = state.app.person_view(&actor, p.id).await?;
    Ok((StatusCode::CREATED, Json(PersonDetailDto::from(&view))))
}

/// One person with household members and move history.
#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "persons",
    params(("id" = i64, Path, description = "Person id")),
    responses((status = 200, body = PersonDetailDto),
              (status = 301, description = "The record was merged into another: `Location` names the survivor"),
              (status = 401, body = crate::error::ApiErrorBody),
              (status = 404, body = crate::error::ApiErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let view = state.app.person_view(&actor, id).await?;
    if view.person.id != id {
        // Merged into another record: point the client at the survivor.
        let to = format!("/api/v1/persons/{}", view.person.id);
        return Ok(
            (axum::http::StatusCode::MOVED_PERMANENTLY, [(axum::http::header::LOCATION, to)]).into_response()
        );
    }
    Ok(Json(PersonDetailDto::from(&view)).into_response())
}

/// Replace a person's record. A new place or household is recorded as a move with `reason`.
#[utoipa::path(put, path = "/api/v1/persons/{id}", tag = "persons",
    params(("id" = i64, Path, description = "Person id")), request_body = PersonUpdateDto,
    responses((status = 200, body = PersonDetailDto), (status = 401, body = crate::error::ApiErrorBody),
              (status = 403, body = crate::error::ApiErrorBody), (status = 404, body = crate::error::ApiErrorBody),
              (status = 422, body = crate::error::ApiErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<PersonUpdateDto>,
) -> Result<Json<PersonDetailDto>, ApiError> {
    let input = body.person.input();
    state.app.update_person(&actor, id, &input, &body.reason).await?;
    let view = state.app.person_view(&actor, id).await?;
    Ok(Json(PersonDetailDto::from(&view)))
}
