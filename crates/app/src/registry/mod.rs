//! Population registry use cases: persons and households, search, moves with history,
//! poverty status, probable duplicates. Every read is filtered by the actor's scope (a record
//! outside it is "not found"); every change goes through the unit of work. One file per part:
//! [`input`] (the person as typed), places, persons, search, households, duplicates, export.

use crate::work::{Audited, Derived, Subject, Work};
use crate::{App, AppError, Result};
use ansinh_domain::person::{
    BirthDate, Ethnicity, FullName, HouseholdCode, Occupation, Phone, PovertyStatus, Relation, parse_sex,
};
use ansinh_domain::{Actor, CitizenId, Invalid, Level, OldSiNumber, Permission, Unit, text};
use ansinh_rules::{BirthMonth, Month, ParamSet, Sex, retirement};
use ansinh_store::{
    Conn, HouseholdRow, MoveRow, NameMatch, PersonFilter, PersonRow, PersonWrite, PovertyRow,
    WorkingAgeBounds,
};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

mod duplicates;
mod export;
mod households;
mod input;
mod persons;
mod places;
mod search;

pub use export::export_headers;
pub use input::{NameKeys, PersonInput, PersonValues, person_write, person_write_keyed, same_person};
pub(crate) use persons::cccd_refused;
pub(crate) use places::ResolvedPlace;
use places::parse_with_place;

/// Working age on `on` (from the minimum working age, `labour.working_age_min`, up to the month
/// of reaching retirement age), as birth-date bounds per sex, so the database can filter
/// without computing ages row by row. The same rule as [`ansinh_domain::person::working_age`].
pub fn working_age_bounds(params: &ParamSet, on: NaiveDate) -> Result<WorkingAgeBounds> {
    let min_age = params.value(ansinh_rules::catalog::keys::WORKING_AGE_MIN, on)? as i32;
    let max_birth = NaiveDate::from_ymd_opt(on.year() - min_age, on.month(), on.day())
        .or_else(|| NaiveDate::from_ymd_opt(on.year() - min_age, on.month(), on.day() - 1))
        .unwrap_or(on);
    let this = Month::from_date(on);
    // The latest birth month that has reached retirement age before this month; retirement
    // month is monotonic in birth month, so a binary search finds it.
    let cutoff = |sex: Sex| -> NaiveDate {
        let (mut lo, mut hi) = (0i64, (on.year() as i64 - 1900) * 12 + on.month0() as i64);
        let month_at = |i: i64| Month::new(1900, 1).map(|m| m.add(i)).ok();
        let retired = |i: i64| -> bool {
            month_at(i)
                .and_then(|m| retirement::reach(params, sex, BirthMonth::new(m.year(), m.month())).ok())
                .is_some_and(|r| r.reached < this)
        };
        if !retired(lo) {
            return NaiveDate::from_ymd_opt(1899, 12, 31).unwrap_or(on);
        }
        while lo < hi {
            let mid = (lo + hi + 1) / 2;
            if retired(mid) { lo = mid } else { hi = mid - 1 }
        }
        month_at(lo).map_or(on, |m| m.last_day())
    };
    Ok(WorkingAgeBounds { max_birth, male_after: cutoff(Sex::Male), female_after: cutoff(Sex::Female) })
}

/// Whether a stored person is of working age on `on`.
pub fn is_working_age(p: &PersonRow, w: &WorkingAgeBounds) -> bool {
    let born = p.birth.effective_date();
    born <= w.max_birth && if p.sex == Sex::Male { born > w.male_after } else { born > w.female_after }
}

/// The search-order key of a name: given name first, as Vietnamese lists are sorted.
pub fn name_sort_key(full: &str) -> Vec<u8> {
    let given = full.rsplit(' ').next().unwrap_or(full);
    text::sort_key(&format!("{given} {full}"))
}

/// The person list's query, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PersonQuery {
    /// Name (diacritics optional): a prefix of the full name, a given name, or a name and a
    /// place's name; a 12-digit CCCD, a phone number, or the first digits of either.
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub household: String,
    /// Place code (village, group or commune) to narrow to.
    #[serde(default)]
    pub place: String,
    /// `0-14`, `15-34`, `35-59`, `60+` …: "min-max" or "min+" in years.
    #[serde(default)]
    pub age: String,
    /// `yes` for working age only.
    #[serde(default)]
    pub working_age: String,
    /// `male` / `female` (or Nam / Nữ).
    #[serde(default)]
    pub sex: String,
    /// The household's poverty status this year: `poor`, `near_poor` or `none`.
    #[serde(default)]
    pub poverty: String,
    /// One of the 54 ethnic groups, by name (diacritics optional).
    #[serde(default)]
    pub ethnicity: String,
    /// Occupation key or label (`farmer`, "Nông nghiệp" …).
    #[serde(default)]
    pub occupation: String,
    /// Set by the caller (a web form's half-typed page number is not this query's error).
    #[serde(skip_deserializing)]
    pub page: Option<i64>,
}

/// One row of the person list, with what the list shows.
#[derive(Debug, Clone, Serialize)]
pub struct PersonListItem {
    pub person: PersonRow,
    pub place_name: String,
    pub household_code: Option<String>,
    pub age: i32,
    pub working_age: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonPage {
    pub items: Vec<PersonListItem>,
    pub page: i64,
    pub per_page: i64,
    /// Matches, counted up to a cap (`total_capped` says it was reached).
    pub total: i64,
    pub total_capped: bool,
    /// Another page follows this one.
    pub more: bool,
}

pub const PER_PAGE: i64 = 50;
/// Longest move reason or poverty decision (characters).
pub const MAX_REASON: usize = 200;
/// Longest search text (characters).
pub const MAX_QUERY: usize = 100;

const COUNT_CAP: i64 = 1_000;

/// A person's page.
#[derive(Debug, Clone, Serialize)]
pub struct PersonView {
    pub person: PersonRow,
    /// Records merged into this person (kept, never deleted), oldest first.
    pub merged: Vec<PersonRow>,
    pub age: i32,
    pub working_age: bool,
    pub place: Unit,
    /// Province → … → the place, for the breadcrumb.
    pub place_trail: Vec<Unit>,
    pub household: Option<HouseholdRow>,
    pub members: Vec<PersonRow>,
    pub moves: Vec<MoveRow>,
    /// Names of the places and household codes the moves refer to (by id), including a place
    /// outside the actor's scope the person came from: it is part of this person's history.
    pub move_places: std::collections::HashMap<i64, String>,
    pub move_households: std::collections::HashMap<i64, String>,
    pub can_edit: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct HouseholdView {
    pub household: HouseholdRow,
    pub place: Unit,
    /// The place with its village and commune («Tổ liên gia số 4 · Thôn Trung Lĩnh · Xã Mai Hoa»).
    pub place_label: String,
    pub members: Vec<(PersonRow, i32)>,
    pub poverty: Vec<PovertyRow>,
    pub can_edit: bool,
    /// The viewer may record the poverty status and area flags (a commune decision).
    pub can_certify: bool,
}

/// A place's population: persons and working-age persons in its subtree.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PlaceCounts {
    pub persons: i64,
    pub working_age: i64,
    /// Households living in the place (from the derived counts).
    pub households: i64,
}

fn age_on(p: &PersonRow, on: NaiveDate) -> i32 {
    p.birth.age_on(on)
}
