//! A small PDF writer for one-page documents (receipts): text in DejaVu Sans regular and bold,
//! embedded as subsets so the file opens the same everywhere with its Vietnamese diacritics and
//! needs no network; lines, filled rectangles and QR codes. Coordinates are in points from the
//! top-left corner of the page.
//!
//! Fonts: DejaVu Sans (free licence, `fonts/LICENSE-DejaVu.txt`), embedded as CID TrueType
//! fonts (Identity-H) with only the glyphs the page uses, and a ToUnicode map so text can be
//! searched and copied.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::LazyLock;

/// A TrueType font, parsed once.
pub struct Font {
    name: &'static str,
    data: &'static [u8],
    face: ttf_parser::Face<'static>,
}

impl Font {
    fn load(name: &'static str, data: &'static [u8]) -> Font {
        let face = ttf_parser::Face::parse(data, 0).expect("the vendored font parses");
        Font { name, data, face }
    }

    fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).or_else(|| self.face.glyph_index('?')).map_or(0, |g| g.0)
    }

    /// Advance of glyph `g` in thousandths of the font size.
    fn advance(&self, g: u16) -> f32 {
        let upem = f32::from(self.face.units_per_em());
        f32::from(self.face.glyph_hor_advance(ttf_parser::GlyphId(g)).unwrap_or(0)) * 1000.0 / upem
    }
}

static REGULAR: LazyLock<Font> =
    LazyLock::new(|| Font::load("DejaVuSans", include_bytes!("../fonts/DejaVuSans.ttf")));
static BOLD: LazyLock<Font> =
    LazyLock::new(|| Font::load("DejaVuSans-Bold", include_bytes!("../fonts/DejaVuSans-Bold.ttf")));

fn font(bold: bool) -> &'static Font {
    if bold { &BOLD } else { &REGULAR }
}

/// A document being drawn, page by page (drawing goes to the current page).
pub struct Doc {
    width: f32,
    height: f32,
    content: String,
    /// Content of the finished pages before the current one.
    done: Vec<String>,
    /// Glyphs used per font (regular, bold), with the text they stand for.
    used: [BTreeMap<u16, char>; 2],
}

/// A5 portrait, in points.
pub const A5: (f32, f32) = (419.53, 595.28);
/// A4 portrait, in points.
pub const A4: (f32, f32) = (595.28, 841.89);

impl Doc {
    pub fn new(width: f32, height: f32) -> Doc {
        Doc {
            width,
            height,
            content: String::new(),
            done: Vec::new(),
            used: [BTreeMap::new(), BTreeMap::new()],
        }
    }

    /// Start a new page; what follows is drawn on it.
    pub fn new_page(&mut self) {
        self.done.push(std::mem::take(&mut self.content));
    }

    pub fn height(&self) -> f32 {
        self.height
    }

    pub fn width(&self) -> f32 {
        self.width
    }

    /// Width of `s` at `size` points.
    pub fn text_width(&self, size: f32, bold: bool, s: &str) -> f32 {
        let f = font(bold);
        s.chars().map(|c| f.advance(f.glyph(c))).sum::<f32>() * size / 1000.0
    }

