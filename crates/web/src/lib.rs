//! The web: server-rendered pages (askama + vendored htmx) and the JSON API under `/api/v1`
//! (OpenAPI via utoipa, Swagger UI vendored at `/api/docs`). Handlers are named by verb in
//! files named by resource; none of them writes SQL — they call `ansinh_app` use cases.

pub mod api;
pub mod display;
pub mod downloads;
pub mod error;
pub mod fmt;
pub mod i18n;
pub mod pages;
pub mod receipt_pdf;
pub mod session;

use ansinh_app::App;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::routing::{get, post};
use std::sync::Arc;
use tower_http::csrf::CsrfLayer;
use tower_http::set_header::SetResponseHeaderLayer;

/// Web settings (from flags, environment or the TOML file).
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Always mark cookies `Secure` (set when served behind TLS).
    pub secure_cookies: bool,
    /// Extra origins allowed to POST (e.g. `https://ansinh.hatinh.gov.vn` behind a proxy).
    pub trusted_origins: Vec<String>,
    /// Where citizens reach this server (receipts' QR codes point at its `/bien-lai/{code}`).
    pub public_url: String,
}

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub config: Arc<WebConfig>,
    /// Files made for a user to fetch right away (an import's rejected rows).
    pub downloads: Arc<downloads::Downloads>,
}

