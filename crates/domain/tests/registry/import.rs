//! Import rows: headers, every bad cell, file-level checks.

use super::*;

#[test]
fn template_headers_and_example() {
    assert_eq!(TEMPLATE_HEADERS.len(), Column::ALL.len());
    assert_eq!(TEMPLATE_KEYS.len(), Column::ALL.len());
    let map = map_headers(&TEMPLATE_HEADERS).unwrap();
    let r = parse_row(&map, 2, &template_example_row(), today()).unwrap();
    assert_eq!(r.cccd.as_str(), "042090001234");
    assert_eq!(r.full_name.as_str(), "Nguyễn Văn An");
    assert_eq!(r.relation, Some(Relation::Head));
    assert!(is_template_example(&map, &template_example_row()));
    assert!(!is_template_example(&map, &GOOD));
    assert_eq!(r.occupation, Some(Occupation::Farmer));
    assert_eq!(r.unit_code.as_str(), "18322-01");
    assert_eq!(r.row, 2);
    assert_eq!(data_row_number(0), 2);
}

#[test]
fn headers_match_folded_and_english() {
    let folded = strings(&[
        "so cccd",
        "HO VA TEN",
        "Ngay sinh",
        "gioi tinh",
        "Ma ho",
        "quan he voi chu ho",
        "Mã thôn / tổ / xã (*)",
        "Ghi chú",
    ]);
    let map = map_headers(&folded).unwrap();
    assert_eq!(map.index(Column::Cccd), Some(0));
    assert_eq!(map.index(Column::UnitCode), Some(6));
    assert_eq!(map.index(Column::Phone), None);
    assert_eq!(map.header(Column::FullName), "HO VA TEN");

    let english = TEMPLATE_KEYS.map(|k| k.to_uppercase());
    let map = map_headers(&english).unwrap();
    assert_eq!(map.index(Column::OldSiNumber), Some(10));

    // Any order; unknown columns ignored.
    let map = map_headers(&[
        "Ghi chú",
        "sex",
        "cccd",
        "relation",
        "full_name",
        "unit_code",
        "birth_date",
        "household_code",
    ])
    .unwrap();
    assert_eq!(map.index(Column::Sex), Some(1));
    let r = parse_row(
        &map,
        2,
        &["x", "Nữ", "042195000001", "Vợ", "Trần Thị Bình", "18322-01", "1995", "HT-1"],
        today(),
    )
    .unwrap();
    assert_eq!(r.birth, BirthDate::YearOnly(1995));
    assert_eq!(r.ethnicity, Ethnicity::KINH);
    assert_eq!((r.phone, r.occupation, r.old_si_number), (None, None, None));
}

#[test]
fn missing_and_duplicated_columns() {
    let errors = map_headers(&["Số CCCD", "Họ và tên", "cccd", "Ngày sinh"]).unwrap_err();
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(
        lines.iter().any(|l| l.starts_with("dòng 1, cột cccd: cột «cccd» trùng với cột «Số CCCD»")),
        "{lines:?}"
    );
    for missing in ["Giới tính", "Mã thôn/tổ/xã"] {
        assert!(lines.iter().any(|l| l.contains(&format!("thiếu cột «{missing}»"))), "{missing}: {lines:?}");
    }
    for optional in ["Dân tộc", "Mã hộ", "Quan hệ với chủ hộ"] {
        assert!(!lines.iter().any(|l| l.contains(optional)), "{optional} is not required: {lines:?}");
    }
    assert!(errors.iter().all(|e| e.row == 1));
    assert!(map_headers::<&str>(&[]).is_err());
}

#[test]
fn a_good_row() {
    let r = record(7, &GOOD).unwrap();
    assert_eq!(r.row, 7);
    assert_eq!(r.sex, Sex::Female);
    assert_eq!(r.phone.unwrap().as_str(), "0912345678");
    assert_eq!(r.household_code.unwrap().as_str(), "18322-0001");
    assert!(r.warnings.is_empty());
    // Short rows (trailing cells missing) are fine when the missing cells are optional.
    assert!(record(3, &GOOD[..7]).is_ok());
    assert!(!is_blank_row(&GOOD) && is_blank_row(&["", " ", "\t"]));
}

