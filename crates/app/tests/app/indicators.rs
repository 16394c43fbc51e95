//! Coverage indicators (issue 11) on both backends: the live series equal a full
//! recomputation after any sequence of enrolments, payments, voids, lapses, moves, merges and
//! list imports; denominators, targets, the planner and snapshots.

use super::*;
use ansinh_app::Clock;
use ansinh_app::collection::{PaymentItem, PaymentRequest, VsiEnrolment};
use ansinh_app::import::ImportMode;
use ansinh_app::indicators::{NewDenominator, NewTarget, plan::Assignment};
use ansinh_domain::Indicator;

/// A small deterministic generator (the sequence is the same on every run and backend).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn day(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}

#[tokio::test]
async fn live_coverage_equals_a_full_recomputation_after_any_sequence_of_changes() {
    for (mut app, l, _t) in apps().await {
        app.set_clock(Clock::on(day(2026, 3, 10)));
        app.seed_demo().await.unwrap();
        let collector = app.login("thu.maihoa", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        let officer = app.login("xa.maihoa", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        let office = app.login("tinh.hatinh", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        assert!(app.verify_coverage().await.unwrap().is_empty(), "{l}: the demo starts consistent");
        let villages = ["18322-01", "18322-04"];
        let mut people = Vec::new();
        let names = ["An", "Bình", "Cường", "Dũng", "Em", "Giang", "Hà", "Khánh"];
        for (i, name) in names.iter().enumerate() {
            let year = 1970 + i * 3;
            let male = i % 2 == 0;
            let p = app
                .create_person(
                    &officer,
                    &person(
                        &format!("042{}{:02}{:06}", if male { 0 } else { 1 }, year % 100, 3000 + i),
                        &format!("Nguyễn Thử {name}"),
                        &year.to_string(),
                        if male { "Nam" } else { "Nữ" },
                        villages[i % 2],
                        &format!("TH-{i}"),
                        "Chủ hộ",
                    ),
                )
                .await
                .unwrap();
            people.push(p.id);
        }
        let mai_hoa = app.unit_by_code(&Actor::system(), "18322", None).await.unwrap().id;
        let mut rng = Lcg(2026);
        let mut parts: Vec<(i64, i64)> = Vec::new(); // (person, participation)
        let mut receipts: Vec<i64> = Vec::new();
        let mut merged: Vec<i64> = Vec::new();
        let mut today = day(2026, 3, 10);
        let mut ops = [0usize; 8];
        for step in 0..60 {
            let alive: Vec<i64> = people.iter().copied().filter(|p| !merged.contains(p)).collect();
            let who = alive[rng.next(alive.len() as u64) as usize];
            let op = rng.next(8) as usize;
            let done = match op {
                0 => {
                    let e = VsiEnrolment {
                        person_id: who,
                        income: 1_500_000,
                        mode_months: 1,
                        ..Default::default()
                    };
                    match app.enrol_vsi(&collector, &e).await {
                        Ok(p) => {
                            parts.push((who, p.id));
                            true
                        }
                        Err(AppError::Invalid(_)) => false,
                        Err(e) => panic!("{l}: {e:?}"),
                    }
                }
                1 | 2 if !parts.is_empty() => {
                    let (_, part) = parts[rng.next(parts.len() as u64) as usize];
                    let req = PaymentRequest {
                        request_id: format!("ind-{step:04}"),
                        items: vec![PaymentItem::Vsi {
                            participation_id: part,
                            months: Some([1, 3, 6, 12][rng.next(4) as usize]),
                            sources: vec![],
                        }],
                    };
                    match app.record_payment(&collector, &req).await {
                        Ok(o) => {
                            receipts.extend(o.receipts.iter().map(|r| r.id));
                            true
                        }
                        // Refused (a deadline) or gone (its person was merged): nothing written.
                        Err(AppError::Invalid(_) | AppError::NotFound) => false,
                        Err(e) => panic!("{l}: step {step}: {e:?}"),
                    }
                }
                3 if !receipts.is_empty() => {
                    let id = receipts[rng.next(receipts.len() as u64) as usize];
                    app.void_receipt(&collector, id, "Huỷ để kiểm tra chỉ tiêu").await.is_ok()
                }
                4 => {
                    // Time passes: paid months run out (a lapse needs no event).
                    today = today + chrono::Months::new(1 + rng.next(3) as u32);
                    app.set_clock(Clock::on(today));
                    true
                }
                5 => {
                    let p = app.person_view(&officer, who).await.unwrap().person;
                    let to = villages[rng.next(2) as usize];
                    let sex = if p.sex == ansinh_app::rules::Sex::Male { "Nam" } else { "Nữ" };
                    let input = person(&p.cccd, &p.full_name, &p.birth.to_string(), sex, to, "", "");
                    app.update_person(&officer, who, &input, "Chuyển thôn").await.is_ok()
                }
                6 if alive.len() > 4 => {
                    let other = alive[rng.next(alive.len() as u64) as usize];
                    if other == who {
                        false
                    } else {
                        app.merge_persons(&officer, who, other).await.unwrap();
                        merged.push(other);
                        true
                    }
                }
                7 => {
                    let p = app.person_view(&officer, who).await.unwrap().person;
                    let y = 2024 + rng.next(3);
                    let csv = format!(
                        "cccd,scheme,group,from,to\n{},csi,Công ty thử,01/0{}/{y},\n{},hi,employer,15/03/{y},14/03/{}\n",
                        p.cccd,
                        1 + rng.next(9),
                        p.cccd,
                        y + 1
                    );
                    app.import_participations(&office, "ds.csv", csv.as_bytes(), ImportMode::AllOrNothing)
                        .await
                        .unwrap()
                        .written
                }
                _ => false,
            };
            if done {
                ops[op] += 1;
            }
            let diff = app.verify_coverage().await.unwrap();
            assert!(diff.is_empty(), "{l}: step {step} (op {op}): {diff:?}");
            // A kept dashboard is never stale: the very next read after a change shows it.
            let sys = Actor::system();
            let dash = app.dashboard(&sys, mai_hoa, today, Indicator::Vsi).await.unwrap();
            let fresh = app.unit_indicators(&sys, mai_hoa, today).await.unwrap();
            assert_eq!(dash.headline, fresh, "{l}: step {step} (op {op})");
        }
        assert!(
            ops.iter().filter(|n| **n > 0).count() >= 6,
            "{l}: the walk did most kinds of change: {ops:?}"
        );
        // A rebuild finds nothing to correct and leaves the same figures.
        let mh = app.unit_by_code(&Actor::system(), "18322", None).await.unwrap();
        let before = app.unit_indicators(&Actor::system(), mh.id, today).await.unwrap();
        assert!(app.rebuild_coverage(&Actor::system()).await.unwrap().is_empty(), "{l}");
        let after = app.unit_indicators(&Actor::system(), mh.id, today).await.unwrap();
        assert_eq!(before, after, "{l}");
    }
}

#[tokio::test]
async fn targets_denominators_planner_and_snapshots() {
    for (mut app, l, _t) in apps().await {
        app.set_clock(Clock::on(day(2026, 12, 1)));
        app.seed_population(3_000, 7, &mut |_, _| {}).await.unwrap();
        let office = app.login("tinh.hatinh", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        let commune_officer = app.login("xa.maihoa", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        let sys = Actor::system();
        let ht = app.unit_by_code(&sys, "42", None).await.unwrap();
        let mh = app.unit_by_code(&sys, "18322", None).await.unwrap();
        // The registry's own count is there beside the demo's illustrative official figure;
        // a commune without an official figure uses the registry's.
        let v = app.unit_indicators(&office, ht.id, day(2026, 12, 1)).await.unwrap();
        let si = v.get(Indicator::Si).unwrap().clone();
        assert!(si.registry_denominator > 1_000 && si.denominator.official, "{l}: {si:?}");
        assert!(si.denominator.source.contains("minh hoạ"), "{l}: demo figures say so: {si:?}");
        assert!(si.numerator > 0, "{l}: the demo has participants: {si:?}");
        let hi = v.get(Indicator::Hi).unwrap();
        assert!(hi.rate_bp.unwrap() > 8_000, "{l}: the demo's cards: {hi:?}");
        let kn = app.unit_indicators(&office, mh.id, day(2026, 12, 1)).await.unwrap();
        let kv = kn.get(Indicator::Si).unwrap();
        assert!(!kv.denominator.official && kv.denominator.value == kv.registry_denominator, "{l}: {kv:?}");
        // Bad input: a clear error naming the field; nothing written.
        let bad = NewTarget {
            unit_id: ht.id,
            year: 2026,
            indicator: "si".into(),
            rate: "ba mươi".into(),
            resolution: "NQ".into(),
            note: String::new(),
        };
        match app.add_target(&office, &bad).await {
            Err(AppError::Invalid(e)) => assert_eq!(e[0].field, "rate", "{l}"),
            other => panic!("{l}: {other:?}"),
        }
        let bad = NewDenominator {
            unit_id: ht.id,
            year: 1990,
            kind: "labour_force".into(),
            value: 10,
            source: "x".into(),
        };
        assert!(matches!(app.add_denominator(&office, &bad).await, Err(AppError::Invalid(_))), "{l}");
        let bad = NewDenominator {
            unit_id: ht.id,
            year: 2026,
            kind: "labour_force".into(),
            value: 10,
            source: " ".into(),
        };
        assert!(matches!(app.add_denominator(&office, &bad).await, Err(AppError::Invalid(_))), "{l}");
        // A commune officer sets no targets.
        let t = NewTarget {
            unit_id: mh.id,
            year: 2026,
            indicator: "vsi".into(),
            rate: "10".into(),
            resolution: "NQ xã".into(),
            note: String::new(),
        };
        assert!(matches!(app.add_target(&commune_officer, &t).await, Err(AppError::Forbidden)), "{l}");
        // Official labour force and a target for the province.
        let lf = si.registry_denominator * 9 / 10;
        let d = NewDenominator {
            unit_id: ht.id,
            year: 2026,
            kind: "labour_force".into(),
            value: lf,
            source: "Cục Thống kê tỉnh, Niên giám 2026".into(),
        };
        app.add_denominator(&office, &d).await.unwrap();
        let t = NewTarget {
            unit_id: ht.id,
            year: 2026,
            indicator: "si".into(),
            rate: "31,5".into(),
            resolution: "Nghị quyết 99/NQ-HĐND".into(),
            note: String::new(),
        };
        app.add_target(&office, &t).await.unwrap();
        let v = app.unit_indicators(&office, ht.id, day(2026, 12, 1)).await.unwrap();
        let si = v.get(Indicator::Si).unwrap().clone();
        assert_eq!(
            (si.denominator.value, si.denominator.year, si.denominator.official),
            (lf, 2026, true),
            "{l}"
        );
        assert_eq!(si.rate_bp, ansinh_app::indicators::rate_bp(si.numerator, lf), "{l}");
        let target = si.target.clone().unwrap();
        assert_eq!((target.rate_bp, target.year), (3150, 2026), "{l}");
        assert_eq!(si.needed, Some(ansinh_app::indicators::needed(si.numerator, lf, 3150)), "{l}");
        assert_eq!(si.gap_bp, Some(3150 - si.rate_bp.unwrap()), "{l}");
        // A second figure for the same year supersedes the first; the history keeps both.
        let d2 = NewDenominator { value: lf + 10, ..d.clone() };
        app.add_denominator(&office, &d2).await.unwrap();
        let (_targets, dens) = app.targets_and_denominators(&office, ht.id).await.unwrap();
        let lf2026 = |x: &&ansinh_app::records::DenominatorRow| x.year == 2026 && x.kind == "labour_force";
        assert_eq!(dens.iter().filter(lf2026).count(), 3, "{l}: the demo's, then two entered");
        assert_eq!(dens.iter().filter(lf2026).filter(|x| x.superseded_at.is_none()).count(), 1, "{l}");
        // The national targets of Resolution 28 are there for reference.
        let vn = app.unit_indicators(&sys, 0, day(2026, 12, 1)).await.unwrap();
        assert_eq!(
            vn.get(Indicator::Si).unwrap().target.as_ref().map(|t| (t.rate_bp, t.year)),
            Some((6000, 2030)),
            "{l}"
        );
        // Dashboard: ranking, projections, trend.
        let dash = app.dashboard(&office, ht.id, day(2026, 12, 1), Indicator::Si).await.unwrap();
        assert!(!dash.children.is_empty() && dash.trend.len() == 24, "{l}");
        assert!(
            dash.children.windows(2).all(|w| w[0].indicators.get(Indicator::Si).unwrap().rate_bp
                >= w[1].indicators.get(Indicator::Si).unwrap().rate_bp),
            "{l}"
        );
        let sum: i64 = dash.children.iter().map(|c| c.indicators.get(Indicator::Si).unwrap().numerator).sum();
        assert_eq!(sum, si.numerator, "{l}: communes add up to the province");
        assert!(dash.projections.iter().any(|p| p.indicator == Indicator::Si), "{l}");
        assert!(!dash.districts.is_empty(), "{l}: the pre-2025 districts");
        // A commune officer sees its commune, not the province.
        assert!(
            app.dashboard(&commune_officer, ht.id, day(2026, 12, 1), Indicator::Si).await.is_err(),
            "{l}"
        );
        app.dashboard(&commune_officer, mh.id, day(2026, 12, 1), Indicator::Si).await.unwrap();
        // The planner splits the province's gap over its communes, exactly.
        let plan = app.plan(&office, ht.id, 2026, Indicator::Si).await.unwrap();
        assert_eq!(
            (plan.numerator, plan.denominator),
            (si.numerator, lf + 10),
            "{l}: the superseding figure"
        );
        assert_eq!(plan.needed, ansinh_app::indicators::needed(si.numerator, lf + 10, 3150), "{l}");
        assert_eq!(plan.rows.iter().map(|r| r.proposed).sum::<i64>(), plan.needed, "{l}");
        let first = plan.rows.iter().find(|r| r.proposed > 0).unwrap();
        let n = app
            .hand_down(
                &office,
                ht.id,
                2026,
                Indicator::Si,
                &[Assignment { unit_id: first.unit.id, additional: first.proposed }],
            )
            .await
            .unwrap();
        assert_eq!(n, 1, "{l}");
        let cv = app.unit_indicators(&office, first.unit.id, day(2026, 12, 1)).await.unwrap();
        assert_eq!(
            cv.get(Indicator::Si).unwrap().target.as_ref().map(|t| t.rate_bp),
            first.proposed_bp,
            "{l}"
        );
        // A monthly snapshot keeps the month as it was; a second one is refused.
        let id = app.take_snapshot(&office, ht.id, 202611).await.unwrap();
        assert!(id.is_some(), "{l}");
        assert!(app.take_snapshot(&office, ht.id, 202611).await.unwrap().is_none(), "{l}");
        let snap = app.snapshot_dashboard(&office, ht.id, 202611, Indicator::Si).await.unwrap().unwrap();
        let live = app.dashboard(&office, ht.id, day(2026, 11, 30), Indicator::Si).await.unwrap();
        assert_eq!(snap.headline, live.headline, "{l}");
        // Retention cohorts are shares of those who started.
        let cohorts = app.retention(&office, ht.id, None, None).await.unwrap();
        assert!(cohorts.iter().any(|c| c.after_6.is_some()), "{l}: {cohorts:?}");
        assert!(cohorts.iter().all(|c| c.paying_6 <= c.started), "{l}");
    }
}
