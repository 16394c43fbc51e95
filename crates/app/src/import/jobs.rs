//! Imports as background jobs: an upload is saved to disk and queued; a runner in the server
//! takes the queue in order (at most [`crate::IMPORT_SLOTS`] at once) and keeps each job's
//! state in the database — queued, running (stage and rows done), done with its report, or
//! failed with the reason — so the web page and the command line show the same thing and a
//! restart loses nothing: a job whose runner stopped is queued again and resumes after the
//! last batch its ledger records.
//!
//! The files (upload, errors, rejected rows) are personal data: only the job's owner and
//! administrators can fetch them, and they are removed [`FILES_KEPT_HOURS`] after the job ends.

use super::pipeline::{ImportFile, Tracker, errors_csv, rejected_xlsx};
use super::{ImportMode, ImportReport, Stage};
use crate::{App, AppError, Result};
use ansinh_domain::{Actor, Permission};
use ansinh_store::{ImportJobRow, NewImportJob};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// How long a finished job's files stay on disk.
pub const FILES_KEPT_HOURS: i64 = 24;
/// A running job whose runner has not been heard of for this long is taken to have stopped.
/// Generous: a bulk load into an empty SQLite registry cannot write its heartbeat (it holds
/// the only write transaction) for up to a few minutes at a million rows.
pub const STALE_MINUTES: i64 = 15;

/// A job's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Done,
    Failed,
}

impl JobState {
    fn parse(s: &str) -> JobState {
        match s {
            "queued" => JobState::Queued,
            "running" => JobState::Running,
            "done" => JobState::Done,
            _ => JobState::Failed,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }

    /// Whether the job is over.
    pub fn is_final(self) -> bool {
        matches!(self, JobState::Done | JobState::Failed)
    }
}

/// An import job as its owner sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ImportJob {
    pub id: i64,
    pub kind: String,
    pub username: String,
    pub filename: String,
    /// `dry_run`, `all_or_nothing` or `valid_rows_only`.
    pub mode: String,
    pub state: JobState,
    /// While running: `reading`, `checking`, `writing` or `indexing`.
    pub stage: String,
    pub done_rows: i64,
    pub total_rows: i64,
    /// Jobs queued before this one (while queued).
    pub ahead: i64,
    pub report: Option<ImportReport>,
    pub error_vi: Option<String>,
    pub error_en: Option<String>,
    /// Whether the errors file and the rejected rows can be fetched.
    pub has_errors_file: bool,
    pub has_rejected_file: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub started_at: Option<chrono::DateTime<chrono::Utc>>,
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
    pub attempts: i64,
}

/// A file a job leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobFile {
    /// Every error, CSV.
    Errors,
    /// The rejected rows with their reasons, XLSX.
    Rejected,
}

/// Progress of the jobs this process runs, newer than what the database has.
#[derive(Debug, Default)]
pub(crate) struct JobProgress(Mutex<HashMap<i64, (Stage, usize, usize)>>);

impl JobProgress {
    pub(crate) fn set(&self, job: i64, stage: Stage, done: usize, total: usize) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(job, (stage, done, total));
    }

    fn get(&self, job: i64) -> Option<(Stage, usize, usize)> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).get(&job).copied()
    }

    fn clear(&self, job: i64) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).remove(&job);
    }
}

/// A person import job of `actor`'s, as stored.
fn person_job<'a>(
    actor: &'a Actor,
    filename: &'a str,
    mode: ImportMode,
    runner: Option<&'a str>,
    at: chrono::DateTime<chrono::Utc>,
) -> NewImportJob<'a> {
    NewImportJob {
        kind: "persons",
        user_id: actor.user_id,
        username: &actor.username,
        filename,
        mode: mode.as_str(),
        runner,
        at,
    }
}

fn national_admin(actor: &Actor) -> bool {
    actor.can(Permission::ManageUsers, ansinh_domain::unit::ROOT_PATH)
}

fn extension(filename: &str) -> String {
    filename.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default()
}

fn random_hex() -> Result<String> {
    let mut raw = [0u8; 12];
    getrandom::fill(&mut raw).map_err(|e| AppError::Internal(format!("random: {e}")))?;
    Ok(hex::encode(raw))
}

impl App {
    /// Keep import uploads and their outputs under `dir` (the server's data folder).
    pub fn set_files_dir(&mut self, dir: PathBuf) {
        self.files_dir = std::sync::Arc::new(dir);
    }

    /// A folder for a new file the caller will hand to [`App::submit_person_import`].
    pub fn upload_path(&self, filename: &str) -> Result<PathBuf> {
        let dir = self.files_dir.join("uploads");
        std::fs::create_dir_all(&dir).map_err(|e| AppError::Internal(format!("uploads folder: {e}")))?;
        Ok(dir.join(format!("{}.{}", random_hex()?, extension(filename))))
    }

