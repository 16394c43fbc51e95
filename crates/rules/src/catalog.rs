//! Danh mục tham số — the parameter catalogue: every key the rules know, its unit and names.
//!
//! A key is either fixed (`vsi.rate`) or a pattern with placeholders in braces
//! (`pension.adjustment.{year}`, `vsi.local_support.{province}.{group}`), so families of
//! parameters (one per year, per province, per household member …) need no code change to
//! grow. [`param_info`] finds the entry describing a concrete key and checks its placeholders.

use serde::Serialize;

use crate::error::{Bilingual, RuleError};

/// How a parameter's integer `value` is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Đồng.
    Vnd,
    /// Basis points: 10,000 = 100%.
    BasisPoints,
    /// Coefficient × 10,000: 22,100 = 2.21.
    Coefficient,
    /// Months.
    Months,
    /// Days.
    Days,
    /// Years.
    Years,
    /// A count or a multiple (e.g. 20 × MTC).
    Count,
    /// 0 = no, 1 = yes.
    Flag,
}

impl Unit {
    /// Checks a value against the unit; the reason is bilingual.
    pub fn check(self, value: i64) -> Result<(), Bilingual> {
        let ok = match self {
            Unit::Flag => value == 0 || value == 1,
            Unit::BasisPoints => (0..=10_000).contains(&value),
            _ => value >= 0,
        };
        if ok {
            return Ok(());
        }
        Err(match self {
            Unit::Flag => Bilingual::new("chỉ nhận 0 hoặc 1", "must be 0 or 1"),
            Unit::BasisPoints => Bilingual::new(
                "điểm cơ bản phải từ 0 đến 10.000 (0%–100%)",
                "basis points must be 0 to 10,000 (0%–100%)",
            ),
            _ => Bilingual::new("không được âm", "must not be negative"),
        })
    }

    /// Human rendering of a value in this unit, Vietnamese style (`4,5%`, `2,21`, `1.500.000 ₫`).
    pub fn format_vi(self, value: i64) -> String {
        match self {
            Unit::Vnd => crate::Vnd(value).format_vi(),
            Unit::BasisPoints => format!("{}%", decimal(value, 100, ',')),
            Unit::Coefficient => decimal(value, 10_000, ','),
            Unit::Months => format!("{value} tháng"),
            Unit::Days => format!("{value} ngày"),
            Unit::Years => format!("{value} năm"),
            Unit::Count => value.to_string(),
            Unit::Flag => (if value == 1 { "có" } else { "không" }).to_owned(),
        }
    }
}

fn decimal(value: i64, scale: i64, sep: char) -> String {
    let whole = value / scale;
    let mut frac = (value % scale).abs();
    if frac == 0 {
        return whole.to_string();
    }
    let mut width = scale.ilog10() as usize;
    while frac % 10 == 0 {
        frac /= 10;
        width -= 1;
    }
    format!("{whole}{sep}{frac:0width$}")
}

/// What a placeholder in a patterned key accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Placeholder {
    /// `{year}`: a four-digit year 1900..=2200.
    Year,
    /// `{province}`: a two-digit province code (post-2025 or pre-2025 list).
    Province,
    /// `{group}`: a provincial support group (`farmer`, `freelance`) or a support category.
    Group,
    /// `{sex}`: `male` or `female`.
    Sex,
    /// `{ordinal}`: household member ordinal 1..=5 (5 = fifth and later).
    Ordinal,
    /// `{months}`: a number of months 1..=60.
    Months,
    /// `{mode}`: a VSI payment mode.
    Mode,
}

/// Values accepted for `{group}`.
pub const GROUPS: &[&str] =
    &["farmer", "freelance", "poor", "near_poor", "ethnic_minority", "island", "others"];

/// Values accepted for `{mode}`.
pub const MODES: &[&str] = &["monthly", "every3", "every6", "every12", "ahead", "missing"];

impl Placeholder {
    fn from_name(name: &str) -> Option<Placeholder> {
        Some(match name {
            "year" => Placeholder::Year,
            "province" => Placeholder::Province,
            "group" => Placeholder::Group,
            "sex" => Placeholder::Sex,
            "ordinal" => Placeholder::Ordinal,
            "months" => Placeholder::Months,
            "mode" => Placeholder::Mode,
            _ => return None,
        })
    }

