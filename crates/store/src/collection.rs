//! Enrolment and collection: receipt books, participations and their terms, payment requests,
//! receipts with their lines and payer sources.

use crate::{Conn, Result, StoreError};
use ansinh_domain::{BookKind, PayerSource, Scheme};
use ansinh_rules::vsi::SupportCategory;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::{AssertSqlSafe, FromRow};

fn corrupt(what: &str, v: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} «{v}»"))
}

fn scheme(v: &str) -> Result<Scheme> {
    Scheme::from_key(v).ok_or_else(|| corrupt("scheme", v))
}

/// The stored key of a support category.
pub fn category_key(c: SupportCategory) -> &'static str {
    c.group()
}

fn category(v: &str) -> Result<SupportCategory> {
    SupportCategory::ALL.into_iter().find(|c| c.group() == v).ok_or_else(|| corrupt("category", v))
}

// ─── Receipt books ─────────────────────────────────────────────────────────────────────────

/// Quyển biên lai — a book (or electronic series) of receipt numbers issued to a collector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BookRow {
    pub id: i64,
    pub province_code: String,
    pub unit_id: i64,
    pub unit_path: String,
    pub kind: BookKind,
    /// Ký hiệu.
    pub series: String,
    /// Quyển số (paper books).
    pub book_no: String,
    pub first_no: i64,
    pub last_no: i64,
    /// The number the next receipt takes; `last_no + 1` when the book is used up.
    pub next_no: i64,
    pub collector_id: i64,
    pub issued_by: String,
    pub issued_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl BookRow {
    /// Numbers left.
    pub fn remaining(&self) -> i64 {
        (self.last_no + 1 - self.next_no).max(0)
    }
}

#[derive(FromRow)]
struct BookRecord {
    id: i64,
    province_code: String,
    unit_id: i64,
    unit_path: String,
    kind: String,
    series: String,
    book_no: String,
    first_no: i64,
    last_no: i64,
    next_no: i64,
    collector_id: i64,
    issued_by: String,
    issued_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
}

impl TryFrom<BookRecord> for BookRow {
    type Error = StoreError;
    fn try_from(r: BookRecord) -> Result<BookRow> {
        Ok(BookRow {
            kind: BookKind::from_key(&r.kind).ok_or_else(|| corrupt("book kind", &r.kind))?,
            id: r.id,
            province_code: r.province_code,
            unit_id: r.unit_id,
            unit_path: r.unit_path,
            series: r.series,
            book_no: r.book_no,
            first_no: r.first_no,
            last_no: r.last_no,
            next_no: r.next_no,
            collector_id: r.collector_id,
            issued_by: r.issued_by,
            issued_at: r.issued_at,
            closed_at: r.closed_at,
        })
    }
}

const BOOK_COLS: &str = "id, province_code, unit_id, unit_path, kind, series, book_no, first_no, last_no, \
                         next_no, collector_id, issued_by, issued_at, closed_at";

// ─── Participations ────────────────────────────────────────────────────────────────────────

/// Tham gia — a person in a scheme. VSI terms (income, mode, category) are the ones in force;
/// their history is in [`TermsRow`]s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParticipationRow {
    pub id: i64,
    pub province_code: String,
    pub person_id: i64,
    pub scheme: Scheme,
    /// HI group code of an imported HI participation (e.g. `state_child`), else empty.
    pub grp: String,
    /// Created in An Sinh (`true`) or imported from a list.
    pub enrolled: bool,
    pub household_id: Option<i64>,
    pub started_on: NaiveDate,
    pub income: Option<i64>,
    pub mode_months: Option<i64>,
    pub category: Option<SupportCategory>,
    /// Why the derived category was overridden, and the document, if it was.
    pub category_reason: String,
    pub category_document: String,
    /// `farmer` / `freelance` for a provincial top-up.
    pub local_group: Option<String>,
    /// Months of state support received before An Sinh (toward the 120-month cap).
    pub prior_support_months: i64,
    /// Last day covered by a valid receipt (derived from the receipt lines).
    pub paid_through: Option<NaiveDate>,
    /// Imported: last day of the listed period.
    pub valid_to: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ParticipationRow {
    /// A new participation of `person` in `scheme` from `started_on`, with no terms, payments
    /// or end yet (the caller sets what its scheme needs).
    pub fn new(
        person: &crate::PersonRow,
        scheme: Scheme,
        enrolled: bool,
        started_on: NaiveDate,
        at: DateTime<Utc>,
    ) -> ParticipationRow {
        ParticipationRow::of(
            &person.province_code,
            person.id,
            person.household_id,
            scheme,
            enrolled,
            started_on,
            at,
        )
    }

    /// The same from the person's province, id and household (a bulk load that holds no
    /// whole person rows).
    pub fn of(
        province_code: &str,
        person_id: i64,
        household_id: Option<i64>,
        scheme: Scheme,
        enrolled: bool,
        started_on: NaiveDate,
        at: DateTime<Utc>,
    ) -> ParticipationRow {
        ParticipationRow {
            id: 0,
            province_code: province_code.to_string(),
            person_id,
            scheme,
            grp: String::new(),
            enrolled,
            household_id,
            started_on,
            income: None,
            mode_months: None,
            category: None,
            category_reason: String::new(),
            category_document: String::new(),
            local_group: None,
            prior_support_months: 0,
            paid_through: None,
            valid_to: None,
            ended_on: None,
            end_reason: String::new(),
            created_at: at,
            updated_at: at,
        }
    }
}

