//! Sign-in, lock-out, tokens, users; a long write blocks no read.

use super::*;

#[tokio::test]
async fn login_lockout_tokens_and_users() {
    for (app, l, _t) in apps().await {
        let (admin, session) = app.login("admin", "admin-password-1").await.unwrap();
        assert_eq!(app.session_actor(&session).await.unwrap().unwrap().username, "admin", "{l}");
        app.logout(&session).await.unwrap();
        assert!(app.session_actor(&session).await.unwrap().is_none(), "{l}");
        assert!(app.session_actor("forged").await.unwrap().is_none(), "{l}");

        let officer = user(&app, "xa.maihoa", "commune_officer", "18322").await;
        for _ in 0..4 {
            assert!(
                matches!(app.login("xa.maihoa", "wrong-password").await, Err(AppError::BadCredentials)),
                "{l}"
            );
        }
        assert!(
            matches!(app.login("xa.maihoa", "wrong-password").await, Err(AppError::Locked { .. })),
            "{l}: 5th"
        );
        // Locked: even the right password is refused until the lock ends.
        assert!(matches!(app.login("xa.maihoa", "password-123").await, Err(AppError::Locked { .. })), "{l}");
        assert!(matches!(app.login("nobody", "password-123").await, Err(AppError::BadCredentials)), "{l}");
        // An administrator's reset unlocks.
        let (_, old_session) = app.login("admin", "admin-password-1").await.unwrap();
        app.reset_password(&admin, "xa.maihoa", "new-password-1", false).await.unwrap();
        let (_, officer_session) = app.login("xa.maihoa", "new-password-1").await.unwrap();
        let (_, officer_token) = app.create_token(&admin, "xa.maihoa", "máy thu").await.unwrap();
        // A password change ends every session of that user (and, if asked, its tokens).
        app.reset_password(&admin, "xa.maihoa", "new-password-2", true).await.unwrap();
        assert!(app.session_actor(&officer_session).await.unwrap().is_none(), "{l}: session ended");
        assert!(app.token_actor(&officer_token).await.unwrap().is_none(), "{l}: token revoked");
        assert!(app.session_actor(&old_session).await.unwrap().is_some(), "{l}: other users untouched");
        // Sign out everywhere.
        let admin_id = admin.user_id.unwrap();
        assert!(app.end_sessions(&admin, admin_id).await.unwrap() >= 1, "{l}");
        assert!(app.session_actor(&old_session).await.unwrap().is_none(), "{l}");
        assert!(app.login("xa.maihoa", "new-password-2").await.is_ok(), "{l}");

        // Tokens carry the user's scope; revoked tokens stop working.
        let (row, token) = app.create_token(&officer, "xa.maihoa", "phần mềm thu").await.unwrap();
        assert!(token.starts_with("ansinh_") && token.starts_with(&row.prefix), "{l}");
        let via_token = app.token_actor(&token).await.unwrap().unwrap();
        assert_eq!(via_token.grants, officer.grants, "{l}");
        let other = user(&app, "xa.khac", "commune_officer", "18832").await;
        assert!(matches!(app.create_token(&other, "xa.maihoa", "x").await, Err(AppError::NotFound)), "{l}");
        assert!(
            matches!(app.revoke_token(&other, row.user_id, row.id).await, Err(AppError::NotFound)),
            "{l}"
        );
        app.revoke_token(&admin, row.user_id, row.id).await.unwrap();
        assert!(app.token_actor(&token).await.unwrap().is_none(), "{l}");
        assert!(app.token_actor("ansinh_forged").await.unwrap().is_none(), "{l}");

        // Adding users: validation names the field; scope limits where.
        let bad = |u: &str, p: &str, r: &str, c: &str| NewUser {
            username: u.into(),
            display_name: String::new(),
            password: p.into(),
            role: r.into(),
            unit_code: c.into(),
        };
        for (n, field) in [
            (bad("x", "password-123", "viewer", "42"), "username"),
            (bad("new.user", "short", "viewer", "42"), "password"),
            (bad("new.user", "password-123", "king", "42"), "role"),
            (bad("new.user", "password-123", "viewer", "99"), "unit"),
            (bad("xa.maihoa", "password-123", "viewer", "42"), "username"),
        ] {
            match app.add_user(&admin, &n).await {
                Err(AppError::Invalid(list)) => {
                    let i = &list[0];
                    assert_eq!(i.field, field, "{l}: {i:?}")
                }
                r => panic!("{l}: {r:?}"),
            }
        }
        assert!(
            matches!(
                app.add_user(&officer, &bad("new.user", "password-123", "viewer", "18322")).await,
                Err(AppError::Forbidden)
            ),
            "{l}"
        );
        let users = app.list_users(&admin).await.unwrap();
        assert!(users.len() >= 3, "{l}");
        assert!(app.list_users(&officer).await.unwrap().is_empty(), "{l}: officers manage no users");
        assert!(app.user_view(&officer, officer.user_id.unwrap()).await.is_ok(), "{l}: own page");
        assert!(
            matches!(app.user_view(&other, officer.user_id.unwrap()).await, Err(AppError::NotFound)),
            "{l}"
        );
    }
}

