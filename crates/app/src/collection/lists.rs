//! Danh sách tham gia — participations An Sinh does not collect (compulsory SI, unemployment
//! insurance, HI of the other groups: state-paid, employer, pensioner, student …) imported
//! from the SI office's lists: CSV or XLSX with the columns Số CCCD, Chế độ, Nhóm đối tượng,
//! Từ ngày, Đến ngày (or the keys cccd, scheme, group, from, to).
//!
//! The same experience as the persons import: a dry run writes nothing; all-or-nothing by
//! default; "valid rows only" writes the good rows and returns the rejected ones as XLSX with
//! a reason column; re-importing the same file changes nothing. A person has one open record
//! per scheme: a row for another group or start ends the open one (kept, with the reason) and
//! opens the new one; a row for the same group and start only moves its end date.

use super::enrol::json;
use super::*;
use crate::import::{ImportMode, Source};
use ansinh_domain::import::RowError;
use ansinh_domain::{CitizenId, text};
use ansinh_reports::Table;
use std::collections::{BTreeSet, HashMap};

/// The outcome of a list import.
#[derive(Debug, Default, Serialize)]
pub struct ListImportReport {
    pub rows: usize,
    pub errors: Vec<RowError>,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub written: bool,
    #[serde(skip)]
    pub rejected_xlsx: Option<Vec<u8>>,
}

impl ListImportReport {
    pub fn bad_rows(&self) -> usize {
        self.errors.iter().map(|e| e.row).collect::<BTreeSet<_>>().len()
    }
}

/// The template's headers, in order.
pub const LIST_HEADERS: [&str; 5] = ["Số CCCD", "Chế độ", "Nhóm đối tượng", "Từ ngày", "Đến ngày"];
const KEYS: [&str; 5] = ["cccd", "scheme", "group", "from", "to"];

fn column_of(header: &str) -> Option<usize> {
    let folded = text::fold(header);
    LIST_HEADERS.iter().zip(KEYS).position(|(h, k)| text::fold(h) == folded || k == folded)
}

fn scheme_of(s: &str) -> Option<Scheme> {
    match text::fold(s).as_str() {
        "csi" | "bhxh bat buoc" | "bhxh bb" => Some(Scheme::Csi),
        "ui" | "bhtn" | "bao hiem that nghiep" => Some(Scheme::Ui),
        "hi" | "bhyt" | "bao hiem y te" => Some(Scheme::Hi),
        _ => None,
    }
}

fn date(s: &str) -> Option<NaiveDate> {
    let t = s.trim();
    NaiveDate::parse_from_str(t, "%d/%m/%Y").or_else(|_| NaiveDate::parse_from_str(t, "%Y-%m-%d")).ok()
}

/// One good row.
struct ListRow {
    row: usize,
    cccd: String,
    scheme: Scheme,
    grp: String,
    from: NaiveDate,
    to: Option<NaiveDate>,
    cells: Vec<String>,
}

fn err(row: usize, column: usize, vi: impl Into<String>, en: impl Into<String>) -> RowError {
    RowError { row, column: LIST_HEADERS[column].to_string(), vi: vi.into(), en: en.into() }
}

/// A rejected row: its row number and cells, for the rejected file.
type BadRow = (usize, Vec<String>);

/// A parsed file: good rows, bad rows, errors, data rows.
struct Parsed(Vec<ListRow>, Vec<BadRow>, Vec<RowError>, usize);

