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

/// `n` heads of households of Thanh Bình, one per row, numbered from `first` (valid citizen ids of men born 1980).
fn household_heads(first: usize, n: usize) -> String {
    const NAMES: [&str; 8] = [
        "Nguyễn Văn An",
        "Trần Văn Bình",
        "Lê Văn Cường",
        "Phạm Văn Dũng",
        "Hoàng Văn Em",
        "Võ Văn Giang",
        "Đặng Văn Hải",
        "Bùi Văn Khánh",
    ];
    let mut csv = String::from("cccd,full_name,birth_date,sex,household_code,relation,unit_code\n");
    for i in 0..n {
        csv.push_str(&format!(
            "042080{:06},{},1980,Nam,JB-{},Chủ hộ,18322-01\n",
            first + i,
            NAMES[i % NAMES.len()],
            first + i
        ));
    }
    csv
}

/// A web upload is a job: queued, then run by a runner, its report kept in the database and
/// shown to its owner only; into a registry that holds people it is written batch by batch,
/// each batch its own transaction recorded in the job's ledger; a job whose process stopped
/// mid-way is queued again and resumes after the last batch its ledger records.
#[tokio::test]
async fn import_jobs_run_in_batches_resume_after_a_restart_and_are_private() {
    for (mut app, l, _t) in apps().await {
        let files = tempfile::tempdir().unwrap();
        app.set_files_dir(files.path().to_path_buf());
        app.set_import_batch_rows(2);
        app.seed_demo().await.unwrap();
        let officer = app.login("xa.maihoa", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        let other = app.login("thu.hoanhson", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        let mut p = no_progress();
        // Someone is registered already: the batch-by-batch path, not the first-load one.
        app.import_persons(&officer, "one.csv", GOOD_CSV.as_bytes(), ImportMode::AllOrNothing, &mut p)
            .await
            .unwrap();

        let csv = household_heads(500, 7);
        let upload = app.upload_path("dan.csv").unwrap();
        std::fs::write(&upload, &csv).unwrap();
        let id =
            app.submit_person_import(&officer, "dan.csv", ImportMode::AllOrNothing, &upload).await.unwrap();
        assert!(!upload.exists(), "{l}: the upload moved into the job's folder");
        let job = app.import_job(&officer, id).await.unwrap();
        assert_eq!(job.state, ansinh_app::import::JobState::Queued, "{l}");
        assert!(matches!(app.import_job(&other, id).await, Err(AppError::NotFound)), "{l}: not theirs");
        assert!(app.import_jobs(&other).await.unwrap().iter().all(|j| j.id != id), "{l}");

        assert_eq!(app.run_next_import_job().await.unwrap(), Some(id), "{l}");
        assert_eq!(app.run_next_import_job().await.unwrap(), None, "{l}: the queue is empty");
        let job = app.import_job(&officer, id).await.unwrap();
        assert_eq!(job.state, ansinh_app::import::JobState::Done, "{l}: {job:?}");
        let report = job.report.unwrap();
        assert!(report.written && report.created == 7 && report.households_created == 7, "{l}: {report:?}");
        let parts = AuditFilter { action: Some("person.import_part".into()), ..Default::default() };
        let parts = app.audit_list(&Actor::system(), &parts, 100).await.unwrap().rows;
        let ours = parts.iter().filter(|a| a.entity_id == "dan.csv").count();
        assert_eq!(ours, 4, "{l}: seven rows in four transactions of two");
        assert_eq!(app.search_persons(&officer, &PersonQuery::default()).await.unwrap().total, 10, "{l}");

        // A process stopped after its first two batches (rows 2–5 written and in the ledger).
        let csv = household_heads(600, 12);
        let head: String = csv.lines().take(5).map(|line| format!("{line}\n")).collect();
        app.import_persons(&officer, "part.csv", head.as_bytes(), ImportMode::AllOrNothing, &mut p)
            .await
            .unwrap();
        let long_ago = app.now() - chrono::Duration::hours(1);
        let stopped = {
            let mut tx = app.db.begin().await.unwrap();
            let mut c = tx.conn();
            let job = ansinh_store::NewImportJob {
                kind: "persons",
                user_id: officer.user_id,
                username: "xa.maihoa",
                filename: "dan12.csv",
                mode: "all_or_nothing",
                runner: Some("a-stopped-process"),
                at: long_ago,
            };
            let id = c.insert_import_job(&job).await.unwrap();
            let k = ansinh_store::ChunkCounts { through_row: 5, created: 4, ..Default::default() };
            c.add_import_chunk(id, &k, long_ago).await.unwrap();
            tx.commit().await.unwrap();
            id
        };
        let dir = files.path().join("imports").join(format!("job-{stopped}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("upload.csv"), &csv).unwrap();
        assert_eq!(app.sweep_import_jobs().await.unwrap(), 1, "{l}: queued again");
        assert_eq!(app.run_next_import_job().await.unwrap(), Some(stopped), "{l}");
        let job = app.import_job(&officer, stopped).await.unwrap();
        let report = job.report.unwrap();
        assert_eq!(job.attempts, 2, "{l}");
        assert_eq!(
            (report.created, report.unchanged),
            (12, 0),
            "{l}: the ledger's four and the eight after it"
        );
        assert_eq!(app.search_persons(&officer, &PersonQuery::default()).await.unwrap().total, 22, "{l}");
    }
}

/// Memory stays bounded whatever the file: a file whose rows are all bad keeps a few bytes per
/// row, writes its errors to disk as they come, and names at most a few other rows in a
/// repeat's message (one citizen id on every row is not a quadratic report).
#[tokio::test]
async fn errors_go_to_a_file_and_repeats_stay_short() {
    for (mut app, l, _t) in apps().await {
        let files = tempfile::tempdir().unwrap();
        app.set_files_dir(files.path().to_path_buf());
        app.set_import_batch_rows(100);
        app.seed_demo().await.unwrap();
        let officer = app.login("xa.maihoa", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        let mut csv = String::from("cccd,full_name,birth_date,sex,household_code,relation,unit_code\n");
        for i in 0..3000 {
            csv.push_str(&format!("042080000777,Nguyễn Văn An,1980,Nam,R-{i},Con,18322-01\n"));
        }
        let mut p = no_progress();
        let r = app
            .import_persons(&officer, "lap.csv", csv.as_bytes(), ImportMode::ValidRowsOnly, &mut p)
            .await
            .unwrap();
        assert_eq!((r.rows, r.bad_rows, r.error_count), (3000, 3000, 3000), "{l}");
        assert_eq!(r.errors.len(), ansinh_app::import::LISTED_ERRORS, "{l}: the first ones listed");
        assert!(r.errors[0].vi.ends_with("và 2994 dòng khác"), "{l}: {}", r.errors[0].vi);
        let all = std::fs::read_to_string(r.errors_file.as_ref().unwrap()).unwrap();
        assert_eq!(all.lines().count(), 3001, "{l}: every error, with a header");
        let rejected =
            ansinh_reports::read_xlsx(&std::fs::read(r.rejected_file.as_ref().unwrap()).unwrap()).unwrap();
        assert_eq!(rejected.rows.len(), 3000, "{l}");
        assert!(rejected.rows[2999].last().unwrap().contains("trùng với dòng"), "{l}");
        assert_eq!(r.created, 0, "{l}");
    }
}

/// A list as communes keep it: tab-separated, the template's example row left in, "Vợ/chồng"
/// for both spouses, a CCCD whose leading 0 Excel dropped, a lodger without a household.
#[tokio::test]
async fn lists_as_they_are_written_import() {
    for (app, l, _t) in apps().await {
        app.seed_demo().await.unwrap();
        let officer = app.login("xa.maihoa", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        let mut p = no_progress();
        let example = ansinh_domain::import::template_example_row().join("\t");
        let tsv = format!(
            "Số CCCD\tHọ và tên\tNgày sinh\tGiới tính\tMã hộ\tQuan hệ với chủ hộ\tMã thôn/tổ/xã\n\
             {example}\n\
             42075000111\tPhan Văn Hùng\t20/05/1975\tNam\tTB-01\tChủ hộ\t18322-01\n\
             042178000222\tĐậu Thị Hoa\t1978\tNữ\tTB-01\tVợ/chồng\t18322-01\n\
             042080000444\tVõ Văn Tư\t1980\tNam\t\t\t18322-01\n"
        );
        let r = app
            .import_persons(&officer, "danh-sach.tsv", tsv.as_bytes(), ImportMode::AllOrNothing, &mut p)
            .await
            .unwrap();
        assert!(r.errors.is_empty(), "{l}: {:?}", r.errors);
        assert!(r.written && r.created == 3 && r.households_created == 1, "{l}: {r:?}");
        let warnings: Vec<String> = r.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(r.warning_count, 2, "{l}: {warnings:?}");
        assert!(warnings[0].starts_with("dòng 2: đây là dòng ví dụ"), "{l}: {warnings:?}");
        assert!(warnings[1].starts_with("dòng 3, cột Số CCCD: số CCCD «42075000111»"), "{l}: {warnings:?}");

        let find = |q: &str| PersonQuery { q: q.into(), ..Default::default() };
        let head = app.search_persons(&officer, &find("042075000111")).await.unwrap();
        assert_eq!(head.total, 1, "{l}: the 0 restored");
        let hv = app.person_view(&officer, head.items[0].person.id).await.unwrap();
        assert_eq!(hv.household.as_ref().map(|h| h.head_person_id), Some(Some(hv.person.id)), "{l}");
        let wife = app.search_persons(&officer, &find("042178000222")).await.unwrap();
        assert_eq!(wife.items[0].person.relation, Some(ansinh_domain::Relation::Wife), "{l}");
        let lodger = app.search_persons(&officer, &find("042080000444")).await.unwrap();
        let lv = app.person_view(&officer, lodger.items[0].person.id).await.unwrap();
        assert!(lv.household.is_none() && lv.person.relation.is_none(), "{l}");
        // The example row was not imported.
        assert_eq!(app.search_persons(&officer, &find("042090001234")).await.unwrap().total, 0, "{l}");

        // The form and the API read "Vợ/chồng" the same way.
        let spouse = app
            .create_person(
                &officer,
                &person("042082000666", "Lê Văn Chồng", "1982", "Nam", "18322-01", "TB-09", "Vợ/chồng"),
            )
            .await
            .unwrap();
        assert_eq!(spouse.relation, Some(ansinh_domain::Relation::Husband), "{l}");

        // "Vợ/chồng" without a sex cannot be resolved: said on that row.
        let bad = "cccd,full_name,birth_date,sex,household_code,relation,unit_code\n\
                   042081000555,Thái Văn Năm,1981,,TB-03,Vợ/chồng,18322-01\n";
        let r =
            app.import_persons(&officer, "b.csv", bad.as_bytes(), ImportMode::DryRun, &mut p).await.unwrap();
        assert!(
            r.errors.iter().any(|e| e.column == "relation" && e.vi.contains("cần giới tính")),
            "{l}: {:?}",
            r.errors
        );

        // A printed list saved as CSV, its heading above the header: the heading is skipped and
        // a bad row is named by its line in the file.
        let titled = "DANH SÁCH NHÂN KHẨU;;;;;;\nXã Mai Hoa, Tỉnh Hà Tĩnh;;;;;;\n;;;;;;\n\
                      cccd;full_name;birth_date;sex;household_code;relation;unit_code\n\
                      042083000777;Hồ Văn Bảy;1983;Nam;;;18322-01\n\
                      042083000888;Hồ Văn Tám;31/02/1983;Nam;;;18322-01\n";
        let r = app
            .import_persons(&officer, "in-ra.csv", titled.as_bytes(), ImportMode::DryRun, &mut p)
            .await
            .unwrap();
        let rows: Vec<usize> = r.errors.iter().map(|e| e.row).collect();
        assert_eq!(rows, [6], "{l}: {:?}", r.errors);
        assert_eq!(r.errors[0].column, "birth_date", "{l}");
    }
}
