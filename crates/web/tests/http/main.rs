//! HTTP tests, in process (the real router, no socket), on SQLite and PostgreSQL.

use ansinh_app::{App, NewUser};
use ansinh_domain::Actor;
use ansinh_store::testing;
use ansinh_web::{WebConfig, router};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

mod calc;
mod collection;
mod contract;
mod hardening;
mod imports;
mod indicators;
mod models;
mod registry;
mod scope_matrix;
mod session;
mod units;
mod users;

struct Resp {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
    /// The body as sent (files).
    bytes: Vec<u8>,
}

impl Resp {
    fn cookie(&self, name: &str) -> Option<String> {
        self.headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|c| {
            let (kv, _) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = kv.split_once('=')?;
            (k == name).then(|| v.to_string())
        })
    }

    fn set_cookie_line(&self, name: &str) -> String {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(&format!("{name}=")))
            .unwrap_or_default()
            .to_string()
    }

    fn location(&self) -> String {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

async fn send(r: &Router, req: Request<Body>) -> Resp {
    let res = r.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Resp { status, headers, body: String::from_utf8_lossy(&bytes).into_owned(), bytes: bytes.to_vec() }
}

fn get(uri: &str, cookie: Option<&str>) -> Request<Body> {
    let mut b = Request::get(uri).header(header::HOST, "localhost");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::empty()).unwrap()
}

fn bearer(uri: &str, token: &str) -> Request<Body> {
    Request::get(uri).header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).unwrap()
}

/// A same-origin form post, as a browser sends it.
fn post(uri: &str, form: &str, cookie: Option<&str>) -> Request<Body> {
    let mut b = Request::post(uri)
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header("sec-fetch-site", "same-origin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::from(form.to_string())).unwrap()
}

fn enc(s: &str) -> String {
    ansinh_web::session::urlencode(s)
}

async fn login(r: &Router, user: &str, password: &str) -> String {
    let res =
        send(r, post("/login", &format!("username={}&password={}", enc(user), enc(password)), None)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    format!("ansinh_session={}", res.cookie("ansinh_session").expect("session cookie"))
}

/// Routers on every backend, bootstrapped, with two commune officers and a village each.
async fn setups() -> Vec<(Router, App, &'static str, testing::TestDb)> {
    let mut out = Vec::new();
    for t in testing::all().await {
        let app = App::with_db(t.db.clone());
        app.bootstrap(Some("admin-password-1")).await.unwrap();
        let sys = Actor::system();
        for (u, code) in [("xa.maihoa", "18322"), ("xa.hoanhson", "18832")] {
            let n = NewUser {
                username: u.into(),
                display_name: String::new(),
                password: "password-123".into(),
                role: "commune_officer".into(),
                unit_code: code.into(),
            };
            app.add_user(&sys, &n).await.unwrap();
        }
        out.push((router(app.clone(), WebConfig::default()), app, t.label, t));
    }
    out
}

fn json_post(uri: &str, body: serde_json::Value) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

// ─── Population registry ──────────────────────────────────────────────────────────────────

/// An url-encoded form body.
fn form(fields: &[(&str, &str)]) -> String {
    fields.iter().map(|(k, v)| format!("{k}={}", enc(v))).collect::<Vec<_>>().join("&")
}

/// A same-origin multipart upload of `file` with extra checkbox fields, as the import form sends it.
fn upload(
    uri: &str,
    filename: &str,
    bytes: &[u8],
    checks: &[&str],
    cookie: &str,
    htmx: bool,
) -> Request<Body> {
    let boundary = "----ansinh-test-boundary";
    let mut body: Vec<u8> = Vec::new();
    for c in checks {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{c}\"\r\n\r\nyes\r\n").bytes(),
        );
    }
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    let mut b = Request::post(uri)
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header("sec-fetch-site", "same-origin")
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .header(header::COOKIE, cookie);
    if htmx {
        b = b.header("hx-request", "true");
    }
    b.body(Body::from(body)).unwrap()
}

fn json_send(method: &str, uri: &str, token: &str, body: serde_json::Value) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// A village with two inter-family groups in Mai Hoa, and a village in Hoành Sơn: their codes.
async fn registry_places(app: &App) -> (String, String, String) {
    let sys = Actor::system();
    let mai_hoa = app.unit_by_code(&sys, "18322", None).await.unwrap();
    let village = app.create_place(&sys, mai_hoa.id, "Thanh Bình", Some("Thôn")).await.unwrap();
    let group = app.create_place(&sys, village.id, "Tổ liên gia số 1", None).await.unwrap();
    let hoanh_son = app.unit_by_code(&sys, "18832", None).await.unwrap();
    let other = app.create_place(&sys, hoanh_son.id, "Tân Sơn", Some("Thôn")).await.unwrap();
    (village.code, group.code, other.code)
}

fn person_form(cccd: &str, name: &str, birth: &str, sex: &str, unit: &str, household: &str) -> String {
    form(&[
        ("cccd", cccd),
        ("full_name", name),
        ("birth_date", birth),
        ("sex", sex),
        ("ethnicity", "Kinh"),
        ("occupation", "farmer"),
        ("phone", ""),
        ("old_si_number", ""),
        ("unit_code", unit),
        ("household_code", household),
        ("relation", "head"),
    ])
}

/// Rows in the template's Vietnamese layout. Row 3 has a 4th CCCD digit saying "female, 1900s"
/// for a man (the error names that row and the CCCD column).
fn import_csv(bad: bool, village: &str) -> String {
    let second = if bad { "042190000202" } else { "042090000202" };
    format!(
        "Số CCCD,Họ và tên,Ngày sinh,Giới tính,Mã hộ,Quan hệ với chủ hộ,Mã thôn/tổ/xã\n\
         042085000201,Hồ Văn Hải,02/09/1985,Nam,TB-01,Chủ hộ,{village}\n\
         {second},Võ Văn Hùng,1990,Nam,TB-02,Chủ hộ,{village}\n\
         042188000203,Đậu Thị Hoa,10/10/1988,Nữ,TB-01,Vợ,{village}\n"
    )
}
