//! Community-model benchmarks (run by `scripts/bench-models.sh`; see BENCHMARKS.md).
//!
//!   models_bench URL PERSONS ITERATIONS
//!
//! Generates the demo population (seed 2024) with the seed's models and their histories into a
//! fresh database, the clock pinned at 1 Dec 2026, gives one person in ten an open VSI
//! participation (paid through anywhere from 200 days ago to a year ahead), then times,
//! ITERATIONS times each: "whom to visit next" for the Mai Hoa collector, the 100 %-group view
//! of the commune of Mai Hoa and of Thanh Bình village, the renewal list of the collector and
//! of the province. Prints `name p50 p95 p99` in milliseconds, one per line.

use ansinh_app::{App, Clock};
use ansinh_domain::Actor;
use std::time::Instant;

mod common;
use common::percentiles;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: models_bench URL PERSONS ITERATIONS";
    let url = args.get(1).expect(usage);
    let persons: usize = args.get(2).and_then(|s| s.parse().ok()).expect(usage);
    let iterations: usize = args.get(3).and_then(|s| s.parse().ok()).expect(usage);
    let mut app = App::open(url).await.expect("open database");
    app.set_clock(Clock::on(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()));
    app.bootstrap(Some("bench-password-1")).await.expect("bootstrap");
    let t = Instant::now();
    let r = app.seed_population(persons, 2024, &mut |_, _| {}).await.expect("populate");
    println!(
        "populate_{}_persons_{}_model_events {:.1} s",
        r.persons,
        r.model_events,
        t.elapsed().as_secs_f64()
    );
    let sys = Actor::system();
    let (collector, _) = app.login("thu.maihoa", ansinh_app::DEMO_PASSWORD).await.expect("login");
    let commune = app.unit_by_code(&sys, "18322", None).await.expect("Mai Hoa");
    let village = app.unit_by_code(&sys, "18322-01", None).await.expect("Thanh Bình");
    let persons_in_commune = app.full_groups(&sys, commune.id).await.expect("groups").total.workers;
    println!("workers_in_commune {persons_in_commune}");
    // The renewal list at scale: one in ten persons gets an open VSI participation, its paid
    // period ending anywhere from 200 days ago to a year ahead (written straight to the
    // tables: the list reads only participations and persons).
    let today = app.today();
    let t = Instant::now();
    let mut added = 0usize;
    let max_id = persons as i64 + 1_000;
    for start in (1..=max_id).step_by(10_000) {
        let ids: Vec<i64> = (start..start + 10_000).step_by(10).collect();
        let mut tx = app.db.begin().await.expect("begin");
        let people = tx.conn().persons_by_ids(&ids).await.expect("persons");
        for p in &people {
            let open = tx.conn().participations_of_person(p.id).await.expect("parts");
            if open.iter().any(|x| x.scheme == ansinh_domain::Scheme::Vsi && x.ended_on.is_none()) {
                continue;
            }
            let mut row =
                ansinh_store::ParticipationRow::new(p, ansinh_domain::Scheme::Vsi, true, today, app.now());
            row.income = Some(2_000_000);
            row.mode_months = Some(12);
            row.paid_through =
                Some(today + chrono::Days::new(((p.id * 7919) % 565) as u64) - chrono::Days::new(200));
            tx.conn().insert_participation(&row).await.expect("insert");
            added += 1;
        }
        tx.commit().await.expect("commit");
    }
    // As autovacuum does after a load this size (see Db::vacuum_analyze).
    app.db.vacuum_analyze().await.expect("vacuum analyze");
    println!("renewal_participations_added {added} {:.1} s", t.elapsed().as_secs_f64());
    // The first request of each kind after the load reads from disk; it is reported apart and
    // the timed runs start warm (as a server that has been up a while).
    let t = Instant::now();
    app.visit_next(&collector, 100).await.expect("visit next");
    app.full_groups(&collector, commune.id).await.expect("commune");
    app.full_groups(&collector, village.id).await.expect("village");
    app.due_list(&collector, 30, None).await.expect("due");
    app.due_list(&sys, 30, Some("42")).await.expect("due");
    println!("cold_first_requests {:.1} ms", t.elapsed().as_secs_f64() * 1000.0);
    let mut next = Vec::new();
    let mut groups = Vec::new();
    let mut village_groups = Vec::new();
    let mut listed = 0;
    for _ in 0..iterations {
        let t = Instant::now();
        listed = app.visit_next(&collector, 100).await.expect("visit next").len();
        next.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        app.full_groups(&collector, commune.id).await.expect("commune");
        groups.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        app.full_groups(&collector, village.id).await.expect("village");
        village_groups.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!("visit_next_listed {listed}");

    let mut due_collector = Vec::new();
    let mut due_province = Vec::new();
    let (mut n_collector, mut n_province) = (0, 0);
    for _ in 0..iterations {
        let t = Instant::now();
        n_collector = app.due_list(&collector, 30, None).await.expect("due").len();
        due_collector.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        n_province = app.due_list(&sys, 30, Some("42")).await.expect("due").len();
        due_province.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!("due_listed collector={n_collector} province={n_province}");
    for (name, v) in [("due_list_collector", due_collector), ("due_list_province", due_province)] {
        let (p50, p95, p99) = percentiles(v);
        println!("{name} {p50:.1} {p95:.1} {p99:.1}");
    }
    // How the ranking would have done on the demo history: a ranking on the 1st of each month
    // from 01/2025 to 11/2026, the top 5 of each list.
    let days: Vec<chrono::NaiveDate> = (0..23)
        .map(|m| chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Months::new(m))
        .collect();
    for scope in [&collector, &sys] {
        let b = app.visit_next_backtest(scope, &days, 5).await.expect("backtest");
        println!(
            "backtest_{} days={} ranked={} lapses={} top={} caught={} random={:.1}",
            if scope.user_id.is_some() { "mai_hoa" } else { "province" },
            b.days,
            b.ranked,
            b.lapses,
            b.top,
            b.caught,
            b.random
        );
    }
    for (name, v) in
        [("visit_next_collector", next), ("groups_commune", groups), ("groups_village", village_groups)]
    {
        let (p50, p95, p99) = percentiles(v);
        println!("{name} {p50:.1} {p95:.1} {p99:.1}");
    }
}
