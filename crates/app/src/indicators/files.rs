//! The province report for the People's Council as PDF (the indicators with their sources,
//! the trend chart, the map of the communes and their ranking) and as XLSX (the same tables
//! with native Excel charts), from a live dashboard or a kept snapshot.

use super::report::Dashboard;
use ansinh_domain::{Indicator, Level};
use ansinh_reports::pdf::{A4, Doc, heading, table, thousands};
use ansinh_reports::{ChartSpec, ReportCell, ReportSheet};

/// "31,50 %".
pub fn pct(bp: Option<i64>) -> String {
    match bp {
        Some(b) => format!("{},{:02} %", b / 100, (b % 100).abs()),
        None => "—".into(),
    }
}

/// "+1,25 đ.p." (percentage points, sign shown).
pub fn points(bp: Option<i64>) -> String {
    match bp {
        Some(b) => format!("{}{},{:02}", if b < 0 { "−" } else { "+" }, b.abs() / 100, b.abs() % 100),
        None => "—".into(),
    }
}

/// "11/2026".
pub fn month_label(k: i64) -> String {
    format!("{:02}/{}", k % 100, k / 100)
}

pub fn label(i: Indicator) -> &'static str {
    i.label_vi()
}

fn title_lines(d: &Dashboard) -> Vec<String> {
    let mut lines = vec![
        format!("Đơn vị: {}. Kỳ báo cáo: tháng {}.", d.unit.name, month_label(d.month)),
        match &d.snapshot_by {
            Some(by) => format!(
                "Số liệu chốt tháng (bản lưu ngày {} do {} lập) — tái lập đúng như đã báo cáo.",
                d.as_of.with_timezone(&crate::VN_OFFSET).format("%d/%m/%Y %H:%M"),
                by
            ),
            None => format!(
                "Số liệu đến ngày {} (trực tiếp từ hồ sơ tham gia và biên lai).",
                d.as_of.with_timezone(&crate::VN_OFFSET).format("%d/%m/%Y %H:%M")
            ),
        },
    ];
    lines.push(
        "Mỗi tỷ lệ = tử số ÷ mẫu số; mẫu số là số liệu thống kê chính thức của năm (nguồn ghi kèm), \
         không có thì dùng số đếm từ sổ đăng ký."
            .into(),
    );
    lines
}

fn value_rows(d: &Dashboard) -> Vec<Vec<String>> {
    d.headline
        .values
        .iter()
        .map(|v| {
            let p = d.projections.iter().find(|p| p.indicator == v.indicator);
            vec![
                label(v.indicator).to_string(),
                thousands(v.numerator),
                format!(
                    "{} ({} {})",
                    thousands(v.denominator.value),
                    if v.denominator.official { v.denominator.source.as_str() } else { "sổ đăng ký" },
                    v.denominator.year
                ),
                pct(v.rate_bp),
                format!("{} / {}", thousands(v.registry_denominator), pct(v.registry_rate_bp)),
                v.target
                    .as_ref()
                    .map(|t| format!("{} ({}, {})", pct(Some(t.rate_bp)), t.year, t.resolution))
                    .unwrap_or_else(|| "—".into()),
                points(v.gap_bp.map(|g| -g)),
                v.needed.map(thousands).unwrap_or_else(|| "—".into()),
                p.map(|p| {
                    format!("{} ({}–{})", pct(Some(p.rate_bp)), pct(Some(p.low_bp)), pct(Some(p.high_bp)))
                })
                .unwrap_or_else(|| "—".into()),
            ]
        })
        .collect()
}

const VALUE_HEAD: [&str; 9] = [
    "Chỉ tiêu",
    ">Tử số (người)",
    "Mẫu số (nguồn, năm)",
    ">Tỷ lệ",
    ">Sổ đăng ký: mẫu số / tỷ lệ",
    "Chỉ tiêu giao (năm, nghị quyết)",
    ">So với chỉ tiêu (điểm %)",
    ">Cần thêm (người)",
    ">Dự báo cuối năm (khoảng 95 %)",
];

