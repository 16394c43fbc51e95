//! What the pages show: a person's cover and receipts, a receipt, the public check of a
//! receipt, a collector's day, the renewal and lapse list.

use super::*;
use ansinh_domain::PayerSource;
use ansinh_domain::collection::{masked_name, normalise_code};
use ansinh_rules::{Vnd, hi};
use ansinh_store::{PersonRow, ReceiptLineRow, ReceiptSourceRow, TermsRow};
use std::collections::{BTreeMap, HashMap};

/// The next payment of a participation if made today.
#[derive(Debug, Clone, Serialize)]
pub struct NextPayment {
    pub from: Month,
    pub months: u32,
    pub amount: i64,
    pub state_support: i64,
    pub local_support: i64,
    pub deadline: NaiveDate,
    /// Set when the quote could not be made (an income below today's floor…): the reason.
    pub problem: Option<String>,
}

/// One participation on a person's page.
#[derive(Debug, Clone, Serialize)]
pub struct CoverItem {
    pub participation: ParticipationRow,
    pub standing: Standing,
    pub terms: Vec<TermsRow>,
    pub next: Option<NextPayment>,
}

/// A person's participation history and receipts.
#[derive(Debug, Clone, Serialize)]
pub struct PersonCover {
    pub items: Vec<CoverItem>,
    pub receipts: Vec<ReceiptRow>,
    /// The actor may enrol and take payments here.
    pub can_collect: bool,
}

/// A receipt line with the member's name.
#[derive(Debug, Clone, Serialize)]
pub struct ReceiptLineView {
    pub line: ReceiptLineRow,
    pub name: String,
}

/// A receipt with what it paid for and who paid.
#[derive(Debug, Clone, Serialize)]
pub struct ReceiptView {
    pub receipt: ReceiptRow,
    pub lines: Vec<ReceiptLineView>,
    pub sources: Vec<ReceiptSourceRow>,
    pub book: BookRow,
    pub amount_words: String,
    pub can_void: bool,
}

/// What the public receipt check shows: nothing more.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicReceipt {
    pub valid: bool,
    pub series: String,
    pub number: i64,
    pub paid_on: NaiveDate,
    pub amount: i64,
    pub masked_name: String,
    pub scheme: String,
}

/// A collector's receipts of one day and their totals.
#[derive(Debug, Clone, Serialize)]
pub struct CollectorDay {
    pub day: NaiveDate,
    pub receipts: Vec<ReceiptRow>,
    /// Valid receipts' totals by scheme key.
    pub by_scheme: BTreeMap<String, i64>,
    /// Valid receipts' totals by payer source key.
    pub by_source: BTreeMap<String, i64>,
    pub total: i64,
    pub voided: usize,
}

/// A row of the renewal and lapse list.
#[derive(Debug, Clone, Serialize)]
pub struct DueItem {
    pub row: ansinh_store::DueRow,
    pub scheme: Scheme,
    pub standing: Standing,
    pub place: String,
}

impl App {
    pub(crate) fn next_payment(
        &self,
        p: &ParticipationRow,
        person: &PersonRow,
        supported: i64,
        members: u32,
        today: NaiveDate,
    ) -> Option<NextPayment> {
        let params = self.params();
        match p.scheme {
            Scheme::Vsi => {
                let (input, _) = match self.vsi_input_for(p, person, None, supported, today) {
                    Ok(x) => x,
                    Err(e) => return Some(problem(Month::from_date(today), e)),
                };
                match vsi::quote(&params, &input) {
                    Ok(q) => Some(NextPayment {
                        from: input.start,
                        months: q.months,
                        amount: q.payable.0,
                        state_support: q.state_support.0,
                        local_support: q.local_support.0,
                        deadline: q.deadline.last_day,
                        problem: None,
                    }),
                    Err(e) => Some(problem(input.start, e.into())),
                }
            }
            Scheme::HiHousehold => {
                let months = 12;
                match hi::household(&params, members.max(1), Month::from_date(today), months) {
                    Ok(q) => {
                        let from = hi::card_valid_from_with(&params, today, p.paid_through).unwrap_or(today);
                        Some(NextPayment {
                            from: Month::from_date(from),
                            months,
                            amount: q.total.0,
                            state_support: 0,
                            local_support: 0,
                            deadline: p.paid_through.unwrap_or(today),
                            problem: None,
                        })
                    }
                    Err(e) => Some(problem(Month::from_date(today), e.into())),
                }
            }
            _ => None,
        }
    }

