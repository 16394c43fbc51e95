//! Coverage-indicator benchmarks (run by `scripts/bench-indicators.sh`; see BENCHMARKS.md).
//!
//!   indicators_bench URL PERSONS ITERATIONS
//!
//! Generates the demo population (seed 2024) with the seed's models, the demo's imported
//! lists (compulsory SI, UI, HI cards), denominators and targets into a fresh database, the
//! clock pinned at 1 Dec 2026. Then times the full rebuild of the coverage series next to a
//! plain `GROUP BY` over the same records, the verify, and, ITERATIONS times each, the province
//! dashboard, a commune's dashboard and a village's values in process. Prints `name p50 p95
//! p99` in milliseconds, one per line, and the ids the HTTP load run needs.

use ansinh_app::{App, Clock};
use ansinh_domain::{Actor, Indicator};
use std::time::Instant;

mod common;
use common::percentiles;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: indicators_bench URL PERSONS ITERATIONS";
    let url = args.get(1).expect(usage);
    let persons: usize = args.get(2).and_then(|s| s.parse().ok()).expect(usage);
    let iterations: usize = args.get(3).and_then(|s| s.parse().ok()).expect(usage);
    let mut app = App::open(url).await.expect("open database");
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    app.set_clock(Clock::on(day));
    app.bootstrap(Some("bench-password-1")).await.expect("bootstrap");
    let t = Instant::now();
    let r = app.seed_population(persons, 2024, &mut |_, _| {}).await.expect("populate");
    println!("populate_{}_persons {:.1} s", r.persons, t.elapsed().as_secs_f64());
    app.db.vacuum_analyze().await.expect("vacuum analyze");
    let sys = Actor::system();
    let t = Instant::now();
    let diff = app.verify_coverage().await.expect("verify");
    println!("verify_coverage {:.2} s ({} differences)", t.elapsed().as_secs_f64(), diff.len());
    let t = Instant::now();
    app.rebuild_coverage(&sys).await.expect("rebuild");
    println!("rebuild_coverage {:.2} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let (a, b) = {
        let mut r = app.db.read().await.expect("read");
        r.conn().plain_group_by().await.expect("group by")
    };
    println!("plain_group_by {:.2} s ({a} + {b} groups)", t.elapsed().as_secs_f64());
    app.db.vacuum_analyze().await.expect("vacuum analyze");
    let province = app.unit_by_code(&sys, "42", None).await.expect("Hà Tĩnh");
    let commune = app.unit_by_code(&sys, "18322", None).await.expect("Mai Hoa");
    let village = app.unit_by_code(&sys, "18322-01", None).await.expect("Thanh Bình");
    let v = app.unit_indicators(&sys, province.id, day).await.expect("values");
    for x in &v.values {
        println!("# {} {}/{} {:?}", x.indicator.as_str(), x.numerator, x.denominator.value, x.rate_bp);
    }
    // Warm-up, then timed.
    app.dashboard(&sys, province.id, day, Indicator::Si).await.expect("dashboard");
    let mut times: Vec<(&str, Vec<f64>)> = vec![
        ("province_dashboard", vec![]),
        ("commune_dashboard", vec![]),
        ("village_values", vec![]),
        ("province_dashboard_computed", vec![]),
        ("commune_dashboard_computed", vec![]),
    ];
    for _ in 0..iterations {
        let t = Instant::now();
        app.dashboard(&sys, province.id, day, Indicator::Si).await.expect("dashboard");
        times[0].1.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        app.dashboard(&sys, commune.id, day, Indicator::Vsi).await.expect("dashboard");
        times[1].1.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        app.unit_indicators(&sys, village.id, day).await.expect("values");
        times[2].1.push(t.elapsed().as_secs_f64() * 1000.0);
        // What a read right after a change costs (the kept dashboard is dropped then).
        let t = Instant::now();
        app.dashboard_computed(province.id, day, Indicator::Si).await.expect("dashboard");
        times[3].1.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        app.dashboard_computed(commune.id, day, Indicator::Vsi).await.expect("dashboard");
        times[4].1.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    for (name, v) in times {
        let (p50, p95, p99) = percentiles(v);
        println!("{name} {p50:.2} {p95:.2} {p99:.2}");
    }
    println!("ids province={} commune={} village={}", province.id, commune.id, village.id);
}
