//! The scope matrix, generated from the router's own route table: every route with a record in
//! its path × every role (country, province, commune, village- and group-scoped, organisation
//! member, viewer) × a record outside the role's scope and one that does not exist. The two
//! must answer alike (status, and the error code for the API), no answer may be a server
//! error, and a record inside the scope may not show a nested record outside it (a household
//! member living in another village). A new route with a record in its path is in the matrix
//! as soon as it is routed; a placeholder the matrix does not know fails the test until it is
//! classified below.

use super::*;

/// The routes of the web and the API, read from the router's source: (method, path).
fn routes() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for file in ["src/lib.rs", "src/api/mod.rs"] {
        let text =
            std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
        for part in text.split(".route(\"").skip(1) {
            let path = part.split('"').next().unwrap().to_string();
            // The handler list up to the end of this .route(…) call.
            let call: String = part.chars().take_while(|c| *c != '\n').collect();
            for method in ["get", "post", "put", "delete", "patch"] {
                if call.contains(&format!("{method}(")) {
                    out.push((method.to_uppercase(), path.clone()));
                }
            }
        }
    }
    out
}

/// Placeholders that name no record in anyone's scope.
/// (The public receipt check answers anyone, by code; a form or a reminder file is the caller's own.)
const UNSCOPED: [&str; 9] = [
    // Public boundaries of a province's communes, the same for everyone.
    "/geo/communes/{file}",
    "/static/{file}",
    "/lang/{code}",
    "/persons/import/files/{key}",
    "/bien-lai/{code}",
    "/api/v1/receipts/verify/{code}",
    "/collect/forms/{file}",
    "/collect/reminders/{channel}",
    "/api/v1/reminders/{channel}",
];

struct Objects {
    unit: (i64, i64),
    unit_code: (String, String),
    person: (i64, i64),
    household: (i64, i64),
    user: (i64, i64),
    token: (i64, i64),
    receipt: (i64, i64),
    participation: (i64, i64),
    remittance: (i64, i64),
    model: (i64, i64),
    member: (i64, i64),
    entry: (i64, i64),
    campaign: (i64, i64),
    /// An import job: another user's (the command line's) for every role.
    job: (i64, i64),
}

/// `path` with its placeholders filled for an `outside` record or a missing one.
fn fill(path: &str, o: &Objects, outside: bool) -> Option<String> {
    let pick = |pair: &(i64, i64)| if outside { pair.1 } else { 999_999_999 };
    let id = if path.starts_with("/units/") {
        pick(&o.unit)
    } else if path.starts_with("/persons/") || path.starts_with("/api/v1/persons/") {
        pick(&o.person)
    } else if path.starts_with("/households/") || path.starts_with("/api/v1/households/") {
        pick(&o.household)
    } else if path.starts_with("/users/") {
        pick(&o.user)
    } else if path.starts_with("/receipts/") || path.starts_with("/api/v1/receipts/") {
        pick(&o.receipt)
    } else if path.starts_with("/participations/") || path.starts_with("/api/v1/participations/") {
        pick(&o.participation)
    } else if path.starts_with("/remittances/") || path.starts_with("/api/v1/remittances/") {
        pick(&o.remittance)
    } else if path.starts_with("/models/") || path.starts_with("/api/v1/models/") {
        // A model's own sub-records take the outside (or missing) record of their kind.
        let filled = path
            .replace("{member}", &pick(&o.member).to_string())
            .replace("{entry}", &pick(&o.entry).to_string())
            .replace("{id}", &pick(&o.model).to_string());
        return (!filled.contains('{')).then_some(filled);
    } else if path.starts_with("/api/v1/members/") {
        pick(&o.member)
    } else if path.starts_with("/api/v1/fund-entries/") {
        pick(&o.entry)
    } else if path.starts_with("/groups/") || path.starts_with("/api/v1/groups/") {
        return Some(
            path.replace("{id}", &pick(&o.unit).to_string()).replace("{unit_id}", &pick(&o.unit).to_string()),
        );
    } else if path.starts_with("/indicators/")
        || path.starts_with("/api/v1/indicators/")
        || path.starts_with("/api/v1/snapshots/")
    {
        return Some(
            path.replace("{id}", &pick(&o.unit).to_string())
                .replace("{unit_id}", &pick(&o.unit).to_string())
                .replace("{month}", "2026-11"),
        );
    } else if path.starts_with("/campaigns/") || path.starts_with("/api/v1/campaigns/") {
        pick(&o.campaign)
    } else if path.starts_with("/imports/") || path.starts_with("/api/v1/imports/") {
        return Some(path.replace("{id}", &pick(&o.job).to_string()).replace("{file}", "errors.csv"));
    } else if path.starts_with("/api/v1/units/") {
        let code = if outside { o.unit_code.1.clone() } else { "99999".to_string() };
        return Some(path.replace("{code}", &code));
    } else {
        return None;
    };
    let token = if outside { o.token.1 } else { 999_999_999 };
    let filled = path.replace("{id}", &id.to_string()).replace("{token}", &token.to_string());
    (!filled.contains('{')).then_some(filled)
}

