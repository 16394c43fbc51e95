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

struct Resp {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
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
    Resp { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
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

#[tokio::test]
async fn pages_login_session_and_language() {
    for (r, _app, l, _t) in setups().await {
        let home = send(&r, get("/", None)).await;
        assert_eq!(home.status, StatusCode::OK, "{l}");
        assert!(home.body.contains("lang=\"vi\"") && home.body.contains("Đơn vị hành chính"), "{l}");
        assert!(home.body.contains("/static/htmx.min.js"), "{l}: vendored htmx");
        let en = send(&r, get("/", Some("ansinh_lang=en"))).await;
        assert!(en.body.contains("lang=\"en\"") && en.body.contains("Administrative units"), "{l}");
        let switch = send(&r, get("/lang/en?next=/units", None)).await;
        assert_eq!((switch.status, switch.location().as_str()), (StatusCode::SEE_OTHER, "/units"), "{l}");
        assert!(switch.set_cookie_line("ansinh_lang").starts_with("ansinh_lang=en"), "{l}");
        assert_eq!(
            send(&r, get("/lang/en?next=//evil.example", None)).await.location(),
            "/",
            "{l}: open redirect"
        );
        assert_eq!(send(&r, get("/static/htmx.min.js", None)).await.status, StatusCode::OK, "{l}");
        let health = send(&r, get("/healthz", None)).await;
        assert_eq!(health.json()["status"], "ok", "{l}");

        // Pages need a session: redirected to the login page, coming back afterwards.
        let units = send(&r, get("/units", None)).await;
        assert_eq!(
            (units.status, units.location().as_str()),
            (StatusCode::SEE_OTHER, "/login?next=/units"),
            "{l}"
        );

        // Wrong password: the form again, in Vietnamese, 401.
        let bad = send(&r, post("/login", "username=admin&password=nope", None)).await;
        assert_eq!(bad.status, StatusCode::UNAUTHORIZED, "{l}");
        assert!(bad.body.contains("Sai tên đăng nhập hoặc mật khẩu"), "{l}");

        let res =
            send(&r, post("/login", "username=admin&password=admin-password-1&next=%2Faudit", None)).await;
        assert_eq!((res.status, res.location().as_str()), (StatusCode::SEE_OTHER, "/audit"), "{l}");
        let line = res.set_cookie_line("ansinh_session");
        assert!(
            line.contains("HttpOnly") && line.contains("SameSite=Lax") && !line.contains("Secure"),
            "{l}: {line}"
        );
        let s1 = format!("ansinh_session={}", res.cookie("ansinh_session").unwrap());
        let units = send(&r, get("/units", Some(&s1))).await;
        assert_eq!(units.location(), "/units/0", "{l}: a national admin's one root is the country");
        let page = send(&r, get("/units/0", Some(&s1))).await;
        assert_eq!(page.status, StatusCode::OK, "{l}: {}", page.body);
        assert!(page.body.contains("Tỉnh Hà Tĩnh"), "{l}: national admin sees the provinces");

        // Session id rotated at login: logging in again with the old cookie ends the old one.
        let again = send(&r, post("/login", "username=admin&password=admin-password-1", Some(&s1))).await;
        let s2 = format!("ansinh_session={}", again.cookie("ansinh_session").unwrap());
        assert_ne!(s1, s2, "{l}");
        assert_eq!(
            send(&r, get("/units/0", Some(&s1))).await.status,
            StatusCode::SEE_OTHER,
            "{l}: old session dead"
        );
        assert_eq!(send(&r, get("/units/0", Some(&s2))).await.status, StatusCode::OK, "{l}");

        // Behind TLS the cookie is Secure.
        let mut req = post("/login", "username=admin&password=admin-password-1", None);
        req.headers_mut().insert("x-forwarded-proto", "https".parse().unwrap());
        assert!(send(&r, req).await.set_cookie_line("ansinh_session").contains("; Secure"), "{l}");

        // Logout ends the session.
        let out = send(&r, post("/logout", "", Some(&s2))).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER, "{l}");
        assert_eq!(send(&r, get("/units/0", Some(&s2))).await.status, StatusCode::SEE_OTHER, "{l}");

        // Unknown pages: a Vietnamese 404 page.
        let nf = send(&r, get("/khong-co", None)).await;
        assert_eq!(nf.status, StatusCode::NOT_FOUND, "{l}");
        assert!(nf.body.contains("Không tìm thấy"), "{l}");
    }
}

#[tokio::test]
async fn lockout_and_cross_origin_refusal() {
    for (r, _app, l, _t) in setups().await {
        for _ in 0..4 {
            let res = send(&r, post("/login", "username=xa.maihoa&password=wrong-one", None)).await;
            assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{l}");
        }
        let fifth = send(&r, post("/login", "username=xa.maihoa&password=wrong-one", None)).await;
        assert_eq!(fifth.status, StatusCode::TOO_MANY_REQUESTS, "{l}");
        assert!(fifth.body.contains("tạm khoá") && fifth.body.contains("15 phút"), "{l}: {}", fifth.body);
        let right = send(&r, post("/login", "username=xa.maihoa&password=password-123", None)).await;
        assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS, "{l}: still locked with the right password");

        // Cross-origin writes are refused before any handler runs.
        let mut evil = post("/login", "username=admin&password=admin-password-1", None);
        evil.headers_mut().insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        evil.headers_mut().insert("sec-fetch-site", "cross-site".parse().unwrap());
        let res = send(&r, evil).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{l}");
        assert!(res.cookie("ansinh_session").is_none(), "{l}");
        let mut old_browser = post("/login", "username=admin&password=admin-password-1", None);
        old_browser.headers_mut().remove("sec-fetch-site");
        old_browser.headers_mut().insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        assert_eq!(send(&r, old_browser).await.status, StatusCode::FORBIDDEN, "{l}: Origin ≠ Host");
    }
}

