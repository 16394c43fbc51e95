//! Máy tính BHXH tự nguyện — public estimator (no sign-in), mobile-friendly. The form is a GET
//! so a result can be bookmarked or shared; htmx refreshes only the result block.

use crate::AppState;
use crate::error::PageError;
use crate::pages::{is_htmx, render};
use crate::session::Page;
use crate::templates::{CalcResultTpl, CalcTpl, EstimateView};
use ansinh_app::estimate::{EstimateInput, estimate};
use ansinh_domain::Invalid;
use ansinh_rules::vsi::{LocalGroup, SupportCategory};
use ansinh_rules::{BirthMonth, Month, Sex, Vnd};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

/// The form as typed (strings, so a bad value comes back to the person as typed).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EstimateForm {
    #[serde(default)]
    pub sex: String,
    /// YYYY-MM or YYYY
    #[serde(default)]
    pub birth: String,
    #[serde(default)]
    pub paid_years: String,
    #[serde(default)]
    pub paid_months: String,
    #[serde(default)]
    pub income: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub mode: String,
    /// Province layer, e.g. "42"; empty = none.
    #[serde(default)]
    pub province: String,
    #[serde(default)]
    pub group: String,
    /// First month to pay, YYYY-MM.
    #[serde(default)]
    pub start: String,
}

impl EstimateForm {
    /// Whether the person has submitted anything yet.
    pub fn submitted(&self) -> bool {
        !self.birth.trim().is_empty()
    }

    fn with_defaults(mut self, today: chrono::NaiveDate) -> Self {
        let d = |s: &mut String, v: &str| {
            if s.trim().is_empty() {
                *s = v.to_string();
            }
        };
        d(&mut self.sex, "female");
        d(&mut self.paid_years, "0");
        d(&mut self.paid_months, "0");
        d(&mut self.income, "3.000.000");
        d(&mut self.category, "others");
        d(&mut self.mode, "12");
        d(&mut self.start, &Month::from_date(today).to_string());
        self
    }

    /// Parse into the estimator's input; every bad field is reported.
    pub fn parse(&self) -> Result<EstimateInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let sex = match self.sex.as_str() {
            "male" => Sex::Male,
            _ => Sex::Female,
        };
        let birth = self.birth.trim();
        let birth = if birth.len() == 4 {
            birth.parse::<i32>().ok().map(BirthMonth::year_only)
        } else {
            Month::parse(birth).ok().map(|m| BirthMonth::new(m.year(), m.month()))
        };
        let birth = match birth.filter(|b| (1930..=2012).contains(&b.year)) {
            Some(b) => Some(b),
            None => {
                errors.push(Invalid::new(
                    "birth",
                    "Tháng/năm sinh không hợp lệ (từ 1930 đến 2012, dạng MM/YYYY hoặc YYYY)",
                    "birth month is invalid (1930–2012, MM/YYYY or YYYY)",
                ));
                None
            }
        };
        let num = |field: &str, s: &str, max: u32, errors: &mut Vec<Invalid>| -> u32 {
            match s.trim().parse::<u32>() {
                Ok(n) if n <= max => n,
                _ => {
                    errors.push(Invalid::new(
                        field,
                        format!("Cần số từ 0 đến {max}"),
                        format!("a number from 0 to {max}"),
                    ));
                    0
                }
            }
        };
        let years = num("paid_years", &self.paid_years, 50, &mut errors);
        let months = num("paid_months", &self.paid_months, 11, &mut errors);
        let digits: String = self.income.chars().filter(char::is_ascii_digit).collect();
        let income = match digits.parse::<i64>() {
            Ok(n) if n > 0 && n < 1_000_000_000 => Some(Vnd(n)),
            _ => {
                errors.push(Invalid::new(
                    "income",
                    "Mức thu nhập chọn đóng không hợp lệ",
                    "the chosen income is invalid",
                ));
                None
            }
        };
        let category =
            SupportCategory::ALL.into_iter().find(|c| c.group() == self.category).unwrap_or_default();
        let mode_months = num("mode", &self.mode, 12, &mut errors);
        let start = match Month::parse(self.start.trim()) {
            Ok(m) => Some(m),
            Err(_) => {
                errors.push(Invalid::new(
                    "start",
                    "Tháng bắt đầu đóng không hợp lệ (YYYY-MM)",
                    "start month is invalid (YYYY-MM)",
                ));
                None
            }
        };
        let province = Some(self.province.trim().to_string()).filter(|p| !p.is_empty());
        let group = match self.group.as_str() {
            "freelance" => Some(LocalGroup::Freelance),
            "none" => None,
            _ if province.is_some() => Some(LocalGroup::Farmer),
            _ => None,
        };
        match (birth, income, start) {
            (Some(birth), Some(income), Some(start)) if errors.is_empty() => Ok(EstimateInput {
                sex,
                birth,
                paid_months: years * 12 + months,
                income,
                category,
                mode_months,
                province,
                group,
                start,
            }),
            _ => Err(errors),
        }
    }
}

fn result_view(state: &AppState, form: &EstimateForm) -> EstimateView {
    if !form.submitted() {
        return EstimateView::Empty;
    }
    match form.parse() {
        Err(errors) => EstimateView::Invalid(errors),
        Ok(input) => match estimate(&state.app.params(), &input) {
            Ok(e) => EstimateView::Ok(Box::new(e)),
            Err(e) => EstimateView::Invalid(vec![e]),
        },
    }
}

/// Provinces that have a support layer of their own in the parameters (for the form).
fn layer_provinces(state: &AppState) -> Vec<String> {
    let mut v: Vec<String> = state
        .app
        .params()
        .keys()
        .into_iter()
        .filter_map(|k| {
            k.strip_prefix("vsi.local_support.").and_then(|r| r.split('.').next()).map(str::to_string)
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    headers: HeaderMap,
    Query(form): Query<EstimateForm>,
) -> Result<Response, PageError> {
    let form = form.with_defaults(page.today);
    let result = result_view(&state, &form);
    if is_htmx(&headers) {
        return Ok(render(&CalcResultTpl { page: &page, result })?.into_response());
    }
    let provinces = layer_provinces(&state);
    Ok(render(&CalcTpl { page: &page, form, result, provinces })?.into_response())
}

pub async fn result(
    State(state): State<AppState>,
    page: Page,
    Query(form): Query<EstimateForm>,
) -> Result<Html<String>, PageError> {
    let result = result_view(&state, &form.with_defaults(page.today));
    render(&CalcResultTpl { page: &page, result })
}
