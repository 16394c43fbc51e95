//! Use cases on both backends: bootstrap, units across eras, scope, places, users, tokens,
//! lock-out, audit.

use ansinh_app::{App, AppError, NewUser};
use ansinh_domain::{Actor, Level};
use ansinh_store::AuditFilter;
use ansinh_store::testing;
use chrono::{Datelike, NaiveDate};

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

// ------------------------------------------------------------------------------- registry

use ansinh_app::import::{ImportMode, Stage};
use ansinh_app::registry::{PersonInput, PersonQuery};

fn person(
    cccd: &str,
    name: &str,
    birth: &str,
    sex: &str,
    unit: &str,
    household: &str,
    relation: &str,
) -> PersonInput {
    PersonInput {
        cccd: cccd.into(),
        full_name: name.into(),
        birth_date: birth.into(),
        sex: sex.into(),
        unit_code: unit.into(),
        household_code: household.into(),
        relation: relation.into(),
        occupation: "nông nghiệp".into(),
        ..Default::default()
    }
}

fn no_progress() -> impl FnMut(Stage, usize, usize) + Send {
    |_, _, _| {}
}

#[tokio::test]
async fn registry_people_households_search_and_moves() {
    for (app, l, _t) in apps().await {
        let sys = Actor::system();
        app.seed_demo().await.unwrap();
        let officer = app.login("xa.maihoa", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        let other = app.login("hoi.hoanhson", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        let thanh_binh = app.unit_by_code(&sys, "18322-01", None).await.unwrap();
        assert_eq!(thanh_binh.name, "Thanh Bình", "{l}");

        let head = app
            .create_person(
                &officer,
                &person("042080000123", "Nguyễn Văn An", "15/03/1980", "Nam", "18322-01", "MH-1", "Chủ hộ"),
            )
            .await
            .unwrap();
        let wife = app
            .create_person(
                &officer,
                &person("042182000456", "Hồ Thị Lan", "1982", "Nữ", "18322-01", "MH-1", "Vợ"),
            )
            .await
            .unwrap();
        assert!(
            wife.birth_year_only && wife.birth_date == chrono::NaiveDate::from_ymd_opt(1982, 1, 1).unwrap(),
            "{l}"
        );
        let child = app
            .create_person(
                &officer,
                &person("042215000789", "Nguyễn Hồ Nam", "01/09/2015", "Nam", "18322-01-01", "MH-1", "Con"),
            )
            .await
            .unwrap();

        // Duplicate CCCD: refused, naming the existing record.
        match app
            .create_person(&officer, &person("042080000123", "Người Khác", "1980", "Nam", "18322-01", "", ""))
            .await
        {
            Err(AppError::Invalid(list)) => {
                let i = &list[0];
                assert!(i.field == "cccd" && i.vi.contains("Nguyễn Văn An"), "{l}: {i:?}")
            }
            r => panic!("{l}: {r:?}"),
        }
        // Bad values: every field named.
        match app.create_person(&officer, &person("123", "A", "31/02/1980", "X", "18322-01", "", "")).await {
            Err(AppError::Invalid(list)) => {
                let fields: Vec<&str> = list.iter().map(|i| i.field.as_str()).collect();
                assert_eq!(fields, ["cccd", "full_name", "birth_date", "sex"], "{l}: {list:?}");
                assert!(list[2].vi.contains("31/02/1980"), "{l}: {list:?}");
            }
            r => panic!("{l}: {r:?}"),
        }
        // CCCD inconsistent with sex.
        assert!(
            matches!(
                app.create_person(
                    &officer,
                    &person("042180000999", "Phan Văn Bình", "1980", "Nam", "18322-01", "", "")
                )
                .await,
                Err(AppError::Invalid(_))
            ),
            "{l}"
        );
        // Outside the scope: the other commune's member cannot register here, nor see.
        assert!(
            matches!(
                app.create_person(
                    &other,
                    &person("042080000321", "Võ Văn Tư", "1980", "Nam", "18322-01", "", "")
                )
                .await,
                Err(AppError::Invalid(_))
            ),
            "{l}"
        );
        assert!(matches!(app.person_view(&other, head.id).await, Err(AppError::NotFound)), "{l}");

        // Household: head set, members listed, poverty recorded and audited.
        let view = app.person_view(&officer, head.id).await.unwrap();
        let household = view.household.clone().unwrap();
        assert_eq!((household.code.as_str(), household.head_person_id), ("MH-1", Some(head.id)), "{l}");
        assert_eq!(view.members.len(), 3, "{l}");
        assert!(view.working_age && view.age >= 45, "{l}");
        assert_eq!(view.place_trail.last().map(|u| u.name.as_str()), Some("Thanh Bình"), "{l}");
        app.set_household_poverty(&officer, household.id, 2026, "near_poor", "QĐ 12/UBND").await.unwrap();
        app.set_household_poverty(&officer, household.id, 2026, "poor", "QĐ 15/UBND").await.unwrap();
        let hv = app.household_view(&officer, household.id).await.unwrap();
        assert_eq!(hv.poverty.len(), 1, "{l}: a correction replaces that year's status");
        assert_eq!(hv.poverty[0].status, "poor", "{l}");
        assert!(
            matches!(
                app.set_household_poverty(&officer, household.id, 2026, "rich", "").await,
                Err(AppError::Invalid(_))
            ),
            "{l}"
        );
        assert!(matches!(app.household_view(&other, household.id).await, Err(AppError::NotFound)), "{l}");

        // Search: diacritics ignored, by CCCD, by phone-free name, by household, working age.
        let found = app
            .search_persons(&officer, &PersonQuery { q: "nguyen van a".into(), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(found.items.iter().map(|i| i.person.id).collect::<Vec<_>>(), [head.id], "{l}");
        let by_family = app
            .search_persons(&officer, &PersonQuery { q: "ho thi".into(), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(by_family.items.len(), 1, "{l}: family and middle name, no diacritics");
        let by_id = app
            .search_persons(&officer, &PersonQuery { q: "042215000789".into(), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(by_id.items[0].person.id, child.id, "{l}");
        let by_hh = app
            .search_persons(&officer, &PersonQuery { household: "MH-1".into(), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(by_hh.total, 3, "{l}");
        let workers = app
            .search_persons(&officer, &PersonQuery { working_age: "yes".into(), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(workers.total, 2, "{l}: the child is not of working age");
        let kids = app
            .search_persons(&officer, &PersonQuery { age: "0-14".into(), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(kids.items.iter().map(|i| i.person.id).collect::<Vec<_>>(), [child.id], "{l}");
        let in_group = app
            .search_persons(&officer, &PersonQuery { place: "18322-01-01".into(), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(in_group.total, 1, "{l}");
        let none = app.search_persons(&other, &PersonQuery::default()).await.unwrap();
        assert_eq!(none.total, 0, "{l}: another commune sees nobody here");
        // Vietnamese order without a query: given name first (An, Lan, Nam).
        let all = app.search_persons(&officer, &PersonQuery::default()).await.unwrap();
        assert_eq!(
            all.items.iter().map(|i| i.person.full_name.as_str()).collect::<Vec<_>>(),
            ["Nguyễn Văn An", "Hồ Thị Lan", "Nguyễn Hồ Nam"],
            "{l}"
        );
        let counts = app.place_counts(&officer, &thanh_binh).await.unwrap();
        assert_eq!((counts.persons, counts.working_age), (3, 2), "{l}");

        // Move the child to another village: history kept, audited.
        let mut input =
            person("042215000789", "Nguyễn Hồ Nam", "01/09/2015", "Nam", "18322-02", "MH-7", "Chủ hộ");
        input.occupation = "học sinh".into();
        let moved = app.update_person(&officer, child.id, &input, "ở với ông bà").await.unwrap();
        assert_ne!(moved.unit_id, child.unit_id, "{l}");
        let v = app.person_view(&officer, child.id).await.unwrap();
        assert_eq!(v.moves.len(), 1, "{l}");
        assert_eq!(
            (v.moves[0].from_unit_id, v.moves[0].reason.as_str()),
            (child.unit_id, "ở với ông bà"),
            "{l}"
        );
        let page = app
            .audit_list(
                &officer,
                &AuditFilter { action: Some("person.update".into()), ..Default::default() },
                10,
            )
            .await
            .unwrap();
        assert!(page.rows[0].before_json.as_deref().unwrap().contains("042215000789"), "{l}");
        // Unchanged update writes nothing.
        let again = app.update_person(&officer, child.id, &input, "").await.unwrap();
        assert_eq!(again.updated_at, moved.updated_at, "{l}");

        // Probable duplicates: same folded name and birth date in the commune.
        let twin = app
            .create_person(
                &officer,
                &person("042080000555", "Nguyen Van An", "15/03/1980", "Nam", "18322-02", "", ""),
            )
            .await
            .unwrap();
        let dups = app.duplicates(&officer).await.unwrap();
        assert_eq!(dups.len(), 1, "{l}");
        assert_eq!((dups[0].0.id, dups[0].1.id), (head.id, twin.id), "{l}");
        app.dismiss_duplicate(&officer, head.id, twin.id).await.unwrap();
        assert!(app.duplicates(&officer).await.unwrap().is_empty(), "{l}");
        let merged = app.merge_persons(&officer, head.id, twin.id).await.unwrap();
        assert_eq!(merged.id, head.id, "{l}");
        // The merged record is kept and leads to the survivor, which lists it.
        let v = app.person_view(&officer, twin.id).await.unwrap();
        assert_eq!(v.person.id, head.id, "{l}");
        assert_eq!(
            v.merged.iter().map(|p| (p.id, p.merged_into)).collect::<Vec<_>>(),
            [(twin.id, Some(head.id))],
            "{l}"
        );
        assert!(app.duplicates(&officer).await.unwrap().is_empty(), "{l}");
        assert!(
            matches!(
                app.update_person(
                    &officer,
                    twin.id,
                    &person("042080000555", "Nguyen Van An", "15/03/1980", "Nam", "18322-02", "", ""),
                    ""
                )
                .await,
                Err(AppError::NotFound)
            ),
            "{l}: a merged record cannot be edited"
        );
        assert!(app.verify_counts().await.unwrap().is_empty(), "{l}: derived counts follow merges");
        let merge_audit = app
            .audit_list(
                &officer,
                &AuditFilter { action: Some("person.merge".into()), ..Default::default() },
                10,
            )
            .await
            .unwrap();
        assert!(
            merge_audit.rows[0].before_json.as_deref().unwrap().contains("042080000555"),
            "{l}: the merged record is kept in the audit"
        );
    }
}

const GOOD_CSV: &str =
    "cccd,full_name,birth_date,sex,household_code,relation,unit_code,ethnicity,phone,occupation
042075000111,Phan Văn Hùng,20/05/1975,Nam,TB-01,Chủ hộ,18322-01,Kinh,0912345678,nông nghiệp
042178000222,Đậu Thị Hoa,1978,Nữ,TB-01,Vợ,18322-01,,,tự do
042205000333,Phan Đậu Minh,02/02/2005,Nam,TB-01,Con,18322-01-02,,,học sinh
";

#[tokio::test]
async fn import_all_or_nothing_valid_rows_and_reimport() {
    for (app, l, _t) in apps().await {
        app.seed_demo().await.unwrap();
        let officer = app.login("xa.maihoa", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        let mut p = no_progress();

        // Dry run: the report, nothing written.
        let r = app
            .import_persons(&officer, "dan.csv", GOOD_CSV.as_bytes(), ImportMode::DryRun, &mut p)
            .await
            .unwrap();
        assert!(r.errors.is_empty() && !r.written && r.rows == 3, "{l}: {:?}", r.errors);
        assert_eq!(app.search_persons(&officer, &PersonQuery::default()).await.unwrap().total, 0, "{l}");

        // One bad row (unknown unit, bad date): nothing written, every bad row named.
        let bad = format!(
            "{GOOD_CSV}042080000444,Võ Văn Tư,31/02/1980,Nam,TB-02,Chủ hộ,99999,,,\n042081000555,Thái Văn Năm,1981,Nam,TB-03,Chủ hộ,18832,,,\n"
        );
        let r = app
            .import_persons(&officer, "dan.csv", bad.as_bytes(), ImportMode::AllOrNothing, &mut p)
            .await
            .unwrap();
        assert!(!r.written, "{l}");
        let lines: Vec<String> = r.errors.iter().map(|e| e.to_string()).collect();
        assert!(lines.iter().any(|e| e.starts_with("dòng 5") && e.contains("31/02/1980")), "{l}: {lines:?}");
        assert!(
            lines.iter().any(|e| e.starts_with("dòng 6") && e.contains("phạm vi")),
            "{l}: another commune: {lines:?}"
        );
        assert_eq!(r.bad_rows(), 2, "{l}");
        assert_eq!(
            app.search_persons(&officer, &PersonQuery::default()).await.unwrap().total,
            0,
            "{l}: all or nothing"
        );

        // Valid rows only: the good rows written, the bad ones returned as a file.
        let r = app
            .import_persons(&officer, "dan.csv", bad.as_bytes(), ImportMode::ValidRowsOnly, &mut p)
            .await
            .unwrap();
        assert!(r.written && r.created == 3 && r.households_created == 1, "{l}: {r:?}");
        let x = r.rejected_xlsx.expect("rejected rows file");
        let t = ansinh_reports::read_xlsx(&x).unwrap();
        assert_eq!(t.rows.len(), 2, "{l}");
        assert_eq!(t.headers.last().map(String::as_str), Some("Lỗi"), "{l}");
        assert!(t.rows[0].last().unwrap().contains("31/02/1980"), "{l}");

        // Re-importing the same file changes nothing.
        let r = app
            .import_persons(&officer, "dan.csv", GOOD_CSV.as_bytes(), ImportMode::AllOrNothing, &mut p)
            .await
            .unwrap();
        assert_eq!((r.created, r.updated, r.unchanged, r.households_created), (0, 0, 3, 0), "{l}");
        // A changed row updates that person only, audited.
        let changed = GOOD_CSV.replace("0912345678", "0987654321");
        let r = app
            .import_persons(&officer, "dan.csv", changed.as_bytes(), ImportMode::AllOrNothing, &mut p)
            .await
            .unwrap();
        assert_eq!((r.created, r.updated, r.unchanged), (0, 1, 2), "{l}");
        let head = app
            .search_persons(&officer, &PersonQuery { q: "phan van hung".into(), ..Default::default() })
            .await
            .unwrap();
        let hv = app.person_view(&officer, head.items[0].person.id).await.unwrap();
        assert_eq!(hv.person.phone.as_deref(), Some("0987654321"), "{l}");
        assert_eq!(hv.household.unwrap().head_person_id, Some(hv.person.id), "{l}");

        // Files that cannot be read: a clear error about the file, nothing written.
        for (name, bytes) in
            [("a.csv", &b""[..]), ("a.csv", &b"\xff\xfe\x00h\x00i"[..]), ("a.csv", &b"x,y\n1,2\n"[..])]
        {
            match app.import_persons(&officer, name, bytes, ImportMode::AllOrNothing, &mut p).await {
                Err(AppError::Invalid(list)) => {
                    let i = &list[0];
                    assert_eq!(i.field, "file", "{l}")
                }
                Ok(r) => assert!(!r.written && !r.errors.is_empty(), "{l}: {name} {r:?}"),
                Err(e) => panic!("{l}: {e:?}"),
            }
        }
        // Export in scope, then the same file imports as unchanged.
        let table = app.export_persons(&officer, &PersonQuery::default()).await.unwrap();
        assert_eq!(table.rows.len(), 3, "{l}");
        let csv = ansinh_reports::write_csv(&table);
        assert!(csv.starts_with(&[0xEF, 0xBB, 0xBF]), "{l}: BOM for Excel");
        let r =
            app.import_persons(&officer, "export.csv", &csv, ImportMode::AllOrNothing, &mut p).await.unwrap();
        assert_eq!((r.created, r.updated, r.unchanged), (0, 0, 3), "{l}: {:?}", r.errors);
    }
}

#[tokio::test]
async fn bulk_import_leaves_the_registry_searchable_and_checked() {
    for (mut app, l, _t) in apps().await {
        app.set_bulk_rows(2);
        app.seed_demo().await.unwrap();
        let officer = app.login("xa.maihoa", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        let mut p = no_progress();
        let mut stages = Vec::new();
        let mut track = |s: Stage, _: usize, _: usize| stages.push(s);
        let r = app
            .import_persons(&officer, "dan.csv", GOOD_CSV.as_bytes(), ImportMode::AllOrNothing, &mut track)
            .await
            .unwrap();
        assert!(r.written && r.created == 3 && r.households_created == 1, "{l}: {r:?}");
        assert!(stages.contains(&Stage::Indexing), "{l}: took the bulk path: {stages:?}");
        // The indexes are back: a name typed without diacritics, a household code, a phone.
        for q in ["dau thi", "0912345678"] {
            let found = app
                .search_persons(&officer, &PersonQuery { q: q.into(), ..Default::default() })
                .await
                .unwrap();
            assert_eq!(found.total, 1, "{l}: {q}");
        }
        let hh = app
            .search_persons(&officer, &PersonQuery { household: "TB-01".into(), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(hh.total, 3, "{l}");
        let head = &hh.items.iter().find(|i| i.person.full_name == "Phan Văn Hùng").unwrap().person;
        let view = app.person_view(&officer, head.id).await.unwrap();
        assert_eq!(view.household.unwrap().head_person_id, Some(head.id), "{l}");
        // The restored unique citizen id still refuses a duplicate, and a re-import is a no-op.
        let r = app
            .import_persons(&officer, "dan.csv", GOOD_CSV.as_bytes(), ImportMode::AllOrNothing, &mut p)
            .await
            .unwrap();
        assert_eq!((r.created, r.updated, r.unchanged), (0, 0, 3), "{l}");
        let dup = person("042075000111", "Người Khác", "1975", "Nam", "18322-01", "TB-09", "Chủ hộ");
        match app.create_person(&officer, &dup).await {
            Err(AppError::Invalid(list)) => {
                let i = &list[0];
                assert!(i.vi.contains("Phan Văn Hùng"), "{l}: names the record: {i:?}")
            }
            other => panic!("{l}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn demo_population_is_deterministic_and_shaped() {
    let mut fingerprints = Vec::new();
    for (mut app, l, _t) in apps().await {
        // Through the bulk path (indexes and constraints lifted and restored).
        app.set_bulk_rows(1000);
        let r = app.seed_population(3000, 7, &mut |_, _| {}).await.unwrap();
        assert!(r.persons == 3000 && r.households > 700 && r.places_created > 1000, "{l}: {r:?}");
        assert_eq!(r.thanh_binh_workers, ansinh_app::demo::seed::THANH_BINH_WORKERS, "{l}");
        let again = app.seed_population(3000, 7, &mut |_, _| {}).await.unwrap();
        assert!(again.existed, "{l}: idempotent");
        let sys = Actor::system();
        let tb = app.unit_by_code(&sys, "18322-01", None).await.unwrap();
        let counts = app.place_counts(&sys, &tb).await.unwrap();
        assert_eq!(counts.working_age, 82, "{l}");
        let table = app
            .export_persons(&sys, &PersonQuery { place: "42".into(), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(table.rows.len(), 3000, "{l}");
        let mut cccds: Vec<String> = table.rows.iter().map(|r| r[0].clone()).collect();
        cccds.sort();
        fingerprints.push(cccds);
    }
    if fingerprints.len() == 2 {
        assert_eq!(fingerprints[0], fingerprints[1], "same seed, same people on both backends");
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

/// After any sequence of creations, moves, merges and imports, the counts kept by the unit of
/// work equal a recount from the records (a deterministic pseudo-random walk, several seeds).
#[tokio::test]
async fn derived_counts_equal_a_recount_after_any_sequence() {
    for (app, l, _t) in apps().await {
        app.seed_demo().await.unwrap();
        let officer = app.login("xa.maihoa", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        let places = ["18322", "18322-01", "18322-01-01", "18322-01-02", "18322-02"];
        let mut rng: u64 = 0x2024_1113;
        let mut next = |n: u64| {
            rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (rng >> 33) % n
        };
        let mut ids: Vec<i64> = Vec::new();
        for step in 0..40u32 {
            let op = next(10);
            let place = places[next(places.len() as u64) as usize];
            let household = format!("H-{}", next(6));
            match op {
                0..=4 => {
                    let cccd =
                        format!("042{}{:02}{:06}", if step % 2 == 0 { 0 } else { 1 }, 80 + step % 20, step);
                    let sex = if step % 2 == 0 { "Nam" } else { "Nữ" };
                    let input = person(
                        &cccd,
                        "Trần Văn Bình",
                        &format!("{}", 1980 + step % 20),
                        sex,
                        place,
                        &household,
                        "",
                    );
                    if let Ok(p) = app.create_person(&officer, &input).await {
                        ids.push(p.id);
                    }
                }
                5..=7 if !ids.is_empty() => {
                    let id = ids[next(ids.len() as u64) as usize];
                    let v = app.person_view(&officer, id).await.unwrap().person;
                    let sex = if v.sex == "male" { "Nam" } else { "Nữ" };
                    let input = person(
                        &v.cccd,
                        &v.full_name,
                        &v.birth_date.year().to_string(),
                        sex,
                        place,
                        &household,
                        "",
                    );
                    let _ = app.update_person(&officer, v.id, &input, "chuyển").await;
                }
                8 if ids.len() >= 2 => {
                    let a = ids.remove(next(ids.len() as u64) as usize);
                    let b = ids[next(ids.len() as u64) as usize];
                    app.merge_persons(&officer, b, a).await.unwrap();
                }
                _ => {
                    let csv = format!(
                        "cccd,full_name,birth_date,sex,household_code,relation,unit_code\n042{:09},Lê Văn Cường,1990,Nam,{household},Chủ hộ,{place}\n",
                        90_000_000 + step
                    );
                    let r = app
                        .import_persons(
                            &officer,
                            "x.csv",
                            csv.as_bytes(),
                            ansinh_app::import::ImportMode::ValidRowsOnly,
                            &mut |_, _, _| {},
                        )
                        .await
                        .unwrap();
                    assert!(r.errors.is_empty(), "{l}: {:?}", r.errors);
                }
            }
            let diff = app.verify_counts().await.unwrap();
            assert!(diff.is_empty(), "{l}: step {step} (op {op}): {diff:?}");
        }
        let sys = Actor::system();
        let total = app.search_persons(&sys, &Default::default()).await.unwrap().total;
        let mut r = app.db.read().await.unwrap();
        assert_eq!(
            r.conn().unit_totals("/0/").await.unwrap().0,
            total,
            "{l}: the roll-up is the search total"
        );
    }
}
