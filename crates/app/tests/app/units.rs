//! Bootstrap, units across eras, places and scope, the audit trail.

use super::*;

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
            Err(AppError::Invalid(list)) => {
                let i = &list[0];
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
