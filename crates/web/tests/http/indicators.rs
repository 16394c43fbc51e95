//! Coverage indicators over HTTP: the dashboard pages with their figures and sources, the
//! report files, the boundaries, forms that name the refused field, and the API with its
//! statuses (a commune officer may not set a province target; a month is kept once).

use super::*;

fn bytes_start(r: &Resp, prefix: &[u8]) -> bool {
    // The body was read as lossy UTF-8: the ASCII prefix survives.
    r.body.as_bytes().starts_with(prefix)
}

#[tokio::test]
async fn indicators_through_the_pages_and_the_api() {
    for (r, mut app, l, _t) in setups().await {
        app.set_clock(ansinh_app::Clock::on(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()));
        drop(r);
        let r = router(app.clone(), WebConfig::default());
        app.seed_population(2_000, 3, &mut |_, _| {}).await.unwrap();
        let sys = Actor::system();
        let ht = app.unit_by_code(&sys, "42", None).await.unwrap().id;
        let mh = app.unit_by_code(&sys, "18322", None).await.unwrap().id;
        let cookie = login(&r, "tinh.hatinh", ansinh_app::DEMO_PASSWORD).await;
        // The entry redirects to the viewer's province.
        let res = send(&r, get("/indicators", Some(&cookie))).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}");
        assert_eq!(res.headers.get("location").unwrap(), &format!("/indicators/{ht}"), "{l}");
        let page = send(&r, get(&format!("/indicators/{ht}"), Some(&cookie))).await;
        assert_eq!(page.status, StatusCode::OK, "{l}: {}", page.body);
        for text in [
            "Chỉ tiêu bao phủ: Tỉnh Hà Tĩnh",
            "Số liệu đến ngày",
            "Tỷ lệ bao phủ BHYT",
            "minh hoạ",
            "Xã Mai Hoa",
            "id=\"map\"",
            "id=\"ind-data\"",
        ] {
            assert!(page.body.contains(text), "{l}: {text}");
        }
        // The commune's page ranks its villages; Thanh Bình shows the seed's 47 of 82.
        let page = send(&r, get(&format!("/indicators/{mh}?indicator=vsi"), Some(&cookie))).await;
        assert!(page.body.contains("Thôn Thanh Bình") && page.body.contains("57,32 %"), "{l}");
        // Files: the report as PDF and XLSX, the ranking as CSV, the boundaries.
        let pdf = send(&r, get(&format!("/indicators/{ht}/report.pdf"), Some(&cookie))).await;
        assert_eq!(pdf.headers.get("content-type").unwrap(), "application/pdf", "{l}");
        assert!(bytes_start(&pdf, b"%PDF"), "{l}");
        let xlsx = send(&r, get(&format!("/indicators/{ht}/report.xlsx"), Some(&cookie))).await;
        assert!(bytes_start(&xlsx, b"PK"), "{l}");
        assert!(
            xlsx.body.contains("xl/media/image1.png") && xlsx.body.contains("xl/charts/chart1.xml"),
            "{l}: the map and the charts"
        );
        let csv = send(&r, get(&format!("/indicators/{ht}/ranking.csv?indicator=hi"), Some(&cookie))).await;
        assert!(csv.body.contains("hang,ma,don_vi") && csv.body.contains("Xã Mai Hoa"), "{l}: {}", csv.body);
        let geo = send(&r, get("/geo/communes/42.json", None)).await;
        assert!(geo.status == StatusCode::OK && geo.body.contains("\"18322\""), "{l}");
        assert_eq!(send(&r, get("/geo/communes/99.json", None)).await.status, StatusCode::NOT_FOUND, "{l}");
        // A bad target: the page names the field and keeps what was typed.
        let bad = send(
            &r,
            post(
                &format!("/indicators/{ht}/targets"),
                &form(&[
                    ("unit_id", &ht.to_string()),
                    ("year", "2026"),
                    ("indicator", "si"),
                    ("rate", "ba mươi"),
                    ("resolution", "NQ 99/NQ-HĐND"),
                ]),
                Some(&cookie),
            ),
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(bad.body.contains("Tỷ lệ (%): Tỷ lệ «ba mươi» không hợp lệ"), "{l}: {}", bad.body);
        assert!(bad.body.contains("value=\"NQ 99/NQ-HĐND\""), "{l}");
        let ok = send(
            &r,
            post(
                &format!("/indicators/{ht}/targets"),
                &form(&[
                    ("unit_id", &ht.to_string()),
                    ("year", "2026"),
                    ("indicator", "ui"),
                    ("rate", "16,5"),
                    ("resolution", "NQ 99/NQ-HĐND"),
                ]),
                Some(&cookie),
            ),
        )
        .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{l}: {}", ok.body);
        let page = send(&r, get(&format!("/indicators/{ht}/targets"), Some(&cookie))).await;
        assert!(page.body.contains("16,50 %") && page.body.contains("NQ 99/NQ-HĐND"), "{l}");
        // Planner, retention and the snapshot pages answer.
        let plan = send(&r, get(&format!("/indicators/{ht}/plan?indicator=hi"), Some(&cookie))).await;
        assert!(plan.status == StatusCode::OK && plan.body.contains("name=\"add_"), "{l}");
        let ret = send(&r, get(&format!("/indicators/{ht}/retention"), Some(&cookie))).await;
        assert_eq!(ret.status, StatusCode::OK, "{l}");

        // The API.
        let (o, _) = app.login("tinh.hatinh", ansinh_app::DEMO_PASSWORD).await.unwrap();
        let (_, token) = app.create_token(&o, "tinh.hatinh", "t").await.unwrap();
        let res = send(&r, bearer(&format!("/api/v1/indicators/{ht}?indicator=hi"), &token)).await;
        assert_eq!(res.status, StatusCode::OK, "{l}: {}", res.body);
        let d: serde_json::Value = serde_json::from_str(&res.body).unwrap();
        let hi = d["headline"]["values"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["indicator"] == "hi")
            .unwrap()
            .clone();
        assert!(
            hi["numerator"].as_i64().unwrap() > 0 && hi["denominator"]["source"].as_str().is_some(),
            "{l}: {hi}"
        );
        assert!(d["children"].as_array().unwrap().len() > 50, "{l}");
        let bad = send(&r, json_send("POST", "/api/v1/targets", &token, serde_json::json!({"unit_id": ht, "year": 2026, "indicator": "si", "rate": "120", "resolution": "NQ"}))).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(bad.body.contains("\"field\":\"rate\""), "{l}: {}", bad.body);
        let (c, _) = app.login("xa.maihoa", "password-123").await.unwrap();
        let (_, ct) = app.create_token(&c, "xa.maihoa", "t").await.unwrap();
        let t = serde_json::json!({"unit_id": mh, "year": 2026, "indicator": "vsi", "rate": "25", "resolution": "NQ xã"});
        assert_eq!(
            send(&r, json_send("POST", "/api/v1/targets", &ct, t.clone())).await.status,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        let outside = serde_json::json!({"unit_id": ht, "year": 2026, "indicator": "vsi", "rate": "25", "resolution": "NQ"});
        assert_eq!(
            send(&r, json_send("POST", "/api/v1/targets", &ct, outside)).await.status,
            StatusCode::NOT_FOUND,
            "{l}: outside is missing"
        );
        assert_eq!(
            send(&r, json_send("POST", "/api/v1/targets", &token, t)).await.status,
            StatusCode::CREATED,
            "{l}"
        );
        let d = serde_json::json!({"unit_id": mh, "year": 2026, "kind": "labour_force", "value": 1200, "source": "Chi cục Thống kê"});
        assert_eq!(
            send(&r, json_send("POST", "/api/v1/denominators", &token, d)).await.status,
            StatusCode::CREATED,
            "{l}"
        );
        let v = send(&r, bearer(&format!("/api/v1/indicators/{mh}/values"), &token)).await;
        let v: serde_json::Value = serde_json::from_str(&v.body).unwrap();
        let vsi = v["values"].as_array().unwrap().iter().find(|x| x["indicator"] == "vsi").unwrap();
        assert_eq!(
            (vsi["denominator"]["value"].as_i64(), vsi["target"]["rate_bp"].as_i64()),
            (Some(1200), Some(2500)),
            "{l}: {vsi}"
        );
        let list = send(&r, bearer(&format!("/api/v1/targets?unit_id={mh}"), &token)).await;
        assert!(list.body.contains("NQ xã") && list.body.contains("Chi cục Thống kê"), "{l}");
        // Plan and hand-down.
        let p =
            send(&r, bearer(&format!("/api/v1/indicators/{ht}/plan?year=2026&indicator=hi"), &token)).await;
        let p: serde_json::Value = serde_json::from_str(&p.body).unwrap();
        let first = p["rows"].as_array().unwrap().iter().find(|x| x["proposed"].as_i64() > Some(0)).unwrap();
        let body = serde_json::json!({"year": 2026, "indicator": "hi", "assignments": [{"unit_id": first["unit"]["id"], "additional": first["proposed"]}]});
        let res = send(&r, json_send("POST", &format!("/api/v1/indicators/{ht}/plan"), &token, body)).await;
        assert_eq!(res.status, StatusCode::OK, "{l}: {}", res.body);
        assert!(res.body.contains("\"handed_down\":1"), "{l}");
        // A month is kept once; its dashboard reads back.
        let s = serde_json::json!({"unit_id": ht, "month": "2026-10"});
        assert_eq!(
            send(&r, json_send("POST", "/api/v1/snapshots", &token, s.clone())).await.status,
            StatusCode::CREATED,
            "{l}"
        );
        assert_eq!(
            send(&r, json_send("POST", "/api/v1/snapshots", &token, s)).await.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{l}"
        );
        let snap = send(&r, bearer(&format!("/api/v1/snapshots/{ht}/2026-10"), &token)).await;
        assert!(
            snap.status == StatusCode::OK && snap.body.contains("\"snapshot_by\":\"tinh.hatinh\""),
            "{l}: {}",
            snap.body
        );
        let list = send(&r, bearer(&format!("/api/v1/snapshots?unit_id={ht}"), &token)).await;
        assert!(list.body.contains("202610"), "{l}");
        let ret = send(&r, bearer(&format!("/api/v1/indicators/{ht}/retention"), &token)).await;
        assert_eq!(ret.status, StatusCode::OK, "{l}");
        // Targets and denominators from a file: one bad row and nothing is written.
        let file = |body: &str| {
            Request::post("/api/v1/targets/import?filename=chi-tieu.csv")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::from(body.to_string()))
                .unwrap()
        };
        let bad = "Mã đơn vị,Năm,Chỉ tiêu hoặc mẫu số,Giá trị,Căn cứ\n18322,2027,hi,95,NQ 7/NQ-HĐND\n18322,2027,bhyt,nhiều,NQ 7\n99999,2027,labour_force,1000,Thống kê\n";
        let res = send(&r, file(bad)).await;
        assert_eq!(res.status, StatusCode::OK, "{l}: {}", res.body);
        let v: serde_json::Value = serde_json::from_str(&res.body).unwrap();
        assert_eq!(
            (v["written"].as_bool(), v["errors"].as_array().map(Vec::len)),
            (Some(false), Some(2)),
            "{l}: {v}"
        );
        assert_eq!(
            (v["errors"][0]["row"].as_i64(), v["errors"][1]["row"].as_i64()),
            (Some(3), Some(4)),
            "{l}: {v}"
        );
        let good = "unit_code,year,what,value,basis\n18322,2027,hi,95,NQ 7/NQ-HĐND\n18322,2027,population,5000,Chi cục Thống kê\n";
        let v: serde_json::Value = serde_json::from_str(&send(&r, file(good)).await.body).unwrap();
        assert_eq!(
            (v["written"].as_bool(), v["targets"].as_i64(), v["denominators"].as_i64()),
            (Some(true), Some(1), Some(1)),
            "{l}: {v}"
        );
        let list = send(&r, bearer(&format!("/api/v1/targets?unit_id={mh}"), &token)).await;
        assert!(list.body.contains("NQ 7/NQ-HĐND"), "{l}");
        assert_eq!(
            send(&r, get("/indicators/targets-template.csv", Some(&cookie))).await.status,
            StatusCode::OK,
            "{l}"
        );
    }
}
