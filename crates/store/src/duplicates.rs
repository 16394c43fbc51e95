//! Probable duplicates (same folded name and birth date in one commune) and dismissed pairs.

use crate::{Conn, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{FromRow, QueryBuilder};

/// A possible duplicate: two people with the same folded name and birth date in one commune.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct DuplicatePair {
    pub a: i64,
    pub b: i64,
}

impl Conn<'_> {
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
}
