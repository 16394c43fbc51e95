//! Đóng theo mùa vụ — contributions that follow the harvest: for each member whose VSI the model
//! pays, the payment mode that one income can carry (12 months from the apricot sale before Tết,
//! 1 month from a piggy bank opened monthly), when to pay it, what it costs then (priced on that
//! day by the rules), whether the pledge raises that much, and a warning when the paid period
//! runs out before the next income comes in.

use super::*;
use ansinh_rules::{Month, Vnd, vsi};
use ansinh_store::{ParticipationRow, PersonRow};
use chrono::Datelike;

/// How many days ahead a gap before the next income is flagged (time to act: visit, advance
/// from the common pool, pay a short period).
pub const PLAN_WARN_DAYS: i64 = 90;

/// One member's plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlanItem {
    pub member_id: i64,
    pub name: String,
    pub person_id: Option<i64>,
    pub participation_id: Option<i64>,
    pub paid_through: Option<NaiveDate>,
    /// The first day of the month income next comes in.
    pub income_on: NaiveDate,
    /// Months the plan proposes to pay from that income (1, 3, 6 or 12).
    pub mode_months: u32,
    /// What that period costs, priced on `income_on`.
    pub amount: i64,
    /// The pledge's yearly value and the yearly cost of the plan.
    pub pledge_value: i64,
    pub yearly_cost: i64,
    /// In plain Vietnamese: what to do.
    pub advice: String,
    /// Set when the paid period ends before the income (or nothing is paid).
    pub warning: Option<String>,
}

