//! Receipt books (quyển biên lai) issued by the SI office to collectors.

use super::*;
use ansinh_domain::collection::series;
use ansinh_domain::{BookKind, text};

/// A book to issue, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewBook {
    /// The collector's username.
    pub collector: String,
    /// `paper` (quyển giấy) or `electronic` (biên lai điện tử).
    pub kind: String,
    /// Ký hiệu, e.g. `BL26-HT`.
    pub series: String,
    /// Quyển số (paper books; empty for electronic series).
    #[serde(default)]
    pub book_no: String,
    /// Từ số.
    pub first_no: i64,
    /// Đến số.
    pub last_no: i64,
    /// Code of the unit the book is used in (the collector's commune or village).
    pub unit_code: String,
}

/// Most numbers in one book or series.
const MAX_BOOK_NUMBERS: i64 = 1_000_000;

impl App {
    /// Issue a book to a collector. The numbers may not overlap another book of the series.
    pub async fn issue_book(&self, actor: &Actor, n: &NewBook) -> Result<BookRow> {
        let mut errors = Vec::new();
        let kind = BookKind::parse(&n.kind).map_err(|e| errors.push(e)).ok();
        let series = series("series", &n.series).map_err(|e| errors.push(e)).ok();
        let book_no =
            text::free_text("book_no", &n.book_no, 20).map_err(|e| errors.push(e)).unwrap_or_default();
        if kind == Some(BookKind::Paper) && book_no.is_empty() {
            errors.push(Invalid::new(
                "book_no",
                "Quyển giấy cần quyển số",
                "a paper book needs its book number",
            ));
        }
        if n.first_no < 1 {
            errors.push(Invalid::new(
                "first_no",
                "Từ số phải từ 1 trở lên",
                "first number must be at least 1",
            ));
        }
        if n.last_no < n.first_no || n.last_no - n.first_no >= MAX_BOOK_NUMBERS {
            errors.push(Invalid::new(
                "last_no",
                format!("Đến số phải từ «từ số» trở lên và không quá {MAX_BOOK_NUMBERS} số một quyển"),
                format!(
                    "last number must be at least the first, and at most {MAX_BOOK_NUMBERS} numbers a book"
                ),
            ));
        }
        let unit = match self.resolve_place(actor, &n.unit_code).await {
            Ok(u) => Some(u),
            Err(AppError::Invalid(mut e)) => {
                errors.append(&mut e);
                None
            }
            Err(e) => return Err(e),
        };
        let mut w = self.write(actor).await?;
        let collector = w.conn().user_by_username(n.collector.trim()).await?.filter(|u| u.active);
        let collector = match collector {
            Some(u) => Some(u),
            None => {
                errors.push(Invalid::new(
                    "collector",
                    format!("Không có người dùng «{}» đang hoạt động", n.collector.trim()),
                    format!("no active user «{}»", n.collector.trim()),
                ));
                None
            }
        };
        if let (Some(u), Some(unit)) = (&collector, &unit) {
            let grants = w.conn().grants_of(u.id).await?;
            let collects_here = grants.iter().any(|g| {
                g.role.allows(Permission::Collect)
                    && (ansinh_domain::unit::in_subtree(&unit.path, &g.unit_path)
                        || ansinh_domain::unit::in_subtree(&g.unit_path, &unit.path))
            });
            if !collects_here {
                errors.push(Invalid::new(
                    "collector",
                    format!("«{}» không phải nhân viên thu tại {}", u.username, unit.name),
                    format!("«{}» is no collector at {}", u.username, unit.name),
                ));
            }
        }
        if let (Some(s), true) = (&series, n.first_no >= 1 && n.last_no >= n.first_no)
            && let Some(other) = w.conn().overlapping_book(s, n.first_no, n.last_no).await?
        {
            errors.push(Invalid::new(
                "first_no",
                format!(
                    "Số {}–{} trùng với quyển đã cấp (ký hiệu {}, số {}–{})",
                    n.first_no, n.last_no, other.series, other.first_no, other.last_no
                ),
                format!(
                    "numbers {}–{} overlap a book already issued ({} {}–{})",
                    n.first_no, n.last_no, other.series, other.first_no, other.last_no
                ),
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let (Some(kind), Some(series), Some(collector), Some(unit)) = (kind, series, collector, unit) else {
            return Err(AppError::Internal("book checks passed without values".into()));
        };
        if !actor.can(Permission::View, &unit.path) {
            return Err(AppError::NotFound);
        }
        if !actor.can(Permission::ManageBooks, &unit.path) {
            return Err(AppError::Forbidden);
        }
        let mut book = BookRow {
            id: 0,
            province_code: unit.province_code.clone(),
            unit_id: unit.id,
            unit_path: unit.path.clone(),
            kind,
            series,
            book_no,
            first_no: n.first_no,
            last_no: n.last_no,
            next_no: n.first_no,
            collector_id: collector.id,
            issued_by: actor.username.clone(),
            issued_at: w.now(),
            closed_at: None,
        };
        book.id = w.conn().insert_book(&book).await?;
        w.created("receipt_book.issue", &book);
        w.commit().await?;
        Ok(book)
    }

    /// The actor's own books, newest first.
    pub async fn my_books(&self, actor: &Actor) -> Result<Vec<BookRow>> {
        let Some(uid) = actor.user_id else { return Ok(Vec::new()) };
        let mut r = self.db.read().await?;
        Ok(r.conn().books_of_collector(uid).await?)
    }

    /// Books issued inside the actor's scope (for the SI office), newest first.
    pub async fn books_in_scope(&self, actor: &Actor) -> Result<Vec<BookRow>> {
        let mut r = self.db.read().await?;
        let mut out = Vec::new();
        for root in actor.roots(Permission::ManageBooks) {
            let (lo, hi) = ansinh_domain::unit::subtree_range(&root);
            out.extend(r.conn().books_under(&lo, &hi, 500).await?);
        }
        out.sort_by_key(|b| std::cmp::Reverse(b.id));
        out.dedup_by_key(|b| b.id);
        Ok(out)
    }
}