#[tokio::test]
async fn outside_answers_exactly_like_missing_for_every_route_and_role() {
    for (r, app, l, _t) in setups().await {
        let sys = Actor::system();
        app.seed_demo().await.unwrap();
        // Scoped users at every level of Mai Hoa, and one of Hoành Sơn (outside for all).
        for (name, role, unit) in [
            ("thon.thanhbinh", "commune_officer", "18322-01"),
            ("to.so1", "collector", "18322-01-01"),
            ("xem.maihoa", "viewer", "18322"),
            ("thu.ngoai", "collector", "18832"),
        ] {
            let n = NewUser {
                username: name.into(),
                display_name: String::new(),
                password: "password-123".into(),
                role: role.into(),
                unit_code: unit.into(),
            };
            app.add_user(&sys, &n).await.unwrap();
        }
        let mk = |cccd: &str, name: &str, unit: &str, hh: &str| ansinh_app::registry::PersonInput {
            cccd: cccd.into(),
            full_name: name.into(),
            birth_date: "1980".into(),
            sex: "Nam".into(),
            unit_code: unit.into(),
            household_code: hh.into(),
            relation: "Chủ hộ".into(),
            ..Default::default()
        };
        let inside = app
            .create_person(&sys, &mk("042080000101", "Nguyễn Văn Trong", "18322-01-01", "SM-1"))
            .await
            .unwrap();
        // A member of the same household living in another village of the commune.
        let mut side = mk("042080000102", "Phan Văn Canhthon", "18322-02", "SM-1");
        side.relation = "Con".into();
        app.create_person(&sys, &side).await.unwrap();
        // Two "outside" worlds: another commune of the province (outside the commune roles),
        // and a commune of another province (outside the province role).
        let hanoi = app.unit_by_code(&sys, "01", None).await.unwrap();
        let hanoi_commune = app
            .unit_view(&sys, hanoi.id, None)
            .await
            .unwrap()
            .children
            .into_iter()
            .map(|(u, _)| u)
            .find(|u| u.level == ansinh_domain::Level::Commune)
            .unwrap();
        let n = NewUser {
            username: "thu.hanoi".into(),
            display_name: String::new(),
            password: "password-123".into(),
            role: "collector".into(),
            unit_code: hanoi_commune.code.clone(),
        };
        app.add_user(&sys, &n).await.unwrap();
        // An import job of the command line's, with an errors file: nobody else's to see.
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("ds.csv");
        std::fs::write(
            &list,
            "cccd,full_name,birth_date,sex,household_code,relation,unit_code\n1,x,y,z,a,b,c\n",
        )
        .unwrap();
        let mut quiet = |_: ansinh_app::import::Stage, _: usize, _: usize| {};
        let (job, _) = app
            .run_person_import_job(&sys, &list, ansinh_app::import::ImportMode::DryRun, &mut quiet)
            .await
            .unwrap();
        let mut worlds = Vec::new();
        for (cccd, name, unit_code, hh, user) in [
            ("042080000103", "Lê Văn Ngoai", "18832".to_string(), "HS-1", "thu.ngoai"),
            ("001080000104", "Đỗ Văn Hanoi", hanoi_commune.code.clone(), "HN-1", "thu.hanoi"),
        ] {
            let outside = app.create_person(&sys, &mk(cccd, name, &unit_code, hh)).await.unwrap();
            let out_user =
                app.list_users(&sys).await.unwrap().into_iter().find(|(u, _)| u.username == user).unwrap().0;
            let (out_token, _) = app.create_token(&sys, user, "x").await.unwrap();
            // A receipt and a participation there, made by that world's own collector.
            let book = ansinh_app::collection::NewBook {
                collector: user.into(),
                kind: "electronic".into(),
                series: format!("SM-{}", &unit_code[..2]),
                book_no: String::new(),
                first_no: 1,
                last_no: 10,
                unit_code: unit_code.clone(),
            };
            app.issue_book(&sys, &book).await.unwrap();
            let (collector, _) = app.login(user, "password-123").await.unwrap();
            let e = ansinh_app::collection::VsiEnrolment {
                person_id: outside.id,
                income: 2_200_000,
                mode_months: 1,
                ..Default::default()
            };
            let part = app.enrol_vsi(&collector, &e).await.unwrap();
            let paid = app
                .record_payment(
                    &collector,
                    &ansinh_app::collection::PaymentRequest {
                        request_id: format!("matrix-{}", user.replace('.', "-")),
                        items: vec![ansinh_app::collection::PaymentItem::Vsi {
                            participation_id: part.id,
                            months: None,
                            sources: vec![],
                        }],
                    },
                )
                .await
                .unwrap();
            let batch = app.close_day(&collector, None).await.unwrap();
            // A community model there, with the person as member, a deposit and a campaign.
            let model = app
                .create_model(
                    &sys,
                    &ansinh_app::models::NewModel {
                        unit_code: unit_code.clone(),
                        kind: "savings".into(),
                        name: format!("Heo đất {user}"),
                        organisation: "womens_union".into(),
                        launched_on: app.today(),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            let member = app
                .add_member(
                    &sys,
                    model.id,
                    &ansinh_app::models::NewMember {
                        person_id: Some(outside.id),
                        joined_on: app.today(),
                        pays_vsi: true,
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            let entry = app
                .deposit(
                    &sys,
                    model.id,
                    &ansinh_app::models::NewDeposit {
                        kind: "savings".into(),
                        amount: 500_000,
                        on: app.today(),
                        member_id: Some(member.id),
                        note: String::new(),
                    },
                )
                .await
                .unwrap();
            let campaign = app
                .create_campaign(
                    &sys,
                    &ansinh_app::models::NewCampaign {
                        name: format!("Vận động {user}"),
                        unit_codes: vec![unit_code.clone()],
                        starts_on: app.today(),
                        ends_on: app.today(),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            worlds.push((
                outside.unit_path.clone(),
                Objects {
                    unit: (inside.unit_id, outside.unit_id),
                    unit_code: ("18322".into(), unit_code.clone()),
                    person: (inside.id, outside.id),
                    household: (inside.household_id.unwrap(), outside.household_id.unwrap()),
                    user: (0, out_user.id),
                    token: (0, out_token.id),
                    receipt: (0, paid.receipts[0].id),
                    participation: (0, part.id),
                    remittance: (0, batch.id),
                    model: (0, model.id),
                    member: (0, member.id),
                    entry: (0, entry.id),
                    campaign: (0, campaign.id),
                    job: (0, job),
                },
            ));
        }
        let roles = ["tinh.hatinh", "xa.maihoa", "thon.thanhbinh", "to.so1", "xem.maihoa", "hoi.hoanhson"];
        let mut sessions = Vec::new();
        for name in roles {
            // setups() made xa.maihoa before the demo accounts (which keep what exists).
            let password = if ["tinh.hatinh", "hoi.hoanhson"].contains(&name) {
                ansinh_app::DEMO_PASSWORD
            } else {
                "password-123"
            };
            let (actor, _) = app.login(name, password).await.unwrap();
            let (_, token) = app.create_token(&actor, name, "matrix").await.unwrap();
            // The first world wholly outside this role's scope.
            let world = worlds
                .iter()
                .position(|(path, _)| !actor.can(ansinh_domain::Permission::View, path))
                .expect("a world outside every role");
            sessions.push((name, login(&r, name, password).await, token, world));
        }

        let mut checked = 0;
        for (method, path) in routes() {
            if !path.contains('{') || UNSCOPED.contains(&path.as_str()) {
                continue;
            }
            for (name, cookie, token, world) in &sessions {
                let objects = &worlds[*world].1;
                let (Some(out_path), Some(missing_path)) =
                    (fill(&path, objects, true), fill(&path, objects, false))
                else {
                    panic!(
                        "{l}: route {method} {path} has a record placeholder the scope matrix does not know"
                    );
                };
                let request = |uri: &str| -> Request<Body> {
                    let api = uri.starts_with("/api/");
                    match (method.as_str(), api) {
                        ("GET", true) => bearer(uri, token),
                        ("GET", false) => get(uri, Some(cookie)),
                        (m, true) => json_send(m, uri, token, serde_json::json!({})),
                        (_, false) => post(uri, "", Some(cookie)),
                    }
                };
                let a = send(&r, request(&out_path)).await;
                let b = send(&r, request(&missing_path)).await;
                assert!(
                    !a.status.is_server_error() && !b.status.is_server_error(),
                    "{l} {name} {method} {path}: {} / {}",
                    a.status,
                    b.status
                );
                assert_eq!(
                    a.status, b.status,
                    "{l} {name} {method} {path}: outside {} vs missing {}",
                    out_path, missing_path
                );
                if path.starts_with("/api/") && a.status.is_client_error() {
                    assert_eq!(
                        a.json()["error"]["code"],
                        b.json()["error"]["code"],
                        "{l} {name} {method} {path}"
                    );
                }
                checked += 1;
            }
        }
        assert!(checked >= 100, "{l}: only {checked} requests in the matrix");

        // Nested records: the village- and group-scoped see the household, not its member
        // living in another village.
        let household = inside.household_id.unwrap();
        for (name, cookie, token, _) in
            sessions.iter().filter(|(n, ..)| ["thon.thanhbinh", "to.so1"].contains(n))
        {
            for uri in [format!("/persons/{}", inside.id), format!("/households/{}", household)] {
                let page = send(&r, get(&uri, Some(cookie))).await;
                assert_eq!(page.status, StatusCode::OK, "{l} {name} {uri}");
                assert!(
                    page.body.contains("Nguyễn Văn Trong") && !page.body.contains("Canhthon"),
                    "{l} {name} {uri}"
                );
            }
            for uri in [format!("/api/v1/persons/{}", inside.id), format!("/api/v1/households/{}", household)]
            {
                let res = send(&r, bearer(&uri, token)).await;
                assert_eq!(res.status, StatusCode::OK, "{l} {name} {uri}");
                assert!(
                    !res.body.contains("Canhthon") && !res.body.contains("042080000102"),
                    "{l} {name} {uri}: {}",
                    res.body
                );
            }
        }
    }
}
