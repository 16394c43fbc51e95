//! Import persons from CSV or XLSX (the template's Vietnamese headers or the English keys).
//!
//! All-or-nothing by default: one bad row and nothing is written, every bad row is reported
//! (`dòng N, cột X: lý do`). With "valid rows only" the good rows are written and the rejected
//! ones come back as an XLSX with a reason column. A dry run writes nothing. Re-importing the
//! same file changes nothing: persons are matched by CCCD and rewritten only when they differ.

use crate::registry::{NameKeys, PersonValues, ResolvedPlace, person_write_keyed, same_person};
use crate::work::{Derived, Subject};
use crate::{App, AppError, Result};
use ansinh_domain::import::ColumnMap;
use ansinh_domain::import::{PersonRecord, RowError, check_file, is_blank_row, map_headers, parse_row};
use ansinh_domain::person::Relation;
use ansinh_domain::{Actor, Permission};
use ansinh_reports::{FileError, Table};
use ansinh_store::{HouseholdRow, PersonRow, PersonWrite};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

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

/// Stages reported to a progress callback: (stage, done, total).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Reading,
    Checking,
    Writing,
    /// Building the search indexes after a large load.
    Indexing,
}

#[derive(Debug, Default, Serialize)]
pub struct ImportReport {
    /// Data rows in the file (blank rows not counted).
    pub rows: usize,
    pub errors: Vec<RowError>,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub households_created: usize,
    /// Whether anything was written.
    pub written: bool,
    /// With [`ImportMode::ValidRowsOnly`]: the rejected rows with a reason column, as XLSX.
    #[serde(skip)]
    pub rejected_xlsx: Option<Vec<u8>>,
}

impl ImportReport {
    pub fn bad_rows(&self) -> usize {
        self.errors.iter().map(|e| e.row).collect::<BTreeSet<_>>().len()
    }
}

fn file_error(e: FileError) -> AppError {
    AppError::invalid("file", e.vi, e.en)
}

fn is_csv(filename: &str) -> bool {
    let f = filename.to_lowercase();
    f.ends_with(".csv") || f.ends_with(".txt")
}

/// A file opened for reading: its header row, then its data rows.
pub(crate) enum Source<'a> {
    /// Streamed: a million-row CSV is never held as cells.
    Csv(ansinh_reports::CsvRows<'a>),
    Table(Table),
}

