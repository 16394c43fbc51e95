//! The audit trail: append-only, written in the transaction of the change it records.

use crate::{App, Result};
use ansinh_domain::{Actor, Permission};
use ansinh_store::{AuditFilter, AuditRow, Conn, NewAudit};
use serde::Serialize;

/// Append one audit row for a change made by `actor` on the unit at (`province_code`, `path`).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record(
    c: &mut Conn<'_>,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: impl ToString,
    province_code: &str,
    unit_path: &str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<()> {
    c.insert_audit(&NewAudit {
        province_code: province_code.to_string(),
        unit_path: unit_path.to_string(),
        actor_id: actor.user_id,
        actor: actor.username.clone(),
        action: action.to_string(),
        entity: entity.to_string(),
        entity_id: entity_id.to_string(),
        before_json: before.map(|v| v.to_string()),
        after_json: after.map(|v| v.to_string()),
        at: crate::now(),
    })
    .await?;
    Ok(())
}

/// One page of audit rows, newest first.
#[derive(Debug, Serialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    /// Pass as `before_id` for the next page; `None` on the last page.
    pub next_before: Option<i64>,
    pub actions: Vec<String>,
}

impl App {
    /// Audit rows inside the actor's audit scope.
    pub async fn audit_list(&self, actor: &Actor, filter: &AuditFilter, limit: i64) -> Result<AuditPage> {
        let roots = actor.roots(Permission::ViewAudit);
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let limit = limit.clamp(1, 500);
        let mut rows = c.list_audit(&roots, filter, limit + 1).await?;
        let next_before = if rows.len() as i64 > limit {
            rows.truncate(limit as usize);
            rows.last().map(|r| r.id)
        } else {
            None
        };
        let actions = c.audit_actions(&roots).await?;
        Ok(AuditPage { rows, next_before, actions })
    }
}