    fn accepts(self, seg: &str) -> bool {
        let digits = !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit());
        match self {
            Placeholder::Year => {
                seg.len() == 4 && digits && (1900..=2200).contains(&seg.parse::<u32>().unwrap_or(0))
            }
            Placeholder::Province => seg.len() == 2 && digits,
            Placeholder::Group => GROUPS.contains(&seg),
            Placeholder::Sex => seg == "male" || seg == "female",
            Placeholder::Ordinal => seg.len() == 1 && (b'1'..=b'5').contains(&seg.as_bytes()[0]),
            Placeholder::Months => {
                digits && !seg.starts_with('0') && seg.len() <= 2 && seg.parse::<u32>().is_ok_and(|m| m <= 60)
            }
            Placeholder::Mode => MODES.contains(&seg),
        }
    }
}

/// One entry of the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ParamInfo {
    /// Key or key pattern, e.g. `vsi.rate`, `pension.adjustment.{year}`.
    pub pattern: &'static str,
    /// How the value is read.
    pub unit: Unit,
    /// Vietnamese name.
    pub name_vi: &'static str,
    /// English name.
    pub name_en: &'static str,
}

impl ParamInfo {
    /// Whether `key` is described by this entry (placeholders checked).
    pub fn matches(&self, key: &str) -> bool {
        let mut p = self.pattern.split('.');
        let mut k = key.split('.');
        loop {
            match (p.next(), k.next()) {
                (None, None) => return true,
                (Some(ps), Some(ks)) => {
                    let ok = match ps.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                        Some(name) => Placeholder::from_name(name).is_some_and(|ph| ph.accepts(ks)),
                        None => ps == ks,
                    };
                    if !ok {
                        return false;
                    }
                }
                _ => return false,
            }
        }
    }

    /// Whether the key is a family pattern (has placeholders).
    pub fn is_pattern(&self) -> bool {
        self.pattern.contains('{')
    }
}

