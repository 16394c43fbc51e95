//! The person import, streamed: see the module documentation of [`super`].
//!
//! Memory: the file itself (at most the upload limit), the batches in flight (two of
//! [`BATCH_ROWS`] parsed rows), and per row of the file a few bytes — its citizen id and SI
//! number as integers with the row number, one bit for "bad", and for heads of households
//! their household code. Errors and rejected rows are written to disk as they are found.

use super::*;
use ansinh_domain::import::{
    FileChecks, is_blank_row, is_template_example, map_headers, parse_row, template_example_skipped,
};
use ansinh_reports::{TableItem, XlsxStream};
use ansinh_store::ChunkCounts;
use chrono::NaiveDate;
use std::collections::BTreeSet;
use std::io::{BufRead, BufWriter, Write};
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Rows per batch: in a registry that already holds people, each batch is written in its own
/// transaction, so another user's write waits at most one batch.
pub const BATCH_ROWS: usize = 2_000;
/// Rows written per statement group in a first load (one transaction in any case).
const BULK_CHUNK: usize = 10_000;

/// Where an import reads its file from.
#[derive(Debug, Clone)]
pub enum ImportFile {
    /// In memory (the API's body, tests).
    Bytes(Arc<[u8]>),
    /// On disk (a job's upload): read for each pass, dropped in between.
    Path(PathBuf),
}

impl ImportFile {
    /// Read the file row by row (see [`ansinh_reports::for_each_row`]); one on disk is streamed,
    /// never held whole.
    fn for_each_row(
        &self,
        filename: &str,
        f: &mut dyn FnMut(TableItem<'_>) -> ControlFlow<()>,
    ) -> Result<std::result::Result<(), FileError>> {
        match self {
            ImportFile::Bytes(b) => {
                Ok(ansinh_reports::for_each_row(filename, std::io::Cursor::new(&b[..]), f))
            }
            ImportFile::Path(p) => {
                let file = std::fs::File::open(p).map_err(|e| io_error("reading the upload", e))?;
                Ok(ansinh_reports::for_each_row(filename, std::io::BufReader::new(file), f))
            }
        }
    }

    /// Line ends in the file (a CSV's rows, for the progress bar), counted in chunks.
    fn line_ends(&self) -> Result<usize> {
        let count = |mut r: Box<dyn std::io::Read>| -> std::io::Result<usize> {
            let mut buf = vec![0u8; 256 * 1024];
            let mut n = 0;
            loop {
                let got = r.read(&mut buf)?;
                if got == 0 {
                    return Ok(n);
                }
                n += buf[..got].iter().filter(|c| **c == b'\n').count();
            }
        };
        let reader: Box<dyn std::io::Read> = match self {
            ImportFile::Bytes(b) => Box::new(std::io::Cursor::new(b.clone())),
            ImportFile::Path(p) => {
                Box::new(std::fs::File::open(p).map_err(|e| io_error("reading the upload", e))?)
            }
        };
        count(reader).map_err(|e| io_error("reading the upload", e))
    }
}

/// One bit per file row.
#[derive(Debug, Default, Clone)]
pub(crate) struct RowBits(Vec<u64>);

impl RowBits {
    fn set(&mut self, row: usize) {
        let (w, b) = (row / 64, row % 64);
        if self.0.len() <= w {
            self.0.resize(w + 1, 0);
        }
        self.0[w] |= 1 << b;
    }

    fn get(&self, row: usize) -> bool {
        self.0.get(row / 64).is_some_and(|w| w & (1 << (row % 64)) != 0)
    }

