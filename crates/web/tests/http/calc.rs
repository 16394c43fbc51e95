//! The calculators API and the public estimator page; parameter administration.

use super::*;

#[tokio::test]
async fn calc_api_contract() {
    for (r, _app, l, _t) in setups().await {
        // Worked example (Law 41/2024 Art 36; Decree 134/2015 and Decree 159/2025 support rates): 1,500,000, others, before and after 1 Jul 2025.
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
        assert!(e["error"]["message_vi"].as_str().unwrap().contains("1.500.000\u{a0}₫"), "{l}: {e}");
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

/// The router on an app whose day is 3 Dec 2026 (rural poverty line 1,500,000 ₫ until it rises
/// to 2,200,000 ₫ on 1 Jan 2027; base salary 2,530,000 ₫).
fn on_3_december(app: &App) -> Router {
    let mut app = app.clone();
    app.set_clock(ansinh_app::Clock::on(chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()));
    router(app, WebConfig::default())
}

fn htmx(uri: &str) -> Request<Body> {
    let mut req = get(uri, None);
    req.headers_mut().insert("hx-request", "true".parse().unwrap());
    req
}

/// The headline amount of an estimator result.
fn headline(body: &str) -> String {
    let at = body.find("class=\"big\">").expect("headline") + "class=\"big\">".len();
    body[at..].split('<').next().unwrap().to_string()
}

#[tokio::test]
async fn estimator_as_citizens_use_it() {
    for (_r, app, l, _t) in setups().await {
        let r = on_3_december(&app);
        let q = "/calc?sex=male&birth=05%2F1980&paid_years=3&paid_months=0&income=3tr&category=others&mode=12&start=12%2F2026";
        // A shared or reloaded link is the whole page, with the form filled in as typed.
        let full = send(&r, get(q, None)).await;
        assert_eq!(full.status, StatusCode::OK, "{l}");
        assert!(full.body.contains("<html") && full.body.contains("05/2042"), "{l}");
        assert!(full.body.contains("value=\"3tr\"") && full.body.contains("value=\"12/2026\""), "{l}");
        assert!(
            full.body.contains("So sánh các mức đóng")
                && full.body.contains("Mức thu nhập tháng làm căn cứ đóng"),
            "{l}"
        );
        assert!(
            full.body.contains("Thẻ BHYT miễn phí") && full.body.contains("chưa xác nhận"),
            "{l}: benefits with U marks"
        );
        // The benefits' conditions are read from the parameters in force, not written in text.
        assert!(
            full.body.contains("đóng đủ 15 năm") && full.body.contains("cao hơn 35 năm (nam), 30 năm (nữ)"),
            "{l}"
        );
        // htmx asks the same URL for the result block alone (and caches keep them apart); it
        // pushes that URL, so a reload is the line above.
        let frag = send(&r, htmx(q)).await;
        assert!(!frag.body.contains("<html") && frag.body.contains("plan-data"), "{l}");
        assert!(full.body.contains("hx-get=\"/calc\"") && full.body.contains("hx-push-url=\"true\""), "{l}");
        // A history restore needs the whole page.
        let mut restore = htmx(q);
        restore.headers_mut().insert("hx-history-restore-request", "true".parse().unwrap());
        assert!(send(&r, restore).await.body.contains("<html"), "{l}");
        // Links shared from the old result URL open the page.
        let old = send(&r, get(&q.replace("/calc?", "/calc/result?"), None)).await;
        assert_eq!(old.status, StatusCode::PERMANENT_REDIRECT, "{l}");
        assert_eq!(old.location(), q, "{l}");

        // 2tr, 2 triệu, 2.000.000 are the same income; the amount has a no-break space.
        let amounts: Vec<String> = ["2tr", "2%20tri%E1%BB%87u", "2.000.000", "2000000"]
            .iter()
            .map(|i| q.replace("income=3tr", &format!("income={i}")))
            .collect();
        let mut seen = Vec::new();
        for a in &amounts {
            seen.push(headline(&send(&r, htmx(a)).await.body));
        }
        assert!(seen.iter().all(|h| *h == seen[0]), "{l}: {seen:?}");
        // 12 × (22% × 2,000,000 − 20% × 22% × 1,500,000), priced on the payment day.
        assert_eq!(seen[0], "4.488.000\u{a0}₫", "{l}");

        // The comparison table and the headline agree in every mode, even for months of 2027
        // (paid in December, every month at December's parameters).
        for mode in ["1", "3", "6", "12", "24", "60"] {
            let page = send(&r, htmx(&q.replace("mode=12", &format!("mode={mode}")))).await.body;
            let head = headline(&page);
            let chosen =
                page.split("class=\"chosen\"").nth(1).expect("the chosen row").split("</tr>").next().unwrap();
            assert!(chosen.contains(&head), "{l}: mode {mode}: {head} not in {chosen}");
        }

        // Below the minimum: the reason and a one-click link with the minimum.
        let low = send(&r, htmx(&q.replace("income=3tr", "income=1tr"))).await.body;
        assert!(
            low.contains("ngoài khoảng cho phép") && low.contains("chuẩn nghèo khu vực nông thôn"),
            "{l}: {low}"
        );
        assert!(low.contains("Tính với 1.500.000\u{a0}₫"), "{l}");
        let href = low.split("id=\"suggest-income\"").next().unwrap().rsplit("href=\"").next().unwrap();
        let href = href.split('"').next().unwrap().replace("&amp;", "&");
        let fixed = send(&r, get(&href, None)).await;
        assert!(
            fixed.body.contains("value=\"1.500.000\"") && !fixed.body.contains("role=\"alert\""),
            "{l}: {href}"
        );
        // From January 2027 the floor is 2,200,000.
        let jan = send(&r, htmx(&q.replace("income=3tr", "income=1.5tr").replace("12%2F2026", "01%2F2027")))
            .await
            .body;
        assert!(jan.contains("Tính với 2.200.000\u{a0}₫"), "{l}: {jan}");
        // Months are MM/YYYY in messages; a past first month is refused on its field.
        let past = send(&r, htmx(&q.replace("12%2F2026", "01%2F2026"))).await.body;
        assert!(past.contains("data-field=\"start\"") && past.contains("01/2026"), "{l}: {past}");

        // Past retirement age with 10 years: the missing 5 years in one payment, the pension
        // after it, and the social pension at 75; the link computes that payment.
        let old_man = "/calc?sex=male&birth=05%2F1960&paid_years=10&income=2tr&mode=12&start=12%2F2026";
        let page = send(&r, htmx(old_man)).await.body;
        assert!(page.contains("Có thể đóng một lần cho") && page.contains("05/2035"), "{l}: {page}");
        assert!(page.contains("Tính số tiền đóng một lần"), "{l}");
        let once = send(&r, htmx(&old_man.replace("mode=12", "mode=missing"))).await.body;
        assert!(
            once.contains("Đóng một lần cho thời gian còn thiếu") && once.contains("Tiền lãi đóng bù"),
            "{l}"
        );
        // Fifteen years already: nothing to pay, apply for the pension.
        let done = send(&r, htmx(&old_man.replace("paid_years=10", "paid_years=15"))).await.body;
        assert!(done.contains("Bạn không cần đóng thêm") && !done.contains("plan-data"), "{l}");
        // 86 and never paid: the social pension now.
        let older =
            send(&r, htmx(&old_man.replace("05%2F1960", "1940").replace("paid_years=10", "paid_years=0")))
                .await
                .body;
        assert!(
            older.contains("bạn đã đủ tuổi hưởng trợ cấp hưu trí xã hội") && older.contains("500.000\u{a0}₫"),
            "{l}"
        );
        // An impossible history is refused on its field.
        let young =
            send(&r, htmx("/calc?sex=female&birth=2000&paid_years=40&income=2tr&start=12%2F2026")).await.body;
        assert!(young.contains("data-field=\"paid_years\"") && young.contains("01/2015"), "{l}: {young}");

        // The household HI calculator beside it: 4 members at 2,530,000 for 12 months.
        let hi = send(&r, get("/calc/hi?members=4&months=12&month=12%2F2026", None)).await;
        assert!(hi.body.contains("<html") && hi.body.contains("BHYT hộ gia đình"), "{l}");
        assert!(hi.body.contains("113.850\u{a0}₫") && hi.body.contains("3.825.360\u{a0}₫"), "{l}");
        assert!(
            hi.body.contains("Trẻ em dưới 6 tuổi") && hi.body.contains("từ đủ 75 tuổi"),
            "{l}: ages from the parameters"
        );
        let bad = send(&r, htmx("/calc/hi?members=0&month=11%2F2026")).await.body;
        assert!(bad.contains("data-field=\"members\"") && bad.contains("data-field=\"month\""), "{l}: {bad}");
    }
}

#[tokio::test]
async fn estimator_page_and_parameter_admin() {
    for (r, app, l, _t) in setups().await {
        // Public, no sign-in; an empty form asks for input.
        let page = send(&r, get("/calc", None)).await;
        assert_eq!(page.status, StatusCode::OK, "{l}");
        assert!(page.body.contains("Máy tính BHXH tự nguyện"), "{l}");
        // The chart library (1 MB) is not fetched until there is a chart to draw.
        assert!(!page.body.contains("echarts"), "{l}");
        // The parameter page is public; only national administrators add versions.
        let params = send(&r, get("/parameters?q=base_salary", None)).await;
        assert!(
            params.body.contains("Nghị định 73/2024/NĐ-CP") && params.body.contains("2.340.000\u{a0}₫"),
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

/// Phone first: every page links its assets by content hash (cached a year), pages and assets
/// go gzip-compressed to browsers that accept it, the header has a menu button and marks the
/// current section.
#[tokio::test]
async fn assets_are_hashed_compressed_and_the_header_marks_the_section() {
    use std::io::Read;
    let (r, _app, l, _t) = setups().await.into_iter().next().unwrap();
    let page = send(&r, get("/calc", None)).await;
    let css = page.body.split("href=\"/static/app.").nth(1).expect("hashed css").split('"').next().unwrap();
    let css = format!("/static/app.{css}");
    assert!(css.ends_with(".css") && css.len() == "/static/app..css".len() + 10, "{l}: {css}");
    assert!(page.body.contains("menu-toggle") && page.body.contains("aria-controls=\"site-menu\""), "{l}");
    assert!(page.body.contains("href=\"/calc\" aria-current=\"page\""), "{l}: the current section is marked");
    assert!(!page.body.contains("href=\"/units\" aria-current"), "{l}");
    assert!(page.body.contains("rel=\"icon\" href=\"/static/favicon."), "{l}: a favicon");

    let gz = |uri: &str| {
        let mut req = get(uri, None);
        req.headers_mut().insert(header::ACCEPT_ENCODING, "gzip, deflate, br".parse().unwrap());
        req
    };
    let unzip = |b: &[u8]| {
        let mut s = String::new();
        flate2::read::GzDecoder::new(b).read_to_string(&mut s).unwrap();
        s
    };
    // The hashed name is immutable for a year; the plain one is short-lived.
    let a = send(&r, gz(&css)).await;
    assert_eq!(a.status, StatusCode::OK, "{l}");
    assert_eq!(a.headers.get(header::CONTENT_ENCODING).unwrap(), "gzip", "{l}");
    assert!(a.headers.get(header::CACHE_CONTROL).unwrap().to_str().unwrap().contains("immutable"), "{l}");
    assert!(unzip(&a.bytes).contains(".menu-toggle"), "{l}");
    let plain = send(&r, get("/static/app.css", None)).await;
    assert!(
        plain.headers.get(header::CONTENT_ENCODING).is_none() && plain.body.contains(".menu-toggle"),
        "{l}"
    );
    assert_eq!(plain.headers.get(header::CACHE_CONTROL).unwrap(), "public, max-age=300", "{l}");
    assert_eq!(send(&r, get("/static/nothing.js", None)).await.status, StatusCode::NOT_FOUND, "{l}");
    // ECharts shrinks to about a third.
    let e = send(&r, gz("/static/echarts.min.js")).await;
    assert!(e.bytes.len() < 420_000, "{l}: {} bytes", e.bytes.len());
    // Pages are compressed on the fly, and still carry their headers.
    let p = send(&r, gz("/calc?sex=male&birth=05%2F1980&income=3tr")).await;
    assert_eq!(p.headers.get(header::CONTENT_ENCODING).unwrap(), "gzip", "{l}");
    assert!(p.headers.get(header::CONTENT_SECURITY_POLICY).is_some(), "{l}");
    let vary: Vec<&str> = p.headers.get_all(header::VARY).iter().map(|v| v.to_str().unwrap()).collect();
    assert!(vary.contains(&"Accept-Encoding") && vary.contains(&"HX-Request"), "{l}: {vary:?}");
    let html = unzip(&p.bytes);
    assert!(html.contains("Số tiền đóng lần này") && p.bytes.len() * 3 < html.len(), "{l}");
    // Without Accept-Encoding: as before.
    assert!(send(&r, get("/calc", None)).await.headers.get(header::CONTENT_ENCODING).is_none(), "{l}");
}

/// The parameters page as citizens read it: contents by topic, citations in Vietnamese,
/// confidence as a plain mark with its meaning, and no internal research note; administrators
/// see the notes and may write one with a new version.
#[tokio::test]
async fn parameters_page_for_citizens_and_notes_for_administrators() {
    for (r, app, l, _t) in setups().await {
        let public = send(&r, get("/parameters", None)).await.body;
        assert!(
            public.contains("Mục lục")
                && public.contains("href=\"#bhyt\"")
                && public.contains("id=\"tuoi-nghi-huu\""),
            "{l}"
        );
        assert!(public.contains("Chưa xác nhận") && public.contains("chưa xác nhận: con số tạm dùng"), "{l}");
        for internal in [
            "UNCONFIRMED",
            "Ghi chú nội bộ",
            "Decree 188/2025's",
            "internal-note",
            "hi.household.period.12</code>",
        ] {
            assert!(!public.contains(internal), "{l}: «{internal}» on the public page");
        }
        assert!(public.contains("Nghị định 161/2026/NĐ-CP"), "{l}");
        // The estimator's basis table is public too: no notes there either.
        let calc = send(&r, get("/calc/hi?members=2", None)).await.body;
        assert!(!calc.contains("UNCONFIRMED") && calc.contains("Nghị định 146/2018/NĐ-CP"), "{l}");

        let admin = login(&r, "admin", "admin-password-1").await;
        let seen = send(&r, get("/parameters?q=hi.household", Some(&admin))).await.body;
        assert!(seen.contains("Ghi chú nội bộ") && seen.contains("Decree 188/2025"), "{l}");
        let form = "key=vsi.fund_monthly_rate&effective_from=01%2F01%2F2027&value=0%2C33&legal_basis=C%C3%B4ng+v%C4%83n+1%2F2027%2FBHXH&confidence=S&note=Read+from+the+letter+of+2+Jan+2027";
        assert_eq!(
            send(&r, post("/parameters", form, Some(&admin))).await.status,
            StatusCode::SEE_OTHER,
            "{l}"
        );
        let row = app
            .list_parameters()
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.key == "vsi.fund_monthly_rate" && p.value == 33)
            .unwrap();
        assert_eq!(row.note, "Read from the letter of 2 Jan 2027", "{l}");
        let public = send(&r, get("/parameters?q=fund", None)).await.body;
        assert!(public.contains("Công văn 1/2027/BHXH") && !public.contains("letter of 2 Jan"), "{l}");
    }
}