    /// A person's participations with where each stands today, and their receipts.
    pub async fn person_cover(&self, actor: &Actor, person_id: i64) -> Result<PersonCover> {
        let today = self.today();
        let params = self.params();
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let person = c.person_by_id(person_id).await?.ok_or(AppError::NotFound)?;
        if !actor.can(Permission::View, &person.unit_path) {
            return Err(AppError::NotFound);
        }
        let parts = c.participations_of_person(person.id).await?;
        let ids: Vec<i64> = parts.iter().map(|p| p.id).collect();
        let terms = c.terms_of(&ids).await?;
        let mut items = Vec::new();
        for p in parts {
            let supported = if p.scheme == Scheme::Vsi { c.supported_months(p.id).await? } else { 0 };
            let members = match (p.scheme, p.household_id) {
                (Scheme::HiHousehold, Some(h)) => c.household_hi_members(h).await?.len() as u32,
                _ => 1,
            };
            let standing = standing(&params, &p, today)?;
            let next = if matches!(standing, Standing::Ended { .. }) {
                None
            } else {
                self.next_payment(&p, &person, supported, members, today)
            };
            items.push(CoverItem {
                terms: terms.iter().filter(|t| t.participation_id == p.id).cloned().collect(),
                participation: p,
                standing,
                next,
            });
        }
        let receipts = c.receipts_of_person(person.id).await?;
        Ok(PersonCover { items, receipts, can_collect: actor.can(Permission::Collect, &person.unit_path) })
    }

