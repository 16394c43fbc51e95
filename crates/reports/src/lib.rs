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

pub mod pdf;
pub mod raster;

use calamine::{Data, Reader};

use std::io::Cursor;
use std::ops::ControlFlow;

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
    /// A cell beyond [`MAX_COLUMNS`].
    TooManyColumns,
    /// A spreadsheet package beyond the size limits (parts, unpacked bytes, shared strings).
    TooLarge,
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
pub fn vi_number(n: usize) -> String {
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

/// Bytes read from the start of a CSV file to recognise its encoding and separator.
const CSV_HEAD_BYTES: usize = 64 * 1024;

fn utf16_error() -> FileError {
    FileError::new(
        FileErrorKind::Encoding,
        "Tệp được lưu dạng UTF-16 (Unicode Text). Hãy mở trong Excel, chọn Lưu thành (Save As) → «CSV UTF-8 (Comma delimited) (*.csv)», hoặc lưu dạng .xlsx",
        "the file is UTF-16 (Unicode Text). Open it in Excel and Save As «CSV UTF-8 (Comma delimited) (*.csv)», or save it as .xlsx",
    )
}

fn nul_error() -> FileError {
    FileError::new(
        FileErrorKind::Encoding,
        "Tệp chứa ký tự NUL: có thể là UTF-16 hoặc không phải tệp văn bản. Hãy lưu lại dạng «CSV UTF-8» hoặc .xlsx",
        "the file contains NUL characters: it may be UTF-16 or not a text file. Save it again as «CSV UTF-8» or .xlsx",
    )
}

fn not_utf8_error(line: u64) -> FileError {
    FileError::new(
        FileErrorKind::Encoding,
        format!(
            "Tệp không phải mã UTF-8 (byte lỗi ở dòng {line}). Có thể tệp được lưu bằng bảng mã Windows-1258 hoặc TCVN3 (ABC)/VNI. Hãy mở tệp trong Excel và chọn Lưu thành (Save As) → «CSV UTF-8 (Comma delimited) (*.csv)», hoặc lưu dạng .xlsx"
        ),
        format!(
            "the file is not UTF-8 (invalid byte on line {line}). It was probably saved as Windows-1258 or TCVN3 (ABC)/VNI. Open it in Excel and Save As «CSV UTF-8 (Comma delimited) (*.csv)», or save it as .xlsx"
        ),
    )
}

/// UTF-16 with a byte-order mark, or without one (Excel's "Unicode Text" read back by other
/// tools): ASCII text in UTF-16 has a NUL in every other byte. `head` is the file's start.
fn is_utf16(head: &[u8]) -> bool {
    let head = &head[..head.len().min(512)];
    let nul_every_other = head.len() >= 4
        && (head.iter().skip(1).step_by(2).all(|b| *b == 0) || head.iter().step_by(2).all(|b| *b == 0));
    head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") || nul_every_other
}

/// The separator of the header line (outside quotes): the most frequent of `,`, `;` (Excel with
/// Vietnamese regional settings writes `;`) and tab (Excel's "Text (Tab delimited)" and copies
/// from a sheet); `,` when none appears.
pub fn detect_delimiter(text: &str) -> u8 {
    // Counted per line over the first lines (title rows above the header may have no
    // separator at all, or a comma in a place's name); the line with the most separators
    // decides, the first of equals.
    let (mut best, mut line) = ((0usize, 0usize, 0usize), (0usize, 0usize, 0usize));
    let (mut quoted, mut lines) = (false, 0usize);
    let total = |c: (usize, usize, usize)| c.0 + c.1 + c.2;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => {
                if total(line) > total(best) {
                    best = line;
                }
                line = (0, 0, 0);
                lines += 1;
                if lines >= DELIMITER_LINES {
                    break;
                }
            }
            ',' if !quoted => line.0 += 1,
            ';' if !quoted => line.1 += 1,
            '\t' if !quoted => line.2 += 1,
            _ => {}
        }
    }
    if total(line) > total(best) {
        best = line;
    }
    let (commas, semicolons, tabs) = best;
    if tabs > commas && tabs > semicolons {
        b'\t'
    } else if semicolons > commas {
        b';'
    } else {
        b','
    }
}

/// Lines of a CSV's start the separator is recognised from: the header and the title rows
/// above it, with blank lines between.
const DELIMITER_LINES: usize = 2 * MAX_TITLE_ROWS + 2;

/// Where the scanner is in the CSV grammar (as the csv parser reads it: a quote opens a quoted
/// field only as a field's first byte).
#[derive(Clone, Copy, PartialEq, Eq)]
enum CsvState {
    StartField,
    InField,
    Quoted,
    QuoteInQuoted,
}

/// A reader between the file and the csv parser that finds the empty lines as the bytes pass:
/// the parser skips them, but Excel shows each as a row, so they must count. It keeps only the
/// byte offsets of the empty lines not yet claimed by a record (those the parser's read-ahead
/// buffer has passed), so a file of any length is read in constant memory.
struct BlankLines<R> {
    inner: R,
    delimiter: u8,
    state: CsvState,
    /// Offset (in the bytes handed on) of the next byte.
    offset: u64,
    /// No byte but line ends since the last line end (or the start).
    line_empty: bool,
    after_cr: bool,
    blanks: std::collections::VecDeque<u64>,
}

impl<R: std::io::Read> std::io::Read for BlankLines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            let at = self.offset;
            self.offset += 1;
            let after_cr = std::mem::replace(&mut self.after_cr, b == b'\r');
            if self.state == CsvState::Quoted {
                if b == b'"' {
                    self.state = CsvState::QuoteInQuoted;
                }
                continue;
            }
            match b {
                b'\n' if after_cr => {}
                b'\r' | b'\n' => {
                    if self.line_empty {
                        self.blanks.push_back(at);
                    }
                    self.line_empty = true;
                    self.state = CsvState::StartField;
                }
                _ => {
                    self.line_empty = false;
                    self.state = match (self.state, b) {
                        (_, d) if d == self.delimiter => CsvState::StartField,
                        (CsvState::StartField, b'"') => CsvState::Quoted,
                        (CsvState::QuoteInQuoted, b'"') => CsvState::Quoted,
                        _ => CsvState::InField,
                    };
                }
            }
        }
        Ok(n)
    }
}

impl<R> BlankLines<R> {
    /// Empty lines before byte `end` (each claimed once).
    fn take_before(&mut self, end: u64) -> usize {
        let mut n = 0;
        while self.blanks.front().is_some_and(|at| *at < end) {
            self.blanks.pop_front();
            n += 1;
        }
        n
    }
}

/// The bytes read ahead to recognise the file, then the rest of it.
type Reread<R> = std::io::Chain<std::io::Cursor<Vec<u8>>, R>;

