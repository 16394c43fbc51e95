//! The one write path: a unit of work opens the transaction, hands out the repository
//! connection, collects the audit rows of what it changed and the derived-state updates those
//! changes imply, and on [`Work::commit`] writes both and commits — all or nothing.
//!
//! ```ignore
//! let mut w = self.write(actor).await?;
//! let before = w.conn().person_by_id(id).await?.ok_or(AppError::NotFound)?;
//! …                                   // repository calls on w.conn()
//! w.updated("person.update", &before, &after);
//! w.commit().await?;
//! ```
//!
//! Forgetting the audit is impossible by construction: [`Work::commit`] refuses a unit of work
//! that recorded no change (and rolls it back), and a unit of work dropped without commit rolls
//! back. Only [`App::write`] and [`App::bookkeeping`] open write transactions; a test checks
//! that no other file of this crate calls `begin()`.
//!
//! Derived state (counters per unit and the live coverage series) is updated by the
//! same transaction: a use case adds [`Derived`] deltas, and commit applies them summed per
//! key, so a read after the commit sees them and a rolled-back change leaves no trace.

use crate::{App, AppError, Result};
use ansinh_domain::{Actor, Unit};
use ansinh_store::{Conn, HouseholdRow, NewAudit, PersonRow, Tx};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// What an audit row is about: the entity, its id and where it lives, so that the audit is
/// filtered by scope like everything else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Subject {
    pub entity: &'static str,
    pub id: String,
    pub province_code: String,
    pub unit_path: String,
}

impl Subject {
    pub fn new(entity: &'static str, id: impl ToString, province_code: &str, unit_path: &str) -> Subject {
        Subject {
            entity,
            id: id.to_string(),
            province_code: province_code.to_string(),
            unit_path: unit_path.to_string(),
        }
    }
}

/// A record whose changes are audited: it knows its own [`Subject`].
pub(crate) trait Audited: Serialize {
    fn subject(&self) -> Subject;
}

impl Audited for PersonRow {
    fn subject(&self) -> Subject {
        Subject::new("person", self.id, &self.province_code, &self.unit_path)
    }
}

impl Audited for HouseholdRow {
    fn subject(&self) -> Subject {
        Subject::new("household", self.id, &self.province_code, &self.unit_path)
    }
}

impl Audited for Unit {
    fn subject(&self) -> Subject {
        Subject::new("unit", self.id, &self.province_code, &self.path)
    }
}

/// A change to state derived from the records, applied in the same transaction as the
/// change that causes it. Deltas are summed per unit when they are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Derived {
    /// Persons living in the unit (`unit id`, delta).
    Persons(i64, i64),
    /// Households whose residence is the unit (`unit id`, delta).
    Households(i64, i64),
    /// A person whose coverage may have changed (a participation, payment, void, move, merge,
    /// birth date or occupation): their spans are recomputed at commit and the coverage
    /// series updated by the difference.
    Coverage(i64),
}

/// An open unit of work; see the module documentation.
pub(crate) struct Work<'a> {
    actor: &'a Actor,
    tx: Tx,
    params: std::sync::Arc<ansinh_rules::ParamSet>,
    today: chrono::NaiveDate,
    now: DateTime<Utc>,
    audit: Vec<NewAudit>,
    derived: Vec<Derived>,
    /// Set by [`App::bookkeeping`]: a write that is not a change of record (session ends,
    /// a token's last use).
    bookkeeping: bool,
    /// What the indicators show changed (targets, denominators, places, a rebuild); coverage
    /// changes are found at commit.
    indicators: bool,
}

impl App {
    /// Open a unit of work for `actor`.
    pub(crate) async fn write<'a>(&self, actor: &'a Actor) -> Result<Work<'a>> {
        Ok(Work {
            actor,
            tx: self.db.begin().await?,
            params: self.params(),
            today: self.today(),
            now: self.now(),
            audit: Vec::new(),
            derived: Vec::new(),
            bookkeeping: false,
            indicators: false,
        })
    }

    /// Open a unit of work for bookkeeping that is no change of record and needs no audit row.
    /// Each caller says why in a comment; it cannot carry derived-state updates.
    pub(crate) async fn bookkeeping(&self) -> Result<Work<'static>> {
        static SYSTEM: std::sync::OnceLock<Actor> = std::sync::OnceLock::new();
        let mut w = self.write(SYSTEM.get_or_init(Actor::system)).await?;
        w.bookkeeping = true;
        Ok(w)
    }
}

