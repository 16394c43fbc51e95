//! Thu — the collector's day: receipt books, VSI and household-HI enrolment, payments priced
//! on their payment date with numbered receipts, voids, where each person stands, renewals.
//!
//! Every change goes through the unit of work; `paid_through` of a participation is derived
//! state, recomputed from the valid receipt lines in the same transaction as each payment and
//! void (a property test checks it against a recomputation from the receipts after random
//! sequences of payments and voids).
//! Parts: [`books`], [`enrol`], [`pay`], [`views`].

use crate::work::{Audited, Derived, Subject};
use crate::{App, AppError, Result};
use ansinh_domain::{Actor, Invalid, Permission, Scheme};
use ansinh_rules::vsi::{self, PaymentMode};
use ansinh_rules::{Month, ParamSet};
use ansinh_store::{BookRow, ParticipationRow, ReceiptRow};
use chrono::{Days, Months, NaiveDate};
use serde::Serialize;

mod books;
mod citizen;
mod enrol;
mod forms;
mod lists;
mod pay;
mod reminders;
mod remit;
mod views;

pub use books::NewBook;
pub use citizen::{CitizenCover, CitizenReceipt, CitizenScheme};
pub use enrol::{HiCandidate, HiEnrolment, VsiEnrolment, VsiTerms};
pub use forms::{
    DECLARATION_FIELDS, DeclarationLayout, FIELDS as FORM_FIELDS, FormLayout, declaration_layout,
    declaration_layouts, form_layout, form_layouts,
};
pub use lists::{LIST_HEADERS, ListImportReport};
pub use pay::{PaymentItem, PaymentOutcome, PaymentRequest, SourceInput};
pub use reminders::{ChannelFile, Outbox, PrintList, ReminderChannel, SmsCsv};
pub use remit::RemittanceView;
pub use views::{
    CollectorDay, CoverItem, DUE_LIMIT, DUE_MAX_DAYS, DueFilter, DueItem, DuePlace, DueView, NextPayment,
    PersonCover, PublicReceipt, ReceiptLineView, ReceiptView,
};

impl Audited for BookRow {
    fn subject(&self) -> Subject {
        Subject::new("receipt_book", self.id, &self.province_code, &self.unit_path)
    }
}

impl Audited for ReceiptRow {
    fn subject(&self) -> Subject {
        Subject::new("receipt", self.id, &self.province_code, &self.unit_path)
    }
}

/// Where a participation stands on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Standing {
    /// Đang tham gia — covered through `through`.
    Active { through: NaiveDate },
    /// Paid, but the HI card is valid only from `card_from` (waiting period).
    Waiting { card_from: NaiveDate },
    /// Chờ đóng — the period from `from` is due, to be paid by `deadline`.
    Due { from: Month, deadline: NaiveDate },
    /// Tạm dừng — a VSI deadline was missed on `since`; the person re-registers.
    Suspended { since: NaiveDate },
    /// Hết hạn — the HI card ran out on `since` and nothing was paid after it.
    Lapsed { since: NaiveDate },
    /// Đã kết thúc.
    Ended { on: NaiveDate, reason: String },
}

impl Standing {
    /// Short Vietnamese label.
    pub fn label_vi(&self) -> String {
        let d = |d: &NaiveDate| d.format("%d/%m/%Y").to_string();
        match self {
            Standing::Active { through } => format!("Đang tham gia, đã đóng đến {}", d(through)),
            Standing::Waiting { card_from } => format!("Đã đóng, thẻ có giá trị từ {}", d(card_from)),
            Standing::Due { from, deadline } => {
                format!("Chờ đóng kỳ từ {:02}/{}, hạn cuối {}", from.month(), from.year(), d(deadline))
            }
            Standing::Suspended { since } => {
                format!("Tạm dừng (quá hạn đóng từ {}), cần đăng ký lại", d(since))
            }
            Standing::Lapsed { since } => format!("Thẻ hết hạn từ {}", d(since)),
            Standing::Ended { on, reason } => format!("Đã kết thúc ngày {} ({reason})", d(on)),
        }
    }

    /// Short English label.
    pub fn label_en(&self) -> String {
        match self {
            Standing::Active { through } => format!("Active, paid through {through}"),
            Standing::Waiting { card_from } => format!("Paid; card valid from {card_from}"),
            Standing::Due { from, deadline } => format!("Period from {from} due by {deadline}"),
            Standing::Suspended { since } => format!("Suspended (deadline missed on {since})"),
            Standing::Lapsed { since } => format!("Card expired on {since}"),
            Standing::Ended { on, reason } => format!("Ended on {on} ({reason})"),
        }
    }

