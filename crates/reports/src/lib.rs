//! Tabular files (CSV, XLSX) in and out.
//!
//! Reading turns a file into a [`Table`] of strings, the same whatever the format, so the
//! importers parse one shape: the first row is the header and `rows[i]` is the row Excel shows
//! as `i + 2` ([`Table::row_number`]). Spreadsheet cells become the text a person sees: whole
//! numbers without ".0" (so a CCCD typed as a number keeps its digits), dates as `dd/mm/yyyy`.
//!
//! Writing produces files Vietnamese Excel opens correctly: CSV in UTF-8 **with** a byte-order
//! mark (without it Excel guesses the ANSI code page and breaks the diacritics) and CRLF line
//! ends; XLSX with every cell stored as text, so leading zeros survive a round trip.
//!
//! Error policy: every failure is a [`FileError`] with a [`FileErrorKind`] and a reason in
//! Vietnamese first and English second, naming the row and column where there is one. Limits
//! ([`MAX_CELL_CHARS`], [`MAX_ROWS`]) bound what a hostile or mistaken upload can cost.

#![forbid(unsafe_code)]

use calamine::{Data, Reader};
use std::io::Cursor;

/// Longest cell accepted, in characters.
pub const MAX_CELL_CHARS: usize = 1_000;
/// Most data rows accepted (header excluded).
pub const MAX_ROWS: usize = 1_000_000;
/// Rows an XLSX sheet can hold (header included).
pub const XLSX_MAX_ROWS: usize = 1_048_576;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A header row and data rows of text cells. Rows may be shorter or longer than the header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(headers: Vec<String>, rows: Vec<Vec<String>>) -> Table {
        Table { headers, rows }
    }

    /// The spreadsheet row number of `rows[index]`: the header is row 1, so `index + 2`.
    pub fn row_number(index: usize) -> usize {
        index + 2
    }
}

/// What went wrong with a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileErrorKind {
    /// Nothing in the file.
    Empty,
    /// Row 1 is blank: the header must be the first row.
    NoHeader,
    /// A header but no data rows.
    NoData,
    /// Not UTF-8 (or UTF-16, or binary).
    Encoding,
    /// A cell longer than [`MAX_CELL_CHARS`].
    CellTooLong,
    /// More than [`MAX_ROWS`] data rows (or, writing XLSX, more than a sheet holds).
    TooManyRows,
    /// Not a readable CSV or spreadsheet.
    Malformed,
    /// A file extension we do not read.
    UnsupportedFormat,
    /// Writing failed.
    Write,
}

/// A file that cannot be read or written, with the reason in Vietnamese and English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{vi} / {en}")]
pub struct FileError {
    pub kind: FileErrorKind,
    pub vi: String,
    pub en: String,
}

impl FileError {
    fn new(kind: FileErrorKind, vi: impl Into<String>, en: impl Into<String>) -> FileError {
        FileError { kind, vi: vi.into(), en: en.into() }
    }

    fn empty() -> FileError {
        FileError::new(FileErrorKind::Empty, "Tệp trống, không có dữ liệu", "the file is empty")
    }

    fn no_header() -> FileError {
        FileError::new(
            FileErrorKind::NoHeader,
            "Dòng 1 của tệp trống: dòng đầu tiên phải là dòng tiêu đề (tên các cột)",
            "row 1 is blank: the first row must be the header (the column names)",
        )
    }

    fn no_data() -> FileError {
        FileError::new(
            FileErrorKind::NoData,
            "Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào",
            "the file has a header row but no data rows",
        )
    }

    fn too_many_rows() -> FileError {
        FileError::new(
            FileErrorKind::TooManyRows,
            format!("Tệp có hơn {} dòng dữ liệu; hãy chia thành nhiều tệp nhỏ hơn", vi_number(MAX_ROWS)),
            format!("the file has more than {MAX_ROWS} data rows; split it into smaller files"),
        )
    }

    fn cell_too_long(row: usize, col: usize, header: &str, chars: usize) -> FileError {
        let letter = column_letter(col);
        let (vi_col, en_col) = if header.is_empty() {
            (format!("cột {letter}"), format!("column {letter}"))
        } else {
            (format!("cột {letter} «{header}»"), format!("column {letter} «{header}»"))
        };
        FileError::new(
            FileErrorKind::CellTooLong,
            format!(
                "dòng {row}, {vi_col}: ô dài {} ký tự, vượt giới hạn {} ký tự",
                vi_number(chars),
                vi_number(MAX_CELL_CHARS)
            ),
            format!(
                "row {row}, {en_col}: the cell has {chars} characters, more than the limit of {MAX_CELL_CHARS}"
            ),
        )
    }
}

