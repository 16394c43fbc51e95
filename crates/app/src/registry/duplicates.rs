//! Probable duplicates: dismissing a pair, merging one record into another.

use super::*;

impl App {
    /// Probable duplicates in scope: pairs with the same folded name and birth date in a commune.
    pub async fn duplicates(&self, actor: &Actor) -> Result<Vec<(PersonRow, PersonRow)>> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let pairs = c.duplicate_pairs(&actor.roots(Permission::View), 200).await?;
        let ids: BTreeSet<i64> = pairs.iter().flat_map(|p| [p.a, p.b]).collect();
        let by_id: HashMap<i64, PersonRow> = c
            .persons_by_ids(&ids.into_iter().collect::<Vec<_>>())
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        Ok(pairs
            .into_iter()
            .filter_map(|p| Some((by_id.get(&p.a)?.clone(), by_id.get(&p.b)?.clone())))
            .collect())
    }

    /// Mark a pair as not the same person.
    pub async fn dismiss_duplicate(&self, actor: &Actor, a: i64, b: i64) -> Result<()> {
        let mut w = self.write(actor).await?;
        let pa = w.conn().person_by_id(a).await?.ok_or(AppError::NotFound)?;
        let pb = w.conn().person_by_id(b).await?.ok_or(AppError::NotFound)?;
        Self::edit_guard(actor, &pa.unit_path)?;
        Self::edit_guard(actor, &pb.unit_path)?;
        let now = w.now();
        w.conn().dismiss_duplicate(a, b, &actor.username, now).await?;
        w.event(
            "person.duplicate_dismiss",
            Subject::new("person", format!("{a},{b}"), &pa.province_code, &pa.unit_path),
        );
        w.commit().await
    }

    /// Merge `drop` into `keep`: `keep` takes the fields it lacks and `drop`'s history, and
    /// `drop` is kept, marked as merged into `keep` (never deleted: what points at it can be
    /// re-pointed), outside every list and count.
    pub async fn merge_persons(&self, actor: &Actor, keep: i64, drop: i64) -> Result<PersonRow> {
        if keep == drop {
            return Err(AppError::invalid(
                "drop",
                "Không thể gộp một người với chính mình",
                "cannot merge a person with themself",
            ));
        }
        let mut w = self.write(actor).await?;
        let k = w.conn().person_by_id(keep).await?.ok_or(AppError::NotFound)?;
        let d = w.conn().person_by_id(drop).await?.ok_or(AppError::NotFound)?;
        Self::edit_guard(actor, &k.unit_path)?;
        Self::edit_guard(actor, &d.unit_path)?;
        let now = w.now();
        w.conn().merge_person_into(&d, &k, now).await?;
        let after = w.conn().person_by_id(keep).await?.ok_or(AppError::NotFound)?;
        w.changed(
            "person.merge",
            after.subject(),
            Some(serde_json::json!({ "kept": k, "merged": d })),
            Some(serde_json::json!(after)),
        );
        w.derive(Derived::Persons(d.unit_id, -1));
        w.derive(Derived::Coverage(d.id));
        w.derive(Derived::Coverage(k.id));
        w.commit().await?;
        Ok(after)
    }
}
