//! Units of both eras, successors, local places.

use super::*;

#[tokio::test]
async fn units_contract() {
    for t in testing::all().await {
        let l = t.label;
        loaded(&t).await;
        let mut r = t.db.read().await.unwrap();
        let mut c = r.conn();
        assert_eq!(c.count_units().await.unwrap(), 6, "{l}");
        let hat = c.unit_by_id(28).await.unwrap().unwrap();
        assert_eq!(
            (hat.code.as_str(), hat.level, hat.path.as_str()),
            ("42", Level::Province, "/0/28/"),
            "{l}"
        );
        assert!(c.unit_by_id(999_999).await.unwrap().is_none(), "{l}");
        // Batches: every version of each code, every id asked for (missing ones skipped).
        let mut by_codes: Vec<i64> = c
            .units_by_codes(&["18322".into(), "42".into(), "99999".into()])
            .await
            .unwrap()
            .iter()
            .map(|u| u.id)
            .collect();
        by_codes.sort();
        assert_eq!(by_codes.len(), 3, "{l}: {by_codes:?}");
        let mut by_ids: Vec<i64> =
            c.units_by_ids(&[28, 12501, 999_999]).await.unwrap().iter().map(|u| u.id).collect();
        by_ids.sort();
        assert_eq!(by_ids, [28, 12501], "{l}");
        // The reform day, from the districts' own validity.
        assert_eq!(c.district_end().await.unwrap(), Some(d(2025, 7, 1)), "{l}");

        // Versions of a reused code, oldest first.
        let v = c.units_by_code("18322").await.unwrap();
        assert_eq!(v.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(), ["Đức Lĩnh", "Mai Hoa"], "{l}");
        assert_eq!(v[0].valid_to, Some(d(2025, 7, 1)), "{l}");

        // Children on a date: the district before the reform, the new commune after.
        let before = c.unit_children(28, Some(d(2025, 6, 30))).await.unwrap();
        assert_eq!(before.iter().map(|u| u.code.as_str()).collect::<Vec<_>>(), ["436"], "{l}");
        let after = c.unit_children(28, Some(d(2025, 7, 1))).await.unwrap();
        assert_eq!(after.iter().map(|u| u.code.as_str()).collect::<Vec<_>>(), ["18322"], "{l}");
        assert_eq!(c.unit_children(28, None).await.unwrap().len(), 2, "{l}");
        let counts = c.child_counts(&[28, 378], Some(d(2025, 1, 1))).await.unwrap();
        assert!(counts.contains(&(28, 1)) && counts.contains(&(378, 2)), "{l}: {counts:?}");
        assert!(c.child_counts(&[], None).await.unwrap().is_empty(), "{l}");

        // Across eras.
        let succ = c.successors(6140).await.unwrap();
        assert_eq!(succ.iter().map(|u| u.id).collect::<Vec<_>>(), [12501], "{l}");
        let pred = c.predecessors(12501).await.unwrap();
        assert_eq!(pred.iter().map(|u| u.id).collect::<Vec<_>>(), [6141, 6140], "{l}: ordered by code");

        // Search by folded prefix, inside scope only.
        let all = vec![ROOT_PATH.to_string()];
        let found = c.search_units("duc", &all, None, 10).await.unwrap();
        assert_eq!(found.iter().map(|u| u.id).collect::<Vec<_>>(), [6140], "{l}");
        let scoped = c.search_units("mai", &["/0/28/378/".to_string()], None, 10).await.unwrap();
        assert!(scoped.is_empty(), "{l}: Mai Hoa is outside the district subtree");
        assert!(c.search_units("mai", &[], None, 10).await.unwrap().is_empty(), "{l}: no scope, nothing");
        let on_date = c.search_units("", &all, Some(d(2025, 8, 1)), 10).await.unwrap();
        assert!(on_date.iter().all(|u| u.valid_on(d(2025, 8, 1))), "{l}");
        drop(r);

        // User-created places: local sequence, id from the backend's identity, path after it.
        let mut tx = t.db.begin().await.unwrap();
        let mut c = tx.conn();
        assert_eq!(c.next_local_seq(12501).await.unwrap(), 1, "{l}");
        assert_eq!(c.next_local_seq(12501).await.unwrap(), 2, "{l}");
        let village = c
            .insert_unit(&NewUnit {
                code: "18322-02".into(),
                name: "Thanh Bình".into(),
                name_key: "thanh binh".into(),
                kind: "Thôn".into(),
                level: Level::Village,
                parent_id: 12501,
                parent_path: "/0/28/12501/".into(),
                province_code: "42".into(),
                valid_from: Some(d(2026, 1, 1)),
                former_parent_id: None,
            })
            .await
            .unwrap();
        assert!(village.id > 12501, "{l}: identity moved past the bundled ids");
        // A village older than its commune: listed under the old commune (Đức Lĩnh) on a day
        // before the merger, under Mai Hoa after it; counted with either.
        c.set_unit_start(village.id, None, Some(6140)).await.unwrap();
        let old_day = d(2025, 6, 30);
        let then: Vec<i64> =
            c.unit_children(6140, Some(old_day)).await.unwrap().iter().map(|u| u.id).collect();
        assert_eq!(then, [village.id], "{l}: the old commune's village of then");
        let now: Vec<i64> =
            c.unit_children(12501, Some(d(2026, 2, 1))).await.unwrap().iter().map(|u| u.id).collect();
        assert_eq!(now, [village.id], "{l}: under its commune now");
        assert!(c.unit_children(6140, None).await.unwrap().is_empty(), "{l}: no date, own children only");
        assert_eq!(c.child_counts(&[6140], Some(old_day)).await.unwrap(), [(6140, 1)], "{l}");
        let again = c.unit_by_id(village.id).await.unwrap().unwrap();
        assert_eq!((again.valid_from, again.former_parent_id), (None, Some(6140)), "{l}");
        assert_eq!(village.path, format!("/0/28/12501/{}/", village.id), "{l}");
        c.rename_unit(village.id, "Thanh Bình Mới", "thanh binh moi").await.unwrap();
        let again = c.unit_by_id(village.id).await.unwrap().unwrap();
        assert_eq!((again.name.as_str(), again.level), ("Thanh Bình Mới", Level::Village), "{l}");
        tx.commit().await.unwrap();

        // A dropped transaction writes nothing.
        let mut tx = t.db.begin().await.unwrap();
        tx.conn().rename_unit(28, "X", "x").await.unwrap();
        drop(tx);
        let mut r = t.db.read().await.unwrap();
        assert_eq!(r.conn().unit_by_id(28).await.unwrap().unwrap().name, "Hà Tĩnh", "{l}: rolled back");
    }
}

