//! Vendored front-end assets, compiled into the binary: no request leaves the machine.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const HTMX: &str = include_str!("../../static/htmx.min.js");
const CSS: &str = include_str!("../../static/app.css");
const ECHARTS: &str = include_str!("../../static/echarts.min.js");
const CALC_JS: &str = include_str!("../../static/calc.js");
const REGISTRY_JS: &str = include_str!("../../static/registry.js");
const VISITS_JS: &str = include_str!("../../static/visits.js");
const INDICATORS_JS: &str = include_str!("../../static/indicators.js");

pub async fn get(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "htmx.min.js" => (HTMX, "text/javascript; charset=utf-8"),
        "app.css" => (CSS, "text/css; charset=utf-8"),
        "echarts.min.js" => (ECHARTS, "text/javascript; charset=utf-8"),
        "calc.js" => (CALC_JS, "text/javascript; charset=utf-8"),
        "registry.js" => (REGISTRY_JS, "text/javascript; charset=utf-8"),
        "visits.js" => (VISITS_JS, "text/javascript; charset=utf-8"),
        "indicators.js" => (INDICATORS_JS, "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    ([(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}