    /// Text with its baseline at (`x`, `y`).
    pub fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, s: &str) {
        let f = font(bold);
        let used = &mut self.used[usize::from(bold)];
        let mut hex = String::with_capacity(s.len() * 4);
        for c in s.chars() {
            let g = f.glyph(c);
            used.entry(g).or_insert(c);
            let _ = write!(hex, "{g:04X}");
        }
        let _ = writeln!(
            self.content,
            "BT /F{} {size:.2} Tf 1 0 0 1 {x:.2} {:.2} Tm <{hex}> Tj ET",
            usize::from(bold) + 1,
            self.height - y
        );
    }

    /// Text centred on `cx`.
    pub fn text_centered(&mut self, cx: f32, y: f32, size: f32, bold: bool, s: &str) {
        let w = self.text_width(size, bold, s);
        self.text(cx - w / 2.0, y, size, bold, s);
    }

    /// Text ending at `right`.
    pub fn text_right(&mut self, right: f32, y: f32, size: f32, bold: bool, s: &str) {
        let w = self.text_width(size, bold, s);
        self.text(right - w, y, size, bold, s);
    }

    /// `s` broken into lines no wider than `max` (at spaces; a longer word stays whole).
    pub fn wrap(&self, size: f32, bold: bool, s: &str, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in s.split_whitespace() {
            let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
            if !line.is_empty() && self.text_width(size, bold, &candidate) > max {
                lines.push(std::mem::take(&mut line));
                line = word.to_string();
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// Fill colour for what follows (0–1 each).
    pub fn color(&mut self, r: f32, g: f32, b: f32) {
        let _ = writeln!(self.content, "{r:.3} {g:.3} {b:.3} rg {r:.3} {g:.3} {b:.3} RG");
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        let _ = writeln!(
            self.content,
            "{width:.2} w {x1:.2} {:.2} m {x2:.2} {:.2} l S",
            self.height - y1,
            self.height - y2
        );
    }

    /// A filled rectangle with its top-left corner at (`x`, `y`).
    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        let _ = writeln!(self.content, "{x:.2} {:.2} {w:.2} {h:.2} re f", self.height - y - h);
    }

    /// A closed polygon (points from the top-left, like everything else), filled with the fill
    /// colour and outlined `outline` points wide in the stroke colour (0: not outlined).
    pub fn polygon(&mut self, points: &[(f32, f32)], outline: f32) {
        let Some((first, rest)) = points.split_first() else { return };
        let _ = write!(self.content, "{:.2} {:.2} m", first.0, self.height - first.1);
        for (x, y) in rest {
            let _ = write!(self.content, " {x:.2} {:.2} l", self.height - y);
        }
        if outline > 0.0 {
            let _ = writeln!(self.content, " h {outline:.2} w B");
        } else {
            let _ = writeln!(self.content, " h f");
        }
    }

    /// Stroke colour only (lines and outlines), 0–1 each.
    pub fn stroke_color(&mut self, r: f32, g: f32, b: f32) {
        let _ = writeln!(self.content, "{r:.3} {g:.3} {b:.3} RG");
    }

    /// Fill colour only, 0–1 each.
    pub fn fill_color(&mut self, r: f32, g: f32, b: f32) {
        let _ = writeln!(self.content, "{r:.3} {g:.3} {b:.3} rg");
    }

    /// A rectangle outline.
    pub fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32) {
        let _ = writeln!(self.content, "{width:.2} w {x:.2} {:.2} {w:.2} {h:.2} re S", self.height - y - h);
    }

    /// Rotated text (degrees, counter-clockwise) starting at (`x`, `y`): a stamp.
    pub fn text_rotated(&mut self, x: f32, y: f32, size: f32, bold: bool, degrees: f32, s: &str) {
        let f = font(bold);
        let used = &mut self.used[usize::from(bold)];
        let mut hex = String::new();
        for c in s.chars() {
            let g = f.glyph(c);
            used.entry(g).or_insert(c);
            let _ = write!(hex, "{g:04X}");
        }
        let (sin, cos) = degrees.to_radians().sin_cos();
        let _ = writeln!(
            self.content,
            "BT /F{} {size:.2} Tf {cos:.4} {sin:.4} {:.4} {cos:.4} {x:.2} {:.2} Tm <{hex}> Tj ET",
            usize::from(bold) + 1,
            -sin,
            self.height - y
        );
    }

    /// A QR code of `data` with its top-left corner at (`x`, `y`), `size` points wide.
    /// Returns false if the data does not fit a QR code.
    pub fn qr(&mut self, x: f32, y: f32, size: f32, data: &str) -> bool {
        let Some((n, dark)) = qr_modules(data) else { return false };
        let m = size / n as f32;
        for (i, on) in dark.iter().enumerate() {
            if *on {
                let (row, col) = (i / n, i % n);
                self.fill_rect(x + col as f32 * m, y + row as f32 * m, m + 0.01, m + 0.01);
            }
        }
        true
    }

    /// The finished file.
    pub fn finish(self) -> Vec<u8> {
        let mut objects: Vec<Vec<u8>> = Vec::new();
        let mut pages = self.done;
        pages.push(self.content);
        // 1 catalog, 2 pages, 3–12 the two fonts (5 objects each), then a page and its
        // content per page.
        let first_page = 13;
        let kids: Vec<String> = (0..pages.len()).map(|i| format!("{} 0 R", first_page + 2 * i)).collect();
        objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
        objects.push(
            format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), pages.len()).into_bytes(),
        );
        for (i, bold) in [false, true].into_iter().enumerate() {
            let f = font(bold);
            let used = &self.used[i];
            let first = 3 + i * 5;
            objects.extend(font_objects(f, used, first));
        }
        for (i, content) in pages.iter().enumerate() {
            let me = first_page + 2 * i;
            objects.push(
                format!(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {:.2} {:.2}] /Resources << /Font << /F1 3 0 R /F2 8 0 R >> >> /Contents {} 0 R >>",
                    self.width,
                    self.height,
                    me + 1
                )
                .into_bytes(),
            );
            objects.push(stream("", &deflate(content.as_bytes())));
        }
        let mut out: Vec<u8> = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
        let mut offsets = Vec::with_capacity(objects.len());
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            let _ = writeln!(out, "{} 0 obj", i + 1);
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        let _ = write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
        for o in offsets {
            let _ = writeln!(out, "{o:010} 00000 n ");
        }
        let _ =
            write!(out, "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1);
        out
    }
}

