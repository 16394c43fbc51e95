//! Person list imports as jobs: `POST /api/v1/imports/persons` queues the request body (the
//! file, written to disk as it arrives) and answers 202 with the job; `GET /api/v1/imports/{id}`
//! follows it to its report. Another user's job answers like a missing one.

use crate::AppState;
use crate::api::collection::RowErrorDto;
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiUser;
use ansinh_app::AppError;
use ansinh_app::import::{ImportJob, ImportMode};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The file's name; its extension says the format (`.csv` or `.xlsx`).
    pub filename: String,
    /// dry_run, all_or_nothing (default), valid_rows_only.
    #[serde(default)]
    pub mode: Option<String>,
}

/// An import job: its state, progress and, when done, its report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportJobDto {
    pub id: i64,
    pub filename: String,
    pub username: String,
    /// dry_run, all_or_nothing, valid_rows_only.
    pub mode: String,
    /// queued, running, done, failed.
    pub state: String,
    /// While running: reading, checking, writing, indexing.
    pub stage: String,
    pub done_rows: i64,
    pub total_rows: i64,
    /// Jobs queued before this one.
    pub ahead: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub started_at: Option<chrono::DateTime<chrono::Utc>>,
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Why it failed (failed only).
    pub error_vi: Option<String>,
    pub error_en: Option<String>,
    pub report: Option<ImportReportDto>,
}

/// What a finished import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReportDto {
    pub rows: usize,
    pub bad_rows: usize,
    pub error_count: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub households_created: usize,
    pub written: bool,
    /// The first errors (all of them at `errors_url`).
    pub errors: Vec<RowErrorDto>,
    /// Every error as CSV, for the job's owner (web session).
    pub errors_url: Option<String>,
    /// What was repaired (a citizen id whose leading 0 Excel dropped) or skipped (the
    /// template's example row); these rows do not stop the import. The first ones.
    pub warnings: Vec<RowErrorDto>,
    pub warning_count: usize,
    /// The rejected rows with their reasons, XLSX (valid_rows_only).
    pub rejected_url: Option<String>,
}

impl ImportJobDto {
    fn of(j: ImportJob) -> ImportJobDto {
        let report = j.report.as_ref().map(|r| ImportReportDto {
            rows: r.rows,
            bad_rows: r.bad_rows,
            error_count: r.error_count,
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
            households_created: r.households_created,
            written: r.written,
            errors: r.errors.iter().map(RowErrorDto::of).collect(),
            warnings: r.warnings.iter().map(RowErrorDto::of).collect(),
            warning_count: r.warning_count,
            errors_url: j.has_errors_file.then(|| format!("/imports/{}/errors.csv", j.id)),
            rejected_url: j.has_rejected_file.then(|| format!("/imports/{}/rejected.xlsx", j.id)),
        });
        ImportJobDto {
            id: j.id,
            filename: j.filename,
            username: j.username,
            mode: j.mode,
            state: j.state.as_str().to_string(),
            stage: j.stage,
            done_rows: j.done_rows,
            total_rows: j.total_rows,
            ahead: j.ahead,
            created_at: j.created_at,
            started_at: j.started_at,
            finished_at: j.finished_at,
            error_vi: j.error_vi,
            error_en: j.error_en,
            report,
        }
    }
}

fn mode_of(raw: Option<&str>) -> Result<ImportMode, ApiError> {
    match raw.map(str::trim).unwrap_or("") {
        "" => Ok(ImportMode::AllOrNothing),
        other => ImportMode::parse(other).ok_or_else(|| {
            ApiError(AppError::invalid(
                "mode",
                format!(
                    "Cách nhập «{other}» không hợp lệ; chọn dry_run, all_or_nothing hoặc valid_rows_only"
                ),
                format!("mode «{other}» is not dry_run, all_or_nothing or valid_rows_only"),
            ))
        }),
    }
}

/// Queue the import of a person list: the file as the request body (CSV or XLSX, the template
/// of `/persons/import`), its name in `filename`. Answers 202 with the job at once; follow it
/// at `/api/v1/imports/{id}`. Re-importing the same file changes nothing.
#[utoipa::path(post, path = "/api/v1/imports/persons", tag = "persons", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 202, body = ImportJobDto), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn submit(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Query(q): Query<ImportQuery>,
    body: axum::body::Body,
) -> Result<(StatusCode, Json<ImportJobDto>), ApiError> {
    use tokio::io::AsyncWriteExt;
    if !actor.has(ansinh_app::domain::Permission::EditPeople) {
        return Err(ApiError(AppError::Forbidden));
    }
    let mode = mode_of(q.mode.as_deref())?;
    if q.filename.trim().is_empty() {
        return Err(ApiError(AppError::invalid(
            "filename",
            "Thiếu tên tệp (filename), ví dụ danh-sach.csv",
            "filename is missing, e.g. danh-sach.csv",
        )));
    }
    let path = state.app.upload_path(&q.filename)?;
    let written: Result<u64, AppError> = async {
        let io = |e: std::io::Error| AppError::Internal(format!("upload file: {e}"));
        let mut file = tokio::fs::File::create(&path).await.map_err(io)?;
        let mut stream = body.into_data_stream();
        let mut size = 0u64;
        while let Some(chunk) = futures_util::StreamExt::next(&mut stream).await {
            let chunk = chunk.map_err(|_| {
                AppError::invalid(
                    "file",
                    format!(
                        "Tệp quá lớn hoặc tải lên bị ngắt: tối đa {} MB",
                        crate::pages::imports::MAX_UPLOAD >> 20
                    ),
                    format!(
                        "the upload broke off or is too large: at most {} MB",
                        crate::pages::imports::MAX_UPLOAD >> 20
                    ),
                )
            })?;
            size += chunk.len() as u64;
            // A raw body is not bounded by the body-limit layer: count it here.
            if size > crate::pages::imports::MAX_UPLOAD as u64 {
                return Err(AppError::invalid(
                    "file",
                    format!("Tệp quá lớn: tối đa {} MB", crate::pages::imports::MAX_UPLOAD >> 20),
                    format!("the file is too large: at most {} MB", crate::pages::imports::MAX_UPLOAD >> 20),
                ));
            }
            file.write_all(&chunk).await.map_err(io)?;
        }
        file.flush().await.map_err(io)?;
        Ok(size)
    }
    .await;
    match written {
        Ok(0) => {
            let _ = std::fs::remove_file(&path);
            return Err(ApiError(AppError::invalid("file", "Tệp rỗng", "the file is empty")));
        }
        Ok(_) => {}
        Err(e) => {
            let _ = std::fs::remove_file(&path);
            return Err(ApiError(e));
        }
    }
    let id = state.app.submit_person_import(&actor, &q.filename, mode, &path).await?;
    let job = state.app.import_job(&actor, id).await?;
    Ok((StatusCode::ACCEPTED, Json(ImportJobDto::of(job))))
}

/// One import job: state, progress, report.
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "persons", params(("id" = i64, Path, description = "Job id")),
    responses((status = 200, body = ImportJobDto), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ImportJobDto>, ApiError> {
    Ok(Json(ImportJobDto::of(state.app.import_job(&actor, id).await?)))
}

/// The caller's recent import jobs (an administrator's: everyone's), newest first.
#[utoipa::path(get, path = "/api/v1/imports", tag = "persons",
    responses((status = 200, body = Vec<ImportJobDto>), (status = 401, body = ApiErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> Result<Json<Vec<ImportJobDto>>, ApiError> {
    Ok(Json(state.app.import_jobs(&actor).await?.into_iter().map(ImportJobDto::of).collect()))
}
