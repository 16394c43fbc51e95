//! Files made for one user and fetched right afterwards: the rejected rows of an import, the
//! full list of its errors. Kept in this process's memory under a random 128-bit key, only for
//! the user who made them, for [`TTL`]; at most [`MAX_BYTES`] in all (the oldest go first).
//!
//! Why here and not a base64 `data:` link in the result page: the rejected rows of a large
//! file are megabytes, which would bloat every result page whether or not the file is wanted.
//! Why not the database: the file is personal data needed for minutes, not a record. The cost:
//! a restart (or, behind a load balancer, another server process) loses the file — the link
//! then answers "not found" and the user re-runs the import, which is safe because importing
//! the same file twice changes nothing.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a file stays downloadable.
pub const TTL: Duration = Duration::from_secs(15 * 60);
/// All files together stay under this.
pub const MAX_BYTES: usize = 256 * 1024 * 1024;

struct Entry {
    key: String,
    user_id: i64,
    filename: String,
    content_type: &'static str,
    bytes: Vec<u8>,
    at: Instant,
}

/// A file ready to send.
pub struct Download {
    pub filename: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

#[derive(Default)]
pub struct Downloads {
    entries: Mutex<Vec<Entry>>,
}

impl std::fmt::Debug for Downloads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Downloads")
    }
}

impl Downloads {
    /// Keep a file for `user_id`; returns its key, or `None` if no random key could be made.
    pub fn put(
        &self,
        user_id: i64,
        filename: &str,
        content_type: &'static str,
        bytes: Vec<u8>,
    ) -> Option<String> {
        if bytes.len() > MAX_BYTES {
            return None;
        }
        let mut raw = [0u8; 16];
        getrandom::fill(&mut raw).ok()?;
        let key = hex::encode(raw);
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        entries.retain(|e| now.duration_since(e.at) < TTL);
        let mut total: usize = entries.iter().map(|e| e.bytes.len()).sum::<usize>() + bytes.len();
        while total > MAX_BYTES && !entries.is_empty() {
            total -= entries.remove(0).bytes.len();
        }
        entries.push(Entry {
            key: key.clone(),
            user_id,
            filename: filename.to_string(),
            content_type,
            bytes,
            at: now,
        });
        Some(key)
    }

    /// The file under `key`, if it is `user_id`'s and still fresh.
    pub fn get(&self, key: &str, user_id: i64) -> Option<Download> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.iter().find(|e| e.key == key && e.user_id == user_id && e.at.elapsed() < TTL).map(|e| {
            Download { filename: e.filename.clone(), content_type: e.content_type, bytes: e.bytes.clone() }
        })
    }
}

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const CSV: &str = "text/csv; charset=utf-8";
pub const PDF: &str = "application/pdf";

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
    fn only_for_its_user() {
        let d = Downloads::default();
        let k = d.put(7, "a.xlsx", "x", vec![1, 2, 3]).unwrap();
        assert_eq!(k.len(), 32);
        assert_eq!(d.get(&k, 7).unwrap().bytes, vec![1, 2, 3]);
        assert!(d.get(&k, 8).is_none());
        assert!(d.get("nope", 7).is_none());
    }
}
