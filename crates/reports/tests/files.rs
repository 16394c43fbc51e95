//! Reading and writing tabular files with real bytes, including the bad files people upload.

use ansinh_reports::{
    FileErrorKind, MAX_CELL_CHARS, MAX_ROWS, Table, csv_rows, csv_rows_from, read_csv, read_table, read_xlsx,
    write_csv, write_csv_with, write_xlsx,
};

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
}

fn sample() -> Table {
    Table::new(
        strings(&["Số CCCD", "Họ và tên", "Ngày sinh", "Ghi chú"]),
        vec![
            strings(&["042090001234", "Nguyễn Văn An", "15/03/1990", "có dấu phẩy, và \"ngoặc kép\""]),
            strings(&["042195000001", "Trần Thị Bình", "1995", ""]),
            strings(&["001300000042", "Đậu Thị Hà", "01/01/2000", "=1+1"]),
            strings(&["", "", "", "dòng\nxuống dòng"]),
            strings(&["0912345678", "Hồ Sỹ Tuấn", "", "-5"]),
        ],
    )
}

#[test]
fn csv_with_bom_and_commas() {
    let bytes = "\u{feff}cccd,full_name\r\n042090001234,Nguyễn Văn An\r\n".as_bytes();
    let t = read_csv(bytes).unwrap();
    assert_eq!(t.headers, strings(&["cccd", "full_name"]));
    assert_eq!(t.rows, vec![strings(&["042090001234", "Nguyễn Văn An"])]);
}

#[test]
fn csv_without_bom_and_semicolons() {
    let bytes =
        "Số CCCD;Họ và tên;Ghi chú\n042090001234;Nguyễn Văn An;\"a;b, c\"\n\n042195000001;Lê Thị Hoa;x\n\n\n";
    let t = read_csv(bytes.as_bytes()).unwrap();
    assert_eq!(t.headers, strings(&["Số CCCD", "Họ và tên", "Ghi chú"]));
    // The blank row in between stays (row numbers), the trailing ones go.
    assert_eq!(t.rows.len(), 3);
    assert_eq!(t.rows[0][2], "a;b, c");
    assert!(t.rows[1].iter().all(|c| c.is_empty()));
    assert_eq!(t.rows[2][1], "Lê Thị Hoa");
}

#[test]
fn csv_rows_stream_with_row_numbers() {
    let bytes = b"a,b\n1,2\n\"multi\nline\",3\n4,5\n";
    let mut stream = csv_rows(bytes).unwrap();
    assert_eq!(stream.headers(), strings(&["a", "b"]).as_slice());
    let rows: Vec<(usize, Vec<String>)> = stream.by_ref().map(Result::unwrap).collect();
    // A quoted line break does not shift the row numbers Excel shows.
    assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), vec![2, 3, 4]);
    assert_eq!(rows[1].1[0], "multi\nline");

    // Empty lines are rows in Excel, so they count (LF and CRLF alike).
    for text in
        ["a,b\n\n1,2\n\"x\ny\",3\n\n\n4,5\n\n", "a,b\r\n\r\n1,2\r\n\"x\r\ny\",3\r\n\r\n\r\n4,5\r\n\r\n"]
    {
        let rows: Vec<(usize, Vec<String>)> =
            csv_rows(text.as_bytes()).unwrap().map(Result::unwrap).collect();
        let numbered: Vec<(usize, String)> =
            rows.iter().filter(|r| !r.1.is_empty()).map(|r| (r.0, r.1[0].clone())).collect();
        assert_eq!(numbered[0], (3, "1".to_string()), "{text:?}");
        assert_eq!(numbered[1].0, 4, "{text:?}");
        assert_eq!(numbered[2], (7, "4".to_string()), "{text:?}");
        assert_eq!(read_csv(text.as_bytes()).unwrap().rows.len(), 6, "trailing blank line dropped");
    }
}