/// Parameter keys used by the calculators (fixed ones; families have builder functions).
pub mod keys {
    /// Lương cơ sở (LCS) = mức tham chiếu (MTC) while LCS exists (Law 41/2024 Art 141 cl 13).
    pub const BASE_SALARY: &str = "base_salary";
    /// Chuẩn nghèo khu vực nông thôn.
    pub const POVERTY_LINE_RURAL: &str = "poverty_line.rural";
    /// Tỷ lệ đóng BHXH tự nguyện.
    pub const VSI_RATE: &str = "vsi.rate";
    /// Mức thu nhập tối đa = N × MTC.
    pub const VSI_MAX_INCOME_MULTIPLE: &str = "vsi.max_income_multiple";
    /// Hỗ trợ — hộ nghèo.
    pub const VSI_SUPPORT_POOR: &str = "vsi.support.poor";
    /// Hỗ trợ — hộ cận nghèo.
    pub const VSI_SUPPORT_NEAR_POOR: &str = "vsi.support.near_poor";
    /// Hỗ trợ — người dân tộc thiểu số.
    pub const VSI_SUPPORT_ETHNIC_MINORITY: &str = "vsi.support.ethnic_minority";
    /// Hỗ trợ — xã đảo, đặc khu.
    pub const VSI_SUPPORT_ISLAND: &str = "vsi.support.island";
    /// Hỗ trợ — đối tượng khác.
    pub const VSI_SUPPORT_OTHERS: &str = "vsi.support.others";
    /// Số tháng hỗ trợ tối đa.
    pub const VSI_SUPPORT_MAX_MONTHS: &str = "vsi.support.max_months";
    /// Thời gian đã hỗ trợ trước 01/7/2025 có tính vào giới hạn hay không.
    pub const VSI_SUPPORT_CAP_COUNTS_PRIOR: &str = "vsi.support.cap_counts_prior_regime";
    /// Tính mức đóng theo tháng đầu của kỳ đóng (1) thay vì theo ngày đóng (0).
    pub const VSI_PRICING_FIRST_MONTH: &str = "vsi.pricing.first_month";
    /// Có hỗ trợ khi đóng một lần cho thời gian còn thiếu hay không.
    pub const VSI_SUPPORT_MISSING_PERIOD: &str = "vsi.support.missing_period";
    /// Số tháng tối đa đóng trước.
    pub const VSI_AHEAD_MAX_MONTHS: &str = "vsi.ahead_max_months";
    /// Số tháng còn thiếu tối đa được đóng một lần.
    pub const VSI_MISSING_MAX_MONTHS: &str = "vsi.missing_max_months";
    /// Lãi suất đầu tư quỹ bình quân tháng (r).
    pub const VSI_FUND_MONTHLY_RATE: &str = "vsi.fund_monthly_rate";
    /// Tỷ lệ đóng BHYT hộ gia đình (người thứ nhất).
    pub const HI_HOUSEHOLD_RATE: &str = "hi.household.rate";
    /// Số ngày chờ thẻ BHYT có giá trị.
    pub const HI_CARD_WAITING_DAYS: &str = "hi.card.waiting_days";
    /// Gián đoạn từ bao nhiêu tháng thì phải chờ.
    pub const HI_CARD_BREAK_MONTHS: &str = "hi.card.break_months";
    /// Trẻ em dưới bao nhiêu tuổi được NSNN đóng BHYT.
    pub const HI_STATE_CHILD_AGE: &str = "hi.state.child_age_years";
    /// Tuổi hưởng trợ cấp hưu trí xã hội (NSNN đóng BHYT).
    pub const HI_STATE_SOCIAL_PENSION_AGE: &str = "hi.state.social_pension_age";
    /// Số năm đóng tối thiểu để hưởng lương hưu.
    pub const PENSION_MIN_YEARS: &str = "pension.min_years";
    /// Tỷ lệ hưởng cơ bản.
    pub const PENSION_RATE_BASE: &str = "pension.rate.base";
    /// Tỷ lệ tăng mỗi năm.
    pub const PENSION_RATE_STEP: &str = "pension.rate.step";
    /// Tỷ lệ tối đa.
    pub const PENSION_RATE_MAX: &str = "pension.rate.max";
    /// Tỷ lệ cơ bản của nam đóng 15–<20 năm.
    pub const PENSION_RATE_MALE_REDUCED_BASE: &str = "pension.rate.male_reduced_base";
    /// Tỷ lệ tăng mỗi năm của nam đóng 15–<20 năm.
    pub const PENSION_RATE_MALE_REDUCED_STEP: &str = "pension.rate.male_reduced_step";
    /// Tháng lẻ đến bao nhiêu tính nửa năm.
    pub const PENSION_ODD_MONTHS_HALF_YEAR_MAX: &str = "pension.odd_months.half_year_max";
    /// Trợ cấp một lần: hệ số mỗi năm vượt.
    pub const PENSION_LUMP_SUM_PER_YEAR: &str = "pension.lump_sum.per_year";
    /// Trợ cấp một lần: hệ số mỗi năm vượt đóng sau tuổi nghỉ hưu.
    pub const PENSION_LUMP_SUM_AFTER_AGE_PER_YEAR: &str = "pension.lump_sum.after_age_per_year";
    /// Trợ cấp hưu trí xã hội.
    pub const SOCIAL_PENSION_AMOUNT: &str = "social_pension.amount";
    /// Tuổi hưởng trợ cấp hưu trí xã hội.
    pub const SOCIAL_PENSION_AGE: &str = "social_pension.age";
    /// Tuổi hưởng trợ cấp hưu trí xã hội (hộ nghèo, cận nghèo).
    pub const SOCIAL_PENSION_AGE_POOR: &str = "social_pension.age_poor";
    /// Độ tuổi lao động tối thiểu (working age starts on this birthday).
    pub const WORKING_AGE_MIN: &str = "labour.working_age_min";

    use crate::calendar::Sex;

