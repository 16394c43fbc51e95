//! Exports of any filtered list, in the import template's layout.

use super::*;
use ansinh_domain::person::sex_label_vi;

/// Columns only exports carry, after the import template's.
const EXPORT_ONLY: [&str; 3] = ["Nơi ở", "Tuổi", "Trong độ tuổi lao động"];
/// The row number of a list (số thứ tự), first: the import ignores it.
const STT: &str = "STT";

/// Column headers of exports: STT, the import template's (so an export imports back), then
/// [`EXPORT_ONLY`].
pub fn export_headers() -> Vec<String> {
    std::iter::once(&STT)
        .chain(ansinh_domain::import::TEMPLATE_HEADERS.iter())
        .chain(&EXPORT_ONLY)
        .map(|s| s.to_string())
        .collect()
}

/// Sort exported rows as the list shows them ([`ansinh_store::person_order`]).
fn sort_as_listed(persons: &mut [PersonRow], f: &PersonFilter) {
    use ansinh_store::PersonOrder;
    let prefix = f.number_prefix.clone().unwrap_or_default();
    match ansinh_store::person_order(f) {
        PersonOrder::FoldedName => persons.sort_by_cached_key(|p| (text::fold(&p.full_name), p.id)),
        PersonOrder::Cccd => persons.sort_by(|a, b| (&a.cccd, a.id).cmp(&(&b.cccd, b.id))),
        PersonOrder::Phone => persons.sort_by(|a, b| (&a.phone, a.id).cmp(&(&b.phone, b.id))),
        PersonOrder::CccdThenPhone => persons.sort_by_cached_key(|p| {
            let by_cccd = p.cccd.starts_with(&prefix);
            let key = if by_cccd { p.cccd.clone() } else { p.phone.clone().unwrap_or_default() };
            (!by_cccd, key, p.id)
        }),
        PersonOrder::Collation => persons.sort_by_cached_key(|p| (name_sort_key(&p.full_name), p.id)),
    }
}

