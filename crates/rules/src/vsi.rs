//! BHXH tự nguyện — voluntary social insurance (VSI): what a person pays, what the state and the
//! province pay, and by when.
//!
//! Rules (Law 41/2024 Art 31, 36; Decree 159/2025 Art 5–7), every number from the [`ParamSet`]:
//! - contribution = `vsi.rate` (22%) × chosen monthly income, rounded per month;
//! - chosen income within [`poverty_line.rural`, `vsi.max_income_multiple` × `base_salary`] in
//!   force on the pricing date;
//! - state support = national % (highest applicable category) × 22% × rural poverty line;
//!   provincial top-up = its % × the same base, only while in force and for eligible groups;
//!   support stops once `vsi.support.max_months` months have been supported;
//! - a payment is priced on one date for every month it covers and never re-priced: the limits
//!   apply "tại thời điểm đóng" (Law 41/2024 Art 31 cl 2) and a multi-year payment is fixed when
//!   registered (Art 36 cl 3(đ)). The pricing date is the payment date, or the first day of the
//!   first month covered while `vsi.pricing.first_month` is 1 (DOMAIN.md §12). So 12 months paid
//!   in November 2026 at 1,500,000 ₫ stay valid after the poverty line rises on 1 Jan 2027;
//! - paying several years ahead is discounted and the lump sum for missing months carries
//!   interest at r = `vsi.fund_monthly_rate` (formula of Decree 134/2015 Art 10, **U** for
//!   Decree 159/2025): ahead Σ 0.22·Cᵢ/(1+r)^(i−1); missing Σ 0.22·Cᵢ·(1+r)^i.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize, Serializer};

use crate::calendar::Month;
use crate::catalog::keys;
use crate::error::{Bilingual, RuleError};
use crate::money::{BPS, Vnd, round_vnd};
use crate::params::{Basis, Hot, ParamSeries, ParamSet, ParamUsed, ParamVersion};
use std::sync::Arc;

/// Đối tượng hỗ trợ — the national support category of the participant.
///
/// If several apply, pass the household status (poor / near-poor) when there is one: in every
/// era Poor ≥ Island and NearPoor ≥ EthnicMinority. The calculator also always considers
/// `Others` and takes the highest rate in force, so a category that did not exist yet in a month
/// (ethnic minority and island before 1 Jul 2025) falls back to "others".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupportCategory {
    /// Đối tượng khác.
    #[default]
    Others,
    /// Hộ cận nghèo.
    NearPoor,
    /// Hộ nghèo.
    Poor,
    /// Người dân tộc thiểu số.
    EthnicMinority,
    /// Người sinh sống tại xã đảo, đặc khu.
    Island,
}

impl SupportCategory {
    /// Every category.
    pub const ALL: [SupportCategory; 5] = [
        SupportCategory::Others,
        SupportCategory::NearPoor,
        SupportCategory::Poor,
        SupportCategory::EthnicMinority,
        SupportCategory::Island,
    ];

    /// The national support key, e.g. `vsi.support.poor`.
    pub const fn key(self) -> &'static str {
        match self {
            SupportCategory::Others => keys::VSI_SUPPORT_OTHERS,
            SupportCategory::NearPoor => keys::VSI_SUPPORT_NEAR_POOR,
            SupportCategory::Poor => keys::VSI_SUPPORT_POOR,
            SupportCategory::EthnicMinority => keys::VSI_SUPPORT_ETHNIC_MINORITY,
            SupportCategory::Island => keys::VSI_SUPPORT_ISLAND,
        }
    }

    pub(crate) const fn hot(self) -> Hot {
        match self {
            SupportCategory::Others => Hot::SupportOthers,
            SupportCategory::NearPoor => Hot::SupportNearPoor,
            SupportCategory::Poor => Hot::SupportPoor,
            SupportCategory::EthnicMinority => Hot::SupportEthnicMinority,
            SupportCategory::Island => Hot::SupportIsland,
        }
    }

    /// The `{group}` segment of provincial keys, e.g. `near_poor`.
    pub const fn group(self) -> &'static str {
        match self {
            SupportCategory::Others => "others",
            SupportCategory::NearPoor => "near_poor",
            SupportCategory::Poor => "poor",
            SupportCategory::EthnicMinority => "ethnic_minority",
            SupportCategory::Island => "island",
        }
    }
}

