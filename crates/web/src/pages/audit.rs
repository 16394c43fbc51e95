//! The audit log of the actor's scope, with filters and keyset pagination.

use crate::AppState;
use crate::error::PageError;
use crate::i18n::Lang;
use crate::pages::render;
use crate::session::{Page, urlencode};
use ansinh_app::AppError;
use ansinh_app::records::AuditFilter;
use ansinh_app::records::AuditRow;
use ansinh_domain::Permission;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use chrono::{NaiveDate, TimeZone, Utc};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    /// "1": leave sign-ins out.
    #[serde(default)]
    hide_logins: String,
    before: Option<i64>,
}

/// Sign-in events: many a day, no change to any record.
const LOGIN_ACTIONS: [&str; 1] = ["user.login"];

/// Start of a Vietnamese calendar day (UTC+7) as a UTC instant.
fn day_start(d: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight")) - chrono::Duration::hours(7)
}

fn parse_day(field: &str, s: &str) -> Result<Option<NaiveDate>, AppError> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    crate::fmt::parse_date(s).map(Some).ok_or_else(|| {
        AppError::invalid(
            field,
            format!("Ngày «{s}» không hợp lệ, cần dạng dd/mm/yyyy"),
            format!("date «{s}» is invalid, expected dd/mm/yyyy"),
        )
    })
}

pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<AuditQuery>,
) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    if !actor.has(Permission::ViewAudit) {
        return Err(PageError::from(AppError::Forbidden));
    }
    let from = parse_day("from", &q.from)?;
    let to = parse_day("to", &q.to)?;
    let nonempty = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    let filter = AuditFilter {
        action: nonempty(&q.action),
        entity: None,
        actor: nonempty(&q.actor),
        from: from.map(day_start),
        to: to.and_then(|d| d.succ_opt()).map(day_start),
        before_id: q.before,
        exclude_actions: if q.hide_logins == "1" {
            LOGIN_ACTIONS.iter().map(|a| a.to_string()).collect()
        } else {
            Vec::new()
        },
    };
    let result = state.app.audit_list(actor, &filter, 50).await?;
    let next_link = result.next_before.map(|b| {
        format!(
            "/audit?action={}&actor={}&from={}&to={}&hide_logins={}&before={b}",
            urlencode(&q.action),
            urlencode(&q.actor),
            urlencode(&q.from),
            urlencode(&q.to),
            urlencode(&q.hide_logins)
        )
    });
    let entries = result.rows.iter().map(|r| Entry::of(&page, r)).collect();
    let actions = result.actions.into_iter().map(|a| (action_label(page.lang, &a), a)).collect();
    render(&AuditTpl {
        page: &page,
        entries,
        actions,
        action: q.action,
        actor: q.actor,
        // The date pickers take YYYY-MM-DD; a day typed as dd/mm/yyyy is shown back as one.
        from: from.map(|d| d.to_string()).unwrap_or_default(),
        to: to.map(|d| d.to_string()).unwrap_or_default(),
        hide_logins: q.hide_logins == "1",
        next_link,
    })
}

// ─── Views ───────────────────────────────────────────────────────────────────────────────

