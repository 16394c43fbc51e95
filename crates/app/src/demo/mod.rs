//! The demo province for `serve --demo` / `ansinh demo`. Here: the seed communes of the
//! community models get villages and inter-family groups, and four accounts show how scope
//! works (a collector with an electronic receipt series among them); idempotent (what exists is left alone). [`population`] generates a deterministic
//! population (pure, no storage) and [`seed`] writes it into the registry.

pub mod coverage;
pub mod models;
pub mod population;
pub mod seed;

use crate::{App, NewUser, Result};
use ansinh_domain::unit::PlaceStart;
use ansinh_domain::{Actor, Level};

/// Password of the demo accounts (never of `admin`). Printed by `serve --demo`.
pub const DEMO_PASSWORD: &str = "demo-ansinh-2026";

/// (commune code, the old commune of its first village, villages; the first village gets
/// inter-family groups).
const PLACES: &[(&str, &str, &[&str], usize)] = &[
    // Mai Hoa (was Đức Lĩnh, Vũ Quang): "Tổ liên gia 100%", Thanh Bình village, 82 workers.
    ("18322", "18322", &["Thanh Bình", "Trung Lĩnh", "Yên Thịnh", "Vĩnh Hòa"], 6),
    // Hoành Sơn (was Kỳ Nam, TX Kỳ Anh): "Cây mai an sinh".
    ("18832", "18847", &["Tân Sơn", "Hải Phong", "Hoành Sơn"], 4),
    // Phúc Trạch (was Hương Trạch, Hương Khê): "Cây bưởi BHXH tự nguyện".
    ("18547", "18553", &["Phúc Đồng", "Trung Hà", "Hà Bắc"], 3),
];

/// (username, display name, role, unit code).
const ACCOUNTS: &[(&str, &str, &str, &str)] = &[
    ("tinh.hatinh", "Nguyễn Thị Hương (BHXH tỉnh Hà Tĩnh)", "province_officer", "42"),
    ("xa.maihoa", "Phan Văn Thắng (UBND xã Mai Hoa)", "commune_officer", "18322"),
    ("hoi.hoanhson", "Võ Thị Lan (Hội Nông dân xã Hoành Sơn)", "org_member", "18832"),
    ("thu.maihoa", "Trần Thị Thu (Đại lý thu Bưu điện xã Mai Hoa)", "collector", "18322"),
    ("thu.hoanhson", "Lê Văn Kỳ (Đại lý thu xã Hoành Sơn)", "collector", "18832"),
    ("thu.phuctrach", "Nguyễn Thị Bưởi (Đại lý thu xã Phúc Trạch)", "collector", "18547"),
    ("hoi.phuctrach", "Hồ Văn Trạch (Hội Nông dân xã Phúc Trạch)", "org_member", "18547"),
    ("phunu.maihoa", "Đinh Thị Lĩnh (Hội Phụ nữ xã Mai Hoa)", "org_member", "18322"),
];

/// The demo collector's electronic receipt series: (collector, series, first, last, unit).
const BOOKS: &[(&str, &str, i64, i64, &str)] = &[
    ("thu.maihoa", "BL26-MH", 1, 5_000, "18322"),
    ("thu.hoanhson", "BL26-HS", 1, 5_000, "18832"),
    ("thu.phuctrach", "BL26-PT", 1, 5_000, "18547"),
];

#[derive(Debug, Default)]
pub struct DemoReport {
    pub places_created: usize,
    pub accounts_created: Vec<String>,
}

impl App {
    pub async fn seed_demo(&self) -> Result<DemoReport> {
        let system = Actor::system();
        let mut report = DemoReport::default();
        // The demo's places are the communes of the new era.
        let on = Some(self.reform_day().await?);
        for (code, old_code, villages, groups) in PLACES {
            let commune = self.unit_by_code(&system, code, on).await?;
            let view = self.unit_view(&system, commune.id, None).await?;
            let existing = view.children;
            // Wards (phường) have residential groups, communes (xã) villages.
            let kind = if commune.kind == "Phường" { "Tổ dân phố" } else { "Thôn" };
            for (i, name) in villages.iter().enumerate() {
                let village =
                    match existing.iter().find(|(u, _)| u.name == *name && u.level == Level::Village) {
                        Some((u, _)) => u.clone(),
                        None => {
                            report.places_created += 1;
                            // Older than the commune: the old commune it belonged to.
                            let start = match seed::demo_start(old_code, &commune, &view.former_choices, i) {
                                (None, former) => (PlaceStart::BeforeReform, former),
                                (Some(d), former) => (PlaceStart::On(d), former),
                            };
                            self.create_place_begun(&system, commune.id, name, Some(kind), start.0, start.1)
                                .await?
                        }
                    };
                if i == 0 {
                    let have = self.unit_view(&system, village.id, None).await?.children;
                    for n in 1..=*groups {
                        let g = format!("Tổ liên gia số {n}");
                        if !have.iter().any(|(u, _)| u.name == g) {
                            self.create_place(&system, village.id, &g, None).await?;
                            report.places_created += 1;
                        }
                    }
                }
            }
        }
        for (username, name, role, unit) in ACCOUNTS {
            let n = NewUser {
                username: (*username).into(),
                display_name: (*name).into(),
                password: DEMO_PASSWORD.into(),
                role: (*role).into(),
                unit_code: (*unit).into(),
            };
            match self.add_user(&system, &n).await {
                Ok(_) => report.accounts_created.push((*username).into()),
                Err(e) if e.first_invalid().is_some_and(|i| i.field == "username") => {}
                Err(e) => return Err(e),
            }
        }
        for (collector, series, first, last, unit) in BOOKS {
            let book = crate::collection::NewBook {
                collector: (*collector).into(),
                kind: "electronic".into(),
                series: (*series).into(),
                book_no: String::new(),
                first_no: *first,
                last_no: *last,
                unit_code: (*unit).into(),
            };
            match self.issue_book(&system, &book).await {
                Ok(_) => {}
                // Issued by an earlier run: the numbers overlap.
                Err(e) if e.first_invalid().is_some_and(|i| i.field == "first_no") => {}
                Err(e) => return Err(e),
            }
        }
        Ok(report)
    }

    /// The demo accounts: (username, role, unit code).
    pub fn demo_accounts() -> Vec<(&'static str, &'static str, &'static str)> {
        ACCOUNTS.iter().map(|(u, _, r, c)| (*u, *r, *c)).collect()
    }
}
