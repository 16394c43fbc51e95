//! Population registry use cases: persons and households, search, moves with history,
//! poverty status, probable duplicates. Every read is filtered by the actor's scope (a record
//! outside it is "not found"); every change writes an audit row in its transaction.

use crate::work::{Audited, Derived, Subject, Work};
use crate::{App, AppError, Result};
use ansinh_domain::person::{
    BirthDate, Ethnicity, FullName, HouseholdCode, Occupation, Phone, PovertyStatus, Relation, parse_sex,
};
use ansinh_domain::{Actor, CitizenId, Invalid, Level, OldSiNumber, Permission, Unit, text};
use ansinh_rules::{BirthMonth, Month, ParamSet, Sex, retirement};
use ansinh_store::{
    Conn, HouseholdRow, MoveRow, PersonFilter, PersonRow, PersonWrite, PovertyRow, WorkingAgeBounds,
};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

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
    p.birth_date <= w.max_birth
        && if p.sex == "male" { p.birth_date > w.male_after } else { p.birth_date > w.female_after }
}

/// The search-order key of a name: given name first, as Vietnamese lists are sorted.
pub fn name_sort_key(full: &str) -> Vec<u8> {
    let given = full.rsplit(' ').next().unwrap_or(full);
    text::sort_key(&format!("{given} {full}"))
}

/// A person as typed in a form or an API call (strings; parsed here).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PersonInput {
    #[serde(default)]
    pub cccd: String,
    #[serde(default)]
    pub old_si_number: String,
    #[serde(default)]
    pub full_name: String,
    /// dd/mm/yyyy or yyyy
    #[serde(default)]
    pub birth_date: String,
    /// Nam/Nữ/male/female
    #[serde(default)]
    pub sex: String,
    #[serde(default)]
    pub ethnicity: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub occupation: String,
    /// Village, group or commune code.
    #[serde(default)]
    pub unit_code: String,
    /// Household code in the commune; created if new. Empty: no household.
    #[serde(default)]
    pub household_code: String,
    #[serde(default)]
    pub relation: String,
}

/// Parsed person values (before places are resolved).
#[derive(Debug, Clone)]
pub struct PersonValues {
    pub cccd: CitizenId,
    pub old_si: Option<OldSiNumber>,
    pub name: FullName,
    pub birth: BirthDate,
    pub sex: Sex,
    pub ethnicity: Ethnicity,
    pub phone: Option<Phone>,
    pub occupation: Occupation,
}

fn collect<T>(r: std::result::Result<T, Invalid>, errors: &mut Vec<Invalid>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

impl PersonInput {
    /// Parse every field, reporting all bad ones at once (the form and the API show them
    /// together). Also the person's relation to the household head; the place code must be
    /// given (it is resolved against the database by the use case).
    pub fn parse(
        &self,
        today: NaiveDate,
    ) -> std::result::Result<(PersonValues, Option<Relation>), Vec<Invalid>> {
        let mut errors = Vec::new();
        let cccd = collect(CitizenId::parse(&self.cccd), &mut errors);
        let old_si = if self.old_si_number.trim().is_empty() {
            Some(None)
        } else {
            collect(OldSiNumber::parse(&self.old_si_number).map(Some), &mut errors)
        };
        let name = collect(FullName::parse(&self.full_name), &mut errors);
        let birth = collect(BirthDate::parse(&self.birth_date, today), &mut errors);
        // A form's sex is chosen, not typed: say so rather than quote an empty value.
        let sex = if self.sex.trim().is_empty() {
            errors.push(Invalid::new(
                "sex",
                "Hãy chọn giới tính (Nam hoặc Nữ)",
                "choose the sex (male or female)",
            ));
            None
        } else {
            collect(parse_sex(&self.sex), &mut errors)
        };
        let ethnicity = if self.ethnicity.trim().is_empty() {
            Some(Ethnicity::default())
        } else {
            collect(Ethnicity::parse(&self.ethnicity), &mut errors)
        };
        let phone = if self.phone.trim().is_empty() {
            Some(None)
        } else {
            collect(Phone::parse(&self.phone).map(Some), &mut errors)
        };
        let occupation = if self.occupation.trim().is_empty() {
            Some(Occupation::Other)
        } else {
            collect(Occupation::parse(&self.occupation), &mut errors)
        };
        if let (Some(c), Some(s), Some(b)) = (&cccd, sex, &birth)
            && let Err(e) = c.check_against(s, b.year())
        {
            errors.push(e);
        }
        let relation = if self.relation.trim().is_empty() {
            Some(None)
        } else {
            collect(Relation::parse(&self.relation).map(Some), &mut errors)
        };
        if !self.household_code.trim().is_empty() {
            collect(HouseholdCode::parse(&self.household_code), &mut errors);
        }
        if self.unit_code.trim().is_empty() {
            errors.push(Invalid::new(
                "unit_code",
                "Mã thôn/tổ/xã không được để trống",
                "the village, group or commune code is required",
            ));
        }
        match (cccd, old_si, name, birth, sex, ethnicity, phone, occupation, relation) {
            (
                Some(cccd),
                Some(old_si),
                Some(name),
                Some(birth),
                Some(sex),
                Some(ethnicity),
                Some(phone),
                Some(occupation),
                Some(relation),
            ) if errors.is_empty() => {
                Ok((PersonValues { cccd, old_si, name, birth, sex, ethnicity, phone, occupation }, relation))
            }
            _ => Err(errors),
        }
    }
}

/// Build the stored form of a person at a place.
pub fn person_write(
    id: i64,
    v: &PersonValues,
    place: &Unit,
    commune_id: i64,
    household_id: Option<i64>,
    relation: Option<Relation>,
) -> PersonWrite {
    person_write_keyed(id, v, NameKeys::of(&v.name), place, commune_id, household_id, relation)
}

/// A person's derived search and sort keys (the costly part of a write: imports compute them
/// on the parsing threads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameKeys {
    pub name_key: String,
    pub given_key: String,
    pub sort_key: Vec<u8>,
}

