//! Calculators' input and output: the one contract of `POST /api/v1/calc/{vsi,hi-household,
//! retirement,pension}`, `ansinh calc` and the estimator page. Each value is parsed here, once
//! (one month, sex, birth, payment-mode, category and group parser, each with one range), so the
//! three cannot drift. Amounts are integers in đồng. Every response lists the legal parameters
//! it used. Bad input is an [`AppError::Invalid`] naming every bad field.

use crate::AppError;
use ansinh_domain::Invalid;
use ansinh_domain::person::{FIRST_BIRTH_YEAR, parse_sex};
use ansinh_rules::vsi::{LocalGroup, PaymentMode, SupportCategory};
use ansinh_rules::{BirthMonth, Month, ParamSet, ParamUsed, Vnd, hi, pension, retirement, vsi};
use serde::{Deserialize, Serialize};

type Result<T> = std::result::Result<T, AppError>;

/// A legal parameter a result used, with its basis.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BasisDto {
    pub key: String,
    pub value: i64,
    /// The value as people read it (`4,5%`, `2.340.000 ₫`).
    pub display: String,
    pub effective_from: String,
    pub effective_to: Option<String>,
    pub legal_basis: String,
    /// V confirmed, S one source, U unconfirmed.
    pub confidence: String,
}

pub fn basis(used: &[ParamUsed]) -> Vec<BasisDto> {
    used.iter()
        .map(|u| {
            let v = u.version();
            let display = ansinh_rules::param_info(&v.key)
                .map_or_else(|| v.value.to_string(), |i| i.unit.format_vi(v.value));
            BasisDto {
                key: v.key.clone(),
                value: v.value,
                display,
                effective_from: v.effective_from.to_string(),
                effective_to: v.effective_to.map(|d| d.to_string()),
                legal_basis: v.legal_basis.clone(),
                confidence: v.confidence.as_str().into(),
            }
        })
        .collect()
}

/// `YYYY-MM` or `MM/YYYY` (how months are written on the pages).
fn month_text(s: &str) -> Option<Month> {
    let s = s.trim();
    if let Ok(m) = Month::parse(s) {
        return Some(m);
    }
    let (m, y) = s.split_once('/')?;
    Month::new(y.trim().parse().ok()?, m.trim().parse().ok()?).ok()
}

/// A day as YYYY-MM-DD or DD/MM/YYYY.
pub fn date(field: &str, s: &str) -> std::result::Result<chrono::NaiveDate, Invalid> {
    let t = s.trim();
    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(t, "%d/%m/%Y"))
        .map_err(|_| {
            Invalid::new(
                field,
                format!("Ngày «{s}» không hợp lệ, cần DD/MM/YYYY"),
                format!("date «{s}» is invalid, expected DD/MM/YYYY or YYYY-MM-DD"),
            )
        })
}

pub fn month(field: &str, s: &str) -> std::result::Result<Month, Invalid> {
    month_text(s).ok_or_else(|| {
        Invalid::new(
            field,
            format!("Tháng «{s}» không hợp lệ, cần MM/YYYY"),
            format!("month «{s}» is invalid, expected MM/YYYY or YYYY-MM"),
        )
    })
}

/// Parse a category name (`others`, `near_poor`, `poor`, `ethnic_minority`, `island`).
pub fn category(s: &str) -> std::result::Result<SupportCategory, Invalid> {
    SupportCategory::ALL.into_iter().find(|c| c.group() == s.trim().replace('-', "_")).ok_or_else(|| {
        Invalid::new(
            "category",
            format!("Nhóm «{s}» không hợp lệ: others, near_poor, poor, ethnic_minority, island"),
            format!("category «{s}» must be one of others, near_poor, poor, ethnic_minority, island"),
        )
    })
}