/// The dark modules of a QR code (medium error correction), row by row, and its width.
pub fn qr_modules(data: &str) -> Option<(usize, Vec<bool>)> {
    let code = qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M).ok()?;
    let n = code.width();
    Some((n, code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect()))
}

/// A QR code as an SVG image (for the receipt page).
pub fn qr_svg(data: &str) -> String {
    let Some((n, dark)) = qr_modules(data) else { return String::new() };
    let q = 4; // quiet zone
    let mut path = String::new();
    for (i, on) in dark.iter().enumerate() {
        if *on {
            let _ = write!(path, "M{} {}h1v1h-1z", i % n + q, i / n + q);
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {s} {s}\" role=\"img\" aria-label=\"QR\" shape-rendering=\"crispEdges\"><rect width=\"{s}\" height=\"{s}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>",
        s = n + 2 * q
    )
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

fn stream(extra: &str, deflated: &[u8]) -> Vec<u8> {
    let mut v =
        format!("<< /Length {} /Filter /FlateDecode{extra} >>\nstream\n", deflated.len()).into_bytes();
    v.extend_from_slice(deflated);
    v.extend_from_slice(b"\nendstream");
    v
}

/// Type0 font, CIDFontType2, descriptor, font file, ToUnicode: objects `first` … `first + 4`.
fn font_objects(f: &Font, used: &BTreeMap<u16, char>, first: usize) -> Vec<Vec<u8>> {
    let scale = 1000.0 / f32::from(f.face.units_per_em());
    let bbox = f.face.global_bounding_box();
    let mut widths = String::new();
    for g in used.keys() {
        let _ = write!(widths, "{g} [{:.0}] ", f.advance(*g));
    }
    let keep: BTreeSet<u16> = used.keys().copied().collect();
    let file = subset(f.data, &keep).unwrap_or_else(|| f.data.to_vec());
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    let pairs: Vec<(&u16, &char)> = used.iter().collect();
    for chunk in pairs.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for (g, c) in chunk {
            let mut utf16 = [0u16; 2];
            let hex: String = c.encode_utf16(&mut utf16).iter().map(|u| format!("{u:04X}")).collect();
            let _ = writeln!(cmap, "<{g:04X}> <{hex}>");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap CMapName currentdict /CMap defineresource pop end end");
    let name = format!("ANSINH+{}", f.name);
    vec![
        format!(
            "<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H /DescendantFonts [{} 0 R] /ToUnicode {} 0 R >>",
            first + 1,
            first + 4
        )
        .into_bytes(),
        format!(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor {} 0 R /CIDToGIDMap /Identity /DW 500 /W [{widths}] >>",
            first + 2
        )
        .into_bytes(),
        format!(
            "<< /Type /FontDescriptor /FontName /{name} /Flags 32 /FontBBox [{:.0} {:.0} {:.0} {:.0}] /ItalicAngle 0 /Ascent {:.0} /Descent {:.0} /CapHeight {:.0} /StemV 80 /FontFile2 {} 0 R >>",
            f32::from(bbox.x_min) * scale,
            f32::from(bbox.y_min) * scale,
            f32::from(bbox.x_max) * scale,
            f32::from(bbox.y_max) * scale,
            f32::from(f.face.ascender()) * scale,
            f32::from(f.face.descender()) * scale,
            f32::from(f.face.capital_height().unwrap_or(f.face.ascender())) * scale,
            first + 3
        )
        .into_bytes(),
        stream(&format!(" /Length1 {}", file.len()), &deflate(&file)),
        stream("", &deflate(cmap.as_bytes())),
    ]
}

fn be16(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*d.get(at)?, *d.get(at + 1)?]))
}