impl<'a> Source<'a> {
    pub(crate) fn open(filename: &str, bytes: &'a [u8]) -> Result<Source<'a>> {
        if is_csv(filename) {
            Ok(Source::Csv(ansinh_reports::csv_rows(bytes).map_err(file_error)?))
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
/// citizen id the file asked for, filed where that record lives.
fn record_conflicts(w: &mut crate::work::Work<'_>, conflicts: &[&PersonRow], filename: &str) {
    use crate::work::Audited;
    for p in conflicts.iter().take(MAX_CONFLICT_ROWS) {
        let after = serde_json::json!({ "cccd": p.cccd, "file": filename });
        w.changed("person.cccd_conflict", p.subject(), None, Some(after));
    }
    if conflicts.len() > MAX_CONFLICT_ROWS {
        let after =
            serde_json::json!({ "file": filename, "more_conflicts": conflicts.len() - MAX_CONFLICT_ROWS });
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

impl App {
    /// Import persons; see the module documentation. `progress` gets (stage, done, total).
    pub async fn import_persons(
        &self,
        actor: &Actor,
        filename: &str,
        bytes: &[u8],
        mode: ImportMode,
        progress: &mut (dyn FnMut(Stage, usize, usize) + Send),
    ) -> Result<ImportReport> {
        // Nobody parses a file they may not import: the reader is the largest attack surface.
        if !actor.has(Permission::EditPeople) {
            return Err(AppError::Forbidden);
        }
        // At most IMPORT_SLOTS imports at once; this one waits its turn.
        let _slot =
            self.imports.acquire().await.map_err(|_| AppError::Internal("import slots closed".into()))?;
        let today = self.today();
        let mut report = ImportReport::default();

        // 1. Parse every row (and derive the name keys on every core), off the async workers.
        let parsed = crate::cpu(|| -> Result<std::result::Result<Parsed, Vec<RowError>>> {
            let source = Source::open(filename, bytes)?;
            let map = match map_headers(&source.headers()) {
                Ok(m) => m,
                Err(e) => return Ok(Err(e)),
            };
            // A progress total for CSV only: a spreadsheet's bytes are compressed.
            let total_hint = if is_csv(filename) { bytes.iter().filter(|b| **b == b'\n').count() } else { 0 };
            parse_all(source, &map, today, total_hint, progress).map(Ok)
        })?;
        let parsed = match parsed {
            Ok(p) => p,
            Err(mut e) => {
                report.errors.append(&mut e);
                return Ok(report);
            }
        };
        report.rows = parsed.rows;
        report.errors = parsed.errors;
        let (records, keys) = (parsed.records, parsed.keys);
        progress(Stage::Reading, report.rows, report.rows);
        if report.rows == 0 {
            return Err(AppError::invalid(
                "file",
                "Tệp không có dòng dữ liệu nào",
                "the file has no data rows",
            ));
        }
        report.errors.extend(check_file(&records));

        // 2. Places: each code once; must be current, in scope, editable.
        // Each row's place as an index into `places` (hashing a million codes once; a B-tree of
        // them cost a second of string comparisons).
        let mut code_index: HashMap<&str, usize> = HashMap::new();
        let place_of: Vec<usize> = records
            .iter()
            .map(|r| {
                let next = code_index.len();
                *code_index.entry(r.unit_code.as_str()).or_insert(next)
            })
            .collect();
        let mut codes = vec![String::new(); code_index.len()];
        for (code, i) in code_index {
            codes[i] = code.to_string();
        }
        let resolved = self.resolve_places(actor, &codes).await?;
        let places: Vec<&ResolvedPlace> = codes.iter().map(|c| &resolved[c]).collect();
        progress(Stage::Checking, 0, records.len());

        // 3. Existing persons (by CCCD) and households (by commune and code).
        let mut r = self.db.read().await?;
        let mut existing: HashMap<String, PersonRow> = HashMap::new();
        {
            let mut c = r.conn();
            if c.count_persons(&[ansinh_domain::unit::ROOT_PATH.to_string()]).await? > 0 {
                let cccds: Vec<String> = records.iter().map(|r| r.cccd.as_str().to_string()).collect();
                for chunk in cccds.chunks(10_000) {
                    for p in c.persons_by_cccds(chunk).await? {
                        existing.insert(p.cccd.clone(), p);
                    }
                }
            }
        }
        let communes: BTreeSet<i64> =
            resolved.values().filter_map(|p| p.as_ref().ok()).map(|(_, c)| c.id).collect();
        let mut households: HashMap<(i64, String), HouseholdRow> = HashMap::new();
        for h in r.conn().households_of_communes(&communes.into_iter().collect::<Vec<_>>()).await? {
            households.insert((h.commune_id, h.code.clone()), h);
        }
        drop(r);

        // 4. Rows whose place or existing record is out of reach. A citizen id registered
        // outside the actor's scope gets the same neutral refusal as in the person form, and a
        // reconciliation request audited where that record lives.
        let mut bad: BTreeSet<usize> = report.errors.iter().map(|e| e.row).collect();
        let mut conflicts: Vec<&PersonRow> = Vec::new();
        let refused = crate::registry::cccd_refused();
        let (refused_vi, refused_en) =
            refused.first_invalid().map(|i| (i.vi.clone(), i.en.clone())).unwrap_or_default();
        for (rec, &place) in records.iter().zip(&place_of) {
            match places[place] {
                Err((vi, en)) => {
                    report.errors.push(row_error(rec.row, UNIT_COLUMN, vi.clone(), en.clone()));
                    bad.insert(rec.row);
                }
                Ok(_) => {
                    if let Some(p) = existing.get(rec.cccd.as_str())
                        && !actor.can(Permission::EditPeople, &p.unit_path)
                    {
                        report.errors.push(row_error(
                            rec.row,
                            "Số CCCD",
                            refused_vi.clone(),
                            refused_en.clone(),
                        ));
                        bad.insert(rec.row);
                        conflicts.push(p);
                    }
                }
            }
        }
        report.errors.sort_by_key(|e| e.row);
        if mode == ImportMode::DryRun || (mode == ImportMode::AllOrNothing && !report.errors.is_empty()) {
            // Nothing is written, but checking a file is audited too (a dry run must not be a
            // free way to ask which citizen ids exist).
            let mut w = self.write(actor).await?;
            // Filed where the rows would have gone (the deepest unit holding their places);
            // a file with no usable place, under the actor's own scope.
            let targets: Vec<&str> =
                places.iter().filter_map(|p| p.as_ref().ok()).map(|(u, _)| u.path.as_str()).collect();
            let scope = if targets.is_empty() {
                actor
                    .grants
                    .first()
                    .map_or(ansinh_domain::unit::ROOT_PATH.to_string(), |g| g.unit_path.clone())
            } else {
                common_path(targets.into_iter())
            };
            let summary = serde_json::json!({
                "file": filename, "mode": if mode == ImportMode::DryRun { "dry_run" } else { "all_or_nothing" },
                "rows": report.rows, "rejected_rows": bad.len(), "written": false,
            });
            let province = crate::auth::province_of(&mut w.conn(), &scope).await?;
            w.changed(
                "person.import_checked",
                Subject::new("import", filename, &province, &scope),
                None,
                Some(summary),
            );
            record_conflicts(&mut w, &conflicts, filename);
            w.commit().await?;
            return Ok(report);
        }
        let conflicts: Vec<PersonRow> = conflicts.into_iter().cloned().collect();

        // 5. Build the writes. New households are made from their rows and live where their
        // head lives.
        let good: Vec<(&PersonRecord, NameKeys, usize)> = records
            .iter()
            .zip(keys)
            .zip(&place_of)
            .filter(|((r, _), _)| !bad.contains(&r.row))
            .map(|((r, k), &p)| (r, k, p))
            .collect();
        let mut new_households: Vec<(i64, String)> = Vec::new();
        let mut household_of_row: Vec<(i64, String)> = Vec::with_capacity(good.len());
        for (rec, _, p) in &good {
            let (place, commune) = places[*p].as_ref().map_err(|_| AppError::Internal("place".into()))?;
            let key = (commune.id, rec.household_code.as_str().to_string());
            match households.get_mut(&key) {
                None => {
                    households.insert(key.clone(), HouseholdRow::new(0, key.1.clone(), place, commune.id));
                    new_households.push(key.clone());
                }
                Some(h) if h.id == 0 && rec.relation == Relation::Head => {
                    h.unit_id = place.id;
                    h.unit_path = place.path.clone();
                }
                Some(_) => {}
            }
            household_of_row.push(key);
        }

        let mut w = self.write(actor).await?;
        let now = w.now();
        let hh_ids = w.conn().allocate_ids("households", new_households.len() as i64).await?;
        for (key, id) in new_households.iter().zip(hh_ids) {
            if let Some(h) = households.get_mut(key) {
                h.id = id;
            }
        }
        report.households_created = new_households.len();

        let new_count = good.iter().filter(|(r, _, _)| !existing.contains_key(r.cccd.as_str())).count();
        let mut ids = w.conn().allocate_ids("persons", new_count as i64).await?.into_iter();
        let mut inserts: Vec<PersonWrite> = Vec::with_capacity(new_count);
        let mut updates: Vec<(PersonRow, PersonWrite)> = Vec::new();
        // Heads of new households are written with them; only existing households get UPDATEs.
        let new_ids: std::collections::HashSet<i64> =
            new_households.iter().map(|k| households[k].id).collect();
        let mut new_heads: HashMap<i64, i64> = HashMap::new();
        let mut changed_heads: Vec<(i64, i64)> = Vec::new();
        for ((rec, keys, p), key) in good.into_iter().zip(&household_of_row) {
            let (place, commune) = places[p].as_ref().map_err(|_| AppError::Internal("place".into()))?;
            let household = &households[key];
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
            let pw = person_write_keyed(
                id,
                &values,
                keys,
                place,
                commune.id,
                Some(household.id),
                Some(rec.relation),
            );
            if rec.relation == Relation::Head && household.head_person_id != Some(id) {
                if new_ids.contains(&household.id) {
                    new_heads.insert(household.id, id);
                } else {
                    changed_heads.push((household.id, id));
                }
            }
            match old {
                None => inserts.push(pw),
                Some(p) if same_person(p, &pw) => report.unchanged += 1,
                Some(p) => updates.push((p.clone(), pw)),
            }
        }
        let new_rows: Vec<HouseholdRow> = new_households
            .iter()
            .map(|k| {
                let mut h = households[k].clone();
                h.head_person_id = new_heads.get(&h.id).copied();
                h
            })
            .collect();
        // A large load into a comparatively small table: lift the indexes (and, on PostgreSQL,
        // the constraints) and restore them once at the end instead of a million random inserts
        // into each; same transaction, so still all or nothing.
        let existing_persons = w.conn().count_persons(&[ansinh_domain::unit::ROOT_PATH.to_string()]).await?;
        let bulk = inserts.len() >= self.bulk_rows && inserts.len() as i64 > existing_persons;
        if bulk {
            w.conn().begin_bulk_load().await?;
        }
        w.conn().insert_households(&new_rows, now).await?;
        let total = inserts.len() + updates.len();
        for (i, chunk) in inserts.chunks(50_000).enumerate() {
            w.conn().insert_persons(chunk, now).await?;
            progress(Stage::Writing, (i * 50_000 + chunk.len()).min(total), total);
        }
        if bulk {
            progress(Stage::Indexing, 0, 1);
            w.conn().end_bulk_load().await?;
        }
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
        if bulk {
            // A bulk load recomputes every person's coverage once, in this transaction.
            self.rebuild_coverage_in(&mut w).await?;
        }
        for h in &new_rows {
            w.derive(Derived::Households(h.unit_id, 1));
        }
        w.conn().set_household_heads(&changed_heads).await?;
        report.created = inserts.len();
        report.updated = updates.len();
        // The summary is filed where the rows went: the deepest unit holding all of them.
        let written_paths = inserts
            .iter()
            .map(|p| p.unit_path.as_str())
            .chain(updates.iter().map(|(_, p)| p.unit_path.as_str()));
        let scope = common_path(written_paths);
        let mut provinces =
            inserts.iter().map(|p| &p.province_code).chain(updates.iter().map(|(_, p)| &p.province_code));
        let province = match provinces.next() {
            Some(first) if provinces.all(|p| p == first) => first.clone(),
            _ => "00".to_string(),
        };
        let summary = serde_json::json!({
            "file": filename, "rows": report.rows, "created": report.created, "updated": report.updated,
            "unchanged": report.unchanged, "households_created": report.households_created, "rejected_rows": bad.len(),
        });
        w.changed("person.import", Subject::new("import", filename, &province, &scope), None, Some(summary));
        record_conflicts(&mut w, &conflicts.iter().collect::<Vec<_>>(), filename);
        if report.created > 10_000 {
            w.conn().analyze().await?;
        }
        w.commit().await?;
        report.written = true;
        progress(Stage::Writing, total, total);
        // A million small allocations take most of a second to free: not on the caller's time.
        if inserts.len() >= self.bulk_rows {
            std::thread::spawn(move || drop((inserts, records, existing, households, household_of_row)));
        }

        // 6. The rejected rows, as a file to fix and import again.
        if mode == ImportMode::ValidRowsOnly && !bad.is_empty() {
            let mut reasons: HashMap<usize, Vec<String>> = HashMap::new();
            for e in &report.errors {
                reasons.entry(e.row).or_default().push(e.to_string());
            }
            let mut rows = Vec::new();
            let source = Source::open(filename, bytes)?;
            let mut headers = source.headers();
            source.for_each(|n, cells| {
                if let Some(r) = reasons.get(&n) {
                    let mut row = cells;
                    row.push(r.join("; "));
                    rows.push(row);
                }
            })?;
            headers.push("Lỗi".to_string());
            let table = Table::new(headers, rows);
            report.rejected_xlsx = Some(
                crate::cpu(|| ansinh_reports::write_xlsx(&table, "Dòng bị từ chối")).map_err(file_error)?,
            );
        }
        Ok(report)
    }
}

/// What [`parse_all`] found: the good rows in file order with their name keys, and every bad
/// row's errors.
struct Parsed {
    rows: usize,
    records: Vec<PersonRecord>,
    keys: Vec<NameKeys>,
    errors: Vec<RowError>,
}

/// Parse every data row of `source`, then derive the name keys on every core.
///
/// Rows are parsed on this thread: handing cells to other threads cost more (allocations freed
/// on another thread than made them) than the parsing itself. The keys are the costly part
/// (Unicode decomposition, three passes per name), so they are computed in parallel, once per
/// distinct name: a province's million people share a few hundred thousand names.
fn parse_all(
    source: Source<'_>,
    map: &ColumnMap,
    today: NaiveDate,
    total_hint: usize,
    progress: &mut (dyn FnMut(Stage, usize, usize) + Send),
) -> Result<Parsed> {
    let mut out = Parsed { rows: 0, records: Vec::new(), keys: Vec::new(), errors: Vec::new() };
    let mut seen = 0usize;
    source.for_each(|n, cells| {
        seen += 1;
        if seen.is_multiple_of(20_000) {
            progress(Stage::Reading, seen, total_hint);
        }
        if is_blank_row(&cells) {
            return;
        }
        out.rows += 1;
        match parse_row(map, n, &cells, today) {
            Ok(r) => out.records.push(r),
            Err(mut e) => out.errors.append(&mut e),
        }
    })?;
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let chunk = out.records.len().div_ceil(workers).max(1);
    out.keys = std::thread::scope(|s| {
        let handles: Vec<_> = out
            .records
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    let mut memo: HashMap<&str, NameKeys> = HashMap::new();
                    part.iter()
                        .map(|r| {
                            memo.entry(r.full_name.as_str())
                                .or_insert_with(|| NameKeys::of(&r.full_name))
                                .clone()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    });
    if out.keys.len() != out.records.len() {
        return Err(AppError::Internal("name keys".into()));
    }
    Ok(out)
}

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
