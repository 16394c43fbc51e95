//! Payments: one visit (a request id) records one receipt per item — a person's VSI, a
//! household's HI — each numbered from the collector's book, priced on the payment date, with
//! its payer sources. A retried request returns what it made; a void reverses a receipt.

use super::enrol::json;
use super::*;
use ansinh_domain::collection::{CODE_LEN, verification_code};
use ansinh_domain::{PayerSource, text};
use ansinh_rules::{Vnd, hi};
use ansinh_store::{ReceiptLineRow, ReceiptSourceRow};
use sha2::{Digest, Sha256};

/// One visit's payments.
#[derive(Debug, Clone, Default, serde::Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentRequest {
    /// Chosen by the client (a form's hidden field, an API client's UUID): the same id sent
    /// twice pays once.
    pub request_id: String,
    pub items: Vec<PaymentItem>,
}

/// What one receipt pays for.
#[derive(Debug, Clone, serde::Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "scheme", rename_all = "snake_case")]
pub enum PaymentItem {
    /// The next period of a person's VSI participation.
    Vsi {
        participation_id: i64,
        /// Months paid now (default: the participation's mode).
        #[serde(default)]
        months: Option<u32>,
        #[serde(default)]
        sources: Vec<SourceInput>,
    },
    /// The next period of a household's HI, for every member enrolled.
    HiHousehold {
        household_id: i64,
        /// 3, 6 or 12 (`hi.household.period.{months}`).
        months: u32,
        /// Who pays and is named on the receipt (default: the head).
        #[serde(default)]
        payer_person_id: Option<i64>,
        #[serde(default)]
        sources: Vec<SourceInput>,
    },
}

/// A part of a receipt's amount and who pays it.
#[derive(Debug, Clone, serde::Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceInput {
    /// person, fund or sponsor. When no source is the person, the person pays what the listed
    /// sources leave of the amount due.
    pub source: String,
    /// The fund's or sponsor's name (a model's fund: its name, filled in).
    #[serde(default)]
    pub name: String,
    pub amount: i64,
    /// A community model whose fund pays this part: the payer must be a member whose scheme
    /// the model pays, and the fund must hold the amount (it is drawn in the same transaction).
    /// With `amount` 0 the fund pays what the other listed sources leave.
    #[serde(default)]
    pub model_id: Option<i64>,
}

/// The receipts of a request; `replayed` when they were made by an earlier send of it.
#[derive(Debug, Clone, Serialize)]
pub struct PaymentOutcome {
    pub receipts: Vec<ReceiptRow>,
    pub replayed: bool,
}

fn request_id(s: &str) -> Result<String> {
    let t = s.trim();
    if (8..=64).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        Ok(t.to_string())
    } else {
        Err(AppError::invalid(
            "request_id",
            "Mã yêu cầu cần 8–64 ký tự chữ, số, «-» hoặc «_»",
            "request id needs 8–64 of letters, digits, '-' or '_'",
        ))
    }
}

fn fingerprint(items: &[PaymentItem]) -> String {
    hex::encode(Sha256::digest(serde_json::to_vec(items).unwrap_or_default()))
}

/// A receipt being built.
struct Draft {
    scheme: Scheme,
    payer: ansinh_store::PersonRow,
    mode_months: u32,
    content: String,
    lines: Vec<ReceiptLineRow>,
    sources: Vec<(PayerSource, String, i64)>,
    /// The parts paid from community models' funds: (model id, amount).
    funds: Vec<(i64, i64)>,
    /// The VSI participation's paid-through date before this payment.
    paid_through: Option<NaiveDate>,
}

/// The fund parts of an item's sources: (model id, amount).
fn fund_parts(list: &[SourceInput]) -> Vec<(i64, i64)> {
    list.iter().filter_map(|s| s.model_id.map(|m| (m, s.amount))).collect()
}