/// Map a number of months to a payment mode: 1, 3, 6, 12; or 24–60 (whole years, paid ahead).
pub fn mode(months: u32) -> std::result::Result<PaymentMode, Invalid> {
    match months {
        1 => Ok(PaymentMode::Monthly),
        3 => Ok(PaymentMode::Every3),
        6 => Ok(PaymentMode::Every6),
        12 => Ok(PaymentMode::Every12),
        m if m > 12 && m % 12 == 0 => Ok(PaymentMode::AheadYears { months: m }),
        m => Err(Invalid::new(
            "months",
            format!("Số tháng {m} không hợp lệ: 1, 3, 6, 12 hoặc đóng trước nhiều năm 24, 36, 48, 60"),
            format!("months {m} is invalid: 1, 3, 6, 12, or whole years ahead 24, 36, 48, 60"),
        )),
    }
}

pub fn group(s: Option<&str>, province: bool) -> std::result::Result<Option<LocalGroup>, Invalid> {
    match s.map(str::trim) {
        None if province => Ok(Some(LocalGroup::Farmer)),
        None | Some("none") | Some("") => Ok(None),
        Some("farmer") => Ok(Some(LocalGroup::Farmer)),
        Some("freelance") => Ok(Some(LocalGroup::Freelance)),
        Some(g) => Err(Invalid::new(
            "group",
            format!("Nhóm «{g}» không hợp lệ: farmer, freelance, none"),
            format!("group «{g}» must be farmer, freelance or none"),
        )),
    }
}

/// A sum of money as people type it: `2.000.000`, `2000000`, `2tr`, `2 triệu`, `2,5 tr`,
/// `500k`, `500 nghìn`. Whole đồng; `None` when it is not one.
pub fn vnd_text(s: &str) -> Option<i64> {
    let t = ansinh_domain::text::fold(s).replace(' ', "");
    let (number, scale) =
        [("trieu", 1_000_000), ("tr", 1_000_000), ("nghin", 1_000), ("ngan", 1_000), ("k", 1_000)]
            .iter()
            .find_map(|(suffix, scale)| t.strip_suffix(suffix).map(|n| (n.to_string(), *scale)))
            .unwrap_or((t.trim_end_matches(['d', 'đ', '₫']).to_string(), 1));
    if scale == 1 {
        // Digit grouping with '.', ',' or spaces: only digits count.
        if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
            return None;
        }
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        return digits.parse::<i64>().ok();
    }
    // "2,5tr" / "2.5tr": a decimal fraction of the unit.
    let (whole, frac) = number.split_once([',', '.']).unwrap_or((&number, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let mut value = whole.parse::<i64>().ok()?.checked_mul(scale)?;
    let mut unit = scale;
    for c in frac.chars() {
        unit /= 10;
        value = value.checked_add(i64::from(c.to_digit(10)?) * unit)?;
    }
    Some(value)
}

/// The largest amount any calculator accepts (a thousand billion đồng): far above every legal
/// ceiling, low enough that no sum or product of amounts can overflow.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;

pub fn income(field: &str, n: i64) -> std::result::Result<Vnd, Invalid> {
    if n <= 0 {
        return Err(Invalid::new(field, "Số tiền phải lớn hơn 0", "the amount must be positive"));
    }
    if n > MAX_AMOUNT {
        return Err(Invalid::new(
            field,
            format!("Số tiền {} quá lớn (tối đa {})", Vnd(n).format_vi(), Vnd(MAX_AMOUNT).format_vi()),
            format!("the amount {n} is too large (at most {MAX_AMOUNT})"),
        ));
    }
    Ok(Vnd(n))
}

// ------------------------------------------------------------------------------------ VSI

/// A voluntary social insurance (BHXH tự nguyện) quote.
#[derive(Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VsiRequest {
    /// Chosen monthly income (đồng): between the rural poverty line and 20 × the reference level.
    pub income: i64,
    /// First month paid, YYYY-MM.
    pub month: String,
    /// others, near_poor, poor, ethnic_minority, island
    #[serde(default = "default_category")]
    pub category: String,
    /// 1, 3, 6, 12, or 24–60 whole years paid ahead (discounted). Default 1.
    #[serde(default)]
    pub months: Option<u32>,
    /// Province code whose own support layer applies (e.g. 42 Hà Tĩnh).
    #[serde(default)]
    pub province: Option<String>,
    /// farmer, freelance or none: the group the provincial layer looks at (default farmer).
    #[serde(default)]
    pub group: Option<String>,
    /// Months of state support already received (the cap is 120).
    #[serde(default)]
    pub support_months_used: Option<u32>,
    /// Payment date, YYYY-MM-DD or DD/MM/YYYY: every month is priced with the parameters in
    /// force that day (default: the first day of `month`).
    #[serde(default)]
    pub paid_on: Option<String>,
}

