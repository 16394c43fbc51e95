//! `ansinh import persons`, `ansinh export persons`, and the progress bar they share.

use crate::Failure;
use ansinh_app::App;
use ansinh_app::import::{ImportMode, Stage};
use ansinh_app::registry::PersonQuery;
use ansinh_domain::Actor;
use clap::Subcommand;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import persons from CSV (`,` or `;`, UTF-8) or XLSX with the template's headers
    /// (Vietnamese, or the keys cccd, full_name, birth_date, sex, household_code, relation,
    /// unit_code, ethnicity, phone, occupation). All-or-nothing unless --valid-rows-only.
    /// Exit code: 0 clean, 1 when any row is bad (every bad row is printed).
    Persons {
        file: PathBuf,
        /// Check only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write the good rows; save the rejected ones (with the reason) as XLSX.
        #[arg(long)]
        valid_rows_only: bool,
        /// Where to save the rejected rows (default: FILE-loi.xlsx next to the file).
        #[arg(long)]
        rejected: Option<PathBuf>,
    },
    /// Import participations from the SI office's lists (compulsory SI, unemployment
    /// insurance, HI of the other groups): CSV or XLSX with the columns Số CCCD, Chế độ, Nhóm
    /// đối tượng, Từ ngày, Đến ngày (or cccd, scheme, group, from, to). All-or-nothing unless
    /// --valid-rows-only; re-importing the same file changes nothing. Exit 1 on bad rows.
    Participations {
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        valid_rows_only: bool,
        #[arg(long)]
        rejected: Option<PathBuf>,
    },
    /// The recent import jobs (web uploads and command-line runs): state, stage, outcome.
    Jobs,
    /// One import job: its state and progress, or its report.
    Job { id: i64 },
}

#[derive(Subcommand)]
pub enum ExportCommand {
    /// Export persons (all, or filtered) as CSV (UTF-8 with BOM, for Excel) or XLSX.
    Persons {
        /// Output file; .xlsx or .csv decides the format.
        #[arg(long, short)]
        output: PathBuf,
        /// Name (diacritics optional), CCCD or phone.
        #[arg(long, default_value = "")]
        q: String,
        /// Place code (commune, village or group).
        #[arg(long, default_value = "")]
        place: String,
        /// Working-age people only.
        #[arg(long)]
        working_age: bool,
    },
    /// A person's declaration with the household annex (tk1-ts), as PDF or XLSX by the
    /// output's extension, filled from the registry.
    Declaration {
        /// tk1-ts
        code: String,
        /// The person's CCCD.
        #[arg(long)]
        cccd: String,
        #[arg(long, short)]
        output: PathBuf,
    },
    /// A collector's month as a form for the SI office: d03-ts (household HI) or d05-ts (VSI),
    /// XLSX or PDF by the output's extension, column layout from the forms data of the month.
    Form {
        /// d03-ts or d05-ts
        code: String,
        /// The collector's username.
        #[arg(long)]
        collector: String,
        /// Month, YYYY-MM or MM/YYYY.
        #[arg(long)]
        month: String,
        #[arg(long, short)]
        output: PathBuf,
    },
}

/// A one-line progress bar on stderr (only when stderr is a terminal, so logs stay clean).
pub struct Bar {
    label: String,
    start: Instant,
    tty: bool,
    last: Instant,
}

impl Bar {
    pub fn new(label: &str) -> Bar {
        Bar {
            label: label.into(),
            start: Instant::now(),
            tty: std::io::stderr().is_terminal(),
            last: Instant::now(),
        }
    }

    pub fn set(&mut self, label: &str, done: usize, total: usize) {
        if !self.tty || (self.last.elapsed().as_millis() < 100 && done < total) {
            return;
        }
        self.last = Instant::now();
        let pct = (done * 100).checked_div(total).map_or(100, |p| p.min(100));
        let filled = pct / 4;
        eprint!(
            "\r{label:<10} [{}{}] {pct:>3}%  {done}/{total}  {:.1} s ",
            "#".repeat(filled),
            ".".repeat(25 - filled),
            self.start.elapsed().as_secs_f64()
        );
        let _ = std::io::stderr().flush();
        self.label = label.into();
    }

    pub fn finish(&self) {
        if self.tty {
            eprintln!();
        }
    }
}

/// The file's bytes, or exit 2 with the reason.
fn read_file(file: &std::path::Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(file).map_err(|e| Failure {
        code: 2,
        message: format!("không đọc được tệp {} / cannot read the file: {e}", file.display()),
    })
}

