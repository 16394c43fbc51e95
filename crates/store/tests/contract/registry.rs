//! Persons, households, moves, duplicates, merges, derived counts, bulk loads.

use super::*;
use ansinh_domain::person::PovertyStatus;
use chrono::Datelike;

#[tokio::test]
async fn registry_contract() {
    use ansinh_store::{HouseholdRow, MoveRow, PersonFilter, PovertyRow, WorkingAgeBounds};
    for t in testing::all().await {
        let l = t.label;
        loaded(&t).await;
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 8, 0, 0).unwrap();
        let mai_hoa = (12501, "/0/28/12501/");
        let mut tx = t.db.begin().await.unwrap();
        let mut c = tx.conn();
        // Ids: distinct, ascending, reserved inside the transaction.
        let hh = c.allocate_ids("households", 2).await.unwrap();
        assert_eq!(hh.len(), 2, "{l}");
        assert!(hh[0] < hh[1], "{l}");
        assert!(c.allocate_ids("persons", 0).await.unwrap().is_empty(), "{l}");
        let household = |id: i64, code: &str| HouseholdRow {
            id,
            province_code: "42".into(),
            code: code.into(),
            commune_id: 12501,
            unit_id: 12501,
            unit_path: mai_hoa.1.into(),
            head_person_id: None,
            ethnic_minority_area: false,
            island: false,
        };
        let second = HouseholdRow {
            ethnic_minority_area: true,
            head_person_id: Some(999),
            ..household(hh[1], "MH-2")
        };
        c.insert_households(&[household(hh[0], "MH-1"), second.clone()], now).await.unwrap();
        assert_eq!(c.household_by_id(hh[0]).await.unwrap(), Some(household(hh[0], "MH-1")), "{l}");
        assert_eq!(c.household_by_id(hh[1]).await.unwrap(), Some(second), "{l}");
        c.update_household(&household(hh[1], "MH-2"), now).await.unwrap();
        let ids = c.allocate_ids("persons", 4).await.unwrap();
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        // Names with commas and quotes round-trip through binary COPY on PostgreSQL.
        let rows = vec![
            write(
                ids[0],
                "042080000123",
                "Nguyễn Văn An",
                d(1980, 3, 15),
                "male",
                Some(hh[0]),
                mai_hoa,
                12501,
            ),
            write(
                ids[1],
                "042182000456",
                "Hồ Thị \"Lan\", Bé",
                d(1982, 1, 1),
                "female",
                Some(hh[0]),
                mai_hoa,
                12501,
            ),
            write(
                ids[2],
                "042215000789",
                "Nguyễn Hồ Nam",
                d(2015, 9, 1),
                "male",
                Some(hh[1]),
                mai_hoa,
                12501,
            ),
            write(ids[3], "042080000555", "Nguyen Van An", d(1980, 3, 15), "male", None, mai_hoa, 12501),
        ];
        // Every kind of value the bulk writers encode: optional text set and empty, a year-only
        // birth, no relation.
        let mut rows = rows;
        rows[2].old_si_number = Some("4201234567".into());
        rows[2].phone = Some("0912345678".into());
        rows[2].birth_year_only = true;
        // A year-only birth is stored as 1 January of that year.
        rows[2].birth_date = chrono::NaiveDate::from_ymd_opt(rows[2].birth_date.year(), 1, 1).unwrap();
        rows[3].relation = None;
        rows[3].ethnicity = String::new();
        c.insert_persons(&rows, now).await.unwrap();
        for w in &rows {
            let r = c.person_by_id(w.id).await.unwrap().unwrap();
            // Decoded into domain values; compared in the stored encoding.
            let relation = r.relation.map(|x| x.as_str().to_string());
            let stored = (
                (
                    &r.province_code,
                    &r.cccd,
                    &r.old_si_number,
                    &r.full_name,
                    r.birth.effective_date(),
                    r.birth.is_year_only(),
                ),
                (
                    &r.sex.key().to_string(),
                    &r.ethnicity,
                    &r.phone,
                    &r.occupation.as_str().to_string(),
                    r.household_id,
                    &relation,
                ),
                (r.unit_id, &r.unit_path, r.commune_id, r.created_at, r.updated_at),
            );
            let written = (
                (&w.province_code, &w.cccd, &w.old_si_number, &w.full_name, w.birth_date, w.birth_year_only),
                (&w.sex, &w.ethnicity, &w.phone, &w.occupation, w.household_id, &w.relation),
                (w.unit_id, &w.unit_path, w.commune_id, now, now),
            );
            assert_eq!(stored, written, "{l}: person {} stored as written", w.id);
            let sql = "SELECT name_key, given_key, sort_key FROM persons WHERE id = $1";
            let keys: (String, String, Vec<u8>) = match &mut c {
                ansinh_store::Conn::Sqlite(x) => {
                    sqlx::query_as(sql).bind(w.id).fetch_one(&mut **x).await.unwrap()
                }
                ansinh_store::Conn::Postgres(x) => {
                    sqlx::query_as(sql).bind(w.id).fetch_one(&mut **x).await.unwrap()
                }
            };
            assert_eq!(keys, (w.name_key.clone(), w.given_key.clone(), w.sort_key.clone()), "{l}");
        }
        c.set_household_heads(&[(hh[0], ids[0])]).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = t.db.begin().await.unwrap();
        let mut c = tx.conn();
        let all = vec!["/0/28/".to_string()];
        assert_eq!(c.count_persons(&all).await.unwrap(), 4, "{l}");
        assert_eq!(c.count_persons(&["/0/99/".to_string()]).await.unwrap(), 0, "{l}");
        let lan = c.person_by_id(ids[1]).await.unwrap().unwrap();
        assert_eq!(lan.full_name, "Hồ Thị \"Lan\", Bé", "{l}");
        assert_eq!((lan.phone, lan.household_id), (None, Some(hh[0])), "{l}");
        assert_eq!(c.person_by_cccd("042080000123").await.unwrap().unwrap().id, ids[0], "{l}");
        let found =
            c.persons_by_cccds(&["042080000123".into(), "042215000789".into(), "999".into()]).await.unwrap();
        assert_eq!(found.len(), 2, "{l}");

        // Search: folded prefix of the full name; scope; filters.
        let f = PersonFilter { name_prefix: Some("nguyen van".into()), ..Default::default() };
        let r = c.search_persons(&all, &f, 10, 0).await.unwrap();
        assert_eq!(r.iter().map(|p| p.id).collect::<Vec<_>>().len(), 2, "{l}");
        let f = PersonFilter { name_prefix: Some("nguyen ho".into()), ..Default::default() };
        assert_eq!(c.search_persons(&all, &f, 10, 0).await.unwrap()[0].id, ids[2], "{l}");
        let f = PersonFilter {
            name_prefix: Some("nguyen".into()),
            commune_ids: Some(vec![12501]),
            ..Default::default()
        };
        assert_eq!(c.count_matching(&all, &f, 100).await.unwrap(), 3, "{l}: commune filter");
        let f = PersonFilter { commune_ids: Some(vec![999]), ..Default::default() };
        assert_eq!(c.count_matching(&all, &f, 100).await.unwrap(), 0, "{l}");
        let codes = c.household_codes(&[hh[0], hh[1]]).await.unwrap();
        assert_eq!(codes.len(), 2, "{l}");
        assert!(
            c.search_persons(&["/0/28/378/".to_string()], &PersonFilter::default(), 10, 0)
                .await
                .unwrap()
                .is_empty(),
            "{l}"
        );
        let f = PersonFilter { household_code: Some("MH-1".into()), ..Default::default() };
        assert_eq!(c.count_matching(&all, &f, 100).await.unwrap(), 2, "{l}");
        let f = PersonFilter { born_from: Some(d(2000, 1, 1)), ..Default::default() };
        assert_eq!(c.count_matching(&all, &f, 100).await.unwrap(), 1, "{l}");
        assert_eq!(c.count_matching(&all, &PersonFilter::default(), 2).await.unwrap(), 2, "{l}: capped");
        let w = WorkingAgeBounds {
            max_birth: d(2011, 11, 30),
            male_after: d(1964, 6, 30),
            female_after: d(1969, 2, 28),
        };
        let f = PersonFilter { working_age: Some(w), ..Default::default() };
        assert_eq!(c.count_matching(&all, &f, 100).await.unwrap(), 3, "{l}");
        assert_eq!(c.count_under(mai_hoa.1, w).await.unwrap(), (4, 3), "{l}");
        let page1 = c.scan_persons(&all, &PersonFilter::default(), 0, 2).await.unwrap();
        let page2 = c.scan_persons(&all, &PersonFilter::default(), page1[1].id, 2).await.unwrap();
        assert_eq!(page1.len() + page2.len(), 4, "{l}: keyset pages");
        let f = PersonFilter { cccd: Some("042182000456".into()), ..Default::default() };
        assert_eq!(c.search_persons(&all, &f, 10, 0).await.unwrap().len(), 1, "{l}");
        let f = PersonFilter { place_path: Some("/0/28/12501/999/".into()), ..Default::default() };
        assert!(c.search_persons(&all, &f, 10, 0).await.unwrap().is_empty(), "{l}");
        // Vietnamese order without a name: by sort key.
        let ordered = c.search_persons(&all, &PersonFilter::default(), 10, 0).await.unwrap();
        let mut keys: Vec<Vec<u8>> =
            ordered.iter().map(|p| ansinh_domain::text::sort_key(&p.full_name)).collect();
        let sorted = {
            let mut k = keys.clone();
            k.sort();
            k
        };
        assert_eq!(std::mem::take(&mut keys), sorted, "{l}");

        // Households.
        assert_eq!(c.persons_of_household(hh[0]).await.unwrap().len(), 2, "{l}");
        let h1 = c.household_by_code(12501, "MH-1").await.unwrap().unwrap();
        assert_eq!((h1.id, h1.head_person_id), (hh[0], Some(ids[0])), "{l}");
        assert_eq!(c.household_by_id(hh[1]).await.unwrap().unwrap().code, "MH-2", "{l}");
        assert_eq!(c.households_of_communes(&[12501]).await.unwrap().len(), 2, "{l}");
        assert_eq!(c.search_households(&all, Some("MH-"), None, 10).await.unwrap().len(), 2, "{l}");
        assert!(c.search_households(&all, Some("X"), None, 10).await.unwrap().is_empty(), "{l}");
        c.update_household(&HouseholdRow { island: true, ..h1.clone() }, now).await.unwrap();
        assert!(c.household_by_id(hh[0]).await.unwrap().unwrap().island, "{l}");
        let p = PovertyRow { year: 2026, status: PovertyStatus::NearPoor, decision: "QĐ 1".into() };
        c.set_poverty(hh[0], "42", &p).await.unwrap();
        c.set_poverty(hh[0], "42", &PovertyRow { status: PovertyStatus::Poor, ..p.clone() }).await.unwrap();
        c.insert_poverty(&[(
            hh[1],
            "42".into(),
            PovertyRow { year: 2025, status: PovertyStatus::None, decision: String::new() },
        )])
        .await
        .unwrap();
        let pv = c.poverty_of(hh[0]).await.unwrap();
        assert_eq!((pv.len(), pv[0].status.as_str()), (1, "poor"), "{l}");
        assert_eq!(c.poverty_of(hh[1]).await.unwrap().len(), 1, "{l}");

        // Update, move history, CCCD change.
        let mut moved = rows[2].clone();
        moved.household_id = Some(hh[0]);
        c.update_person(&moved, now).await.unwrap();
        c.insert_move(
            "42",
            &MoveRow {
                id: 0,
                person_id: ids[2],
                from_household_id: Some(hh[1]),
                to_household_id: Some(hh[0]),
                from_unit_id: 12501,
                to_unit_id: 12501,
                moved_on: d(2026, 11, 30),
                reason: "về ở với bố".into(),
                actor: "x".into(),
                at: now,
            },
        )
        .await
        .unwrap();
        assert_eq!(c.moves_of(ids[2]).await.unwrap()[0].reason, "về ở với bố", "{l}");
        assert_eq!(c.person_by_id(ids[2]).await.unwrap().unwrap().household_id, Some(hh[0]), "{l}");
        c.set_person_cccd(ids[3], "042080000556").await.unwrap();
        assert!(c.person_by_cccd("042080000556").await.unwrap().is_some(), "{l}");

        // Probable duplicates, dismissal, merge.
        let dups = c.duplicate_pairs(&all, 10).await.unwrap();
        assert_eq!(dups.iter().map(|p| (p.a, p.b)).collect::<Vec<_>>(), [(ids[0], ids[3])], "{l}");
        c.dismiss_duplicate(ids[3], ids[0], "x", now).await.unwrap();
        c.dismiss_duplicate(ids[0], ids[3], "x", now).await.unwrap();
        assert!(c.duplicate_pairs(&all, 10).await.unwrap().is_empty(), "{l}");
        let keep = c.person_by_id(ids[0]).await.unwrap().unwrap();
        let drop = c.person_by_id(ids[3]).await.unwrap().unwrap();
        c.merge_person_into(&drop, &keep, now).await.unwrap();
        // Kept, marked, out of every scope and count; never deleted.
        let merged = c.person_by_id(ids[3]).await.unwrap().unwrap();
        assert_eq!((merged.merged_into, merged.unit_path.as_str()), (Some(ids[0]), ""), "{l}");
        assert_eq!(merged.unit_id, drop.unit_id, "{l}: where it lived is kept");
        assert_eq!(c.persons_merged_into(ids[0]).await.unwrap(), vec![merged.clone()], "{l}");
        // Batch readers: every id asked for, missing ones skipped.
        let mut got: Vec<i64> =
            c.persons_by_ids(&[ids[0], ids[3], 999_999]).await.unwrap().iter().map(|p| p.id).collect();
        got.sort();
        assert_eq!(got, [ids[0], ids[3]], "{l}");
        let hh_got = c.households_by_ids(&[hh[0], 999_999]).await.unwrap();
        assert_eq!(hh_got.iter().map(|h| h.id).collect::<Vec<_>>(), [hh[0]], "{l}");
        assert_eq!(c.count_persons(&all).await.unwrap(), 3, "{l}");
        assert!(c.duplicate_pairs(&all, 10).await.unwrap().is_empty(), "{l}");

        // Derived counts per unit: deltas add up, subtrees sum, a recount agrees after a rebuild.
        let recount = c.recount_units().await.unwrap();
        assert_eq!(
            recount.iter().map(|u| u.persons).sum::<i64>(),
            3,
            "{l}: the merged record is not counted"
        );
        c.replace_unit_counts(&recount).await.unwrap();
        let mut stored = c.stored_unit_counts().await.unwrap();
        stored.retain(|u| u.persons != 0 || u.households != 0);
        assert_eq!(stored, recount, "{l}");
        let (p0, h0) = c.unit_totals("/0/").await.unwrap();
        assert_eq!((p0, h0), (3, recount.iter().map(|u| u.households).sum::<i64>()), "{l}");
        let unit = recount[0].unit_id;
        c.add_unit_counts(&[(unit, 2, 1), (unit, -1, 0)]).await.unwrap();
        assert_eq!(c.unit_totals("/0/").await.unwrap(), (p0 + 1, h0 + 1), "{l}");
        assert_eq!(c.unit_totals("/0/99999/").await.unwrap(), (0, 0), "{l}: an empty subtree");
        c.replace_unit_counts(&recount).await.unwrap();
        c.analyze().await.unwrap();

        // Bulk loads: what begin_bulk_load lifts, end_bulk_load restores exactly as the
        // migrations made it (indexes, and on PostgreSQL the constraints).
        let mut want: Vec<String> =
            ansinh_store::BULK_INDEXES.iter().map(|(n, _, _)| n.to_string()).collect();
        want.sort();
        let before = schema_of(&mut c).await;
        let index_names: Vec<String> = before
            .iter()
            .filter_map(|s| Some(s.strip_prefix("index ")?.split(':').next()?.to_string()))
            .filter(|n| !n.starts_with("sqlite_") && !n.ends_with("key"))
            // Partial over merged records only: empty in a bulk load, so not lifted.
            .filter(|n| n != "persons_merged_into")
            .collect();
        assert_eq!(index_names, want, "{l}: migrations and BULK_INDEXES agree");
        if matches!(c, ansinh_store::Conn::Postgres(_)) {
            for (_, name, def) in ansinh_store::PG_BULK_CONSTRAINTS {
                assert!(
                    before.iter().any(|s| s == &format!("constraint {name}: {def}")),
                    "{l}: migrations and PG_BULK_CONSTRAINTS agree on {name}: {before:#?}"
                );
            }
        }
        c.begin_bulk_load().await.unwrap();
        let during = schema_of(&mut c).await;
        assert!(!during.iter().any(|s| s.starts_with("index persons_name:")), "{l}: {during:#?}");
        c.end_bulk_load().await.unwrap();
        c.end_bulk_load().await.unwrap();
        assert_eq!(schema_of(&mut c).await, before, "{l}");
        tx.commit().await.unwrap();

        // A load that breaks a lifted constraint fails, and leaves nothing behind: SQLite checks
        // each row as it goes, PostgreSQL when the constraints come back.
        let count = |db: &ansinh_store::Db| {
            let db = db.clone();
            async move { db.read().await.unwrap().conn().count_persons(&["/".to_string()]).await.unwrap() }
        };
        let persons_before = count(&t.db).await;
        for bad in ["unit", "cccd"] {
            let mut tx = t.db.begin().await.unwrap();
            let mut c = tx.conn();
            c.begin_bulk_load().await.unwrap();
            let id = c.allocate_ids("persons", 1).await.unwrap()[0];
            let mut w = write(id, "042080000777", "Nạp Lỗi", d(1980, 1, 1), "male", None, mai_hoa, 12501);
            if bad == "unit" {
                w.unit_id = 999_999_999;
            } else {
                w.cccd = keep.cccd.clone();
            }
            let e = match c.insert_persons(&[w], now).await {
                Err(e) => e,
                Ok(()) => c
                    .end_bulk_load()
                    .await
                    .err()
                    .unwrap_or_else(|| panic!("{l} {bad}: the load was accepted")),
            };
            assert_eq!(e.is_unique_violation(), bad == "cccd", "{l} {bad}: {e}");
            std::mem::drop(tx);
        }
        assert_eq!(count(&t.db).await, persons_before, "{l}");
        let mut r = t.db.read().await.unwrap();
        assert_eq!(schema_of(&mut r.conn()).await, before, "{l}: a failed load leaves the schema as it was");
        std::mem::drop(r);

        // The unique CCCD holds on both backends.
        let mut tx = t.db.begin().await.unwrap();
        let mut c = tx.conn();
        let id = c.allocate_ids("persons", 1).await.unwrap()[0];
        let e = c
            .insert_persons(
                &[write(id, "042080000123", "Trùng Số", d(1980, 1, 1), "male", None, mai_hoa, 12501)],
                now,
            )
            .await
            .unwrap_err();
        assert!(e.is_unique_violation(), "{l}: {e}");
    }
}