/// `1000000` → `1.000.000` (Vietnamese digit grouping).
fn vi_number(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// Check every cell of a row against [`MAX_CELL_CHARS`]; `row` is the spreadsheet row number.
fn check_cells(row: usize, cells: &[String], headers: &[String]) -> Result<(), FileError> {
    for (col, cell) in cells.iter().enumerate() {
        // Bytes bound characters from above: count only when the bytes could exceed the limit.
        if cell.len() > MAX_CELL_CHARS {
            let chars = cell.chars().count();
            if chars > MAX_CELL_CHARS {
                let header = headers.get(col).map_or("", String::as_str);
                return Err(FileError::cell_too_long(row, col, header, chars));
            }
        }
    }
    Ok(())
}

fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.trim().is_empty())
}

// ─── CSV in ───────────────────────────────────────────────────────────────────────────────

/// The text of a CSV file: UTF-8 with or without BOM; anything else is a clear error.
fn decode_utf8(bytes: &[u8]) -> Result<&str, FileError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(FileError::new(
            FileErrorKind::Encoding,
            "Tệp được lưu dạng UTF-16 (Unicode Text). Hãy mở trong Excel, chọn Lưu thành (Save As) → «CSV UTF-8 (Comma delimited) (*.csv)», hoặc lưu dạng .xlsx",
            "the file is UTF-16 (Unicode Text). Open it in Excel and Save As «CSV UTF-8 (Comma delimited) (*.csv)», or save it as .xlsx",
        ));
    }
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) if text.contains('\0') => Err(FileError::new(
            FileErrorKind::Encoding,
            "Tệp chứa ký tự NUL: có thể là UTF-16 hoặc không phải tệp văn bản. Hãy lưu lại dạng «CSV UTF-8» hoặc .xlsx",
            "the file contains NUL characters: it may be UTF-16 or not a text file. Save it again as «CSV UTF-8» or .xlsx",
        )),
        Ok(text) => Ok(text),
        Err(e) => {
            let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
            Err(FileError::new(
                FileErrorKind::Encoding,
                format!(
                    "Tệp không phải mã UTF-8 (byte lỗi ở dòng {line}). Có thể tệp được lưu bằng bảng mã Windows-1258 hoặc TCVN3 (ABC)/VNI. Hãy mở tệp trong Excel và chọn Lưu thành (Save As) → «CSV UTF-8 (Comma delimited) (*.csv)», hoặc lưu dạng .xlsx"
                ),
                format!(
                    "the file is not UTF-8 (invalid byte on line {line}). It was probably saved as Windows-1258 or TCVN3 (ABC)/VNI. Open it in Excel and Save As «CSV UTF-8 (Comma delimited) (*.csv)», or save it as .xlsx"
                ),
            ))
        }
    }
}

/// The separator of the header line (outside quotes): `;` if it has more `;` than `,`
/// (Excel with Vietnamese regional settings writes `;`), else `,`.
pub fn detect_delimiter(text: &str) -> u8 {
    let (mut commas, mut semicolons, mut quoted) = (0usize, 0usize, false);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if semicolons > commas { b';' } else { b',' }
}

/// A CSV file read one row at a time (for very large imports): the header is read up front,
/// then each item is `(row number, cells)`, blank rows included, with the same encoding, cell
/// and row limits as [`read_csv`].
pub struct CsvRows<'a> {
    text: &'a str,
    headers: Vec<String>,
    reader: csv::Reader<&'a [u8]>,
    record: csv::StringRecord,
    /// Data rows produced so far (blank lines included).
    count: usize,
    /// Blank lines to report before `stashed`.
    pending_blanks: usize,
    stashed: Option<Vec<String>>,
    done: bool,
}

/// Empty lines starting at byte `at` (the csv parser skips them, but Excel shows each as a row,
/// so they must count). A `\n` completing the previous record's `\r\n` is not one.
fn blank_lines_at(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = at;
    if i > 0 && bytes.get(i - 1) == Some(&b'\r') && bytes.get(i) == Some(&b'\n') {
        i += 1;
    }
    let mut n = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => i += 2,
            b'\r' | b'\n' => i += 1,
            _ => break,
        }
        n += 1;
    }
    n
}