impl NameKeys {
    pub fn of(name: &FullName) -> NameKeys {
        NameKeys {
            name_key: text::fold(name.as_str()),
            given_key: text::fold(name.given()),
            sort_key: name_sort_key(name.as_str()),
        }
    }
}

pub fn person_write_keyed(
    id: i64,
    v: &PersonValues,
    keys: NameKeys,
    place: &Unit,
    commune_id: i64,
    household_id: Option<i64>,
    relation: Option<Relation>,
) -> PersonWrite {
    PersonWrite {
        id,
        province_code: place.province_code.clone(),
        cccd: v.cccd.as_str().to_string(),
        old_si_number: v.old_si.as_ref().map(|o| o.as_str().to_string()),
        name_key: keys.name_key,
        given_key: keys.given_key,
        sort_key: keys.sort_key,
        full_name: v.name.as_str().to_string(),
        birth_date: v.birth.effective_date(),
        birth_year_only: v.birth.is_year_only(),
        sex: match v.sex {
            Sex::Male => "male".into(),
            Sex::Female => "female".into(),
        },
        ethnicity: v.ethnicity.name().to_string(),
        phone: v.phone.as_ref().map(|p| p.as_str().to_string()),
        occupation: v.occupation.as_str().to_string(),
        household_id,
        relation: relation.map(|r| r.as_str().to_string()),
        unit_id: place.id,
        unit_path: place.path.clone(),
        commune_id,
    }
}

/// Whether two writes describe the same person (for "re-import changes nothing").
pub fn same_person(a: &PersonRow, b: &PersonWrite) -> bool {
    a.old_si_number == b.old_si_number
        && a.full_name == b.full_name
        && a.birth_date == b.birth_date
        && a.birth_year_only == b.birth_year_only
        && a.sex == b.sex
        && a.ethnicity == b.ethnicity
        && a.phone == b.phone
        && a.occupation == b.occupation
        && a.household_id == b.household_id
        && a.relation == b.relation
        && a.unit_id == b.unit_id
}

/// The person list's query, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PersonQuery {
    /// Name (diacritics optional), 12-digit CCCD, or phone number.
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
    #[serde(default)]
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
}

pub const PER_PAGE: i64 = 50;
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
    pub members: Vec<(PersonRow, i32)>,
    pub poverty: Vec<PovertyRow>,
    pub can_edit: bool,
}

/// A place's population: persons and working-age persons in its subtree.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PlaceCounts {
    pub persons: i64,
    pub working_age: i64,
}

fn age_on(p: &PersonRow, on: NaiveDate) -> i32 {
    let mut age = on.year() - p.birth_date.year();
    if (on.month(), on.day()) < (p.birth_date.month(), p.birth_date.day()) {
        age -= 1;
    }
    age
}

/// The fields of `input` and its place, checked together: every bad field at once.
async fn parse_with_place(
    app: &App,
    actor: &Actor,
    input: &PersonInput,
) -> Result<(PersonValues, Option<Relation>, Unit)> {
    let parsed = input.parse(app.today());
    let place = if input.unit_code.trim().is_empty() {
        None
    } else {
        Some(app.resolve_place(actor, &input.unit_code).await)
    };
    match (parsed, place) {
        (Ok((v, relation)), Some(Ok(place))) => Ok((v, relation, place)),
        (parsed, place) => {
            let mut errors = parsed.err().unwrap_or_default();
            match place {
                Some(Err(AppError::Invalid(mut e))) => errors.append(&mut e),
                Some(Err(e)) => return Err(e),
                _ => {}
            }
            Err(AppError::Invalid(errors))
        }
    }
}

/// A place code resolved to (place, its commune), or why a person cannot be registered there
/// (vi, en).
pub(crate) type ResolvedPlace = std::result::Result<(Unit, Unit), (String, String)>;