/// Nhóm được tỉnh hỗ trợ thêm — a group a provincial resolution may top up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocalGroup {
    /// Hộ nông, lâm, ngư nghiệp — farm, forestry or fishery household.
    Farmer,
    /// Lao động tự do — freelance / informal worker.
    Freelance,
}

impl LocalGroup {
    /// The `{group}` segment of provincial keys.
    pub const fn group(self) -> &'static str {
        match self {
            LocalGroup::Farmer => "farmer",
            LocalGroup::Freelance => "freelance",
        }
    }
}

/// Phương thức đóng — payment mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PaymentMode {
    /// Hằng tháng.
    Monthly,
    /// 3 tháng một lần.
    Every3,
    /// 6 tháng một lần.
    Every6,
    /// 12 tháng một lần.
    Every12,
    /// Một lần cho nhiều năm về sau (discounted): whole years, more than 12 months, at most
    /// `vsi.ahead_max_months`.
    AheadYears {
        /// Months paid ahead.
        months: u32,
    },
    /// Một lần cho thời gian còn thiếu khi đủ tuổi nghỉ hưu (with interest): at most
    /// `vsi.missing_max_months`.
    MissingAtRetirement {
        /// Missing months paid.
        months: u32,
    },
}

impl PaymentMode {
    /// Number of months the payment covers.
    pub const fn months(self) -> u32 {
        match self {
            PaymentMode::Monthly => 1,
            PaymentMode::Every3 => 3,
            PaymentMode::Every6 => 6,
            PaymentMode::Every12 => 12,
            PaymentMode::AheadYears { months } | PaymentMode::MissingAtRetirement { months } => months,
        }
    }

    /// The `{mode}` segment of `vsi.deadline_months.{mode}`.
    pub const fn key(self) -> &'static str {
        match self {
            PaymentMode::Monthly => "monthly",
            PaymentMode::Every3 => "every3",
            PaymentMode::Every6 => "every6",
            PaymentMode::Every12 => "every12",
            PaymentMode::AheadYears { .. } => "ahead",
            PaymentMode::MissingAtRetirement { .. } => "missing",
        }
    }
}

/// What a VSI quote is asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VsiInput {
    /// First month paid for (for the missing-months lump sum: the month of payment).
    pub start: Month,
    /// Mức thu nhập lựa chọn — chosen monthly income.
    pub income: Vnd,
    /// National support category.
    #[serde(default)]
    pub category: SupportCategory,
    /// Payment mode.
    pub mode: PaymentMode,
    /// Province code (2 digits) for a provincial top-up, e.g. `"42"` for Hà Tĩnh.
    #[serde(default)]
    pub province: Option<String>,
    /// Group for a provincial top-up.
    #[serde(default)]
    pub local_group: Option<LocalGroup>,
    /// Months of support already received (all regimes).
    #[serde(default)]
    pub support_months_used: u32,
    /// Of those, months received before 1 Jul 2025 (Decree 134/2015). Only matters while
    /// `vsi.support.cap_counts_prior_regime` is 0.
    #[serde(default)]
    pub support_months_used_prior_regime: u32,
    /// Ngày đóng — the payment date; `None` prices as if paid on the first day of `start`.
    #[serde(default)]
    pub paid_on: Option<NaiveDate>,
}

impl VsiInput {
    /// Monthly payment by "others" with no provincial top-up and no support used yet.
    pub fn new(start: Month, income: Vnd) -> VsiInput {
        VsiInput {
            start,
            income,
            category: SupportCategory::Others,
            mode: PaymentMode::Monthly,
            province: None,
            local_group: None,
            support_months_used: 0,
            support_months_used_prior_regime: 0,
            paid_on: None,
        }
    }

