//! The form writers on 100,000 rows (BENCHMARKS.md): a D05-TS-shaped sheet (20 columns, text
//! and numbers) written as XLSX by `write_form_xlsx`, as PDF by `form_pdf`, and the same cells
//! as plain CSV by `write_csv`, each timed five times in one run.
//!
//!   cargo run --release -p ansinh-reports --example forms_bench [ROWS]

use ansinh_reports::{FormCell, FormSheet, pdf, write_csv, write_form_xlsx};
use std::time::Instant;

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let headers: Vec<String> = [
        "STT",
        "Họ và tên",
        "Mã số BHXH",
        "Số CCCD",
        "Địa chỉ",
        "Ngày biên lai",
        "Số biên lai",
        "Mức thu nhập",
        "Số tháng",
        "Từ tháng",
        "Số tiền phải đóng",
        "Người tham gia đóng",
        "NSNN (%)",
        "NSNN",
        "NSĐP (%)",
        "NSĐP",
        "Khác (%)",
        "Khác",
        "Mã nhân viên thu",
        "Ghi chú",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let rows: Vec<Vec<FormCell>> = (0..n)
        .map(|i| {
            use FormCell::{Number, Text};
            vec![
                Text((i + 1).to_string()),
                Text(format!("Nguyễn Văn Người {i}")),
                Text(format!("42{:08}", i)),
                Text(format!("0420850{:05}", i % 100_000)),
                Text("Tổ liên gia số 2, Thôn Thanh Bình, Xã Mai Hoa, Tỉnh Hà Tĩnh".into()),
                Text("12/11/2026".into()),
                Text(format!("BL26-MH {:07}", i + 1)),
                Number(2_000_000),
                Number(12),
                Text("11/2026".into()),
                Number(5_280_000),
                Number(4_488_000),
                Text("20%".into()),
                Number(792_000),
                Text("0%".into()),
                Number(0),
                Text("0%".into()),
                Number(0),
                Text("thu.maihoa".into()),
                Text(String::new()),
            ]
        })
        .collect();
    let sheet = FormSheet {
        title: vec!["DANH SÁCH NGƯỜI THAM GIA BHXH TỰ NGUYỆN (Mẫu D05-TS)".into(), "Tháng 11/2026".into()],
        headers: headers.clone(),
        rows,
        total: vec![],
    };
    let table = sheet.to_table();
    let time = |name: &str, f: &dyn Fn() -> usize| {
        let mut best = f64::MAX;
        let mut bytes = 0;
        for _ in 0..5 {
            let t = Instant::now();
            bytes = f();
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!("{name}_{n}_rows {best:.3} s {bytes} bytes");
    };
    time("csv", &|| write_csv(&table).len());
    time("xlsx", &|| write_form_xlsx(&sheet, "D05-TS").expect("xlsx").len());
    time("pdf", &|| pdf::form_pdf(&sheet).len());
}
