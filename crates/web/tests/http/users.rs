//! Users administered on the web (roles and scope with the place picker, disable, reset a
//! password, revoke with confirmation), the place picker itself, and the roles' permissions
//! as users expect them (an organisation member cannot record a household's poverty status).

use super::*;

/// A user's id, through the system actor.
async fn user_id(app: &App, username: &str) -> i64 {
    let users = app.list_users(&Actor::system()).await.unwrap();
    users.iter().find(|(u, _)| u.username == username).map(|(u, _)| u.id).unwrap()
}

/// A user with one role, password `password-123`.
async fn add_user(app: &App, username: &str, role: &str, unit: &str) {
    let n = NewUser {
        username: username.into(),
        display_name: String::new(),
        password: "password-123".into(),
        role: role.into(),
        unit_code: unit.into(),
    };
    app.add_user(&Actor::system(), &n).await.unwrap();
}

#[tokio::test]
async fn the_place_picker_finds_places_by_name_in_scope() {
    for (r, app, l, _t) in setups().await {
        let (village, group, _) = registry_places(&app).await;
        let admin = login(&r, "admin", "admin-password-1").await;
        let mai_hoa = login(&r, "xa.maihoa", "password-123").await;

        // A name without diacritics, with its path and the value that resolves back to it.
        let res = send(&r, get("/units/pick?for=users&list=l&q=thanh+binh", Some(&admin))).await;
        assert_eq!(res.status, StatusCode::OK, "{l}");
        assert!(res.body.contains("Thôn Thanh Bình · Xã Mai Hoa"), "{l}: {}", res.body);
        assert!(
            res.body.contains(&format!("data-value=\"Thôn Thanh Bình · Xã Mai Hoa ({village})\"")),
            "{l}"
        );
        assert!(res.body.contains("role=\"option\" id=\"l-1\""), "{l}");
        // A group by a short form of its name and its village.
        let res =
            send(&r, get("/units/pick?for=view&list=l&q=t%E1%BB%95+1+Thanh+B%C3%ACnh", Some(&mai_hoa))).await;
        assert!(res.body.contains("Tổ liên gia số 1 · Thôn Thanh Bình · Xã Mai Hoa"), "{l}: {}", res.body);
        assert!(res.body.contains(&format!("({group})")), "{l}");
        // Typing the start of a name already offers it.
        let res = send(&r, get("/units/pick?for=view&q=thanh+bi", Some(&mai_hoa))).await;
        assert!(res.body.contains("Thôn Thanh Bình"), "{l}");
        // … and a group while its village's name is still being typed.
        let res = send(&r, get("/units/pick?for=view&list=l&q=t%E1%BB%95+1+Thanh+B", Some(&mai_hoa))).await;
        assert!(res.body.contains("Tổ liên gia số 1 · Thôn Thanh Bình · Xã Mai Hoa"), "{l}: {}", res.body);
        // Out of scope: nothing, said so.
        let res = send(&r, get("/units/pick?for=view&q=tan+son", Some(&mai_hoa))).await;
        assert!(!res.body.contains("Tân Sơn") && res.body.contains("Không có địa bàn nào khớp"), "{l}");
        // A village-scoped user: their village and its groups, not the commune above it.
        add_user(&app, "thon.thanhbinh", "commune_officer", &village).await;
        let thon = login(&r, "thon.thanhbinh", "password-123").await;
        let res = send(&r, get("/units/pick?for=residence&q=t%E1%BB%95+1+thanh+binh", Some(&thon))).await;
        assert!(res.body.contains("Tổ liên gia số 1 · Thôn Thanh Bình"), "{l}: {}", res.body);
        let res = send(&r, get("/units/pick?for=view&q=mai+hoa", Some(&thon))).await;
        assert!(!res.body.contains("role=\"option\""), "{l}: the commune is above their scope");
        // Where a person lives is a commune, village or group, never a province.
        let res = send(&r, get("/units/pick?for=residence&q=ha+tinh", Some(&admin))).await;
        assert!(!res.body.contains("Tỉnh Hà Tĩnh ("), "{l}: {}", res.body);
        // Signed out: the sign-in page, not the places.
        let res = send(&r, get("/units/pick?q=thanh+binh", None)).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}");

        // The person list filtered by the place's name; the form takes a name for where one lives.
        let res = send(
            &r,
            post(
                "/persons/new",
                &person_form("042090000123", "Nguyễn Văn An", "1990", "male", "tổ 1 Thanh Bình", "TB-01"),
                Some(&mai_hoa),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}: {}", res.body);
        let page = send(&r, get(&res.location(), Some(&mai_hoa))).await;
        assert!(page.body.contains("Tổ liên gia số 1"), "{l}");
        let res = send(&r, get("/persons?place=Th%C3%B4n+Thanh+B%C3%ACnh", Some(&mai_hoa))).await;
        assert_eq!(res.status, StatusCode::OK, "{l}");
        assert!(res.body.contains("Nguyễn Văn An"), "{l}");
        assert!(
            res.body.contains("Tổ liên gia số 1 · Thôn Thanh Bình<"),
            "{l}: a group is shown with its village"
        );
        // Two places of one name: the error lists both with their paths and codes.
        let hoanh_son = app.unit_by_code(&Actor::system(), "18832", None).await.unwrap();
        let twin =
            app.create_place(&Actor::system(), hoanh_son.id, "Thanh Bình", Some("Thôn")).await.unwrap();
        add_user(&app, "tinh.hatinh", "province_officer", "42").await;
        let province = login(&r, "tinh.hatinh", "password-123").await;
        let res = send(&r, get("/persons?place=Thanh+B%C3%ACnh", Some(&province))).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(res.body.contains("có 2 nơi trùng tên"), "{l}: {}", res.body);
        assert!(
            res.body.contains(&format!("({village})")) && res.body.contains(&format!("({})", twin.code)),
            "{l}"
        );
        let res = send(&r, get("/persons?place=Thanh+B%C3%ACnh+Mai+Hoa", Some(&province))).await;
        assert_eq!(res.status, StatusCode::OK, "{l}: the commune's name settles it");
        assert!(res.body.contains("Nguyễn Văn An"), "{l}");
        assert!(
            res.body.contains("Tổ liên gia số 1 · Thôn Thanh Bình · Xã Mai Hoa<"),
            "{l}: a list across communes names the commune too"
        );
        // The commune officer sees only one of them: no ambiguity in their scope.
        let res = send(&r, get("/persons?place=thanh+binh", Some(&mai_hoa))).await;
        assert_eq!(res.status, StatusCode::OK, "{l}");

        // An import names places as lists do: by name and path as well as by code; a name
        // with several places in scope is that row's error, naming them; nothing is written.
        let csv = "Số CCCD,Họ và tên,Ngày sinh,Giới tính,Mã hộ,Quan hệ với chủ hộ,Mã thôn/tổ/xã\n\
                   042085000201,Hồ Văn Hải,1985,Nam,TB-05,Chủ hộ,Tổ liên gia số 1 · Thôn Thanh Bình\n\
                   042090000202,Võ Văn Hùng,1990,Nam,TB-06,Chủ hộ,Thanh Bình\n";
        let res = send(&r, upload("/persons/import", "ds.csv", csv.as_bytes(), &[], &province, false)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}: {}", res.body);
        assert!(res.body.contains("dòng 3") && res.body.contains("có 2 nơi trùng tên"), "{l}: {}", res.body);
        let res = send(&r, upload("/persons/import", "ds.csv", csv.as_bytes(), &[], &mai_hoa, false)).await;
        assert!(res.status.is_success() || res.status == StatusCode::SEE_OTHER, "{l}: {}", res.body);
        let hai = send(&r, get("/persons?q=H%E1%BB%93+V%C4%83n+H%E1%BA%A3i", Some(&mai_hoa))).await;
        assert!(hai.body.contains("Tổ liên gia số 1 · Thôn Thanh Bình"), "{l}: {}", hai.body);
        let hung = send(&r, get("/persons?q=V%C3%B5+V%C4%83n+H%C3%B9ng", Some(&mai_hoa))).await;
        assert!(hung.body.contains("<td>Thôn Thanh Bình</td>"), "{l}");
    }
}