    /// The same input paid on `date`.
    pub fn paid_on(self, date: NaiveDate) -> VsiInput {
        VsiInput { paid_on: Some(date), ..self }
    }
}

/// One month of a quote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct VsiLine {
    /// 1-based position in the payment (the exponent of the discount / interest).
    pub ordinal: u32,
    /// Month priced (for the missing-months lump sum: the payment month, for every line).
    pub month: Month,
    /// 22% × income.
    pub gross: Vnd,
    /// Nhà nước hỗ trợ — national support.
    pub state_support: Vnd,
    /// Tỉnh hỗ trợ thêm — provincial top-up.
    pub local_support: Vnd,
    /// gross − supports (before any discount / interest).
    pub payable: Vnd,
}

/// Hạn đóng — the last day to pay, and the rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deadline {
    /// Mode.
    pub mode: PaymentMode,
    /// First month of the period.
    pub start: Month,
    /// Last day to pay.
    pub last_day: NaiveDate,
    /// Months from the start within which to pay.
    pub within_months: u32,
    /// The parameter that set it.
    pub basis: ParamUsed,
}

impl Deadline {
    fn what_vi(&self) -> String {
        let n = self.mode.months();
        match self.mode {
            PaymentMode::Monthly => format!("Đóng trong tháng {}", self.start.format_vi()),
            PaymentMode::AheadYears { .. } | PaymentMode::MissingAtRetirement { .. } => {
                format!("Đóng một lần trong {} tháng đầu", self.within_months)
            }
            _ if self.within_months >= n => format!("Đóng trong thời gian {n} tháng của kỳ đóng"),
            _ => format!("Đóng trong {} tháng đầu của kỳ đóng {n} tháng", self.within_months),
        }
    }

    fn what_en(&self) -> String {
        let n = self.mode.months();
        match self.mode {
            PaymentMode::Monthly => format!("Pay within the month {}", self.start.format_vi()),
            PaymentMode::AheadYears { .. } | PaymentMode::MissingAtRetirement { .. } => {
                format!("Pay in one go within the first {} month(s)", self.within_months)
            }
            _ if self.within_months >= n => format!("Pay within the {n} months of the period"),
            _ => format!("Pay within the first {} months of the {n}-month period", self.within_months),
        }
    }

    /// The rule in Vietnamese.
    pub fn rule_vi(&self) -> String {
        format!(
            "{} (hạn cuối {}). Quá hạn: tạm dừng tham gia, phải đăng ký lại.",
            self.what_vi(),
            self.last_day.format("%d/%m/%Y")
        )
    }

    /// The rule in English.
    pub fn rule_en(&self) -> String {
        format!(
            "{} (last day {}). Missing it suspends participation; the person must re-register.",
            self.what_en(),
            self.last_day
        )
    }

    /// Both.
    pub fn rule(&self) -> Bilingual {
        Bilingual::new(self.rule_vi(), self.rule_en())
    }
}

impl Serialize for Deadline {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Out<'a> {
            mode: PaymentMode,
            start: Month,
            last_day: NaiveDate,
            within_months: u32,
            rule: Bilingual,
            basis: &'a ParamUsed,
        }
        Out {
            mode: self.mode,
            start: self.start,
            last_day: self.last_day,
            within_months: self.within_months,
            rule: self.rule(),
            basis: &self.basis,
        }
        .serialize(s)
    }
}

