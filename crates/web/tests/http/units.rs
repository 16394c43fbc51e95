//! Units, places, scope, htmx fragments and the audit page.

use super::*;

#[tokio::test]
async fn scope_places_htmx_and_audit_page() {
    for (r, app, l, _t) in setups().await {
        let mai_hoa = login(&r, "xa.maihoa", "password-123").await;
        let hoanh_son = login(&r, "xa.hoanhson", "password-123").await;
        let commune = app.unit_by_code(&Actor::system(), "18322", None).await.unwrap();

        // The officer's /units lands on the commune.
        let units = send(&r, get("/units", Some(&mai_hoa))).await;
        assert_eq!(units.location(), format!("/units/{}", commune.id), "{l}");
        let page = send(&r, get(&units.location(), Some(&mai_hoa))).await;
        assert!(page.body.contains("Xã Mai Hoa") && page.body.contains("Thêm thôn/tổ dân phố"), "{l}");
        assert!(page.body.contains("Hình thành từ"), "{l}: predecessors listed");

        // Add a village through htmx: the children fragment comes back with it.
        let mut req = post(
            &format!("/units/{}/places", commune.id),
            "kind=Th%C3%B4n&name=Thanh+B%C3%ACnh",
            Some(&mai_hoa),
        );
        req.headers_mut().insert("hx-request", "true".parse().unwrap());
        let frag = send(&r, req).await;
        assert_eq!(frag.status, StatusCode::OK, "{l}");
        assert!(
            frag.body.starts_with("<section id=\"children\"") && frag.body.contains("Thôn Thanh Bình"),
            "{l}: {}",
            frag.body
        );
        assert!(!frag.body.contains("<html"), "{l}: a fragment, not a page");
        // A bad name comes back in the fragment, in Vietnamese, and nothing is written.
        let mut req = post(&format!("/units/{}/places", commune.id), "kind=Th%C3%B4n&name=+", Some(&mai_hoa));
        req.headers_mut().insert("hx-request", "true".parse().unwrap());
        let bad = send(&r, req).await;
        assert!(bad.body.contains("Tên không được để trống"), "{l}");
        let view = app.unit_view(&Actor::system(), commune.id, None).await.unwrap();
        assert_eq!(view.children.len(), 1, "{l}");
        let village = view.children[0].0.clone();

        // Without htmx: redirect after post.
        let res =
            send(&r, post(&format!("/units/{}/places", village.id), "name=T%E1%BB%95+1", Some(&mai_hoa)))
                .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}");

        // Another commune's officer: the village page, its children fragment, writes and the
        // API all answer "not found".
        for uri in [format!("/units/{}", village.id), format!("/units/{}/children", village.id)] {
            assert_eq!(
                send(&r, get(&uri, Some(&hoanh_son))).await.status,
                StatusCode::NOT_FOUND,
                "{l}: {uri}"
            );
        }
        let res = send(&r, post(&format!("/units/{}/places", village.id), "name=X", Some(&hoanh_son))).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{l}");
        let res = send(&r, post(&format!("/units/{}/rename", village.id), "name=X", Some(&hoanh_son))).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{l}");

        // The audit page shows each officer only their commune's rows.
        let mine = send(&r, get("/audit", Some(&mai_hoa))).await;
        assert_eq!(mine.status, StatusCode::OK, "{l}");
        assert!(mine.body.contains("unit.create") && mine.body.contains("Thanh Bình"), "{l}");
        let theirs = send(&r, get("/audit", Some(&hoanh_son))).await;
        assert!(!theirs.body.contains("Thanh Bình") && !theirs.body.contains("unit.create"), "{l}");
        let filtered = send(&r, get("/audit?action=unit.create&from=01%2F01%2F2020", Some(&mai_hoa))).await;
        assert!(
            filtered.body.contains("unit.create") && !filtered.body.contains("<code>user.login</code>"),
            "{l}"
        );
        let bad_date = send(&r, get("/audit?from=31%2F02%2F2025", Some(&mai_hoa))).await;
        assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        // Officers manage no users.
        assert_eq!(send(&r, get("/users", Some(&mai_hoa))).await.status, StatusCode::FORBIDDEN, "{l}");

        // Era switch: the province before the reform lists districts.
        let ht = app.unit_by_code(&Actor::system(), "42", None).await.unwrap();
        let admin = login(&r, "admin", "admin-password-1").await;
        let before = send(&r, get(&format!("/units/{}/children?era=before", ht.id), Some(&admin))).await;
        assert!(before.body.contains("Thị xã Kỳ Anh") && before.body.contains("(12)"), "{l}");
        let after = send(&r, get(&format!("/units/{}/children?on=2025-08-01", ht.id), Some(&admin))).await;
        assert!(after.body.contains("Xã Mai Hoa") && after.body.contains("(69)"), "{l}");
        let search = send(&r, get("/units/search?q=hoanh+son", Some(&admin))).await;
        assert!(search.body.contains("Phường Hoành Sơn"), "{l}");
    }
}

/// A user never sees a link they cannot open: the province above a commune officer's commune,
/// and the old communes it was formed from, are named as text.
#[tokio::test]
async fn links_out_of_scope_are_text() {
    for (r, app, l, _t) in setups().await {
        let s = login(&r, "xa.maihoa", "password-123").await;
        let mai_hoa = app.unit_by_code(&Actor::system(), "18322", None).await.unwrap();
        let page = send(&r, get(&format!("/units/{}", mai_hoa.id), Some(&s))).await;
        assert_eq!(page.status, StatusCode::OK, "{l}");
        let province = app.unit_by_code(&Actor::system(), "42", None).await.unwrap();
        assert!(page.body.contains("<span>Tỉnh Hà Tĩnh</span>"), "{l}: the province named in the crumbs");
        assert!(!page.body.contains(&format!("href=\"/units/{}", province.id)), "{l}: but not linked");
        let view = app.unit_view(&Actor::system(), mai_hoa.id, None).await.unwrap();
        for old in &view.predecessors {
            assert!(page.body.contains(&format!("{} ({})", old.full_name(), old.code)), "{l}: {old:?}");
            let linked = page.body.contains(&format!("href=\"/units/{}\"", old.id));
            let opens = send(&r, get(&format!("/units/{}", old.id), Some(&s))).await.status == StatusCode::OK;
            assert_eq!(linked, opens, "{l}: a link exactly when it opens ({})", old.code);
        }
        assert!(!view.predecessors.is_empty(), "{l}: Mai Hoa was formed from old communes");
    }
}
