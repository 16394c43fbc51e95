//! Registry benchmarks (run by `scripts/bench-registry.sh`; see BENCHMARKS.md).
//!
//!   registry_bench populate URL PERSONS        demo population into a fresh database
//!   registry_bench export URL FILE             all persons to CSV (the import layout)
//!   registry_bench places URL                  units + demo places only (an import target)
//!   registry_bench import URL FILE             time `import persons` of FILE
//!   registry_bench search URL QUERIES          name-prefix search latency (p50/p95/p99)
//!
//! Timings are printed as `name seconds`, one per line, for the script to collect.

use ansinh_app::App;
use ansinh_app::import::ImportMode;
use ansinh_app::registry::PersonQuery;
use ansinh_domain::{Actor, Grant, Role};
use std::time::Instant;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: registry_bench populate|export|places|import|search URL [ARG]";
    let (cmd, url) = (args.get(1).expect(usage).as_str(), args.get(2).expect(usage));
    let app = App::open(url).await.expect("open database");
    app.bootstrap(Some("bench-password-1")).await.expect("bootstrap");
    let sys = Actor::system();
    match cmd {
        "populate" => {
            let n: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
            let t = Instant::now();
            let r = app.seed_population(n, 2024, &mut |_, _| {}).await.expect("populate");
            println!("populate_{}_persons {:.3}", r.persons, t.elapsed().as_secs_f64());
        }
        "export" => {
            let out = args.get(3).expect(usage);
            let t = Instant::now();
            let table = app.export_persons(&sys, &PersonQuery::default()).await.expect("export");
            let bytes = ansinh_reports::write_csv(&table);
            std::fs::write(out, bytes).expect("write csv");
            println!("export_{}_rows {:.3}", table.rows.len(), t.elapsed().as_secs_f64());
        }
        "places" => {
            let t = Instant::now();
            let r = app.seed_population(0, 2024, &mut |_, _| {}).await.expect("places");
            println!("places_{} {:.3}", r.places_created, t.elapsed().as_secs_f64());
        }
        "import" => {
            let file = args.get(3).expect(usage);
            let bytes = std::fs::read(file).expect("read csv");
            let t = Instant::now();
            // Stage timings go to stderr (where the time goes); the total to stdout.
            let mut last: Option<ansinh_app::import::Stage> = None;
            let mut progress = |stage: ansinh_app::import::Stage, _: usize, _: usize| {
                if last != Some(stage) {
                    eprintln!("  stage {stage:?} from {:.3} s", t.elapsed().as_secs_f64());
                    last = Some(stage);
                }
            };
            let r = app
                .import_persons(&sys, "bench.csv", &bytes, ImportMode::AllOrNothing, &mut progress)
                .await
                .expect("import");
            eprintln!("  done at {:.3} s", t.elapsed().as_secs_f64());
            assert!(r.errors.is_empty(), "import errors: {:?}", &r.errors[..r.errors.len().min(5)]);
            println!("import_{}_rows {:.3}", r.created + r.updated + r.unchanged, t.elapsed().as_secs_f64());
        }
        "search" => {
            let n: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1000);
            // Prefixes as people type them: family names, family + middle, given names, short stems.
            let prefixes = [
                "nguyen",
                "nguyen van",
                "nguyen thi",
                "tran",
                "le van",
                "pham",
                "ho thi",
                "phan",
                "vo van",
                "dau",
                "thai",
                "bui",
                "dang",
                "hoang",
                "huong",
                "lan",
                "minh",
                "tuan",
                "anh",
                "linh",
                "nguyen van a",
                "tran thi h",
                "ho",
                "ng",
                "th",
                "ma",
                "ha",
                "do",
                "ngo",
                "duong",
            ];
            let province = app.unit_by_code(&sys, "42", None).await.expect("province");
            let commune = app.unit_by_code(&sys, "18322", None).await.expect("commune");
            for (label, unit) in [("province", province), ("commune", commune)] {
                let actor = Actor {
                    user_id: Some(1),
                    username: "bench".into(),
                    grants: vec![Grant {
                        role: Role::Viewer,
                        unit_id: unit.id,
                        unit_path: unit.path.clone(),
                        unit_name: unit.name.clone(),
                    }],
                };
                let mut lat = Vec::with_capacity(n);
                for i in 0..n {
                    let q = PersonQuery { q: prefixes[i % prefixes.len()].into(), ..Default::default() };
                    let t = Instant::now();
                    let page = app.search_persons(&actor, &q).await.expect("search");
                    lat.push(t.elapsed().as_secs_f64());
                    std::hint::black_box(page);
                }
                lat.sort_by(|a, b| a.total_cmp(b));
                let p = |q: f64| lat[((lat.len() as f64 * q).ceil() as usize).saturating_sub(1)] * 1000.0;
                println!("search_{label}_p50_ms {:.1}", p(0.50));
                println!("search_{label}_p95_ms {:.1}", p(0.95));
                println!("search_{label}_p99_ms {:.1}", p(0.99));
                println!("search_{label}_max_ms {:.1}", lat.last().copied().unwrap_or(0.0) * 1000.0);
            }
        }
        _ => panic!("{usage}"),
    }
    app.db.close().await;
}