/// Báo giá BHXH tự nguyện — the result of [`quote`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VsiQuote {
    /// Months covered.
    pub months: u32,
    /// Σ 22% × income.
    pub gross: Vnd,
    /// Σ national support.
    pub state_support: Vnd,
    /// Σ provincial top-up.
    pub local_support: Vnd,
    /// Discount for paying several years ahead (0 otherwise). Formula confidence **U**.
    pub discount: Vnd,
    /// Interest on the lump sum for missing months (0 otherwise). Formula confidence **U**.
    pub interest: Vnd,
    /// What the person pays: gross − supports − discount + interest.
    pub payable: Vnd,
    /// One line per month.
    pub lines: Vec<VsiLine>,
    /// Ngày tính mức đóng — the date whose parameters priced every month.
    pub priced_on: NaiveDate,
    /// When to pay.
    pub deadline: Deadline,
    /// Months of support received after this payment (input + months supported here).
    pub support_months_used_after: u32,
    /// Every parameter version used, with its legal basis and confidence.
    pub basis: Vec<ParamUsed>,
}

/// Series resolved once per quote (pre-resolved in the `ParamSet`, or one hash lookup for the
/// provincial keys), then one binary search per key and month.
struct Tables<'a> {
    rate: Option<&'a ParamSeries>,
    poverty: Option<&'a ParamSeries>,
    base: Option<&'a ParamSeries>,
    multiple: Option<&'a ParamSeries>,
    category: Option<&'a ParamSeries>,
    others: Option<&'a ParamSeries>,
    max_months: Option<&'a ParamSeries>,
    counts_prior: Option<&'a ParamSeries>,
    local: [Option<&'a ParamSeries>; 2],
}

fn at<'a>(
    series: Option<&'a ParamSeries>,
    key: &str,
    date: NaiveDate,
) -> Result<&'a Arc<ParamVersion>, RuleError> {
    series.and_then(|s| s.at_shared(date)).ok_or_else(|| RuleError::NotInForce { key: key.to_owned(), date })
}

fn find(series: Option<&ParamSeries>, date: NaiveDate) -> Option<&Arc<ParamVersion>> {
    series.and_then(|s| s.at_shared(date))
}

