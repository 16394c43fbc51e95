//! Contract suite: every repository method, on SQLite always and on PostgreSQL when
//! `ANSINH_TEST_DATABASE_URL` is set (required in CI through `ANSINH_REQUIRE_POSTGRES=1`).

use ansinh_domain::unit::{ROOT_ID, ROOT_PATH};
use ansinh_domain::{Level, Role, Unit};
use ansinh_store::testing::{self, TestDb};
use ansinh_store::{AuditFilter, NewAudit, NewUnit, UnitSeed};
use chrono::{Duration, NaiveDate, TimeZone, Utc};

mod audit;
mod indicators;
mod migrations;
mod registry;
mod units;
mod users;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[allow(clippy::too_many_arguments)]
fn seed(
    id: i64,
    code: &str,
    name: &str,
    level: Level,
    parent: Option<i64>,
    path: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> UnitSeed {
    UnitSeed {
        name_key: ansinh_domain::text::fold(name),
        unit: Unit {
            id,
            code: code.into(),
            name: name.into(),
            kind: if level == Level::Province { "Tỉnh".into() } else { "Xã".into() },
            level,
            parent_id: parent,
            path: path.into(),
            province_code: "42".into(),
            valid_from: from,
            valid_to: to,
            former_parent_id: None,
        },
    }
}

/// Root, Hà Tĩnh, an old district with an old commune, and the new commune it became.
fn small_tree() -> Vec<UnitSeed> {
    let reform = Some(d(2025, 7, 1));
    vec![
        seed(ROOT_ID, "VN", "Việt Nam", Level::Country, None, ROOT_PATH, None, None),
        seed(28, "42", "Hà Tĩnh", Level::Province, Some(0), "/0/28/", None, None),
        seed(378, "436", "Vũ Quang", Level::District, Some(28), "/0/28/378/", None, reform),
        seed(6140, "18322", "Đức Lĩnh", Level::Commune, Some(378), "/0/28/378/6140/", None, reform),
        seed(6141, "18316", "Ân Phú", Level::Commune, Some(378), "/0/28/378/6141/", None, reform),
        seed(12501, "18322", "Mai Hoa", Level::Commune, Some(28), "/0/28/12501/", reform, None),
    ]
}

async fn loaded(t: &TestDb) {
    let mut tx = t.db.begin().await.unwrap();
    let mut c = tx.conn();
    c.insert_units(&small_tree()).await.unwrap();
    c.insert_successors(&[(6140, 12501), (6141, 12501)]).await.unwrap();
    c.sync_id_sequences().await.unwrap();
    tx.commit().await.unwrap();
}

fn audit(path: &str, action: &str, actor: &str, at: chrono::DateTime<Utc>) -> NewAudit {
    NewAudit {
        province_code: "42".into(),
        unit_path: path.into(),
        actor_id: None,
        actor: actor.into(),
        action: action.into(),
        entity: "unit".into(),
        entity_id: "1".into(),
        before_json: Some(r#"{"name":"A"}"#.into()),
        after_json: Some(r#"{"name":"B"}"#.into()),
        at,
    }
}

#[allow(clippy::too_many_arguments)]
fn write(
    id: i64,
    cccd: &str,
    name: &str,
    birth: NaiveDate,
    sex: &str,
    household: Option<i64>,
    unit: (i64, &str),
    commune: i64,
) -> ansinh_store::PersonWrite {
    ansinh_store::PersonWrite {
        id,
        province_code: "42".into(),
        cccd: cccd.into(),
        old_si_number: None,
        full_name: name.into(),
        name_key: ansinh_domain::text::fold(name),
        given_key: ansinh_domain::text::fold(name.rsplit(' ').next().unwrap()),
        sort_key: ansinh_domain::text::sort_key(name),
        birth_date: birth,
        birth_year_only: false,
        sex: sex.into(),
        ethnicity: "Kinh".into(),
        phone: None,
        occupation: "farmer".into(),
        household_id: household,
        relation: Some("head".into()),
        unit_id: unit.0,
        unit_path: unit.1.into(),
        commune_id: commune,
    }
}

/// The persons and households tables' indexes and constraints, as `kind name: definition`
/// lines in name order.
async fn schema_of(c: &mut ansinh_store::Conn<'_>) -> Vec<String> {
    let rows: Vec<(String, String, String)> = match c {
        ansinh_store::Conn::Sqlite(x) => sqlx::query_as(
            "SELECT 'index', name, COALESCE(sql, '') FROM sqlite_master \
             WHERE type = 'index' AND tbl_name IN ('persons', 'households') ORDER BY name",
        )
        .fetch_all(&mut **x)
        .await
        .unwrap(),
        ansinh_store::Conn::Postgres(x) => sqlx::query_as(
            "SELECT 'index', indexname::text, indexdef FROM pg_indexes WHERE tablename IN ('persons', 'households') \
             UNION ALL \
             SELECT 'constraint', conname::text, pg_get_constraintdef(oid) FROM pg_constraint \
             WHERE conrelid IN ('persons'::regclass, 'households'::regclass) ORDER BY 1, 2",
        )
        .fetch_all(&mut **x)
        .await
        .unwrap(),
    };
    rows.into_iter().map(|(k, n, d)| format!("{k} {n}: {d}")).collect()
}