#[derive(FromRow)]
struct ParticipationRecord {
    id: i64,
    province_code: String,
    person_id: i64,
    scheme: String,
    grp: String,
    source: String,
    household_id: Option<i64>,
    started_on: NaiveDate,
    income: Option<i64>,
    mode_months: Option<i64>,
    category: Option<String>,
    category_reason: String,
    category_document: String,
    local_group: Option<String>,
    prior_support_months: i64,
    paid_through: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
    ended_on: Option<NaiveDate>,
    end_reason: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<ParticipationRecord> for ParticipationRow {
    type Error = StoreError;
    fn try_from(r: ParticipationRecord) -> Result<ParticipationRow> {
        Ok(ParticipationRow {
            scheme: scheme(&r.scheme)?,
            enrolled: match r.source.as_str() {
                "enrolled" => true,
                "imported" => false,
                v => return Err(corrupt("participation source", v)),
            },
            category: r.category.as_deref().map(category).transpose()?,
            id: r.id,
            province_code: r.province_code,
            person_id: r.person_id,
            grp: r.grp,
            household_id: r.household_id,
            started_on: r.started_on,
            income: r.income,
            mode_months: r.mode_months,
            category_reason: r.category_reason,
            category_document: r.category_document,
            local_group: r.local_group,
            prior_support_months: r.prior_support_months,
            paid_through: r.paid_through,
            valid_to: r.valid_to,
            ended_on: r.ended_on,
            end_reason: r.end_reason,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

const PARTICIPATION_COLS: &str = "id, province_code, person_id, scheme, grp, source, household_id, started_on, \
     income, mode_months, category, category_reason, category_document, local_group, prior_support_months, \
     paid_through, valid_to, ended_on, end_reason, created_at, updated_at";

/// One version of a VSI participation's terms.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct TermsRow {
    pub id: i64,
    pub participation_id: i64,
    /// YYYY-MM of the first payment under these terms.
    pub from_month: String,
    pub income: i64,
    pub mode_months: i64,
    pub category: String,
    pub reason: String,
    pub actor: String,
    pub at: DateTime<Utc>,
}

// ─── Receipts ──────────────────────────────────────────────────────────────────────────────

/// Biên lai thu tiền (C45-BB) as issued; voided, never deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceiptRow {
    pub id: i64,
    pub province_code: String,
    pub unit_path: String,
    pub book_id: i64,
    pub series: String,
    pub book_no: String,
    pub number: i64,
    /// Mã xác nhận.
    pub code: String,
    pub request_id: String,
    pub collector_id: i64,
    pub collector: String,
    pub payer_person_id: i64,
    pub payer_name: String,
    pub payer_si_number: String,
    pub payer_address: String,
    pub scheme: Scheme,
    pub mode_months: i64,
    pub content: String,
    pub amount: i64,
    pub paid_on: NaiveDate,
    pub at: DateTime<Utc>,
    pub voided_at: Option<DateTime<Utc>>,
    pub void_reason: String,
    pub voided_by: String,
    /// The remittance batch that handed the money over, once the day is closed.
    pub remittance_id: Option<i64>,
}

#[derive(FromRow)]
struct ReceiptRecord {
    id: i64,
    province_code: String,
    unit_path: String,
    book_id: i64,
    series: String,
    book_no: String,
    number: i64,
    code: String,
    request_id: String,
    collector_id: i64,
    collector: String,
    payer_person_id: i64,
    payer_name: String,
    payer_si_number: String,
    payer_address: String,
    scheme: String,
    mode_months: i64,
    content: String,
    amount: i64,
    paid_on: NaiveDate,
    at: DateTime<Utc>,
    voided_at: Option<DateTime<Utc>>,
    void_reason: String,
    voided_by: String,
    remittance_id: Option<i64>,
}

impl TryFrom<ReceiptRecord> for ReceiptRow {
    type Error = StoreError;
    fn try_from(r: ReceiptRecord) -> Result<ReceiptRow> {
        Ok(ReceiptRow {
            scheme: scheme(&r.scheme)?,
            id: r.id,
            province_code: r.province_code,
            unit_path: r.unit_path,
            book_id: r.book_id,
            series: r.series,
            book_no: r.book_no,
            number: r.number,
            code: r.code,
            request_id: r.request_id,
            collector_id: r.collector_id,
            collector: r.collector,
            payer_person_id: r.payer_person_id,
            payer_name: r.payer_name,
            payer_si_number: r.payer_si_number,
            payer_address: r.payer_address,
            mode_months: r.mode_months,
            content: r.content,
            amount: r.amount,
            paid_on: r.paid_on,
            at: r.at,
            voided_at: r.voided_at,
            void_reason: r.void_reason,
            voided_by: r.voided_by,
            remittance_id: r.remittance_id,
        })
    }
}

const RECEIPT_COLS: &str = "id, province_code, unit_path, book_id, series, book_no, number, code, request_id, \
     collector_id, collector, payer_person_id, payer_name, payer_si_number, payer_address, scheme, mode_months, \
     content, amount, paid_on, at, voided_at, void_reason, voided_by, remittance_id";

/// What one receipt paid for one participation.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct ReceiptLineRow {
    pub receipt_id: i64,
    pub participation_id: i64,
    pub person_id: i64,
    /// Household HI member ordinal (1 for VSI).
    pub ordinal: i64,
    /// First day covered (VSI: first day of the first month; HI: the card's first valid day).
    pub covers_from: NaiveDate,
    /// Last day covered.
    pub covers_to: NaiveDate,
    pub months: i64,
    pub income: Option<i64>,
    pub gross: i64,
    pub state_support: i64,
    pub local_support: i64,
    pub discount: i64,
    /// Months of this line with state or provincial support (toward the cap).
    pub supported_months: i64,
    /// What is paid for this line.
    pub amount: i64,
}

const LINE_COLS: &str = "receipt_id, participation_id, person_id, ordinal, covers_from, covers_to, months, income, \
     gross, state_support, local_support, discount, supported_months, amount";

/// Who paid how much of a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceiptSourceRow {
    pub receipt_id: i64,
    pub source: PayerSource,
    pub name: String,
    pub amount: i64,
}

#[derive(FromRow)]
struct SourceRecord {
    receipt_id: i64,
    source: String,
    name: String,
    amount: i64,
}

/// Nộp tiền — a collector's closed day, handed over to the SI office.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct RemittanceRow {
    pub id: i64,
    pub province_code: String,
    pub unit_path: String,
    pub collector_id: i64,
    pub collector: String,
    pub day: NaiveDate,
    pub receipts: i64,
    pub total: i64,
    /// `{"by_scheme": {…}, "by_source": {…}}` of the batch's receipts.
    pub totals_json: String,
    /// submitted, confirmed, flagged
    pub status: String,
    pub submitted_at: DateTime<Utc>,
    /// What the office counted, when it reviewed the batch.
    pub received: Option<i64>,
    pub reviewed_by: String,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub note: String,
}

