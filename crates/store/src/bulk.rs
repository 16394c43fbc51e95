//! Bulk loads (import, demo): ids allocated inside the write transaction
//! ([`Conn::allocate_ids`]) so rows can be written in batches on both backends; persons and
//! households written through binary `COPY` on PostgreSQL and one prepared statement stepped per
//! row on SQLite (`sqlite_bulk`): the only backend-specific write paths. Large loads lift the
//! search indexes (and on PostgreSQL the constraints) and restore them in the same transaction.

use crate::households::HouseholdRow;
use crate::persons::PersonWrite;
use crate::sqlite_bulk::{self, Value};
use crate::{Conn, Result};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AssertSqlSafe;

/// The persons' and households' plain secondary indexes as the migrations create them (name,
/// SQLite, PostgreSQL; a contract test checks they agree): dropped and rebuilt by bulk loads.
/// PostgreSQL's key indexes end in the id that pages are ordered by; SQLite's end in it
/// implicitly (the rowid).
pub const BULK_INDEXES: [(&str, &str, &str); 12] = [
    ("persons_name", "persons (name_key)", "persons (name_key, id)"),
    ("persons_given", "persons (given_key, name_key)", "persons (given_key, name_key, id)"),
    ("persons_sort", "persons (sort_key)", "persons (sort_key, id)"),
    ("persons_path", "persons (unit_path)", "persons (unit_path)"),
    ("persons_household", "persons (household_id)", "persons (household_id)"),
    ("persons_phone", "persons (phone)", "persons (phone)"),
    ("persons_commune_name", "persons (commune_id, name_key)", "persons (commune_id, name_key, id)"),
    (
        "persons_commune_given",
        "persons (commune_id, given_key, name_key)",
        "persons (commune_id, given_key, name_key, id)",
    ),
    ("persons_commune_sort", "persons (commune_id, sort_key)", "persons (commune_id, sort_key, id)"),
    ("persons_commune_cccd", "persons (commune_id, cccd)", "persons (commune_id, cccd)"),
    ("persons_commune_phone", "persons (commune_id, phone)", "persons (commune_id, phone)"),
    ("households_path", "households (unit_path)", "households (unit_path)"),
];

/// PostgreSQL constraints a bulk load lifts and restores (table, name, definition), as the
/// migrations create them (a contract test checks the two agree). The unique
/// constraints go first so that a duplicate is reported as such.
pub const PG_BULK_CONSTRAINTS: [(&str, &str, &str); 6] = [
    ("persons", "persons_cccd_key", "UNIQUE (cccd)"),
    ("households", "households_commune_id_code_key", "UNIQUE (commune_id, code)"),
    ("persons", "persons_household_id_fkey", "FOREIGN KEY (household_id) REFERENCES households(id)"),
    ("persons", "persons_unit_id_fkey", "FOREIGN KEY (unit_id) REFERENCES units(id)"),
    ("households", "households_commune_id_fkey", "FOREIGN KEY (commune_id) REFERENCES units(id)"),
    ("households", "households_unit_id_fkey", "FOREIGN KEY (unit_id) REFERENCES units(id)"),
];

