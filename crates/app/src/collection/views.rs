//! What the pages show: a person's cover and receipts, a receipt, the public check of a
//! receipt, a collector's day, the renewal and lapse list.

use super::*;
use ansinh_domain::collection::{masked_name, normalise_code};
use ansinh_domain::unit::in_subtree;
use ansinh_domain::{Level, PayerSource, Unit};
use ansinh_rules::{Vnd, hi};
use ansinh_store::{PersonRow, ReceiptLineRow, ReceiptSourceRow, TermsRow};
use serde::Deserialize;
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

/// Most rows of the renewal list per scope root; a longer list says so (choose a village or a
/// group to see all of it).
pub const DUE_LIMIT: i64 = 2_000;

/// The furthest ahead the renewal list looks, in days (a year and a day).
pub const DUE_MAX_DAYS: u32 = 366;

/// Which part of the renewal list to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DueFilter {
    /// Everyone on the list.
    #[default]
    All,
    /// Sắp đến hạn — still in time (paid period ending, or a period due before its deadline).
    Soon,
    /// Quá hạn — suspended (VSI) or lapsed (HI card ran out).
    Overdue,
}

impl DueFilter {
    pub const ALL: [DueFilter; 3] = [DueFilter::All, DueFilter::Soon, DueFilter::Overdue];

    pub fn key(self) -> &'static str {
        match self {
            DueFilter::All => "all",
            DueFilter::Soon => "soon",
            DueFilter::Overdue => "overdue",
        }
    }

    /// "" or a key; anything else is refused by name.
    pub fn parse(s: &str) -> Result<DueFilter> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(DueFilter::All);
        }
        DueFilter::ALL.into_iter().find(|f| f.key() == s).ok_or_else(|| {
            AppError::invalid(
                "status",
                format!("Trạng thái «{s}» không có; chọn all, soon hoặc overdue"),
                format!("status «{s}» is unknown; choose all, soon or overdue"),
            )
        })
    }

    pub fn keeps(self, s: &Standing) -> bool {
        let overdue = matches!(s, Standing::Suspended { .. } | Standing::Lapsed { .. });
        match self {
            DueFilter::All => true,
            DueFilter::Soon => !overdue,
            DueFilter::Overdue => overdue,
        }
    }
}

/// A village or inter-family group line of the renewal list: how many are due there and how
/// the actor's reminders there turned out.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DuePlace {
    pub unit_id: i64,
    pub code: String,
    pub name: String,
    /// `village` or `group`.
    pub level: String,
    /// Still in time.
    pub soon: usize,
    /// Suspended or lapsed.
    pub overdue: usize,
    /// The actor's reminders to people living here.
    pub reminded: usize,
    /// Of those, the ones a payment followed.
    pub paid: usize,
}

