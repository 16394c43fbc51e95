//! Nhập danh sách nhân khẩu — turning the rows of an import file into person records, with no
//! database: the header row is mapped to columns ([`map_headers`]), each row becomes a
//! [`PersonRecord`] or a list of [`RowError`]s ([`parse_row`]), and problems that only show
//! across rows (the same CCCD twice) are found by [`check_file`]. Resolving unit codes and
//! households against what is stored is the application's job.
//!
//! Row numbers are those the user sees in Excel: the header is row 1, the first data row 2
//! ([`data_row_number`]).

use crate::cccd::{CitizenId, OldSiNumber};
use crate::error::Invalid;
use crate::person::{
    BirthDate, Ethnicity, FullName, HouseholdCode, Occupation, Phone, Relation, Sex, parse_sex, sex_label_vi,
};
use crate::text;
use crate::unit::PlaceText;
use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;

/// A column of the import template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    Cccd,
    FullName,
    BirthDate,
    Sex,
    HouseholdCode,
    Relation,
    UnitCode,
    Ethnicity,
    Phone,
    Occupation,
    OldSiNumber,
}

impl Column {
    /// In template order.
    pub const ALL: [Column; 11] = [
        Column::Cccd,
        Column::FullName,
        Column::BirthDate,
        Column::Sex,
        Column::HouseholdCode,
        Column::Relation,
        Column::UnitCode,
        Column::Ethnicity,
        Column::Phone,
        Column::Occupation,
        Column::OldSiNumber,
    ];

    /// The English key accepted as a header (`full_name`).
    pub fn key(self) -> &'static str {
        TEMPLATE_KEYS[self as usize]
    }

    /// The Vietnamese header of the template ("Họ và tên").
    pub fn header_vi(self) -> &'static str {
        TEMPLATE_HEADERS[self as usize]
    }

    /// Whether a file without this column is refused. The household code and relation
    /// (optional in the person form too), ethnicity (default Kinh), phone, occupation and the
    /// old SI number may be left out.
    pub fn required(self) -> bool {
        !matches!(
            self,
            Column::HouseholdCode
                | Column::Relation
                | Column::Ethnicity
                | Column::Phone
                | Column::Occupation
                | Column::OldSiNumber
        )
    }

    /// How to fill the column in, for the template's instructions sheet (Vietnamese).
    pub fn help_vi(self) -> &'static str {
        match self {
            Column::Cccd => {
                "12 chữ số của căn cước công dân. Nếu Excel làm mất số 0 đầu (còn 11 chữ số), hệ thống tự thêm lại và báo để kiểm tra."
            }
            Column::FullName => "Họ, tên đệm và tên, có dấu (ví dụ: Nguyễn Thị Hoa).",
            Column::BirthDate => "Ngày/tháng/năm (15/03/1990) hoặc chỉ năm sinh (1990).",
            Column::Sex => "Nam hoặc Nữ.",
            Column::HouseholdCode => {
                "Mã hộ trong xã (cùng mã = cùng hộ). Để trống nếu người này không thuộc hộ nào trong danh sách."
            }
            Column::Relation => {
                "Quan hệ với chủ hộ. Nhận cả cách ghi gộp «Vợ/chồng», «Bố/mẹ», «Ông/bà», «Anh/chị», «Con dâu/rể» (hiểu theo giới tính) và «Cha», «Con đẻ», «Con nuôi». Có thể để trống."
            }
            Column::UnitCode => {
                "Mã (ví dụ 18322-01) hoặc tên thôn, tổ, xã nơi người đó ở, có thể kèm nơi bên trên (ví dụ «Tổ liên gia số 4 · Thôn Thanh Bình»)."
            }
            Column::Ethnicity => "Tên dân tộc; để trống là Kinh.",
            Column::Phone => "Số di động 10 chữ số (0912345678 hoặc +84 912 345 678). Có thể để trống.",
            Column::Occupation => "Nhóm nghề nghiệp. Có thể để trống.",
            Column::OldSiNumber => "Mã số BHXH cũ (10 chữ số) nếu có.",
        }
    }

    /// Header spellings accepted besides the template header and the key, as [`header_key`]s.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::Cccd => &[
                "socccd",
                "cancuoc",
                "socancuoc",
                "cancuoccongdan",
                "socancuoccongdan",
                "sodinhdanh",
                "sodinhdanhcanhan",
                "madinhdanh",
                "citizenid",
            ],
            Column::FullName => &["hovaten", "hoten", "name"],
            Column::BirthDate => {
                &["ngaysinh", "ngaythangnamsinh", "namsinh", "ngaysinhnamsinh", "dob", "birth"]
            }
            Column::Sex => &["gioitinh", "gender"],
            Column::HouseholdCode => &["maho", "mahogiadinh", "mahogd", "household"],
            Column::Relation => &["quanhevoichuho", "quanhe", "quanhechuho", "relationtohead"],
            Column::UnitCode => &[
                "mathontoxa",
                "madonvi",
                "mathon",
                "mathonto",
                "madiaban",
                "diaban",
                "thonto",
                "unit",
                "place",
            ],
            Column::Ethnicity => &["dantoc", "ethnic"],
            Column::Phone => &["sodienthoai", "dienthoai", "sdt", "phonenumber", "mobile"],
            Column::Occupation => &["nghenghiep", "nghe"],
            Column::OldSiNumber => &["masobhxhcu", "masobhxh", "sosobhxh", "sobhxh", "sinumber"],
        }
    }

    /// The column a header names, if any: diacritics, case, spaces and punctuation are ignored,
    /// so "Ngay sinh", "NGÀY SINH" and "birth_date" all name [`Column::BirthDate`].
    pub fn from_header(header: &str) -> Option<Column> {
        let key = header_key(header);
        if key.is_empty() {
            return None;
        }
        Column::ALL.into_iter().find(|c| {
            header_key(c.header_vi()) == key
                || header_key(c.key()) == key
                || c.aliases().contains(&key.as_str())
        })
    }
}

