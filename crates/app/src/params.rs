//! Legal parameters: kept in the database (seeded from the file bundled with the rules crate),
//! held in memory as a validated [`ParamSet`], and extended by administrators with new
//! versions — audited, never deleted: a new version closes the open-ended one before it.
//!
//! The in-memory set is swapped atomically after each committed change. A second server
//! process on the same database sees changes after its next start (documented in the README).

use crate::work::{Subject, Work};
use crate::{App, AppError, Result};
use ansinh_domain::unit::ROOT_PATH;
use ansinh_domain::{Actor, Permission};
use ansinh_rules::{AddOutcome, Confidence, ParamSet, ParamVersion};
use ansinh_store::{Conn, ParamRow};
use chrono::NaiveDate;
use std::sync::{Arc, RwLock};

/// The parameters in force for this process.
#[derive(Debug, Clone)]
pub struct Params(Arc<RwLock<Arc<ParamSet>>>);

impl Default for Params {
    fn default() -> Self {
        Params(Arc::new(RwLock::new(Arc::new(ParamSet::bundled()))))
    }
}

impl Params {
    pub fn get(&self) -> Arc<ParamSet> {
        self.0.read().map(|g| Arc::clone(&g)).unwrap_or_else(|p| Arc::clone(&p.into_inner()))
    }

    fn set(&self, p: ParamSet) {
        match self.0.write() {
            Ok(mut g) => *g = Arc::new(p),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(p),
        }
    }
}

fn to_row(v: &ParamVersion, source: &str) -> ParamRow {
    ParamRow {
        key: v.key.clone(),
        effective_from: v.effective_from,
        effective_to: v.effective_to,
        value: v.value,
        legal_basis: v.legal_basis.clone(),
        confidence: v.confidence,
        source: source.into(),
        note: v.note.clone(),
    }
}

fn to_version(r: &ParamRow) -> Result<ParamVersion> {
    Ok(ParamVersion {
        key: r.key.clone(),
        effective_from: r.effective_from,
        effective_to: r.effective_to,
        value: r.value,
        legal_basis: r.legal_basis.clone(),
        confidence: r.confidence,
        note: r.note.clone(),
    })
}

/// A version an administrator adds (from the form or the API).
#[derive(Debug, Clone)]
pub struct NewParamVersion {
    pub key: String,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub value: i64,
    pub legal_basis: String,
    pub confidence: String,
    /// Ghi chú nội bộ (optional): sources, assumptions, what is still to check.
    pub note: String,
}

/// Stored versions with who added them, for the parameter page.
pub type ParamListing = Vec<ParamRow>;

impl App {
    /// The parameters in force for this process.
    pub fn params(&self) -> Arc<ParamSet> {
        self.params.get()
    }

    /// Make sure every bundled version is in the database: all of them on an empty table;
    /// later, versions a new release brings (same rules as an administrator's addition, so an
    /// open-ended version is closed; a clash with an administrator's version is left as is and
    /// logged). Then load the set into memory.
    pub(crate) async fn sync_parameters(&self, w: &mut Work<'_>) -> Result<usize> {
        let stored = w.conn().list_parameters().await?;
        let bundled = ParamSet::bundled();
        let mut added = 0;
        if stored.is_empty() {
            let rows: Vec<ParamRow> = bundled.versions().into_iter().map(|v| to_row(v, "bundled")).collect();
            let now = w.now();
            w.conn().insert_parameters(&rows, now).await?;
            let after = serde_json::json!({ "versions": rows.len(), "source": "bundled" });
            w.changed("parameter.seed", Subject::new("parameter", "*", "00", ROOT_PATH), None, Some(after));
            added = rows.len();
        } else {
            let versions: Result<Vec<ParamVersion>> = stored.iter().map(to_version).collect();
            let mut set = ParamSet::from_versions(versions?).map_err(AppError::from)?;
            for v in bundled.versions() {
                let known = stored.iter().find(|r| r.key == v.key && r.effective_from == v.effective_from);
                if let Some(r) = known {
                    // A release may reword a bundled version's citation or note (or confirm it):
                    // the stored copy follows, audited; values and periods never change here.
                    let same =
                        r.legal_basis == v.legal_basis && r.confidence == v.confidence && r.note == v.note;
                    if r.source == "bundled" && r.value == v.value && !same {
                        w.conn()
                            .refresh_bundled_parameter(
                                &v.key,
                                v.effective_from,
                                &v.legal_basis,
                                v.confidence,
                                &v.note,
                            )
                            .await?;
                        let before = serde_json::json!({
                            "legal_basis": r.legal_basis, "confidence": r.confidence.as_str(), "note": r.note,
                        });
                        let after = serde_json::json!({
                            "legal_basis": v.legal_basis, "confidence": v.confidence.as_str(), "note": v.note,
                            "effective_from": v.effective_from,
                        });
                        w.changed(
                            "parameter.refresh",
                            Subject::new("parameter", &v.key, "00", ROOT_PATH),
                            Some(before),
                            Some(after),
                        );
                    }
                    continue;
                }
                match set.add_version(v.clone()) {
                    Ok(outcome) => {
                        self.write_outcome(w, &outcome, "bundled").await?;
                        added += 1;
                    }
                    Err(e) => {
                        tracing::warn!(key = %v.key, error = %e, "bundled parameter version not applied")
                    }
                }
            }
        }
        self.reload_parameters(&mut w.conn()).await?;
        Ok(added)
    }

