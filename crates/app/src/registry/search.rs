//! The person list: filters in scope, pages, counts per place.

use super::*;

impl App {
    /// Turn the typed query into a filter (errors name the field).
    pub(super) async fn person_filter(
        &self,
        actor: &Actor,
        q: &PersonQuery,
        w: WorkingAgeBounds,
    ) -> Result<PersonFilter> {
        let today = self.today();
        let mut f = PersonFilter::default();
        let q_text = text::free_text("q", &q.q, MAX_QUERY)?;
        let raw = q_text.as_str();
        let digits: String = raw.chars().filter(|c| c.is_ascii_digit()).collect();
        if !raw.is_empty() {
            let numeric = raw.chars().all(|c| c.is_ascii_digit() || " +.-".contains(c));
            if digits.len() == 12 && digits.len() == raw.len() {
                f.cccd = Some(digits);
            } else if !digits.is_empty() && numeric {
                // A whole phone number by the phone index; the first digits of a citizen id
                // or a phone (as staff type them) by prefix, never an error while typing.
                match Phone::parse(raw) {
                    Ok(p) if digits.len() >= 10 => f.phone = Some(p.as_str().to_string()),
                    _ => {
                        let d = match digits.strip_prefix("84") {
                            Some(rest) if raw.trim_start().starts_with('+') => format!("0{rest}"),
                            _ => digits,
                        };
                        f.number_prefix = Some(d);
                    }
                }
            } else {
                f.names = self.name_readings(actor, raw).await?;
            }
        }
        if !q.sex.trim().is_empty() {
            f.sex = Some(parse_sex(&q.sex)?.key().to_string());
        }
        if !q.ethnicity.trim().is_empty() {
            f.ethnicity = Some(Ethnicity::parse(&q.ethnicity)?.name().to_string());
        }
        if !q.occupation.trim().is_empty() {
            f.occupation = Some(Occupation::parse(&q.occupation)?.as_str().to_string());
        }
        if !q.poverty.trim().is_empty() {
            let status = PovertyStatus::parse(&q.poverty)?;
            f.poverty = Some((today.year(), status.as_str().to_string()));
        }
        if !q.household.trim().is_empty() {
            f.household_code = Some(HouseholdCode::parse(&q.household)?.as_str().to_string());
        }
        if !q.place.trim().is_empty() {
            let place = self.place_from_text(actor, &q.place, crate::PlaceUse::View, "place").await?;
            f.place_path = Some(place.path);
        }
        if !q.age.trim().is_empty() {
            let bad =
                || AppError::invalid("age", "Nhóm tuổi dạng 15-34 hoặc 60+", "age band like 15-34 or 60+");
            let a = q.age.trim();
            let (min, max) = match a.strip_suffix('+') {
                Some(m) => (m.parse::<i32>().map_err(|_| bad())?, None),
                None => {
                    let (x, y) = a.split_once('-').ok_or_else(bad)?;
                    (
                        x.trim().parse::<i32>().map_err(|_| bad())?,
                        Some(y.trim().parse::<i32>().map_err(|_| bad())?),
                    )
                }
            };
            // Age ≥ min ⇔ born on or before today − min years; age ≤ max ⇔ born after today − (max+1) years.
            f.born_to = NaiveDate::from_ymd_opt(today.year() - min, today.month(), today.day().min(28));
            if let Some(max) = max {
                f.born_from =
                    NaiveDate::from_ymd_opt(today.year() - max - 1, today.month(), today.day().min(28))
                        .and_then(|d| d.succ_opt());
            }
        }
        if q.working_age == "yes" {
            f.working_age = Some(w);
        }
        f.commune_ids = self.scope_communes(actor).await?;
        f.province_codes = self.scope_provinces(actor).await?;
        Ok(f)
    }

    /// What typed words may mean: a prefix of the full name; for one word also of the given
    /// name ("Dũng" finds Nguyễn Văn Dũng); and when the last words name places in the actor's
    /// scope ("Dũng Thanh Bình"), the first words in those places.
    async fn name_readings(&self, actor: &Actor, raw: &str) -> Result<Vec<NameMatch>> {
        let key = text::fold(raw);
        let words: Vec<&str> = key.split(' ').collect();
        let mut out = vec![NameMatch { prefix: key.clone(), ..Default::default() }];
        if words.len() < 2 {
            out.push(NameMatch { prefix: key, given: true, ..Default::default() });
            return Ok(out);
        }
        let roots = actor.roots(Permission::View);
        let today = self.today();
        let mut r = self.db.read().await?;
        // The longest run of last words that is a place's name; places of that name only.
        for split in 1..words.len() {
            let place = words[split..].join(" ");
            let mut c = r.conn();
            let units: Vec<Unit> = c
                .search_units(&place, &roots, Some(today), 30)
                .await?
                .into_iter()
                .filter(|u| text::fold(&u.name) == place && u.level > Level::Province)
                .collect();
            if !units.is_empty() {
                // The places' communes let the commune indexes serve (none known for a district).
                let mut communes = Vec::new();
                for u in units.iter().filter(|u| u.level >= Level::Commune) {
                    communes.push(self.commune_of(&mut c, u).await?.id);
                }
                if communes.len() < units.len() {
                    communes.clear();
                }
                communes.sort();
                communes.dedup();
                let within: Vec<String> = units.into_iter().map(|u| u.path).collect();
                let name = words[..split].join(" ");
                let reading = NameMatch { prefix: name, given: false, within, communes };
                if split == 1 {
                    out.push(NameMatch { given: true, ..reading.clone() });
                }
                out.push(reading);
                break;
            }
        }
        Ok(out)
    }

