//! A household's page, its poverty status per year and area flags.

use super::*;

impl App {
    /// A household's page.
    pub async fn household_view(&self, actor: &Actor, id: i64) -> Result<HouseholdView> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let household = c.household_by_id(id).await?.ok_or(AppError::NotFound)?;
        if !actor.can(Permission::View, &household.unit_path) {
            return Err(AppError::NotFound);
        }
        let place = c.unit_by_id(household.unit_id).await?.ok_or(AppError::NotFound)?;
        let today = self.today();
        let members = c
            .persons_of_household(id)
            .await?
            .into_iter()
            // Members living outside the actor's scope are not shown.
            .filter(|p| actor.can(Permission::View, &p.unit_path))
            .map(|p| {
                let a = age_on(&p, today);
                (p, a)
            })
            .collect();
        let poverty = c.poverty_of(id).await?;
        let place_label = crate::picker::place_names(&mut c, &[place.id], true)
            .await?
            .remove(&place.id)
            .unwrap_or_else(|| place.full_name());
        Ok(HouseholdView {
            place_label,
            can_edit: actor.can(Permission::EditPeople, &household.unit_path),
            can_certify: actor.can(Permission::CertifyHouseholds, &household.unit_path),
            household,
            place,
            members,
            poverty,
        })
    }

    /// Move a whole household (tách/chuyển hộ) to another place of the same province: every
    /// member moves in one action, with one reason and one history entry each; the household
    /// keeps its code and status. Returns how many members moved.
    pub async fn move_household(&self, actor: &Actor, id: i64, place: &str, reason: &str) -> Result<usize> {
        {
            let mut r = self.db.read().await?;
            let h = r.conn().household_by_id(id).await?.ok_or(AppError::NotFound)?;
            Self::edit_guard(actor, &h.unit_path)?;
        }
        let reason = text::free_text("reason", reason, MAX_REASON)?;
        let place = match self.resolve_place(actor, place).await {
            Err(AppError::Invalid(mut list)) => {
                for i in &mut list {
                    i.field = "place".into();
                }
                if reason.is_empty() {
                    list.push(reason_needed());
                }
                return Err(AppError::Invalid(list));
            }
            other => other?,
        };
        if reason.is_empty() {
            return Err(AppError::Invalid(vec![reason_needed()]));
        }
        let mut w = self.write(actor).await?;
        let before = w.conn().household_by_id(id).await?.ok_or(AppError::NotFound)?;
        Self::edit_guard(actor, &before.unit_path)?;
        if !actor.can(Permission::EditPeople, &place.path) {
            return Err(AppError::invalid(
                "place",
                format!("Bạn không có quyền đăng ký dân cư ở {}", place.full_name()),
                format!("you may not register people in {}", place.full_name()),
            ));
        }
        if place.id == before.unit_id {
            return Err(AppError::invalid(
                "place",
                format!("Hộ đã ở {}", place.full_name()),
                format!("the household already lives in {}", place.full_name()),
            ));
        }
        if place.province_code != before.province_code {
            return Err(AppError::invalid(
                "place",
                "Chỉ chuyển cả hộ trong cùng tỉnh; người chuyển sang tỉnh khác được đăng ký ở nơi mới",
                "a household moves as a whole within its province only; people moving to another province are registered there",
            ));
        }
        let commune = self.commune_of(&mut w.conn(), &place).await?;
        if commune.id != before.commune_id
            && w.conn().household_by_code(commune.id, &before.code).await?.is_some()
        {
            return Err(AppError::invalid(
                "place",
                format!(
                    "{} đã có một hộ mã «{}»; hãy đổi mã hộ trước khi chuyển",
                    commune.full_name(),
                    before.code
                ),
                format!(
                    "{} already has a household «{}»; change the code before moving",
                    commune.full_name(),
                    before.code
                ),
            ));
        }
        let members: Vec<PersonRow> = w
            .conn()
            .persons_of_household(id)
            .await?
            .into_iter()
            .filter(|p| p.merged_into.is_none())
            .collect();
        // A member living outside the actor's scope is not named (nor shown anywhere to them).
        if members.iter().any(|p| !actor.can(Permission::EditPeople, &p.unit_path)) {
            return Err(AppError::invalid(
                "place",
                "Hộ có thành viên sống ngoài phạm vi của bạn; hãy nhờ cấp trên chuyển cả hộ",
                "a member lives outside your scope; ask a higher level to move the household",
            ));
        }
        let now = w.now();
        let today = self.today();
        let mut paths = vec![before.unit_path.clone(), place.path.clone()];
        for p in &members {
            w.conn().set_person_place(p.id, place.id, &place.path, commune.id, now).await?;
            let m = MoveRow {
                id: 0,
                person_id: p.id,
                from_household_id: p.household_id,
                to_household_id: p.household_id,
                from_unit_id: p.unit_id,
                to_unit_id: place.id,
                moved_on: today,
                reason: reason.clone(),
                actor: actor.username.clone(),
                at: now,
            };
            w.conn().insert_move(&p.province_code, &m).await?;
            let after = w.conn().person_by_id(p.id).await?.ok_or(AppError::NotFound)?;
            w.updated("person.update", p, &after);
            w.derive(Derived::Coverage(p.id));
            if p.unit_id != place.id {
                w.derive(Derived::Persons(p.unit_id, -1));
                w.derive(Derived::Persons(place.id, 1));
            }
            paths.push(p.unit_path.clone());
        }
        let mut after = before.clone();
        after.unit_id = place.id;
        after.unit_path = place.path.clone();
        after.commune_id = commune.id;
        w.conn().update_household(&after, now).await?;
        w.derive(Derived::Households(before.unit_id, -1));
        w.derive(Derived::Households(place.id, 1));
        w.changed(
            "household.move",
            after.subject(),
            Some(serde_json::json!({ "unit_id": before.unit_id, "members": members.len() })),
            Some(serde_json::json!({ "unit_id": place.id, "unit": place.full_name(), "reason": reason })),
        );
        paths.sort();
        paths.dedup();
        self.refresh_full_groups(&mut w, &paths).await?;
        w.commit().await?;
        Ok(members.len())
    }

    /// Record a household's poverty status for a year (a correction replaces that year's).
    pub async fn set_household_poverty(
        &self,
        actor: &Actor,
        id: i64,
        year: i32,
        status: &str,
        decision: &str,
    ) -> Result<()> {
        let status = PovertyStatus::parse(status)?;
        if !(2000..=self.today().year() + 1).contains(&year) {
            return Err(AppError::invalid("year", "Năm không hợp lệ", "invalid year"));
        }
        let mut w = self.write(actor).await?;
        let h = w.conn().household_by_id(id).await?.ok_or(AppError::NotFound)?;
        Self::guard(actor, &h.unit_path, Permission::CertifyHouseholds)?;
        let before = w.conn().poverty_of(id).await?.into_iter().find(|p| p.year == year);
        let row = PovertyRow { year, status, decision: text::free_text("decision", decision, MAX_REASON)? };
        w.conn().set_poverty(id, &h.province_code, &row).await?;
        w.changed(
            "household.poverty",
            h.subject(),
            before.map(|b| serde_json::json!(b)),
            Some(serde_json::json!(row)),
        );
        w.commit().await
    }

    /// Set a household's area flags (ethnic-minority area, island commune).
    pub async fn set_household_flags(
        &self,
        actor: &Actor,
        id: i64,
        ethnic_minority_area: bool,
        island: bool,
    ) -> Result<()> {
        let mut w = self.write(actor).await?;
        let before = w.conn().household_by_id(id).await?.ok_or(AppError::NotFound)?;
        Self::guard(actor, &before.unit_path, Permission::CertifyHouseholds)?;
        let after = HouseholdRow { ethnic_minority_area, island, ..before.clone() };
        let now = w.now();
        w.conn().update_household(&after, now).await?;
        w.updated("household.update", &before, &after);
        w.commit().await
    }
}

fn reason_needed() -> ansinh_domain::Invalid {
    ansinh_domain::Invalid::new("reason", "Cần ghi lý do chuyển hộ", "give the reason for the move")
}