    async fn reload_parameters(&self, c: &mut Conn<'_>) -> Result<()> {
        let versions: Result<Vec<ParamVersion>> = c.list_parameters().await?.iter().map(to_version).collect();
        self.params.set(ParamSet::from_versions(versions?).map_err(AppError::from)?);
        Ok(())
    }

    async fn write_outcome(&self, w: &mut Work<'_>, o: &AddOutcome, source: &str) -> Result<()> {
        let mut before = None;
        if let Some(closed) = &o.closed {
            let to = closed
                .after
                .effective_to
                .ok_or_else(|| AppError::Internal("closed version has no end".into()))?;
            if !w.conn().close_parameter(&closed.before.key, closed.before.effective_from, to).await? {
                return Err(AppError::Internal(format!(
                    "parameter {} changed concurrently",
                    closed.before.key
                )));
            }
            before = Some(serde_json::json!({ "closed": closed.before, "now": closed.after }));
        }
        let now = w.now();
        w.conn().insert_parameters(&[to_row(&o.added, source)], now).await?;
        let after = serde_json::to_value(&o.added).map_err(|e| AppError::Internal(e.to_string()))?;
        w.changed(
            "parameter.add",
            Subject::new("parameter", &o.added.key, "00", ROOT_PATH),
            before,
            Some(after),
        );
        Ok(())
    }

    /// Every stored version, by key and date.
    pub async fn list_parameters(&self) -> Result<ParamListing> {
        let mut r = self.db.read().await?;
        Ok(r.conn().list_parameters().await?)
    }

    /// Whether the actor may add parameter versions (national administrators: the law is national).
    pub fn can_manage_parameters(actor: &Actor) -> bool {
        actor.can(Permission::ManageParameters, ROOT_PATH)
    }

    /// Add a version (e.g. a new base salary from a date). Overlaps other than with the
    /// open-ended latest version are refused with both periods named.
    pub async fn add_parameter(&self, actor: &Actor, n: &NewParamVersion) -> Result<AddOutcome> {
        if !Self::can_manage_parameters(actor) {
            return Err(AppError::Forbidden);
        }
        let confidence = Confidence::parse(&n.confidence).ok_or_else(|| {
            AppError::invalid("confidence", "Độ tin cậy phải là V, S hoặc U", "confidence must be V, S or U")
        })?;
        let basis = ansinh_domain::text::free_text("legal_basis", &n.legal_basis, 500)?;
        if basis.is_empty() {
            return Err(AppError::invalid(
                "legal_basis",
                "Cần ghi căn cứ pháp lý (số hiệu văn bản)",
                "the legal basis (document number) is required",
            ));
        }
        let note = ansinh_domain::text::free_text("note", &n.note, 2000)?;
        let v = ParamVersion {
            key: n.key.trim().to_string(),
            effective_from: n.effective_from,
            effective_to: n.effective_to,
            value: n.value,
            legal_basis: basis,
            confidence,
            note,
        };
        let mut w = self.write(actor).await?;
        // Validate against the stored set, read inside the write transaction.
        let versions: Result<Vec<ParamVersion>> =
            w.conn().list_parameters().await?.iter().map(to_version).collect();
        let mut set = ParamSet::from_versions(versions?).map_err(AppError::from)?;
        let outcome = set.add_version(v).map_err(AppError::from)?;
        self.write_outcome(&mut w, &outcome, &actor.username).await?;
        w.commit().await?;
        self.params.set(set);
        Ok(outcome)
    }
}

impl App {
    /// Load the stored parameters into memory without writing anything (for `ansinh calc`
    /// on an existing database); an empty table keeps the bundled set.
    pub async fn load_parameters(&self) -> Result<Arc<ParamSet>> {
        let mut r = self.db.read().await?;
        let rows = r.conn().list_parameters().await?;
        if !rows.is_empty() {
            let versions: Result<Vec<ParamVersion>> = rows.iter().map(to_version).collect();
            self.params.set(ParamSet::from_versions(versions?).map_err(AppError::from)?);
        }
        Ok(self.params())
    }
}
