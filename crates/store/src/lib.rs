//! The one storage seam: every SQL statement of An Sinh lives in this crate.
//!
//! Why an enum and not a trait object: the SQL text is shared between SQLite and PostgreSQL
//! (SQLite accepts `$1` placeholders), so each repository method is written once and the
//! [`on!`] macro compiles its body for both concrete connection types. Only what really
//! differs (migrations, identity sequences) is written per backend. sqlx's `Any` driver is not
//! used because it cannot carry dates.
//!
//! Reads go through a pooled [`Reader`]; writes through a [`Tx`], opened and committed only by
//! the application's unit of work, so that a change, its audit rows and the derived state it
//! implies land together or not at all.

pub mod testing;

pub use audit::*;
pub use bulk::*;
pub use collection::*;
pub use derived::*;
pub use duplicates::*;
pub use households::*;
pub use imports::*;
pub use indicators::*;
pub use models::*;
pub use moves::*;
pub use params::*;
pub use persons::*;
pub use units::*;
pub use users::*;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnection, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{Postgres, Sqlite, Transaction};
use std::str::FromStr;
use std::time::Duration;

/// Storage failure. Not shown to users beyond a generic message; logged in full.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// From the SQLite bulk loader, which talks to SQLite directly: the extended result code.
    #[error("database error: {message} (SQLite code {code})")]
    Sqlite { code: i32, message: String },
    #[error("unsupported database URL «{0}»: use sqlite:PATH or postgres://…")]
    Url(String),
    /// A stored value no domain type accepts (a row written outside the application).
    #[error("stored value not understood: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Whether the error is a unique-constraint violation (a duplicate).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Sqlx(sqlx::Error::Database(e)) => e.is_unique_violation(),
            StoreError::Sqlite { code, .. } => {
                [libsqlite3_sys::SQLITE_CONSTRAINT_UNIQUE, libsqlite3_sys::SQLITE_CONSTRAINT_PRIMARYKEY]
                    .contains(code)
            }
            _ => false,
        }
    }

    /// Whether the database was too busy to serve in time: no connection came free within the
    /// pool's wait, SQLite's lock stayed taken past its busy timeout, or a PostgreSQL lock
    /// wait ran out. The request may be retried; users get "busy, try again", not a failure.
    pub fn is_busy(&self) -> bool {
        // SQLITE_BUSY and SQLITE_LOCKED with their extended codes (primary code = low byte).
        let sqlite_busy = |code: i32| matches!(code & 0xff, 5 | 6);
        match self {
            StoreError::Sqlx(sqlx::Error::PoolTimedOut) => true,
            StoreError::Sqlx(sqlx::Error::Database(e)) => match e.code() {
                Some(code) => match code.parse::<i32>() {
                    Ok(n) => sqlite_busy(n),
                    // lock_not_available, query_canceled (statement/lock timeout)
                    Err(_) => code == "55P03" || code == "57014",
                },
                None => false,
            },
            StoreError::Sqlite { code, .. } => sqlite_busy(*code),
            _ => false,
        }
    }
}

/// How long a write waits for the write connection (SQLite) or any connection (PostgreSQL)
/// before it is answered "busy, try again".
pub const WRITE_WAIT: Duration = Duration::from_secs(8);
/// How long a read waits for a connection.
pub const READ_WAIT: Duration = Duration::from_secs(10);

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A connection pool on one of the two backends, picked from the URL scheme.
#[derive(Clone, Debug)]
pub enum Db {
    /// SQLite has one writer at a time. Readers get their own pool (WAL lets them run beside a
    /// writer), and writers share one connection, so they queue in the pool in order, each
    /// waiting at most [`WRITE_WAIT`]. Before, a waiting writer held a pooled connection while
    /// it spun on the lock, and during a long import the waiting writers took every
    /// connection and stalled page reads too.
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
    },
    Postgres(PgPool),
}

/// A pooled connection for reads.
pub enum Reader {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// An open transaction; dropped without [`Tx::commit`] it rolls back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// A borrowed connection the repository methods run on.
pub enum Conn<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

/// Run the same body on whichever backend `$conn` is; `$c` is `&mut &mut XConnection`.
/// (Macros here are defined before the modules that use them: textual scope.)
macro_rules! on {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::Conn::Sqlite($c) => $body,
            $crate::Conn::Postgres($c) => $body,
        }
    };
}

/// Every `$row` that `$select` (a query ending in `… IN (`) finds for the values of
/// `$values`, 900 bound values per statement (under both databases' bind limits).
macro_rules! select_in {
    ($self:expr, $select:expr, $values:expr, $row:ty) => {
        select_in!($self, $select, $values, $row, ")")
    };
    // `$close` ends the statement after the values: ")" or ") GROUP BY …".
    ($self:expr, $select:expr, $values:expr, $row:ty, $close:expr) => {{
        let mut out: Vec<$row> = Vec::new();
        for chunk in $values.chunks(900) {
            let rows = on!($self, c => {
                let mut qb = sqlx::QueryBuilder::new($select);
                let mut sep = qb.separated(", ");
                for v in chunk {
                    sep.push_bind(v.clone());
                }
                qb.push($close);
                qb.build_query_as::<$row>().fetch_all(&mut **c).await
            })?;
            out.extend(rows);
        }
        out
    }};
}

