//! Registry benchmarks (run by `scripts/bench-registry.sh`; see BENCHMARKS.md).
//!
//!   registry_bench populate URL PERSONS        demo population into a fresh database
//!   registry_bench export URL FILE             all persons to CSV (the import layout)
//!   registry_bench places URL                  units + demo places only (an import target)
//!   registry_bench import URL FILE             time `import persons` of FILE
//!   registry_bench search URL QUERIES          name-prefix search latency (p50/p95/p99)
//!   registry_bench bulk-sql sqlite|postgres lift|restore
//!                                              the SQL of a bulk load's lift or restore step
//!                                              (for timing the native loaders on the same work)
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
    let usage = "usage: registry_bench populate|export|places|import|search URL [ARG] | bulk-sql sqlite|postgres lift|restore";
    let (cmd, url) = (args.get(1).expect(usage).as_str(), args.get(2).expect(usage));
    if cmd == "bulk-sql" {
        let sql = ansinh_store::bulk_load_sql(url == "postgres");
        let lines: Vec<String> = match args.get(3).map(String::as_str) {
            Some("lift") => sql.lift,
            Some("restore") => sql.restore.into_iter().map(|(_, s)| s).collect(),
            _ => panic!("{usage}"),
        };
        for l in lines {
            println!("{l};");
        }
        return;
    }
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
                // A given name and a place's name; the first digits of a CCCD or a phone.
                "an thanh binh",
                "lan mai hoa",
                "0421",
                "042085",
                "09",
                "0912",
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
                let mut worst: std::collections::BTreeMap<&str, f64> = Default::default();
                let mut each: std::collections::BTreeMap<&str, Vec<f64>> = Default::default();
                // The exact total the list asks for after its page is shown (no cap).
                let mut counts = Vec::with_capacity(n);
                let mut count_each: std::collections::BTreeMap<&str, Vec<f64>> = Default::default();
                for i in 0..n {
                    let prefix = prefixes[i % prefixes.len()];
                    let q = PersonQuery { q: prefix.into(), ..Default::default() };
                    let t = Instant::now();
                    let page = app.search_persons(&actor, &q).await.expect("search");
                    let s = t.elapsed().as_secs_f64();
                    lat.push(s);
                    let w = worst.entry(prefix).or_default();
                    *w = w.max(s);
                    each.entry(prefix).or_default().push(s);
                    std::hint::black_box(page);
                    let t = Instant::now();
                    let total = app.count_persons(&actor, &q).await.expect("count");
                    let s = t.elapsed().as_secs_f64();
                    counts.push(s);
                    count_each.entry(prefix).or_default().push(s);
                    std::hint::black_box(total);
                }
                let count_medians: Vec<String> = count_each
                    .iter_mut()
                    .map(|(q, v)| {
                        v.sort_by(|a, b| a.total_cmp(b));
                        format!("{q}={:.1}", v[v.len() / 2] * 1000.0)
                    })
                    .collect();
                eprintln!("  exact count median ms per query ({label}): {}", count_medians.join(" "));
                counts.sort_by(|a, b| a.total_cmp(b));
                let pc =
                    |q: f64| counts[((counts.len() as f64 * q).ceil() as usize).saturating_sub(1)] * 1000.0;
                println!("count_{label}_p50_ms {:.1}", pc(0.50));
                println!("count_{label}_p95_ms {:.1}", pc(0.95));
                println!("count_{label}_p99_ms {:.1}", pc(0.99));
                println!("count_{label}_max_ms {:.1}", counts.last().copied().unwrap_or(0.0) * 1000.0);
                // Each query's median, to find what a slow tail is made of.
                let medians: Vec<String> = each
                    .iter_mut()
                    .map(|(q, v)| {
                        v.sort_by(|a, b| a.total_cmp(b));
                        format!("{q}={:.1}", v[v.len() / 2] * 1000.0)
                    })
                    .collect();
                eprintln!("  median ms per query ({label}): {}", medians.join(" "));
                let mut w: Vec<_> = worst.into_iter().collect();
                w.sort_by(|a, b| b.1.total_cmp(&a.1));
                eprintln!("  slowest prefixes ({label}): {:?}", &w[..w.len().min(5)]);
                lat.sort_by(|a, b| a.total_cmp(b));
                let p = |q: f64| lat[((lat.len() as f64 * q).ceil() as usize).saturating_sub(1)] * 1000.0;
                println!("search_{label}_p50_ms {:.1}", p(0.50));
                println!("search_{label}_p95_ms {:.1}", p(0.95));
                println!("search_{label}_p99_ms {:.1}", p(0.99));
                println!("search_{label}_max_ms {:.1}", lat.last().copied().unwrap_or(0.0) * 1000.0);
            }
        }
        "probe" => {
            // Where a slow search spends its time (development aid).
            let mut r = app.db.read().await.unwrap();
            let mut c = r.conn();
            let f = ansinh_store::PersonFilter {
                name_prefix: Some("tran".into()),
                province_codes: Some(vec!["42".into()]),
                ..Default::default()
            };
            for _ in 0..3 {
                let t = Instant::now();
                let rows = c.search_persons(&[], &f, 50, 0).await.unwrap();
                let a = t.elapsed();
                let n = c.count_matching(&[], &f, 1001).await.unwrap();
                let b = t.elapsed();
                for p in &rows {
                    c.unit_by_id(p.unit_id).await.unwrap();
                }
                let d = t.elapsed();
                eprintln!("page {a:?} count({n}) {b:?} units {d:?}");
            }
            if let ansinh_store::Conn::Sqlite(x) = &mut c {
                for hi in ["tranz".to_string(), "tran\u{10FFFF}".to_string()] {
                    let t = Instant::now();
                    let ids: Vec<i64> = sqlx::query_scalar("SELECT p.id FROM persons p WHERE p.province_code IN ($1) AND p.name_key >= $2 AND p.name_key < $3 ORDER BY p.name_key, p.id LIMIT $4 OFFSET $5")
                        .bind("42").bind("tran").bind(&hi).bind(50i64).bind(0i64).fetch_all(&mut **x).await.unwrap();
                    eprintln!("raw {} rows {:?} (hi {:?})", ids.len(), t.elapsed(), hi.chars().last());
                    let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as("EXPLAIN QUERY PLAN SELECT p.id FROM persons p WHERE p.province_code IN ($1) AND p.name_key >= $2 AND p.name_key < $3 ORDER BY p.name_key, p.id LIMIT $4 OFFSET $5")
                        .bind("42").bind("tran").bind(&hi).bind(50i64).bind(0i64).fetch_all(&mut **x).await.unwrap();
                    eprintln!("plan {plan:?}");
                    let v: String =
                        sqlx::query_scalar("select sqlite_version()").fetch_one(&mut **x).await.unwrap();
                    eprintln!("version {v}");
                }
            }
        }
        _ => panic!("{usage}"),
    }
    app.db.close().await;
}