    fn count(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }
}

/// What the reader thread hands on.
enum Item {
    /// The header could not be mapped to columns.
    Header(Vec<RowError>),
    Batch(Batch),
    Failed(FileError),
    /// The rejected rows file could not be written.
    Broken(String),
}

#[derive(Default)]
struct Batch {
    records: Vec<(PersonRecord, NameKeys)>,
    /// Errors of the rows that did not parse, by row.
    errors: Vec<RowError>,
    /// What was repaired or skipped (the template's example row), by row.
    warnings: Vec<RowError>,
    /// Non-blank data rows in the batch (parsed or not).
    rows: usize,
    /// Rows read so far, blank ones included.
    seen: usize,
}

/// The second pass's reader also writes the rejected rows, each with its reasons.
struct Rejected {
    path: PathBuf,
    errors: PathBuf,
}

/// Read `file` on a thread of its own and hand its rows on in batches. Rows in `skip` are not
/// parsed; with `rejected` they are written to that file instead.
fn spawn_reader(
    filename: String,
    file: ImportFile,
    batch_rows: usize,
    with_keys: bool,
    today: NaiveDate,
    skip: Option<Arc<RowBits>>,
    rejected: Option<Rejected>,
) -> mpsc::Receiver<Item> {
    let (tx, rx) = mpsc::channel::<Item>(2);
    tokio::task::spawn_blocking(move || {
        let mut map = None;
        let mut batch = Batch::default();
        let mut seen = 0usize;
        let mut memo: HashMap<String, NameKeys> = HashMap::new();
        let mut out: Option<(XlsxStream, std::iter::Peekable<ErrorLines>)> = None;
        let mut broken: Option<String> = None;
        let read = file.for_each_row(&filename, &mut |item| match item {
            TableItem::Headers(h) => match map_headers(h) {
                Ok(m) => {
                    map = Some(m);
                    if let Some(r) = &rejected {
                        let mut headers = h.to_vec();
                        headers.push("Lỗi".to_string());
                        match (
                            XlsxStream::create(&r.path, "Dòng bị từ chối", &headers),
                            ErrorLines::open(&r.errors),
                        ) {
                            (Ok(x), Ok(e)) => out = Some((x, e.peekable())),
                            (Err(e), _) => broken = Some(e.en),
                            (_, Err(e)) => broken = Some(e.to_string()),
                        }
                    }
                    ControlFlow::Continue(())
                }
                Err(e) => {
                    let _ = tx.blocking_send(Item::Header(e));
                    ControlFlow::Break(())
                }
            },
            TableItem::Row(n, cells) => {
                seen += 1;
                if is_blank_row(&cells) {
                    return ControlFlow::Continue(());
                }
                batch.rows += 1;
                if skip.as_ref().is_some_and(|s| s.get(n)) {
                    if let Some((x, errors)) = &mut out {
                        let mut reasons = Vec::new();
                        while let Some(e) = errors.next_if(|e| e.row <= n) {
                            if e.row == n {
                                reasons.push(e.to_string());
                            }
                        }
                        let mut row = cells;
                        row.push(reasons.join("; "));
                        if let Err(e) = x.push(&row) {
                            broken = Some(e.en);
                            return ControlFlow::Break(());
                        }
                    }
                } else if let Some(m) = &map {
                    if is_template_example(m, &cells) {
                        batch.warnings.push(template_example_skipped(n));
                        return ControlFlow::Continue(());
                    }
                    match parse_row(m, n, &cells, today) {
                        Ok(mut r) if !with_keys => {
                            batch.warnings.append(&mut r.warnings);
                            // The check needs no search keys (the costliest part of a row).
                            let keys = NameKeys {
                                name_key: String::new(),
                                given_key: String::new(),
                                sort_key: Vec::new(),
                            };
                            batch.records.push((r, keys));
                        }
                        Ok(mut r) => {
                            r.warnings.clear();
                            let keys = match memo.get(r.full_name.as_str()) {
                                Some(k) => k.clone(),
                                None => {
                                    if memo.len() > 50_000 {
                                        memo.clear();
                                    }
                                    let k = NameKeys::of(&r.full_name);
                                    memo.insert(r.full_name.as_str().to_string(), k.clone());
                                    k
                                }
                            };
                            batch.records.push((r, keys));
                        }
                        Err(mut e) => batch.errors.append(&mut e),
                    }
                }
                if batch.rows >= batch_rows {
                    let mut full = std::mem::take(&mut batch);
                    full.seen = seen;
                    if tx.blocking_send(Item::Batch(full)).is_err() {
                        return ControlFlow::Break(());
                    }
                }
                ControlFlow::Continue(())
            }
        });
        match read {
            Ok(Ok(())) => {
                if let Some(b) = broken {
                    let _ = tx.blocking_send(Item::Broken(b));
                    return;
                }
                if map.is_some() {
                    batch.seen = seen;
                    let _ = tx.blocking_send(Item::Batch(batch));
                }
                if let Some((x, _)) = out
                    && let Err(e) = x.finish()
                {
                    let _ = tx.blocking_send(Item::Broken(e.en));
                }
            }
            Ok(Err(e)) => {
                let _ = tx.blocking_send(Item::Failed(e));
            }
            Err(e) => {
                let _ = tx.blocking_send(Item::Broken(e.to_string()));
            }
        }
    });
    rx
}

/// Errors stored one JSON object per line, in row order.
struct ErrorLines(std::io::Lines<std::io::BufReader<std::fs::File>>);

impl ErrorLines {
    fn open(path: &Path) -> std::io::Result<ErrorLines> {
        Ok(ErrorLines(std::io::BufReader::new(std::fs::File::open(path)?).lines()))
    }
}

impl Iterator for ErrorLines {
    type Item = RowError;
    fn next(&mut self) -> Option<RowError> {
        let line = self.0.next()?.ok()?;
        serde_json::from_str(&line).ok()
    }
}

/// Reports progress to the caller and, at most every two seconds, to the job's row (which is
/// also its heartbeat).
pub(crate) struct Tracker<'p> {
    pub(crate) job: Option<i64>,
    pub(crate) progress: &'p mut (dyn FnMut(Stage, usize, usize) + Send),
    last: Option<Instant>,
    /// Off while a bulk load holds the write transaction (on SQLite a second writer would
    /// wait for it): the progress is then only in this process's memory.
    persist: bool,
}

