//! What one person contributes to the coverage series, computed from their records alone —
//! the same function serves the live update at each commit and the full rebuild, so the two
//! cannot disagree by construction; `indicators rebuild --verify` checks the stored result.
//!
//! A person counts in a month when covered on its last day (VSI is paid by the month; an HI
//! card valid from the 15th counts from that month, one ending on the 14th stops the month
//! before). Coverage is attributed to the unit the person lives in now: the live series follow
//! the registry, and the monthly snapshots keep what a past month showed.

use super::Series;
use ansinh_rules::BirthMonth;
use ansinh_rules::{Month, ParamSet, Sex, keys, retirement};
use ansinh_store::{CoverageLine, CoverageParticipation, CoveragePerson, SpanRow};
use chrono::{Datelike, Months, NaiveDate};
use std::collections::HashMap;

/// The first month the series answer for: everything earlier is folded into it (a resident
/// born in 1960 counts from here), so a unit holds a few hundred month keys, not one per birth
/// month since 1900. The registry has no earlier history to show.
pub const FIRST_MONTH: i64 = 202001;
/// The last month the series answer for: a span running past it stays open (a retirement in
/// 2061 is not a key). A later release moves it and rebuilds.
pub const LAST_MONTH: i64 = 204012;

/// YYYYMM of a month.
pub fn key(m: Month) -> i64 {
    m.year() as i64 * 100 + m.month() as i64
}

/// The month of a YYYYMM key.
pub fn month_of(k: i64) -> Option<Month> {
    Month::new((k / 100) as i32, (k % 100) as u32).ok()
}

/// Months (as keys) a period of days `from ..= to` covers by the month-end rule; `to = None`
/// is open-ended. `None` when it covers no month-end.
pub fn months_of(from: NaiveDate, to: Option<NaiveDate>) -> Option<(i64, Option<i64>)> {
    let first = Month::from_date(from);
    let Some(to) = to else { return Some((key(first), None)) };
    let mut last = Month::from_date(to);
    if to != last.last_day() {
        last = last.add(-1);
    }
    (first.months_until(last) >= 0).then(|| (key(first), Some(key(last))))
}

/// Merge ranges that overlap or touch (keys are months; `None` is open).
fn union(mut r: Vec<(i64, Option<i64>)>) -> Vec<(i64, Option<i64>)> {
    r.sort();
    let mut out: Vec<(i64, Option<i64>)> = Vec::new();
    for (f, t) in r {
        if let Some(last) = out.last_mut() {
            let reaches = match last.1 {
                None => true,
                Some(lt) => month_of(lt).map(|m| key(m.add(1))).is_some_and(|next| f <= next),
            };
            if reaches {
                last.1 = match (last.1, t) {
                    (None, _) | (_, None) => None,
                    (Some(a), Some(b)) => Some(a.max(b)),
                };
                continue;
            }
        }
        out.push((f, t));
    }
    out
}

/// Cache of retirement months by (sex, birth month), for the rebuild's million persons.
#[derive(Default)]
pub struct RetirementCache(HashMap<(bool, i32, u32), Option<i64>>);

impl RetirementCache {
    fn reached(&mut self, params: &ParamSet, sex: Sex, birth: NaiveDate) -> Option<i64> {
        let k = (sex == Sex::Male, birth.year(), birth.month());
        *self.0.entry(k).or_insert_with(|| {
            retirement::reach(params, sex, BirthMonth { year: birth.year(), month: Some(birth.month()) })
                .ok()
                .map(|r| key(r.reached))
        })
    }
}