/// Open a CSV for [`CsvRows`]; fails on encoding, an empty file or a blank or too long header.
pub fn csv_rows(bytes: &[u8]) -> Result<CsvRows<'_>, FileError> {
    let text = decode_utf8(bytes)?;
    if text.trim().is_empty() {
        return Err(FileError::empty());
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(detect_delimiter(text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let found = reader.read_record(&mut record).map_err(|e| malformed_csv(1, &e))?;
    let headers: Vec<String> = record.iter().map(|h| h.trim().to_string()).collect();
    if !found || is_blank(&headers) || blank_lines_at(text, 0) > 0 {
        return Err(FileError::no_header());
    }
    check_cells(1, &headers, &[])?;
    Ok(CsvRows { text, headers, reader, record, count: 0, pending_blanks: 0, stashed: None, done: false })
}

fn malformed_csv(row: usize, e: &csv::Error) -> FileError {
    FileError::new(
        FileErrorKind::Malformed,
        format!("Không đọc được tệp CSV ở dòng {row}: {e}"),
        format!("cannot read the CSV file at row {row}: {e}"),
    )
}

impl CsvRows<'_> {
    pub fn headers(&self) -> &[String] {
        &self.headers
    }
}

impl Iterator for CsvRows<'_> {
    type Item = Result<(usize, Vec<String>), FileError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        if self.stashed.is_none() {
            let before = self.reader.position().byte() as usize;
            match self.reader.read_record(&mut self.record) {
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(malformed_csv(Table::row_number(self.count), &e)));
                }
                Ok(true) => {
                    self.pending_blanks = blank_lines_at(self.text, before);
                    self.stashed = Some(self.record.iter().map(str::to_string).collect());
                }
            }
        }
        let row = Table::row_number(self.count);
        self.count += 1;
        let cells = if self.pending_blanks > 0 {
            self.pending_blanks -= 1;
            Vec::new()
        } else {
            self.stashed.take().unwrap_or_default()
        };
        let result = if self.count > MAX_ROWS {
            Err(FileError::too_many_rows())
        } else {
            check_cells(row, &cells, &self.headers).map(|()| (row, cells))
        };
        self.done = result.is_err();
        Some(result)
    }
}

/// Read a CSV file: UTF-8 with or without BOM, `,` or `;` separated (detected from the header
/// line). Header cells are trimmed; data cells are kept as written. Trailing blank rows are
/// dropped (blank rows in between are kept, so row numbers stay those of the file).
pub fn read_csv(bytes: &[u8]) -> Result<Table, FileError> {
    let mut stream = csv_rows(bytes)?;
    let mut rows = Vec::new();
    for item in stream.by_ref() {
        let (_, cells) = item?;
        rows.push(cells);
    }
    finish(std::mem::take(&mut stream.headers), rows)
}

/// Drop trailing blank rows and refuse a table with no data.
fn finish(headers: Vec<String>, mut rows: Vec<Vec<String>>) -> Result<Table, FileError> {
    while rows.last().is_some_and(|r| is_blank(r)) {
        rows.pop();
    }
    if rows.is_empty() {
        return Err(FileError::no_data());
    }
    Ok(Table { headers, rows })
}

// ─── Spreadsheets in ──────────────────────────────────────────────────────────────────────

