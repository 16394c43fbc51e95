//! Máy tính BHXH tự nguyện — public estimator (no sign-in), mobile-friendly, and the household
//! health-insurance calculator beside it. The forms are GETs on the page's own URL, so a result
//! can be bookmarked, shared or reloaded and shows the whole page; htmx asks the same URL for
//! the result block alone and pushes it to the address bar.

use crate::AppState;
use crate::error::PageError;
use crate::pages::render;
use crate::session::{Page, urlencode};
use ansinh_app::calc::{EstimateForm, HiForm, HiResponse};
use ansinh_app::estimate::{Estimate, EstimateError, estimate};
use ansinh_domain::Invalid;
use ansinh_rules::Vnd;
use askama::Template;
use axum::extract::{Query, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};

/// htmx asks for the result block only — except when it restores a page from history, which
/// needs the whole page.
fn wants_fragment(headers: &HeaderMap) -> bool {
    headers.contains_key("hx-request") && !headers.contains_key("hx-history-restore-request")
}

/// The page and its fragment share a URL: caches must keep them apart.
fn vary(mut res: Response) -> Response {
    res.headers_mut().insert(header::VARY, HeaderValue::from_static("HX-Request"));
    res
}

fn result_view(state: &AppState, form: &EstimateForm) -> EstimateView {
    if !form.submitted() {
        return EstimateView::Empty;
    }
    match form.parse(state.app.today()) {
        Err(errors) => EstimateView::Invalid { errors, suggest: None },
        Ok(input) => match estimate(&state.app.params(), &input) {
            Ok(e) => EstimateView::Ok { e: Box::new(e), missing_href: None, form: Box::new(form.clone()) }
                .with_links(),
            Err(EstimateError { errors, suggest_income }) => EstimateView::Invalid {
                errors,
                suggest: suggest_income.map(|income| Suggestion {
                    href: form_href(&EstimateForm { income: income.digits_vi(), ..form.clone() }),
                    income,
                }),
            },
        },
    }
}

/// `/calc?…` for a form, in the order of the fields.
fn form_href(f: &EstimateForm) -> String {
    let pairs = [
        ("sex", &f.sex),
        ("birth", &f.birth),
        ("paid_years", &f.paid_years),
        ("paid_months", &f.paid_months),
        ("income", &f.income),
        ("category", &f.category),
        ("mode", &f.mode),
        ("start", &f.start),
        ("province", &f.province),
        ("group", &f.group),
    ];
    let q: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", urlencode(v))).collect();
    format!("/calc?{}", q.join("&"))
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
    let form = form.with_defaults(&state.app.params(), page.today);
    let result = result_view(&state, &form);
    if wants_fragment(&headers) {
        return Ok(vary(render(&CalcResultTpl::new(&state, &page, result))?.into_response()));
    }
    let provinces = layer_provinces(&state);
    let modes = mode_options(&form.mode);
    let tpl =
        CalcTpl { page: &page, form, result: CalcResultTpl::new(&state, &page, result), provinces, modes };
    Ok(vary(render(&tpl)?.into_response()))
}

/// The result block of an earlier version of the page, kept so links already shared open: a
/// browser gets the whole page at `/calc` with the same query.
pub async fn result(
    State(state): State<AppState>,
    page: Page,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    Query(form): Query<EstimateForm>,
) -> Result<Response, PageError> {
    if !wants_fragment(&headers) {
        let to = match raw.filter(|q| !q.is_empty()) {
            Some(q) => format!("/calc?{q}"),
            None => "/calc".to_string(),
        };
        return Ok(Redirect::permanent(&to).into_response());
    }
    let result = result_view(&state, &form.with_defaults(&state.app.params(), page.today));
    Ok(vary(render(&CalcResultTpl::new(&state, &page, result))?.into_response()))
}

/// BHYT hộ gia đình: each member's share and the total for the period, priced on today's
/// base salary (or a later payment month's).
pub async fn hi(
    State(state): State<AppState>,
    page: Page,
    headers: HeaderMap,
    Query(form): Query<HiForm>,
) -> Result<Response, PageError> {
    let periods = state.app.hi_periods();
    let form = form.with_defaults(page.today, &periods);
    let result = if form.submitted() {
        match form.compute(&state.app.params(), page.today) {
            Ok(r) => HiView::Ok(Box::new(r)),
            Err(errors) => HiView::Invalid(errors),
        }
    } else {
        HiView::Empty
    };
    if wants_fragment(&headers) {
        return Ok(vary(render(&HiResultTpl::new(&state, &page, result))?.into_response()));
    }
    let tpl = HiTpl { page: &page, form, periods, result: HiResultTpl::new(&state, &page, result) };
    Ok(vary(render(&tpl)?.into_response()))
}

// ─── Views ───────────────────────────────────────────────────────────────────────────────

/// An allowed income to compute with instead, as a link that fills the form.
pub struct Suggestion {
    pub income: Vnd,
    pub href: String,
}

/// What the estimator shows under the form.
pub enum EstimateView {
    Empty,
    Invalid {
        errors: Vec<Invalid>,
        suggest: Option<Suggestion>,
    },
    Ok {
        e: Box<Estimate>,
        /// "Tính đóng một lần cho thời gian còn thiếu": the same form in that mode, when it is
        /// open to the person and not chosen yet.
        missing_href: Option<String>,
        form: Box<EstimateForm>,
    },
}

