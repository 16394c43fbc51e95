//! Community models on both backends: the fund ledger's invariants (entries sum to the
//! balance, no pool below zero also under concurrent withdrawals, a reversal restores the
//! balance), paying members' contributions from the fund through the payment flow, the
//! harvest plan, 100 %-group milestones, visits sent twice, the funnel and whom to visit next.

use super::*;
use ansinh_app::Clock;
use ansinh_app::collection::{PaymentItem, PaymentRequest, SourceInput, VsiEnrolment};
use ansinh_app::models::{NewCampaign, NewDeposit, NewMember, NewModel, NewVisit};

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
}

async fn setup(on: NaiveDate) -> Vec<(App, &'static str, testing::TestDb, Actor, Actor)> {
    let mut out = Vec::new();
    for (mut app, l, t) in apps().await {
        app.set_clock(Clock::on(on));
        app.seed_demo().await.unwrap();
        let collector = app.login("thu.maihoa", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        let officer = app.login("xa.maihoa", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        out.push((app, l, t, collector, officer));
    }
    out
}

fn tree_model() -> NewModel {
    NewModel {
        unit_code: "18322".into(),
        kind: "tree_pledge".into(),
        name: "Cây mai an sinh".into(),
        organisation: "farmers_union".into(),
        launched_on: NaiveDate::from_ymd_opt(2024, 11, 13).unwrap(),
        goal_members: 12,
        income_months: "1".into(),
        income_note: "Bán mai trước Tết".into(),
        ..Default::default()
    }
}

const NAMES: &[&str] =
    &["An", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hải", "Hùng", "Khánh", "Long", "Minh", "Nam"];

/// A household of one working-age head in `unit`, enrolled in VSI (12 months at 1.5M).
async fn enrolled_head(app: &App, officer: &Actor, collector: &Actor, n: u32, unit: &str) -> (i64, i64, i64) {
    let p = app
        .create_person(
            officer,
            &person(
                &format!("04208500{n:04}"),
                &format!("Lê Văn {}", NAMES[n as usize % NAMES.len()]),
                "1985",
                "Nam",
                unit,
                &format!("MAI-{n}"),
                "Chủ hộ",
            ),
        )
        .await
        .unwrap();
    let e = VsiEnrolment { person_id: p.id, income: 1_500_000, mode_months: 12, ..Default::default() };
    let part = app.enrol_vsi(collector, &e).await.unwrap().id;
    (p.id, p.household_id.unwrap(), part)
}

fn from_fund(participation_id: i64, model_id: i64, amount: i64) -> PaymentItem {
    PaymentItem::Vsi {
        participation_id,
        months: None,
        sources: vec![SourceInput {
            source: "fund".into(),
            name: String::new(),
            amount,
            model_id: Some(model_id),
        }],
    }
}

async fn ledger_holds(app: &App, actor: &Actor, model_id: i64, l: &str) -> i64 {
    let s = app.fund_statement(actor, model_id).await.unwrap();
    let sum: i64 = s.lines.iter().map(|x| x.entry.amount).sum();
    let pools: i64 = s.pools.iter().map(|p| p.2).sum();
    assert_eq!(sum, s.balance, "{l}: entries sum to the balance");
    assert_eq!(pools, s.balance, "{l}: pools sum to the balance");
    assert!(s.pools.iter().all(|p| p.2 >= 0), "{l}: no pool below zero: {:?}", s.pools);
    s.balance
}

#[tokio::test]
async fn fund_pays_members_contributions_and_reversals_restore_it() {
    for (app, l, _t, collector, officer) in setup(day()).await {
        // Bad input names its fields.
        let bad =
            NewModel { kind: "tree".into(), income_months: "13".into(), name: " ".into(), ..tree_model() };
        let e = app.create_model(&officer, &bad).await.unwrap_err();
        let AppError::Invalid(list) = e else { panic!("{l}") };
        let fields: Vec<&str> = list.iter().map(|i| i.field.as_str()).collect();
        assert!(
            fields.contains(&"kind") && fields.contains(&"income_months") && fields.contains(&"name"),
            "{l}: {fields:?}"
        );
        // A collector does not launch models.
        assert!(matches!(app.create_model(&collector, &tree_model()).await, Err(AppError::Forbidden)), "{l}");

        let model = app.create_model(&officer, &tree_model()).await.unwrap();
        let (a, hh_a, part_a) = enrolled_head(&app, &officer, &collector, 1, "18322-01-01").await;
        let (_b, hh_b, part_b) = enrolled_head(&app, &officer, &collector, 2, "18322-01-02").await;
        let (_c, _, part_c) = enrolled_head(&app, &officer, &collector, 3, "18322-01-02").await;
        let join = NaiveDate::from_ymd_opt(2024, 11, 13).unwrap();
        let member = |h: i64| NewMember {
            household_id: Some(h),
            joined_on: join,
            pledge_qty: 2,
            pledge_unit: "gốc mai".into(),
            pledge_value: 6_000_000,
            pays_vsi: true,
            ..Default::default()
        };
        let ma = app.add_member(&officer, model.id, &member(hh_a)).await.unwrap();
        let mb = app.add_member(&officer, model.id, &member(hh_b)).await.unwrap();
        let dup = app.add_member(&officer, model.id, &member(hh_a)).await.unwrap_err();
        assert_eq!(dup.first_invalid().unwrap().field, "member", "{l}");

        // A harvest sale for A, a donation to the common pool.
        let sale = |amount, member_id| NewDeposit {
            kind: "sale".into(),
            amount,
            on: day(),
            member_id,
            note: "Bán 2 gốc mai".into(),
        };
        app.deposit(&officer, model.id, &sale(2_000_000, Some(ma.id))).await.unwrap();
        let gift = NewDeposit {
            kind: "donation".into(),
            amount: 4_000_000,
            on: day(),
            member_id: None,
            note: String::new(),
        };
        app.deposit(&officer, model.id, &gift).await.unwrap();
        let e = app.deposit(&officer, model.id, &NewDeposit { amount: 0, ..gift.clone() }).await.unwrap_err();
        assert_eq!(e.first_invalid().unwrap().field, "amount", "{l}");
        assert_eq!(ledger_holds(&app, &officer, model.id, l).await, 6_000_000);

        // A's 12 months (3,168,000) from the fund: 2,000,000 from A's pool, the rest common.
        let pay = PaymentRequest {
            request_id: "fund-pay-a-1".into(),
            items: vec![from_fund(part_a, model.id, 3_168_000)],
        };
        let out = app.record_payment(&collector, &pay).await.unwrap();
        let receipt = &out.receipts[0];
        let view = app.receipt_view(&collector, receipt.id).await.unwrap();
        assert_eq!(view.sources.len(), 1, "{l}");
        assert_eq!(view.sources[0].name, "Quỹ Cây mai an sinh", "{l}");
        assert_eq!(receipt.payer_person_id, a, "{l}: the receipt is the member's");
        let s = app.fund_statement(&officer, model.id).await.unwrap();
        assert_eq!(s.balance, 6_000_000 - 3_168_000, "{l}");
        assert_eq!(s.pools.iter().find(|p| p.0 == ma.id).unwrap().2, 0, "{l}: A's own pool first");
        ledger_holds(&app, &officer, model.id, l).await;

        // B's payment needs more than is left: refused whole (no receipt, no entry).
        let pay_b = PaymentRequest {
            request_id: "fund-pay-b-1".into(),
            items: vec![from_fund(part_b, model.id, 3_168_000)],
        };
        let e = app.record_payment(&collector, &pay_b).await.unwrap_err();
        assert_eq!(e.first_invalid().unwrap().field, "amount", "{l}: {e}");
        assert_eq!(app.collector_day(&collector, None).await.unwrap().receipts.len(), 1, "{l}");
        // C is no member: refused.
        let pay_c = PaymentRequest {
            request_id: "fund-pay-c-1".into(),
            items: vec![from_fund(part_c, model.id, 100_000)],
        };
        let e = app.record_payment(&collector, &pay_c).await.unwrap_err();
        assert_eq!(e.first_invalid().unwrap().field, "sources", "{l}: {e}");

        // A contribution is undone by voiding its receipt, which restores the fund.
        let entries = app.fund_statement(&officer, model.id).await.unwrap().lines;
        let contribution =
            entries.iter().find(|x| x.entry.kind == ansinh_domain::FundEntryKind::Contribution).unwrap();
        let e = app.reverse_fund_entry(&officer, contribution.entry.id, "nhầm người").await.unwrap_err();
        assert_eq!(e.first_invalid().unwrap().field, "entry", "{l}");
        app.void_receipt(&collector, receipt.id, "Ghi nhầm kỳ đóng").await.unwrap();
        let s = app.fund_statement(&officer, model.id).await.unwrap();
        assert_eq!(s.balance, 6_000_000, "{l}: the void gave the money back");
        assert_eq!(s.pools.iter().find(|p| p.0 == ma.id).unwrap().2, 2_000_000, "{l}");
        ledger_holds(&app, &officer, model.id, l).await;

        // A deposit is corrected by reversing it, once; not if the money was spent.
        let gift_entry =
            s.lines.iter().find(|x| x.entry.kind == ansinh_domain::FundEntryKind::Donation).unwrap();
        app.reverse_fund_entry(&officer, gift_entry.entry.id, "Ghi trùng khoản tài trợ").await.unwrap();
        let e = app.reverse_fund_entry(&officer, gift_entry.entry.id, "Lần nữa").await.unwrap_err();
        assert_eq!(e.first_invalid().unwrap().field, "entry", "{l}");
        assert_eq!(ledger_holds(&app, &officer, model.id, l).await, 2_000_000, "{l}");
        let pay = PaymentRequest {
            request_id: "fund-pay-a-2".into(),
            items: vec![from_fund(part_a, model.id, 2_000_000)],
        };
        app.record_payment(&collector, &pay).await.unwrap();
        let sale_entry = s.lines.iter().find(|x| x.entry.kind == ansinh_domain::FundEntryKind::Sale).unwrap();
        let e =
            app.reverse_fund_entry(&officer, sale_entry.entry.id, "Bán mai chưa thu tiền").await.unwrap_err();
        assert_eq!(e.first_invalid().unwrap().field, "amount", "{l}: spent money is not reversed");
        assert_eq!(ledger_holds(&app, &officer, model.id, l).await, 0, "{l}");

        // The dashboard and the plan.
        let v = app.model_view(&officer, model.id).await.unwrap();
        assert_eq!(v.stats.members, 2, "{l}");
        assert_eq!(v.stats.enrolled, 1, "{l}: A is paid through 2027");
        assert_eq!(v.stats.fund.contributions, 2_000_000, "{l}");
        let plan_b = v.plan.iter().find(|p| p.member_id == mb.id).unwrap();
        assert_eq!(plan_b.mode_months, 12, "{l}: one income a year carries 12 months");
        assert_eq!(plan_b.income_on, NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(), "{l}");
        // The poverty line rises on 1 Jan 2027 (DOMAIN.md §4): B's declared 1,500,000 ₫ falls
        // below the new floor by the apricot sale, and the plan says so in time.
        let warning = plan_b.warning.clone().unwrap();
        assert!(warning.contains("2.200.000"), "{l}: {warning}");
        let list = app.models(&officer).await.unwrap();
        assert_eq!(list.len(), 1, "{l}");

        // Replicated elsewhere: same rules, no members.
        let copy = app
            .replicate_model(&Actor::system(), model.id, "18832", "Cây mai an sinh Hoành Sơn", day())
            .await
            .unwrap();
        assert_eq!(
            (copy.kind, copy.template_id, copy.income_months.as_str()),
            (model.kind, Some(model.id), "1"),
            "{l}"
        );
        assert!(app.model_view(&Actor::system(), copy.id).await.unwrap().members.is_empty(), "{l}");
    }
}

#[tokio::test]
async fn concurrent_withdrawals_never_overdraw_the_fund() {
    for (app, l, _t, collector, officer) in setup(day()).await {
        let model = app.create_model(&officer, &tree_model()).await.unwrap();
        let mut parts = Vec::new();
        for n in 0..6 {
            let (_, hh, part) = enrolled_head(&app, &officer, &collector, 10 + n, "18322-01-03").await;
            let m =
                NewMember { household_id: Some(hh), joined_on: day(), pays_vsi: true, ..Default::default() };
            app.add_member(&officer, model.id, &m).await.unwrap();
            parts.push(part);
        }
        // Enough for two of six.
        let gift = NewDeposit {
            kind: "donation".into(),
            amount: 6_400_000,
            on: day(),
            member_id: None,
            note: String::new(),
        };
        app.deposit(&officer, model.id, &gift).await.unwrap();
        let mut tasks = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let (app, collector, part, model) = (app.clone(), collector.clone(), *part, model.id);
            tasks.push(tokio::spawn(async move {
                let req = PaymentRequest {
                    request_id: format!("conc-{i:04}-x"),
                    items: vec![from_fund(part, model, 3_168_000)],
                };
                loop {
                    match app.record_payment(&collector, &req).await {
                        Err(AppError::Busy) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
                        r => return r.is_ok(),
                    }
                }
            }));
        }
        let mut ok = 0;
        for t in tasks {
            ok += usize::from(t.await.unwrap());
        }
        assert_eq!(ok, 2, "{l}: exactly what the fund holds");
        assert_eq!(ledger_holds(&app, &officer, model.id, l).await, 6_400_000 - 2 * 3_168_000, "{l}");
    }
}

#[tokio::test]
async fn a_group_reaching_100_percent_keeps_its_date() {
    for (mut app, l, _t, collector, officer) in setup(day()).await {
        // Group no. 6 of Thanh Bình: two workers, and a retired man who does not count.
        let g = app.unit_by_code(&officer, "18322-01-06", None).await.unwrap();
        let (_, _, p1) = enrolled_head(&app, &officer, &collector, 31, "18322-01-06").await;
        let (_, _, p2) = enrolled_head(&app, &officer, &collector, 32, "18322-01-06").await;
        app.create_person(
            &officer,
            &person("042040000033", "Cụ Trần Văn Lộc", "1940", "Nam", "18322-01-06", "MAI-33", "Chủ hộ"),
        )
        .await
        .unwrap();
        let view = app.full_groups(&officer, g.id).await.unwrap();
        assert_eq!((view.total.workers, view.total.insured), (2, 0), "{l}");
        assert_eq!(view.uninsured.len(), 2, "{l}");
        let pay = |n: &str, part| PaymentRequest {
            request_id: format!("grp-{n}-0001"),
            items: vec![PaymentItem::Vsi { participation_id: part, months: None, sources: vec![] }],
        };
        app.record_payment(&collector, &pay("a", p1)).await.unwrap();
        assert_eq!(app.full_groups(&officer, g.id).await.unwrap().total.reached_on, None, "{l}");
        let second = app.record_payment(&collector, &pay("b", p2)).await.unwrap();
        let view = app.full_groups(&officer, g.id).await.unwrap();
        assert!(view.total.full(), "{l}");
        assert_eq!(view.total.reached_on, Some(day()), "{l}: dated the day it happened");
        // A day later the payment is voided: the rate drops, the date stays.
        app.set_clock(Clock::on(day().succ_opt().unwrap()));
        app.void_receipt(&collector, second.receipts[0].id, "Ghi nhầm người đóng").await.unwrap();
        let view = app.full_groups(&officer, g.id).await.unwrap();
        assert_eq!((view.total.insured, view.total.reached_on), (1, Some(day())), "{l}");
        assert_eq!(view.total.dropped_on, day().succ_opt(), "{l}");
        // The village line shows it among its groups.
        let village = app.unit_by_code(&officer, "18322-01", None).await.unwrap();
        let vv = app.full_groups(&officer, village.id).await.unwrap();
        let line = vv.lines.iter().find(|x| x.unit.id == g.id).unwrap();
        assert_eq!((line.workers, line.insured, line.reached_on), (2, 1, Some(day())), "{l}");
        // Paid again: back at 100 %, the first date kept, the drop cleared.
        let again = PaymentRequest { request_id: "grp-b-0002".into(), ..pay("b", p2) };
        app.record_payment(&collector, &again).await.unwrap();
        let view = app.full_groups(&officer, g.id).await.unwrap();
        assert_eq!((view.total.reached_on, view.total.dropped_on), (Some(day()), None), "{l}");
        // A new worker registered in the group takes it off 100 % (the registry's own change).
        let later = day().succ_opt().unwrap().succ_opt().unwrap();
        app.set_clock(Clock::on(later));
        app.create_person(
            &officer,
            &person("042086000034", "Lê Văn Mới", "1986", "Nam", "18322-01-06", "MAI-34", "Chủ hộ"),
        )
        .await
        .unwrap();
        let view = app.full_groups(&officer, g.id).await.unwrap();
        assert_eq!(
            (view.total.workers, view.total.reached_on, view.total.dropped_on),
            (3, Some(day()), Some(later)),
            "{l}"
        );
    }
}

#[tokio::test]
async fn visits_are_stored_once_and_feed_the_funnel_and_the_next_list() {
    for (mut app, l, _t, collector, officer) in setup(day()).await {
        let k = app
            .create_campaign(
                &officer,
                &NewCampaign {
                    name: "Tháng vận động BHXH tự nguyện 11/2026".into(),
                    unit_codes: vec!["18322-01".into()],
                    starts_on: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
                    ends_on: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
                    target_visits: 50,
                    target_enrolments: 10,
                    teams: "Hội Phụ nữ, Đoàn Thanh niên".into(),
                    members: vec!["thu.maihoa".into()],
                    note: String::new(),
                },
            )
            .await
            .unwrap();
        let p = app
            .create_person(
                &officer,
                &person("042190000041", "Hồ Thị Lan", "1990", "Nữ", "18322-01-04", "LAN-1", "Chủ hộ"),
            )
            .await
            .unwrap();
        let visit = NewVisit {
            client_id: "phone-abc-0001".into(),
            campaign_id: Some(k.id),
            person_id: Some(p.id),
            visited_on: day(),
            outcome: "will_enrol".into(),
            follow_up_on: NaiveDate::from_ymd_opt(2026, 11, 25),
            ..Default::default()
        };
        let (v1, replay1) = app.record_visit(&collector, &visit).await.unwrap();
        let (v2, replay2) = app.record_visit(&collector, &visit).await.unwrap();
        assert!(!replay1 && replay2 && v1.id == v2.id, "{l}: sent twice, stored once");
        let e = app
            .record_visit(
                &collector,
                &NewVisit { client_id: "phone-abc-0002".into(), outcome: "maybe".into(), ..visit.clone() },
            )
            .await
            .unwrap_err();
        assert_eq!(e.first_invalid().unwrap().field, "outcome", "{l}");
        // Outside the campaign's places: refused.
        let other = app
            .create_person(
                &officer,
                &person("042091000042", "Võ Văn Bình", "1991", "Nam", "18322-02", "BINH-1", "Chủ hộ"),
            )
            .await
            .unwrap();
        let e = app
            .record_visit(
                &collector,
                &NewVisit { client_id: "phone-abc-0003".into(), person_id: Some(other.id), ..visit.clone() },
            )
            .await
            .unwrap_err();
        assert_eq!(e.first_invalid().unwrap().field, "campaign_id", "{l}");

        let view = app.campaign_view(&officer, k.id).await.unwrap();
        assert_eq!(
            (view.funnel.visits, view.funnel.visited, view.funnel.interested, view.funnel.enrolled),
            (1, 1, 1, 0),
            "{l}"
        );
        assert_eq!(view.follow_ups.len(), 1, "{l}");
        // She enrols and pays: the campaign gets the enrolment, the follow-up is done.
        let e = VsiEnrolment { person_id: p.id, income: 1_500_000, mode_months: 1, ..Default::default() };
        let part = app.enrol_vsi(&collector, &e).await.unwrap().id;
        app.record_payment(
            &collector,
            &PaymentRequest {
                request_id: "lan-pay-0001".into(),
                items: vec![PaymentItem::Vsi { participation_id: part, months: None, sources: vec![] }],
            },
        )
        .await
        .unwrap();
        let view = app.campaign_view(&officer, k.id).await.unwrap();
        assert_eq!(view.funnel.enrolled, 1, "{l}");
        assert!(view.follow_ups.is_empty(), "{l}");

        // Paid for November only: in mid-December she is due, and the list says why.
        app.set_clock(Clock::on(NaiveDate::from_ymd_opt(2026, 12, 10).unwrap()));
        let next = app.visit_next(&collector, 50).await.unwrap();
        let item = next.iter().find(|n| n.person_id == p.id).expect("on the list");
        assert_eq!(item.kind, "lapsed", "{l}");
        assert!(item.reason.contains("đã hết hạn đóng từ 30/11/2026"), "{l}: {}", item.reason);
        assert_eq!(item.score, item.factors.iter().map(|f| f.points).sum::<i64>(), "{l}");
        // A viewer may not ask.
        let viewer = user(&app, "xem.maihoa", "viewer", "18322").await;
        assert!(matches!(app.visit_next(&viewer, 10).await, Err(AppError::Forbidden)), "{l}");
    }
}

#[tokio::test]
async fn a_fund_pays_a_households_health_insurance() {
    use ansinh_app::collection::HiEnrolment;
    for (app, l, _t, collector, officer) in setup(day()).await {
        let savings = NewModel {
            kind: "savings".into(),
            name: "Heo đất BHYT".into(),
            organisation: "womens_union".into(),
            income_months: String::new(),
            ..tree_model()
        };
        let model = app.create_model(&officer, &savings).await.unwrap();
        let (head, hh, vsi) = enrolled_head(&app, &officer, &collector, 51, "18322-01-05").await;
        app.enrol_hi_household(&collector, &HiEnrolment { household_id: hh, person_ids: vec![head] })
            .await
            .unwrap();
        // The household is a member whose HI the fund pays (not its VSI).
        let m = NewMember { household_id: Some(hh), joined_on: day(), pays_hi: true, ..Default::default() };
        app.add_member(&officer, model.id, &m).await.unwrap();
        let funds = app.member_funds(&collector, head).await.unwrap();
        assert_eq!((funds.len(), funds[0].pays_hi, funds[0].pays_vsi), (1, true, false), "{l}");
        let gift = NewDeposit {
            kind: "savings".into(),
            amount: 2_000_000,
            on: day(),
            member_id: None,
            note: String::new(),
        };
        app.deposit(&officer, model.id, &gift).await.unwrap();
        let item =
            PaymentItem::HiHousehold { household_id: hh, months: 12, payer_person_id: None, sources: vec![] };
        let amount = app.quote_item(&collector, &item).await.unwrap();
        let pay = PaymentItem::HiHousehold {
            household_id: hh,
            months: 12,
            payer_person_id: None,
            sources: vec![SourceInput {
                source: "fund".into(),
                name: String::new(),
                // No amount: the fund pays what is due.
                amount: 0,
                model_id: Some(model.id),
            }],
        };
        let req = PaymentRequest { request_id: "hi-fund-0001".into(), items: vec![pay] };
        let out = app.record_payment(&collector, &req).await.unwrap();
        assert_eq!(out.receipts[0].amount, amount, "{l}");
        assert_eq!(ledger_holds(&app, &officer, model.id, l).await, 2_000_000 - amount, "{l}");
        // Its VSI is not the fund's to pay.
        let req = PaymentRequest {
            request_id: "hi-fund-0002".into(),
            items: vec![from_fund(vsi, model.id, 100_000)],
        };
        let e = app.record_payment(&collector, &req).await.unwrap_err();
        assert_eq!(e.first_invalid().unwrap().field, "sources", "{l}");
    }
}

#[tokio::test]
async fn tk1_ts_is_filled_from_the_registry_with_the_household_annex() {
    for (app, l, _t, collector, officer) in setup(day()).await {
        let (head, _, _) = enrolled_head(&app, &officer, &collector, 61, "18322-01-02").await;
        let mut wife = person("042188000062", "Lê Thị Hoa", "1988", "Nữ", "18322-01-02", "MAI-61", "Vợ");
        wife.phone = "0912000062".into();
        app.create_person(&officer, &wife).await.unwrap();
        let d = app.declaration(&collector, "tk1-ts", head).await.unwrap();
        let field = |no: &str| d.fields.iter().find(|f| f.0 == no).map(|f| f.2.clone()).unwrap();
        assert_eq!(field("01"), "LÊ VĂN BÌNH", "{l}: [01] in capitals");
        assert_eq!((field("02").as_str(), field("06").as_str()), ("Nam", "042085000061"), "{l}");
        assert!(field("13").contains("Mai Hoa") && field("15").contains("Hà Tĩnh"), "{l}");
        assert_eq!(d.annex_rows.len(), 2, "{l}: both members in the annex");
        assert!(d.annex_rows.iter().any(|r| r.contains(&"Vợ".to_string())), "{l}: {:?}", d.annex_rows);
        assert!(d.annex_head.iter().any(|(k, v)| k == "Mã số hộ gia đình" && v == "MAI-61"), "{l}");
        let pdf = ansinh_reports::pdf::declaration_pdf(&d);
        assert!(pdf.starts_with(b"%PDF-"), "{l}");
        let e = app.declaration(&collector, "tk9", head).await.unwrap_err();
        assert_eq!(e.first_invalid().unwrap().field, "form", "{l}");
    }
}