/// The renewal and lapse list with its lines per village and group.
#[derive(Debug, Clone, Serialize)]
pub struct DueView {
    pub items: Vec<DueItem>,
    /// The list stopped at [`DUE_LIMIT`] rows of a scope root.
    pub truncated: bool,
    /// Villages, each followed by its groups, in the order of the tree.
    pub places: Vec<DuePlace>,
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
        Ok(self.due_items(actor, days, unit_code).await?.1)
    }

    /// [`App::due_list`] narrowed by `filter`, with a line per village and group (the due
    /// counts and the actor's reminders there and how many a payment followed).
    pub async fn due_view(
        &self,
        actor: &Actor,
        days: u32,
        unit_code: Option<&str>,
        filter: DueFilter,
    ) -> Result<DueView> {
        let (roots, mut items, truncated) = self.due_items(actor, days, unit_code).await?;
        items.retain(|d| filter.keeps(&d.standing));
        let reminders: Vec<ansinh_store::ReminderRow> = match actor.user_id {
            Some(uid) if actor.has(Permission::Collect) => {
                let mut r = self.db.read().await?;
                r.conn().reminders_of_collector(uid, DUE_LIMIT).await?
            }
            _ => vec![],
        };
        let reminders: Vec<_> = reminders
            .into_iter()
            .filter(|r| roots.iter().any(|root| in_subtree(&r.unit_path, root)))
            .collect();
        let on_path = |path: &str| -> Vec<i64> {
            path.trim_matches('/').split('/').filter_map(|s| s.parse::<i64>().ok()).collect()
        };
        let mut ids: Vec<i64> = items
            .iter()
            .map(|d| d.row.unit_path.as_str())
            .chain(reminders.iter().map(|r| r.unit_path.as_str()))
            .flat_map(on_path)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let mut r = self.db.read().await?;
        let mut units: Vec<Unit> =
            r.conn().units_by_ids(&ids).await?.into_iter().filter(|u| u.level.is_local()).collect();
        units.sort_by(|a, b| a.path.cmp(&b.path));
        let mut places: Vec<DuePlace> = units
            .iter()
            .map(|u| DuePlace {
                unit_id: u.id,
                code: u.code.clone(),
                name: u.full_name(),
                level: if u.level == Level::Village { "village" } else { "group" }.to_string(),
                soon: 0,
                overdue: 0,
                reminded: 0,
                paid: 0,
            })
            .collect();
        let index: HashMap<i64, usize> = places.iter().enumerate().map(|(i, p)| (p.unit_id, i)).collect();
        for d in &items {
            let overdue = DueFilter::Overdue.keeps(&d.standing);
            for i in on_path(&d.row.unit_path).iter().filter_map(|id| index.get(id)) {
                if overdue {
                    places[*i].overdue += 1;
                } else {
                    places[*i].soon += 1;
                }
            }
        }
        for rem in &reminders {
            for i in on_path(&rem.unit_path).iter().filter_map(|id| index.get(id)) {
                places[*i].reminded += 1;
                places[*i].paid += usize::from(rem.closed_by.is_some());
            }
        }
        Ok(DueView { items, truncated, places })
    }

    /// The scope roots read, the list, and whether a root's list stopped at [`DUE_LIMIT`].
    pub(crate) async fn due_items(
        &self,
        actor: &Actor,
        days: u32,
        unit_code: Option<&str>,
    ) -> Result<(Vec<String>, Vec<DueItem>, bool)> {
        if days > DUE_MAX_DAYS {
            return Err(AppError::invalid(
                "days",
                format!("Số ngày {days} quá lớn; tối đa {DUE_MAX_DAYS}"),
                format!("{days} days is too many; at most {DUE_MAX_DAYS}"),
            ));
        }
        let today = self.today();
        let params = self.params();
        let until = today.checked_add_days(chrono::Days::new(u64::from(days))).unwrap_or(today);
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
        let mut truncated = false;
        for root in &roots {
            let (lo, hi) = ansinh_domain::unit::subtree_range(root);
            // A commune or below ("/0/42/18322/…" has three or more segments) is read by its persons.
            let narrow =
                root.trim_matches('/').split('/').count() >= 3 && root != ansinh_domain::unit::ROOT_PATH;
            let mut part = c.due_participations(&lo, &hi, until, DUE_LIMIT + 1, narrow).await?;
            if part.len() as i64 > DUE_LIMIT {
                truncated = true;
                part.truncate(DUE_LIMIT as usize);
            }
            rows.extend(part);
        }
        let unit_ids: Vec<i64> =
            rows.iter().map(|r| r.unit_id).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
        // A group with its village («Tổ liên gia số 1 · Thôn Thanh Bình»): group numbers repeat
        // across villages; the commune too when the list spans communes.
        let communes: std::collections::BTreeSet<&str> =
            rows.iter().filter_map(|r| r.unit_path.trim_matches('/').split('/').nth(2)).collect();
        let names = crate::picker::place_names(&mut c, &unit_ids, communes.len() > 1).await?;
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
        Ok((roots, out, truncated))
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
