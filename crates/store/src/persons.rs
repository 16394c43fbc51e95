//! Persons: rows, the list filter and its scope, reads, searches, updates and merges.

use crate::{Conn, Result, StoreError};
use ansinh_domain::person::{BirthDate, Occupation, Relation, Sex, parse_sex};
use ansinh_domain::unit::subtree_range;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::{AssertSqlSafe, FromRow, QueryBuilder};

pub const PERSON_COLS: &str = "id, province_code, cccd, old_si_number, full_name, birth_date, birth_year_only, sex, \
     ethnicity, phone, occupation, household_id, relation, unit_id, unit_path, commune_id, created_at, updated_at, \
     merged_into";

/// A stored person, decoded into domain values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonRow {
    pub id: i64,
    pub province_code: String,
    pub cccd: String,
    pub old_si_number: Option<String>,
    pub full_name: String,
    pub birth: BirthDate,
    pub sex: Sex,
    pub ethnicity: String,
    pub phone: Option<String>,
    pub occupation: Occupation,
    pub household_id: Option<i64>,
    /// Relation to the household head.
    pub relation: Option<Relation>,
    pub unit_id: i64,
    pub unit_path: String,
    pub commune_id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Set when this record was merged into another (the survivor's id): the record is kept,
    /// outside every scope (`unit_path` is empty), and nothing may change it any more.
    pub merged_into: Option<i64>,
}

/// A person row as the database holds it (keys and the stored birth-date pair).
#[derive(FromRow)]
struct PersonRecord {
    id: i64,
    province_code: String,
    cccd: String,
    old_si_number: Option<String>,
    full_name: String,
    /// For a year-only birth: 1 January of that year.
    birth_date: NaiveDate,
    birth_year_only: bool,
    sex: String,
    ethnicity: String,
    phone: Option<String>,
    occupation: String,
    household_id: Option<i64>,
    relation: Option<String>,
    unit_id: i64,
    unit_path: String,
    commune_id: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    merged_into: Option<i64>,
}

impl TryFrom<PersonRecord> for PersonRow {
    type Error = StoreError;
    fn try_from(r: PersonRecord) -> Result<PersonRow> {
        let bad = |what: &str, v: &str| StoreError::Corrupt(format!("person {}: {what} «{v}»", r.id));
        let sex = parse_sex(&r.sex).map_err(|_| bad("sex", &r.sex))?;
        let occupation =
            Occupation::from_key(&r.occupation).ok_or_else(|| bad("occupation", &r.occupation))?;
        let relation = match r.relation.as_deref() {
            None => None,
            Some(k) => Some(Relation::from_key(k).ok_or_else(|| bad("relation", k))?),
        };
        Ok(PersonRow {
            id: r.id,
            province_code: r.province_code,
            cccd: r.cccd,
            old_si_number: r.old_si_number,
            full_name: r.full_name,
            birth: BirthDate::from_stored(r.birth_date, r.birth_year_only),
            sex,
            ethnicity: r.ethnicity,
            phone: r.phone,
            occupation,
            household_id: r.household_id,
            relation,
            unit_id: r.unit_id,
            unit_path: r.unit_path,
            commune_id: r.commune_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
            merged_into: r.merged_into,
        })
    }
}

fn decode_all(rows: Vec<PersonRecord>) -> Result<Vec<PersonRow>> {
    rows.into_iter().map(PersonRow::try_from).collect()
}

/// A person to write, with the derived search and sort keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonWrite {
    pub id: i64,
    pub province_code: String,
    pub cccd: String,
    pub old_si_number: Option<String>,
    pub full_name: String,
    pub name_key: String,
    pub given_key: String,
    pub sort_key: Vec<u8>,
    pub birth_date: NaiveDate,
    pub birth_year_only: bool,
    pub sex: String,
    pub ethnicity: String,
    pub phone: Option<String>,
    pub occupation: String,
    pub household_id: Option<i64>,
    pub relation: Option<String>,
    pub unit_id: i64,
    pub unit_path: String,
    pub commune_id: i64,
}

