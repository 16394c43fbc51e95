//! Import jobs (issue 12, item 2): an upload's state from queued to done, and its ledger. See
//! migration `0010_import_jobs.sql` (SQLite).

use crate::{Conn, Result};
use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, FromRow};

/// An import job as stored.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, serde::Serialize)]
pub struct ImportJobRow {
    pub id: i64,
    /// What is imported: `persons`.
    pub kind: String,
    /// Who asked (none: the command line).
    pub user_id: Option<i64>,
    pub username: String,
    pub filename: String,
    /// `dry_run`, `all_or_nothing` or `valid_rows_only`.
    pub mode: String,
    /// `queued`, `running`, `done` or `failed`.
    pub state: String,
    /// While running: `reading`, `checking`, `writing` or `indexing`.
    pub stage: String,
    pub done_rows: i64,
    pub total_rows: i64,
    /// The ledger: the file row (Excel numbering) through which the write is committed.
    pub written_rows: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub households_created: i64,
    /// When done: the report (JSON).
    pub report: Option<String>,
    pub error_vi: Option<String>,
    pub error_en: Option<String>,
    /// The process running it (a random token) and when it last said so.
    pub runner: Option<String>,
    pub heartbeat_at: Option<DateTime<Utc>>,
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// What one committed chunk adds to its job's ledger.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChunkCounts {
    /// The last file row of the chunk.
    pub through_row: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub households_created: i64,
}

/// A job to store.
#[derive(Debug, Clone, Copy)]
pub struct NewImportJob<'a> {
    pub kind: &'a str,
    pub user_id: Option<i64>,
    pub username: &'a str,
    pub filename: &'a str,
    pub mode: &'a str,
    /// Set when the caller runs the job itself (the command line): it starts `running`.
    pub runner: Option<&'a str>,
    pub at: DateTime<Utc>,
}

const COLUMNS: &str = "id, kind, user_id, username, filename, mode, state, stage, done_rows, total_rows, \
     written_rows, created, updated, unchanged, households_created, report, error_vi, error_en, runner, \
     heartbeat_at, attempts, created_at, started_at, finished_at";

