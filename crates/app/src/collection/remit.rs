//! Nộp tiền — a collector closes the day into a remittance batch (totals by scheme and payer
//! source); the SI office confirms receipt of the money or flags a difference. A receipt in a
//! batch can no longer be voided by its collector; once the batch is confirmed, by nobody
//! (a correction is a new entry, not an edit).

use super::*;
use ansinh_domain::text;
use ansinh_store::RemittanceRow;
use std::collections::BTreeMap;

impl Audited for RemittanceRow {
    fn subject(&self) -> Subject {
        Subject::new("remittance", self.id, &self.province_code, &self.unit_path)
    }
}

/// A batch with its receipts.
#[derive(Debug, Clone, Serialize)]
pub struct RemittanceView {
    pub remittance: RemittanceRow,
    pub receipts: Vec<ReceiptRow>,
    pub by_scheme: BTreeMap<String, i64>,
    pub by_source: BTreeMap<String, i64>,
    pub can_review: bool,
}

fn totals(json: &str) -> (BTreeMap<String, i64>, BTreeMap<String, i64>) {
    #[derive(serde::Deserialize, Default)]
    struct T {
        #[serde(default)]
        by_scheme: BTreeMap<String, i64>,
        #[serde(default)]
        by_source: BTreeMap<String, i64>,
    }
    let t: T = serde_json::from_str(json).unwrap_or_default();
    (t.by_scheme, t.by_source)
}

impl App {
    /// Close the actor's `day` (today by default): every valid receipt of the day not yet
    /// remitted goes into one new batch.
    pub async fn close_day(&self, actor: &Actor, day: Option<NaiveDate>) -> Result<RemittanceRow> {
        let Some(uid) = actor.user_id else { return Err(AppError::Forbidden) };
        let Some(root) = actor.roots(Permission::Collect).into_iter().next() else {
            return Err(AppError::Forbidden);
        };
        let day = day.unwrap_or_else(|| self.today());
        let mut w = self.write(actor).await?;
        let receipts: Vec<ReceiptRow> = w
            .conn()
            .receipts_of_collector(uid, day, day)
            .await?
            .into_iter()
            .filter(|r| r.voided_at.is_none() && r.remittance_id.is_none())
            .collect();
        if receipts.is_empty() {
            return Err(AppError::invalid(
                "day",
                "Không có biên lai nào chưa nộp tiền trong ngày này",
                "no receipt of this day is left to remit",
            ));
        }
        let ids: Vec<i64> = receipts.iter().map(|r| r.id).collect();
        let mut by_scheme: BTreeMap<String, i64> = BTreeMap::new();
        for r in &receipts {
            *by_scheme.entry(r.scheme.as_str().into()).or_insert(0) += r.amount;
        }
        let mut by_source: BTreeMap<String, i64> = BTreeMap::new();
        for s in w.conn().receipt_sources(&ids).await? {
            *by_source.entry(s.source.as_str().into()).or_insert(0) += s.amount;
        }
        let collector =
            w.conn().user_by_id(uid).await?.map_or_else(|| actor.username.clone(), |u| u.display_name);
        let province = root.trim_matches('/').split('/').nth(1).unwrap_or_default().to_string();
        let province_code = match province.parse::<i64>() {
            Ok(id) => w.conn().unit_by_id(id).await?.map(|u| u.province_code).unwrap_or_default(),
            Err(_) => String::new(),
        };
        let mut r = RemittanceRow {
            id: 0,
            province_code,
            unit_path: root,
            collector_id: uid,
            collector,
            day,
            receipts: receipts.len() as i64,
            total: receipts.iter().map(|r| r.amount).sum(),
            totals_json: serde_json::json!({ "by_scheme": by_scheme, "by_source": by_source }).to_string(),
            status: "submitted".into(),
            submitted_at: w.now(),
            received: None,
            reviewed_by: String::new(),
            reviewed_at: None,
            note: String::new(),
        };
        r.id = w.conn().insert_remittance(&r).await?;
        let n = w.conn().assign_remittance(&ids, r.id).await?;
        if n != ids.len() as u64 {
            return Err(AppError::Busy);
        }
        w.created("remittance.submit", &r);
        w.commit().await?;
        Ok(r)
    }

