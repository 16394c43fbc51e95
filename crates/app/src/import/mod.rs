//! Import persons from CSV or XLSX (the template's Vietnamese headers or the English keys).
//!
//! All-or-nothing by default: one bad row and nothing is written, every bad row is reported
//! (`dòng N, cột X: lý do`). With "valid rows only" the good rows are written and the rejected
//! ones come back as an XLSX with a reason column. A dry run writes nothing. Re-importing the
//! same file changes nothing: persons are matched by CCCD and rewritten only when they differ.
//!
//! How a file of any size stays within a fixed memory and never holds other users up
//! ([`pipeline`]): the file is read twice, row by row, on a thread of its own that hands the
//! parsed rows on in batches. The first pass checks every row and keeps a few bytes per row
//! (citizen ids as integers, one bit for "bad"); its errors go to a file on disk as they are
//! found. The second pass writes: into a registry that already holds people, each batch is its
//! own short transaction, recorded in the import job's ledger, so other users' writes go on
//! between batches and a restart resumes after the last batch written; into an empty registry
//! (the first load of a province, nobody else's data to write yet) everything is one
//! transaction with the indexes lifted, the fastest load. Web uploads run as background jobs
//! ([`jobs`]): queued, running with progress, done or failed, kept in the database.

use crate::registry::{NameKeys, PersonValues, ResolvedPlace, person_write_keyed, same_person};
use crate::work::{Derived, Subject};
use crate::{App, AppError, Result};
use ansinh_domain::import::{PersonRecord, RowError};
use ansinh_domain::person::Relation;
use ansinh_domain::{Actor, Permission};
use ansinh_reports::{FileError, Table};
use ansinh_store::{HouseholdRow, PersonRow, PersonWrite};
use serde::Serialize;
use std::collections::HashMap;
use std::path::PathBuf;

/// What to do with the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Check only; write nothing.
    DryRun,
    /// Write everything or, if any row is bad, nothing.
    AllOrNothing,
    /// Write the good rows; return the bad ones as a file.
    ValidRowsOnly,
}

impl ImportMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportMode::DryRun => "dry_run",
            ImportMode::AllOrNothing => "all_or_nothing",
            ImportMode::ValidRowsOnly => "valid_rows_only",
        }
    }

    pub fn parse(s: &str) -> Option<ImportMode> {
        match s {
            "dry_run" => Some(ImportMode::DryRun),
            "all_or_nothing" => Some(ImportMode::AllOrNothing),
            "valid_rows_only" => Some(ImportMode::ValidRowsOnly),
            _ => None,
        }
    }
}

/// Stages reported to a progress callback: (stage, done, total).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Reading,
    Checking,
    Writing,
    /// Building the search indexes after a large load.
    Indexing,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Reading => "reading",
            Stage::Checking => "checking",
            Stage::Writing => "writing",
            Stage::Indexing => "indexing",
        }
    }
}

/// Errors an [`ImportReport`] lists; the rest are in its errors file.
pub const LISTED_ERRORS: usize = 1_000;

#[derive(Debug, Default, Clone, Serialize, serde::Deserialize)]
pub struct ImportReport {
    /// Data rows in the file (blank rows not counted).
    pub rows: usize,
    /// The first [`LISTED_ERRORS`] errors, by row.
    pub errors: Vec<RowError>,
    /// All errors (see `errors_file` when there are more than are listed).
    pub error_count: usize,
    /// Rows with at least one error.
    pub bad_rows: usize,
    /// The first [`LISTED_ERRORS`] warnings: what was repaired on the way in (a citizen id
    /// whose leading 0 Excel dropped) or skipped (the template's example row). They do not
    /// stop the import.
    #[serde(default)]
    pub warnings: Vec<RowError>,
    #[serde(default)]
    pub warning_count: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub households_created: usize,
    /// Whether anything was written.
    pub written: bool,
    /// Every error as CSV (row, column, Vietnamese, English), when there is any.
    #[serde(skip)]
    pub errors_file: Option<PathBuf>,
    /// With [`ImportMode::ValidRowsOnly`]: the rejected rows with a reason column, as XLSX.
    #[serde(skip)]
    pub rejected_file: Option<PathBuf>,
}

impl ImportReport {
    pub fn bad_rows(&self) -> usize {
        self.bad_rows
    }
}

fn file_error(e: FileError) -> AppError {
    AppError::invalid("file", e.vi, e.en)
}

fn is_csv(filename: &str) -> bool {
    let f = filename.to_lowercase();
    f.ends_with(".csv") || f.ends_with(".txt") || f.ends_with(".tsv")
}

/// A file opened for reading: its header row, then its data rows.
pub(crate) enum Source<'a> {
    /// Streamed: a million-row CSV is never held as cells.
    Csv(Box<ansinh_reports::CsvRows<&'a [u8]>>),
    Table(Table),
}

