//! Chỉ tiêu bao phủ — the coverage indicators the province is judged on (DOMAIN.md §8), the
//! series they are computed from, and the kinds of official denominator.

use crate::Invalid;

parsed!(Indicator, DenominatorKind);

labelled! {
    /// Chỉ tiêu — an indicator: a numerator series over a denominator, never a bare rate.
    Indicator, field = "indicator", what_vi = "Chỉ tiêu", what_en = "indicator";
    /// Tỷ lệ tham gia BHXH (bắt buộc + tự nguyện) / lực lượng lao động trong độ tuổi.
    Si => "si", "Tỷ lệ tham gia BHXH", "SI coverage", ["bhxh"];
    /// Tỷ lệ tham gia BHXH tự nguyện / lực lượng lao động trong độ tuổi.
    Vsi => "vsi", "Tỷ lệ tham gia BHXH tự nguyện", "VSI coverage", ["bhxh tu nguyen", "bhxhtn"];
    /// Tỷ lệ tham gia BH thất nghiệp / lực lượng lao động trong độ tuổi.
    Ui => "ui", "Tỷ lệ tham gia BH thất nghiệp", "UI coverage", ["bhtn"];
    /// Tỷ lệ bao phủ BHYT / dân số.
    Hi => "hi", "Tỷ lệ bao phủ BHYT", "HI coverage", ["bhyt"];
    /// Nông dân, lao động khu vực phi chính thức tham gia BHXH tự nguyện / lực lượng lao động.
    VsiFarmer => "vsi_farmer", "Nông dân tham gia BHXH tự nguyện", "VSI among farmers", ["nong dan"];
}

labelled! {
    /// Loại mẫu số chính thức.
    DenominatorKind, field = "kind", what_vi = "Loại mẫu số", what_en = "denominator kind";
    /// Lực lượng lao động trong độ tuổi.
    LabourForce => "labour_force", "Lực lượng lao động trong độ tuổi", "Labour force of working age", ["llld", "lao dong"];
    /// Dân số.
    Population => "population", "Dân số", "Population", ["dan so"];
}

impl Indicator {
    /// The official denominator the indicator is a share of.
    pub fn denominator(self) -> DenominatorKind {
        match self {
            Indicator::Hi => DenominatorKind::Population,
            _ => DenominatorKind::LabourForce,
        }
    }

    /// The three headline indicators of a province report.
    pub const HEADLINE: [Indicator; 3] = [Indicator::Si, Indicator::Ui, Indicator::Hi];
}

/// A rate in basis points (`"31,5"`, `"31.5%"`, `"31,50 %"` → 3150): 0–100 %, at most two
/// decimals.
pub fn parse_rate(field: &'static str, s: &str) -> Result<i64, Invalid> {
    let t = s.trim().trim_end_matches('%').trim().replace(',', ".");
    let bad = || {
        Invalid::new(
            field,
            format!(
                "Tỷ lệ «{}» không hợp lệ: ghi phần trăm từ 0 đến 100, tối đa hai chữ số thập phân (ví dụ 31,5)",
                s.trim()
            ),
            format!(
                "Rate «{}» is not valid: write a percentage from 0 to 100 with at most two decimals (e.g. 31.5)",
                s.trim()
            ),
        )
    };
    let (int, frac) = t.split_once('.').unwrap_or((t.as_str(), ""));
    if int.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let i: i64 = int.parse().map_err(|_| bad())?;
    let f: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    let bp = i * 100 + f;
    if bp > 10_000 { Err(bad()) } else { Ok(bp) }
}

/// "11/2026" or "2026-11" → 202611.
pub fn parse_month(s: &str) -> Result<i64, Invalid> {
    let t = s.trim();
    let bad = || {
        Invalid::new(
            "month",
            format!("Tháng «{t}» không hợp lệ, ví dụ 11/2026"),
            format!("month «{t}» is invalid, e.g. 11/2026"),
        )
    };
    let (y, m) = if let Some((m, y)) = t.split_once('/') {
        (y.trim().parse::<i64>().map_err(|_| bad())?, m.trim().parse::<i64>().map_err(|_| bad())?)
    } else if let Some((y, m)) = t.split_once('-') {
        (y.trim().parse::<i64>().map_err(|_| bad())?, m.trim().parse::<i64>().map_err(|_| bad())?)
    } else {
        return Err(bad());
    };
    if !(2000..=2100).contains(&y) || !(1..=12).contains(&m) {
        return Err(bad());
    }
    Ok(y * 100 + m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates() {
        assert_eq!(parse_rate("rate", "31,5").unwrap(), 3150);
        assert_eq!(parse_rate("rate", "31.5 %").unwrap(), 3150);
        assert_eq!(parse_rate("rate", "94").unwrap(), 9400);
        assert_eq!(parse_rate("rate", "2,55").unwrap(), 255);
        assert!(parse_rate("rate", "101").is_err());
        assert!(parse_rate("rate", "3,555").is_err());
        assert!(parse_rate("rate", "-1").is_err());
        assert!(parse_rate("rate", "").is_err());
        assert_eq!(Indicator::parse("BHYT").unwrap(), Indicator::Hi);
        assert_eq!(Indicator::Hi.denominator(), DenominatorKind::Population);
        assert_eq!(parse_month("11/2026").unwrap(), 202611);
        assert_eq!(parse_month("2026-01").unwrap(), 202601);
        assert!(parse_month("13/2026").is_err() && parse_month("2026").is_err());
    }
}