fn default_category() -> String {
    "others".into()
}

#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VsiLineDto {
    pub month: String,
    pub gross: i64,
    pub state_support: i64,
    pub local_support: i64,
    pub payable: i64,
}

#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeadlineDto {
    /// Last day to pay (YYYY-MM-DD); missing it suspends participation.
    pub last_day: String,
    pub rule_vi: String,
    pub rule_en: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VsiResponse {
    /// The day whose parameters priced every month (YYYY-MM-DD).
    pub priced_on: String,
    /// 22% × income, summed over the months.
    pub gross: i64,
    /// National support (Nhà nước hỗ trợ), summed.
    pub state_support: i64,
    /// Provincial support layer, summed.
    pub local_support: i64,
    /// To pay: gross − supports (− discount + interest).
    pub payable: i64,
    pub months: u32,
    /// Discount for paying years ahead.
    pub discount: i64,
    /// Interest for paying missing months late.
    pub interest: i64,
    pub lines: Vec<VsiLineDto>,
    pub deadline: DeadlineDto,
    pub basis: Vec<BasisDto>,
}

pub fn vsi_input(r: &VsiRequest) -> Result<vsi::VsiInput> {
    let start = month("month", &r.month)?;
    let mut input = vsi::VsiInput::new(start, income("income", r.income)?);
    input.category = category(&r.category)?;
    input.mode = mode(r.months.unwrap_or(1))?;
    input.province = r.province.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_string);
    input.local_group = group(r.group.as_deref(), input.province.is_some())?;
    input.support_months_used = r.support_months_used.unwrap_or(0);
    if let Some(d) = r.paid_on.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        input.paid_on = Some(date("paid_on", d)?);
    }
    Ok(input)
}

pub fn vsi_response(q: &vsi::VsiQuote) -> VsiResponse {
    VsiResponse {
        priced_on: q.priced_on.to_string(),
        gross: q.gross.0,
        state_support: q.state_support.0,
        local_support: q.local_support.0,
        payable: q.payable.0,
        months: q.months,
        discount: q.discount.0,
        interest: q.interest.0,
        lines: q
            .lines
            .iter()
            .map(|l| VsiLineDto {
                month: l.month.to_string(),
                gross: l.gross.0,
                state_support: l.state_support.0,
                local_support: l.local_support.0,
                payable: l.payable.0,
            })
            .collect(),
        deadline: DeadlineDto {
            last_day: q.deadline.last_day.to_string(),
            rule_vi: q.deadline.rule_vi(),
            rule_en: q.deadline.rule_en(),
        },
        basis: basis(&q.basis),
    }
}

pub fn compute_vsi(params: &ParamSet, r: &VsiRequest) -> Result<VsiResponse> {
    Ok(vsi_response(&vsi::quote(params, &vsi_input(r)?)?))
}

// ------------------------------------------------------------------------------------ HI

/// Household health insurance (BHYT hộ gia đình) for members joining through the household.
#[derive(Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HiRequest {
    /// Members joining through the household scheme (1–20).
    pub members: u32,
    /// Month of payment, YYYY-MM (prices with the base salary in force then).
    pub month: String,
    /// Months paid (default 1).
    #[serde(default)]
    pub months: Option<u32>,
}