/// What happened, in words: the action codes staff meet in the audit (unknown ones are shown
/// as their code).
const ACTIONS: &[(&str, &str, &str)] = &[
    ("campaign.create", "Tạo đợt vận động", "Campaign created"),
    ("demo.lists", "Tạo danh sách mẫu", "Demo lists created"),
    ("demo.population", "Tạo dân cư mẫu", "Demo population created"),
    ("fund.entry", "Ghi sổ quỹ", "Fund entry"),
    ("fund.reverse", "Huỷ bút toán quỹ", "Fund entry reversed"),
    ("group.dropped", "Tổ liên gia không còn đủ 100%", "Group no longer at 100 %"),
    ("group.full", "Tổ liên gia đạt 100%", "Group reached 100 %"),
    ("household.create", "Tạo hộ gia đình", "Household created"),
    ("household.poverty", "Xác định hộ nghèo, cận nghèo", "Household poverty status set"),
    ("household.update", "Sửa thông tin hộ", "Household updated"),
    ("indicator.denominator", "Nhập mẫu số chỉ tiêu", "Indicator denominator entered"),
    ("indicator.snapshot", "Chốt số liệu chỉ tiêu", "Indicator snapshot taken"),
    ("indicator.target", "Giao chỉ tiêu", "Target set"),
    ("indicators.rebuild", "Tính lại chỉ tiêu", "Indicators rebuilt"),
    ("indicators.rebuild_coverage", "Tính lại độ bao phủ", "Coverage rebuilt"),
    ("model.create", "Tạo mô hình an sinh", "Community model created"),
    ("model.member.add", "Thêm thành viên mô hình", "Model member added"),
    ("model.member.leave", "Thành viên rời mô hình", "Model member left"),
    ("model.replicate", "Nhân rộng mô hình", "Model replicated"),
    ("model.status", "Đổi trạng thái mô hình", "Model status changed"),
    ("parameter.add", "Thêm phiên bản tham số pháp lý", "Legal parameter version added"),
    ("parameter.refresh", "Cập nhật căn cứ tham số theo bản phát hành", "Parameter citation refreshed"),
    ("parameter.seed", "Nạp tham số pháp lý", "Legal parameters loaded"),
    ("participation.end", "Kết thúc tham gia", "Participation ended"),
    ("participation.enrol", "Đăng ký tham gia", "Enrolled"),
    ("participation.list_import", "Nhập danh sách tham gia", "Participation list imported"),
    ("participation.list_update", "Cập nhật theo danh sách tham gia", "Updated from a participation list"),
    ("participation.terms", "Đổi mức đóng, phương thức đóng", "Contribution terms changed"),
    ("person.cccd_conflict", "Trùng số CCCD", "CCCD conflict"),
    ("person.create", "Thêm nhân khẩu", "Person added"),
    ("person.duplicate_dismiss", "Bỏ qua nghi trùng", "Possible duplicate dismissed"),
    ("person.import", "Nhập danh sách nhân khẩu", "Persons imported"),
    ("person.import_checked", "Kiểm tra tệp nhân khẩu", "Person file checked"),
    ("person.import_part", "Nhập một phần danh sách nhân khẩu", "Part of a person list imported"),
    ("person.merge", "Gộp nhân khẩu trùng", "Duplicate persons merged"),
    ("person.update", "Sửa thông tin nhân khẩu", "Person updated"),
    ("receipt.issue", "Lập biên lai thu tiền", "Receipt issued"),
    ("receipt.void", "Huỷ biên lai", "Receipt voided"),
    ("receipt_book.issue", "Cấp quyển biên lai", "Receipt book issued"),
    ("reminder.queue", "Xếp lịch nhắc đóng", "Reminders queued"),
    ("remittance.review", "BHXH xác nhận bảng kê nộp tiền", "Remittance reviewed"),
    ("remittance.submit", "Nộp tiền về BHXH", "Remittance submitted"),
    ("token.create", "Tạo khoá API", "API token created"),
    ("token.revoke", "Thu hồi khoá API", "API token revoked"),
    ("unit.create", "Tạo đơn vị hành chính", "Unit created"),
    ("unit.rename", "Đổi tên đơn vị", "Unit renamed"),
    ("unit.start", "Sửa ngày bắt đầu có của thôn, tổ", "Place start day changed"),
    ("units.load", "Nạp danh mục đơn vị hành chính", "Units loaded"),
    ("user.create", "Tạo người dùng", "User created"),
    ("user.login", "Đăng nhập", "Signed in"),
    ("user.password", "Đổi mật khẩu", "Password changed"),
    ("user.sign_out_everywhere", "Kết thúc mọi phiên đăng nhập", "Signed out everywhere"),
    ("user.unlock", "Mở khoá tài khoản", "Account unlocked"),
    ("visit.record", "Ghi kết quả đến hộ", "Visit recorded"),
];

