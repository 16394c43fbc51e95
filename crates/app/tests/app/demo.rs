//! The demo province: idempotent, deterministic, shaped like the seed.

use super::*;

#[tokio::test]
async fn demo_seed_is_idempotent() {
    for (app, l, _t) in apps().await {
        let first = app.seed_demo().await.unwrap();
        assert!(first.places_created >= 20 && first.accounts_created.len() == 8, "{l}: {first:?}");
        let second = app.seed_demo().await.unwrap();
        assert_eq!((second.places_created, second.accounts_created.len()), (0, 0), "{l}");
        let (officer, _) = app.login("xa.maihoa", ansinh_app::DEMO_PASSWORD).await.unwrap();
        let thanh_binh = app.search_units(&officer, "thanh binh", None).await.unwrap();
        assert_eq!(thanh_binh.len(), 1, "{l}");
        let view = app.unit_view(&officer, thanh_binh[0].id, None).await.unwrap();
        assert_eq!(view.children.len(), 6, "{l}: six inter-family groups");
    }
}

#[tokio::test]
async fn demo_population_is_deterministic_and_shaped() {
    let mut fingerprints = Vec::new();
    for (mut app, l, _t) in apps().await {
        // Through the bulk path (indexes and constraints lifted and restored).
        app.set_bulk_rows(1000);
        let r = app.seed_population(3000, 7, &mut |_, _| {}).await.unwrap();
        assert!(r.persons == 3000 && r.households > 700 && r.places_created > 1000, "{l}: {r:?}");
        assert_eq!(r.thanh_binh_workers, ansinh_app::demo::seed::THANH_BINH_WORKERS, "{l}");
        let again = app.seed_population(3000, 7, &mut |_, _| {}).await.unwrap();
        assert!(again.existed, "{l}: idempotent");
        let sys = Actor::system();
        let tb = app.unit_by_code(&sys, "18322-01", None).await.unwrap();
        let counts = app.place_counts(&sys, &tb).await.unwrap();
        assert_eq!(counts.working_age, 82, "{l}");
        let table = app
            .export_persons(&sys, &PersonQuery { place: "42".into(), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(table.rows.len(), 3000, "{l}");
        let mut cccds: Vec<String> = table.rows.iter().map(|r| r[1].clone()).collect();
        cccds.sort();
        fingerprints.push(cccds);
    }
    if fingerprints.len() == 2 {
        assert_eq!(fingerprints[0], fingerprints[1], "same seed, same people on both backends");
    }
}

/// The seed article's facts hold in the demo's community models (DOMAIN.md §9), and the
/// histories behind them keep the ledger's invariants.
#[tokio::test]
async fn demo_models_carry_the_seed_facts() {
    use ansinh_app::demo::models::{
        CAY_MAI_AT_LAUNCH, CAY_MAI_JOINED_AFTER, MAI_HOA_PARTICIPANTS, THANH_BINH_INSURED,
    };
    for (mut app, l, _t) in apps().await {
        app.set_clock(ansinh_app::Clock::on(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()));
        let r = app.seed_population(20_000, 2024, &mut |_, _| {}).await.unwrap();
        assert!(r.model_events > 300, "{l}: {r:?}");
        let sys = Actor::system();
        // Thanh Bình: 47 of 82 workers insured; group no. 4 at 100 %, dated.
        let tb = app.unit_by_code(&sys, "18322-01", None).await.unwrap();
        let v = app.full_groups(&sys, tb.id).await.unwrap();
        assert_eq!((v.total.workers, v.total.insured), (82, THANH_BINH_INSURED as i64), "{l}");
        let g4 = v.lines.iter().find(|x| x.unit.name == "Tổ liên gia số 4").unwrap();
        assert!(g4.full() && g4.reached_on.is_some(), "{l}: {g4:?}");
        assert_eq!(v.lines.iter().filter(|x| x.full()).count(), 1, "{l}: only group no. 4 is full");
        assert_eq!(v.uninsured.len(), 82 - THANH_BINH_INSURED, "{l}");
        // The same facts through the live coverage series: 47 of 82 in VSI → 57,32 %.
        let on = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let iv = app.unit_indicators(&sys, tb.id, on).await.unwrap();
        let vsi = iv.get(ansinh_domain::Indicator::Vsi).unwrap();
        assert_eq!(
            (vsi.numerator, vsi.registry_denominator, vsi.registry_rate_bp),
            (47, 82, Some(5732)),
            "{l}: {vsi:?}"
        );
        let g4v = app.unit_indicators(&sys, g4.unit.id, on).await.unwrap();
        let si = g4v.get(ansinh_domain::Indicator::Si).unwrap();
        assert_eq!(si.numerator, si.registry_denominator, "{l}: group no. 4 at 100 %: {si:?}");
        assert!(
            app.verify_coverage().await.unwrap().is_empty(),
            "{l}: the seed's history replayed live equals a recomputation"
        );
        assert!(
            v.uninsured.iter().filter(|u| u.last_visit.is_some()).count() >= 25,
            "{l}: most were visited"
        );

        let models = app.models(&sys).await.unwrap();
        let by_name =
            |n: &str| models.iter().find(|m| m.model.name == n).unwrap_or_else(|| panic!("{l}: {n}"));
        // Cây mai an sinh at Hoành Sơn (was Kỳ Nam): 9 households at the launch, 3 after.
        let mai = by_name("Cây mai an sinh");
        assert_eq!(mai.model.launched_on, NaiveDate::from_ymd_opt(2024, 11, 13).unwrap(), "{l}");
        let mv = app.model_view(&sys, mai.model.id).await.unwrap();
        let launch = mv.members.iter().filter(|m| m.member.joined_on == mai.model.launched_on).count();
        assert_eq!((launch, mv.members.len() - launch), (CAY_MAI_AT_LAUNCH, CAY_MAI_JOINED_AFTER), "{l}");
        assert!(mv.stats.fund.contributions > 0 && mv.stats.enrolled >= 8, "{l}: {:?}", mv.stats);
        assert!(mv.plan.iter().any(|p| p.warning.is_some()), "{l}: the short sale shows in the plan");
        // Mai Hoa (was Đức Lĩnh): the 100 % group and the piggy banks, 50 participants.
        let mai_hoa: i64 =
            models.iter().filter(|m| m.commune.contains("Mai Hoa")).map(|m| m.stats.enrolled).sum();
        assert_eq!(mai_hoa, MAI_HOA_PARTICIPANTS as i64, "{l}");
        let full = by_name("Tổ liên gia 100% người lao động tham gia BHXH");
        assert_eq!(full.model.launched_on.to_string(), "2024-05-06");
        let fv = app.model_view(&sys, full.model.id).await.unwrap();
        assert_eq!(fv.coverage, (82, THANH_BINH_INSURED as i64), "{l}: measured where it runs");
        assert_eq!(by_name("Cây bưởi BHXH tự nguyện").commune, "Xã Phúc Trạch", "{l}");
        by_name("Nuôi heo đất tiết kiệm đóng BHXH tự nguyện");
        by_name("Vườn rau an sinh");
        // Every fund: entries sum to the balance, no pool below zero.
        for m in &models {
            let s = app.fund_statement(&sys, m.model.id).await.unwrap();
            assert_eq!(
                s.lines.iter().map(|x| x.entry.amount).sum::<i64>(),
                s.balance,
                "{l}: {}",
                m.model.name
            );
            assert!(s.pools.iter().all(|p| p.2 >= 0), "{l}: {}", m.model.name);
        }
        // Campaigns in the peak months with their visits; whom to visit next in Mai Hoa.
        let collector = app.login("thu.maihoa", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        let next = app.visit_next(&collector, 50).await.unwrap();
        assert!(next.iter().any(|n| n.kind == "lapsed"), "{l}");
        // The ranking's backtest on the history: lists made, lapses counted, the top bounded.
        let days: Vec<NaiveDate> =
            (0..23).map(|m| NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Months::new(m)).collect();
        let b = app.visit_next_backtest(&sys, &days, 5).await.unwrap();
        assert!(b.days > 10 && b.ranked > 50 && b.lapses > 0 && b.caught <= b.lapses, "{l}: {b:?}");
        let campaigns = app.campaigns(&sys).await.unwrap();
        assert_eq!(campaigns.len(), 6, "{l}");
        let last = app.campaign_view(&sys, campaigns[0].id).await.unwrap();
        assert!(last.funnel.visits > 10 && last.funnel.enrolled > 0, "{l}: {:?}", last.funnel);
    }
}
