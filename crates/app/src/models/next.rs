//! Nên đến nhà ai tiếp — a ranked list of whom a collector or a team should visit next, each
//! with its reason in plain Vietnamese and the points behind its rank:
//!
//! - a VSI participant whose paid period ended (suspended or lapsed): 60 points, +15 for each
//!   earlier late payment, −1 for every 10 days since it ended (old lapses are harder to win
//!   back, at most −30);
//! - a participant whose period ends within [`ENDING_DAYS`]: 30 points, +15 per earlier late
//!   payment, + up to 15 the closer the end;
//! - an uninsured worker of an inter-family group with at most [`NEAR_FULL_LEFT`] workers left
//!   to reach 100 %: 25 points, +5 for each worker fewer left;
//! - the last visit: a follow-up date reached adds 20; a refusal in the last 30 days takes 40.
//!
//! A payment is late when made after the month its period starts in.

use super::*;
use crate::registry::working_age_bounds;
use ansinh_domain::VisitOutcome;
use ansinh_domain::unit::subtree_range;
use ansinh_store::VisitRow;
use chrono::{Datelike, Days};

/// A participant whose paid period ends within this many days is on the list.
pub const ENDING_DAYS: u64 = 45;
/// A group this close to 100 % puts its uninsured workers on the list.
pub const NEAR_FULL_LEFT: i64 = 5;
/// Most candidates read per scope root and kind.
const CANDIDATES: i64 = 3000;

/// One input of a rank, with its points.
#[derive(Debug, Clone, Serialize)]
pub struct RankFactor {
    pub label: String,
    pub points: i64,
    /// A fact about the person (shown in the reason), not an adjustment of the points.
    pub fact: bool,
}

/// Whom to visit, why, and how the rank was made.
#[derive(Debug, Clone, Serialize)]
pub struct NextVisit {
    pub person_id: i64,
    pub name: String,
    pub phone: Option<String>,
    pub place: String,
    pub household_id: Option<i64>,
    /// lapsed, ending, near_full.
    pub kind: &'static str,
    pub score: i64,
    /// "đã trễ hạn 1 lần, còn 12 ngày".
    pub reason: String,
    pub factors: Vec<RankFactor>,
}

fn last_day_of_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 { (d.year() + 1, 1) } else { (d.year(), d.month() + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).and_then(|x| x.pred_opt()).unwrap_or(d)
}