const REMITTANCE_COLS: &str = "id, province_code, unit_path, collector_id, collector, day, receipts, total, totals_json, \
     status, submitted_at, received, reviewed_by, reviewed_at, note";

/// Nhắc đóng — a reminder, open until a payment for its participation closes it.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct ReminderRow {
    pub id: i64,
    pub province_code: String,
    pub unit_path: String,
    pub participation_id: i64,
    pub person_id: i64,
    pub collector_id: i64,
    pub phone: Option<String>,
    pub message: String,
    pub amount: i64,
    pub deadline: NaiveDate,
    pub created_at: DateTime<Utc>,
    /// The receipt that followed it.
    pub closed_by: Option<i64>,
    pub closed_at: Option<DateTime<Utc>>,
}

const REMINDER_COLS: &str = "id, province_code, unit_path, participation_id, person_id, collector_id, phone, message, \
     amount, deadline, created_at, closed_by, closed_at";

/// A participation whose paid period ends soon or ended, with who and where.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct DueRow {
    pub participation_id: i64,
    pub scheme: String,
    pub person_id: i64,
    pub full_name: String,
    pub phone: Option<String>,
    pub unit_id: i64,
    pub unit_path: String,
    pub household_id: Option<i64>,
    pub mode_months: Option<i64>,
    pub income: Option<i64>,
    pub paid_through: Option<NaiveDate>,
}

fn rows<R, T: TryFrom<R, Error = StoreError>>(v: Vec<R>) -> Result<Vec<T>> {
    v.into_iter().map(T::try_from).collect()
}