fn sources(field_prefix: &str, list: &[SourceInput], amount: i64) -> Result<Vec<(PayerSource, String, i64)>> {
    if list.is_empty() {
        return Ok(vec![(PayerSource::Person, String::new(), amount)]);
    }
    let mut errors = Vec::new();
    let mut out: Vec<(PayerSource, String, i64)> = Vec::new();
    for s in list {
        let Ok(src) = PayerSource::parse(&s.source).map_err(|e| errors.push(e)) else { continue };
        let name = text::free_text("sources", &s.name, 120).map_err(|e| errors.push(e)).unwrap_or_default();
        if src != PayerSource::Person && name.is_empty() {
            errors.push(Invalid::new(
                "sources",
                format!("{field_prefix}Nguồn «{}» cần tên quỹ hoặc nhà tài trợ", src.label_vi()),
                format!("{field_prefix}source «{}» needs the fund's or sponsor's name", src.as_str()),
            ));
        }
        if s.amount <= 0 {
            errors.push(Invalid::new(
                "sources",
                format!("{field_prefix}Số tiền của mỗi nguồn phải lớn hơn 0"),
                format!("{field_prefix}each source's amount must be more than 0"),
            ));
        }
        match out.iter_mut().find(|(x, n, _)| *x == src && *n == name) {
            Some(e) => e.2 += s.amount,
            None => out.push((src, name, s.amount)),
        }
    }
    let total: i64 = out.iter().map(|s| s.2).sum();
    // Without a line for the person, the person pays what the others leave.
    if errors.is_empty() && total < amount && !out.iter().any(|s| s.0 == PayerSource::Person) {
        out.push((PayerSource::Person, String::new(), amount - total));
        return Ok(out);
    }
    if errors.is_empty() && total != amount {
        errors.push(Invalid::new(
            "sources",
            format!(
                "{field_prefix}Tổng các nguồn {} khác số tiền phải đóng {}",
                Vnd(total).format_vi(),
                Vnd(amount).format_vi()
            ),
            format!("{field_prefix}the sources add up to {total}, not the amount due {amount}"),
        ));
    }
    if errors.is_empty() { Ok(out) } else { Err(AppError::Invalid(errors)) }
}

/// "Tổ liên gia số 2, Thôn Thanh Bình, Xã Mai Hoa, Tỉnh Hà Tĩnh": the place and the units
/// above it, up to the province.
async fn address(c: &mut ansinh_store::Conn<'_>, path: &str) -> Result<String> {
    let ids: Vec<i64> = path.trim_matches('/').split('/').skip(1).filter_map(|s| s.parse().ok()).collect();
    let units = c.units_by_ids(&ids).await?;
    let mut names: Vec<String> =
        ids.iter().filter_map(|id| units.iter().find(|u| u.id == *id)).map(|u| u.full_name()).collect();
    names.reverse();
    Ok(names.join(", "))
}

fn month_text(m: Month) -> String {
    format!("{:02}/{}", m.month(), m.year())
}

