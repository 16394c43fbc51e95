//! Nhập danh sách nhân khẩu — upload a CSV or XLSX (multipart, up to [`MAX_UPLOAD`]), check it
//! (dry run), import it all-or-nothing or only its valid rows. The report lists every bad row
//! as `dòng N, cột X: lý do`; the rejected rows come back as an XLSX to fix and import again.
//!
//! The browser shows the upload's progress (htmx `htmx:xhr:progress`, `static/registry.js`)
//! and then "checking" until the report arrives; the check and the write run in this request.

use crate::AppState;
use crate::downloads::{CSV, XLSX, file_response};
use crate::error::{PageError, message};
use crate::pages::render;
use crate::session::{HxRequest, Page};
use ansinh_app::AppError;
use ansinh_app::import::{ImportMode, ImportReport};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// The largest file accepted (a million rows of CSV is about 120 MB).
pub const MAX_UPLOAD: usize = 200 * 1024 * 1024;

pub async fn show(page: Page) -> Result<Html<String>, PageError> {
    page.actor()?;
    render(&ImportTpl {
        page: &page,
        report: ImportPartialTpl { page: &page, result: ImportResult::default() },
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

pub(crate) async fn read_upload(mut mp: Multipart) -> Result<Upload, AppError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
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
    };
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
        return Err(AppError::invalid("file", "Hãy chọn một tệp CSV hoặc XLSX", "choose a CSV or XLSX file"));
    }
    Ok(u)
}

/// The report as the page shows it; files to download are kept for the user.
fn view(state: &AppState, page: &Page, u: &Upload, mode: ImportMode, report: ImportReport) -> ImportView {
    let user = page.user_id();
    let vi = page.is_vi();
    let line = |e: &ansinh_domain::import::RowError| if vi { e.to_string() } else { e.to_en() };
    let errors: Vec<String> = report.errors.iter().take(ImportView::SHOWN).map(line).collect();
    let more_errors = report.errors.len().saturating_sub(ImportView::SHOWN);
    let stem = u.filename.rsplit_once('.').map_or(u.filename.as_str(), |(s, _)| s).to_string();
    let errors_link = (more_errors > 0)
        .then(|| {
            let mut csv = String::from("\u{feff}");
            for e in &report.errors {
                csv.push_str(&format!("\"{}\"\r\n", line(e).replace('"', "\"\"")));
            }
            state.downloads.put(user, &format!("lỗi-{stem}.csv"), CSV, csv.into_bytes())
        })
        .flatten()
        .map(|k| format!("/persons/import/files/{k}"));
    let rejected_link = report
        .rejected_xlsx
        .as_ref()
        .and_then(|bytes| {
            state.downloads.put(user, &format!("dòng-bị-từ-chối-{stem}.xlsx"), XLSX, bytes.clone())
        })
        .map(|k| format!("/persons/import/files/{k}"));
    ImportView {
        filename: u.filename.clone(),
        mode: match mode {
            ImportMode::DryRun => "dry_run",
            ImportMode::AllOrNothing => "all",
            ImportMode::ValidRowsOnly => "valid",
        },
        rows: report.rows,
        bad_rows: report.bad_rows(),
        errors,
        more_errors,
        created: report.created,
        updated: report.updated,
        unchanged: report.unchanged,
        households_created: report.households_created,
        written: report.written,
        rejected_link,
        errors_link,
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
    let outcome = match read_upload(mp).await {
        Ok(u) => {
            let mode = if u.dry_run {
                ImportMode::DryRun
            } else if u.valid_rows_only {
                ImportMode::ValidRowsOnly
            } else {
                ImportMode::AllOrNothing
            };
            state
                .app
                .import_persons(&actor, &u.filename, &u.bytes, mode, &mut |_, _, _| {})
                .await
                .map(|r| view(&state, &page, &u, mode, r))
        }
        Err(e) => Err(e),
    };
    let (result, failed) = match outcome {
        Ok(v) => {
            // Nothing written because of bad rows: the request did not do what was asked.
            let failed = v.mode == "all" && !v.written;
            (ImportResult { report: Some(v), error: None }, failed)
        }
        Err(e @ AppError::Invalid(_)) => {
            (ImportResult { report: None, error: Some(message(page.lang, &e)) }, true)
        }
        Err(e) => return Err(PageError::from(e)),
    };
    if htmx {
        // htmx swaps 2xx only by default: the report, good or bad, is the answer.
        return Ok(render(&ImportPartialTpl { page: &page, result })?.into_response());
    }
    let status = if failed { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&ImportTpl { page: &page, report: ImportPartialTpl { page: &page, result } })?)
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
    Ok(file_response(d.bytes, d.content_type, &d.filename))
}

// ─── Views ───────────────────────────────────────────────────────────────────────────────

/// An import's outcome as shown.
#[derive(Debug, Default)]
pub struct ImportView {
    pub filename: String,
    /// `dry_run`, `all` or `valid`.
    pub mode: &'static str,
    pub rows: usize,
    pub bad_rows: usize,
    /// `dòng N, cột X: lý do`, in the page's language; the first [`ImportView::SHOWN`].
    pub errors: Vec<String>,
    /// Errors not listed (see `errors_link`).
    pub more_errors: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub households_created: usize,
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
}

#[derive(Template)]
#[template(path = "persons_import.html")]
pub struct ImportTpl<'a> {
    pub page: &'a Page,
    /// The report, also answered alone to htmx.
    pub report: ImportPartialTpl<'a>,
}

#[derive(Template)]
#[template(path = "persons_import_partial.html")]
pub struct ImportPartialTpl<'a> {
    pub page: &'a Page,
    pub result: ImportResult,
}
