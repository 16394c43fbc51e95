//! Use cases on both backends: bootstrap, units across eras, scope, places, users, tokens,
//! lock-out, audit.

use ansinh_app::{App, AppError, NewUser};
use ansinh_domain::{Actor, Level};
use ansinh_store::AuditFilter;
use ansinh_store::testing;
use chrono::NaiveDate;

mod collection;
mod demo;
mod imports;
mod indicators;
mod models;
mod registry;
mod units;
mod users;

fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, day)
}

/// Every available backend, bootstrapped with a known admin password.
async fn apps() -> Vec<(App, &'static str, testing::TestDb)> {
    let mut out = Vec::new();
    for t in testing::all().await {
        let app = App::with_db(t.db.clone());
        let boot = app.bootstrap(Some("admin-password-1")).await.unwrap();
        assert!(boot.units_loaded > 14_000, "{}", t.label);
        out.push((app, t.label, t));
    }
    out
}

async fn user(app: &App, username: &str, role: &str, unit: &str) -> Actor {
    let n = NewUser {
        username: username.into(),
        display_name: String::new(),
        password: "password-123".into(),
        role: role.into(),
        unit_code: unit.into(),
    };
    app.add_user(&Actor::system(), &n).await.unwrap();
    app.login(username, "password-123").await.unwrap().0
}

// ------------------------------------------------------------------------------- registry

use ansinh_app::import::{ImportMode, Stage};

use ansinh_app::registry::{PersonInput, PersonQuery};

fn person(
    cccd: &str,
    name: &str,
    birth: &str,
    sex: &str,
    unit: &str,
    household: &str,
    relation: &str,
) -> PersonInput {
    PersonInput {
        cccd: cccd.into(),
        full_name: name.into(),
        birth_date: birth.into(),
        sex: sex.into(),
        unit_code: unit.into(),
        household_code: household.into(),
        relation: relation.into(),
        occupation: "nông nghiệp".into(),
        ..Default::default()
    }
}

fn no_progress() -> impl FnMut(Stage, usize, usize) + Send {
    |_, _, _| {}
}

const GOOD_CSV: &str =
    "cccd,full_name,birth_date,sex,household_code,relation,unit_code,ethnicity,phone,occupation
042075000111,Phan Văn Hùng,20/05/1975,Nam,TB-01,Chủ hộ,18322-01,Kinh,0912345678,nông nghiệp
042178000222,Đậu Thị Hoa,1978,Nữ,TB-01,Vợ,18322-01,,,tự do
042205000333,Phan Đậu Minh,02/02/2005,Nam,TB-01,Con,18322-01-02,,,học sinh
";

/// A release that rewords a bundled parameter's citation or note (or confirms it) brings the
/// stored copy up to date on the next start, audited; values, periods and versions added by an
/// administrator are left alone.
#[tokio::test]
async fn bundled_parameter_texts_follow_the_release() {
    for (app, l, t) in apps().await {
        let on = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        let fresh = app.list_parameters().await.unwrap();
        let base = fresh.iter().find(|r| r.key == "base_salary" && r.effective_from == on).unwrap().clone();
        assert!(base.legal_basis.contains("161/2026") && base.note.contains("Decree 161"), "{l}");
        // As an older release stored it.
        let mut tx = t.db.begin().await.unwrap();
        let old = "Announced rise from 01/7/2026; decree number unconfirmed";
        assert!(
            tx.conn()
                .refresh_bundled_parameter("base_salary", on, old, ansinh_rules::Confidence::S, "")
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
        let admin = ansinh_app::NewParamVersion {
            key: "vsi.fund_monthly_rate".into(),
            effective_from: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
            effective_to: None,
            value: 33,
            legal_basis: "Công văn 1/2027/BHXH".into(),
            confidence: "S".into(),
            note: "Read from the letter of 2 Jan 2027".into(),
        };
        app.add_parameter(&Actor::system(), &admin).await.unwrap();

        app.bootstrap(Some("admin-password-1")).await.unwrap();
        let now = app.list_parameters().await.unwrap();
        let again = now.iter().find(|r| r.key == "base_salary" && r.effective_from == on).unwrap();
        assert_eq!(again, &base, "{l}: the stored copy follows the bundled file");
        let mine = now.iter().find(|r| r.key == "vsi.fund_monthly_rate" && r.value == 33).unwrap();
        assert_eq!(
            (mine.note.as_str(), mine.source.as_str()),
            ("Read from the letter of 2 Jan 2027", "system"),
            "{l}"
        );
        let f = AuditFilter { action: Some("parameter.refresh".into()), ..Default::default() };
        let rows = app.audit_list(&Actor::system(), &f, 10).await.unwrap().rows;
        assert_eq!(rows.len(), 1, "{l}");
        assert!(rows[0].before_json.as_deref().unwrap_or("").contains(old), "{l}");
        assert_eq!(
            app.params().get("base_salary", on).unwrap().confidence,
            ansinh_rules::Confidence::V,
            "{l}"
        );
    }
}