const NOT_IN_COMMUNE: (&str, &str) = ("Đơn vị không thuộc xã/phường nào", "the unit is not inside a commune");

fn not_in_commune() -> AppError {
    AppError::invalid("unit_code", NOT_IN_COMMUNE.0, NOT_IN_COMMUNE.1)
}

fn unknown_place(code: &str) -> AppError {
    AppError::invalid(
        "unit_code",
        format!("Không tìm thấy đơn vị mã «{}» trong phạm vi của bạn", code.trim()),
        format!("no unit with code «{}» in your scope", code.trim()),
    )
}

/// A person can be registered in a current commune, village or group.
fn usable_place(unit: Unit, today: NaiveDate) -> Result<Unit> {
    let bad = |vi: String, en: String| AppError::invalid("unit_code", vi, en);
    if !matches!(unit.level, Level::Commune | Level::Village | Level::Group) {
        return Err(bad(
            format!("«{}» là {}: cần mã xã/phường, thôn hoặc tổ liên gia", unit.full_name(), unit.kind),
            format!("«{}» is not a commune, village or group", unit.full_name()),
        ));
    }
    if !unit.valid_on(today) {
        return Err(bad(
            format!("{} đã hết hiệu lực; hãy dùng mã đơn vị mới", unit.full_name()),
            format!("{} no longer exists; use the new unit's code", unit.full_name()),
        ));
    }
    Ok(unit)
}

impl App {
    /// The commune a current place belongs to (the place itself when it is a commune).
    pub(crate) async fn commune_of(&self, c: &mut Conn<'_>, place: &Unit) -> Result<Unit> {
        if place.level == Level::Commune {
            return Ok(place.clone());
        }
        for seg in place.path.trim_matches('/').split('/') {
            if let Ok(id) = seg.parse::<i64>()
                && let Some(u) = c.unit_by_id(id).await?
                && u.level == Level::Commune
            {
                return Ok(u);
            }
        }
        Err(not_in_commune())
    }

    /// Resolve a place code (commune, village or group, valid today, in scope) for a person.
    pub(crate) async fn resolve_place(&self, actor: &Actor, code: &str) -> Result<Unit> {
        let unit = self.unit_by_code(actor, code, None).await.map_err(|e| match e {
            AppError::NotFound | AppError::Invalid(_) => unknown_place(code),
            e => e,
        })?;
        usable_place(unit, self.today())
    }

