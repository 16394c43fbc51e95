//! The seed's community models in the demo province, with plausible histories from 2024 to the
//! day before today, made through the use cases themselves (each event on a clock pinned at its
//! own date): launches, members and pledges, harvest sales, contributions paid from the funds
//! with their receipts, door-to-door campaigns in the peak months (May, November) and their
//! visits, renewals on time and late, and a few lapses.
//!
//! The facts of the seed article (DOMAIN.md §9) hold in the result: Cây mai an sinh at Hoành
//! Sơn (was Kỳ Nam) launched 13/11/2024 with 9 households, 3 more after; Tổ liên gia 100 % at Mai
//! Hoa (was Đức Lĩnh) since 05/2024, Thanh Bình village at 47 of 82 workers insured, group no. 4
//! at 100 %; two models with 50 participants in the commune; Cây bưởi BHXH tự nguyện at Phúc
//! Trạch (was Hương Trạch); piggy-bank and vegetable-garden models of the Women's and Farmers'
//! Unions.

use crate::collection::{PaymentItem, PaymentRequest, SourceInput, VsiEnrolment};
use crate::models::{NewCampaign, NewDeposit, NewMember, NewModel, NewVisit};
use crate::registry::working_age_bounds;
use crate::{App, AppError, Result};
use ansinh_domain::unit::subtree_range;
use ansinh_domain::{Actor, Level};
use ansinh_store::UninsuredRow;
use chrono::{Datelike, Days, Months, NaiveDate};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// Insured workers of Thanh Bình in the seed article (of [`super::seed::THANH_BINH_WORKERS`]).
pub const THANH_BINH_INSURED: usize = 47;
/// Participants of the commune's two models (Đức Lĩnh, today Mai Hoa).
pub const MAI_HOA_PARTICIPANTS: usize = 50;
/// Households of Cây mai an sinh at its launch, and those that joined after.
pub const CAY_MAI_AT_LAUNCH: usize = 9;
pub const CAY_MAI_JOINED_AFTER: usize = 3;

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// What happens on a day.
#[derive(Debug, Clone)]
enum Act {
    /// Enrol in VSI and pay the first period.
    Enrol {
        person: i64,
        plan: usize,
    },
    /// Pay the next period of a plan.
    Pay {
        plan: usize,
    },
    Join {
        model: usize,
        household: i64,
        person: i64,
        qty: i64,
        value: i64,
    },
    Deposit {
        model: usize,
        household: Option<i64>,
        kind: &'static str,
        amount: i64,
        note: String,
    },
    Visit {
        person: i64,
        campaign: Option<usize>,
        outcome: &'static str,
        reason: &'static str,
        follow_up: Option<NaiveDate>,
    },
}

/// How a participant pays: months a time, who pays, which collector, how the renewals go.
#[derive(Debug, Clone)]
struct Plan {
    participation: i64,
    income: i64,
    mode: u32,
    /// The model whose fund pays, if any (paid when its income comes in, see `Act::Pay`).
    fund: Option<usize>,
    collector: usize,
    /// Renewals paid this many days after the paid period ended (0: on time, a few days before).
    late_days: i64,
    /// Stops paying after this many payments (a lapse).
    stop_after: Option<u32>,
    paid: u32,
    /// Pay only from the model's income, on these dates (fund-paid members).
    pay_on: Vec<(NaiveDate, u32)>,
}

struct Demo {
    /// Collectors by commune: thu.maihoa, thu.hoanhson, thu.phuctrach.
    collectors: Vec<Actor>,
    /// Who runs the models and visits: xa.maihoa, hoi.hoanhson, hoi.phuctrach, phunu.maihoa.
    organisers: Vec<Actor>,
    models: Vec<i64>,
    campaigns: Vec<i64>,
    /// (model index, 'h' household / 'p' person, id) → member id.
    members: HashMap<(usize, char, i64), i64>,
    plans: Vec<Plan>,
    heap: BinaryHeap<Reverse<(NaiveDate, usize)>>,
    events: Vec<Act>,
    requests: usize,
}

