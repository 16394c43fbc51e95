//! The audit trail: append-only, written in the transaction of the change it records (by the
//! unit of work, [`crate::work`]), and read here within the actor's audit scope.

use crate::{App, Result};
use ansinh_domain::{Actor, Permission};
use ansinh_store::{AuditFilter, AuditRow};
use serde::Serialize;

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
        for (field, value) in
            [("action", &filter.action), ("entity", &filter.entity), ("actor", &filter.actor)]
        {
            if let Some(v) = value {
                ansinh_domain::text::free_text(field, v, 100)?;
            }
        }
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
