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

/// Villages older than their commune: entered with the day they began (or "before the reform")
/// and the old commune they belonged to, they show under that old commune on a day before the
/// merger; the new commune on that day points to the old ones instead of a dead end.
#[tokio::test]
async fn villages_older_than_their_commune_show_under_the_old_commune() {
    for (r, app, l, _t) in setups().await {
        let sys = Actor::system();
        let s = login(&r, "xa.maihoa", "password-123").await;
        let admin = login(&r, "admin", "admin-password-1").await;
        let mai_hoa = app.unit_by_code(&sys, "18322", None).await.unwrap();
        let duc_linh = app.unit_by_code(&sys, "18322", day(2025, 6, 30)).await.unwrap();
        assert_eq!(duc_linh.name, "Đức Lĩnh", "{l}");
        let places = format!("/units/{}/places", mai_hoa.id);

        // The form offers the old communes; which one must be said when there are several.
        let page = send(&r, get(&format!("/units/{}", mai_hoa.id), Some(&s))).await;
        assert!(
            page.body.contains(&format!("<option value=\"{}\">Xã Đức Lĩnh (18322)</option>", duc_linh.id)),
            "{l}"
        );
        let res =
            send(&r, post(&places, &form(&[("name", "Thanh Bình"), ("began", "before")]), Some(&s))).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(
            res.body.contains("thôn thuộc xã cũ nào? Chọn một trong: Xã Ân Phú (18316)"),
            "{l}: {}",
            res.body
        );
        let res = send(
            &r,
            post(
                &places,
                &form(&[("name", "Thanh Bình"), ("began", "date"), ("began_on", "01/01/2099")]),
                Some(&s),
            ),
        )
        .await;
        assert!(res.body.contains("không được sau hôm nay"), "{l}");
        let res = send(
            &r,
            post(
                &places,
                &form(&[("name", "Thanh Bình"), ("began", "date"), ("began_on", "31/02/2020")]),
                Some(&s),
            ),
        )
        .await;
        assert!(res.body.contains("Ngày «31/02/2020» không đúng dạng"), "{l}");
        assert!(
            app.unit_view(&sys, mai_hoa.id, None).await.unwrap().children.is_empty(),
            "{l}: nothing written"
        );

        let id = duc_linh.id.to_string();
        let res = send(
            &r,
            post(&places, &form(&[("name", "Thanh Bình"), ("began", "before"), ("former", &id)]), Some(&s)),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}");
        let village = app.unit_view(&sys, mai_hoa.id, None).await.unwrap().children[0].0.clone();
        assert_eq!((village.valid_from, village.former_parent_id), (None, Some(duc_linh.id)), "{l}");
        // A group since 2020 (the village has no known day: any day will do) …
        let res = send(
            &r,
            post(
                &format!("/units/{}/places", village.id),
                &form(&[("name", "Tổ liên gia số 1"), ("began", "date"), ("began_on", "15/03/2020")]),
                Some(&s),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}");

        // Before the merger: the old commune lists its village, the village its group, and the
        // crumbs are those of then.
        let old = send(&r, get(&format!("/units/{}?era=before", duc_linh.id), Some(&admin))).await;
        assert!(old.body.contains("Thôn Thanh Bình") && old.body.contains("(1)"), "{l}");
        let on_day = send(&r, get(&format!("/units/{}?on=2025-06-30", village.id), Some(&admin))).await;
        assert!(on_day.body.contains("Tổ liên gia số 1") && on_day.body.contains("Huyện Vũ Quang"), "{l}");
        assert!(
            on_day
                .body
                .contains(&format!("<a href=\"/units/{}?on=2025-06-30\">Xã Đức Lĩnh</a>", duc_linh.id)),
            "{l}"
        );
        let before_group = send(&r, get(&format!("/units/{}?on=2019-01-01", village.id), Some(&admin))).await;
        assert!(!before_group.body.contains("Tổ liên gia số 1"), "{l}: the group began in 2020");
        assert_eq!(
            app.list_units(&sys, Some("18322"), day(2025, 6, 30)).await.unwrap().len(),
            1,
            "{l}: the API's list too"
        );
        // Someone scoped to the old commune does not see the village (it lies under Mai Hoa).
        let old_scope = Actor {
            user_id: Some(9_999),
            username: "xa.duclinh".into(),
            grants: vec![ansinh_domain::Grant {
                role: ansinh_domain::Role::Viewer,
                unit_id: duc_linh.id,
                unit_path: duc_linh.path.clone(),
                unit_name: duc_linh.name.clone(),
            }],
        };
        assert!(
            app.unit_view(&old_scope, duc_linh.id, day(2025, 6, 30)).await.unwrap().children.is_empty(),
            "{l}"
        );
        // The new commune on that day did not exist: it says so and points to the old ones.
        let new = send(&r, get(&format!("/units/{}?era=before", mai_hoa.id), Some(&admin))).await;
        assert!(
            new.body.contains("chưa có vào ngày 30/06/2025") && !new.body.contains("Thôn Thanh Bình"),
            "{l}"
        );
        assert!(
            new.body.contains(&format!("<a href=\"/units/{}?on=2025-06-30\">Xã Đức Lĩnh</a>", duc_linh.id)),
            "{l}"
        );
        // Today the village is under Mai Hoa, and names the old commune as text for an officer
        // who cannot open it.
        let today = send(&r, get(&format!("/units/{}", village.id), Some(&s))).await;
        assert!(
            today.body.contains("Trước khi sáp nhập thuộc") && today.body.contains("Xã Đức Lĩnh (18322)"),
            "{l}"
        );
        assert!(!today.body.contains(&format!("href=\"/units/{}", duc_linh.id)), "{l}");
        assert!(today.body.contains("Từ trước 01/07/2025 (không rõ ngày)"), "{l}");

        // Changing the start: not after its own group's; then with the commune (no old commune).
        let start = format!("/units/{}/start", village.id);
        let res = send(
            &r,
            post(&start, &form(&[("began", "date"), ("began_on", "01/01/2022"), ("former", &id)]), Some(&s)),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(res.body.contains("hãy sửa ngày của tổ trước"), "{l}");
        // The group as "with its village": it then follows the village's day.
        let group = app.unit_view(&sys, village.id, None).await.unwrap().children[0].0.clone();
        let res =
            send(&r, post(&format!("/units/{}/start", group.id), &form(&[("began", "parent")]), Some(&s)))
                .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}");
        let res = send(&r, post(&start, &form(&[("began", "parent")]), Some(&s))).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}");
        let moved = app.unit_view(&sys, village.id, None).await.unwrap();
        assert_eq!((moved.unit.valid_from, moved.unit.former_parent_id), (mai_hoa.valid_from, None), "{l}");
        assert_eq!(moved.children[0].0.valid_from, mai_hoa.valid_from, "{l}: its group followed");
        let old = send(&r, get(&format!("/units/{}/children?era=before", duc_linh.id), Some(&admin))).await;
        assert!(!old.body.contains("Thanh Bình"), "{l}: no longer under the old commune");
        // A group cannot be older than its village now.
        let res =
            send(&r, post(&format!("/units/{}/start", group.id), &form(&[("began", "before")]), Some(&s)))
                .await;
        assert!(res.body.contains("tổ không thể có trước thôn"), "{l}");
        // Another commune's officer cannot change it; the audit says it in words.
        let other = login(&r, "xa.hoanhson", "password-123").await;
        let res = send(&r, post(&start, &form(&[("began", "before")]), Some(&other))).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{l}");
        let audit = send(&r, get("/audit?action=unit.start", Some(&s))).await;
        assert!(audit.body.contains("Sửa ngày bắt đầu có của thôn, tổ"), "{l}");
    }
}

fn day(y: i32, m: u32, d: u32) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::from_ymd_opt(y, m, d)
}