pub fn action_label(lang: Lang, action: &str) -> String {
    match ACTIONS.iter().find(|(a, _, _)| *a == action) {
        Some((_, vi, en)) => (if lang == Lang::Vi { *vi } else { *en }).to_string(),
        None => action.to_string(),
    }
}

/// Field names as people say them (unknown ones keep their code).
const FIELDS: &[(&str, &str, &str)] = &[
    ("full_name", "Họ và tên", "Full name"),
    ("name", "Tên", "Name"),
    ("cccd", "Số CCCD", "CCCD"),
    ("birth", "Ngày sinh", "Birth"),
    ("birth_date", "Ngày sinh", "Birth date"),
    ("sex", "Giới tính", "Sex"),
    ("phone", "Điện thoại", "Phone"),
    ("ethnicity", "Dân tộc", "Ethnicity"),
    ("occupation", "Nghề nghiệp", "Occupation"),
    ("relation", "Quan hệ với chủ hộ", "Relation to the head"),
    ("household_id", "Hộ", "Household"),
    ("household_code", "Mã hộ", "Household code"),
    ("unit_id", "Đơn vị (mã số)", "Unit (id)"),
    ("unit_code", "Nơi ở", "Place"),
    ("address", "Địa chỉ", "Address"),
    ("poverty_status", "Hộ nghèo, cận nghèo", "Poverty status"),
    ("status", "Trạng thái", "Status"),
    ("amount", "Số tiền", "Amount"),
    ("income", "Mức thu nhập", "Income"),
    ("months", "Số tháng", "Months"),
    ("scheme", "Loại bảo hiểm", "Scheme"),
    ("reason", "Lý do", "Reason"),
    ("note", "Ghi chú", "Note"),
    ("role", "Vai trò", "Role"),
    ("username", "Tên đăng nhập", "Username"),
    ("display_name", "Tên hiển thị", "Display name"),
    ("value", "Giá trị", "Value"),
    ("legal_basis", "Căn cứ pháp lý", "Legal basis"),
    ("confidence", "Độ tin cậy", "Confidence"),
    ("effective_from", "Hiệu lực từ", "In force from"),
    ("effective_to", "Đến trước ngày", "Until"),
    ("ended_on", "Ngày kết thúc", "Ended on"),
    ("end_reason", "Lý do kết thúc", "End reason"),
    ("indicator", "Chỉ tiêu", "Indicator"),
    ("rate_bp", "Tỷ lệ (phần vạn)", "Rate (basis points)"),
    ("resolution", "Văn bản giao", "Resolution"),
    ("year", "Năm", "Year"),
    ("month", "Tháng", "Month"),
    ("payer_name", "Người nộp", "Payer"),
    ("series", "Ký hiệu", "Series"),
    ("number", "Số", "Number"),
    ("outcome", "Kết quả", "Outcome"),
    ("person_id", "Nhân khẩu", "Person"),
    ("model_id", "Mô hình", "Model"),
    ("campaign_id", "Đợt vận động", "Campaign"),
    ("key", "Mã tham số", "Key"),
];

fn field_label(lang: Lang, key: &str) -> String {
    let last = key.rsplit('.').next().unwrap_or(key);
    match FIELDS.iter().find(|(k, _, _)| *k == last) {
        Some((_, vi, en)) if key == last => (if lang == Lang::Vi { *vi } else { *en }).to_string(),
        Some((_, vi, en)) => format!("{} ({})", if lang == Lang::Vi { *vi } else { *en }, key),
        None => key.to_string(),
    }
}

