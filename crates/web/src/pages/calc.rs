//! Máy tính BHXH tự nguyện — public estimator (no sign-in), mobile-friendly. The form is a GET
//! so a result can be bookmarked or shared; htmx refreshes only the result block.

use crate::AppState;
use crate::error::PageError;
use crate::pages::{is_htmx, render};
use crate::session::Page;
use crate::templates::{CalcResultTpl, CalcTpl, EstimateView};
use ansinh_app::calc::EstimateForm;
use ansinh_app::estimate::estimate;
use ansinh_rules::Month;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};

/// Fill what the person left empty: a woman starting this month at the lowest income the law
/// allows (the rural poverty line in force), 12 months at a time, in no support group.
fn with_defaults(mut f: EstimateForm, state: &AppState, today: chrono::NaiveDate) -> EstimateForm {
    let d = |s: &mut String, v: &str| {
        if s.trim().is_empty() {
            *s = v.to_string();
        }
    };
    let start = Month::from_date(today);
    d(&mut f.sex, "female");
    d(&mut f.paid_years, "0");
    d(&mut f.paid_months, "0");
    if let Ok(min) = state.app.params().value(ansinh_rules::keys::POVERTY_LINE_RURAL, start.first_day()) {
        d(&mut f.income, ansinh_rules::Vnd(min).format_vi().replace(['₫', '\u{a0}'], "").trim());
    }
    d(&mut f.category, "others");
    d(&mut f.mode, "12");
    d(&mut f.start, &start.to_string());
    f
}

fn result_view(state: &AppState, form: &EstimateForm) -> EstimateView {
    if !form.submitted() {
        return EstimateView::Empty;
    }
    match form.parse(Month::from_date(state.app.today())) {
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
    let form = with_defaults(form, &state, page.today);
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
    let result = result_view(&state, &with_defaults(form, &state, page.today));
    render(&CalcResultTpl { page: &page, result })
}