/// A CSV file read one row at a time (for very large imports), from any reader and in constant
/// memory: the header is read up front, then each item is `(row number, cells)`, blank rows
/// included, with the same encoding, cell and row limits as [`read_csv`].
pub struct CsvRows<R> {
    headers: Vec<String>,
    reader: csv::Reader<BlankLines<std::io::BufReader<Reread<R>>>>,
    record: csv::StringRecord,
    /// Data rows produced so far (blank lines included).
    count: usize,
    /// Blank lines to report before `stashed`.
    pending_blanks: usize,
    stashed: Option<Vec<String>>,
    /// Rows read while looking for the header under title rows that turned out to be data
    /// (a one-column file): handed out first, blank rows as empty.
    replay: std::collections::VecDeque<Vec<String>>,
    /// The header's line in the file (1, or lower under title rows).
    header_line: usize,
    done: bool,
}

/// Open a CSV held in memory for [`CsvRows`].
pub fn csv_rows(bytes: &[u8]) -> Result<CsvRows<&[u8]>, FileError> {
    csv_rows_from(bytes)
}

/// Open a CSV for [`CsvRows`] from a reader (a file on disk is never held whole); fails on
/// encoding, an empty file or a blank or too long header.
pub fn csv_rows_from<R: std::io::Read>(source: R) -> Result<CsvRows<R>, FileError> {
    use std::io::Read;
    let read_error = |e: std::io::Error| {
        FileError::new(
            FileErrorKind::Malformed,
            format!("Không đọc được tệp: {e}"),
            format!("cannot read the file: {e}"),
        )
    };
    // The start of the file (its first line, or as much as fits): encoding and separator.
    let mut source = source;
    let mut head = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let lines = |h: &[u8]| h.iter().filter(|b| **b == b'\n').count();
    while head.len() < CSV_HEAD_BYTES && lines(&head) < DELIMITER_LINES {
        let n = source.read(&mut chunk).map_err(read_error)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&chunk[..n]);
    }
    if head.is_empty() {
        return Err(FileError::empty());
    }
    if is_utf16(&head) {
        return Err(utf16_error());
    }
    let skip = if head.starts_with(BOM) { BOM.len() } else { 0 };
    let delimiter = detect_delimiter(&String::from_utf8_lossy(&head[skip..]));
    let mut head = std::io::Cursor::new(head);
    head.set_position(skip as u64);
    let input = std::io::BufReader::with_capacity(CSV_HEAD_BYTES, head.chain(source));
    let scan = BlankLines {
        inner: input,
        delimiter,
        state: CsvState::StartField,
        offset: 0,
        line_empty: true,
        after_cr: false,
        blanks: Default::default(),
    };
    let reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(scan);
    let mut rows = CsvRows {
        headers: Vec::new(),
        reader,
        record: csv::StringRecord::new(),
        count: 0,
        pending_blanks: 0,
        stashed: None,
        replay: Default::default(),
        header_line: 1,
        done: false,
    };
    let found = rows.reader.read_record(&mut rows.record).map_err(|e| csv_error(1, &e))?;
    let mut headers: Vec<String> = rows.record.iter().map(|h| h.trim().to_string()).collect();
    let end = rows.reader.position().byte();
    let blank_before = rows.reader.get_mut().take_before(end) > 0;
    if headers.iter().any(|h| h.contains('\0')) {
        return Err(nul_error());
    }
    let filled = |cells: &[String]| cells.iter().filter(|c| !c.trim().is_empty()).count();
    if found && !blank_before && filled(&headers) == 1 {
        // Title rows (a list's name, its place and date: one cell each, as a printed list
        // saved as CSV has them) may stand above the header: the first row of two or more
        // cells within MAX_TITLE_ROWS is the header. Otherwise the first row was the header
        // of a one-column file, and the rows read since are its data.
        let mut waiting: Vec<(usize, Vec<String>)> = Vec::new();
        let mut line = 1;
        loop {
            match rows.reader.read_record(&mut rows.record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => return Err(csv_error(line + 1, &e)),
            }
            let end = rows.reader.position().byte();
            let blanks = rows.reader.get_mut().take_before(end);
            let cells: Vec<String> = rows.record.iter().map(|c| restore(c.to_string())).collect();
            if cells.iter().any(|c| c.contains('\0')) {
                return Err(nul_error());
            }
            line += blanks + 1;
            if filled(&cells) >= 2 {
                headers = cells.iter().map(|h| h.trim().to_string()).collect();
                rows.header_line = line;
                waiting.clear();
                break;
            }
            waiting.push((blanks, cells));
            if waiting.len() >= MAX_TITLE_ROWS {
                break;
            }
        }
        for (blanks, cells) in waiting {
            rows.replay.extend(std::iter::repeat_n(Vec::new(), blanks));
            rows.replay.push_back(cells);
        }
    }
    if !found || is_blank(&headers) || blank_before {
        // Nothing but blank lines is an empty file; text under a blank first line has no header.
        let mut anything = found && !is_blank(&headers);
        while !anything {
            match rows.reader.read_record(&mut rows.record) {
                Ok(true) => anything = rows.record.iter().any(|c| !c.trim().is_empty()),
                Ok(false) => break,
                Err(_) => anything = true,
            }
        }
        return Err(if anything { FileError::no_header() } else { FileError::empty() });
    }
    check_cells(1, &headers, &[])?;
    rows.headers = headers;
    Ok(rows)
}

/// A parse error: bad UTF-8 gets the encoding explanation with its line, anything else the row.
fn csv_error(row: usize, e: &csv::Error) -> FileError {
    match e.kind() {
        csv::ErrorKind::Utf8 { pos, .. } => not_utf8_error(pos.as_ref().map_or(row as u64, |p| p.line())),
        _ => FileError::new(
            FileErrorKind::Malformed,
            format!("Không đọc được tệp CSV ở dòng {row}: {e}"),
            format!("cannot read the CSV file at row {row}: {e}"),
        ),
    }
}

impl<R> CsvRows<R> {
    pub fn headers(&self) -> &[String] {
        &self.headers
    }
}

impl<R: std::io::Read> Iterator for CsvRows<R> {
    type Item = Result<(usize, Vec<String>), FileError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        if self.stashed.is_none()
            && self.pending_blanks == 0
            && let Some(cells) = self.replay.pop_front()
        {
            self.stashed = Some(cells);
        } else if self.stashed.is_none() {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(csv_error(self.header_line + 1 + self.count, &e)));
                }
                Ok(true) => {
                    let end = self.reader.position().byte();
                    self.pending_blanks = self.reader.get_mut().take_before(end);
                    if self.record.iter().any(|c| c.contains('\0')) {
                        self.done = true;
                        return Some(Err(nul_error()));
                    }
                    self.stashed = Some(self.record.iter().map(|c| restore(c.to_string())).collect());
                }
            }
        }
        let row = self.header_line + 1 + self.count;
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

