//! The collector's day over HTTP: enrol and pay through the pages (a double click pays once),
//! the receipt page, its PDF and the public check; the same through the API with its statuses.

use super::*;

/// The router again, on an app whose clock is pinned to 1 Dec 2026 (the amounts below are
/// December 2026's: rural poverty line 1,500,000 ₫, base salary 2,530,000 ₫).
fn december(app: App) -> (Router, App) {
    let mut app = app;
    app.set_clock(ansinh_app::Clock::on(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()));
    (router(app.clone(), WebConfig::default()), app)
}

async fn collector_setup(app: &App) -> (i64, i64) {
    app.seed_demo().await.unwrap();
    let sys = Actor::system();
    let mk = |cccd: &str, name: &str, rel: &str, birth: &str| ansinh_app::registry::PersonInput {
        cccd: cccd.into(),
        full_name: name.into(),
        birth_date: birth.into(),
        sex: if rel == "Vợ" { "Nữ".into() } else { "Nam".into() },
        unit_code: "18322-01".into(),
        household_code: "HT-77".into(),
        relation: rel.into(),
        occupation: "Lao động tự do".into(),
        ..Default::default()
    };
    let head =
        app.create_person(&sys, &mk("042080007001", "Nguyễn Văn Thu", "Chủ hộ", "1980")).await.unwrap();
    app.create_person(&sys, &mk("042185007002", "Lê Thị Vân", "Vợ", "1985")).await.unwrap();
    (head.id, head.household_id.unwrap())
}