#[tokio::test]
async fn parameters_contract() {
    use ansinh_store::ParamRow;
    for t in testing::all().await {
        let l = t.label;
        let mut tx = t.db.begin().await.unwrap();
        let mut c = tx.conn();
        assert!(c.list_parameters().await.unwrap().is_empty(), "{l}");
        let row = |from: NaiveDate, to: Option<NaiveDate>, value: i64| ParamRow {
            key: "base_salary".into(),
            effective_from: from,
            effective_to: to,
            value,
            legal_basis: "Nghị định 73/2024/NĐ-CP".into(),
            confidence: ansinh_rules::Confidence::V,
            source: "bundled".into(),
            note: "checked 2024-07-01".into(),
        };
        c.insert_parameters(&[row(d(2024, 7, 1), None, 2_340_000)], Utc::now()).await.unwrap();
        // Closing the open-ended version, then adding the next: both kept, in order.
        assert!(c.close_parameter("base_salary", d(2024, 7, 1), d(2026, 7, 1)).await.unwrap(), "{l}");
        assert!(
            !c.close_parameter("base_salary", d(2020, 1, 1), d(2026, 7, 1)).await.unwrap(),
            "{l}: no such version"
        );
        c.insert_parameters(&[row(d(2026, 7, 1), None, 2_530_000)], Utc::now()).await.unwrap();
        let all = c.list_parameters().await.unwrap();
        assert_eq!(
            all,
            vec![row(d(2024, 7, 1), Some(d(2026, 7, 1)), 2_340_000), row(d(2026, 7, 1), None, 2_530_000)],
            "{l}"
        );
    }
}