fn be32(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([*d.get(at)?, *d.get(at + 1)?, *d.get(at + 2)?, *d.get(at + 3)?]))
}

/// The font with every glyph outline not in `keep` (nor used by a kept composite glyph)
/// emptied, glyph ids unchanged, and the tables a PDF viewer does not need dropped.
pub fn subset(data: &[u8], keep: &BTreeSet<u16>) -> Option<Vec<u8>> {
    let n_tables = usize::from(be16(data, 4)?);
    let mut tables: BTreeMap<[u8; 4], &[u8]> = BTreeMap::new();
    for i in 0..n_tables {
        let rec = 12 + i * 16;
        let tag: [u8; 4] = data.get(rec..rec + 4)?.try_into().ok()?;
        let off = be32(data, rec + 8)? as usize;
        let len = be32(data, rec + 12)? as usize;
        tables.insert(tag, data.get(off..off + len)?);
    }
    let head = *tables.get(b"head")?;
    let long = be16(head, 50)? == 1;
    let glyphs = usize::from(be16(tables.get(b"maxp")?, 4)?);
    let loca = *tables.get(b"loca")?;
    let glyf = *tables.get(b"glyf")?;
    let offset = |g: usize| -> Option<usize> {
        if long {
            be32(loca, g * 4).map(|v| v as usize)
        } else {
            be16(loca, g * 2).map(|v| usize::from(v) * 2)
        }
    };
    // Close over composite glyphs' components.
    let mut all: BTreeSet<u16> = keep.clone();
    all.insert(0);
    let mut todo: Vec<u16> = all.iter().copied().collect();
    while let Some(g) = todo.pop() {
        let (a, b) = (offset(usize::from(g))?, offset(usize::from(g) + 1)?);
        if b <= a {
            continue;
        }
        let outline = glyf.get(a..b)?;
        if (be16(outline, 0)? as i16) >= 0 {
            continue;
        }
        let mut at = 10;
        loop {
            let flags = be16(outline, at)?;
            let component = be16(outline, at + 2)?;
            if all.insert(component) {
                todo.push(component);
            }
            at += 4 + if flags & 1 != 0 { 4 } else { 2 };
            at += if flags & 8 != 0 {
                2
            } else if flags & 0x40 != 0 {
                4
            } else if flags & 0x80 != 0 {
                8
            } else {
                0
            };
            if flags & 0x20 == 0 {
                break;
            }
        }
    }
    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::with_capacity((glyphs + 1) * 4);
    for g in 0..glyphs {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        if all.contains(&(g as u16)) {
            let (a, b) = (offset(g)?, offset(g + 1)?);
            if b > a {
                new_glyf.extend_from_slice(glyf.get(a..b)?);
                while new_glyf.len() % 4 != 0 {
                    new_glyf.push(0);
                }
            }
        }
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
    let mut new_head = head.to_vec();
    new_head.get_mut(8..12)?.copy_from_slice(&[0; 4]); // checkSumAdjustment
    new_head.get_mut(50..52)?.copy_from_slice(&1u16.to_be_bytes()); // long loca
    let mut post = Vec::new();
    if let Some(p) = tables.get(b"post") {
        post = p.get(..32)?.to_vec();
        post[..4].copy_from_slice(&0x0003_0000u32.to_be_bytes()); // no glyph names
    }
    let mut out_tables: BTreeMap<[u8; 4], Vec<u8>> = BTreeMap::new();
    for tag in [b"cmap", b"cvt ", b"fpgm", b"hhea", b"hmtx", b"maxp", b"name", b"OS/2", b"prep"] {
        if let Some(t) = tables.get(tag) {
            out_tables.insert(*tag, t.to_vec());
        }
    }
    out_tables.insert(*b"head", new_head);
    out_tables.insert(*b"loca", new_loca);
    out_tables.insert(*b"glyf", new_glyf);
    if !post.is_empty() {
        out_tables.insert(*b"post", post);
    }
    let n = out_tables.len() as u16;
    let pow = 1u16 << (15 - n.leading_zeros() as u16);
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    out.extend_from_slice(&n.to_be_bytes());
    out.extend_from_slice(&(pow * 16).to_be_bytes());
    out.extend_from_slice(&(pow.trailing_zeros() as u16).to_be_bytes());
    out.extend_from_slice(&(n * 16 - pow * 16).to_be_bytes());
    let mut at = 12 + usize::from(n) * 16;
    let mut body = Vec::new();
    for (tag, t) in &out_tables {
        let sum = t
            .chunks(4)
            .map(|c| {
                let mut b = [0u8; 4];
                b[..c.len()].copy_from_slice(c);
                u32::from_be_bytes(b)
            })
            .fold(0u32, u32::wrapping_add);
        out.extend_from_slice(tag);
        out.extend_from_slice(&sum.to_be_bytes());
        out.extend_from_slice(&(at as u32).to_be_bytes());
        out.extend_from_slice(&(t.len() as u32).to_be_bytes());
        body.extend_from_slice(t);
        while body.len() % 4 != 0 {
            body.push(0);
        }
        at = 12 + usize::from(n) * 16 + body.len();
    }
    out.extend_from_slice(&body);
    Some(out)
}

/// A4 landscape, in points.
pub const A4_LANDSCAPE: (f32, f32) = (841.89, 595.28);

/// A table report (a fund statement, a list): title, a summary line, then the rows under a
/// header repeated on every page, on A4 landscape. `widths` are the columns' shares of the
/// page; columns whose header starts with '>' are right-aligned (the '>' is not shown).
pub fn table_pdf(
    title: &str,
    summary: &str,
    headers: &[&str],
    widths: &[f32],
    rows: &[Vec<String>],
) -> Vec<u8> {
    let mut d = Doc::new(A4_LANDSCAPE.0, A4_LANDSCAPE.1);
    let y = heading(&mut d, title, &[summary.to_string()]);
    table(&mut d, y, headers, widths, rows, 8.5, 1);
    d.finish()
}

/// Title (bold) and lines under it, wrapped; the y where what follows starts.
pub fn heading(d: &mut Doc, title: &str, lines: &[String]) -> f32 {
    let margin = 28.0;
    let w = d.width();
    let mut top = 40.0;
    for l in d.wrap(13.0, true, title, w - 2.0 * margin) {
        d.text(margin, top, 13.0, true, &l);
        top += 16.0;
    }
    for line in lines {
        for l in d.wrap(9.0, false, line, w - 2.0 * margin) {
            d.text(margin, top, 9.0, false, &l);
            top += 12.0;
        }
    }
    top + 10.0
}

/// Rows under a header repeated on every page, from `y` on the current page; pages are
/// numbered from `page`. Returns the y below the table and the page it ends on.
pub fn table(
    d: &mut Doc,
    y: f32,
    headers: &[&str],
    widths: &[f32],
    rows: &[Vec<String>],
    size: f32,
    mut page: usize,
) -> (f32, usize) {
    let (w, h) = (d.width(), d.height());
    let margin = 28.0;
    let total: f32 = widths.iter().sum::<f32>().max(1.0);
    let cols: Vec<f32> = widths.iter().map(|x| x / total * (w - 2.0 * margin)).collect();
    let line = size * 1.3;
    let right = |i: usize| headers.get(i).is_some_and(|h| h.starts_with('>'));
    let header = |d: &mut Doc, y: f32| -> f32 {
        let wrapped: Vec<Vec<String>> = headers
            .iter()
            .enumerate()
            .map(|(i, head)| d.wrap(size, true, head.trim_start_matches('>'), cols[i] - 6.0))
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * line + 4.0;
        d.color(0.93, 0.95, 0.97);
        d.fill_rect(margin, y - size - 2.0, w - 2.0 * margin, height);
        d.color(0.0, 0.0, 0.0);
        let mut x = margin;
        for (i, lines) in wrapped.iter().enumerate() {
            for (k, l) in lines.iter().enumerate() {
                let ly = y + k as f32 * line;
                if right(i) {
                    d.text_right(x + cols[i] - 3.0, ly, size, true, l);
                } else {
                    d.text(x + 3.0, ly, size, true, l);
                }
            }
            x += cols[i];
        }
        y + height + 2.0
    };
    let mut y = header(d, y);
    for row in rows {
        let wrapped: Vec<Vec<String>> = row
            .iter()
            .enumerate()
            .map(|(i, c)| d.wrap(size, false, c, cols.get(i).copied().unwrap_or(50.0) - 6.0))
            .collect();
        let height = wrapped.iter().map(|l| l.len().max(1)).max().unwrap_or(1) as f32 * line + 3.0;
        if y + height > h - 36.0 {
            d.text_right(w - margin, h - 20.0, 7.5, false, &format!("Trang {page}"));
            d.new_page();
            page += 1;
            y = header(d, 40.0);
        }
        let mut x = margin;
        for (i, lines) in wrapped.iter().enumerate() {
            for (k, l) in lines.iter().enumerate() {
                let ly = y + k as f32 * line;
                if right(i) {
                    d.text_right(x + cols[i] - 3.0, ly, size, false, l);
                } else {
                    d.text(x + 3.0, ly, size, false, l);
                }
            }
            x += cols.get(i).copied().unwrap_or(0.0);
        }
        d.color(0.85, 0.88, 0.91);
        d.line(margin, y + height - size + 1.0, w - margin, y + height - size + 1.0, 0.4);
        d.color(0.0, 0.0, 0.0);
        y += height;
    }
    d.text_right(w - margin, h - 20.0, 7.5, false, &format!("Trang {page}"));
    (y, page)
}

/// A number as printed on forms: 1.234.567.
pub fn thousands(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if v < 0 { format!("-{out}") } else { out }
}

/// A report form (D03-TS, D05-TS …) as PDF on A4 landscape: its title lines, the header on
/// every page, the rows and the total row; number columns right-aligned, wide forms in a
/// smaller type.
pub fn form_pdf(form: &crate::FormSheet) -> Vec<u8> {
    use crate::FormCell;
    let numeric: Vec<bool> = (0..form.headers.len())
        .map(|i| {
            form.rows
                .iter()
                .chain(std::iter::once(&form.total))
                .any(|r| matches!(r.get(i), Some(FormCell::Number(_))))
        })
        .collect();
    let headers: Vec<String> = form
        .headers
        .iter()
        .zip(&numeric)
        .map(|(h, n)| if *n { format!(">{h}") } else { h.clone() })
        .collect();
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let cell = |c: &FormCell| match c {
        FormCell::Text(s) => s.clone(),
        FormCell::Number(v) => thousands(*v),
    };
    let mut rows: Vec<Vec<String>> = form.rows.iter().map(|r| r.iter().map(cell).collect()).collect();
    rows.push(form.total.iter().map(cell).collect());
    let mut d = Doc::new(A4_LANDSCAPE.0, A4_LANDSCAPE.1);
    // Each column as wide as what it holds needs: its longest unbreakable word (a CCCD, an
    // amount), its content up to a cap (long addresses wrap), never less than its header's
    // longest word. A form too wide for the page is set in a smaller type, down to 5 pt.
    let widths_at = |d: &Doc, size: f32| -> Vec<f32> {
        (0..form.headers.len())
            .map(|i| {
                let word = |t: &str, bold: bool| -> f32 {
                    t.split_whitespace().map(|w| d.text_width(size, bold, w)).fold(0.0, f32::max)
                };
                let head = word(&form.headers[i], true);
                let (mut longest_word, mut longest_text) = (0.0f32, 0.0f32);
                for r in &rows {
                    if let Some(t) = r.get(i) {
                        longest_word = longest_word.max(word(t, false));
                        longest_text = longest_text.max(d.text_width(size, false, t));
                    }
                }
                head.max(longest_word).max(longest_text.min(110.0)) + 8.0
            })
            .collect()
    };
    let available = A4_LANDSCAPE.0 - 56.0;
    let mut size = 8.0;
    let mut widths = widths_at(&d, size);
    while widths.iter().sum::<f32>() > available && size > 5.0 {
        size -= 0.25;
        widths = widths_at(&d, size);
    }
    let (title, rest) = form.title.split_first().map_or(("", &[][..]), |(t, r)| (t.as_str(), r));
    let y = heading(&mut d, title, rest);
    table(&mut d, y, &headers, &widths, &rows, size, 1);
    d.finish()
}

/// A declaration (tờ khai, e.g. TK1-TS): numbered fields, then an annex table.
#[derive(Debug, Clone, Default)]
pub struct Declaration {
    pub title: String,
    /// Lines under the title (the basis, the date).
    pub subtitle: Vec<String>,
    /// ("01", label, value).
    pub fields: Vec<(String, String, String)>,
    pub annex_title: String,
    /// (label, value) above the annex table.
    pub annex_head: Vec<(String, String)>,
    pub annex_headers: Vec<String>,
    pub annex_rows: Vec<Vec<String>>,
}

impl Declaration {
    /// The same declaration as a sheet: the numbered lines as title rows, the annex as the table.
    pub fn to_sheet(&self) -> crate::FormSheet {
        use crate::FormCell::Text;
        let mut title = vec![self.title.clone()];
        title.extend(self.subtitle.iter().cloned());
        title.extend(self.fields.iter().map(|(no, label, value)| format!("[{no}] {label}: {value}")));
        title.push(self.annex_title.clone());
        title.extend(self.annex_head.iter().map(|(l, v)| format!("{l}: {v}")));
        crate::FormSheet {
            title,
            headers: self.annex_headers.clone(),
            rows: self.annex_rows.iter().map(|r| r.iter().map(|c| Text(c.clone())).collect()).collect(),
            total: Vec::new(),
        }
    }
}

/// A declaration as PDF on A4 portrait, the annex continuing on further pages if long.
pub fn declaration_pdf(decl: &Declaration) -> Vec<u8> {
    let mut d = Doc::new(A4.0, A4.1);
    let margin = 28.0;
    let w = d.width();
    let mut y = heading(&mut d, &decl.title, &decl.subtitle);
    for (no, label, value) in &decl.fields {
        let head = format!("[{no}] {label}:");
        let lw = d.text_width(9.5, true, &head).min(w * 0.55);
        d.text(margin, y, 9.5, true, &head);
        let lines = d.wrap(9.5, false, value, w - 2.0 * margin - lw - 8.0);
        for (k, l) in lines.iter().enumerate() {
            d.text(margin + lw + 8.0, y + k as f32 * 13.0, 9.5, false, l);
        }
        y += 13.0 * lines.len().max(1) as f32 + 4.0;
    }
    y += 10.0;
    if !decl.annex_title.is_empty() {
        if y > d.height() - 160.0 {
            d.new_page();
            y = 40.0;
        }
        d.text(margin, y, 11.0, true, &decl.annex_title);
        y += 16.0;
        for (label, value) in &decl.annex_head {
            d.text(margin, y, 9.0, true, &format!("{label}:"));
            let lw = d.text_width(9.0, true, &format!("{label}:"));
            d.text(margin + lw + 6.0, y, 9.0, false, value);
            y += 12.0;
        }
        let headers: Vec<&str> = decl.annex_headers.iter().map(String::as_str).collect();
        let widths: Vec<f32> = decl
            .annex_headers
            .iter()
            .map(|h| {
                let t = h.to_lowercase();
                if t.contains("họ và tên") {
                    2.2
                } else if t.contains("nơi") {
                    1.8
                } else if t == "stt" {
                    0.5
                } else {
                    1.0
                }
            })
            .collect();
        table(&mut d, y + 8.0, &headers, &widths, &decl.annex_rows, 7.0, 1);
    }
    d.finish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_table_runs_over_pages_with_its_header_on_each() {
        let rows: Vec<Vec<String>> = (0..200)
            .map(|i| vec![format!("{i:03}"), "Bán mai trước Tết".into(), format!("{}.000 ₫", i)])
            .collect();
        let pdf = super::table_pdf(
            "SỔ QUỸ",
            "Thu · Chi",
            &["Ngày", "Nội dung", ">Số tiền"],
            &[1.0, 4.0, 1.0],
            &rows,
        );
        let text = String::from_utf8_lossy(&pdf);
        let count: usize = text
            .split("/Count ")
            .nth(1)
            .and_then(|t| t.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert!(count >= 4, "{count} pages");
        assert_eq!(text.matches("/Type /Page ").count(), count);
    }

    use super::*;

    #[test]
    fn writes_a_pdf_with_subset_fonts_and_a_qr_code() {
        let mut d = Doc::new(A5.0, A5.1);
        d.text(40.0, 60.0, 12.0, true, "BIÊN LAI THU TIỀN");
        d.text(40.0, 80.0, 10.0, false, "Ba triệu một trăm sáu mươi tám nghìn đồng");
        assert!(d.qr(40.0, 100.0, 80.0, "http://127.0.0.1:8080/bien-lai/ABCDEFGHJKMN"));
        let pdf = d.finish();
        assert!(pdf.starts_with(b"%PDF-1.7"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        // Two subset fonts: far smaller than the 1.4 MB of the two full fonts.
        assert!(pdf.len() < 150_000, "{}", pdf.len());
        let keep: BTreeSet<u16> = [REGULAR.glyph('ế')].into();
        let sub = subset(REGULAR.data, &keep).unwrap();
        let face = ttf_parser::Face::parse(&sub, 0).unwrap();
        assert_eq!(face.glyph_index('ế').map(|g| g.0), Some(REGULAR.glyph('ế')));
        assert!(face.outline_glyph(ttf_parser::GlyphId(REGULAR.glyph('ế')), &mut Sink).is_some());
        assert!(qr_svg("x").starts_with("<svg"));
    }

    struct Sink;
    impl ttf_parser::OutlineBuilder for Sink {
        fn move_to(&mut self, _: f32, _: f32) {}
        fn line_to(&mut self, _: f32, _: f32) {}
        fn quad_to(&mut self, _: f32, _: f32, _: f32, _: f32) {}
        fn curve_to(&mut self, _: f32, _: f32, _: f32, _: f32, _: f32, _: f32) {}
        fn close(&mut self) {}
    }
}