/// Read the first sheet of an XLSX workbook (XLS and ODS are accepted too). Cells become the
/// text a person sees: whole numbers without ".0", dates `dd/mm/yyyy`, booleans `TRUE`/`FALSE`,
/// error cells as `#N/A` etc. Rows and columns keep their sheet positions, so row numbers and
/// column letters match what Excel shows. Same limits as [`read_csv`].
pub fn read_xlsx(bytes: &[u8]) -> Result<Table, FileError> {
    if bytes.is_empty() {
        return Err(FileError::empty());
    }
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|_| {
        FileError::new(
            FileErrorKind::Malformed,
            "Không đọc được tệp Excel: tệp hỏng hoặc không phải tệp .xlsx. Hãy mở bằng Excel và lưu lại dạng «Excel Workbook (*.xlsx)»",
            "cannot read the Excel file: it is damaged or not an .xlsx file. Open it in Excel and save it as «Excel Workbook (*.xlsx)»",
        )
    })?;
    let range = match workbook.worksheet_range_at(0) {
        None => return Err(FileError::empty()),
        Some(Err(e)) => {
            return Err(FileError::new(
                FileErrorKind::Malformed,
                format!("Không đọc được trang tính đầu tiên: {e}"),
                format!("cannot read the first sheet: {e}"),
            ));
        }
        Some(Ok(range)) => range,
    };
    let Some((r0, c0)) = range.start() else { return Err(FileError::empty()) };
    let (r0, c0) = (r0 as usize, c0 as usize);
    if r0 + range.height() > MAX_ROWS + 1 {
        return Err(FileError::too_many_rows());
    }
    // Rows above the used range are blank; pad them so row numbers stay those of the sheet.
    let mut rows: Vec<Vec<String>> = vec![Vec::new(); r0];
    let mut headers: Vec<String> = Vec::new();
    for cells in range.rows() {
        let mut row: Vec<String> = Vec::with_capacity(c0 + cells.len());
        row.resize(c0, String::new());
        row.extend(cells.iter().map(cell_text));
        while row.last().is_some_and(|c| c.is_empty()) {
            row.pop();
        }
        rows.push(row);
    }
    if !rows.is_empty() {
        headers = rows.remove(0).into_iter().map(|h| h.trim().to_string()).collect();
    }
    if is_blank(&headers) {
        return Err(if rows.iter().all(|r| is_blank(r)) {
            FileError::empty()
        } else {
            FileError::no_header()
        });
    }
    check_cells(1, &headers, &[])?;
    for (i, row) in rows.iter().enumerate() {
        check_cells(Table::row_number(i), row, &headers)?;
    }
    finish(headers, rows)
}

/// The text a person sees in a cell.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, hh, mm, ss, _) = dt.to_ymd_hms_milli();
            if (hh, mm, ss) == (0, 0, 0) {
                format!("{d:02}/{m:02}/{y:04}")
            } else {
                format!("{d:02}/{m:02}/{y:04} {hh:02}:{mm:02}:{ss:02}")
            }
        }
        Data::DateTime(dt) => float_text(dt.as_f64()),
        Data::DateTimeIso(s) => iso_date_text(s),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// Whole numbers without a fraction ("42090001234", not "42090001234.0" or "4.2e10").
fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { format!("{f}") }
}

/// `2024-03-05` or `2024-03-05T00:00:00` → `05/03/2024`; other values unchanged.
fn iso_date_text(s: &str) -> String {
    let (date, time) = s.split_once('T').unwrap_or((s, ""));
    let parts: Vec<&str> = date.split('-').collect();
    let midnight = time.is_empty() || time.trim_start_matches(['0', ':']).trim_start_matches('.').is_empty();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 && midnight => format!("{d}/{m}/{y}"),
        _ => s.to_string(),
    }
}

/// Read a file by its extension: `.csv` (and `.txt`) as CSV; `.xlsx`, `.xlsm`, `.xls`, `.ods`
/// as a spreadsheet.
pub fn read_table(filename: &str, bytes: &[u8]) -> Result<Table, FileError> {
    let ext = filename.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" => read_csv(bytes),
        "xlsx" | "xlsm" | "xls" | "ods" => read_xlsx(bytes),
        _ => Err(FileError::new(
            FileErrorKind::UnsupportedFormat,
            format!("Không đọc được tệp «{filename}»: chỉ nhận tệp .xlsx hoặc .csv (UTF-8)"),
            format!("cannot read «{filename}»: only .xlsx or .csv (UTF-8) files are accepted"),
        )),
    }
}

// ─── Out ──────────────────────────────────────────────────────────────────────────────────

/// CSV for Excel: UTF-8 with BOM, `,` separated, CRLF line ends, quoting only where needed.
///
/// Cells are written as they are: a cell starting with `=`, `+`, `-` or `@` is a formula to
/// Excel when the file is opened by double-click. Prefer [`write_xlsx`] for files people open.
pub fn write_csv(table: &Table) -> Vec<u8> {
    write_csv_with(table, b',')
}

