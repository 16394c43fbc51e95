//! Administrative units of both eras, their old → new links, and user-created places.

use crate::{Conn, Result};
use ansinh_domain::{Level, Unit};
use chrono::NaiveDate;
use sqlx::{AssertSqlSafe, FromRow, QueryBuilder};

const UNIT_COLS: &str =
    "id, code, name, kind, level, parent_id, path, province_code, valid_from, valid_to, former_parent_id";

#[derive(FromRow)]
struct UnitRow {
    id: i64,
    code: String,
    name: String,
    kind: String,
    level: String,
    parent_id: Option<i64>,
    path: String,
    province_code: String,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
    former_parent_id: Option<i64>,
}

impl From<UnitRow> for Unit {
    fn from(r: UnitRow) -> Unit {
        Unit {
            id: r.id,
            code: r.code,
            name: r.name,
            kind: r.kind,
            // The CHECK constraint admits only known levels.
            level: Level::parse(&r.level).unwrap_or(Level::Commune),
            parent_id: r.parent_id,
            path: r.path,
            province_code: r.province_code,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
            former_parent_id: r.former_parent_id,
        }
    }
}

/// A unit row to load in bulk (official units and the root), id and path given.
#[derive(Debug, Clone)]
pub struct UnitSeed {
    pub unit: Unit,
    pub name_key: String,
}

/// A new user-created unit (thôn, tổ liên gia); the path is set once the id is known.
#[derive(Debug, Clone)]
pub struct NewUnit {
    pub code: String,
    pub name: String,
    pub name_key: String,
    pub kind: String,
    pub level: Level,
    pub parent_id: i64,
    pub parent_path: String,
    pub province_code: String,
    pub valid_from: Option<NaiveDate>,
    /// The old commune a village belonged to before its commune began.
    pub former_parent_id: Option<i64>,
}