/// Letters and digits of the folded header: "Mã thôn/tổ/xã (*)" → "mathontoxa".
fn header_key(h: &str) -> String {
    text::fold(h).chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

/// The template's headers, in order (Vietnamese).
pub const TEMPLATE_HEADERS: [&str; 11] = [
    "Số CCCD",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Mã hộ",
    "Quan hệ với chủ hộ",
    "Mã thôn/tổ/xã",
    "Dân tộc",
    "Số điện thoại",
    "Nghề nghiệp",
    "Mã số BHXH cũ",
];

/// The English keys also accepted as headers, in the same order.
pub const TEMPLATE_KEYS: [&str; 11] = [
    "cccd",
    "full_name",
    "birth_date",
    "sex",
    "household_code",
    "relation",
    "unit_code",
    "ethnicity",
    "phone",
    "occupation",
    "old_si_number",
];

/// An example row for the downloadable template (it parses).
pub fn template_example_row() -> Vec<String> {
    [
        "042090001234",
        "Nguyễn Văn An",
        "15/03/1990",
        "Nam",
        "18322-0001",
        "Chủ hộ",
        "18322-01",
        "Kinh",
        "0912345678",
        "Nông, lâm, ngư nghiệp",
        "4209001234",
    ]
    .map(String::from)
    .to_vec()
}

/// Whether a data row is the template's example row, left in the file (it is skipped, with a
/// warning, rather than imported as a person): its citizen id and name are the example's.
pub fn is_template_example<S: AsRef<str>>(map: &ColumnMap, cells: &[S]) -> bool {
    let example = template_example_row();
    let cell = |c: Column| map.index(c).and_then(|i| cells.get(i)).map_or("", |s| s.as_ref().trim());
    cell(Column::Cccd) == example[Column::Cccd as usize]
        && text::fold(cell(Column::FullName)) == text::fold(&example[Column::FullName as usize])
}

/// The warning given for a skipped example row.
pub fn template_example_skipped(row: usize) -> RowError {
    RowError::new(
        row,
        "",
        "đây là dòng ví dụ của mẫu nhập: đã bỏ qua, không nhập",
        "this is the template's example row: skipped, not imported",
    )
}

/// The Excel row number of the data row at `index` (0-based, header excluded): `index + 2`.
pub fn data_row_number(index: usize) -> usize {
    index + 2
}

/// A problem with one cell (or, when `column` is empty, a whole row) of an import file.
///
/// Displays in Vietnamese as `dòng N, cột X: lý do`; [`RowError::to_en`] gives the English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RowError {
    /// Row number as seen in Excel (header = 1).
    pub row: usize,
    /// The column's header as written in the file (empty: the whole row).
    pub column: String,
    pub vi: String,
    pub en: String,
}

