//! A person as typed in a form or an API call, parsed here (the only validator), and the row
//! written for it.

use super::*;

/// A person as typed in a form or an API call (strings; parsed here).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PersonInput {
    #[serde(default)]
    pub cccd: String,
    #[serde(default)]
    pub old_si_number: String,
    #[serde(default)]
    pub full_name: String,
    /// dd/mm/yyyy or yyyy
    #[serde(default)]
    pub birth_date: String,
    /// Nam/Nữ/male/female
    #[serde(default)]
    pub sex: String,
    #[serde(default)]
    pub ethnicity: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub occupation: String,
    /// Village, group or commune code.
    #[serde(default)]
    pub unit_code: String,
    /// Household code in the commune; created if new. Empty: no household.
    #[serde(default)]
    pub household_code: String,
    #[serde(default)]
    pub relation: String,
}

/// Parsed person values (before places are resolved).
#[derive(Debug, Clone)]
pub struct PersonValues {
    pub cccd: CitizenId,
    pub old_si: Option<OldSiNumber>,
    pub name: FullName,
    pub birth: BirthDate,
    pub sex: Sex,
    pub ethnicity: Ethnicity,
    pub phone: Option<Phone>,
    pub occupation: Occupation,
}

fn collect<T>(r: std::result::Result<T, Invalid>, errors: &mut Vec<Invalid>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

impl PersonInput {
    /// Parse every field, reporting all bad ones at once (the form and the API show them
    /// together). Also the person's relation to the household head; the place code must be
    /// given (it is resolved against the database by the use case).
    pub fn parse(
        &self,
        today: NaiveDate,
    ) -> std::result::Result<(PersonValues, Option<Relation>), Vec<Invalid>> {
        let mut errors = Vec::new();
        let cccd = collect(CitizenId::parse(&self.cccd), &mut errors);
        let old_si = if self.old_si_number.trim().is_empty() {
            Some(None)
        } else {
            collect(OldSiNumber::parse(&self.old_si_number).map(Some), &mut errors)
        };
        let name = collect(FullName::parse(&self.full_name), &mut errors);
        let birth = collect(BirthDate::parse(&self.birth_date, today), &mut errors);
        // A form's sex is chosen, not typed: say so rather than quote an empty value.
        let sex = if self.sex.trim().is_empty() {
            errors.push(Invalid::new(
                "sex",
                "Hãy chọn giới tính (Nam hoặc Nữ)",
                "choose the sex (male or female)",
            ));
            None
        } else {
            collect(parse_sex(&self.sex), &mut errors)
        };
        let ethnicity = if self.ethnicity.trim().is_empty() {
            Some(Ethnicity::default())
        } else {
            collect(Ethnicity::parse(&self.ethnicity), &mut errors)
        };
        let phone = if self.phone.trim().is_empty() {
            Some(None)
        } else {
            collect(Phone::parse(&self.phone).map(Some), &mut errors)
        };
        let occupation = if self.occupation.trim().is_empty() {
            Some(Occupation::Other)
        } else {
            collect(Occupation::parse(&self.occupation), &mut errors)
        };
        if let (Some(c), Some(s), Some(b)) = (&cccd, sex, &birth)
            && let Err(e) = c.check_against(s, b.year())
        {
            errors.push(e);
        }
        let relation = if self.relation.trim().is_empty() {
            Some(None)
        } else {
            collect(Relation::parse_with_sex(&self.relation, sex).map(Some), &mut errors)
        };
        if !self.household_code.trim().is_empty() {
            collect(HouseholdCode::parse(&self.household_code), &mut errors);
        }
        if self.unit_code.trim().is_empty() {
            errors.push(Invalid::new(
                "unit_code",
                "Mã thôn/tổ/xã không được để trống",
                "the village, group or commune code is required",
            ));
        }
        match (cccd, old_si, name, birth, sex, ethnicity, phone, occupation, relation) {
            (
                Some(cccd),
                Some(old_si),
                Some(name),
                Some(birth),
                Some(sex),
                Some(ethnicity),
                Some(phone),
                Some(occupation),
                Some(relation),
            ) if errors.is_empty() => {
                Ok((PersonValues { cccd, old_si, name, birth, sex, ethnicity, phone, occupation }, relation))
            }
            _ => Err(errors),
        }
    }
}

/// Build the stored form of a person at a place.
pub fn person_write(
    id: i64,
    v: &PersonValues,
    place: &Unit,
    commune_id: i64,
    household_id: Option<i64>,
    relation: Option<Relation>,
) -> PersonWrite {
    person_write_keyed(id, v, NameKeys::of(&v.name), place, commune_id, household_id, relation)
}

/// A person's derived search and sort keys (the costly part of a write: imports compute them
/// on the parsing threads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameKeys {
    pub name_key: String,
    pub given_key: String,
    pub sort_key: Vec<u8>,
}

impl NameKeys {
    pub fn of(name: &FullName) -> NameKeys {
        NameKeys {
            name_key: text::fold(name.as_str()),
            given_key: text::fold(name.given()),
            sort_key: name_sort_key(name.as_str()),
        }
    }
}

pub fn person_write_keyed(
    id: i64,
    v: &PersonValues,
    keys: NameKeys,
    place: &Unit,
    commune_id: i64,
    household_id: Option<i64>,
    relation: Option<Relation>,
) -> PersonWrite {
    PersonWrite {
        id,
        province_code: place.province_code.clone(),
        cccd: v.cccd.as_str().to_string(),
        old_si_number: v.old_si.as_ref().map(|o| o.as_str().to_string()),
        name_key: keys.name_key,
        given_key: keys.given_key,
        sort_key: keys.sort_key,
        full_name: v.name.as_str().to_string(),
        birth_date: v.birth.effective_date(),
        birth_year_only: v.birth.is_year_only(),
        sex: v.sex.key().to_string(),
        ethnicity: v.ethnicity.name().to_string(),
        phone: v.phone.as_ref().map(|p| p.as_str().to_string()),
        occupation: v.occupation.as_str().to_string(),
        household_id,
        relation: relation.map(|r| r.as_str().to_string()),
        unit_id: place.id,
        unit_path: place.path.clone(),
        commune_id,
    }
}

/// Whether two writes describe the same person (for "re-import changes nothing").
pub fn same_person(a: &PersonRow, b: &PersonWrite) -> bool {
    a.old_si_number == b.old_si_number
        && a.full_name == b.full_name
        && a.birth == BirthDate::from_stored(b.birth_date, b.birth_year_only)
        && a.sex.key() == b.sex
        && a.ethnicity == b.ethnicity
        && a.phone == b.phone
        && a.occupation.as_str() == b.occupation
        && a.household_id == b.household_id
        && a.relation.map(|r| r.as_str()) == b.relation.as_deref()
        && a.unit_id == b.unit_id
}
