//! Tham số pháp lý — every legal parameter and its versions, with the legal basis and how sure
//! we are (public: it is the law). National administrators add a version (e.g. a new base
//! salary from a date); the previous open-ended version is closed, nothing is deleted.

use crate::AppState;
use crate::error::{PageError, fields_message, form_outcome, unprocessable};
use crate::pages::render;
use crate::session::Page;
use ansinh_app::{App, AppError, NewParamVersion};
use ansinh_rules::Unit;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ParamForm {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub effective_from: String,
    #[serde(default)]
    pub effective_to: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub legal_basis: String,
    #[serde(default)]
    pub confidence: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    added: String,
}

/// Parse a value typed as people write it for the key's unit: `2.530.000` đồng, `4,5` percent,
/// `2,21` coefficient, `120` months, `có`/`không` flags. Returns the stored integer.
pub fn parse_value(unit: Unit, s: &str) -> Result<i64, AppError> {
    let s = s.trim().trim_end_matches(['%', '₫']).trim();
    let bad = || {
        AppError::invalid(
            "value",
            format!("Giá trị «{s}» không hợp lệ cho đơn vị này"),
            format!("value «{s}» is not valid for this unit"),
        )
    };
    let decimal = |scale: i64| -> Result<i64, AppError> {
        let t = s.replace(' ', "");
        let (whole, frac) = match t.split_once([',', '.']) {
            Some((w, f)) if !f.contains([',', '.']) => (w.to_string(), f.to_string()),
            None => (t.clone(), String::new()),
            _ => return Err(bad()),
        };
        let digits = scale.ilog10() as usize;
        if frac.len() > digits
            || !whole.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
        {
            return Err(bad());
        }
        let w: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
        let f: i64 =
            if frac.is_empty() { 0 } else { format!("{frac:0<digits$}").parse().map_err(|_| bad())? };
        Ok(w * scale + f)
    };
    match unit {
        Unit::Vnd => {
            let digits: String = s.chars().filter(|c| !matches!(c, '.' | ' ' | ',')).collect();
            digits.parse().map_err(|_| bad())
        }
        Unit::BasisPoints => decimal(100),
        Unit::Coefficient => decimal(10_000),
        Unit::Flag => match ansinh_domain::text::fold(s).as_str() {
            "co" | "1" | "yes" => Ok(1),
            "khong" | "0" | "no" => Ok(0),
            _ => Err(bad()),
        },
        Unit::Months | Unit::Days | Unit::Years | Unit::Count => s.parse().map_err(|_| bad()),
    }
}

fn parse_form(f: &ParamForm) -> Result<NewParamVersion, AppError> {
    let key = f.key.trim().to_string();
    let info = ansinh_rules::param_info(&key).ok_or_else(|| {
        AppError::invalid("key", format!("Không có tham số «{key}»"), format!("no parameter «{key}»"))
    })?;
    let date = |field: &str, s: &str| {
        crate::fmt::parse_date(s).ok_or_else(|| {
            AppError::invalid(
                field,
                format!("Ngày «{s}» không hợp lệ (dd/mm/yyyy)"),
                format!("date «{s}» is invalid (dd/mm/yyyy)"),
            )
        })
    };
    let effective_from = date("effective_from", &f.effective_from)?;
    let effective_to =
        if f.effective_to.trim().is_empty() { None } else { Some(date("effective_to", &f.effective_to)?) };
    Ok(NewParamVersion {
        key,
        effective_from,
        effective_to,
        value: parse_value(info.unit, &f.value)?,
        legal_basis: f.legal_basis.clone(),
        confidence: f.confidence.clone(),
        note: f.note.clone(),
    })
}

/// The topics of the page, in reading order: (anchor, Vietnamese title, English title, key
/// prefixes). A key goes to the first topic with a matching prefix.
const TOPICS: [(&str, &str, &str, &[&str]); 10] = [
    (
        "muc-co-so",
        "Lương cơ sở, mức tham chiếu, chuẩn nghèo",
        "Base salary, reference level, poverty line",
        &["base_salary", "poverty_line"],
    ),
    (
        "bhxh-tu-nguyen",
        "BHXH tự nguyện: mức đóng và phương thức đóng",
        "Voluntary SI: contribution and payment modes",
        &[
            "vsi.rate",
            "vsi.max_income",
            "vsi.ahead",
            "vsi.missing",
            "vsi.deadline",
            "vsi.pricing",
            "vsi.fund",
        ],
    ),
    (
        "nha-nuoc-ho-tro",
        "Nhà nước hỗ trợ mức đóng BHXH tự nguyện",
        "State support for voluntary SI",
        &["vsi.support"],
    ),
    ("tinh-ho-tro", "Tỉnh hỗ trợ thêm", "Provincial top-ups", &["vsi.local_support"]),
    ("bhyt", "BHYT hộ gia đình", "Household health insurance", &["hi."]),
    ("tuoi-nghi-huu", "Tuổi nghỉ hưu", "Retirement age", &["retirement."]),
    (
        "luong-huu",
        "Lương hưu và trợ cấp một lần",
        "Pension and lump sum",
        &["pension.min", "pension.rate", "pension.odd", "pension.lump"],
    ),
    (
        "he-so-dieu-chinh",
        "Hệ số điều chỉnh thu nhập đã đóng",
        "Adjustment coefficients of past income",
        &["pension.adjustment"],
    ),
    ("tro-cap-huu-tri-xa-hoi", "Trợ cấp hưu trí xã hội", "Social pension", &["social_pension"]),
    ("lao-dong", "Lao động", "Labour", &["labour."]),
];

