//! Coverage indicators (issue 11): the month-keyed coverage deltas kept by the unit of work,
//! what each person contributes (spans), their inputs, the official denominators, targets and
//! monthly snapshots. See migration `0009_indicators.sql` (SQLite) for the model.

use crate::{Conn, Result};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, QueryBuilder};

/// A person as the coverage series see them.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct CoveragePerson {
    pub id: i64,
    pub unit_id: i64,
    /// '' for a merged record (it contributes nothing).
    pub unit_path: String,
    pub birth_date: NaiveDate,
    pub sex: String,
    pub occupation: String,
}

/// A participation as the coverage series see it.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct CoverageParticipation {
    pub id: i64,
    pub person_id: i64,
    pub scheme: String,
    pub source: String,
    pub started_on: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
}

/// A period paid by a valid receipt.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct CoverageLine {
    pub participation_id: i64,
    pub person_id: i64,
    pub covers_from: NaiveDate,
    pub covers_to: NaiveDate,
}

/// What a person contributes to one series: months `from_month ..= to_month` (YYYYMM; open
/// when `to_month` is none), counted at `unit_id`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, FromRow)]
pub struct SpanRow {
    pub person_id: i64,
    pub series: String,
    pub from_month: i64,
    pub to_month: Option<i64>,
    pub unit_id: i64,
}

/// One delta of a series at a unit in a month.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, FromRow)]
pub struct DeltaRow {
    pub unit_id: i64,
    pub series: String,
    pub month: i64,
    pub delta: i64,
}

/// A series' value at a unit (sum of its deltas up to a month).
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct SeriesValue {
    pub unit_id: i64,
    pub series: String,
    pub value: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow, serde::Serialize)]
pub struct DenominatorRow {
    pub id: i64,
    pub province_code: String,
    pub unit_id: i64,
    pub unit_path: String,
    pub year: i64,
    pub kind: String,
    pub value: i64,
    pub source: String,
    pub entered_by: String,
    pub entered_at: DateTime<Utc>,
    pub superseded_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow, serde::Serialize)]
pub struct TargetRow {
    pub id: i64,
    pub province_code: String,
    pub unit_id: i64,
    pub unit_path: String,
    pub year: i64,
    pub indicator: String,
    pub rate_bp: i64,
    pub resolution: String,
    pub note: String,
    pub entered_by: String,
    pub entered_at: DateTime<Utc>,
    pub superseded_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow, serde::Serialize)]
pub struct SnapshotRow {
    pub id: i64,
    pub province_code: String,
    pub unit_path: String,
    pub month: i64,
    pub body: String,
    pub taken_by: String,
    pub taken_at: DateTime<Utc>,
}

/// A VSI participation's paid months for the retention cohorts: its start and each valid
/// line's period.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct RetentionLine {
    pub participation_id: i64,
    pub started_on: NaiveDate,
    pub covers_from: Option<NaiveDate>,
    pub covers_to: Option<NaiveDate>,
}

/// Upserts in one statement at most this many rows (4 binds each).
const CHUNK: usize = 200;

