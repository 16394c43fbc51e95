//! Moves between places and households: a history that is never rewritten.

use crate::{Conn, Result};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::FromRow;

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

impl Conn<'_> {
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
}
