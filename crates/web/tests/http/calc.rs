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
