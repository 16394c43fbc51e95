//! Coverage deltas, spans, official denominators, targets, snapshots and the indicator
//! version: the same answers on both backends.

use super::*;
use ansinh_store::{DeltaRow, DenominatorRow, SnapshotRow, SpanRow, TargetRow};

fn delta(unit_id: i64, series: &str, month: i64, delta: i64) -> DeltaRow {
    DeltaRow { unit_id, series: series.into(), month, delta }
}

#[tokio::test]
async fn indicators_contract() {
    for t in testing::all().await {
        let l = t.label;
        loaded(&t).await;
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 8, 0, 0).unwrap();
        let mut tx = t.db.begin().await.unwrap();
        let mut c = tx.conn();
        // Deltas add up per key; a key summing to zero is no row; sums to a month.
        c.add_coverage_deltas(&[
            delta(28, "vsi", 202601, 1),
            delta(28, "vsi", 202601, 2),
            delta(28, "vsi", 202604, -1),
        ])
        .await
        .unwrap();
        c.add_coverage_deltas(&[
            delta(28, "vsi", 202604, -2),
            delta(12501, "vsi", 202602, 1),
            delta(28, "hi", 202601, 0),
        ])
        .await
        .unwrap();
        let at = |v: Vec<ansinh_store::SeriesValue>, unit: i64, s: &str| {
            v.iter().find(|x| x.unit_id == unit && x.series == s).map(|x| x.value)
        };
        let v = c.series_at(&[28, 12501], 202603).await.unwrap();
        assert_eq!(
            (at(v.clone(), 28, "vsi"), at(v.clone(), 12501, "vsi"), at(v, 28, "hi")),
            (Some(3), Some(1), None),
            "{l}"
        );
        let v = c.series_at(&[28], 202612).await.unwrap();
        assert_eq!(at(v, 28, "vsi"), Some(0), "{l}: every paid month ran out");
        let until = c.deltas_until(&[28, 12501], &["vsi"], 202603).await.unwrap();
        assert_eq!(
            until,
            vec![delta(28, "vsi", 202601, 3), delta(12501, "vsi", 202602, 1)],
            "{l}: ordered, up to the month"
        );
        assert_eq!(c.stored_coverage_deltas().await.unwrap().len(), 3, "{l}");
        // Spans are replaced per person.
        let p = c.allocate_ids("persons", 1).await.unwrap()[0];
        let w = write(
            p,
            "042080000001",
            "Trần Văn An",
            d(1980, 1, 1),
            "male",
            None,
            (12501, "/0/28/12501/"),
            12501,
        );
        c.insert_persons(&[w], now).await.unwrap();
        let span = |series: &str, from: i64, to: Option<i64>| SpanRow {
            person_id: p,
            series: series.into(),
            from_month: from,
            to_month: to,
            unit_id: 12501,
        };
        c.replace_spans(&[p], &[span("population", 202001, None), span("vsi", 202601, Some(202603))])
            .await
            .unwrap();
        c.replace_spans(&[p], &[span("population", 202001, None)]).await.unwrap();
        assert_eq!(c.spans_of(&[p]).await.unwrap(), vec![span("population", 202001, None)], "{l}");
        let (persons, parts, lines) = c.coverage_inputs(&[p]).await.unwrap();
        assert_eq!((persons.len(), parts.len(), lines.len()), (1, 0, 0), "{l}");
        assert_eq!(persons[0].unit_path, "/0/28/12501/", "{l}");
        let (persons, _, _) = c.coverage_inputs_range(p, p + 1).await.unwrap();
        assert_eq!(persons.len(), 1, "{l}");
        // Denominators and targets: a new one supersedes, the old stays.
        let den = |value: i64| DenominatorRow {
            id: 0,
            province_code: "42".into(),
            unit_id: 28,
            unit_path: "/0/28/".into(),
            year: 2026,
            kind: "labour_force".into(),
            value,
            source: "Cục Thống kê".into(),
            entered_by: "t".into(),
            entered_at: now,
            superseded_at: None,
        };
        c.insert_denominator(&den(500_000)).await.unwrap();
        c.insert_denominator(&den(510_000)).await.unwrap();
        let cur = c.denominators_of(&[28], 2020, 2030).await.unwrap();
        assert_eq!(cur.iter().map(|x| x.value).collect::<Vec<_>>(), vec![510_000], "{l}");
        assert_eq!(c.denominators_under("/0/28/", "/0/280").await.unwrap().len(), 2, "{l}");
        let target = |bp: i64| TargetRow {
            id: 0,
            province_code: "42".into(),
            unit_id: 28,
            unit_path: "/0/28/".into(),
            year: 2026,
            indicator: "si".into(),
            rate_bp: bp,
            resolution: "NQ".into(),
            note: String::new(),
            entered_by: "t".into(),
            entered_at: now,
            superseded_at: None,
        };
        c.insert_target(&target(2350)).await.unwrap();
        c.insert_target(&target(3150)).await.unwrap();
        let cur = c.targets_of(&[28], 2026, 2026).await.unwrap();
        assert_eq!(cur.iter().map(|x| x.rate_bp).collect::<Vec<_>>(), vec![3150], "{l}");
        assert!(c.insert_target(&target(10_001)).await.is_err(), "{l}: the CHECK holds");
        tx.commit().await.unwrap();
        let mut tx = t.db.begin().await.unwrap();
        let mut c = tx.conn();
        // A month's snapshot is kept once.
        let s = SnapshotRow {
            id: 0,
            province_code: "42".into(),
            unit_path: "/0/28/".into(),
            month: 202611,
            body: "[]".into(),
            taken_by: "t".into(),
            taken_at: now,
        };
        assert!(c.insert_snapshot(&s).await.unwrap().is_some(), "{l}");
        assert!(c.insert_snapshot(&s).await.unwrap().is_none(), "{l}");
        assert_eq!(c.snapshot("42", 202611).await.unwrap().map(|x| x.body), Some("[]".into()), "{l}");
        assert_eq!(c.snapshot_months("/0/", "/00").await.unwrap().len(), 1, "{l}");
        // The version moves with each bump, inside the transaction.
        let v0 = c.indicator_version().await.unwrap();
        c.bump_indicator_version().await.unwrap();
        assert_eq!(c.indicator_version().await.unwrap(), v0 + 1, "{l}");
        // The reform's districts: both old communes of Vũ Quang became Mai Hoa.
        assert_eq!(c.reform_districts().await.unwrap(), vec![(378, 12501, 2)], "{l}");
        c.clear_coverage().await.unwrap();
        assert!(c.stored_coverage_deltas().await.unwrap().is_empty(), "{l}");
        tx.commit().await.unwrap();
    }
}
