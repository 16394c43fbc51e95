//! Sign-in, sessions, lock-out, cross-origin refusal, users and tokens.

use super::*;

#[tokio::test]
async fn pages_login_session_and_language() {
    for (r, _app, l, _t) in setups().await {
        let home = send(&r, get("/", None)).await;
        assert_eq!(home.status, StatusCode::OK, "{l}");
        assert!(home.body.contains("lang=\"vi\"") && home.body.contains("Đơn vị hành chính"), "{l}");
        assert!(home.body.contains("/static/htmx.min."), "{l}: vendored htmx, by content hash");
        let en = send(&r, get("/", Some("ansinh_lang=en"))).await;
        assert!(en.body.contains("lang=\"en\"") && en.body.contains("Administrative units"), "{l}");
        let switch = send(&r, get("/lang/en?next=/units", None)).await;
        assert_eq!((switch.status, switch.location().as_str()), (StatusCode::SEE_OTHER, "/units"), "{l}");
        assert!(switch.set_cookie_line("ansinh_lang").starts_with("ansinh_lang=en"), "{l}");
        // Open redirects: every form a browser would read as another site goes home instead.
        for hostile in [
            "//evil.example",
            "/%09/evil.example",
            "/%0A/evil.example",
            "/%0D%0A/evil.example",
            "/%5Cevil.example",
            "/%5C%5Cevil.example",
            "%2F%2Fevil.example",
            "https://evil.example",
            "/%20/evil.example",
            "javascript:alert(1)",
        ] {
            let res = send(&r, get(&format!("/lang/en?next={hostile}"), None)).await;
            assert_eq!(res.location(), "/", "{l}: /lang next={hostile}");
            let res = send(
                &r,
                post("/login", &format!("username=admin&password=admin-password-1&next={hostile}"), None),
            )
            .await;
            assert_eq!(res.location(), "/", "{l}: /login next={hostile}");
        }
        // A local path with diacritics comes back percent-encoded, a valid Location.
        let res = send(&r, get("/lang/vi?next=/persons%3Fq%3DNguy%E1%BB%85n", None)).await;
        assert_eq!(res.location(), "/persons?q=Nguy%E1%BB%85n", "{l}");
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

/// The audit as a person reads it: what happened in words, the record as a link, the fields
/// that changed with their old and new value, local time, sign-ins left out on request, and
/// days picked with a date picker.
#[tokio::test]
async fn audit_a_person_can_read() {
    for (r, app, l, _t) in setups().await {
        let sys = Actor::system();
        let input = ansinh_app::registry::PersonInput {
            cccd: "042080009911".into(),
            full_name: "Trần Văn Kiểm".into(),
            birth_date: "1980".into(),
            sex: "Nam".into(),
            unit_code: "18322".into(),
            household_code: "HT-AU".into(),
            relation: "Chủ hộ".into(),
            ..Default::default()
        };
        let p = app.create_person(&sys, &input).await.unwrap();
        let changed = ansinh_app::registry::PersonInput { phone: "0912345678".into(), ..input.clone() };
        app.update_person(&sys, p.id, &changed, "Bổ sung số điện thoại").await.unwrap();
        let admin = login(&r, "admin", "admin-password-1").await;
        let page = send(&r, get("/audit", Some(&admin))).await.body;
        assert!(page.contains("Sửa thông tin nhân khẩu") && page.contains("Thêm nhân khẩu"), "{l}");
        assert!(page.contains(&format!("href=\"/persons/{}\"", p.id)), "{l}: the subject is a link");
        assert!(page.contains("Điện thoại") && page.contains("0912345678"), "{l}: field by field");
        assert!(page.contains("giờ Việt Nam") && page.contains("Đăng nhập"), "{l}");
        assert!(page.contains("type=\"date\""), "{l}: date pickers");
        let quiet = send(&r, get("/audit?hide_logins=1", Some(&admin))).await.body;
        assert!(
            !quiet.contains("<strong>Đăng nhập</strong>")
                && quiet.contains("<strong>Sửa thông tin nhân khẩu</strong>"),
            "{l}"
        );
        // A day from the picker (YYYY-MM-DD) and one typed (dd/mm/yyyy) filter alike.
        let today = chrono::Utc::now() + chrono::Duration::hours(7);
        let iso = today.format("%Y-%m-%d").to_string();
        let typed = today.format("%d%%2F%m%%2F%Y").to_string();
        for q in [format!("/audit?from={iso}&to={iso}"), format!("/audit?from={typed}")] {
            let b = send(&r, get(&q, Some(&admin))).await.body;
            assert!(
                b.contains("<strong>Sửa thông tin nhân khẩu</strong>")
                    && b.contains(&format!("value=\"{iso}\"")),
                "{l}: {q}"
            );
        }
        let none = send(&r, get("/audit?to=01%2F01%2F2000", Some(&admin))).await.body;
        assert!(!none.contains("<strong>Sửa thông tin nhân khẩu</strong>"), "{l}");
    }
}

/// After signing in, each role lands on its own start page: the figures of its scope and its
/// next tasks; visitors get the public brochure.
#[tokio::test]
async fn home_per_role() {
    for (r, app, l, _t) in setups().await {
        let public = send(&r, get("/", None)).await.body;
        assert!(
            public.contains("href=\"/login\"")
                && public.contains("href=\"/calc/hi\"")
                && !public.contains("Việc cần làm"),
            "{l}"
        );
        let officer = login(&r, "xa.maihoa", "password-123").await;
        let home = send(&r, get("/", Some(&officer))).await.body;
        assert!(home.contains("Xin chào, xa.maihoa") && home.contains("Cán bộ xã"), "{l}");
        for want in [
            "Việc cần làm",
            "Nhân khẩu nghi trùng cần xem",
            "Dân số",
            "Trong độ tuổi lao động",
            "Hộ gia đình",
            "Hộ nghèo",
            "Tỷ lệ bao phủ BHYT",
        ] {
            assert!(home.contains(want), "{l}: {want}");
        }
        assert!(
            home.contains("Mai Hoa") && !home.contains("Người sắp đến hạn"),
            "{l}: no collection task for an officer"
        );
        let n = NewUser {
            username: "thu.test".into(),
            display_name: String::new(),
            password: "password-123".into(),
            role: "collector".into(),
            unit_code: "18322".into(),
        };
        app.add_user(&Actor::system(), &n).await.unwrap();
        let collector = login(&r, "thu.test", "password-123").await;
        let home = send(&r, get("/", Some(&collector))).await.body;
        assert!(
            home.contains("Người sắp đến hạn hoặc quá hạn đóng") && home.contains("href=\"/collect\""),
            "{l}"
        );
    }
}
