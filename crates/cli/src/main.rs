//! `ansinh` — the one binary: serve the web and API, migrate, look up units, manage users,
//! load demo data, and (with the rules) calculate contributions and pensions.

mod calc;
mod config;
mod indicators;
mod registry;
mod units;
mod user;

use ansinh_app::App;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "ansinh",
    version,
    about = "An Sinh — mở rộng bao phủ an sinh xã hội / widening social-insurance coverage"
)]
struct Cli {
    /// TOML configuration file (keys: database, data_dir, listen, public_url, secure_cookies, trusted_origins).
    #[arg(long, global = true, env = "ANSINH_CONFIG")]
    config: Option<PathBuf>,
    /// Database URL: sqlite:PATH or postgres://user@host/db. Default: SQLite in the data directory.
    #[arg(long, global = true, env = "ANSINH_DATABASE_URL")]
    database: Option<String>,
    /// Directory of the embedded SQLite database (default ./ansinh-data).
    #[arg(long, global = true, env = "ANSINH_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Pin "today" (YYYY-MM-DD, Việt Nam time) for a training or demo day, or a test: legal
    /// dates, prices and deadlines are judged on it. Default: the system clock.
    #[arg(long, global = true, env = "ANSINH_TODAY")]
    today: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web pages and the API. Creates and migrates the database, loads the
    /// administrative units and creates the administrator `admin` on first start.
    Serve {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "ANSINH_LISTEN")]
        listen: Option<String>,
        /// Also load the demo places and accounts.
        #[arg(long)]
        demo: bool,
        /// Mark cookies Secure (set when served over HTTPS).
        #[arg(long, env = "ANSINH_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Origin allowed to post forms besides this host (repeatable), e.g. https://ansinh.example.vn
        #[arg(long = "trusted-origin")]
        trusted_origins: Vec<String>,
        /// The address citizens reach this server at, printed in receipts' QR codes
        /// (default http:// and the listen address), e.g. https://ansinh.hatinh.gov.vn
        #[arg(long, env = "ANSINH_PUBLIC_URL")]
        public_url: Option<String>,
    },
    /// Apply the database migrations and exit.
    Migrate,
    /// Load the demo province: places, accounts and a deterministic Hà Tĩnh-like population
    /// (skipped when the registry already has people).
    Demo {
        /// Number of persons to generate.
        #[arg(long, default_value_t = DEMO_PERSONS)]
        persons: usize,
        /// Seed: the same seed gives the same people.
        #[arg(long, default_value_t = 2024)]
        seed: u64,
    },
    /// Import data files (persons).
    Import {
        #[command(subcommand)]
        command: registry::ImportCommand,
    },
    /// Export data files (persons).
    Export {
        #[command(subcommand)]
        command: registry::ExportCommand,
    },
    /// Administrative units: list children, find what a unit became.
    Units {
        #[command(subcommand)]
        command: units::UnitsCommand,
    },
    /// Calculators: voluntary SI, household HI, retirement age, pension (integers in đồng).
    Calc {
        #[command(subcommand)]
        command: calc::CalcCommand,
    },
    /// User accounts and API tokens.
    User {
        #[command(subcommand)]
        command: user::UserCommand,
    },
    /// Coverage indicators: show them, enter targets and official denominators, plan, take a
    /// month's snapshot, write the report; rebuild or verify the derived state.
    Indicators {
        #[command(subcommand)]
        command: indicators::IndicatorsCommand,
    },
}

/// Persons in the demo province when none is asked for: `serve --demo` is ready in seconds.
const DEMO_PERSONS: usize = 20_000;

/// A failure with the exit code the contract promises (2: bad input).
pub struct Failure {
    pub code: u8,
    pub message: String,
}