impl Conn<'_> {
    pub async fn count_units(&mut self) -> Result<i64> {
        Ok(
            on!(self, c => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM units").fetch_one(&mut **c).await)?,
        )
    }

    /// The first day without districts: the day the two-level local government began
    /// (1 Jul 2025, Resolution 202/2025/QH15), read from the units' own validity.
    pub async fn district_end(&mut self) -> Result<Option<NaiveDate>> {
        let sql = "SELECT MIN(valid_to) FROM units WHERE level = 'district'";
        Ok(on!(self, c => sqlx::query_scalar::<_, Option<NaiveDate>>(sql).fetch_one(&mut **c).await)?)
    }

    /// Insert units with their ids and paths as given (the bundled official list).
    pub async fn insert_units(&mut self, seeds: &[UnitSeed]) -> Result<()> {
        for chunk in seeds.chunks(500) {
            on!(self, c => {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO units (id, code, name, name_key, kind, level, parent_id, path, \
                     province_code, valid_from, valid_to) ",
                );
                qb.push_values(chunk, |mut b, s| {
                    let u = &s.unit;
                    b.push_bind(u.id)
                        .push_bind(u.code.clone())
                        .push_bind(u.name.clone())
                        .push_bind(s.name_key.clone())
                        .push_bind(u.kind.clone())
                        .push_bind(u.level.as_str())
                        .push_bind(u.parent_id)
                        .push_bind(u.path.clone())
                        .push_bind(u.province_code.clone())
                        .push_bind(u.valid_from)
                        .push_bind(u.valid_to);
                });
                qb.build().execute(&mut **c).await.map(|_| ())
            })?;
        }
        Ok(())
    }

    pub async fn insert_successors(&mut self, pairs: &[(i64, i64)]) -> Result<()> {
        for chunk in pairs.chunks(1000) {
            on!(self, c => {
                let mut qb = QueryBuilder::new("INSERT INTO unit_successors (old_id, new_id) ");
                qb.push_values(chunk, |mut b, (o, n)| {
                    b.push_bind(*o).push_bind(*n);
                });
                qb.build().execute(&mut **c).await.map(|_| ())
            })?;
        }
        Ok(())
    }

    /// After inserting explicit ids, move PostgreSQL's identity past them (SQLite needs nothing).
    pub async fn sync_id_sequences(&mut self) -> Result<()> {
        if let Conn::Postgres(c) = self {
            for table in ["units", "users", "api_tokens", "audit"] {
                let sql = format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                     GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))"
                );
                sqlx::query(AssertSqlSafe(sql)).execute(&mut **c).await?;
            }
        }
        Ok(())
    }

    pub async fn unit_by_id(&mut self, id: i64) -> Result<Option<Unit>> {
        let sql = format!("SELECT {UNIT_COLS} FROM units WHERE id = $1");
        let row = on!(self, c => sqlx::query_as::<_, UnitRow>(AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(&mut **c).await)?;
        Ok(row.map(Unit::from))
    }

    /// Every version of the units that carry `code`, oldest first.
    pub async fn units_by_code(&mut self, code: &str) -> Result<Vec<Unit>> {
        let sql = format!(
            "SELECT {UNIT_COLS} FROM units WHERE code = $1 \
             ORDER BY COALESCE(valid_from, '1900-01-01'), id"
        );
        let sql = self.date_sql(&sql);
        let rows = on!(self, c => sqlx::query_as::<_, UnitRow>(AssertSqlSafe(sql.as_str())).bind(code).fetch_all(&mut **c).await)?;
        Ok(rows.into_iter().map(Unit::from).collect())
    }

    /// Every version of the units carrying any of `codes` (an import's places: one query per
    /// 900 codes instead of one per code).
    pub async fn units_by_codes(&mut self, codes: &[String]) -> Result<Vec<Unit>> {
        let rows = select_in!(self, format!("SELECT {UNIT_COLS} FROM units WHERE code IN ("), codes, UnitRow);
        Ok(rows.into_iter().map(Unit::from).collect())
    }

    /// The units with these ids (any order).
    pub async fn units_by_ids(&mut self, ids: &[i64]) -> Result<Vec<Unit>> {
        let rows = select_in!(self, format!("SELECT {UNIT_COLS} FROM units WHERE id IN ("), ids, UnitRow);
        Ok(rows.into_iter().map(Unit::from).collect())
    }

    /// Children of `parent_id`, valid on `on` when given, by code. On a day, the places that
    /// belonged to it then count too (a village whose `former_parent_id` it is); the caller
    /// asks only for a parent valid on that day.
    pub async fn unit_children(&mut self, parent_id: i64, on: Option<NaiveDate>) -> Result<Vec<Unit>> {
        let rows = on!(self, c => {
            let mut qb = QueryBuilder::new(format!("SELECT {UNIT_COLS} FROM units WHERE "));
            if on.is_some() {
                qb.push("(parent_id = ").push_bind(parent_id).push(" OR former_parent_id = ").push_bind(parent_id).push(")");
            } else {
                qb.push("parent_id = ").push_bind(parent_id);
            }
            if let Some(d) = on {
                qb.push(" AND (valid_from IS NULL OR valid_from <= ").push_bind(d);
                qb.push(") AND (valid_to IS NULL OR valid_to > ").push_bind(d).push(")");
            }
            qb.push(" ORDER BY code, id");
            qb.build_query_as::<UnitRow>().fetch_all(&mut **c).await
        })?;
        Ok(rows.into_iter().map(Unit::from).collect())
    }

    /// Number of children of each unit in `ids` (valid on `on`), for "has children" marks.
    pub async fn child_counts(&mut self, ids: &[i64], on: Option<NaiveDate>) -> Result<Vec<(i64, i64)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // On a day, a parent's places of then (former_parent_id) count as well.
        let cols: &[&str] = if on.is_some() { &["parent_id", "former_parent_id"] } else { &["parent_id"] };
        let mut out: Vec<(i64, i64)> = Vec::new();
        for col in cols {
            let rows = on!(self, c => {
                let mut qb = QueryBuilder::new(format!("SELECT {col}, COUNT(*) FROM units WHERE {col} IN ("));
                let mut sep = qb.separated(", ");
                for id in ids {
                    sep.push_bind(*id);
                }
                qb.push(")");
                if let Some(d) = on {
                    qb.push(" AND (valid_from IS NULL OR valid_from <= ").push_bind(d);
                    qb.push(") AND (valid_to IS NULL OR valid_to > ").push_bind(d).push(")");
                }
                qb.push(format!(" GROUP BY {col}"));
                qb.build_query_as::<(i64, i64)>().fetch_all(&mut **c).await
            })?;
            for (id, n) in rows {
                match out.iter_mut().find(|(i, _)| *i == id) {
                    Some((_, m)) => *m += n,
                    None => out.push((id, n)),
                }
            }
        }
        Ok(out)
    }

    /// Units whose folded name starts with `key`, inside the scope roots, valid on `on`.
    pub async fn search_units(
        &mut self,
        key: &str,
        roots: &[String],
        on: Option<NaiveDate>,
        limit: i64,
    ) -> Result<Vec<Unit>> {
        self.units_by_name(key, false, roots, on, limit).await
    }

    /// Units whose folded name is exactly `key`, inside the scope roots, valid on `on`.
    pub async fn units_named(
        &mut self,
        key: &str,
        roots: &[String],
        on: Option<NaiveDate>,
        limit: i64,
    ) -> Result<Vec<Unit>> {
        self.units_by_name(key, true, roots, on, limit).await
    }

    /// Units by folded name (`exact`, or as a prefix) in scope and valid on `on`, by level then
    /// name: one range of the `name_key` index.
    async fn units_by_name(
        &mut self,
        key: &str,
        exact: bool,
        roots: &[String],
        on: Option<NaiveDate>,
        limit: i64,
    ) -> Result<Vec<Unit>> {
        let rows = on!(self, c => {
            let mut qb = QueryBuilder::new(format!("SELECT {UNIT_COLS} FROM units WHERE "));
            if exact {
                qb.push("name_key = ").push_bind(key.to_string());
            } else {
                qb.push("name_key >= ").push_bind(key.to_string());
                qb.push(" AND name_key < ").push_bind(format!("{key}\u{10FFFF}"));
            }
            qb.push(" AND ");
            push_scope!(qb, "path", roots);
            if let Some(d) = on {
                qb.push(" AND (valid_from IS NULL OR valid_from <= ").push_bind(d);
                qb.push(") AND (valid_to IS NULL OR valid_to > ").push_bind(d).push(")");
            }
            qb.push(" ORDER BY level, name_key, id LIMIT ").push_bind(limit);
            qb.build_query_as::<UnitRow>().fetch_all(&mut **c).await
        })?;
        Ok(rows.into_iter().map(Unit::from).collect())
    }

    /// The units `old_id` became (1 Jul 2025 merger, later renames).
    pub async fn successors(&mut self, old_id: i64) -> Result<Vec<Unit>> {
        let sql = format!(
            "SELECT {} FROM units u JOIN unit_successors s ON s.new_id = u.id \
             WHERE s.old_id = $1 ORDER BY u.code, u.id",
            prefixed("u")
        );
        let rows = on!(self, c => sqlx::query_as::<_, UnitRow>(AssertSqlSafe(sql.as_str())).bind(old_id).fetch_all(&mut **c).await)?;
        Ok(rows.into_iter().map(Unit::from).collect())
    }

    /// The units that became `new_id`.
    pub async fn predecessors(&mut self, new_id: i64) -> Result<Vec<Unit>> {
        let sql = format!(
            "SELECT {} FROM units u JOIN unit_successors s ON s.old_id = u.id \
             WHERE s.new_id = $1 ORDER BY u.code, u.id",
            prefixed("u")
        );
        let rows = on!(self, c => sqlx::query_as::<_, UnitRow>(AssertSqlSafe(sql.as_str())).bind(new_id).fetch_all(&mut **c).await)?;
        Ok(rows.into_iter().map(Unit::from).collect())
    }

    /// Take the next local sequence number under `unit_id` (for `18322-01`-style codes).
    pub async fn next_local_seq(&mut self, unit_id: i64) -> Result<i64> {
        let sql = "UPDATE units SET local_seq = local_seq + 1 WHERE id = $1 RETURNING local_seq";
        Ok(on!(self, c => sqlx::query_scalar::<_, i64>(sql).bind(unit_id).fetch_one(&mut **c).await)?)
    }

    /// Insert a user-created unit; returns it with its id and path.
    pub async fn insert_unit(&mut self, n: &NewUnit) -> Result<Unit> {
        let sql = "INSERT INTO units (code, name, name_key, kind, level, parent_id, path, province_code, \
                   valid_from, former_parent_id) VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8, $9) RETURNING id";
        let id = on!(self, c => sqlx::query_scalar::<_, i64>(sql)
            .bind(&n.code).bind(&n.name).bind(&n.name_key).bind(&n.kind).bind(n.level.as_str())
            .bind(n.parent_id).bind(&n.province_code).bind(n.valid_from).bind(n.former_parent_id)
            .fetch_one(&mut **c).await)?;
        let path = format!("{}{id}/", n.parent_path);
        on!(self, c => sqlx::query("UPDATE units SET path = $1 WHERE id = $2").bind(&path).bind(id).execute(&mut **c).await.map(|_| ()))?;
        Ok(Unit {
            id,
            code: n.code.clone(),
            name: n.name.clone(),
            kind: n.kind.clone(),
            level: n.level,
            parent_id: Some(n.parent_id),
            path,
            province_code: n.province_code.clone(),
            valid_from: n.valid_from,
            valid_to: None,
            former_parent_id: n.former_parent_id,
        })
    }

    /// When a user-created place began, and the old commune it belonged to before then.
    pub async fn set_unit_start(
        &mut self,
        id: i64,
        valid_from: Option<NaiveDate>,
        former: Option<i64>,
    ) -> Result<()> {
        on!(self, c => sqlx::query("UPDATE units SET valid_from = $1, former_parent_id = $2 WHERE id = $3")
            .bind(valid_from).bind(former).bind(id).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn rename_unit(&mut self, id: i64, name: &str, name_key: &str) -> Result<()> {
        on!(self, c => sqlx::query("UPDATE units SET name = $1, name_key = $2 WHERE id = $3")
            .bind(name).bind(name_key).bind(id).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// Backend-specific spelling of a date literal in ORDER BY.
    fn date_sql(&self, sql: &str) -> String {
        match self {
            Conn::Sqlite(_) => sql.to_string(),
            Conn::Postgres(_) => sql.replace("'1900-01-01'", "DATE '1900-01-01'"),
        }
    }
}

fn prefixed(alias: &str) -> String {
    UNIT_COLS.split(", ").map(|c| format!("{alias}.{c}")).collect::<Vec<_>>().join(", ")
}
