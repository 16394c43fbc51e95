//! Registry storage: households, persons, moves, poverty status, duplicate dismissals.
//!
//! Bulk loads (import, demo) take ids allocated inside the write transaction
//! ([`Conn::allocate_ids`]) so rows can be written in batches on both backends; on PostgreSQL
//! persons and households go through `COPY` (the only backend-specific write path).

use crate::sqlite_bulk::{self, Value};
use crate::{Conn, Result};
use ansinh_domain::unit::subtree_range;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::{AssertSqlSafe, FromRow, QueryBuilder};

/// The persons' and households' plain secondary indexes as the migrations create them (name,
/// SQLite, PostgreSQL; a contract test checks they agree): dropped and rebuilt by bulk loads.
/// PostgreSQL's key indexes end in the id that pages are ordered by; SQLite's end in it
/// implicitly (the rowid).
pub const BULK_INDEXES: [(&str, &str, &str); 8] = [
    ("persons_name", "persons (name_key)", "persons (name_key, id)"),
    ("persons_sort", "persons (sort_key)", "persons (sort_key, id)"),
    ("persons_path", "persons (unit_path)", "persons (unit_path)"),
    ("persons_household", "persons (household_id)", "persons (household_id)"),
    ("persons_phone", "persons (phone)", "persons (phone)"),
    ("persons_commune_name", "persons (commune_id, name_key)", "persons (commune_id, name_key, id)"),
    ("persons_commune_sort", "persons (commune_id, sort_key)", "persons (commune_id, sort_key, id)"),
    ("households_path", "households (unit_path)", "households (unit_path)"),
];

/// PostgreSQL constraints a bulk load lifts and restores (table, name, definition), as the
/// migrations create them (a contract test checks the two agree). The unique
/// constraints go first so that a duplicate is reported as such.
pub const PG_BULK_CONSTRAINTS: [(&str, &str, &str); 6] = [
    ("persons", "persons_cccd_key", "UNIQUE (cccd)"),
    ("households", "households_commune_id_code_key", "UNIQUE (commune_id, code)"),
    ("persons", "persons_household_id_fkey", "FOREIGN KEY (household_id) REFERENCES households(id)"),
    ("persons", "persons_unit_id_fkey", "FOREIGN KEY (unit_id) REFERENCES units(id)"),
    ("households", "households_commune_id_fkey", "FOREIGN KEY (commune_id) REFERENCES units(id)"),
    ("households", "households_unit_id_fkey", "FOREIGN KEY (unit_id) REFERENCES units(id)"),
];

