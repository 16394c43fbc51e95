//! The demo province's population (`ansinh demo --persons N --seed S`, `serve --demo`): villages
//! and inter-family groups under each of Hà Tĩnh's communes, then a deterministic population
//! from [`super::population`] placed in them. Thanh Bình village (Mai Hoa, the "Tổ liên
//! gia 100%" model) gets exactly 82 working-age people, as in the seed article.

use super::population::{DemoPlace, generate};
use crate::registry::{PersonValues, person_write, working_age_bounds};
use crate::work::{Audited, Derived, Subject, Work};
use crate::{App, AppError, Result};
use ansinh_domain::{Actor, Level, Unit, UnitCode, text};
use ansinh_store::{Conn, HouseholdRow, NewUnit, PersonWrite, PovertyRow};
use chrono::Datelike;
use std::collections::HashMap;

/// Working-age people of Thanh Bình village in the seed article.
pub const THANH_BINH_WORKERS: usize = 82;
/// Demo province.
const PROVINCE: &str = "42";

#[derive(Debug, Default)]
pub struct PopulationReport {
    pub places_created: usize,
    pub households: usize,
    pub persons: usize,
    /// Working-age people placed in Thanh Bình.
    pub thanh_binh_workers: usize,
    /// The population was there already; nothing was generated.
    pub existed: bool,
    /// Events of the community models' history played (0: there were models already).
    pub model_events: usize,
}

/// When the demo's i-th village of `commune` began and the old commune it belonged to: before
/// the reform (day unknown), the first village in the old commune `first_old` (Thanh Bình in
/// Đức Lĩnh, now Mai Hoa), the others spread over the old communes. A commune formed of none:
/// with the commune.
pub(crate) fn demo_start(
    first_old: &str,
    commune: &Unit,
    choices: &[Unit],
    i: usize,
) -> (Option<chrono::NaiveDate>, Option<i64>) {
    if choices.is_empty() {
        return (commune.valid_from, None);
    }
    let same = choices.iter().position(|u| u.code == first_old).unwrap_or(0);
    (None, Some(choices[(same + i) % choices.len()].id))
}

fn stable_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}

impl App {
    /// Create local places in one transaction (one audit row each); returns the new units.
    /// Every demo place is older than the 2025 reform: a village names the old commune it
    /// belonged to (`former` gives it for the i-th name), a group begins with its village.
    async fn add_places(
        &self,
        w: &mut Work<'_>,
        parent: &Unit,
        names: &[(String, &str, Level)],
        former: &dyn Fn(usize) -> (Option<chrono::NaiveDate>, Option<i64>),
    ) -> Result<Vec<Unit>> {
        let mut out = Vec::with_capacity(names.len());
        for (i, (name, kind, level)) in names.iter().enumerate() {
            let (valid_from, former_parent_id) = former(i);
            let seq = w.conn().next_local_seq(parent.id).await?;
            let u = w
                .conn()
                .insert_unit(&NewUnit {
                    code: UnitCode::local_child(&parent.code, seq).to_string(),
                    name: name.clone(),
                    name_key: text::fold(name),
                    kind: (*kind).to_string(),
                    level: *level,
                    parent_id: parent.id,
                    parent_path: parent.path.clone(),
                    province_code: parent.province_code.clone(),
                    valid_from,
                    former_parent_id,
                })
                .await?;
            let after =
                serde_json::json!({ "code": u.code, "name": u.name, "kind": u.kind, "parent": parent.code });
            w.changed("unit.create", u.subject(), None, Some(after));
            out.push(u);
        }
        Ok(out)
    }

    /// Villages and groups under every commune of the demo province (idempotent: a commune
    /// that has villages keeps them; a village that has groups keeps them).
    async fn demo_places(&self, w: &mut Work<'_>) -> Result<(Vec<Unit>, usize)> {
        let system = Actor::system();
        let today = self.today();
        let province = self.unit_by_code(&system, PROVINCE, Some(today)).await?;
        let communes = w.conn().unit_children(province.id, Some(today)).await?;
        let mut created = 0;
        let mut groups = Vec::new();
        for commune in communes.iter().filter(|u| u.level == Level::Commune) {
            let h = stable_hash(&commune.code);
            let mut villages: Vec<Unit> = w
                .conn()
                .unit_children(commune.id, None)
                .await?
                .into_iter()
                .filter(|u| u.level == Level::Village)
                .collect();
            if villages.is_empty() {
                let kind = if commune.kind == "Phường" { "Tổ dân phố" } else { "Thôn" };
                let names: Vec<(String, &str, Level)> =
                    (1..=3 + (h % 5)).map(|i| (format!("{kind} {i}"), kind, Level::Village)).collect();
                // The kind is part of the name ("Thôn 1"); show it once.
                let names: Vec<(String, &str, Level)> = names
                    .into_iter()
                    .map(|(n, k, l)| (n.trim_start_matches(k).trim().to_string(), k, l))
                    .collect();
                let choices =
                    crate::units::former_choices(commune, &w.conn().predecessors(commune.id).await?);
                let former = |i: usize| demo_start(&commune.code, commune, &choices, i);
                villages = self.add_places(w, commune, &names, &former).await?;
                created += villages.len();
            }
            for (i, v) in villages.iter().enumerate() {
                let mut gs: Vec<Unit> = w.conn().unit_children(v.id, None).await?;
                if gs.is_empty() {
                    let n = 3 + ((h >> (i % 16)) % 3);
                    let names: Vec<(String, &str, Level)> = (1..=n)
                        .map(|k| {
                            (format!("Tổ liên gia số {k}"), ansinh_domain::unit::GROUP_KIND, Level::Group)
                        })
                        .collect();
                    let start = v.valid_from;
                    gs = self.add_places(w, v, &names, &|_| (start, None)).await?;
                    created += gs.len();
                }
                groups.extend(gs);
            }
        }
        Ok((groups, created))
    }