/// Read a CSV file: UTF-8 with or without BOM, `,` or `;` separated (detected from the first
/// lines). Up to [`MAX_TITLE_ROWS`] one-cell title rows from line 1 are skipped (blank lines
/// between them too); the header is the first row of two or more cells. Header cells are
/// trimmed; data cells are kept as written. Trailing blank rows are dropped (blank rows in
/// between, and those left by titles, are kept, so row numbers stay those of the file).
pub fn read_csv(bytes: &[u8]) -> Result<Table, FileError> {
    let mut stream = csv_rows(bytes)?;
    let mut rows = Vec::new();
    for item in stream.by_ref() {
        // Placed by its line (title rows above the header leave blank rows): `row_number`
        // of an index stays the file's line.
        let (n, cells) = item?;
        rows.resize_with(n - 2, Vec::new);
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

/// Most columns a spreadsheet row may use (the person template has 17; real lists add a few).
pub const MAX_COLUMNS: usize = 200;
/// Most non-empty cells a sheet may hold (a million rows of 30 columns).
pub const MAX_CELLS: usize = 30_000_000;
/// Most parts (files) inside an XLSX package.
const MAX_ZIP_ENTRIES: usize = 5_000;
/// Most bytes any one part may unpack to (the zip reader refuses to unpack past the declared
/// size, so the declared sizes bound what is read).
const MAX_PART_BYTES: u64 = 1 << 30;
/// Most bytes all parts together may unpack to.
const MAX_PACKAGE_BYTES: u64 = 3 << 30;
/// Most bytes the shared-strings part may unpack to: calamine holds every shared string.
pub const MAX_SHARED_STRINGS_BYTES: u64 = 256 << 20;
/// Most bytes one shared string (`<si>` entry, markup included) may take: [`MAX_CELL_CHARS`]
/// characters of up to 4 bytes plus generous rich-text markup.
const MAX_SHARED_STRING_BYTES: usize = 64 * 1024;

impl FileError {
    fn too_many_columns(row: usize, col: usize) -> FileError {
        FileError::new(
            FileErrorKind::TooManyColumns,
            format!(
                "dòng {row}, cột {}: trang tính dùng quá {MAX_COLUMNS} cột; hãy xoá các cột thừa ở bên phải rồi lưu lại",
                column_letter(col)
            ),
            format!(
                "row {row}, column {}: the sheet uses more than {MAX_COLUMNS} columns; delete the extra columns on the right and save again",
                column_letter(col)
            ),
        )
    }

    fn too_large(vi: impl std::fmt::Display, en: impl std::fmt::Display) -> FileError {
        FileError::new(
            FileErrorKind::TooLarge,
            format!(
                "Tệp Excel quá lớn hoặc bất thường: {vi}. Hãy chia thành nhiều tệp nhỏ hơn hoặc lưu dạng CSV UTF-8"
            ),
            format!(
                "the Excel file is too large or abnormal: {en}. Split it into smaller files or save it as CSV UTF-8"
            ),
        )
    }

    fn malformed_xlsx() -> FileError {
        FileError::new(
            FileErrorKind::Malformed,
            "Không đọc được tệp Excel: tệp hỏng hoặc không phải tệp .xlsx. Hãy mở bằng Excel và lưu lại dạng «Excel Workbook (*.xlsx)»",
            "cannot read the Excel file: it is damaged or not an .xlsx file. Open it in Excel and save it as «Excel Workbook (*.xlsx)»",
        )
    }
}

/// Check an XLSX package before any part of it is parsed: the number of parts, what each
/// unpacks to, and the shared strings (their count and the size of each), so that a small
/// file cannot make the reader allocate gigabytes (zip bombs, a `uniqueCount` of billions,
/// one shared string of hundreds of megabytes).
fn check_package<R: std::io::Read + std::io::Seek>(source: &mut R) -> Result<(), FileError> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(source).map_err(|_| FileError::malformed_xlsx())?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(FileError::too_large(
            format!("gói có {} phần (tối đa {})", vi_number(zip.len()), vi_number(MAX_ZIP_ENTRIES)),
            format!("the package has {} parts (at most {MAX_ZIP_ENTRIES})", zip.len()),
        ));
    }
    let mut total: u64 = 0;
    let mut shared = None;
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(|_| FileError::malformed_xlsx())?;
        let size = part.size();
        let name = part.name().map_err(|_| FileError::malformed_xlsx())?.to_ascii_lowercase();
        if size > MAX_PART_BYTES {
            return Err(FileError::too_large(
                format!("phần «{name}» giải nén ra {} MB", size >> 20),
                format!("part «{name}» unpacks to {} MB", size >> 20),
            ));
        }
        total = total.saturating_add(size);
        if name.ends_with("sharedstrings.xml") {
            shared = Some((i, size));
        }
    }
    if total > MAX_PACKAGE_BYTES {
        return Err(FileError::too_large(
            format!("giải nén ra {} MB", total >> 20),
            format!("it unpacks to {} MB", total >> 20),
        ));
    }
    let Some((index, size)) = shared else { return Ok(()) };
    if size > MAX_SHARED_STRINGS_BYTES {
        return Err(FileError::too_large(
            format!(
                "bảng chuỗi dùng chung giải nén ra {} MB (tối đa {} MB)",
                size >> 20,
                MAX_SHARED_STRINGS_BYTES >> 20
            ),
            format!(
                "the shared strings unpack to {} MB (at most {} MB)",
                size >> 20,
                MAX_SHARED_STRINGS_BYTES >> 20
            ),
        ));
    }
    let mut part = zip.by_index(index).map_err(|_| FileError::malformed_xlsx())?;
    let mut scan = SharedStringScan::default();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = part.read(&mut buf).map_err(|_| FileError::malformed_xlsx())?;
        if n == 0 {
            break;
        }
        scan.feed(&buf[..n])?;
    }
    Ok(())
}

/// A streaming scan of `sharedStrings.xml` that bounds each `<si>` entry and their count
/// without parsing the XML: text content cannot hold a raw `<`, so every entry starts at a
/// `<si` (or `<prefix:si`) tag.
#[derive(Default)]
struct SharedStringScan {
    /// Bytes since the start of the current entry (or of the part).
    since_entry: usize,
    entries: usize,
    /// Matching state: 0 = outside a tag name, 1 = after `<`, 2 = after `<…s`, 3 = after `<…si`.
    state: u8,
    /// The `uniqueCount` attribute is looked for in the first bytes.
    head: Vec<u8>,
}