    /// Resolve many place codes at once (an import's), each to (place, its commune) or to why a
    /// person cannot be registered there (vi, en): a few queries however many codes.
    pub(crate) async fn resolve_places(
        &self,
        actor: &Actor,
        codes: &[String],
    ) -> Result<HashMap<String, ResolvedPlace>> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let mut versions: HashMap<String, Vec<Unit>> = HashMap::new();
        for u in c.units_by_codes(codes).await? {
            if actor.can(Permission::View, &u.path) {
                versions.entry(u.code.clone()).or_default().push(u);
            }
        }
        let today = self.today();
        let mut places: Vec<(String, Result<Unit>)> = Vec::with_capacity(codes.len());
        for code in codes {
            let mut v = versions.remove(code.as_str()).unwrap_or_default();
            v.sort_by_key(|u| (u.valid_from, u.id));
            let place = match crate::units::pick_version(v, today) {
                Some(u) => usable_place(u, today),
                None => Err(unknown_place(code)),
            };
            places.push((code.clone(), place));
        }
        // The communes above the villages and groups, in one query.
        let ancestor_ids: BTreeSet<i64> = places
            .iter()
            .filter_map(|(_, p)| p.as_ref().ok())
            .filter(|u| u.level != Level::Commune)
            .flat_map(|u| u.path.trim_matches('/').split('/').filter_map(|s| s.parse::<i64>().ok()))
            .collect();
        let ancestors: HashMap<i64, Unit> = c
            .units_by_ids(&ancestor_ids.into_iter().collect::<Vec<_>>())
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        let mut out = HashMap::with_capacity(places.len());
        for (code, place) in places {
            let resolved = match place {
                Ok(u) if !actor.can(Permission::EditPeople, &u.path) => Err((
                    format!("bạn không có quyền nhập dân cư cho {}", u.full_name()),
                    format!("you may not register people in {}", u.full_name()),
                )),
                Ok(u) => {
                    let commune = if u.level == Level::Commune {
                        Some(u.clone())
                    } else {
                        u.path
                            .trim_matches('/')
                            .split('/')
                            .filter_map(|s| ancestors.get(&s.parse::<i64>().ok()?))
                            .find(|a| a.level == Level::Commune)
                            .cloned()
                    };
                    match commune {
                        Some(commune) => Ok((u, commune)),
                        None => Err((NOT_IN_COMMUNE.0.to_string(), NOT_IN_COMMUNE.1.to_string())),
                    }
                }
                Err(AppError::Invalid(list)) => {
                    let first = list.into_iter().next().unwrap_or_else(|| Invalid::new("unit_code", "", ""));
                    Err((first.vi, first.en))
                }
                Err(e) => return Err(e),
            };
            out.insert(code, resolved);
        }
        Ok(out)
    }

    fn edit_guard(actor: &Actor, path: &str) -> Result<()> {
        if !actor.can(Permission::View, path) {
            return Err(AppError::NotFound);
        }
        if !actor.can(Permission::EditPeople, path) {
            return Err(AppError::Forbidden);
        }
        Ok(())
    }

    /// Find or create the household `code` in the commune of `place`.
    async fn household_for(
        &self,
        w: &mut Work<'_>,
        place: &Unit,
        commune: &Unit,
        code: &str,
    ) -> Result<Option<HouseholdRow>> {
        if code.trim().is_empty() {
            return Ok(None);
        }
        let code = HouseholdCode::parse(code)?;
        if let Some(h) = w.conn().household_by_code(commune.id, code.as_str()).await? {
            return Ok(Some(h));
        }
        let id = w.conn().allocate_ids("households", 1).await?[0];
        let h = HouseholdRow::new(id, code.as_str().to_string(), place, commune.id);
        let now = w.now();
        w.conn().insert_households(std::slice::from_ref(&h), now).await?;
        w.created("household.create", &h);
        w.derive(Derived::Households(h.unit_id, 1));
        Ok(Some(h))
    }

    fn duplicate_cccd(existing: &PersonRow, actor: &Actor) -> AppError {
        let who = if actor.can(Permission::View, &existing.unit_path) {
            format!("{} (sinh {})", existing.full_name, existing.birth_date.year())
        } else {
            "một người ở đơn vị khác".to_string()
        };
        let who_en = if actor.can(Permission::View, &existing.unit_path) {
            format!("{} (born {})", existing.full_name, existing.birth_date.year())
        } else {
            "a person in another unit".to_string()
        };
        AppError::invalid(
            "cccd",
            format!("Số CCCD {} đã có: {who}", existing.cccd),
            format!("citizen id {} already exists: {who_en}", existing.cccd),
        )
    }

    /// Register a person.
    pub async fn create_person(&self, actor: &Actor, input: &PersonInput) -> Result<PersonRow> {
        let (v, relation, place) = parse_with_place(self, actor, input).await?;
        Self::edit_guard(actor, &place.path)?;
        let mut w = self.write(actor).await?;
        if let Some(existing) = w.conn().person_by_cccd(v.cccd.as_str()).await? {
            return Err(Self::duplicate_cccd(&existing, actor));
        }
        let commune = self.commune_of(&mut w.conn(), &place).await?;
        let household = self.household_for(&mut w, &place, &commune, &input.household_code).await?;
        let id = w.conn().allocate_ids("persons", 1).await?[0];
        let p = person_write(id, &v, &place, commune.id, household.as_ref().map(|h| h.id), relation);
        let now = w.now();
        w.conn().insert_persons(std::slice::from_ref(&p), now).await?;
        if let (Some(h), Some(Relation::Head)) = (&household, relation)
            && h.head_person_id.is_none()
        {
            w.conn().set_household_heads(&[(h.id, id)]).await?;
        }
        let row = w.conn().person_by_id(id).await?.ok_or(AppError::NotFound)?;
        w.created("person.create", &row);
        w.derive(Derived::Persons(row.unit_id, 1));
        w.commit().await?;
        Ok(row)
    }

    /// Change a person's details. A change of place or household is recorded as a move.
    pub async fn update_person(
        &self,
        actor: &Actor,
        id: i64,
        input: &PersonInput,
        reason: &str,
    ) -> Result<PersonRow> {
        // Out of scope (or merged) is "not found" before any field is judged.
        {
            let mut r = self.db.read().await?;
            let p = r.conn().person_by_id(id).await?.ok_or(AppError::NotFound)?;
            Self::edit_guard(actor, &p.unit_path)?;
        }
        let (v, relation, place) = parse_with_place(self, actor, input).await?;
        let mut w = self.write(actor).await?;
        let before = w.conn().person_by_id(id).await?.ok_or(AppError::NotFound)?;
        Self::edit_guard(actor, &before.unit_path)?;
        Self::edit_guard(actor, &place.path)?;
        if before.cccd != v.cccd.as_str()
            && let Some(existing) = w.conn().person_by_cccd(v.cccd.as_str()).await?
        {
            return Err(Self::duplicate_cccd(&existing, actor));
        }
        let commune = self.commune_of(&mut w.conn(), &place).await?;
        let household = self.household_for(&mut w, &place, &commune, &input.household_code).await?;
        let p = person_write(id, &v, &place, commune.id, household.as_ref().map(|h| h.id), relation);
        if same_person(&before, &p) && before.cccd == p.cccd {
            // Nothing changed (and nothing was written: the household is the same one).
            return Ok(before);
        }
        let now = w.now();
        w.conn().update_person(&p, now).await?;
        if before.cccd != p.cccd {
            w.conn().set_person_cccd(id, &p.cccd).await?;
        }
        if before.unit_id != p.unit_id || before.household_id != p.household_id {
            let m = MoveRow {
                id: 0,
                person_id: id,
                from_household_id: before.household_id,
                to_household_id: p.household_id,
                from_unit_id: before.unit_id,
                to_unit_id: p.unit_id,
                moved_on: self.today(),
                reason: text::clean(reason),
                actor: actor.username.clone(),
                at: now,
            };
            w.conn().insert_move(&p.province_code, &m).await?;
        }
        if let (Some(h), Some(Relation::Head)) = (&household, relation) {
            w.conn().set_household_heads(&[(h.id, id)]).await?;
        }
        let after = w.conn().person_by_id(id).await?.ok_or(AppError::NotFound)?;
        w.updated("person.update", &before, &after);
        if before.unit_id != after.unit_id {
            w.derive(Derived::Persons(before.unit_id, -1));
            w.derive(Derived::Persons(after.unit_id, 1));
        }
        w.commit().await?;
        Ok(after)
    }

    /// A person's page.
    /// A record merged into another shows the survivor (`view.person.id` then differs from
    /// `id`), exactly as the survivor's scope allows.
    pub async fn person_view(&self, actor: &Actor, id: i64) -> Result<PersonView> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let mut person = c.person_by_id(id).await?.ok_or(AppError::NotFound)?;
        if let Some(survivor) = person.merged_into {
            person = c.person_by_id(survivor).await?.ok_or(AppError::NotFound)?;
        }
        if !actor.can(Permission::View, &person.unit_path) {
            return Err(AppError::NotFound);
        }
        let place = c.unit_by_id(person.unit_id).await?.ok_or(AppError::NotFound)?;
        let mut place_trail = Vec::new();
        for seg in place.path.trim_matches('/').split('/').skip(1) {
            if let Ok(uid) = seg.parse::<i64>()
                && let Some(u) = c.unit_by_id(uid).await?
            {
                place_trail.push(u);
            }
        }
        let (household, mut members) = match person.household_id {
            Some(h) => (c.household_by_id(h).await?, c.persons_of_household(h).await?),
            None => (None, Vec::new()),
        };
        // Members living outside the actor's scope are not shown (nor counted).
        members.retain(|m| actor.can(Permission::View, &m.unit_path));
        let merged = c.persons_merged_into(person.id).await?;
        let moves = c.moves_of(person.id).await?;
        let mut move_places = std::collections::HashMap::new();
        let mut move_households = std::collections::HashMap::new();
        for m in &moves {
            for uid in [m.from_unit_id, m.to_unit_id] {
                if let std::collections::hash_map::Entry::Vacant(e) = move_places.entry(uid) {
                    e.insert(c.unit_by_id(uid).await?.map_or_else(|| format!("#{uid}"), |u| u.full_name()));
                }
            }
            for hid in [m.from_household_id, m.to_household_id].into_iter().flatten() {
                if let std::collections::hash_map::Entry::Vacant(e) = move_households.entry(hid) {
                    e.insert(c.household_by_id(hid).await?.map_or_else(|| format!("#{hid}"), |h| h.code));
                }
            }
        }
        let today = self.today();
        let w = working_age_bounds(&self.params(), today)?;
        Ok(PersonView {
            age: age_on(&person, today),
            working_age: is_working_age(&person, &w),
            can_edit: actor.can(Permission::EditPeople, &person.unit_path),
            person,
            merged,
            place,
            place_trail,
            household,
            members,
            moves,
            move_places,
            move_households,
        })
    }

    /// Turn the typed query into a filter (errors name the field).
    async fn person_filter(
        &self,
        actor: &Actor,
        q: &PersonQuery,
        w: WorkingAgeBounds,
    ) -> Result<PersonFilter> {
        let today = self.today();
        let mut f = PersonFilter::default();
        let raw = q.q.trim();
        let digits: String = raw.chars().filter(|c| c.is_ascii_digit()).collect();
        if !raw.is_empty() {
            if digits.len() == 12 && digits.len() == raw.len() {
                f.cccd = Some(digits);
            } else if !digits.is_empty() && raw.chars().all(|c| c.is_ascii_digit() || " +.-".contains(c)) {
                f.phone = Some(Phone::parse(raw)?.as_str().to_string());
            } else {
                f.name_prefix = Some(text::fold(raw));
            }
        }
        if !q.household.trim().is_empty() {
            f.household_code = Some(HouseholdCode::parse(&q.household)?.as_str().to_string());
        }
        if !q.place.trim().is_empty() {
            let place = self.unit_by_code(actor, &q.place, None).await.map_err(|_| {
                AppError::invalid(
                    "place",
                    format!("Không tìm thấy đơn vị «{}»", q.place.trim()),
                    format!("no unit «{}»", q.place.trim()),
                )
            })?;
            f.place_path = Some(place.path);
        }
        if !q.age.trim().is_empty() {
            let bad =
                || AppError::invalid("age", "Nhóm tuổi dạng 15-34 hoặc 60+", "age band like 15-34 or 60+");
            let a = q.age.trim();
            let (min, max) = match a.strip_suffix('+') {
                Some(m) => (m.parse::<i32>().map_err(|_| bad())?, None),
                None => {
                    let (x, y) = a.split_once('-').ok_or_else(bad)?;
                    (
                        x.trim().parse::<i32>().map_err(|_| bad())?,
                        Some(y.trim().parse::<i32>().map_err(|_| bad())?),
                    )
                }
            };
            // Age ≥ min ⇔ born on or before today − min years; age ≤ max ⇔ born after today − (max+1) years.
            f.born_to = NaiveDate::from_ymd_opt(today.year() - min, today.month(), today.day().min(28));
            if let Some(max) = max {
                f.born_from =
                    NaiveDate::from_ymd_opt(today.year() - max - 1, today.month(), today.day().min(28))
                        .and_then(|d| d.succ_opt());
            }
        }
        if q.working_age == "yes" {
            f.working_age = Some(w);
        }
        f.commune_ids = self.scope_communes(actor).await?;
        f.province_codes = self.scope_provinces(actor).await?;
        Ok(f)
    }

    /// The provinces of the actor's view scope, when every scope root is a province (empty when
    /// one is the country).
    async fn scope_provinces(&self, actor: &Actor) -> Result<Option<Vec<String>>> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let mut codes = Vec::new();
        for g in actor.grants.iter().filter(|g| g.role.allows(Permission::View)) {
            let Some(u) = c.unit_by_id(g.unit_id).await? else { return Ok(None) };
            match u.level {
                Level::Country => return Ok(Some(Vec::new())),
                Level::Province => codes.push(u.province_code.clone()),
                _ => return Ok(None),
            }
        }
        codes.sort();
        codes.dedup();
        Ok(if codes.is_empty() { None } else { Some(codes) })
    }

    /// The communes of the actor's view scope, when every scope root is a commune or below.
    async fn scope_communes(&self, actor: &Actor) -> Result<Option<Vec<i64>>> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let mut ids = Vec::new();
        for g in actor.grants.iter().filter(|g| g.role.allows(Permission::View)) {
            let Some(u) = c.unit_by_id(g.unit_id).await? else { return Ok(None) };
            if u.level < Level::Commune {
                return Ok(None);
            }
            ids.push(self.commune_of(&mut c, &u).await?.id);
        }
        ids.sort();
        ids.dedup();
        Ok(if ids.is_empty() { None } else { Some(ids) })
    }

    /// Search and list persons in the actor's scope.
    pub async fn search_persons(&self, actor: &Actor, q: &PersonQuery) -> Result<PersonPage> {
        let today = self.today();
        let w = working_age_bounds(&self.params(), today)?;
        let f = self.person_filter(actor, q, w).await?;
        let page = q.page.unwrap_or(1).max(1);
        let roots = actor.roots(Permission::View);
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let rows = c.search_persons(&roots, &f, PER_PAGE, (page - 1) * PER_PAGE).await?;
        let total = c.count_matching(&roots, &f, COUNT_CAP + 1).await?;
        // Place names and household codes in two queries, not one per row.
        let mut unit_ids: Vec<i64> = rows.iter().map(|p| p.unit_id).collect();
        unit_ids.sort();
        unit_ids.dedup();
        let mut names: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
        for id in unit_ids {
            if let Some(u) = c.unit_by_id(id).await? {
                names.insert(id, u.full_name());
            }
        }
        let hh: Vec<i64> = rows.iter().filter_map(|p| p.household_id).collect();
        let codes: std::collections::HashMap<i64, String> =
            c.household_codes(&hh).await?.into_iter().collect();
        let items = rows
            .into_iter()
            .map(|p| PersonListItem {
                place_name: names.get(&p.unit_id).cloned().unwrap_or_default(),
                household_code: p.household_id.and_then(|h| codes.get(&h).cloned()),
                age: age_on(&p, today),
                working_age: is_working_age(&p, &w),
                person: p,
            })
            .collect();
        Ok(PersonPage {
            items,
            page,
            per_page: PER_PAGE,
            total: total.min(COUNT_CAP),
            total_capped: total > COUNT_CAP,
        })
    }

    /// Persons and working-age persons under a place.
    pub async fn place_counts(&self, actor: &Actor, unit: &Unit) -> Result<PlaceCounts> {
        if !actor.can(Permission::View, &unit.path) {
            return Err(AppError::NotFound);
        }
        let w = working_age_bounds(&self.params(), self.today())?;
        let mut r = self.db.read().await?;
        let (persons, working_age) = r.conn().count_under(&unit.path, w).await?;
        Ok(PlaceCounts { persons, working_age })
    }

    /// A household's page.
    pub async fn household_view(&self, actor: &Actor, id: i64) -> Result<HouseholdView> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let household = c.household_by_id(id).await?.ok_or(AppError::NotFound)?;
        if !actor.can(Permission::View, &household.unit_path) {
            return Err(AppError::NotFound);
        }
        let place = c.unit_by_id(household.unit_id).await?.ok_or(AppError::NotFound)?;
        let today = self.today();
        let members = c
            .persons_of_household(id)
            .await?
            .into_iter()
            // Members living outside the actor's scope are not shown.
            .filter(|p| actor.can(Permission::View, &p.unit_path))
            .map(|p| {
                let a = age_on(&p, today);
                (p, a)
            })
            .collect();
        let poverty = c.poverty_of(id).await?;
        Ok(HouseholdView {
            can_edit: actor.can(Permission::EditPeople, &household.unit_path),
            household,
            place,
            members,
            poverty,
        })
    }

    /// Record a household's poverty status for a year (a correction replaces that year's).
    pub async fn set_household_poverty(
        &self,
        actor: &Actor,
        id: i64,
        year: i32,
        status: &str,
        decision: &str,
    ) -> Result<()> {
        let status = PovertyStatus::parse(status)?;
        if !(2000..=self.today().year() + 1).contains(&year) {
            return Err(AppError::invalid("year", "Năm không hợp lệ", "invalid year"));
        }
        let mut w = self.write(actor).await?;
        let h = w.conn().household_by_id(id).await?.ok_or(AppError::NotFound)?;
        Self::edit_guard(actor, &h.unit_path)?;
        let before = w.conn().poverty_of(id).await?.into_iter().find(|p| p.year == year);
        let row = PovertyRow { year, status: status.as_str().into(), decision: text::clean(decision) };
        w.conn().set_poverty(id, &h.province_code, &row).await?;
        w.changed(
            "household.poverty",
            h.subject(),
            before.map(|b| serde_json::json!(b)),
            Some(serde_json::json!(row)),
        );
        w.commit().await
    }

    /// Set a household's area flags (ethnic-minority area, island commune).
    pub async fn set_household_flags(
        &self,
        actor: &Actor,
        id: i64,
        ethnic_minority_area: bool,
        island: bool,
    ) -> Result<()> {
        let mut w = self.write(actor).await?;
        let before = w.conn().household_by_id(id).await?.ok_or(AppError::NotFound)?;
        Self::edit_guard(actor, &before.unit_path)?;
        let after = HouseholdRow { ethnic_minority_area, island, ..before.clone() };
        let now = w.now();
        w.conn().update_household(&after, now).await?;
        w.updated("household.update", &before, &after);
        w.commit().await
    }

    /// Probable duplicates in scope: pairs with the same folded name and birth date in a commune.
    pub async fn duplicates(&self, actor: &Actor) -> Result<Vec<(PersonRow, PersonRow)>> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let pairs = c.duplicate_pairs(&actor.roots(Permission::View), 200).await?;
        let mut out = Vec::with_capacity(pairs.len());
        for p in pairs {
            if let (Some(a), Some(b)) = (c.person_by_id(p.a).await?, c.person_by_id(p.b).await?) {
                out.push((a, b));
            }
        }
        Ok(out)
    }

    /// Mark a pair as not the same person.
    pub async fn dismiss_duplicate(&self, actor: &Actor, a: i64, b: i64) -> Result<()> {
        let mut w = self.write(actor).await?;
        let pa = w.conn().person_by_id(a).await?.ok_or(AppError::NotFound)?;
        let pb = w.conn().person_by_id(b).await?.ok_or(AppError::NotFound)?;
        Self::edit_guard(actor, &pa.unit_path)?;
        Self::edit_guard(actor, &pb.unit_path)?;
        let now = w.now();
        w.conn().dismiss_duplicate(a, b, &actor.username, now).await?;
        w.event(
            "person.duplicate_dismiss",
            Subject::new("person", format!("{a},{b}"), &pa.province_code, &pa.unit_path),
        );
        w.commit().await
    }

    /// Merge `drop` into `keep`: `keep` takes the fields it lacks and `drop`'s history, and
    /// `drop` is kept, marked as merged into `keep` (never deleted: what points at it can be
    /// re-pointed), outside every list and count.
    pub async fn merge_persons(&self, actor: &Actor, keep: i64, drop: i64) -> Result<PersonRow> {
        if keep == drop {
            return Err(AppError::invalid(
                "drop",
                "Không thể gộp một người với chính mình",
                "cannot merge a person with themself",
            ));
        }
        let mut w = self.write(actor).await?;
        let k = w.conn().person_by_id(keep).await?.ok_or(AppError::NotFound)?;
        let d = w.conn().person_by_id(drop).await?.ok_or(AppError::NotFound)?;
        Self::edit_guard(actor, &k.unit_path)?;
        Self::edit_guard(actor, &d.unit_path)?;
        let now = w.now();
        w.conn().merge_person_into(&d, &k, now).await?;
        let after = w.conn().person_by_id(keep).await?.ok_or(AppError::NotFound)?;
        w.changed(
            "person.merge",
            after.subject(),
            Some(serde_json::json!({ "kept": k, "merged": d })),
            Some(serde_json::json!(after)),
        );
        w.derive(Derived::Persons(d.unit_id, -1));
        w.commit().await?;
        Ok(after)
    }
}