/// Filters of the person list; all optional, always combined with the scope roots.
#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    /// Folded name prefix of the full name (index order).
    pub name_prefix: Option<String>,
    /// Readings of the typed words when they may be more than a full-name prefix: any of them
    /// matches ("Dũng" is a given name; "Dũng Thanh Bình" is Dũng in the places named
    /// Thanh Bình). Used instead of `name_prefix`.
    pub names: Vec<NameMatch>,
    /// Leading digits of a citizen id or of a phone number, as typed so far.
    pub number_prefix: Option<String>,
    /// Which numbers `number_prefix` is matched against (the store pages the CCCD matches,
    /// then the phone matches, each in its own index order).
    pub number_in: NumberIn,
    /// `male` or `female`.
    pub sex: Option<String>,
    /// The stored ethnic group name ("Kinh", "Mường").
    pub ethnicity: Option<String>,
    /// The stored occupation key (`farmer` …).
    pub occupation: Option<String>,
    /// The household's poverty status in a year: `poor`, `near_poor`, or `none` (neither).
    pub poverty: Option<(i32, String)>,
    pub cccd: Option<String>,
    pub phone: Option<String>,
    pub household_code: Option<String>,
    /// Only this subtree (a place), itself inside the scope.
    pub place_path: Option<String>,
    /// Born on or after / on or before (age band).
    pub born_from: Option<NaiveDate>,
    pub born_to: Option<NaiveDate>,
    /// Working age on a date: born on or before `max_birth` and after the per-sex cut-off of
    /// reaching retirement age (`male_after`, `female_after`).
    pub working_age: Option<WorkingAgeBounds>,
    /// The communes the scope lies in, when every scope root is a commune or below: lets the
    /// database use the (commune, name) indexes instead of scanning a province.
    pub commune_ids: Option<Vec<i64>>,
    /// When every scope root is a province (or the country): the scope as province codes
    /// (empty = the whole country), used instead of path ranges so the name index is the only
    /// sensible plan. The caller guarantees it is equivalent to the roots.
    pub province_codes: Option<Vec<String>>,
}

/// One reading of a typed name: a folded prefix of the full name or, with `given`, the whole
/// given name; inside the subtrees `within` when not empty. Each reading is searched on its
/// own index in name order and the pages merged, so a common family name ("nguyen") costs
/// what it cost before the given-name reading existed.
#[derive(Debug, Clone, Default)]
pub struct NameMatch {
    pub prefix: String,
    pub given: bool,
    pub within: Vec<String>,
    /// The communes holding the places `within` (empty: not known), so that the
    /// `(commune_id, given_key, name_key)` and `(commune_id, name_key)` indexes serve.
    pub communes: Vec<i64>,
}

/// The numbers a typed digit prefix is matched against.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NumberIn {
    /// The citizen id or the phone number.
    #[default]
    Either,
    /// The citizen id.
    Cccd,
    /// The phone number, of persons whose citizen id does not match.
    PhoneOnly,
}

#[derive(Debug, Clone, Copy)]
pub struct WorkingAgeBounds {
    pub max_birth: NaiveDate,
    pub male_after: NaiveDate,
    pub female_after: NaiveDate,
}