impl SharedStringScan {
    fn feed(&mut self, chunk: &[u8]) -> Result<(), FileError> {
        if self.head.len() < 4096 {
            let take = (4096 - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
            if let Some(count) = unique_count(&self.head)
                && count > MAX_CELLS as u64
            {
                return Err(FileError::too_large(
                    format!("khai báo {} chuỗi dùng chung", vi_number(count as usize)),
                    format!("it declares {count} shared strings"),
                ));
            }
        }
        for &b in chunk {
            self.state = match (self.state, b) {
                (_, b'<') => 1,
                (1, b's') => 2,
                (1, c) if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' => 1,
                (1, b':') => 1,
                (2, b'i') => 3,
                (3, b'>' | b' ' | b'\t' | b'\r' | b'\n' | b'/') => {
                    self.entries += 1;
                    self.since_entry = 0;
                    0
                }
                (2 | 3, c) if c.is_ascii_alphanumeric() || c == b':' => 1,
                _ => 0,
            };
            self.since_entry += 1;
            if self.since_entry > MAX_SHARED_STRING_BYTES {
                return Err(FileError::too_large(
                    format!(
                        "một chuỗi dùng chung dài hơn {} KB (mỗi ô tối đa {} ký tự)",
                        MAX_SHARED_STRING_BYTES / 1024,
                        vi_number(MAX_CELL_CHARS)
                    ),
                    format!(
                        "one shared string is longer than {} KB (a cell holds at most {MAX_CELL_CHARS} characters)",
                        MAX_SHARED_STRING_BYTES / 1024
                    ),
                ));
            }
        }
        if self.entries > MAX_CELLS {
            return Err(FileError::too_large(
                format!("hơn {} chuỗi dùng chung", vi_number(MAX_CELLS)),
                format!("more than {MAX_CELLS} shared strings"),
            ));
        }
        Ok(())
    }
}

/// The value of `uniqueCount="…"` in the start of a shared-strings part, if it is there.
fn unique_count(head: &[u8]) -> Option<u64> {
    let key = b"uniqueCount=";
    let at = head.windows(key.len()).position(|w| w == key)? + key.len();
    let rest = head.get(at + 1..)?;
    let digits: Vec<u8> = rest.iter().take_while(|b| b.is_ascii_digit()).copied().collect();
    if digits.len() > 18 {
        return Some(u64::MAX);
    }
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

/// Read the first sheet of an XLSX workbook, cell by cell. Cells become the text a person
/// sees: whole numbers without ".0", dates `dd/mm/yyyy`, booleans `TRUE`/`FALSE`, error cells
/// as `#N/A` etc. Rows and columns keep their sheet positions, so row numbers and column
/// letters match what Excel shows. Same limits as [`read_csv`], plus [`MAX_COLUMNS`],
/// [`MAX_CELLS`] and the package limits checked before parsing; the sheet is never expanded
/// into a dense rows × columns grid (a sheet with only A1 and XFD1048576 costs two cells).
pub fn read_xlsx(bytes: &[u8]) -> Result<Table, FileError> {
    let mut headers = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    xlsx_rows(Cursor::new(bytes), &mut |item| {
        match item {
            TableItem::Headers(h) => headers = h.to_vec(),
            TableItem::Row(n, cells) => {
                let i = n - 2;
                if rows.len() <= i {
                    rows.resize_with(i + 1, Vec::new);
                }
                rows[i] = cells;
            }
        }
        ControlFlow::Continue(())
    })?;
    finish(headers, rows)
}

/// What [`for_each_row`] hands on: the header row once, then each data row.
#[derive(Debug)]
pub enum TableItem<'a> {
    Headers(&'a [String]),
    /// The row's number as Excel shows it (header = 1) and its cells. Blank rows may or may
    /// not be handed on (a sheet's empty rows are not stored in it); numbers always match.
    Row(usize, Vec<String>),
}

/// Read a file by its extension, row by row, from a reader (a file on disk), without holding
/// the file or its rows: a million-row import keeps only the rows it is working on. Same
/// formats, limits and messages as [`read_table`]; `f` may stop the reading early with
/// `ControlFlow::Break`.
pub fn for_each_row<R: std::io::Read + std::io::Seek>(
    filename: &str,
    source: R,
    f: &mut dyn FnMut(TableItem<'_>) -> ControlFlow<()>,
) -> Result<(), FileError> {
    match extension(filename).as_str() {
        "csv" | "tsv" | "txt" => {
            let rows = csv_rows_from(source)?;
            if f(TableItem::Headers(rows.headers())).is_break() {
                return Ok(());
            }
            for item in rows {
                let (n, cells) = item?;
                if f(TableItem::Row(n, cells)).is_break() {
                    break;
                }
            }
            Ok(())
        }
        "xlsx" | "xlsm" => xlsx_rows(source, f),
        _ => read_table(filename, &[]).map(|_| ()),
    }
}

fn extension(filename: &str) -> String {
    filename.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default()
}

/// The first sheet of an XLSX workbook, row by row (see [`read_xlsx`] for the cells' text and
/// the limits). A sheet stores its cells row after row; one stored out of that order is
/// refused rather than buffered.
fn xlsx_rows<R: std::io::Read + std::io::Seek>(
    mut source: R,
    f: &mut dyn FnMut(TableItem<'_>) -> ControlFlow<()>,
) -> Result<(), FileError> {
    use std::io::SeekFrom;
    let unreadable_file = |e: std::io::Error| {
        FileError::new(
            FileErrorKind::Malformed,
            format!("Không đọc được tệp: {e}"),
            format!("cannot read the file: {e}"),
        )
    };
    if source.seek(SeekFrom::End(0)).map_err(unreadable_file)? == 0 {
        return Err(FileError::empty());
    }
    source.rewind().map_err(unreadable_file)?;
    check_package(&mut source)?;
    source.rewind().map_err(unreadable_file)?;
    let mut workbook: calamine::Xlsx<_> =
        calamine::Xlsx::new(source).map_err(|_| FileError::malformed_xlsx())?;
    let Some(name) = workbook.sheet_names().first().cloned() else { return Err(FileError::empty()) };
    let unreadable = |e: &dyn std::fmt::Display| {
        FileError::new(
            FileErrorKind::Malformed,
            format!("Không đọc được trang tính đầu tiên: {e}"),
            format!("cannot read the first sheet: {e}"),
        )
    };
    let mut cells = workbook.worksheet_cells_reader(&name).map_err(|e| unreadable(&e))?;
    // The row being assembled (0-based sheet row) and the header once known.
    let mut current: Option<(usize, Vec<String>)> = None;
    let mut headers: Option<Vec<String>> = None;
    let mut count = 0usize;
    let mut stopped = false;
    // Hand on a completed row (`None`: the end of the sheet). The header is row 1, or the
    // first row with two or more cells under title rows that start at row 1 and have one cell
    // each (a list's name, its place and date: up to MAX_TITLE_ROWS of them). Single-cell rows
    // from row 1 wait in `titles` until a wider row says they were titles, or the end (or too
    // many) says they were the header and data of a one-column sheet. Rows keep their sheet
    // numbers either way.
    let mut titles: Vec<(usize, Vec<String>)> = Vec::new();
    let mut emit = |next: Option<(usize, Vec<String>)>,
                    headers: &mut Option<Vec<String>>,
                    titles: &mut Vec<(usize, Vec<String>)>|
     -> Result<bool, FileError> {
        // `header_at`: the row may be the header although it is not row 1 (under titles).
        let mut hand_on =
            |r: usize, row: Vec<String>, header_anywhere: bool, headers: &mut Option<Vec<String>>| {
                match headers {
                    None => {
                        let h: Vec<String> = if r == 0 || header_anywhere {
                            row.into_iter().map(|h| h.trim().to_string()).collect()
                        } else {
                            Vec::new()
                        };
                        if is_blank(&h) {
                            return Err(FileError::no_header());
                        }
                        check_cells(r + 1, &h, &[])?;
                        let go = f(TableItem::Headers(&h)).is_continue();
                        *headers = Some(h);
                        Ok(go)
                    }
                    Some(h) => {
                        check_cells(r + 1, &row, h)?;
                        Ok(f(TableItem::Row(r + 1, row)).is_continue())
                    }
                }
            };
        if headers.is_some() {
            return match next {
                Some((r, row)) => hand_on(r, row, false, headers),
                None => Ok(true),
            };
        }
        if let Some((r, row)) = &next {
            let cells = row.iter().filter(|c| !c.trim().is_empty()).count();
            if cells <= 1 && titles.len() < MAX_TITLE_ROWS && (*r == 0 || !titles.is_empty()) {
                titles.push((*r, row.clone()));
                return Ok(true);
            }
            if cells >= 2 && !titles.is_empty() {
                // The rows above were titles: this is the header.
                titles.clear();
                let (r, row) = next.unwrap_or_default();
                return hand_on(r, row, true, headers);
            }
        }
        // No titles after all: the first waiting row is the header, the others data.
        for (at, w) in std::mem::take(titles) {
            if !hand_on(at, w, false, headers)? {
                return Ok(false);
            }
        }
        match next {
            Some((r, row)) => hand_on(r, row, false, headers),
            None => Ok(true),
        }
    };
    loop {
        let cell = match cells.next_cell() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(e) => return Err(unreadable(&e)),
        };
        let text = cell_ref_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        let (r, c) = cell.get_position();
        let (r, c) = (r as usize, c as usize);
        if c >= MAX_COLUMNS {
            return Err(FileError::too_many_columns(r + 1, c));
        }
        if r > MAX_ROWS {
            return Err(FileError::too_many_rows());
        }
        count += 1;
        if count > MAX_CELLS {
            return Err(FileError::too_large(
                format!("hơn {} ô có dữ liệu", vi_number(MAX_CELLS)),
                format!("more than {MAX_CELLS} non-empty cells"),
            ));
        }
        if text.len() > MAX_CELL_CHARS && text.chars().count() > MAX_CELL_CHARS {
            let header = headers.as_ref().filter(|_| r > 0).and_then(|h| h.get(c)).map_or("", |h| h.trim());
            return Err(FileError::cell_too_long(r + 1, c, header, text.chars().count()));
        }
        match &mut current {
            Some((at, row)) if *at == r => {
                if row.len() <= c {
                    row.resize(c + 1, String::new());
                }
                row[c] = text;
            }
            Some((at, _)) if *at > r => {
                return Err(unreadable(&format!(
                    "ô ở dòng {} nằm sau dòng {} / a cell of row {} after row {}",
                    r + 1,
                    *at + 1,
                    r + 1,
                    *at + 1
                )));
            }
            _ => {
                if let Some(done) = current.take()
                    && !emit(Some(done), &mut headers, &mut titles)?
                {
                    stopped = true;
                    break;
                }
                let mut row = vec![String::new(); c + 1];
                row[c] = text;
                current = Some((r, row));
            }
        }
    }
    if !stopped {
        let mut go = true;
        if let Some(done) = current.take() {
            go = emit(Some(done), &mut headers, &mut titles)?;
        }
        if go {
            // The end: rows still waiting were a one-column sheet's header and data.
            emit(None, &mut headers, &mut titles)?;
        }
        if headers.is_none() {
            return Err(FileError::empty());
        }
    }
    Ok(())
}

/// [`cell_text`] for the streaming reader's borrowed cells.
fn cell_ref_text(cell: &calamine::DataRef<'_>) -> String {
    use calamine::DataRef;
    match cell {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Int(i) => cell_text(&Data::Int(*i)),
        DataRef::Float(f) => cell_text(&Data::Float(*f)),
        DataRef::Bool(b) => cell_text(&Data::Bool(*b)),
        DataRef::DateTime(dt) => cell_text(&Data::DateTime(*dt)),
        DataRef::DateTimeIso(s) => cell_text(&Data::DateTimeIso(s.clone())),
        DataRef::DurationIso(s) => cell_text(&Data::DurationIso(s.clone())),
        DataRef::Error(e) => cell_text(&Data::Error(e.clone())),
    }
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

/// Read a file by its extension: `.csv` (and `.tsv`, `.txt`) as CSV, the separator detected; `.xlsx`, `.xlsm`, `.xls`, `.ods`
/// as a spreadsheet.
pub fn read_table(filename: &str, bytes: &[u8]) -> Result<Table, FileError> {
    match extension(filename).as_str() {
        "csv" | "tsv" | "txt" => read_csv(bytes),
        "xlsx" | "xlsm" => read_xlsx(bytes),
        // The old binary format and OpenDocument are read by expanding the sheet into a dense
        // grid, which a tiny hostile file can make enormous: ask for .xlsx instead.
        "xls" | "ods" => Err(FileError::new(
            FileErrorKind::UnsupportedFormat,
            format!(
                "Tệp «{filename}» là định dạng cũ hoặc OpenDocument: hãy mở bằng Excel hoặc LibreOffice và lưu lại dạng «Excel Workbook (*.xlsx)»"
            ),
            format!(
                "«{filename}» is the old Excel or the OpenDocument format: open it in Excel or LibreOffice and save it as «Excel Workbook (*.xlsx)»"
            ),
        )),
        _ => Err(FileError::new(
            FileErrorKind::UnsupportedFormat,
            format!("Không đọc được tệp «{filename}»: chỉ nhận tệp .xlsx, .csv hoặc .tsv (UTF-8)"),
            format!("cannot read «{filename}»: only .xlsx, .csv or .tsv (UTF-8) files are accepted"),
        )),
    }
}

// ─── Out ──────────────────────────────────────────────────────────────────────────────────

/// CSV for Excel: UTF-8 with BOM, `,` separated, CRLF line ends, quoting only where needed.
///
/// A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return would be a formula to
/// Excel opened by double-click (a household code `-A1`, a note `=HYPERLINK(…)`): it is
/// written with a leading `'`, which Excel shows as text, and [`read_csv`] takes off again, so
/// an export imports back unchanged.
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
            let record: Vec<std::borrow::Cow<'_, str>> = record.iter().map(|c| neutralise(c)).collect();
            // An empty record would be written as nothing at all; write one empty cell instead.
            let result = if record.is_empty() {
                writer.write_record(empty)
            } else {
                writer.write_record(record.iter().map(|c| c.as_ref()))
            };
            // Writing into memory cannot fail, and `flexible` accepts any record length.
            debug_assert!(result.is_ok(), "{result:?}");
        }
        let _ = writer.flush();
    }
    out
}

/// Whether a spreadsheet would read `cell` as a formula.
fn formula_like(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// `cell` as CSV writes it: a formula-like cell behind a `'`.
fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if formula_like(cell) { format!("'{cell}").into() } else { cell.into() }
}

/// The cell a [`neutralise`]d one was.
fn restore(cell: String) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if formula_like(rest) => rest.to_string(),
        _ => cell,
    }
}