    /// Generate the demo population (`persons` people, deterministic for `seed`) unless the
    /// registry already has people. Also creates the places it needs.
    pub async fn seed_population(
        &self,
        persons: usize,
        seed: u64,
        progress: &mut (dyn FnMut(usize, usize) + Send),
    ) -> Result<PopulationReport> {
        let mut report = PopulationReport::default();
        let today = self.today();
        let system = Actor::system();
        // Places (and the seed villages) first.
        self.seed_demo().await?;
        let mut w = self.write(&system).await?;
        if w.conn().count_persons(&[ansinh_domain::unit::ROOT_PATH.to_string()]).await? > 0 {
            report.existed = true;
            drop(w);
            report.model_events = self.seed_models().await?;
            self.seed_coverage().await?;
            return Ok(report);
        }
        let (groups, created) = self.demo_places(&mut w).await?;
        report.places_created = created;
        if groups.is_empty() {
            return Err(AppError::Internal("demo: no places".into()));
        }
        // Units by code, and each group's commune (the path segment at commune level).
        let mut by_code: HashMap<String, (Unit, Unit)> = HashMap::new();
        let mut commune_cache: HashMap<i64, Unit> = HashMap::new();
        for g in &groups {
            let cid =
                g.path.trim_matches('/').split('/').nth(2).and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
            let commune = match commune_cache.get(&cid) {
                Some(u) => u.clone(),
                None => {
                    let u = w
                        .conn()
                        .unit_by_id(cid)
                        .await?
                        .ok_or_else(|| AppError::Internal("demo: commune".into()))?;
                    commune_cache.insert(cid, u.clone());
                    u
                }
            };
            by_code.insert(g.code.clone(), (g.clone(), commune));
        }
        // Thanh Bình's groups weigh enough to fill it; overflow goes to Mai Hoa's other villages.
        let thanh_binh: Vec<&Unit> = {
            let tb = self.search_units(&system, "thanh binh", Some(today)).await?;
            let ids: Vec<i64> = tb.iter().filter(|u| u.level == Level::Village).map(|u| u.id).collect();
            groups.iter().filter(|g| g.parent_id.is_some_and(|p| ids.contains(&p))).collect()
        };
        let households_total = (persons as f64 / 3.6).max(1.0);
        let others = (groups.len() - thanh_binh.len()).max(1) as f64;
        let tb_weight = ((others * 60.0 / households_total).ceil() as u32).clamp(1, 1_000_000) * 100
            / thanh_binh.len().max(1) as u32;
        let places: Vec<DemoPlace> = groups
            .iter()
            .map(|g| DemoPlace {
                unit_code: g.code.clone(),
                commune_code: by_code[&g.code].1.code.clone(),
                province_code: PROVINCE.into(),
                weight: if thanh_binh.iter().any(|t| t.id == g.id) { tb_weight.max(1) } else { 100 },
            })
            .collect();
        let tb_codes: Vec<&str> = thanh_binh.iter().map(|g| g.code.as_str()).collect();
        let mai_hoa_fallback: Vec<&Unit> = groups
            .iter()
            .filter(|g| {
                !tb_codes.contains(&g.code.as_str())
                    && thanh_binh.first().is_some_and(|t| by_code[&t.code].1.id == by_code[&g.code].1.id)
            })
            .collect();

        let bounds = working_age_bounds(&self.params(), today)?;
        let now = w.now();
        let year = today.year();
        let mut batch = Batch::default();
        let mut tb_workers = 0usize;
        let mut fallback_i = 0usize;
        let mut written = 0usize;
        // Residents and households per unit, for the derived counts.
        let mut per_unit: HashMap<i64, (i64, i64)> = HashMap::new();
        // Read before the bulk load: on PostgreSQL lifting the foreign keys locks `units` until
        // commit, so another connection's read of it would wait for this transaction.
        let province = self.unit_by_code(&system, PROVINCE, Some(today)).await?;
        // The table is empty: lift indexes and constraints, restore them at the end (see import.rs).
        let rebuild = persons >= self.bulk_rows;
        if rebuild {
            w.conn().begin_bulk_load().await?;
        }
        let params = self.params();
        for hh in generate(&places, persons, seed, today, &params) {
            let mut code = hh.unit_code.clone();
            if tb_codes.contains(&code.as_str()) {
                let wa = hh
                    .members
                    .iter()
                    .filter(|m| {
                        let d = m.birth.effective_date();
                        d <= bounds.max_birth
                            && if m.sex == ansinh_rules::Sex::Male {
                                d > bounds.male_after
                            } else {
                                d > bounds.female_after
                            }
                    })
                    .count();
                if mai_hoa_fallback.is_empty() || tb_workers + wa <= THANH_BINH_WORKERS {
                    tb_workers += wa;
                } else {
                    code = mai_hoa_fallback[fallback_i % mai_hoa_fallback.len()].code.clone();
                    fallback_i += 1;
                }
            }
            let (place, commune) = &by_code[&code];
            let hh_index = batch.households.len();
            let counts = per_unit.entry(place.id).or_default();
            counts.0 += hh.members.len() as i64;
            counts.1 += 1;
            batch.households.push(HouseholdRow::new(0, hh.code.as_str().to_string(), place, commune.id));
            batch.poverty.push(PovertyRow {
                year,
                status: hh.poverty,
                decision: format!("Danh sách {year}"),
            });
            for m in &hh.members {
                let values = PersonValues {
                    cccd: m.cccd.clone(),
                    old_si: None,
                    name: m.full_name.clone(),
                    birth: m.birth,
                    sex: m.sex,
                    ethnicity: m.ethnicity,
                    phone: m.phone.clone(),
                    occupation: m.occupation,
                };
                // The household id is known at flush.
                batch
                    .people
                    .push((hh_index, person_write(0, &values, place, commune.id, None, Some(m.relation))));
            }
            report.households += 1;
            if batch.people.len() >= 20_000 {
                written += batch.flush(&mut w.conn(), now).await?;
                progress(written, persons);
            }
        }
        written += batch.flush(&mut w.conn(), now).await?;
        progress(written, persons);
        if rebuild {
            w.conn().end_bulk_load().await?;
        }
        for (unit, (p, h)) in per_unit {
            w.derive(Derived::Persons(unit, p));
            w.derive(Derived::Households(unit, h));
        }
        report.persons = written;
        report.thanh_binh_workers = tb_workers;
        let after = serde_json::json!({ "persons": written, "households": report.households, "seed": seed });
        w.changed(
            "demo.population",
            Subject::new("person", "*", PROVINCE, &province.path),
            None,
            Some(after),
        );
        w.conn().analyze().await?;
        self.rebuild_coverage_in(&mut w).await?;
        w.commit().await?;
        report.model_events = self.seed_models().await?;
        self.seed_coverage().await?;
        Ok(report)
    }
}

