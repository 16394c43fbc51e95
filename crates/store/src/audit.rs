//! The append-only audit trail.

use crate::{Conn, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{FromRow, QueryBuilder};

/// One audit row to append.
#[derive(Debug, Clone, Serialize)]
pub struct NewAudit {
    pub province_code: String,
    pub unit_path: String,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct AuditRow {
    pub id: i64,
    pub province_code: String,
    pub unit_path: String,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub at: DateTime<Utc>,
}

/// Filters of the audit page; every field optional.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub entity: Option<String>,
    pub actor: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Only rows with an id below this (keyset pagination, newest first).
    pub before_id: Option<i64>,
    /// Leave these actions out (e.g. sign-ins, which drown the changes).
    pub exclude_actions: Vec<String>,
}

impl Conn<'_> {
    pub async fn insert_audit(&mut self, a: &NewAudit) -> Result<()> {
        let sql = "INSERT INTO audit (province_code, unit_path, actor_id, actor, action, entity, entity_id, \
                   before_json, after_json, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
        on!(self, c => sqlx::query(sql)
            .bind(&a.province_code).bind(&a.unit_path).bind(a.actor_id).bind(&a.actor).bind(&a.action)
            .bind(&a.entity).bind(&a.entity_id).bind(&a.before_json).bind(&a.after_json).bind(a.at)
            .execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// Audit rows inside the scope roots, newest first.
    pub async fn list_audit(
        &mut self,
        roots: &[String],
        f: &AuditFilter,
        limit: i64,
    ) -> Result<Vec<AuditRow>> {
        let rows = on!(self, c => {
            let mut qb = QueryBuilder::new(
                "SELECT id, province_code, unit_path, actor_id, actor, action, entity, entity_id, \
                 before_json, after_json, at FROM audit WHERE ",
            );
            push_scope!(qb, "unit_path", roots);
            if let Some(a) = &f.action {
                qb.push(" AND action = ").push_bind(a.clone());
            }
            if let Some(e) = &f.entity {
                qb.push(" AND entity = ").push_bind(e.clone());
            }
            for x in &f.exclude_actions {
                qb.push(" AND action <> ").push_bind(x.clone());
            }
            if let Some(a) = &f.actor {
                qb.push(" AND actor = ").push_bind(a.clone());
            }
            if let Some(t) = f.from {
                qb.push(" AND at >= ").push_bind(t);
            }
            if let Some(t) = f.to {
                qb.push(" AND at < ").push_bind(t);
            }
            if let Some(id) = f.before_id {
                qb.push(" AND id < ").push_bind(id);
            }
            qb.push(" ORDER BY id DESC LIMIT ").push_bind(limit);
            qb.build_query_as::<AuditRow>().fetch_all(&mut **c).await
        })?;
        Ok(rows)
    }

    /// Distinct action names in the audit inside the scope roots (for the filter list).
    pub async fn audit_actions(&mut self, roots: &[String]) -> Result<Vec<String>> {
        Ok(on!(self, c => {
            let mut qb = QueryBuilder::new("SELECT DISTINCT action FROM audit WHERE ");
            push_scope!(qb, "unit_path", roots);
            qb.push(" ORDER BY action");
            qb.build_query_scalar::<String>().fetch_all(&mut **c).await
        })?)
    }
}
