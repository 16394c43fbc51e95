//! Registering and changing persons, and a person's page.

use super::*;

/// The refusal of a citizen id that cannot be registered here: the same words whether or not
/// the number is registered elsewhere.
pub(crate) fn cccd_refused() -> AppError {
    AppError::invalid(
        "cccd",
        "Không thể đăng ký số CCCD này tại đây. Yêu cầu đối chiếu đã được gửi tới đơn vị quản lý; hãy liên hệ cơ quan BHXH để được hỗ trợ",
        "this citizen id cannot be registered here. A reconciliation request was sent to the office in charge; contact the social insurance office",
    )
}

impl App {
    /// Find or create the household `code` in the commune of `place`. A household the actor
    /// may not edit (another village's, for a village- or group-scoped user) is refused: joining
    /// it, or heading it, would open its members to the actor.
    async fn household_for(
        &self,
        w: &mut Work<'_>,
        actor: &Actor,
        place: &Unit,
        commune: &Unit,
        code: &str,
    ) -> Result<Option<HouseholdRow>> {
        if code.trim().is_empty() {
            return Ok(None);
        }
        let code = HouseholdCode::parse(code)?;
        if let Some(h) = w.conn().household_by_code(commune.id, code.as_str()).await? {
            if !actor.can(Permission::EditPeople, &h.unit_path) {
                return Err(AppError::invalid(
                    "household_code",
                    format!(
                        "Mã hộ «{}» đã dùng cho một hộ ngoài phạm vi của bạn; hãy chọn mã khác",
                        code.as_str()
                    ),
                    format!(
                        "household code «{}» belongs to a household outside your scope; choose another",
                        code.as_str()
                    ),
                ));
            }
            return Ok(Some(h));
        }
        let id = w.conn().allocate_ids("households", 1).await?[0];
        let h = HouseholdRow::new(id, code.as_str().to_string(), place, commune.id);
        let now = w.now();
        w.conn().insert_households(std::slice::from_ref(&h), now).await?;
        w.created("household.create", &h);
        w.derive(Derived::Households(h.unit_id, 1));
        Ok(Some(h))
    }

    /// A citizen id that is already registered. Inside the actor's view scope the record is
    /// named. Outside it nothing says whether the number exists anywhere: the refusal is
    /// neutral, and a reconciliation request is audited where the existing record lives, so the
    /// office that sees both places can resolve it (and every such probe leaves a trace).
    async fn cccd_taken(&self, w: Work<'_>, existing: &PersonRow, actor: &Actor, place: &Unit) -> AppError {
        if actor.can(Permission::View, &existing.unit_path) {
            return AppError::invalid(
                "cccd",
                format!(
                    "Số CCCD {} đã có: {} (sinh {})",
                    existing.cccd,
                    existing.full_name,
                    existing.birth.year()
                ),
                format!(
                    "citizen id {} already exists: {} (born {})",
                    existing.cccd,
                    existing.full_name,
                    existing.birth.year()
                ),
            );
        }
        drop(w);
        let request = async {
            let mut w = self.write(actor).await?;
            let after = serde_json::json!({ "cccd": existing.cccd, "requested_in": place.code, "requested_by": actor.username });
            w.changed("person.cccd_conflict", existing.subject(), None, Some(after));
            w.commit().await
        };
        if let Err(e) = request.await {
            return e;
        }
        cccd_refused()
    }

    /// Register a person.
    pub async fn create_person(&self, actor: &Actor, input: &PersonInput) -> Result<PersonRow> {
        let (v, relation, place) = parse_with_place(self, actor, input).await?;
        Self::edit_guard(actor, &place.path)?;
        let mut w = self.write(actor).await?;
        if let Some(existing) = w.conn().person_by_cccd(v.cccd.as_str()).await? {
            return Err(self.cccd_taken(w, &existing, actor, &place).await);
        }
        let commune = self.commune_of(&mut w.conn(), &place).await?;
        let household = self.household_for(&mut w, actor, &place, &commune, &input.household_code).await?;
        let id = w.conn().allocate_ids("persons", 1).await?[0];
        let p = person_write(id, &v, &place, commune.id, household.as_ref().map(|h| h.id), relation);
        let now = w.now();
        w.conn().insert_persons(std::slice::from_ref(&p), now).await?;
        if let (Some(h), Some(Relation::Head)) = (&household, relation)
            && h.head_person_id.is_none()
        {
            w.conn().set_household_heads(&[(h.id, id)]).await?;
        }
        let row = w.conn().person_by_id(id).await?.ok_or(AppError::NotFound)?;
        w.created("person.create", &row);
        w.derive(Derived::Persons(row.unit_id, 1));
        w.derive(Derived::Coverage(row.id));
        // A new worker can take a group off 100 %.
        self.refresh_full_groups(&mut w, std::slice::from_ref(&row.unit_path)).await?;
        w.commit().await?;
        Ok(row)
    }

