//! Quỹ mô hình — a model's fund: deposits (a harvest sale, a piggy bank opened, a donation),
//! contributions paid for members through the payment flow, corrections only by reversing
//! entries. Each entry moves one pool — a member's sub-balance or the common pool — and no
//! pool ever goes below zero: the balance is moved by a conditional UPDATE in the entry's own
//! transaction (and a CHECK in the table backs it).

use super::*;
use crate::work::Work;
use ansinh_domain::{FundEntryKind, Scheme};
use ansinh_rules::Vnd;
use ansinh_store::{FundEntryRow, PersonRow};

impl Audited for FundEntryRow {
    fn subject(&self) -> Subject {
        Subject::new("fund_entry", self.id, &self.province_code, &self.unit_path)
    }
}

/// Money coming into a fund, as typed.
#[derive(Debug, Clone, serde::Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewDeposit {
    /// sale, savings, donation, other_income.
    pub kind: String,
    /// In đồng, more than 0.
    pub amount: i64,
    pub on: NaiveDate,
    /// The member whose sub-balance it goes to (their trees' sale, their piggy bank); none:
    /// the common pool (a donation to the model).
    #[serde(default)]
    pub member_id: Option<i64>,
    #[serde(default)]
    pub note: String,
}

/// One line of a fund statement.
#[derive(Debug, Clone, Serialize)]
pub struct StatementLine {
    pub entry: FundEntryRow,
    /// Whose pool: the member's name, or empty for the common pool.
    pub member: String,
    /// Balance of the whole fund after this entry.
    pub balance: i64,
    pub reversed: bool,
}

/// Sổ quỹ — a model's entries with running balance, and each pool's balance.
#[derive(Debug, Clone, Serialize)]
pub struct FundStatement {
    pub model: ModelRow,
    pub lines: Vec<StatementLine>,
    /// (member id, name, balance); the common pool first with id 0.
    pub pools: Vec<(i64, String, i64)>,
    pub income: i64,
    pub spent: i64,
    pub balance: i64,
}

fn short_of(model: &ModelRow, pool: &str, have: i64, need: i64) -> AppError {
    AppError::invalid(
        "amount",
        format!(
            "Quỹ «{}» ({pool}) chỉ còn {}, không đủ {}",
            model.name,
            Vnd(have).format_vi(),
            Vnd(need).format_vi()
        ),
        format!("the fund «{}» ({pool}) has {have} left, not the {need} needed", model.name),
    )
}

/// A model fund that can pay (part of) a person's contribution.
#[derive(Debug, Clone, Serialize)]
pub struct FundChoice {
    pub model_id: i64,
    pub name: String,
    pub pays_vsi: bool,
    pub pays_hi: bool,
    /// The member's own sub-balance plus the common pool.
    pub available: i64,
}