    /// `retirement.age_months.{sex}`: required age in months, by year of reaching it.
    pub fn retirement_age_months(sex: Sex) -> &'static str {
        match sex {
            Sex::Male => "retirement.age_months.male",
            Sex::Female => "retirement.age_months.female",
        }
    }

    /// `pension.rate.base_years.{sex}`: years of contributions giving the base rate.
    pub fn pension_base_years(sex: Sex) -> &'static str {
        match sex {
            Sex::Male => "pension.rate.base_years.male",
            Sex::Female => "pension.rate.base_years.female",
        }
    }

    /// `pension.lump_sum.threshold_years.{sex}`: years above which a lump sum is paid.
    pub fn lump_sum_threshold_years(sex: Sex) -> &'static str {
        match sex {
            Sex::Male => "pension.lump_sum.threshold_years.male",
            Sex::Female => "pension.lump_sum.threshold_years.female",
        }
    }

    /// `pension.adjustment.{year}`: income adjustment coefficient for contributions of `year`.
    pub fn pension_adjustment(year: i32) -> String {
        format!("pension.adjustment.{year}")
    }

    /// `vsi.local_support.{province}.{group}`: provincial top-up.
    pub fn local_support(province: &str, group: &str) -> String {
        format!("vsi.local_support.{province}.{group}")
    }

    /// `hi.household.share.{ordinal}`: share of the first member's amount (5 = fifth and later).
    pub fn hi_household_share(ordinal: u32) -> &'static str {
        match ordinal {
            0 | 1 => "hi.household.share.1",
            2 => "hi.household.share.2",
            3 => "hi.household.share.3",
            4 => "hi.household.share.4",
            _ => "hi.household.share.5",
        }
    }

    /// `hi.household.period.{months}`: 1 if a period of that many months may be paid.
    pub fn hi_household_period(months: u32) -> String {
        format!("hi.household.period.{months}")
    }

    /// `vsi.deadline_months.{mode}`: months from the start within which to pay.
    pub fn vsi_deadline_months(mode: &str) -> &'static str {
        match mode {
            "monthly" => "vsi.deadline_months.monthly",
            "every3" => "vsi.deadline_months.every3",
            "every6" => "vsi.deadline_months.every6",
            "every12" => "vsi.deadline_months.every12",
            "ahead" => "vsi.deadline_months.ahead",
            _ => "vsi.deadline_months.missing",
        }
    }
}

macro_rules! info {
    ($pattern:expr, $unit:ident, $vi:expr, $en:expr) => {
        ParamInfo { pattern: $pattern, unit: Unit::$unit, name_vi: $vi, name_en: $en }
    };
}

