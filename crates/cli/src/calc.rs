//! `ansinh calc vsi|hi-household|retirement|pension` — the stable scripting contract.
//! Amounts are integers in đồng. Invalid input: exit code 2, one line on stderr, nothing on
//! stdout. Without `--json`, a readable Vietnamese breakdown.

use crate::Failure;
use ansinh_app::calc::{self, BasisDto, HiRequest, PensionRequest, RetirementRequest, VsiRequest};
use ansinh_rules::{Month, ParamSet, Vnd};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum CalcCommand {
    /// Voluntary social insurance (BHXH tự nguyện): contribution, support, amount to pay.
    Vsi {
        /// Chosen monthly income in đồng.
        #[arg(long)]
        income: i64,
        /// First month paid (YYYY-MM).
        #[arg(long)]
        month: String,
        /// others, near_poor, poor, ethnic_minority, island
        #[arg(long, default_value = "others")]
        category: String,
        /// Months paid at once: 1, 3, 6, 12, or 24–60 whole years ahead (discounted).
        #[arg(long, default_value_t = 1)]
        months: u32,
        /// Province whose own support layer applies (e.g. 42).
        #[arg(long)]
        province: Option<String>,
        /// Group for the provincial layer: farmer (default with --province), freelance, none.
        #[arg(long)]
        group: Option<String>,
        /// Months of state support already received (cap 120).
        #[arg(long, default_value_t = 0)]
        support_months_used: u32,
        /// Payment date (YYYY-MM-DD): every month is priced at that day's parameters
        /// (default: the first day of --month).
        #[arg(long)]
        paid_on: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Household health insurance (BHYT hộ gia đình) for N members.
    HiHousehold {
        #[arg(long)]
        members: u32,
        /// Month of payment (YYYY-MM).
        #[arg(long)]
        month: String,
        #[arg(long, default_value_t = 1)]
        months: u32,
        #[arg(long)]
        json: bool,
    },
    /// Retirement age and month (Decree 135/2020).
    Retirement {
        /// male or female
        #[arg(long)]
        sex: String,
        /// Birth month YYYY-MM, or year YYYY.
        #[arg(long)]
        birth: String,
        #[arg(long)]
        json: bool,
    },
    /// Pension: eligibility, rate, monthly amount, lump sum (Law 41/2024).
    Pension {
        #[arg(long)]
        sex: String,
        /// Whole years of contributions.
        #[arg(long)]
        years: u32,
        /// Odd months (0–11).
        #[arg(long, default_value_t = 0)]
        months: u32,
        /// Average monthly income in đồng.
        #[arg(long)]
        average_income: i64,
        /// Month the pension starts (YYYY-MM), default this month.
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

/// Bad input: exit code 2 and one line, the first bad field ("field: vi / en").
fn invalid(e: ansinh_app::AppError) -> Failure {
    match e.first_invalid() {
        Some(i) => Failure { code: 2, message: format!("{}: {} / {}", i.field, i.vi, i.en) },
        None => Failure::from(e),
    }
}

fn money(n: i64) -> String {
    Vnd(n).format_vi()
}

fn print_json<T: serde::Serialize>(v: &T) -> Result<(), Failure> {
    let s = serde_json::to_string_pretty(v).map_err(|e| Failure { code: 1, message: e.to_string() })?;
    println!("{s}");
    Ok(())
}

fn print_basis(basis: &[BasisDto]) {
    println!("Căn cứ / legal basis:");
    for b in basis {
        let flag = if b.confidence == "U" { "  [chưa xác nhận / unconfirmed]" } else { "" };
        println!("  {:<38} {:>16}  {}{}", b.key, b.display, b.legal_basis, flag);
    }
}

pub fn run(params: &ParamSet, cmd: CalcCommand) -> Result<(), Failure> {
    match cmd {
        CalcCommand::Vsi {
            income,
            month,
            category,
            months,
            province,
            group,
            support_months_used,
            paid_on,
            json,
        } => {
            let req = VsiRequest {
                income,
                month,
                category,
                months: Some(months),
                province,
                group,
                support_months_used: Some(support_months_used),
                paid_on,
            };
            let r = calc::compute_vsi(params, &req).map_err(invalid)?;
            if json {
                return print_json(&r);
            }
            println!("BHXH tự nguyện — thu nhập chọn đóng {} / tháng, {} tháng", money(income), r.months);
            println!(
                "{:<8} {:>14} {:>14} {:>14} {:>14}",
                "Tháng", "Phải đóng 22%", "NN hỗ trợ", "Tỉnh hỗ trợ", "Còn phải đóng"
            );
            for l in &r.lines {
                println!(
                    "{:<8} {:>14} {:>14} {:>14} {:>14}",
                    l.month,
                    money(l.gross),
                    money(l.state_support),
                    money(l.local_support),
                    money(l.payable)
                );
            }
            println!(
                "Tổng: phải đóng {}, Nhà nước hỗ trợ {}, tỉnh hỗ trợ {}",
                money(r.gross),
                money(r.state_support),
                money(r.local_support)
            );
            if r.discount > 0 {
                println!("Giảm trừ do đóng trước: {}", money(r.discount));
            }
            if r.interest > 0 {
                println!("Lãi do đóng bù: {}", money(r.interest));
            }
            println!("SỐ TIỀN CẦN ĐÓNG: {}", money(r.payable));
            println!("Hạn đóng: {} — {}", fmt_day(&r.deadline.last_day), r.deadline.rule_vi);
            print_basis(&r.basis);
        }
        CalcCommand::HiHousehold { members, month, months, json } => {
            let r = calc::compute_hi(params, &HiRequest { members, month, months: Some(months) })
                .map_err(invalid)?;
            if json {
                return print_json(&r);
            }
            println!("BHYT hộ gia đình — {} thành viên", r.members.len());
            for m in &r.members {
                println!(
                    "  Người thứ {:<3} {:>6}%  {:>14} / tháng",
                    m.ordinal,
                    m.share_percent,
                    money(m.monthly)
                );
            }
            println!("Cộng mỗi tháng: {}", money(r.monthly_total));
            println!("Tổng {} tháng: {}", r.months, money(r.total));
            print_basis(&r.basis);
        }
        CalcCommand::Retirement { sex, birth, json } => {
            let today = Month::from_date(ansinh_app::Clock::System.today());
            let r = calc::compute_retirement(params, &RetirementRequest { sex, birth }, today)
                .map_err(invalid)?;
            if json {
                return print_json(&r);
            }
            println!("Tuổi nghỉ hưu: {} tuổi {} tháng", r.age_years, r.age_months);
            println!("Đủ tuổi vào tháng: {}", fmt_month(&r.reached));
            println!("Hưởng lương hưu từ tháng: {}", fmt_month(&r.pension_start));
            print_basis(&r.basis);
        }
        CalcCommand::Pension { sex, years, months, average_income, on, json } => {
            let today = Month::from_date(ansinh_app::Clock::System.today());
            let req = PensionRequest { sex, years, months: Some(months), average_income, on };
            let r = calc::compute_pension(params, &req, today).map_err(invalid)?;
            if json {
                return print_json(&r);
            }
            println!(
                "Thời gian đóng: {years} năm {months} tháng; thu nhập bình quân {}",
                money(average_income)
            );
            if r.eligible {
                println!(
                    "Đủ điều kiện hưởng lương hưu. Tỷ lệ hưởng: {}%",
                    r.rate_percent.to_string().replace('.', ",")
                );
                println!("Lương hưu hằng tháng: {}", money(r.monthly_pension));
                if r.lump_sum > 0 {
                    println!("Trợ cấp một lần khi nghỉ hưu: {}", money(r.lump_sum));
                }
            } else {
                println!("Chưa đủ điều kiện hưởng lương hưu: {}", r.reason_vi);
            }
            print_basis(&r.basis);
        }
    }
    Ok(())
}

fn fmt_month(ym: &str) -> String {
    match ym.split_once('-') {
        Some((y, m)) => format!("{m}/{y}"),
        None => ym.to_string(),
    }
}

fn fmt_day(ymd: &str) -> String {
    let p: Vec<&str> = ymd.split('-').collect();
    if p.len() == 3 { format!("{}/{}/{}", p[2], p[1], p[0]) } else { ymd.to_string() }
}