impl App {
    /// The model funds a person (or the person's household) is a member of, with what they hold.
    pub async fn member_funds(&self, actor: &Actor, person_id: i64) -> Result<Vec<FundChoice>> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let person = c.person_by_id(person_id).await?.ok_or(AppError::NotFound)?;
        if !actor.can(Permission::View, &person.unit_path) {
            return Err(AppError::NotFound);
        }
        let mut out = Vec::new();
        for m in c.open_memberships(person.id, person.household_id).await? {
            let Some(model) = c.model_by_id(m.model_id).await? else { continue };
            let balances = c.fund_balances(model.id).await?;
            let available =
                balances.iter().filter(|(k, _)| *k == 0 || *k == m.id).map(|(_, b)| *b).sum::<i64>();
            out.push(FundChoice {
                model_id: model.id,
                name: model.name,
                pays_vsi: m.pays_vsi,
                pays_hi: m.pays_hi,
                available,
            });
        }
        Ok(out)
    }

    /// Record money coming into a model's fund.
    pub async fn deposit(&self, actor: &Actor, model_id: i64, d: &NewDeposit) -> Result<FundEntryRow> {
        let mut errors = Vec::new();
        let kind = FundEntryKind::parse(&d.kind).map_err(|e| errors.push(e)).ok();
        if kind.is_some_and(|k| !k.is_deposit()) {
            errors.push(Invalid::new(
                "kind",
                "Chỉ ghi tay các khoản thu vào quỹ; khoản đóng cho thành viên đi qua biên lai",
                "only money coming in is recorded by hand; contributions go through a receipt",
            ));
        }
        if d.amount <= 0 || d.amount > 10_000_000_000 {
            errors.push(Invalid::new(
                "amount",
                "Số tiền phải lớn hơn 0 và không quá 10 tỷ đồng",
                "the amount must be more than 0 and at most 10 billion đồng",
            ));
        }
        if d.on > self.today() {
            errors.push(Invalid::new(
                "on",
                "Ngày ghi sổ không được sau hôm nay",
                "the date cannot be after today",
            ));
        }
        let note = text::free_text("note", &d.note, 300).map_err(|e| errors.push(e)).unwrap_or_default();
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let Some(kind) = kind else { return Err(AppError::Internal("deposit kind".into())) };
        let mut w = self.write(actor).await?;
        let model = self.model_to_manage(&mut w.conn(), actor, model_id).await?;
        if let Some(mid) = d.member_id {
            let m = w.conn().member_by_id(mid).await?.ok_or(AppError::NotFound)?;
            if m.model_id != model.id {
                return Err(AppError::invalid(
                    "member_id",
                    "Thành viên không thuộc mô hình này",
                    "the member is not in this model",
                ));
            }
        }
        if d.on < model.launched_on {
            return Err(AppError::invalid(
                "on",
                "Ngày ghi sổ không được trước ngày ra mắt mô hình",
                "the date cannot be before the model's launch",
            ));
        }
        let e = self.post(&mut w, &model, d.member_id, kind, d.amount, d.on, note, None, None).await?;
        w.commit().await?;
        Ok(e)
    }

    /// Write an entry and move its pool; refused (nothing written) if the pool would go below 0.
    #[allow(clippy::too_many_arguments)]
    async fn post(
        &self,
        w: &mut Work<'_>,
        model: &ModelRow,
        member_id: Option<i64>,
        kind: FundEntryKind,
        amount: i64,
        on: NaiveDate,
        note: String,
        receipt_id: Option<i64>,
        reverses_id: Option<i64>,
    ) -> Result<FundEntryRow> {
        let key = member_id.unwrap_or(0);
        if !w.conn().move_fund_balance(model.id, key, amount).await? {
            let have = w
                .conn()
                .fund_balances(model.id)
                .await?
                .into_iter()
                .find(|(k, _)| *k == key)
                .map_or(0, |b| b.1);
            let pool = if member_id.is_some() { "phần của thành viên" } else { "quỹ chung" };
            return Err(short_of(model, pool, have, -amount));
        }
        let mut e = FundEntryRow {
            id: 0,
            model_id: model.id,
            province_code: model.province_code.clone(),
            unit_path: model.unit_path.clone(),
            member_id,
            kind,
            amount,
            on_date: on,
            note,
            receipt_id,
            reverses_id,
            actor: w.actor_name(),
            at: w.now(),
        };
        e.id = w.conn().insert_fund_entry(&e).await?;
        w.created(if kind == FundEntryKind::Reversal { "fund.reverse" } else { "fund.entry" }, &e);
        Ok(e)
    }

    /// Correct an entry by reversing it: an opposite entry is written and both stay. A
    /// contribution is reversed by voiding its receipt; a reversal is not reversed again.
    pub async fn reverse_fund_entry(
        &self,
        actor: &Actor,
        entry_id: i64,
        reason: &str,
    ) -> Result<FundEntryRow> {
        let reason = text::free_text("reason", reason, 300)?;
        if reason.chars().count() < 5 {
            return Err(AppError::invalid(
                "reason",
                "Cần ghi lý do (ít nhất 5 ký tự)",
                "a reason of at least 5 characters is needed",
            ));
        }
        let mut w = self.write(actor).await?;
        let e = w.conn().fund_entry_by_id(entry_id).await?.ok_or(AppError::NotFound)?;
        let model = self.model_to_manage(&mut w.conn(), actor, e.model_id).await?;
        match e.kind {
            FundEntryKind::Contribution => {
                return Err(AppError::invalid(
                    "entry",
                    "Khoản đóng cho thành viên được đảo bằng cách huỷ biên lai của nó",
                    "a contribution is reversed by voiding its receipt",
                ));
            }
            FundEntryKind::Reversal => {
                return Err(AppError::invalid(
                    "entry",
                    "Không đảo một bút toán đảo",
                    "a reversal is not reversed",
                ));
            }
            _ => {}
        }
        if w.conn().fund_entry_reversed(e.id).await? {
            return Err(AppError::invalid(
                "entry",
                "Bút toán này đã được đảo",
                "this entry was reversed already",
            ));
        }
        let today = self.today();
        let note = format!("Đảo bút toán #{}: {reason}", e.id);
        let r = self
            .post(
                &mut w,
                &model,
                e.member_id,
                FundEntryKind::Reversal,
                -e.amount,
                today,
                note,
                None,
                Some(e.id),
            )
            .await?;
        w.commit().await?;
        Ok(r)
    }

    /// Pay `amount` of a receipt from a model's fund, in the payment's transaction: from the
    /// member's own sub-balance first, the rest from the common pool. The payer must be a
    /// current member (or of a member household) whose `scheme` the model pays.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn draw_fund(
        &self,
        w: &mut Work<'_>,
        model_id: i64,
        payer: &PersonRow,
        scheme: Scheme,
        amount: i64,
        receipt_id: i64,
        receipt_no: &str,
    ) -> Result<()> {
        let model = w.conn().model_by_id(model_id).await?.ok_or_else(|| {
            AppError::invalid(
                "sources",
                "Không tìm thấy mô hình của nguồn quỹ",
                "no such model for the fund source",
            )
        })?;
        let members = w.conn().open_memberships(payer.id, payer.household_id).await?;
        let member = members
            .iter()
            .find(|m| m.model_id == model.id && if scheme == Scheme::Vsi { m.pays_vsi } else { m.pays_hi });
        let Some(member) = member else {
            return Err(AppError::invalid(
                "sources",
                format!(
                    "{} không phải thành viên được quỹ «{}» đóng {}",
                    payer.full_name,
                    model.name,
                    scheme.label_vi()
                ),
                format!(
                    "{} is not a member whose {} the fund «{}» pays",
                    payer.full_name,
                    scheme.as_str(),
                    model.name
                ),
            ));
        };
        let balances = w.conn().fund_balances(model.id).await?;
        let own = balances.iter().find(|(k, _)| *k == member.id).map_or(0, |b| b.1);
        let common = balances.iter().find(|(k, _)| *k == 0).map_or(0, |b| b.1);
        if own + common < amount {
            return Err(short_of(&model, "phần thành viên và quỹ chung", own + common, amount));
        }
        let today = self.today();
        let from_own = own.min(amount);
        let note = format!("{}: biên lai {receipt_no}", payer.full_name);
        if from_own > 0 {
            self.post(
                w,
                &model,
                Some(member.id),
                FundEntryKind::Contribution,
                -from_own,
                today,
                note.clone(),
                Some(receipt_id),
                None,
            )
            .await?;
        }
        if amount > from_own {
            self.post(
                w,
                &model,
                None,
                FundEntryKind::Contribution,
                -(amount - from_own),
                today,
                note,
                Some(receipt_id),
                None,
            )
            .await?;
        }
        Ok(())
    }

    /// A voided receipt gives back to each fund what it drew (reversing entries).
    pub(crate) async fn restore_fund(
        &self,
        w: &mut Work<'_>,
        receipt_id: i64,
        receipt_no: &str,
    ) -> Result<()> {
        let today = self.today();
        for e in w.conn().open_contributions_of_receipt(receipt_id).await? {
            let model = w.conn().model_by_id(e.model_id).await?.ok_or(AppError::NotFound)?;
            let note = format!("Huỷ biên lai {receipt_no}: hoàn lại quỹ");
            self.post(
                w,
                &model,
                e.member_id,
                FundEntryKind::Reversal,
                -e.amount,
                today,
                note,
                Some(receipt_id),
                Some(e.id),
            )
            .await?;
        }
        Ok(())
    }

    /// Sổ quỹ of a model.
    pub async fn fund_statement(&self, actor: &Actor, model_id: i64) -> Result<FundStatement> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let model = self.model_in_scope(&mut c, actor, model_id).await?;
        let entries = c.fund_entries(model.id).await?;
        let members = c.members_of_models(&[model.id]).await?;
        let persons = self.member_persons(&mut c, &members).await?;
        let people = c.persons_by_ids(&persons.values().copied().collect::<Vec<_>>()).await?;
        let name_of = |mid: i64| -> String {
            persons
                .get(&mid)
                .and_then(|p| people.iter().find(|x| x.id == *p))
                .map(|p| {
                    if actor.can(Permission::View, &p.unit_path) {
                        p.full_name.clone()
                    } else {
                        ansinh_domain::collection::masked_name(&p.full_name)
                    }
                })
                .unwrap_or_else(|| format!("#{mid}"))
        };
        let reversed: std::collections::HashSet<i64> = entries.iter().filter_map(|e| e.reverses_id).collect();
        let mut balance = 0;
        let (mut income, mut spent) = (0, 0);
        let mut lines = Vec::new();
        for e in entries {
            balance += e.amount;
            if e.amount > 0 {
                income += e.amount
            } else {
                spent -= e.amount
            }
            let member = e.member_id.map(name_of).unwrap_or_default();
            lines.push(StatementLine { reversed: reversed.contains(&e.id), entry: e, member, balance });
        }
        let mut pools: Vec<(i64, String, i64)> = c
            .fund_balances(model.id)
            .await?
            .into_iter()
            .map(|(k, b)| (k, if k == 0 { "Quỹ chung".to_string() } else { name_of(k) }, b))
            .collect();
        if !pools.iter().any(|p| p.0 == 0) {
            pools.insert(0, (0, "Quỹ chung".into(), 0));
        }
        Ok(FundStatement { model, lines, pools, income, spent, balance })
    }
}
