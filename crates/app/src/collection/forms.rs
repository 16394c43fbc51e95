//! Biểu mẫu — D03-TS (HI-only participants) and D05-TS (VSI participants) for a collector's
//! month, as XLSX, with their column layouts kept as data (`data/forms.toml`): a new
//! decision's version is a new entry. Rows come from the valid receipts of the month, so a
//! form adds up to the collector's remittances of that month.

use super::*;
use ansinh_reports::{FormCell, FormSheet};
use ansinh_rules::catalog::keys;
use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, serde::Deserialize)]
pub struct FormColumn {
    pub header: String,
    pub field: String,
}

/// One version of a form's layout.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct FormLayout {
    pub code: String,
    pub title: String,
    pub basis: String,
    pub scheme: String,
    /// First day this layout is in force.
    pub from: toml::value::Datetime,
    pub columns: Vec<FormColumn>,
}

#[derive(serde::Deserialize)]
struct Forms {
    forms: Vec<FormLayout>,
    #[serde(default)]
    declarations: Vec<DeclarationLayout>,
}

/// One numbered line of a declaration.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct DeclarationField {
    pub no: String,
    pub label: String,
    pub field: String,
}

/// A labelled value above a declaration's annex.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct AnnexHead {
    pub label: String,
    pub field: String,
}

/// One version of a declaration's layout (TK1-TS …).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct DeclarationLayout {
    pub code: String,
    pub title: String,
    pub basis: String,
    pub from: toml::value::Datetime,
    pub fields: Vec<DeclarationField>,
    pub annex_title: String,
    pub annex_head: Vec<AnnexHead>,
    pub annex_columns: Vec<FormColumn>,
}

/// Fields a declaration line, annex head or annex column may name.
pub const DECLARATION_FIELDS: &[&str] = &[
    "full_name_upper",
    "full_name",
    "sex",
    "birth_date",
    "nationality",
    "ethnicity",
    "cccd",
    "phone",
    "place",
    "commune",
    "province",
    "si_number",
    "head_name",
    "head_phone",
    "household_code",
    "address",
    "ordinal",
    "relation",
    "blank",
];

/// Fields a column may name.
pub const FIELDS: &[&str] = &[
    "ordinal",
    "full_name",
    "si_number",
    "cccd",
    "birth_date",
    "sex",
    "address",
    "blank",
    "receipt_date",
    "receipt_number",
    "amount",
    "gross",
    "person_paid",
    "income",
    "months",
    "from_month",
    "state_support",
    "state_support_pct",
    "local_support",
    "local_support_pct",
    "other_support",
    "other_support_pct",
    "collector_code",
    "note",
];

static FORMS: LazyLock<Forms> =
    LazyLock::new(|| toml::from_str(include_str!("../../data/forms.toml")).expect("data/forms.toml parses"));
static LAYOUTS: LazyLock<Vec<FormLayout>> = LazyLock::new(|| FORMS.forms.clone());

/// Every shipped declaration layout.
pub fn declaration_layouts() -> &'static [DeclarationLayout] {
    &FORMS.declarations
}

/// The declaration layout of `code` in force on `on`.
pub fn declaration_layout(code: &str, on: NaiveDate) -> Option<&'static DeclarationLayout> {
    let date = |l: &DeclarationLayout| {
        l.from.date.map_or(NaiveDate::MIN, |d| {
            NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                .unwrap_or(NaiveDate::MIN)
        })
    };
    declaration_layouts().iter().filter(|l| l.code == code && date(l) <= on).max_by_key(|l| date(l))
}

/// Every layout (the shipped ones), checked: a test keeps the data file valid.
pub fn form_layouts() -> &'static [FormLayout] {
    &LAYOUTS
}

fn layout_date(l: &FormLayout) -> NaiveDate {
    l.from.date.map_or(NaiveDate::MIN, |d| {
        NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            .unwrap_or(NaiveDate::MIN)
    })
}

/// The layout of `code` in force on `on`.
pub fn form_layout(code: &str, on: NaiveDate) -> Option<&'static FormLayout> {
    LAYOUTS.iter().filter(|l| l.code == code && layout_date(l) <= on).max_by_key(|l| layout_date(l))
}