/// The statements of a bulk load (see [`Conn::begin_bulk_load`]), also printed by the registry
/// benchmark so the databases' own loaders can be timed doing the same work.
pub struct BulkLoadSql {
    /// Run before the load.
    pub lift: Vec<String>,
    /// Run after it, each with the constraint it adds (skipped when that already exists).
    pub restore: Vec<(Option<&'static str>, String)>,
}

pub fn bulk_load_sql(postgres: bool) -> BulkLoadSql {
    let mut lift: Vec<String> =
        BULK_INDEXES.iter().map(|(n, _, _)| format!("DROP INDEX IF EXISTS {n}")).collect();
    let mut restore = Vec::new();
    if postgres {
        for (table, name, def) in PG_BULK_CONSTRAINTS {
            lift.push(format!("ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}"));
            restore.push((Some(name), format!("ALTER TABLE {table} ADD CONSTRAINT {name} {def}")));
        }
        // Index builds sort in memory (and in parallel workers where the server allows).
        // (SQLite's `PRAGMA threads` and sorter cache sizes were tried there: no gain, measured.)
        lift.push("SET LOCAL maintenance_work_mem = '256MB'".to_string());
    }
    restore.extend(BULK_INDEXES.iter().map(|(name, sqlite, pg)| {
        (None, format!("CREATE INDEX IF NOT EXISTS {name} ON {}", if postgres { pg } else { sqlite }))
    }));
    BulkLoadSql { lift, restore }
}

impl Conn<'_> {
    /// Reserve `n` ids of `table` inside the current write transaction (distinct, ascending;
    /// consecutive on SQLite, whose write transaction holds the database lock).
    pub async fn allocate_ids(&mut self, table: &str, n: i64) -> Result<Vec<i64>> {
        debug_assert!(["persons", "households"].contains(&table));
        if n <= 0 {
            return Ok(Vec::new());
        }
        match self {
            Conn::Sqlite(c) => {
                let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
                let max: i64 = sqlx::query_scalar(AssertSqlSafe(sql)).fetch_one(&mut **c).await?;
                Ok((max + 1..=max + n).collect())
            }
            Conn::Postgres(c) => {
                // nextval is atomic: concurrent loads get disjoint ids. They come back as runs
                // of consecutive values (usually one), not as a million rows.
                // The sequence is looked up once: per row it cost ten times the nextval.
                let seq: String = sqlx::query_scalar("SELECT pg_get_serial_sequence($1, 'id')")
                    .bind(table)
                    .fetch_one(&mut **c)
                    .await?;
                let sql = format!(
                    "SELECT MIN(v), MAX(v) FROM (SELECT v, v - ROW_NUMBER() OVER (ORDER BY v) AS run \
                     FROM (SELECT nextval('{}'::regclass) AS v FROM generate_series(1, $1)) s) t \
                     GROUP BY run ORDER BY 1",
                    seq.replace('\'', "''")
                );
                let runs: Vec<(i64, i64)> =
                    sqlx::query_as(AssertSqlSafe(sql)).bind(n).fetch_all(&mut **c).await?;
                Ok(runs.into_iter().flat_map(|(lo, hi)| lo..=hi).collect())
            }
        }
    }

    /// Insert households (ids given): `COPY` on PostgreSQL, a prepared statement per row on
    /// SQLite (the two bulk paths; see `sqlite_bulk`).
    pub async fn insert_households(&mut self, rows: &[HouseholdRow], now: DateTime<Utc>) -> Result<()> {
        let ts = timestamp(now);
        match self {
            Conn::Postgres(c) => {
                let sql = "COPY households (id, province_code, code, commune_id, unit_id, unit_path, head_person_id, \
                           ethnic_minority_area, island, created_at, updated_at) FROM STDIN WITH (FORMAT binary)";
                copy_rows(c, sql, rows, 11, |b, h| {
                    b.int(h.id);
                    b.text(&h.province_code);
                    b.text(&h.code);
                    b.int(h.commune_id);
                    b.int(h.unit_id);
                    b.text(&h.unit_path);
                    b.opt_int(h.head_person_id);
                    b.boolean(h.ethnic_minority_area);
                    b.boolean(h.island);
                    b.timestamp(now);
                    b.timestamp(now);
                })
                .await
            }
            Conn::Sqlite(c) => {
                let sql = "INSERT INTO households (id, province_code, code, commune_id, unit_id, unit_path, \
                           head_person_id, ethnic_minority_area, island, created_at, updated_at) \
                           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
                sqlite_bulk::insert_rows(c, sql, rows, |_, h, v| {
                    v.extend([
                        Value::Int(h.id),
                        Value::Text(&h.province_code),
                        Value::Text(&h.code),
                        Value::Int(h.commune_id),
                        Value::Int(h.unit_id),
                        Value::Text(&h.unit_path),
                        h.head_person_id.into(),
                        Value::Int(h.ethnic_minority_area.into()),
                        Value::Int(h.island.into()),
                        Value::Text(&ts),
                        Value::Text(&ts),
                    ])
                })
                .await
            }
        }
    }

