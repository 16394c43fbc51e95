//! Households (hộ) and their poverty status per year.

use crate::{Conn, Result, StoreError};
use ansinh_domain::person::PovertyStatus;
use ansinh_domain::unit::subtree_range;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{AssertSqlSafe, FromRow, QueryBuilder};

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

/// A household's poverty status for one year, with the deciding document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PovertyRow {
    pub year: i32,
    pub status: PovertyStatus,
    pub decision: String,
}

#[derive(FromRow)]
struct PovertyRecord {
    year: i32,
    status: String,
    decision: String,
}

pub(crate) const HOUSEHOLD_COLS: &str =
    "id, province_code, code, commune_id, unit_id, unit_path, head_person_id, ethnic_minority_area, island";

impl Conn<'_> {
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

    pub async fn household_by_id(&mut self, id: i64) -> Result<Option<HouseholdRow>> {
        let sql = format!("SELECT {HOUSEHOLD_COLS} FROM households WHERE id = $1");
        Ok(
            on!(self, c => sqlx::query_as::<_, HouseholdRow>(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **c).await)?,
        )
    }

    /// The households with these ids (in no order; missing ids are skipped), in chunks.
    pub async fn households_by_ids(&mut self, ids: &[i64]) -> Result<Vec<HouseholdRow>> {
        Ok(select_in!(
            self,
            format!("SELECT {HOUSEHOLD_COLS} FROM households WHERE id IN ("),
            ids,
            HouseholdRow
        ))
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
        let rows = on!(self, c => sqlx::query_as::<_, PovertyRecord>(sql).bind(household_id).fetch_all(&mut **c).await)?;
        rows.into_iter()
            .map(|r| {
                let status = PovertyStatus::from_key(&r.status).ok_or_else(|| {
                    StoreError::Corrupt(format!("household {household_id}: poverty status «{}»", r.status))
                })?;
                Ok(PovertyRow { year: r.year, status, decision: r.decision })
            })
            .collect()
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
            .bind(p.status.as_str()).bind(&p.decision).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// Poverty status of many households in one year (bulk: demo, import).
    pub async fn insert_poverty(&mut self, rows: &[(i64, String, PovertyRow)]) -> Result<()> {
        for chunk in rows.chunks(1000) {
            on!(self, c => {
                let mut qb = QueryBuilder::new("INSERT INTO household_poverty (household_id, province_code, year, status, decision) ");
                qb.push_values(chunk, |mut b, (h, prov, p)| {
                    b.push_bind(*h).push_bind(prov.clone()).push_bind(p.year).push_bind(p.status.as_str()).push_bind(p.decision.clone());
                });
                qb.build().execute(&mut **c).await.map(|_| ())
            })?;
        }
        Ok(())
    }
}