fn parse(filename: &str, bytes: &[u8]) -> Result<Parsed> {
    let source = Source::open(filename, bytes)?;
    let headers = source.headers();
    let mut index = [None; 5];
    for (i, h) in headers.iter().enumerate() {
        if let Some(c) = column_of(h) {
            index[c].get_or_insert(i);
        }
    }
    let mut errors = Vec::new();
    for (c, i) in index.iter().enumerate().take(4) {
        if i.is_none() {
            errors.push(err(
                1,
                c,
                format!("thiếu cột «{}»", LIST_HEADERS[c]),
                format!("the column «{}» is missing", KEYS[c]),
            ));
        }
    }
    if !errors.is_empty() {
        return Ok(Parsed(Vec::new(), Vec::new(), errors, 0));
    }
    let mut good = Vec::new();
    let mut bad_cells = Vec::new();
    let mut rows = 0;
    let mut seen: HashMap<(String, Scheme), usize> = HashMap::new();
    source.for_each(|row, cells| {
        if cells.iter().all(|c| c.trim().is_empty()) {
            return;
        }
        rows += 1;
        let cell = |c: usize| index[c].and_then(|i| cells.get(i)).map_or("", |s| s.as_str());
        let before = errors.len();
        let cccd = CitizenId::parse(cell(0)).map_err(|e| errors.push(err(row, 0, e.vi, e.en))).ok();
        let scheme = scheme_of(cell(1));
        if scheme.is_none() {
            errors.push(err(
                row,
                1,
                format!("Chế độ «{}» không hợp lệ; ghi BHXH bắt buộc, BHTN hoặc BHYT", cell(1).trim()),
                format!("scheme «{}» is not csi, ui or hi", cell(1).trim()),
            ));
        }
        let grp = text::free_text("group", cell(2), 40)
            .map_err(|e| errors.push(err(row, 2, e.vi, e.en)))
            .unwrap_or_default();
        if scheme == Some(Scheme::Hi) && grp.is_empty() {
            errors.push(err(row, 2, "BHYT cần ghi nhóm đối tượng", "HI needs the group"));
        }
        let from = date(cell(3));
        if from.is_none() {
            errors.push(err(
                row,
                3,
                format!("Ngày «{}» không hợp lệ, cần DD/MM/YYYY", cell(3).trim()),
                "invalid date, expected DD/MM/YYYY",
            ));
        }
        let to = if cell(4).trim().is_empty() {
            None
        } else {
            let d = date(cell(4));
            if d.is_none() {
                errors.push(err(
                    row,
                    4,
                    format!("Ngày «{}» không hợp lệ, cần DD/MM/YYYY", cell(4).trim()),
                    "invalid date, expected DD/MM/YYYY",
                ));
            }
            d
        };
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            errors.push(err(row, 4, "Đến ngày phải sau từ ngày", "the end date must be after the start"));
        }
        if let (Some(c), Some(s)) = (&cccd, scheme)
            && let Some(first) = seen.insert((c.as_str().to_string(), s), row)
        {
            errors.push(err(
                row,
                0,
                format!("Trùng với dòng {first} (cùng số CCCD và chế độ)"),
                format!("repeats row {first} (same citizen id and scheme)"),
            ));
        }
        match (cccd, scheme, from, errors.len() == before) {
            (Some(c), Some(s), Some(f), true) => {
                good.push(ListRow { row, cccd: c.as_str().to_string(), scheme: s, grp, from: f, to, cells })
            }
            _ => bad_cells.push((row, cells)),
        }
    })?;
    Ok(Parsed(good, bad_cells, errors, rows))
}

