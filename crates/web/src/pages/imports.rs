//! Nhập danh sách nhân khẩu — upload a CSV or XLSX (multipart, up to [`MAX_UPLOAD`]), check it
//! (dry run), import it all-or-nothing or only its valid rows. The report lists every bad row
//! as `dòng N, cột X: lý do`; the rejected rows come back as an XLSX to fix and import again.
//!
//! The upload is written to disk as it arrives and queued as an import job
//! (`ansinh_app::import::jobs`). The request waits a moment ([`WAIT_FOR_JOB`]): a small file's
//! report comes back as the answer; a large one's answer is the job's page, which follows the
//! job's stage and rows (htmx polling) until its report. The job's state is in the database,
//! so it survives a restart and shows the same on `/imports`, in the API and the CLI.

use crate::AppState;
use crate::downloads::{CSV, XLSX, attachment};
use crate::error::{PageError, message};
use crate::pages::render;
use crate::session::{HxRequest, Page};
use ansinh_app::AppError;
use ansinh_app::import::{ImportJob, ImportMode, ImportReport, JobFile, JobState};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// The largest file accepted (a million rows of CSV is about 120 MB).
pub const MAX_UPLOAD: usize = 200 * 1024 * 1024;
/// How long an upload's request waits for its job before answering with the job's page.
pub const WAIT_FOR_JOB: std::time::Duration = std::time::Duration::from_secs(3);

pub async fn show(State(state): State<AppState>, page: Page) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    let jobs = state.app.import_jobs(actor).await?.into_iter().map(|j| JobRow::of(&page, &j)).collect();
    render(&ImportTpl {
        page: &page,
        report: ImportPartialTpl { page: &page, result: ImportResult::default() },
        jobs,
    })
}

/// What the form sent.
#[derive(Default)]
pub(crate) struct Upload {
    pub(crate) filename: String,
    pub(crate) bytes: Bytes,
    pub(crate) dry_run: bool,
    pub(crate) valid_rows_only: bool,
}

fn unreadable(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::invalid(
            "file",
            format!("Tệp quá lớn: tối đa {} MB", MAX_UPLOAD / (1024 * 1024)),
            format!("the file is too large: at most {} MB", MAX_UPLOAD / (1024 * 1024)),
        )
    } else {
        tracing::warn!(error = %e, "multipart upload");
        AppError::invalid(
            "file",
            "Không nhận được tệp tải lên, xin thử lại",
            "the upload failed, please retry",
        )
    }
}

fn no_file() -> AppError {
    AppError::invalid("file", "Hãy chọn một tệp CSV hoặc XLSX", "choose a CSV or XLSX file")
}

/// A form with its file in memory (small lists: participations, targets).
pub(crate) async fn read_upload(mut mp: Multipart) -> Result<Upload, AppError> {
    let mut u = Upload::default();
    while let Some(field) = mp.next_field().await.map_err(unreadable)? {
        match field.name().unwrap_or_default() {
            "file" => {
                u.filename = field.file_name().unwrap_or_default().to_string();
                u.bytes = field.bytes().await.map_err(unreadable)?;
            }
            "dry_run" => u.dry_run = !field.text().await.map_err(unreadable)?.is_empty(),
            "valid_rows_only" => u.valid_rows_only = !field.text().await.map_err(unreadable)?.is_empty(),
            _ => {}
        }
    }
    if u.filename.trim().is_empty() && u.bytes.is_empty() {
        return Err(no_file());
    }
    Ok(u)
}

/// A person list's form: the file is written to disk chunk by chunk as it arrives (a 200 MB
/// upload never sits in memory), ready to queue.
struct SavedUpload {
    filename: String,
    path: std::path::PathBuf,
    mode: ImportMode,
}