#[tokio::test]
async fn scope_places_htmx_and_audit_page() {
    for (r, app, l, _t) in setups().await {
        let mai_hoa = login(&r, "xa.maihoa", "password-123").await;
        let hoanh_son = login(&r, "xa.hoanhson", "password-123").await;
        let commune = app.unit_by_code(&Actor::system(), "18322", None).await.unwrap();

        // The officer's /units lands on the commune.
        let units = send(&r, get("/units", Some(&mai_hoa))).await;
        assert_eq!(units.location(), format!("/units/{}", commune.id), "{l}");
        let page = send(&r, get(&units.location(), Some(&mai_hoa))).await;
        assert!(page.body.contains("Xã Mai Hoa") && page.body.contains("Thêm thôn/tổ dân phố"), "{l}");
        assert!(page.body.contains("Hình thành từ"), "{l}: predecessors listed");

        // Add a village through htmx: the children fragment comes back with it.
        let mut req = post(
            &format!("/units/{}/places", commune.id),
            "kind=Th%C3%B4n&name=Thanh+B%C3%ACnh",
            Some(&mai_hoa),
        );
        req.headers_mut().insert("hx-request", "true".parse().unwrap());
        let frag = send(&r, req).await;
        assert_eq!(frag.status, StatusCode::OK, "{l}");
        assert!(
            frag.body.starts_with("<section id=\"children\"") && frag.body.contains("Thôn Thanh Bình"),
            "{l}: {}",
            frag.body
        );
        assert!(!frag.body.contains("<html"), "{l}: a fragment, not a page");
        // A bad name comes back in the fragment, in Vietnamese, and nothing is written.
        let mut req = post(&format!("/units/{}/places", commune.id), "kind=Th%C3%B4n&name=+", Some(&mai_hoa));
        req.headers_mut().insert("hx-request", "true".parse().unwrap());
        let bad = send(&r, req).await;
        assert!(bad.body.contains("Tên không được để trống"), "{l}");
        let view = app.unit_view(&Actor::system(), commune.id, None).await.unwrap();
        assert_eq!(view.children.len(), 1, "{l}");
        let village = view.children[0].0.clone();

        // Without htmx: redirect after post.
        let res =
            send(&r, post(&format!("/units/{}/places", village.id), "name=T%E1%BB%95+1", Some(&mai_hoa)))
                .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}");

        // Another commune's officer: the village page, its children fragment, writes and the
        // API all answer "not found".
        for uri in [format!("/units/{}", village.id), format!("/units/{}/children", village.id)] {
            assert_eq!(
                send(&r, get(&uri, Some(&hoanh_son))).await.status,
                StatusCode::NOT_FOUND,
                "{l}: {uri}"
            );
        }
        let res = send(&r, post(&format!("/units/{}/places", village.id), "name=X", Some(&hoanh_son))).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{l}");
        let res = send(&r, post(&format!("/units/{}/rename", village.id), "name=X", Some(&hoanh_son))).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{l}");

        // The audit page shows each officer only their commune's rows.
        let mine = send(&r, get("/audit", Some(&mai_hoa))).await;
        assert_eq!(mine.status, StatusCode::OK, "{l}");
        assert!(mine.body.contains("unit.create") && mine.body.contains("Thanh Bình"), "{l}");
        let theirs = send(&r, get("/audit", Some(&hoanh_son))).await;
        assert!(!theirs.body.contains("Thanh Bình") && !theirs.body.contains("unit.create"), "{l}");
        let filtered = send(&r, get("/audit?action=unit.create&from=01%2F01%2F2020", Some(&mai_hoa))).await;
        assert!(
            filtered.body.contains("unit.create") && !filtered.body.contains("<code>user.login</code>"),
            "{l}"
        );
        let bad_date = send(&r, get("/audit?from=31%2F02%2F2025", Some(&mai_hoa))).await;
        assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        // Officers manage no users.
        assert_eq!(send(&r, get("/users", Some(&mai_hoa))).await.status, StatusCode::FORBIDDEN, "{l}");

        // Era switch: the province before the reform lists districts.
        let ht = app.unit_by_code(&Actor::system(), "42", None).await.unwrap();
        let admin = login(&r, "admin", "admin-password-1").await;
        let before = send(&r, get(&format!("/units/{}/children?era=before", ht.id), Some(&admin))).await;
        assert!(before.body.contains("Thị xã Kỳ Anh") && before.body.contains("(12)"), "{l}");
        let after = send(&r, get(&format!("/units/{}/children?on=2025-08-01", ht.id), Some(&admin))).await;
        assert!(after.body.contains("Xã Mai Hoa") && after.body.contains("(69)"), "{l}");
        let search = send(&r, get("/units/search?q=hoanh+son", Some(&admin))).await;
        assert!(search.body.contains("Phường Hoành Sơn"), "{l}");
    }
}