/// An XLSX file written row by row straight to disk (rust_xlsxwriter's constant-memory mode:
/// each row goes to a temporary file as it is written), for outputs as large as their input —
/// the rejected rows of a million-row import. Cells are text, the header bold, as in
/// [`write_xlsx`].
pub struct XlsxStream {
    workbook: rust_xlsxwriter::Workbook,
    path: std::path::PathBuf,
    next_row: u32,
    text: rust_xlsxwriter::Format,
}

fn xlsx_write_error(e: rust_xlsxwriter::XlsxError) -> FileError {
    FileError::new(
        FileErrorKind::Write,
        format!("Không tạo được tệp Excel: {e}"),
        format!("cannot write the Excel file: {e}"),
    )
}

impl XlsxStream {
    /// Start `path` with a header row; temporary files go next to it.
    pub fn create(
        path: &std::path::Path,
        sheet_name: &str,
        headers: &[String],
    ) -> Result<XlsxStream, FileError> {
        use rust_xlsxwriter::{Format, Workbook};
        let mut workbook = Workbook::new();
        if let Some(dir) = path.parent() {
            workbook.set_tempdir(dir).map_err(xlsx_write_error)?;
        }
        let header = Format::new().set_num_format("@").set_bold().set_background_color("#DDEBF7");
        let sheet = workbook.add_worksheet_with_constant_memory().map_err(xlsx_write_error)?;
        sheet.set_name(sheet_title(sheet_name)).map_err(xlsx_write_error)?;
        for (c, h) in headers.iter().enumerate() {
            let width = (h.chars().count().max(10) + 2).min(60) as f64;
            sheet.set_column_width(c as u16, width).map_err(xlsx_write_error)?;
            sheet.write_string_with_format(0, c as u16, h, &header).map_err(xlsx_write_error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xlsx_write_error)?;
        Ok(XlsxStream {
            workbook,
            path: path.to_path_buf(),
            next_row: 1,
            text: Format::new().set_num_format("@"),
        })
    }

    /// Add a row below the last one.
    pub fn push(&mut self, cells: &[String]) -> Result<(), FileError> {
        if self.next_row as usize >= XLSX_MAX_ROWS {
            return Err(FileError::new(
                FileErrorKind::TooManyRows,
                format!("Một trang Excel chỉ chứa được {} dòng", vi_number(XLSX_MAX_ROWS)),
                format!("an Excel sheet holds at most {XLSX_MAX_ROWS} rows"),
            ));
        }
        let sheet = self.workbook.worksheet_from_index(0).map_err(xlsx_write_error)?;
        for (c, value) in cells.iter().enumerate() {
            if !value.is_empty() {
                sheet
                    .write_string_with_format(self.next_row, c as u16, value, &self.text)
                    .map_err(xlsx_write_error)?;
            }
        }
        self.next_row += 1;
        Ok(())
    }

    /// Rows written so far, header excluded.
    pub fn rows(&self) -> usize {
        self.next_row as usize - 1
    }

    /// Write the file.
    pub fn finish(mut self) -> Result<(), FileError> {
        self.workbook.save(&self.path).map_err(xlsx_write_error)
    }
}

/// An XLSX workbook with one sheet: bold header on a light fill, first row frozen, an
/// autofilter, column widths from the content, and every cell (and every column's default
/// format) as text, so codes with leading zeros survive and new values typed into the sheet
/// stay text.
pub fn write_xlsx(table: &Table, sheet_name: &str) -> Result<Vec<u8>, FileError> {
    write_xlsx_titled(table, sheet_name, &[])
}

/// [`write_xlsx`] under a heading: each title line in its own row (the first bold and
/// larger), a blank row, then the table. [`read_xlsx`] skips such title rows, so the file
/// imports back; row numbers stay those Excel shows.
pub fn write_xlsx_titled(table: &Table, sheet_name: &str, titles: &[String]) -> Result<Vec<u8>, FileError> {
    use rust_xlsxwriter::{Format, Workbook};

    let titles = &titles[..titles.len().min(MAX_TITLE_ROWS)];
    // The header's sheet row (0-based): under the titles and a blank row.
    let top: u32 = if titles.is_empty() { 0 } else { titles.len() as u32 + 1 };
    if table.rows.len() + 1 + top as usize > XLSX_MAX_ROWS {
        return Err(FileError::new(
            FileErrorKind::TooManyRows,
            format!(
                "Một trang Excel chỉ chứa được {} dòng; hãy xuất dạng CSV hoặc lọc bớt",
                vi_number(XLSX_MAX_ROWS)
            ),
            format!("an Excel sheet holds at most {XLSX_MAX_ROWS} rows; export as CSV or narrow the list"),
        ));
    }
    let write_error = xlsx_write_error;
    let text = Format::new().set_num_format("@");
    let header = Format::new().set_num_format("@").set_bold().set_background_color("#DDEBF7");

    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_title(sheet_name)).map_err(write_error)?;