fn ranking_rows(d: &Dashboard) -> Vec<Vec<String>> {
    d.children
        .iter()
        .map(|c| {
            let v = c.indicators.get(d.indicator);
            vec![
                c.rank.to_string(),
                c.indicators.unit.name.clone(),
                v.map(|v| thousands(v.numerator)).unwrap_or_default(),
                v.map(|v| {
                    format!(
                        "{}{}",
                        thousands(v.denominator.value),
                        if v.denominator.official { "" } else { " (sổ ĐK)" }
                    )
                })
                .unwrap_or_default(),
                pct(v.and_then(|v| v.rate_bp)),
                match (v.and_then(|v| v.target.as_ref()), c.inherited_target_bp) {
                    (Some(t), _) => pct(Some(t.rate_bp)),
                    (None, Some(t)) => format!("{} †", pct(Some(t))),
                    _ => "—".into(),
                },
                v.and_then(|v| v.needed).map(thousands).unwrap_or_else(|| "—".into()),
                c.projection.as_ref().map(|p| pct(Some(p.rate_bp))).unwrap_or_else(|| "—".into()),
                if c.at_risk { "Có nguy cơ không đạt".into() } else { String::new() },
            ]
        })
        .collect()
}

const RANK_HEAD: [&str; 9] =
    [">Hạng", "Đơn vị", ">Tử số", ">Mẫu số", ">Tỷ lệ", ">Chỉ tiêu", ">Cần thêm", ">Dự báo", "Cảnh báo"];

/// Colour of a rate on the map scale (light to dark blue), 0–1 of the scale.
fn blue(t: f32) -> (f32, f32, f32) {
    let t = t.clamp(0.0, 1.0);
    (0.87 - 0.75 * t, 0.92 - 0.55 * t, 0.98 - 0.35 * t)
}

fn trend_chart(doc: &mut Doc, d: &Dashboard, x: f32, y: f32, w: f32, h: f32) {
    doc.text(x, y - 4.0, 10.0, true, "Diễn biến tỷ lệ theo tháng (%)");
    let series: Vec<(Indicator, Vec<Option<i64>>)> = Indicator::HEADLINE
        .iter()
        .map(|&i| {
            (
                i,
                d.trend
                    .iter()
                    .map(|p| p.values.iter().find(|v| v.indicator == i).and_then(|v| v.rate_bp))
                    .collect(),
            )
        })
        .collect();
    let max = series.iter().flat_map(|(_, v)| v.iter().flatten()).copied().max().unwrap_or(1000).max(1000);
    let top = ((max + 999) / 1000 * 1000) as f32; // round up to 10 %
    let (x0, y0) = (x + 28.0, y + 8.0);
    let (pw, ph) = (w - 36.0, h - 34.0);
    doc.stroke_color(0.7, 0.7, 0.7);
    for k in 0..=4 {
        let gy = y0 + ph - ph * k as f32 / 4.0;
        doc.line(x0, gy, x0 + pw, gy, 0.3);
        doc.fill_color(0.3, 0.3, 0.3);
        doc.text_right(x0 - 3.0, gy + 3.0, 7.0, false, &format!("{:.0}", top / 100.0 * k as f32 / 4.0));
    }
    let n = d.trend.len().max(2);
    let px = |i: usize| x0 + pw * i as f32 / (n - 1) as f32;
    for (i, p) in d.trend.iter().enumerate() {
        if i % 3 == 0 || i + 1 == d.trend.len() {
            doc.text_centered(px(i), y0 + ph + 10.0, 6.5, false, &month_label(p.month));
        }
    }
    let colours = [(0.13, 0.36, 0.68), (0.85, 0.45, 0.1), (0.2, 0.6, 0.3)];
    for (k, (ind, vals)) in series.iter().enumerate() {
        let (r, g, b) = colours[k % 3];
        doc.stroke_color(r, g, b);
        let mut prev: Option<(f32, f32)> = None;
        for (i, v) in vals.iter().enumerate() {
            if let Some(v) = v {
                let pt = (px(i), y0 + ph - ph * (*v as f32 / top));
                if let Some(q) = prev {
                    doc.line(q.0, q.1, pt.0, pt.1, 1.4);
                }
                prev = Some(pt);
            } else {
                prev = None;
            }
        }
        doc.fill_color(r, g, b);
        let lx = x0 + k as f32 * (pw / 3.0);
        doc.fill_rect(lx, y0 + ph + 16.0, 8.0, 4.0);
        doc.fill_color(0.0, 0.0, 0.0);
        doc.text(lx + 11.0, y0 + ph + 21.0, 7.5, false, label(*ind));
    }
    doc.stroke_color(0.0, 0.0, 0.0);
    doc.fill_color(0.0, 0.0, 0.0);
}

/// The province's communes as filled outlines in a `w` × `h` box (pixels or points, y down),
/// coloured by the chosen indicator's rate, and the top of the scale; `None` without boundaries.
/// An outline's points and its fill colour (0–1 each).
type Filled = (Vec<(f32, f32)>, (f32, f32, f32));

