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