static CATALOG: &[ParamInfo] = &[
    info!("base_salary", Vnd, "Lương cơ sở / mức tham chiếu", "Base salary (LCS) / reference level (MTC)"),
    info!("poverty_line.rural", Vnd, "Chuẩn nghèo khu vực nông thôn", "Rural poverty line"),
    info!(
        "vsi.rate",
        BasisPoints, "Tỷ lệ đóng BHXH tự nguyện", "Voluntary social insurance contribution rate"
    ),
    info!(
        "vsi.max_income_multiple",
        Count,
        "Mức thu nhập tối đa (số lần mức tham chiếu)",
        "Maximum chosen income (multiple of the reference level)"
    ),
    info!(
        "vsi.support.poor",
        BasisPoints,
        "Mức Nhà nước hỗ trợ — hộ nghèo, % của 22% chuẩn nghèo nông thôn",
        "State support — poor household, % of 22% of the rural poverty line"
    ),
    info!(
        "vsi.support.near_poor",
        BasisPoints, "Mức Nhà nước hỗ trợ — hộ cận nghèo", "State support — near-poor household"
    ),
    info!(
        "vsi.support.ethnic_minority",
        BasisPoints, "Mức Nhà nước hỗ trợ — người dân tộc thiểu số", "State support — ethnic minority"
    ),
    info!(
        "vsi.support.island",
        BasisPoints, "Mức Nhà nước hỗ trợ — xã đảo, đặc khu", "State support — island commune / special zone"
    ),
    info!(
        "vsi.support.others",
        BasisPoints, "Mức Nhà nước hỗ trợ — đối tượng khác", "State support — others"
    ),
    info!("vsi.support.max_months", Months, "Thời gian hỗ trợ tối đa", "Maximum months of state support"),
    info!(
        "vsi.support.cap_counts_prior_regime",
        Flag,
        "Thời gian đã được hỗ trợ trước 01/7/2025 tính vào thời gian hỗ trợ tối đa",
        "Support months before 1 Jul 2025 count toward the cap"
    ),
    info!(
        "vsi.pricing.first_month",
        Flag,
        "Tính mức đóng theo tham số của tháng đầu kỳ đóng (1) thay vì ngày đóng (0)",
        "Price a payment with the parameters of its first month covered (1) instead of its payment date (0)"
    ),
    info!(
        "vsi.support.missing_period",
        Flag,
        "Hỗ trợ khi đóng một lần cho thời gian còn thiếu",
        "Support applies to the lump sum for missing months"
    ),
    info!(
        "vsi.local_support.{province}.{group}",
        BasisPoints,
        "Mức hỗ trợ thêm của tỉnh (nghị quyết HĐND), % của 22% chuẩn nghèo nông thôn",
        "Provincial top-up (People's Council resolution), % of 22% of the rural poverty line"
    ),
    info!(
        "vsi.ahead_max_months",
        Months, "Số tháng tối đa đóng trước cho nhiều năm về sau", "Maximum months paid ahead"
    ),
    info!(
        "vsi.missing_max_months",
        Months,
        "Số tháng còn thiếu tối đa được đóng một lần khi đủ tuổi nghỉ hưu",
        "Maximum missing months paid as a lump sum at retirement age"
    ),
    info!(
        "vsi.fund_monthly_rate",
        BasisPoints,
        "Lãi suất đầu tư quỹ BHXH bình quân tháng của năm trước (r)",
        "SI fund average monthly investment rate of the previous year (r)"
    ),
    info!(
        "vsi.deadline_months.{mode}",
        Months,
        "Thời hạn đóng (số tháng kể từ tháng bắt đầu kỳ đóng)",
        "Payment deadline (months from the start of the period)"
    ),
    info!(
        "hi.household.rate",
        BasisPoints,
        "Mức đóng BHYT hộ gia đình — người thứ nhất, % lương cơ sở",
        "Household HI — first member, % of base salary"
    ),
    info!(
        "hi.household.share.{ordinal}",
        BasisPoints,
        "Mức đóng BHYT hộ gia đình — người thứ n, % mức người thứ nhất",
        "Household HI — n-th member, % of the first member's amount"
    ),
    info!(
        "hi.household.period.{months}",
        Flag, "Được đóng BHYT hộ gia đình cho kỳ n tháng", "Household HI may be paid for an n-month period"
    ),
    info!(
        "hi.card.waiting_days",
        Days,
        "Số ngày thẻ BHYT có giá trị sau khi đóng (tham gia lần đầu hoặc gián đoạn)",
        "Days after payment before the HI card is valid (first time or after a break)"
    ),
    info!(
        "hi.state.child_age_years",
        Years,
        "Trẻ em dưới tuổi này được NSNN đóng BHYT (không thuộc nhóm hộ gia đình)",
        "Children under this age have HI paid by the state (not in the household group)"
    ),
    info!(
        "hi.state.social_pension_age",
        Years,
        "Từ tuổi này hưởng trợ cấp hưu trí xã hội, NSNN đóng BHYT",
        "From this age the social pension applies and the state pays HI"
    ),
    info!(
        "hi.card.break_months",
        Months,
        "Gián đoạn từ số tháng này trở lên thì phải chờ",
        "A break of at least this many months triggers the waiting period"
    ),
    info!(
        "retirement.age_months.{sex}",
        Months, "Tuổi nghỉ hưu (tháng), theo năm đủ tuổi", "Retirement age in months, by year of reaching it"
    ),
    info!(
        "pension.min_years",
        Years, "Số năm đóng tối thiểu để hưởng lương hưu", "Minimum years of contributions for a pension"
    ),
    info!("pension.rate.base", BasisPoints, "Tỷ lệ hưởng lương hưu cơ bản", "Base pension rate"),
    info!(
        "pension.rate.base_years.{sex}",
        Years, "Số năm đóng tương ứng tỷ lệ cơ bản", "Years of contributions giving the base rate"
    ),
    info!(
        "pension.rate.step",
        BasisPoints, "Tỷ lệ tăng thêm cho mỗi năm đóng", "Rate added per further year"
    ),
    info!("pension.rate.max", BasisPoints, "Tỷ lệ hưởng lương hưu tối đa", "Maximum pension rate"),
    info!(
        "pension.rate.male_reduced_base",
        BasisPoints,
        "Tỷ lệ hưởng của nam đóng từ 15 đến dưới 20 năm (tại 15 năm)",
        "Rate for men with 15 to under 20 years (at 15 years)"
    ),
    info!(
        "pension.rate.male_reduced_step",
        BasisPoints,
        "Tỷ lệ tăng mỗi năm của nam đóng từ 15 đến dưới 20 năm",
        "Rate added per year for men with 15 to under 20 years"
    ),
    info!(
        "pension.odd_months.half_year_max",
        Months,
        "Tháng lẻ đến mức này tính nửa năm, trên mức này tính một năm",
        "Odd months up to this count as half a year, above as a full year"
    ),
    info!(
        "pension.lump_sum.threshold_years.{sex}",
        Years,
        "Số năm đóng trên mức này được trợ cấp một lần khi nghỉ hưu",
        "Years above which a lump sum is paid at retirement"
    ),
    info!(
        "pension.lump_sum.per_year",
        Coefficient,
        "Trợ cấp một lần: số lần mức bình quân cho mỗi năm vượt",
        "Lump sum: multiple of average income per year above the threshold"
    ),
    info!(
        "pension.lump_sum.after_age_per_year",
        Coefficient,
        "Trợ cấp một lần: số lần mức bình quân cho mỗi năm vượt đóng sau tuổi nghỉ hưu",
        "Lump sum: multiple of average income per year above the threshold contributed after retirement age"
    ),
    info!(
        "pension.adjustment.{year}",
        Coefficient,
        "Mức điều chỉnh thu nhập tháng đã đóng BHXH của năm",
        "Adjustment coefficient of monthly income contributed in the year"
    ),
    info!("labour.working_age_min", Years, "Độ tuổi lao động tối thiểu", "Minimum working age"),
    info!("social_pension.amount", Vnd, "Trợ cấp hưu trí xã hội hằng tháng", "Monthly social pension"),
    info!("social_pension.age", Years, "Tuổi hưởng trợ cấp hưu trí xã hội", "Age for the social pension"),
    info!(
        "social_pension.age_poor",
        Years,
        "Tuổi hưởng trợ cấp hưu trí xã hội (hộ nghèo, cận nghèo)",
        "Age for the social pension (poor / near-poor)"
    ),
];

