//! Vendored front-end assets, compiled into the binary: no request leaves the machine.
//!
//! Pages link each asset under a name carrying a hash of its content (`app.3f9c0e1a2b.css`),
//! so a browser keeps it for a year and fetches it again only when it changed; the plain name
//! still answers, for a short time, for links made before. Each asset is gzip-compressed once,
//! on first use, and sent compressed to browsers that accept it (ECharts: 1 MB → about 340 kB).

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::io::Write;
use std::sync::LazyLock;

struct Asset {
    name: &'static str,
    body: &'static [u8],
    kind: &'static str,
    /// First 10 hex digits of the SHA-256 of `body`.
    hash: String,
    gzip: Vec<u8>,
}

const FILES: [(&str, &[u8], &str); 9] = [
    ("htmx.min.js", include_bytes!("../../static/htmx.min.js"), "text/javascript; charset=utf-8"),
    ("app.css", include_bytes!("../../static/app.css"), "text/css; charset=utf-8"),
    ("app.js", include_bytes!("../../static/app.js"), "text/javascript; charset=utf-8"),
    ("echarts.min.js", include_bytes!("../../static/echarts.min.js"), "text/javascript; charset=utf-8"),
    ("calc.js", include_bytes!("../../static/calc.js"), "text/javascript; charset=utf-8"),
    ("registry.js", include_bytes!("../../static/registry.js"), "text/javascript; charset=utf-8"),
    ("visits.js", include_bytes!("../../static/visits.js"), "text/javascript; charset=utf-8"),
    ("indicators.js", include_bytes!("../../static/indicators.js"), "text/javascript; charset=utf-8"),
    ("favicon.svg", include_bytes!("../../static/favicon.svg"), "image/svg+xml"),
];

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|(name, body, kind)| {
            use sha2::Digest;
            let hash = hex::encode(sha2::Sha256::digest(body))[..10].to_string();
            Asset { name, body, kind, hash, gzip: gzip(body) }
        })
        .collect()
});

/// Gzip at the best level (done once per asset, so the time does not matter).
pub fn gzip(body: &[u8]) -> Vec<u8> {
    let mut enc =
        flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 3), flate2::Compression::best());
    enc.write_all(body).expect("writing to a Vec cannot fail");
    enc.finish().expect("writing to a Vec cannot fail")
}

/// Whether the request accepts gzip (`Accept-Encoding: gzip`, not refused with `q=0`).
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).any(|v| {
        v.split(',').any(|part| {
            let mut it = part.trim().split(';');
            let coding = it.next().unwrap_or("").trim();
            let refused = it.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
    })
}

/// The URL a page links an asset by: its content hash in the name. An unknown name (a
/// programming error, caught by the tests) is linked as it is.
pub fn url(name: &str) -> String {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(a) => {
            let (stem, ext) = a.name.rsplit_once('.').unwrap_or((a.name, ""));
            format!("/static/{stem}.{}.{ext}", a.hash)
        }
        None => format!("/static/{name}"),
    }
}

/// `app.3f9c0e1a2b.css` → (`app.css`, Some(hash)); `app.css` → (`app.css`, None).
fn split_hash(file: &str) -> (String, Option<&str>) {
    let parts: Vec<&str> = file.split('.').collect();
    if parts.len() >= 3 {
        let h = parts[parts.len() - 2];
        if h.len() == 10 && h.bytes().all(|b| b.is_ascii_hexdigit()) {
            let mut plain: Vec<&str> = parts[..parts.len() - 2].to_vec();
            plain.push(parts[parts.len() - 1]);
            return (plain.join("."), Some(h));
        }
    }
    (file.to_string(), None)
}

pub async fn get(Path(file): Path<String>, headers: HeaderMap) -> Response {
    let (plain, hash) = split_hash(&file);
    let Some(a) = ASSETS.iter().find(|a| a.name == plain) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // The current content under its hashed name never changes; anything else may.
    let cache = if hash == Some(a.hash.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    let mut res = if accepts_gzip(&headers) {
        let mut r = a.gzip.clone().into_response();
        r.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        r
    } else {
        a.body.into_response()
    };
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(a.kind));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_round_trip() {
        let u = url("echarts.min.js");
        let file = u.strip_prefix("/static/").unwrap();
        let (plain, hash) = split_hash(file);
        assert_eq!(plain, "echarts.min.js");
        assert_eq!(hash.unwrap().len(), 10);
        assert_eq!(split_hash("app.css"), ("app.css".to_string(), None));
        assert_eq!(split_hash("echarts.min.js").1, None, "'min' is not a hash");
    }

    #[test]
    fn gzip_is_accepted_unless_refused() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(header::ACCEPT_ENCODING, v.parse().unwrap());
            accepts_gzip(&m)
        };
        assert!(h("gzip, deflate, br"));
        assert!(h("br;q=1.0, gzip;q=0.8"));
        assert!(!h("gzip;q=0"));
        assert!(!h("identity"));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }
}
