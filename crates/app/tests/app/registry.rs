//! Persons, households, moves, duplicates and merges; derived counts against a recount.

use super::*;

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
            .create_person(&officer, &{
                let mut p = person("042182000456", "Hồ Thị Lan", "1982", "Nữ", "18322-01", "MH-1", "Vợ");
                p.phone = "0912 345 678".into();
                p
            })
            .await
            .unwrap();
        assert!(wife.birth == ansinh_domain::person::BirthDate::YearOnly(1982), "{l}");
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
        assert_eq!(hv.poverty[0].status, ansinh_domain::person::PovertyStatus::Poor, "{l}");
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
        // As staff search: a given name alone, with or without diacritics; a given name and a
        // place's name; the first digits of a citizen id or a phone (no error while typing).
        let ids = |q: PersonQuery| {
            let app = &app;
            let officer = &officer;
            async move {
                let mut v: Vec<i64> = app
                    .search_persons(officer, &q)
                    .await
                    .unwrap()
                    .items
                    .iter()
                    .map(|i| i.person.id)
                    .collect();
                v.sort();
                v
            }
        };
        let q = |s: &str| PersonQuery { q: s.into(), ..Default::default() };
        assert_eq!(ids(q("Lan")).await, [wife.id], "{l}: given name alone");
        assert_eq!(ids(q("nam")).await, [child.id], "{l}: given name, no diacritics");
        assert_eq!(ids(q("An Thanh Bình")).await, [head.id], "{l}: given name and place");
        assert_eq!(ids(q("nam thanh binh")).await, [child.id], "{l}: a group of the village counts");
        assert!(ids(q("Lan Xóm Không Có")).await.is_empty(), "{l}: no such place, no such name");
        assert_eq!(ids(q("042")).await.len(), 3, "{l}: CCCD prefix");
        assert_eq!(ids(q("0420")).await, [head.id], "{l}: CCCD prefix");
        assert_eq!(ids(q("0421")).await, [wife.id], "{l}: CCCD prefix");
        assert_eq!(ids(q("04221")).await, [child.id], "{l}: CCCD prefix");
        assert_eq!(ids(q("0912")).await, [wife.id], "{l}: phone prefix");
        assert_eq!(ids(q("+84 91")).await, [wife.id], "{l}: phone prefix as +84");
        // "0" is the start of every CCCD and of the wife's phone: each person once, the CCCD
        // matches in CCCD order, then the phone matches, page by page.
        {
            let f = ansinh_store::PersonFilter { number_prefix: Some("0".into()), ..Default::default() };
            let roots = officer.roots(ansinh_domain::Permission::View);
            let mut r = app.db.read().await.unwrap();
            let mut c = r.conn();
            assert_eq!(c.count_matching(&roots, &f, 100).await.unwrap(), 3, "{l}");
            let mut paged = Vec::new();
            for offset in 0..4 {
                paged
                    .extend(c.search_persons(&roots, &f, 1, offset).await.unwrap().into_iter().map(|p| p.id));
            }
            assert_eq!(paged, [head.id, wife.id, child.id], "{l}");
            let f = ansinh_store::PersonFilter { number_prefix: Some("09".into()), ..Default::default() };
            assert_eq!(c.search_persons(&roots, &f, 50, 0).await.unwrap().len(), 1, "{l}: by phone");
            assert_eq!(c.count_matching(&roots, &f, 100).await.unwrap(), 1, "{l}");
        }
        // Filters: sex, the household's poverty status this year, ethnicity, occupation.
        assert_eq!(ids(PersonQuery { sex: "Nữ".into(), ..Default::default() }).await, [wife.id], "{l}");
        let year = chrono::Datelike::year(&app.today());
        app.set_household_poverty(&officer, household.id, year, "poor", "QĐ 15/UBND").await.unwrap();
        let poor = ids(PersonQuery { poverty: "poor".into(), ..Default::default() }).await;
        assert_eq!(poor.len(), 3, "{l}: every member of a poor household");
        assert!(ids(PersonQuery { poverty: "none".into(), ..Default::default() }).await.is_empty(), "{l}");
        assert_eq!(ids(PersonQuery { ethnicity: "kinh".into(), ..Default::default() }).await.len(), 3, "{l}");
        assert!(ids(PersonQuery { ethnicity: "Mường".into(), ..Default::default() }).await.is_empty(), "{l}");
        match app
            .search_persons(
                &officer,
                &PersonQuery { occupation: "phi hành gia".into(), ..Default::default() },
            )
            .await
        {
            Err(AppError::Invalid(list)) => assert_eq!(list[0].field, "occupation", "{l}"),
            r => panic!("{l}: {r:?}"),
        }

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
                    let sex = ansinh_domain::person::sex_label_vi(v.sex);
                    let input = person(
                        &v.cccd,
                        &v.full_name,
                        &v.birth.year().to_string(),
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

/// Free text is one type at the edge: a NUL (which PostgreSQL refuses and SQLite stored), an
/// escape, a right-to-left override or a megabyte is refused with the field named, the same on
/// both databases, and nothing is written.
#[tokio::test]
async fn free_text_is_checked_the_same_on_both_databases() {
    for (app, l, _t) in apps().await {
        app.seed_demo().await.unwrap();
        let officer = app.login("xa.maihoa", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        let p = app
            .create_person(
                &officer,
                &person("042080000123", "Nguyễn Văn An", "1980", "Nam", "18322-01", "MH-1", "Chủ hộ"),
            )
            .await
            .unwrap();
        let household = p.household_id.unwrap();
        let moved = person("042080000123", "Nguyễn Văn An", "1980", "Nam", "18322-02", "MH-1", "Chủ hộ");
        let huge = "x".repeat(1_000_000);
        for bad in ["về\u{0}quê", "chuyển\u{1b}[31m", "abc\u{202e}def", "chuông\u{7}", huge.as_str()] {
            let field = |r: ansinh_app::Result<()>| match r {
                Err(AppError::Invalid(list)) => list[0].field.clone(),
                other => panic!("{l}: {other:?}"),
            };
            assert_eq!(
                field(app.update_person(&officer, p.id, &moved, bad).await.map(|_| ())),
                "reason",
                "{l}"
            );
            assert_eq!(
                field(app.set_household_poverty(&officer, household, 2026, "poor", bad).await),
                "decision",
                "{l}"
            );
            let q = ansinh_app::registry::PersonQuery { q: bad.into(), ..Default::default() };
            assert_eq!(field(app.search_persons(&officer, &q).await.map(|_| ())), "q", "{l}");
            assert_eq!(field(app.search_units(&officer, bad, None).await.map(|_| ())), "q", "{l}");
            assert_eq!(field(app.create_token(&officer, "xa.maihoa", bad).await.map(|_| ())), "label", "{l}");
        }
        // Nothing was written: the person did not move.
        assert_eq!(app.person_view(&officer, p.id).await.unwrap().person.unit_id, p.unit_id, "{l}");
        // Ordinary Vietnamese text, with tabs and new lines collapsed, is fine.
        let ok = app.update_person(&officer, p.id, &moved, "về ở với\tbố mẹ\n").await.unwrap();
        let v = app.person_view(&officer, ok.id).await.unwrap();
        assert_eq!(v.moves[0].reason, "về ở với bố mẹ", "{l}");
    }
}

/// A user scoped to a village cannot join (or head) a household of another village: its
/// members would open to them. The household page shows only members in the viewer's scope.
#[tokio::test]
async fn village_scope_reaches_no_household_of_another_village() {
    for (app, l, _t) in apps().await {
        app.seed_demo().await.unwrap();
        let commune = app.login("xa.maihoa", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        let village = user(&app, "thon.thanhbinh", "commune_officer", "18322-01").await;
        let neighbour = app
            .create_person(
                &commune,
                &person("042080000777", "Lê Văn Tâm", "1980", "Nam", "18322-02", "TH-9", "Chủ hộ"),
            )
            .await
            .unwrap();
        let joining = person("042182000778", "Hồ Thị Mai", "1982", "Nữ", "18322-01", "TH-9", "Chủ hộ");
        match app.create_person(&village, &joining).await {
            Err(AppError::Invalid(list)) => assert_eq!(list[0].field, "household_code", "{l}: {list:?}"),
            other => panic!("{l}: {other:?}"),
        }
        // In its own village it registers fine; the neighbour's household stays out of sight.
        let own = person("042182000778", "Hồ Thị Mai", "1982", "Nữ", "18322-01", "TB-1", "Chủ hộ");
        app.create_person(&village, &own).await.unwrap();
        let hh = neighbour.household_id.unwrap();
        assert!(matches!(app.household_view(&village, hh).await, Err(AppError::NotFound)), "{l}");
        // The place's numbers come from the kept counts: one household in the village, two in
        // the commune.
        let tb = app.unit_by_code(&village, "18322-01", None).await.unwrap();
        assert_eq!(app.place_counts(&village, &tb).await.unwrap().households, 1, "{l}");
        let mh = app.unit_by_code(&commune, "18322", None).await.unwrap();
        let counts = app.place_counts(&commune, &mh).await.unwrap();
        assert_eq!((counts.persons, counts.households), (2, 2), "{l}");
    }
}

/// Registering or dry-run importing a citizen id registered outside the actor's scope answers
/// the same neutral refusal — nothing says the number exists — and leaves an audited
/// reconciliation request where the existing record lives; dry runs are audited.
#[tokio::test]
async fn no_cccd_existence_oracle() {
    for (app, l, _t) in apps().await {
        app.seed_demo().await.unwrap();
        let mai_hoa = app.login("xa.maihoa", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        let hoanh_son = user(&app, "xa.hoanhson2", "commune_officer", "18832").await;
        app.create_person(
            &mai_hoa,
            &person("042080000123", "Nguyễn Văn An", "1980", "Nam", "18322-01", "", ""),
        )
        .await
        .unwrap();
        let probe = person("042080000123", "Trần Văn Bình", "1980", "Nam", "18832", "", "");
        let refusal = match app.create_person(&hoanh_son, &probe).await {
            Err(AppError::Invalid(list)) => list[0].clone(),
            other => panic!("{l}: {other:?}"),
        };
        assert_eq!(refusal.field, "cccd", "{l}");
        assert!(!refusal.vi.contains("Nguyễn") && !refusal.vi.contains("đã có"), "{l}: {}", refusal.vi);
        // The office that sees the existing record sees the request; the prober does not.
        let seen = |actor: Actor| {
            let app = app.clone();
            async move {
                let f = AuditFilter { action: Some("person.cccd_conflict".into()), ..Default::default() };
                app.audit_list(&actor, &f, 50).await.unwrap().rows.len()
            }
        };
        let province = app.login("tinh.hatinh", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        assert_eq!(seen(mai_hoa.clone()).await, 1, "{l}");
        assert_eq!(seen(province.clone()).await, 1, "{l}");
        // A dry run asking the same: the same words on the row, audited, nothing written.
        let csv = "cccd,full_name,birth_date,sex,household_code,relation,unit_code\n042080000123,Trần Văn Bình,1980,Nam,HS-1,Chủ hộ,18832\n";
        let r = app
            .import_persons(
                &hoanh_son,
                "dò.csv",
                csv.as_bytes(),
                ansinh_app::import::ImportMode::DryRun,
                &mut |_, _, _| {},
            )
            .await
            .unwrap();
        assert_eq!(r.errors.len(), 1, "{l}: {:?}", r.errors);
        assert_eq!(r.errors[0].vi, refusal.vi, "{l}: one wording for the form and the file");
        assert_eq!(seen(mai_hoa.clone()).await, 2, "{l}");
        let checked = AuditFilter { action: Some("person.import_checked".into()), ..Default::default() };
        assert_eq!(
            app.audit_list(&Actor::system(), &checked, 10).await.unwrap().rows.len(),
            1,
            "{l}: the dry run is audited"
        );
    }
}
