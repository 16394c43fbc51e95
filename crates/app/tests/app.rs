//! Use cases on both backends: bootstrap, units across eras, scope, places, users, tokens,
//! lock-out, audit.

use ansinh_app::{App, AppError, NewUser};
use ansinh_domain::{Actor, Level};
use ansinh_store::AuditFilter;
use ansinh_store::testing;
use chrono::NaiveDate;

fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, day)
}

/// Every available backend, bootstrapped with a known admin password.
async fn apps() -> Vec<(App, &'static str, testing::TestDb)> {
    let mut out = Vec::new();
    for t in testing::all().await {
        let app = App::with_db(t.db.clone());
        let boot = app.bootstrap(Some("admin-password-1")).await.unwrap();
        assert!(boot.units_loaded > 14_000, "{}", t.label);
        out.push((app, t.label, t));
    }
    out
}

async fn user(app: &App, username: &str, role: &str, unit: &str) -> Actor {
    let n = NewUser {
        username: username.into(),
        display_name: String::new(),
        password: "password-123".into(),
        role: role.into(),
        unit_code: unit.into(),
    };
    app.add_user(&Actor::system(), &n).await.unwrap();
    app.login(username, "password-123").await.unwrap().0
}

#[tokio::test]
async fn bootstrap_is_idempotent_and_units_answer_the_issue() {
    for (app, l, _t) in apps().await {
        let again = app.bootstrap(Some("ignored-password")).await.unwrap();
        assert_eq!(again.units_loaded, 0, "{l}");
        assert!(again.admin.is_none(), "{l}");
        let sys = Actor::system();
        let after = app.list_units(&sys, Some("42"), d(2025, 8, 1)).await.unwrap();
        assert_eq!(after.len(), 69, "{l}: Hà Tĩnh communes from 1 Jul 2025");
        assert!(after.iter().all(|u| u.level == Level::Commune), "{l}");
        let before = app.list_units(&sys, Some("42"), d(2025, 1, 1)).await.unwrap();
        assert_eq!(before.len(), 12, "{l}: Hà Tĩnh districts before");
        assert_eq!(app.list_units(&sys, None, d(2025, 1, 1)).await.unwrap().len(), 63, "{l}");
        assert_eq!(app.list_units(&sys, None, d(2025, 8, 1)).await.unwrap().len(), 34, "{l}");

        let s = app.successors_of(&sys, "18322").await.unwrap();
        assert_eq!(s.len(), 1, "{l}");
        assert_eq!(
            (s[0].old.name.as_str(), s[0].new[0].code.as_str(), s[0].new[0].name.as_str()),
            ("Đức Lĩnh", "18322", "Mai Hoa"),
            "{l}"
        );
        let s = app.successors_of(&sys, "18847").await.unwrap();
        assert_eq!((s[0].new[0].code.as_str(), s[0].new[0].name.as_str()), ("18832", "Hoành Sơn"), "{l}");
        let s = app.successors_of(&sys, "18553").await.unwrap();
        assert_eq!(s[0].new[0].code, "18547", "{l}: Hương Trạch → Phúc Trạch");
        assert!(matches!(app.successors_of(&sys, "99999").await, Err(AppError::NotFound)), "{l}");
        assert!(matches!(app.successors_of(&sys, "9x").await, Err(AppError::Invalid(_))), "{l}");

        // The version of a reused code depends on the date.
        assert_eq!(app.unit_by_code(&sys, "18322", d(2025, 1, 1)).await.unwrap().name, "Đức Lĩnh", "{l}");
        assert_eq!(app.unit_by_code(&sys, "18322", d(2025, 7, 1)).await.unwrap().name, "Mai Hoa", "{l}");
        // 30 Apr 2026: Đồng Nai became a city.
        assert_eq!(app.unit_by_code(&sys, "75", d(2026, 5, 1)).await.unwrap().kind, "Thành phố", "{l}");
        assert_eq!(app.unit_by_code(&sys, "75", d(2026, 1, 1)).await.unwrap().kind, "Tỉnh", "{l}");

        // Search ignores diacritics and tone placement.
        let found = app.search_units(&sys, "hoanh son", d(2025, 8, 1)).await.unwrap();
        assert!(found.iter().any(|u| u.code == "18832"), "{l}");
    }
}