async fn save_upload(state: &AppState, mut mp: Multipart) -> Result<SavedUpload, AppError> {
    use tokio::io::AsyncWriteExt;
    let (mut dry_run, mut valid_only) = (false, false);
    let mut saved: Option<(String, std::path::PathBuf, u64)> = None;
    let cleanup = |saved: &Option<(String, std::path::PathBuf, u64)>| {
        if let Some((_, p, _)) = saved {
            let _ = std::fs::remove_file(p);
        }
    };
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                cleanup(&saved);
                return Err(unreadable(e));
            }
        };
        match field.name().unwrap_or_default() {
            "file" => {
                let mut field = field;
                let filename = field.file_name().unwrap_or_default().to_string();
                let path = state.app.upload_path(&filename)?;
                let mut file = tokio::fs::File::create(&path)
                    .await
                    .map_err(|e| AppError::Internal(format!("upload file: {e}")))?;
                let mut size = 0u64;
                saved = Some((filename, path, 0));
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            size += chunk.len() as u64;
                            if let Err(e) = file.write_all(&chunk).await {
                                cleanup(&saved);
                                return Err(AppError::Internal(format!("upload file: {e}")));
                            }
                        }
                        Ok(None) => break,
                        Err(e) => {
                            cleanup(&saved);
                            return Err(unreadable(e));
                        }
                    }
                }
                if let Err(e) = file.flush().await {
                    cleanup(&saved);
                    return Err(AppError::Internal(format!("upload file: {e}")));
                }
                if let Some(s) = &mut saved {
                    s.2 = size;
                }
            }
            "dry_run" => dry_run = !field.text().await.unwrap_or_default().is_empty(),
            "valid_rows_only" => valid_only = !field.text().await.unwrap_or_default().is_empty(),
            _ => {}
        }
    }
    match saved {
        Some((filename, path, size)) if !(filename.trim().is_empty() && size == 0) => {
            let mode = if dry_run {
                ImportMode::DryRun
            } else if valid_only {
                ImportMode::ValidRowsOnly
            } else {
                ImportMode::AllOrNothing
            };
            Ok(SavedUpload { filename, path, mode })
        }
        other => {
            cleanup(&other);
            Err(no_file())
        }
    }
}

/// A finished job's report as the page shows it, with links to its files.
fn view(page: &Page, job: &ImportJob, report: &ImportReport) -> ImportView {
    // Counts as people read them: 1.000.000.
    let n = |v: usize| crate::fmt::number(v as i64);
    let vi = page.is_vi();
    let line = |e: &ansinh_domain::import::RowError| if vi { e.to_string() } else { e.to_en() };
    let errors: Vec<String> = report.errors.iter().take(ImportView::SHOWN).map(line).collect();
    let more_errors = report.error_count.saturating_sub(errors.len());
    let warnings: Vec<String> = report.warnings.iter().take(ImportView::SHOWN).map(line).collect();
    let more_warnings = report.warning_count.saturating_sub(warnings.len());
    ImportView {
        filename: job.filename.clone(),
        mode: match ImportMode::parse(&job.mode) {
            Some(ImportMode::DryRun) => "dry_run",
            Some(ImportMode::ValidRowsOnly) => "valid",
            _ => "all",
        },
        rows: n(report.rows),
        bad_rows: n(report.bad_rows()),
        errors,
        more_errors,
        warnings,
        more_warnings,
        created: n(report.created),
        updated: n(report.updated),
        unchanged: n(report.unchanged),
        households_created: n(report.households_created),
        written: report.written,
        rejected_link: job.has_rejected_file.then(|| format!("/imports/{}/rejected.xlsx", job.id)),
        errors_link: (job.has_errors_file && more_errors > 0)
            .then(|| format!("/imports/{}/errors.csv", job.id)),
    }
}

/// What the page shows of a job: its report when done, its reason when failed, else its
/// progress.
fn result_of(page: &Page, job: &ImportJob) -> (ImportResult, bool) {
    match (job.state, &job.report) {
        (JobState::Done, Some(report)) => {
            let v = view(page, job, report);
            // Nothing written because of bad rows: the request did not do what was asked.
            let failed = v.mode == "all" && !v.written;
            (ImportResult { report: Some(v), error: None, job: None }, failed)
        }
        (JobState::Failed, _) | (JobState::Done, None) => {
            let e = if page.is_vi() { job.error_vi.clone() } else { job.error_en.clone() };
            (ImportResult { report: None, error: Some(e.unwrap_or_default()), job: None }, true)
        }
        _ => (ImportResult { report: None, error: None, job: Some(JobRow::of(page, job)) }, false),
    }
}

