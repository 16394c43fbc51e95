//! Targets and official denominators from a file (CSV or XLSX), as a province office keeps
//! them in a spreadsheet: one row per unit × year × indicator or denominator kind. All or
//! nothing: a file with any bad row writes nothing and every bad row is named.

use super::manage_guard;
use crate::import::Source;
use crate::{App, AppError, Result};
use ansinh_domain::import::RowError;
use ansinh_domain::text;
use ansinh_domain::{Actor, DenominatorKind, Indicator, UnitCode};
use serde::Serialize;

/// Column headers as the template writes them, and the keys also accepted.
pub const HEADERS: [&str; 6] = ["Mã đơn vị", "Năm", "Chỉ tiêu hoặc mẫu số", "Giá trị", "Căn cứ", "Ghi chú"];
const KEYS: [&str; 6] = ["unit_code", "year", "what", "value", "basis", "note"];

fn column_of(h: &str) -> Option<usize> {
    let k = text::fold(h.trim()).replace(' ', "_");
    HEADERS.iter().zip(KEYS).position(|(vi, key)| text::fold(vi).replace(' ', "_") == k || key == k)
}

fn err(row: usize, column: usize, vi: impl Into<String>, en: impl Into<String>) -> RowError {
    RowError { row, column: HEADERS[column].to_string(), vi: vi.into(), en: en.into() }
}

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetImport {
    pub rows: usize,
    pub targets: usize,
    pub denominators: usize,
    /// Every bad row (nothing is written when there is one).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub errors: Vec<RowError>,
    pub written: bool,
}

enum Line {
    Target { unit: String, year: i64, indicator: Indicator, rate_bp: i64, basis: String, note: String },
    Denominator { unit: String, year: i64, kind: DenominatorKind, value: i64, basis: String },
}

/// The good lines with their row numbers, the errors, and the number of data rows.
type ParsedFile = (Vec<(usize, Line)>, Vec<RowError>, usize);

fn parse(filename: &str, bytes: &[u8]) -> Result<ParsedFile> {
    let source = Source::open(filename, bytes)?;
    let mut index = [None; 6];
    for (i, h) in source.headers().iter().enumerate() {
        if let Some(c) = column_of(h) {
            index[c].get_or_insert(i);
        }
    }
    let mut errors = Vec::new();
    for (c, i) in index.iter().enumerate().take(5) {
        if i.is_none() {
            errors.push(err(
                1,
                c,
                format!("thiếu cột «{}»", HEADERS[c]),
                format!("the column «{}» is missing", KEYS[c]),
            ));
        }
    }
    if !errors.is_empty() {
        return Ok((Vec::new(), errors, 0));
    }
    let mut lines = Vec::new();
    let mut rows = 0;
    source.for_each(|row, cells| {
        if cells.iter().all(|c| c.trim().is_empty()) {
            return;
        }
        rows += 1;
        let cell = |c: usize| index[c].and_then(|i| cells.get(i)).map_or("", |s| s.trim());
        let before = errors.len();
        let unit = UnitCode::parse(cell(0)).map_err(|e| errors.push(err(row, 0, e.vi, e.en))).ok();
        let year = cell(1).parse::<i64>().ok().filter(|y| (2000..=2100).contains(y));
        if year.is_none() {
            errors.push(err(row, 1, format!("Năm «{}» không hợp lệ (2000–2100)", cell(1)), "a year from 2000 to 2100"));
        }
        let basis = text::free_text("basis", cell(4), 300).map_err(|e| errors.push(err(row, 4, e.vi, e.en))).unwrap_or_default();
        if basis.is_empty() {
            errors.push(err(row, 4, "Cần ghi nghị quyết (chỉ tiêu) hoặc nguồn số liệu (mẫu số)", "the resolution or the source is needed"));
        }
        let note = text::free_text("note", cell(5), 300).map_err(|e| errors.push(err(row, 5, e.vi, e.en))).unwrap_or_default();
        let line = if let Ok(indicator) = Indicator::parse(cell(2)) {
            ansinh_domain::indicator::parse_rate("value", cell(3))
                .map_err(|e| errors.push(err(row, 3, e.vi, e.en)))
                .ok()
                .map(|rate_bp| (indicator, rate_bp))
                .and_then(|(indicator, rate_bp)| {
                    Some(Line::Target { unit: unit.as_ref()?.as_str().into(), year: year?, indicator, rate_bp, basis: basis.clone(), note })
                })
        } else if let Ok(kind) = DenominatorKind::parse(cell(2)) {
            let t: String = cell(3).chars().filter(|c| !matches!(c, '.' | ',' | ' ')).collect();
            match t.parse::<i64>().ok().filter(|v| *v > 0 && *v <= 200_000_000) {
                Some(value) => Some(Line::Denominator { unit: unit.as_ref().map(|u| u.as_str().to_string()).unwrap_or_default(), year: year.unwrap_or(0), kind, value, basis: basis.clone() }),
                None => {
                    errors.push(err(row, 3, format!("Số người «{}» không hợp lệ", cell(3)), "a number of persons above 0"));
                    None
                }
            }
        } else {
            errors.push(err(
                row,
                2,
                format!("«{}» không phải chỉ tiêu (si, vsi, ui, hi, vsi_farmer) hay mẫu số (labour_force, population)", cell(2)),
                format!("«{}» is no indicator (si, vsi, ui, hi, vsi_farmer) nor denominator (labour_force, population)", cell(2)),
            ));
            None
        };
        if errors.len() == before
            && let Some(l) = line
        {
            lines.push((row, l));
        }
    })?;
    Ok((lines, errors, rows))
}

impl App {
    /// Import targets and official denominators; all or nothing.
    pub async fn import_targets(&self, actor: &Actor, filename: &str, bytes: &[u8]) -> Result<TargetImport> {
        let (lines, mut errors, rows) = crate::cpu(|| parse(filename, bytes))?;
        let mut report = TargetImport { rows, errors: Vec::new(), ..Default::default() };
        if rows == 0 && errors.is_empty() {
            return Err(AppError::invalid(
                "file",
                "Tệp không có dòng dữ liệu nào",
                "the file has no data rows",
            ));
        }
        let mut w = self.write(actor).await?;
        let today = self.today();
        let mut writes = Vec::new();
        for (row, l) in lines {
            let code = match &l {
                Line::Target { unit, .. } | Line::Denominator { unit, .. } => unit.clone(),
            };
            let versions = w.conn().units_by_code(&code).await?;
            let unit = crate::units::pick_version(versions, today);
            match unit {
                Some(u) if manage_guard(actor, &u).is_ok() => writes.push((u, l)),
                _ => errors.push(err(
                    row,
                    0,
                    format!("Không có đơn vị mã {code} trong phạm vi của bạn"),
                    format!("no unit with code {code} in your scope"),
                )),
            }
        }
        errors.sort_by_key(|e| e.row);
        if !errors.is_empty() {
            report.errors = errors;
            return Ok(report);
        }
        for (u, l) in writes {
            match l {
                Line::Target { year, indicator, rate_bp, basis, note, .. } => {
                    self.insert_target(&mut w, &u, year, indicator, rate_bp, &basis, &note).await?;
                    report.targets += 1;
                }
                Line::Denominator { year, kind, value, basis, .. } => {
                    self.insert_denominator_row(&mut w, &u, year, kind, value, &basis).await?;
                    report.denominators += 1;
                }
            }
        }
        w.commit().await?;
        report.written = true;
        Ok(report)
    }
}