struct MapShapes {
    polygons: Vec<Filled>,
    height: f32,
    max_bp: i64,
}

fn map_shapes(d: &Dashboard, w: f32, h: f32) -> Option<MapShapes> {
    let shapes = crate::geo::commune_shapes(&d.unit.province_code);
    if shapes.is_empty() {
        return None;
    }
    let rate: std::collections::HashMap<&str, Option<i64>> = d
        .children
        .iter()
        .map(|c| (c.indicators.unit.code.as_str(), c.indicators.get(d.indicator).and_then(|v| v.rate_bp)))
        .collect();
    let (mut lo_x, mut hi_x, mut lo_y, mut hi_y) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for s in &shapes {
        for r in &s.rings {
            for (lon, lat) in r {
                lo_x = lo_x.min(*lon);
                hi_x = hi_x.max(*lon);
                lo_y = lo_y.min(*lat);
                hi_y = hi_y.max(*lat);
            }
        }
    }
    // Equirectangular at the province's latitude.
    let k = ((lo_y + hi_y) / 2.0).to_radians().cos();
    let (gw, gh) = ((hi_x - lo_x) * k, hi_y - lo_y);
    let scale = ((w as f64) / gw).min((h as f64) / gh);
    let max_bp = rate.values().flatten().copied().max().unwrap_or(1).max(1);
    let mut polygons = Vec::new();
    for s in &shapes {
        let colour = match rate.get(s.code.as_str()).copied().flatten() {
            Some(v) => blue(v as f32 / max_bp as f32),
            None => (0.92, 0.92, 0.92),
        };
        for ring in &s.rings {
            let pts = ring
                .iter()
                .map(|(lon, lat)| (((lon - lo_x) * k * scale) as f32, ((hi_y - lat) * scale) as f32))
                .collect();
            polygons.push((pts, colour));
        }
    }
    Some(MapShapes { polygons, height: (gh * scale) as f32, max_bp })
}

/// The communes of the province coloured by the chosen indicator's rate.
fn map(doc: &mut Doc, d: &Dashboard, x: f32, y: f32, w: f32, h: f32) -> bool {
    let Some(m) = map_shapes(d, w, h - 30.0) else { return false };
    doc.text(x, y - 4.0, 10.0, true, &format!("Bản đồ: {} theo xã, phường", label(d.indicator)));
    doc.stroke_color(1.0, 1.0, 1.0);
    for (pts, (r, g, b)) in &m.polygons {
        doc.fill_color(*r, *g, *b);
        let pts: Vec<(f32, f32)> = pts.iter().map(|(px, py)| (x + px, y + 6.0 + py)).collect();
        doc.polygon(&pts, 0.3);
    }
    // Legend.
    let ly = y + 6.0 + m.height + 8.0;
    for i in 0..5 {
        let (r, g, b) = blue(i as f32 / 4.0);
        doc.fill_color(r, g, b);
        doc.fill_rect(x + i as f32 * 40.0, ly, 40.0, 6.0);
    }
    doc.fill_color(0.0, 0.0, 0.0);
    doc.stroke_color(0.0, 0.0, 0.0);
    doc.text(x, ly + 15.0, 7.0, false, "0 %");
    doc.text_right(x + 200.0, ly + 15.0, 7.0, false, &pct(Some(m.max_bp)));
    doc.text(x + 210.0, ly + 6.0, 7.0, false, "Xám: chưa có số liệu");
    true
}

/// The same map as a PNG for the workbook, with its scale drawn under it.
pub fn map_png(d: &Dashboard) -> Option<Vec<u8>> {
    let (w, h) = (720.0, 520.0);
    let m = map_shapes(d, w - 20.0, h - 50.0)?;
    let to8 = |(r, g, b): (f32, f32, f32)| [(r * 255.0) as u8, (g * 255.0) as u8, (b * 255.0) as u8];
    let mut c = ansinh_reports::raster::Canvas::new(w as usize, h as usize, [255, 255, 255]);
    for (pts, colour) in &m.polygons {
        let pts: Vec<(f32, f32)> = pts.iter().map(|(x, y)| (x + 10.0, y + 10.0)).collect();
        c.fill_polygon(&pts, to8(*colour));
    }
    for (pts, _) in &m.polygons {
        let pts: Vec<(f32, f32)> = pts.iter().map(|(x, y)| (x + 10.0, y + 10.0)).collect();
        c.outline(&pts, [255, 255, 255]);
    }
    let ly = (m.height + 24.0) as usize;
    for i in 0..5 {
        c.rect(10 + i * 40, ly, 40, 10, to8(blue(i as f32 / 4.0)));
    }
    Some(c.to_png())
}