macro_rules! push_person_filter {
    ($qb:expr, $roots:expr, $f:expr) => {{
        let f: &PersonFilter = $f;
        // Merged records have an empty path: the scope ranges never match it, and the
        // province shortcuts say so explicitly.
        match &f.province_codes {
            Some(codes) if codes.is_empty() => {
                $qb.push(" p.unit_path > '' ");
            }
            Some(codes) => {
                $qb.push(" p.unit_path > '' AND p.province_code IN (");
                let mut sep = $qb.separated(", ");
                for c in codes {
                    sep.push_bind(c.clone());
                }
                $qb.push(")");
            }
            None => push_scope!($qb, "p.unit_path", $roots),
        }
        if let Some(p) = &f.place_path {
            let (lo, hi) = subtree_range(p);
            $qb.push(" AND p.unit_path >= ").push_bind(lo).push(" AND p.unit_path < ").push_bind(hi);
        }
        if let Some(ids) = &f.commune_ids {
            $qb.push(" AND p.commune_id IN (");
            let mut sep = $qb.separated(", ");
            for id in ids {
                sep.push_bind(*id);
            }
            $qb.push(")");
        }
        if let Some(n) = &f.name_prefix {
            let hi = format!("{n}\u{10FFFF}");
            $qb.push(" AND p.name_key >= ").push_bind(n.clone()).push(" AND p.name_key < ").push_bind(hi);
        }
        if !f.names.is_empty() {
            $qb.push(" AND (");
            for (i, m) in f.names.iter().enumerate() {
                if i > 0 {
                    $qb.push(" OR ");
                }
                $qb.push("(");
                if m.given {
                    $qb.push("p.given_key = ").push_bind(m.prefix.clone());
                } else {
                    let hi = format!("{}\u{10FFFF}", m.prefix);
                    $qb.push("p.name_key >= ").push_bind(m.prefix.clone()).push(" AND p.name_key < ").push_bind(hi);
                }
                if !m.communes.is_empty() {
                    $qb.push(" AND p.commune_id IN (");
                    let mut sep = $qb.separated(", ");
                    for id in &m.communes {
                        sep.push_bind(*id);
                    }
                    $qb.push(")");
                }
                if !m.within.is_empty() {
                    $qb.push(" AND (");
                    for (j, path) in m.within.iter().enumerate() {
                        if j > 0 {
                            $qb.push(" OR ");
                        }
                        let (lo, hi) = subtree_range(path);
                        $qb.push("(p.unit_path >= ").push_bind(lo).push(" AND p.unit_path < ").push_bind(hi).push(")");
                    }
                    $qb.push(")");
                }
                $qb.push(")");
            }
            $qb.push(")");
        }
        if let Some(d) = &f.number_prefix {
            let hi = digits_after(d);
            match f.number_in {
                NumberIn::Either => {
                    $qb.push(" AND ((p.cccd >= ").push_bind(d.clone()).push(" AND p.cccd < ").push_bind(hi.clone());
                    $qb.push(") OR (p.phone >= ").push_bind(d.clone()).push(" AND p.phone < ").push_bind(hi).push("))");
                }
                NumberIn::Cccd => {
                    $qb.push(" AND p.cccd >= ").push_bind(d.clone()).push(" AND p.cccd < ").push_bind(hi);
                }
                NumberIn::PhoneOnly => {
                    $qb.push(" AND p.phone >= ").push_bind(d.clone()).push(" AND p.phone < ").push_bind(hi.clone());
                    $qb.push(" AND (p.cccd < ").push_bind(d.clone()).push(" OR p.cccd >= ").push_bind(hi).push(")");
                }
            }
        }
        if let Some(x) = &f.sex {
            $qb.push(" AND p.sex = ").push_bind(x.clone());
        }
        if let Some(x) = &f.ethnicity {
            $qb.push(" AND p.ethnicity = ").push_bind(x.clone());
        }
        if let Some(x) = &f.occupation {
            $qb.push(" AND p.occupation = ").push_bind(x.clone());
        }
        if let Some((year, status)) = &f.poverty {
            if status == "none" {
                $qb.push(" AND (p.household_id IS NULL OR p.household_id NOT IN (SELECT household_id FROM household_poverty WHERE year = ")
                    .push_bind(*year)
                    .push(" AND status IN ('poor', 'near_poor')))");
            } else {
                $qb.push(" AND p.household_id IN (SELECT household_id FROM household_poverty WHERE year = ")
                    .push_bind(*year)
                    .push(" AND status = ")
                    .push_bind(status.clone())
                    .push(")");
            }
        }
        if let Some(c) = &f.cccd {
            $qb.push(" AND p.cccd = ").push_bind(c.clone());
        }
        if let Some(ph) = &f.phone {
            $qb.push(" AND p.phone = ").push_bind(ph.clone());
        }
        if let Some(h) = &f.household_code {
            $qb.push(" AND p.household_id IN (SELECT id FROM households WHERE code = ")
                .push_bind(h.clone())
                .push(")");
        }
        if let Some(d) = f.born_from {
            $qb.push(" AND p.birth_date >= ").push_bind(d);
        }
        if let Some(d) = f.born_to {
            $qb.push(" AND p.birth_date <= ").push_bind(d);
        }
        if let Some(w) = f.working_age {
            $qb.push(" AND p.birth_date <= ").push_bind(w.max_birth);
            $qb.push(" AND ((p.sex = 'male' AND p.birth_date > ").push_bind(w.male_after);
            $qb.push(") OR (p.sex = 'female' AND p.birth_date > ").push_bind(w.female_after).push("))");
        }
    }};
}