#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HiMemberDto {
    pub ordinal: u32,
    /// Share of the first member's amount, in percent (100, 70, 60, 50, 40).
    pub share_percent: f64,
    pub monthly: i64,
}

#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HiResponse {
    pub members: Vec<HiMemberDto>,
    pub monthly_total: i64,
    /// Over `months`.
    pub total: i64,
    pub months: u32,
    pub basis: Vec<BasisDto>,
}

pub fn compute_hi(params: &ParamSet, r: &HiRequest) -> Result<HiResponse> {
    if r.members == 0 || r.members > 20 {
        return Err(AppError::invalid(
            "members",
            "Số thành viên phải từ 1 đến 20",
            "members must be between 1 and 20",
        ));
    }
    let months = r.months.unwrap_or(1);
    if months == 0 || months > 60 {
        return Err(AppError::invalid(
            "months",
            "Số tháng phải từ 1 đến 60",
            "months must be between 1 and 60",
        ));
    }
    let q = hi::household(params, r.members, month("month", &r.month)?, months)?;
    Ok(HiResponse {
        members: q
            .members
            .iter()
            .map(|m| HiMemberDto {
                ordinal: m.ordinal,
                share_percent: m.share_bps as f64 / 100.0,
                monthly: m.monthly.0,
            })
            .collect(),
        monthly_total: q.monthly_total.0,
        total: q.total.0,
        months: q.months,
        basis: basis(&q.basis),
    })
}

// ------------------------------------------------------------------------------------ retirement

/// Retirement age (Labour Code 2019 Art 169, Decree 135/2020).
#[derive(Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetirementRequest {
    /// male or female
    pub sex: String,
    /// Birth month YYYY-MM, or year YYYY when only the year is known (counts as January).
    pub birth: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetirementResponse {
    pub age_years: u32,
    pub age_months: u32,
    /// Month of reaching retirement age, YYYY-MM.
    pub reached: String,
    /// First month of pension, YYYY-MM.
    pub pension_start: String,
    pub basis: Vec<BasisDto>,
}

/// A birth month `YYYY-MM` (or `MM/YYYY`), or a year `YYYY` when only the year is known
/// (counts as January), from the first birth year the registry accepts to this year.
pub fn birth(s: &str, today: Month) -> std::result::Result<BirthMonth, Invalid> {
    let s = s.trim();
    let bad = || {
        Invalid::new(
            "birth",
            format!(
                "Tháng/năm sinh «{s}» không hợp lệ: MM/YYYY hoặc YYYY, từ {FIRST_BIRTH_YEAR} đến năm nay"
            ),
            format!("birth «{s}» is invalid: MM/YYYY or YYYY, from {FIRST_BIRTH_YEAR} to this year"),
        )
    };
    let b = if s.len() == 4 {
        BirthMonth::year_only(s.parse().map_err(|_| bad())?)
    } else {
        let m = month_text(s).ok_or_else(bad)?;
        BirthMonth::new(m.year(), m.month())
    };
    if !(FIRST_BIRTH_YEAR..=today.year()).contains(&b.year) {
        return Err(bad());
    }
    Ok(b)
}

pub fn compute_retirement(
    params: &ParamSet,
    r: &RetirementRequest,
    today: Month,
) -> Result<RetirementResponse> {
    let x = retirement::reach(params, parse_sex(&r.sex)?, birth(&r.birth, today)?)?;
    Ok(RetirementResponse {
        age_years: x.age_years,
        age_months: x.age_months,
        reached: x.reached.to_string(),
        pension_start: x.pension_start.to_string(),
        basis: basis(&x.basis),
    })
}

// ------------------------------------------------------------------------------------ pension

