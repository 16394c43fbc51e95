//! Use cases: one function each. Every change goes through one unit of work ([`work`]): one
//! transaction, the audit rows and derived state written in it. Every function takes the
//! [`Actor`] and filters by its scope; a unit outside the scope answers
//! [`AppError::NotFound`], exactly as a missing one would. Time comes from the app's [`Clock`],
//! so dates can be pinned in tests.

mod audit;
mod auth;
mod bootstrap;
pub mod calc;
pub mod collection;
pub mod counts;
pub mod demo;
mod error;
pub mod estimate;
pub mod geo;
pub mod home;
pub mod import;
pub mod indicators;
pub mod models;
mod params;
pub mod picker;
pub mod registry;
mod secret;
pub mod throttle;
mod units;
mod users;
mod work;

pub use audit::AuditPage;
pub use auth::{LOCK_AFTER_FAILURES, LOCK_MINUTES, SESSION_HOURS};
pub use bootstrap::{AdminCreated, BootReport};
pub use demo::{DEMO_PASSWORD, DemoReport};
pub use error::AppError;
pub use params::{NewParamVersion, Params};
pub use picker::{PlaceMatch, PlaceUse};
pub use units::{SuccessorLink, UnitView};
pub use users::{GrantChange, NewUser, UserView};

pub use ansinh_domain as domain;
pub use ansinh_rules as rules;

/// The records the use cases return, decoded into domain values by the store: what the web,
/// the API and the CLI show. (The store itself, its connections and SQL stay inside `app`.)
pub mod records {
    pub use ansinh_store::{
        AuditFilter, AuditRow, BookRow, CampaignRow, DenominatorRow, DueRow, FundEntryRow, FundTotals,
        HouseholdRow, MemberRow, MilestoneRow, ModelRow, MoveRow, ParamRow, ParticipationRow, PersonRow,
        PovertyRow, ReceiptLineRow, ReceiptRow, ReceiptSourceRow, RemittanceRow, SnapshotRow, TargetRow,
        TermsRow, TokenRow, UserRow, VisitRow,
    };
}

use ansinh_store::Db;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// The application: a database and the use cases on it.
#[derive(Clone, Debug)]
pub struct App {
    pub db: Db,
    params: Params,
    bulk_rows: usize,
    clock: Clock,
    /// The day the 2025 reform took effect, read once from the units.
    reform_day: std::sync::Arc<std::sync::OnceLock<NaiveDate>>,
    /// Sign-in attempts, counted in memory.
    throttle: std::sync::Arc<throttle::LoginThrottle>,
    /// Citizens' own lookups (citizen id + birth date), counted like sign-ins.
    lookups: std::sync::Arc<throttle::LoginThrottle>,
    /// Dashboards computed at an indicator version, kept while the version holds.
    dashboards: std::sync::Arc<indicators::report::DashboardCache>,
    /// The pre-2025 district of each new commune (static data, read once).
    reform_districts: std::sync::Arc<std::sync::OnceLock<std::collections::HashMap<i64, i64>>>,
    /// Imports that may run at once; the others wait their turn.
    imports: std::sync::Arc<tokio::sync::Semaphore>,
    /// Where import uploads and their outputs are kept.
    files_dir: std::sync::Arc<std::path::PathBuf>,
    /// This process among the import job runners (a random token).
    runner_id: std::sync::Arc<String>,
    /// Progress of the import jobs this process runs.
    job_progress: std::sync::Arc<import::jobs::JobProgress>,
    /// Woken when an import job is queued or ends.
    jobs_wake: std::sync::Arc<tokio::sync::Notify>,
    /// Rows per batch of an import (each its own transaction in a populated registry).
    import_batch: usize,
}

/// Imports that run at once by default (each takes both cores and up to gigabytes of memory
/// at a million rows): the rest queue.
pub const IMPORT_SLOTS: usize = 2;

/// Việt Nam's time zone (UTC+7, no daylight saving): the zone legal dates are judged in.
pub const VN_OFFSET: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
    Some(o) => o,
    None => panic!("UTC+7 is a valid offset"),
};

/// Where the app takes the time from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// The system's clock.
    System,
    /// A pinned instant (tests, demos of a given day).
    Fixed(DateTime<Utc>),
}