/// A JSON object flattened one level deep (`terms.income`), keys in alphabetical order.
fn flatten(v: &serde_json::Value) -> Vec<(String, serde_json::Value)> {
    let mut out = Vec::new();
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                match x {
                    serde_json::Value::Object(inner) if !inner.is_empty() => {
                        for (k2, y) in inner {
                            out.push((format!("{k}.{k2}"), y.clone()));
                        }
                    }
                    _ => out.push((k.clone(), x.clone())),
                }
            }
        }
        other => out.push((String::new(), other.clone())),
    }
    out
}

fn show_value(v: Option<&serde_json::Value>) -> String {
    match v {
        None | Some(serde_json::Value::Null) => "—".into(),
        Some(serde_json::Value::String(s)) if s.is_empty() => "—".into(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Bool(b)) => (if *b { "có" } else { "không" }).into(),
        Some(x) => x.to_string(),
    }
}

/// One changed field.
pub struct Change {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// Field-by-field differences of a record's before and after (all of after for a creation,
/// all of before for an ending). Fields that did not change are left out; so are the
/// bookkeeping timestamps.
pub fn diff(before: Option<&str>, after: Option<&str>, lang: Lang) -> Vec<Change> {
    let parse = |s: Option<&str>| s.and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok());
    let (b, a) = (parse(before).map(|v| flatten(&v)), parse(after).map(|v| flatten(&v)));
    let get = |list: &Option<Vec<(String, serde_json::Value)>>, k: &str| {
        list.as_ref().and_then(|l| l.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone()))
    };
    let mut keys: Vec<String> = Vec::new();
    for list in [&a, &b].into_iter().flatten() {
        for (k, _) in list {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    keys.into_iter()
        // Bookkeeping the entry shows already (who, when, where) or that no reader needs.
        .filter(|k| {
            let last = k.rsplit('.').next().unwrap_or(k);
            !(matches!(last, "id" | "unit_path" | "province_code" | "password_hash")
                || last.ends_with("_at")
                || last.ends_with("_by"))
        })
        .filter_map(|k| {
            let (x, y) = (get(&b, &k), get(&a, &k));
            if x == y {
                return None;
            }
            let blank = |v: &Option<serde_json::Value>| matches!(v, None | Some(serde_json::Value::Null));
            if blank(&x) && blank(&y) {
                return None;
            }
            let (before, after) = (show_value(x.as_ref()), show_value(y.as_ref()));
            (before != after).then(|| Change { field: field_label(lang, &k), before, after })
        })
        .collect()
}

/// An audit row as the page shows it.
pub struct Entry {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub code: String,
    /// The record it is about, and where it can be opened (only for pages the reader may open).
    pub subject: String,
    pub href: Option<String>,
    pub changes: Vec<Change>,
    pub raw_before: Option<String>,
    pub raw_after: Option<String>,
}

/// Most changed fields listed before "and N more" (the raw record is still there).
pub const MAX_CHANGES: usize = 12;

impl Entry {
    fn of(page: &Page, r: &AuditRow) -> Entry {
        let numeric = !r.entity_id.is_empty() && r.entity_id.bytes().all(|b| b.is_ascii_digit());
        let (vi, en, href): (&str, &str, Option<String>) = match r.entity.as_str() {
            "person" => ("Nhân khẩu", "Person", numeric.then(|| format!("/persons/{}", r.entity_id))),
            "household" => ("Hộ", "Household", numeric.then(|| format!("/households/{}", r.entity_id))),
            "unit" => ("Đơn vị", "Unit", numeric.then(|| format!("/units/{}", r.entity_id))),
            "user" => (
                "Người dùng",
                "User",
                (numeric && page.can_users()).then(|| format!("/users/{}", r.entity_id)),
            ),
            "receipt" => ("Biên lai", "Receipt", numeric.then(|| format!("/receipts/{}", r.entity_id))),
            "remittance" => {
                ("Bảng kê nộp tiền", "Remittance", numeric.then(|| format!("/remittances/{}", r.entity_id)))
            }
            "community_model" => ("Mô hình", "Model", numeric.then(|| format!("/models/{}", r.entity_id))),
            "campaign" => {
                ("Đợt vận động", "Campaign", numeric.then(|| format!("/campaigns/{}", r.entity_id)))
            }
            "import" => ("Tệp nhập", "Import file", None),
            "api_token" => ("Khoá API", "API token", None),
            "reminder" => ("Nhắc đóng", "Reminder", None),
            "parameter" => (
                "Tham số",
                "Parameter",
                (r.entity_id != "*").then(|| format!("/parameters?q={}", urlencode(&r.entity_id))),
            ),
            "participation" => ("Tham gia bảo hiểm", "Participation", None),
            "fund_entry" => ("Bút toán quỹ", "Fund entry", None),
            "model_member" => ("Thành viên mô hình", "Model member", None),
            "visit" => ("Lượt đến hộ", "Visit", None),
            "receipt_book" => ("Quyển biên lai", "Receipt book", None),
            "target" | "denominator" | "snapshot" | "coverage" => ("Chỉ tiêu", "Indicator", None),
            _ => ("", "", None),
        };
        let kind = if page.is_vi() { vi } else { en };
        let kind = if kind.is_empty() { r.entity.as_str() } else { kind };
        let subject = if r.entity_id == "*" { kind.to_string() } else { format!("{kind} #{}", r.entity_id) };
        Entry {
            at: page.datetime(&r.at),
            actor: r.actor.clone(),
            action: action_label(page.lang, &r.action),
            code: r.action.clone(),
            subject,
            href,
            changes: diff(r.before_json.as_deref(), r.after_json.as_deref(), page.lang),
            raw_before: r.before_json.clone(),
            raw_after: r.after_json.clone(),
        }
    }

    pub fn shown_changes(&self) -> &[Change] {
        &self.changes[..self.changes.len().min(MAX_CHANGES)]
    }

    pub fn more(&self) -> usize {
        self.changes.len().saturating_sub(MAX_CHANGES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_names_the_fields_that_changed() {
        let before =
            r#"{"id":5,"full_name":"Nguyễn Văn Dũng","phone":null,"unit_code":"18322-01","updated_at":"x"}"#;
        let after = r#"{"id":5,"full_name":"Nguyễn Văn Dũng","phone":"0912345678","unit_code":"18322-02","updated_at":"y"}"#;
        let d = diff(Some(before), Some(after), Lang::Vi);
        let fields: Vec<(&str, &str, &str)> =
            d.iter().map(|c| (c.field.as_str(), c.before.as_str(), c.after.as_str())).collect();
        assert_eq!(fields, [("Điện thoại", "—", "0912345678"), ("Nơi ở", "18322-01", "18322-02")]);
        // A creation lists what was written.
        let d = diff(None, Some(r#"{"terms":{"income":2000000},"scheme":"vsi"}"#), Lang::Vi);
        assert_eq!(d.len(), 2);
        assert!(d.iter().any(|c| c.field == "Mức thu nhập (terms.income)" && c.after == "2000000"));
        assert!(diff(Some("not json"), None, Lang::Vi).is_empty());
    }

    #[test]
    fn actions_in_words() {
        assert_eq!(action_label(Lang::Vi, "person.update"), "Sửa thông tin nhân khẩu");
        assert_eq!(action_label(Lang::En, "receipt.void"), "Receipt voided");
        assert_eq!(action_label(Lang::Vi, "new.thing"), "new.thing");
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditTpl<'a> {
    pub page: &'a Page,
    pub entries: Vec<Entry>,
    /// (words, code) for the filter.
    pub actions: Vec<(String, String)>,
    pub action: String,
    pub actor: String,
    pub from: String,
    pub to: String,
    pub hide_logins: bool,
    pub next_link: Option<String>,
}