#[tokio::test]
async fn a_collector_enrols_pays_once_prints_and_anyone_verifies_through_the_pages() {
    for (_, app, l, _t) in setups().await {
        let (r, app) = december(app);
        let (person, household) = collector_setup(&app).await;
        let cookie = login(&r, "thu.maihoa", ansinh_app::DEMO_PASSWORD).await;
        let page = send(&r, get(&format!("/persons/{person}/insurance"), Some(&cookie))).await;
        assert_eq!(page.status, StatusCode::OK, "{l}");
        assert!(page.body.contains("Đăng ký BHXH tự nguyện"), "{l}");

        // A bad income names the field and keeps the form.
        let bad = send(
            &r,
            post(
                &format!("/persons/{person}/insurance/vsi"),
                &form(&[("income", "abc"), ("mode_months", "12")]),
                Some(&cookie),
            ),
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(bad.body.contains("Số tiền «abc» không hợp lệ"), "{l}");
        let ok = send(
            &r,
            post(
                &format!("/persons/{person}/insurance/vsi"),
                &form(&[("income", "2.200.000"), ("mode_months", "3")]),
                Some(&cookie),
            ),
        )
        .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{l}: {}", ok.body);
        let cover = app.person_cover(&Actor::system(), person).await.unwrap();
        let part = cover.items[0].participation.id;

        // Reminders: queued for who is due, handed over as a CSV for an SMS gateway.
        // The button of a list narrowed to another village queues nobody here.
        let narrowed =
            send(&r, post("/collect/reminders", "days=30&place=18322-02&status=soon", Some(&cookie))).await;
        assert_eq!(narrowed.status, StatusCode::SEE_OTHER, "{l}: {}", narrowed.body);
        let none = send(&r, get("/collect", Some(&cookie))).await;
        assert!(
            !none.body.contains("Kính gửi Nguyễn Văn Thu"),
            "{l}: not reminded from another village's list"
        );
        let queued = send(&r, post("/collect/reminders", "days=30", Some(&cookie))).await;
        assert_eq!(queued.status, StatusCode::SEE_OTHER, "{l}: {}", queued.body);
        let sms = send(&r, get("/collect/reminders/sms", Some(&cookie))).await;
        assert_eq!(sms.status, StatusCode::OK, "{l}");
        assert!(
            sms.headers.get(header::CONTENT_TYPE).unwrap().to_str().unwrap().starts_with("text/csv"),
            "{l}"
        );
        let day = send(&r, get("/collect", Some(&cookie))).await;
        assert!(day.body.contains("Kính gửi Nguyễn Văn Thu"), "{l}: the open reminder is listed");
        assert!(day.body.contains("Theo thôn, tổ liên gia"), "{l}: the lines per village");
        // The renewal list narrowed to a village by name, and to those still in time.
        let narrowed =
            send(&r, get("/collect?days=30&status=soon&place=Th%C3%B4n%20Thanh%20B%C3%ACnh", Some(&cookie)))
                .await;
        assert_eq!(narrowed.status, StatusCode::OK, "{l}");
        assert!(narrowed.body.contains("Nguyễn Văn Thu") && !narrowed.body.contains("role=\"alert\""), "{l}");
        assert!(
            narrowed.body.contains("name=\"place\" value=\"18322-01\""),
            "{l}: the reminders button keeps the place"
        );
        let elsewhere = send(&r, get("/collect?days=30&status=soon&place=18322-02", Some(&cookie))).await;
        assert!(
            !elsewhere
                .body
                .contains("/persons/{person}/insurance".replace("{person}", &person.to_string()).as_str()),
            "{l}: another village"
        );
        let bad = send(&r, get("/collect?place=Nowhere%20Village&status=late", Some(&cookie))).await;
        assert_eq!(bad.status, StatusCode::OK, "{l}");
        assert!(
            bad.body.contains("Nowhere Village") && bad.body.contains("Trạng thái «late» không có"),
            "{l}: {}",
            bad.body
        );
        // The same through the API.
        let (actor, _) = app.login("thu.maihoa", ansinh_app::DEMO_PASSWORD).await.unwrap();
        let (_, token) = app.create_token(&actor, "thu.maihoa", "t").await.unwrap();
        let places = send(&r, bearer("/api/v1/collect/due/places?days=30", &token)).await;
        assert_eq!(places.status, StatusCode::OK, "{l}: {}", places.body);
        let v = places.json();
        let line = v["places"].as_array().unwrap().iter().find(|p| p["code"] == "18322-01").cloned().unwrap();
        assert_eq!(
            (line["level"].as_str(), line["reminded"].as_i64()),
            (Some("village"), Some(1)),
            "{l}: {line}"
        );
        let late = send(&r, bearer("/api/v1/collect/due?status=late", &token)).await;
        assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}: {}", late.body);
        let overdue = send(&r, bearer("/api/v1/collect/due?status=overdue", &token)).await;
        assert!(
            overdue.json().as_array().unwrap().iter().all(|d| d["person_id"] != person),
            "{l}: still in time"
        );

        // Pay; the same form sent twice (a double click) gives the same receipt.
        let pay = form(&[
            ("request_id", "form-abcdef-1"),
            ("scheme", "vsi"),
            ("participation_id", &part.to_string()),
            ("fund_name", ""),
            ("fund_amount", ""),
        ]);
        let first = send(&r, post("/collect/pay", &pay, Some(&cookie))).await;
        assert_eq!(first.status, StatusCode::SEE_OTHER, "{l}: {}", first.body);
        let second = send(&r, post("/collect/pay", &pay, Some(&cookie))).await;
        assert_eq!(first.location(), second.location(), "{l}");
        let receipt_url = first.location().split('?').next().unwrap().to_string();
        let receipt = send(&r, get(&first.location(), Some(&cookie))).await;
        assert_eq!(receipt.status, StatusCode::OK, "{l}");
        // 3 × (22% × 2,200,000 − 20% × 22% × 1,500,000) = 3 × (484,000 − 66,000) in Dec 2026.
        assert!(receipt.body.contains("1.254.000\u{a0}₫"), "{l}");
        assert!(receipt.body.contains("Một triệu hai trăm năm mươi bốn nghìn đồng"), "{l}");
        assert!(receipt.body.contains("<svg"), "{l}: the QR code");
        assert!(receipt.body.contains("Mẫu số: C45-BB"), "{l}");
        let pdf = send(&r, get(&format!("{receipt_url}/pdf"), Some(&cookie))).await;
        assert_eq!(pdf.status, StatusCode::OK, "{l}");
        assert_eq!(pdf.headers.get(header::CONTENT_TYPE).unwrap(), "application/pdf");
        assert!(pdf.body.starts_with("%PDF-1.7"), "{l}");
        assert_eq!(
            app.collector_day(&app.login("thu.maihoa", ansinh_app::DEMO_PASSWORD).await.unwrap().0, None)
                .await
                .unwrap()
                .receipts
                .len(),
            1,
            "{l}"
        );

        // The public check, signed out: valid, masked name, nothing else.
        let id: i64 = receipt_url.rsplit('/').next().unwrap().parse().unwrap();
        let code = app.receipt_view(&Actor::system(), id).await.unwrap().receipt.code;
        let public = send(&r, get(&format!("/bien-lai/{code}"), None)).await;
        assert_eq!(public.status, StatusCode::OK, "{l}");
        assert!(public.body.contains("Biên lai hợp lệ") && public.body.contains("N. V. Thu"), "{l}");
        assert!(!public.body.contains("Nguyễn Văn Thu"), "{l}: the full name stays private");
        let unknown = send(&r, get("/bien-lai?ma=AAAA-BBBB-CCCC", None)).await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{l}");

        // Void with a reason; the check then says void.
        let void = send(
            &r,
            post(&format!("{receipt_url}/void"), &form(&[("reason", "Thu nhầm người")]), Some(&cookie)),
        )
        .await;
        assert_eq!(void.status, StatusCode::SEE_OTHER, "{l}");
        let public = send(&r, get(&format!("/bien-lai/{code}"), None)).await;
        assert!(public.body.contains("Biên lai đã bị huỷ"), "{l}");

        // Household HI: the page lists members; enrol both, pay 12 months.
        let hh = send(&r, get(&format!("/households/{household}/insurance"), Some(&cookie))).await;
        assert_eq!(hh.status, StatusCode::OK, "{l}");
        // How it is priced, from the parameters in force (no legal number in the page's text).
        assert!(
            hh.body.contains("Người thứ nhất 4,5% mức lương cơ sở; người thứ 2, 3, 4 bằng 70%, 60%, 50%; từ người thứ 5 bằng 40%")
                && hh.body.contains("gián đoạn từ 3 tháng có giá trị sau 30 ngày"),
            "{l}"
        );
        let members = app.hi_candidates(&Actor::system(), household).await.unwrap().1;
        let ids: Vec<(&str, String)> =
            members.iter().map(|c| ("person_id", c.person.id.to_string())).collect();
        let body = ids.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
        let enrolled =
            send(&r, post(&format!("/households/{household}/insurance"), &body, Some(&cookie))).await;
        assert_eq!(enrolled.status, StatusCode::SEE_OTHER, "{l}: {}", enrolled.body);
        let pay = form(&[
            ("request_id", "form-hi-000001"),
            ("scheme", "hi_household"),
            ("household_id", &household.to_string()),
            ("months", "12"),
            ("fund_name", "Quỹ Tổ liên gia 100%"),
            ("fund_amount", "500.000"),
        ]);
        let paid = send(&r, post("/collect/pay", &pay, Some(&cookie))).await;
        assert_eq!(paid.status, StatusCode::SEE_OTHER, "{l}: {}", paid.body);
        let hi = send(&r, get(&paid.location(), Some(&cookie))).await;
        assert!(hi.body.contains("Quỹ Tổ liên gia 100%"), "{l}: the fund's part is on the receipt");
        let day = send(&r, get("/collect", Some(&cookie))).await;
        assert_eq!(day.status, StatusCode::OK, "{l}");
        assert!(day.body.contains("2.322.540\u{a0}₫"), "{l}: the day's total is the HI receipt alone");

        // The day closes into one batch; the province office confirms it.
        let closed = send(&r, post("/collect/close", "day=", Some(&cookie))).await;
        assert_eq!(closed.status, StatusCode::SEE_OTHER, "{l}: {}", closed.body);
        let batch = send(&r, get(&closed.location(), Some(&cookie))).await;
        assert!(
            batch.body.contains("Đã nộp, chờ BHXH xác nhận") && batch.body.contains("2.322.540\u{a0}₫"),
            "{l}"
        );
        let office = login(&r, "tinh.hatinh", ansinh_app::DEMO_PASSWORD).await;
        let reviewed = send(
            &r,
            post(
                &format!("{}/review", closed.location()),
                &form(&[("received", "2.322.540")]),
                Some(&office),
            ),
        )
        .await;
        assert_eq!(reviewed.status, StatusCode::SEE_OTHER, "{l}: {}", reviewed.body);
        let batch = send(&r, get(&closed.location(), Some(&office))).await;
        assert!(batch.body.contains("BHXH đã xác nhận"), "{l}");

        // The office imports a list of the other schemes; a bad row names its row.
        let list = "Số CCCD,Chế độ,Nhóm đối tượng,Từ ngày,Đến ngày\n042185007002,BHYT,employer,01/01/2026,\n042185007002,BHTN,X,bad,\n";
        let res = send(
            &r,
            upload("/collect/lists", "ds.csv", list.as_bytes(), &["valid_rows_only"], &office, false),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{l}: {}", res.body);
        assert!(res.body.contains("dòng 3, cột Từ ngày"), "{l}");
        assert!(res.body.contains("/persons/import/files/"), "{l}: the rejected rows come back as a file");
        let refused =
            send(&r, upload("/collect/lists", "ds.csv", list.as_bytes(), &[], &cookie, false)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{l}: collectors do not import lists");

        // A commune officer may look but not collect.
        let officer = login(&r, "xa.maihoa", "password-123").await;
        let refused =
            send(&r, post("/collect/pay", &pay.replace("form-hi-000001", "form-hi-000002"), Some(&officer)))
                .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{l}");
    }
}

#[tokio::test]
async fn the_api_enrols_pays_idempotently_and_verifies_without_a_token() {
    for (_, app, l, _t) in setups().await {
        let (r, app) = december(app);
        let (person, household) = collector_setup(&app).await;
        let (actor, _) = app.login("thu.maihoa", ansinh_app::DEMO_PASSWORD).await.unwrap();
        let (_, token) = app.create_token(&actor, "thu.maihoa", "api").await.unwrap();

        let e = send(
            &r,
            json_send(
                "POST",
                &format!("/api/v1/persons/{person}/vsi"),
                &token,
                serde_json::json!({"income": 1000, "mode_months": 12}),
            ),
        )
        .await;
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert_eq!(e.json()["error"]["field"], "income", "{l}");
        let e = send(
            &r,
            json_send(
                "POST",
                &format!("/api/v1/persons/{person}/vsi"),
                &token,
                serde_json::json!({"income": 2_200_000, "mode_months": 1}),
            ),
        )
        .await;
        assert_eq!(e.status, StatusCode::CREATED, "{l}: {}", e.body);
        let part = e.json()["id"].as_i64().unwrap();

        let body = serde_json::json!({"request_id": "api-request-0001", "items": [{"scheme": "vsi", "participation_id": part}]});
        let first = send(&r, json_send("POST", "/api/v1/payments", &token, body.clone())).await;
        assert_eq!(first.status, StatusCode::CREATED, "{l}: {}", first.body);
        let again = send(&r, json_send("POST", "/api/v1/payments", &token, body)).await;
        assert_eq!(again.status, StatusCode::OK, "{l}");
        assert_eq!(again.json()["replayed"], true);
        assert_eq!(first.json()["receipts"][0]["id"], again.json()["receipts"][0]["id"], "{l}");
        let receipt = &first.json()["receipts"][0];
        assert_eq!(receipt["amount"], 418_000, "{l}: 484,000 − 66,000");
        let id = receipt["id"].as_i64().unwrap();
        let code = receipt["code"].as_str().unwrap().to_string();

        let detail = send(&r, bearer(&format!("/api/v1/receipts/{id}"), &token)).await;
        assert_eq!(detail.json()["amount_words"], "Bốn trăm mười tám nghìn đồng", "{l}");
        let public =
            send(&r, Request::get(format!("/api/v1/receipts/verify/{code}")).body(Body::empty()).unwrap())
                .await;
        assert_eq!(public.status, StatusCode::OK, "{l}");
        assert_eq!(public.json()["masked_name"], "N. V. Thu", "{l}");
        assert_eq!(public.json()["valid"], true);

        let cover = send(&r, bearer(&format!("/api/v1/persons/{person}/cover"), &token)).await;
        assert_eq!(cover.json()["items"][0]["standing"]["status"], "active", "{l}: {}", cover.body);
        let day = send(&r, bearer("/api/v1/collect/day", &token)).await;
        assert_eq!(day.json()["total"], 418_000, "{l}");

        let v = send(
            &r,
            json_send(
                "POST",
                &format!("/api/v1/receipts/{id}/void"),
                &token,
                serde_json::json!({"reason": "Nhập sai"}),
            ),
        )
        .await;
        assert_eq!(v.status, StatusCode::OK, "{l}: {}", v.body);
        assert_eq!(v.json()["voided"], true);
        let cover = send(&r, bearer(&format!("/api/v1/persons/{person}/cover"), &token)).await;
        assert_eq!(cover.json()["items"][0]["standing"]["status"], "due", "{l}");

        let hi = send(
            &r,
            json_send(
                "POST",
                &format!("/api/v1/households/{household}/hi"),
                &token,
                serde_json::json!({"person_ids": [person]}),
            ),
        )
        .await;
        assert_eq!(hi.status, StatusCode::CREATED, "{l}: {}", hi.body);
        let due = send(&r, bearer("/api/v1/collect/due?days=30", &token)).await;
        assert!(due.json().as_array().unwrap().iter().any(|d| d["person_id"] == person), "{l}: {}", due.body);
    }
}

/// Lists and reminders through the API: a dry run writes nothing and names the bad cell, the
/// import is idempotent, a collector queues reminders and gets them as a file.
#[tokio::test]
async fn lists_and_reminders_through_the_api() {
    for (_, app, l, _t) in setups().await {
        let (r, app) = december(app);
        let (person, _) = collector_setup(&app).await;
        let (office, _) = app.login("tinh.hatinh", ansinh_app::DEMO_PASSWORD).await.unwrap();
        let (_, ot) = app.create_token(&office, "tinh.hatinh", "t").await.unwrap();
        let list = "cccd,scheme,group,from,to\n042080007001,csi,Công ty May Hà Tĩnh,01/03/2025,\n042185007002,hi,employer,31/02/2025,\n";
        let send_list = |mode: &str| {
            Request::post(format!("/api/v1/participation-lists?filename=ds.csv&mode={mode}"))
                .header(header::AUTHORIZATION, format!("Bearer {ot}"))
                .header(header::CONTENT_TYPE, "text/csv")
                .body(Body::from(list.to_string()))
                .unwrap()
        };
        let dry = send(&r, send_list("dry_run")).await;
        assert_eq!(dry.status, StatusCode::OK, "{l}: {}", dry.body);
        let d = dry.json();
        assert_eq!((d["written"].as_bool(), d["bad_rows"].as_u64()), (Some(false), Some(1)), "{l}: {d}");
        assert_eq!(d["errors"][0]["row"], 3, "{l}");
        let bad_mode = send(&r, send_list("maybe")).await;
        assert_eq!(bad_mode.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert_eq!(bad_mode.json()["error"]["field"], "mode", "{l}");
        let some = send(&r, send_list("valid_rows_only")).await.json();
        assert_eq!(
            (some["created"].as_u64(), some["written"].as_bool()),
            (Some(1), Some(true)),
            "{l}: {some}"
        );
        let again = send(&r, send_list("valid_rows_only")).await.json();
        assert_eq!(
            (again["created"].as_u64(), again["unchanged"].as_u64()),
            (Some(0), Some(1)),
            "{l}: {again}"
        );

        // The collector enrols the person; the reminder is queued and comes as a CSV.
        let (collector, _) = app.login("thu.maihoa", ansinh_app::DEMO_PASSWORD).await.unwrap();
        let e = ansinh_app::collection::VsiEnrolment {
            person_id: person,
            income: 2_200_000,
            mode_months: 1,
            ..Default::default()
        };
        app.enrol_vsi(&collector, &e).await.unwrap();
        let (_, ct) = app.create_token(&collector, "thu.maihoa", "t").await.unwrap();
        // Narrowed like the renewal list: a bad part is named; another village queues nobody.
        let bad = json_send("POST", "/api/v1/reminders", &ct, serde_json::json!({"status": "late"}));
        assert_eq!(send(&r, bad).await.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let other =
            json_send("POST", "/api/v1/reminders", &ct, serde_json::json!({"days": 30, "unit": "18322-02"}));
        assert_eq!(send(&r, other).await.json()["queued"], 0, "{l}");
        let q = send(&r, json_send("POST", "/api/v1/reminders", &ct, serde_json::json!({"days": 30}))).await;
        assert_eq!(q.status, StatusCode::CREATED, "{l}: {}", q.body);
        assert_eq!(q.json()["queued"], 1, "{l}");
        assert!(q.json()["reminders"][0]["message"].as_str().unwrap().contains("Nguyễn Văn Thu"), "{l}");
        // No phone on record: the printable list has him, the SMS file does not.
        let csv = send(&r, bearer("/api/v1/reminders/print", &ct)).await;
        assert_eq!(csv.status, StatusCode::OK, "{l}");
        assert!(csv.body.contains("Nguyễn Văn Thu"), "{l}");
        assert_eq!(send(&r, bearer("/api/v1/reminders/fax", &ct)).await.status, StatusCode::NOT_FOUND, "{l}");
        // The office does not collect: no outbox of its own.
        assert_eq!(
            send(&r, json_send("POST", "/api/v1/reminders", &ot, serde_json::json!({}))).await.status,
            StatusCode::FORBIDDEN,
            "{l}"
        );
    }
}
