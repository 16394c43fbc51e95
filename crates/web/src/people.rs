//! Shared by the registry's pages and API: the person list's query as typed; file downloads.

use crate::session::urlencode;
use ansinh_app::registry::PersonQuery;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const CSV: &str = "text/csv; charset=utf-8";

/// The person list's filters as typed in the page's form (all strings: a half-typed page
/// number is ignored, not an error).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub household: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub age: String,
    #[serde(default)]
    pub working_age: String,
    #[serde(default)]
    pub page: String,
}

impl ListQuery {
    pub fn page(&self) -> i64 {
        self.page.trim().parse::<i64>().ok().filter(|p| *p > 0).unwrap_or(1)
    }

    pub fn to_app(&self) -> PersonQuery {
        PersonQuery {
            q: self.q.clone(),
            household: self.household.clone(),
            place: self.place.clone(),
            age: self.age.clone(),
            working_age: self.working_age.clone(),
            page: Some(self.page()),
        }
    }

    /// The filters as a query string (without the page), empty values left out.
    pub fn qs(&self) -> String {
        [
            ("q", &self.q),
            ("place", &self.place),
            ("household", &self.household),
            ("age", &self.age),
            ("working_age", &self.working_age),
        ]
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(v.trim())))
        .collect::<Vec<_>>()
        .join("&")
    }

    /// `base?filters&page=N` (page 1 left out).
    pub fn link(&self, base: &str, page: i64) -> String {
        let mut qs = self.qs();
        if page > 1 {
            if !qs.is_empty() {
                qs.push('&');
            }
            qs.push_str(&format!("page={page}"));
        }
        if qs.is_empty() { base.to_string() } else { format!("{base}?{qs}") }
    }
}

/// A file to save: `Content-Disposition: attachment` with an ASCII name for old clients and
/// the Vietnamese name (RFC 6266 / RFC 5987 `filename*`) for the rest; never cached (it
/// holds personal data).
pub fn file_response(bytes: Vec<u8>, content_type: &'static str, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, attachment(filename)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        bytes,
    )
        .into_response()
}

/// `attachment; filename="danh-sach-nhan-khau.xlsx"; filename*=UTF-8''danh-s%C3%A1ch-…`.
pub fn attachment(filename: &str) -> HeaderValue {
    let ascii: String = ansinh_domain::text::fold(filename)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '-' })
        .collect();
    let utf8: String = filename
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{utf8}"))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_file_names() {
        let h = attachment("danh-sách-nhân-khẩu 2026.xlsx");
        assert_eq!(
            h.to_str().unwrap(),
            "attachment; filename=\"danh-sach-nhan-khau-2026.xlsx\"; \
             filename*=UTF-8''danh-s%C3%A1ch-nh%C3%A2n-kh%E1%BA%A9u%202026.xlsx"
        );
    }

    #[test]
    fn list_links() {
        let q = ListQuery { q: "nguyen van".into(), working_age: "yes".into(), ..ListQuery::default() };
        assert_eq!(q.link("/persons", 1), "/persons?q=nguyen%20van&working_age=yes");
        assert_eq!(q.link("/persons", 3), "/persons?q=nguyen%20van&working_age=yes&page=3");
        assert_eq!(ListQuery::default().link("/persons", 2), "/persons?page=2");
        assert_eq!(ListQuery { page: "x".into(), ..ListQuery::default() }.page(), 1);
    }
}