    /// Insert new persons (ids given): `COPY` on PostgreSQL, a prepared statement per row on
    /// SQLite.
    pub async fn insert_persons(&mut self, rows: &[PersonWrite], now: DateTime<Utc>) -> Result<()> {
        let ts = timestamp(now);
        match self {
            Conn::Postgres(c) => {
                let sql = "COPY persons (id, province_code, cccd, old_si_number, full_name, name_key, given_key, \
                           sort_key, birth_date, birth_year_only, sex, ethnicity, phone, occupation, household_id, \
                           relation, unit_id, unit_path, commune_id, created_at, updated_at) \
                           FROM STDIN WITH (FORMAT binary)";
                copy_rows(c, sql, rows, 21, |b, p| {
                    b.int(p.id);
                    b.text(&p.province_code);
                    b.text(&p.cccd);
                    b.opt_text(p.old_si_number.as_deref());
                    b.text(&p.full_name);
                    b.text(&p.name_key);
                    b.text(&p.given_key);
                    b.bytes(&p.sort_key);
                    b.date(p.birth_date);
                    b.boolean(p.birth_year_only);
                    b.text(&p.sex);
                    b.text(&p.ethnicity);
                    b.opt_text(p.phone.as_deref());
                    b.text(&p.occupation);
                    b.opt_int(p.household_id);
                    b.opt_text(p.relation.as_deref());
                    b.int(p.unit_id);
                    b.text(&p.unit_path);
                    b.int(p.commune_id);
                    b.timestamp(now);
                    b.timestamp(now);
                })
                .await
            }
            Conn::Sqlite(c) => {
                // sqlx stores dates as `YYYY-MM-DD` text; so does this.
                let dates: Vec<String> = rows.iter().map(|p| p.birth_date.format("%F").to_string()).collect();
                let sql = "INSERT INTO persons (id, province_code, cccd, old_si_number, full_name, name_key, \
                           given_key, sort_key, birth_date, birth_year_only, sex, ethnicity, phone, occupation, \
                           household_id, relation, unit_id, unit_path, commune_id, created_at, updated_at) \
                           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
                sqlite_bulk::insert_rows(c, sql, rows, |i, p, v| {
                    v.extend([
                        Value::Int(p.id),
                        Value::Text(&p.province_code),
                        Value::Text(&p.cccd),
                        p.old_si_number.as_deref().into(),
                        Value::Text(&p.full_name),
                        Value::Text(&p.name_key),
                        Value::Text(&p.given_key),
                        Value::Blob(&p.sort_key),
                        Value::Text(&dates[i]),
                        Value::Int(p.birth_year_only.into()),
                        Value::Text(&p.sex),
                        Value::Text(&p.ethnicity),
                        p.phone.as_deref().into(),
                        Value::Text(&p.occupation),
                        p.household_id.into(),
                        p.relation.as_deref().into(),
                        Value::Int(p.unit_id),
                        Value::Text(&p.unit_path),
                        Value::Int(p.commune_id),
                        Value::Text(&ts),
                        Value::Text(&ts),
                    ])
                })
                .await
            }
        }
    }

    /// Prepare this transaction for loading many persons and households at once: their plain
    /// secondary indexes ([`BULK_INDEXES`]) are dropped (built once, sorted, by
    /// [`Conn::end_bulk_load`] instead of a million random inserts each), and on PostgreSQL
    /// also the unique and foreign-key constraints of [`PG_BULK_CONSTRAINTS`], whose per-row
    /// checks dominated `COPY`.
    /// Everything is restored, and every restored constraint checked against all rows, by
    /// `end_bulk_load` in the same transaction: a load that breaks one fails and rolls back.
    /// Other writers of these tables wait until the transaction ends. (The statements are
    /// [`bulk_load_sql`]'s.)
    pub async fn begin_bulk_load(&mut self) -> Result<()> {
        for sql in bulk_load_sql(self.is_postgres()).lift {
            on!(self, c => sqlx::query(AssertSqlSafe(sql.clone())).execute(&mut **c).await.map(|_| ()))?;
        }
        Ok(())
    }