    /// A receipt, for those who may see where its payer lives.
    pub async fn receipt_view(&self, actor: &Actor, id: i64) -> Result<ReceiptView> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let receipt = c.receipt_by_id(id).await?.ok_or(AppError::NotFound)?;
        if !actor.can(Permission::View, &receipt.unit_path) {
            return Err(AppError::NotFound);
        }
        let lines = c.receipt_lines(&[id]).await?;
        let person_ids: Vec<i64> = lines.iter().map(|l| l.person_id).collect();
        // A member living outside the viewer's scope is named by initials only.
        let names: HashMap<i64, String> = c
            .persons_by_ids(&person_ids)
            .await?
            .into_iter()
            .map(|p| {
                let name = if actor.can(Permission::View, &p.unit_path) {
                    p.full_name
                } else {
                    masked_name(&p.full_name)
                };
                (p.id, name)
            })
            .collect();
        let sources = c.receipt_sources(&[id]).await?;
        let book = c.book_by_id(receipt.book_id).await?.ok_or(AppError::NotFound)?;
        let own =
            actor.user_id == Some(receipt.collector_id) && actor.can(Permission::Collect, &receipt.unit_path);
        Ok(ReceiptView {
            can_void: receipt.voided_at.is_none()
                && (own || actor.can(Permission::ManageBooks, &receipt.unit_path)),
            amount_words: Vnd(receipt.amount).words_vi(),
            lines: lines
                .into_iter()
                .map(|l| ReceiptLineView {
                    name: names.get(&l.person_id).cloned().unwrap_or_default(),
                    line: l,
                })
                .collect(),
            sources,
            book,
            receipt,
        })
    }

    /// The public check of a verification code: valid or void, date, amount, masked name.
    /// An unknown or malformed code is "not found", the same either way.
    pub async fn verify_receipt(&self, code: &str) -> Result<PublicReceipt> {
        let code = normalise_code(code).ok_or(AppError::NotFound)?;
        let mut r = self.db.read().await?;
        let receipt = r.conn().receipt_by_code(&code).await?.ok_or(AppError::NotFound)?;
        Ok(PublicReceipt {
            valid: receipt.voided_at.is_none(),
            series: receipt.series,
            number: receipt.number,
            paid_on: receipt.paid_on,
            amount: receipt.amount,
            masked_name: masked_name(&receipt.payer_name),
            scheme: receipt.scheme.label_vi().to_string(),
        })
    }

    /// The actor's receipts of `day` (today by default) with the day's totals.
    pub async fn collector_day(&self, actor: &Actor, day: Option<NaiveDate>) -> Result<CollectorDay> {
        let day = day.unwrap_or_else(|| self.today());
        let Some(uid) = actor.user_id else { return Err(AppError::Forbidden) };
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let receipts = c.receipts_of_collector(uid, day, day).await?;
        let valid: Vec<i64> = receipts.iter().filter(|r| r.voided_at.is_none()).map(|r| r.id).collect();
        let mut by_scheme = BTreeMap::new();
        for r in receipts.iter().filter(|r| r.voided_at.is_none()) {
            *by_scheme.entry(r.scheme.as_str().to_string()).or_insert(0) += r.amount;
        }
        let mut by_source = BTreeMap::new();
        for s in c.receipt_sources(&valid).await? {
            *by_source.entry(s.source.as_str().to_string()).or_insert(0) += s.amount;
        }
        for s in PayerSource::ALL {
            by_source.entry(s.as_str().to_string()).or_insert(0);
        }
        Ok(CollectorDay {
            day,
            total: by_scheme.values().sum(),
            voided: receipts.len() - valid.len(),
            receipts,
            by_scheme,
            by_source,
        })
    }

    /// People whose paid period ends within `days` days, or who are due, suspended or lapsed,
    /// inside the actor's collection scope (or under `unit_code`), soonest first.
    pub async fn due_list(&self, actor: &Actor, days: u32, unit_code: Option<&str>) -> Result<Vec<DueItem>> {
        let today = self.today();
        let params = self.params();
        let until = today.checked_add_days(chrono::Days::new(u64::from(days.min(366)))).unwrap_or(today);
        let roots: Vec<String> = match unit_code.map(str::trim).filter(|s| !s.is_empty()) {
            Some(code) => {
                let u = self.unit_by_code(actor, code, None).await?;
                if !actor.can(Permission::Collect, &u.path) {
                    return Err(AppError::Forbidden);
                }
                vec![u.path]
            }
            None => actor.roots(Permission::Collect),
        };
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let mut rows = Vec::new();
        for root in roots {
            let (lo, hi) = ansinh_domain::unit::subtree_range(&root);
            // A commune or below ("/0/42/18322/…" has three or more segments) is read by its persons.
            let narrow =
                root.trim_matches('/').split('/').count() >= 3 && root != ansinh_domain::unit::ROOT_PATH;
            rows.extend(c.due_participations(&lo, &hi, until, 2_000, narrow).await?);
        }
        let unit_ids: Vec<i64> =
            rows.iter().map(|r| r.unit_id).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
        let names: HashMap<i64, String> =
            c.units_by_ids(&unit_ids).await?.into_iter().map(|u| (u.id, u.name)).collect();
        let ids: Vec<i64> = rows.iter().map(|r| r.participation_id).collect();
        let parts: HashMap<i64, ParticipationRow> =
            c.participations_by_ids(&ids).await?.into_iter().map(|p| (p.id, p)).collect();
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let Some(p) = parts.get(&row.participation_id) else { continue };
            out.push(DueItem {
                scheme: p.scheme,
                standing: standing(&params, p, today)?,
                place: names.get(&row.unit_id).cloned().unwrap_or_default(),
                row,
            });
        }
        Ok(out)
    }
}

fn problem(from: Month, e: AppError) -> NextPayment {
    NextPayment {
        from,
        months: 0,
        amount: 0,
        state_support: 0,
        local_support: 0,
        deadline: from.last_day(),
        problem: Some(e.first_invalid().map_or_else(|| e.to_string(), |i| i.vi.clone())),
    }
}
