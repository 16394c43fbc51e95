//! Tra cứu — a citizen looks up their own cover: citizen id and birth date must both match a
//! record (a wrong pair and an unknown id answer alike, so the page cannot tell which ids
//! exist), attempts are throttled per id and address, and the answer holds only the schemes,
//! where each stands, the next amount and deadline, and the receipts.

use super::*;
use ansinh_domain::CitizenId;
use ansinh_domain::collection::masked_name;
use ansinh_domain::person::BirthDate;

/// What a citizen sees of their own cover.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CitizenCover {
    pub masked_name: String,
    pub schemes: Vec<CitizenScheme>,
    pub receipts: Vec<CitizenReceipt>,
}

/// One scheme of a citizen's cover.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CitizenScheme {
    pub scheme: String,
    pub scheme_label: String,
    /// active, waiting, due, suspended, lapsed, ended
    pub status: String,
    pub status_label: String,
    pub paid_through: Option<NaiveDate>,
    pub next_amount: Option<i64>,
    pub next_deadline: Option<NaiveDate>,
}

/// One receipt as a citizen sees it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CitizenReceipt {
    pub paid_on: NaiveDate,
    pub series: String,
    pub number: i64,
    pub content: String,
    pub amount: i64,
    pub valid: bool,
}

/// The one answer for a pair that matches nothing.
fn no_match() -> AppError {
    AppError::invalid(
        "cccd",
        "Không tìm thấy thông tin khớp với số CCCD và ngày sinh đã nhập. Hãy kiểm tra lại, hoặc hỏi nhân viên thu, UBND xã",
        "nothing matches this citizen id and birth date. Check them, or ask your collector or the commune office",
    )
}

impl App {
    /// The cover of the person with this citizen id and birth date (`client`: the caller's
    /// address, for throttling).
    pub async fn citizen_cover(&self, cccd: &str, birth: &str, client: &str) -> Result<CitizenCover> {
        let now = self.now();
        let key = format!("lookup:{}", cccd.trim());
        if let Err(until) = self.lookups.reserve(&key, client, now) {
            let minutes = (until - now).num_minutes() + 1;
            return Err(AppError::Locked { until, minutes });
        }
        let Ok(id) = CitizenId::parse(cccd) else { return Err(no_match()) };
        let Ok(typed) = BirthDate::parse_format(birth) else { return Err(no_match()) };
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let Some(person) = c.person_by_cccd(id.as_str()).await?.filter(|p| p.merged_into.is_none()) else {
            return Err(no_match());
        };
        // A full date must be the one on record; a year-only record matches its year.
        let matches = match (person.birth, typed) {
            (BirthDate::Full(a), BirthDate::Full(b)) => a == b,
            (BirthDate::YearOnly(y), t) => t.year() == y,
            (BirthDate::Full(_), BirthDate::YearOnly(_)) => false,
        };
        if !matches {
            return Err(no_match());
        }
        self.lookups.succeeded(&key, client);
        let today = self.today();
        let params = self.params();
        let mut schemes = Vec::new();
        for p in c.participations_of_person(person.id).await? {
            let st = standing(&params, &p, today)?;
            let supported = if p.scheme == Scheme::Vsi { c.supported_months(p.id).await? } else { 0 };
            let members = match (p.scheme, p.household_id) {
                (Scheme::HiHousehold, Some(h)) => c.household_hi_members(h).await?.len() as u32,
                _ => 1,
            };
            let next = if matches!(st, Standing::Ended { .. }) {
                None
            } else {
                self.next_payment(&p, &person, supported, members, today).filter(|n| n.problem.is_none())
            };
            schemes.push(CitizenScheme {
                scheme: p.scheme.as_str().into(),
                scheme_label: p.scheme.label_vi().into(),
                status: st.key().into(),
                status_label: st.label_vi(),
                paid_through: p.paid_through,
                next_amount: next.as_ref().map(|n| n.amount),
                next_deadline: next.as_ref().map(|n| n.deadline),
            });
        }
        let receipts = c
            .receipts_of_person(person.id)
            .await?
            .into_iter()
            .map(|r| CitizenReceipt {
                paid_on: r.paid_on,
                series: r.series,
                number: r.number,
                content: r.content,
                amount: r.amount,
                valid: r.voided_at.is_none(),
            })
            .collect();
        Ok(CitizenCover { masked_name: masked_name(&person.full_name), schemes, receipts })
    }
}