/// Pension from years of contributions and an average income (Law 41/2024 Art 99–100).
#[derive(Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PensionRequest {
    pub sex: String,
    /// Whole years of contributions.
    pub years: u32,
    /// Odd months (0–11).
    #[serde(default)]
    pub months: Option<u32>,
    /// Average monthly income the pension is computed on (đồng).
    pub average_income: i64,
    /// Month the pension starts (YYYY-MM; default this month): the rules in force then apply.
    #[serde(default)]
    pub on: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PensionResponse {
    pub eligible: bool,
    /// e.g. 45, 47, 40.5
    pub rate_percent: f64,
    pub monthly_pension: i64,
    /// One-off allowance for years above 35 (men) / 30 (women).
    pub lump_sum: i64,
    pub reason_vi: String,
    pub reason_en: String,
    pub basis: Vec<BasisDto>,
}

pub fn compute_pension(params: &ParamSet, r: &PensionRequest, today: Month) -> Result<PensionResponse> {
    let months = r.months.unwrap_or(0);
    if months > 11 {
        return Err(AppError::invalid("months", "Số tháng lẻ phải từ 0 đến 11", "odd months must be 0–11"));
    }
    if r.years > 60 {
        return Err(AppError::invalid("years", "Số năm đóng tối đa 60", "years must be at most 60"));
    }
    let on = match r.on.as_deref() {
        Some(s) if !s.trim().is_empty() => month("on", s)?,
        _ => today,
    };
    let p = pension::compute(
        params,
        pension::PensionInput {
            sex: parse_sex(&r.sex)?,
            years: r.years,
            months,
            average_income: income("average_income", r.average_income)?,
            months_after_retirement_age: 0,
            on,
        },
    )?;
    Ok(PensionResponse {
        eligible: p.eligible,
        rate_percent: p.rate_bps as f64 / 100.0,
        monthly_pension: p.monthly_pension.0,
        lump_sum: p.lump_sum.0,
        reason_vi: p.reason.vi.clone(),
        reason_en: p.reason.en.clone(),
        basis: basis(&p.basis),
    })
}

// ------------------------------------------------------------------------------------ estimator

fn keep<T>(r: std::result::Result<T, Invalid>, errors: &mut Vec<Invalid>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

/// A payment is priced on its day: a month before this one is refused on `field`, the message
/// naming the month typed (`{m}`) and this month (`{now}`).
fn not_past(field: &str, m: Month, now: Month, vi: &str, en: &str) -> std::result::Result<Month, Invalid> {
    if m >= now {
        return Ok(m);
    }
    let fill = |t: &str| t.replace("{m}", &m.format_vi()).replace("{now}", &now.format_vi());
    Err(Invalid::new(field, fill(vi), fill(en)))
}

/// Most years of contributions a person can enter (a working life).
pub const MAX_CONTRIBUTION_YEARS: u32 = 60;

/// The estimator's form as typed (strings, so a bad value comes back to the person as typed).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EstimateForm {
    #[serde(default)]
    pub sex: String,
    /// MM/YYYY, YYYY-MM or YYYY
    #[serde(default)]
    pub birth: String,
    #[serde(default)]
    pub paid_years: String,
    #[serde(default)]
    pub paid_months: String,
    #[serde(default)]
    pub income: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub mode: String,
    /// Province layer, e.g. "42"; empty = none.
    #[serde(default)]
    pub province: String,
    #[serde(default)]
    pub group: String,
    /// First month to pay, YYYY-MM or MM/YYYY.
    #[serde(default)]
    pub start: String,
}

impl EstimateForm {
    /// Whether the person has submitted anything yet.
    pub fn submitted(&self) -> bool {
        !self.birth.trim().is_empty()
    }

    /// Fill what the person left empty: a woman starting this month at the lowest income the
    /// law allows (the rural poverty line in force), 12 months at a time, in no support group.
    pub fn with_defaults(mut self, params: &ParamSet, today: chrono::NaiveDate) -> EstimateForm {
        let d = |s: &mut String, v: &str| {
            if s.trim().is_empty() {
                *s = v.to_string();
            }
        };
        let start = Month::from_date(today);
        d(&mut self.sex, "female");
        d(&mut self.paid_years, "0");
        d(&mut self.paid_months, "0");
        if let Ok(min) = params.value(ansinh_rules::keys::POVERTY_LINE_RURAL, start.first_day()) {
            d(&mut self.income, &Vnd(min).digits_vi());
        }
        d(&mut self.category, "others");
        d(&mut self.mode, "12");
        d(&mut self.start, &start.format_vi());
        self
    }