fn mode_of(dry_run: bool, valid_rows_only: bool) -> ImportMode {
    match (dry_run, valid_rows_only) {
        (true, _) => ImportMode::DryRun,
        (false, true) => ImportMode::ValidRowsOnly,
        (false, false) => ImportMode::AllOrNothing,
    }
}

/// Save the rejected rows (to `rejected`, or FILE-loi.xlsx next to the file).
fn save_rejected(file: &std::path::Path, rejected: Option<PathBuf>, xlsx: &[u8]) -> Result<(), Failure> {
    let out = rejected.unwrap_or_else(|| {
        let stem = file.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| "nhap".into());
        file.with_file_name(format!("{stem}-loi.xlsx"))
    });
    std::fs::write(&out, xlsx)
        .map_err(|e| Failure { code: 1, message: format!("{}: {e}", out.display()) })?;
    println!("Các dòng bị từ chối đã lưu vào {} / rejected rows saved.", out.display());
    Ok(())
}

/// The job's row on one line.
fn job_line(j: &ansinh_app::import::ImportJob) -> String {
    let outcome = match (&j.report, j.state) {
        (Some(r), ansinh_app::import::JobState::Done) => format!(
            "{} dòng, {} lỗi; mới {}, cập nhật {}, không đổi {}",
            r.rows, r.bad_rows, r.created, r.updated, r.unchanged
        ),
        (_, ansinh_app::import::JobState::Failed) => j.error_vi.clone().unwrap_or_default(),
        _ if j.total_rows > 0 => format!("{} {}/{}", j.stage, j.done_rows, j.total_rows),
        _ => j.stage.clone(),
    };
    format!(
        "#{:<5} {:<8} {:<16} {:<12} {} ({}, {})",
        j.id,
        j.state.as_str(),
        j.mode,
        j.username,
        j.filename,
        outcome,
        j.created_at.format("%Y-%m-%d %H:%M UTC")
    )
}

pub async fn import(app: &App, cmd: ImportCommand) -> Result<(), Failure> {
    let (file, dry_run, valid_rows_only, rejected) = match cmd {
        ImportCommand::Participations { file, dry_run, valid_rows_only, rejected } => {
            return import_lists(app, file, dry_run, valid_rows_only, rejected).await;
        }
        ImportCommand::Persons { file, dry_run, valid_rows_only, rejected } => {
            (file, dry_run, valid_rows_only, rejected)
        }
        ImportCommand::Jobs => {
            let jobs = app.import_jobs(&Actor::system()).await?;
            if jobs.is_empty() {
                println!("Chưa có lần nhập nào. / No import yet.");
            }
            for j in &jobs {
                println!("{}", job_line(j));
            }
            return Ok(());
        }
        ImportCommand::Job { id } => {
            let j = app.import_job(&Actor::system(), id).await?;
            println!("{}", job_line(&j));
            if let Some(r) = &j.report {
                for e in &r.errors {
                    println!("{e}");
                }
                if r.error_count > r.errors.len() {
                    println!("… {} lỗi nữa / more errors", r.error_count - r.errors.len());
                }
            }
            return Ok(());
        }
    };
    if !file.is_file() {
        read_file(&file)?;
    }
    let mode = mode_of(dry_run, valid_rows_only);
    let mut bar = Bar::new("Đọc tệp");
    let mut progress = |stage: Stage, done: usize, total: usize| {
        let label = match stage {
            Stage::Reading => "Đọc và kiểm tra",
            Stage::Checking => "Kiểm tra",
            Stage::Writing => "Ghi",
            Stage::Indexing => "Dựng chỉ mục tìm kiếm",
        };
        bar.set(label, done, total);
    };
    let started = Instant::now();
    let (job, report) = app.run_person_import_job(&Actor::system(), &file, mode, &mut progress).await?;
    bar.finish();
    for w in &report.warnings {
        println!("Cảnh báo / warning: {w}");
    }
    if report.warning_count > report.warnings.len() {
        println!("… {} cảnh báo nữa / more warnings", report.warning_count - report.warnings.len());
    }
    for e in &report.errors {
        println!("{e}");
    }
    if report.error_count > report.errors.len() {
        println!(
            "… và {} lỗi nữa; toàn bộ trong {} / and {} more; all of them in that file",
            report.error_count - report.errors.len(),
            report.errors_file.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
            report.error_count - report.errors.len()
        );
    }
    let bad = report.bad_rows();
    println!(
        "Lần nhập #{job}: {} dòng, {} dòng lỗi. Mới {}, cập nhật {}, không đổi {}, hộ mới {}. ({:.1} s)",
        report.rows,
        bad,
        report.created,
        report.updated,
        report.unchanged,
        report.households_created,
        started.elapsed().as_secs_f64()
    );
    match mode {
        ImportMode::DryRun => println!("Chạy thử: chưa ghi gì. / Dry run: nothing written."),
        ImportMode::AllOrNothing if !report.written => {
            println!(
                "Không ghi gì vì có dòng lỗi (sửa rồi nhập lại, hoặc dùng --valid-rows-only). / Nothing written: some rows are bad."
            )
        }
        _ => {}
    }
    if let Some(path) = &report.rejected_file {
        let x = read_file(path)?;
        save_rejected(&file, rejected, &x)?;
    }
    if bad > 0 {
        return Err(Failure { code: 1, message: format!("{bad} dòng lỗi / {bad} bad rows") });
    }
    Ok(())
}

