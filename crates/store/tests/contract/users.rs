//! Users, grants, sessions, tokens.

use super::*;

#[tokio::test]
async fn users_sessions_tokens_contract() {
    for t in testing::all().await {
        let l = t.label;
        loaded(&t).await;
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 8, 0, 0).unwrap();
        // A duplicate username is a unique violation (in its own transaction: PostgreSQL
        // aborts the transaction a failed statement ran in).
        let mut tx = t.db.begin().await.unwrap();
        let mut c = tx.conn();
        c.insert_user("dup.test", "A", "h", now).await.unwrap();
        let dup = c.insert_user("dup.test", "B", "h", now).await.unwrap_err();
        assert!(dup.is_unique_violation(), "{l}: {dup}");
        drop(tx);

        let mut tx = t.db.begin().await.unwrap();
        let mut c = tx.conn();
        assert_eq!(c.count_users().await.unwrap(), 0, "{l}: the duplicate test rolled back");
        let a = c.insert_user("xa.maihoa", "Phan Văn Thắng", "hash-a", now).await.unwrap();
        let b = c.insert_user("tinh.hatinh", "Nguyễn Thị Hương", "hash-b", now).await.unwrap();
        c.insert_grant(a, Role::CommuneOfficer, 12501).await.unwrap();
        c.insert_grant(b, Role::ProvinceOfficer, 28).await.unwrap();
        c.insert_grant(b, Role::Viewer, 378).await.unwrap();

        let ua = c.user_by_username("xa.maihoa").await.unwrap().unwrap();
        assert_eq!(
            (ua.id, ua.display_name.as_str(), ua.failed_logins, ua.active),
            (a, "Phan Văn Thắng", 0, true),
            "{l}"
        );
        assert_eq!(c.user_by_id(b).await.unwrap().unwrap().username, "tinh.hatinh", "{l}");
        assert!(c.user_by_username("nobody").await.unwrap().is_none(), "{l}");

        let g = c.grants_of(b).await.unwrap();
        assert_eq!(g.len(), 2, "{l}");
        assert_eq!(
            (g[0].role, g[0].unit_path.as_str(), g[0].unit_name.as_str()),
            (Role::ProvinceOfficer, "/0/28/", "Tỉnh Hà Tĩnh"),
            "{l}"
        );

        // Users in scope: the commune officer is inside the province, not the other way.
        let in_commune = c.users_in_scope(&["/0/28/12501/".to_string()]).await.unwrap();
        assert_eq!(in_commune.iter().map(|u| u.id).collect::<Vec<_>>(), [a], "{l}");
        assert_eq!(c.users_in_scope(&["/0/28/".to_string()]).await.unwrap().len(), 2, "{l}");
        assert!(c.users_in_scope(&[]).await.unwrap().is_empty(), "{l}");

        // Lock-out bookkeeping and password change.
        let until = now + Duration::minutes(15);
        c.set_login_failures(a, 5, Some(until)).await.unwrap();
        let ua = c.user_by_id(a).await.unwrap().unwrap();
        assert_eq!((ua.failed_logins, ua.locked_until), (5, Some(until)), "{l}");
        c.set_password(a, "hash-new").await.unwrap();
        let ua = c.user_by_id(a).await.unwrap().unwrap();
        assert_eq!(
            (ua.password_hash.as_str(), ua.failed_logins, ua.locked_until),
            ("hash-new", 0, None),
            "{l}"
        );

        // Sessions.
        c.insert_session("s-hash", a, now, now + Duration::hours(12)).await.unwrap();
        assert_eq!(c.session("s-hash").await.unwrap(), Some((a, now + Duration::hours(12))), "{l}");
        c.delete_session("s-hash").await.unwrap();
        assert_eq!(c.session("s-hash").await.unwrap(), None, "{l}");
        // Every session of a user; expired ones.
        c.insert_session("s1", a, now, now + Duration::hours(12)).await.unwrap();
        c.insert_session("s2", a, now, now + Duration::hours(12)).await.unwrap();
        c.insert_session("s3", b, now, now + Duration::hours(12)).await.unwrap();
        c.insert_session("old", b, now - Duration::hours(13), now - Duration::hours(1)).await.unwrap();
        assert_eq!(c.delete_sessions_of(a).await.unwrap(), 2, "{l}");
        assert_eq!(c.purge_expired_sessions(now).await.unwrap(), 1, "{l}");
        assert!(c.session("s3").await.unwrap().is_some() && c.session("old").await.unwrap().is_none(), "{l}");

        // API tokens.
        let tid = c.insert_token(a, "thu", "t-hash", "ansinh_abc", now).await.unwrap();
        let tok = c.token_by_hash("t-hash").await.unwrap().unwrap();
        assert_eq!((tok.id, tok.user_id, tok.label.as_str(), tok.revoked_at), (tid, a, "thu", None), "{l}");
        c.touch_token(tid, now + Duration::minutes(1)).await.unwrap();
        assert_eq!(c.tokens_of(a).await.unwrap()[0].last_used_at, Some(now + Duration::minutes(1)), "{l}");
        assert!(!c.revoke_token(tid, b, now).await.unwrap(), "{l}: not b's token");
        assert!(c.revoke_token(tid, a, now).await.unwrap(), "{l}");
        assert!(!c.revoke_token(tid, a, now).await.unwrap(), "{l}: already revoked");
        assert_eq!(c.token_by_hash("t-hash").await.unwrap().unwrap().revoked_at, Some(now), "{l}");
        assert!(c.tokens_of(b).await.unwrap().is_empty(), "{l}");
        // Every live token of a user at once.
        c.insert_token(a, "hai", "t2", "ansinh_t2", now).await.unwrap();
        c.insert_token(a, "ba", "t3", "ansinh_t3", now).await.unwrap();
        assert_eq!(c.revoke_tokens_of(a, now).await.unwrap(), 2, "{l}: the revoked one is not counted");
        assert!(c.tokens_of(a).await.unwrap().iter().all(|t| t.revoked_at.is_some()), "{l}");
        tx.commit().await.unwrap();
    }
}