impl<'p> Tracker<'p> {
    pub(crate) fn new(job: Option<i64>, progress: &'p mut (dyn FnMut(Stage, usize, usize) + Send)) -> Self {
        Tracker { job, progress, last: None, persist: true }
    }

    async fn report(&mut self, app: &App, stage: Stage, done: usize, total: usize) -> Result<()> {
        (self.progress)(stage, done, total);
        if let Some(job) = self.job {
            app.job_progress.set(job, stage, done, total);
        }
        let due = self.persist && self.last.is_none_or(|t| t.elapsed() >= Duration::from_secs(2));
        if let (Some(job), true) = (self.job, due) {
            self.last = Some(Instant::now());
            // Bookkeeping: a job's progress is no change of record.
            let mut w = app.bookkeeping().await?;
            let now = w.now();
            w.conn().set_import_progress(job, stage.as_str(), done as i64, total as i64, now).await?;
            w.commit().await?;
        }
        Ok(())
    }
}

/// What the first pass learnt.
struct Checked {
    rows: usize,
    bad: RowBits,
    place_index: HashMap<String, usize>,
    places: Vec<ResolvedPlace>,
    /// Where each household's head lives, by (commune, household code): a new household is
    /// placed with its head, whatever row names it first.
    head_place: HashMap<(i64, String), usize>,
    communes: BTreeSet<i64>,
    conflicts: Vec<PersonRow>,
    conflict_total: usize,
    listed: Vec<RowError>,
    error_count: usize,
    /// The first warnings, and how many in all.
    warnings: Vec<RowError>,
    warning_count: usize,
}

/// The files a run leaves in its folder.
pub(crate) fn errors_csv(dir: &Path) -> PathBuf {
    dir.join("loi.csv")
}
pub(crate) fn rejected_xlsx(dir: &Path) -> PathBuf {
    dir.join("dong-bi-tu-choi.xlsx")
}
fn errors_jsonl(dir: &Path) -> PathBuf {
    dir.join("errors.jsonl")
}

fn io_error(what: &str, e: std::io::Error) -> AppError {
    AppError::Internal(format!("{what}: {e}"))
}

impl App {
    /// Import persons from a file in memory; see the module documentation. `progress` gets
    /// (stage, done, total). The errors file and the rejected rows are left in a folder of
    /// their own under the app's files folder.
    pub async fn import_persons(
        &self,
        actor: &Actor,
        filename: &str,
        bytes: &[u8],
        mode: ImportMode,
        progress: &mut (dyn FnMut(Stage, usize, usize) + Send),
    ) -> Result<ImportReport> {
        if !actor.has(Permission::EditPeople) {
            return Err(AppError::Forbidden);
        }
        // At most IMPORT_SLOTS imports at once; this one waits its turn.
        let _slot =
            self.imports.acquire().await.map_err(|_| AppError::Internal("import slots closed".into()))?;
        let dir = self.run_dir()?;
        let file = ImportFile::Bytes(Arc::from(bytes));
        let mut tracker = Tracker::new(None, progress);
        self.run_person_import(actor, filename, file, mode, &dir, 0, &mut tracker).await
    }