/// A reader that hands on one byte per call: every boundary falls inside a line end, a quoted
/// field or the byte-order mark.
struct Trickle<'a>(&'a [u8]);

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match (self.0.split_first(), buf.first_mut()) {
            (Some((b, rest)), Some(slot)) => {
                *slot = *b;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

#[test]
fn csv_rows_from_a_reader_count_rows_as_in_memory() {
    let texts = [
        "a,b\n\n1,2\n\"x\n\ny\",3\n\n\n4,5\n\n",
        "\u{feff}a,b\r\n\r\n1,2\r\n\"x\r\n\r\ny\",3\r\n\r\n\r\n4,5\r\n\r\n",
        // A quote inside an unquoted field is text, not the start of a quoted field.
        "a;b\n1 \"inch;2\n\n3;\"q\"\"\n\"\n4;5\n",
    ];
    for text in texts {
        let whole: Vec<(usize, Vec<String>)> =
            csv_rows(text.as_bytes()).unwrap().map(Result::unwrap).collect();
        let streamed: Vec<(usize, Vec<String>)> =
            csv_rows_from(Trickle(text.as_bytes())).unwrap().map(Result::unwrap).collect();
        assert_eq!(streamed, whole, "{text:?}");
        let last = whole.iter().rev().find(|r| !r.1.is_empty()).unwrap();
        assert_eq!(last.1[0], "4", "{text:?}");
    }
    // Rows as Excel numbers them, across quoted line breaks and empty lines.
    let rows: Vec<(usize, Vec<String>)> =
        csv_rows_from(Trickle(texts[0].as_bytes())).unwrap().map(Result::unwrap).collect();
    let numbered: Vec<(usize, &str)> =
        rows.iter().filter(|r| !r.1.is_empty()).map(|r| (r.0, r.1[0].as_str())).collect();
    assert_eq!(numbered, vec![(3, "1"), (4, "x\n\ny"), (7, "4")]);
    let rows: Vec<(usize, Vec<String>)> =
        csv_rows_from(Trickle(texts[2].as_bytes())).unwrap().map(Result::unwrap).collect();
    let numbered: Vec<(usize, &str)> =
        rows.iter().filter(|r| !r.1.is_empty()).map(|r| (r.0, r.1[1].as_str())).collect();
    assert_eq!(numbered, vec![(2, "2"), (4, "q\"\n"), (5, "5")]);

    // The checks of the whole file hold for a stream: encoding, NUL, blank files.
    let bad: Vec<_> = csv_rows_from(Trickle(b"cccd,ten\n1,Nguy\xEA\xDEn\n")).unwrap().collect();
    let e = bad.into_iter().find_map(Result::err).unwrap();
    assert_eq!(e.kind, FileErrorKind::Encoding);
    assert!(e.vi.contains("dòng 2"), "{}", e.vi);
    let bad: Vec<_> = csv_rows_from(Trickle(b"cccd,ten\n1,A\0n\n")).unwrap().collect();
    assert_eq!(bad.into_iter().find_map(Result::err).unwrap().kind, FileErrorKind::Encoding);
    for blank in ["", "\n\n  \n", "\u{feff}"] {
        assert_eq!(
            csv_rows_from(Trickle(blank.as_bytes())).err().unwrap().kind,
            FileErrorKind::Empty,
            "{blank:?}"
        );
    }
    assert_eq!(csv_rows_from(Trickle(b"\na,b\n1,2\n")).err().unwrap().kind, FileErrorKind::NoHeader);
}

#[test]
fn wrong_encoding_is_explained() {
    // "Nguyễn" in Windows-1258 is not valid UTF-8.
    let bytes = b"cccd,full_name\n042090001234,Nguy\xEA\xDEn V\xE3n An\n";
    let e = read_csv(bytes).unwrap_err();
    assert_eq!(e.kind, FileErrorKind::Encoding);
    assert!(
        e.vi.contains("Windows-1258") && e.vi.contains("TCVN3") && e.vi.contains("CSV UTF-8"),
        "{}",
        e.vi
    );
    assert!(e.vi.contains("dòng 2"), "{}", e.vi);
    assert!(e.en.contains("not UTF-8") && e.en.contains("line 2"), "{}", e.en);

    let utf16: Vec<u8> =
        [0xFF, 0xFE].into_iter().chain("cccd\n1\n".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
    let e = read_csv(&utf16).unwrap_err();
    assert_eq!(e.kind, FileErrorKind::Encoding);
    assert!(e.vi.contains("UTF-16"), "{}", e.vi);
    // Without its byte-order mark (little- and big-endian): the same hint.
    for bytes in [
        "cccd,full_name\n1,An\n".encode_utf16().flat_map(|u| u.to_le_bytes()).collect::<Vec<u8>>(),
        "cccd,full_name\n1,An\n".encode_utf16().flat_map(|u| u.to_be_bytes()).collect::<Vec<u8>>(),
    ] {
        let e = read_csv(&bytes).unwrap_err();
        assert!(e.vi.contains("UTF-16") && e.vi.contains("CSV UTF-8"), "{}", e.vi);
    }
}

#[test]
fn tab_separated_files_are_read() {
    let t =
        read_csv("Số CCCD\tHọ và tên\tGhi chú\n042090001234\tNguyễn Văn An\ta, b; c\n".as_bytes()).unwrap();
    assert_eq!(t.headers, strings(&["Số CCCD", "Họ và tên", "Ghi chú"]));
    assert_eq!(t.rows, vec![strings(&["042090001234", "Nguyễn Văn An", "a, b; c"])]);
}

#[test]
fn empty_files() {
    for bytes in [&b""[..], b"\xEF\xBB\xBF", b"  \r\n\r\n"] {
        assert_eq!(read_csv(bytes).unwrap_err().kind, FileErrorKind::Empty, "{bytes:?}");
    }
    assert_eq!(read_xlsx(b"").unwrap_err().kind, FileErrorKind::Empty);
}

#[test]
fn only_a_header() {
    let e = read_csv(b"cccd,full_name\r\n").unwrap_err();
    assert_eq!(e.kind, FileErrorKind::NoData);
    assert!(e.vi.contains("chỉ có dòng tiêu đề"), "{}", e.vi);
    let e = read_csv(b"cccd,full_name\n,\n,,\n\n").unwrap_err();
    assert_eq!(e.kind, FileErrorKind::NoData);

    let xlsx = write_xlsx(&Table::new(strings(&["cccd", "full_name"]), vec![]), "x").unwrap();
    assert_eq!(read_xlsx(&xlsx).unwrap_err().kind, FileErrorKind::NoData);
}

#[test]
fn blank_first_line_is_not_a_header() {
    let e = read_csv(b",,\ncccd,full_name\n1,2\n").unwrap_err();
    assert_eq!(e.kind, FileErrorKind::NoHeader);
    let e = read_csv(b"\r\ncccd,full_name\r\n1,2\r\n").unwrap_err();
    assert_eq!(e.kind, FileErrorKind::NoHeader);
}

#[test]
fn huge_cell_names_row_and_column() {
    let big = "ắ".repeat(MAX_CELL_CHARS + 1);
    let csv = format!("cccd,full_name\n1,ok\n2,{big}\n");
    let e = read_csv(csv.as_bytes()).unwrap_err();
    assert_eq!(e.kind, FileErrorKind::CellTooLong);
    assert!(e.vi.contains("dòng 3, cột B «full_name»"), "{}", e.vi);
    assert!(e.en.contains("row 3, column B «full_name»"), "{}", e.en);
    // Exactly at the limit is fine, even when the bytes exceed it.
    let ok = format!("cccd,full_name\n1,{}\n", "ắ".repeat(MAX_CELL_CHARS));
    assert!(read_csv(ok.as_bytes()).is_ok());

    let t = Table::new(strings(&["a", "b"]), vec![strings(&["1", "2"]), vec!["x".into(), "y".repeat(1001)]]);
    let e = read_xlsx(&write_xlsx(&t, "s").unwrap()).unwrap_err();
    assert_eq!(e.kind, FileErrorKind::CellTooLong);
    assert!(e.en.contains("row 3, column B «b»"), "{}", e.en);
}

#[test]
fn too_many_rows() {
    let mut csv = String::with_capacity(2 * (MAX_ROWS + 2) + 2);
    csv.push_str("h\n");
    for _ in 0..=MAX_ROWS {
        csv.push_str("1\n");
    }
    let e = read_csv(csv.as_bytes()).unwrap_err();
    assert_eq!(e.kind, FileErrorKind::TooManyRows);
    assert!(e.vi.contains("1.000.000"), "{}", e.vi);
    // One row fewer is accepted.
    let ok = &csv[..csv.len() - 2];
    assert_eq!(read_csv(ok.as_bytes()).unwrap().rows.len(), MAX_ROWS);
}

#[test]
fn written_csv_is_excel_friendly_and_reads_back() {
    let t = sample();
    let bytes = write_csv(&t);
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(text.starts_with("Số CCCD,Họ và tên,Ngày sinh,Ghi chú\r\n"), "{text}");
    assert!(text.contains("\"có dấu phẩy, và \"\"ngoặc kép\"\"\""), "{text}");
    // Formula-like cells are written as text for Excel and read back as they were.
    assert!(text.contains(",'=1+1\r\n") && text.contains(",'-5\r\n"), "{text}");
    assert_eq!(read_csv(&bytes).unwrap(), t);
    let codes = Table::new(
        strings(&["Mã hộ", "Ghi chú"]),
        vec![strings(&["-A1", "@SUM(A1)"]), strings(&["'x", "+84"])],
    );
    let written = write_csv(&codes);
    let text = std::str::from_utf8(&written[3..]).unwrap();
    assert!(text.contains("'-A1,'@SUM(A1)") && text.contains("'x,'+84"), "{text}");
    assert_eq!(read_csv(&written).unwrap(), codes, "a leading ' stays when it was not ours");

    let semi = write_csv_with(&t, b';');
    assert!(std::str::from_utf8(&semi[3..]).unwrap().starts_with("Số CCCD;Họ và tên"));
    assert_eq!(read_csv(&semi).unwrap(), t);
}

#[test]
fn round_trip_csv_to_xlsx_and_back() {
    let original = sample();
    let from_csv = read_csv(&write_csv(&original)).unwrap();
    let xlsx = write_xlsx(&from_csv, "Danh sách nhân khẩu").unwrap();
    assert!(xlsx.starts_with(b"PK"));
    let back = read_xlsx(&xlsx).unwrap();
    assert_eq!(back.headers, original.headers);
    // Trailing empty cells are not cells in a sheet: compare trimmed rows.
    let trim = |r: &Vec<String>| {
        let mut r = r.clone();
        while r.last().is_some_and(|c| c.is_empty()) {
            r.pop();
        }
        r
    };
    assert_eq!(
        back.rows.iter().map(trim).collect::<Vec<_>>(),
        original.rows.iter().map(trim).collect::<Vec<_>>()
    );
    assert_eq!(back.rows[0][0], "042090001234", "leading zero kept");
    assert_eq!(back.rows[2][3], "=1+1", "text, not a formula");
    assert_eq!(read_table("danh-sach.XLSX", &xlsx).unwrap(), back);
}

#[test]
fn spreadsheet_numbers_and_dates_read_as_people_see_them() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["cccd", "birth_date", "amount", "flag", "when"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    // A CCCD typed as a number (its leading zero is already lost in Excel).
    ws.write_number(1, 0, 42_090_001_234.0).unwrap();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    ws.write_datetime_with_format(1, 1, ExcelDateTime::from_ymd(1990, 3, 5).unwrap(), &date).unwrap();
    ws.write_number(1, 2, 1.5).unwrap();
    ws.write_boolean(1, 3, true).unwrap();
    let stamp = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let dt = ExcelDateTime::from_ymd(2025, 7, 1).unwrap().and_hms(8, 30, 0).unwrap();
    ws.write_datetime_with_format(1, 4, dt, &stamp).unwrap();
    ws.write_number(2, 0, 7.0).unwrap();
    let bytes = wb.save_to_buffer().unwrap();

    let t = read_xlsx(&bytes).unwrap();
    assert_eq!(t.rows[0], strings(&["42090001234", "05/03/1990", "1.5", "TRUE", "01/07/2025 08:30:00"]));
    assert_eq!(t.rows[1], strings(&["7"]));
}

#[test]
fn sheet_positions_are_kept() {
    use rust_xlsxwriter::Workbook;
    // Data starting at column B: column letters stay those of the sheet.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 1, "cccd").unwrap();
    ws.write_string(1, 1, "042090001234").unwrap();
    let t = read_xlsx(&wb.save_to_buffer().unwrap()).unwrap();
    assert_eq!(t.headers, strings(&["", "cccd"]));
    assert_eq!(t.rows, vec![strings(&["", "042090001234"])]);

    // A header on row 3 is refused: row numbers must match what the user sees.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(2, 0, "cccd").unwrap();
    ws.write_string(3, 0, "1").unwrap();
    assert_eq!(read_xlsx(&wb.save_to_buffer().unwrap()).unwrap_err().kind, FileErrorKind::NoHeader);
}

#[test]
fn unreadable_spreadsheets_and_unknown_extensions() {
    let e = read_xlsx(b"cccd,full_name\n1,2\n").unwrap_err();
    assert_eq!(e.kind, FileErrorKind::Malformed);
    assert!(e.vi.contains(".xlsx"), "{}", e.vi);
    assert_eq!(read_table("persons.xlsx", b"PK\x03\x04garbage").unwrap_err().kind, FileErrorKind::Malformed);
    let e = read_table("persons.pdf", b"%PDF").unwrap_err();
    assert_eq!(e.kind, FileErrorKind::UnsupportedFormat);
    assert!(e.vi.contains("persons.pdf"));
    assert_eq!(read_table("noextension", b"a\n1\n").unwrap_err().kind, FileErrorKind::UnsupportedFormat);
    assert_eq!(read_table("Danh sach.CSV", b"a\n1\n").unwrap().rows, vec![strings(&["1"])]);
}

#[test]
fn xlsx_writer_limits_and_names() {
    let t = Table::new(strings(&["a"]), vec![strings(&["1"])]);
    // Invalid characters in a sheet name are replaced, not an error.
    assert!(write_xlsx(&t, "Xã/Phường [2025]: Kỳ Anh?").is_ok());
    let e = write_xlsx(&t, "").map(|b| read_xlsx(&b).unwrap()).unwrap();
    assert_eq!(e, t);
}

#[test]
fn import_template_round_trips_through_the_domain_parser() {
    use ansinh_domain::import::{TEMPLATE_HEADERS, map_headers, parse_row, template_example_row};
    let t = Table::new(TEMPLATE_HEADERS.map(String::from).to_vec(), vec![template_example_row()]);
    let today = chrono_today();
    for bytes in [write_xlsx(&t, "Mẫu nhập").unwrap(), write_csv(&t)] {
        let back = if bytes.starts_with(b"PK") { read_xlsx(&bytes) } else { read_csv(&bytes) }.unwrap();
        let map = map_headers(&back.headers).unwrap();
        let record = parse_row(&map, Table::row_number(0), &back.rows[0], today).unwrap();
        assert_eq!(record.cccd.as_str(), "042090001234");
        assert_eq!(record.row, 2);
    }
}

fn chrono_today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap()
}

// ─── Hostile spreadsheets: each is refused (or read) at a cost bounded by its cells ───────

/// A minimal XLSX package: the given sheet XML and, if any, the shared-strings XML.
fn package(sheet: &str, shared: Option<&str>) -> Vec<u8> {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut part = |name: &str, body: &str| {
        zip.start_file(name, opts).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    };
    part(
        "[Content_Types].xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
    );
    part(
        "_rels/.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    part(
        "xl/workbook.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    );
    let shared_rel = if shared.is_some() {
        r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#
    } else {
        ""
    };
    part(
        "xl/_rels/workbook.xml.rels",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>{shared_rel}</Relationships>"#
        ),
    );
    part(
        "xl/worksheets/sheet1.xml",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet}</sheetData></worksheet>"#
        ),
    );
    if let Some(s) = shared {
        part("xl/sharedStrings.xml", s);
    }
    zip.finish().unwrap();
    out.into_inner()
}