/// `SELECT id … UNION SELECT id …`: the ids of the first `$n` matches of each reading of the
/// typed name, in name order, each on its own index.
macro_rules! push_readings {
    ($qb:expr, $roots:expr, $f:expr, $n:expr) => {{
        let f: &PersonFilter = $f;
        for (i, m) in f.names.iter().enumerate() {
            if i > 0 {
                $qb.push(" UNION ");
            }
            let one = PersonFilter { names: vec![m.clone()], ..f.clone() };
            $qb.push("SELECT id FROM (SELECT p.id FROM persons p WHERE ");
            push_person_filter!($qb, $roots, &one);
            $qb.push(" ORDER BY p.name_key, p.id LIMIT ").push_bind($n).push(format!(") r{i}"));
        }
    }};
}

/// The least digit string above every string starting with the digits `d` ("0421" → "0422",
/// "0429" → "043"): a range bound that holds under any collation, unlike a punctuation
/// sentinel (which a locale may ignore). All nines: a bound above every digit string.
fn digits_after(d: &str) -> String {
    let mut b = d.as_bytes().to_vec();
    while let Some(last) = b.pop() {
        if last < b'9' {
            b.push(last + 1);
            return String::from_utf8(b).unwrap_or_default();
        }
    }
    "a".to_string()
}

/// The index order of a digit-prefix reading (its range is read in order, LIMIT stops early).
/// The order a person list is shown in, and exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonOrder {
    /// A name was searched: by the folded full name, then id.
    FoldedName,
    /// The first digits of a citizen id: by CCCD.
    Cccd,
    /// The first digits of a phone: by phone.
    Phone,
    /// The first digits of either: the CCCD matches by CCCD, then the phone matches by phone.
    CccdThenPhone,
    /// Otherwise Vietnamese collation, given name first (`sort_key`), then id.
    Collation,
}

/// How the list of `f` is ordered on screen.
pub fn person_order(f: &PersonFilter) -> PersonOrder {
    if f.number_prefix.is_some() && f.number_in == NumberIn::Either {
        PersonOrder::CccdThenPhone
    } else if f.name_prefix.is_some() || !f.names.is_empty() {
        PersonOrder::FoldedName
    } else {
        match number_order(f) {
            Some("p.cccd") => PersonOrder::Cccd,
            Some(_) => PersonOrder::Phone,
            None => PersonOrder::Collation,
        }
    }
}

fn number_order(f: &PersonFilter) -> Option<&'static str> {
    match (f.number_prefix.is_some(), f.number_in) {
        (true, NumberIn::Cccd) => Some("p.cccd"),
        (true, NumberIn::PhoneOnly) => Some("p.phone"),
        _ => None,
    }
}

pub(crate) fn person_cols(alias: &str) -> String {
    PERSON_COLS.split(", ").map(|c| format!("{alias}.{c}")).collect::<Vec<_>>().join(", ")
}