/// Households and people waiting to be written; ids are allocated at flush.
#[derive(Default)]
struct Batch {
    households: Vec<HouseholdRow>,
    poverty: Vec<PovertyRow>,
    /// (index into `households`, person)
    people: Vec<(usize, PersonWrite)>,
}

impl Batch {
    async fn flush(&mut self, c: &mut Conn<'_>, now: chrono::DateTime<chrono::Utc>) -> Result<usize> {
        let hh_ids = c.allocate_ids("households", self.households.len() as i64).await?;
        for (h, id) in self.households.iter_mut().zip(&hh_ids) {
            h.id = *id;
        }
        let p_ids = c.allocate_ids("persons", self.people.len() as i64).await?;
        let mut people = Vec::with_capacity(self.people.len());
        for ((hi, mut p), id) in std::mem::take(&mut self.people).into_iter().zip(p_ids) {
            p.id = id;
            p.household_id = Some(hh_ids[hi]);
            // Heads are known before insert: written with the household rows.
            if p.relation.as_deref() == Some("head") {
                self.households[hi].head_person_id = Some(id);
            }
            people.push(p);
        }
        let poverty: Vec<(i64, String, PovertyRow)> = std::mem::take(&mut self.poverty)
            .into_iter()
            .zip(&self.households)
            .map(|(p, h)| (h.id, h.province_code.clone(), p))
            .collect();
        c.insert_households(&self.households, now).await?;
        c.insert_persons(&people, now).await?;
        c.insert_poverty(&poverty).await?;
        self.households.clear();
        Ok(people.len())
    }
}