fn day(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The longest VSI payment mode that one income can carry.
fn mode_for_cycle(cycle: u32) -> u32 {
    [12, 6, 3, 1].into_iter().find(|m| *m <= cycle.max(1)).unwrap_or(1)
}

impl App {
    pub(crate) async fn harvest_plan(
        &self,
        c: &mut ansinh_store::Conn<'_>,
        calendar: &IncomeMonths,
        members: &[MemberView],
        parts: &[ParticipationRow],
        people: &[PersonRow],
    ) -> Result<Vec<PlanItem>> {
        let today = self.today();
        let params = self.params();
        let (y, m) = calendar.next_from(today.year(), today.month());
        let income_on = NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(today).max(today);
        let mode = mode_for_cycle(calendar.cycle_months());
        let mut out = Vec::new();
        for v in members.iter().filter(|v| v.member.left_on.is_none() && v.member.pays_vsi) {
            let person = v.person_id.and_then(|p| people.iter().find(|x| x.id == p));
            let part = v.person_id.and_then(|p| {
                parts.iter().find(|x| {
                    x.person_id == p && x.scheme == ansinh_domain::Scheme::Vsi && x.ended_on.is_none()
                })
            });
            let (Some(person), Some(part)) = (person, part) else {
                out.push(PlanItem {
                    member_id: v.member.id,
                    name: v.name.clone(),
                    person_id: v.person_id,
                    participation_id: None,
                    paid_through: None,
                    income_on,
                    mode_months: mode,
                    amount: 0,
                    pledge_value: v.member.pledge_value,
                    yearly_cost: 0,
                    advice: "Chưa đăng ký BHXH tự nguyện: đăng ký và đóng kỳ đầu từ quỹ".into(),
                    warning: Some("Chưa tham gia BHXH tự nguyện".into()),
                });
                continue;
            };
            let supported = c.supported_months(part.id).await?;
            // Priced on the income day; a declared income below that day's floor (the poverty
            // line rises, DOMAIN.md §4) is priced at the floor, with a warning to raise it.
            let mut raise: Option<String> = None;
            let (amount, start, problem) = match self.vsi_input_for(
                part,
                person,
                Some(mode),
                supported,
                income_on,
            ) {
                Err(e) => (0, None, Some(e.to_string())),
                Ok((input, _)) => match vsi::quote(&params, &input) {
                    Ok(q) => (q.payable.0, q.lines.first().map(|l| l.month), None),
                    Err(ansinh_rules::RuleError::IncomeOutOfRange { month, min, .. })
                        if min > input.income =>
                    {
                        let raised = vsi::VsiInput { income: min, ..input.clone() };
                        raise = Some(format!(
                            "Từ tháng {:02}/{} mức thu nhập tối thiểu là {}: cần nâng mức đăng ký {} lên ít nhất {}",
                            month.month(),
                            month.year(),
                            Vnd(min.0).format_vi(),
                            Vnd(input.income.0).format_vi(),
                            Vnd(min.0).format_vi()
                        ));
                        match vsi::quote(&params, &raised) {
                            Ok(q) => (q.payable.0, q.lines.first().map(|l| l.month), None),
                            Err(e) => (0, None, Some(e.message_vi())),
                        }
                    }
                    Err(e) => (0, None, Some(e.message_vi())),
                },
            };
            let yearly_cost = amount * 12 / i64::from(mode);
            let from = start.map(|m: Month| format!("{:02}/{}", m.month(), m.year())).unwrap_or_default();
            let mut advice = format!(
                "Đóng {mode} tháng{} bằng thu nhập {} ({}), khoảng {}",
                if from.is_empty() { String::new() } else { format!(" từ {from}") },
                calendar.label_vi(),
                day(income_on),
                Vnd(amount).format_vi()
            );
            if v.member.pledge_value > 0 {
                if v.member.pledge_value >= yearly_cost {
                    advice.push_str(&format!(
                        "; cam kết {}/năm đủ đóng",
                        Vnd(v.member.pledge_value).format_vi()
                    ));
                } else {
                    advice.push_str(&format!(
                        "; cam kết {}/năm còn thiếu {}",
                        Vnd(v.member.pledge_value).format_vi(),
                        Vnd(yearly_cost - v.member.pledge_value).format_vi()
                    ));
                }
            }
            if let Some(p) = &problem {
                advice = format!("Chưa tính được số tiền kỳ tới: {p}");
            }
            let period = match part.paid_through {
                None => Some("Chưa đóng kỳ nào".to_string()),
                Some(t) if t < income_on && (t - today).num_days() <= PLAN_WARN_DAYS => {
                    let gap = (income_on - t).num_days();
                    Some(if t < today {
                        format!("Đã hết hạn đóng từ {}, {} ngày trước kỳ thu nhập", day(t), gap)
                    } else {
                        format!(
                            "Đã đóng đến {}, còn {} ngày, hết hạn {} ngày trước kỳ thu nhập {}: cần đóng tạm hoặc ứng từ quỹ chung",
                            day(t),
                            (t - today).num_days(),
                            gap,
                            day(income_on)
                        )
                    })
                }
                _ => None,
            };
            // The gap before the income first, then what the rules change by then.
            let warnings: Vec<String> = [period, raise, problem].into_iter().flatten().collect();
            let warning = (!warnings.is_empty()).then(|| warnings.join(". "));
            out.push(PlanItem {
                member_id: v.member.id,
                name: v.name.clone(),
                person_id: v.person_id,
                participation_id: Some(part.id),
                paid_through: part.paid_through,
                income_on,
                mode_months: mode,
                amount,
                pledge_value: v.member.pledge_value,
                yearly_cost,
                advice,
                warning,
            });
        }
        // Warnings first, soonest paid-through first.
        out.sort_by_key(|p| (p.warning.is_none(), p.paid_through, p.member_id));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_income_a_year_carries_twelve_months() {
        assert_eq!(super::mode_for_cycle(12), 12);
        assert_eq!(super::mode_for_cycle(6), 6);
        assert_eq!(super::mode_for_cycle(4), 3);
        assert_eq!(super::mode_for_cycle(1), 1);
        assert_eq!(super::mode_for_cycle(0), 1);
    }
}
