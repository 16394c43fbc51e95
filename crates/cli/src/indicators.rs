//! `ansinh indicators show|target|denominator|plan|snapshot|report|rebuild`.

use crate::Failure;
use ansinh_app::App;
use ansinh_app::indicators::files::{self, pct, points};
use ansinh_app::indicators::{NewDenominator, NewTarget};
use ansinh_domain::{Actor, Indicator};
use chrono::NaiveDate;
use clap::Subcommand;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Subcommand)]
pub enum IndicatorsCommand {
    /// Every indicator of a unit: numerator, denominator (with its source and year), the
    /// registry's own count, rate, target with its resolution, gap, participants needed and
    /// the year-end projection; then the units below it, ranked.
    Show {
        /// Unit code (42 = Hà Tĩnh, 18322 = Mai Hoa, 18322-01 = a village); "VN" for the country.
        #[arg(long)]
        unit: String,
        /// Date (YYYY-MM-DD); default today.
        #[arg(long)]
        on: Option<String>,
        /// The indicator the units below are ranked by (si, vsi, ui, hi, vsi_farmer).
        #[arg(long, default_value = "si")]
        indicator: String,
        #[arg(long)]
        json: bool,
    },
    /// Enter a target (supersedes the unit's target for that year and indicator).
    Target {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        year: i64,
        #[arg(long)]
        indicator: String,
        /// Percent, e.g. 31,5
        #[arg(long)]
        rate: String,
        /// The deciding resolution, e.g. "Nghị quyết 99/NQ-HĐND ngày 10/12/2025".
        #[arg(long)]
        resolution: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Enter an official denominator (labour_force or population) with its source.
    Denominator {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        year: i64,
        #[arg(long)]
        kind: String,
        #[arg(long)]
        value: i64,
        #[arg(long)]
        source: String,
    },
    /// Import targets and official denominators from a CSV or XLSX file (all or nothing;
    /// columns: Mã đơn vị, Năm, Chỉ tiêu hoặc mẫu số, Giá trị, Căn cứ, Ghi chú).
    Import { file: PathBuf },
    /// The target planner: the unit's gap split over the units below by their potential.
    Plan {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        year: Option<i64>,
        #[arg(long, default_value = "si")]
        indicator: String,
        #[arg(long)]
        json: bool,
    },
    /// Keep a province's month (YYYY-MM) as a snapshot for exact later reports.
    Snapshot {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        month: String,
    },
    /// Write the People's Council report (PDF or XLSX by the file's extension), live or from a
    /// kept month (--snapshot YYYY-MM).
    Report {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long, default_value = "si")]
        indicator: String,
        #[arg(long)]
        snapshot: Option<String>,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Recompute the derived state (residents and households per unit, the coverage series)
    /// from the records. With --verify, only compare and report; exit code 3 when anything
    /// differs. Without it, replace what is kept by the recomputation.
    Rebuild {
        #[arg(long)]
        verify: bool,
    },
}

fn fail(code: u8, message: String) -> Failure {
    Failure { code, message }
}

fn parse_on(on: Option<&str>, today: NaiveDate) -> Result<NaiveDate, Failure> {
    match on {
        None => Ok(today),
        Some(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
            fail(2, format!("--on: ngày «{s}» không hợp lệ, cần YYYY-MM-DD / date «{s}» is invalid, expected YYYY-MM-DD"))
        }),
    }
}

fn parse_month(s: &str) -> Result<i64, Failure> {
    ansinh_domain::indicator::parse_month(s).map_err(|e| fail(2, format!("--month: {} / {}", e.vi, e.en)))
}

async fn unit_id(app: &App, code: &str) -> Result<i64, Failure> {
    if code.eq_ignore_ascii_case("vn") {
        return Ok(ansinh_domain::unit::ROOT_ID);
    }
    Ok(app.unit_by_code(&Actor::system(), code, None).await?.id)
}

fn indicator(s: &str) -> Result<Indicator, Failure> {
    Indicator::parse(s).map_err(|e| fail(2, format!("--indicator: {} / {}", e.vi, e.en)))
}

fn json<T: serde::Serialize>(v: &T) -> Result<(), Failure> {
    println!("{}", serde_json::to_string_pretty(v).map_err(|e| fail(1, e.to_string()))?);
    Ok(())
}

