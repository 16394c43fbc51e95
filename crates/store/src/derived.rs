//! Derived state: counts per unit kept by the application's unit of work in the same
//! transaction as the records they are derived from, and the recount that checks them.

use crate::{Conn, Result};
use sqlx::{FromRow, QueryBuilder};

/// Residents and households of one unit (the unit itself, not its subtree).
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromRow)]
pub struct UnitCount {
    pub unit_id: i64,
    pub persons: i64,
    pub households: i64,
}

/// Upserts in one statement at most this many units (3 binds each).
const CHUNK: usize = 300;

impl Conn<'_> {
    /// Add `(unit id, persons delta, households delta)` to the counts of each unit (a unit may
    /// appear more than once: its deltas are summed first, as one upsert may touch a row once).
    pub async fn add_unit_counts(&mut self, deltas: &[(i64, i64, i64)]) -> Result<()> {
        let mut summed: std::collections::BTreeMap<i64, (i64, i64)> = Default::default();
        for (unit, p, h) in deltas {
            let e = summed.entry(*unit).or_default();
            e.0 += p;
            e.1 += h;
        }
        let deltas: Vec<(i64, i64, i64)> = summed.into_iter().map(|(u, (p, h))| (u, p, h)).collect();
        for chunk in deltas.chunks(CHUNK) {
            on!(self, c => {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO unit_counts (unit_id, province_code, unit_path, persons, households) \
                     SELECT u.id, u.province_code, u.path, d.persons, d.households FROM units u JOIN (",
                );
                for (i, (unit, p, h)) in chunk.iter().enumerate() {
                    if i > 0 {
                        qb.push(" UNION ALL ");
                    }
                    qb.push("SELECT ").push_bind(*unit).push(" AS unit_id, ").push_bind(*p).push(" AS persons, ");
                    qb.push_bind(*h).push(" AS households");
                }
                qb.push(
                    // `WHERE TRUE`: SQLite needs it to tell the join's ON from the upsert's.
                    ") d ON d.unit_id = u.id WHERE TRUE ON CONFLICT (unit_id) DO UPDATE SET \
                     persons = unit_counts.persons + excluded.persons, \
                     households = unit_counts.households + excluded.households",
                );
                qb.build().execute(&mut **c).await.map(|_| ())
            })?;
        }
        Ok(())
    }

    /// Residents and households of the subtree at `path` (the unit and everything under it).
    pub async fn unit_totals(&mut self, path: &str) -> Result<(i64, i64)> {
        let (lo, hi) = ansinh_domain::unit::subtree_range(path);
        // SUM of BIGINT is NUMERIC on PostgreSQL: cast it back (a no-op on SQLite).
        let sql = "SELECT CAST(COALESCE(SUM(persons), 0) AS BIGINT), CAST(COALESCE(SUM(households), 0) AS BIGINT) \
                   FROM unit_counts \
                   WHERE unit_path >= $1 AND unit_path < $2";
        let (p, h): (i64, i64) =
            on!(self, c => sqlx::query_as(sql).bind(&lo).bind(&hi).fetch_one(&mut **c).await)?;
        Ok((p, h))
    }

    /// Poor and near-poor households under `path` in `year` (the commune's list of that year).
    pub async fn poverty_totals(&mut self, path: &str, year: i32) -> Result<(i64, i64)> {
        let (lo, hi) = ansinh_domain::unit::subtree_range(path);
        let sql = "SELECT CAST(COALESCE(SUM(CASE WHEN hp.status = 'poor' THEN 1 ELSE 0 END), 0) AS BIGINT), \
                          CAST(COALESCE(SUM(CASE WHEN hp.status = 'near_poor' THEN 1 ELSE 0 END), 0) AS BIGINT) \
                   FROM household_poverty hp JOIN households h ON h.id = hp.household_id \
                   WHERE hp.year = $1 AND hp.status IN ('poor', 'near_poor') \
                     AND h.unit_path >= $2 AND h.unit_path < $3";
        let (p, n): (i64, i64) =
            on!(self, c => sqlx::query_as(sql).bind(year).bind(&lo).bind(&hi).fetch_one(&mut **c).await)?;
        Ok((p, n))
    }

    /// The stored counts, by unit (units with both counts zero may be absent).
    pub async fn stored_unit_counts(&mut self) -> Result<Vec<UnitCount>> {
        let sql = "SELECT unit_id, persons, households FROM unit_counts ORDER BY unit_id";
        Ok(on!(self, c => sqlx::query_as::<_, UnitCount>(sql).fetch_all(&mut **c).await)?)
    }

    /// The counts recomputed from the records with plain `GROUP BY`s.
    pub async fn recount_units(&mut self) -> Result<Vec<UnitCount>> {
        let persons = "SELECT unit_id, COUNT(*) FROM persons WHERE merged_into IS NULL GROUP BY unit_id";
        let households = "SELECT unit_id, COUNT(*) FROM households GROUP BY unit_id";
        let p: Vec<(i64, i64)> = on!(self, c => sqlx::query_as(persons).fetch_all(&mut **c).await)?;
        let h: Vec<(i64, i64)> = on!(self, c => sqlx::query_as(households).fetch_all(&mut **c).await)?;
        let mut by_unit: std::collections::BTreeMap<i64, (i64, i64)> = Default::default();
        for (unit, n) in p {
            by_unit.entry(unit).or_default().0 = n;
        }
        for (unit, n) in h {
            by_unit.entry(unit).or_default().1 = n;
        }
        Ok(by_unit
            .into_iter()
            .map(|(unit_id, (persons, households))| UnitCount { unit_id, persons, households })
            .collect())
    }

    /// Replace every stored count by `counts` (the rebuild).
    pub async fn replace_unit_counts(&mut self, counts: &[UnitCount]) -> Result<()> {
        on!(self, c => sqlx::query("DELETE FROM unit_counts").execute(&mut **c).await.map(|_| ()))?;
        let deltas: Vec<(i64, i64, i64)> =
            counts.iter().map(|u| (u.unit_id, u.persons, u.households)).collect();
        self.add_unit_counts(&deltas).await
    }
}