/// Column headers of exports (the import template's, plus what only exports carry).
pub const EXPORT_HEADERS: [&str; 14] = [
    "Số CCCD",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Mã hộ",
    "Quan hệ với chủ hộ",
    "Mã thôn/tổ/xã",
    "Dân tộc",
    "Số điện thoại",
    "Nghề nghiệp",
    "Mã số BHXH cũ",
    "Nơi ở",
    "Tuổi",
    "Trong độ tuổi lao động",
];

impl App {
    /// Every person matching `q` in the actor's scope, as a table in the import template's
    /// layout (so an export can be edited and imported back), plus place, age and working age.
    /// Read in keyset pages by id, so a province-wide export stays linear; sorted
    /// Vietnamese-aware by place then name when it fits in memory comfortably.
    pub async fn export_persons(&self, actor: &Actor, q: &PersonQuery) -> Result<ansinh_reports::Table> {
        let today = self.today();
        let w = working_age_bounds(&self.params(), today)?;
        let f = self.person_filter(actor, q, w).await?;
        let roots = actor.roots(Permission::View);
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let mut persons: Vec<PersonRow> = Vec::new();
        let mut after = 0;
        loop {
            let page = c.scan_persons(&roots, &f, after, 50_000).await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            persons.extend(page);
        }
        let mut units: std::collections::HashMap<i64, Unit> = std::collections::HashMap::new();
        let mut codes: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
        for p in &persons {
            if let std::collections::hash_map::Entry::Vacant(e) = units.entry(p.unit_id)
                && let Some(u) = c.unit_by_id(p.unit_id).await?
            {
                e.insert(u);
            }
        }
        let household_ids: std::collections::BTreeSet<i64> =
            persons.iter().filter_map(|p| p.household_id).collect();
        if household_ids.len() <= 100_000 {
            for h in household_ids {
                if let Some(row) = c.household_by_id(h).await? {
                    codes.insert(h, row.code);
                }
            }
        } else {
            let communes: std::collections::BTreeSet<i64> = persons.iter().map(|p| p.commune_id).collect();
            for h in c.households_of_communes(&communes.into_iter().collect::<Vec<_>>()).await? {
                codes.insert(h.id, h.code);
            }
        }
        if persons.len() <= 200_000 {
            persons.sort_by(|a, b| {
                a.unit_path
                    .cmp(&b.unit_path)
                    .then_with(|| name_sort_key(&a.full_name).cmp(&name_sort_key(&b.full_name)))
            });
        }
        let rows = persons
            .iter()
            .map(|p| {
                let unit = units.get(&p.unit_id);
                let birth = if p.birth_year_only {
                    p.birth_date.year().to_string()
                } else {
                    p.birth_date.format("%d/%m/%Y").to_string()
                };
                let relation = p
                    .relation
                    .as_deref()
                    .and_then(|r| Relation::parse(r).ok())
                    .map(|r| r.label_vi().to_string())
                    .unwrap_or_default();
                let occupation =
                    Occupation::parse(&p.occupation).map(|o| o.label_vi().to_string()).unwrap_or_default();
                vec![
                    p.cccd.clone(),
                    p.full_name.clone(),
                    birth,
                    if p.sex == "male" { "Nam".into() } else { "Nữ".into() },
                    p.household_id.and_then(|h| codes.get(&h).cloned()).unwrap_or_default(),
                    relation,
                    unit.map(|u| u.code.clone()).unwrap_or_default(),
                    p.ethnicity.clone(),
                    p.phone.clone().unwrap_or_default(),
                    occupation,
                    p.old_si_number.clone().unwrap_or_default(),
                    unit.map(|u| u.full_name()).unwrap_or_default(),
                    age_on(p, today).to_string(),
                    if is_working_age(p, &w) { "Có".into() } else { "Không".into() },
                ]
            })
            .collect();
        Ok(ansinh_reports::Table::new(EXPORT_HEADERS.iter().map(|s| s.to_string()).collect(), rows))
    }

    /// The import template: Vietnamese headers and one example row.
    pub fn import_template() -> ansinh_reports::Table {
        ansinh_reports::Table::new(
            ansinh_domain::import::TEMPLATE_HEADERS.iter().map(|s| s.to_string()).collect(),
            vec![ansinh_domain::import::template_example_row()],
        )
    }
}
