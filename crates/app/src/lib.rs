//! Use cases: one function each, one transaction each, the audit row written in the same
//! transaction as the change. Every function takes the [`Actor`] and filters by its scope;
//! a unit outside the scope answers [`AppError::NotFound`], exactly as a missing one would.

mod audit;
mod auth;
mod bootstrap;
mod demo;
pub mod demo_population;
mod error;
pub mod estimate;
pub mod import;
mod params;
pub mod registry;
mod secret;
mod units;
mod users;

pub use audit::AuditPage;
pub use auth::{LOCK_AFTER_FAILURES, LOCK_MINUTES, SESSION_HOURS};
pub use bootstrap::{AdminCreated, BootReport};
pub use demo::{DEMO_PASSWORD, DemoReport};
pub use error::AppError;
pub use params::{NewParamVersion, Params, confidence_str};
pub use units::{SuccessorLink, UnitView};
pub use users::{NewUser, UserView};

pub use ansinh_domain as domain;
pub use ansinh_rules as rules;
pub use ansinh_store as store;

use ansinh_store::Db;
use chrono::{DateTime, NaiveDate, Utc};

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// The application: a database and the use cases on it.
#[derive(Clone, Debug)]
pub struct App {
    pub db: Db,
    params: Params,
    bulk_rows: usize,
}

/// Default of [`App::set_bulk_rows`].
pub const BULK_ROWS: usize = 50_000;

impl App {
    /// Connect and migrate.
    pub async fn open(url: &str) -> Result<App> {
        let db = Db::connect(url).await?;
        db.migrate().await?;
        Ok(App { db, params: Params::default(), bulk_rows: BULK_ROWS })
    }

    /// Wrap an already-migrated database (tests).
    pub fn with_db(db: Db) -> App {
        App { db, params: Params::default(), bulk_rows: BULK_ROWS }
    }

    /// Loads (import, demo) of at least this many new persons, into a table holding fewer,
    /// lift the search indexes (and on PostgreSQL the constraints) and restore them once at the
    /// end, in the same transaction. Default [`BULK_ROWS`]; tests lower it to take that path
    /// with small files.
    pub fn set_bulk_rows(&mut self, rows: usize) {
        self.bulk_rows = rows.max(1);
    }
}

impl App {
    /// Health check: the database answers; returns how many units it holds.
    pub async fn health(&self) -> Result<i64> {
        let mut r = self.db.read().await?;
        Ok(r.conn().count_units().await?)
    }
}

/// Now, for timestamps.
pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// Today's date in Việt Nam (UTC+7), the date legal validity is judged on.
pub fn today() -> NaiveDate {
    (Utc::now() + chrono::Duration::hours(7)).date_naive()
}