/// The statements of a bulk load (see [`Conn::begin_bulk_load`]), also printed by the registry
/// benchmark so the databases' own loaders can be timed doing the same work.
pub struct BulkLoadSql {
    /// Run before the load.
    pub lift: Vec<String>,
    /// Run after it, each with the constraint it adds (skipped when that already exists).
    pub restore: Vec<(Option<&'static str>, String)>,
}

pub fn bulk_load_sql(postgres: bool) -> BulkLoadSql {
    let mut lift: Vec<String> =
        BULK_INDEXES.iter().map(|(n, _, _)| format!("DROP INDEX IF EXISTS {n}")).collect();
    let mut restore = Vec::new();
    if postgres {
        for (table, name, def) in PG_BULK_CONSTRAINTS {
            lift.push(format!("ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}"));
            restore.push((Some(name), format!("ALTER TABLE {table} ADD CONSTRAINT {name} {def}")));
        }
        // Index builds sort in memory (and in parallel workers where the server allows).
        // (SQLite's `PRAGMA threads` and sorter cache sizes were tried there: no gain, measured.)
        lift.push("SET LOCAL maintenance_work_mem = '256MB'".to_string());
    }
    restore.extend(BULK_INDEXES.iter().map(|(name, sqlite, pg)| {
        (None, format!("CREATE INDEX IF NOT EXISTS {name} ON {}", if postgres { pg } else { sqlite }))
    }));
    BulkLoadSql { lift, restore }
}

pub const PERSON_COLS: &str = "id, province_code, cccd, old_si_number, full_name, birth_date, birth_year_only, sex, \
     ethnicity, phone, occupation, household_id, relation, unit_id, unit_path, commune_id, created_at, updated_at, \
     merged_into";

/// A stored person.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct PersonRow {
    pub id: i64,
    pub province_code: String,
    pub cccd: String,
    pub old_si_number: Option<String>,
    pub full_name: String,
    /// For a year-only birth: 1 January of that year.
    pub birth_date: NaiveDate,
    pub birth_year_only: bool,
    /// `male` / `female`
    pub sex: String,
    pub ethnicity: String,
    pub phone: Option<String>,
    /// Occupation key (`farmer`, `freelance`, …).
    pub occupation: String,
    pub household_id: Option<i64>,
    /// Relation key to the household head.
    pub relation: Option<String>,
    pub unit_id: i64,
    pub unit_path: String,
    pub commune_id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Set when this record was merged into another (the survivor's id): the record is kept,
    /// outside every scope (`unit_path` is empty), and nothing may change it any more.
    pub merged_into: Option<i64>,
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

#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct HouseholdRow {
    pub id: i64,
    pub province_code: String,
    pub code: String,
    pub commune_id: i64,
    pub unit_id: i64,
    pub unit_path: String,
    pub head_person_id: Option<i64>,
    pub ethnic_minority_area: bool,
    pub island: bool,
}

impl HouseholdRow {
    /// A new household `code` living at `place` (in `commune_id`), without head or flags yet.
    pub fn new(id: i64, code: String, place: &ansinh_domain::Unit, commune_id: i64) -> HouseholdRow {
        HouseholdRow {
            id,
            province_code: place.province_code.clone(),
            code,
            commune_id,
            unit_id: place.id,
            unit_path: place.path.clone(),
            head_person_id: None,
            ethnic_minority_area: false,
            island: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct PovertyRow {
    pub year: i32,
    /// `poor`, `near_poor`, `none`
    pub status: String,
    pub decision: String,
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct MoveRow {
    pub id: i64,
    pub person_id: i64,
    pub from_household_id: Option<i64>,
    pub to_household_id: Option<i64>,
    pub from_unit_id: i64,
    pub to_unit_id: i64,
    pub moved_on: NaiveDate,
    pub reason: String,
    pub actor: String,
    pub at: DateTime<Utc>,
}

/// Filters of the person list; all optional, always combined with the scope roots.
#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    /// Folded name prefix: matches the full name or the given name.
    pub name_prefix: Option<String>,
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

#[derive(Debug, Clone, Copy)]
pub struct WorkingAgeBounds {
    pub max_birth: NaiveDate,
    pub male_after: NaiveDate,
    pub female_after: NaiveDate,
}

/// A possible duplicate: two people with the same folded name and birth date in one commune.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct DuplicatePair {
    pub a: i64,
    pub b: i64,
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

fn person_cols(alias: &str) -> String {
    PERSON_COLS.split(", ").map(|c| format!("{alias}.{c}")).collect::<Vec<_>>().join(", ")
}

const HOUSEHOLD_COLS: &str =
    "id, province_code, code, commune_id, unit_id, unit_path, head_person_id, ethnic_minority_area, island";

impl Conn<'_> {
    /// Reserve `n` ids of `table` inside the current write transaction (distinct, ascending;
    /// consecutive on SQLite, whose write transaction holds the database lock).
    pub async fn allocate_ids(&mut self, table: &str, n: i64) -> Result<Vec<i64>> {
        debug_assert!(["persons", "households"].contains(&table));
        if n <= 0 {
            return Ok(Vec::new());
        }
        match self {
            Conn::Sqlite(c) => {
                let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
                let max: i64 = sqlx::query_scalar(AssertSqlSafe(sql)).fetch_one(&mut **c).await?;
                Ok((max + 1..=max + n).collect())
            }
            Conn::Postgres(c) => {
                // nextval is atomic: concurrent loads get disjoint ids. They come back as runs
                // of consecutive values (usually one), not as a million rows.
                // The sequence is looked up once: per row it cost ten times the nextval.
                let seq: String = sqlx::query_scalar("SELECT pg_get_serial_sequence($1, 'id')")
                    .bind(table)
                    .fetch_one(&mut **c)
                    .await?;
                let sql = format!(
                    "SELECT MIN(v), MAX(v) FROM (SELECT v, v - ROW_NUMBER() OVER (ORDER BY v) AS run \
                     FROM (SELECT nextval('{}'::regclass) AS v FROM generate_series(1, $1)) s) t \
                     GROUP BY run ORDER BY 1",
                    seq.replace('\'', "''")
                );
                let runs: Vec<(i64, i64)> =
                    sqlx::query_as(AssertSqlSafe(sql)).bind(n).fetch_all(&mut **c).await?;
                Ok(runs.into_iter().flat_map(|(lo, hi)| lo..=hi).collect())
            }
        }
    }

    pub async fn count_persons(&mut self, roots: &[String]) -> Result<i64> {
        Ok(on!(self, c => {
            let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM persons p WHERE ");
            push_scope!(qb, "p.unit_path", roots);
            qb.build_query_scalar::<i64>().fetch_one(&mut **c).await
        })?)
    }

    /// Insert households (ids given): `COPY` on PostgreSQL, a prepared statement per row on
    /// SQLite (the two bulk paths; see `sqlite_bulk`).
    pub async fn insert_households(&mut self, rows: &[HouseholdRow], now: DateTime<Utc>) -> Result<()> {
        let ts = timestamp(now);
        match self {
            Conn::Postgres(c) => {
                let sql = "COPY households (id, province_code, code, commune_id, unit_id, unit_path, head_person_id, \
                           ethnic_minority_area, island, created_at, updated_at) FROM STDIN WITH (FORMAT binary)";
                copy_rows(c, sql, rows, 11, |b, h| {
                    b.int(h.id);
                    b.text(&h.province_code);
                    b.text(&h.code);
                    b.int(h.commune_id);
                    b.int(h.unit_id);
                    b.text(&h.unit_path);
                    b.opt_int(h.head_person_id);
                    b.boolean(h.ethnic_minority_area);
                    b.boolean(h.island);
                    b.timestamp(now);
                    b.timestamp(now);
                })
                .await
            }
            Conn::Sqlite(c) => {
                let sql = "INSERT INTO households (id, province_code, code, commune_id, unit_id, unit_path, \
                           head_person_id, ethnic_minority_area, island, created_at, updated_at) \
                           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
                sqlite_bulk::insert_rows(c, sql, rows, |_, h, v| {
                    v.extend([
                        Value::Int(h.id),
                        Value::Text(&h.province_code),
                        Value::Text(&h.code),
                        Value::Int(h.commune_id),
                        Value::Int(h.unit_id),
                        Value::Text(&h.unit_path),
                        h.head_person_id.into(),
                        Value::Int(h.ethnic_minority_area.into()),
                        Value::Int(h.island.into()),
                        Value::Text(&ts),
                        Value::Text(&ts),
                    ])
                })
                .await
            }
        }
    }

    /// Insert new persons (ids given): `COPY` on PostgreSQL, a prepared statement per row on
    /// SQLite.
    pub async fn insert_persons(&mut self, rows: &[PersonWrite], now: DateTime<Utc>) -> Result<()> {
        let ts = timestamp(now);
        match self {
            Conn::Postgres(c) => {
                let sql = "COPY persons (id, province_code, cccd, old_si_number, full_name, name_key, given_key, \
                           sort_key, birth_date, birth_year_only, sex, ethnicity, phone, occupation, household_id, \
                           relation, unit_id, unit_path, commune_id, created_at, updated_at) \
                           FROM STDIN WITH (FORMAT binary)";
                copy_rows(c, sql, rows, 21, |b, p| {
                    b.int(p.id);
                    b.text(&p.province_code);
                    b.text(&p.cccd);
                    b.opt_text(p.old_si_number.as_deref());
                    b.text(&p.full_name);
                    b.text(&p.name_key);
                    b.text(&p.given_key);
                    b.bytes(&p.sort_key);
                    b.date(p.birth_date);
                    b.boolean(p.birth_year_only);
                    b.text(&p.sex);
                    b.text(&p.ethnicity);
                    b.opt_text(p.phone.as_deref());
                    b.text(&p.occupation);
                    b.opt_int(p.household_id);
                    b.opt_text(p.relation.as_deref());
                    b.int(p.unit_id);
                    b.text(&p.unit_path);
                    b.int(p.commune_id);
                    b.timestamp(now);
                    b.timestamp(now);
                })
                .await
            }
            Conn::Sqlite(c) => {
                // sqlx stores dates as `YYYY-MM-DD` text; so does this.
                let dates: Vec<String> = rows.iter().map(|p| p.birth_date.format("%F").to_string()).collect();
                let sql = "INSERT INTO persons (id, province_code, cccd, old_si_number, full_name, name_key, \
                           given_key, sort_key, birth_date, birth_year_only, sex, ethnicity, phone, occupation, \
                           household_id, relation, unit_id, unit_path, commune_id, created_at, updated_at) \
                           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
                sqlite_bulk::insert_rows(c, sql, rows, |i, p, v| {
                    v.extend([
                        Value::Int(p.id),
                        Value::Text(&p.province_code),
                        Value::Text(&p.cccd),
                        p.old_si_number.as_deref().into(),
                        Value::Text(&p.full_name),
                        Value::Text(&p.name_key),
                        Value::Text(&p.given_key),
                        Value::Blob(&p.sort_key),
                        Value::Text(&dates[i]),
                        Value::Int(p.birth_year_only.into()),
                        Value::Text(&p.sex),
                        Value::Text(&p.ethnicity),
                        p.phone.as_deref().into(),
                        Value::Text(&p.occupation),
                        p.household_id.into(),
                        p.relation.as_deref().into(),
                        Value::Int(p.unit_id),
                        Value::Text(&p.unit_path),
                        Value::Int(p.commune_id),
                        Value::Text(&ts),
                        Value::Text(&ts),
                    ])
                })
                .await
            }
        }
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
        Ok(
            on!(self, c => sqlx::query_as::<_, PersonRow>(AssertSqlSafe(sql)).bind(id).fetch_all(&mut **c).await)?,
        )
    }

    pub async fn person_by_id(&mut self, id: i64) -> Result<Option<PersonRow>> {
        let sql = format!("SELECT {PERSON_COLS} FROM persons WHERE id = $1");
        Ok(
            on!(self, c => sqlx::query_as::<_, PersonRow>(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **c).await)?,
        )
    }

    pub async fn person_by_cccd(&mut self, cccd: &str) -> Result<Option<PersonRow>> {
        let sql = format!("SELECT {PERSON_COLS} FROM persons WHERE cccd = $1");
        Ok(
            on!(self, c => sqlx::query_as::<_, PersonRow>(AssertSqlSafe(sql)).bind(cccd).fetch_optional(&mut **c).await)?,
        )
    }

    /// The persons with these citizen ids (any scope), for import upserts.
    pub async fn persons_by_cccds(&mut self, cccds: &[String]) -> Result<Vec<PersonRow>> {
        let mut out = Vec::new();
        for chunk in cccds.chunks(900) {
            let mut rows = on!(self, c => {
                let mut qb = QueryBuilder::new(format!("SELECT {PERSON_COLS} FROM persons WHERE cccd IN ("));
                let mut sep = qb.separated(", ");
                for id in chunk {
                    sep.push_bind(id.clone());
                }
                qb.push(")");
                qb.build_query_as::<PersonRow>().fetch_all(&mut **c).await
            })?;
            out.append(&mut rows);
        }
        Ok(out)
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
        Ok(on!(self, c => {
            let mut qb = QueryBuilder::new(format!("SELECT {} FROM persons p WHERE ", person_cols("p")));
            push_person_filter!(qb, roots, f);
            if f.name_prefix.is_some() {
                // Index order of (name_key): no sort, LIMIT stops early.
                qb.push(" ORDER BY p.name_key, p.id");
            } else {
                qb.push(" ORDER BY p.sort_key, p.id");
            }
            qb.push(" LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
            qb.build_query_as::<PersonRow>().fetch_all(&mut **c).await
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
        Ok(on!(self, c => {
            let mut qb = QueryBuilder::new(format!("SELECT {} FROM persons p WHERE ", person_cols("p")));
            push_person_filter!(qb, roots, f);
            qb.push(" AND p.id > ").push_bind(after_id);
            qb.push(" ORDER BY p.id LIMIT ").push_bind(limit);
            qb.build_query_as::<PersonRow>().fetch_all(&mut **c).await
        })?)
    }

    /// How many persons match (for the page count), capped at `cap` so counting stays cheap.
    pub async fn count_matching(&mut self, roots: &[String], f: &PersonFilter, cap: i64) -> Result<i64> {
        Ok(on!(self, c => {
            let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM (SELECT 1 FROM persons p WHERE ");
            push_person_filter!(qb, roots, f);
            if f.name_prefix.is_some() {
                // Same index as the page itself (SQLite otherwise walks the whole scope's path
                // range when few names match).
                qb.push(" ORDER BY p.name_key");
            }
            qb.push(" LIMIT ").push_bind(cap).push(") t");
            qb.build_query_scalar::<i64>().fetch_one(&mut **c).await
        })?)
    }

    /// Codes of the given households.
    pub async fn household_codes(&mut self, ids: &[i64]) -> Result<Vec<(i64, String)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(on!(self, c => {
            let mut qb = QueryBuilder::new("SELECT id, code FROM households WHERE id IN (");
            let mut sep = qb.separated(", ");
            for id in ids {
                sep.push_bind(*id);
            }
            qb.push(")");
            qb.build_query_as::<(i64, String)>().fetch_all(&mut **c).await
        })?)
    }

    pub async fn persons_of_household(&mut self, household_id: i64) -> Result<Vec<PersonRow>> {
        let sql =
            format!("SELECT {PERSON_COLS} FROM persons WHERE household_id = $1 ORDER BY birth_date, id");
        Ok(
            on!(self, c => sqlx::query_as::<_, PersonRow>(AssertSqlSafe(sql)).bind(household_id).fetch_all(&mut **c).await)?,
        )
    }

    pub async fn household_by_id(&mut self, id: i64) -> Result<Option<HouseholdRow>> {
        let sql = format!("SELECT {HOUSEHOLD_COLS} FROM households WHERE id = $1");
        Ok(
            on!(self, c => sqlx::query_as::<_, HouseholdRow>(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **c).await)?,
        )
    }

    pub async fn household_by_code(&mut self, commune_id: i64, code: &str) -> Result<Option<HouseholdRow>> {
        let sql = format!("SELECT {HOUSEHOLD_COLS} FROM households WHERE commune_id = $1 AND code = $2");
        Ok(
            on!(self, c => sqlx::query_as::<_, HouseholdRow>(AssertSqlSafe(sql)).bind(commune_id).bind(code).fetch_optional(&mut **c).await)?,
        )
    }

    /// Every household of the given communes (import resolves codes against them).
    pub async fn households_of_communes(&mut self, commune_ids: &[i64]) -> Result<Vec<HouseholdRow>> {
        let mut out = Vec::new();
        for chunk in commune_ids.chunks(500) {
            let mut rows = on!(self, c => {
                let mut qb = QueryBuilder::new(format!("SELECT {HOUSEHOLD_COLS} FROM households WHERE commune_id IN ("));
                let mut sep = qb.separated(", ");
                for id in chunk {
                    sep.push_bind(*id);
                }
                qb.push(")");
                qb.build_query_as::<HouseholdRow>().fetch_all(&mut **c).await
            })?;
            out.append(&mut rows);
        }
        Ok(out)
    }

    /// Households inside the scope, optionally under a place, by code.
    pub async fn search_households(
        &mut self,
        roots: &[String],
        code_prefix: Option<&str>,
        place: Option<&str>,
        limit: i64,
    ) -> Result<Vec<HouseholdRow>> {
        Ok(on!(self, c => {
            let mut qb = QueryBuilder::new(format!("SELECT {HOUSEHOLD_COLS} FROM households WHERE "));
            push_scope!(qb, "unit_path", roots);
            if let Some(p) = place {
                let (lo, hi) = subtree_range(p);
                qb.push(" AND unit_path >= ").push_bind(lo).push(" AND unit_path < ").push_bind(hi);
            }
            if let Some(code) = code_prefix {
                qb.push(" AND code >= ").push_bind(code.to_string()).push(" AND code < ").push_bind(format!("{code}\u{10FFFF}"));
            }
            qb.push(" ORDER BY code LIMIT ").push_bind(limit);
            qb.build_query_as::<HouseholdRow>().fetch_all(&mut **c).await
        })?)
    }

    pub async fn update_household(&mut self, h: &HouseholdRow, now: DateTime<Utc>) -> Result<()> {
        let sql = "UPDATE households SET code = $1, unit_id = $2, unit_path = $3, commune_id = $4, head_person_id = $5, \
                   ethnic_minority_area = $6, island = $7, updated_at = $8 WHERE id = $9";
        on!(self, c => sqlx::query(sql).bind(&h.code).bind(h.unit_id).bind(&h.unit_path).bind(h.commune_id)
            .bind(h.head_person_id).bind(h.ethnic_minority_area).bind(h.island).bind(now).bind(h.id)
            .execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// Set the head of every household in `heads` ((household, person) pairs).
    pub async fn set_household_heads(&mut self, heads: &[(i64, i64)]) -> Result<()> {
        for (h, p) in heads {
            on!(self, c => sqlx::query("UPDATE households SET head_person_id = $1 WHERE id = $2")
                .bind(*p).bind(*h).execute(&mut **c).await.map(|_| ()))?;
        }
        Ok(())
    }

    pub async fn poverty_of(&mut self, household_id: i64) -> Result<Vec<PovertyRow>> {
        let sql =
            "SELECT year, status, decision FROM household_poverty WHERE household_id = $1 ORDER BY year DESC";
        Ok(on!(self, c => sqlx::query_as::<_, PovertyRow>(sql).bind(household_id).fetch_all(&mut **c).await)?)
    }

    /// Record (or correct) a household's status for a year.
    pub async fn set_poverty(
        &mut self,
        household_id: i64,
        province_code: &str,
        p: &PovertyRow,
    ) -> Result<()> {
        let sql = "INSERT INTO household_poverty (household_id, province_code, year, status, decision) \
                   VALUES ($1, $2, $3, $4, $5) \
                   ON CONFLICT (household_id, year) DO UPDATE SET status = excluded.status, decision = excluded.decision";
        let sql = match self {
            Conn::Sqlite(_) => sql.to_string(),
            Conn::Postgres(_) => sql.replace("(household_id, year)", "(province_code, household_id, year)"),
        };
        on!(self, c => sqlx::query(AssertSqlSafe(sql)).bind(household_id).bind(province_code).bind(p.year)
            .bind(&p.status).bind(&p.decision).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// Poverty status of many households in one year (bulk: demo, import).
    pub async fn insert_poverty(&mut self, rows: &[(i64, String, PovertyRow)]) -> Result<()> {
        for chunk in rows.chunks(1000) {
            on!(self, c => {
                let mut qb = QueryBuilder::new("INSERT INTO household_poverty (household_id, province_code, year, status, decision) ");
                qb.push_values(chunk, |mut b, (h, prov, p)| {
                    b.push_bind(*h).push_bind(prov.clone()).push_bind(p.year).push_bind(p.status.clone()).push_bind(p.decision.clone());
                });
                qb.build().execute(&mut **c).await.map(|_| ())
            })?;
        }
        Ok(())
    }

    pub async fn insert_move(&mut self, province_code: &str, m: &MoveRow) -> Result<()> {
        let sql = "INSERT INTO person_moves (province_code, person_id, from_household_id, to_household_id, \
                   from_unit_id, to_unit_id, moved_on, reason, actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
        on!(self, c => sqlx::query(sql).bind(province_code).bind(m.person_id).bind(m.from_household_id)
            .bind(m.to_household_id).bind(m.from_unit_id).bind(m.to_unit_id).bind(m.moved_on).bind(&m.reason)
            .bind(&m.actor).bind(m.at).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn moves_of(&mut self, person_id: i64) -> Result<Vec<MoveRow>> {
        let sql = "SELECT id, person_id, from_household_id, to_household_id, from_unit_id, to_unit_id, moved_on, \
                   reason, actor, at FROM person_moves WHERE person_id = $1 ORDER BY id DESC";
        Ok(on!(self, c => sqlx::query_as::<_, MoveRow>(sql).bind(person_id).fetch_all(&mut **c).await)?)
    }

    /// Probable duplicates inside the scope: same folded name and birth date in one commune,
    /// not yet dismissed.
    pub async fn duplicate_pairs(&mut self, roots: &[String], limit: i64) -> Result<Vec<DuplicatePair>> {
        Ok(on!(self, c => {
            let mut qb = QueryBuilder::new(
                "SELECT p.id AS a, q.id AS b FROM persons p JOIN persons q ON q.commune_id = p.commune_id \
                 AND q.name_key = p.name_key AND q.birth_date = p.birth_date AND q.id > p.id WHERE ",
            );
            // Both halves of a pair in scope: a pair is never a way to see someone outside it.
            push_scope!(qb, "p.unit_path", roots);
            qb.push(" AND ");
            push_scope!(qb, "q.unit_path", roots);
            qb.push(" AND NOT EXISTS (SELECT 1 FROM duplicate_dismissals d WHERE d.person_a = p.id AND d.person_b = q.id)");
            qb.push(" ORDER BY p.id, q.id LIMIT ").push_bind(limit);
            qb.build_query_as::<DuplicatePair>().fetch_all(&mut **c).await
        })?)
    }

    pub async fn dismiss_duplicate(&mut self, a: i64, b: i64, actor: &str, now: DateTime<Utc>) -> Result<()> {
        let (a, b) = if a < b { (a, b) } else { (b, a) };
        let sql = "INSERT INTO duplicate_dismissals (person_a, person_b, actor, at) VALUES ($1, $2, $3, $4) \
                   ON CONFLICT (person_a, person_b) DO NOTHING";
        on!(self, c => sqlx::query(sql).bind(a).bind(b).bind(actor).bind(now).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// Number of persons and working-age persons under each of `unit_ids` (for place pages).
    pub async fn count_under(&mut self, path: &str, w: WorkingAgeBounds) -> Result<(i64, i64)> {
        let (lo, hi) = subtree_range(path);
        let sql = "SELECT COUNT(*), COALESCE(SUM(CASE WHEN birth_date <= $3 AND ((sex = 'male' AND birth_date > $4) \
                   OR (sex = 'female' AND birth_date > $5)) THEN 1 ELSE 0 END), 0) \
                   FROM persons WHERE unit_path >= $1 AND unit_path < $2";
        Ok(on!(self, c => sqlx::query_as::<_, (i64, i64)>(sql).bind(&lo).bind(&hi).bind(w.max_birth)
            .bind(w.male_after).bind(w.female_after).fetch_one(&mut **c).await)?)
    }

    /// Drop the persons table's secondary indexes before a bulk load (rebuilt by
    /// [`Conn::create_person_indexes`] in the same transaction; building an index from sorted
    /// data is far cheaper than a million random inserts into it).
    /// Prepare this transaction for loading many persons and households at once: their plain
    /// secondary indexes ([`BULK_INDEXES`]) are dropped (built once, sorted, by
    /// [`Conn::end_bulk_load`] instead of a million random inserts each), and on PostgreSQL
    /// also the unique and foreign-key constraints of [`PG_BULK_CONSTRAINTS`], whose per-row
    /// checks dominated `COPY`.
    /// Everything is restored, and every restored constraint checked against all rows, by
    /// `end_bulk_load` in the same transaction: a load that breaks one fails and rolls back.
    /// Other writers of these tables wait until the transaction ends. (The statements are
    /// [`bulk_load_sql`]'s.)
    pub async fn begin_bulk_load(&mut self) -> Result<()> {
        for sql in bulk_load_sql(self.is_postgres()).lift {
            on!(self, c => sqlx::query(AssertSqlSafe(sql.clone())).execute(&mut **c).await.map(|_| ()))?;
        }
        Ok(())
    }

    /// Restore what [`Conn::begin_bulk_load`] removed (idempotent; also a no-op if nothing was
    /// removed).
    pub async fn end_bulk_load(&mut self) -> Result<()> {
        for (constraint, sql) in bulk_load_sql(self.is_postgres()).restore {
            if let (Some(name), Conn::Postgres(c)) = (constraint, &mut *self) {
                let exists: bool =
                    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = $1)")
                        .bind(name)
                        .fetch_one(&mut **c)
                        .await?;
                if exists {
                    continue;
                }
            }
            on!(self, c => sqlx::query(AssertSqlSafe(sql.clone())).execute(&mut **c).await.map(|_| ()))?;
        }
        Ok(())
    }

    fn is_postgres(&self) -> bool {
        matches!(self, Conn::Postgres(_))
    }

    /// Refresh planner statistics after a bulk load: PostgreSQL only. On SQLite (3.51) the
    /// statistics make the planner skip-scan the (commune, name) index and sort a whole
    /// province for a name prefix (120 ms instead of 0.1 ms at a million persons, measured);
    /// without them it uses the name index and stops at the page. Any statistics an earlier
    /// version left for persons are removed.
    pub async fn analyze(&mut self) -> Result<()> {
        match self {
            Conn::Sqlite(c) => {
                let has_stats: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
                        .fetch_one(&mut **c)
                        .await?;
                if has_stats > 0 {
                    sqlx::query("DELETE FROM sqlite_stat1 WHERE tbl IN ('persons', 'households')")
                        .execute(&mut **c)
                        .await?;
                }
            }
            Conn::Postgres(c) => {
                sqlx::query("ANALYZE persons").execute(&mut **c).await?;
                sqlx::query("ANALYZE households").execute(&mut **c).await?;
            }
        }
        Ok(())
    }
}

/// A timestamp as sqlx writes `DateTime<Utc>` to SQLite (RFC 3339); PostgreSQL parses it too.
fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}

/// One `COPY … (FORMAT binary)` tuple being written: each field is its length and its bytes
/// in PostgreSQL's send format (big-endian integers; dates and timestamps counted from
/// 2000-01-01). Binary spares the server parsing numbers, dates and hex (measured faster than
/// csv at a million rows).
struct CopyBuf(Vec<u8>);

impl CopyBuf {
    fn field(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(&(bytes.len() as i32).to_be_bytes());
        self.0.extend_from_slice(bytes);
    }
    fn null(&mut self) {
        self.0.extend_from_slice(&(-1i32).to_be_bytes());
    }
    fn int(&mut self, v: i64) {
        self.field(&v.to_be_bytes());
    }
    fn opt_int(&mut self, v: Option<i64>) {
        match v {
            Some(v) => self.int(v),
            None => self.null(),
        }
    }
    fn text(&mut self, v: &str) {
        self.field(v.as_bytes());
    }
    fn opt_text(&mut self, v: Option<&str>) {
        match v {
            Some(v) => self.text(v),
            None => self.null(),
        }
    }
    fn bytes(&mut self, v: &[u8]) {
        self.field(v);
    }
    fn boolean(&mut self, v: bool) {
        self.field(&[u8::from(v)]);
    }
    fn date(&mut self, d: NaiveDate) {
        let days = (d - PG_EPOCH.date_naive()).num_days() as i32;
        self.field(&days.to_be_bytes());
    }
    fn timestamp(&mut self, t: DateTime<Utc>) {
        let micros = (t - PG_EPOCH).num_microseconds().unwrap_or(i64::MAX);
        self.field(&micros.to_be_bytes());
    }
}

/// PostgreSQL's epoch for binary dates and timestamps.
const PG_EPOCH: DateTime<Utc> = DateTime::from_timestamp(946_684_800, 0).expect("2000-01-01T00:00:00Z");

/// Stream `rows` into `COPY … FROM STDIN (FORMAT binary)` in pieces of a few megabytes, so
/// the server stores one piece while the next is encoded; `row` writes the `fields` of one.
async fn copy_rows<T>(
    c: &mut sqlx::PgConnection,
    sql: &str,
    rows: &[T],
    fields: i16,
    mut row: impl FnMut(&mut CopyBuf, &T),
) -> Result<()> {
    const PIECE: usize = 4 << 20;
    let mut copy = c.copy_in_raw(sql).await?;
    let mut b = CopyBuf(Vec::with_capacity(PIECE + 4096));
    // Signature, flags, header extension length.
    b.0.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
    b.0.extend_from_slice(&[0; 8]);
    for r in rows {
        b.0.extend_from_slice(&fields.to_be_bytes());
        row(&mut b, r);
        if b.0.len() >= PIECE {
            copy.send(std::mem::replace(&mut b.0, Vec::with_capacity(PIECE + 4096))).await?;
        }
    }
    b.0.extend_from_slice(&(-1i16).to_be_bytes());
    copy.send(b.0).await?;
    copy.finish().await?;
    Ok(())
}
