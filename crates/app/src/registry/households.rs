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
        Ok(HouseholdView {
            can_edit: actor.can(Permission::EditPeople, &household.unit_path),
            can_certify: actor.can(Permission::CertifyHouseholds, &household.unit_path),
            household,
            place,
            members,
            poverty,
        })
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