impl RowError {
    fn new(row: usize, column: &str, vi: impl Into<String>, en: impl Into<String>) -> RowError {
        RowError { row, column: column.to_string(), vi: vi.into(), en: en.into() }
    }

    fn from_invalid(row: usize, column: &str, e: Invalid) -> RowError {
        RowError { row, column: column.to_string(), vi: e.vi, en: e.en }
    }

    /// `row N, column X: reason`.
    pub fn to_en(&self) -> String {
        if self.column.is_empty() {
            format!("row {}: {}", self.row, self.en)
        } else {
            format!("row {}, column {}: {}", self.row, self.column, self.en)
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.column.is_empty() {
            write!(f, "dòng {}: {}", self.row, self.vi)
        } else {
            write!(f, "dòng {}, cột {}: {}", self.row, self.column, self.vi)
        }
    }
}

impl std::error::Error for RowError {}

/// Where each template column is in a file, and how the file names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap {
    index: [Option<usize>; 11],
    headers: [String; 11],
}

impl ColumnMap {
    /// The 0-based position of `column` in a row, if the file has it.
    pub fn index(&self, column: Column) -> Option<usize> {
        self.index[column as usize]
    }

    /// The header the file gives `column` (the template header if the file lacks it).
    pub fn header(&self, column: Column) -> &str {
        &self.headers[column as usize]
    }
}

/// Map the header row. Unknown columns are ignored; a missing required column, or two columns
/// naming the same field, is an error (row 1).
pub fn map_headers<S: AsRef<str>>(headers: &[S]) -> Result<ColumnMap, Vec<RowError>> {
    let mut index = [None; 11];
    let mut names: [String; 11] = TEMPLATE_HEADERS.map(String::from);
    let mut errors = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let h = text::clean(h.as_ref());
        let Some(c) = Column::from_header(&h) else { continue };
        match index[c as usize] {
            None => {
                index[c as usize] = Some(i);
                names[c as usize] = h;
            }
            Some(_) => errors.push(RowError::new(
                1,
                &h,
                format!("cột «{h}» trùng với cột «{}» (cùng là «{}»)", names[c as usize], c.header_vi()),
                format!("column «{h}» repeats column «{}» (both are «{}»)", names[c as usize], c.key()),
            )),
        }
    }
    for c in Column::ALL {
        if c.required() && index[c as usize].is_none() {
            errors.push(RowError::new(
                1,
                c.header_vi(),
                format!("thiếu cột «{}» (hoặc «{}») ở dòng tiêu đề", c.header_vi(), c.key()),
                format!("the header row lacks column «{}» (or «{}»)", c.header_vi(), c.key()),
            ));
        }
    }
    if errors.is_empty() { Ok(ColumnMap { index, headers: names }) } else { Err(errors) }
}

/// Whether every cell of a row is blank (such rows are skipped, not errors).
pub fn is_blank_row<S: AsRef<str>>(cells: &[S]) -> bool {
    cells.iter().all(|c| c.as_ref().trim().is_empty())
}

/// One person row of an import file, parsed. `unit_code` is only checked for form; the
/// application resolves it (and the household) against the stored units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonRecord {
    /// Row number as seen in Excel (header = 1).
    pub row: usize,
    pub cccd: CitizenId,
    pub full_name: FullName,
    pub birth: BirthDate,
    pub sex: Sex,
    /// Blank: the person belongs to no household (as in the person form).
    pub household_code: Option<HouseholdCode>,
    /// Blank: not stated.
    pub relation: Option<Relation>,
    /// The place's code or its name (path), resolved by the application.
    pub unit_code: PlaceText,
    /// Kinh when the cell is blank or the column is absent.
    pub ethnicity: Ethnicity,
    pub phone: Option<Phone>,
    pub occupation: Option<Occupation>,
    pub old_si_number: Option<OldSiNumber>,
    /// What was repaired on the way in and should be looked at (the row is still imported):
    /// a citizen id whose leading 0 Excel dropped.
    pub warnings: Vec<RowError>,
}