impl App {
    /// Import a list of participations; see the module documentation.
    pub async fn import_participations(
        &self,
        actor: &Actor,
        filename: &str,
        bytes: &[u8],
        mode: ImportMode,
    ) -> Result<ListImportReport> {
        if !actor.has(Permission::ManageBooks) {
            return Err(AppError::Forbidden);
        }
        let Parsed(mut good, mut bad_cells, errors, rows) = crate::cpu(|| parse(filename, bytes))?;
        let mut report = ListImportReport { rows, errors, ..Default::default() };
        if rows == 0 && report.errors.is_empty() {
            return Err(AppError::invalid(
                "file",
                "Tệp không có dòng dữ liệu nào",
                "the file has no data rows",
            ));
        }
        let mut w = self.write(actor).await?;
        // Persons by citizen id; each must be registered and in the actor's scope.
        let cccds: Vec<String> = good.iter().map(|r| r.cccd.clone()).collect();
        let mut persons = HashMap::new();
        for chunk in cccds.chunks(5_000) {
            for p in w.conn().persons_by_cccds(chunk).await? {
                persons.insert(p.cccd.clone(), p);
            }
        }
        good.retain(|r| match persons.get(&r.cccd) {
            Some(p) if p.merged_into.is_none() && actor.can(Permission::ManageBooks, &p.unit_path) => true,
            _ => {
                report.errors.push(err(
                    r.row,
                    0,
                    "Số CCCD chưa có trong sổ đăng ký dân cư thuộc phạm vi của bạn",
                    "no registered person in your scope has this citizen id",
                ));
                bad_cells.push((r.row, r.cells.clone()));
                false
            }
        });
        report.errors.sort_by_key(|e| e.row);
        if mode == ImportMode::DryRun || (mode == ImportMode::AllOrNothing && !report.errors.is_empty()) {
            return Ok(report);
        }
        let ids: Vec<i64> = persons.values().map(|p| p.id).collect();
        let mut open: HashMap<(i64, Scheme), ParticipationRow> = w
            .conn()
            .participations_of_persons(&ids)
            .await?
            .into_iter()
            .filter(|p| p.ended_on.is_none())
            .map(|p| ((p.person_id, p.scheme), p))
            .collect();
        let now = w.now();
        for r in &good {
            let person = &persons[&r.cccd];
            w.derive(Derived::Coverage(person.id));
            let subject = super::enrol::person_subject(person, 0);
            match open.remove(&(person.id, r.scheme)) {
                Some(p) if p.grp == r.grp && p.started_on == r.from && p.valid_to == r.to => {
                    report.unchanged += 1
                }
                Some(p) if p.grp == r.grp && p.started_on == r.from => {
                    w.conn().set_participation_valid_to(p.id, r.to, now).await?;
                    let after = ParticipationRow { valid_to: r.to, updated_at: now, ..p.clone() };
                    w.changed(
                        "participation.list_update",
                        Subject { id: p.id.to_string(), ..subject },
                        Some(json(&p)),
                        Some(json(&after)),
                    );
                    report.updated += 1;
                }
                other => {
                    if let Some(p) = other {
                        let end = r.from.pred_opt().unwrap_or(r.from).max(p.started_on);
                        let reason = format!("Thay bằng danh sách {filename}");
                        w.conn().end_participation(p.id, end, &reason, now).await?;
                        w.changed(
                            "participation.end",
                            Subject { id: p.id.to_string(), ..subject.clone() },
                            Some(json(&p)),
                            None,
                        );
                    }
                    let mut p = ParticipationRow {
                        grp: r.grp.clone(),
                        valid_to: r.to,
                        ..ParticipationRow::new(person, r.scheme, false, r.from, now)
                    };
                    p.id = w.conn().insert_participation(&p).await?;
                    w.changed(
                        "participation.list_import",
                        Subject { id: p.id.to_string(), ..subject },
                        None,
                        Some(json(&p)),
                    );
                    report.created += 1;
                }
            }
        }
        if mode == ImportMode::ValidRowsOnly && !bad_cells.is_empty() {
            bad_cells.sort_by_key(|(row, _)| *row);
            let mut headers: Vec<String> = LIST_HEADERS.iter().map(|s| s.to_string()).collect();
            headers.push("Lý do".into());
            let reasons = |row: usize| -> String {
                report
                    .errors
                    .iter()
                    .filter(|e| e.row == row)
                    .map(|e| e.vi.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let table = Table::new(
                headers,
                bad_cells
                    .iter()
                    .map(|(row, cells)| {
                        let mut c: Vec<String> = cells.iter().take(5).cloned().collect();
                        c.resize(5, String::new());
                        c.push(reasons(*row));
                        c
                    })
                    .collect(),
            );
            report.rejected_xlsx = Some(
                ansinh_reports::write_xlsx(&table, "Dòng bị từ chối")
                    .map_err(|e| AppError::Internal(e.en))?,
            );
        }
        if report.created + report.updated > 0 {
            // Compulsory SI counts toward the 100 % groups: their dates move with the list.
            let mut paths: Vec<String> = good
                .iter()
                .filter(|r| r.scheme == Scheme::Csi)
                .map(|r| persons[&r.cccd].unit_path.clone())
                .collect();
            paths.sort();
            paths.dedup();
            self.refresh_full_groups(&mut w, &paths).await?;
            report.written = true;
            w.commit().await?;
        }
        Ok(report)
    }

    /// The list template (headers only) as a table.
    pub fn list_template() -> Table {
        Table::new(
            LIST_HEADERS.iter().map(|s| s.to_string()).collect(),
            vec![vec![
                "042080000111".into(),
                "BHYT".into(),
                "state_child".into(),
                "01/01/2026".into(),
                "31/12/2026".into(),
            ]],
        )
    }
}