    /// Change a person's details. A change of place or household is recorded as a move.
    pub async fn update_person(
        &self,
        actor: &Actor,
        id: i64,
        input: &PersonInput,
        reason: &str,
    ) -> Result<PersonRow> {
        // Out of scope (or merged) is "not found" before any field is judged.
        {
            let mut r = self.db.read().await?;
            let p = r.conn().person_by_id(id).await?.ok_or(AppError::NotFound)?;
            Self::edit_guard(actor, &p.unit_path)?;
        }
        let (v, relation, place) = parse_with_place(self, actor, input).await?;
        let mut w = self.write(actor).await?;
        let before = w.conn().person_by_id(id).await?.ok_or(AppError::NotFound)?;
        Self::edit_guard(actor, &before.unit_path)?;
        Self::edit_guard(actor, &place.path)?;
        if before.cccd != v.cccd.as_str()
            && let Some(existing) = w.conn().person_by_cccd(v.cccd.as_str()).await?
        {
            return Err(self.cccd_taken(w, &existing, actor, &place).await);
        }
        let commune = self.commune_of(&mut w.conn(), &place).await?;
        let household = self.household_for(&mut w, actor, &place, &commune, &input.household_code).await?;
        let p = person_write(id, &v, &place, commune.id, household.as_ref().map(|h| h.id), relation);
        if same_person(&before, &p) && before.cccd == p.cccd {
            // Nothing changed (and nothing was written: the household is the same one).
            return Ok(before);
        }
        let now = w.now();
        w.conn().update_person(&p, now).await?;
        if before.cccd != p.cccd {
            w.conn().set_person_cccd(id, &p.cccd).await?;
        }
        if before.unit_id != p.unit_id || before.household_id != p.household_id {
            let m = MoveRow {
                id: 0,
                person_id: id,
                from_household_id: before.household_id,
                to_household_id: p.household_id,
                from_unit_id: before.unit_id,
                to_unit_id: p.unit_id,
                moved_on: self.today(),
                reason: text::free_text("reason", reason, MAX_REASON)?,
                actor: actor.username.clone(),
                at: now,
            };
            w.conn().insert_move(&p.province_code, &m).await?;
        }
        if let (Some(h), Some(Relation::Head)) = (&household, relation) {
            w.conn().set_household_heads(&[(h.id, id)]).await?;
        }
        let after = w.conn().person_by_id(id).await?.ok_or(AppError::NotFound)?;
        w.updated("person.update", &before, &after);
        // Its place, birth date, sex or occupation may change what it counts for, and where.
        w.derive(Derived::Coverage(id));
        if before.unit_id != after.unit_id {
            w.derive(Derived::Persons(before.unit_id, -1));
            w.derive(Derived::Persons(after.unit_id, 1));
        }
        // A move or a corrected birth date changes who counts in which group.
        if before.unit_id != after.unit_id || before.birth != after.birth || before.sex != after.sex {
            self.refresh_full_groups(&mut w, &[before.unit_path.clone(), after.unit_path.clone()]).await?;
        }
        w.commit().await?;
        Ok(after)
    }

    /// A person's page.
    /// A record merged into another shows the survivor (`view.person.id` then differs from
    /// `id`), exactly as the survivor's scope allows.
    pub async fn person_view(&self, actor: &Actor, id: i64) -> Result<PersonView> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let mut person = c.person_by_id(id).await?.ok_or(AppError::NotFound)?;
        if let Some(survivor) = person.merged_into {
            person = c.person_by_id(survivor).await?.ok_or(AppError::NotFound)?;
        }
        if !actor.can(Permission::View, &person.unit_path) {
            return Err(AppError::NotFound);
        }
        let place = c.unit_by_id(person.unit_id).await?.ok_or(AppError::NotFound)?;
        // The trail and every place and household the moves name, in three queries.
        let trail_ids: Vec<i64> =
            place.path.trim_matches('/').split('/').skip(1).filter_map(|s| s.parse().ok()).collect();
        let mut trail_units: HashMap<i64, Unit> =
            c.units_by_ids(&trail_ids).await?.into_iter().map(|u| (u.id, u)).collect();
        let place_trail: Vec<Unit> = trail_ids.iter().filter_map(|id| trail_units.remove(id)).collect();
        let (household, mut members) = match person.household_id {
            Some(h) => (c.household_by_id(h).await?, c.persons_of_household(h).await?),
            None => (None, Vec::new()),
        };
        // Members living outside the actor's scope are not shown (nor counted).
        members.retain(|m| actor.can(Permission::View, &m.unit_path));
        let merged = c.persons_merged_into(person.id).await?;
        let moves = c.moves_of(person.id).await?;
        let unit_ids: BTreeSet<i64> = moves.iter().flat_map(|m| [m.from_unit_id, m.to_unit_id]).collect();
        let household_ids: BTreeSet<i64> =
            moves.iter().flat_map(|m| [m.from_household_id, m.to_household_id]).flatten().collect();
        let mut move_places: HashMap<i64, String> =
            unit_ids.iter().map(|id| (*id, format!("#{id}"))).collect();
        // Each place with its village and commune: «Tổ liên gia số 1» alone says nothing.
        let ids: Vec<i64> = unit_ids.into_iter().collect();
        move_places.extend(crate::picker::place_names(&mut c, &ids, true).await?);
        let mut move_households: HashMap<i64, String> =
            household_ids.iter().map(|id| (*id, format!("#{id}"))).collect();
        for h in c.households_by_ids(&household_ids.into_iter().collect::<Vec<_>>()).await? {
            move_households.insert(h.id, h.code);
        }
        let today = self.today();
        let w = working_age_bounds(&self.params(), today)?;
        Ok(PersonView {
            age: age_on(&person, today),
            working_age: is_working_age(&person, &w),
            can_edit: actor.can(Permission::EditPeople, &person.unit_path),
            person,
            merged,
            place,
            place_trail,
            household,
            members,
            moves,
            move_places,
            move_households,
        })
    }
}