impl<'a> Source<'a> {
    pub(crate) fn open(filename: &str, bytes: &'a [u8]) -> Result<Source<'a>> {
        if is_csv(filename) {
            Ok(Source::Csv(Box::new(ansinh_reports::csv_rows(bytes).map_err(file_error)?)))
        } else {
            Ok(Source::Table(ansinh_reports::read_table(filename, bytes).map_err(file_error)?))
        }
    }

    pub(crate) fn headers(&self) -> Vec<String> {
        match self {
            Source::Csv(r) => r.headers().to_vec(),
            Source::Table(t) => t.headers.clone(),
        }
    }

    /// Call `f` with (Excel row number, cells) for every data row.
    pub(crate) fn for_each(self, mut f: impl FnMut(usize, Vec<String>)) -> Result<()> {
        match self {
            Source::Csv(rows) => {
                for r in rows {
                    let (n, cells) = r.map_err(file_error)?;
                    f(n, cells);
                }
            }
            Source::Table(t) => {
                for (i, cells) in t.rows.into_iter().enumerate() {
                    f(Table::row_number(i), cells);
                }
            }
        }
        Ok(())
    }
}

/// Most reconciliation requests one file files individually; the rest are counted in one row.
const MAX_CONFLICT_ROWS: usize = 1_000;

/// Audit a reconciliation request for each existing record outside the actor's scope whose
/// citizen id the file asked for, filed where that record lives: the first
/// [`MAX_CONFLICT_ROWS`] one by one, the rest (`total` in all) counted in one row.
fn record_conflicts(w: &mut crate::work::Work<'_>, conflicts: &[PersonRow], total: usize, filename: &str) {
    use crate::work::Audited;
    for p in conflicts.iter().take(MAX_CONFLICT_ROWS) {
        let after = serde_json::json!({ "cccd": p.cccd, "file": filename });
        w.changed("person.cccd_conflict", p.subject(), None, Some(after));
    }
    if total > MAX_CONFLICT_ROWS {
        let after = serde_json::json!({ "file": filename, "more_conflicts": total - MAX_CONFLICT_ROWS });
        w.changed(
            "person.cccd_conflict",
            Subject::new("import", filename, "00", ansinh_domain::unit::ROOT_PATH),
            None,
            Some(after),
        );
    }
}

/// The deepest unit path that holds every one of `paths` (the root when there are none).
fn common_path<'a>(paths: impl Iterator<Item = &'a str>) -> String {
    let mut common: Option<&str> = None;
    for p in paths {
        common = Some(match common {
            None => p,
            Some(c) => {
                // Longest shared prefix that ends at a segment boundary ('/').
                let shared = c.bytes().zip(p.bytes()).take_while(|(a, b)| a == b).count();
                let cut = c[..shared].rfind('/').map_or(0, |i| i + 1);
                &c[..cut]
            }
        });
    }
    match common {
        Some(c) if c.starts_with(ansinh_domain::unit::ROOT_PATH) => c.to_string(),
        _ => ansinh_domain::unit::ROOT_PATH.to_string(),
    }
}

fn row_error(row: usize, column: &str, vi: String, en: String) -> RowError {
    RowError { row, column: column.to_string(), vi, en }
}

const UNIT_COLUMN: &str = "Mã thôn/tổ/xã";

pub(crate) mod jobs;
mod pipeline;

pub use jobs::{FILES_KEPT_HOURS, ImportJob, JobFile, JobState};
pub use pipeline::{BATCH_ROWS, ImportFile};

#[cfg(test)]
mod tests {
    use super::*;

    /// With every slot taken, an import waits its turn (it does not run beside them), and runs
    /// once a slot frees.
    #[tokio::test]
    async fn imports_queue_for_a_slot() {
        let t = ansinh_store::testing::sqlite().await;
        let mut app = App::with_db(t.db.clone());
        app.set_import_slots(1);
        app.bootstrap(Some("admin-password-1")).await.unwrap();
        let held = app.imports.clone().acquire_owned().await.unwrap();
        let sys = Actor::system();
        let csv = b"cccd,full_name,birth_date,sex,household_code,relation,unit_code\n";
        let waiting = tokio::time::timeout(
            std::time::Duration::from_millis(300),
            app.import_persons(&sys, "x.csv", csv, ImportMode::DryRun, &mut |_, _, _| {}),
        )
        .await;
        assert!(waiting.is_err(), "the import ran while the only slot was taken");
        drop(held);
        // A slot is free: it runs (and answers: a header without rows).
        let done = app.import_persons(&sys, "x.csv", csv, ImportMode::DryRun, &mut |_, _, _| {}).await;
        assert!(matches!(done, Err(AppError::Invalid(_))), "{done:?}");
    }
}