/// Báo giá — price a VSI payment.
pub fn quote(params: &ParamSet, input: &VsiInput) -> Result<VsiQuote, RuleError> {
    let start_date = input.start.first_day();
    let mut basis = Basis::with_capacity(12);
    let paid_on = input.paid_on.unwrap_or(start_date);
    let priced_on = match params.find(keys::VSI_PRICING_FIRST_MONTH, paid_on) {
        Some(flag) => {
            basis.add(flag);
            if flag.value == 1 { start_date } else { paid_on }
        }
        None => paid_on,
    };
    let n = input.mode.months();
    let missing = matches!(input.mode, PaymentMode::MissingAtRetirement { .. });

    match input.mode {
        PaymentMode::AheadYears { months } => {
            let max = at(params.series(keys::VSI_AHEAD_MAX_MONTHS), keys::VSI_AHEAD_MAX_MONTHS, start_date)?;
            basis.add(max);
            let max = u32::try_from(max.value).unwrap_or(u32::MAX);
            if months <= 12 || months % 12 != 0 || months > max {
                return Err(RuleError::InvalidModeMonths {
                    mode: "ahead_years",
                    months,
                    min: 24,
                    max,
                    whole_years: true,
                });
            }
        }
        PaymentMode::MissingAtRetirement { months } => {
            let max =
                at(params.series(keys::VSI_MISSING_MAX_MONTHS), keys::VSI_MISSING_MAX_MONTHS, start_date)?;
            basis.add(max);
            let max = u32::try_from(max.value).unwrap_or(u32::MAX);
            if months == 0 || months > max {
                return Err(RuleError::InvalidModeMonths {
                    mode: "missing_at_retirement",
                    months,
                    min: 1,
                    max,
                    whole_years: false,
                });
            }
        }
        _ => {}
    }

    let support_allowed = if missing {
        let flag = at(
            params.series(keys::VSI_SUPPORT_MISSING_PERIOD),
            keys::VSI_SUPPORT_MISSING_PERIOD,
            start_date,
        )?;
        basis.add(flag);
        flag.value == 1
    } else {
        true
    };

    // Provincial keys: by the local group and by the national category; the highest wins.
    let mut local_keys: [Option<String>; 2] = [None, None];
    if let Some(p) = input.province.as_deref() {
        if p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RuleError::InvalidProvince { input: p.to_owned() });
        }
        local_keys[0] = input.local_group.map(|g| keys::local_support(p, g.group()));
        local_keys[1] = Some(keys::local_support(p, input.category.group()));
    }

    let t = Tables {
        rate: Some(params.hot(Hot::VsiRate)),
        poverty: Some(params.hot(Hot::PovertyLine)),
        base: Some(params.hot(Hot::BaseSalary)),
        multiple: Some(params.hot(Hot::MaxMultiple)),
        category: Some(params.hot(input.category.hot())),
        others: Some(params.hot(Hot::SupportOthers)),
        max_months: Some(params.hot(Hot::SupportMaxMonths)),
        counts_prior: Some(params.hot(Hot::CapCountsPrior)),
        local: [
            local_keys[0].as_deref().and_then(|k| params.series(k)),
            local_keys[1].as_deref().and_then(|k| params.series(k)),
        ],
    };

    let income = i128::from(input.income.0);
    let mut used = input.support_months_used;
    let prior_input = input.support_months_used_prior_regime.min(input.support_months_used);
    let mut lines: Vec<VsiLine> = Vec::with_capacity(n as usize);

    for i in 0..n {
        let month = if missing {
            input.start
        } else {
            input
                .start
                .checked_add(i64::from(i))
                .ok_or_else(|| RuleError::InvalidMonth { input: format!("{} + {i}", input.start) })?
        };
        // Every month at the pricing date's parameters (see the module documentation).
        let date = priced_on;
        let rate = at(t.rate, keys::VSI_RATE, date)?;
        let poverty = at(t.poverty, keys::POVERTY_LINE_RURAL, date)?;
        let base = at(t.base, keys::BASE_SALARY, date)?;
        let multiple = at(t.multiple, keys::VSI_MAX_INCOME_MULTIPLE, date)?;
        basis.add(rate);
        basis.add(poverty);
        basis.add(base);
        basis.add(multiple);

        let min = Vnd(poverty.value);
        let max = Vnd(base.value.saturating_mul(multiple.value));
        if input.income < min || input.income > max {
            return Err(RuleError::IncomeOutOfRange {
                month: Month::from_date(priced_on),
                income: input.income,
                min,
                max,
            });
        }
        let gross = round_vnd(income * i128::from(rate.value), BPS);

        let mut state = Vnd::ZERO;
        let mut local = Vnd::ZERO;
        if support_allowed {
            // National: the highest of the category and "others" in force this month.
            let national =
                [find(t.category, date), find(t.others, date)].into_iter().flatten().max_by_key(|v| v.value);
            let provincial = t.local.iter().filter_map(|s| find(*s, date)).max_by_key(|v| v.value);
            let national_bps = national.map_or(0, |v| v.value);
            let local_bps = provincial.map_or(0, |v| v.value);
            if national_bps > 0 || local_bps > 0 {
                let cap = at(t.max_months, keys::VSI_SUPPORT_MAX_MONTHS, date)?;
                basis.add(cap);
                let mut counted = used;
                if let Some(flag) = find(t.counts_prior, date) {
                    basis.add(flag);
                    if flag.value == 0 {
                        let boundary = flag.effective_from;
                        let here = lines
                            .iter()
                            .filter(|l| {
                                l.month.first_day() < boundary
                                    && (l.state_support.0 > 0 || l.local_support.0 > 0)
                            })
                            .count();
                        let prior = prior_input + u32::try_from(here).unwrap_or(u32::MAX);
                        counted = used.saturating_sub(prior);
                    }
                }
                if i64::from(counted) < cap.value {
                    // % × 22% × rural poverty line, one rounding.
                    let unit = i128::from(poverty.value) * i128::from(rate.value);
                    if let Some(v) = national.filter(|v| v.value > 0) {
                        basis.add(v);
                        state = round_vnd(unit * i128::from(v.value), BPS * BPS).min(gross);
                    }
                    if let Some(v) = provincial.filter(|v| v.value > 0) {
                        basis.add(v);
                        local = round_vnd(unit * i128::from(v.value), BPS * BPS).min(gross - state);
                    }
                    if state.0 > 0 || local.0 > 0 {
                        used = used.saturating_add(1);
                    }
                }
            }
        }

        lines.push(VsiLine {
            ordinal: i + 1,
            month,
            gross,
            state_support: state,
            local_support: local,
            payable: gross - state - local,
        });
    }

    let gross: Vnd = lines.iter().map(|l| l.gross).sum();
    let state_support: Vnd = lines.iter().map(|l| l.state_support).sum();
    let local_support: Vnd = lines.iter().map(|l| l.local_support).sum();

    let (discount, interest) = match input.mode {
        PaymentMode::AheadYears { .. } | PaymentMode::MissingAtRetirement { .. } => {
            let r = at(params.series(keys::VSI_FUND_MONTHLY_RATE), keys::VSI_FUND_MONTHLY_RATE, start_date)?;
            basis.add(r);
            let r = i128::from(r.value);
            // Fixed point with 18 decimals: (1+r)^k stays exact far beyond a đồng.
            const ONE: i128 = 1_000_000_000_000_000_000;
            if missing {
                let mut factor = ONE * (BPS + r) / BPS;
                let mut fv: i128 = 0;
                for l in &lines {
                    fv += i128::from(l.gross.0) * factor;
                    factor = factor * (BPS + r) / BPS;
                }
                (Vnd::ZERO, round_vnd(fv, ONE) - gross)
            } else {
                let mut factor = ONE;
                let mut pv: i128 = 0;
                for l in &lines {
                    pv += i128::from(l.gross.0) * factor;
                    factor = factor * BPS / (BPS + r);
                }
                (gross - round_vnd(pv, ONE), Vnd::ZERO)
            }
        }
        _ => (Vnd::ZERO, Vnd::ZERO),
    };

    let deadline = deadline_with(params, input.mode, input.start)?;
    basis.add_used(&deadline.basis);
    let payable = Vnd((gross - state_support - local_support - discount + interest).0.max(0));

    Ok(VsiQuote {
        months: n,
        gross,
        state_support,
        local_support,
        discount,
        interest,
        payable,
        lines,
        priced_on,
        deadline,
        support_months_used_after: used,
        basis: basis.into_vec(),
    })
}