impl EstimateView {
    fn with_links(self) -> Self {
        match self {
            EstimateView::Ok { e, form, .. } => {
                let open = e.catch_up.as_ref().is_some_and(|c| c.lump.is_some());
                let missing_href = (open && form.mode.trim() != "missing")
                    .then(|| form_href(&EstimateForm { mode: "missing".into(), ..(*form).clone() }));
                EstimateView::Ok { e, missing_href, form }
            }
            v => v,
        }
    }

    /// Chart data: one entry per plan (income, payment, monthly pension), as JSON safe to
    /// embed in a `<script type="application/json">`.
    pub fn chart_json(&self) -> String {
        let EstimateView::Ok { e, .. } = self else { return "[]".into() };
        let rows: Vec<serde_json::Value> = e
            .plans
            .iter()
            .filter(|p| p.error.is_none())
            .map(|p| {
                serde_json::json!({
                    "income": p.income.0,
                    "label": p.income.format_vi(),
                    "payable": p.payable.0,
                    "months": p.months,
                    "pension": p.pension.as_ref().filter(|x| x.eligible).map_or(0, |x| x.monthly_pension.0),
                })
            })
            .collect();
        serde_json::to_string(&rows).unwrap_or_else(|_| "[]".into()).replace('<', "\\u003c")
    }

    pub fn has_unconfirmed(&self) -> bool {
        matches!(self, EstimateView::Ok { e, .. } if e.basis.iter().any(|u| u.confidence == ansinh_rules::Confidence::U))
    }
}

/// The payment modes offered: the regular ones, whole years ahead, and the missing period.
fn mode_options(current: &str) -> Vec<crate::display::Opt> {
    let items = [
        ("1", "mode-1"),
        ("3", "mode-3"),
        ("6", "mode-6"),
        ("12", "mode-12"),
        ("24", "mode-24"),
        ("36", "mode-36"),
        ("48", "mode-48"),
        ("60", "mode-60"),
        ("missing", "mode-missing"),
    ];
    crate::display::options(items, current)
}

#[derive(Template)]
#[template(path = "calc.html")]
pub struct CalcTpl<'a> {
    pub page: &'a Page,
    pub form: EstimateForm,
    /// The result block, also answered alone to htmx.
    pub result: CalcResultTpl<'a>,
    pub provinces: Vec<String>,
    pub modes: Vec<crate::display::Opt>,
}

#[derive(Template)]
#[template(path = "calc_result_partial.html")]
pub struct CalcResultTpl<'a> {
    pub page: &'a Page,
    pub result: EstimateView,
    /// What the pension and the lump sum need, in words, from the parameters in force.
    pub pension_basis: String,
    pub lump_basis: String,
}

impl<'a> CalcResultTpl<'a> {
    pub fn new(state: &AppState, page: &'a Page, result: EstimateView) -> CalcResultTpl<'a> {
        use ansinh_rules::{Sex, keys};
        let params = state.app.params();
        let years =
            |key: &str| params.value(key, page.today).map(|v| v.to_string()).unwrap_or_else(|_| "?".into());
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("years", years(keys::PENSION_MIN_YEARS));
        args.set("male", years(keys::lump_sum_threshold_years(Sex::Male)));
        args.set("female", years(keys::lump_sum_threshold_years(Sex::Female)));
        CalcResultTpl {
            page,
            result,
            pension_basis: crate::i18n::tr_args(page.lang, "benefit-pension-basis", Some(&args)),
            lump_basis: crate::i18n::tr_args(page.lang, "benefit-lump-basis", Some(&args)),
        }
    }
}

pub enum HiView {
    Empty,
    Invalid(Vec<Invalid>),
    Ok(Box<HiResponse>),
}

#[derive(Template)]
#[template(path = "calc_hi.html")]
pub struct HiTpl<'a> {
    pub page: &'a Page,
    pub form: HiForm,
    pub periods: Vec<u32>,
    pub result: HiResultTpl<'a>,
}

#[derive(Template)]
#[template(path = "calc_hi_partial.html")]
pub struct HiResultTpl<'a> {
    pub page: &'a Page,
    pub result: HiView,
    /// Who the State insures instead, with the ages in force.
    pub free_note: String,
}

impl<'a> HiResultTpl<'a> {
    pub fn new(state: &AppState, page: &'a Page, result: HiView) -> HiResultTpl<'a> {
        use ansinh_rules::keys;
        let params = state.app.params();
        let age =
            |key: &str| params.value(key, page.today).map(|v| v.to_string()).unwrap_or_else(|_| "?".into());
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("child", age(keys::HI_STATE_CHILD_AGE));
        args.set("pension", age(keys::HI_STATE_SOCIAL_PENSION_AGE));
        HiResultTpl { page, result, free_note: crate::i18n::tr_args(page.lang, "hi-calc-free", Some(&args)) }
    }
}

/// Render helper for templates: an amount in đồng from the API's integer.
pub fn vnd(n: &i64) -> String {
    Vnd(*n).format_vi()
}

/// `2024-07-01` → `01/07/2024` (the API's dates as the page writes them).
pub fn iso_day(s: &str) -> String {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_or_else(|_| s.to_string(), |d| d.format("%d/%m/%Y").to_string())
}