/// [`write_csv`] with another separator (`;` suits Excel under Vietnamese regional settings).
pub fn write_csv_with(table: &Table, delimiter: u8) -> Vec<u8> {
    let mut out = BOM.to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(csv::Terminator::CRLF)
            .flexible(true)
            .from_writer(&mut out);
        let empty = [""];
        for record in std::iter::once(&table.headers).chain(&table.rows) {
            // An empty record would be written as nothing at all; write one empty cell instead.
            let result =
                if record.is_empty() { writer.write_record(empty) } else { writer.write_record(record) };
            // Writing into memory cannot fail, and `flexible` accepts any record length.
            debug_assert!(result.is_ok(), "{result:?}");
        }
        let _ = writer.flush();
    }
    out
}

/// An XLSX workbook with one sheet: bold header on a light fill, first row frozen, an
/// autofilter, column widths from the content, and every cell (and every column's default
/// format) as text, so codes with leading zeros survive and new values typed into the sheet
/// stay text.
pub fn write_xlsx(table: &Table, sheet_name: &str) -> Result<Vec<u8>, FileError> {
    use rust_xlsxwriter::{Format, Workbook};

    if table.rows.len() + 1 > XLSX_MAX_ROWS {
        return Err(FileError::new(
            FileErrorKind::TooManyRows,
            format!(
                "Một trang Excel chỉ chứa được {} dòng; hãy xuất dạng CSV hoặc lọc bớt",
                vi_number(XLSX_MAX_ROWS)
            ),
            format!("an Excel sheet holds at most {XLSX_MAX_ROWS} rows; export as CSV or narrow the list"),
        ));
    }
    let write_error = |e: rust_xlsxwriter::XlsxError| {
        FileError::new(
            FileErrorKind::Write,
            format!("Không tạo được tệp Excel: {e}"),
            format!("cannot write the Excel file: {e}"),
        )
    };
    let text = Format::new().set_num_format("@");
    let header = Format::new().set_num_format("@").set_bold().set_background_color("#DDEBF7");

    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_title(sheet_name)).map_err(write_error)?;

    let columns = table.rows.iter().map(Vec::len).chain([table.headers.len()]).max().unwrap_or(0);
    let mut widths: Vec<usize> = vec![0; columns];
    for (c, h) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &header).map_err(write_error)?;
        widths[c] = widths[c].max(h.chars().count());
    }
    for (r, row) in table.rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            if value.is_empty() {
                continue;
            }
            sheet.write_string_with_format(r as u32 + 1, c as u16, value, &text).map_err(write_error)?;
            if widths[c] < 60 {
                widths[c] = widths[c].max(value.chars().count());
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        let c = c as u16;
        sheet.set_column_format(c, &text).map_err(write_error)?;
        sheet.set_column_width(c, (*w).clamp(8, 60) as f64 + 2.0).map_err(write_error)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(write_error)?;
    if columns > 0 {
        sheet.autofilter(0, 0, table.rows.len() as u32, columns as u16 - 1).map_err(write_error)?;
    }
    workbook.save_to_buffer().map_err(write_error)
}

/// A valid sheet name: no `[ ] : * ? / \`, not starting or ending with `'`, 1–31 characters.
fn sheet_title(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .collect::<String>()
        .trim()
        .trim_matches('\'')
        .chars()
        .take(31)
        .collect();
    if cleaned.trim().is_empty() { "Sheet1".to_string() } else { cleaned }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn numbers_and_dates() {
        assert_eq!(vi_number(1_000_000), "1.000.000");
        assert_eq!(vi_number(999), "999");
        assert_eq!(float_text(42_090_001_234.0), "42090001234");
        assert_eq!(float_text(1.5), "1.5");
        assert_eq!(iso_date_text("2024-03-05"), "05/03/2024");
        assert_eq!(iso_date_text("2024-03-05T00:00:00"), "05/03/2024");
        assert_eq!(iso_date_text("2024-03-05T10:30:00"), "2024-03-05T10:30:00");
    }

    #[test]
    fn delimiter() {
        assert_eq!(detect_delimiter("a;b;c\n1,2;3"), b';');
        assert_eq!(detect_delimiter("a,b,c\n"), b',');
        assert_eq!(detect_delimiter("\"a;b\",c\n"), b',');
    }

    #[test]
    fn sheet_titles() {
        assert_eq!(sheet_title("Danh sách [2025]/A"), "Danh sách -2025--A");
        assert_eq!(sheet_title("  "), "Sheet1");
        assert_eq!(sheet_title(&"x".repeat(40)).len(), 31);
    }
}