    /// Parse into the estimator's input with the same parsers as the API and the CLI; every
    /// bad field is reported. `today` is the payment date the estimate prices with.
    pub fn parse(
        &self,
        today: chrono::NaiveDate,
    ) -> std::result::Result<crate::estimate::EstimateInput, Vec<Invalid>> {
        let this_month = Month::from_date(today);
        let mut errors = Vec::new();
        let sex = keep(parse_sex(&self.sex), &mut errors);
        let birth = keep(birth(&self.birth, this_month), &mut errors);
        let count = |field: &str, s: &str, max: u32| {
            s.trim().parse::<u32>().ok().filter(|n| *n <= max).ok_or_else(|| {
                Invalid::new(field, format!("Cần số từ 0 đến {max}"), format!("a number from 0 to {max}"))
            })
        };
        let years = keep(count("paid_years", &self.paid_years, MAX_CONTRIBUTION_YEARS), &mut errors);
        let months = keep(count("paid_months", &self.paid_months, 11), &mut errors);
        let income = keep(
            vnd_text(&self.income).ok_or_else(|| {
                Invalid::new(
                    "income",
                    format!(
                        "Mức thu nhập «{}» không đọc được: ghi số đồng, ví dụ 2.000.000 hoặc 2 triệu",
                        self.income.trim()
                    ),
                    format!(
                        "the income «{}» cannot be read: write đồng, e.g. 2.000.000 or 2 triệu",
                        self.income.trim()
                    ),
                )
            }),
            &mut errors,
        )
        .and_then(|n| keep(income("income", n), &mut errors));
        let category = keep(category(&self.category), &mut errors);
        let mode_months = keep(
            if self.mode.trim() == "missing" {
                Ok(crate::estimate::EstimateMode::Missing)
            } else {
                count("mode", &self.mode, 60).and_then(|m| {
                    mode(m)
                        .map(|_| crate::estimate::EstimateMode::Months(m))
                        .map_err(|e| Invalid { field: "mode".into(), ..e })
                })
            },
            &mut errors,
        );
        let start = keep(
            month("start", &self.start).and_then(|m| {
                not_past(
                    "start",
                    m,
                    this_month,
                    "Tháng bắt đầu đóng {m} đã qua: chọn từ tháng này ({now}); thời gian đã qua chỉ được đóng bù một lần khi đủ tuổi nghỉ hưu",
                    "the first month {m} is past: choose this month ({now}) or later; past months are only paid in one go at retirement age",
                )
            }),
            &mut errors,
        );
        let province = Some(self.province.trim().to_string()).filter(|p| !p.is_empty());
        let group =
            keep(group(Some(self.group.as_str()).filter(|g| !g.is_empty()), province.is_some()), &mut errors);
        match (sex, birth, years, months, income, category, mode_months, start, group) {
            (
                Some(sex),
                Some(birth),
                Some(years),
                Some(months),
                Some(income),
                Some(category),
                Some(mode_months),
                Some(start),
                Some(group),
            ) if errors.is_empty() => Ok(crate::estimate::EstimateInput {
                sex,
                birth,
                paid_months: years * 12 + months,
                income,
                category,
                mode: mode_months,
                province,
                group,
                start,
                paid_on: today,
            }),
            _ => Err(errors),
        }
    }
}

/// The household health-insurance calculator's form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct HiForm {
    /// Members joining through the household scheme.
    #[serde(default)]
    pub members: String,
    /// Months of the period (one of the allowed periods).
    #[serde(default)]
    pub months: String,
    /// Month of payment, MM/YYYY: the base salary in force then prices it.
    #[serde(default)]
    pub month: String,
}

