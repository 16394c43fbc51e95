//! Imports: all or nothing, valid rows only, re-import, the bulk path.

use super::*;

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
        let x = std::fs::read(r.rejected_file.expect("rejected rows file")).unwrap();
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
