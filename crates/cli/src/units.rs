//! `ansinh units list|successor`.

use crate::Failure;
use ansinh_app::{App, AppError};
use ansinh_domain::{Actor, Unit};
use ansinh_web::api::units::UnitDto;
use chrono::NaiveDate;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum UnitsCommand {
    /// List the units under a parent (provinces when no parent), valid on a date.
    List {
        /// Parent unit code (e.g. 42 for Hà Tĩnh).
        #[arg(long)]
        parent: Option<String>,
        /// Date (YYYY-MM-DD) the list is valid on; default today. Before 2025-07-01 provinces
        /// have districts; from then on communes hang directly under the province.
        #[arg(long)]
        on: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// What an old unit became on 1 Jul 2025 (or later renames): old → new.
    Successor {
        code: String,
        #[arg(long)]
        json: bool,
    },
}

fn parse_on(on: Option<&str>) -> Result<Option<NaiveDate>, Failure> {
    match on {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map(Some).map_err(|_| Failure {
            code: 2,
            message: format!(
                "--on: ngày «{s}» không hợp lệ, cần YYYY-MM-DD / date «{s}» is invalid, expected YYYY-MM-DD"
            ),
        }),
    }
}

fn validity(u: &Unit) -> String {
    let d = |d: Option<NaiveDate>| d.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_else(|| "…".into());
    if u.valid_from.is_none() && u.valid_to.is_none() {
        String::new()
    } else {
        format!("{} – {}", d(u.valid_from), d(u.valid_to))
    }
}

pub async fn run(app: &App, cmd: UnitsCommand) -> Result<(), Failure> {
    let system = Actor::system();
    match cmd {
        UnitsCommand::List { parent, on, json } => {
            let on = parse_on(on.as_deref())?;
            let units = app.list_units(&system, parent.as_deref(), on).await?;
            if json {
                let dtos: Vec<UnitDto> = units.iter().map(UnitDto::from).collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&dtos)
                        .map_err(|e| Failure { code: 1, message: e.to_string() })?
                );
            } else {
                for u in &units {
                    println!("{:<10} {:<40} {}", u.code, u.full_name(), validity(u));
                }
                println!("— {} đơn vị / units", units.len());
            }
            Ok(())
        }
        UnitsCommand::Successor { code, json } => {
            let links = app.successors_of(&system, &code).await.map_err(|e| match e {
                AppError::NotFound => Failure {
                    code: 1,
                    message: format!("Không có đơn vị mã {code} / no unit with code {code}"),
                },
                e => e.into(),
            })?;
            if json {
                let v: Vec<serde_json::Value> = links
                    .iter()
                    .map(|l| serde_json::json!({ "old": UnitDto::from(&l.old), "new": l.new.iter().map(UnitDto::from).collect::<Vec<_>>() }))
                    .collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&v)
                        .map_err(|e| Failure { code: 1, message: e.to_string() })?
                );
                return Ok(());
            }
            if links.is_empty() {
                println!("{code}: không đổi / unchanged (no successor)");
            }
            for l in &links {
                let new: Vec<String> =
                    l.new.iter().map(|n| format!("{} ({})", n.code, n.full_name())).collect();
                println!("{} ({}) {} → {}", l.old.code, l.old.full_name(), validity(&l.old), new.join(", "));
            }
            Ok(())
        }
    }
}
