//! The audit trail: append, filter by scope, page.

use super::*;

#[tokio::test]
async fn audit_contract() {
    for t in testing::all().await {
        let l = t.label;
        let t0 = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        let mut tx = t.db.begin().await.unwrap();
        let mut c = tx.conn();
        c.insert_audit(&audit("/0/28/12501/", "unit.create", "xa.maihoa", t0)).await.unwrap();
        c.insert_audit(&audit("/0/28/12501/99/", "unit.rename", "xa.maihoa", t0 + Duration::days(1)))
            .await
            .unwrap();
        c.insert_audit(&audit("/0/28/6140/", "unit.create", "other", t0 + Duration::days(2))).await.unwrap();
        c.insert_audit(&audit("/0/30/", "user.create", "admin", t0 + Duration::days(3))).await.unwrap();
        tx.commit().await.unwrap();

        let mut r = t.db.read().await.unwrap();
        let mut c = r.conn();
        let commune = vec!["/0/28/12501/".to_string()];
        let rows = c.list_audit(&commune, &AuditFilter::default(), 10).await.unwrap();
        assert_eq!(
            rows.iter().map(|r| r.action.as_str()).collect::<Vec<_>>(),
            ["unit.rename", "unit.create"],
            "{l}: newest first, scoped"
        );
        assert_eq!(rows[0].before_json.as_deref(), Some(r#"{"name":"A"}"#), "{l}");
        let province = vec!["/0/28/".to_string()];
        assert_eq!(c.list_audit(&province, &AuditFilter::default(), 10).await.unwrap().len(), 3, "{l}");
        assert!(c.list_audit(&[], &AuditFilter::default(), 10).await.unwrap().is_empty(), "{l}");
        let f = AuditFilter { action: Some("unit.create".into()), ..Default::default() };
        assert_eq!(c.list_audit(&province, &f, 10).await.unwrap().len(), 2, "{l}");
        let f = AuditFilter { actor: Some("other".into()), ..Default::default() };
        assert_eq!(c.list_audit(&province, &f, 10).await.unwrap().len(), 1, "{l}");
        let f = AuditFilter {
            from: Some(t0 + Duration::hours(12)),
            to: Some(t0 + Duration::days(2)),
            ..Default::default()
        };
        let rows = c.list_audit(&province, &f, 10).await.unwrap();
        assert_eq!(
            rows.iter().map(|r| r.action.as_str()).collect::<Vec<_>>(),
            ["unit.rename"],
            "{l}: half-open time range"
        );
        let first = c.list_audit(&province, &AuditFilter::default(), 1).await.unwrap();
        let f = AuditFilter { before_id: Some(first[0].id), ..Default::default() };
        let next = c.list_audit(&province, &f, 10).await.unwrap();
        assert_eq!(next.len(), 2, "{l}: keyset page");
        assert!(next.iter().all(|r| r.id < first[0].id), "{l}");
        let actions = c.audit_actions(&[ROOT_PATH.to_string()]).await.unwrap();
        assert_eq!(actions, ["unit.create", "unit.rename", "user.create"], "{l}");
        assert_eq!(c.audit_actions(&commune).await.unwrap(), ["unit.create", "unit.rename"], "{l}: scoped");
        drop(r);

        // Append-only: the database itself refuses changes.
        let mut tx = t.db.begin().await.unwrap();
        let res = match tx.conn() {
            ansinh_store::Conn::Sqlite(c) => {
                sqlx::query("UPDATE audit SET actor = 'x'").execute(&mut *c).await.map(|_| ())
            }
            ansinh_store::Conn::Postgres(c) => {
                sqlx::query("UPDATE audit SET actor = 'x'").execute(&mut *c).await.map(|_| ())
            }
        };
        assert!(res.is_err(), "{l}: audit UPDATE must fail");
        drop(tx);
        let mut tx = t.db.begin().await.unwrap();
        let res = match tx.conn() {
            ansinh_store::Conn::Sqlite(c) => {
                sqlx::query("DELETE FROM audit").execute(&mut *c).await.map(|_| ())
            }
            ansinh_store::Conn::Postgres(c) => {
                sqlx::query("DELETE FROM audit").execute(&mut *c).await.map(|_| ())
            }
        };
        assert!(res.is_err(), "{l}: audit DELETE must fail");
    }
}
