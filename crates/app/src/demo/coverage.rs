//! The demo's other schemes and the province's figures: imported lists of compulsory SI, UI
//! and HI cards (as the SI office would hand them over), spread over 2024–2026 so the trend
//! and the projection have something to show, official denominators and targets marked as
//! illustrations. The seed's communes (Mai Hoa, Hoành Sơn, Phúc Trạch) get no compulsory SI, so
//! the article's figures there (47 of 82 workers in VSI) stay as they are.

use crate::indicators::{NewDenominator, NewTarget, Series};
use crate::work::Subject;
use crate::{App, Result};
use ansinh_domain::Actor;
use ansinh_domain::Scheme;
use ansinh_store::{DemoCandidate, ParticipationRow};
use chrono::{Datelike, NaiveDate};

/// Deterministic 0..1 from a number and a salt (splitmix64's finaliser).
fn unit(x: i64, salt: u64) -> f64 {
    let mut z = (x as u64).wrapping_add(salt.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

fn first_of(y: i32, m0: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y + (m0 / 12) as i32, m0 % 12 + 1, 1).unwrap_or_default()
}

/// Marks the demo's figures as illustrations wherever they are shown.
pub const DEMO_SOURCE: &str = "Số liệu minh hoạ (demo)";

impl App {
    /// Seed the imported lists, denominators and targets once. Returns the rows imported.
    pub async fn seed_coverage(&self) -> Result<usize> {
        let system = Actor::system();
        let today = self.today();
        {
            let mut r = self.db.read().await?;
            if r.conn().any_imported_participation().await? {
                return Ok(0);
            }
        }
        let province = self.unit_by_code(&system, "42", Some(today)).await?;
        let mut seed_communes = Vec::new();
        for code in ["18322", "18832", "18547"] {
            seed_communes.push(self.unit_by_code(&system, code, None).await?.id);
        }
        let (lo, hi) = ansinh_domain::unit::subtree_range(&province.path);
        let people = {
            let mut r = self.db.read().await?;
            r.conn().persons_without_participations(&lo, &hi).await?
        };
        // Places only, no people (a benchmark's import target): no lists, no denominators.
        if people.is_empty() {
            return Ok(0);
        }
        let mut w = self.write(&system).await?;
        let now = w.now();
        let mut rows: Vec<ParticipationRow> = Vec::new();
        let row = |p: &DemoCandidate, scheme: Scheme, grp: &str, from: NaiveDate, to: Option<NaiveDate>| {
            ParticipationRow {
                grp: grp.to_string(),
                valid_to: to,
                ..ParticipationRow::of(&p.province_code, p.id, p.household_id, scheme, false, from, now)
            }
        };
        let card_end = NaiveDate::from_ymd_opt(2027, 12, 31);
        for p in &people {
            let age = today.year() - p.birth_date.year();
            // Communes differ: some have industry, some are far from it.
            let place = unit(p.commune_id, 7);
            let worker = (18..=58).contains(&age);
            let seed_commune = seed_communes.contains(&p.commune_id);
            if worker && !seed_commune && unit(p.id, 1) < 0.10 + 0.22 * place {
                // Hired between Jan 2023 and Nov 2026, more of them earlier.
                let k = (unit(p.id, 2).powf(1.6) * 47.0) as u32;
                let from = first_of(2023, k);
                if from <= today {
                    rows.push(row(p, Scheme::Csi, "employer", from, None));
                    if unit(p.id, 3) < 0.82 {
                        rows.push(row(p, Scheme::Ui, "employer", from, None));
                    }
                }
            }
            if unit(p.id, 4) < 0.90 + 0.05 * place {
                // Cards issued from Jan 2024 (most of them then), valid to the end of 2027.
                let k = if unit(p.id, 5) < 0.86 { 0 } else { (unit(p.id, 6) * 35.0) as u32 };
                let from = first_of(2024, k);
                if from <= today {
                    let group = if age < 6 {
                        "child"
                    } else if age < 22 {
                        "student"
                    } else {
                        "other"
                    };
                    rows.push(row(p, Scheme::Hi, group, from, card_end));
                }
            }
        }
        let n = rows.len();
        // As the SI office's lists would arrive: written in bulk, one audit row, and the
        // coverage recomputed once in the same transaction.
        w.conn().insert_participations(&rows).await?;
        let after = serde_json::json!({ "participations": n, "source": DEMO_SOURCE });
        w.changed(
            "demo.lists",
            Subject::new("participation", "*", &province.province_code, &province.path),
            None,
            Some(after),
        );
        self.rebuild_coverage_in(&mut w).await?;
        w.commit().await?;
        // Official denominators for the province (and one commune), and the year's targets.
        let v = self.unit_indicators(&system, province.id, today).await?;
        let count = |s: Series| match s {
            Series::WorkingAge => v.working_age,
            _ => v.population,
        };
        for (year, factor) in [(2025, 0.96), (2026, 0.95)] {
            let lf = NewDenominator {
                unit_id: province.id,
                year,
                kind: "labour_force".into(),
                value: ((count(Series::WorkingAge) as f64) * factor).round() as i64,
                source: DEMO_SOURCE.into(),
            };
            self.add_denominator(&system, &lf).await?;
            let pop = NewDenominator {
                kind: "population".into(),
                value: ((count(Series::Population) as f64) * 1.01).round() as i64,
                source: DEMO_SOURCE.into(),
                ..lf
            };
            self.add_denominator(&system, &pop).await?;
        }
        // The levels of the province's 2024 plan (DOMAIN.md §8), standing in for this year's.
        let resolution = format!("{DEMO_SOURCE}: mức của Kế hoạch 2024 của tỉnh");
        for (indicator, rate) in [("si", "23,5"), ("ui", "13,2"), ("hi", "94"), ("vsi", "2,5")] {
            let t = NewTarget {
                unit_id: province.id,
                year: today.year() as i64,
                indicator: indicator.into(),
                rate: rate.into(),
                resolution: resolution.clone(),
                note: String::new(),
            };
            self.add_target(&system, &t).await?;
        }
        Ok(n)
    }
}
