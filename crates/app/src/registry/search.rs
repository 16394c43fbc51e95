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
            if digits.len() == 12 && digits.len() == raw.len() {
                f.cccd = Some(digits);
            } else if !digits.is_empty() && raw.chars().all(|c| c.is_ascii_digit() || " +.-".contains(c)) {
                f.phone = Some(Phone::parse(raw)?.as_str().to_string());
            } else {
                f.name_prefix = Some(text::fold(raw));
            }
        }
        if !q.household.trim().is_empty() {
            f.household_code = Some(HouseholdCode::parse(&q.household)?.as_str().to_string());
        }
        if !q.place.trim().is_empty() {
            let place = self.unit_by_code(actor, &q.place, None).await.map_err(|_| {
                AppError::invalid(
                    "place",
                    format!("Không tìm thấy đơn vị «{}»", q.place.trim()),
                    format!("no unit «{}»", q.place.trim()),
                )
            })?;
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
        let rows = c.search_persons(&roots, &f, PER_PAGE, offset).await?;
        let total = c.count_matching(&roots, &f, COUNT_CAP + 1).await?;
        // Place names and household codes in two queries (each batched), not one per row.
        let mut unit_ids: Vec<i64> = rows.iter().map(|p| p.unit_id).collect();
        unit_ids.sort();
        unit_ids.dedup();
        let names: HashMap<i64, String> =
            c.units_by_ids(&unit_ids).await?.into_iter().map(|u| (u.id, u.full_name())).collect();
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
