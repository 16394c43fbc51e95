//! The demo province: idempotent, deterministic, shaped like the seed.

use super::*;

#[tokio::test]
async fn demo_seed_is_idempotent() {
    for (app, l, _t) in apps().await {
        let first = app.seed_demo().await.unwrap();
        assert!(first.places_created >= 20 && first.accounts_created.len() == 4, "{l}: {first:?}");
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
        let mut cccds: Vec<String> = table.rows.iter().map(|r| r[0].clone()).collect();
        cccds.sort();
        fingerprints.push(cccds);
    }
    if fingerprints.len() == 2 {
        assert_eq!(fingerprints[0], fingerprints[1], "same seed, same people on both backends");
    }
}