pub async fn upload(
    State(state): State<AppState>,
    page: Page,
    HxRequest(htmx): HxRequest,
    mp: Multipart,
) -> Result<Response, PageError> {
    let actor = page.actor()?.clone();
    // Refuse before the upload is even read (the use case checks again before parsing).
    if !actor.has(ansinh_app::domain::Permission::EditPeople) {
        return Err(PageError::from(AppError::Forbidden));
    }
    let submitted = match save_upload(&state, mp).await {
        Ok(u) => state.app.submit_person_import(&actor, &u.filename, u.mode, &u.path).await,
        Err(e) => Err(e),
    };
    let (result, failed) = match submitted {
        Ok(id) => {
            // A small file is done in a moment: answer with its report. Otherwise the job's
            // page, which follows it.
            let started = std::time::Instant::now();
            let job = loop {
                let job = state.app.import_job(&actor, id).await?;
                if job.state.is_final() || started.elapsed() >= WAIT_FOR_JOB {
                    break job;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            };
            if !job.state.is_final() && !htmx {
                return Ok(axum::response::Redirect::to(&format!("/imports/{id}")).into_response());
            }
            result_of(&page, &job)
        }
        Err(e @ AppError::Invalid(_)) => {
            (ImportResult { report: None, error: Some(message(page.lang, &e)), job: None }, true)
        }
        Err(e) => return Err(PageError::from(e)),
    };
    if htmx {
        // htmx swaps 2xx only by default: the report, good or bad, is the answer.
        return Ok(render(&ImportPartialTpl { page: &page, result })?.into_response());
    }
    let status = if failed { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let jobs = state.app.import_jobs(&actor).await?.into_iter().map(|j| JobRow::of(&page, &j)).collect();
    Ok((status, render(&ImportTpl { page: &page, report: ImportPartialTpl { page: &page, result }, jobs })?)
        .into_response())
}

/// `/imports/{id}`: one job — its progress while queued or running (the fragment refreshes
/// itself), then its report.
pub async fn job(
    State(state): State<AppState>,
    page: Page,
    HxRequest(htmx): HxRequest,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let job = state.app.import_job(actor, id).await?;
    let (result, _) = result_of(&page, &job);
    if htmx {
        return Ok(render(&ImportPartialTpl { page: &page, result })?.into_response());
    }
    let row = JobRow::of(&page, &job);
    Ok(render(&ImportJobTpl { page: &page, job: row, report: ImportPartialTpl { page: &page, result } })?
        .into_response())
}

/// `/imports`: the user's recent jobs (an administrator's: everyone's).
pub async fn jobs(State(state): State<AppState>, page: Page) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    let jobs = state.app.import_jobs(actor).await?.into_iter().map(|j| JobRow::of(&page, &j)).collect();
    render(&ImportJobsTpl { page: &page, jobs })
}

/// A job's file, streamed from disk to its owner.
pub async fn job_file(
    State(state): State<AppState>,
    page: Page,
    Path((id, name)): Path<(i64, String)>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let (which, content_type) = match name.as_str() {
        "errors.csv" => (JobFile::Errors, CSV),
        "rejected.xlsx" => (JobFile::Rejected, XLSX),
        _ => return Err(PageError::from(AppError::NotFound)),
    };
    let (path, filename) = state.app.import_job_file(actor, id, which).await?;
    stream_file(&path, content_type, &filename).await.map_err(PageError::from)
}

/// A file on disk as an attachment, sent in chunks.
pub(crate) async fn stream_file(
    path: &std::path::Path,
    content_type: &'static str,
    filename: &str,
) -> Result<Response, AppError> {
    use axum::http::{HeaderValue, header};
    use tokio::io::AsyncReadExt;
    let file = tokio::fs::File::open(path).await.map_err(|_| AppError::NotFound)?;
    let len = file.metadata().await.map(|m| m.len()).unwrap_or(0);
    let stream = futures_util::stream::unfold(file, |mut f| async move {
        let mut buf = vec![0u8; 64 * 1024];
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(Bytes::from(buf)), f))
            }
            Err(e) => Some((Err(e), f)),
        }
    });
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, attachment(filename)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (header::CONTENT_LENGTH, HeaderValue::from(len)),
        ],
        axum::body::Body::from_stream(stream),
    )
        .into_response())
}

/// A file an import left for this user (rejected rows, the full error list).
pub async fn file(
    State(state): State<AppState>,
    page: Page,
    Path(key): Path<String>,
) -> Result<Response, PageError> {
    page.actor()?;
    let d = state.downloads.get(&key, page.user_id()).ok_or_else(|| PageError::from(AppError::NotFound))?;
    Ok(crate::downloads::file_response(d.bytes, d.content_type, &d.filename))
}

// ─── Views ───────────────────────────────────────────────────────────────────────────────

/// An import's outcome as shown.
#[derive(Debug, Default)]
pub struct ImportView {
    pub filename: String,
    /// `dry_run`, `all` or `valid`.
    pub mode: &'static str,
    pub rows: String,
    pub bad_rows: String,
    /// `dòng N, cột X: lý do`, in the page's language; the first [`ImportView::SHOWN`].
    pub errors: Vec<String>,
    /// Errors not listed (see `errors_link`).
    pub more_errors: usize,
    /// What was repaired or skipped on the way in (the rows are still imported).
    pub warnings: Vec<String>,
    pub more_warnings: usize,
    pub created: String,
    pub updated: String,
    pub unchanged: String,
    pub households_created: String,
    pub written: bool,
    /// The rejected rows as XLSX (valid rows only).
    pub rejected_link: Option<String>,
    /// Every error as CSV, when there are more than are listed.
    pub errors_link: Option<String>,
}