/// While a long write holds the database (an import), reads, session and bearer-token checks
/// go on; another write waits its turn for a bounded time and is answered `Busy` (503 on the
/// web), never a storage failure. On PostgreSQL writers do not exclude each other.
#[tokio::test]
async fn a_long_write_blocks_no_read_and_other_writes_are_told_busy() {
    for (app, l, t) in apps().await {
        let (officer, session) = {
            user(&app, "xa.maihoa", "commune_officer", "18322").await;
            app.login("xa.maihoa", "password-123").await.unwrap()
        };
        let (_, token) = app.create_token(&officer, "xa.maihoa", "thu").await.unwrap();
        let held = t.db.begin().await.unwrap();
        assert!(app.session_actor(&session).await.unwrap().is_some(), "{l}");
        assert!(app.token_actor(&token).await.unwrap().is_some(), "{l}: a bearer read writes nothing");
        assert!(app.search_persons(&officer, &Default::default()).await.is_ok(), "{l}");
        let res = app.create_token(&officer, "xa.maihoa", "thứ hai").await;
        if l == "sqlite" {
            assert!(matches!(res, Err(AppError::Busy)), "{l}: {res:?}");
        } else {
            assert!(res.is_ok(), "{l}: {res:?}");
        }
        drop(held);
        assert!(app.create_token(&officer, "xa.maihoa", "thứ ba").await.is_ok(), "{l}: once free, it writes");
    }
}

/// A burst of parallel sign-ins gets no more guesses than the limit; the attacker's address is
/// locked out, not the account; unknown names lock exactly like known ones; an administrator
/// unlocks.
#[tokio::test]
async fn lockout_is_atomic_per_address_and_says_nothing_about_names() {
    for (app, l, _t) in apps().await {
        let (admin, _) = app.login("admin", "admin-password-1").await.unwrap();
        user(&app, "xa.maihoa", "commune_officer", "18322").await;
        let attempts: Vec<_> = (0..40)
            .map(|i| {
                let app = app.clone();
                let password = if i == 20 { "password-123" } else { "wrong-password" };
                tokio::spawn(async move { app.login_from("xa.maihoa", password, "203.0.113.9").await })
            })
            .collect();
        let mut checked = 0;
        for a in attempts {
            match a.await.unwrap() {
                Err(AppError::Locked { .. }) => {}
                Ok(_) | Err(AppError::BadCredentials) => checked += 1,
                Err(e) => panic!("{l}: {e}"),
            }
        }
        assert!(
            checked <= ansinh_app::throttle::PER_NAME_CLIENT,
            "{l}: {checked} passwords checked in a burst"
        );
        // The owner, elsewhere, is not locked out by the attacker.
        assert!(app.login_from("xa.maihoa", "password-123", "198.51.100.7").await.is_ok(), "{l}");
        // An unknown name answers exactly as a known one: wrong, then locked.
        let outcome = |r: ansinh_app::Result<(Actor, String)>| match r {
            Ok(_) => "ok",
            Err(AppError::BadCredentials) => "bad",
            Err(AppError::Locked { .. }) => "locked",
            Err(_) => "other",
        };
        let mut known = Vec::new();
        let mut unknown = Vec::new();
        for _ in 0..6 {
            known.push(outcome(app.login_from("admin", "wrong-password", "192.0.2.1").await));
            unknown.push(outcome(app.login_from("khong.co.ai", "wrong-password", "192.0.2.2").await));
        }
        assert_eq!(known, unknown, "{l}");
        assert_eq!(known, ["bad", "bad", "bad", "bad", "locked", "locked"], "{l}");
        // The administrator's own lock-out from that address does not stop them elsewhere, and an
        // administrator can lift a user's lock-out.
        let id = app
            .list_users(&admin)
            .await
            .unwrap()
            .iter()
            .find(|(u, _)| u.username == "xa.maihoa")
            .unwrap()
            .0
            .id;
        assert!(app.user_view(&admin, id).await.unwrap().locked, "{l}");
        app.unlock_user(&admin, id).await.unwrap();
        assert!(!app.user_view(&admin, id).await.unwrap().locked, "{l}");
        assert!(app.login_from("xa.maihoa", "password-123", "203.0.113.9").await.is_ok(), "{l}: unlocked");
    }
}
