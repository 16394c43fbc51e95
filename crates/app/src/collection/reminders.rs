//! Nhắc đóng — the reminder outbox: a Vietnamese message (name, amount, deadline) for each
//! person due soon, suspended or lapsed in the collector's scope; channels behind one trait (a
//! printable list, a CSV for an SMS gateway; nothing is sent from here); a reminder is closed by
//! the payment that follows it, so the outbox tells how many reminders turned into payments.

use super::*;
use ansinh_domain::collection::masked_name;
use ansinh_rules::Vnd;
use ansinh_store::ReminderRow;
use views::DueFilter;

/// A file a channel makes of reminders.
pub struct ChannelFile {
    pub filename: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// A way to hand reminders over (print them, give them to an SMS gateway…).
pub trait ReminderChannel: Send + Sync {
    /// `print`, `sms`.
    fn key(&self) -> &'static str;
    fn render(&self, reminders: &[ReminderRow]) -> ChannelFile;
}

/// A list to print and take along: one numbered line per reminder.
pub struct PrintList;

impl ReminderChannel for PrintList {
    fn key(&self) -> &'static str {
        "print"
    }
    fn render(&self, reminders: &[ReminderRow]) -> ChannelFile {
        let mut out = String::from("DANH SÁCH NHẮC ĐÓNG BHXH, BHYT\n\n");
        for (i, r) in reminders.iter().enumerate() {
            out.push_str(&format!(
                "{}. {}{}\n",
                i + 1,
                r.message,
                r.phone.as_ref().map(|p| format!(" — ĐT {p}")).unwrap_or_default()
            ));
        }
        ChannelFile {
            filename: "nhac-dong.txt".into(),
            content_type: "text/plain; charset=utf-8",
            bytes: out.into_bytes(),
        }
    }
}

/// A CSV an SMS gateway takes: phone, message (reminders without a phone are left out).
pub struct SmsCsv;

impl ReminderChannel for SmsCsv {
    fn key(&self) -> &'static str {
        "sms"
    }
    fn render(&self, reminders: &[ReminderRow]) -> ChannelFile {
        let rows = reminders
            .iter()
            .filter_map(|r| r.phone.as_ref().map(|p| vec![p.clone(), r.message.clone()]))
            .collect();
        let table = ansinh_reports::Table::new(vec!["phone".into(), "message".into()], rows);
        ChannelFile {
            filename: "nhac-dong-sms.csv".into(),
            content_type: "text/csv; charset=utf-8",
            bytes: ansinh_reports::write_csv(&table),
        }
    }
}

/// The collector's outbox and how it did.
#[derive(Debug, Clone, Serialize)]
pub struct Outbox {
    pub reminders: Vec<ReminderRow>,
    pub open: usize,
    /// Reminders a payment followed.
    pub paid: usize,
}

impl App {
    /// Queue a reminder for everyone due within `days` days, suspended or lapsed in the actor's
    /// collection scope — or those of the renewal list as narrowed (a place under `unit_code`,
    /// a part by `filter`) — one open reminder per participation; how many were queued.
    pub async fn queue_reminders(
        &self,
        actor: &Actor,
        days: u32,
        unit_code: Option<&str>,
        filter: DueFilter,
    ) -> Result<usize> {
        let Some(uid) = actor.user_id.filter(|_| actor.has(Permission::Collect)) else {
            return Err(AppError::Forbidden);
        };
        let (_, mut due, _) = self.due_items(actor, days, unit_code).await?;
        due.retain(|d| filter.keeps(&d.standing));
        let today = self.today();
        let mut w = self.write(actor).await?;
        let collector =
            w.conn().user_by_id(uid).await?.map_or_else(|| actor.username.clone(), |u| u.display_name);
        let mut queued = 0;
        for d in due {
            let Some(person) = w.conn().person_by_id(d.row.person_id).await? else { continue };
            let Some(p) = w.conn().participation_by_id(d.row.participation_id).await? else { continue };
            let supported = if p.scheme == Scheme::Vsi { w.conn().supported_months(p.id).await? } else { 0 };
            let members = match (p.scheme, p.household_id) {
                (Scheme::HiHousehold, Some(h)) => w.conn().household_hi_members(h).await?.len() as u32,
                _ => 1,
            };
            let Some(next) =
                self.next_payment(&p, &person, supported, members, today).filter(|n| n.problem.is_none())
            else {
                continue;
            };
            let when = match &d.standing {
                Standing::Suspended { .. } | Standing::Lapsed { .. } => "đã quá hạn".to_string(),
                _ => format!("hạn cuối {}", next.deadline.format("%d/%m/%Y")),
            };
            let message = format!(
                "Kính gửi {}: kỳ đóng {} {} tháng, số tiền {}, {}. Liên hệ {}.",
                person.full_name,
                p.scheme.label_vi(),
                next.months,
                Vnd(next.amount).format_vi(),
                when,
                collector
            );
            let r = ReminderRow {
                id: 0,
                province_code: person.province_code.clone(),
                unit_path: person.unit_path.clone(),
                participation_id: p.id,
                person_id: person.id,
                collector_id: uid,
                phone: person.phone.clone(),
                message,
                amount: next.amount,
                deadline: next.deadline,
                created_at: w.now(),
                closed_by: None,
                closed_at: None,
            };
            if w.conn().insert_reminder(&r).await? {
                queued += 1;
                let subject = Subject::new("reminder", p.id, &person.province_code, &person.unit_path);
                w.changed(
                    "reminder.queue",
                    subject,
                    None,
                    Some(serde_json::json!({ "to": masked_name(&person.full_name), "amount": r.amount })),
                );
            }
        }
        w.finish().await?;
        Ok(queued)
    }

    /// The actor's reminders (newest first) and how many a payment followed.
    pub async fn outbox(&self, actor: &Actor) -> Result<Outbox> {
        let Some(uid) = actor.user_id else { return Err(AppError::Forbidden) };
        let mut r = self.db.read().await?;
        let reminders = r.conn().reminders_of_collector(uid, 2_000).await?;
        let paid = reminders.iter().filter(|r| r.closed_by.is_some()).count();
        Ok(Outbox { open: reminders.len() - paid, paid, reminders })
    }

    /// The open reminders through a channel.
    pub async fn outbox_file(&self, actor: &Actor, channel: &dyn ReminderChannel) -> Result<ChannelFile> {
        let open: Vec<ReminderRow> =
            self.outbox(actor).await?.reminders.into_iter().filter(|r| r.closed_at.is_none()).collect();
        Ok(channel.render(&open))
    }
}