/// The report as PDF (A4).
pub fn report_pdf(d: &Dashboard) -> Vec<u8> {
    let mut doc = Doc::new(A4.0, A4.1);
    let title = format!(
        "BÁO CÁO KẾT QUẢ THỰC HIỆN CHỈ TIÊU BAO PHỦ BHXH, BHTN, BHYT — {}",
        d.unit.name.to_uppercase()
    );
    let y = heading(&mut doc, &title, &title_lines(d));
    let widths = [14.0, 9.0, 20.0, 8.0, 12.0, 20.0, 9.0, 9.0, 14.0];
    let (y, page) = table(&mut doc, y, &VALUE_HEAD, &widths, &value_rows(d), 6.8, 1);
    let mut page = page;
    let mut y = y + 18.0;
    if y + 190.0 > A4.1 - 40.0 {
        doc.new_page();
        page += 1;
        y = 48.0;
    }
    trend_chart(&mut doc, d, 28.0, y, A4.0 - 56.0, 180.0);
    y += 200.0;
    if matches!(d.unit.level, Level::Province) {
        if y + 330.0 > A4.1 - 40.0 {
            doc.new_page();
            page += 1;
            y = 48.0;
        }
        if map(&mut doc, d, 28.0, y, A4.0 - 56.0, 320.0) {
            y += 340.0;
        }
    }
    if !d.children.is_empty() {
        if y + 80.0 > A4.1 - 40.0 {
            doc.new_page();
            page += 1;
            y = 48.0;
        }
        doc.text(28.0, y, 10.0, true, &format!("Xếp hạng đơn vị trực thuộc theo {}", label(d.indicator)));
        let widths = [5.0, 26.0, 9.0, 11.0, 8.0, 9.0, 9.0, 8.0, 15.0];
        let (y, _) = table(&mut doc, y + 16.0, &RANK_HEAD, &widths, &ranking_rows(d), 7.5, page);
        if d.children.iter().any(|c| c.inherited_target_bp.is_some()) && y < A4.1 - 40.0 {
            doc.text(28.0, y + 8.0, 7.0, false, "† Chưa có chỉ tiêu riêng: so với chỉ tiêu của cấp trên.");
        }
    }
    doc.finish()
}

fn share(bp: Option<i64>) -> ReportCell {
    bp.map(|b| ReportCell::Percent(b as f64 / 10_000.0)).unwrap_or(ReportCell::Empty)
}