impl ImportView {
    pub const SHOWN: usize = 1000;
}

/// What the import page shows under the form.
#[derive(Debug, Default)]
pub struct ImportResult {
    pub report: Option<ImportView>,
    pub error: Option<String>,
    /// A job still queued or running: its progress (the fragment polls for the next).
    pub job: Option<JobRow>,
}

/// A job in a list, or in progress.
#[derive(Debug, Default)]
pub struct JobRow {
    pub id: i64,
    pub filename: String,
    pub username: String,
    /// `queued`, `running`, `done` or `failed`.
    pub state: &'static str,
    pub state_label: String,
    /// The stage in words, with its rows ("Đang ghi: 40.000 / 1.000.000 dòng").
    pub progress: String,
    /// 0–100 when known.
    pub percent: Option<i64>,
    pub mode_label: String,
    pub created_at: String,
    /// "3 mới, 1 cập nhật, 2 lỗi" when done; the reason when failed.
    pub outcome: String,
}

impl JobRow {
    pub fn of(page: &Page, j: &ImportJob) -> JobRow {
        let n = |v: i64| crate::fmt::number(v);
        let stage = match j.stage.as_str() {
            "reading" => page.t("job-stage-reading"),
            "checking" => page.t("job-stage-checking"),
            "writing" => page.t("job-stage-writing"),
            "indexing" => page.t("job-stage-indexing"),
            _ => String::new(),
        };
        let progress = match j.state {
            JobState::Queued if j.ahead > 0 => {
                format!("{} ({} {})", page.t("job-queued"), j.ahead, page.t("job-ahead"))
            }
            JobState::Queued => page.t("job-queued"),
            JobState::Running if j.total_rows > 0 => {
                format!("{stage}: {} / {} {}", n(j.done_rows), n(j.total_rows), page.t("job-rows"))
            }
            JobState::Running if j.done_rows > 0 => {
                format!("{stage}: {} {}", n(j.done_rows), page.t("job-rows"))
            }
            JobState::Running => page.t("job-started"),
            _ => String::new(),
        };
        let percent = (j.state == JobState::Running && j.total_rows > 0)
            .then(|| (j.done_rows * 100 / j.total_rows.max(1)).clamp(0, 100));
        let outcome = match (&j.report, j.state) {
            (Some(r), JobState::Done) => format!(
                "{}: {} · {}: {} · {}: {} · {}: {}",
                page.t("import-rows"),
                n(r.rows as i64),
                page.t("import-created"),
                n(r.created as i64),
                page.t("import-updated"),
                n(r.updated as i64),
                page.t("import-bad-rows"),
                n(r.bad_rows as i64)
            ),
            (_, JobState::Failed) => {
                (if page.is_vi() { j.error_vi.clone() } else { j.error_en.clone() }).unwrap_or_default()
            }
            _ => String::new(),
        };
        JobRow {
            id: j.id,
            filename: j.filename.clone(),
            username: j.username.clone(),
            state: j.state.as_str(),
            state_label: page.t(match j.state {
                JobState::Queued => "job-state-queued",
                JobState::Running => "job-state-running",
                JobState::Done => "job-state-done",
                JobState::Failed => "job-state-failed",
            }),
            progress,
            percent,
            mode_label: page.t(match ImportMode::parse(&j.mode) {
                Some(ImportMode::DryRun) => "job-mode-dry-run",
                Some(ImportMode::ValidRowsOnly) => "job-mode-valid",
                _ => "job-mode-all",
            }),
            created_at: crate::fmt::datetime(&j.created_at),
            outcome,
        }
    }
}

#[derive(Template)]
#[template(path = "persons_import.html")]
pub struct ImportTpl<'a> {
    pub page: &'a Page,
    /// The report, also answered alone to htmx.
    pub report: ImportPartialTpl<'a>,
    pub jobs: Vec<JobRow>,
}

#[derive(Template)]
#[template(path = "import_job.html")]
pub struct ImportJobTpl<'a> {
    pub page: &'a Page,
    pub job: JobRow,
    pub report: ImportPartialTpl<'a>,
}

#[derive(Template)]
#[template(path = "import_jobs.html")]
pub struct ImportJobsTpl<'a> {
    pub page: &'a Page,
    pub jobs: Vec<JobRow>,
}

#[derive(Template)]
#[template(path = "persons_import_partial.html")]
pub struct ImportPartialTpl<'a> {
    pub page: &'a Page,
    pub result: ImportResult,
}
