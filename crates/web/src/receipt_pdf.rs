//! The receipt as a PDF (A5, fonts embedded): the fields of Mẫu C45-BB (Circular
//! 107/2017/TT-BTC) in their order — issuer, form number, date, series and number, QR,
//! payer, SI number, address, content, amount in figures and in words, signatures, collector,
//! verification code (DOMAIN.md §10, §12). A void receipt carries a stamp and the reason.

use ansinh_app::collection::ReceiptView;
use ansinh_app::rules::Vnd;
use ansinh_reports::pdf::{A5, Doc};
use chrono::Datelike;

pub use ansinh_reports::pdf::qr_svg;

const LEFT: f32 = 32.0;
const RIGHT: f32 = A5.0 - 32.0;

fn field(d: &mut Doc, y: &mut f32, label: &str, value: &str) {
    let size = 9.5;
    d.text(LEFT, *y, size, false, label);
    let x = LEFT + d.text_width(size, false, label) + 4.0;
    let lines = d.wrap(size, true, value, RIGHT - x);
    for (i, line) in lines.iter().enumerate() {
        d.text(x, *y + i as f32 * 13.0, size, true, line);
    }
    *y += 13.0 * lines.len().max(1) as f32 + 3.0;
}

/// `s` wrapped to `max` points, each line centred on `cx`, from baseline `y`; returns the
/// baseline after the last line.
fn centered_lines(d: &mut Doc, cx: f32, y: f32, size: f32, bold: bool, s: &str, max: f32) -> f32 {
    let mut y = y;
    for line in d.wrap(size, bold, s, max) {
        d.text_centered(cx, y, size, bold, &line);
        y += size + 3.0;
    }
    y
}

/// `s` wrapped to `max` points from (`x`, `y`), left or right aligned.
/// `style`: (size, bold).
fn lines_at(d: &mut Doc, x: f32, y: f32, style: (f32, bool), s: &str, max: f32, right: bool) -> f32 {
    let (size, bold) = style;
    let mut y = y;
    for line in d.wrap(size, bold, s, max) {
        if right {
            d.text_right(x, y, size, bold, &line)
        } else {
            d.text(x, y, size, bold, &line)
        }
        y += size + 3.0;
    }
    y
}

