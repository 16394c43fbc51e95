//! Community models and outreach over HTTP: forms that name the field they refuse and keep
//! what was typed, the model page and its fund files, and the API with its statuses (a visit
//! sent twice answers 201 then 200, a viewer may not launch, a deposit that is no deposit is
//! refused by name).

use super::*;

#[tokio::test]
async fn models_through_the_pages_and_the_api() {
    for (r, app, l, _t) in setups().await {
        app.seed_demo().await.unwrap();
        let cookie = login(&r, "xa.maihoa", "password-123").await;
        // The launch form as filled in, with what each case changes.
        let launch = |changes: &[(&'static str, &'static str)]| {
            let mut f = vec![
                ("name", "Heo đất Thanh Bình"),
                ("unit_code", "18322"),
                ("kind", "savings"),
                ("organisation", "womens_union"),
                ("launched_on", "01/06/2025"),
                ("income_months", "1"),
            ];
            for (k, v) in changes {
                match f.iter_mut().find(|(n, _)| n == k) {
                    Some(x) => x.1 = v,
                    None => f.push((k, v)),
                }
            }
            post("/models", &form(&f), Some(&cookie))
        };
        // A bad launch: the page says which field and why, and keeps the name typed.
        let bad = send(&r, launch(&[("launched_on", "31/02/2026"), ("income_months", "0")])).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(bad.body.contains("Ngày ra mắt: Ngày «31/02/2026» không hợp lệ"), "{l}: {}", bad.body);
        assert!(bad.body.contains("value=\"Heo đất Thanh Bình\""), "{l}");
        let bad = send(&r, launch(&[("kind", "piggy"), ("income_months", "0")])).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(bad.body.contains("Tháng có thu nhập: Tháng có thu nhập «0» không hợp lệ"), "{l}");
        assert!(bad.body.contains("Loại: Loại mô hình «piggy» không hợp lệ"), "{l}: both at once");
        // Its places by name, several in one field: one outside the user's scope is named.
        let bad = send(&r, launch(&[("places", "Thanh Bình; Tân Sơn")])).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(
            bad.body.contains("Không tìm thấy địa bàn «Tân Sơn» trong phạm vi của bạn"),
            "{l}: {}",
            bad.body
        );
        assert!(bad.body.contains("value=\"Thanh Bình; Tân Sơn\""), "{l}: kept as typed");
        let ok = send(
            &r,
            launch(&[
                // The commune by name, as the place picker takes it.
                ("unit_code", "Mai Hoa"),
                ("income_months", "1,4,7,10"),
                // Places as the multi-place picker writes them, and a code.
                ("places", "Thôn Thanh Bình · Xã Mai Hoa (18322-01); 18322-02"),
            ]),
        )
        .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{l}: {}", ok.body);
        let url = ok.headers[header::LOCATION].to_str().unwrap().to_string();
        let id: i64 = url.rsplit('/').next().unwrap().parse().unwrap();
        let page = send(&r, get(&url, Some(&cookie))).await;
        assert_eq!(page.status, StatusCode::OK, "{l}");
        assert!(page.body.contains("tháng 1, 4, 7, 10") && page.body.contains("Heo đất tiết kiệm"), "{l}");
        let model = app.model_view(&Actor::system(), id).await.unwrap();
        let codes: Vec<&str> = model.places.iter().map(|u| u.code.as_str()).collect();
        assert_eq!(codes, ["18322-01", "18322-02"], "{l}");

        // A campaign over places by name (the picker's «;» list).
        let camp = send(
            &r,
            post(
                "/outreach/campaigns",
                &form(&[
                    ("name", "Tháng vận động"),
                    ("unit_codes", "Thanh Bình; tổ 2 Thanh Bình"),
                    ("starts_on", "01/12/2026"),
                    ("ends_on", "31/12/2026"),
                    ("target_visits", "50"),
                    ("target_enrolments", "5"),
                ]),
                Some(&cookie),
            ),
        )
        .await;
        assert_eq!(camp.status, StatusCode::SEE_OTHER, "{l}: {}", camp.body);
        let bad = send(
            &r,
            post(
                "/outreach/campaigns",
                &form(&[
                    ("name", "Tháng vận động"),
                    ("unit_codes", "Hà Tĩnh"),
                    ("starts_on", "01/12/2026"),
                    ("ends_on", "31/12/2026"),
                ]),
                Some(&cookie),
            ),
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(bad.body.contains("«Hà Tĩnh»"), "{l}: {}", bad.body);
        // A member by an unknown household code: named, nothing written.
        let m = send(
            &r,
            post(
                &format!("/models/{id}/members"),
                &form(&[("member", "KHONG-CO"), ("joined_on", "01/07/2025")]),
                Some(&cookie),
            ),
        )
        .await;
        assert_eq!(m.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(m.body.contains("Thành viên: Không tìm thấy hộ mã «KHONG-CO»"), "{l}");
        // Money in, then the files.
        let d = send(
            &r,
            post(
                &format!("/models/{id}/deposits"),
                &form(&[
                    ("kind", "savings"),
                    ("amount", "1.200.000"),
                    ("on", "01/07/2025"),
                    ("note", "Mở heo đất"),
                ]),
                Some(&cookie),
            ),
        )
        .await;
        assert_eq!(d.status, StatusCode::SEE_OTHER, "{l}: {}", d.body);
        let bad = send(
            &r,
            post(
                &format!("/models/{id}/deposits"),
                &form(&[("kind", "contribution"), ("amount", "1000"), ("on", "01/07/2025")]),
                Some(&cookie),
            ),
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(bad.body.contains("Loại: Chỉ ghi tay các khoản thu vào quỹ"), "{l}");
        let fund = send(&r, get(&format!("/models/{id}/fund"), Some(&cookie))).await;
        assert!(fund.body.contains("1.200.000\u{a0}₫") && fund.body.contains("Mở heo đất"), "{l}");
        let pdf = send(&r, get(&format!("/models/{id}/fund.pdf"), Some(&cookie))).await;
        assert!(pdf.status == StatusCode::OK && pdf.body.starts_with("%PDF-"), "{l}");
        let xlsx = send(&r, get(&format!("/models/{id}/fund.xlsx"), Some(&cookie))).await;
        assert!(xlsx.status == StatusCode::OK && xlsx.body.starts_with("PK"), "{l}");
        for uri in ["/models", "/outreach", "/outreach/next"] {
            let p = send(&r, get(uri, Some(&cookie))).await;
            assert_eq!(p.status, StatusCode::OK, "{l} {uri}");
        }

        // The API: a viewer may not launch; a visit sent twice is one visit.
        let sys = Actor::system();
        let viewer = NewUser {
            username: "xem.mh".into(),
            display_name: String::new(),
            password: "password-123".into(),
            role: "viewer".into(),
            unit_code: "18322".into(),
        };
        app.add_user(&sys, &viewer).await.unwrap();
        let (v, _) = app.login("xem.mh", "password-123").await.unwrap();
        let (_, vt) = app.create_token(&v, "xem.mh", "t").await.unwrap();
        let body = serde_json::json!({"unit_code": "18322", "kind": "garden", "name": "Vườn rau", "organisation": "farmers_union", "launched_on": "2025-03-01"});
        assert_eq!(
            send(&r, json_send("POST", "/api/v1/models", &vt, body.clone())).await.status,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        let (o, _) = app.login("xa.maihoa", "password-123").await.unwrap();
        let (_, ot) = app.create_token(&o, "xa.maihoa", "t").await.unwrap();
        let created = send(&r, json_send("POST", "/api/v1/models", &ot, body)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{l}: {}", created.body);
        let bad = send(
            &r,
            json_send(
                "POST",
                &format!("/api/v1/models/{id}/deposits"),
                &ot,
                serde_json::json!({"kind": "sale", "amount": -5, "on": "2025-07-01"}),
            ),
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert_eq!(bad.json()["error"]["field"], "amount", "{l}");
        let p = app
            .create_person(
                &sys,
                &ansinh_app::registry::PersonInput {
                    cccd: "042085009001".into(),
                    full_name: "Hồ Văn Tâm".into(),
                    birth_date: "1985".into(),
                    sex: "Nam".into(),
                    unit_code: "18322-01".into(),
                    household_code: "TAM-1".into(),
                    relation: "Chủ hộ".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let visit = serde_json::json!({"client_id": "api-visit-0001", "person_id": p.id, "visited_on": app.today(), "outcome": "undecided", "reason": "Chưa có tiền"});
        let first = send(&r, json_send("POST", "/api/v1/visits", &ot, visit.clone())).await;
        assert_eq!(first.status, StatusCode::CREATED, "{l}: {}", first.body);
        let again = send(&r, json_send("POST", "/api/v1/visits", &ot, visit)).await;
        assert_eq!(again.status, StatusCode::OK, "{l}");
        assert_eq!(
            (again.json()["replayed"].as_bool(), again.json()["id"].clone()),
            (Some(true), first.json()["id"].clone()),
            "{l}"
        );
        let groups = send(&r, bearer(&format!("/api/v1/groups/{}", p.unit_id), &ot)).await;
        assert_eq!(groups.status, StatusCode::OK, "{l}");
        let g = groups.json();
        assert_eq!(g["uninsured"][0]["last_outcome"], "undecided", "{l}: {g}");
        let next = send(&r, bearer("/api/v1/visit-next?limit=5", &ot)).await;
        assert_eq!(next.status, StatusCode::OK, "{l}");
        let viewer_next = send(&r, bearer("/api/v1/visit-next", &vt)).await;
        assert_eq!(viewer_next.status, StatusCode::FORBIDDEN, "{l}");
    }
}