impl Conn<'_> {
    /// A new job, `queued` (or `running` by `runner` when the caller runs it itself).
    pub async fn insert_import_job(&mut self, j: &NewImportJob<'_>) -> Result<i64> {
        let state = if j.runner.is_some() { "running" } else { "queued" };
        let sql = "INSERT INTO import_jobs (kind, user_id, username, filename, mode, state, runner, heartbeat_at, \
                   attempts, created_at, started_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id";
        let started = j.runner.map(|_| j.at);
        let attempts = i64::from(j.runner.is_some());
        Ok(
            on!(self, c => sqlx::query_scalar::<_, i64>(sql).bind(j.kind).bind(j.user_id).bind(j.username).bind(j.filename)
            .bind(j.mode).bind(state).bind(j.runner).bind(started).bind(attempts).bind(j.at).bind(started)
            .fetch_one(&mut **c).await)?,
        )
    }

    pub async fn import_job(&mut self, id: i64) -> Result<Option<ImportJobRow>> {
        let sql = format!("SELECT {COLUMNS} FROM import_jobs WHERE id = $1");
        Ok(
            on!(self, c => sqlx::query_as::<_, ImportJobRow>(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **c).await)?,
        )
    }

    /// The newest jobs, of one user or (none) of everyone.
    pub async fn import_jobs(&mut self, user_id: Option<i64>, limit: i64) -> Result<Vec<ImportJobRow>> {
        Ok(match user_id {
            Some(u) => {
                let sql =
                    format!("SELECT {COLUMNS} FROM import_jobs WHERE user_id = $1 ORDER BY id DESC LIMIT $2");
                on!(self, c => sqlx::query_as::<_, ImportJobRow>(AssertSqlSafe(sql)).bind(u).bind(limit).fetch_all(&mut **c).await)?
            }
            None => {
                let sql = format!("SELECT {COLUMNS} FROM import_jobs ORDER BY id DESC LIMIT $1");
                on!(self, c => sqlx::query_as::<_, ImportJobRow>(AssertSqlSafe(sql)).bind(limit).fetch_all(&mut **c).await)?
            }
        })
    }

    /// Whether any job waits (read before taking the write lock to claim one).
    pub async fn queued_import_jobs(&mut self) -> Result<i64> {
        let sql = "SELECT COUNT(*) FROM import_jobs WHERE state = 'queued'";
        Ok(on!(self, c => sqlx::query_scalar::<_, i64>(sql).fetch_one(&mut **c).await)?)
    }

    /// Take the oldest queued job for `runner`; none when nothing waits (or another runner
    /// took it first).
    pub async fn claim_import_job(&mut self, runner: &str, at: DateTime<Utc>) -> Result<Option<i64>> {
        let next = "SELECT id FROM import_jobs WHERE state = 'queued' ORDER BY id LIMIT 1";
        let Some(id) = on!(self, c => sqlx::query_scalar::<_, i64>(next).fetch_optional(&mut **c).await)?
        else {
            return Ok(None);
        };
        let sql = "UPDATE import_jobs SET state = 'running', runner = $1, heartbeat_at = $2, \
                   started_at = COALESCE(started_at, $2), attempts = attempts + 1 WHERE id = $3 AND state = 'queued'";
        let n = on!(self, c => sqlx::query(sql).bind(runner).bind(at).bind(id).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok((n == 1).then_some(id))
    }

    /// Put back in the queue the jobs whose runner has not been heard of since `stale` (a
    /// process that stopped or was killed), except `runner`'s own. Returns how many.
    pub async fn requeue_stale_import_jobs(&mut self, runner: &str, stale: DateTime<Utc>) -> Result<u64> {
        let sql = "UPDATE import_jobs SET state = 'queued', runner = NULL, stage = '' \
                   WHERE state = 'running' AND (runner IS NULL OR runner <> $1) \
                   AND (heartbeat_at IS NULL OR heartbeat_at < $2)";
        Ok(
            on!(self, c => sqlx::query(sql).bind(runner).bind(stale).execute(&mut **c).await.map(|r| r.rows_affected()))?,
        )
    }

    /// Progress of a running job (also its heartbeat).
    pub async fn set_import_progress(
        &mut self,
        id: i64,
        stage: &str,
        done: i64,
        total: i64,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let sql = "UPDATE import_jobs SET stage = $1, done_rows = $2, total_rows = $3, heartbeat_at = $4 WHERE id = $5";
        on!(self, c => sqlx::query(sql).bind(stage).bind(done).bind(total).bind(at).bind(id).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// Add a committed chunk to the job's ledger (call in the chunk's own transaction).
    pub async fn add_import_chunk(&mut self, id: i64, k: &ChunkCounts, at: DateTime<Utc>) -> Result<()> {
        let sql = "UPDATE import_jobs SET written_rows = $1, created = created + $2, updated = updated + $3, \
                   unchanged = unchanged + $4, households_created = households_created + $5, heartbeat_at = $6 \
                   WHERE id = $7";
        on!(self, c => sqlx::query(sql).bind(k.through_row).bind(k.created).bind(k.updated).bind(k.unchanged)
            .bind(k.households_created).bind(at).bind(id).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// End a job: `done` with its report, or `failed` with the reason.
    pub async fn finish_import_job(
        &mut self,
        id: i64,
        state: &str,
        report: Option<&str>,
        error: Option<(&str, &str)>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let sql = "UPDATE import_jobs SET state = $1, report = $2, error_vi = $3, error_en = $4, finished_at = $5, \
                   heartbeat_at = $5, stage = '' WHERE id = $6";
        on!(self, c => sqlx::query(sql).bind(state).bind(report).bind(error.map(|e| e.0)).bind(error.map(|e| e.1))
            .bind(at).bind(id).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// Jobs that ended before `before` (their files may be removed).
    pub async fn import_jobs_finished_before(&mut self, before: DateTime<Utc>) -> Result<Vec<i64>> {
        let sql = "SELECT id FROM import_jobs WHERE finished_at IS NOT NULL AND finished_at < $1";
        Ok(on!(self, c => sqlx::query_scalar::<_, i64>(sql).bind(before).fetch_all(&mut **c).await)?)
    }
}