/// The receipt's PDF; `verify_url` goes into the QR code.
pub fn render(v: &ReceiptView, verify_url: &str) -> Vec<u8> {
    let r = &v.receipt;
    let mut d = Doc::new(A5.0, A5.1);
    // Issuer (left) and form (right).
    d.text(LEFT, 40.0, 8.5, true, "BẢO HIỂM XÃ HỘI VIỆT NAM");
    let left_end =
        lines_at(&mut d, LEFT, 52.0, (8.0, false), &format!("Đơn vị thu: {}", r.collector), 210.0, false);
    d.text_right(RIGHT, 40.0, 8.5, true, "Mẫu số: C45-BB");
    let right_end = lines_at(
        &mut d,
        RIGHT,
        52.0,
        (7.0, false),
        "(Ban hành kèm theo Thông tư số 107/2017/TT-BTC)",
        120.0,
        true,
    );
    let top = left_end.max(right_end).max(74.0) + 14.0;
    d.text_centered(A5.0 / 2.0, top, 15.0, true, "BIÊN LAI THU TIỀN");
    let p = r.paid_on;
    d.text_centered(
        A5.0 / 2.0,
        top + 16.0,
        9.5,
        false,
        &format!("Ngày {:02} tháng {:02} năm {}", p.day(), p.month(), p.year()),
    );
    let mut serial = format!("Ký hiệu: {}   Số: {:07}", r.series, r.number);
    if !v.book.book_no.is_empty() {
        serial = format!("Quyển số: {}   {serial}", v.book.book_no);
    }
    d.text_centered(A5.0 / 2.0, top + 30.0, 9.5, false, &serial);
    let issued = format!("Do {} được Bảo hiểm xã hội uỷ quyền thu phát hành", r.collector);
    let below = centered_lines(&mut d, A5.0 / 2.0, top + 43.0, 8.0, false, &issued, RIGHT - LEFT);
    d.line(LEFT, below, RIGHT, below, 0.5);

    let mut y = below + 20.0;
    field(&mut d, &mut y, "Họ tên người nộp tiền:", &r.payer_name);
    field(
        &mut d,
        &mut y,
        "Mã số BHXH:",
        if r.payer_si_number.is_empty() { "…………………" } else { &r.payer_si_number },
    );
    field(&mut d, &mut y, "Địa chỉ:", &r.payer_address);
    field(&mut d, &mut y, "Nội dung thu:", &r.content);
    if v.lines.len() > 1 || r.scheme == ansinh_domain::Scheme::HiHousehold {
        d.text(LEFT + 8.0, y, 8.0, true, "Người tham gia");
        d.text(LEFT + 170.0, y, 8.0, true, "Thời hạn");
        d.text_right(RIGHT, y, 8.0, true, "Số tiền (đồng)");
        y += 12.0;
        for l in &v.lines {
            d.text(LEFT + 8.0, y, 8.0, false, &format!("{}. {}", l.line.ordinal, l.name));
            d.text(
                LEFT + 170.0,
                y,
                8.0,
                false,
                &format!(
                    "{} – {}",
                    l.line.covers_from.format("%d/%m/%Y"),
                    l.line.covers_to.format("%d/%m/%Y")
                ),
            );
            d.text_right(RIGHT, y, 8.0, false, &Vnd(l.line.amount).digits_vi());
            y += 11.0;
        }
        y += 4.0;
    }
    let amount = Vnd(r.amount).digits_vi();
    field(&mut d, &mut y, "Số tiền:", &format!("{amount} VNĐ"));
    field(&mut d, &mut y, "Bằng chữ:", &v.amount_words);
    if v.sources.len() > 1 || v.sources.iter().any(|s| s.source != ansinh_domain::PayerSource::Person) {
        let parts: Vec<String> = v
            .sources
            .iter()
            .map(|s| {
                let who = if s.name.is_empty() { s.source.label_vi().to_string() } else { s.name.clone() };
                format!("{who}: {}", Vnd(s.amount).format_vi())
            })
            .collect();
        field(&mut d, &mut y, "Nguồn đóng:", &parts.join("; "));
    }

    // Signatures.
    y = (y + 24.0).max(330.0);
    d.text_centered(LEFT + 80.0, y, 9.0, true, "Người nộp tiền");
    d.text_centered(RIGHT - 80.0, y, 9.0, true, "Người thu tiền");
    d.text_centered(LEFT + 80.0, y + 11.0, 7.5, false, "(Ký, ghi rõ họ tên)");
    d.text_centered(RIGHT - 80.0, y + 11.0, 7.5, false, "(Ký, ghi rõ họ tên)");
    centered_lines(&mut d, LEFT + 80.0, y + 58.0, 9.0, false, &r.payer_name, 150.0);
    centered_lines(&mut d, RIGHT - 80.0, y + 58.0, 9.0, false, &r.collector, 150.0);

    // Verification: QR and code.
    let qy = A5.1 - 110.0;
    d.qr(LEFT, qy, 76.0, verify_url);
    let code: Vec<String> =
        r.code.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
    d.text(LEFT + 88.0, qy + 20.0, 9.0, false, "Mã xác nhận:");
    d.text(LEFT + 88.0, qy + 36.0, 13.0, true, &code.join("-"));
    d.text(LEFT + 88.0, qy + 52.0, 7.5, false, "Quét mã QR hoặc tra cứu tại:");
    for (i, line) in d.wrap(7.5, false, verify_url, RIGHT - LEFT - 88.0).iter().enumerate() {
        d.text(LEFT + 88.0, qy + 63.0 + i as f32 * 9.0, 7.5, false, line);
    }

    if r.voided_at.is_some() {
        d.color(0.75, 0.1, 0.1);
        d.text_rotated(95.0, 360.0, 48.0, true, 30.0, "ĐÃ HUỶ");
        d.text(LEFT, below + 10.0, 8.5, true, &format!("Biên lai đã huỷ: {}", r.void_reason));
    }
    d.finish()
}