fn inline(cell: &str, text: &str) -> String {
    format!(r#"<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

#[test]
fn hand_made_package_reads() {
    let sheet = format!(
        r#"<row r="1">{}{}</row><row r="3">{}<c r="B3"><v>42090001234</v></c></row>"#,
        inline("A1", "cccd"),
        inline("B1", "full_name"),
        inline("A3", "x")
    );
    let t = read_xlsx(&package(&sheet, None)).unwrap();
    assert_eq!(t.headers, strings(&["cccd", "full_name"]));
    assert_eq!(t.rows, vec![vec![], strings(&["x", "42090001234"])]);
}

#[test]
fn sparse_corner_cell_is_refused_without_a_dense_grid() {
    // A1 and XFD1048576: 1.5 KB that a dense reader turns into ~550 GB.
    let sheet = format!(
        r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
        inline("A1", "cccd"),
        inline("XFD1048576", "x")
    );
    let bytes = package(&sheet, None);
    assert!(bytes.len() < 4096, "{}", bytes.len());
    let e = read_xlsx(&bytes).unwrap_err();
    assert_eq!(e.kind, FileErrorKind::TooManyColumns, "{e}");
    assert!(e.vi.contains("XFD") && e.vi.contains("cột"), "{}", e.vi);
    // The same through the extension dispatch.
    assert!(read_table("bom.xlsx", &bytes).is_err());
}

#[test]
fn sparse_far_row_costs_rows_not_cells() {
    // A1 + CV1000000 exhausted memory before; now it is a million short rows.
    let sheet = format!(
        r#"<row r="1">{}</row><row r="1000000">{}</row>"#,
        inline("A1", "cccd"),
        inline("CV1000000", "x")
    );
    let t = read_xlsx(&package(&sheet, None)).unwrap();
    assert_eq!(t.rows.len(), 999_999);
    assert_eq!(t.rows.last().unwrap().len(), 100);
    // Past the row limit: refused.
    let sheet = format!(
        r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
        inline("A1", "a"),
        inline("A1048576", "x")
    );
    assert_eq!(read_xlsx(&package(&sheet, None)).unwrap_err().kind, FileErrorKind::TooManyRows);
}

#[test]
fn shared_string_bombs_are_refused_before_parsing() {
    let sheet = r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#;
    // One huge shared string (the 200 MB case, smaller here: anything over the bound).
    let huge = format!(
        r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>{}</t></si></sst>"#,
        "a".repeat(2_000_000)
    );
    let bytes = package(sheet, Some(&huge));
    assert!(bytes.len() < 50_000, "{}", bytes.len());
    let e = read_xlsx(&bytes).unwrap_err();
    assert_eq!(e.kind, FileErrorKind::TooLarge, "{e}");
    assert!(e.vi.contains("chuỗi dùng chung"), "{}", e.vi);
    // A declared count of billions (calamine reserves it up front).
    let lying = r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="99999999999999"><si><t>cccd</t></si></sst>"#;
    assert_eq!(read_xlsx(&package(sheet, Some(lying))).unwrap_err().kind, FileErrorKind::TooLarge);
    // An ordinary shared-strings part reads.
    let fine = r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>cccd</t></si></sst>"#;
    assert_eq!(read_xlsx(&package(sheet, Some(fine))).unwrap_err().kind, FileErrorKind::NoData);
}

#[test]
fn huge_inline_cell_is_refused() {
    let sheet = format!(
        r#"<row r="1">{}</row><row r="2">{}</row>"#,
        inline("A1", "cccd"),
        inline("A2", &"x".repeat(5_000))
    );
    assert_eq!(read_xlsx(&package(&sheet, None)).unwrap_err().kind, FileErrorKind::CellTooLong);
}

/// A zip with one deflated part `name` whose headers declare `declared` unpacked bytes (a bomb
/// as the central directory describes it; the data itself is never reached).
fn zip_declaring(name: &str, declared: u32) -> Vec<u8> {
    let data = [0x03u8, 0x00]; // an empty deflate stream
    let n = name.len() as u16;
    let mut out = Vec::new();
    let le16 = |v: u16| v.to_le_bytes();
    let le32 = |v: u32| v.to_le_bytes();
    // Local file header.
    out.extend(le32(0x0403_4b50));
    out.extend(le16(20));
    out.extend(le16(0));
    out.extend(le16(8));
    out.extend([0; 4]);
    out.extend(le32(0));
    out.extend(le32(data.len() as u32));
    out.extend(le32(declared));
    out.extend(le16(n));
    out.extend(le16(0));
    out.extend(name.as_bytes());
    out.extend(data);
    let central = out.len() as u32;
    out.extend(le32(0x0201_4b50));
    out.extend(le16(20));
    out.extend(le16(20));
    out.extend(le16(0));
    out.extend(le16(8));
    out.extend([0; 4]);
    out.extend(le32(0));
    out.extend(le32(data.len() as u32));
    out.extend(le32(declared));
    out.extend(le16(n));
    out.extend([0; 12]);
    out.extend(le32(0));
    out.extend(name.as_bytes());
    let size = out.len() as u32 - central;
    out.extend(le32(0x0605_4b50));
    out.extend([0; 4]);
    out.extend(le16(1));
    out.extend(le16(1));
    out.extend(le32(size));
    out.extend(le32(central));
    out.extend(le16(0));
    out
}

#[test]
fn zip_bomb_part_is_refused_by_its_declared_size() {
    let e = read_xlsx(&zip_declaring("xl/worksheets/sheet1.xml", 3_000_000_000)).unwrap_err();
    assert_eq!(e.kind, FileErrorKind::TooLarge, "{e}");
    let e = read_xlsx(&zip_declaring("xl/sharedStrings.xml", 400 << 20)).unwrap_err();
    assert_eq!(e.kind, FileErrorKind::TooLarge, "{e}");
    assert!(e.vi.contains("chuỗi dùng chung"), "{}", e.vi);
}

#[test]
fn old_formats_ask_for_xlsx() {
    for name in ["list.xls", "list.ods"] {
        let e = read_table(name, b"anything").unwrap_err();
        assert_eq!(e.kind, FileErrorKind::UnsupportedFormat);
        assert!(e.vi.contains(".xlsx"), "{}", e.vi);
    }
}

/// The template workbook: the data sheet reads back as headers and the example row; the
/// instructions and the lists are sheets of their own; closed lists are drop-downs that warn.
#[test]
fn template_workbook_has_instructions_and_drop_downs() {
    use ansinh_reports::{TemplateColumn, write_template_xlsx};
    use std::io::Read;
    let columns = vec![
        TemplateColumn {
            header: "Số CCCD".into(), required: true, help: "12 chữ số".into(), values: vec![]
        },
        TemplateColumn {
            header: "Giới tính".into(),
            required: true,
            help: "Nam hoặc Nữ".into(),
            values: vec!["Nam".into(), "Nữ".into()],
        },
    ];
    let example = vec!["042090001234".to_string(), "Nam".to_string()];
    let bytes =
        write_template_xlsx("Nhân khẩu", &columns, &example, &["Mỗi dòng một người.".into()]).unwrap();
    let t = read_xlsx(&bytes).unwrap();
    assert_eq!(&t.headers[..2], ["Số CCCD", "Giới tính"]);
    assert_eq!(&t.rows[0][..2], &example[..], "the example row, text kept (leading 0)");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let mut read = |name: &str| {
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let workbook = read("xl/workbook.xml");
    for sheet in ["Nhân khẩu", "Hướng dẫn", "Danh mục"] {
        assert!(workbook.contains(&format!("name=\"{sheet}\"")), "{sheet}: {workbook}");
    }
    let data = read("xl/worksheets/sheet1.xml");
    assert!(data.contains("<dataValidation type=\"list\" errorStyle=\"warning\""), "{data}");
    assert!(data.contains("sqref=\"B2:B5001\""), "{data}");
    assert!(data.contains("'Danh mục'!$A$2:$A$3"), "{data}");
    let strings = read("xl/sharedStrings.xml");
    assert!(strings.contains("Dòng ví dụ") && strings.contains("12 chữ số"), "{strings}");
}

/// A list under a heading (its name, place and date, one cell per row, as lists are printed)
/// reads back: title rows are skipped, row numbers stay those of the sheet.
#[test]
fn titled_sheets_read_back() {
    use rust_xlsxwriter::Workbook;
    let table = Table::new(
        strings(&["STT", "cccd", "full_name"]),
        vec![strings(&["1", "042090001234", "Lê Văn Dũng"])],
    );
    let titles = strings(&["DANH SÁCH NHÂN KHẨU", "Địa bàn: Xã Mai Hoa", "Ngày xuất: 07/12/2026"]);
    let xlsx = ansinh_reports::write_xlsx_titled(&table, "Nhân khẩu", &titles).unwrap();
    // The heading is in the sheet as written: A1–A3, the header on row 5.
    {
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(xlsx.clone())).unwrap();
        let range = wb.worksheet_range("Nhân khẩu").unwrap();
        let cell = |r: u32, c: u32| range.get_value((r, c)).map(|v| v.to_string()).unwrap_or_default();
        assert_eq!(
            (cell(0, 0), cell(1, 0), cell(2, 0)),
            (titles[0].clone(), titles[1].clone(), titles[2].clone())
        );
        assert_eq!((cell(3, 0), cell(4, 0), cell(4, 1)), (String::new(), "STT".into(), "cccd".into()));
    }
    let back = read_xlsx(&xlsx).unwrap();
    assert_eq!(back.headers, table.headers);
    // Header on sheet row 5 (3 titles, a blank row): the data row is row 6, index 4.
    assert_eq!(back.rows.len(), 5);
    assert!(back.rows[..4].iter().all(|r| r.iter().all(String::is_empty)));
    assert_eq!(back.rows[4], table.rows[0]);
    assert_eq!(Table::row_number(4), 6);

    // Streaming hands on the sheet's own numbers too.
    let mut seen = Vec::new();
    ansinh_reports::for_each_row("x.xlsx", std::io::Cursor::new(&xlsx), &mut |item| {
        if let ansinh_reports::TableItem::Row(n, cells) = item {
            seen.push((n, cells[2].clone()));
        }
        std::ops::ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(seen, [(6, "Lê Văn Dũng".to_string())]);

    // A one-column sheet is still a header and its data, short or long.
    for n in [2usize, 12] {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "cccd").unwrap();
        for i in 1..n {
            ws.write_string(i as u32, 0, format!("04209000{i:04}")).unwrap();
        }
        let t = read_xlsx(&wb.save_to_buffer().unwrap()).unwrap();
        assert_eq!((t.headers.clone(), t.rows.len()), (strings(&["cccd"]), n - 1), "{n} rows");
    }
    // Titles must start at row 1: a header on row 3 under blank rows is still refused.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(2, 0, "cccd").unwrap();
    ws.write_string(2, 1, "full_name").unwrap();
    ws.write_string(3, 0, "1").unwrap();
    assert_eq!(read_xlsx(&wb.save_to_buffer().unwrap()).unwrap_err().kind, FileErrorKind::NoHeader);
}

/// The same heading in a CSV (a printed list saved as CSV: Excel pads the title rows with
/// separators; a hand-made one may have none): skipped, the separator found on the header,
/// row numbers those of the file; a one-column file and a blank first line as before.
#[test]
fn titled_csv_files_read_back() {
    let padded =
        "DANH SÁCH NHÂN KHẨU,,\nĐịa bàn: Xã Mai Hoa,,\n,,\nSTT,cccd,full_name\n1,042090001234,Lê Văn Dũng\n";
    let t = read_csv(padded.as_bytes()).unwrap();
    assert_eq!(t.headers, strings(&["STT", "cccd", "full_name"]));
    // Header on line 4: the data row is line 5, index 3.
    assert_eq!(t.rows.len(), 4);
    assert!(t.rows[..3].iter().all(|r| r.iter().all(String::is_empty)));
    assert_eq!(t.rows[3], strings(&["1", "042090001234", "Lê Văn Dũng"]));

    // Semicolons, titles without separators and with a comma in a place's name, a blank line.
    let bare = "DANH SÁCH NHÂN KHẨU\nXã Mai Hoa, Tỉnh Hà Tĩnh\n\nSTT;cccd;full_name\n1;042090001234;Lê Văn Dũng\n2;042090001235;Lê Thị Hoa\n";
    let mut rows = ansinh_reports::csv_rows(bare.as_bytes()).unwrap();
    assert_eq!(rows.headers(), strings(&["STT", "cccd", "full_name"]).as_slice());
    let seen: Vec<(usize, String)> =
        rows.by_ref().map(|r| r.unwrap()).map(|(n, c)| (n, c[2].clone())).collect();
    assert_eq!(seen, [(5, "Lê Văn Dũng".to_string()), (6, "Lê Thị Hoa".to_string())]);

    // A one-column file is still a header and its data (blank lines kept in place).
    let one = read_csv("cccd\n042090001234\n\n042090001235\n".as_bytes()).unwrap();
    assert_eq!(one.headers, strings(&["cccd"]));
    assert_eq!(one.rows, vec![strings(&["042090001234"]), vec![], strings(&["042090001235"])]);
    // More single-cell rows than titles may be: the first is the header.
    let long: String = std::iter::once("cccd".to_string())
        .chain((0..10).map(|i| format!("04209000{i:04}")))
        .collect::<Vec<_>>()
        .join("\n");
    let t = read_csv(long.as_bytes()).unwrap();
    assert_eq!((t.headers.clone(), t.rows.len()), (strings(&["cccd"]), 10));
    // Text under a blank first line still has no header.
    assert!(read_csv("\nSTT,cccd\n1,042090001234\n".as_bytes()).is_err());
}