/// The spans of `person` from their participations and valid receipt lines (which must be
/// theirs). `min_age` is the working-age floor in years.
pub fn spans_of(
    person: &CoveragePerson,
    parts: &[&CoverageParticipation],
    lines: &[&CoverageLine],
    params: &ParamSet,
    min_age: u32,
    cache: &mut RetirementCache,
) -> Vec<SpanRow> {
    if person.unit_path.is_empty() {
        return Vec::new(); // merged into another record: the survivor counts
    }
    let mut by: HashMap<Series, Vec<(i64, Option<i64>)>> = HashMap::new();
    let span = |from: NaiveDate, to: Option<NaiveDate>, ended: Option<NaiveDate>| {
        let end = match (to, ended.and_then(|e| e.pred_opt())) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        months_of(from, end)
    };
    by.entry(Series::Population).or_default().extend(months_of(person.birth_date, None));
    let sex = if person.sex == "male" { Sex::Male } else { Sex::Female };
    if let (Some(adult), Some(retired)) = (
        person.birth_date.checked_add_months(Months::new(min_age * 12)),
        cache.reached(params, sex, person.birth_date),
    ) && key(Month::from_date(adult)) <= retired
    {
        by.entry(Series::WorkingAge).or_default().push((key(Month::from_date(adult)), Some(retired)));
    }
    for x in parts {
        let paid = |series: &mut Vec<(i64, Option<i64>)>| {
            for l in lines.iter().filter(|l| l.participation_id == x.id) {
                series.extend(span(l.covers_from, Some(l.covers_to), x.ended_on));
            }
        };
        match x.scheme.as_str() {
            "vsi" => {
                let v = by.entry(Series::Vsi).or_default();
                paid(v);
            }
            "hi_household" => paid(by.entry(Series::Hi).or_default()),
            "csi" => by.entry(Series::Csi).or_default().extend(span(x.started_on, x.valid_to, x.ended_on)),
            "ui" => by.entry(Series::Ui).or_default().extend(span(x.started_on, x.valid_to, x.ended_on)),
            "hi" => by.entry(Series::Hi).or_default().extend(span(x.started_on, x.valid_to, x.ended_on)),
            _ => {}
        }
    }
    let vsi = by.get(&Series::Vsi).cloned().unwrap_or_default();
    let mut si = vsi.clone();
    si.extend(by.get(&Series::Csi).cloned().unwrap_or_default());
    by.insert(Series::Si, si);
    if person.occupation == "farmer" {
        by.insert(Series::VsiFarmer, vsi);
    }
    let mut out = Vec::new();
    for (series, ranges) in by {
        for (from_month, to_month) in union(ranges) {
            // Only the months the series answer for (see FIRST_MONTH, LAST_MONTH).
            if to_month.is_some_and(|t| t < FIRST_MONTH) || from_month > LAST_MONTH {
                continue;
            }
            let from_month = from_month.max(FIRST_MONTH);
            let to_month = to_month.filter(|t| *t < LAST_MONTH);
            out.push(SpanRow {
                person_id: person.id,
                series: series.as_str().to_string(),
                from_month,
                to_month,
                unit_id: person.unit_id,
            });
        }
    }
    out.sort();
    out
}

/// Spans of every person in `persons`, grouping the participations and lines by person.
pub fn spans_of_all(
    persons: &[CoveragePerson],
    parts: &[CoverageParticipation],
    lines: &[CoverageLine],
    params: &ParamSet,
    today: NaiveDate,
    cache: &mut RetirementCache,
) -> Vec<SpanRow> {
    let min_age = params.value(keys::WORKING_AGE_MIN, today).map(|v| v as u32).unwrap_or(15);
    let mut px: HashMap<i64, Vec<&CoverageParticipation>> = HashMap::new();
    for x in parts {
        px.entry(x.person_id).or_default().push(x);
    }
    let mut lx: HashMap<i64, Vec<&CoverageLine>> = HashMap::new();
    for l in lines {
        lx.entry(l.person_id).or_default().push(l);
    }
    let empty_p = Vec::new();
    let empty_l = Vec::new();
    persons
        .iter()
        .flat_map(|p| {
            spans_of(
                p,
                px.get(&p.id).unwrap_or(&empty_p),
                lx.get(&p.id).unwrap_or(&empty_l),
                params,
                min_age,
                cache,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn month_end_rule() {
        assert_eq!(months_of(d("2026-11-01"), Some(d("2026-11-30"))), Some((202611, Some(202611))));
        assert_eq!(months_of(d("2026-03-15"), Some(d("2027-03-14"))), Some((202603, Some(202702))));
        assert_eq!(months_of(d("2026-03-15"), Some(d("2026-03-20"))), None);
        assert_eq!(months_of(d("2026-12-31"), None), Some((202612, None)));
    }

    #[test]
    fn union_merges_touching_and_open() {
        assert_eq!(
            union(vec![(202601, Some(202603)), (202604, Some(202606)), (202609, Some(202610))]),
            vec![(202601, Some(202606)), (202609, Some(202610))]
        );
        assert_eq!(union(vec![(202612, Some(202701)), (202601, None)]), vec![(202601, None)]);
        assert_eq!(union(vec![(202611, Some(202612)), (202701, Some(202702))]), vec![(202611, Some(202702))]);
    }
}