    /// The import itself, in an import slot the caller holds. `written_through` is the job's ledger: rows up to it were written by
    /// an earlier attempt and are not written again.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn run_person_import(
        &self,
        actor: &Actor,
        filename: &str,
        file: ImportFile,
        mode: ImportMode,
        dir: &Path,
        written_through: usize,
        tracker: &mut Tracker<'_>,
    ) -> Result<ImportReport> {
        // Nobody parses a file they may not import: the reader is the largest attack surface.
        if !actor.has(Permission::EditPeople) {
            return Err(AppError::Forbidden);
        }
        std::fs::create_dir_all(dir).map_err(|e| io_error("import folder", e))?;
        let mut report = ImportReport::default();
        let started = Instant::now();
        let checked = self.check_pass(actor, filename, &file, dir, tracker).await?;
        tracing::info!(file = filename, seconds = started.elapsed().as_secs_f64(), "import: check pass done");
        let checked = match checked {
            Ok(c) => c,
            Err(header) => {
                // The header row is the bad row: nothing can be read under it.
                report.error_count = header.len();
                report.bad_rows = 1;
                report.errors = header;
                return Ok(report);
            }
        };
        report.rows = checked.rows;
        report.errors = checked.listed.clone();
        report.error_count = checked.error_count;
        report.warnings = checked.warnings.clone();
        report.warning_count = checked.warning_count;
        report.bad_rows = checked.bad.count();
        if report.error_count > 0 {
            report.errors_file = Some(errors_csv(dir));
        }
        if report.rows == 0 {
            return Err(AppError::invalid(
                "file",
                "Tệp không có dòng dữ liệu nào",
                "the file has no data rows",
            ));
        }
        if mode == ImportMode::DryRun || (mode == ImportMode::AllOrNothing && report.error_count > 0) {
            self.record_check(actor, filename, mode, &report, &checked).await?;
            return Ok(report);
        }
        let rejected = (mode == ImportMode::ValidRowsOnly && report.bad_rows > 0)
            .then(|| Rejected { path: rejected_xlsx(dir), errors: errors_jsonl(dir) });
        let has_rejected = rejected.is_some();
        let started = Instant::now();
        self.write_pass(actor, filename, file, &checked, written_through, rejected, &mut report, tracker)
            .await?;
        tracing::info!(file = filename, seconds = started.elapsed().as_secs_f64(), "import: write pass done");
        if has_rejected {
            report.rejected_file = Some(rejected_xlsx(dir));
        }
        report.written = true;
        Ok(report)
    }

    /// Pass 1: every row checked, nothing written. Errors go to disk in row order; the header's
    /// own errors come back as `Err`.
    async fn check_pass(
        &self,
        actor: &Actor,
        filename: &str,
        file: &ImportFile,
        dir: &Path,
        tracker: &mut Tracker<'_>,
    ) -> Result<std::result::Result<Checked, Vec<RowError>>> {
        let today = self.today();
        let total_hint = if is_csv(filename) { file.line_ends()?.saturating_sub(1) } else { 0 };
        let mut rx =
            spawn_reader(filename.to_string(), file.clone(), self.import_batch, false, today, None, None);
        let spill_path = dir.join("errors-rows.jsonl");
        let mut spill =
            BufWriter::new(std::fs::File::create(&spill_path).map_err(|e| io_error("errors file", e))?);
        let mut c = Checked {
            rows: 0,
            bad: RowBits::default(),
            place_index: HashMap::new(),
            places: Vec::new(),
            head_place: HashMap::new(),
            communes: BTreeSet::new(),
            conflicts: Vec::new(),
            conflict_total: 0,
            listed: Vec::new(),
            error_count: 0,
            warnings: Vec::new(),
            warning_count: 0,
        };
        let mut checks = FileChecks::default();
        let refused = crate::registry::cccd_refused();
        let (refused_vi, refused_en) =
            refused.first_invalid().map(|i| (i.vi.clone(), i.en.clone())).unwrap_or_default();
        // The first load of an empty registry has nobody to look up.
        let registry_empty = {
            let mut r = self.db.read().await?;
            r.conn().count_persons(&[ansinh_domain::unit::ROOT_PATH.to_string()]).await? == 0
        };
        while let Some(item) = rx.recv().await {
            let mut batch = match item {
                Item::Header(e) => return Ok(Err(e)),
                Item::Failed(e) => return Err(file_error(e)),
                Item::Broken(e) => return Err(AppError::Internal(e)),
                Item::Batch(b) => b,
            };
            c.rows += batch.rows;
            // Places: each code resolved once (current, in scope, editable).
            let new_codes: Vec<String> = batch
                .records
                .iter()
                .map(|(r, _)| r.unit_code.as_str())
                .filter(|code| !c.place_index.contains_key(*code))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .map(str::to_string)
                .collect();
            if !new_codes.is_empty() {
                let mut resolved = self.resolve_places(actor, &new_codes).await?;
                for code in new_codes {
                    let place = resolved.remove(&code).ok_or_else(|| AppError::Internal("place".into()))?;
                    if let Ok((_, commune)) = &place {
                        c.communes.insert(commune.id);
                    }
                    c.place_index.insert(code, c.places.len());
                    c.places.push(place);
                }
            }
            // Existing persons by citizen id: one registered outside the actor's scope gets the
            // same neutral refusal as in the person form, and a reconciliation request.
            let cccds: Vec<String> = batch.records.iter().map(|(r, _)| r.cccd.as_str().to_string()).collect();
            let existing: HashMap<String, PersonRow> = if registry_empty {
                HashMap::new()
            } else {
                let mut r = self.db.read().await?;
                r.conn().persons_by_cccds(&cccds).await?.into_iter().map(|p| (p.cccd.clone(), p)).collect()
            };
            c.warning_count += batch.warnings.len();
            let room = LISTED_ERRORS.saturating_sub(c.warnings.len());
            c.warnings.extend(batch.warnings.drain(..).take(room));
            let mut errors = std::mem::take(&mut batch.errors);
            for (rec, _) in &batch.records {
                checks.add(rec);
                let idx = c.place_index[rec.unit_code.as_str()];
                match &c.places[idx] {
                    Err((vi, en)) => errors.push(row_error(rec.row, UNIT_COLUMN, vi.clone(), en.clone())),
                    Ok((_, commune)) => {
                        if let Some(p) = existing.get(rec.cccd.as_str())
                            && !actor.can(Permission::EditPeople, &p.unit_path)
                        {
                            errors.push(row_error(
                                rec.row,
                                "Số CCCD",
                                refused_vi.clone(),
                                refused_en.clone(),
                            ));
                            c.conflict_total += 1;
                            if c.conflicts.len() < MAX_CONFLICT_ROWS {
                                c.conflicts.push(p.clone());
                            }
                        }
                        if rec.relation == Some(Relation::Head)
                            && let Some(household) = &rec.household_code
                        {
                            c.head_place.entry((commune.id, household.as_str().to_string())).or_insert(idx);
                        }
                    }
                }
            }
            errors.sort_by_key(|e| e.row);
            for e in &errors {
                c.bad.set(e.row);
                serde_json::to_writer(&mut spill, e).map_err(|e| AppError::Internal(e.to_string()))?;
                spill.write_all(b"\n").map_err(|e| io_error("errors file", e))?;
            }
            tracker.report(self, Stage::Reading, batch.seen, total_hint.max(batch.seen)).await?;
        }
        spill.flush().map_err(|e| io_error("errors file", e))?;
        drop(spill);
        // Repeats between rows, then every error in row order: to the errors files, the first
        // ones to the report.
        let repeats = checks.finish();
        let merged = errors_jsonl(dir);
        let mut jsonl =
            BufWriter::new(std::fs::File::create(&merged).map_err(|e| io_error("errors file", e))?);
        let mut out =
            BufWriter::new(std::fs::File::create(errors_csv(dir)).map_err(|e| io_error("errors file", e))?);
        // A byte-order mark: Excel then reads the file as UTF-8.
        out.write_all("\u{feff}".as_bytes()).map_err(|e| io_error("errors file", e))?;
        let mut csv = csv::WriterBuilder::new().from_writer(out);
        let csv_error = |e: csv::Error| AppError::Internal(format!("errors file: {e}"));
        csv.write_record(["Dòng / Row", "Cột / Column", "Lý do", "Reason"]).map_err(csv_error)?;
        let mut rows_errors =
            ErrorLines::open(&spill_path).map_err(|e| io_error("errors file", e))?.peekable();
        let mut repeat_errors = repeats.errors().peekable();
        loop {
            let next = match (rows_errors.peek(), repeat_errors.peek()) {
                (None, None) => break,
                (Some(_), None) => rows_errors.next(),
                (None, Some(_)) => repeat_errors.next(),
                (Some(a), Some(b)) => {
                    if a.row <= b.row {
                        rows_errors.next()
                    } else {
                        repeat_errors.next()
                    }
                }
            };
            let Some(e) = next else { break };
            c.bad.set(e.row);
            c.error_count += 1;
            serde_json::to_writer(&mut jsonl, &e).map_err(|e| AppError::Internal(e.to_string()))?;
            jsonl.write_all(b"\n").map_err(|e| io_error("errors file", e))?;
            csv.write_record([e.row.to_string().as_str(), e.column.as_str(), e.vi.as_str(), e.en.as_str()])
                .map_err(csv_error)?;
            if c.listed.len() < LISTED_ERRORS {
                c.listed.push(e);
            }
        }
        jsonl.flush().map_err(|e| io_error("errors file", e))?;
        csv.flush().map_err(|e| io_error("errors file", e))?;
        let _ = std::fs::remove_file(&spill_path);
        tracker.report(self, Stage::Checking, c.rows, c.rows).await?;
        Ok(Ok(c))
    }

    /// Nothing is written, but checking a file is audited too (a dry run must not be a free
    /// way to ask which citizen ids exist).
    async fn record_check(
        &self,
        actor: &Actor,
        filename: &str,
        mode: ImportMode,
        report: &ImportReport,
        c: &Checked,
    ) -> Result<()> {
        let mut w = self.write(actor).await?;
        // Filed where the rows would have gone (the deepest unit holding their places); a file
        // with no usable place, under the actor's own scope.
        let targets: Vec<&str> =
            c.places.iter().filter_map(|p| p.as_ref().ok()).map(|(u, _)| u.path.as_str()).collect();
        let scope = if targets.is_empty() {
            actor.grants.first().map_or(ansinh_domain::unit::ROOT_PATH.to_string(), |g| g.unit_path.clone())
        } else {
            common_path(targets.into_iter())
        };
        let summary = serde_json::json!({
            "file": filename, "mode": if mode == ImportMode::DryRun { "dry_run" } else { "all_or_nothing" },
            "rows": report.rows, "rejected_rows": report.bad_rows, "written": false,
        });
        let province = crate::auth::province_of(&mut w.conn(), &scope).await?;
        w.changed(
            "person.import_checked",
            Subject::new("import", filename, &province, &scope),
            None,
            Some(summary),
        );
        record_conflicts(&mut w, &c.conflicts, c.conflict_total, filename);
        w.commit().await
    }

    /// Pass 2: the good rows written, batch by batch.
    #[allow(clippy::too_many_arguments)]
    async fn write_pass(
        &self,
        actor: &Actor,
        filename: &str,
        file: ImportFile,
        c: &Checked,
        written_through: usize,
        rejected: Option<Rejected>,
        report: &mut ImportReport,
        tracker: &mut Tracker<'_>,
    ) -> Result<()> {
        let good = report.rows - report.bad_rows;
        // Households already there, by (commune, code): id and head.
        let mut households: HashMap<(i64, String), (i64, Option<i64>)> = HashMap::new();
        let existing_persons = {
            let mut r = self.db.read().await?;
            let mut conn = r.conn();
            for h in conn.households_of_communes(&c.communes.iter().copied().collect::<Vec<_>>()).await? {
                households.insert((h.commune_id, h.code), (h.id, h.head_person_id));
            }
            conn.count_persons(&[ansinh_domain::unit::ROOT_PATH.to_string()]).await?
        };
        // The first load of an empty registry: one transaction, indexes lifted (nobody else has
        // anything to write yet). Otherwise batch by batch, each its own transaction.
        let bulk = existing_persons == 0 && good >= self.bulk_rows;
        let skip = Arc::new(c.bad.clone());
        let mut rx = spawn_reader(
            filename.to_string(),
            file,
            self.import_batch,
            true,
            self.today(),
            Some(skip),
            rejected,
        );
        let mut totals = ChunkCounts::default();
        let mut written_paths: BTreeSet<String> = BTreeSet::new();
        let mut done = 0usize;
        let mut pending: Vec<(PersonRecord, NameKeys)> = Vec::new();
        let loop_started = Instant::now();
        let mut bulk_work = if bulk {
            tracker.persist = false;
            let mut w = self.write(actor).await?;
            w.conn().begin_bulk_load().await?;
            Some(w)
        } else {
            None
        };
        while let Some(item) = rx.recv().await {
            let batch = match item {
                Item::Batch(b) => b,
                Item::Header(_) => {
                    return Err(AppError::Internal("the header changed between passes".into()));
                }
                Item::Failed(e) => return Err(file_error(e)),
                Item::Broken(e) => return Err(AppError::Internal(format!("rejected rows file: {e}"))),
            };
            let last_row = batch.records.last().map_or(0, |(r, _)| r.row);
            let mut records: Vec<(PersonRecord, NameKeys)> =
                batch.records.into_iter().filter(|(r, _)| r.row > written_through).collect();
            done += records.len();
            if bulk_work.is_some() {
                // One transaction anyway: write in large chunks (fewer, longer statements).
                pending.append(&mut records);
                if pending.len() < BULK_CHUNK {
                    continue;
                }
                records = std::mem::take(&mut pending);
            }
            if records.is_empty() {
                continue;
            }
            let counts = match &mut bulk_work {
                Some(w) => write_batch(w, c, &records, &mut households, true, &mut written_paths).await?,
                None => {
                    let mut w = self.write(actor).await?;
                    let counts =
                        write_batch(&mut w, c, &records, &mut households, false, &mut written_paths).await?;
                    let counts = ChunkCounts { through_row: last_row as i64, ..counts };
                    let summary = serde_json::json!({
                        "file": filename, "job": tracker.job, "through_row": last_row, "created": counts.created,
                        "updated": counts.updated, "unchanged": counts.unchanged, "households_created": counts.households_created,
                    });
                    let scope = common_path(written_paths.iter().map(String::as_str));
                    let province = crate::auth::province_of(&mut w.conn(), &scope).await?;
                    w.changed(
                        "person.import_part",
                        Subject::new("import", filename, &province, &scope),
                        None,
                        Some(summary),
                    );
                    if let Some(job) = tracker.job {
                        let now = w.now();
                        w.conn().add_import_chunk(job, &counts, now).await?;
                    }
                    w.commit().await?;
                    counts
                }
            };
            totals.created += counts.created;
            totals.updated += counts.updated;
            totals.unchanged += counts.unchanged;
            totals.households_created += counts.households_created;
            totals.through_row = last_row as i64;
            tracker.report(self, Stage::Writing, done, good).await?;
        }
        if let Some(w) = &mut bulk_work
            && !pending.is_empty()
        {
            let counts = write_batch(w, c, &pending, &mut households, true, &mut written_paths).await?;
            totals.created += counts.created;
            totals.updated += counts.updated;
            totals.unchanged += counts.unchanged;
            totals.households_created += counts.households_created;
        }
        // The summary, filed where the rows went: the deepest unit holding all of them.
        let scope = common_path(written_paths.iter().map(String::as_str));
        tracing::info!(
            file = filename,
            seconds = loop_started.elapsed().as_secs_f64(),
            "import: rows written"
        );
        let mut w = match bulk_work {
            Some(mut w) => {
                tracker.report(self, Stage::Indexing, 0, 1).await?;
                let t = Instant::now();
                w.conn().end_bulk_load().await?;
                tracing::info!(
                    file = filename,
                    seconds = t.elapsed().as_secs_f64(),
                    "import: indexes restored"
                );
                // A bulk load recomputes every person's coverage once, in this transaction.
                let t = Instant::now();
                self.rebuild_coverage_in(&mut w).await?;
                tracing::info!(
                    file = filename,
                    seconds = t.elapsed().as_secs_f64(),
                    "import: coverage rebuilt"
                );
                if totals.created > 10_000 {
                    let t = Instant::now();
                    w.conn().analyze().await?;
                    tracing::info!(file = filename, seconds = t.elapsed().as_secs_f64(), "import: analyzed");
                }
                if let Some(job) = tracker.job {
                    let now = w.now();
                    w.conn().add_import_chunk(job, &totals, now).await?;
                }
                w
            }
            None => self.write(actor).await?,
        };
        tracker.persist = false;
        // A resumed job counts what its earlier attempts wrote too.
        if let (Some(job), false) = (tracker.job, bulk)
            && let Some(j) = w.conn().import_job(job).await?
        {
            totals.created = j.created;
            totals.updated = j.updated;
            totals.unchanged = j.unchanged;
            totals.households_created = j.households_created;
        }
        report.created = totals.created as usize;
        report.updated = totals.updated as usize;
        report.unchanged = totals.unchanged as usize;
        report.households_created = totals.households_created as usize;
        let province = crate::auth::province_of(&mut w.conn(), &scope).await?;
        let summary = serde_json::json!({
            "file": filename, "rows": report.rows, "created": report.created, "updated": report.updated,
            "unchanged": report.unchanged, "households_created": report.households_created, "rejected_rows": report.bad_rows,
        });
        w.changed("person.import", Subject::new("import", filename, &province, &scope), None, Some(summary));
        record_conflicts(&mut w, &c.conflicts, c.conflict_total, filename);
        let t = Instant::now();
        w.commit().await?;
        tracing::info!(file = filename, seconds = t.elapsed().as_secs_f64(), "import: committed");
        tracker.report(self, Stage::Writing, good, good).await?;
        Ok(())
    }
}