/// The same messages as the web and the API (one Fluent catalogue), Vietnamese / English; a bad
/// input (every bad field, one per line) exits with 2.
impl From<ansinh_app::AppError> for Failure {
    fn from(e: ansinh_app::AppError) -> Self {
        match e {
            ansinh_app::AppError::Invalid(list) => Failure {
                code: 2,
                message: list.iter().map(|i| format!("{} / {}", i.vi, i.en)).collect::<Vec<_>>().join("\n"),
            },
            e => {
                let (_, vi, en) = ansinh_web::error::api_message(&e);
                Failure { code: 1, message: format!("{vi} / {en}") }
            }
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure { code: 1, message: e.to_string() }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tokio: {e}");
            return ExitCode::from(1);
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("{}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// Open the database the flags, environment or file name.
async fn open(
    cli_db: Option<String>,
    data_dir: Option<PathBuf>,
    file: &config::FileConfig,
    today: Option<&str>,
) -> Result<App, Failure> {
    let clock = clock(today)?;
    let data_dir =
        data_dir.or_else(|| file.data_dir.clone()).unwrap_or_else(|| config::DEFAULT_DATA_DIR.into());
    let url = config::database_url(cli_db.or_else(|| file.database.clone()), &data_dir)?;
    let mut app = App::open(&url).await.map_err(|e| Failure {
        code: 1,
        message: format!("cơ sở dữ liệu / database ({}): {e}", redact(&url)),
    })?;
    if clock != ansinh_app::Clock::System {
        eprintln!("Ngày làm việc được cố định / today is pinned: {}", clock.today());
    }
    app.set_clock(clock);
    // Import uploads and what their jobs leave (errors, rejected rows) live beside the data.
    app.set_files_dir(data_dir.join("files"));
    Ok(app)
}

/// The clock `--today` asks for.
fn clock(today: Option<&str>) -> Result<ansinh_app::Clock, Failure> {
    match today.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(ansinh_app::Clock::System),
        Some(s) => {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map(ansinh_app::Clock::on).map_err(|_| Failure {
                code: 2,
                message: format!("--today «{s}» không hợp lệ, cần YYYY-MM-DD / invalid, expected YYYY-MM-DD"),
            })
        }
    }
}

/// A URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let file = config::FileConfig::load(cli.config.as_deref())?;
    match cli.command {
        Command::Serve { listen, demo, secure_cookies, trusted_origins, public_url } => {
            init_logging();
            let started = Instant::now();
            let app = open(cli.database, cli.data_dir, &file, cli.today.as_deref()).await?;
            let boot = app.bootstrap(std::env::var("ANSINH_ADMIN_PASSWORD").ok().as_deref()).await?;
            let demo_report = if demo {
                let r = app.seed_demo().await?;
                let pop = app.seed_population(DEMO_PERSONS, 2024, &mut |_, _| {}).await?;
                Some((r, pop))
            } else {
                None
            };
            let listen = listen.or(file.listen.clone()).unwrap_or_else(|| config::DEFAULT_LISTEN.into());
            let listener = tokio::net::TcpListener::bind(&listen).await.map_err(|e| Failure {
                code: 1,
                message: format!("không mở được cổng / cannot listen on {listen}: {e}"),
            })?;
            let addr = listener.local_addr().map_err(|e| Failure { code: 1, message: e.to_string() })?;
            let mut origins = trusted_origins;
            origins.extend(file.trusted_origins.iter().cloned());
            let web = ansinh_web::WebConfig {
                secure_cookies: secure_cookies || file.secure_cookies.unwrap_or(false),
                trusted_origins: origins,
                public_url: public_url
                    .or(file.public_url.clone())
                    .unwrap_or_else(|| format!("http://{addr}")),
            };
            print_banner(&app, &boot, demo_report.as_ref(), &addr.to_string(), started.elapsed());
            // Close last month's indicators of every province once it is over (at start, then
            // hourly), so a past report can be reproduced exactly.
            let snapshots = {
                let app = app.clone();
                tokio::spawn(async move {
                    loop {
                        match app.snapshot_due().await {
                            Ok(0) => {}
                            Ok(n) => tracing::info!(provinces = n, "monthly indicator snapshots taken"),
                            Err(e) => tracing::warn!(error = %e, "monthly indicator snapshots"),
                        }
                        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                    }
                })
            };
            ansinh_web::serve(listener, app.clone(), web, shutdown_signal())
                .await
                .map_err(|e| Failure { code: 1, message: e.to_string() })?;
            snapshots.abort();
            app.db.close().await;
            println!("Đã dừng. / Stopped.");
            Ok(())
        }
        Command::Migrate => {
            let app = open(cli.database, cli.data_dir, &file, cli.today.as_deref()).await?;
            println!("Đã áp dụng migration ({}). / Migrations applied.", app.backend());
            Ok(())
        }
        Command::Demo { persons, seed } => {
            let app = open(cli.database, cli.data_dir, &file, cli.today.as_deref()).await?;
            let boot = app.bootstrap(std::env::var("ANSINH_ADMIN_PASSWORD").ok().as_deref()).await?;
            let r = app.seed_demo().await?;
            print_admin(&boot);
            let started = Instant::now();
            let mut bar = registry::Bar::new("Dân cư");
            let pop =
                app.seed_population(persons, seed, &mut |done, total| bar.set("Dân cư", done, total)).await?;
            bar.finish();
            let places = r.places_created + pop.places_created;
            println!(
                "Đã tạo {places} thôn/tổ liên gia, {} tài khoản mẫu. / Created {places} places, {} demo accounts.",
                r.accounts_created.len(),
                r.accounts_created.len()
            );
            if pop.existed {
                println!("Đã có dân cư: không tạo thêm. / The registry already has people: none generated.");
            } else {
                println!(
                    "Dân cư mẫu: {} người, {} hộ (seed {seed}); thôn Thanh Bình: {} người trong độ tuổi lao động. ({:.1} s)",
                    pop.persons,
                    pop.households,
                    pop.thanh_binh_workers,
                    started.elapsed().as_secs_f64()
                );
            }
            print_demo_accounts();
            Ok(())
        }
        Command::Import { command } => {
            let app = open(cli.database, cli.data_dir, &file, cli.today.as_deref()).await?;
            let boot = app.bootstrap(std::env::var("ANSINH_ADMIN_PASSWORD").ok().as_deref()).await?;
            eprint_admin(&boot);
            registry::import(&app, command).await
        }
        Command::Export { command } => {
            let app = open(cli.database, cli.data_dir, &file, cli.today.as_deref()).await?;
            let boot = app.bootstrap(std::env::var("ANSINH_ADMIN_PASSWORD").ok().as_deref()).await?;
            eprint_admin(&boot);
            registry::export(&app, command).await
        }
        Command::Indicators { command } => {
            let app = open(cli.database, cli.data_dir, &file, cli.today.as_deref()).await?;
            app.bootstrap(std::env::var("ANSINH_ADMIN_PASSWORD").ok().as_deref()).await?;
            indicators::run(&app, command).await
        }
        Command::Units { command } => {
            let app = open(cli.database, cli.data_dir, &file, cli.today.as_deref()).await?;
            let boot = app.bootstrap(std::env::var("ANSINH_ADMIN_PASSWORD").ok().as_deref()).await?;
            eprint_admin(&boot);
            units::run(&app, command).await
        }
        Command::Calc { command } => {
            // Price with the server's parameters when there is a database (an administrator may
            // have added versions); otherwise with the bundled file. Nothing is written.
            let data_dir = cli
                .data_dir
                .clone()
                .or_else(|| file.data_dir.clone())
                .unwrap_or_else(|| config::DEFAULT_DATA_DIR.into());
            let configured =
                cli.database.is_some() || file.database.is_some() || data_dir.join("ansinh.db").exists();
            let params = if configured {
                let app = open(cli.database, cli.data_dir, &file, cli.today.as_deref()).await?;
                app.load_parameters().await?
            } else {
                std::sync::Arc::new(ansinh_rules::ParamSet::bundled())
            };
            calc::run(&params, command)
        }
        Command::User { command } => {
            let app = open(cli.database, cli.data_dir, &file, cli.today.as_deref()).await?;
            let boot = app.bootstrap(std::env::var("ANSINH_ADMIN_PASSWORD").ok().as_deref()).await?;
            eprint_admin(&boot);
            user::run(&app, command).await
        }
    }
}

fn print_admin(boot: &ansinh_app::BootReport) {
    if let Some(a) = &boot.admin {
        match &a.generated_password {
            Some(p) => println!(
                "Tài khoản quản trị / administrator: {}  mật khẩu / password: {p}\n  (chỉ in một lần — hãy lưu lại / printed once — keep it)",
                a.username
            ),
            None => println!(
                "Tài khoản quản trị / administrator: {} (mật khẩu từ ANSINH_ADMIN_PASSWORD)",
                a.username
            ),
        }
    }
}

/// Like [`print_admin`], on standard error: for commands whose standard output is data.
fn eprint_admin(boot: &ansinh_app::BootReport) {
    if let Some(a) = &boot.admin {
        match &a.generated_password {
            Some(p) => eprintln!(
                "Tài khoản quản trị / administrator: {}  mật khẩu / password: {p} (in một lần / printed once)",
                a.username
            ),
            None => eprintln!(
                "Tài khoản quản trị / administrator: {} (mật khẩu từ ANSINH_ADMIN_PASSWORD)",
                a.username
            ),
        }
    }
}

fn print_demo_accounts() {
    println!("Tài khoản mẫu / demo accounts (mật khẩu / password: {}):", ansinh_app::DEMO_PASSWORD);
    for (u, role, unit) in App::demo_accounts() {
        println!("  {u:<14} {role:<18} {unit}");
    }
}

fn print_banner(
    app: &App,
    boot: &ansinh_app::BootReport,
    demo: Option<&(ansinh_app::DemoReport, ansinh_app::demo::seed::PopulationReport)>,
    addr: &str,
    took: std::time::Duration,
) {
    println!("An Sinh {} — cơ sở dữ liệu / database: {}", env!("CARGO_PKG_VERSION"), app.backend());
    if boot.units_loaded > 0 {
        println!(
            "Đã nạp {} đơn vị hành chính. / Loaded {} administrative units.",
            boot.units_loaded, boot.units_loaded
        );
    }
    print_admin(boot);
    if boot.admin.is_none() {
        println!(
            "Đăng nhập bằng tài khoản đã có (quản trị: admin). / Sign in with an existing account (administrator: admin)."
        );
        println!("  Quên mật khẩu? / Lost it?  ansinh user password --username admin");
    }
    if let Some((d, pop)) = demo {
        let places = d.places_created + pop.places_created;
        if places > 0 || !pop.existed {
            println!(
                "Dữ liệu mẫu: {places} thôn/tổ liên gia, {} người, {} hộ. / Demo data: {places} places, {} persons.",
                pop.persons, pop.households, pop.persons
            );
        }
        print_demo_accounts();
    }
    println!("Sẵn sàng sau {:.2} s. Mở / Open: http://{addr}/", took.as_secs_f64());
    println!("Dừng: Ctrl+C. / Stop: Ctrl+C.");
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ANSINH_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).try_init();
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