    /// A folder of its own for an import run outside a job.
    pub(crate) fn run_dir(&self) -> Result<PathBuf> {
        Ok(self.files_dir.join("imports").join(format!("run-{}", random_hex()?)))
    }

    fn job_dir(&self, id: i64) -> PathBuf {
        self.files_dir.join("imports").join(format!("job-{id}"))
    }

    fn job_upload(&self, row: &ImportJobRow) -> PathBuf {
        self.job_dir(row.id).join(format!("upload.{}", extension(&row.filename)))
    }

    /// Queue the import of the file at `upload` (made by [`App::upload_path`]; it is moved
    /// into the job's folder). Returns the job's id.
    pub async fn submit_person_import(
        &self,
        actor: &Actor,
        filename: &str,
        mode: ImportMode,
        upload: &Path,
    ) -> Result<i64> {
        if !actor.has(Permission::EditPeople) {
            let _ = std::fs::remove_file(upload);
            return Err(AppError::Forbidden);
        }
        let filename = ansinh_domain::text::free_text("filename", filename, 200)?;
        // Bookkeeping: queuing is no change of record; the import audits what it checks and
        // writes when it runs.
        let mut w = self.bookkeeping().await?;
        let now = w.now();
        let id = w.conn().insert_import_job(&person_job(actor, &filename, mode, None, now)).await?;
        let dir = self.job_dir(id);
        let moved = std::fs::create_dir_all(&dir).and_then(|()| {
            let to = dir.join(format!("upload.{}", extension(&filename)));
            std::fs::rename(upload, &to).or_else(|_| std::fs::copy(upload, &to).map(|_| ()))
        });
        if let Err(e) = moved {
            let _ = std::fs::remove_file(upload);
            return Err(AppError::Internal(format!("keeping the upload: {e}")));
        }
        w.commit().await?;
        let _ = std::fs::remove_file(upload);
        self.jobs_wake.notify_one();
        Ok(id)
    }

    /// Run an import of the file at `path` now, in this process, as a job others can see (the
    /// command line). The job keeps a copy of the file: if this process stops, the server's
    /// runner resumes the job after [`STALE_MINUTES`].
    pub async fn run_person_import_job(
        &self,
        actor: &Actor,
        path: &Path,
        mode: ImportMode,
        progress: &mut (dyn FnMut(Stage, usize, usize) + Send),
    ) -> Result<(i64, ImportReport)> {
        if !actor.has(Permission::EditPeople) {
            return Err(AppError::Forbidden);
        }
        let filename = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let mut w = self.bookkeeping().await?;
        let now = w.now();
        let id = w
            .conn()
            .insert_import_job(&person_job(actor, &filename, mode, Some(&self.runner_id), now))
            .await?;
        w.commit().await?;
        // The job keeps its own copy (a hard link where it can), so that if this process is
        // stopped the server's runner can resume the job like an upload.
        let dir = self.job_dir(id);
        let kept = dir.join(format!("upload.{}", extension(&filename)));
        let _slot =
            self.imports.acquire().await.map_err(|_| AppError::Internal("import slots closed".into()))?;
        let copied = std::fs::create_dir_all(&dir).and_then(|()| {
            std::fs::hard_link(path, &kept).or_else(|_| std::fs::copy(path, &kept).map(|_| ()))
        });
        let outcome = match copied {
            Err(e) => Err(AppError::invalid(
                "file",
                format!("Không đọc được tệp {}: {e}", path.display()),
                format!("cannot read the file {}: {e}", path.display()),
            )),
            Ok(()) => {
                let mut tracker = Tracker::new(Some(id), progress);
                let file = ImportFile::Path(kept);
                self.run_person_import(actor, &filename, file, mode, &dir, 0, &mut tracker).await
            }
        };
        self.finish_job(id, &outcome).await?;
        outcome.map(|r| (id, r))
    }