/// A topic of the page with its parameters.
pub struct Topic {
    pub anchor: &'static str,
    pub title_vi: &'static str,
    pub title_en: &'static str,
    pub groups: Vec<ParamGroup>,
}

impl Topic {
    pub fn title(&self, page: &Page) -> &'static str {
        if page.is_vi() { self.title_vi } else { self.title_en }
    }
}

fn topics(groups: Vec<ParamGroup>) -> Vec<Topic> {
    let mut out: Vec<Topic> = TOPICS
        .iter()
        .map(|(anchor, vi, en, _)| Topic { anchor, title_vi: vi, title_en: en, groups: Vec::new() })
        .collect();
    for g in groups {
        let i = TOPICS.iter().position(|(_, _, _, prefixes)| prefixes.iter().any(|p| g.key.starts_with(p)));
        out[i.unwrap_or(TOPICS.len() - 1)].groups.push(g);
    }
    out.retain(|t| !t.groups.is_empty());
    out
}

async fn groups(state: &AppState, q: &str) -> Result<Vec<ParamGroup>, AppError> {
    let rows = state.app.list_parameters().await?;
    let needle = ansinh_domain::text::fold(q);
    let mut out: Vec<ParamGroup> = Vec::new();
    for r in rows {
        let info = ansinh_rules::param_info(&r.key);
        if !needle.is_empty() {
            let hay = format!("{} {}", r.key, info.map_or("", |i| i.name_vi));
            if !ansinh_domain::text::fold(&hay).contains(&needle) {
                continue;
            }
        }
        match out.last_mut() {
            Some(g) if g.key == r.key => g.versions.push(r),
            _ => out.push(ParamGroup { key: r.key.clone(), info, versions: vec![r] }),
        }
    }
    Ok(out)
}

pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let groups = groups(&state, &q.q).await?;
    let can_add = page.actor.as_ref().is_some_and(App::can_manage_parameters);
    let added = (!q.added.is_empty()).then_some(q.added);
    let t = ParamsTpl {
        page: &page,
        topics: topics(groups),
        q: q.q,
        can_add,
        form: ParamForm::default(),
        error: None,
        added,
    };
    Ok(render(&t)?.into_response())
}

pub async fn add(
    State(state): State<AppState>,
    page: Page,
    Form(f): Form<ParamForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?.clone();
    let result = match parse_form(&f) {
        Ok(n) => state.app.add_parameter(&actor, &n).await,
        Err(e) => Err(e),
    };
    match form_outcome(result)? {
        Ok(o) => Ok(Redirect::to(&format!(
            "/parameters?q={}&added={}",
            crate::session::urlencode(&o.added.key),
            crate::session::urlencode(&o.added.key)
        ))
        .into_response()),
        Err(fields) => {
            let groups = groups(&state, &f.key).await?;
            let error = Some(fields_message(page.lang, &fields));
            let t = ParamsTpl {
                page: &page,
                topics: topics(groups),
                q: f.key.clone(),
                can_add: true,
                form: f,
                error,
                added: None,
            };
            Ok(unprocessable(render(&t)?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_key_has_a_topic() {
        for key in ansinh_rules::ParamSet::bundled().keys() {
            let topic = TOPICS.iter().position(|(_, _, _, p)| p.iter().any(|p| key.starts_with(p))).unwrap();
            assert!(
                topic < TOPICS.len() - 1 || key.starts_with("labour."),
                "{key} falls through to the last topic"
            );
        }
    }

    #[test]
    fn values_as_people_type_them() {
        assert_eq!(parse_value(Unit::Vnd, "2.530.000").unwrap(), 2_530_000);
        assert_eq!(parse_value(Unit::Vnd, "2530000 ₫").unwrap(), 2_530_000);
        assert_eq!(parse_value(Unit::BasisPoints, "4,5").unwrap(), 450);
        assert_eq!(parse_value(Unit::BasisPoints, "22%").unwrap(), 2200);
        assert_eq!(parse_value(Unit::Coefficient, "2,21").unwrap(), 22_100);
        assert_eq!(parse_value(Unit::Coefficient, "1.0789").unwrap(), 10_789);
        assert_eq!(parse_value(Unit::Months, "120").unwrap(), 120);
        assert_eq!(parse_value(Unit::Flag, "Không").unwrap(), 0);
        assert!(parse_value(Unit::BasisPoints, "4,555").is_err());
        assert!(parse_value(Unit::Months, "abc").is_err());
    }
}

// ─── Views ───────────────────────────────────────────────────────────────────────────────

/// One parameter and its versions, for the parameter page.
pub struct ParamGroup {
    pub key: String,
    pub info: Option<&'static ansinh_rules::ParamInfo>,
    pub versions: Vec<ansinh_app::records::ParamRow>,
}

impl ParamGroup {
    pub fn name(&self, page: &Page) -> String {
        match self.info {
            Some(i) if page.is_vi() => i.name_vi.to_string(),
            Some(i) => i.name_en.to_string(),
            None => self.key.clone(),
        }
    }

    pub fn display(&self, value: &i64) -> String {
        self.info.map_or_else(|| value.to_string(), |i| i.unit.format_vi(*value))
    }
}

#[derive(Template)]
#[template(path = "parameters.html")]
pub struct ParamsTpl<'a> {
    pub page: &'a Page,
    pub topics: Vec<Topic>,
    pub q: String,
    /// A national administrator: sees the internal notes and the form.
    pub can_add: bool,
    pub form: crate::pages::parameters::ParamForm,
    pub error: Option<String>,
    pub added: Option<String>,
}