fn day(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Points of the last visit, with their factor.
fn visit_factor(last: Option<&VisitRow>, today: NaiveDate) -> Option<RankFactor> {
    let v = last?;
    if v.outcome == VisitOutcome::Refused && (today - v.visited_on).num_days() <= 30 {
        return Some(RankFactor {
            label: format!("đã từ chối ngày {}", day(v.visited_on)),
            points: -40,
            fact: true,
        });
    }
    if let Some(f) = v.follow_up_on.filter(|f| *f <= today) {
        return Some(RankFactor {
            label: format!("đến ngày hẹn quay lại {}", day(f)),
            points: 20,
            fact: true,
        });
    }
    None
}

impl App {
    /// Whom to visit next in the actor's scope, best first, at most `limit`.
    pub async fn visit_next(&self, actor: &Actor, limit: usize) -> Result<Vec<NextVisit>> {
        if !actor.has(Permission::Visit) && !actor.has(Permission::Collect) {
            return Err(AppError::Forbidden);
        }
        let today = self.today();
        let bounds = working_age_bounds(&self.params(), today)?;
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        // person id → (kind, factors)
        let mut found: HashMap<i64, (&'static str, Vec<RankFactor>)> = HashMap::new();
        let mut roots = actor.roots(Permission::Visit);
        roots.extend(actor.roots(Permission::Collect));
        roots.sort();
        roots.dedup();
        for root in &roots {
            let (lo, hi) = subtree_range(root);
            let narrow = root.trim_matches('/').split('/').count() >= 3;
            let rows =
                c.vsi_renewal_history(&lo, &hi, today + Days::new(ENDING_DAYS), CANDIDATES, narrow).await?;
            let mut i = 0;
            while i < rows.len() {
                let (pid, person, through) = (rows[i].0, rows[i].1, rows[i].2);
                let mut late = 0;
                while i < rows.len() && rows[i].0 == pid {
                    if rows[i].4 > last_day_of_month(rows[i].3) {
                        late += 1;
                    }
                    i += 1;
                }
                let Some(through) = through else { continue };
                let mut factors = Vec::new();
                let kind = if through < today {
                    let days = (today - through).num_days();
                    factors.push(RankFactor {
                        label: format!("đã hết hạn đóng từ {} ({days} ngày)", day(through)),
                        points: 60,
                        fact: true,
                    });
                    factors.push(RankFactor {
                        label: "lâu ngày khó quay lại".into(),
                        points: -(days / 10).min(30),
                        fact: false,
                    });
                    "lapsed"
                } else {
                    let left = (through - today).num_days();
                    factors.push(RankFactor {
                        label: format!("còn {left} ngày là hết hạn đóng"),
                        points: 30,
                        fact: true,
                    });
                    factors.push(RankFactor {
                        label: "càng gần hạn càng cần đến sớm".into(),
                        points: (ENDING_DAYS as i64 - left).max(0) / 3,
                        fact: false,
                    });
                    "ending"
                };
                if late > 0 {
                    factors.push(RankFactor {
                        label: format!("đã trễ hạn {late} lần"),
                        points: 15 * late,
                        fact: true,
                    });
                }
                found.insert(person, (kind, factors));
            }
            // Groups close to 100 % (only within a commune: the list is for a team's round).
            if root.trim_matches('/').split('/').count() >= 3 {
                let cov = c.coverage_by_unit(&lo, &hi, today, bounds).await?;
                let near: Vec<(i64, i64)> = cov
                    .iter()
                    .filter(|g| {
                        g.workers > 0 && g.insured < g.workers && g.workers - g.insured <= NEAR_FULL_LEFT
                    })
                    .map(|g| (g.unit_id, g.workers - g.insured))
                    .collect();
                let units = c.units_by_ids(&near.iter().map(|n| n.0).collect::<Vec<_>>()).await?;
                for u in units.iter().filter(|u| u.level == Level::Group) {
                    let left = near.iter().find(|n| n.0 == u.id).map_or(0, |n| n.1);
                    let (glo, ghi) = subtree_range(&u.path);
                    for p in c.uninsured_workers(&glo, &ghi, today, bounds, NEAR_FULL_LEFT).await? {
                        if p.unit_id != u.id {
                            continue;
                        }
                        found.entry(p.person_id).or_insert_with(|| {
                            (
                                "near_full",
                                vec![
                                    RankFactor {
                                        label: format!("{} còn {left} người là đạt 100%", u.full_name()),
                                        points: 25,
                                        fact: true,
                                    },
                                    RankFactor {
                                        label: "càng ít người còn thiếu càng gần đích".into(),
                                        points: 5 * (NEAR_FULL_LEFT - left),
                                        fact: false,
                                    },
                                ],
                            )
                        });
                    }
                }
            }
        }
        let ids: Vec<i64> = found.keys().copied().collect();
        let people = c.persons_by_ids(&ids).await?;
        let visits = c.visits_of_persons(&ids).await?;
        let unit_ids: Vec<i64> = people.iter().map(|p| p.unit_id).collect();
        let places = super::groups::place_names(&mut c, &unit_ids, false).await?;
        let mut out: Vec<NextVisit> = Vec::new();
        for p in people.iter().filter(|p| actor.can(Permission::View, &p.unit_path)) {
            let Some((kind, mut factors)) = found.remove(&p.id) else { continue };
            let last =
                visits.iter().filter(|v| v.person_id == Some(p.id)).max_by_key(|v| (v.visited_on, v.id));
            if let Some(f) = visit_factor(last, today) {
                factors.push(f);
            }
            factors.retain(|f| f.points != 0 || f.fact);
            let score = factors.iter().map(|f| f.points).sum();
            let reason =
                factors.iter().filter(|f| f.fact).map(|f| f.label.clone()).collect::<Vec<_>>().join(", ");
            out.push(NextVisit {
                person_id: p.id,
                name: p.full_name.clone(),
                phone: p.phone.clone(),
                place: places.get(&p.unit_id).cloned().unwrap_or_default(),
                household_id: p.household_id,
                kind,
                score,
                reason,
                factors,
            });
        }
        out.sort_by_key(|n| (std::cmp::Reverse(n.score), n.person_id));
        out.truncate(limit);
        Ok(out)
    }
}

/// Days after the paid period ends within which a renewal still counts as renewing (else the
/// backtest counts a lapse).
pub const LAPSE_GRACE_DAYS: u64 = 30;

/// How the ranking of participants whose period ends soon would have done in the past.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Backtest {
    /// Days ranked (one ranking a day, its lists pooled).
    pub days: usize,
    /// Participants on those days' lists (their period ending within [`ENDING_DAYS`]).
    pub ranked: usize,
    /// Of them, those who then lapsed (no payment until [`LAPSE_GRACE_DAYS`] after the end).
    pub lapses: usize,
    /// The size of the top of each day's list.
    pub top: usize,
    /// Lapses among the tops, and what a random pick of the same size would catch.
    pub caught: usize,
    pub random: f64,
}

impl App {
    /// Rank, as on each of `days`, the VSI participants of the actor's scope whose paid
    /// period ends within [`ENDING_DAYS`] — with only the receipts paid before that day — and
    /// count how many of those who then lapsed were in the top `top` of the day's list.
    pub async fn visit_next_backtest(
        &self,
        actor: &Actor,
        days: &[NaiveDate],
        top: usize,
    ) -> Result<Backtest> {
        let mut r = self.db.read().await?;
        let mut lines = Vec::new();
        for root in actor.roots(Permission::View) {
            let (lo, hi) = subtree_range(&root);
            lines.extend(r.conn().vsi_lines_under(&lo, &hi).await?);
        }
        let mut by_part: HashMap<i64, Vec<(NaiveDate, NaiveDate, NaiveDate)>> = HashMap::new();
        for (p, from, to, paid) in lines {
            by_part.entry(p).or_default().push((from, to, paid));
        }
        let mut out = Backtest { top, ..Default::default() };
        for day in days {
            // (score, lapsed) of each participant ranked that day.
            let mut list: Vec<(i64, i64, bool)> = Vec::new();
            for (part, ls) in &by_part {
                let known: Vec<_> = ls.iter().filter(|l| l.2 < *day).collect();
                let Some(through) = known.iter().map(|l| l.1).max() else { continue };
                let left = (through - *day).num_days();
                if left < 0 || left > ENDING_DAYS as i64 {
                    continue;
                }
                let late = known.iter().filter(|l| l.2 > last_day_of_month(l.0)).count() as i64;
                let score = 30 + (ENDING_DAYS as i64 - left) / 3 + 15 * late;
                let renewed = ls.iter().any(|l| l.2 >= *day && l.2 <= through + Days::new(LAPSE_GRACE_DAYS));
                list.push((score, *part, !renewed));
            }
            if list.is_empty() {
                continue;
            }
            out.days += 1;
            // Ties in the order the live list uses (participation id).
            list.sort_by_key(|x| (std::cmp::Reverse(x.0), x.1));
            let lapses = list.iter().filter(|x| x.2).count();
            out.ranked += list.len();
            out.lapses += lapses;
            out.caught += list.iter().take(top).filter(|x| x.2).count();
            out.random += lapses as f64 * top.min(list.len()) as f64 / list.len() as f64;
        }
        Ok(out)
    }
}