    /// The provinces of the actor's view scope, when every scope root is a province (empty when
    /// one is the country).
    async fn scope_provinces(&self, actor: &Actor) -> Result<Option<Vec<String>>> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let mut codes = Vec::new();
        for g in actor.grants.iter().filter(|g| g.role.allows(Permission::View)) {
            let Some(u) = c.unit_by_id(g.unit_id).await? else { return Ok(None) };
            match u.level {
                Level::Country => return Ok(Some(Vec::new())),
                Level::Province => codes.push(u.province_code.clone()),
                _ => return Ok(None),
            }
        }
        codes.sort();
        codes.dedup();
        Ok(if codes.is_empty() { None } else { Some(codes) })
    }

    /// The communes of the actor's view scope, when every scope root is a commune or below.
    async fn scope_communes(&self, actor: &Actor) -> Result<Option<Vec<i64>>> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let mut ids = Vec::new();
        for g in actor.grants.iter().filter(|g| g.role.allows(Permission::View)) {
            let Some(u) = c.unit_by_id(g.unit_id).await? else { return Ok(None) };
            if u.level < Level::Commune {
                return Ok(None);
            }
            ids.push(self.commune_of(&mut c, &u).await?.id);
        }
        ids.sort();
        ids.dedup();
        Ok(if ids.is_empty() { None } else { Some(ids) })
    }

    /// The exact number of persons matching `q` in the actor's scope (the list counts only up
    /// to a cap, so a page of it stays fast; this is asked for after the page is shown).
    pub async fn count_persons(&self, actor: &Actor, q: &PersonQuery) -> Result<i64> {
        let w = working_age_bounds(&self.params(), self.today())?;
        let f = self.person_filter(actor, q, w).await?;
        let roots = actor.roots(Permission::View);
        let mut r = self.db.read().await?;
        Ok(r.conn().count_matching(&roots, &f, i64::from(i32::MAX)).await?)
    }

    /// Search and list persons in the actor's scope.
    pub async fn search_persons(&self, actor: &Actor, q: &PersonQuery) -> Result<PersonPage> {
        let today = self.today();
        let w = working_age_bounds(&self.params(), today)?;
        let f = self.person_filter(actor, q, w).await?;
        let page = q.page.unwrap_or(1).max(1);
        let roots = actor.roots(Permission::View);
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let offset = (page - 1).checked_mul(PER_PAGE).ok_or_else(|| {
            AppError::invalid(
                "page",
                format!("Trang {page} không tồn tại"),
                format!("there is no page {page}"),
            )
        })?;
        // One row more than a page says whether another page follows (past the counted cap too).
        let mut rows = c.search_persons(&roots, &f, PER_PAGE + 1, offset).await?;
        let more = rows.len() as i64 > PER_PAGE;
        rows.truncate(PER_PAGE as usize);
        let total = c.count_matching(&roots, &f, COUNT_CAP + 1).await?;
        // Place names and household codes in two queries (each batched), not one per row.
        let mut unit_ids: Vec<i64> = rows.iter().map(|p| p.unit_id).collect();
        unit_ids.sort();
        unit_ids.dedup();
        // A group with its village; the commune too when the list spans communes.
        let spans_communes = f.commune_ids.as_ref().is_none_or(|ids| ids.len() > 1);
        let names = crate::picker::place_names(&mut c, &unit_ids, spans_communes).await?;
        let hh: Vec<i64> = rows.iter().filter_map(|p| p.household_id).collect();
        let codes: std::collections::HashMap<i64, String> =
            c.household_codes(&hh).await?.into_iter().collect();
        let items = rows
            .into_iter()
            .map(|p| PersonListItem {
                place_name: names.get(&p.unit_id).cloned().unwrap_or_default(),
                household_code: p.household_id.and_then(|h| codes.get(&h).cloned()),
                age: age_on(&p, today),
                working_age: is_working_age(&p, &w),
                person: p,
            })
            .collect();
        Ok(PersonPage {
            items,
            page,
            per_page: PER_PAGE,
            total: total.min(COUNT_CAP),
            total_capped: total > COUNT_CAP,
            more,
        })
    }

    /// Persons and working-age persons under a place.
    pub async fn place_counts(&self, actor: &Actor, unit: &Unit) -> Result<PlaceCounts> {
        if !actor.can(Permission::View, &unit.path) {
            return Err(AppError::NotFound);
        }
        let w = working_age_bounds(&self.params(), self.today())?;
        let mut r = self.db.read().await?;
        let (persons, working_age) = r.conn().count_under(&unit.path, w).await?;
        // Households come from the counts the write path keeps (a sum over the subtree's units).
        let (_, households) = r.conn().unit_totals(&unit.path).await?;
        Ok(PlaceCounts { persons, working_age, households })
    }
}