/// All routes, with the security layers.
pub fn router(app: App, config: WebConfig) -> Router {
    let mut csrf = CsrfLayer::new();
    for o in &config.trusted_origins {
        match csrf.clone().add_trusted_origin(o) {
            Ok(c) => csrf = c,
            Err(e) => tracing::warn!(origin = %o, error = ?e, "ignoring trusted origin"),
        }
    }
    // The import job runner of this server (uploads are queued and run in the background).
    if let Ok(rt) = tokio::runtime::Handle::try_current() {
        let runner = app.clone();
        rt.spawn(async move { runner.run_import_jobs().await });
    }
    let state = AppState { app, config: Arc::new(config), downloads: Arc::default() };
    Router::new()
        .route("/", get(pages::home::show))
        .route("/healthz", get(pages::home::healthz))
        .route("/static/{file}", get(pages::assets::get))
        .route("/lang/{code}", get(pages::home::set_lang))
        .route("/calc", get(pages::calc::show))
        .route("/calc/result", get(pages::calc::result))
        .route("/calc/hi", get(pages::calc::hi))
        .route("/parameters", get(pages::parameters::list).post(pages::parameters::add))
        .route("/login", get(pages::login::show).post(pages::login::submit))
        .route("/logout", post(pages::login::logout))
        .route("/units", get(pages::units::index))
        .route("/units/search", get(pages::units::search))
        .route("/units/pick", get(pages::units::pick))
        .route("/units/{id}", get(pages::units::show))
        .route("/units/{id}/children", get(pages::units::children))
        .route("/units/{id}/places", post(pages::units::create_place))
        .route("/units/{id}/rename", post(pages::units::rename))
        .route("/units/{id}/start", post(pages::units::set_start))
        .route("/persons", get(pages::persons::list))
        .route("/persons/results", get(pages::persons::results))
        .route("/persons/count", get(pages::persons::count))
        .route("/persons/export.xlsx", get(pages::persons::export_xlsx))
        .route("/persons/export.csv", get(pages::persons::export_csv))
        .route("/persons/template.xlsx", get(pages::persons::template_xlsx))
        .route("/persons/template.csv", get(pages::persons::template_csv))
        .route("/persons/new", get(pages::persons::new_form).post(pages::persons::create))
        .route(
            "/persons/import",
            get(pages::imports::show)
                .post(pages::imports::upload)
                .layer(DefaultBodyLimit::max(pages::imports::MAX_UPLOAD)),
        )
        .route("/persons/import/files/{key}", get(pages::imports::file))
        .route("/imports", get(pages::imports::jobs))
        .route("/imports/{id}", get(pages::imports::job))
        .route("/imports/{id}/{file}", get(pages::imports::job_file))
        .route("/persons/duplicates", get(pages::persons::duplicates))
        .route("/persons/duplicates/merge", post(pages::persons::merge))
        .route("/persons/duplicates/dismiss", post(pages::persons::dismiss))
        .route("/persons/{id}", get(pages::persons::show).post(pages::persons::update))
        .route("/households/{id}", get(pages::households::show))
        .route("/households/{id}/poverty", post(pages::households::set_poverty))
        .route("/households/{id}/move", post(pages::households::move_household))
        .route("/households/{id}/flags", post(pages::households::set_flags))
        .route("/collect", get(pages::collection::day))
        .route("/collect/books", post(pages::collection::issue_book))
        .route("/collect/pay", post(pages::collection::pay))
        .route("/collect/close", post(pages::collection::close_day))
        .route("/collect/reminders", post(pages::collection::queue_reminders))
        .route("/collect/reminders/{channel}", get(pages::collection::reminders_file))
        .route("/collect/forms/{file}", get(pages::collection::form_xlsx))
        .route(
            "/collect/lists",
            get(pages::collection::lists)
                .post(pages::collection::import_lists)
                .layer(DefaultBodyLimit::max(pages::imports::MAX_UPLOAD)),
        )
        .route("/remittances/{id}", get(pages::collection::remittance))
        .route("/remittances/{id}/review", post(pages::collection::review))
        .route("/persons/{id}/insurance", get(pages::collection::insurance))
        .route("/persons/{id}/tk1-ts.pdf", get(pages::collection::declaration))
        .route("/persons/{id}/tk1-ts.xlsx", get(pages::collection::declaration))
        .route("/persons/{id}/insurance/vsi", post(pages::collection::enrol_vsi))
        .route("/participations/{id}/terms", post(pages::collection::change_terms))
        .route(
            "/households/{id}/insurance",
            get(pages::collection::household_insurance).post(pages::collection::enrol_hi),
        )
        .route("/receipts/{id}", get(pages::collection::receipt))
        .route("/receipts/{id}/pdf", get(pages::collection::receipt_pdf))
        .route("/receipts/{id}/void", post(pages::collection::void))
        .route("/tra-cuu", get(pages::collection::citizen_form).post(pages::collection::citizen_lookup))
        .route("/bien-lai", get(pages::collection::verify_form))
        .route("/bien-lai/{code}", get(pages::collection::verify_code))
        .route("/models", get(pages::models::list).post(pages::models::create))
        .route("/models/{id}", get(pages::models::show))
        .route("/models/{id}/members", post(pages::models::add_member))
        .route("/models/{id}/members/{member}/leave", post(pages::models::leave_member))
        .route("/models/{id}/deposits", post(pages::models::deposit))
        .route("/models/{id}/status", post(pages::models::set_status))
        .route("/models/{id}/replicate", post(pages::models::replicate))
        .route("/models/{id}/fund", get(pages::models::fund))
        .route("/models/{id}/fund.xlsx", get(pages::models::fund_xlsx))
        .route("/models/{id}/fund.pdf", get(pages::models::fund_pdf))
        .route("/models/{id}/fund/{entry}/reverse", post(pages::models::reverse))
        .route("/groups/{id}", get(pages::models::groups))
        .route("/outreach", get(pages::outreach::index))
        .route("/outreach/campaigns", post(pages::outreach::create))
        .route("/outreach/next", get(pages::outreach::next))
        .route("/campaigns/{id}", get(pages::outreach::show))
        .route("/campaigns/{id}/visits", post(pages::outreach::visit))
        .route("/indicators", get(pages::indicators::index))
        .route("/indicators/{id}", get(pages::indicators::show))
        .route("/indicators/{id}/report.pdf", get(pages::indicators::report_pdf))
        .route("/indicators/{id}/report.xlsx", get(pages::indicators::report_xlsx))
        .route("/indicators/{id}/ranking.csv", get(pages::indicators::ranking_csv))
        .route("/indicators/{id}/snapshots", post(pages::indicators::take_snapshot))
        .route(
            "/indicators/{id}/targets",
            get(pages::indicators::targets).post(pages::indicators::add_target),
        )
        .route("/indicators/{id}/denominators", post(pages::indicators::add_denominator))
        .route(
            "/indicators/{id}/targets/import",
            post(pages::indicators::import_targets).layer(DefaultBodyLimit::max(pages::imports::MAX_UPLOAD)),
        )
        .route("/indicators/targets-template.csv", get(pages::indicators::targets_template))
        .route("/indicators/{id}/plan", get(pages::indicators::plan).post(pages::indicators::hand_down))
        .route("/indicators/{id}/retention", get(pages::indicators::retention))
        .route("/geo/provinces.json", get(pages::indicators::provinces_geo))
        .route("/geo/communes/{file}", get(pages::indicators::communes_geo))
        .route("/audit", get(pages::audit::list))
        .route("/users", get(pages::users::list).post(pages::users::create))
        .route("/users/{id}", get(pages::users::show))
        .route("/users/{id}/tokens", post(pages::users::create_token))
        .route("/users/{id}/sessions/end", post(pages::users::end_sessions))
        .route("/users/{id}/unlock", post(pages::users::unlock))
        .route("/users/{id}/grants", post(pages::users::change_grant))
        .route("/users/{id}/active", post(pages::users::set_active))
        .route("/users/{id}/password", post(pages::users::reset_password))
        .route("/users/{id}/tokens/{token}/revoke", post(pages::users::revoke_token))
        .merge(api::routes())
        .fallback(pages::home::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), pages::render_errors))
        .layer(axum::middleware::from_fn(pages::page_headers))
        .layer(axum::middleware::from_fn(pages::compress))
        .layer(csrf)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Serve until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    config: WebConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Connection info gives sign-in throttling the caller's address.
    axum::serve(listener, router(app, config).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
