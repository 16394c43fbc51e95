//! Migrations are idempotent; database URLs are checked.

use super::*;

#[tokio::test]
async fn migrations_are_idempotent_and_urls_checked() {
    for t in testing::all().await {
        t.db.migrate().await.unwrap();
        t.db.migrate().await.unwrap();
    }
    let e = ansinh_store::Db::connect("mysql://x").await.unwrap_err();
    assert!(e.to_string().contains("mysql://x"));
}