#[test]
fn bad_rows_report_every_cell() {
    let mut cells = GOOD;
    cells[0] = "0421950000";
    cells[2] = "31/02/2020";
    cells[5] = "hàng xóm";
    cells[6] = "18-322";
    cells[8] = "12345";
    cells[10] = "123";
    let errors = record(5, &cells).unwrap_err();
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 6, "{lines:#?}");
    assert!(lines[0].starts_with("dòng 5, cột Số CCCD: Số CCCD «0421950000» có 10 chữ số"), "{}", lines[0]);
    assert!(lines.iter().any(|l| l.starts_with("dòng 5, cột Ngày sinh:") && l.contains("không tồn tại")));
    assert!(lines.iter().any(|l| l.starts_with("dòng 5, cột Quan hệ với chủ hộ:")));
    assert!(lines.iter().any(|l| l.starts_with("dòng 5, cột Mã thôn/tổ/xã:")));
    assert!(lines.iter().any(|l| l.starts_with("dòng 5, cột Số điện thoại:")));
    assert!(lines.iter().any(|l| l.starts_with("dòng 5, cột Mã số BHXH cũ:")));
    assert!(errors[0].to_en().starts_with("row 5, column Số CCCD: citizen ID"), "{}", errors[0].to_en());

    // A future birth date.
    let mut cells = GOOD;
    cells[2] = "01/01/2027";
    let e = record(2, &cells).unwrap_err();
    assert!(e[0].vi.contains("tương lai"), "{:?}", e);

    // Required cells left blank.
    let errors = record(9, &["", "", "", "", "", "", ""]).unwrap_err();
    assert_eq!(errors.len(), 5, "household code and relation may be blank: {errors:?}");
    assert!(errors.iter().all(|e| e.vi.contains("không được để trống")), "{errors:?}");
    assert_eq!(errors[0].to_string(), "dòng 9, cột Số CCCD: «Số CCCD» không được để trống");
}

#[test]
fn cccd_must_agree_with_sex_and_birth_year() {
    let mut cells = GOOD;
    cells[3] = "Nam";
    cells[5] = "Chủ hộ";
    let e = record(4, &cells).unwrap_err();
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].column, "Số CCCD");
    assert!(e[0].vi.contains("chữ số thứ 4"), "{}", e[0].vi);

    let mut cells = GOOD;
    cells[2] = "12/08/1996";
    let e = record(4, &cells).unwrap_err();
    assert!(e[0].vi.contains("năm sinh khai là 1996"), "{}", e[0].vi);

    // A woman born in 2005 with a 1900s century digit (1 instead of 3).
    let mut cells = GOOD;
    cells[0] = "042105000001";
    cells[2] = "2005";
    let e = record(4, &cells).unwrap_err();
    assert!(e[0].vi.contains("thế kỷ"), "{}", e[0].vi);
}

#[test]
fn relation_must_agree_with_sex() {
    let mut cells = GOOD;
    cells[5] = "Chồng";
    let e = record(6, &cells).unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].to_string(), "dòng 6, cột Quan hệ với chủ hộ: quan hệ «Chồng» không khớp giới tính «Nữ»");
}

#[test]
fn diacritics_free_file() {
    let headers = [
        "so cccd",
        "ho va ten",
        "ngay sinh",
        "gioi tinh",
        "ma ho",
        "quan he voi chu ho",
        "ma thon/to/xa",
        "dan toc",
        "nghe nghiep",
    ];
    let map = map_headers(&headers).unwrap();
    let r = parse_row(
        &map,
        2,
        &["042090001234", "Nguyen Van An", "1990", "nam", "HT1", "chu ho", "18322", "kinh", "nong nghiep"],
        today(),
    )
    .unwrap();
    assert_eq!(
        (r.sex, r.relation, r.occupation),
        (Sex::Male, Some(Relation::Head), Some(Occupation::Farmer))
    );
}