fn pct(part: i64, base: i64) -> FormCell {
    if base <= 0 || part == 0 {
        return FormCell::Text(String::new());
    }
    let tenths = (part * 1000 + base / 2) / base;
    FormCell::Text(if tenths % 10 == 0 {
        format!("{}%", tenths / 10)
    } else {
        format!("{},{}%", tenths / 10, tenths % 10)
    })
}

impl App {
    /// The declaration `code` (`tk1-ts`) of a person, with the household annex, filled from
    /// the registry; what the registry does not hold is left blank to fill in by hand.
    pub async fn declaration(
        &self,
        actor: &Actor,
        code: &str,
        person_id: i64,
    ) -> Result<ansinh_reports::pdf::Declaration> {
        let today = self.today();
        let layout = declaration_layout(code, today).ok_or_else(|| {
            AppError::invalid(
                "form",
                format!("Không có tờ khai «{code}»; chọn tk1-ts"),
                format!("no declaration «{code}»"),
            )
        })?;
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let person =
            c.person_by_id(person_id).await?.filter(|p| p.merged_into.is_none()).ok_or(AppError::NotFound)?;
        if !actor.can(Permission::View, &person.unit_path) {
            return Err(AppError::NotFound);
        }
        let household = match person.household_id {
            Some(h) => c.household_by_id(h).await?,
            None => None,
        };
        // Members outside the viewer's scope are left out of the annex.
        let members: Vec<ansinh_store::PersonRow> = match &household {
            Some(h) => c
                .persons_of_household(h.id)
                .await?
                .into_iter()
                .filter(|m| m.merged_into.is_none() && actor.can(Permission::View, &m.unit_path))
                .collect(),
            None => vec![person.clone()],
        };
        let head = household.as_ref().and_then(|h| members.iter().find(|m| Some(m.id) == h.head_person_id));
        let ids: Vec<i64> =
            person.unit_path.trim_matches('/').split('/').filter_map(|s| s.parse().ok()).collect();
        let units = c.units_by_ids(&ids).await?;
        let at = |level: ansinh_domain::Level| {
            units.iter().find(|u| u.level == level).map(|u| u.full_name()).unwrap_or_default()
        };
        let place = {
            let mut v: Vec<String> =
                units.iter().filter(|u| u.level.is_local()).map(|u| u.full_name()).collect();
            v.reverse();
            v.join(", ")
        };
        let mut address: Vec<String> = units
            .iter()
            .filter(|u| u.level >= ansinh_domain::Level::Province)
            .map(|u| u.full_name())
            .collect();
        address.reverse();
        let address = address.join(", ");
        let value = |field: &str, p: &ansinh_store::PersonRow, ordinal: usize| -> String {
            match field {
                "full_name_upper" => p.full_name.to_uppercase(),
                "full_name" => p.full_name.clone(),
                "sex" => ansinh_domain::person::sex_label_vi(p.sex).to_string(),
                "birth_date" => p.birth.to_string(),
                "nationality" => "Việt Nam".into(),
                "ethnicity" => p.ethnicity.clone(),
                "cccd" => p.cccd.clone(),
                "phone" => p.phone.clone().unwrap_or_default(),
                "place" => place.clone(),
                "commune" => at(ansinh_domain::Level::Commune),
                "province" => at(ansinh_domain::Level::Province),
                "si_number" => p.old_si_number.clone().unwrap_or_default(),
                "head_name" => head.map(|h| h.full_name.clone()).unwrap_or_default(),
                "head_phone" => head.and_then(|h| h.phone.clone()).unwrap_or_default(),
                "household_code" => household.as_ref().map(|h| h.code.clone()).unwrap_or_default(),
                "address" => address.clone(),
                "ordinal" => ordinal.to_string(),
                "relation" => p.relation.map(|r| r.label_vi().to_string()).unwrap_or_default(),
                _ => String::new(),
            }
        };
        Ok(ansinh_reports::pdf::Declaration {
            title: layout.title.clone(),
            subtitle: vec![
                format!("Căn cứ: {}", layout.basis),
                format!("Lập ngày {}", today.format("%d/%m/%Y")),
            ],
            fields: layout
                .fields
                .iter()
                .map(|f| (f.no.clone(), f.label.clone(), value(&f.field, &person, 1)))
                .collect(),
            annex_title: layout.annex_title.clone(),
            annex_head: layout
                .annex_head
                .iter()
                .map(|h| (h.label.clone(), value(&h.field, &person, 1)))
                .collect(),
            annex_headers: layout.annex_columns.iter().map(|c| c.header.clone()).collect(),
            annex_rows: members
                .iter()
                .enumerate()
                .map(|(i, m)| layout.annex_columns.iter().map(|c| value(&c.field, m, i + 1)).collect())
                .collect(),
        })
    }