impl Conn<'_> {
    pub async fn count_persons(&mut self, roots: &[String]) -> Result<i64> {
        Ok(on!(self, c => {
            let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM persons p WHERE ");
            push_scope!(qb, "p.unit_path", roots);
            qb.build_query_scalar::<i64>().fetch_one(&mut **c).await
        })?)
    }

    /// Rewrite an existing person's attributes (id kept).
    pub async fn update_person(&mut self, p: &PersonWrite, now: DateTime<Utc>) -> Result<()> {
        let sql = "UPDATE persons SET old_si_number = $1, full_name = $2, name_key = $3, given_key = $4, \
                   sort_key = $5, birth_date = $6, birth_year_only = $7, sex = $8, ethnicity = $9, phone = $10, \
                   occupation = $11, household_id = $12, relation = $13, unit_id = $14, unit_path = $15, \
                   commune_id = $16, province_code = $17, updated_at = $18 WHERE id = $19";
        on!(self, c => sqlx::query(sql)
            .bind(&p.old_si_number).bind(&p.full_name).bind(&p.name_key).bind(&p.given_key).bind(&p.sort_key)
            .bind(p.birth_date).bind(p.birth_year_only).bind(&p.sex).bind(&p.ethnicity).bind(&p.phone)
            .bind(&p.occupation).bind(p.household_id).bind(&p.relation).bind(p.unit_id).bind(&p.unit_path)
            .bind(p.commune_id).bind(&p.province_code).bind(now).bind(p.id)
            .execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn set_person_cccd(&mut self, id: i64, cccd: &str) -> Result<()> {
        on!(self, c => sqlx::query("UPDATE persons SET cccd = $1 WHERE id = $2").bind(cccd).bind(id)
            .execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// Fold `drop` into `keep`: fill `keep`'s empty fields, move history and headship to it,
    /// and mark `drop` as merged into `keep`. The merged record is kept (never deleted: money
    /// and legal records may point at it), out of its household and outside every scope
    /// (`unit_path` = ''), so it leaves every list, search and count; `unit_id` keeps its place.
    pub async fn merge_person_into(
        &mut self,
        drop: &PersonRow,
        keep: &PersonRow,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (k, d) = (keep.id, drop.id);
        on!(self, c => sqlx::query("UPDATE persons SET phone = COALESCE(phone, $1), old_si_number = COALESCE(old_si_number, $2), \
                   household_id = COALESCE(household_id, $3), updated_at = $4 WHERE id = $5")
            .bind(&drop.phone).bind(&drop.old_si_number).bind(drop.household_id).bind(now).bind(k)
            .execute(&mut **c).await.map(|_| ()))?;
        on!(self, c => sqlx::query("UPDATE households SET head_person_id = $1 WHERE head_person_id = $2").bind(k).bind(d)
            .execute(&mut **c).await.map(|_| ()))?;
        on!(self, c => sqlx::query("UPDATE person_moves SET person_id = $1 WHERE person_id = $2").bind(k).bind(d)
            .execute(&mut **c).await.map(|_| ()))?;
        on!(self, c => sqlx::query("DELETE FROM duplicate_dismissals WHERE person_a = $1 OR person_b = $1").bind(d)
            .execute(&mut **c).await.map(|_| ()))?;
        on!(self, c => sqlx::query("UPDATE persons SET merged_into = $1, merged_at = $2, unit_path = '', household_id = NULL, \
                   relation = NULL, updated_at = $2 WHERE id = $3")
            .bind(k).bind(now).bind(d).execute(&mut **c).await.map(|_| ()))?;
        // Records merged into `drop` earlier now point at the survivor too.
        on!(self, c => sqlx::query("UPDATE persons SET merged_into = $1 WHERE merged_into = $2").bind(k).bind(d)
            .execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// The records merged into `id`, oldest first.
    pub async fn persons_merged_into(&mut self, id: i64) -> Result<Vec<PersonRow>> {
        let sql = format!("SELECT {PERSON_COLS} FROM persons WHERE merged_into = $1 ORDER BY id");
        decode_all(
            on!(self, c => sqlx::query_as::<_, PersonRecord>(AssertSqlSafe(sql)).bind(id).fetch_all(&mut **c).await)?,
        )
    }

    pub async fn person_by_id(&mut self, id: i64) -> Result<Option<PersonRow>> {
        let sql = format!("SELECT {PERSON_COLS} FROM persons WHERE id = $1");
        on!(self, c => sqlx::query_as::<_, PersonRecord>(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **c).await)?
            .map(PersonRow::try_from)
            .transpose()
    }

    pub async fn person_by_cccd(&mut self, cccd: &str) -> Result<Option<PersonRow>> {
        let sql = format!("SELECT {PERSON_COLS} FROM persons WHERE cccd = $1");
        on!(self, c => sqlx::query_as::<_, PersonRecord>(AssertSqlSafe(sql)).bind(cccd).fetch_optional(&mut **c).await)?
            .map(PersonRow::try_from)
            .transpose()
    }

    /// The persons with these citizen ids (any scope), for import upserts.
    pub async fn persons_by_cccds(&mut self, cccds: &[String]) -> Result<Vec<PersonRow>> {
        decode_all(select_in!(
            self,
            format!("SELECT {PERSON_COLS} FROM persons WHERE cccd IN ("),
            cccds,
            PersonRecord
        ))
    }

    /// The persons with these ids (in no order; missing ids are skipped), in chunks.
    pub async fn persons_by_ids(&mut self, ids: &[i64]) -> Result<Vec<PersonRow>> {
        decode_all(select_in!(
            self,
            format!("SELECT {PERSON_COLS} FROM persons WHERE id IN ("),
            ids,
            PersonRecord
        ))
    }

    /// One page of persons matching the filter inside the scope. With a name prefix the order is
    /// the folded name (then Vietnamese collation); without, Vietnamese collation.
    pub async fn search_persons(
        &mut self,
        roots: &[String],
        f: &PersonFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<PersonRow>> {
        if f.number_prefix.is_some() && f.number_in == NumberIn::Either {
            // The CCCD matches in CCCD order, then the phone matches in phone order: each a
            // range of its own index, so a short prefix reads one page, not every match.
            let cccd = PersonFilter { number_in: NumberIn::Cccd, ..f.clone() };
            let mut rows = self.page_persons(roots, &cccd, limit, offset).await?;
            if (rows.len() as i64) < limit {
                // Fewer than a page left: the count below the cap is exact.
                let before = self.count_one(roots, &cccd, offset.saturating_add(limit)).await?;
                let phone = PersonFilter { number_in: NumberIn::PhoneOnly, ..f.clone() };
                let rest = limit - rows.len() as i64;
                rows.extend(self.page_persons(roots, &phone, rest, (offset - before).max(0)).await?);
            }
            return Ok(rows);
        }
        self.page_persons(roots, f, limit, offset).await
    }

    async fn page_persons(
        &mut self,
        roots: &[String],
        f: &PersonFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<PersonRow>> {
        if f.names.len() > 1 {
            // Each reading on its own index, the first pages merged.
            let n = offset.saturating_add(limit);
            return decode_all(on!(self, c => {
                let mut qb = QueryBuilder::new(format!("SELECT {} FROM persons p WHERE p.id IN (", person_cols("p")));
                push_readings!(qb, roots, f, n);
                qb.push(") ORDER BY p.name_key, p.id LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
                qb.build_query_as::<PersonRecord>().fetch_all(&mut **c).await
            })?);
        }
        decode_all(on!(self, c => {
            let mut qb = QueryBuilder::new(format!("SELECT {} FROM persons p WHERE ", person_cols("p")));
            push_person_filter!(qb, roots, f);
            if f.name_prefix.is_some() || !f.names.is_empty() {
                // Index order of (name_key): no sort, LIMIT stops early.
                qb.push(" ORDER BY p.name_key, p.id");
            } else if let Some(key) = number_order(f) {
                qb.push(format!(" ORDER BY {key}, p.id"));
            } else {
                qb.push(" ORDER BY p.sort_key, p.id");
            }
            qb.push(" LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
            qb.build_query_as::<PersonRecord>().fetch_all(&mut **c).await
        })?)
    }

    /// Persons matching the filter with an id above `after_id`, by id (keyset pages for
    /// exports of any size).
    pub async fn scan_persons(
        &mut self,
        roots: &[String],
        f: &PersonFilter,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<PersonRow>> {
        decode_all(on!(self, c => {
            let mut qb = QueryBuilder::new(format!("SELECT {} FROM persons p WHERE ", person_cols("p")));
            push_person_filter!(qb, roots, f);
            qb.push(" AND p.id > ").push_bind(after_id);
            qb.push(" ORDER BY p.id LIMIT ").push_bind(limit);
            qb.build_query_as::<PersonRecord>().fetch_all(&mut **c).await
        })?)
    }

    /// How many persons match (for the page count), capped at `cap` so counting stays cheap.
    pub async fn count_matching(&mut self, roots: &[String], f: &PersonFilter, cap: i64) -> Result<i64> {
        if f.number_prefix.is_some() && f.number_in == NumberIn::Either {
            let cccd =
                self.count_one(roots, &PersonFilter { number_in: NumberIn::Cccd, ..f.clone() }, cap).await?;
            let phone = self
                .count_one(roots, &PersonFilter { number_in: NumberIn::PhoneOnly, ..f.clone() }, cap)
                .await?;
            return Ok((cccd + phone).min(cap));
        }
        self.count_one(roots, f, cap).await
    }

    async fn count_one(&mut self, roots: &[String], f: &PersonFilter, cap: i64) -> Result<i64> {
        if f.names.len() > 1 {
            let n: i64 = on!(self, c => {
                let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM (");
                push_readings!(qb, roots, f, cap);
                qb.push(") t");
                qb.build_query_scalar::<i64>().fetch_one(&mut **c).await
            })?;
            return Ok(n.min(cap));
        }
        Ok(on!(self, c => {
            let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM (SELECT 1 FROM persons p WHERE ");
            push_person_filter!(qb, roots, f);
            if f.name_prefix.is_some() || !f.names.is_empty() {
                // Same index as the page itself (SQLite otherwise walks the whole scope's path
                // range when few names match).
                qb.push(" ORDER BY p.name_key");
            } else if let Some(key) = number_order(f) {
                qb.push(format!(" ORDER BY {key}"));
            }
            qb.push(" LIMIT ").push_bind(cap).push(") t");
            qb.build_query_scalar::<i64>().fetch_one(&mut **c).await
        })?)
    }

    /// Move a person to another place of the same province (a household moving as a whole).
    pub async fn set_person_place(
        &mut self,
        id: i64,
        unit_id: i64,
        unit_path: &str,
        commune_id: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let sql =
            "UPDATE persons SET unit_id = $1, unit_path = $2, commune_id = $3, updated_at = $4 WHERE id = $5";
        on!(self, c => sqlx::query(sql).bind(unit_id).bind(unit_path).bind(commune_id).bind(now).bind(id)
            .execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn persons_of_household(&mut self, household_id: i64) -> Result<Vec<PersonRow>> {
        let sql =
            format!("SELECT {PERSON_COLS} FROM persons WHERE household_id = $1 ORDER BY birth_date, id");
        decode_all(
            on!(self, c => sqlx::query_as::<_, PersonRecord>(AssertSqlSafe(sql)).bind(household_id).fetch_all(&mut **c).await)?,
        )
    }

    /// Number of persons and working-age persons in the subtree at `path` (for place pages).
    pub async fn count_under(&mut self, path: &str, w: WorkingAgeBounds) -> Result<(i64, i64)> {
        let (lo, hi) = subtree_range(path);
        let sql = "SELECT COUNT(*), COALESCE(SUM(CASE WHEN birth_date <= $3 AND ((sex = 'male' AND birth_date > $4) \
                   OR (sex = 'female' AND birth_date > $5)) THEN 1 ELSE 0 END), 0) \
                   FROM persons WHERE unit_path >= $1 AND unit_path < $2";
        Ok(on!(self, c => sqlx::query_as::<_, (i64, i64)>(sql).bind(&lo).bind(&hi).bind(w.max_birth)
            .bind(w.male_after).bind(w.female_after).fetch_one(&mut **c).await)?)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn digits_after_is_the_next_digit_string() {
        use super::digits_after;
        assert_eq!(digits_after("0421"), "0422");
        assert_eq!(digits_after("0429"), "043");
        assert_eq!(digits_after("0999"), "1");
        assert_eq!(digits_after("99"), "a");
        assert!(digits_after("0421").as_str() > "042199999999");
    }
}