impl<'a> Work<'a> {
    /// The repository connection of this transaction.
    pub fn conn(&mut self) -> Conn<'_> {
        self.tx.conn()
    }

    /// Whether this unit of work's actor holds `permission` at `unit_path`.
    pub fn actor_can(&self, permission: ansinh_domain::Permission, unit_path: &str) -> bool {
        self.actor.can(permission, unit_path)
    }

    /// Who acts in this unit of work (as stored on the rows it writes).
    pub fn actor_name(&self) -> String {
        self.actor.username.clone()
    }

    /// The time of this unit of work: every row it writes carries the same instant.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Record a change of `subject` with its before and after values (either may be absent).
    pub fn changed(
        &mut self,
        action: &str,
        subject: Subject,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) {
        self.audit.push(NewAudit {
            province_code: subject.province_code,
            unit_path: subject.unit_path,
            actor_id: self.actor.user_id,
            actor: self.actor.username.clone(),
            action: action.to_string(),
            entity: subject.entity.to_string(),
            entity_id: subject.id,
            before_json: before.map(|v| v.to_string()),
            after_json: after.map(|v| v.to_string()),
            at: self.now,
        });
    }

    /// Record that `after` was created.
    pub fn created<T: Audited>(&mut self, action: &str, after: &T) {
        self.changed(action, after.subject(), None, Some(json(after)));
    }

    /// Record that `before` became `after` (filed where `after` lives).
    pub fn updated<T: Audited>(&mut self, action: &str, before: &T, after: &T) {
        self.changed(action, after.subject(), Some(json(before)), Some(json(after)));
    }

    /// Record an event about `subject` that carries no before/after values.
    pub fn event(&mut self, action: &str, subject: Subject) {
        self.changed(action, subject, None, None);
    }

    /// Record that what the indicators show changed: dashboards kept by readers are dropped.
    pub fn indicators_changed(&mut self) {
        self.indicators = true;
    }

    /// Add a derived-state delta, applied at commit in this transaction.
    pub fn derive(&mut self, d: Derived) {
        self.derived.push(d);
    }

    /// [`Work::commit`] if a change was recorded, else roll back: for use cases that may find
    /// nothing to do (bootstrapping a database already set up).
    pub async fn finish(self) -> Result<()> {
        if self.audit.is_empty() && self.derived.is_empty() { Ok(()) } else { self.commit().await }
    }

    /// Write the audit rows and the derived state, then commit. A unit of work that recorded
    /// no change is refused and rolled back (unless it is bookkeeping).
    pub async fn commit(mut self) -> Result<()> {
        if self.audit.is_empty() && !self.bookkeeping {
            return Err(AppError::Internal("a write without an audit row was refused".into()));
        }
        if self.bookkeeping && !self.derived.is_empty() {
            return Err(AppError::Internal("bookkeeping cannot change derived state".into()));
        }
        let mut c = self.tx.conn();
        for row in &self.audit {
            c.insert_audit(row).await?;
        }
        let deltas: Vec<(i64, i64, i64)> = self
            .derived
            .iter()
            .filter_map(|d| match *d {
                Derived::Persons(unit, n) => Some((unit, n, 0)),
                Derived::Households(unit, n) => Some((unit, 0, n)),
                Derived::Coverage(_) => None,
            })
            .filter(|(_, p, h)| *p != 0 || *h != 0)
            .collect();
        if !deltas.is_empty() {
            c.add_unit_counts(&deltas).await?;
        }
        let mut persons: Vec<i64> = self
            .derived
            .iter()
            .filter_map(|d| if let Derived::Coverage(p) = d { Some(*p) } else { None })
            .collect();
        persons.sort_unstable();
        persons.dedup();
        let counts_changed = !deltas.is_empty();
        if !persons.is_empty()
            && crate::indicators::live::refresh(&mut c, &persons, &self.params, self.today).await?
        {
            self.indicators = true;
        }
        if self.indicators || counts_changed {
            c.bump_indicator_version().await?;
        }
        self.tx.commit().await?;
        Ok(())
    }
}

pub(crate) fn json<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    /// Only `work.rs` opens write transactions: every change goes through [`super::Work`].
    #[test]
    fn no_other_file_opens_a_transaction() {
        fn scan(dir: &std::path::Path, offenders: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    scan(&path, offenders);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("work.rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    if text.contains(".begin().await") || text.contains("insert_audit(") {
                        offenders.push(path.display().to_string());
                    }
                }
            }
        }
        let mut offenders = Vec::new();
        scan(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")), &mut offenders);
        assert!(offenders.is_empty(), "writes outside the unit of work: {offenders:?}");
    }
}