/// A citizen id Excel stored as a number loses its leading 0 ("42090001234"): eleven digits
/// not starting with 0 are read as the twelve-digit id with the 0 restored, and the row gets a
/// warning. Eleven digits starting with 0 were typed as text, so a digit is really missing:
/// that stays an error.
fn restore_leading_zero(s: &str) -> Option<String> {
    (s.len() == 11 && !s.starts_with('0') && s.bytes().all(|b| b.is_ascii_digit())).then(|| format!("0{s}"))
}

/// Parse one data row (`row` is its Excel row number). Every bad cell is reported, not only the
/// first; the CCCD is checked against the sex and birth year, and the relation against the sex.
/// `today` bounds birth dates (no births in the future).
pub fn parse_row<S: AsRef<str>>(
    map: &ColumnMap,
    row: usize,
    cells: &[S],
    today: NaiveDate,
) -> Result<PersonRecord, Vec<RowError>> {
    let cells: Vec<&str> = cells.iter().map(|c| c.as_ref()).collect();
    let cell = |c: Column| -> &str { map.index(c).and_then(|i| cells.get(i)).map_or("", |s| s.trim()) };
    let mut errors = Vec::new();
    fn keep<T>(errors: &mut Vec<RowError>, row: usize, header: &str, r: Result<T, Invalid>) -> Option<T> {
        r.map_err(|e| errors.push(RowError::from_invalid(row, header, e))).ok()
    }
    macro_rules! take {
        ($c:expr, $r:expr) => {
            keep(&mut errors, row, map.header($c), $r)
        };
    }
    // A required cell left blank gets one plain message, whatever its type.
    let required = |c: Column| -> Result<&str, Invalid> {
        let s = cell(c);
        if s.is_empty() {
            Err(Invalid::new(
                c.key(),
                format!("«{}» không được để trống", c.header_vi()),
                format!("«{}» is required", c.key()),
            ))
        } else {
            Ok(s)
        }
    };
    let mut warnings = Vec::new();
    let cccd = take!(
        Column::Cccd,
        required(Column::Cccd).and_then(|s| match restore_leading_zero(s) {
            Some(fixed) => {
                let id = CitizenId::parse(&fixed)?;
                warnings.push(RowError::new(
                    row,
                    map.header(Column::Cccd),
                    format!("số CCCD «{s}» có 11 chữ số (Excel bỏ mất số 0 đầu): đã đọc là {fixed}, hãy kiểm tra"),
                    format!("citizen ID «{s}» has 11 digits (Excel dropped the leading 0): read as {fixed}, please check"),
                ));
                Ok(id)
            }
            None => CitizenId::parse(s),
        })
    );
    let full_name = take!(Column::FullName, required(Column::FullName).and_then(FullName::parse));
    let birth =
        take!(Column::BirthDate, required(Column::BirthDate).and_then(|s| BirthDate::parse(s, today)));
    let sex = take!(Column::Sex, required(Column::Sex).and_then(parse_sex));
    let optional = |c: Column| Some(cell(c)).filter(|s| !s.is_empty());
    let household_code =
        take!(Column::HouseholdCode, optional(Column::HouseholdCode).map(HouseholdCode::parse).transpose());
    // "Vợ/chồng", "Bố/mẹ" … are resolved with the row's sex.
    let relation = take!(
        Column::Relation,
        optional(Column::Relation).map(|s| Relation::parse_with_sex(s, sex)).transpose()
    );
    let unit_code = take!(Column::UnitCode, required(Column::UnitCode).and_then(PlaceText::parse));
    let ethnicity =
        take!(Column::Ethnicity, optional(Column::Ethnicity).map_or(Ok(Ethnicity::KINH), Ethnicity::parse));
    let phone = take!(Column::Phone, optional(Column::Phone).map(Phone::parse).transpose());
    let occupation =
        take!(Column::Occupation, optional(Column::Occupation).map(Occupation::parse).transpose());
    let old_si_number =
        take!(Column::OldSiNumber, optional(Column::OldSiNumber).map(OldSiNumber::parse).transpose());

    if let (Some(id), Some(sex), Some(birth)) = (&cccd, sex, &birth)
        && let Err(e) = id.check_against(sex, birth.year())
    {
        errors.push(RowError::from_invalid(row, map.header(Column::Cccd), e));
    }
    if let (Some(Some(rel)), Some(sex)) = (relation, sex)
        && let Some(implied) = rel.implied_sex()
        && implied != sex
    {
        errors.push(RowError::new(
            row,
            map.header(Column::Relation),
            format!("quan hệ «{}» không khớp giới tính «{}»", rel.label_vi(), sex_label_vi(sex)),
            format!("relation «{}» does not match sex «{}»", rel.as_str(), sex.key()),
        ));
    }

    match (
        cccd,
        full_name,
        birth,
        sex,
        household_code,
        relation,
        unit_code,
        ethnicity,
        phone,
        occupation,
        old_si_number,
    ) {
        (
            Some(cccd),
            Some(full_name),
            Some(birth),
            Some(sex),
            Some(household_code),
            Some(relation),
            Some(unit_code),
            Some(ethnicity),
            Some(phone),
            Some(occupation),
            Some(old_si_number),
        ) if errors.is_empty() => Ok(PersonRecord {
            row,
            cccd,
            full_name,
            birth,
            sex,
            household_code,
            relation,
            unit_code,
            ethnicity,
            phone,
            occupation,
            old_si_number,
            warnings,
        }),
        _ => Err(errors),
    }
}

