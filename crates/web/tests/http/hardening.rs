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