#[tokio::test]
async fn scope_places_and_audit() {
    for (app, l, _t) in apps().await {
        let mai_hoa = user(&app, "xa.maihoa", "commune_officer", "18322").await;
        let other = user(&app, "xa.hoanhson", "commune_officer", "18832").await;
        let viewer = user(&app, "xem.tinh", "viewer", "42").await;
        let commune = app.unit_by_code(&mai_hoa, "18322", None).await.unwrap();
        assert_eq!(commune.name, "Mai Hoa", "{l}");

        let village = app.create_place(&mai_hoa, commune.id, "  Thanh   Bình ", Some("Thôn")).await.unwrap();
        assert_eq!(
            (village.code.as_str(), village.name.as_str(), village.level),
            ("18322-01", "Thanh Bình", Level::Village),
            "{l}"
        );
        let group = app.create_place(&mai_hoa, village.id, "Tổ liên gia số 4", None).await.unwrap();
        assert_eq!((group.code.as_str(), group.level), ("18322-01-01", Level::Group), "{l}");
        // Duplicate name (diacritics folded) refused, naming the existing place.
        match app.create_place(&mai_hoa, commune.id, "thanh binh", None).await {
            Err(AppError::Invalid(i)) => {
                assert!(i.field == "name" && i.vi.contains("18322-01"), "{l}: {i:?}")
            }
            r => panic!("{l}: {r:?}"),
        }
        // A group cannot go under a group; a village not under a province.
        assert!(
            matches!(app.create_place(&mai_hoa, group.id, "X", None).await, Err(AppError::Invalid(_))),
            "{l}"
        );

        // Out of scope: another commune's village is "not found", for reads and writes.
        assert!(matches!(app.unit_view(&other, village.id, None).await, Err(AppError::NotFound)), "{l}");
        assert!(
            matches!(app.create_place(&other, village.id, "Tổ 9", None).await, Err(AppError::NotFound)),
            "{l}"
        );
        assert!(matches!(app.rename_place(&other, village.id, "X").await, Err(AppError::NotFound)), "{l}");
        // In scope but read-only.
        assert!(app.unit_view(&viewer, village.id, None).await.is_ok(), "{l}");
        assert!(
            matches!(app.create_place(&viewer, village.id, "Tổ 9", None).await, Err(AppError::Forbidden)),
            "{l}"
        );
        // Old-era units take no new places.
        let sys = Actor::system();
        let old = app.unit_by_code(&sys, "18322", d(2025, 1, 1)).await.unwrap();
        assert!(
            matches!(app.create_place(&sys, old.id, "Thôn cũ", None).await, Err(AppError::Invalid(_))),
            "{l}"
        );
        // Official names are not renamed from the interface.
        assert!(matches!(app.rename_place(&mai_hoa, commune.id, "X").await, Err(AppError::Forbidden)), "{l}");

        let renamed = app.rename_place(&mai_hoa, village.id, "Thanh Bình Thượng").await.unwrap();
        assert_eq!(renamed.name, "Thanh Bình Thượng", "{l}");
        let view = app.unit_view(&mai_hoa, commune.id, None).await.unwrap();
        assert!(view.can_add_child && !view.can_rename, "{l}");
        assert_eq!(
            view.children.iter().map(|(u, n)| (u.code.as_str(), *n)).collect::<Vec<_>>(),
            [("18322-01", 1)],
            "{l}"
        );
        assert_eq!(view.predecessors.len(), 3, "{l}: Đức Lĩnh, Ân Phú, Đức Giang");

        // Audit: every change, before → after, visible within scope only.
        let page = app.audit_list(&mai_hoa, &AuditFilter::default(), 50).await.unwrap();
        let actions: Vec<&str> = page.rows.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(
            actions,
            ["unit.rename", "unit.create", "unit.create", "user.login", "user.create"],
            "{l}"
        );
        let rename = &page.rows[0];
        assert_eq!(rename.before_json.as_deref(), Some(r#"{"name":"Thanh Bình"}"#), "{l}");
        assert_eq!(rename.after_json.as_deref(), Some(r#"{"name":"Thanh Bình Thượng"}"#), "{l}");
        assert_eq!(rename.actor, "xa.maihoa", "{l}");
        let theirs = app.audit_list(&other, &AuditFilter::default(), 50).await.unwrap();
        assert!(theirs.rows.iter().all(|r| !r.action.starts_with("unit.")), "{l}: no rows of Mai Hoa");
        let none = app.audit_list(&viewer, &AuditFilter::default(), 50).await.unwrap();
        assert!(none.rows.is_empty(), "{l}: viewers have no audit scope");
    }
}

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
        app.reset_password(&admin, "xa.maihoa", "new-password-1").await.unwrap();
        assert!(app.login("xa.maihoa", "new-password-1").await.is_ok(), "{l}");

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
                Err(AppError::Invalid(i)) => assert_eq!(i.field, field, "{l}: {i:?}"),
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

#[tokio::test]
async fn demo_seed_is_idempotent() {
    for (app, l, _t) in apps().await {
        let first = app.seed_demo().await.unwrap();
        assert!(first.places_created >= 20 && first.accounts_created.len() == 3, "{l}: {first:?}");
        let second = app.seed_demo().await.unwrap();
        assert_eq!((second.places_created, second.accounts_created.len()), (0, 0), "{l}");
        let (officer, _) = app.login("xa.maihoa", ansinh_app::DEMO_PASSWORD).await.unwrap();
        let thanh_binh = app.search_units(&officer, "thanh binh", None).await.unwrap();
        assert_eq!(thanh_binh.len(), 1, "{l}");
        let view = app.unit_view(&officer, thanh_binh[0].id, None).await.unwrap();
        assert_eq!(view.children.len(), 6, "{l}: six inter-family groups");
    }
}