impl Conn<'_> {
    // ── books ──

    pub async fn insert_book(&mut self, b: &BookRow) -> Result<i64> {
        let sql = "INSERT INTO receipt_books (province_code, unit_id, unit_path, kind, series, book_no, first_no, \
                   last_no, next_no, collector_id, issued_by, issued_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id";
        Ok(on!(self, c => sqlx::query_scalar::<_, i64>(sql)
            .bind(&b.province_code).bind(b.unit_id).bind(&b.unit_path).bind(b.kind.as_str()).bind(&b.series)
            .bind(&b.book_no).bind(b.first_no).bind(b.last_no).bind(b.next_no).bind(b.collector_id)
            .bind(&b.issued_by).bind(b.issued_at)
            .fetch_one(&mut **c).await)?)
    }

    pub async fn book_by_id(&mut self, id: i64) -> Result<Option<BookRow>> {
        let sql = format!("SELECT {BOOK_COLS} FROM receipt_books WHERE id = $1");
        let r = on!(self, c => sqlx::query_as::<_, BookRecord>(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **c).await)?;
        r.map(BookRow::try_from).transpose()
    }

    /// Books of one collector, newest first.
    pub async fn books_of_collector(&mut self, collector_id: i64) -> Result<Vec<BookRow>> {
        let sql = format!("SELECT {BOOK_COLS} FROM receipt_books WHERE collector_id = $1 ORDER BY id DESC");
        rows(
            on!(self, c => sqlx::query_as::<_, BookRecord>(AssertSqlSafe(sql)).bind(collector_id).fetch_all(&mut **c).await)?,
        )
    }

    /// Books issued inside a subtree (path range), newest first, at most `limit`.
    pub async fn books_under(&mut self, lo: &str, hi: &str, limit: i64) -> Result<Vec<BookRow>> {
        let sql = format!(
            "SELECT {BOOK_COLS} FROM receipt_books WHERE unit_path >= $1 AND unit_path < $2 ORDER BY id DESC LIMIT $3"
        );
        rows(
            on!(self, c => sqlx::query_as::<_, BookRecord>(AssertSqlSafe(sql)).bind(lo).bind(hi).bind(limit).fetch_all(&mut **c).await)?,
        )
    }

    /// A book of the same series (and book number) whose numbers overlap `first..=last`.
    pub async fn overlapping_book(&mut self, series: &str, first: i64, last: i64) -> Result<Option<BookRow>> {
        let sql = format!(
            "SELECT {BOOK_COLS} FROM receipt_books WHERE series = $1 AND first_no <= $3 AND last_no >= $2 LIMIT 1"
        );
        let r = on!(self, c => sqlx::query_as::<_, BookRecord>(AssertSqlSafe(sql)).bind(series).bind(first).bind(last).fetch_optional(&mut **c).await)?;
        r.map(BookRow::try_from).transpose()
    }

    /// The open book a collector's next receipt comes from: electronic series first, then the
    /// oldest paper book with numbers left.
    pub async fn current_book(&mut self, collector_id: i64) -> Result<Option<BookRow>> {
        let sql = format!(
            "SELECT {BOOK_COLS} FROM receipt_books WHERE collector_id = $1 AND closed_at IS NULL AND next_no <= last_no \
             ORDER BY CASE kind WHEN 'electronic' THEN 0 ELSE 1 END, id LIMIT 1"
        );
        let r = on!(self, c => sqlx::query_as::<_, BookRecord>(AssertSqlSafe(sql)).bind(collector_id).fetch_optional(&mut **c).await)?;
        r.map(BookRow::try_from).transpose()
    }

    /// Take the next number of an open book with numbers left (the row stays locked until the
    /// transaction ends, so two payments never get the same number and a rollback returns it).
    pub async fn take_receipt_number(&mut self, book_id: i64) -> Result<Option<i64>> {
        let sql = "UPDATE receipt_books SET next_no = next_no + 1 \
                   WHERE id = $1 AND closed_at IS NULL AND next_no <= last_no RETURNING next_no - 1";
        Ok(on!(self, c => sqlx::query_scalar::<_, i64>(sql).bind(book_id).fetch_optional(&mut **c).await)?)
    }

    // ── participations ──

    pub async fn insert_participation(&mut self, p: &ParticipationRow) -> Result<i64> {
        let sql = "INSERT INTO participations (province_code, person_id, scheme, grp, source, household_id, started_on, \
                   income, mode_months, category, category_reason, category_document, local_group, prior_support_months, \
                   paid_through, valid_to, ended_on, end_reason, created_at, updated_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) \
                   RETURNING id";
        Ok(on!(self, c => sqlx::query_scalar::<_, i64>(sql)
            .bind(&p.province_code).bind(p.person_id).bind(p.scheme.as_str()).bind(&p.grp)
            .bind(if p.enrolled { "enrolled" } else { "imported" }).bind(p.household_id).bind(p.started_on)
            .bind(p.income).bind(p.mode_months).bind(p.category.map(category_key)).bind(&p.category_reason)
            .bind(&p.category_document).bind(&p.local_group).bind(p.prior_support_months).bind(p.paid_through)
            .bind(p.valid_to).bind(p.ended_on).bind(&p.end_reason).bind(p.created_at).bind(p.updated_at)
            .fetch_one(&mut **c).await)?)
    }

    /// Write many participations in few statements (a bulk load: the demo's imported lists).
    pub async fn insert_participations(&mut self, rows: &[ParticipationRow]) -> Result<()> {
        for chunk in rows.chunks(1_500) {
            on!(self, c => {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO participations (province_code, person_id, scheme, grp, source, household_id, started_on, \
                     income, mode_months, category, category_reason, category_document, local_group, prior_support_months, \
                     paid_through, valid_to, ended_on, end_reason, created_at, updated_at) ",
                );
                qb.push_values(chunk, |mut b, p| {
                    b.push_bind(&p.province_code).push_bind(p.person_id).push_bind(p.scheme.as_str()).push_bind(&p.grp)
                        .push_bind(if p.enrolled { "enrolled" } else { "imported" }).push_bind(p.household_id)
                        .push_bind(p.started_on).push_bind(p.income).push_bind(p.mode_months)
                        .push_bind(p.category.map(category_key)).push_bind(&p.category_reason)
                        .push_bind(&p.category_document).push_bind(&p.local_group).push_bind(p.prior_support_months)
                        .push_bind(p.paid_through).push_bind(p.valid_to).push_bind(p.ended_on).push_bind(&p.end_reason)
                        .push_bind(p.created_at).push_bind(p.updated_at);
                });
                qb.build().execute(&mut **c).await.map(|_| ())
            })?;
        }
        Ok(())
    }

    pub async fn participation_by_id(&mut self, id: i64) -> Result<Option<ParticipationRow>> {
        let sql = format!("SELECT {PARTICIPATION_COLS} FROM participations WHERE id = $1");
        let r = on!(self, c => sqlx::query_as::<_, ParticipationRecord>(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **c).await)?;
        r.map(ParticipationRow::try_from).transpose()
    }

    /// Every participation of a person, oldest first.
    pub async fn participations_of_person(&mut self, person_id: i64) -> Result<Vec<ParticipationRow>> {
        let sql = format!(
            "SELECT {PARTICIPATION_COLS} FROM participations WHERE person_id = $1 ORDER BY started_on, id"
        );
        rows(
            on!(self, c => sqlx::query_as::<_, ParticipationRecord>(AssertSqlSafe(sql)).bind(person_id).fetch_all(&mut **c).await)?,
        )
    }

    /// The participations with these ids (in no order).
    pub async fn participations_by_ids(&mut self, ids: &[i64]) -> Result<Vec<ParticipationRow>> {
        let recs = select_in!(
            self,
            format!("SELECT {PARTICIPATION_COLS} FROM participations WHERE id IN ("),
            ids,
            ParticipationRecord
        );
        rows(recs)
    }

    /// Every participation of these persons (in no order).
    pub async fn participations_of_persons(&mut self, ids: &[i64]) -> Result<Vec<ParticipationRow>> {
        let recs = select_in!(
            self,
            format!("SELECT {PARTICIPATION_COLS} FROM participations WHERE person_id IN ("),
            ids,
            ParticipationRecord
        );
        rows(recs)
    }

    /// The open household-HI participations of a household.
    pub async fn household_hi_members(&mut self, household_id: i64) -> Result<Vec<ParticipationRow>> {
        let sql = format!(
            "SELECT {PARTICIPATION_COLS} FROM participations \
             WHERE household_id = $1 AND scheme = 'hi_household' AND ended_on IS NULL ORDER BY id"
        );
        rows(
            on!(self, c => sqlx::query_as::<_, ParticipationRecord>(AssertSqlSafe(sql)).bind(household_id).fetch_all(&mut **c).await)?,
        )
    }

    /// The VSI terms in force change (income, mode, category, local group, override; the
    /// start of the current registration after a re-registration).
    pub async fn update_participation_terms(&mut self, p: &ParticipationRow) -> Result<()> {
        let sql = "UPDATE participations SET income = $2, mode_months = $3, category = $4, category_reason = $5, \
                   category_document = $6, local_group = $7, updated_at = $8, started_on = $9 WHERE id = $1";
        on!(self, c => sqlx::query(sql).bind(p.id).bind(p.income).bind(p.mode_months).bind(p.category.map(category_key))
            .bind(&p.category_reason).bind(&p.category_document).bind(&p.local_group).bind(p.updated_at).bind(p.started_on)
            .execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn end_participation(
        &mut self,
        id: i64,
        on: NaiveDate,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let sql = "UPDATE participations SET ended_on = $2, end_reason = $3, updated_at = $4 \
                   WHERE id = $1 AND ended_on IS NULL";
        let n = on!(self, c => sqlx::query(sql).bind(id).bind(on).bind(reason).bind(at).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// The end of an imported participation's listed period.
    pub async fn set_participation_valid_to(
        &mut self,
        id: i64,
        to: Option<NaiveDate>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let sql = "UPDATE participations SET valid_to = $2, updated_at = $3 WHERE id = $1";
        on!(self, c => sqlx::query(sql).bind(id).bind(to).bind(at).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// Recompute a participation's `paid_through` from its valid receipt lines; returns it.
    pub async fn refresh_paid_through(&mut self, id: i64, at: DateTime<Utc>) -> Result<Option<NaiveDate>> {
        let sql = "UPDATE participations SET updated_at = $2, paid_through = (\
                   SELECT MAX(l.covers_to) FROM receipt_lines l JOIN receipts r ON r.id = l.receipt_id \
                   WHERE l.participation_id = $1 AND r.voided_at IS NULL) WHERE id = $1 RETURNING paid_through";
        Ok(
            on!(self, c => sqlx::query_scalar::<_, Option<NaiveDate>>(sql).bind(id).bind(at).fetch_one(&mut **c).await)?,
        )
    }

    /// Months of support received through valid receipts of a participation.
    pub async fn supported_months(&mut self, id: i64) -> Result<i64> {
        let sql = "SELECT CAST(COALESCE(SUM(l.supported_months), 0) AS BIGINT) FROM receipt_lines l \
                   JOIN receipts r ON r.id = l.receipt_id WHERE l.participation_id = $1 AND r.voided_at IS NULL";
        Ok(on!(self, c => sqlx::query_scalar::<_, i64>(sql).bind(id).fetch_one(&mut **c).await)?)
    }

    pub async fn insert_terms(&mut self, t: &TermsRow) -> Result<()> {
        let sql = "INSERT INTO participation_terms (participation_id, from_month, income, mode_months, category, \
                   reason, actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        on!(self, c => sqlx::query(sql).bind(t.participation_id).bind(&t.from_month).bind(t.income).bind(t.mode_months)
            .bind(&t.category).bind(&t.reason).bind(&t.actor).bind(t.at).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn terms_of(&mut self, participation_ids: &[i64]) -> Result<Vec<TermsRow>> {
        let mut v = select_in!(
            self,
            "SELECT id, participation_id, from_month, income, mode_months, category, reason, actor, at \
             FROM participation_terms WHERE participation_id IN (",
            participation_ids,
            TermsRow
        );
        v.sort_by_key(|t| t.id);
        Ok(v)
    }

    /// Open VSI / household-HI participations in a subtree whose paid period ends on or before
    /// `until` (lapsed ones included: their `paid_through` is in the past), or that were never
    /// paid (those first), then by `paid_through`, at most `limit`.
    ///
    /// Two plans, chosen by the caller: a `narrow` subtree (a commune or below) is read from its
    /// persons (path index) to their participations; a wide one (a province, the country) walks
    /// the `participations_due` index in date order per scheme and stops at `limit`.
    pub async fn due_participations(
        &mut self,
        lo: &str,
        hi: &str,
        until: NaiveDate,
        limit: i64,
        narrow: bool,
    ) -> Result<Vec<DueRow>> {
        const COLS: &str = "p.id AS participation_id, p.scheme, p.person_id, s.full_name, s.phone, s.unit_id, \
                            s.unit_path, p.household_id, p.mode_months, p.income, p.paid_through";
        let mut rows: Vec<DueRow> = if narrow {
            // CROSS JOIN keeps SQLite's loop order (persons outside); PostgreSQL plans it as a join.
            let sql = format!(
                "SELECT {COLS} FROM persons s CROSS JOIN participations p \
                 WHERE s.unit_path >= $1 AND s.unit_path < $2 AND p.person_id = s.id AND p.ended_on IS NULL \
                 AND p.scheme IN ('vsi', 'hi_household') AND (p.paid_through IS NULL OR p.paid_through <= $3)"
            );
            on!(self, c => sqlx::query_as::<_, DueRow>(AssertSqlSafe(sql)).bind(lo).bind(hi).bind(until).fetch_all(&mut **c).await)?
        } else {
            let mut out = Vec::new();
            for scheme in ["vsi", "hi_household"] {
                let sql = format!(
                    "SELECT {COLS} FROM participations p JOIN persons s ON s.id = p.person_id \
                     WHERE p.scheme = $4 AND p.ended_on IS NULL AND p.paid_through <= $3 \
                     AND s.unit_path >= $1 AND s.unit_path < $2 ORDER BY p.paid_through, p.id LIMIT $5"
                );
                out.extend(on!(self, c => sqlx::query_as::<_, DueRow>(AssertSqlSafe(sql.clone())).bind(lo).bind(hi).bind(until)
                    .bind(scheme).bind(limit).fetch_all(&mut **c).await)?);
                let sql = format!(
                    "SELECT {COLS} FROM participations p JOIN persons s ON s.id = p.person_id \
                     WHERE p.scheme = $3 AND p.ended_on IS NULL AND p.paid_through IS NULL \
                     AND s.unit_path >= $1 AND s.unit_path < $2 ORDER BY p.id LIMIT $4"
                );
                out.extend(on!(self, c => sqlx::query_as::<_, DueRow>(AssertSqlSafe(sql)).bind(lo).bind(hi).bind(scheme)
                    .bind(limit).fetch_all(&mut **c).await)?);
            }
            out
        };
        // Never paid first (both databases alike), then the earliest end.
        rows.sort_by(|a, b| {
            (a.paid_through.is_some(), a.paid_through, &a.unit_path, a.participation_id).cmp(&(
                b.paid_through.is_some(),
                b.paid_through,
                &b.unit_path,
                b.participation_id,
            ))
        });
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(rows)
    }

    // ── payments ──

    /// Take a request id; `false` if it was taken before (the caller returns what it made).
    pub async fn take_payment_request(
        &mut self,
        request_id: &str,
        collector_id: i64,
        fingerprint: &str,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let sql = "INSERT INTO payment_requests (request_id, collector_id, fingerprint, at) VALUES ($1, $2, $3, $4) \
                   ON CONFLICT (request_id) DO NOTHING";
        let n = on!(self, c => sqlx::query(sql).bind(request_id).bind(collector_id).bind(fingerprint).bind(at)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Who sent a request id first, and the fingerprint of what they sent.
    pub async fn payment_request(&mut self, request_id: &str) -> Result<Option<(i64, String)>> {
        let sql = "SELECT collector_id, fingerprint FROM payment_requests WHERE request_id = $1";
        Ok(
            on!(self, c => sqlx::query_as::<_, (i64, String)>(sql).bind(request_id).fetch_optional(&mut **c).await)?,
        )
    }

    pub async fn insert_receipt(&mut self, r: &ReceiptRow) -> Result<i64> {
        let sql = "INSERT INTO receipts (province_code, unit_path, book_id, series, book_no, number, code, request_id, \
                   collector_id, collector, payer_person_id, payer_name, payer_si_number, payer_address, scheme, \
                   mode_months, content, amount, paid_on, at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) \
                   RETURNING id";
        Ok(on!(self, c => sqlx::query_scalar::<_, i64>(sql)
            .bind(&r.province_code).bind(&r.unit_path).bind(r.book_id).bind(&r.series).bind(&r.book_no).bind(r.number)
            .bind(&r.code).bind(&r.request_id).bind(r.collector_id).bind(&r.collector).bind(r.payer_person_id)
            .bind(&r.payer_name).bind(&r.payer_si_number).bind(&r.payer_address).bind(r.scheme.as_str())
            .bind(r.mode_months).bind(&r.content).bind(r.amount).bind(r.paid_on).bind(r.at)
            .fetch_one(&mut **c).await)?)
    }

    pub async fn insert_receipt_lines(&mut self, lines: &[ReceiptLineRow]) -> Result<()> {
        let sql = format!(
            "INSERT INTO receipt_lines ({LINE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        );
        for l in lines {
            on!(self, c => sqlx::query(AssertSqlSafe(sql.clone())).bind(l.receipt_id).bind(l.participation_id).bind(l.person_id)
                .bind(l.ordinal).bind(l.covers_from).bind(l.covers_to).bind(l.months).bind(l.income).bind(l.gross)
                .bind(l.state_support).bind(l.local_support).bind(l.discount).bind(l.supported_months).bind(l.amount)
                .execute(&mut **c).await.map(|_| ()))?;
        }
        Ok(())
    }

    pub async fn insert_receipt_sources(&mut self, sources: &[ReceiptSourceRow]) -> Result<()> {
        let sql = "INSERT INTO receipt_sources (receipt_id, source, name, amount) VALUES ($1, $2, $3, $4)";
        for s in sources {
            on!(self, c => sqlx::query(sql).bind(s.receipt_id).bind(s.source.as_str()).bind(&s.name).bind(s.amount)
                .execute(&mut **c).await.map(|_| ()))?;
        }
        Ok(())
    }

    pub async fn receipt_by_id(&mut self, id: i64) -> Result<Option<ReceiptRow>> {
        let sql = format!("SELECT {RECEIPT_COLS} FROM receipts WHERE id = $1");
        let r = on!(self, c => sqlx::query_as::<_, ReceiptRecord>(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **c).await)?;
        r.map(ReceiptRow::try_from).transpose()
    }

    pub async fn receipt_by_code(&mut self, code: &str) -> Result<Option<ReceiptRow>> {
        let sql = format!("SELECT {RECEIPT_COLS} FROM receipts WHERE code = $1");
        let r = on!(self, c => sqlx::query_as::<_, ReceiptRecord>(AssertSqlSafe(sql)).bind(code).fetch_optional(&mut **c).await)?;
        r.map(ReceiptRow::try_from).transpose()
    }

    pub async fn receipts_of_request(&mut self, request_id: &str) -> Result<Vec<ReceiptRow>> {
        let sql = format!("SELECT {RECEIPT_COLS} FROM receipts WHERE request_id = $1 ORDER BY id");
        rows(
            on!(self, c => sqlx::query_as::<_, ReceiptRecord>(AssertSqlSafe(sql)).bind(request_id).fetch_all(&mut **c).await)?,
        )
    }

    /// Receipts with a line for this person (as payer or member), newest first.
    pub async fn receipts_of_person(&mut self, person_id: i64) -> Result<Vec<ReceiptRow>> {
        let sql = format!(
            "SELECT {RECEIPT_COLS} FROM receipts WHERE id IN (SELECT receipt_id FROM receipt_lines WHERE person_id = $1) \
             OR payer_person_id = $1 ORDER BY paid_on DESC, id DESC"
        );
        rows(
            on!(self, c => sqlx::query_as::<_, ReceiptRecord>(AssertSqlSafe(sql)).bind(person_id).fetch_all(&mut **c).await)?,
        )
    }

    /// A collector's receipts paid between two days (inclusive), in number order.
    pub async fn receipts_of_collector(
        &mut self,
        collector_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<ReceiptRow>> {
        let sql = format!(
            "SELECT {RECEIPT_COLS} FROM receipts WHERE collector_id = $1 AND paid_on >= $2 AND paid_on <= $3 \
             ORDER BY paid_on, series, number"
        );
        rows(
            on!(self, c => sqlx::query_as::<_, ReceiptRecord>(AssertSqlSafe(sql)).bind(collector_id).bind(from).bind(to).fetch_all(&mut **c).await)?,
        )
    }

    pub async fn receipt_lines(&mut self, receipt_ids: &[i64]) -> Result<Vec<ReceiptLineRow>> {
        let mut v = select_in!(
            self,
            format!("SELECT {LINE_COLS} FROM receipt_lines WHERE receipt_id IN ("),
            receipt_ids,
            ReceiptLineRow
        );
        v.sort_by_key(|l| (l.receipt_id, l.ordinal, l.participation_id));
        Ok(v)
    }

    /// Lines of valid receipts of one participation, in the order of what they cover.
    pub async fn lines_of_participation(&mut self, participation_id: i64) -> Result<Vec<ReceiptLineRow>> {
        let sql = "SELECT l.receipt_id, l.participation_id, l.person_id, l.ordinal, l.covers_from, l.covers_to, l.months, \
                   l.income, l.gross, l.state_support, l.local_support, l.discount, l.supported_months, l.amount \
                   FROM receipt_lines l JOIN receipts r ON r.id = l.receipt_id \
                   WHERE l.participation_id = $1 AND r.voided_at IS NULL ORDER BY l.covers_from";
        Ok(
            on!(self, c => sqlx::query_as::<_, ReceiptLineRow>(sql).bind(participation_id).fetch_all(&mut **c).await)?,
        )
    }

    pub async fn receipt_sources(&mut self, receipt_ids: &[i64]) -> Result<Vec<ReceiptSourceRow>> {
        let recs = select_in!(
            self,
            "SELECT receipt_id, source, name, amount FROM receipt_sources WHERE receipt_id IN (",
            receipt_ids,
            SourceRecord
        );
        recs.into_iter()
            .map(|r| {
                Ok(ReceiptSourceRow {
                    source: PayerSource::from_key(&r.source)
                        .ok_or_else(|| corrupt("payer source", &r.source))?,
                    receipt_id: r.receipt_id,
                    name: r.name,
                    amount: r.amount,
                })
            })
            .collect()
    }

    // ── reminders ──

    /// Queue a reminder unless one is open for the participation; whether it was queued.
    pub async fn insert_reminder(&mut self, r: &ReminderRow) -> Result<bool> {
        let sql = "INSERT INTO reminders (province_code, unit_path, participation_id, person_id, collector_id, phone, \
                   message, amount, deadline, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                   ON CONFLICT (participation_id) WHERE closed_at IS NULL DO NOTHING";
        let n = on!(self, c => sqlx::query(sql).bind(&r.province_code).bind(&r.unit_path).bind(r.participation_id)
            .bind(r.person_id).bind(r.collector_id).bind(&r.phone).bind(&r.message).bind(r.amount).bind(r.deadline)
            .bind(r.created_at).execute(&mut **c).await.map(|x| x.rows_affected()))?;
        Ok(n == 1)
    }

    /// Close the open reminders of these participations with a receipt.
    pub async fn close_reminders(
        &mut self,
        participation_ids: &[i64],
        receipt_id: i64,
        at: DateTime<Utc>,
    ) -> Result<u64> {
        Ok(update_in!(self, participation_ids, |qb| {
            qb.push("UPDATE reminders SET closed_by = ").push_bind(receipt_id);
            qb.push(", closed_at = ").push_bind(at);
            qb.push(" WHERE closed_at IS NULL AND participation_id IN (");
        }))
    }

    /// A collector's reminders, newest first.
    pub async fn reminders_of_collector(
        &mut self,
        collector_id: i64,
        limit: i64,
    ) -> Result<Vec<ReminderRow>> {
        let sql = format!(
            "SELECT {REMINDER_COLS} FROM reminders WHERE collector_id = $1 ORDER BY id DESC LIMIT $2"
        );
        Ok(
            on!(self, c => sqlx::query_as::<_, ReminderRow>(AssertSqlSafe(sql)).bind(collector_id).bind(limit).fetch_all(&mut **c).await)?,
        )
    }

    // ── remittances ──

    pub async fn insert_remittance(&mut self, r: &RemittanceRow) -> Result<i64> {
        let sql = "INSERT INTO remittances (province_code, unit_path, collector_id, collector, day, receipts, total, \
                   totals_json, status, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";
        Ok(on!(self, c => sqlx::query_scalar::<_, i64>(sql)
            .bind(&r.province_code).bind(&r.unit_path).bind(r.collector_id).bind(&r.collector).bind(r.day)
            .bind(r.receipts).bind(r.total).bind(&r.totals_json).bind(&r.status).bind(r.submitted_at)
            .fetch_one(&mut **c).await)?)
    }

    /// Put these receipts into a batch (only those in none yet); how many were.
    pub async fn assign_remittance(&mut self, receipt_ids: &[i64], remittance_id: i64) -> Result<u64> {
        Ok(update_in!(self, receipt_ids, |qb| {
            qb.push("UPDATE receipts SET remittance_id = ").push_bind(remittance_id);
            qb.push(" WHERE remittance_id IS NULL AND id IN (");
        }))
    }

    pub async fn remittance_by_id(&mut self, id: i64) -> Result<Option<RemittanceRow>> {
        let sql = format!("SELECT {REMITTANCE_COLS} FROM remittances WHERE id = $1");
        Ok(
            on!(self, c => sqlx::query_as::<_, RemittanceRow>(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **c).await)?,
        )
    }

    /// A collector's batches, newest first.
    pub async fn remittances_of_collector(
        &mut self,
        collector_id: i64,
        limit: i64,
    ) -> Result<Vec<RemittanceRow>> {
        let sql = format!(
            "SELECT {REMITTANCE_COLS} FROM remittances WHERE collector_id = $1 ORDER BY id DESC LIMIT $2"
        );
        Ok(
            on!(self, c => sqlx::query_as::<_, RemittanceRow>(AssertSqlSafe(sql)).bind(collector_id).bind(limit).fetch_all(&mut **c).await)?,
        )
    }

    /// Batches inside a subtree, newest first.
    pub async fn remittances_under(&mut self, lo: &str, hi: &str, limit: i64) -> Result<Vec<RemittanceRow>> {
        let sql = format!(
            "SELECT {REMITTANCE_COLS} FROM remittances WHERE unit_path >= $1 AND unit_path < $2 ORDER BY id DESC LIMIT $3"
        );
        Ok(
            on!(self, c => sqlx::query_as::<_, RemittanceRow>(AssertSqlSafe(sql)).bind(lo).bind(hi).bind(limit).fetch_all(&mut **c).await)?,
        )
    }

    /// Review a submitted batch; `false` if it was reviewed already.
    pub async fn review_remittance(
        &mut self,
        id: i64,
        status: &str,
        received: i64,
        by: &str,
        at: DateTime<Utc>,
        note: &str,
    ) -> Result<bool> {
        let sql = "UPDATE remittances SET status = $2, received = $3, reviewed_by = $4, reviewed_at = $5, note = $6 \
                   WHERE id = $1 AND status = 'submitted'";
        let n = on!(self, c => sqlx::query(sql).bind(id).bind(status).bind(received).bind(by).bind(at).bind(note)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Receipts of a batch, in number order.
    pub async fn receipts_of_remittance(&mut self, id: i64) -> Result<Vec<ReceiptRow>> {
        let sql =
            format!("SELECT {RECEIPT_COLS} FROM receipts WHERE remittance_id = $1 ORDER BY series, number");
        rows(
            on!(self, c => sqlx::query_as::<_, ReceiptRecord>(AssertSqlSafe(sql)).bind(id).fetch_all(&mut **c).await)?,
        )
    }

    /// Void a valid receipt; `false` if it was void already.
    pub async fn void_receipt(&mut self, id: i64, at: DateTime<Utc>, reason: &str, by: &str) -> Result<bool> {
        let sql = "UPDATE receipts SET voided_at = $2, void_reason = $3, voided_by = $4 WHERE id = $1 AND voided_at IS NULL";
        let n = on!(self, c => sqlx::query(sql).bind(id).bind(at).bind(reason).bind(by).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