/// The whole catalogue, in a stable order.
pub fn param_catalog() -> &'static [ParamInfo] {
    CATALOG
}

/// The catalogue entry describing `key`, if any.
pub fn param_info(key: &str) -> Option<&'static ParamInfo> {
    CATALOG.iter().find(|i| i.matches(key))
}

/// Like [`param_info`] but an error naming the key if unknown.
pub fn require_info(key: &str) -> Result<&'static ParamInfo, RuleError> {
    param_info(key).ok_or_else(|| RuleError::UnknownKey { key: key.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match() {
        assert_eq!(param_info("vsi.rate").unwrap().unit, Unit::BasisPoints);
        assert!(param_info("pension.adjustment.2019").is_some());
        assert!(param_info("pension.adjustment.19").is_none());
        assert!(param_info("vsi.local_support.42.farmer").is_some());
        assert!(param_info("vsi.local_support.042.farmer").is_none());
        assert!(param_info("vsi.local_support.42.pirates").is_none());
        assert!(param_info("hi.household.share.5").is_some());
        assert!(param_info("hi.household.share.6").is_none());
        assert!(param_info("hi.household.period.12").is_some());
        assert!(param_info("hi.household.period.012").is_none());
        assert!(param_info("retirement.age_months.female").is_some());
        assert!(param_info("vsi.rate.extra").is_none());
        assert!(param_info("vsi").is_none());
    }

    #[test]
    fn formats_values() {
        assert_eq!(Unit::BasisPoints.format_vi(450), "4,5%");
        assert_eq!(Unit::BasisPoints.format_vi(2200), "22%");
        assert_eq!(Unit::Coefficient.format_vi(22_100), "2,21");
        assert_eq!(Unit::Coefficient.format_vi(10_000), "1");
        assert_eq!(Unit::Vnd.format_vi(1_500_000), "1.500.000\u{a0}₫");
    }

    #[test]
    fn patterns_are_unique_and_placeholders_known() {
        for (i, a) in CATALOG.iter().enumerate() {
            for b in &CATALOG[i + 1..] {
                assert_ne!(a.pattern, b.pattern);
            }
            for seg in a.pattern.split('.') {
                if let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    assert!(Placeholder::from_name(name).is_some(), "{}", a.pattern);
                }
            }
        }
    }
}