    let columns = table.rows.iter().map(Vec::len).chain([table.headers.len()]).max().unwrap_or(0);
    let title = Format::new().set_bold().set_font_size(14);
    let subtitle = Format::new().set_italic();
    for (i, t) in titles.iter().enumerate() {
        let f = if i == 0 { &title } else { &subtitle };
        sheet.write_string_with_format(i as u32, 0, t, f).map_err(write_error)?;
    }
    let mut widths: Vec<usize> = vec![0; columns];
    for (c, h) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(top, c as u16, h, &header).map_err(write_error)?;
        widths[c] = widths[c].max(h.chars().count());
    }
    for (r, row) in table.rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            if value.is_empty() {
                continue;
            }
            sheet
                .write_string_with_format(top + r as u32 + 1, c as u16, value, &text)
                .map_err(write_error)?;
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
    sheet.set_freeze_panes(top + 1, 0).map_err(write_error)?;
    if columns > 0 {
        sheet.autofilter(top, 0, top + table.rows.len() as u32, columns as u16 - 1).map_err(write_error)?;
    }
    if !titles.is_empty() {
        // Printed: the header row repeats on every page.
        sheet.set_repeat_rows(top, top).map_err(write_error)?;
    }
    workbook.save_to_buffer().map_err(write_error)
}

/// Title rows a sheet may have above its header (list name, place, date …).
pub const MAX_TITLE_ROWS: usize = 6;

/// One column of an import template as [`write_template_xlsx`] lays it out.
#[derive(Debug, Clone)]
pub struct TemplateColumn {
    pub header: String,
    pub required: bool,
    /// How to fill it in, for the instructions sheet.
    pub help: String,
    /// The values offered in a drop-down (empty: free text). Other spellings the import
    /// reads are still accepted: the drop-down warns, it does not stop.
    pub values: Vec<String>,
}

/// Rows of the data sheet that carry the drop-downs.
const TEMPLATE_ROWS: u32 = 5_000;