/// Problems between rows of one file: the same CCCD (or old SI number) on two rows, and two
/// heads in one household (same unit and household code). Each row involved gets an error
/// naming the others. Sorted by row. Columns are named by the template headers.
pub fn check_file(records: &[PersonRecord]) -> Vec<RowError> {
    let mut checks = FileChecks::default();
    for r in records {
        checks.add(r);
    }
    checks.finish().errors().collect()
}

/// [`check_file`] fed one record at a time, keeping a few bytes per row rather than the
/// records (a million-row import holds only the rows it is working on): citizen ids and SI
/// numbers as integers, household codes only for heads.
#[derive(Debug, Default)]
pub struct FileChecks {
    cccds: Vec<(u64, u32)>,
    sis: Vec<(u64, u32)>,
    heads: Vec<((u32, String), u32)>,
    units: std::collections::HashMap<String, u32>,
    unit_codes: Vec<String>,
}

/// Other rows named in one repeat's message; the rest are counted.
const NAMED_ROWS: usize = 5;

impl FileChecks {
    pub fn add(&mut self, r: &PersonRecord) {
        let row = r.row as u32;
        if let Ok(n) = r.cccd.as_str().parse::<u64>() {
            self.cccds.push((n, row));
        }
        if let Some(si) = r.old_si_number.as_ref().and_then(|si| si.as_str().parse::<u64>().ok()) {
            self.sis.push((si, row));
        }
        if r.relation == Some(Relation::Head)
            && let Some(household) = &r.household_code
        {
            let next = self.unit_codes.len() as u32;
            let unit = *self.units.entry(r.unit_code.as_str().to_string()).or_insert(next);
            if unit == next {
                self.unit_codes.push(r.unit_code.as_str().to_string());
            }
            self.heads.push(((unit, household.as_str().to_string()), row));
        }
    }