async fn import_lists(
    app: &App,
    file: PathBuf,
    dry_run: bool,
    valid_rows_only: bool,
    rejected: Option<PathBuf>,
) -> Result<(), Failure> {
    let bytes = read_file(&file)?;
    let mode = mode_of(dry_run, valid_rows_only);
    let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let report = app.import_participations(&Actor::system(), &name, &bytes, mode).await?;
    for e in &report.errors {
        println!("{e}");
    }
    let bad = report.bad_rows();
    println!(
        "{} dòng, {} dòng lỗi. Mới {}, cập nhật {}, không đổi {}.",
        report.rows, bad, report.created, report.updated, report.unchanged
    );
    if mode == ImportMode::DryRun {
        println!("Chạy thử: chưa ghi gì. / Dry run: nothing written.");
    } else if !report.written && bad > 0 {
        println!("Không ghi gì vì có dòng lỗi. / Nothing written: some rows are bad.");
    }
    if let Some(x) = &report.rejected_xlsx {
        save_rejected(&file, rejected, x)?;
    }
    if bad > 0 {
        return Err(Failure { code: 1, message: format!("{bad} dòng lỗi / {bad} bad rows") });
    }
    Ok(())
}

fn is_pdf(p: &std::path::Path) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
}

pub async fn export(app: &App, cmd: ExportCommand) -> Result<(), Failure> {
    let (output, q, place, working_age) = match cmd {
        ExportCommand::Persons { output, q, place, working_age } => (output, q, place, working_age),
        ExportCommand::Declaration { code, cccd, output } => {
            let sys = Actor::system();
            let person = app.person_id_by_cccd(&sys, &cccd).await?;
            let d = app.declaration(&sys, &code, person).await?;
            let bytes = if is_pdf(&output) {
                ansinh_reports::pdf::declaration_pdf(&d)
            } else {
                ansinh_reports::write_form_xlsx(&d.to_sheet(), &code)
                    .map_err(|e| Failure { code: 1, message: format!("{e}") })?
            };
            std::fs::write(&output, bytes)
                .map_err(|e| Failure { code: 1, message: format!("{}: {e}", output.display()) })?;
            println!("{} → {}", d.fields.first().map(|f| f.2.clone()).unwrap_or_default(), output.display());
            return Ok(());
        }
        ExportCommand::Form { code, collector, month, output } => {
            let month = ansinh_app::calc::month("month", &month).map_err(ansinh_app::AppError::from)?;
            let sheet = app.export_form(&Actor::system(), &code, Some(&collector), month).await?;
            let bytes = if is_pdf(&output) {
                ansinh_reports::pdf::form_pdf(&sheet)
            } else {
                ansinh_reports::write_form_xlsx(&sheet, &code)
                    .map_err(|e| Failure { code: 1, message: format!("{e}") })?
            };
            std::fs::write(&output, bytes)
                .map_err(|e| Failure { code: 1, message: format!("{}: {e}", output.display()) })?;
            println!("{} dòng → {} / rows written.", sheet.rows.len(), output.display());
            return Ok(());
        }
    };
    let query = PersonQuery {
        q,
        place,
        working_age: if working_age { "yes".into() } else { String::new() },
        ..Default::default()
    };
    let table = app.export_persons(&Actor::system(), &query).await?;
    let bytes = if output.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) {
        let heading = app.export_heading(&Actor::system(), &query, table.rows.len()).await?;
        ansinh_reports::write_xlsx_titled(&table, "Nhân khẩu", &heading)
            .map_err(|e| Failure { code: 1, message: e.to_string() })?
    } else {
        ansinh_reports::write_csv(&table)
    };
    std::fs::write(&output, bytes)
        .map_err(|e| Failure { code: 1, message: format!("{}: {e}", output.display()) })?;
    println!("Đã xuất {} người vào {} / exported.", table.rows.len(), output.display());
    Ok(())
}