#[tokio::test]
async fn users_tokens_and_api() {
    for (r, _app, l, _t) in setups().await {
        let admin = login(&r, "admin", "admin-password-1").await;
        let list = send(&r, get("/users", Some(&admin))).await;
        assert!(list.body.contains("xa.maihoa") && list.body.contains("Cán bộ xã"), "{l}");
        let bad = send(
            &r,
            post("/users", "username=ab&password=password-123&role=viewer&unit_code=42", Some(&admin)),
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(bad.body.contains("Tên đăng nhập cần 3–32 ký tự"), "{l}");
        let ok = send(&r, post("/users", "username=xem.tinh&display_name=Ng%C6%B0%E1%BB%9Di+xem&password=password-123&role=viewer&unit_code=42", Some(&admin))).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{l}: {}", ok.body);
        let user_page = ok.location();

        // Token from the user's page: shown once, listed, revocable.
        let made =
            send(&r, post(&format!("{user_page}/tokens"), "label=ph%E1%BA%A7n+m%E1%BB%81m", Some(&admin)))
                .await;
        let token = made
            .body
            .split("<code class=\"token\">")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .unwrap()
            .to_string();
        assert!(token.starts_with("ansinh_"), "{l}");

        let me = send(&r, bearer("/api/v1/me", &token)).await;
        assert_eq!(me.json()["username"], "xem.tinh", "{l}");
        let communes = send(&r, bearer("/api/v1/units?parent=42&on=2025-08-01", &token)).await;
        assert_eq!(communes.json().as_array().unwrap().len(), 69, "{l}");
        let districts = send(&r, bearer("/api/v1/units?parent=42&on=2025-01-01", &token)).await;
        assert_eq!(districts.json().as_array().unwrap().len(), 12, "{l}");
        let old = send(&r, bearer("/api/v1/units/18322?on=2025-01-01", &token)).await;
        let old = old.json();
        assert_eq!(
            (old["name"].as_str(), old["successors"][0]["name"].as_str()),
            (Some("Đức Lĩnh"), Some("Mai Hoa")),
            "{l}"
        );
        let other_province = send(&r, bearer("/api/v1/units/01", &token)).await;
        assert_eq!(other_province.status, StatusCode::NOT_FOUND, "{l}: Hà Nội is outside the token's scope");
        assert_eq!(other_province.json()["error"]["code"], "not_found", "{l}");
        let bad = send(&r, bearer("/api/v1/units?parent=42&on=31-02-2025", &token)).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert_eq!(bad.json()["error"]["field"], "on", "{l}");
        assert!(bad.json()["error"]["message_vi"].as_str().unwrap().contains("không hợp lệ"), "{l}");

        let anon = send(&r, get("/api/v1/units", None)).await;
        assert_eq!(anon.status, StatusCode::UNAUTHORIZED, "{l}");
        assert_eq!(anon.json()["error"]["code"], "unauthenticated", "{l}");
        // A browser session works for the API too.
        assert_eq!(send(&r, get("/api/v1/me", Some(&admin))).await.json()["username"], "admin", "{l}");

        // Revoke from the page: the token stops working.
        let page = send(&r, get(&user_page, Some(&admin))).await;
        let action = page
            .body
            .split("action=\"")
            .find(|s| s.contains("/revoke"))
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string();
        assert_eq!(send(&r, post(&action, "", Some(&admin))).await.status, StatusCode::SEE_OTHER, "{l}");
        assert_eq!(send(&r, bearer("/api/v1/me", &token)).await.status, StatusCode::UNAUTHORIZED, "{l}");
        assert!(send(&r, get(&user_page, Some(&admin))).await.body.contains("Đã thu hồi"), "{l}");

        // Swagger UI is served from the binary.
        let docs = send(&r, get("/api/docs/", None)).await;
        assert_eq!(docs.status, StatusCode::OK, "{l}");
        assert!(docs.body.contains("swagger"), "{l}");
    }
}

/// The OpenAPI document is part of the contract: changes show up in review.
/// Regenerate with `UPDATE_SNAPSHOTS=1 cargo test -p ansinh-web openapi`.
#[test]
fn openapi_snapshot() {
    use utoipa::OpenApi;
    let doc = serde_json::to_string_pretty(&ansinh_web::api::ApiDoc::openapi()).unwrap() + "\n";
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/openapi.json");
    if std::env::var("UPDATE_SNAPSHOTS").is_ok() {
        std::fs::write(path, &doc).unwrap();
    }
    let want = std::fs::read_to_string(path).expect("tests/openapi.json: run with UPDATE_SNAPSHOTS=1");
    assert_eq!(doc, want, "OpenAPI changed: review and run with UPDATE_SNAPSHOTS=1");
}

/// Every message exists in both languages, and every key a template uses exists.
#[test]
fn i18n_complete() {
    use ansinh_web::i18n::{EN_FTL, VI_FTL, keys};
    let mut vi = keys(VI_FTL);
    let mut en = keys(EN_FTL);
    vi.sort();
    en.sort();
    assert!(vi.len() > 50);
    assert_eq!(vi, en, "vi.ftl and en.ftl must have the same keys");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for part in text.split("page.t(\"").skip(1) {
            let key = part.split('"').next().unwrap();
            assert!(vi.iter().any(|k| k == key), "{}: key «{key}» missing from vi.ftl", path.display());
        }
    }
    // Keys used from Rust: every literal passed to t / tr / tr_args / both, and no key built
    // at run time (a `format!` inside those calls).
    let mut files = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut checked = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for line in text.lines() {
            for call in [".t(", "tr(", "tr_args(", "both("] {
                let pieces: Vec<&str> = line.split(call).collect();
                for (i, part) in pieces.iter().enumerate().skip(1) {
                    // A whole name: `push_str(` is not `tr(`.
                    let before = pieces[i - 1].chars().last();
                    if !call.starts_with('.') && before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue;
                    }
                    assert!(
                        !part.trim_start().starts_with("&format!"),
                        "{}: a message key built at run time: {line}",
                        path.display()
                    );
                    // The first string literal among the call's first two arguments.
                    let args: String = part.chars().take_while(|c| *c != ')').collect();
                    let Some(lit) = args.split('"').nth(1) else { continue };
                    let looks_like_key = lit.contains('-')
                        && lit.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                    if looks_like_key && args.split(',').take(2).any(|a| a.contains('"')) {
                        checked += 1;
                        assert!(
                            vi.iter().any(|k| k == lit),
                            "{}: key «{lit}» missing from vi.ftl",
                            path.display()
                        );
                    }
                }
            }
        }
    }
    assert!(checked >= 10, "the scan found only {checked} keys in Rust code");
}