impl Clock {
    /// Now, by this clock.
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => *t,
        }
    }

    /// Today's date in Việt Nam, by this clock.
    pub fn today(&self) -> NaiveDate {
        self.now().with_timezone(&VN_OFFSET).date_naive()
    }

    /// A clock pinned at noon, Việt Nam time, of `date`.
    pub fn on(date: NaiveDate) -> Clock {
        let noon = date.and_hms_opt(12, 0, 0).expect("noon exists");
        Clock::Fixed(noon.and_local_timezone(VN_OFFSET).single().expect("UTC+7 is unambiguous").to_utc())
    }
}

/// Default of [`App::set_bulk_rows`].
pub const BULK_ROWS: usize = 50_000;

impl App {
    /// Connect and migrate.
    pub async fn open(url: &str) -> Result<App> {
        let db = Db::connect(url).await?;
        db.migrate().await?;
        Ok(App::with_db(db))
    }

    /// Wrap an already-migrated database (tests).
    pub fn with_db(db: Db) -> App {
        let runner_id = {
            let mut raw = [0u8; 8];
            let _ = getrandom::fill(&mut raw);
            format!("{}-{}", std::process::id(), hex::encode(raw))
        };
        App {
            db,
            params: Params::default(),
            bulk_rows: BULK_ROWS,
            clock: Clock::System,
            reform_day: Default::default(),
            throttle: Default::default(),
            lookups: Default::default(),
            dashboards: Default::default(),
            reform_districts: Default::default(),
            imports: std::sync::Arc::new(tokio::sync::Semaphore::new(IMPORT_SLOTS)),
            // Until the caller says where (the server's data folder): a folder of this app's own.
            files_dir: std::sync::Arc::new(std::env::temp_dir().join(format!("ansinh-files-{runner_id}"))),
            runner_id: std::sync::Arc::new(runner_id),
            job_progress: Default::default(),
            jobs_wake: Default::default(),
            import_batch: import::BATCH_ROWS,
        }
    }

    /// How many imports may run at once (at least one); the others queue.
    pub fn set_import_slots(&mut self, slots: usize) {
        self.imports = std::sync::Arc::new(tokio::sync::Semaphore::new(slots.max(1)));
    }

    /// Rows per import batch (default [`import::BATCH_ROWS`]); tests lower it to see several
    /// batches with small files.
    pub fn set_import_batch_rows(&mut self, rows: usize) {
        self.import_batch = rows.max(1);
    }

    /// Take the time from `clock` from now on.
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// Now, for timestamps.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today's date in Việt Nam, the date legal validity is judged on.
    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    /// Loads (import, demo) of at least this many new persons, into a table holding fewer,
    /// lift the search indexes (and on PostgreSQL the constraints) and restore them once at the
    /// end, in the same transaction. Default [`BULK_ROWS`]; tests lower it to take that path
    /// with small files.
    pub fn set_bulk_rows(&mut self, rows: usize) {
        self.bulk_rows = rows.max(1);
    }
}

/// Run CPU-heavy work (parsing a file, building a million rows) without stalling the async
/// runtime: on the multi-threaded runtime this worker first hands its other tasks to the
/// others, so requests go on being served; elsewhere (tests) it simply runs.
pub(crate) fn cpu<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

impl App {
    /// The day the two-level local government began (1 Jul 2025), from the units' data: the
    /// first day no district was valid. "Before the reform" is the day before.
    pub async fn reform_day(&self) -> Result<NaiveDate> {
        if let Some(d) = self.reform_day.get() {
            return Ok(*d);
        }
        let mut r = self.db.read().await?;
        let d = r.conn().district_end().await?.ok_or_else(|| {
            AppError::Internal("no district in the units: the reform day is unknown".into())
        })?;
        Ok(*self.reform_day.get_or_init(|| d))
    }

    /// "sqlite" or "postgres".
    pub fn backend(&self) -> &'static str {
        self.db.backend()
    }

    /// Health check: the database answers; returns how many units it holds.
    pub async fn health(&self) -> Result<i64> {
        let mut r = self.db.read().await?;
        Ok(r.conn().count_units().await?)
    }
}