    /// The form `code` (`d03-ts`, `d05-ts`) of `month` for a collector (the actor, or for the SI
    /// office the collector named by `collector`).
    pub async fn export_form(
        &self,
        actor: &Actor,
        code: &str,
        collector: Option<&str>,
        month: Month,
    ) -> Result<FormSheet> {
        let layout = form_layout(code, month.last_day()).ok_or_else(|| {
            AppError::invalid(
                "form",
                format!("Không có biểu mẫu «{code}»; chọn d03-ts hoặc d05-ts"),
                format!("no form «{code}»"),
            )
        })?;
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let uid = match collector.map(str::trim).filter(|s| !s.is_empty()) {
            Some(name) => {
                if !actor.has(Permission::ManageBooks) {
                    return Err(AppError::Forbidden);
                }
                c.user_by_username(name)
                    .await?
                    .ok_or_else(|| {
                        AppError::invalid(
                            "collector",
                            format!("Không có người dùng «{name}»"),
                            format!("no user «{name}»"),
                        )
                    })?
                    .id
            }
            None => actor.user_id.filter(|_| actor.has(Permission::Collect)).ok_or(AppError::Forbidden)?,
        };
        let collector_user = c.user_by_id(uid).await?.ok_or(AppError::NotFound)?;
        let receipts: Vec<ReceiptRow> = c
            .receipts_of_collector(uid, month.first_day(), month.last_day())
            .await?
            .into_iter()
            .filter(|r| r.voided_at.is_none() && r.scheme.as_str() == layout.scheme)
            .filter(|r| actor.user_id == Some(uid) || actor.can(Permission::View, &r.unit_path))
            .collect();
        let ids: Vec<i64> = receipts.iter().map(|r| r.id).collect();
        let lines = c.receipt_lines(&ids).await?;
        let sources = c.receipt_sources(&ids).await?;
        let person_ids: Vec<i64> = lines.iter().map(|l| l.person_id).collect();
        let persons: HashMap<i64, ansinh_store::PersonRow> =
            c.persons_by_ids(&person_ids).await?.into_iter().map(|p| (p.id, p)).collect();
        let by_id: HashMap<i64, &ReceiptRow> = receipts.iter().map(|r| (r.id, r)).collect();
        // Per receipt: its first line, and what others than the person paid (one pass each; a
        // month of 100,000 lines would otherwise compare every line with every other).
        let mut first_line: HashMap<i64, i64> = HashMap::new();
        for l in &lines {
            first_line.entry(l.receipt_id).or_insert(l.participation_id);
        }
        let mut others: HashMap<i64, i64> = HashMap::new();
        for s in sources.iter().filter(|s| s.source != ansinh_domain::PayerSource::Person) {
            *others.entry(s.receipt_id).or_default() += s.amount;
        }
        let params = self.params();
        let mut rows = Vec::new();
        let mut sums: Vec<i64> = vec![0; layout.columns.len()];
        for (n, l) in lines.iter().enumerate() {
            let Some(r) = by_id.get(&l.receipt_id) else { continue };
            let p = persons.get(&l.person_id);
            // Other sources (model funds, sponsors) on the receipt's first line, so sums are exact.
            let first = first_line.get(&l.receipt_id) == Some(&l.participation_id);
            let other: i64 = if first { others.get(&r.id).copied().unwrap_or(0) } else { 0 };
            // Support percentages are of 22% × the rural poverty line on the payment date.
            let base = params
                .value(keys::POVERTY_LINE_RURAL, r.paid_on)
                .and_then(|pl| {
                    params.value(keys::VSI_RATE, r.paid_on).map(|rate| pl * rate / 10_000 * l.months)
                })
                .unwrap_or(0);
            let mut row = Vec::with_capacity(layout.columns.len());
            for (i, col) in layout.columns.iter().enumerate() {
                let t = |s: String| FormCell::Text(s);
                let cell = match col.field.as_str() {
                    "ordinal" => t((n + 1).to_string()),
                    "full_name" => t(p.map(|p| p.full_name.clone()).unwrap_or_default()),
                    "si_number" => t(p.and_then(|p| p.old_si_number.clone()).unwrap_or_default()),
                    "cccd" => t(p.map(|p| p.cccd.clone()).unwrap_or_default()),
                    "birth_date" => t(p.map(|p| p.birth.to_string()).unwrap_or_default()),
                    "sex" => t(p
                        .map(|p| ansinh_domain::person::sex_label_vi(p.sex).to_string())
                        .unwrap_or_default()),
                    "address" => t(r.payer_address.clone()),
                    "receipt_date" => t(r.paid_on.format("%d/%m/%Y").to_string()),
                    "receipt_number" => t(format!("{} {:07}", r.series, r.number)),
                    "amount" => FormCell::Number(l.amount),
                    "gross" => FormCell::Number(l.gross),
                    "person_paid" => FormCell::Number(l.amount - other),
                    "income" => l.income.map_or(t(String::new()), FormCell::Number),
                    "months" => FormCell::Number(l.months),
                    "from_month" => t(l.covers_from.format("%m/%Y").to_string()),
                    "state_support" => FormCell::Number(l.state_support),
                    "state_support_pct" => pct(l.state_support, base),
                    "local_support" => FormCell::Number(l.local_support),
                    "local_support_pct" => pct(l.local_support, base),
                    "other_support" => FormCell::Number(other),
                    "other_support_pct" => pct(other, l.gross),
                    "collector_code" => t(collector_user.username.clone()),
                    "note" => t(
                        if l.covers_from.format("%Y-%m").to_string() != r.paid_on.format("%Y-%m").to_string()
                        {
                            format!("đến {}", l.covers_to.format("%d/%m/%Y"))
                        } else {
                            String::new()
                        },
                    ),
                    _ => t(String::new()),
                };
                if let FormCell::Number(v) = cell
                    && col.field != "months"
                    && col.field != "income"
                {
                    sums[i] += v;
                }
                row.push(cell);
            }
            rows.push(row);
        }
        let total = layout
            .columns
            .iter()
            .enumerate()
            .map(|(i, col)| match col.field.as_str() {
                "full_name" => FormCell::Text("Tổng cộng".into()),
                "ordinal" => FormCell::Text(String::new()),
                "amount" | "gross" | "person_paid" | "state_support" | "local_support" | "other_support" => {
                    FormCell::Number(sums[i])
                }
                _ => FormCell::Text(String::new()),
            })
            .collect();
        Ok(FormSheet {
            title: vec![
                layout.title.clone(),
                format!(
                    "Tháng {:02}/{} · Nhân viên thu: {} ({})",
                    month.month(),
                    month.year(),
                    collector_user.display_name,
                    collector_user.username
                ),
                format!("Căn cứ: {}", layout.basis),
            ],
            headers: layout.columns.iter().map(|c| c.header.clone()).collect(),
            rows,
            total,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_layout_names_known_fields() {
        assert!(form_layouts().len() >= 2);
        for l in form_layouts() {
            assert!(Scheme::from_key(&l.scheme).is_some(), "{}", l.code);
            for c in &l.columns {
                assert!(FIELDS.contains(&c.field.as_str()), "{}: unknown field {}", l.code, c.field);
            }
        }
        assert!(form_layout("d05-ts", NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()).is_some());
        assert!(form_layout("d05-ts", NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()).is_none());
        for d in declaration_layouts() {
            let names = d
                .fields
                .iter()
                .map(|f| f.field.as_str())
                .chain(d.annex_head.iter().map(|h| h.field.as_str()))
                .chain(d.annex_columns.iter().map(|c| c.field.as_str()));
            for n in names {
                assert!(DECLARATION_FIELDS.contains(&n), "{}: unknown field {n}", d.code);
            }
        }
        assert!(declaration_layout("tk1-ts", NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()).is_some());
    }
}