pub async fn run(app: &App, cmd: IndicatorsCommand) -> Result<(), Failure> {
    let system = Actor::system();
    match cmd {
        IndicatorsCommand::Show { unit, on, indicator: ind, json: as_json } => {
            let id = unit_id(app, &unit).await?;
            let on = parse_on(on.as_deref(), app.today())?;
            let d = app.dashboard(&system, id, on, indicator(&ind)?).await?;
            if as_json {
                return json(&d);
            }
            println!(
                "{} — tháng {} (số liệu đến {})",
                d.unit.name,
                files::month_label(d.month),
                on.format("%d/%m/%Y")
            );
            for v in &d.headline.values {
                let p = d.projections.iter().find(|p| p.indicator == v.indicator);
                println!(
                    "  {:<36} {:>9} / {:>9} = {:>9}  (mẫu số: {}, {}; sổ đăng ký {} = {})",
                    v.indicator.label_vi(),
                    v.numerator,
                    v.denominator.value,
                    pct(v.rate_bp),
                    if v.denominator.official { v.denominator.source.as_str() } else { "sổ đăng ký" },
                    v.denominator.year,
                    v.registry_denominator,
                    pct(v.registry_rate_bp),
                );
                if let Some(t) = &v.target {
                    println!(
                        "  {:<36} chỉ tiêu {} {} ({}), {} điểm %, cần thêm {} người",
                        "",
                        t.year,
                        pct(Some(t.rate_bp)),
                        t.resolution,
                        points(v.gap_bp.map(|g| -g)),
                        v.needed.unwrap_or(0)
                    );
                }
                if let Some(p) = p {
                    println!(
                        "  {:<36} dự báo cuối năm {} ({}–{}){}",
                        "",
                        pct(Some(p.rate_bp)),
                        pct(Some(p.low_bp)),
                        pct(Some(p.high_bp)),
                        if p.at_risk { " — có nguy cơ không đạt" } else { "" }
                    );
                }
            }
            if !d.children.is_empty() {
                println!("Xếp hạng theo {}:", d.indicator.label_vi());
                for c in &d.children {
                    let v = c.indicators.get(d.indicator);
                    println!(
                        "  {:>3}. {:<40} {:>8} / {:>8} = {:>9}{}",
                        c.rank,
                        c.indicators.unit.name,
                        v.map(|v| v.numerator).unwrap_or(0),
                        v.map(|v| v.denominator.value).unwrap_or(0),
                        pct(v.and_then(|v| v.rate_bp)),
                        if c.at_risk { "  ⚠ có nguy cơ không đạt" } else { "" }
                    );
                }
            }
            Ok(())
        }
        IndicatorsCommand::Target { unit, year, indicator: ind, rate, resolution, note } => {
            let unit_id = unit_id(app, &unit).await?;
            let n = NewTarget { unit_id, year, indicator: ind, rate, resolution, note };
            let id = app.add_target(&system, &n).await?;
            println!("Đã lưu chỉ tiêu #{id}. / Target #{id} saved.");
            Ok(())
        }
        IndicatorsCommand::Denominator { unit, year, kind, value, source } => {
            let unit_id = unit_id(app, &unit).await?;
            let n = NewDenominator { unit_id, year, kind, value, source };
            let id = app.add_denominator(&system, &n).await?;
            println!("Đã lưu mẫu số #{id}. / Denominator #{id} saved.");
            Ok(())
        }
        IndicatorsCommand::Import { file } => {
            let bytes = std::fs::read(&file).map_err(|e| fail(1, format!("{}: {e}", file.display())))?;
            let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("file.csv").to_string();
            let r = app.import_targets(&system, &name, &bytes).await?;
            for e in &r.errors {
                eprintln!("dòng {} {}: {} / row {}: {}", e.row, e.column, e.vi, e.row, e.en);
            }
            if r.written {
                println!(
                    "Đã nhập {} chỉ tiêu, {} mẫu số. / Imported {} targets, {} denominators.",
                    r.targets, r.denominators, r.targets, r.denominators
                );
                Ok(())
            } else {
                Err(fail(
                    3,
                    format!(
                        "{} dòng sai, không ghi gì / {} bad rows, nothing written",
                        r.errors.len(),
                        r.errors.len()
                    ),
                ))
            }
        }
        IndicatorsCommand::Plan { unit, year, indicator: ind, json: as_json } => {
            let id = unit_id(app, &unit).await?;
            let year = year.unwrap_or_else(|| chrono::Datelike::year(&app.today()) as i64);
            let plan = app.plan(&system, id, year, indicator(&ind)?).await?;
            if as_json {
                return json(&plan);
            }
            println!(
                "{} — {} năm {}: {} / {}, chỉ tiêu {}, cần thêm {} người",
                plan.unit.name,
                plan.indicator.label_vi(),
                plan.year,
                plan.numerator,
                plan.denominator,
                pct(plan.target_bp),
                plan.needed
            );
            for r in &plan.rows {
                println!(
                    "  {:<40} {:>8} / {:>8} = {:>9}  tiềm năng {:>7}  đề xuất {:>6} → {}",
                    r.unit.name,
                    r.numerator,
                    r.denominator,
                    pct(r.rate_bp),
                    r.potential,
                    r.proposed,
                    pct(r.proposed_bp)
                );
            }
            Ok(())
        }
        IndicatorsCommand::Snapshot { unit, month } => {
            let id = unit_id(app, &unit).await?;
            let m = parse_month(&month)?;
            match app.take_snapshot(&system, id, m).await? {
                Some(s) => println!("Đã chốt số liệu tháng {month} (#{s}). / Month {month} kept."),
                None => println!("Tháng {month} đã được chốt trước đó. / Month {month} was kept already."),
            }
            Ok(())
        }
        IndicatorsCommand::Report { unit, on, indicator: ind, snapshot, output } => {
            let id = unit_id(app, &unit).await?;
            let ind = indicator(&ind)?;
            let d = match snapshot {
                Some(m) => {
                    let m = parse_month(&m)?;
                    app.snapshot_dashboard(&system, id, m, ind).await?.ok_or_else(|| {
                        fail(1, format!("Không có số liệu chốt tháng {m} / no snapshot for {m}"))
                    })?
                }
                None => app.dashboard(&system, id, parse_on(on.as_deref(), app.today())?, ind).await?,
            };
            let ext = output.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
            let bytes = match ext.as_str() {
                "pdf" => files::report_pdf(&d),
                "xlsx" => files::report_xlsx(&d).map_err(|e| fail(1, format!("{} / {}", e.vi, e.en)))?,
                _ => {
                    return Err(fail(
                        2,
                        "-o: cần tệp .pdf hoặc .xlsx / expected a .pdf or .xlsx file".into(),
                    ));
                }
            };
            std::fs::write(&output, bytes).map_err(|e| fail(1, format!("{}: {e}", output.display())))?;
            println!("Đã ghi {} / written.", output.display());
            Ok(())
        }
        IndicatorsCommand::Rebuild { verify } => {
            let started = Instant::now();
            let (counts, coverage) = if verify {
                (app.verify_counts().await?, app.verify_coverage().await?)
            } else {
                (app.rebuild_counts(&system).await?, app.rebuild_coverage(&system).await?)
            };
            for d in &counts {
                println!(
                    "đơn vị {}: đang giữ {:?} (người, hộ), đếm lại {:?} — unit {}: kept {:?}, recounted {:?}",
                    d.unit_id, d.kept, d.recounted, d.unit_id, d.kept, d.recounted
                );
            }
            for d in coverage.iter().take(50) {
                println!(
                    "đơn vị {} {} tháng {}: đang giữ {}, tính lại {} — unit {} {} {}: kept {}, recomputed {}",
                    d.unit_id,
                    d.series,
                    d.month,
                    d.kept,
                    d.recomputed,
                    d.unit_id,
                    d.series,
                    d.month,
                    d.kept,
                    d.recomputed
                );
            }
            let secs = started.elapsed().as_secs_f64();
            let n = counts.len() + coverage.len();
            if n == 0 {
                println!(
                    "Khớp: số liệu dẫn xuất đúng với hồ sơ ({secs:.2} s). / Derived counts and coverage agree with the records."
                );
                Ok(())
            } else if verify {
                Err(fail(
                    3,
                    format!(
                        "{n} chỗ lệch (chạy lại không có --verify để sửa) / {n} differences (run without --verify to fix)"
                    ),
                ))
            } else {
                println!("Đã dựng lại; {n} chỗ đã lệch ({secs:.2} s). / Rebuilt; {n} had differed.");
                Ok(())
            }
        }
    }
}
