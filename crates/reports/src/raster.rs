//! A small raster canvas for pictures placed in workbooks (the report's map): polygons filled
//! by scanline (even-odd), their outlines drawn, written as an RGB PNG with the zlib already
//! used for the PDFs. No image crate: a map of a province's communes is all it draws.

use std::io::Write;

pub struct Canvas {
    width: usize,
    height: usize,
    pixels: Vec<[u8; 3]>,
}

impl Canvas {
    /// A canvas filled with `background`.
    pub fn new(width: usize, height: usize, background: [u8; 3]) -> Canvas {
        Canvas { width, height, pixels: vec![background; width * height] }
    }

    fn put(&mut self, x: i64, y: i64, c: [u8; 3]) {
        if x >= 0 && y >= 0 && (x as usize) < self.width && (y as usize) < self.height {
            self.pixels[y as usize * self.width + x as usize] = c;
        }
    }

    /// Fill the polygon `points` (pixel coordinates, y down), even-odd rule, sampled at pixel
    /// centres.
    pub fn fill_polygon(&mut self, points: &[(f32, f32)], c: [u8; 3]) {
        if points.len() < 3 {
            return;
        }
        let (lo, hi) = points.iter().fold((f32::MAX, f32::MIN), |(lo, hi), p| (lo.min(p.1), hi.max(p.1)));
        let (y0, y1) = (lo.floor().max(0.0) as usize, (hi.ceil() as usize).min(self.height));
        let mut xs: Vec<f32> = Vec::new();
        for y in y0..y1 {
            let sy = y as f32 + 0.5;
            xs.clear();
            for i in 0..points.len() {
                let (a, b) = (points[i], points[(i + 1) % points.len()]);
                if (a.1 <= sy && b.1 > sy) || (b.1 <= sy && a.1 > sy) {
                    xs.push(a.0 + (sy - a.1) / (b.1 - a.1) * (b.0 - a.0));
                }
            }
            xs.sort_by(|p, q| p.total_cmp(q));
            for pair in xs.chunks(2) {
                if let [from, to] = pair {
                    let (from, to) = ((from - 0.5).ceil() as i64, (to - 0.5).floor() as i64);
                    for x in from..=to {
                        self.put(x, y as i64, c);
                    }
                }
            }
        }
    }

    /// A one-pixel line (Bresenham).
    pub fn line(&mut self, a: (f32, f32), b: (f32, f32), c: [u8; 3]) {
        let (mut x, mut y) = (a.0.round() as i64, a.1.round() as i64);
        let (x1, y1) = (b.0.round() as i64, b.1.round() as i64);
        let (dx, dy) = ((x1 - x).abs(), -(y1 - y).abs());
        let (sx, sy) = (if x < x1 { 1 } else { -1 }, if y < y1 { 1 } else { -1 });
        let mut err = dx + dy;
        loop {
            self.put(x, y, c);
            if x == x1 && y == y1 {
                break;
            }
            let e2 = 2 * err;
            if e2 >= dy {
                err += dy;
                x += sx;
            }
            if e2 <= dx {
                err += dx;
                y += sy;
            }
        }
    }

    /// The outline of a polygon.
    pub fn outline(&mut self, points: &[(f32, f32)], c: [u8; 3]) {
        for i in 0..points.len() {
            self.line(points[i], points[(i + 1) % points.len()], c);
        }
    }

    /// A filled rectangle.
    pub fn rect(&mut self, x: usize, y: usize, w: usize, h: usize, c: [u8; 3]) {
        for yy in y..(y + h).min(self.height) {
            for xx in x..(x + w).min(self.width) {
                self.pixels[yy * self.width + xx] = c;
            }
        }
    }

    /// The picture as a PNG (8-bit RGB, no filter).
    pub fn to_png(&self) -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let mut crc = flate2::Crc::new();
            crc.update(kind);
            crc.update(data);
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            out.extend_from_slice(&crc.sum().to_be_bytes());
        }
        let mut raw = Vec::with_capacity(self.height * (self.width * 3 + 1));
        for row in self.pixels.chunks(self.width) {
            raw.push(0); // filter: none
            for p in row {
                raw.extend_from_slice(p);
            }
        }
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        let _ = z.write_all(&raw);
        let idat = z.finish().unwrap_or_default();
        let mut ihdr = Vec::with_capacity(13);
        ihdr.extend_from_slice(&(self.width as u32).to_be_bytes());
        ihdr.extend_from_slice(&(self.height as u32).to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit, RGB, deflate, no filter, no interlace
        let mut out = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        chunk(&mut out, b"IHDR", &ihdr);
        chunk(&mut out, b"IDAT", &idat);
        chunk(&mut out, b"IEND", &[]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_square_fills_its_pixels_and_the_png_is_well_formed() {
        let mut c = Canvas::new(10, 10, [255, 255, 255]);
        c.fill_polygon(&[(2.0, 2.0), (6.0, 2.0), (6.0, 6.0), (2.0, 6.0)], [0, 0, 255]);
        let blue = c.pixels.iter().filter(|p| **p == [0, 0, 255]).count();
        assert_eq!(blue, 16, "4 × 4 pixel centres inside");
        let png = c.to_png();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[12..16], b"IHDR");
        assert!(png.ends_with(&[0xAE, 0x42, 0x60, 0x82]), "IEND's CRC");
    }
}