    /// A word for CSS and the API: active, waiting, due, suspended, lapsed, ended.
    pub fn key(&self) -> &'static str {
        match self {
            Standing::Active { .. } => "active",
            Standing::Waiting { .. } => "waiting",
            Standing::Due { .. } => "due",
            Standing::Suspended { .. } => "suspended",
            Standing::Lapsed { .. } => "lapsed",
            Standing::Ended { .. } => "ended",
        }
    }
}

/// The payment mode of `months` months paid at once.
pub fn mode_of(months: u32) -> std::result::Result<PaymentMode, Invalid> {
    crate::calc::mode(months)
}

/// The VSI period a payment on `today` covers next: the month after the paid period, unless
/// its deadline has passed (suspended: the person re-registers from the current month), or the
/// first month of the participation for a first payment.
pub(crate) fn vsi_next_start(
    params: &ParamSet,
    p: &ParticipationRow,
    mode: PaymentMode,
    today: NaiveDate,
) -> Result<(Month, Option<NaiveDate>)> {
    let this = Month::from_date(today);
    // A re-registration moves `started_on` past the old paid period.
    let registered = Month::from_date(p.started_on);
    let candidate = match p.paid_through {
        Some(t) => Month::from_date(t).add(1).max(registered),
        None => registered,
    };
    let deadline = vsi::deadline_with(params, mode, candidate)?.last_day;
    if deadline < today {
        // Missed: suspended since the day after the deadline.
        Ok((this, deadline.succ_opt()))
    } else {
        Ok((candidate, None))
    }
}

/// Where `p` stands on `on`.
pub fn standing(params: &ParamSet, p: &ParticipationRow, on: NaiveDate) -> Result<Standing> {
    if let Some(ended) = p.ended_on.filter(|e| *e <= on) {
        return Ok(Standing::Ended { on: ended, reason: p.end_reason.clone() });
    }
    match p.scheme {
        Scheme::Vsi => {
            if let Some(t) = p.paid_through.filter(|t| *t >= on) {
                return Ok(Standing::Active { through: t });
            }
            let mode = mode_of(u32::try_from(p.mode_months.unwrap_or(1)).unwrap_or(1))?;
            let (from, suspended) = vsi_next_start(params, p, mode, on)?;
            if let Some(since) = suspended {
                return Ok(Standing::Suspended { since });
            }
            let deadline = vsi::deadline_with(params, mode, from)?.last_day;
            Ok(Standing::Due { from, deadline })
        }
        Scheme::HiHousehold => match p.paid_through {
            Some(t) if t >= on => Ok(Standing::Active { through: t }),
            Some(t) => Ok(Standing::Lapsed { since: t.succ_opt().unwrap_or(t) }),
            None => {
                let m = Month::from_date(on);
                Ok(Standing::Due { from: m, deadline: m.last_day() })
            }
        },
        Scheme::Csi | Scheme::Ui | Scheme::Hi if p.started_on > on => {
            Ok(Standing::Waiting { card_from: p.started_on })
        }
        Scheme::Csi | Scheme::Ui | Scheme::Hi => match p.valid_to {
            Some(t) if t < on => {
                Ok(Standing::Ended { on: t, reason: "hết thời hạn trong danh sách".into() })
            }
            Some(t) => Ok(Standing::Active { through: t }),
            None => Ok(Standing::Active { through: NaiveDate::MAX }),
        },
    }
}

/// The last day of `months` months starting on `from` (`from` + months − 1 day).
pub(crate) fn period_end(from: NaiveDate, months: u32) -> NaiveDate {
    from.checked_add_months(Months::new(months))
        .and_then(|d| d.checked_sub_days(Days::new(1)))
        .unwrap_or(NaiveDate::MAX)
}

/// The actor must be a collector (a user, with [`Permission::Collect`]) at `path`; outside its
/// view scope the thing is "not found".
pub(crate) fn collect_guard(actor: &Actor, path: &str) -> Result<i64> {
    if !actor.can(Permission::View, path) {
        return Err(AppError::NotFound);
    }
    if !actor.can(Permission::Collect, path) {
        return Err(AppError::Forbidden);
    }
    actor.user_id.ok_or(AppError::Forbidden)
}

impl App {
    /// The participation `id` if the actor may see it (through its person's place).
    pub(crate) async fn participation_in_scope(
        &self,
        c: &mut ansinh_store::Conn<'_>,
        actor: &Actor,
        id: i64,
    ) -> Result<(ParticipationRow, ansinh_store::PersonRow)> {
        let p = c.participation_by_id(id).await?.ok_or(AppError::NotFound)?;
        let person = c.person_by_id(p.person_id).await?.ok_or(AppError::NotFound)?;
        if !actor.can(Permission::View, &person.unit_path) {
            return Err(AppError::NotFound);
        }
        Ok((p, person))
    }
}