#[tokio::test]
async fn an_administrator_changes_roles_scope_and_account_state_on_the_web() {
    for (r, app, l, _t) in setups().await {
        let (village, group, _) = registry_places(&app).await;
        let admin = login(&r, "admin", "admin-password-1").await;

        // Added with the place typed by name; the list and the page show it with its path.
        let res = send(
            &r,
            post(
                "/users",
                &form(&[
                    ("username", "hoi.nongdan"),
                    ("display_name", "Hội Nông dân Thanh Bình"),
                    ("password", "password-123"),
                    ("role", "org_member"),
                    ("unit_code", "Thanh Bình, Mai Hoa"),
                ]),
                Some(&admin),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}: {}", res.body);
        let uid = user_id(&app, "hoi.nongdan").await;
        let page = send(&r, get(&format!("/users/{uid}"), Some(&admin))).await;
        assert!(
            page.body.contains("Thành viên tổ chức đoàn thể")
                && page.body.contains("Thôn Thanh Bình · Xã Mai Hoa"),
            "{l}"
        );
        let users = send(&r, get("/users", Some(&admin))).await;
        assert!(users.body.contains("Đang hoạt động"), "{l}");
        assert!(
            users.body.contains("Ghi nhận hộ nghèo, cận nghèo"),
            "{l}: the roles' permissions are explained"
        );

        // The member's session ends when their role changes; the new role and scope show.
        let member = login(&r, "hoi.nongdan", "password-123").await;
        let village_id = app.unit_by_code(&Actor::system(), &village, None).await.unwrap().id;
        let change = form(&[
            ("old_role", "org_member"),
            ("old_unit", &village_id.to_string()),
            ("role", "collector"),
            ("unit", &format!("Tổ liên gia số 1 · Thôn Thanh Bình · Xã Mai Hoa ({group})")),
        ]);
        let res = send(&r, post(&format!("/users/{uid}/grants"), &change, Some(&admin))).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}: {}", res.body);
        let page = send(&r, get(&res.location(), Some(&admin))).await;
        assert!(page.body.contains("Đã lưu vai trò và phạm vi"), "{l}");
        assert!(
            page.body.contains("Nhân viên thu") && page.body.contains("Tổ liên gia số 1 · Thôn Thanh Bình"),
            "{l}"
        );
        assert!(!page.body.contains("Thành viên tổ chức đoàn thể</strong>"), "{l}: replaced, not added");
        assert_eq!(
            send(&r, get("/persons", Some(&member))).await.status,
            StatusCode::SEE_OTHER,
            "{l}: signed out"
        );
        let audit = send(&r, get("/audit?action=user.grant", Some(&admin))).await;
        assert!(audit.body.contains("Nhân viên thu") || audit.body.contains("collector"), "{l}");

        // A second role, then the last one cannot go: disabling is the way to stop someone.
        let add = form(&[("role", "viewer"), ("unit", "18322")]);
        let res = send(&r, post(&format!("/users/{uid}/grants"), &add, Some(&admin))).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}: {}", res.body);
        let again = send(&r, post(&format!("/users/{uid}/grants"), &add, Some(&admin))).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(again.body.contains("đã có vai trò này"), "{l}");
        let mai_hoa_id = app.unit_by_code(&Actor::system(), "18322", None).await.unwrap().id;
        let remove = |role: &str, unit: i64| {
            form(&[("old_role", role), ("old_unit", &unit.to_string()), ("remove", "yes")])
        };
        let res =
            send(&r, post(&format!("/users/{uid}/grants"), &remove("viewer", mai_hoa_id), Some(&admin)))
                .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}: {}", res.body);
        let group_id = app.unit_by_code(&Actor::system(), &group, None).await.unwrap().id;
        let res =
            send(&r, post(&format!("/users/{uid}/grants"), &remove("collector", group_id), Some(&admin)))
                .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(res.body.contains("cần ít nhất một vai trò"), "{l}");
        // A place out of reach or unknown is refused by name, nothing changes.
        let bad = form(&[("role", "viewer"), ("unit", "Không Có Thôn Này")]);
        let res = send(&r, post(&format!("/users/{uid}/grants"), &bad, Some(&admin))).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(res.body.contains("Không tìm thấy địa bàn «Không Có Thôn Này»"), "{l}");

        // Nobody changes their own roles, nor disables themselves.
        let admin_id = user_id(&app, "admin").await;
        let root_id = app
            .list_users(&Actor::system())
            .await
            .unwrap()
            .into_iter()
            .find(|(u, _)| u.id == admin_id)
            .unwrap()
            .1[0]
            .unit_id;
        let res =
            send(&r, post(&format!("/users/{admin_id}/grants"), &remove("admin", root_id), Some(&admin)))
                .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(res.body.contains("chính mình"), "{l}");
        let res = send(&r, post(&format!("/users/{admin_id}/active"), "active=no", Some(&admin))).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");

        // Disabled: no sign-in, no session, no token; enabled again, all works.
        let (_, token) = app.create_token(&Actor::system(), "hoi.nongdan", "thu").await.unwrap();
        assert_eq!(send(&r, bearer("/api/v1/persons", &token)).await.status, StatusCode::OK, "{l}");
        let member = login(&r, "hoi.nongdan", "password-123").await;
        let res = send(&r, post(&format!("/users/{uid}/active"), "active=no", Some(&admin))).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}: {}", res.body);
        let page = send(&r, get(&res.location(), Some(&admin))).await;
        assert!(page.body.contains("Đã khoá tài khoản") && page.body.contains("Mở lại tài khoản"), "{l}");
        assert_eq!(send(&r, get("/persons", Some(&member))).await.status, StatusCode::SEE_OTHER, "{l}");
        assert_eq!(send(&r, bearer("/api/v1/persons", &token)).await.status, StatusCode::UNAUTHORIZED, "{l}");
        let res = send(&r, post("/login", "username=hoi.nongdan&password=password-123", None)).await;
        assert_ne!(res.status, StatusCode::SEE_OTHER, "{l}: a disabled account cannot sign in");
        let users = send(&r, get("/users", Some(&admin))).await;
        assert!(users.body.contains("Đã khoá"), "{l}");
        let res = send(&r, post(&format!("/users/{uid}/active"), "active=yes", Some(&admin))).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}");
        assert_eq!(send(&r, bearer("/api/v1/persons", &token)).await.status, StatusCode::OK, "{l}");

        // A new password: the two must match; then every session ends and the new one signs in.
        let member = login(&r, "hoi.nongdan", "password-123").await;
        let res = send(
            &r,
            post(
                &format!("/users/{uid}/password"),
                "password=new-password-1&password2=new-password-2",
                Some(&admin),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(res.body.contains("không giống nhau"), "{l}");
        let res = send(
            &r,
            post(
                &format!("/users/{uid}/password"),
                "password=new-password-1&password2=new-password-1&revoke_tokens=yes",
                Some(&admin),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}: {}", res.body);
        assert_eq!(send(&r, get("/persons", Some(&member))).await.status, StatusCode::SEE_OTHER, "{l}");
        assert_eq!(send(&r, bearer("/api/v1/persons", &token)).await.status, StatusCode::UNAUTHORIZED, "{l}");
        login(&r, "hoi.nongdan", "new-password-1").await;

        // Revoking a token asks first: the button sits behind a disclosure that says what happens.
        app.create_token(&Actor::system(), "hoi.nongdan", "máy thu").await.unwrap();
        let page = send(&r, get(&format!("/users/{uid}"), Some(&admin))).await;
        assert!(page.body.contains("<details class=\"confirm\"><summary>Thu hồi…</summary>"), "{l}");
        assert!(page.body.contains("Thu hồi hẳn mã «máy thu»"), "{l}");

        // A commune officer does not administer users: not even confirmed to exist.
        let officer = login(&r, "xa.maihoa", "password-123").await;
        let res = send(&r, post(&format!("/users/{uid}/active"), "active=no", Some(&officer))).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{l}");
    }
}

#[tokio::test]
async fn an_organisation_member_cannot_record_poverty_status() {
    for (r, app, l, _t) in setups().await {
        let (village, _, _) = registry_places(&app).await;
        let officer = login(&r, "xa.maihoa", "password-123").await;
        let res = send(
            &r,
            post(
                "/persons/new",
                &person_form("042090000123", "Nguyễn Văn An", "1990", "male", &village, "TB-01"),
                Some(&officer),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}: {}", res.body);
        let person = send(&r, get(&res.location(), Some(&officer))).await;
        let hid: i64 = person
            .body
            .split("href=\"/households/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .parse()
            .unwrap();
        add_user(&app, "hoi.phunu", "org_member", "18322").await;
        let member = login(&r, "hoi.phunu", "password-123").await;

        // The member sees the household and its status, but no form to record one.
        let page = send(&r, get(&format!("/households/{hid}"), Some(&member))).await;
        assert_eq!(page.status, StatusCode::OK, "{l}");
        assert!(!page.body.contains(&format!("action=\"/households/{hid}/poverty\"")), "{l}");
        assert!(!page.body.contains(&format!("action=\"/households/{hid}/flags\"")), "{l}");
        assert!(page.body.contains("do cán bộ xã ghi nhận"), "{l}");
        let res =
            send(&r, post(&format!("/households/{hid}/poverty"), "year=2026&status=poor", Some(&member)))
                .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{l}");
        let res = send(&r, post(&format!("/households/{hid}/flags"), "island=yes", Some(&member))).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{l}");
        let (_, token) = app.create_token(&Actor::system(), "hoi.phunu", "api").await.unwrap();
        let body = serde_json::json!({ "year": 2026, "status": "poor", "decision": "" });
        let res =
            send(&r, json_send("POST", &format!("/api/v1/households/{hid}/poverty"), &token, body.clone()))
                .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{l}: {}", res.body);
        // The member still registers people (their members), and the officer records the status.
        assert_eq!(send(&r, get("/persons/new", Some(&member))).await.status, StatusCode::OK, "{l}");
        let res =
            send(&r, post(&format!("/households/{hid}/poverty"), "year=2026&status=poor", Some(&officer)))
                .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}");
    }
}

/// Moving a whole household: every member, one reason, one history line each; the household
/// keeps its code; a bad place or a missing reason changes nothing.
#[tokio::test]
async fn a_whole_household_moves_in_one_action() {
    for (r, app, l, _t) in setups().await {
        let (village, group, _) = registry_places(&app).await;
        let s = login(&r, "xa.maihoa", "password-123").await;
        for (cccd, name, sex, relation) in [
            ("042085000201", "Hồ Văn Hải", "male", "head"),
            ("042185000203", "Đậu Thị Hoa", "female", "wife"),
        ] {
            let mut f = person_form(cccd, name, "1985", sex, &village, "TB-01");
            f = f.replace("relation=head", &format!("relation={relation}"));
            let res = send(&r, post("/persons/new", &f, Some(&s))).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}: {}", res.body);
        }
        let person = send(&r, get("/persons?q=H%E1%BB%93+V%C4%83n+H%E1%BA%A3i", Some(&s))).await;
        let hid: i64 = person
            .body
            .split("href=\"/households/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .parse()
            .unwrap();
        let page = send(&r, get(&format!("/households/{hid}"), Some(&s))).await;
        assert!(page.body.contains("Chuyển cả hộ sang nơi ở mới"), "{l}");

        // No reason, and a place that is not there: both said, nothing moves.
        let res = send(
            &r,
            post(&format!("/households/{hid}/move"), "place=Th%C3%B4n+Kh%C3%B4ng+C%C3%B3&reason=", Some(&s)),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(
            res.body.contains("Không tìm thấy địa bàn") && res.body.contains("Cần ghi lý do chuyển hộ"),
            "{l}"
        );
        assert!(res.body.contains("<details id=\"move\" open>"), "{l}: the form stays open with the error");
        // Another commune is out of this officer's scope.
        let res =
            send(&r, post(&format!("/households/{hid}/move"), "place=18832&reason=chuy%E1%BB%83n", Some(&s)))
                .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");

        let group_id = app.unit_by_code(&Actor::system(), &group, None).await.unwrap().id;
        let counts = |body: &str| body.contains("Hộ: 1") && body.contains("Nhân khẩu: 2");
        let before = send(&r, get(&format!("/units/{group_id}"), Some(&s))).await;
        assert!(!counts(&before.body), "{l}: nobody lives in the group yet");
        let res = send(
            &r,
            post(
                &format!("/households/{hid}/move"),
                &form(&[("place", "tổ 1 Thanh Bình"), ("reason", "Làm nhà mới")]),
                Some(&s),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}: {}", res.body);
        let after = send(&r, get(&format!("/units/{group_id}"), Some(&s))).await;
        assert!(counts(&after.body), "{l}: the group's counts follow the household: {}", after.body);
        let page = send(&r, get(&res.location(), Some(&s))).await;
        assert!(page.body.contains("Đã chuyển cả hộ; số người chuyển: 2"), "{l}");
        assert!(
            page.body.contains("Tổ liên gia số 1") && page.body.contains(&group),
            "{l}: the household's place"
        );
        let hoa = send(&r, get("/persons?q=%C4%90%E1%BA%ADu+Th%E1%BB%8B+Hoa", Some(&s))).await;
        let pid = hoa
            .body
            .split("<td><a href=\"/persons/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string();
        let p = send(&r, get(&format!("/persons/{pid}"), Some(&s))).await;
        assert!(p.body.contains("Làm nhà mới"), "{l}: the move is in her history");
        assert!(
            p.body.contains("Tổ liên gia số 1 · Thôn Thanh Bình · Xã Mai Hoa"),
            "{l}: with the place's path"
        );
        let audit = send(&r, get("/audit?action=household.move", Some(&s))).await;
        assert!(audit.body.contains("Làm nhà mới") || audit.body.contains("household.move"), "{l}");
        // Moving it to where it already is says so.
        let res = send(
            &r,
            post(&format!("/households/{hid}/move"), &form(&[("place", &group), ("reason", "x")]), Some(&s)),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(res.body.contains("Hộ đã ở"), "{l}");
    }
}

/// A list longer than the counted cap: the page says «over 1.000» and asks for the exact total,
/// which the count fragment gives; the pager goes on past the cap while pages are full.
#[tokio::test]
async fn long_lists_get_their_exact_total_and_page_through() {
    for (r, app, l, _t) in setups().await {
        app.seed_demo().await.unwrap();
        app.seed_population(1_600, 3, &mut |_, _| {}).await.unwrap();
        let province = login(&r, "tinh.hatinh", ansinh_app::DEMO_PASSWORD).await;
        let exact = app.count_persons(&Actor::system(), &Default::default()).await.unwrap();
        assert!(exact > 1_000, "{l}: the demo has {exact} persons");
        let page = send(&r, get("/persons", Some(&province))).await;
        assert!(page.body.contains("hơn 1.000") && page.body.contains("hx-get=\"/persons/count\""), "{l}");
        let count = send(&r, get("/persons/count", Some(&province))).await;
        assert_eq!(count.status, StatusCode::OK, "{l}");
        let shown: i64 = count
            .body
            .split('>')
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .replace('.', "")
            .parse()
            .unwrap();
        assert_eq!(shown, exact, "{l}: {}", count.body);
        // Past the cap: page 21 of 50 a page exists and has a «next» while full.
        let past = send(&r, get("/persons?page=21", Some(&province))).await;
        assert_eq!(past.status, StatusCode::OK, "{l}");
        assert!(past.body.contains("Trang 21") && past.body.contains("page=22"), "{l}");
        let last = (exact + 49) / 50;
        let end = send(&r, get(&format!("/persons?page={last}"), Some(&province))).await;
        assert!(
            end.body.contains("<td><a href=\"/persons/") && !end.body.contains(&format!("page={}", last + 1)),
            "{l}: the last page has no next"
        );
        // Filters count too.
        let women = send(&r, get("/persons/count?sex=female", Some(&province))).await;
        let n: i64 = women
            .body
            .split('>')
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .replace('.', "")
            .parse()
            .unwrap();
        assert!(n > 0 && n < exact, "{l}");
    }
}