/// The report as XLSX: indicators, trend (with a line chart), ranking (with a bar chart),
/// pre-2025 districts.
pub fn report_xlsx(d: &Dashboard) -> Result<Vec<u8>, ansinh_reports::FileError> {
    use ReportCell::{Number, Text};
    let title = |what: &str| {
        let mut t = vec![format!("{what} — {}", d.unit.name)];
        t.extend(title_lines(d));
        t
    };
    let values = ReportSheet {
        name: "Chỉ tiêu".into(),
        title: title("CHỈ TIÊU BAO PHỦ"),
        headers: [
            "Chỉ tiêu",
            "Tử số",
            "Mẫu số",
            "Nguồn mẫu số",
            "Năm mẫu số",
            "Tỷ lệ",
            "Mẫu số sổ đăng ký",
            "Tỷ lệ theo sổ đăng ký",
            "Chỉ tiêu giao",
            "Năm chỉ tiêu",
            "Nghị quyết",
            "Cần thêm (người)",
            "Dự báo cuối năm",
            "Dự báo thấp",
            "Dự báo cao",
        ]
        .map(String::from)
        .to_vec(),
        rows: d
            .headline
            .values
            .iter()
            .map(|v| {
                let p = d.projections.iter().find(|p| p.indicator == v.indicator);
                vec![
                    Text(label(v.indicator).into()),
                    Number(v.numerator),
                    Number(v.denominator.value),
                    Text(if v.denominator.official {
                        v.denominator.source.clone()
                    } else {
                        "Sổ đăng ký An Sinh".into()
                    }),
                    Number(v.denominator.year),
                    share(v.rate_bp),
                    Number(v.registry_denominator),
                    share(v.registry_rate_bp),
                    share(v.target.as_ref().map(|t| t.rate_bp)),
                    v.target.as_ref().map(|t| Number(t.year)).unwrap_or(ReportCell::Empty),
                    Text(v.target.as_ref().map(|t| t.resolution.clone()).unwrap_or_default()),
                    v.needed.map(Number).unwrap_or(ReportCell::Empty),
                    share(p.map(|p| p.rate_bp)),
                    share(p.map(|p| p.low_bp)),
                    share(p.map(|p| p.high_bp)),
                ]
            })
            .collect(),
        chart: None,
        image: None,
    };
    let mut trend_head = vec!["Tháng".to_string()];
    for i in Indicator::ALL {
        trend_head.push(format!("{} — tỷ lệ", label(*i)));
    }
    for i in Indicator::ALL {
        trend_head.push(format!("{} — tử số", label(*i)));
    }
    let trend = ReportSheet {
        name: "Diễn biến".into(),
        title: title("DIỄN BIẾN THEO THÁNG"),
        headers: trend_head,
        rows: d
            .trend
            .iter()
            .map(|p| {
                let mut r = vec![Text(month_label(p.month))];
                r.extend(p.values.iter().map(|v| share(v.rate_bp)));
                r.extend(p.values.iter().map(|v| Number(v.numerator)));
                r
            })
            .collect(),
        chart: Some(ChartSpec {
            line: true,
            title: "Tỷ lệ bao phủ theo tháng".into(),
            categories: 0,
            values: vec![1, 3, 4],
        }),
        image: None,
    };
    let ranking = ReportSheet {
        name: "Xếp hạng".into(),
        title: title(&format!("XẾP HẠNG THEO {}", label(d.indicator).to_uppercase())),
        headers: [
            "Hạng",
            "Mã",
            "Đơn vị",
            "Tử số",
            "Mẫu số",
            "Mẫu số chính thức",
            "Tỷ lệ",
            "Chỉ tiêu",
            "Cần thêm",
            "Dự báo",
            "Nguy cơ không đạt",
        ]
        .map(String::from)
        .to_vec(),
        rows: d
            .children
            .iter()
            .map(|c| {
                let v = c.indicators.get(d.indicator);
                vec![
                    Number(c.rank as i64),
                    Text(c.indicators.unit.code.clone()),
                    Text(c.indicators.unit.name.clone()),
                    Number(v.map(|v| v.numerator).unwrap_or(0)),
                    Number(v.map(|v| v.denominator.value).unwrap_or(0)),
                    Text(
                        if v.is_some_and(|v| v.denominator.official) { "có" } else { "không (sổ ĐK)" }.into(),
                    ),
                    share(v.and_then(|v| v.rate_bp)),
                    share(v.and_then(|v| v.target.as_ref().map(|t| t.rate_bp))),
                    v.and_then(|v| v.needed).map(Number).unwrap_or(ReportCell::Empty),
                    share(c.projection.as_ref().map(|p| p.rate_bp)),
                    Text(if c.at_risk { "có" } else { "" }.into()),
                ]
            })
            .collect(),
        chart: Some(ChartSpec {
            line: false,
            title: format!("{} theo đơn vị", label(d.indicator)),
            categories: 2,
            values: vec![6],
        }),
        image: None,
    };
    let top = d.children.iter().filter_map(|c| c.indicators.get(d.indicator).and_then(|v| v.rate_bp)).max();
    let map_sheet =
        matches!(d.unit.level, Level::Province).then(|| map_png(d)).flatten().map(|png| ReportSheet {
            name: "Bản đồ".into(),
            title: title(&format!(
                "BẢN ĐỒ {} THEO XÃ, PHƯỜNG (màu đậm: tỷ lệ cao; xám: chưa có số liệu)",
                label(d.indicator).to_uppercase()
            )),
            headers: vec!["Thang màu".into()],
            rows: vec![vec![Text(format!("0 % – {}", pct(top)))]],
            chart: None,
            image: Some(png),
        });
    let mut sheets = vec![values, trend, ranking];
    sheets.extend(map_sheet);
    if !d.districts.is_empty() {
        sheets.push(ReportSheet {
            name: "Huyện cũ".into(),
            title: title("THEO HUYỆN TRƯỚC 01/7/2025 (ghép từ các xã mới)"),
            headers: ["Huyện cũ", "Các xã mới", "Tử số", "Mẫu số sổ đăng ký", "Tỷ lệ"]
                .map(String::from)
                .to_vec(),
            rows: d
                .districts
                .iter()
                .map(|x| {
                    vec![
                        Text(x.district.name.clone()),
                        Text(x.communes.join(", ")),
                        Number(x.numerator),
                        Number(x.registry_denominator),
                        share(x.rate_bp),
                    ]
                })
                .collect(),
            chart: None,
            image: None,
        });
    }
    ansinh_reports::write_report_xlsx(&sheets)
}