/// Hạn đóng — the deadline of a payment starting in `start`, with the shipped parameters.
pub fn deadline(mode: PaymentMode, start: Month) -> Result<Deadline, RuleError> {
    deadline_with(ParamSet::bundled_ref(), mode, start)
}

/// Hạn đóng — the deadline with the given parameters: the last day of month
/// `start + vsi.deadline_months.{mode} − 1`. Missing it suspends participation; the person
/// re-registers.
pub fn deadline_with(params: &ParamSet, mode: PaymentMode, start: Month) -> Result<Deadline, RuleError> {
    let key = keys::vsi_deadline_months(mode.key());
    let date = start.first_day();
    let hot = match mode {
        PaymentMode::Monthly => Some(Hot::DeadlineMonthly),
        PaymentMode::Every3 => Some(Hot::DeadlineEvery3),
        PaymentMode::Every6 => Some(Hot::DeadlineEvery6),
        PaymentMode::Every12 => Some(Hot::DeadlineEvery12),
        _ => None,
    };
    let v = match hot {
        Some(h) => at(Some(params.hot(h)), key, date)?,
        None => params.get_shared(key, date)?,
    };
    let within = u32::try_from(v.value.max(1)).unwrap_or(1);
    let last = start
        .checked_add(i64::from(within) - 1)
        .ok_or_else(|| RuleError::InvalidMonth { input: start.to_string() })?;
    Ok(Deadline {
        mode,
        start,
        last_day: last.last_day(),
        within_months: within,
        basis: ParamUsed::from_arc(Arc::clone(v)),
    })
}
