//! Máy tính BHXH tự nguyện — public estimator (no sign-in), mobile-friendly. The form is a GET
//! so a result can be bookmarked or shared; htmx refreshes only the result block.

use crate::AppState;
use crate::error::PageError;
use crate::pages::render;
use crate::session::{HxRequest, Page};
use ansinh_app::calc::EstimateForm;
use ansinh_app::estimate::Estimate;
use ansinh_app::estimate::estimate;
use ansinh_domain::Invalid;
use ansinh_rules::Month;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};

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
    HxRequest(htmx): HxRequest,
    Query(form): Query<EstimateForm>,
) -> Result<Response, PageError> {
    let form = form.with_defaults(&state.app.params(), page.today);
    let result = result_view(&state, &form);
    if htmx {
        return Ok(render(&CalcResultTpl { page: &page, result })?.into_response());
    }
    let provinces = layer_provinces(&state);
    Ok(render(&CalcTpl { page: &page, form, result: CalcResultTpl { page: &page, result }, provinces })?
        .into_response())
}

pub async fn result(
    State(state): State<AppState>,
    page: Page,
    Query(form): Query<EstimateForm>,
) -> Result<Html<String>, PageError> {
    let result = result_view(&state, &form.with_defaults(&state.app.params(), page.today));
    render(&CalcResultTpl { page: &page, result })
}

// ─── Views ───────────────────────────────────────────────────────────────────────────────

/// What the estimator shows under the form.
pub enum EstimateView {
    Empty,
    Invalid(Vec<Invalid>),
    Ok(Box<Estimate>),
}

impl EstimateView {
    /// Chart data: one entry per plan (income, monthly payable, monthly pension), as JSON safe
    /// to embed in a `<script type="application/json">`.
    pub fn chart_json(&self) -> String {
        let EstimateView::Ok(e) = self else { return "[]".into() };
        let rows: Vec<serde_json::Value> = e
            .plans
            .iter()
            .filter(|p| p.error.is_none())
            .map(|p| {
                serde_json::json!({
                    "income": p.income.0,
                    "label": p.income.format_vi(),
                    "payable": p.monthly_payable.0,
                    "pension": p.pension.as_ref().map_or(0, |x| x.monthly_pension.0),
                })
            })
            .collect();
        serde_json::to_string(&rows).unwrap_or_else(|_| "[]".into()).replace('<', "\\u003c")
    }

    pub fn has_unconfirmed(&self) -> bool {
        matches!(self, EstimateView::Ok(e) if e.basis.iter().any(|u| u.confidence == ansinh_rules::Confidence::U))
    }
}

#[derive(Template)]
#[template(path = "calc.html")]
pub struct CalcTpl<'a> {
    pub page: &'a Page,
    pub form: ansinh_app::calc::EstimateForm,
    /// The result block, also answered alone to htmx.
    pub result: CalcResultTpl<'a>,
    pub provinces: Vec<String>,
}

#[derive(Template)]
#[template(path = "calc_result_partial.html")]
pub struct CalcResultTpl<'a> {
    pub page: &'a Page,
    pub result: EstimateView,
}