impl Conn<'_> {
    /// The persons, participations and valid receipt lines the coverage of `ids` derives from.
    /// Participations and lines of records merged into a person are returned as theirs.
    pub async fn coverage_inputs(
        &mut self,
        ids: &[i64],
    ) -> Result<(Vec<CoveragePerson>, Vec<CoverageParticipation>, Vec<CoverageLine>)> {
        let persons = select_in!(
            self,
            "SELECT id, unit_id, unit_path, birth_date, sex, occupation FROM persons WHERE id IN (",
            ids,
            CoveragePerson
        );
        let mut parts = select_in!(
            self,
            "SELECT id, person_id, scheme, source, started_on, valid_to, ended_on FROM participations WHERE person_id IN (",
            ids,
            CoverageParticipation
        );
        parts.extend(select_in!(
            self,
            "SELECT x.id, p.merged_into AS person_id, x.scheme, x.source, x.started_on, x.valid_to, x.ended_on \
             FROM persons p JOIN participations x ON x.person_id = p.id WHERE p.merged_into IN (",
            ids,
            CoverageParticipation
        ));
        // Lines by participation (indexed), each as its participation's (remapped) person's.
        let owner: std::collections::HashMap<i64, i64> = parts.iter().map(|x| (x.id, x.person_id)).collect();
        let part_ids: Vec<i64> = parts.iter().map(|x| x.id).collect();
        let mut lines = select_in!(
            self,
            "SELECT l.participation_id, l.person_id, l.covers_from, l.covers_to FROM receipt_lines l \
             JOIN receipts r ON r.id = l.receipt_id WHERE r.voided_at IS NULL AND l.participation_id IN (",
            part_ids,
            CoverageLine
        );
        for l in &mut lines {
            if let Some(p) = owner.get(&l.participation_id) {
                l.person_id = *p;
            }
        }
        Ok((persons, parts, lines))
    }

    /// The same for every person with `lo <= id < hi` (the rebuild walks ids in ranges).
    pub async fn coverage_inputs_range(
        &mut self,
        lo: i64,
        hi: i64,
    ) -> Result<(Vec<CoveragePerson>, Vec<CoverageParticipation>, Vec<CoverageLine>)> {
        let p = "SELECT id, unit_id, unit_path, birth_date, sex, occupation FROM persons WHERE id >= $1 AND id < $2";
        let x = "SELECT id, person_id, scheme, source, started_on, valid_to, ended_on FROM participations \
                 WHERE person_id >= $1 AND person_id < $2 \
                 UNION ALL SELECT x.id, p.merged_into AS person_id, x.scheme, x.source, x.started_on, x.valid_to, x.ended_on \
                 FROM persons p JOIN participations x ON x.person_id = p.id WHERE p.merged_into >= $1 AND p.merged_into < $2";
        let l = "SELECT l.participation_id, x.person_id, l.covers_from, l.covers_to FROM participations x \
                 JOIN receipt_lines l ON l.participation_id = x.id JOIN receipts r ON r.id = l.receipt_id \
                 WHERE r.voided_at IS NULL AND x.person_id >= $1 AND x.person_id < $2 \
                 UNION ALL SELECT l.participation_id, p.merged_into AS person_id, l.covers_from, l.covers_to FROM persons p \
                 JOIN participations x ON x.person_id = p.id JOIN receipt_lines l ON l.participation_id = x.id \
                 JOIN receipts r ON r.id = l.receipt_id WHERE r.voided_at IS NULL AND p.merged_into >= $1 AND p.merged_into < $2";
        let persons = on!(self, c => sqlx::query_as::<_, CoveragePerson>(p).bind(lo).bind(hi).fetch_all(&mut **c).await)?;
        let parts = on!(self, c => sqlx::query_as::<_, CoverageParticipation>(x).bind(lo).bind(hi).fetch_all(&mut **c).await)?;
        let lines =
            on!(self, c => sqlx::query_as::<_, CoverageLine>(l).bind(lo).bind(hi).fetch_all(&mut **c).await)?;
        Ok((persons, parts, lines))
    }

    /// The highest person id (the rebuild's end).
    pub async fn max_person_id(&mut self) -> Result<i64> {
        let sql = "SELECT COALESCE(MAX(id), 0) FROM persons";
        Ok(on!(self, c => sqlx::query_scalar::<_, i64>(sql).fetch_one(&mut **c).await)?)
    }

    /// The stored spans of `ids`.
    pub async fn spans_of(&mut self, ids: &[i64]) -> Result<Vec<SpanRow>> {
        Ok(select_in!(
            self,
            "SELECT person_id, series, from_month, to_month, unit_id FROM coverage_spans WHERE person_id IN (",
            ids,
            SpanRow
        ))
    }

    /// Remove the stored spans of `ids` and write `spans` (which belong to them).
    pub async fn replace_spans(&mut self, ids: &[i64], spans: &[SpanRow]) -> Result<()> {
        update_in!(self, ids, |qb| {
            qb.push("DELETE FROM coverage_spans WHERE person_id IN (");
        });
        self.insert_spans(spans).await
    }

    /// Add deltas (a key may repeat: they are summed first; zero sums are skipped).
    pub async fn add_coverage_deltas(&mut self, deltas: &[DeltaRow]) -> Result<()> {
        let mut summed: std::collections::BTreeMap<(i64, &str, i64), i64> = Default::default();
        for d in deltas {
            *summed.entry((d.unit_id, d.series.as_str(), d.month)).or_default() += d.delta;
        }
        let rows: Vec<(i64, &str, i64, i64)> =
            summed.into_iter().filter(|(_, v)| *v != 0).map(|((u, s, m), v)| (u, s, m, v)).collect();
        for chunk in rows.chunks(CHUNK) {
            on!(self, c => {
                let mut qb = QueryBuilder::new("INSERT INTO coverage_deltas (unit_id, series, month, delta) ");
                qb.push_values(chunk, |mut b, (u, s, m, v)| {
                    b.push_bind(*u).push_bind(*s).push_bind(*m).push_bind(*v);
                });
                qb.push(
                    " ON CONFLICT (unit_id, series, month) DO UPDATE SET delta = coverage_deltas.delta + excluded.delta",
                );
                qb.build().execute(&mut **c).await.map(|_| ())
            })?;
        }
        Ok(())
    }

    /// Every stored delta that is not zero, by key (the verify's comparison).
    pub async fn stored_coverage_deltas(&mut self) -> Result<Vec<DeltaRow>> {
        let sql = "SELECT unit_id, series, month, delta FROM coverage_deltas WHERE delta <> 0 \
                   ORDER BY unit_id, series, month";
        Ok(on!(self, c => sqlx::query_as::<_, DeltaRow>(sql).fetch_all(&mut **c).await)?)
    }

    /// Empty the spans and deltas (the rebuild writes them anew).
    pub async fn clear_coverage(&mut self) -> Result<()> {
        on!(self, c => sqlx::query("DELETE FROM coverage_spans").execute(&mut **c).await.map(|_| ()))?;
        on!(self, c => sqlx::query("DELETE FROM coverage_deltas").execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// Each series' value at each of `units` in `month` (series without deltas are absent).
    pub async fn series_at(&mut self, units: &[i64], month: i64) -> Result<Vec<SeriesValue>> {
        let close = format!(") AND month <= {month} GROUP BY unit_id, series");
        Ok(select_in!(
            self,
            "SELECT unit_id, series, CAST(SUM(delta) AS BIGINT) AS value FROM coverage_deltas WHERE unit_id IN (",
            units,
            SeriesValue,
            close.as_str()
        ))
    }

    /// The deltas of `units` up to `month`, by unit, series and month (trends are running sums).
    /// Only the `series` named (stored keys, which are constants).
    pub async fn deltas_until(
        &mut self,
        units: &[i64],
        series: &[&'static str],
        month: i64,
    ) -> Result<Vec<DeltaRow>> {
        let names: Vec<String> = series.iter().map(|s| format!("'{s}'")).collect();
        let close = format!(
            ") AND series IN ({}) AND month <= {month} ORDER BY unit_id, series, month",
            names.join(", ")
        );
        Ok(select_in!(
            self,
            "SELECT unit_id, series, month, delta FROM coverage_deltas WHERE unit_id IN (",
            units,
            DeltaRow,
            close.as_str()
        ))
    }

    // ── denominators and targets ──

    /// Record an official denominator, superseding the current one of the same unit, year and
    /// kind. Returns the new id.
    pub async fn insert_denominator(&mut self, d: &DenominatorRow) -> Result<i64> {
        let sup = "UPDATE indicator_denominators SET superseded_at = $4 \
                   WHERE unit_id = $1 AND year = $2 AND kind = $3 AND superseded_at IS NULL";
        on!(self, c => sqlx::query(sup).bind(d.unit_id).bind(d.year).bind(&d.kind).bind(d.entered_at)
            .execute(&mut **c).await.map(|_| ()))?;
        let sql = "INSERT INTO indicator_denominators (province_code, unit_id, unit_path, year, kind, value, source, \
                   entered_by, entered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
        Ok(
            on!(self, c => sqlx::query_scalar::<_, i64>(sql).bind(&d.province_code).bind(d.unit_id).bind(&d.unit_path)
            .bind(d.year).bind(&d.kind).bind(d.value).bind(&d.source).bind(&d.entered_by).bind(d.entered_at)
            .fetch_one(&mut **c).await)?,
        )
    }

    /// Current denominators of `units` for the years `from ..= to`.
    pub async fn denominators_of(
        &mut self,
        units: &[i64],
        from: i64,
        to: i64,
    ) -> Result<Vec<DenominatorRow>> {
        let close = format!(") AND superseded_at IS NULL AND year >= {from} AND year <= {to}");
        Ok(select_in!(
            self,
            "SELECT id, province_code, unit_id, unit_path, year, kind, value, source, entered_by, entered_at, superseded_at \
             FROM indicator_denominators WHERE unit_id IN (",
            units,
            DenominatorRow,
            close.as_str()
        ))
    }

    /// Every denominator of a subtree, superseded ones too (the history), newest first.
    pub async fn denominators_under(&mut self, lo: &str, hi: &str) -> Result<Vec<DenominatorRow>> {
        let sql = "SELECT id, province_code, unit_id, unit_path, year, kind, value, source, entered_by, entered_at, superseded_at \
                   FROM indicator_denominators WHERE unit_path >= $1 AND unit_path < $2 ORDER BY year DESC, unit_path, kind, id DESC";
        Ok(
            on!(self, c => sqlx::query_as::<_, DenominatorRow>(sql).bind(lo).bind(hi).fetch_all(&mut **c).await)?,
        )
    }

    /// Record a target, superseding the current one of the same unit, year and indicator.
    pub async fn insert_target(&mut self, t: &TargetRow) -> Result<i64> {
        let sup = "UPDATE indicator_targets SET superseded_at = $4 \
                   WHERE unit_id = $1 AND year = $2 AND indicator = $3 AND superseded_at IS NULL";
        on!(self, c => sqlx::query(sup).bind(t.unit_id).bind(t.year).bind(&t.indicator).bind(t.entered_at)
            .execute(&mut **c).await.map(|_| ()))?;
        let sql = "INSERT INTO indicator_targets (province_code, unit_id, unit_path, year, indicator, rate_bp, resolution, \
                   note, entered_by, entered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";
        Ok(
            on!(self, c => sqlx::query_scalar::<_, i64>(sql).bind(&t.province_code).bind(t.unit_id).bind(&t.unit_path)
            .bind(t.year).bind(&t.indicator).bind(t.rate_bp).bind(&t.resolution).bind(&t.note).bind(&t.entered_by)
            .bind(t.entered_at).fetch_one(&mut **c).await)?,
        )
    }

    /// Current targets of `units` for the years `from ..= to`.
    pub async fn targets_of(&mut self, units: &[i64], from: i64, to: i64) -> Result<Vec<TargetRow>> {
        let close = format!(") AND superseded_at IS NULL AND year >= {from} AND year <= {to}");
        Ok(select_in!(
            self,
            "SELECT id, province_code, unit_id, unit_path, year, indicator, rate_bp, resolution, note, entered_by, \
             entered_at, superseded_at FROM indicator_targets WHERE unit_id IN (",
            units,
            TargetRow,
            close.as_str()
        ))
    }

    /// Every target of a subtree, superseded ones too, newest first.
    pub async fn targets_under(&mut self, lo: &str, hi: &str) -> Result<Vec<TargetRow>> {
        let sql = "SELECT id, province_code, unit_id, unit_path, year, indicator, rate_bp, resolution, note, entered_by, \
                   entered_at, superseded_at FROM indicator_targets WHERE unit_path >= $1 AND unit_path < $2 \
                   ORDER BY year DESC, unit_path, indicator, id DESC";
        Ok(on!(self, c => sqlx::query_as::<_, TargetRow>(sql).bind(lo).bind(hi).fetch_all(&mut **c).await)?)
    }

    // ── snapshots ──

    /// Keep a month's snapshot; `None` if the province already has one for the month.
    pub async fn insert_snapshot(&mut self, s: &SnapshotRow) -> Result<Option<i64>> {
        let sql = "INSERT INTO indicator_snapshots (province_code, unit_path, month, body, taken_by, taken_at) \
                   VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (province_code, month) DO NOTHING RETURNING id";
        Ok(
            on!(self, c => sqlx::query_scalar::<_, i64>(sql).bind(&s.province_code).bind(&s.unit_path).bind(s.month)
            .bind(&s.body).bind(&s.taken_by).bind(s.taken_at).fetch_optional(&mut **c).await)?,
        )
    }

    pub async fn snapshot(&mut self, province_code: &str, month: i64) -> Result<Option<SnapshotRow>> {
        let sql = "SELECT id, province_code, unit_path, month, body, taken_by, taken_at FROM indicator_snapshots \
                   WHERE province_code = $1 AND month = $2";
        Ok(
            on!(self, c => sqlx::query_as::<_, SnapshotRow>(sql).bind(province_code).bind(month).fetch_optional(&mut **c).await)?,
        )
    }

    /// The months that have a snapshot, for the provinces under a path (no bodies).
    pub async fn snapshot_months(
        &mut self,
        lo: &str,
        hi: &str,
    ) -> Result<Vec<(String, i64, String, DateTime<Utc>)>> {
        let sql = "SELECT province_code, month, taken_by, taken_at FROM indicator_snapshots \
                   WHERE unit_path >= $1 AND unit_path < $2 ORDER BY month DESC, province_code";
        Ok(on!(self, c => sqlx::query_as(sql).bind(lo).bind(hi).fetch_all(&mut **c).await)?)
    }

    // ── retention ──

    /// VSI participations of a subtree started in `from ..= to`, with each valid line.
    pub async fn vsi_retention_lines(
        &mut self,
        lo: &str,
        hi: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<RetentionLine>> {
        let sql = "SELECT x.id AS participation_id, x.started_on, l.covers_from, l.covers_to FROM participations x \
                   JOIN persons p ON p.id = x.person_id \
                   LEFT JOIN receipt_lines l ON l.participation_id = x.id \
                     AND EXISTS (SELECT 1 FROM receipts r WHERE r.id = l.receipt_id AND r.voided_at IS NULL) \
                   WHERE x.scheme = 'vsi' AND p.unit_path >= $1 AND p.unit_path < $2 \
                   AND x.started_on >= $3 AND x.started_on <= $4 ORDER BY x.id";
        Ok(on!(self, c => sqlx::query_as::<_, RetentionLine>(sql).bind(lo).bind(hi).bind(from).bind(to)
            .fetch_all(&mut **c).await)?)
    }
}

impl Conn<'_> {
    /// Every unit's id and path (the rebuild places deltas at each ancestor).
    pub async fn all_unit_paths(&mut self) -> Result<Vec<(i64, String)>> {
        let sql = "SELECT id, path FROM units";
        Ok(on!(self, c => sqlx::query_as::<_, (i64, String)>(sql).fetch_all(&mut **c).await)?)
    }

    /// Every (old district, new commune) pair of the 2025 reform: a new commune belongs to the
    /// old district that held most of its predecessor communes (ties: the lowest id).
    pub async fn reform_districts(&mut self) -> Result<Vec<(i64, i64, i64)>> {
        let sql = "SELECT o.parent_id, s.new_id, COUNT(*) FROM unit_successors s JOIN units o ON o.id = s.old_id \
                   WHERE o.level = 'commune' AND o.parent_id IS NOT NULL GROUP BY o.parent_id, s.new_id";
        Ok(on!(self, c => sqlx::query_as::<_, (i64, i64, i64)>(sql).fetch_all(&mut **c).await)?)
    }
}

impl Conn<'_> {
    /// VSI participations of a model's members (persons, or every person of a member
    /// household).
    pub async fn participations_of_model(&mut self, model_id: i64) -> Result<Vec<i64>> {
        let sql = "SELECT x.id FROM participations x WHERE x.scheme = 'vsi' AND x.person_id IN ( \
                   SELECT m.person_id FROM model_members m WHERE m.model_id = $1 AND m.person_id IS NOT NULL \
                   UNION SELECT p.id FROM model_members m JOIN persons p ON p.household_id = m.household_id \
                   WHERE m.model_id = $1 AND m.household_id IS NOT NULL)";
        Ok(on!(self, c => sqlx::query_scalar::<_, i64>(sql).bind(model_id).fetch_all(&mut **c).await)?)
    }

    /// VSI participations of persons a campaign's visits enrolled.
    pub async fn participations_of_campaign(&mut self, campaign_id: i64) -> Result<Vec<i64>> {
        let sql = "SELECT x.id FROM participations x WHERE x.scheme = 'vsi' AND x.person_id IN ( \
                   SELECT v.person_id FROM visits v WHERE v.campaign_id = $1 AND v.outcome = 'enrolled' AND v.person_id IS NOT NULL)";
        Ok(on!(self, c => sqlx::query_scalar::<_, i64>(sql).bind(campaign_id).fetch_all(&mut **c).await)?)
    }
}

/// A person the demo may give an imported card or contract to.
#[derive(Debug, Clone, FromRow)]
pub struct DemoCandidate {
    pub id: i64,
    pub province_code: String,
    pub household_id: Option<i64>,
    pub cccd: String,
    pub birth_date: NaiveDate,
    pub sex: String,
    pub occupation: String,
    pub commune_id: i64,
}

impl Conn<'_> {
    /// Persons of a subtree with no participation at all, by id (demo data only).
    pub async fn persons_without_participations(&mut self, lo: &str, hi: &str) -> Result<Vec<DemoCandidate>> {
        let sql = "SELECT p.id, p.province_code, p.household_id, p.cccd, p.birth_date, p.sex, p.occupation, p.commune_id FROM persons p \
                   WHERE p.unit_path >= $1 AND p.unit_path < $2 \
                   AND NOT EXISTS (SELECT 1 FROM participations x WHERE x.person_id = p.id) ORDER BY p.id";
        Ok(
            on!(self, c => sqlx::query_as::<_, DemoCandidate>(sql).bind(lo).bind(hi).fetch_all(&mut **c).await)?,
        )
    }

    /// Whether any participation of these schemes exists (the demo seeds its lists once).
    pub async fn any_imported_participation(&mut self) -> Result<bool> {
        let sql = "SELECT EXISTS (SELECT 1 FROM participations WHERE source = 'imported')";
        Ok(on!(self, c => sqlx::query_scalar::<_, bool>(sql).fetch_one(&mut **c).await)?)
    }
}

