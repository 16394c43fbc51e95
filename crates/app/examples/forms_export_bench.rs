//! A form export at scale (BENCHMARKS.md, "Form export of 100,000 rows"):
//!
//!   forms_export_bench URL RECEIPTS [--export-only]
//!
//! (`--export-only` times the export of a database an earlier run made.)
//! Generates the demo population into a fresh database (RECEIPTS persons and a few more), gives
//! RECEIPTS of them an open VSI participation and one valid 12-month receipt each, all taken by
//! the collector thu.maihoa in November 2026 (written straight to the tables: bench setup, not a
//! use case), then times, best of three in one run: the D05-TS export of that collector's month
//! (`App::export_form`: the receipts, lines, sources and persons read and the form's rows
//! built), its XLSX and the same cells as plain CSV.

use ansinh_app::collection::NewBook;
use ansinh_app::{App, Clock};
use ansinh_domain::{PayerSource, Scheme};
use ansinh_reports::{write_csv, write_form_xlsx};
use ansinh_store::{ParticipationRow, ReceiptLineRow, ReceiptRow, ReceiptSourceRow};
use chrono::NaiveDate;
use std::time::Instant;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: forms_export_bench URL RECEIPTS";
    let url = args.get(1).expect(usage);
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).expect(usage);
    let mut app = App::open(url).await.expect("open database");
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    app.set_clock(Clock::on(day(30)));
    app.bootstrap(Some("bench-password-1")).await.expect("bootstrap");
    let (collector, _) = app.login("thu.maihoa", ansinh_app::DEMO_PASSWORD).await.ok().unzip();
    if args.get(3).map(String::as_str) == Some("--export-only") {
        return export(&app, &collector.expect("an earlier run's database")).await;
    }
    let t = Instant::now();
    let r = app.seed_population(n + n / 5, 2024, &mut |_, _| {}).await.expect("populate");
    println!("populate_{}_persons {:.1} s", r.persons, t.elapsed().as_secs_f64());
    let (office, _) = app.login("tinh.hatinh", ansinh_app::DEMO_PASSWORD).await.expect("office");
    let (collector, _) = app.login("thu.maihoa", ansinh_app::DEMO_PASSWORD).await.expect("collector");
    let book = app
        .issue_book(
            &office,
            &NewBook {
                collector: "thu.maihoa".into(),
                kind: "electronic".into(),
                series: "BX26".into(),
                book_no: String::new(),
                first_no: 1,
                last_no: 1_000_000,
                unit_code: "18322".into(),
            },
        )
        .await
        .expect("book");
    let uid = collector.user_id.expect("collector id");
    let t = Instant::now();
    let mut made = 0usize;
    let mut next_id = 1i64;
    while made < n {
        let ids: Vec<i64> = (next_id..next_id + 5_000).collect();
        next_id += 5_000;
        let mut tx = app.db.begin().await.expect("begin");
        let people = tx.conn().persons_by_ids(&ids).await.expect("persons");
        if people.is_empty() && next_id > (n as i64) * 3 {
            break;
        }
        for p in &people {
            if made == n {
                break;
            }
            let open = tx.conn().participations_of_person(p.id).await.expect("participations");
            if open.iter().any(|x| x.scheme == Scheme::Vsi) {
                continue; // the demo's own VSI members
            }
            let mut part = ParticipationRow::new(p, Scheme::Vsi, true, day(1), app.now());
            part.income = Some(2_000_000);
            part.mode_months = Some(12);
            part.id = tx.conn().insert_participation(&part).await.expect("participation");
            let rid = format!("bench-form-{:08}", p.id);
            tx.conn().take_payment_request(&rid, uid, "bench", app.now()).await.expect("request");
            made += 1;
            let mut receipt = ReceiptRow {
                id: 0,
                province_code: p.province_code.clone(),
                unit_path: p.unit_path.clone(),
                book_id: book.id,
                series: book.series.clone(),
                book_no: String::new(),
                number: made as i64,
                code: format!("BENCH{:07}", made),
                request_id: rid,
                collector_id: uid,
                collector: "Cán bộ thu Mai Hoa".into(),
                payer_person_id: p.id,
                payer_name: p.full_name.clone(),
                payer_si_number: p.old_si_number.clone().unwrap_or_default(),
                payer_address: "Tổ liên gia số 2, Thôn Thanh Bình, Xã Mai Hoa, Tỉnh Hà Tĩnh".into(),
                scheme: Scheme::Vsi,
                mode_months: 12,
                content: "Đóng BHXH tự nguyện, phương thức 12 tháng, từ 11/2026 đến 10/2027".into(),
                amount: 4_488_000,
                paid_on: day(1 + (made % 28) as u32),
                at: app.now(),
                voided_at: None,
                void_reason: String::new(),
                voided_by: String::new(),
                remittance_id: None,
            };
            receipt.id = tx.conn().insert_receipt(&receipt).await.expect("receipt");
            let line = ReceiptLineRow {
                receipt_id: receipt.id,
                participation_id: part.id,
                person_id: p.id,
                ordinal: 1,
                covers_from: day(1),
                covers_to: NaiveDate::from_ymd_opt(2027, 10, 31).unwrap(),
                months: 12,
                income: Some(2_000_000),
                gross: 5_280_000,
                state_support: 792_000,
                local_support: 0,
                discount: 0,
                supported_months: 12,
                amount: 4_488_000,
            };
            tx.conn().insert_receipt_lines(&[line]).await.expect("line");
            let mut sources = vec![ReceiptSourceRow {
                receipt_id: receipt.id,
                source: PayerSource::Person,
                name: String::new(),
                amount: 4_488_000,
            }];
            if made.is_multiple_of(10) {
                // One in ten is paid in part by a sponsor (the "other support" column).
                sources[0].amount = 3_488_000;
                sources.push(ReceiptSourceRow {
                    receipt_id: receipt.id,
                    source: PayerSource::Sponsor,
                    name: "Hội Nông dân xã".into(),
                    amount: 1_000_000,
                });
            }
            tx.conn().insert_receipt_sources(&sources).await.expect("sources");
        }
        tx.commit().await.expect("commit");
    }
    app.db.vacuum_analyze().await.expect("vacuum analyze");
    println!("receipts_written {made} {:.1} s", t.elapsed().as_secs_f64());
    export(&app, &collector).await;
}

async fn export(app: &App, collector: &ansinh_domain::Actor) {
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    let month = ansinh_app::rules::Month::from_date(day(1));
    let mut export = Vec::new();
    let mut sheet = None;
    for _ in 0..3 {
        let t = Instant::now();
        let s = app.export_form(collector, "d05-ts", None, month).await.expect("export");
        export.push(t.elapsed().as_secs_f64());
        sheet = Some(s);
    }
    let sheet = sheet.expect("a sheet");
    println!(
        "d05_ts_query_and_rows_{} {:.3} s",
        sheet.rows.len(),
        export.iter().copied().fold(f64::MAX, f64::min)
    );
    let table = sheet.to_table();
    let time = |name: &str, f: &dyn Fn() -> usize| {
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..3 {
            let t = Instant::now();
            bytes = f();
            times.push(t.elapsed().as_secs_f64());
        }
        let b = times.iter().copied().fold(f64::MAX, f64::min);
        println!("{name}_{}_rows {b:.3} s {bytes} bytes", sheet.rows.len());
    };
    time("csv", &|| write_csv(&table).len());
    time("xlsx", &|| write_form_xlsx(&sheet, "D05-TS").expect("xlsx").len());
}
