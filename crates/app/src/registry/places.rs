//! Places a person can live in: a current commune, village or group in scope, resolved one at
//! a time (forms) or all at once (imports).

use super::*;

/// The fields of `input` and its place, checked together: every bad field at once.
pub(super) async fn parse_with_place(
    app: &App,
    actor: &Actor,
    input: &PersonInput,
) -> Result<(PersonValues, Option<Relation>, Unit)> {
    let parsed = input.parse(app.today());
    let place = if input.unit_code.trim().is_empty() {
        None
    } else {
        Some(app.resolve_place(actor, &input.unit_code).await)
    };
    match (parsed, place) {
        (Ok((v, relation)), Some(Ok(place))) => Ok((v, relation, place)),
        (parsed, place) => {
            let mut errors = parsed.err().unwrap_or_default();
            match place {
                Some(Err(AppError::Invalid(mut e))) => errors.append(&mut e),
                Some(Err(e)) => return Err(e),
                _ => {}
            }
            Err(AppError::Invalid(errors))
        }
    }
}

/// A place code resolved to (place, its commune), or why a person cannot be registered there
/// (vi, en).
pub(crate) type ResolvedPlace = std::result::Result<(Unit, Unit), (String, String)>;

const NOT_IN_COMMUNE: (&str, &str) = ("Đơn vị không thuộc xã/phường nào", "the unit is not inside a commune");

fn not_in_commune() -> AppError {
    AppError::invalid("unit_code", NOT_IN_COMMUNE.0, NOT_IN_COMMUNE.1)
}

fn unknown_place(code: &str) -> AppError {
    AppError::invalid(
        "unit_code",
        format!("Không tìm thấy đơn vị mã «{}» trong phạm vi của bạn", code.trim()),
        format!("no unit with code «{}» in your scope", code.trim()),
    )
}

/// A person can be registered in a current commune, village or group.
fn usable_place(unit: Unit, today: NaiveDate) -> Result<Unit> {
    let bad = |vi: String, en: String| AppError::invalid("unit_code", vi, en);
    if !matches!(unit.level, Level::Commune | Level::Village | Level::Group) {
        return Err(bad(
            format!("«{}» là {}: cần mã xã/phường, thôn hoặc tổ liên gia", unit.full_name(), unit.kind),
            format!("«{}» is not a commune, village or group", unit.full_name()),
        ));
    }
    if !unit.valid_on(today) {
        return Err(bad(
            format!("{} đã hết hiệu lực; hãy dùng mã đơn vị mới", unit.full_name()),
            format!("{} no longer exists; use the new unit's code", unit.full_name()),
        ));
    }
    Ok(unit)
}

impl App {
    /// The commune a current place belongs to (the place itself when it is a commune).
    pub(crate) async fn commune_of(&self, c: &mut Conn<'_>, place: &Unit) -> Result<Unit> {
        if place.level == Level::Commune {
            return Ok(place.clone());
        }
        for seg in place.path.trim_matches('/').split('/') {
            if let Ok(id) = seg.parse::<i64>()
                && let Some(u) = c.unit_by_id(id).await?
                && u.level == Level::Commune
            {
                return Ok(u);
            }
        }
        Err(not_in_commune())
    }

    /// Resolve a place code (commune, village or group, valid today, in scope) for a person.
    pub(crate) async fn resolve_place(&self, actor: &Actor, code: &str) -> Result<Unit> {
        let unit = self.place_from_text(actor, code, crate::PlaceUse::Residence, "unit_code").await?;
        usable_place(unit, self.today())
    }

    /// Resolve many place codes at once (an import's), each to (place, its commune) or to why a
    /// person cannot be registered there (vi, en): a few queries however many codes.
    pub(crate) async fn resolve_places(
        &self,
        actor: &Actor,
        codes: &[String],
    ) -> Result<HashMap<String, ResolvedPlace>> {
        let today = self.today();
        // Places written by name («Tổ liên gia số 4 · Thôn Thanh Bình»): each distinct one looked
        // up once, by its path, in scope; several of one name is that row's error.
        let mut named: HashMap<&str, Result<Unit>> = HashMap::new();
        for t in codes.iter().filter(|t| ansinh_domain::UnitCode::parse(t).is_err()) {
            let place = self.place_from_text(actor, t, crate::PlaceUse::Residence, "unit_code").await;
            named.insert(t.as_str(), place.and_then(|u| usable_place(u, today)));
        }
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let mut versions: HashMap<String, Vec<Unit>> = HashMap::new();
        for u in c.units_by_codes(codes).await? {
            if actor.can(Permission::View, &u.path) {
                versions.entry(u.code.clone()).or_default().push(u);
            }
        }
        let mut places: Vec<(String, Result<Unit>)> = Vec::with_capacity(codes.len());
        for code in codes {
            if let Some(place) = named.remove(code.as_str()) {
                places.push((code.clone(), place));
                continue;
            }
            let mut v = versions.remove(code.as_str()).unwrap_or_default();
            v.sort_by_key(|u| (u.valid_from, u.id));
            let place = match crate::units::pick_version(v, today) {
                Some(u) => usable_place(u, today),
                None => Err(unknown_place(code)),
            };
            places.push((code.clone(), place));
        }
        // The communes above the villages and groups, in one query.
        let ancestor_ids: BTreeSet<i64> = places
            .iter()
            .filter_map(|(_, p)| p.as_ref().ok())
            .filter(|u| u.level != Level::Commune)
            .flat_map(|u| u.path.trim_matches('/').split('/').filter_map(|s| s.parse::<i64>().ok()))
            .collect();
        let ancestors: HashMap<i64, Unit> = c
            .units_by_ids(&ancestor_ids.into_iter().collect::<Vec<_>>())
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        let mut out = HashMap::with_capacity(places.len());
        for (code, place) in places {
            let resolved = match place {
                Ok(u) if !actor.can(Permission::EditPeople, &u.path) => Err((
                    format!("bạn không có quyền nhập dân cư cho {}", u.full_name()),
                    format!("you may not register people in {}", u.full_name()),
                )),
                Ok(u) => {
                    let commune = if u.level == Level::Commune {
                        Some(u.clone())
                    } else {
                        u.path
                            .trim_matches('/')
                            .split('/')
                            .filter_map(|s| ancestors.get(&s.parse::<i64>().ok()?))
                            .find(|a| a.level == Level::Commune)
                            .cloned()
                    };
                    match commune {
                        Some(commune) => Ok((u, commune)),
                        None => Err((NOT_IN_COMMUNE.0.to_string(), NOT_IN_COMMUNE.1.to_string())),
                    }
                }
                Err(AppError::Invalid(list)) => {
                    let first = list.into_iter().next().unwrap_or_else(|| Invalid::new("unit_code", "", ""));
                    Err((first.vi, first.en))
                }
                Err(e) => return Err(e),
            };
            out.insert(code, resolved);
        }
        Ok(out)
    }

    pub(super) fn edit_guard(actor: &Actor, path: &str) -> Result<()> {
        Self::guard(actor, path, Permission::EditPeople)
    }

    /// Unseen records are not found; seen ones without `p` are forbidden.
    pub(super) fn guard(actor: &Actor, path: &str, p: Permission) -> Result<()> {
        if !actor.can(Permission::View, path) {
            return Err(AppError::NotFound);
        }
        if !actor.can(p, path) {
            return Err(AppError::Forbidden);
        }
        Ok(())
    }
}