impl Conn<'_> {
    /// The yardstick of the rebuild benchmark: a plain `GROUP BY` over the same records —
    /// residents per unit, and open participations per unit and scheme.
    pub async fn plain_group_by(&mut self) -> Result<(usize, usize)> {
        let a = "SELECT unit_id, COUNT(*) FROM persons WHERE merged_into IS NULL GROUP BY unit_id";
        let b = "SELECT p.unit_id, x.scheme, COUNT(*) FROM participations x JOIN persons p ON p.id = x.person_id \
                 WHERE x.ended_on IS NULL GROUP BY p.unit_id, x.scheme";
        let ra: Vec<(i64, i64)> = on!(self, c => sqlx::query_as(a).fetch_all(&mut **c).await)?;
        let rb: Vec<(i64, String, i64)> = on!(self, c => sqlx::query_as(b).fetch_all(&mut **c).await)?;
        Ok((ra.len(), rb.len()))
    }
}

impl Conn<'_> {
    /// The indicators' version (see migration 0009).
    pub async fn indicator_version(&mut self) -> Result<i64> {
        let sql = "SELECT version FROM indicator_version WHERE id = 1";
        Ok(on!(self, c => sqlx::query_scalar::<_, i64>(sql).fetch_one(&mut **c).await)?)
    }

    /// Bump the indicators' version (inside the transaction of the change).
    pub async fn bump_indicator_version(&mut self) -> Result<()> {
        let sql = "UPDATE indicator_version SET version = version + 1 WHERE id = 1";
        on!(self, c => sqlx::query(sql).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }
}
