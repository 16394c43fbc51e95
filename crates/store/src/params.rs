//! Stored versions of the legal parameters.

use crate::{Conn, Result, StoreError};
use ansinh_rules::Confidence;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::{FromRow, QueryBuilder};

/// One stored version of a legal parameter (the rules crate's `ParamVersion`, plus provenance).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParamRow {
    pub key: String,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub value: i64,
    pub legal_basis: String,
    pub confidence: Confidence,
    /// `bundled` or the username that added it.
    pub source: String,
    /// Internal research note (administrators only); empty when none.
    pub note: String,
}

#[derive(FromRow)]
struct ParamRecord {
    key: String,
    effective_from: NaiveDate,
    effective_to: Option<NaiveDate>,
    value: i64,
    legal_basis: String,
    confidence: String,
    source: String,
    note: String,
}

impl TryFrom<ParamRecord> for ParamRow {
    type Error = StoreError;
    fn try_from(r: ParamRecord) -> Result<ParamRow> {
        let confidence = Confidence::parse(&r.confidence).ok_or_else(|| {
            StoreError::Corrupt(format!("parameter {}: confidence «{}»", r.key, r.confidence))
        })?;
        Ok(ParamRow {
            key: r.key,
            effective_from: r.effective_from,
            effective_to: r.effective_to,
            value: r.value,
            legal_basis: r.legal_basis,
            confidence,
            source: r.source,
            note: r.note,
        })
    }
}

impl Conn<'_> {
    pub async fn list_parameters(&mut self) -> Result<Vec<ParamRow>> {
        let sql = "SELECT key, effective_from, effective_to, value, legal_basis, confidence, source, note \
                   FROM rule_parameters ORDER BY key, effective_from";
        let rows = on!(self, c => sqlx::query_as::<_, ParamRecord>(sql).fetch_all(&mut **c).await)?;
        rows.into_iter().map(ParamRow::try_from).collect()
    }

    pub async fn insert_parameters(&mut self, rows: &[ParamRow], now: DateTime<Utc>) -> Result<()> {
        for chunk in rows.chunks(500) {
            on!(self, c => {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO rule_parameters (key, effective_from, effective_to, value, legal_basis, \
                     confidence, source, created_at, note) ",
                );
                qb.push_values(chunk, |mut b, r| {
                    b.push_bind(r.key.clone())
                        .push_bind(r.effective_from)
                        .push_bind(r.effective_to)
                        .push_bind(r.value)
                        .push_bind(r.legal_basis.clone())
                        .push_bind(r.confidence.as_str())
                        .push_bind(r.source.clone())
                        .push_bind(now)
                        .push_bind(r.note.clone());
                });
                qb.build().execute(&mut **c).await.map(|_| ())
            })?;
        }
        Ok(())
    }

    /// Bring a bundled version's texts (legal basis, confidence, note) up to the file a new
    /// release brings; versions administrators added are never touched. False if there is no
    /// such bundled version.
    pub async fn refresh_bundled_parameter(
        &mut self,
        key: &str,
        effective_from: NaiveDate,
        legal_basis: &str,
        confidence: Confidence,
        note: &str,
    ) -> Result<bool> {
        let sql = "UPDATE rule_parameters SET legal_basis = $1, confidence = $2, note = $3 \
                   WHERE key = $4 AND effective_from = $5 AND source = 'bundled'";
        let n = on!(self, c => sqlx::query(sql).bind(legal_basis).bind(confidence.as_str()).bind(note)
            .bind(key).bind(effective_from).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Close the version of `key` starting `effective_from` at `effective_to` (only if it is
    /// open-ended); false if there was no such open version.
    pub async fn close_parameter(
        &mut self,
        key: &str,
        effective_from: NaiveDate,
        effective_to: NaiveDate,
    ) -> Result<bool> {
        let sql = "UPDATE rule_parameters SET effective_to = $1 \
                   WHERE key = $2 AND effective_from = $3 AND effective_to IS NULL";
        let n = on!(self, c => sqlx::query(sql).bind(effective_to).bind(key).bind(effective_from)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