/// Run an `UPDATE … IN (` statement for the values of `$values`, 900 bound values per
/// statement: `$head` pushes everything up to and including `IN (` onto the builder `$qb`.
/// Answers the rows changed.
macro_rules! update_in {
    ($self:expr, $values:expr, |$qb:ident| $head:block) => {{
        let mut n: u64 = 0;
        for chunk in $values.chunks(900) {
            n += on!($self, c => {
                let mut $qb = sqlx::QueryBuilder::new("");
                $head
                let mut sep = $qb.separated(", ");
                for v in chunk {
                    sep.push_bind(*v);
                }
                $qb.push(")");
                $qb.build().execute(&mut **c).await.map(|r| r.rows_affected())
            })?;
        }
        n
    }};
}

/// Push `(col >= lo AND col < hi) OR …` for each scope root onto a query builder; no roots
/// matches nothing (an actor without scope sees nothing).
macro_rules! push_scope {
    ($qb:expr, $col:expr, $roots:expr) => {{
        let roots: &[String] = $roots;
        if roots.is_empty() {
            $qb.push(" (1 = 0) ");
        } else {
            $qb.push(" (");
            for (i, r) in roots.iter().enumerate() {
                let (lo, hi) = ansinh_domain::unit::subtree_range(r);
                if i > 0 {
                    $qb.push(" OR ");
                }
                $qb.push(format!("({} >= ", $col)).push_bind(lo);
                $qb.push(format!(" AND {} < ", $col)).push_bind(hi).push(")");
            }
            $qb.push(") ");
        }
    }};
}

mod audit;
mod bulk;
mod collection;
mod derived;
mod duplicates;
mod households;
mod imports;
mod indicators;
mod models;
mod moves;
mod params;
mod persons;
mod sqlite_bulk;
mod units;
mod users;

impl Db {
    /// After a bulk load, outside any transaction: PostgreSQL's `VACUUM ANALYZE` (sets the
    /// hint bits and visibility map the first reads would otherwise write, and the planner's
    /// statistics); SQLite's `ANALYZE`. Measured reads right after a load otherwise pay for it.
    pub async fn vacuum_analyze(&self) -> Result<()> {
        match self {
            Db::Postgres(pool) => {
                sqlx::query("VACUUM ANALYZE").execute(pool).await?;
            }
            Db::Sqlite { write, .. } => {
                sqlx::query("ANALYZE").execute(write).await?;
            }
        }
        Ok(())
    }

    /// Connect to `sqlite:PATH` (created if missing, WAL) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Db> {
        Db::connect_waiting(url, WRITE_WAIT).await
    }

    /// [`Db::connect`] with another bound on how long a write waits its turn (tests shorten it).
    pub async fn connect_waiting(url: &str, write_wait: Duration) -> Result<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // Every query is planned with its parameters: a path range may be the whole
            // country or one group, and a generic plan made for "some range" (after five runs
            // of a prepared statement) walks a million persons for a commune.
            let opts = sqlx::postgres::PgConnectOptions::from_str(url)?
                .options([("plan_cache_mode", "force_custom_plan")]);
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(READ_WAIT)
                .connect_with(opts)
                .await?;
            Ok(Db::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                // Only another process (a CLI import beside the server) can hold the lock
                // now: in-process writers queue on the write pool instead.
                .busy_timeout(write_wait)
                // 64 MB of page cache per connection: index inserts of bulk loads stay in memory.
                .pragma("cache_size", "-65536");
            // The write pool first: it creates the file and switches it to WAL.
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(write_wait)
                .connect_with(opts.clone())
                .await?;
            let read = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(READ_WAIT)
                .connect_with(opts.busy_timeout(READ_WAIT))
                .await?;
            Ok(Db::Sqlite { read, write })
        } else {
            Err(StoreError::Url(url.to_string()))
        }
    }

    /// "sqlite" or "postgres".
    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite { .. } => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Apply this backend's migrations (idempotent).
    pub async fn migrate(&self) -> Result<()> {
        match self {
            Db::Sqlite { write, .. } => sqlx::migrate!("migrations/sqlite").run(write).await?,
            Db::Postgres(p) => sqlx::migrate!("migrations/postgres").run(p).await?,
        }
        Ok(())
    }

    pub async fn read(&self) -> Result<Reader> {
        Ok(match self {
            Db::Sqlite { read, .. } => Reader::Sqlite(read.acquire().await?),
            Db::Postgres(p) => Reader::Postgres(p.acquire().await?),
        })
    }

    /// Begin a write transaction. On SQLite it takes the write lock up front (`BEGIN
    /// IMMEDIATE`), so a second process's writer waits on the busy timeout instead of failing
    /// mid-way; writers of this process queue for the one write connection.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite { write, .. } => Tx::Sqlite(write.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Db::Postgres(p) => p.close().await,
        }
    }
}

impl Reader {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Reader::Sqlite(c) => Conn::Sqlite(&mut *c),
            Reader::Postgres(c) => Conn::Postgres(&mut *c),
        }
    }
}

impl Tx {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(t) => Conn::Sqlite(&mut *t),
            Tx::Postgres(t) => Conn::Postgres(&mut *t),
        }
    }

    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}