fn json_post(uri: &str, body: serde_json::Value) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn calc_api_contract() {
    for (r, _app, l, _t) in setups().await {
        // Worked example (DOMAIN.md §4): 1,500,000, others, before and after 1 Jul 2025.
        let v = send(
            &r,
            json_post(
                "/api/v1/calc/vsi",
                serde_json::json!({"income": 1500000, "month": "2025-06", "category": "others"}),
            ),
        )
        .await;
        assert_eq!(v.status, StatusCode::OK, "{l}: {}", v.body);
        let v = v.json();
        assert_eq!(
            (v["gross"].as_i64(), v["state_support"].as_i64(), v["payable"].as_i64()),
            (Some(330_000), Some(33_000), Some(297_000)),
            "{l}"
        );
        assert_eq!((v["local_support"].as_i64(), v["months"].as_i64()), (Some(0), Some(1)), "{l}");
        assert_eq!(v["lines"].as_array().unwrap().len(), 1, "{l}");
        assert!(
            v["basis"]
                .as_array()
                .unwrap()
                .iter()
                .any(|b| b["legal_basis"].as_str().unwrap().contains("134/2015")),
            "{l}"
        );
        let v = send(
            &r,
            json_post(
                "/api/v1/calc/vsi",
                serde_json::json!({"income": 1500000, "month": "2025-07", "months": 3}),
            ),
        )
        .await
        .json();
        assert_eq!(
            (v["state_support"].as_i64(), v["payable"].as_i64(), v["months"].as_i64()),
            (Some(198_000), Some(792_000), Some(3)),
            "{l}"
        );
        // Out of range income: 422 naming the field and the allowed range.
        let bad = send(
            &r,
            json_post("/api/v1/calc/vsi", serde_json::json!({"income": 1000000, "month": "2025-03"})),
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let e = bad.json();
        assert_eq!(e["error"]["field"], "income", "{l}");
        assert!(e["error"]["message_vi"].as_str().unwrap().contains("1.500.000 ₫"), "{l}: {e}");
        let bad = send(
            &r,
            json_post("/api/v1/calc/vsi", serde_json::json!({"income": 2000000, "month": "2025-13"})),
        )
        .await;
        assert_eq!(bad.json()["error"]["field"], "month", "{l}");
        let bad = send(
            &r,
            json_post(
                "/api/v1/calc/vsi",
                serde_json::json!({"income": 2000000, "month": "2025-01", "months": 5}),
            ),
        )
        .await;
        assert_eq!(bad.json()["error"]["field"], "months", "{l}");

        let hi = send(
            &r,
            json_post("/api/v1/calc/hi-household", serde_json::json!({"members": 4, "month": "2025-01"})),
        )
        .await
        .json();
        let monthly: Vec<i64> =
            hi["members"].as_array().unwrap().iter().map(|m| m["monthly"].as_i64().unwrap()).collect();
        assert_eq!(monthly, [105_300, 73_710, 63_180, 52_650], "{l}");
        assert_eq!(
            (hi["monthly_total"].as_i64(), hi["total"].as_i64()),
            (Some(294_840), Some(294_840)),
            "{l}"
        );
        let hi = send(
            &r,
            json_post(
                "/api/v1/calc/hi-household",
                serde_json::json!({"members": 4, "month": "2025-01", "months": 12}),
            ),
        )
        .await
        .json();
        assert_eq!(hi["total"].as_i64(), Some(294_840 * 12), "{l}");
        let bad = send(
            &r,
            json_post("/api/v1/calc/hi-household", serde_json::json!({"members": 0, "month": "2025-01"})),
        )
        .await;
        assert_eq!(bad.json()["error"]["field"], "members", "{l}");

        let ret = send(
            &r,
            json_post("/api/v1/calc/retirement", serde_json::json!({"sex": "male", "birth": "1964-09"})),
        )
        .await
        .json();
        assert_eq!((ret["age_years"].as_i64(), ret["age_months"].as_i64()), (Some(61), Some(3)), "{l}");
        assert_eq!(
            (ret["reached"].as_str(), ret["pension_start"].as_str()),
            (Some("2025-12"), Some("2026-01")),
            "{l}"
        );
        let bad =
            send(&r, json_post("/api/v1/calc/retirement", serde_json::json!({"sex": "x", "birth": "1964"})))
                .await;
        assert_eq!(bad.json()["error"]["field"], "sex", "{l}");

        let p = send(
            &r,
            json_post(
                "/api/v1/calc/pension",
                serde_json::json!({"sex": "female", "years": 20, "average_income": 5000000, "on": "2026-01"}),
            ),
        )
        .await
        .json();
        assert_eq!(
            (p["eligible"].as_bool(), p["rate_percent"].as_f64(), p["monthly_pension"].as_i64()),
            (Some(true), Some(55.0), Some(2_750_000)),
            "{l}"
        );
        let p = send(
            &r,
            json_post(
                "/api/v1/calc/pension",
                serde_json::json!({"sex": "male", "years": 14, "average_income": 5000000, "on": "2026-01"}),
            ),
        )
        .await
        .json();
        assert_eq!(p["eligible"].as_bool(), Some(false), "{l}");
        // Malformed JSON is refused by the extractor, not a 500.
        let raw = Request::post("/api/v1/calc/vsi")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{"))
            .unwrap();
        assert!(send(&r, raw).await.status.is_client_error(), "{l}");
    }
}

#[tokio::test]
async fn estimator_page_and_parameter_admin() {
    for (r, app, l, _t) in setups().await {
        // Public, no sign-in; an empty form asks for input.
        let page = send(&r, get("/calc", None)).await;
        assert_eq!(page.status, StatusCode::OK, "{l}");
        assert!(
            page.body.contains("Máy tính BHXH tự nguyện") && page.body.contains("/static/echarts.min.js"),
            "{l}"
        );
        let q = "/calc?sex=male&birth=1980-05&paid_years=3&paid_months=0&income=3.000.000&category=others&mode=12&start=2026-01";
        let full = send(&r, get(q, None)).await;
        assert!(full.body.contains("05/2042") && full.body.contains("So sánh các mức đóng"), "{l}");
        assert!(
            full.body.contains("Thẻ BHYT miễn phí") && full.body.contains("chưa xác nhận"),
            "{l}: benefits with U marks"
        );
        // htmx asks for the result block only.
        let mut req = get(&q.replace("/calc?", "/calc/result?"), None);
        req.headers_mut().insert("hx-request", "true".parse().unwrap());
        let frag = send(&r, req).await;
        assert!(!frag.body.contains("<html") && frag.body.contains("plan-data"), "{l}");
        let bad = send(&r, get("/calc/result?birth=1980-05&income=100&mode=12&start=2026-01", None)).await;
        assert!(bad.body.contains("ngoài khoảng cho phép"), "{l}: {}", bad.body);

        // The parameter page is public; only national administrators add versions.
        let params = send(&r, get("/parameters?q=base_salary", None)).await;
        assert!(
            params.body.contains("Nghị định 73/2024/NĐ-CP") && params.body.contains("2.340.000 ₫"),
            "{l}"
        );
        assert!(!params.body.contains("Thêm phiên bản mới"), "{l}");
        let officer = login(&r, "xa.maihoa", "password-123").await;
        let form = "key=base_salary&effective_from=01%2F01%2F2027&value=2.800.000&legal_basis=Ngh%E1%BB%8B+%C4%91%E1%BB%8Bnh+1%2F2027&confidence=S";
        assert_eq!(
            send(&r, post("/parameters", form, Some(&officer))).await.status,
            StatusCode::FORBIDDEN,
            "{l}"
        );

        let admin = login(&r, "admin", "admin-password-1").await;
        let before = send(
            &r,
            json_post("/api/v1/calc/hi-household", serde_json::json!({"members": 1, "month": "2027-02"})),
        )
        .await
        .json();
        let ok = send(&r, post("/parameters", form, Some(&admin))).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{l}: {}", ok.body);
        // The open-ended version is closed, not deleted; the new one prices from its date.
        let rows = app.list_parameters().await.unwrap();
        let base: Vec<_> = rows.iter().filter(|r| r.key == "base_salary").collect();
        let last_two = &base[base.len() - 2..];
        assert_eq!(last_two[0].effective_to, chrono::NaiveDate::from_ymd_opt(2027, 1, 1), "{l}");
        assert_eq!((last_two[1].value, last_two[1].source.as_str()), (2_800_000, "admin"), "{l}");
        let after = send(
            &r,
            json_post("/api/v1/calc/hi-household", serde_json::json!({"members": 1, "month": "2027-02"})),
        )
        .await
        .json();
        assert_ne!(before["monthly_total"], after["monthly_total"], "{l}");
        assert_eq!(after["monthly_total"].as_i64(), Some(126_000), "{l}: 4.5% × 2,800,000");
        let audit = send(&r, get("/audit?action=parameter.add", Some(&admin))).await;
        assert!(audit.body.contains("2800000") && audit.body.contains("closed"), "{l}");
        // Overlap with a closed period: refused with both periods named, nothing written.
        let overlap = "key=base_salary&effective_from=01%2F01%2F2025&effective_to=01%2F01%2F2026&value=2.000.000&legal_basis=X&confidence=U";
        let res = send(&r, post("/parameters", overlap, Some(&admin))).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(res.body.contains("chồng"), "{l}: {}", res.body);
        assert_eq!(app.list_parameters().await.unwrap().len(), rows.len(), "{l}");
        // Bad value for the unit.
        let res = send(
            &r,
            post(
                "/parameters",
                "key=vsi.rate&effective_from=01%2F01%2F2030&value=abc&legal_basis=X&confidence=U",
                Some(&admin),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
    }
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

#[tokio::test]
async fn registry_person_pages_search_and_scope() {
    for (r, app, l, _t) in setups().await {
        let (village, group, _) = registry_places(&app).await;
        let mai_hoa = login(&r, "xa.maihoa", "password-123").await;
        let hoanh_son = login(&r, "xa.hoanhson", "password-123").await;

        // The navigation links the registry; the list and the form are there.
        let home = send(&r, get("/", Some(&mai_hoa))).await;
        assert!(home.body.contains("<a href=\"/persons\">Đăng ký dân cư</a>"), "{l}");
        let list = send(&r, get("/persons", Some(&mai_hoa))).await;
        assert_eq!(list.status, StatusCode::OK, "{l}: {}", list.body);
        assert!(list.body.contains("Không có nhân khẩu nào khớp"), "{l}");
        assert_eq!(send(&r, get("/persons/new", Some(&mai_hoa))).await.status, StatusCode::OK, "{l}");
        assert_eq!(send(&r, get("/persons", None)).await.location(), "/login?next=/persons", "{l}");
        let en = send(&r, get("/persons", Some(&format!("{mai_hoa}; ansinh_lang=en")))).await;
        assert!(
            en.body.contains("<h1>Population registry</h1>") && en.body.contains("Working age only"),
            "{l}"
        );

        // A good person: 1990 male → 4th digit 0, then 90.
        let ok = send(
            &r,
            post(
                "/persons/new",
                &person_form("042090000123", "Nguyễn Văn An", "15/03/1990", "male", &village, "HO-001"),
                Some(&mai_hoa),
            ),
        )
        .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{l}: {}", ok.body);
        let person_url = ok.location();
        assert!(person_url.starts_with("/persons/"), "{l}");

        // Bad CCCD: 11 digits; the form comes back with the values kept and the field named.
        let bad = send(
            &r,
            post(
                "/persons/new",
                &person_form("04209000012", "Trần Thị Bình", "01/01/1995", "female", &village, "HO-002"),
                Some(&mai_hoa),
            ),
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(bad.body.contains("Số CCCD «04209000012» có 11 chữ số, cần đúng 12"), "{l}: {}", bad.body);
        assert!(bad.body.contains("value=\"Trần Thị Bình\"") && bad.body.contains("aria-invalid"), "{l}");
        // A CCCD that says female born in the 1900s for a man born in 2001, and a bad date: both named.
        let bad = send(
            &r,
            post(
                "/persons/new",
                &person_form("042190000124", "Lê Văn Cường", "31/02/2001", "male", &village, "HO-002"),
                Some(&mai_hoa),
            ),
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(bad.body.contains("Ngày sinh «31/02/2001» không tồn tại"), "{l}: {}", bad.body);
        // An empty form: every required field named, in Vietnamese.
        let empty = send(&r, post("/persons/new", "", Some(&mai_hoa))).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        for msg in ["Số CCCD không được để trống", "Hãy chọn giới tính", "Mã thôn/tổ/xã không được để trống"]
        {
            assert!(empty.body.contains(msg), "{l}: {msg}");
        }
        // The same CCCD again: refused, naming who has it.
        let dup = send(
            &r,
            post(
                "/persons/new",
                &person_form("042090000123", "Nguyễn Văn Ân", "15/03/1990", "male", &village, "HO-009"),
                Some(&mai_hoa),
            ),
        )
        .await;
        assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(
            dup.body.contains("Số CCCD 042090000123 đã có: Nguyễn Văn An (sinh 1990)"),
            "{l}: {}",
            dup.body
        );
        // Another commune's code: refused as not found in scope.
        let far = send(
            &r,
            post(
                "/persons/new",
                &person_form("042085000125", "Phan Văn Dũng", "1985", "male", "18832", "HO-003"),
                Some(&mai_hoa),
            ),
        )
        .await;
        assert_eq!(far.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(far.body.contains("Không tìm thấy đơn vị mã «18832»"), "{l}");

        // Search without diacritics, the full page and the htmx fragment.
        let found = send(&r, get("/persons?q=nguyen+van+an", Some(&mai_hoa))).await;
        assert!(found.body.contains("Nguyễn Văn An") && found.body.contains("042090000123"), "{l}");
        assert!(found.body.contains("15/03/1990") && found.body.contains("HO-001"), "{l}");
        let mut req = get("/persons/results?q=NGUYEN&working_age=yes", Some(&mai_hoa));
        req.headers_mut().insert("hx-request", "true".parse().unwrap());
        let frag = send(&r, req).await;
        assert!(!frag.body.contains("<html") && frag.body.contains("Nguyễn Văn An"), "{l}: {}", frag.body);
        assert_eq!(
            frag.headers.get("hx-push-url").unwrap(),
            "/persons?q=NGUYEN&working_age=yes",
            "{l}: the address bar follows"
        );
        assert!(
            frag.body.contains("/persons/export.xlsx?q=NGUYEN&#38;working_age=yes"),
            "{l}: {}",
            frag.body
        );
        let none = send(&r, get("/persons?q=tran&age=60%2B", Some(&mai_hoa))).await;
        assert!(none.body.contains("Không có nhân khẩu nào khớp"), "{l}");
        let bad_filter = send(&r, get("/persons?age=abc", Some(&mai_hoa))).await;
        assert_eq!(bad_filter.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(bad_filter.body.contains("Nhóm tuổi"), "{l}");
        let theirs = send(&r, get("/persons?q=nguyen", Some(&hoanh_son))).await;
        assert!(!theirs.body.contains("Nguyễn Văn An"), "{l}: another commune's list");

        // The person's page; out of scope it is "not found", page, edit and household alike.
        let page = send(&r, get(&person_url, Some(&mai_hoa))).await;
        assert_eq!(page.status, StatusCode::OK, "{l}");
        assert!(page.body.contains("trong độ tuổi lao động") && page.body.contains("Thôn Thanh Bình"), "{l}");
        let household_url = page
            .body
            .split("href=\"/households/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .map(|id| format!("/households/{id}"))
            .unwrap();
        for uri in [person_url.as_str(), household_url.as_str()] {
            let res = send(&r, get(uri, Some(&hoanh_son))).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{l}: {uri}");
            assert!(res.body.contains("Không tìm thấy"), "{l}");
        }
        let res = send(
            &r,
            post(
                &person_url,
                &person_form("042090000123", "Nguyễn Văn An", "15/03/1990", "male", &village, "HO-001"),
                Some(&hoanh_son),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{l}");

        // Move him to an inter-family group and another household: the history keeps it.
        let moved = format!(
            "{}&reason={}",
            person_form("042090000123", "Nguyễn Văn An", "15/03/1990", "male", &group, "HO-007"),
            enc("chuyển về ở với con")
        );
        let res = send(&r, post(&person_url, &moved, Some(&mai_hoa))).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}: {}", res.body);
        let page = send(&r, get(&res.location(), Some(&mai_hoa))).await;
        assert!(page.body.contains("Đã lưu thay đổi"), "{l}");
        assert!(
            page.body.contains("chuyển về ở với con") && page.body.contains("Tổ liên gia số 1 · "),
            "{l}: {}",
            page.body
        );
        assert!(page.body.contains("HO-001") && page.body.contains("HO-007"), "{l}");
        // A bad edit comes back with the error and the typed values.
        let res = send(
            &r,
            post(
                &person_url,
                &person_form("042090000123", "", "15/03/1990", "male", &group, "HO-007"),
                Some(&mai_hoa),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(res.body.contains("<li>Họ và tên không được để trống</li>"), "{l}: {}", res.body);

        // The commune's page counts its population and links to the list.
        let commune = app.unit_by_code(&Actor::system(), "18322", None).await.unwrap();
        let unit = send(&r, get(&format!("/units/{}", commune.id), Some(&mai_hoa))).await;
        assert!(
            unit.body.contains("Nhân khẩu: 1 · trong độ tuổi lao động: 1")
                && unit.body.contains("/persons?place=18322"),
            "{l}: {}",
            unit.body
        );
        // The group's page lists its residents, linked to their pages.
        let g = app.unit_by_code(&Actor::system(), &group, None).await.unwrap();
        let gp = send(&r, get(&format!("/units/{}", g.id), Some(&mai_hoa))).await;
        assert!(gp.body.contains("Nhân khẩu <span class=\"muted\">(1)</span>"), "{l}: {}", gp.body);
        assert!(gp.body.contains(&format!("href=\"{person_url}\"")), "{l}: {person_url}");
    }
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

#[tokio::test]
async fn registry_import_export_and_template() {
    for (r, app, l, _t) in setups().await {
        let (village, _, _) = registry_places(&app).await;
        let s = login(&r, "xa.maihoa", "password-123").await;
        let other = login(&r, "xa.hoanhson", "password-123").await;
        let page = send(&r, get("/persons/import", Some(&s))).await;
        assert!(
            page.body.contains("hx-encoding=\"multipart/form-data\"")
                && page.body.contains("/persons/template.xlsx"),
            "{l}"
        );
        let count = |app: App| async move {
            let sys = Actor::system();
            app.search_persons(&sys, &Default::default()).await.unwrap().total
        };

        // All or nothing: one bad row, nothing written, the row and column named.
        let bad = import_csv(true, &village);
        let res = send(&r, upload("/persons/import", "danh-sach.csv", bad.as_bytes(), &[], &s, false)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}: {}", res.body);
        assert!(
            res.body.contains("dòng 3, cột Số CCCD: Số CCCD 042190000202 không khớp"),
            "{l}: {}",
            res.body
        );
        assert!(res.body.contains("Không ghi dòng nào"), "{l}");
        assert_eq!(count(app.clone()).await, 0, "{l}");
        // A dry run through htmx: the report fragment, nothing written.
        let res =
            send(&r, upload("/persons/import", "danh-sach.csv", bad.as_bytes(), &["dry_run"], &s, true))
                .await;
        assert_eq!(res.status, StatusCode::OK, "{l}");
        assert!(!res.body.contains("<html") && res.body.contains("dòng 3, cột Số CCCD"), "{l}");
        assert_eq!(count(app.clone()).await, 0, "{l}");

        // Valid rows only: the two good rows are written, the bad one comes back as XLSX.
        let res = send(
            &r,
            upload("/persons/import", "danh-sach.csv", bad.as_bytes(), &["valid_rows_only"], &s, true),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{l}");
        assert!(res.body.contains("<strong data-count=\"created\">2</strong>"), "{l}: {}", res.body);
        assert_eq!(count(app.clone()).await, 2, "{l}");
        let link = res
            .body
            .split("href=\"/persons/import/files/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .map(|k| format!("/persons/import/files/{k}"))
            .expect("a link to the rejected rows");
        let file = send(&r, get(&link, Some(&s))).await;
        assert_eq!(file.status, StatusCode::OK, "{l}");
        assert!(file.body.starts_with("PK"), "{l}: an XLSX (zip)");
        assert!(
            file.headers
                .get(header::CONTENT_DISPOSITION)
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("attachment;"),
            "{l}"
        );
        assert_eq!(
            send(&r, get(&link, Some(&other))).await.status,
            StatusCode::NOT_FOUND,
            "{l}: only its user"
        );

        // The fixed file: the two written rows are unchanged, the fixed one is created.
        let good = import_csv(false, &village);
        let res = send(&r, upload("/persons/import", "danh-sach.csv", good.as_bytes(), &[], &s, true)).await;
        assert!(
            res.body.contains("<strong data-count=\"created\">1</strong>")
                && res.body.contains("<strong data-count=\"unchanged\">2</strong>"),
            "{l}: {}",
            res.body
        );
        // Again: nothing changes.
        let res = send(&r, upload("/persons/import", "danh-sach.csv", good.as_bytes(), &[], &s, false)).await;
        assert_eq!(res.status, StatusCode::OK, "{l}");
        assert!(
            res.body.contains("<strong data-count=\"created\">0</strong>")
                && res.body.contains("<strong data-count=\"updated\">0</strong>")
                && res.body.contains("<strong data-count=\"unchanged\">3</strong>"),
            "{l}: {}",
            res.body
        );
        assert_eq!(count(app.clone()).await, 3, "{l}");
        // Bad files: no file, an unreadable one.
        let res = send(&r, upload("/persons/import", "", b"", &[], &s, false)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(res.body.contains("Hãy chọn một tệp"), "{l}");
        let latin1 = b"S\xf3 CCCD,H\xf3 t\xean\n1,2\n";
        let res = send(&r, upload("/persons/import", "x.csv", latin1, &[], &s, false)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}: {}", res.body);

        // Export: CSV with the BOM and the template's headers, XLSX, both as attachments.
        let csv = send(&r, get("/persons/export.csv?q=ho", Some(&s))).await;
        assert_eq!(csv.status, StatusCode::OK, "{l}");
        assert!(csv.body.starts_with("\u{feff}Số CCCD,Họ và tên,Ngày sinh"), "{l}: {}", csv.body);
        assert!(
            csv.body.contains("Hồ Văn Hải") && !csv.body.contains("Võ Văn Hùng"),
            "{l}: the filter applies"
        );
        let cd = csv.headers.get(header::CONTENT_DISPOSITION).unwrap().to_str().unwrap().to_string();
        assert!(
            cd.starts_with("attachment; filename=\"danh-sach-nhan-khau-") && cd.contains("filename*=UTF-8''"),
            "{l}: {cd}"
        );
        let xlsx = send(&r, get("/persons/export.xlsx", Some(&s))).await;
        assert!(xlsx.body.starts_with("PK"), "{l}");
        let theirs = send(&r, get("/persons/export.csv", Some(&other))).await;
        assert!(!theirs.body.contains("Hồ Văn Hải"), "{l}: scoped");
        let tpl = send(&r, get("/persons/template.csv", Some(&s))).await;
        assert!(tpl.body.starts_with("\u{feff}Số CCCD") && tpl.body.contains("Nguyễn Văn An"), "{l}");
        assert!(send(&r, get("/persons/template.xlsx", Some(&s))).await.body.starts_with("PK"), "{l}");
    }
}

#[tokio::test]
async fn registry_api_households_and_duplicates() {
    for (r, app, l, _t) in setups().await {
        let (village, _, _) = registry_places(&app).await;
        let (actor, _) = app.login("xa.maihoa", "password-123").await.unwrap();
        let (_, token) = app.create_token(&actor, "xa.maihoa", "test").await.unwrap();
        let (other, _) = app.login("xa.hoanhson", "password-123").await.unwrap();
        let (_, other_token) = app.create_token(&other, "xa.hoanhson", "test").await.unwrap();

        let body = serde_json::json!({
            "cccd": "042205000301", "full_name": "Thái Văn Minh", "birth_date": "2005-06-01", "sex": "male",
            "unit_code": village, "household_code": "TM-01", "relation": "head", "occupation": "student"
        });
        let res = send(&r, json_send("POST", "/api/v1/persons", &token, body)).await;
        assert_eq!(res.status, StatusCode::CREATED, "{l}: {}", res.body);
        let p = res.json();
        let id = p["id"].as_i64().unwrap();
        assert_eq!(
            (p["birth_date"].as_str(), p["household_code"].as_str()),
            (Some("2005-06-01"), Some("TM-01")),
            "{l}"
        );
        assert_eq!(p["place"]["code"].as_str(), Some(village.as_str()), "{l}");
        assert_eq!(p["working_age"].as_bool(), Some(true), "{l}");
        let hid = p["household_id"].as_i64().unwrap();

        // Several bad fields: all listed.
        let res = send(
            &r,
            json_send(
                "POST",
                "/api/v1/persons",
                &token,
                serde_json::json!({"cccd": "12", "sex": "x", "unit_code": village}),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let e = res.json();
        let fields: Vec<&str> =
            e["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert!(
            fields.contains(&"cccd") && fields.contains(&"sex") && fields.contains(&"full_name"),
            "{l}: {e}"
        );
        assert_eq!(e["error"]["field"], "cccd", "{l}");

        let found = send(&r, bearer("/api/v1/persons?q=thai+van", &token)).await.json();
        assert_eq!(found["total"].as_i64(), Some(1), "{l}: {found}");
        assert_eq!(found["items"][0]["full_name"], "Thái Văn Minh", "{l}");
        let none = send(&r, bearer("/api/v1/persons?q=thai+van", &other_token)).await.json();
        assert_eq!(none["total"].as_i64(), Some(0), "{l}");
        let bad = send(&r, bearer("/api/v1/persons?age=x", &token)).await;
        assert_eq!(bad.json()["error"]["field"], "age", "{l}");

        let got = send(&r, bearer(&format!("/api/v1/persons/{id}"), &token)).await;
        assert_eq!(got.json()["cccd"], "042205000301", "{l}");
        let theirs = send(&r, bearer(&format!("/api/v1/persons/{id}"), &other_token)).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{l}");
        let put = serde_json::json!({
            "cccd": "042205000301", "full_name": "Thái Văn Minh", "birth_date": "01/06/2005", "sex": "Nam",
            "unit_code": village, "household_code": "TM-01", "relation": "head", "phone": "0912345678"
        });
        let res =
            send(&r, json_send("PUT", &format!("/api/v1/persons/{id}"), &other_token, put.clone())).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{l}");
        let res = send(&r, json_send("PUT", &format!("/api/v1/persons/{id}"), &token, put)).await;
        assert_eq!(res.status, StatusCode::OK, "{l}: {}", res.body);
        assert_eq!(res.json()["phone"], "0912345678", "{l}");

        // Households: read, record a year's poverty status (audited), out of scope not found.
        let h = send(&r, bearer(&format!("/api/v1/households/{hid}"), &token)).await.json();
        assert_eq!((h["code"].as_str(), h["members"].as_array().unwrap().len()), (Some("TM-01"), 1), "{l}");
        assert_eq!(h["head_person_id"].as_i64(), Some(id), "{l}");
        let poverty = serde_json::json!({"year": 2025, "status": "poor", "decision": "QĐ 15/QĐ-UBND"});
        let res = send(
            &r,
            json_send("POST", &format!("/api/v1/households/{hid}/poverty"), &token, poverty.clone()),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{l}: {}", res.body);
        assert_eq!(res.json()["poverty"][0]["status"], "poor", "{l}");
        let res =
            send(&r, json_send("POST", &format!("/api/v1/households/{hid}/poverty"), &other_token, poverty))
                .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{l}");
        let res = send(
            &r,
            json_send(
                "POST",
                &format!("/api/v1/households/{hid}/poverty"),
                &token,
                serde_json::json!({"year": 2025, "status": "rich"}),
            ),
        )
        .await;
        assert_eq!(res.json()["error"]["field"], "poverty", "{l}: {}", res.body);
        let s = login(&r, "xa.maihoa", "password-123").await;
        let audit = send(&r, get("/audit?action=household.poverty", Some(&s))).await;
        assert!(audit.body.contains("household.poverty") && audit.body.contains("QĐ 15/QĐ-UBND"), "{l}");

        // The household page: a year's status through the form, a bad year, the flags.
        let res = send(
            &r,
            post(
                &format!("/households/{hid}/poverty"),
                "year=2024&status=near_poor&decision=Q%C4%90+3",
                Some(&s),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}: {}", res.body);
        let page = send(&r, get(&format!("/households/{hid}"), Some(&s))).await;
        assert!(page.body.contains("Hộ cận nghèo") && page.body.contains("Hộ nghèo"), "{l}");
        assert!(page.body.contains("Thái Văn Minh") && page.body.contains("Chủ hộ"), "{l}");
        let res =
            send(&r, post(&format!("/households/{hid}/poverty"), "year=20x4&status=poor", Some(&s))).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(res.body.contains("Năm «20x4» không hợp lệ"), "{l}");
        let res = send(&r, post(&format!("/households/{hid}/flags"), "island=yes", Some(&s))).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}");
        let page = send(&r, get(&format!("/households/{hid}"), Some(&s))).await;
        assert!(page.body.contains("name=\"island\" value=\"yes\" checked"), "{l}");

        // Probable duplicates: same name and birth date in the commune, different CCCDs.
        for cccd in ["042080000401", "042080000402"] {
            let body = serde_json::json!({
                "cccd": cccd, "full_name": "Phan Văn Tư", "birth_date": "1980", "sex": "male", "unit_code": village
            });
            assert_eq!(
                send(&r, json_send("POST", "/api/v1/persons", &token, body)).await.status,
                StatusCode::CREATED,
                "{l}"
            );
        }
        let dups = send(&r, get("/persons/duplicates", Some(&s))).await;
        assert!(
            dups.body.contains("042080000401") && dups.body.contains("042080000402"),
            "{l}: {}",
            dups.body
        );
        let a = app
            .search_persons(
                &actor,
                &ansinh_app::registry::PersonQuery { q: "042080000401".into(), ..Default::default() },
            )
            .await
            .unwrap()
            .items[0]
            .person
            .id;
        let b = app
            .search_persons(
                &actor,
                &ansinh_app::registry::PersonQuery { q: "042080000402".into(), ..Default::default() },
            )
            .await
            .unwrap()
            .items[0]
            .person
            .id;
        let other_s = login(&r, "xa.hoanhson", "password-123").await;
        assert!(
            !send(&r, get("/persons/duplicates", Some(&other_s))).await.body.contains("042080000401"),
            "{l}"
        );
        let res =
            send(&r, post("/persons/duplicates/dismiss", &format!("a={a}&b={b}"), Some(&other_s))).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{l}");
        let res = send(&r, post("/persons/duplicates/merge", &format!("keep={a}&drop={b}"), Some(&s))).await;
        assert_eq!(res.location(), "/persons/duplicates?done=merged", "{l}: {}", res.body);
        let dups = send(&r, get("/persons/duplicates?done=merged", Some(&s))).await;
        assert!(dups.body.contains("Đã gộp") && !dups.body.contains("042080000402"), "{l}");
        // The merged record is kept and points at the survivor, on the API and the pages.
        let moved = send(&r, bearer(&format!("/api/v1/persons/{b}"), &token)).await;
        assert_eq!(
            (moved.status, moved.location()),
            (StatusCode::MOVED_PERMANENTLY, format!("/api/v1/persons/{a}")),
            "{l}"
        );
        let page = send(&r, get(&format!("/persons/{b}"), Some(&s))).await;
        assert_eq!(page.location(), format!("/persons/{a}"), "{l}");
        let survivor = send(&r, get(&format!("/persons/{a}"), Some(&s))).await;
        assert!(
            survivor.body.contains("Hồ sơ đã gộp vào người này") && survivor.body.contains("042080000402"),
            "{l}"
        );
        let theirs = send(&r, bearer(&format!("/api/v1/persons/{b}"), &other_token)).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{l}: out of scope stays not found");
    }
}

/// Every file of the hostile corpus (`scripts/hostile-corpus.py`): a user who may not import is
/// refused before the file is read; an editor gets a clear Vietnamese refusal; the server
/// answers normally afterwards and nothing was written.
#[tokio::test]
async fn hostile_files_are_refused_and_the_server_lives() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let mut corpus: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    corpus.sort();
    assert!(corpus.len() >= 8, "the corpus is in {}", dir.display());
    for (r, app, l, _t) in setups().await {
        let viewer = NewUser {
            username: "xem.maihoa".into(),
            display_name: String::new(),
            password: "password-123".into(),
            role: "viewer".into(),
            unit_code: "18322".into(),
        };
        app.add_user(&Actor::system(), &viewer).await.unwrap();
        let editor = login(&r, "xa.maihoa", "password-123").await;
        let reader = login(&r, "xem.maihoa", "password-123").await;
        for path in &corpus {
            let name = path.file_name().unwrap().to_str().unwrap();
            let bytes = std::fs::read(path).unwrap();
            let res = send(&r, upload("/persons/import", name, &bytes, &[], &reader, false)).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{l} {name}: a viewer may not import");
            for dry in [false, true] {
                let checks: &[&str] = if dry { &["dry_run"] } else { &[] };
                let res = send(&r, upload("/persons/import", name, &bytes, checks, &editor, false)).await;
                // A dry run that reads the file reports its errors as its answer (200).
                let ok =
                    res.status == StatusCode::UNPROCESSABLE_ENTITY || (dry && res.status == StatusCode::OK);
                assert!(ok, "{l} {name}: {} {}", res.status, res.body);
                assert!(
                    ["Tệp", "tệp", "dòng"].iter().any(|w| res.body.contains(w)),
                    "{l} {name}: the refusal says why: {}",
                    res.body
                );
            }
        }
        let sys = Actor::system();
        assert_eq!(app.search_persons(&sys, &Default::default()).await.unwrap().total, 0, "{l}");
        assert_eq!(send(&r, get("/persons", Some(&editor))).await.status, StatusCode::OK, "{l}: alive");
    }
}

/// While another writer holds the database, a write is answered 503 "busy" with Retry-After in
/// the documented error shape (SQLite: one writer at a time), and bearer reads still answer.
#[tokio::test]
async fn busy_database_answers_503_and_reads_go_on() {
    for (r, app, l, t) in setups().await {
        if l != "sqlite" {
            continue; // PostgreSQL writers do not exclude each other
        }
        let (village, _, _) = registry_places(&app).await;
        let (actor, _) = app.login("xa.maihoa", "password-123").await.unwrap();
        let (_, token) = app.create_token(&actor, "xa.maihoa", "test").await.unwrap();
        let held = t.db.begin().await.unwrap();
        let body = serde_json::json!({
            "cccd": "042205000301", "full_name": "Thái Văn Minh", "birth_date": "2005-06-01", "sex": "male",
            "unit_code": village, "household_code": "TM-01", "relation": "head", "occupation": "student"
        });
        let res = send(&r, json_send("POST", "/api/v1/persons", &token, body.clone())).await;
        assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE, "{l}: {}", res.body);
        assert_eq!(res.json()["error"]["code"], "busy", "{l}");
        assert!(res.headers.get(header::RETRY_AFTER).is_some(), "{l}");
        let read = send(&r, bearer("/api/v1/persons", &token)).await;
        assert_eq!(read.status, StatusCode::OK, "{l}: a bearer read during a long write");
        drop(held);
        let res = send(&r, json_send("POST", "/api/v1/persons", &token, body)).await;
        assert_eq!(res.status, StatusCode::CREATED, "{l}: {}", res.body);
    }
}
