//! Behaviour under load: a busy database.

use super::*;

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

/// The smaller defects of the hardening review: every API error in the documented shape,
/// overflowing numbers refused, pages never cached and under a content-security policy.
#[tokio::test]
async fn api_errors_have_one_shape_and_numbers_do_not_wrap() {
    for (r, app, l, _t) in setups().await {
        let (actor, _) = app.login("xa.maihoa", "password-123").await.unwrap();
        let (_, token) = app.create_token(&actor, "xa.maihoa", "test").await.unwrap();
        // axum's own rejections, now in {"error": {...}}.
        let mut cases = vec![
            (json_send("POST", "/api/v1/persons", &token, serde_json::json!("not an object")), "invalid"),
            (bearer("/api/v1/persons/not-a-number", &token), "invalid"),
            (bearer("/api/v1/no-such-thing", &token), "not_found"),
        ];
        let mut no_type = json_send("POST", "/api/v1/calc/vsi", &token, serde_json::json!({}));
        no_type.headers_mut().remove(header::CONTENT_TYPE);
        cases.push((no_type, "unsupported_media_type"));
        for (req, code) in cases {
            let uri = req.uri().to_string();
            let res = send(&r, req).await;
            assert!(res.status.is_client_error(), "{l} {uri}: {}", res.status);
            let body = res.json();
            assert_eq!(body["error"]["code"], code, "{l} {uri}: {body}");
            assert!(body["error"]["message_vi"].as_str().is_some_and(|m| !m.is_empty()), "{l} {uri}");
        }
        // Overflow: refused with the field named, not wrapped to page 1 or a negative pension.
        let res = send(&r, bearer("/api/v1/persons?page=9223372036854775807", &token)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}: {}", res.body);
        assert_eq!(res.json()["error"]["field"], "page", "{l}");
        let pension = serde_json::json!({ "sex": "male", "years": 30, "average_income": i64::MAX });
        let res = send(&r, json_post("/api/v1/calc/pension", pension)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}: {}", res.body);
        assert_eq!(res.json()["error"]["field"], "average_income", "{l}");
        // Pages with personal data are not cached, and run only this site's scripts.
        let s = login(&r, "xa.maihoa", "password-123").await;
        let page = send(&r, get("/persons", Some(&s))).await;
        assert_eq!(page.headers.get(header::CACHE_CONTROL).unwrap(), "no-store", "{l}");
        let csp = page.headers.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap().to_string();
        assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{l}: {csp}");
        let css = send(&r, get("/static/app.css", None)).await;
        assert_ne!(css.headers.get(header::CACHE_CONTROL).unwrap(), "no-store", "{l}: assets stay cacheable");
    }
}