    /// The SI office counts the money of a submitted batch: equal → confirmed, otherwise
    /// flagged with the difference and a note (required).
    pub async fn review_remittance(
        &self,
        actor: &Actor,
        id: i64,
        received: i64,
        note: &str,
    ) -> Result<RemittanceRow> {
        let note = text::free_text("note", note, 300)?;
        let mut w = self.write(actor).await?;
        let before = w.conn().remittance_by_id(id).await?.ok_or(AppError::NotFound)?;
        if !actor.can(Permission::View, &before.unit_path) {
            return Err(AppError::NotFound);
        }
        if !actor.can(Permission::ManageBooks, &before.unit_path) {
            return Err(AppError::Forbidden);
        }
        if received < 0 {
            return Err(AppError::invalid(
                "received",
                "Số tiền nhận không được âm",
                "the amount received cannot be negative",
            ));
        }
        let status = if received == before.total { "confirmed" } else { "flagged" };
        if status == "flagged" && note.is_empty() {
            return Err(AppError::invalid(
                "note",
                format!(
                    "Số tiền nhận {} khác tổng biên lai {}: cần ghi chú lý do chênh lệch",
                    ansinh_rules::Vnd(received).format_vi(),
                    ansinh_rules::Vnd(before.total).format_vi()
                ),
                "the amount received differs from the receipts' total: a note on the difference is needed",
            ));
        }
        let now = w.now();
        if !w.conn().review_remittance(id, status, received, &actor.username, now, &note).await? {
            return Err(AppError::invalid(
                "received",
                "Đợt nộp tiền này đã được xem xét",
                "this batch was reviewed already",
            ));
        }
        let after = RemittanceRow {
            status: status.into(),
            received: Some(received),
            reviewed_by: actor.username.clone(),
            reviewed_at: Some(now),
            note,
            ..before.clone()
        };
        w.updated("remittance.review", &before, &after);
        w.commit().await?;
        Ok(after)
    }

    /// The actor's batches (collector) and those inside its scope (SI office), newest first.
    pub async fn remittances(&self, actor: &Actor) -> Result<Vec<RemittanceRow>> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let mut out = match actor.user_id {
            Some(uid) if actor.has(Permission::Collect) => c.remittances_of_collector(uid, 200).await?,
            _ => Vec::new(),
        };
        for root in actor.roots(Permission::ManageBooks) {
            let (lo, hi) = ansinh_domain::unit::subtree_range(&root);
            out.extend(c.remittances_under(&lo, &hi, 500).await?);
        }
        out.sort_by_key(|r| std::cmp::Reverse(r.id));
        out.dedup_by_key(|r| r.id);
        Ok(out)
    }

    /// One batch with its receipts.
    pub async fn remittance_view(&self, actor: &Actor, id: i64) -> Result<RemittanceView> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let remittance = c.remittance_by_id(id).await?.ok_or(AppError::NotFound)?;
        let own = actor.user_id == Some(remittance.collector_id);
        if !own && !actor.can(Permission::View, &remittance.unit_path) {
            return Err(AppError::NotFound);
        }
        let receipts = c.receipts_of_remittance(id).await?;
        let (by_scheme, by_source) = totals(&remittance.totals_json);
        Ok(RemittanceView {
            can_review: remittance.status == "submitted"
                && actor.can(Permission::ManageBooks, &remittance.unit_path),
            remittance,
            receipts,
            by_scheme,
            by_source,
        })
    }
}

/// Whether a receipt may still be voided by `actor`, given its batch: not once the batch is
/// confirmed; by the office only once it is submitted.
pub(crate) async fn void_allowed(
    c: &mut ansinh_store::Conn<'_>,
    actor: &Actor,
    receipt: &ReceiptRow,
) -> Result<()> {
    let Some(rid) = receipt.remittance_id else { return Ok(()) };
    let batch = c.remittance_by_id(rid).await?.ok_or(AppError::NotFound)?;
    if batch.status == "confirmed" {
        return Err(AppError::invalid(
            "reason",
            "Biên lai đã nộp tiền và được cơ quan BHXH xác nhận: không huỷ được; hãy lập khoản điều chỉnh",
            "the receipt's money was remitted and confirmed: it cannot be voided; record a correcting entry",
        ));
    }
    if !actor.can(Permission::ManageBooks, &receipt.unit_path) {
        return Err(AppError::invalid(
            "reason",
            "Biên lai đã nộp tiền: chỉ cơ quan BHXH huỷ được khi chưa xác nhận đợt nộp",
            "the receipt's money was remitted: only the SI office can void it, before confirming the batch",
        ));
    }
    Ok(())
}