    async fn finish_job(&self, id: i64, outcome: &Result<ImportReport>) -> Result<()> {
        self.job_progress.clear(id);
        // Bookkeeping: the job's end; the import audited what it did.
        let mut w = self.bookkeeping().await?;
        let now = w.now();
        match outcome {
            Ok(report) => {
                let body = serde_json::to_string(report).map_err(|e| AppError::Internal(e.to_string()))?;
                w.conn().finish_import_job(id, "done", Some(&body), None, now).await?;
            }
            Err(e) => {
                let (vi, en) = match e {
                    AppError::Invalid(list) => list
                        .first()
                        .map(|i| (i.vi.clone(), i.en.clone()))
                        .unwrap_or_else(|| ("Tệp không hợp lệ".into(), "invalid file".into())),
                    AppError::Forbidden => {
                        ("Không có quyền nhập danh sách".into(), "not allowed to import".into())
                    }
                    other => {
                        tracing::error!(job = id, error = %other, "import job failed");
                        (
                            "Lỗi hệ thống khi nhập; không có gì bị ghi dở. Hãy thử lại".into(),
                            "a system error stopped the import; nothing was half-written. Please try again"
                                .into(),
                        )
                    }
                };
                w.conn().finish_import_job(id, "failed", None, Some((&vi, &en)), now).await?;
            }
        }
        w.commit().await
    }

    /// Take the oldest queued job and run it here, waiting for an import slot; `None` when
    /// nothing waits.
    pub async fn run_next_import_job(&self) -> Result<Option<i64>> {
        let _slot =
            self.imports.acquire().await.map_err(|_| AppError::Internal("import slots closed".into()))?;
        let Some(row) = self.claim_next_import_job().await? else { return Ok(None) };
        let outcome = self.run_claimed(&row).await;
        self.finish_job(row.id, &outcome).await?;
        Ok(Some(row.id))
    }

    async fn claim_next_import_job(&self) -> Result<Option<ImportJobRow>> {
        // An idle runner only reads (no write lock every few seconds for nothing).
        if self.db.read().await?.conn().queued_import_jobs().await? == 0 {
            return Ok(None);
        }
        // Bookkeeping: a job changes hands; the import audits what it does.
        let mut w = self.bookkeeping().await?;
        let now = w.now();
        let Some(id) = w.conn().claim_import_job(&self.runner_id, now).await? else {
            w.commit().await?;
            return Ok(None);
        };
        let row = w.conn().import_job(id).await?.ok_or_else(|| AppError::Internal("job vanished".into()))?;
        w.commit().await?;
        Ok(Some(row))
    }

    async fn run_claimed(&self, row: &ImportJobRow) -> Result<ImportReport> {
        let actor = {
            let mut r = self.db.read().await?;
            let mut c = r.conn();
            match row.user_id {
                None => Actor::system(),
                Some(uid) => match c.user_by_id(uid).await? {
                    Some(u) if u.active => crate::auth::actor_of(&mut c, &u).await?,
                    _ => return Err(AppError::Forbidden),
                },
            }
        };
        let mode = ImportMode::parse(&row.mode).ok_or_else(|| AppError::Internal("job mode".into()))?;
        let upload = self.job_upload(row);
        if !upload.exists() {
            return Err(AppError::invalid(
                "file",
                "Tệp tải lên không còn trên máy chủ: hãy tải lên lại",
                "the upload is no longer on the server: upload it again",
            ));
        }
        let mut quiet = |_: Stage, _: usize, _: usize| {};
        let mut tracker = Tracker::new(Some(row.id), &mut quiet);
        let dir = self.job_dir(row.id);
        self.run_person_import(
            &actor,
            &row.filename,
            ImportFile::Path(upload),
            mode,
            &dir,
            row.written_rows.max(0) as usize,
            &mut tracker,
        )
        .await
    }

    /// The server's job runner: never returns. Jobs left running by a process that stopped
    /// are queued again first; then the queue is taken in order, each job on a task of its own
    /// once an import slot is free (at most [`crate::IMPORT_SLOTS`] run at once).
    pub async fn run_import_jobs(&self) {
        let mut last_sweep: Option<std::time::Instant> = None;
        loop {
            if last_sweep.is_none_or(|t| t.elapsed() >= std::time::Duration::from_secs(300)) {
                last_sweep = Some(std::time::Instant::now());
                if let Err(e) = self.sweep_import_jobs().await {
                    tracing::warn!(error = %e, "import jobs sweep");
                }
            }
            let Ok(slot) = self.imports.clone().acquire_owned().await else { return };
            match self.claim_next_import_job().await {
                Ok(Some(row)) => {
                    let app = self.clone();
                    tokio::spawn(async move {
                        let outcome = app.run_claimed(&row).await;
                        drop(slot);
                        if let Err(e) = app.finish_job(row.id, &outcome).await {
                            tracing::warn!(job = row.id, error = %e, "import job end");
                        }
                    });
                    continue;
                }
                Ok(None) => drop(slot),
                Err(e) => {
                    drop(slot);
                    tracing::warn!(error = %e, "import jobs");
                }
            }
            let _ = tokio::time::timeout(std::time::Duration::from_secs(5), self.jobs_wake.notified()).await;
        }
    }