impl Demo {
    fn push(&mut self, on: NaiveDate, act: Act) {
        self.events.push(act);
        self.heap.push(Reverse((on, self.events.len() - 1)));
    }
}

/// Working-age people of a place, uninsured (everyone before the history), by place and name.
async fn workers(app: &App, path: &str, on: NaiveDate) -> Result<Vec<UninsuredRow>> {
    let bounds = working_age_bounds(&app.params(), on)?;
    let (lo, hi) = subtree_range(path);
    let mut r = app.db.read().await?;
    Ok(r.conn().uninsured_workers(&lo, &hi, on, bounds, 5000).await?)
}

impl App {
    async fn demo_actor(&self, username: &str) -> Result<Actor> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let u = c
            .user_by_username(username)
            .await?
            .ok_or_else(|| AppError::Internal(format!("demo: no {username}")))?;
        crate::auth::actor_of(&mut c, &u).await
    }

    fn on_day(&self, on: NaiveDate) -> App {
        let mut a = self.clone();
        a.set_clock(crate::Clock::on(on));
        a
    }

    /// Seed the models and their histories unless the province has models already.
    pub async fn seed_models(&self) -> Result<usize> {
        let today = self.today();
        let system = Actor::system();
        {
            let mut r = self.db.read().await?;
            let province = self.unit_by_code(&system, "42", Some(today)).await?;
            if !r.conn().models_under(std::slice::from_ref(&province.path)).await?.is_empty() {
                return Ok(0);
            }
        }
        let mut d = Demo {
            collectors: vec![
                self.demo_actor("thu.maihoa").await?,
                self.demo_actor("thu.hoanhson").await?,
                self.demo_actor("thu.phuctrach").await?,
            ],
            organisers: vec![
                self.demo_actor("xa.maihoa").await?,
                self.demo_actor("hoi.hoanhson").await?,
                self.demo_actor("hoi.phuctrach").await?,
                self.demo_actor("phunu.maihoa").await?,
            ],
            models: Vec::new(),
            campaigns: Vec::new(),
            members: HashMap::new(),
            plans: Vec::new(),
            heap: BinaryHeap::new(),
            events: Vec::new(),
            requests: 0,
        };
        let unit = |code: &'static str| async move { self.unit_by_code(&Actor::system(), code, None).await };
        let mai_hoa = unit("18322").await?;
        let hoanh_son = unit("18832").await?;
        let phuc_trach = unit("18547").await?;
        let thanh_binh = unit("18322-01").await?;
        let trung_linh = unit("18322-02").await?;
        let start = ymd(2024, 5, 6);
        if today <= ymd(2024, 11, 14) {
            return Ok(0);
        }

        // ── The models ──
        let specs: Vec<(usize, NewModel, NaiveDate)> = vec![
            (0, NewModel {
                unit_code: mai_hoa.code.clone(),
                kind: "full_group".into(),
                name: "Tổ liên gia 100% người lao động tham gia BHXH".into(),
                organisation: "front".into(),
                launched_on: start,
                goal_rate: 100,
                goal_enrolments: 82,
                income_months: String::new(),
                income_note: "Tổ vận động (Mặt trận, Đoàn Thanh niên, Hội Phụ nữ, Hội Nông dân, BHXH) đến từng hộ".into(),
                rules: "Mỗi tổ liên gia vận động đến khi mọi người lao động trong tổ đều tham gia BHXH.".into(),
                places: vec![thanh_binh.code.clone()],
                ..Default::default()
            }, start),
            (1, NewModel {
                unit_code: hoanh_son.code.clone(),
                kind: "tree_pledge".into(),
                name: "Cây mai an sinh".into(),
                organisation: "farmers_union".into(),
                launched_on: ymd(2024, 11, 13),
                goal_members: 15,
                goal_enrolments: 15,
                income_months: "1".into(),
                income_note: "Bán mai trong các tuần trước Tết".into(),
                rules: "Mỗi hộ cam kết thu nhập của 1–2 gốc mai để đóng BHXH tự nguyện cho một người trong hộ.".into(),
                ..Default::default()
            }, ymd(2024, 11, 13)),
            (2, NewModel {
                unit_code: phuc_trach.code.clone(),
                kind: "tree_pledge".into(),
                name: "Cây bưởi BHXH tự nguyện".into(),
                organisation: "farmers_union".into(),
                launched_on: ymd(2024, 8, 20),
                goal_members: 10,
                income_months: "8-10".into(),
                income_note: "Thu hoạch bưởi Phúc Trạch tháng 8–10".into(),
                rules: "Mỗi hộ dành thu nhập của 2 gốc bưởi để đóng BHXH tự nguyện.".into(),
                ..Default::default()
            }, ymd(2024, 8, 20)),
            (3, NewModel {
                unit_code: mai_hoa.code.clone(),
                kind: "savings".into(),
                name: "Nuôi heo đất tiết kiệm đóng BHXH tự nguyện".into(),
                organisation: "womens_union".into(),
                launched_on: ymd(2024, 6, 10),
                goal_members: 5,
                income_months: "1,4,7,10".into(),
                income_note: "Mở heo đất mỗi quý".into(),
                places: vec![trung_linh.code.clone()],
                ..Default::default()
            }, ymd(2024, 6, 10)),
            (2, NewModel {
                unit_code: phuc_trach.code.clone(),
                kind: "garden".into(),
                name: "Vườn rau an sinh".into(),
                organisation: "farmers_union".into(),
                launched_on: ymd(2025, 3, 1),
                goal_members: 6,
                income_months: "2,5,8,11".into(),
                income_note: "Bán rau, mỗi quý gom một lần".into(),
                ..Default::default()
            }, ymd(2025, 3, 1)),
        ];
        for (org, n, on) in &specs {
            let m = self.on_day(*on).create_model(&d.organisers[*org], n).await?;
            d.models.push(m.id);
        }
        // ── Campaigns in the peak months, in Mai Hoa ──
        for (y, m) in [(2024, 5), (2024, 11), (2025, 5), (2025, 11), (2026, 5), (2026, 11)] {
            let starts_on = ymd(y, m, 1);
            if starts_on >= today {
                break;
            }
            let ends_on = (starts_on + Months::new(1)).pred_opt().unwrap_or(starts_on);
            let k = self
                .create_campaign(
                    &d.organisers[0],
                    &NewCampaign {
                        name: format!("Tháng cao điểm vận động BHXH tự nguyện {m:02}/{y}"),
                        unit_codes: vec![mai_hoa.code.clone()],
                        starts_on,
                        ends_on,
                        target_visits: 60,
                        target_enrolments: 12,
                        teams: "Mặt trận, Đoàn Thanh niên, Hội Phụ nữ, Hội Nông dân, BHXH huyện".into(),
                        members: vec!["xa.maihoa".into(), "thu.maihoa".into()],
                        note: String::new(),
                    },
                )
                .await?;
            d.campaigns.push(k.id);
        }
        let campaign_on = |on: NaiveDate| -> Option<usize> {
            [(2024, 5), (2024, 11), (2025, 5), (2025, 11), (2026, 5), (2026, 11)]
                .iter()
                .position(|(y, m)| on.year() == *y && on.month() == *m)
        };

        // ── Thanh Bình: 47 of 82 workers insured, all of group no. 4 ──
        let tb = workers(self, &thanh_binh.path, today).await?;
        let groups = self.unit_view(&system, thanh_binh.id, None).await?.children;
        let g4 = groups
            .iter()
            .find(|(u, _)| u.name == "Tổ liên gia số 4" && u.level == Level::Group)
            .map(|(u, _)| u.id);
        let mut chosen: Vec<&UninsuredRow> = tb.iter().filter(|p| Some(p.unit_id) == g4).collect();
        // Others until 47, leaving every other group one short of 100 %.
        let mut per_group: HashMap<i64, usize> = HashMap::new();
        for p in &tb {
            *per_group.entry(p.unit_id).or_default() += 1;
        }
        let mut taken: HashMap<i64, usize> = HashMap::new();
        for p in tb.iter().filter(|p| Some(p.unit_id) != g4) {
            if chosen.len() >= THANH_BINH_INSURED {
                break;
            }
            let t = taken.entry(p.unit_id).or_default();
            if *t + 1 < per_group[&p.unit_id] {
                *t += 1;
                chosen.push(p);
            }
        }
        let rest: Vec<&UninsuredRow> =
            tb.iter().filter(|p| !chosen.iter().any(|c| c.person_id == p.person_id)).collect();
        // Enrolment days: spread over the peak months from 05/2024, three days after a visit.
        let months: Vec<NaiveDate> = [(2024, 5), (2024, 11), (2025, 5), (2025, 11), (2026, 5), (2026, 11)]
            .iter()
            .map(|(y, m)| ymd(*y, *m, 1))
            .filter(|m| *m + Days::new(20) < today)
            .collect();
        for (i, p) in chosen.iter().enumerate() {
            // Group no. 4 was reached in 2024 (the seed article, November 2024).
            let m = if Some(p.unit_id) == g4 {
                months[i % 2.min(months.len())]
            } else {
                months[i % months.len().max(1)]
            };
            // Not before the person is 15 (VSI's minimum age) and a little.
            let of_age = p.birth_date + Months::new(15 * 12 + 1);
            let visit = (m + Days::new(3 + (i as u64 * 5) % 18)).max(of_age);
            let enrol = visit + Days::new(3);
            let mode = [12, 6, 12, 3, 12, 6][i % 6];
            let late_days = if i % 7 == 3 { 12 } else { 0 };
            d.push(
                visit,
                Act::Visit {
                    person: p.person_id,
                    campaign: campaign_on(visit),
                    outcome: "will_enrol",
                    reason: "",
                    follow_up: Some(enrol),
                },
            );
            let plan = d.plans.len();
            d.plans.push(Plan {
                participation: 0,
                income: 1_500_000 + 500_000 * (i as i64 % 4),
                mode,
                fund: None,
                collector: 0,
                late_days,
                stop_after: None,
                paid: 0,
                pay_on: vec![],
            });
            d.push(enrol, Act::Enrol { person: p.person_id, plan });
            if let Some(h) = p.household_id {
                d.push(enrol, Act::Join { model: 0, household: h, person: p.person_id, qty: 0, value: 0 });
            }
        }
        // Four who paid once and stopped; visits to the others in the last campaigns.
        for (i, p) in rest.iter().enumerate() {
            if i < 4 && p.birth_date < ymd(2008, 1, 1) {
                let on = ymd(2025, 5, 10 + i as u32);
                let plan = d.plans.len();
                d.plans.push(Plan {
                    participation: 0,
                    income: 1_500_000,
                    mode: 3,
                    fund: None,
                    collector: 0,
                    late_days: 0,
                    stop_after: Some(1 + i as u32 % 2),
                    paid: 0,
                    pay_on: vec![],
                });
                d.push(on, Act::Enrol { person: p.person_id, plan });
                continue;
            }
            let (outcome, reason, follow) = match i % 5 {
                0 => ("undecided", "Chưa có tiền, chờ bán lúa", Some(30)),
                1 => ("not_home", "Đi làm ăn xa", Some(7)),
                2 => ("refused", "Đã có người nuôi khi về già", None),
                3 => ("will_enrol", "Hẹn sau vụ thu hoạch", Some(20)),
                _ => ("undecided", "Muốn tìm hiểu thêm về lương hưu", Some(14)),
            };
            for (k, m) in months.iter().rev().take(2).enumerate() {
                let on = *m + Days::new(2 + (i as u64 * 3 + k as u64 * 7) % 20);
                let follow_up = follow.map(|f| on + Days::new(f));
                d.push(
                    on,
                    Act::Visit { person: p.person_id, campaign: campaign_on(on), outcome, reason, follow_up },
                );
            }
        }

        // ── Cây mai an sinh: 9 households at the launch, 3 after; apricots sold before Tết ──
        let hs = workers(self, &hoanh_son.path, today).await?;
        let mut heads: Vec<&UninsuredRow> = Vec::new();
        for p in hs.iter().filter(|p| p.birth_date < ymd(2007, 1, 1)) {
            if p.household_id.is_some() && !heads.iter().any(|h| h.household_id == p.household_id) {
                heads.push(p);
            }
            if heads.len() == CAY_MAI_AT_LAUNCH + CAY_MAI_JOINED_AFTER {
                break;
            }
        }
        let launch = ymd(2024, 11, 13);
        d.push(
            launch,
            Act::Deposit {
                model: 1,
                household: None,
                kind: "donation",
                amount: 12_000_000,
                note: "Doanh nghiệp địa phương tặng kỳ đóng đầu cho các hộ ra mắt".into(),
            },
        );
        let tet_sales = [ymd(2025, 1, 20), ymd(2026, 2, 5)];
        for (i, p) in heads.iter().enumerate() {
            let Some(h) = p.household_id else { continue };
            let joined = if i < CAY_MAI_AT_LAUNCH {
                launch
            } else {
                [ymd(2025, 3, 12), ymd(2025, 9, 8), ymd(2025, 12, 15)][i - CAY_MAI_AT_LAUNCH]
            };
            let qty = 1 + (i as i64 % 2);
            d.push(
                joined,
                Act::Join { model: 1, household: h, person: p.person_id, qty, value: 3_500_000 * qty },
            );
            // The first period from the common pool until the sale; then 12 months from each sale.
            let mut pay_on = vec![(joined, 3)];
            for (k, sale) in tet_sales.iter().enumerate() {
                if *sale <= joined {
                    continue;
                }
                // One household sold less in 2026: six months only.
                let months = if k == 1 && i == 4 { 6 } else { 12 };
                let amount = if months == 6 { 2_000_000 } else { 3_500_000 * qty };
                d.push(
                    *sale,
                    Act::Deposit {
                        model: 1,
                        household: Some(h),
                        kind: "sale",
                        amount,
                        note: format!("Bán {qty} gốc mai"),
                    },
                );
                pay_on.push((*sale + Days::new(1), months));
            }
            let plan = d.plans.len();
            d.plans.push(Plan {
                participation: 0,
                income: 1_500_000,
                mode: 3,
                fund: Some(1),
                collector: 1,
                late_days: 0,
                stop_after: None,
                paid: 0,
                pay_on,
            });
            d.push(joined, Act::Enrol { person: p.person_id, plan });
        }

        // ── Cây bưởi (harvest Aug–Oct) and Vườn rau an sinh (quarterly) at Phúc Trạch ──
        let pt = workers(self, &phuc_trach.path, today).await?;
        let mut pt_heads: Vec<&UninsuredRow> = Vec::new();
        for p in pt.iter().filter(|p| p.birth_date < ymd(2007, 1, 1)) {
            if p.household_id.is_some() && !pt_heads.iter().any(|h| h.household_id == p.household_id) {
                pt_heads.push(p);
            }
            if pt_heads.len() == 12 {
                break;
            }
        }
        for (i, p) in pt_heads.iter().enumerate() {
            let Some(h) = p.household_id else { continue };
            let (model, joined, sales): (usize, NaiveDate, Vec<(NaiveDate, u32, i64)>) = if i < 8 {
                (
                    2,
                    ymd(2024, 8, 20),
                    vec![
                        (ymd(2024, 9, 15), 12, 4_000_000),
                        (ymd(2025, 9, 12), 12, 4_000_000),
                        (ymd(2026, 9, 18), 12, 4_000_000),
                    ],
                )
            } else {
                (
                    4,
                    ymd(2025, 3, 1),
                    (0..8).map(|q| (ymd(2025, 5, 5) + Months::new(3 * q), 3, 1_000_000)).collect(),
                )
            };
            d.push(
                joined,
                Act::Join {
                    model,
                    household: h,
                    person: p.person_id,
                    qty: if model == 2 { 2 } else { 1 },
                    value: 4_000_000,
                },
            );
            let mut pay_on = Vec::new();
            for (on, months, amount) in sales {
                let note = if model == 2 {
                    "Bán bưởi 2 gốc".to_string()
                } else {
                    "Bán rau trong quý".to_string()
                };
                d.push(on, Act::Deposit { model, household: Some(h), kind: "sale", amount, note });
                pay_on.push((on + Days::new(1), months));
            }
            let first = pay_on.first().map(|x| x.0).unwrap_or(joined);
            let plan = d.plans.len();
            d.plans.push(Plan {
                participation: 0,
                income: 1_500_000,
                mode: 12,
                fund: Some(model),
                collector: 2,
                late_days: 0,
                stop_after: None,
                paid: 0,
                pay_on,
            });
            d.push(first, Act::Enrol { person: p.person_id, plan });
        }

        // ── Heo đất at Trung Lĩnh (Mai Hoa): 3 women, a piggy bank opened each quarter ──
        let tl = workers(self, &trung_linh.path, today).await?;
        let women: Vec<&UninsuredRow> = {
            let mut v: Vec<&UninsuredRow> = Vec::new();
            for p in tl.iter().filter(|p| p.birth_date < ymd(2007, 1, 1)) {
                if p.household_id.is_some() && !v.iter().any(|x| x.household_id == p.household_id) {
                    v.push(p);
                }
                if v.len() == MAI_HOA_PARTICIPANTS - THANH_BINH_INSURED {
                    break;
                }
            }
            v
        };
        for p in &women {
            let Some(h) = p.household_id else { continue };
            d.push(
                ymd(2024, 6, 10),
                Act::Join { model: 3, household: h, person: p.person_id, qty: 1, value: 3_600_000 },
            );
            let mut pay_on = Vec::new();
            let mut on = ymd(2024, 7, 20);
            while on < today {
                d.push(
                    on,
                    Act::Deposit {
                        model: 3,
                        household: Some(h),
                        kind: "savings",
                        amount: 900_000,
                        note: "Mở heo đất".into(),
                    },
                );
                pay_on.push((on + Days::new(1), 3));
                on = on + Months::new(3);
            }
            let plan = d.plans.len();
            d.plans.push(Plan {
                participation: 0,
                income: 1_500_000,
                mode: 3,
                fund: Some(3),
                collector: 0,
                late_days: 0,
                stop_after: None,
                paid: 0,
                pay_on,
            });
            d.push(ymd(2024, 7, 21), Act::Enrol { person: p.person_id, plan });
        }

        // ── Run it, day by day ──
        let mut done = 0usize;
        while let Some(Reverse((on, i))) = d.heap.pop() {
            if on >= today {
                continue;
            }
            let app = self.on_day(on);
            let act = d.events[i].clone();
            self.demo_act(&app, &mut d, on, act).await?;
            done += 1;
        }
        Ok(done)
    }

    async fn demo_act(&self, app: &App, d: &mut Demo, on: NaiveDate, act: Act) -> Result<()> {
        match act {
            Act::Join { model, household, person, qty, value } => {
                if d.members.contains_key(&(model, 'p', person)) {
                    return Ok(());
                }
                let unit = match model {
                    0 => "",
                    1 => "gốc mai",
                    2 => "gốc bưởi",
                    3 => "heo đất",
                    _ => "luống rau",
                };
                let org = if model == 1 {
                    1
                } else if [2, 4].contains(&model) {
                    2
                } else if model == 3 {
                    3
                } else {
                    0
                };
                // The 100 % group's fund pays nothing: its members are the households it reached.
                let n = NewMember {
                    household_id: Some(household),
                    person_id: Some(person),
                    joined_on: on,
                    pledge_qty: qty,
                    pledge_unit: unit.into(),
                    pledge_value: value,
                    pays_vsi: model != 0,
                    pays_hi: false,
                };
                let m = app.add_member(&d.organisers[org], d.models[model], &n).await?;
                d.members.insert((model, 'h', household), m.id);
                d.members.insert((model, 'p', person), m.id);
            }
            Act::Deposit { model, household, kind, amount, note } => {
                let org = if model == 1 {
                    1
                } else if [2, 4].contains(&model) {
                    2
                } else if model == 3 {
                    3
                } else {
                    0
                };
                let member_id = household.and_then(|h| d.members.get(&(model, 'h', h)).copied());
                let n = NewDeposit { kind: kind.into(), amount, on, member_id, note };
                app.deposit(&d.organisers[org], d.models[model], &n).await?;
            }
            Act::Visit { person, campaign, outcome, reason, follow_up } => {
                d.requests += 1;
                let n = NewVisit {
                    client_id: format!("demo-visit-{:06}", d.requests),
                    campaign_id: campaign.and_then(|c| d.campaigns.get(c).copied()),
                    model_id: None,
                    person_id: Some(person),
                    household_id: None,
                    visited_on: on,
                    outcome: outcome.into(),
                    reason: reason.into(),
                    note: String::new(),
                    follow_up_on: follow_up,
                };
                app.record_visit(&d.organisers[0], &n).await?;
            }
            Act::Enrol { person, plan } => {
                let p = d.plans[plan].clone();
                let e = VsiEnrolment {
                    person_id: person,
                    income: p.income,
                    mode_months: p.mode,
                    ..Default::default()
                };
                let part = app.enrol_vsi(&d.collectors[p.collector], &e).await?;
                d.plans[plan].participation = part.id;
                self.demo_pay(app, d, plan, on).await?;
            }
            Act::Pay { plan } => self.demo_pay(app, d, plan, on).await?,
        }
        Ok(())
    }

    /// Pay a plan's next period on `on` and schedule the one after.
    async fn demo_pay(&self, app: &App, d: &mut Demo, plan: usize, on: NaiveDate) -> Result<()> {
        let p = d.plans[plan].clone();
        let collector = d.collectors[p.collector].clone();
        // A fund-paid member pays what the income on this day carries.
        let months = match p.fund {
            Some(_) => p.pay_on.iter().find(|(x, _)| *x == on).map_or(p.mode, |x| x.1),
            None => p.mode,
        };
        // A fund-paid member's period is paid whole by the fund (a source with no amount).
        let sources = match p.fund {
            Some(model) => vec![SourceInput {
                source: "fund".into(),
                name: String::new(),
                amount: 0,
                model_id: Some(d.models[model]),
            }],
            None => vec![],
        };
        let item = PaymentItem::Vsi { participation_id: p.participation, months: Some(months), sources };
        d.requests += 1;
        let req = PaymentRequest { request_id: format!("demo-pay-{:06}", d.requests), items: vec![item] };
        app.record_payment(&collector, &req).await?;
        d.plans[plan].paid += 1;
        if p.stop_after.is_some_and(|s| d.plans[plan].paid >= s) {
            return Ok(());
        }
        let through = {
            let mut r = self.db.read().await?;
            r.conn().participation_by_id(p.participation).await?.and_then(|x| x.paid_through)
        };
        let Some(through) = through else { return Ok(()) };
        let next = match p.fund {
            // The next income day, if the paid period runs out after it.
            Some(_) => p.pay_on.iter().map(|x| x.0).find(|x| *x > on),
            // Late, unless that would leave the period open today (the seed's 47 are insured).
            None if p.late_days > 0 && through + Days::new(p.late_days as u64) < self.today() => {
                Some(through + Days::new(p.late_days as u64))
            }
            None => Some(through - Days::new(4)),
        };
        if let Some(next) = next {
            d.push(next, Act::Pay { plan });
        }
        Ok(())
    }
}
