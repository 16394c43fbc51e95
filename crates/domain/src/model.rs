//! Mô hình an sinh cộng đồng — community social-security models (DOMAIN.md §9): their kinds,
//! the organisations that run them, the months their income comes in, fund entries, and the
//! outcomes of a door-to-door visit.

use crate::Invalid;
use serde::{Deserialize, Serialize};

parsed!(ModelKind, Organisation, ModelStatus, FundEntryKind, VisitOutcome);

labelled! {
    /// Loại mô hình.
    ModelKind, field = "kind", what_vi = "Loại mô hình", what_en = "model kind";
    /// Cây mai / cây bưởi an sinh: the income of pledged trees.
    TreePledge => "tree_pledge", "Cây trồng cam kết (mai, bưởi…)", "Tree pledge", [];
    /// Nuôi lợn đất: piggy-bank savings.
    Savings => "savings", "Heo đất tiết kiệm", "Piggy-bank savings", [];
    /// Vườn rau an sinh.
    Garden => "garden", "Vườn rau an sinh", "Vegetable garden", [];
    /// Tổ liên gia 100% người lao động tham gia BHXH.
    FullGroup => "full_group", "Tổ liên gia 100% tham gia BHXH", "100% inter-family group", [];
    /// Nhà tài trợ tặng sổ / thẻ.
    Sponsor => "sponsor", "Tài trợ tặng sổ BHXH, thẻ BHYT", "Sponsor gift", [];
    Other => "other", "Mô hình khác", "Other", [];
}

labelled! {
    /// Tổ chức phụ trách.
    Organisation, field = "organisation", what_vi = "Tổ chức", what_en = "organisation";
    FarmersUnion => "farmers_union", "Hội Nông dân", "Farmers' Union", [];
    WomensUnion => "womens_union", "Hội Liên hiệp Phụ nữ", "Women's Union", [];
    YouthUnion => "youth_union", "Đoàn Thanh niên", "Youth Union", [];
    Veterans => "veterans", "Hội Cựu chiến binh", "Veterans' Association", [];
    Front => "front", "Mặt trận Tổ quốc", "Fatherland Front", [];
    SiOffice => "si_office", "Cơ quan BHXH", "Social-insurance office", [];
}

labelled! {
    /// Trạng thái mô hình.
    ModelStatus, field = "status", what_vi = "Trạng thái", what_en = "status";
    Active => "active", "Đang hoạt động", "Active", [];
    Paused => "paused", "Tạm dừng", "Paused", [];
    Closed => "closed", "Đã kết thúc", "Closed", [];
}

labelled! {
    /// Loại bút toán quỹ.
    FundEntryKind, field = "kind", what_vi = "Loại khoản", what_en = "entry kind";
    /// Bán sản phẩm cam kết (mai, bưởi, rau).
    Sale => "sale", "Bán sản phẩm cam kết", "Sale of pledged produce", [];
    /// Mở heo đất, tiết kiệm.
    Savings => "savings", "Tiết kiệm (heo đất)", "Savings", [];
    /// Nhà tài trợ ủng hộ.
    Donation => "donation", "Tài trợ, ủng hộ", "Donation", [];
    OtherIncome => "other_income", "Thu khác", "Other income", [];
    /// Đóng BHXH/BHYT cho thành viên (từ một biên lai).
    Contribution => "contribution", "Đóng BHXH/BHYT cho thành viên", "Member's contribution", [];
    /// Bút toán đảo.
    Reversal => "reversal", "Bút toán đảo", "Reversal", [];
}

impl FundEntryKind {
    /// The kinds a person may record by hand (money coming in).
    pub const DEPOSITS: [FundEntryKind; 4] =
        [FundEntryKind::Sale, FundEntryKind::Savings, FundEntryKind::Donation, FundEntryKind::OtherIncome];

    pub fn is_deposit(self) -> bool {
        FundEntryKind::DEPOSITS.contains(&self)
    }
}

labelled! {
    /// Kết quả lần đến nhà.
    VisitOutcome, field = "outcome", what_vi = "Kết quả", what_en = "outcome";
    Enrolled => "enrolled", "Đã tham gia", "Enrolled", [];
    WillEnrol => "will_enrol", "Hẹn sẽ tham gia", "Will enrol", [];
    Undecided => "undecided", "Còn phân vân", "Undecided", [];
    Refused => "refused", "Từ chối", "Refused", [];
    NotHome => "not_home", "Không có nhà", "Not at home", [];
    NotEligible => "not_eligible", "Không thuộc đối tượng", "Not eligible", [];
}

impl VisitOutcome {
    /// Whether the visit found the person interested (the funnel's second step).
    pub fn interested(self) -> bool {
        matches!(self, VisitOutcome::Enrolled | VisitOutcome::WillEnrol)
    }
}

/// Lịch thu nhập — the months a model's income comes in (1–12, ascending, no repeats).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IncomeMonths(Vec<u32>);