/// An import template as people fill it in: the data sheet (headers, the example row in grey
/// italics and marked as such, drop-downs where a column has a closed list), an instructions
/// sheet ("Hướng dẫn": each column, whether it is required, how to write it, its allowed
/// values) and the lists the drop-downs read ("Danh mục"). Every cell is text, so codes keep
/// their leading zeros.
pub fn write_template_xlsx(
    sheet_name: &str,
    columns: &[TemplateColumn],
    example: &[String],
    notes: &[String],
) -> Result<Vec<u8>, FileError> {
    use rust_xlsxwriter::{DataValidation, DataValidationErrorStyle, Format, Formula, Workbook};
    let write_error = xlsx_write_error;
    let text = Format::new().set_num_format("@");
    let header = Format::new().set_num_format("@").set_bold().set_background_color("#DDEBF7");
    let required = header.clone().set_font_color("#9C0006");
    let example_format = Format::new().set_num_format("@").set_italic().set_font_color("#7F7F7F");
    let wrap = Format::new().set_num_format("@").set_text_wrap().set_align(rust_xlsxwriter::FormatAlign::Top);
    let title = Format::new().set_bold().set_font_size(14);

    let mut workbook = Workbook::new();
    let data_name = sheet_title(sheet_name);
    let lists_name = "Danh mục";
    {
        let sheet = workbook.add_worksheet();
        sheet.set_name(&data_name).map_err(write_error)?;
        let mut list_col = 0u16;
        for (c, col) in columns.iter().enumerate() {
            let c = c as u16;
            let f = if col.required { &required } else { &header };
            sheet.write_string_with_format(0, c, &col.header, f).map_err(write_error)?;
            let width =
                example.get(c as usize).map_or(0, |v| v.chars().count()).max(col.header.chars().count());
            sheet.set_column_format(c, &text).map_err(write_error)?;
            sheet.set_column_width(c, width.clamp(10, 40) as f64 + 2.0).map_err(write_error)?;
            if !col.values.is_empty() {
                let letter = column_letter(list_col as usize);
                let range = format!("='{lists_name}'!${letter}$2:${letter}${}", col.values.len() + 1);
                let v = DataValidation::new()
                    .allow_list_formula(Formula::new(range))
                    .set_error_style(DataValidationErrorStyle::Warning)
                    .set_error_title("Giá trị ngoài danh mục")
                    .and_then(|v| {
                        v.set_error_message(
                            "Giá trị này không có trong danh mục. Vẫn giữ? (Xem trang «Hướng dẫn».)",
                        )
                    })
                    .map_err(write_error)?;
                sheet.add_data_validation(1, c, TEMPLATE_ROWS, c, &v).map_err(write_error)?;
                list_col += 1;
            }
        }
        for (c, value) in example.iter().enumerate() {
            sheet.write_string_with_format(1, c as u16, value, &example_format).map_err(write_error)?;
        }
        if !example.is_empty() {
            // The mark sits beside the row, in a column the import does not read.
            sheet
                .write_string_with_format(
                    1,
                    columns.len() as u16,
                    "← Dòng ví dụ: được bỏ qua khi nhập, có thể xoá",
                    &example_format,
                )
                .map_err(write_error)?;
            sheet.set_column_width(columns.len() as u16, 44.0).map_err(write_error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(write_error)?;
    }
    {
        let sheet = workbook.add_worksheet();
        sheet.set_name("Hướng dẫn").map_err(write_error)?;
        sheet
            .write_string_with_format(0, 0, "Hướng dẫn điền danh sách nhân khẩu", &title)
            .map_err(write_error)?;
        let mut r = 1u32;
        for n in notes {
            sheet.merge_range(r, 0, r, 3, n, &wrap).map_err(write_error)?;
            sheet.set_row_height(r, 30.0).map_err(write_error)?;
            r += 1;
        }
        r += 1;
        for (c, h) in ["Cột", "Bắt buộc", "Cách ghi", "Giá trị được nhận"].iter().enumerate()
        {
            sheet.write_string_with_format(r, c as u16, *h, &header).map_err(write_error)?;
        }
        for col in columns {
            r += 1;
            sheet.write_string_with_format(r, 0, &col.header, &wrap).map_err(write_error)?;
            sheet
                .write_string_with_format(r, 1, if col.required { "Có" } else { "Không" }, &wrap)
                .map_err(write_error)?;
            sheet.write_string_with_format(r, 2, &col.help, &wrap).map_err(write_error)?;
            let values = if col.values.len() > 20 {
                format!("{} giá trị: xem trang «{lists_name}»", col.values.len())
            } else {
                col.values.join("; ")
            };
            sheet.write_string_with_format(r, 3, &values, &wrap).map_err(write_error)?;
        }
        for (c, w) in [22.0, 10.0, 60.0, 50.0].iter().enumerate() {
            sheet.set_column_width(c as u16, *w).map_err(write_error)?;
        }
    }
    {
        let sheet = workbook.add_worksheet();
        sheet.set_name(lists_name).map_err(write_error)?;
        for (c, col) in columns.iter().filter(|c| !c.values.is_empty()).enumerate() {
            let c = c as u16;
            sheet.write_string_with_format(0, c, &col.header, &header).map_err(write_error)?;
            for (r, v) in col.values.iter().enumerate() {
                sheet.write_string_with_format(r as u32 + 1, c, v, &text).map_err(write_error)?;
            }
            sheet.set_column_width(c, 26.0).map_err(write_error)?;
        }
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

/// A cell of a report form: text (kept as text) or an amount (a number Excel can add up).
#[derive(Debug, Clone, PartialEq)]
pub enum FormCell {
    Text(String),
    Number(i64),
}

/// A report form (Mẫu D03-TS, D05-TS …): title lines, a header row, data rows and a total
/// row, numbers as numbers so the sheet adds up in Excel.
pub struct FormSheet {
    pub title: Vec<String>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<FormCell>>,
    pub total: Vec<FormCell>,
}

impl FormSheet {
    /// The form's rows as a plain table of text (numbers in digits): what a CSV of it holds.
    pub fn to_table(&self) -> Table {
        let text = |c: &FormCell| match c {
            FormCell::Text(s) => s.clone(),
            FormCell::Number(v) => v.to_string(),
        };
        Table::new(self.headers.clone(), self.rows.iter().map(|r| r.iter().map(text).collect()).collect())
    }
}

/// The form as an XLSX workbook of one sheet.
pub fn write_form_xlsx(form: &FormSheet, sheet_name: &str) -> Result<Vec<u8>, FileError> {
    use rust_xlsxwriter::{Format, Workbook};
    if form.rows.len() + form.title.len() + 3 > XLSX_MAX_ROWS {
        return Err(FileError::new(
            FileErrorKind::TooManyRows,
            "Biểu mẫu quá nhiều dòng cho một trang Excel",
            "too many rows for one Excel sheet",
        ));
    }
    let write_error = xlsx_write_error;
    let ReportFormats { text, number, header, bold, .. } = ReportFormats::new();
    let total_text = text.clone().set_bold();
    let total_number = number.clone().set_bold();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_title(sheet_name)).map_err(write_error)?;
    let mut r: u32 = 0;
    for line in &form.title {
        sheet.write_string_with_format(r, 0, line, &bold).map_err(write_error)?;
        r += 1;
    }
    r += 1;
    let mut widths: Vec<usize> = form.headers.iter().map(|h| h.chars().count().min(24)).collect();
    for (c, h) in form.headers.iter().enumerate() {
        sheet.write_string_with_format(r, c as u16, h, &header).map_err(write_error)?;
    }
    r += 1;
    let mut put =
        |sheet: &mut rust_xlsxwriter::Worksheet, r: u32, row: &[FormCell], t: &Format, n: &Format| {
            for (c, cell) in row.iter().enumerate() {
                let res = match cell {
                    FormCell::Text(s) => {
                        if c < widths.len() && widths[c] < 50 {
                            widths[c] = widths[c].max(s.chars().count());
                        }
                        sheet.write_string_with_format(r, c as u16, s, t).map(|_| ())
                    }
                    FormCell::Number(v) => {
                        sheet.write_number_with_format(r, c as u16, *v as f64, n).map(|_| ())
                    }
                };
                res.map_err(write_error)?;
            }
            Ok::<(), FileError>(())
        };
    for row in &form.rows {
        put(sheet, r, row, &text, &number)?;
        r += 1;
    }
    put(sheet, r, &form.total, &total_text, &total_number)?;
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, (*w).clamp(6, 50) as f64 + 2.0).map_err(write_error)?;
    }
    workbook.save_to_buffer().map_err(write_error)
}

/// A cell of a report sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportCell {
    Text(String),
    Number(i64),
    /// A share (0.315 = 31,50 %), shown as a percentage Excel can compute with.
    Percent(f64),
    Empty,
}