fn day(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

impl App {
    /// Record the payments of one visit. The same `request_id` sent again by the same
    /// collector with the same items returns the receipts of the first send; with other items
    /// it is refused.
    pub async fn record_payment(&self, actor: &Actor, req: &PaymentRequest) -> Result<PaymentOutcome> {
        let rid = request_id(&req.request_id)?;
        let Some(uid) = actor.user_id else { return Err(AppError::Forbidden) };
        if !actor.has(Permission::Collect) {
            return Err(AppError::Forbidden);
        }
        if req.items.is_empty() || req.items.len() > 20 {
            return Err(AppError::invalid(
                "items",
                "Cần từ 1 đến 20 khoản thu",
                "between 1 and 20 items are needed",
            ));
        }
        let print = fingerprint(&req.items);
        let mut w = self.write(actor).await?;
        let now = w.now();
        if !w.conn().take_payment_request(&rid, uid, &print, now).await? {
            let (who, first) = w.conn().payment_request(&rid).await?.ok_or(AppError::Busy)?;
            if who != uid || first != print {
                return Err(AppError::invalid(
                    "request_id",
                    "Mã yêu cầu này đã dùng cho một lần thu khác; hãy tải lại trang",
                    "this request id was used for another payment; reload the page",
                ));
            }
            let receipts = w.conn().receipts_of_request(&rid).await?;
            drop(w);
            return Ok(PaymentOutcome { receipts, replayed: true });
        }
        let today = self.today();
        let params = self.params();
        let mut drafts = Vec::new();
        for (i, item) in req.items.iter().enumerate() {
            let prefix = if req.items.len() > 1 { format!("Khoản {}: ", i + 1) } else { String::new() };
            let d = self.draft(&mut w.conn(), actor, item, &prefix, &drafts, today, &params).await?;
            drafts.push(d);
        }

        let collector = match w.conn().user_by_id(uid).await? {
            Some(u) => u.display_name,
            None => actor.username.clone(),
        };
        let mut receipts = Vec::new();
        // The places of persons this visit makes insured today (a VSI period reaching today
        // that did not before): only they can bring a group or village to 100 %.
        let mut paths: Vec<String> = Vec::new();
        for d in drafts {
            let (book, number) = loop {
                let book = w.conn().current_book(uid).await?.ok_or_else(|| {
                    AppError::invalid(
                        "book",
                        "Bạn chưa có quyển biên lai còn số; đề nghị cơ quan BHXH cấp quyển mới",
                        "you have no receipt book with numbers left; ask the SI office for one",
                    )
                })?;
                if let Some(n) = w.conn().take_receipt_number(book.id).await? {
                    break (book, n);
                }
            };
            let place = address(&mut w.conn(), &d.payer.unit_path).await?;
            let mut random = [0u8; CODE_LEN];
            getrandom::fill(&mut random).map_err(|e| AppError::Internal(format!("random: {e}")))?;
            let amount: i64 = d.lines.iter().map(|l| l.amount).sum();
            let mut r = ReceiptRow {
                id: 0,
                province_code: d.payer.province_code.clone(),
                unit_path: d.payer.unit_path.clone(),
                book_id: book.id,
                series: book.series.clone(),
                book_no: book.book_no.clone(),
                number,
                code: verification_code(random),
                request_id: rid.clone(),
                collector_id: uid,
                collector: collector.clone(),
                payer_person_id: d.payer.id,
                payer_name: d.payer.full_name.clone(),
                payer_si_number: d.payer.old_si_number.clone().unwrap_or_default(),
                payer_address: place,
                scheme: d.scheme,
                mode_months: i64::from(d.mode_months),
                content: d.content,
                amount,
                paid_on: today,
                at: now,
                voided_at: None,
                void_reason: String::new(),
                voided_by: String::new(),
                remittance_id: None,
            };
            r.id = w.conn().insert_receipt(&r).await?;
            let lines: Vec<ReceiptLineRow> =
                d.lines.into_iter().map(|l| ReceiptLineRow { receipt_id: r.id, ..l }).collect();
            w.conn().insert_receipt_lines(&lines).await?;
            for l in &lines {
                w.derive(Derived::Coverage(l.person_id));
            }
            let srcs: Vec<ReceiptSourceRow> = d
                .sources
                .into_iter()
                .map(|(source, name, amount)| ReceiptSourceRow { receipt_id: r.id, source, name, amount })
                .collect();
            w.conn().insert_receipt_sources(&srcs).await?;
            let number = format!("{} {}", r.series, r.number);
            for (model, amount) in &d.funds {
                self.draw_fund(&mut w, *model, &d.payer, d.scheme, *amount, r.id, &number).await?;
            }
            for l in &lines {
                let after = w.conn().refresh_paid_through(l.participation_id, now).await?;
                let insured_before = d.paid_through.is_some_and(|p| p >= today);
                if d.scheme == Scheme::Vsi && !insured_before && after.is_some_and(|p| p >= today) {
                    paths.push(d.payer.unit_path.clone());
                }
            }
            // The payment closes the reminders that asked for it.
            let parts: Vec<i64> = lines.iter().map(|l| l.participation_id).collect();
            w.conn().close_reminders(&parts, r.id, now).await?;
            w.changed(
                "receipt.issue",
                r.subject(),
                None,
                Some(
                    serde_json::json!({ "receipt": json(&r), "lines": json(&lines), "sources": json(&srcs) }),
                ),
            );
            receipts.push(r);
        }
        self.refresh_full_groups(&mut w, &paths).await?;
        w.commit().await?;
        Ok(PaymentOutcome { receipts, replayed: false })
    }

    /// Price one item as of `today` (nothing written): the receipt it would make.
    #[allow(clippy::too_many_arguments)]
    async fn draft(
        &self,
        c: &mut ansinh_store::Conn<'_>,
        actor: &Actor,
        item: &PaymentItem,
        prefix: &str,
        drafts: &[Draft],
        today: NaiveDate,
        params: &ParamSet,
    ) -> Result<Draft> {
        Ok(match item {
            PaymentItem::Vsi { participation_id, months, sources: src } => {
                let (p, person) = self.participation_in_scope(c, actor, *participation_id).await?;
                collect_guard(actor, &person.unit_path)?;
                if p.scheme != Scheme::Vsi || p.ended_on.is_some_and(|e| e <= today) {
                    return Err(AppError::invalid(
                        "participation_id",
                        format!("{prefix}Người này không còn tham gia BHXH tự nguyện"),
                        "no open VSI participation",
                    ));
                }
                if drafts.iter().any(|d: &Draft| d.lines.iter().any(|l| l.participation_id == p.id)) {
                    return Err(AppError::invalid(
                        "items",
                        format!("{prefix}Một người chỉ đóng một kỳ mỗi lần thu"),
                        "one period per participation per visit",
                    ));
                }
                let supported = c.supported_months(p.id).await?;
                let (input, _) = self.vsi_input_for(&p, &person, *months, supported, today)?;
                let q = vsi::quote(params, &input)?;
                let last = input.start.add(i64::from(q.months) - 1);
                let supported_months =
                    q.lines.iter().filter(|l| l.state_support.0 > 0 || l.local_support.0 > 0).count();
                let mode =
                    if q.months == 1 { "hằng tháng".to_string() } else { format!("{} tháng", q.months) };
                let srcs = self.fund_names(c, src, q.payable.0).await?;
                Draft {
                    scheme: Scheme::Vsi,
                    mode_months: q.months,
                    content: format!(
                        "Đóng BHXH tự nguyện, phương thức {mode}, từ {} đến {}",
                        month_text(input.start),
                        month_text(last)
                    ),
                    lines: vec![ReceiptLineRow {
                        receipt_id: 0,
                        participation_id: p.id,
                        person_id: person.id,
                        ordinal: 1,
                        covers_from: input.start.first_day(),
                        covers_to: last.last_day(),
                        months: i64::from(q.months),
                        income: p.income,
                        gross: q.gross.0,
                        state_support: q.state_support.0,
                        local_support: q.local_support.0,
                        discount: q.discount.0,
                        supported_months: supported_months as i64,
                        amount: q.payable.0,
                    }],
                    sources: sources(prefix, &srcs, q.payable.0)?,
                    funds: fund_parts(&srcs),
                    paid_through: p.paid_through,
                    payer: person,
                }
            }
            PaymentItem::HiHousehold { household_id, months, payer_person_id, sources: src } => {
                let household = c.household_by_id(*household_id).await?.ok_or(AppError::NotFound)?;
                collect_guard(actor, &household.unit_path)?;
                if drafts.iter().any(|d: &Draft| {
                    d.scheme == Scheme::HiHousehold && d.payer.household_id == Some(household.id)
                }) {
                    return Err(AppError::invalid(
                        "items",
                        format!("{prefix}Một hộ chỉ đóng BHYT một lần mỗi lần thu"),
                        "one HI payment per household per visit",
                    ));
                }
                let parts = c.household_hi_members(household.id).await?;
                if parts.is_empty() {
                    return Err(AppError::invalid(
                        "household_id",
                        format!("{prefix}Hộ {} chưa có thành viên đăng ký BHYT hộ gia đình", household.code),
                        format!("household {} has no member enrolled in household HI", household.code),
                    ));
                }
                let residents = c.persons_of_household(household.id).await?;
                let mut members: Vec<(ParticipationRow, ansinh_store::PersonRow)> = parts
                    .into_iter()
                    .filter_map(|p| residents.iter().find(|r| r.id == p.person_id).cloned().map(|r| (p, r)))
                    .collect();
                // Ordinals: the head first, then by age (oldest first).
                members.sort_by_key(|(_, r)| {
                    (r.relation != Some(ansinh_domain::Relation::Head), r.birth.iso(), r.id)
                });
                let payer = match payer_person_id {
                    Some(id) => residents.iter().find(|r| r.id == *id).cloned().ok_or_else(|| {
                        AppError::invalid(
                            "payer_person_id",
                            format!("{prefix}Người đóng phải là thành viên của hộ {}", household.code),
                            format!("the payer must be a member of household {}", household.code),
                        )
                    })?,
                    None => residents
                        .iter()
                        .find(|r| Some(r.id) == household.head_person_id)
                        .or(members.first().map(|(_, r)| r))
                        .cloned()
                        .ok_or(AppError::NotFound)?,
                };
                let q = hi::household(params, members.len() as u32, Month::from_date(today), *months)?;
                let mut lines = Vec::new();
                for ((p, r), m) in members.iter().zip(&q.members) {
                    let from = hi::card_valid_from_with(params, today, p.paid_through)?;
                    let to = period_end(from, *months);
                    lines.push(ReceiptLineRow {
                        receipt_id: 0,
                        participation_id: p.id,
                        person_id: r.id,
                        ordinal: i64::from(m.ordinal),
                        covers_from: from,
                        covers_to: to,
                        months: i64::from(*months),
                        income: None,
                        gross: m.monthly.0 * i64::from(*months),
                        state_support: 0,
                        local_support: 0,
                        discount: 0,
                        supported_months: 0,
                        amount: m.monthly.0 * i64::from(*months),
                    });
                }
                let from = lines.iter().map(|l| l.covers_from).min().unwrap_or(today);
                let to = lines.iter().map(|l| l.covers_to).max().unwrap_or(today);
                let srcs = self.fund_names(c, src, q.total.0).await?;
                Draft {
                    scheme: Scheme::HiHousehold,
                    mode_months: *months,
                    content: format!(
                        "Tiền đóng BHYT hộ gia đình ({} người), phương thức đóng {months} tháng, từ ngày {} đến ngày {}",
                        lines.len(),
                        day(from),
                        day(to)
                    ),
                    sources: sources(prefix, &srcs, q.total.0)?,
                    funds: fund_parts(&srcs),
                    paid_through: None,
                    lines,
                    payer,
                }
            }
        })
    }

    /// The sources with each model fund named by its model (and its source set to fund); a
    /// model's fund given no amount (0) pays what the other listed sources leave of `due`.
    async fn fund_names(
        &self,
        c: &mut ansinh_store::Conn<'_>,
        list: &[SourceInput],
        due: i64,
    ) -> Result<Vec<SourceInput>> {
        let others: i64 =
            list.iter().filter(|s| !(s.model_id.is_some() && s.amount == 0)).map(|s| s.amount).sum();
        let mut out = Vec::with_capacity(list.len());
        for s in list {
            let mut s = s.clone();
            if let Some(id) = s.model_id {
                let m = c.model_by_id(id).await?.ok_or_else(|| {
                    AppError::invalid(
                        "sources",
                        "Không tìm thấy mô hình của nguồn quỹ",
                        "no such model for the fund source",
                    )
                })?;
                s.source = PayerSource::Fund.as_str().into();
                s.name = format!("Quỹ {}", m.name);
                if s.amount == 0 {
                    s.amount = due - others;
                }
            }
            out.push(s);
        }
        Ok(out)
    }

    /// What an item would cost if paid today (for a form splitting it between sources).
    pub async fn quote_item(&self, actor: &Actor, item: &PaymentItem) -> Result<i64> {
        let mut r = self.db.read().await?;
        let d = self.draft(&mut r.conn(), actor, item, "", &[], self.today(), &self.params()).await?;
        Ok(d.lines.iter().map(|l| l.amount).sum())
    }

    /// Void a receipt with a reason: it stays, marked void, and its months no longer count
    /// toward the paid-through dates. Its collector, or the SI office, may void it.
    pub async fn void_receipt(&self, actor: &Actor, id: i64, reason: &str) -> Result<ReceiptRow> {
        let reason = text::free_text("reason", reason, 300)?;
        if reason.chars().count() < 5 {
            return Err(AppError::invalid(
                "reason",
                "Cần ghi lý do huỷ (ít nhất 5 ký tự)",
                "a reason of at least 5 characters is needed",
            ));
        }
        let mut w = self.write(actor).await?;
        let before = w.conn().receipt_by_id(id).await?.ok_or(AppError::NotFound)?;
        if !actor.can(Permission::View, &before.unit_path) {
            return Err(AppError::NotFound);
        }
        let own =
            actor.user_id == Some(before.collector_id) && actor.can(Permission::Collect, &before.unit_path);
        if !own && !actor.can(Permission::ManageBooks, &before.unit_path) {
            return Err(AppError::Forbidden);
        }
        super::remit::void_allowed(&mut w.conn(), actor, &before).await?;
        let now = w.now();
        if !w.conn().void_receipt(id, now, &reason, &actor.username).await? {
            return Err(AppError::invalid(
                "reason",
                "Biên lai đã huỷ từ trước",
                "the receipt is void already",
            ));
        }
        let lines = w.conn().receipt_lines(&[id]).await?;
        for l in &lines {
            w.conn().refresh_paid_through(l.participation_id, now).await?;
            w.derive(Derived::Coverage(l.person_id));
        }
        self.restore_fund(&mut w, id, &format!("{} {}", before.series, before.number)).await?;
        self.refresh_full_groups(&mut w, std::slice::from_ref(&before.unit_path)).await?;
        let after = ReceiptRow {
            voided_at: Some(now),
            void_reason: reason,
            voided_by: actor.username.clone(),
            ..before.clone()
        };
        w.updated("receipt.void", &before, &after);
        w.commit().await?;
        Ok(after)
    }
}