    /// The repeats found, to be read as errors sorted by row.
    pub fn finish(self) -> Repeats {
        // Sorting keys with their rows finds repeats without a hash map entry per record.
        fn repeats<K: Ord + Clone>(mut keyed: Vec<(K, u32)>, out: &mut Vec<(K, Vec<u32>)>) {
            keyed.sort_unstable();
            out.extend(
                keyed
                    .chunk_by(|a, b| a.0 == b.0)
                    .filter(|g| g.len() > 1)
                    .map(|g| (g[0].0.clone(), g.iter().map(|(_, row)| *row).collect())),
            );
        }
        let mut cccd = Vec::new();
        repeats(self.cccds, &mut cccd);
        let mut si = Vec::new();
        repeats(self.sis, &mut si);
        let mut heads = Vec::new();
        repeats(self.heads, &mut heads);
        let mut groups: Vec<(RepeatKey, Vec<u32>)> = Vec::new();
        groups.extend(cccd.into_iter().map(|(k, r)| (RepeatKey::Cccd(k), r)));
        groups.extend(si.into_iter().map(|(k, r)| (RepeatKey::Si(k), r)));
        groups.extend(heads.into_iter().map(|((u, h), r)| (RepeatKey::Head(u, h), r)));
        let mut entries: Vec<(u32, u8, u32)> = Vec::new();
        for (g, (key, rows)) in groups.iter().enumerate() {
            entries.extend(rows.iter().map(|r| (*r, key.rank(), g as u32)));
        }
        entries.sort_unstable();
        Repeats { groups, entries, unit_codes: self.unit_codes }
    }
}

#[derive(Debug)]
enum RepeatKey {
    Cccd(u64),
    Si(u64),
    Head(u32, String),
}

impl RepeatKey {
    /// Errors of one row in the order of their columns' headers, as [`check_file`] sorts them.
    fn rank(&self) -> u8 {
        let header = match self {
            RepeatKey::Cccd(_) => Column::Cccd.header_vi(),
            RepeatKey::Si(_) => Column::OldSiNumber.header_vi(),
            RepeatKey::Head(..) => Column::Relation.header_vi(),
        };
        let mut all =
            [Column::Cccd.header_vi(), Column::OldSiNumber.header_vi(), Column::Relation.header_vi()];
        all.sort_unstable();
        all.iter().position(|h| *h == header).unwrap_or(0) as u8
    }
}

/// What [`FileChecks`] found: a few bytes per row involved; each error's text is made when it
/// is read (a file with one citizen id on a million rows would otherwise hold a million
/// messages).
#[derive(Debug)]
pub struct Repeats {
    groups: Vec<(RepeatKey, Vec<u32>)>,
    /// (row, column rank, group), sorted.
    entries: Vec<(u32, u8, u32)>,
    unit_codes: Vec<String>,
}

impl Repeats {
    /// How many errors.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The errors, sorted by row.
    pub fn errors(&self) -> impl Iterator<Item = RowError> + '_ {
        self.entries.iter().map(|&(row, _, g)| self.error(row as usize, &self.groups[g as usize]))
    }

    fn error(&self, row: usize, (key, rows): &(RepeatKey, Vec<u32>)) -> RowError {
        // "3, 7" — or, for a value repeated on many rows, "3, 7, 9, 12, 15 và 995 dòng khác".
        let named: Vec<String> =
            rows.iter().filter(|r| **r as usize != row).take(NAMED_ROWS).map(|r| r.to_string()).collect();
        let more = rows.len() - 1 - named.len();
        let list = named.join(", ");
        let (vi, en) = if more == 0 {
            (list.clone(), list)
        } else {
            (format!("{list} và {more} dòng khác"), format!("{list} and {more} other rows"))
        };
        match key {
            RepeatKey::Cccd(cccd) => RowError::new(
                row,
                Column::Cccd.header_vi(),
                format!("số CCCD {cccd:012} trùng với dòng {vi}"),
                format!("citizen ID {cccd:012} also appears on row {en}"),
            ),
            RepeatKey::Si(si) => RowError::new(
                row,
                Column::OldSiNumber.header_vi(),
                format!("mã số BHXH {si:010} trùng với dòng {vi}"),
                format!("SI number {si:010} also appears on row {en}"),
            ),
            RepeatKey::Head(unit, household) => {
                let unit = &self.unit_codes[*unit as usize];
                RowError::new(
                    row,
                    Column::Relation.header_vi(),
                    format!("hộ {household} (đơn vị {unit}) có hơn một chủ hộ: dòng này và dòng {vi}"),
                    format!(
                        "household {household} (unit {unit}) has more than one head: this row and row {en}"
                    ),
                )
            }
        }
    }
}