#[test]
fn within_file_checks() {
    let mut a = GOOD;
    a[5] = "Chủ hộ";
    let mut b = GOOD;
    b[0] = "042090001234";
    b[1] = "Nguyễn Văn An";
    b[3] = "Nam";
    b[2] = "1990";
    b[5] = "Chủ hộ";
    let mut c = GOOD; // same CCCD as a, another household
    c[4] = "18322-0002";
    let records = vec![record(2, &a).unwrap(), record(3, &b).unwrap(), record(7, &c).unwrap()];
    let errors = check_file(&records);
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        vec![
            "dòng 2, cột Quan hệ với chủ hộ: hộ 18322-0001 (đơn vị 18322-01) có hơn một chủ hộ: dòng này và dòng 3",
            "dòng 2, cột Số CCCD: số CCCD 042195000001 trùng với dòng 7",
            "dòng 3, cột Quan hệ với chủ hộ: hộ 18322-0001 (đơn vị 18322-01) có hơn một chủ hộ: dòng này và dòng 2",
            "dòng 7, cột Số CCCD: số CCCD 042195000001 trùng với dòng 2",
        ]
    );
    assert!(check_file(&records[..1]).is_empty());
    // A household without a head in the file is fine (it may exist already).
    assert!(check_file(&[record(7, &c).unwrap()]).is_empty());
}

#[test]
fn lists_as_they_are_written() {
    // Excel dropped the CCCD's leading 0: restored, with a warning on that row.
    let mut cells = GOOD;
    cells[0] = "42195000001";
    let r = record(4, &cells).unwrap();
    assert_eq!(r.cccd.as_str(), "042195000001");
    assert_eq!(r.warnings.len(), 1);
    assert!(r.warnings[0].to_string().starts_with("dòng 4, cột Số CCCD: số CCCD «42195000001» có 11 chữ số"));
    assert!(r.warnings[0].to_en().contains("leading 0"));
    // Eleven digits that start with 0 were typed as text: a digit is missing, not the 0.
    cells[0] = "04219500000";
    let e = record(4, &cells).unwrap_err();
    assert!(e[0].vi.contains("có 11 chữ số, cần đúng 12"), "{e:?}");
    // Combined relation labels, resolved with the row's sex (GOOD is a woman).
    for (label, want) in
        [("Vợ/chồng", Relation::Wife), ("Bố/mẹ", Relation::Mother), ("Con đẻ", Relation::Child)]
    {
        let mut cells = GOOD;
        cells[5] = label;
        assert_eq!(record(2, &cells).unwrap().relation, Some(want), "{label}");
    }
    // No household: no code, no relation, as in the form.
    let mut cells = GOOD;
    cells[4] = "";
    cells[5] = "";
    let r = record(2, &cells).unwrap();
    assert_eq!((r.household_code, r.relation), (None, None));
}

#[test]
fn a_place_is_written_by_code_or_by_name() {
    let mut cells = GOOD;
    cells[6] = " 18322-01 ";
    let r = record(3, &cells).unwrap();
    assert!(r.unit_code.is_code() && r.unit_code.as_str() == "18322-01");
    cells[6] = "Tổ liên gia số 4 · Thôn Thanh Bình";
    let r = record(3, &cells).unwrap();
    assert!(!r.unit_code.is_code() && r.unit_code.as_str() == "Tổ liên gia số 4 · Thôn Thanh Bình");
    // Digits that are no code stay a code error, said as such.
    cells[6] = "18-322";
    let errors = record(3, &cells).unwrap_err();
    assert!(errors[0].to_string().contains("Mã đơn vị «18-322» không hợp lệ"), "{}", errors[0]);
}
