//! Imports and exports of lists, and the hostile-file corpus.

use super::*;

#[tokio::test]
async fn registry_import_export_and_template() {
    for (r, app, l, _t) in setups().await {
        let (village, _, _) = registry_places(&app).await;
        let s = login(&r, "xa.maihoa", "password-123").await;
        let other = login(&r, "xa.hoanhson", "password-123").await;
        let page = send(&r, get("/persons/import", Some(&s))).await;
        assert!(
            page.body.contains("hx-encoding=\"multipart/form-data\"")
                && page.body.contains("/persons/template.xlsx"),
            "{l}"
        );
        let count = |app: App| async move {
            let sys = Actor::system();
            app.search_persons(&sys, &Default::default()).await.unwrap().total
        };

        // All or nothing: one bad row, nothing written, the row and column named.
        let bad = import_csv(true, &village);
        let res = send(&r, upload("/persons/import", "danh-sach.csv", bad.as_bytes(), &[], &s, false)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}: {}", res.body);
        assert!(
            res.body.contains("dòng 3, cột Số CCCD: Số CCCD 042190000202 không khớp"),
            "{l}: {}",
            res.body
        );
        assert!(res.body.contains("Không ghi dòng nào"), "{l}");
        assert_eq!(count(app.clone()).await, 0, "{l}");
        // A dry run through htmx: the report fragment, nothing written.
        let res =
            send(&r, upload("/persons/import", "danh-sach.csv", bad.as_bytes(), &["dry_run"], &s, true))
                .await;
        assert_eq!(res.status, StatusCode::OK, "{l}");
        assert!(!res.body.contains("<html") && res.body.contains("dòng 3, cột Số CCCD"), "{l}");
        assert_eq!(count(app.clone()).await, 0, "{l}");

        // Valid rows only: the two good rows are written, the bad one comes back as XLSX.
        let res = send(
            &r,
            upload("/persons/import", "danh-sach.csv", bad.as_bytes(), &["valid_rows_only"], &s, true),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{l}");
        assert!(res.body.contains("<strong data-count=\"created\">2</strong>"), "{l}: {}", res.body);
        assert_eq!(count(app.clone()).await, 2, "{l}");
        let link = res
            .body
            .split("href=\"/imports/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .map(|k| format!("/imports/{k}"))
            .expect("a link to the rejected rows");
        assert!(link.ends_with("/rejected.xlsx"), "{l}: {link}");
        let file = send(&r, get(&link, Some(&s))).await;
        assert_eq!(file.status, StatusCode::OK, "{l}");
        assert!(file.body.starts_with("PK"), "{l}: an XLSX (zip)");
        assert!(
            file.headers
                .get(header::CONTENT_DISPOSITION)
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("attachment;"),
            "{l}"
        );
        assert_eq!(
            send(&r, get(&link, Some(&other))).await.status,
            StatusCode::NOT_FOUND,
            "{l}: only its user"
        );

        // The fixed file: the two written rows are unchanged, the fixed one is created.
        let good = import_csv(false, &village);
        let res = send(&r, upload("/persons/import", "danh-sach.csv", good.as_bytes(), &[], &s, true)).await;
        assert!(
            res.body.contains("<strong data-count=\"created\">1</strong>")
                && res.body.contains("<strong data-count=\"unchanged\">2</strong>"),
            "{l}: {}",
            res.body
        );
        // Again: nothing changes.
        let res = send(&r, upload("/persons/import", "danh-sach.csv", good.as_bytes(), &[], &s, false)).await;
        assert_eq!(res.status, StatusCode::OK, "{l}");
        assert!(
            res.body.contains("<strong data-count=\"created\">0</strong>")
                && res.body.contains("<strong data-count=\"updated\">0</strong>")
                && res.body.contains("<strong data-count=\"unchanged\">3</strong>"),
            "{l}: {}",
            res.body
        );
        assert_eq!(count(app.clone()).await, 3, "{l}");
        // Every upload is a job, listed for its owner with its outcome, and its page follows it.
        let jobs = send(&r, get("/imports", Some(&s))).await;
        assert_eq!(jobs.status, StatusCode::OK, "{l}");
        assert_eq!(jobs.body.matches("data-state=\"done\"").count(), 5, "{l}: {}", jobs.body);
        let job_id = link.trim_start_matches("/imports/").split('/').next().unwrap().to_string();
        let page = send(&r, get(&format!("/imports/{job_id}"), Some(&s))).await;
        assert!(
            page.status == StatusCode::OK && page.body.contains("data-count=\"created\">2<"),
            "{l}: {}",
            page.body
        );
        assert_eq!(
            send(&r, get(&format!("/imports/{job_id}"), Some(&other))).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        assert!(
            !send(&r, get("/imports", Some(&other))).await.body.contains("danh-sach.csv"),
            "{l}: not theirs"
        );
        // The API: 202 with the job at once, then its report.
        let token = app.create_token(&Actor::system(), "xa.maihoa", "import").await.unwrap().1;
        let job = import_via_api(&r, &token, "danh-sach.csv", "dry_run", bad.clone().into_bytes()).await;
        assert_eq!(job["state"], "done", "{l}: {job}");
        assert_eq!(job["report"]["bad_rows"], 1, "{l}: {job}");
        assert_eq!(job["report"]["errors"][0]["row"], 3, "{l}: {job}");
        let bad_mode = Request::builder()
            .method("POST")
            .uri("/api/v1/imports/persons?filename=x.csv&mode=everything")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from("a"))
            .unwrap();
        let res = send(&r, bad_mode).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(res.body.contains("\"field\":\"mode\""), "{l}: {}", res.body);
        // Bad files: no file, an unreadable one.
        let res = send(&r, upload("/persons/import", "", b"", &[], &s, false)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(res.body.contains("Hãy chọn một tệp"), "{l}");
        let latin1 = b"S\xf3 CCCD,H\xf3 t\xean\n1,2\n";
        let res = send(&r, upload("/persons/import", "x.csv", latin1, &[], &s, false)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}: {}", res.body);

        // Export: CSV with the BOM and the template's headers, XLSX, both as attachments.
        let csv = send(&r, get("/persons/export.csv?q=ho", Some(&s))).await;
        assert_eq!(csv.status, StatusCode::OK, "{l}");
        assert!(csv.body.starts_with("\u{feff}STT,Số CCCD,Họ và tên,Ngày sinh"), "{l}: {}", csv.body);
        assert!(
            csv.body.contains("Hồ Văn Hải") && !csv.body.contains("Võ Văn Hùng"),
            "{l}: the filter applies"
        );
        let cd = csv.headers.get(header::CONTENT_DISPOSITION).unwrap().to_str().unwrap().to_string();
        assert!(
            cd.starts_with("attachment; filename=\"danh-sach-nhan-khau-") && cd.contains("filename*=UTF-8''"),
            "{l}: {cd}"
        );
        let xlsx = send(&r, get("/persons/export.xlsx", Some(&s))).await;
        assert!(xlsx.body.starts_with("PK"), "{l}");
        let export = xlsx.bytes.clone();
        let theirs = send(&r, get("/persons/export.csv", Some(&other))).await;
        assert!(!theirs.body.contains("Hồ Văn Hải"), "{l}: scoped");
        let tpl = send(&r, get("/persons/template.csv", Some(&s))).await;
        assert!(tpl.body.starts_with("\u{feff}Số CCCD") && tpl.body.contains("Nguyễn Văn An"), "{l}");
        let xlsx = send(&r, get("/persons/template.xlsx", Some(&s))).await;
        assert!(xlsx.body.starts_with("PK"), "{l}");
        // The template sent back untouched imports nobody: its example row is skipped, said so.
        let token = app.create_token(&Actor::system(), "xa.maihoa", "tpl").await.unwrap().1;
        let job = import_via_api(&r, &token, "mau.xlsx", "all_or_nothing", xlsx.bytes.clone()).await;
        assert_eq!(job["report"]["created"], 0, "{l}: {job}");
        assert_eq!(job["report"]["bad_rows"], 0, "{l}: {job}");
        assert_eq!(job["report"]["warning_count"], 1, "{l}: {job}");
        assert!(
            job["report"]["warnings"][0]["message_vi"].as_str().unwrap().contains("dòng ví dụ"),
            "{l}: {job}"
        );

        // The workbook export: under its heading (list, place, date), STT first, in the list's
        // order (Vietnamese collation, given name first) — and it imports back unchanged.
        let book = ansinh_reports::read_xlsx(&export).unwrap();
        assert_eq!(&book.headers[..3], ["STT", "Số CCCD", "Họ và tên"], "{l}");
        let data: Vec<&Vec<String>> = book.rows.iter().filter(|r| r.iter().any(|c| !c.is_empty())).collect();
        let names: Vec<&str> = data.iter().map(|r| r[2].as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort_by_key(|n| ansinh_app::registry::name_sort_key(n));
        assert_eq!(names, sorted, "{l}: the list's order");
        assert_eq!(
            data.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(),
            (1..=data.len()).map(|i| i.to_string()).collect::<Vec<_>>(),
            "{l}: STT"
        );
        let officer = app.login("xa.maihoa", "password-123").await.unwrap().0;
        let q = ansinh_app::registry::PersonQuery { sex: "Nữ".into(), ..Default::default() };
        let heading = app.export_heading(&officer, &q, 7).await.unwrap();
        assert_eq!(heading[0], "DANH SÁCH NHÂN KHẨU", "{l}");
        assert_eq!(heading[1], "Địa bàn: Xã Mai Hoa", "{l}");
        assert_eq!(heading[2], "Điều kiện lọc: giới tính: Nữ", "{l}");
        assert!(heading[3].contains("Số người: 7 · Người xuất: xa.maihoa"), "{l}: {heading:?}");
        let job = import_via_api(&r, &token, "xuat.xlsx", "all_or_nothing", export).await;
        assert_eq!(job["report"]["bad_rows"], 0, "{l}: {job}");
        assert_eq!(
            (job["report"]["created"].as_i64(), job["report"]["unchanged"].as_i64()),
            (Some(0), Some(data.len() as i64)),
            "{l}: {job}"
        );
    }
}

/// Send a file to the import API (202 with the job at once) and wait for its report.
async fn import_via_api(
    r: &Router,
    token: &str,
    filename: &str,
    mode: &str,
    body: Vec<u8>,
) -> serde_json::Value {
    let req = Request::builder()
        .method("POST")
        .uri(format!("/api/v1/imports/persons?filename={filename}&mode={mode}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(body))
        .unwrap();
    let res = send(r, req).await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.body);
    let mut job: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    let id = job["id"].as_i64().unwrap_or_else(|| panic!("{job}"));
    for _ in 0..100 {
        if job["state"] == "done" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        job = serde_json::from_str(&send(r, bearer(&format!("/api/v1/imports/{id}"), token)).await.body)
            .unwrap();
    }
    job
}

/// Every file of the hostile corpus (`scripts/hostile-corpus.py`): a user who may not import is
/// refused before the file is read; an editor gets a clear Vietnamese refusal; the server
/// answers normally afterwards and nothing was written.
#[tokio::test]
async fn hostile_files_are_refused_and_the_server_lives() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let mut corpus: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    corpus.sort();
    assert!(corpus.len() >= 8, "the corpus is in {}", dir.display());
    for (r, app, l, _t) in setups().await {
        let viewer = NewUser {
            username: "xem.maihoa".into(),
            display_name: String::new(),
            password: "password-123".into(),
            role: "viewer".into(),
            unit_code: "18322".into(),
        };
        app.add_user(&Actor::system(), &viewer).await.unwrap();
        let editor = login(&r, "xa.maihoa", "password-123").await;
        let reader = login(&r, "xem.maihoa", "password-123").await;
        for path in &corpus {
            let name = path.file_name().unwrap().to_str().unwrap();
            let bytes = std::fs::read(path).unwrap();
            let res = send(&r, upload("/persons/import", name, &bytes, &[], &reader, false)).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{l} {name}: a viewer may not import");
            for dry in [false, true] {
                let checks: &[&str] = if dry { &["dry_run"] } else { &[] };
                let res = send(&r, upload("/persons/import", name, &bytes, checks, &editor, false)).await;
                // A dry run that reads the file reports its errors as its answer (200).
                let ok =
                    res.status == StatusCode::UNPROCESSABLE_ENTITY || (dry && res.status == StatusCode::OK);
                assert!(ok, "{l} {name}: {} {}", res.status, res.body);
                assert!(
                    ["Tệp", "tệp", "dòng"].iter().any(|w| res.body.contains(w)),
                    "{l} {name}: the refusal says why: {}",
                    res.body
                );
            }
        }
        let sys = Actor::system();
        assert_eq!(app.search_persons(&sys, &Default::default()).await.unwrap().total, 0, "{l}");
        assert_eq!(send(&r, get("/persons", Some(&editor))).await.status, StatusCode::OK, "{l}: alive");
    }
}