    /// Queue again the jobs of runners not heard of for [`STALE_MINUTES`]; remove the files of
    /// jobs that ended more than [`FILES_KEPT_HOURS`] ago and of old runs outside jobs.
    pub async fn sweep_import_jobs(&self) -> Result<u64> {
        let now = self.now();
        let mut w = self.bookkeeping().await?;
        let requeued = w
            .conn()
            .requeue_stale_import_jobs(&self.runner_id, now - chrono::Duration::minutes(STALE_MINUTES))
            .await?;
        let old =
            w.conn().import_jobs_finished_before(now - chrono::Duration::hours(FILES_KEPT_HOURS)).await?;
        w.commit().await?;
        for id in old {
            let _ = std::fs::remove_dir_all(self.job_dir(id));
        }
        let imports = self.files_dir.join("imports");
        if let Ok(entries) = std::fs::read_dir(&imports) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                let old = e.metadata().and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok());
                if name.starts_with("run-") && old.is_some_and(|d| d.as_secs() > 3600) {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        if requeued > 0 {
            tracing::info!(jobs = requeued, "import jobs of a stopped process queued again");
            self.jobs_wake.notify_one();
        }
        Ok(requeued)
    }

    fn job_view(&self, row: ImportJobRow, ahead: i64) -> ImportJob {
        let state = JobState::parse(&row.state);
        let report: Option<ImportReport> = row.report.as_deref().and_then(|b| serde_json::from_str(b).ok());
        let dir = self.job_dir(row.id);
        let (mut stage, mut done, mut total) = (row.stage.clone(), row.done_rows, row.total_rows);
        if state == JobState::Running
            && let Some((s, d, t)) = self.job_progress.get(row.id)
        {
            (stage, done, total) = (s.as_str().to_string(), d as i64, t as i64);
        }
        ImportJob {
            id: row.id,
            kind: row.kind,
            username: row.username,
            filename: row.filename,
            mode: row.mode,
            state,
            stage,
            done_rows: done,
            total_rows: total,
            ahead,
            has_errors_file: report.as_ref().is_some_and(|r| r.error_count > 0) && errors_csv(&dir).exists(),
            has_rejected_file: report.as_ref().is_some_and(|r| r.written && r.bad_rows > 0)
                && rejected_xlsx(&dir).exists(),
            report,
            error_vi: row.error_vi,
            error_en: row.error_en,
            created_at: row.created_at,
            started_at: row.started_at,
            finished_at: row.finished_at,
            attempts: row.attempts,
        }
    }

    /// Whether `actor` may see a job: its owner, or an administrator of the whole country
    /// (the command line included).
    fn sees_job(actor: &Actor, row: &ImportJobRow) -> bool {
        national_admin(actor) || (row.user_id.is_some() && row.user_id == actor.user_id)
    }

    /// One job; another user's answers like a missing one.
    pub async fn import_job(&self, actor: &Actor, id: i64) -> Result<ImportJob> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let row = c.import_job(id).await?.filter(|j| Self::sees_job(actor, j)).ok_or(AppError::NotFound)?;
        let ahead = if row.state == "queued" {
            c.import_jobs(None, 1000).await?.iter().filter(|j| j.state == "queued" && j.id < id).count()
                as i64
        } else {
            0
        };
        Ok(self.job_view(row, ahead))
    }

    /// The newest jobs `actor` may see (their own; an administrator's: everyone's).
    pub async fn import_jobs(&self, actor: &Actor) -> Result<Vec<ImportJob>> {
        let mut r = self.db.read().await?;
        let rows = if national_admin(actor) {
            r.conn().import_jobs(None, 100).await?
        } else {
            match actor.user_id {
                Some(uid) => r.conn().import_jobs(Some(uid), 100).await?,
                None => Vec::new(),
            }
        };
        Ok(rows.into_iter().filter(|j| Self::sees_job(actor, j)).map(|j| self.job_view(j, 0)).collect())
    }

    /// The path and a download name of a job's file, for its owner.
    pub async fn import_job_file(&self, actor: &Actor, id: i64, which: JobFile) -> Result<(PathBuf, String)> {
        let job = self.import_job(actor, id).await?;
        let stem = job.filename.rsplit_once('.').map_or(job.filename.as_str(), |(s, _)| s).to_string();
        let dir = self.job_dir(id);
        let (path, name, present) = match which {
            JobFile::Errors => (errors_csv(&dir), format!("lỗi-{stem}.csv"), job.has_errors_file),
            JobFile::Rejected => {
                (rejected_xlsx(&dir), format!("dòng-bị-từ-chối-{stem}.xlsx"), job.has_rejected_file)
            }
        };
        if !present {
            return Err(AppError::NotFound);
        }
        Ok((path, name))
    }
}