impl App {
    /// Every person matching `q` in the actor's scope, as a table in the import template's
    /// layout (so an export can be edited and imported back) after a row number (STT), plus
    /// place path, age and working age. Read in keyset pages by id, so a province-wide export
    /// stays linear; in the list's own order (Vietnamese collation, or the searched name or
    /// number) when it fits in memory comfortably, else by id.
    pub async fn export_persons(&self, actor: &Actor, q: &PersonQuery) -> Result<ansinh_reports::Table> {
        let today = self.today();
        let w = working_age_bounds(&self.params(), today)?;
        let f = self.person_filter(actor, q, w).await?;
        let roots = actor.roots(Permission::View);
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let mut persons: Vec<PersonRow> = Vec::new();
        let mut after = 0;
        loop {
            let page = c.scan_persons(&roots, &f, after, 50_000).await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            persons.extend(page);
        }
        // Places and household codes in batches, not one query per row.
        let unit_ids: BTreeSet<i64> = persons.iter().map(|p| p.unit_id).collect();
        let units: HashMap<i64, Unit> = c
            .units_by_ids(&unit_ids.into_iter().collect::<Vec<_>>())
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        let place_ids: Vec<i64> = units.keys().copied().collect();
        let place_names = crate::picker::place_names(&mut c, &place_ids, true).await?;
        let household_ids: BTreeSet<i64> = persons.iter().filter_map(|p| p.household_id).collect();
        let codes: HashMap<i64, String> = c
            .households_by_ids(&household_ids.into_iter().collect::<Vec<_>>())
            .await?
            .into_iter()
            .map(|h| (h.id, h.code))
            .collect();
        if persons.len() <= 200_000 {
            sort_as_listed(&mut persons, &f);
        }
        let rows = persons
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let unit = units.get(&p.unit_id);
                vec![
                    (i + 1).to_string(),
                    p.cccd.clone(),
                    p.full_name.clone(),
                    p.birth.to_string(),
                    sex_label_vi(p.sex).to_string(),
                    p.household_id.and_then(|h| codes.get(&h).cloned()).unwrap_or_default(),
                    p.relation.map(|r| r.label_vi().to_string()).unwrap_or_default(),
                    unit.map(|u| u.code.clone()).unwrap_or_default(),
                    p.ethnicity.clone(),
                    p.phone.clone().unwrap_or_default(),
                    p.occupation.label_vi().to_string(),
                    p.old_si_number.clone().unwrap_or_default(),
                    place_names.get(&p.unit_id).cloned().unwrap_or_default(),
                    age_on(p, today).to_string(),
                    if is_working_age(p, &w) { "Có".into() } else { "Không".into() },
                ]
            })
            .collect();
        Ok(ansinh_reports::Table::new(export_headers(), rows))
    }

    /// The heading of an exported list (tiêu đề): what it is, where, which filters, when and
    /// how many — the lines above the table in a workbook.
    pub async fn export_heading(&self, actor: &Actor, q: &PersonQuery, rows: usize) -> Result<Vec<String>> {
        // The list's place, or the user's scope when it names none.
        let ids: Vec<i64> = if q.place.trim().is_empty() {
            actor.grants.iter().map(|g| g.unit_id).collect()
        } else {
            vec![self.place_from_text(actor, &q.place, crate::PlaceUse::View, "place").await?.id]
        };
        let names = {
            let mut r = self.db.read().await?;
            crate::picker::place_names(&mut r.conn(), &ids, true).await?
        };
        let mut places: Vec<String> = ids.iter().filter_map(|i| names.get(i).cloned()).collect();
        places.dedup();
        let place = places.join("; ");
        let mut filters: Vec<String> = Vec::new();
        let t = |s: &str| text::clean(s);
        if !q.q.trim().is_empty() {
            filters.push(format!("tìm «{}»", t(&q.q)));
        }
        if !q.household.trim().is_empty() {
            filters.push(format!("hộ {}", t(&q.household)));
        }
        if !q.sex.trim().is_empty() {
            filters.push(format!("giới tính: {}", sex_label_vi(parse_sex(&q.sex)?)));
        }
        if !q.age.trim().is_empty() {
            filters.push(format!("tuổi {}", t(&q.age)));
        }
        if q.working_age.trim() == "yes" {
            filters.push("trong độ tuổi lao động".into());
        }
        if !q.poverty.trim().is_empty() {
            let status = PovertyStatus::parse(&q.poverty)?;
            filters.push(format!("hộ {} năm {}", status.label_vi().to_lowercase(), self.today().year()));
        }
        if !q.ethnicity.trim().is_empty() {
            filters.push(format!("dân tộc {}", Ethnicity::parse(&q.ethnicity)?.name()));
        }
        if !q.occupation.trim().is_empty() {
            let o = Occupation::parse(&q.occupation)?;
            filters.push(format!("nghề nghiệp: {}", o.label_vi()));
        }
        let mut lines = vec!["DANH SÁCH NHÂN KHẨU".to_string(), format!("Địa bàn: {place}")];
        if !filters.is_empty() {
            lines.push(format!("Điều kiện lọc: {}", filters.join("; ")));
        }
        lines.push(format!(
            "Ngày xuất: {} · Số người: {} · Người xuất: {}",
            self.today().format("%d/%m/%Y"),
            ansinh_reports::vi_number(rows),
            actor.username
        ));
        Ok(lines)
    }

    /// The import template as a workbook: the data sheet with the example row (marked, and
    /// skipped on import) and drop-downs of the closed lists, an instructions sheet and the
    /// lists themselves.
    pub fn import_template_xlsx() -> std::result::Result<Vec<u8>, ansinh_reports::FileError> {
        use ansinh_domain::import::Column;
        use ansinh_domain::person::{Ethnicity, Occupation, Relation};
        let labels = |v: &mut dyn Iterator<Item = &'static str>| v.map(str::to_string).collect::<Vec<_>>();
        let columns: Vec<ansinh_reports::TemplateColumn> = Column::ALL
            .into_iter()
            .map(|c| ansinh_reports::TemplateColumn {
                header: c.header_vi().to_string(),
                required: c.required(),
                help: c.help_vi().to_string(),
                values: match c {
                    Column::Sex => vec!["Nam".into(), "Nữ".into()],
                    Column::Relation => labels(&mut Relation::ALL.iter().map(|r| r.label_vi())),
                    Column::Occupation => labels(&mut Occupation::ALL.iter().map(|o| o.label_vi())),
                    Column::Ethnicity => labels(&mut Ethnicity::all().map(|e| e.name())),
                    _ => Vec::new(),
                },
            })
            .collect();
        let notes = [
            "Mỗi dòng là một người. Cột tô đỏ là bắt buộc; các cột khác có thể để trống.".to_string(),
            "Dòng 2 (chữ nghiêng, màu xám) là dòng ví dụ: hệ thống bỏ qua khi nhập, có thể xoá hoặc để nguyên.".to_string(),
            "Có thể nhập tệp Excel này, hoặc tệp CSV/TSV (UTF-8) cùng tiêu đề cột. Tiêu đề không dấu hoặc tiếng Anh cũng được nhận.".to_string(),
        ];
        ansinh_reports::write_template_xlsx(
            "Nhân khẩu",
            &columns,
            &ansinh_domain::import::template_example_row(),
            &notes,
        )
    }

    /// The import template: Vietnamese headers and one example row.
    pub fn import_template() -> ansinh_reports::Table {
        ansinh_reports::Table::new(
            ansinh_domain::import::TEMPLATE_HEADERS.iter().map(|s| s.to_string()).collect(),
            vec![ansinh_domain::import::template_example_row()],
        )
    }
}