/// Write one batch of good rows in `w`: new households (placed with their heads), new persons,
/// changed persons (each audited), heads; the derived counts and, outside a bulk load, each
/// person's coverage. `written_paths` collects the places written to.
async fn write_batch(
    w: &mut crate::work::Work<'_>,
    c: &Checked,
    records: &[(PersonRecord, NameKeys)],
    households: &mut HashMap<(i64, String), (i64, Option<i64>)>,
    bulk: bool,
    written_paths: &mut BTreeSet<String>,
) -> Result<ChunkCounts> {
    let now = w.now();
    let mut counts = ChunkCounts::default();
    let place_of = |r: &PersonRecord| -> Result<(usize, &ansinh_domain::Unit, &ansinh_domain::Unit)> {
        let idx = c.place_index[r.unit_code.as_str()];
        match &c.places[idx] {
            Ok((place, commune)) => Ok((idx, place, commune)),
            Err(_) => Err(AppError::Internal("a bad row reached the write".into())),
        }
    };
    // Read in this transaction: a person registered since the check is updated, not doubled.
    let cccds: Vec<String> = records.iter().map(|(r, _)| r.cccd.as_str().to_string()).collect();
    // A first load started on an empty registry and its file repeats no citizen id: nobody can
    // exist yet (and with the indexes lifted the lookup would scan the table).
    let existing: HashMap<String, PersonRow> = if bulk {
        HashMap::new()
    } else {
        w.conn().persons_by_cccds(&cccds).await?.into_iter().map(|p| (p.cccd.clone(), p)).collect()
    };
    if let Some(p) = existing.values().find(|p| !w.actor_can(Permission::EditPeople, &p.unit_path)) {
        // Registered outside the actor's scope between the check and this batch: stop rather
        // than write around it (the batch is not written; a new run reports the row).
        return Err(AppError::invalid(
            "file",
            format!("Số CCCD {} vừa được đăng ký ở nơi khác trong lúc nhập: hãy nhập lại tệp", p.cccd),
            format!(
                "citizen ID {} was registered elsewhere during the import: import the file again",
                p.cccd
            ),
        ));
    }
    // New households, placed where their head lives.
    let mut new_keys: Vec<(i64, String, usize)> = Vec::new();
    let mut seen: std::collections::HashSet<(i64, &str)> = std::collections::HashSet::new();
    for (rec, _) in records {
        let (idx, _, commune) = place_of(rec)?;
        let Some(household) = &rec.household_code else { continue };
        let key = (commune.id, household.as_str().to_string());
        if !households.contains_key(&key) && seen.insert((commune.id, household.as_str())) {
            let at = c.head_place.get(&key).copied().unwrap_or(idx);
            new_keys.push((key.0, key.1, at));
        }
    }
    let hh_ids = w.conn().allocate_ids("households", new_keys.len() as i64).await?;
    let mut new_rows: Vec<HouseholdRow> = Vec::with_capacity(new_keys.len());
    for ((commune_id, code, at), id) in new_keys.into_iter().zip(hh_ids) {
        let Ok((place, _)) = &c.places[at] else { return Err(AppError::Internal("household place".into())) };
        households.insert((commune_id, code.clone()), (id, None));
        new_rows.push(HouseholdRow::new(id, code, place, commune_id));
    }
    let new_ids: std::collections::HashSet<i64> = new_rows.iter().map(|h| h.id).collect();
    counts.households_created = new_rows.len() as i64;

    let new_count = records.iter().filter(|(r, _)| !existing.contains_key(r.cccd.as_str())).count();
    let mut ids = w.conn().allocate_ids("persons", new_count as i64).await?.into_iter();
    let mut inserts: Vec<PersonWrite> = Vec::with_capacity(new_count);
    let mut updates: Vec<(&PersonRow, PersonWrite)> = Vec::new();
    let mut changed_heads: Vec<(i64, i64)> = Vec::new();
    let mut new_heads: HashMap<i64, i64> = HashMap::new();
    for (rec, keys) in records {
        let (_, place, commune) = place_of(rec)?;
        let key = rec.household_code.as_ref().map(|h| (commune.id, h.as_str().to_string()));
        let (household_id, head) = match &key {
            Some(k) => {
                let (id, head) = households[k];
                (Some(id), head)
            }
            None => (None, None),
        };
        let values = PersonValues {
            cccd: rec.cccd.clone(),
            old_si: rec.old_si_number.clone(),
            name: rec.full_name.clone(),
            birth: rec.birth,
            sex: rec.sex,
            ethnicity: rec.ethnicity,
            phone: rec.phone.clone(),
            occupation: rec.occupation.unwrap_or(ansinh_domain::person::Occupation::Other),
        };
        let (id, old) = match existing.get(rec.cccd.as_str()) {
            Some(p) => (p.id, Some(p)),
            None => (ids.next().ok_or_else(|| AppError::Internal("ids".into()))?, None),
        };
        let pw = person_write_keyed(id, &values, keys.clone(), place, commune.id, household_id, rec.relation);
        if let (Some(Relation::Head), Some(household_id), Some(key)) = (rec.relation, household_id, key)
            && head != Some(id)
        {
            if new_ids.contains(&household_id) {
                new_heads.insert(household_id, id);
            } else {
                changed_heads.push((household_id, id));
            }
            households.insert(key, (household_id, Some(id)));
        }
        if !written_paths.contains(&pw.unit_path) {
            written_paths.insert(pw.unit_path.clone());
        }
        match old {
            None => inserts.push(pw),
            Some(p) if same_person(p, &pw) => counts.unchanged += 1,
            Some(p) => updates.push((p, pw)),
        }
    }
    for h in &mut new_rows {
        h.head_person_id = new_heads.get(&h.id).copied();
    }
    w.conn().insert_households(&new_rows, now).await?;
    w.conn().insert_persons(&inserts, now).await?;
    for (before, pw) in &updates {
        w.conn().update_person(pw, now).await?;
        let after = serde_json::json!({ "full_name": pw.full_name, "unit_id": pw.unit_id, "household_id": pw.household_id,
            "birth_date": pw.birth_date, "phone": pw.phone, "occupation": pw.occupation, "relation": pw.relation });
        w.changed(
            "person.update",
            Subject::new("person", pw.id, &pw.province_code, &pw.unit_path),
            Some(serde_json::json!(before)),
            Some(after),
        );
        if before.unit_id != pw.unit_id {
            w.derive(Derived::Persons(before.unit_id, -1));
            w.derive(Derived::Persons(pw.unit_id, 1));
        }
        if !bulk {
            w.derive(Derived::Coverage(pw.id));
        }
    }
    for p in &inserts {
        w.derive(Derived::Persons(p.unit_id, 1));
        if !bulk {
            w.derive(Derived::Coverage(p.id));
        }
    }
    for h in &new_rows {
        w.derive(Derived::Households(h.unit_id, 1));
    }
    w.conn().set_household_heads(&changed_heads).await?;
    counts.created = inserts.len() as i64;
    counts.updated = updates.len() as i64;
    Ok(counts)
}
