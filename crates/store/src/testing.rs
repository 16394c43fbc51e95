//! Fresh databases for tests: a temporary SQLite file always, and a new database on the
//! PostgreSQL server named by `ANSINH_TEST_DATABASE_URL` when it is set. With
//! `ANSINH_REQUIRE_POSTGRES=1` (set by `.ci/run`) a missing URL is an error, so the PostgreSQL
//! half of the suite can never be skipped silently in CI.

use crate::Db;
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A database for one test; keeps its temporary directory alive.
pub struct TestDb {
    pub db: Db,
    pub label: &'static str,
    /// The URL it was opened with (for tests that run the binary against it).
    pub url: String,
    _dir: Option<tempfile_dir::Dir>,
}

/// Minimal owner of a temporary directory, removed on drop.
mod tempfile_dir {
    pub struct Dir(pub std::path::PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// A migrated, empty SQLite database in a new temporary directory.
pub async fn sqlite() -> TestDb {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("ansinh-test-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!("sqlite:{}", dir.join("t.db").display());
    // Writes wait their turn at most 2 s here, so the "busy" tests run quickly.
    let db = Db::connect_waiting(&url, std::time::Duration::from_secs(2)).await.expect("sqlite connect");
    db.migrate().await.expect("sqlite migrate");
    TestDb { db, label: "sqlite", url, _dir: Some(tempfile_dir::Dir(dir)) }
}

/// A migrated, empty PostgreSQL database, if a server is configured.
pub async fn postgres() -> Option<TestDb> {
    let base = match std::env::var("ANSINH_TEST_DATABASE_URL") {
        Ok(u) if !u.is_empty() => u,
        _ => {
            if std::env::var("ANSINH_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                panic!("ANSINH_REQUIRE_POSTGRES=1 but ANSINH_TEST_DATABASE_URL is not set");
            }
            return None;
        }
    };
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let name = format!("ansinh_t_{}_{}_{n}", std::process::id(), nanos());
    let admin = Db::connect(&base).await.expect("postgres connect");
    if let Db::Postgres(p) = &admin {
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(p)
            .await
            .expect("create database");
    }
    admin.close().await;
    let url = match base.rfind('/') {
        Some(i) if base[..i].contains("@") || base[..i].ends_with('/') || base[..i].contains(':') => {
            let (head, tail) = base.split_at(i);
            let query = tail.find('?').map(|q| &tail[q..]).unwrap_or("");
            format!("{head}/{name}{query}")
        }
        _ => format!("{base}/{name}"),
    };
    let db = Db::connect(&url).await.expect("postgres connect to test database");
    db.migrate().await.expect("postgres migrate");
    Some(TestDb { db, label: "postgres", url, _dir: None })
}

/// Every backend available: SQLite, then PostgreSQL when configured.
pub async fn all() -> Vec<TestDb> {
    let mut v = vec![sqlite().await];
    if let Some(p) = postgres().await {
        v.push(p);
    }
    v
}

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() % 1_000_000)
        .unwrap_or(0)
}