/// A native Excel chart over columns of a sheet's data rows.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSpec {
    /// A line chart (a trend); otherwise clustered bars (a ranking).
    pub line: bool,
    pub title: String,
    /// The column of the categories (months, units).
    pub categories: u16,
    /// The columns plotted, each a series named by its header.
    pub values: Vec<u16>,
}

/// One sheet of a report workbook: title lines, a header row, data rows, and an optional
/// chart placed to the right of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportSheet {
    pub name: String,
    pub title: Vec<String>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<ReportCell>>,
    pub chart: Option<ChartSpec>,
    /// A picture (PNG) placed to the right of the table (the report's map).
    pub image: Option<Vec<u8>>,
}

/// The cell formats of the report forms and workbooks: bordered text, whole numbers with
/// thousands, percentages, the bold header on a light fill, bold titles.
struct ReportFormats {
    text: rust_xlsxwriter::Format,
    number: rust_xlsxwriter::Format,
    percent: rust_xlsxwriter::Format,
    header: rust_xlsxwriter::Format,
    bold: rust_xlsxwriter::Format,
}

impl ReportFormats {
    fn new() -> ReportFormats {
        use rust_xlsxwriter::{Format, FormatBorder};
        ReportFormats {
            text: Format::new().set_num_format("@").set_border(FormatBorder::Thin),
            number: Format::new().set_num_format("#,##0").set_border(FormatBorder::Thin),
            percent: Format::new().set_num_format("0.00%").set_border(FormatBorder::Thin),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_border(FormatBorder::Thin)
                .set_background_color("#DDEBF7"),
            bold: Format::new().set_bold(),
        }
    }
}

/// A workbook of several sheets with native charts (the indicator report).
pub fn write_report_xlsx(sheets: &[ReportSheet]) -> Result<Vec<u8>, FileError> {
    use rust_xlsxwriter::{Chart, ChartType, Workbook};
    let write_error = xlsx_write_error;
    let ReportFormats { text, number, percent, header, bold } = ReportFormats::new();
    let mut workbook = Workbook::new();
    for s in sheets {
        if s.rows.len() + s.title.len() + 3 > XLSX_MAX_ROWS {
            return Err(FileError::new(
                FileErrorKind::TooManyRows,
                "Báo cáo quá nhiều dòng cho một trang Excel",
                "too many rows for one Excel sheet",
            ));
        }
        let name = sheet_title(&s.name);
        let sheet = workbook.add_worksheet();
        sheet.set_name(&name).map_err(write_error)?;
        let mut r: u32 = 0;
        for line in &s.title {
            sheet.write_string_with_format(r, 0, line, &bold).map_err(write_error)?;
            r += 1;
        }
        r += 1;
        let head_row = r;
        let mut widths: Vec<usize> = s.headers.iter().map(|h| h.chars().count().clamp(8, 24)).collect();
        for (c, h) in s.headers.iter().enumerate() {
            sheet.write_string_with_format(r, c as u16, h, &header).map_err(write_error)?;
        }
        r += 1;
        for row in &s.rows {
            for (c, cell) in row.iter().enumerate() {
                let c16 = c as u16;
                match cell {
                    ReportCell::Text(t) => {
                        if c < widths.len() {
                            widths[c] = widths[c].max(t.chars().count().min(50));
                        }
                        sheet.write_string_with_format(r, c16, t, &text).map_err(write_error)?;
                    }
                    ReportCell::Number(v) => {
                        sheet.write_number_with_format(r, c16, *v as f64, &number).map_err(write_error)?;
                    }
                    ReportCell::Percent(v) => {
                        sheet.write_number_with_format(r, c16, *v, &percent).map_err(write_error)?;
                    }
                    ReportCell::Empty => {
                        sheet.write_blank(r, c16, &text).map_err(write_error)?;
                    }
                }
            }
            r += 1;
        }
        for (c, w) in widths.iter().enumerate() {
            sheet.set_column_width(c as u16, *w as f64 + 2.0).map_err(write_error)?;
        }
        sheet.set_freeze_panes(head_row + 1, 0).map_err(write_error)?;
        if let Some(spec) = &s.chart
            && !s.rows.is_empty()
        {
            let (first, last) = (head_row + 1, head_row + s.rows.len() as u32);
            let mut chart = Chart::new(if spec.line { ChartType::Line } else { ChartType::Bar });
            for &v in &spec.values {
                chart
                    .add_series()
                    .set_categories((name.as_str(), first, spec.categories, last, spec.categories))
                    .set_values((name.as_str(), first, v, last, v))
                    .set_name((name.as_str(), head_row, v));
            }
            chart.title().set_name(&spec.title);
            let col = s.headers.len() as u16 + 1;
            sheet.insert_chart(head_row, col, &chart).map_err(write_error)?;
        }
        if let Some(png) = &s.image {
            let image = rust_xlsxwriter::Image::new_from_buffer(png).map_err(write_error)?;
            sheet.insert_image(head_row, s.headers.len() as u16 + 1, &image).map_err(write_error)?;
        }
    }
    workbook.save_to_buffer().map_err(write_error)
}