    /// Restore what [`Conn::begin_bulk_load`] removed (idempotent; also a no-op if nothing was
    /// removed).
    pub async fn end_bulk_load(&mut self) -> Result<()> {
        for (constraint, sql) in bulk_load_sql(self.is_postgres()).restore {
            if let (Some(name), Conn::Postgres(c)) = (constraint, &mut *self) {
                let exists: bool =
                    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = $1)")
                        .bind(name)
                        .fetch_one(&mut **c)
                        .await?;
                if exists {
                    continue;
                }
            }
            on!(self, c => sqlx::query(AssertSqlSafe(sql.clone())).execute(&mut **c).await.map(|_| ()))?;
        }
        Ok(())
    }

    fn is_postgres(&self) -> bool {
        matches!(self, Conn::Postgres(_))
    }

    /// Refresh planner statistics after a bulk load: PostgreSQL only. On SQLite (3.51) the
    /// statistics make the planner skip-scan the (commune, name) index and sort a whole
    /// province for a name prefix (120 ms instead of 0.1 ms at a million persons, measured);
    /// without them it uses the name index and stops at the page. Any statistics an earlier
    /// version left for persons are removed.
    pub async fn analyze(&mut self) -> Result<()> {
        match self {
            Conn::Sqlite(c) => {
                let has_stats: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
                        .fetch_one(&mut **c)
                        .await?;
                if has_stats > 0 {
                    sqlx::query("DELETE FROM sqlite_stat1 WHERE tbl IN ('persons', 'households')")
                        .execute(&mut **c)
                        .await?;
                }
            }
            Conn::Postgres(c) => {
                sqlx::query("ANALYZE persons").execute(&mut **c).await?;
                sqlx::query("ANALYZE households").execute(&mut **c).await?;
            }
        }
        Ok(())
    }
}

/// A timestamp as sqlx writes `DateTime<Utc>` to SQLite (RFC 3339); PostgreSQL parses it too.
impl Conn<'_> {
    /// Insert coverage spans (the rebuild writes millions): `COPY` on PostgreSQL, one prepared
    /// statement per row on SQLite.
    pub async fn insert_spans(&mut self, rows: &[crate::SpanRow]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        match self {
            Conn::Postgres(c) => {
                let sql = "COPY coverage_spans (person_id, series, from_month, to_month, unit_id) \
                           FROM STDIN WITH (FORMAT binary)";
                copy_rows(c, sql, rows, 5, |b, s| {
                    b.int(s.person_id);
                    b.text(&s.series);
                    b.int(s.from_month);
                    b.opt_int(s.to_month);
                    b.int(s.unit_id);
                })
                .await
            }
            Conn::Sqlite(c) => {
                let sql = "INSERT INTO coverage_spans (person_id, series, from_month, to_month, unit_id) \
                           VALUES (?, ?, ?, ?, ?)";
                sqlite_bulk::insert_rows(c, sql, rows, |_, s, v| {
                    v.extend([
                        Value::Int(s.person_id),
                        Value::Text(&s.series),
                        Value::Int(s.from_month),
                        s.to_month.into(),
                        Value::Int(s.unit_id),
                    ])
                })
                .await
            }
        }
    }
}