impl IncomeMonths {
    /// "1" or "8, 9, 10" or "8-10"; empty means every month (savings opened monthly).
    pub fn parse(s: &str) -> Result<IncomeMonths, Invalid> {
        let bad = |part: &str| {
            Invalid::new(
                "income_months",
                format!("Tháng có thu nhập «{part}» không hợp lệ; ghi các tháng 1–12, ví dụ «1» hoặc «8-10»"),
                format!("income month «{part}» is invalid; give months 1–12, e.g. «1» or «8-10»"),
            )
        };
        let mut out = Vec::new();
        for part in s.split([',', ';', ' ']).map(str::trim).filter(|p| !p.is_empty()) {
            let (a, b) = match part.split_once('-') {
                Some((a, b)) => (a.trim(), b.trim()),
                None => (part, part),
            };
            let a: u32 = a.parse().map_err(|_| bad(part))?;
            let b: u32 = b.parse().map_err(|_| bad(part))?;
            if !(1..=12).contains(&a) || !(1..=12).contains(&b) || a > b {
                return Err(bad(part));
            }
            out.extend(a..=b);
        }
        out.sort_unstable();
        out.dedup();
        Ok(IncomeMonths(out))
    }

    /// Every month has income (piggy banks opened monthly).
    pub fn every_month(&self) -> bool {
        self.0.is_empty() || self.0.len() == 12
    }

    pub fn months(&self) -> &[u32] {
        &self.0
    }

    /// The stored form: "8,9,10".
    pub fn to_key(&self) -> String {
        self.0.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
    }

    /// "tháng 8–10" / "tháng 1" / "hằng tháng".
    pub fn label_vi(&self) -> String {
        if self.every_month() {
            return "hằng tháng".into();
        }
        let mut runs: Vec<(u32, u32)> = Vec::new();
        for m in &self.0 {
            match runs.last_mut() {
                Some((_, b)) if *b + 1 == *m => *b = *m,
                _ => runs.push((*m, *m)),
            }
        }
        let parts: Vec<String> =
            runs.iter().map(|(a, b)| if a == b { a.to_string() } else { format!("{a}–{b}") }).collect();
        format!("tháng {}", parts.join(", "))
    }

    /// The first month with income strictly after `(year, month)`, as (year, month).
    pub fn next_after(&self, year: i32, month: u32) -> (i32, u32) {
        if self.every_month() {
            return if month == 12 { (year + 1, 1) } else { (year, month + 1) };
        }
        match self.0.iter().find(|m| **m > month) {
            Some(m) => (year, *m),
            None => (year + 1, self.0[0]),
        }
    }

    /// The first income month on or after `(year, month)`.
    pub fn next_from(&self, year: i32, month: u32) -> (i32, u32) {
        if self.every_month() || self.0.contains(&month) {
            (year, month)
        } else {
            self.next_after(year, month)
        }
    }

    /// Months from one income to the next: 12 for a once-a-year harvest, 1 for monthly
    /// savings; for several months a year, the longest gap (what one harvest must cover).
    pub fn cycle_months(&self) -> u32 {
        if self.every_month() {
            return 1;
        }
        // The harvest season counts as one income: its first month starts the cycle.
        let starts: Vec<u32> = self
            .0
            .iter()
            .copied()
            .filter(|m| !self.0.contains(&(if *m == 1 { 12 } else { m - 1 })))
            .collect();
        if starts.len() <= 1 {
            return 12;
        }
        let mut gaps: Vec<u32> = starts.windows(2).map(|w| w[1] - w[0]).collect();
        gaps.push(12 + starts[0] - starts[starts.len() - 1]);
        gaps.into_iter().max().unwrap_or(12)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn income_months_parse_and_cycle() {
        let tet = IncomeMonths::parse("1").unwrap();
        assert_eq!(tet.cycle_months(), 12);
        assert_eq!(tet.next_after(2026, 12), (2027, 1));
        assert_eq!(tet.next_from(2027, 1), (2027, 1));
        let pomelo = IncomeMonths::parse("8-10").unwrap();
        assert_eq!(pomelo.months(), &[8, 9, 10]);
        assert_eq!(pomelo.label_vi(), "tháng 8–10");
        assert_eq!(pomelo.cycle_months(), 12);
        assert_eq!(pomelo.next_after(2026, 10), (2027, 8));
        let twice = IncomeMonths::parse("1, 7").unwrap();
        assert_eq!(twice.cycle_months(), 6);
        let monthly = IncomeMonths::parse("").unwrap();
        assert!(monthly.every_month());
        assert_eq!(monthly.cycle_months(), 1);
        assert_eq!(monthly.label_vi(), "hằng tháng");
        assert!(IncomeMonths::parse("13").is_err());
        assert!(IncomeMonths::parse("10-8").is_err());
        assert_eq!(IncomeMonths::parse("x").unwrap_err().field, "income_months");
    }

    #[test]
    fn keyed_enums_round_trip_and_explain() {
        for k in ModelKind::ALL {
            assert_eq!(ModelKind::from_key(k.as_str()), Some(*k));
        }
        let e = VisitOutcome::parse("maybe").unwrap_err();
        assert_eq!(e.field, "outcome");
        assert!(e.vi.contains("Hẹn sẽ tham gia"));
        assert!(FundEntryKind::Sale.is_deposit() && !FundEntryKind::Contribution.is_deposit());
    }
}