impl HiForm {
    pub fn submitted(&self) -> bool {
        !self.members.trim().is_empty()
    }

    /// This month, and the longest allowed period.
    pub fn with_defaults(mut self, today: chrono::NaiveDate, periods: &[u32]) -> HiForm {
        if self.month.trim().is_empty() {
            self.month = Month::from_date(today).format_vi();
        }
        if self.months.trim().is_empty() {
            self.months = periods.iter().max().copied().unwrap_or(12).to_string();
        }
        self
    }

    /// Parse and price with the one HI calculator of the API; a payment month in the past is
    /// refused (a payment is priced on its day).
    pub fn compute(
        &self,
        params: &ParamSet,
        today: chrono::NaiveDate,
    ) -> std::result::Result<HiResponse, Vec<Invalid>> {
        let mut errors = Vec::new();
        let members = self.members.trim().parse::<u32>().ok().filter(|n| (1..=20).contains(n));
        if members.is_none() {
            errors.push(Invalid::new(
                "members",
                "Số người tham gia theo hộ phải là số từ 1 đến 20",
                "members must be a number from 1 to 20",
            ));
        }
        let months = self.months.trim().parse::<u32>().ok();
        if months.is_none() {
            errors.push(Invalid::new("months", "Chọn số tháng đóng", "choose the months to pay"));
        }
        let this_month = Month::from_date(today);
        let m = keep(
            month("month", &self.month).and_then(|m| {
                not_past(
                    "month",
                    m,
                    this_month,
                    "Tháng đóng {m} đã qua: chọn từ tháng {now}",
                    "the month {m} is past: choose {now} or later",
                )
            }),
            &mut errors,
        );
        let (Some(members), Some(months), Some(m)) = (members, months, m) else { return Err(errors) };
        if !errors.is_empty() {
            return Err(errors);
        }
        let r = HiRequest { members, month: m.to_string(), months: Some(months) };
        compute_hi(params, &r).map_err(|e| match e {
            AppError::Invalid(v) => v,
            other => vec![Invalid::new("members", other.to_string(), other.to_string())],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_as_people_type_it() {
        for (text, want) in [
            ("2.000.000", Some(2_000_000)),
            ("2000000", Some(2_000_000)),
            ("2 000 000 đ", Some(2_000_000)),
            ("2tr", Some(2_000_000)),
            ("2 triệu", Some(2_000_000)),
            ("2,5 tr", Some(2_500_000)),
            ("2.25tr", Some(2_250_000)),
            ("500k", Some(500_000)),
            ("500 nghìn", Some(500_000)),
            ("hai triệu", None),
            ("", None),
            ("-5", None),
            ("99999999999999999999", None),
        ] {
            assert_eq!(vnd_text(text), want, "{text}");
        }
    }

    #[test]
    fn one_birth_range_and_both_month_forms() {
        let now = Month::new(2026, 12).unwrap();
        assert_eq!(birth("09/1964", now).unwrap(), BirthMonth::new(1964, 9));
        assert_eq!(birth("1964-09", now).unwrap(), BirthMonth::new(1964, 9));
        assert_eq!(birth("1964", now).unwrap(), BirthMonth::year_only(1964));
        assert!(birth("2031", now).is_err());
        assert!(birth("1850", now).is_err());
        assert_eq!(month("m", "01/2027").unwrap(), Month::new(2027, 1).unwrap());
    }

    #[test]
    fn estimator_form_reports_every_bad_field() {
        let f = EstimateForm {
            sex: "x".into(),
            birth: "abc".into(),
            income: "nhiều".into(),
            ..Default::default()
        };
        let errors = f.parse(chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for want in ["sex", "birth", "paid_years", "income", "category", "start"] {
            assert!(fields.contains(&want), "{want}: {fields:?}");
        }
    }
}