impl Conn<'_> {
    /// Write deltas into an emptied `coverage_deltas` (the rebuild; each key once):
    /// `COPY` on PostgreSQL, one prepared statement per row on SQLite.
    pub async fn insert_coverage_deltas(&mut self, rows: &[crate::DeltaRow]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        match self {
            Conn::Postgres(c) => {
                let sql =
                    "COPY coverage_deltas (unit_id, series, month, delta) FROM STDIN WITH (FORMAT binary)";
                copy_rows(c, sql, rows, 4, |b, d| {
                    b.int(d.unit_id);
                    b.text(&d.series);
                    b.int(d.month);
                    b.int(d.delta);
                })
                .await
            }
            Conn::Sqlite(c) => {
                let sql = "INSERT INTO coverage_deltas (unit_id, series, month, delta) VALUES (?, ?, ?, ?)";
                sqlite_bulk::insert_rows(c, sql, rows, |_, d, v| {
                    v.extend([
                        Value::Int(d.unit_id),
                        Value::Text(&d.series),
                        Value::Int(d.month),
                        Value::Int(d.delta),
                    ])
                })
                .await
            }
        }
    }
}

fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}

/// One `COPY … (FORMAT binary)` tuple being written: each field is its length and its bytes
/// in PostgreSQL's send format (big-endian integers; dates and timestamps counted from
/// 2000-01-01). Binary spares the server parsing numbers, dates and hex (measured faster than
/// csv at a million rows).
struct CopyBuf(Vec<u8>);

impl CopyBuf {
    fn field(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(&(bytes.len() as i32).to_be_bytes());
        self.0.extend_from_slice(bytes);
    }
    fn null(&mut self) {
        self.0.extend_from_slice(&(-1i32).to_be_bytes());
    }
    fn int(&mut self, v: i64) {
        self.field(&v.to_be_bytes());
    }
    fn opt_int(&mut self, v: Option<i64>) {
        match v {
            Some(v) => self.int(v),
            None => self.null(),
        }
    }
    fn text(&mut self, v: &str) {
        self.field(v.as_bytes());
    }
    fn opt_text(&mut self, v: Option<&str>) {
        match v {
            Some(v) => self.text(v),
            None => self.null(),
        }
    }
    fn bytes(&mut self, v: &[u8]) {
        self.field(v);
    }
    fn boolean(&mut self, v: bool) {
        self.field(&[u8::from(v)]);
    }
    fn date(&mut self, d: NaiveDate) {
        let days = (d - PG_EPOCH.date_naive()).num_days() as i32;
        self.field(&days.to_be_bytes());
    }
    fn timestamp(&mut self, t: DateTime<Utc>) {
        let micros = (t - PG_EPOCH).num_microseconds().unwrap_or(i64::MAX);
        self.field(&micros.to_be_bytes());
    }
}

/// PostgreSQL's epoch for binary dates and timestamps.
const PG_EPOCH: DateTime<Utc> = DateTime::from_timestamp(946_684_800, 0).expect("2000-01-01T00:00:00Z");

/// Stream `rows` into `COPY … FROM STDIN (FORMAT binary)` in pieces of a few megabytes, so
/// the server stores one piece while the next is encoded; `row` writes the `fields` of one.
async fn copy_rows<T>(
    c: &mut sqlx::PgConnection,
    sql: &str,
    rows: &[T],
    fields: i16,
    mut row: impl FnMut(&mut CopyBuf, &T),
) -> Result<()> {
    const PIECE: usize = 4 << 20;
    let mut copy = c.copy_in_raw(sql).await?;
    let mut b = CopyBuf(Vec::with_capacity(PIECE + 4096));
    // Signature, flags, header extension length.
    b.0.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
    b.0.extend_from_slice(&[0; 8]);
    for r in rows {
        b.0.extend_from_slice(&fields.to_be_bytes());
        row(&mut b, r);
        if b.0.len() >= PIECE {
            copy.send(std::mem::replace(&mut b.0, Vec::with_capacity(PIECE + 4096))).await?;
        }
    }
    b.0.extend_from_slice(&(-1i16).to_be_bytes());
    copy.send(b.0).await?;
    copy.finish().await?;
    Ok(())
}
