//! Community models (mô hình an sinh cộng đồng): models, the places they cover, members with
//! their pledges, the fund ledger and its derived balances; outreach campaigns, visits, and the
//! day each inter-family group reached 100 %.

use crate::{Conn, Result, WorkingAgeBounds};
use ansinh_domain::{FundEntryKind, ModelKind, ModelStatus, Organisation, VisitOutcome};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::{AssertSqlSafe, FromRow, QueryBuilder};

/// Mô hình — one community model in one commune.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct ModelRow {
    pub id: i64,
    pub province_code: String,
    /// The commune.
    pub unit_id: i64,
    pub unit_path: String,
    #[sqlx(try_from = "String")]
    pub kind: ModelKind,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub organisation: Organisation,
    pub launched_on: NaiveDate,
    /// Goals: members, enrolments, coverage rate in percent (0 = none set).
    pub goal_members: i64,
    pub goal_enrolments: i64,
    pub goal_rate: i64,
    #[sqlx(try_from = "String")]
    pub status: ModelStatus,
    /// The months income comes in (`IncomeMonths` key, "8,9,10"; empty = every month).
    pub income_months: String,
    pub income_note: String,
    /// How the model works, in its members' words.
    pub rules: String,
    /// The model this one was replicated from.
    pub template_id: Option<i64>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const MODEL_COLS: &str = "id, province_code, unit_id, unit_path, kind, name, organisation, launched_on, goal_members, \
     goal_enrolments, goal_rate, status, income_months, income_note, rules, template_id, created_by, created_at, updated_at";

/// Thành viên — a household or a person in a model, with the pledge.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct MemberRow {
    pub id: i64,
    pub model_id: i64,
    pub province_code: String,
    pub unit_path: String,
    pub household_id: Option<i64>,
    pub person_id: Option<i64>,
    pub joined_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
    pub leave_reason: String,
    /// Cam kết: quantity and unit ("2 gốc mai") and the estimated yearly value in đồng.
    pub pledge_qty: i64,
    pub pledge_unit: String,
    pub pledge_value: i64,
    /// Which contributions the model pays for this member.
    pub pays_vsi: bool,
    pub pays_hi: bool,
    pub created_at: DateTime<Utc>,
}

const MEMBER_COLS: &str = "id, model_id, province_code, unit_path, household_id, person_id, joined_on, left_on, \
     leave_reason, pledge_qty, pledge_unit, pledge_value, pays_vsi, pays_hi, created_at";

/// Bút toán quỹ — one entry of a model's fund; `amount` > 0 comes in, < 0 goes out.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct FundEntryRow {
    pub id: i64,
    pub model_id: i64,
    pub province_code: String,
    pub unit_path: String,
    /// The member's sub-balance it moves; `None` = the common pool.
    pub member_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub kind: FundEntryKind,
    pub amount: i64,
    pub on_date: NaiveDate,
    pub note: String,
    /// The receipt a contribution paid (and a reversal of it undid).
    pub receipt_id: Option<i64>,
    /// The entry this one reverses.
    pub reverses_id: Option<i64>,
    pub actor: String,
    pub at: DateTime<Utc>,
}

const ENTRY_COLS: &str = "id, model_id, province_code, unit_path, member_id, kind, amount, on_date, note, receipt_id, reverses_id, actor, at";

/// Totals of a model's fund.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, FromRow, Serialize)]
pub struct FundTotals {
    pub model_id: i64,
    /// Money in (deposits, and reversals of contributions).
    pub income: i64,
    /// Money out (contributions, and reversals of deposits).
    pub spent: i64,
    /// Paid into members' contributions, net of reversals.
    pub contributions: i64,
    pub balance: i64,
}

/// Đợt vận động — an outreach campaign.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct CampaignRow {
    pub id: i64,
    pub province_code: String,
    /// The deepest unit above all the campaign's units (where it is filed for scope).
    pub unit_path: String,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub target_visits: i64,
    pub target_enrolments: i64,
    /// The organisations that make up the teams ("Hội Phụ nữ, Đoàn Thanh niên").
    pub teams: String,
    pub note: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

const CAMPAIGN_COLS: &str = "id, province_code, unit_path, name, starts_on, ends_on, target_visits, target_enrolments, \
     teams, note, created_by, created_at";

/// Lần đến nhà.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct VisitRow {
    pub id: i64,
    pub client_id: String,
    pub province_code: String,
    pub unit_path: String,
    pub campaign_id: Option<i64>,
    pub model_id: Option<i64>,
    pub household_id: Option<i64>,
    pub person_id: Option<i64>,
    pub visited_on: NaiveDate,
    pub visitor_id: i64,
    pub visitor: String,
    #[sqlx(try_from = "String")]
    pub outcome: VisitOutcome,
    pub reason: String,
    pub note: String,
    pub follow_up_on: Option<NaiveDate>,
    pub at: DateTime<Utc>,
}

const VISIT_COLS: &str = "id, client_id, province_code, unit_path, campaign_id, model_id, household_id, person_id, \
     visited_on, visitor_id, visitor, outcome, reason, note, follow_up_on, at";

/// Working-age workers of one unit (as their place of residence) and how many are insured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromRow, Serialize)]
pub struct UnitCoverage {
    pub unit_id: i64,
    pub workers: i64,
    pub insured: i64,
}

/// The day a unit first had every worker insured.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct MilestoneRow {
    pub unit_id: i64,
    pub unit_path: String,
    pub reached_on: NaiveDate,
    pub workers: i64,
    pub dropped_on: Option<NaiveDate>,
    pub at: DateTime<Utc>,
}

/// A working-age person of a subtree with no VSI or compulsory SI in force.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct UninsuredRow {
    pub person_id: i64,
    pub full_name: String,
    pub phone: Option<String>,
    pub unit_id: i64,
    pub unit_path: String,
    pub household_id: Option<i64>,
    pub birth_date: NaiveDate,
}

/// "Insured" on `$today`: an open VSI participation paid through today or later, or an open
/// compulsory-SI participation whose listed period has not ended.
const INSURED: &str = "EXISTS (SELECT 1 FROM participations x WHERE x.person_id = p.id AND x.ended_on IS NULL \
     AND ((x.scheme = 'vsi' AND x.paid_through >= $3) OR (x.scheme = 'csi' AND (x.valid_to IS NULL OR x.valid_to >= $3))))";

const WORKING: &str = "p.birth_date <= $4 AND ((p.sex = 'male' AND p.birth_date > $5) OR (p.sex = 'female' AND p.birth_date > $6))";

impl Conn<'_> {
    // ── models ──

    pub async fn insert_model(&mut self, m: &ModelRow) -> Result<i64> {
        let sql = "INSERT INTO community_models (province_code, unit_id, unit_path, kind, name, organisation, launched_on, \
                   goal_members, goal_enrolments, goal_rate, status, income_months, income_note, rules, template_id, \
                   created_by, created_at, updated_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id";
        Ok(on!(self, c => sqlx::query_scalar::<_, i64>(sql)
            .bind(&m.province_code).bind(m.unit_id).bind(&m.unit_path).bind(m.kind.as_str()).bind(&m.name)
            .bind(m.organisation.as_str()).bind(m.launched_on).bind(m.goal_members).bind(m.goal_enrolments)
            .bind(m.goal_rate).bind(m.status.as_str()).bind(&m.income_months).bind(&m.income_note).bind(&m.rules)
            .bind(m.template_id).bind(&m.created_by).bind(m.created_at).bind(m.updated_at)
            .fetch_one(&mut **c).await)?)
    }

    pub async fn model_by_id(&mut self, id: i64) -> Result<Option<ModelRow>> {
        let sql = format!("SELECT {MODEL_COLS} FROM community_models WHERE id = $1");
        Ok(
            on!(self, c => sqlx::query_as::<_, ModelRow>(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **c).await)?,
        )
    }

    /// Models inside the scope roots, by commune then launch.
    pub async fn models_under(&mut self, roots: &[String]) -> Result<Vec<ModelRow>> {
        Ok(on!(self, c => {
            let mut qb = QueryBuilder::new(format!("SELECT {MODEL_COLS} FROM community_models WHERE "));
            push_scope!(qb, "unit_path", roots);
            qb.push(" ORDER BY unit_path, launched_on, id LIMIT 2000");
            qb.build_query_as::<ModelRow>().fetch_all(&mut **c).await
        })?)
    }

    pub async fn update_model(&mut self, m: &ModelRow) -> Result<()> {
        let sql = "UPDATE community_models SET name = $2, organisation = $3, goal_members = $4, goal_enrolments = $5, \
                   goal_rate = $6, status = $7, income_months = $8, income_note = $9, rules = $10, updated_at = $11 \
                   WHERE id = $1";
        on!(self, c => sqlx::query(sql).bind(m.id).bind(&m.name).bind(m.organisation.as_str()).bind(m.goal_members)
            .bind(m.goal_enrolments).bind(m.goal_rate).bind(m.status.as_str()).bind(&m.income_months)
            .bind(&m.income_note).bind(&m.rules).bind(m.updated_at).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn insert_model_place(&mut self, model_id: i64, unit_id: i64, unit_path: &str) -> Result<()> {
        let sql = "INSERT INTO model_places (model_id, unit_id, unit_path) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
        on!(self, c => sqlx::query(sql).bind(model_id).bind(unit_id).bind(unit_path).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// The places a model covers: (unit id, path).
    pub async fn model_places(&mut self, model_id: i64) -> Result<Vec<(i64, String)>> {
        let sql = "SELECT unit_id, unit_path FROM model_places WHERE model_id = $1 ORDER BY unit_path";
        Ok(on!(self, c => sqlx::query_as::<_, (i64, String)>(sql).bind(model_id).fetch_all(&mut **c).await)?)
    }

    // ── members ──

    pub async fn insert_member(&mut self, m: &MemberRow) -> Result<i64> {
        let sql = "INSERT INTO model_members (model_id, province_code, unit_path, household_id, person_id, joined_on, \
                   left_on, leave_reason, pledge_qty, pledge_unit, pledge_value, pays_vsi, pays_hi, created_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id";
        Ok(on!(self, c => sqlx::query_scalar::<_, i64>(sql)
            .bind(m.model_id).bind(&m.province_code).bind(&m.unit_path).bind(m.household_id).bind(m.person_id)
            .bind(m.joined_on).bind(m.left_on).bind(&m.leave_reason).bind(m.pledge_qty).bind(&m.pledge_unit)
            .bind(m.pledge_value).bind(m.pays_vsi).bind(m.pays_hi).bind(m.created_at)
            .fetch_one(&mut **c).await)?)
    }

    pub async fn member_by_id(&mut self, id: i64) -> Result<Option<MemberRow>> {
        let sql = format!("SELECT {MEMBER_COLS} FROM model_members WHERE id = $1");
        Ok(
            on!(self, c => sqlx::query_as::<_, MemberRow>(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **c).await)?,
        )
    }

    /// Every member of these models, past and present, in joining order.
    pub async fn members_of_models(&mut self, model_ids: &[i64]) -> Result<Vec<MemberRow>> {
        let mut v = select_in!(
            self,
            format!("SELECT {MEMBER_COLS} FROM model_members WHERE model_id IN ("),
            model_ids,
            MemberRow
        );
        v.sort_by_key(|m| (m.joined_on, m.id));
        Ok(v)
    }

    /// Current memberships of a person, directly or through the household.
    pub async fn open_memberships(
        &mut self,
        person_id: i64,
        household_id: Option<i64>,
    ) -> Result<Vec<MemberRow>> {
        let sql = format!(
            "SELECT {MEMBER_COLS} FROM model_members WHERE left_on IS NULL AND (person_id = $1 OR household_id = $2) ORDER BY id"
        );
        Ok(
            on!(self, c => sqlx::query_as::<_, MemberRow>(AssertSqlSafe(sql)).bind(person_id).bind(household_id).fetch_all(&mut **c).await)?,
        )
    }

    /// A member leaves; `false` if they had left already.
    pub async fn leave_member(&mut self, id: i64, on: NaiveDate, reason: &str) -> Result<bool> {
        let sql =
            "UPDATE model_members SET left_on = $2, leave_reason = $3 WHERE id = $1 AND left_on IS NULL";
        let n = on!(self, c => sqlx::query(sql).bind(id).bind(on).bind(reason).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    // ── fund ──

    pub async fn insert_fund_entry(&mut self, e: &FundEntryRow) -> Result<i64> {
        let sql = "INSERT INTO fund_entries (model_id, province_code, unit_path, member_id, kind, amount, on_date, note, \
                   receipt_id, reverses_id, actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id";
        Ok(on!(self, c => sqlx::query_scalar::<_, i64>(sql)
            .bind(e.model_id).bind(&e.province_code).bind(&e.unit_path).bind(e.member_id).bind(e.kind.as_str())
            .bind(e.amount).bind(e.on_date).bind(&e.note).bind(e.receipt_id).bind(e.reverses_id).bind(&e.actor).bind(e.at)
            .fetch_one(&mut **c).await)?)
    }

    /// Move a pool's balance by `delta`; `false` (and nothing changed) if it would go below
    /// zero. The UPDATE's condition is evaluated on the row it locks, so two withdrawals at
    /// once cannot both pass on the same money.
    pub async fn move_fund_balance(&mut self, model_id: i64, member_key: i64, delta: i64) -> Result<bool> {
        let n = if delta >= 0 {
            let sql = "INSERT INTO fund_balances (model_id, member_key, balance) VALUES ($1, $2, $3) \
                       ON CONFLICT (model_id, member_key) DO UPDATE SET balance = fund_balances.balance + excluded.balance";
            on!(self, c => sqlx::query(sql).bind(model_id).bind(member_key).bind(delta).execute(&mut **c).await.map(|r| r.rows_affected()))?
        } else {
            let sql = "UPDATE fund_balances SET balance = balance + $3 \
                       WHERE model_id = $1 AND member_key = $2 AND balance + $3 >= 0";
            on!(self, c => sqlx::query(sql).bind(model_id).bind(member_key).bind(delta).execute(&mut **c).await.map(|r| r.rows_affected()))?
        };
        Ok(n == 1)
    }

    /// Balances of a model's pools: (member key, balance); key 0 is the common pool.
    pub async fn fund_balances(&mut self, model_id: i64) -> Result<Vec<(i64, i64)>> {
        let sql = "SELECT member_key, balance FROM fund_balances WHERE model_id = $1 ORDER BY member_key";
        Ok(on!(self, c => sqlx::query_as::<_, (i64, i64)>(sql).bind(model_id).fetch_all(&mut **c).await)?)
    }

    /// A model's entries, oldest first.
    pub async fn fund_entries(&mut self, model_id: i64) -> Result<Vec<FundEntryRow>> {
        let sql = format!("SELECT {ENTRY_COLS} FROM fund_entries WHERE model_id = $1 ORDER BY on_date, id");
        Ok(
            on!(self, c => sqlx::query_as::<_, FundEntryRow>(AssertSqlSafe(sql)).bind(model_id).fetch_all(&mut **c).await)?,
        )
    }

    pub async fn fund_entry_by_id(&mut self, id: i64) -> Result<Option<FundEntryRow>> {
        let sql = format!("SELECT {ENTRY_COLS} FROM fund_entries WHERE id = $1");
        Ok(
            on!(self, c => sqlx::query_as::<_, FundEntryRow>(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **c).await)?,
        )
    }

    /// Whether an entry has been reversed.
    pub async fn fund_entry_reversed(&mut self, id: i64) -> Result<bool> {
        let sql = "SELECT COUNT(*) FROM fund_entries WHERE reverses_id = $1";
        Ok(on!(self, c => sqlx::query_scalar::<_, i64>(sql).bind(id).fetch_one(&mut **c).await)? > 0)
    }

    /// The contributions a receipt drew from funds, not yet reversed.
    pub async fn open_contributions_of_receipt(&mut self, receipt_id: i64) -> Result<Vec<FundEntryRow>> {
        let sql = format!(
            "SELECT {ENTRY_COLS} FROM fund_entries e WHERE receipt_id = $1 AND kind = 'contribution' \
             AND NOT EXISTS (SELECT 1 FROM fund_entries r WHERE r.reverses_id = e.id) ORDER BY id"
        );
        Ok(
            on!(self, c => sqlx::query_as::<_, FundEntryRow>(AssertSqlSafe(sql)).bind(receipt_id).fetch_all(&mut **c).await)?,
        )
    }

    /// In, out, contributions and balance of each of these models (one row per model).
    pub async fn fund_totals(&mut self, model_ids: &[i64]) -> Result<Vec<FundTotals>> {
        Ok(select_in!(
            self,
            "SELECT e.model_id, \
             CAST(COALESCE(SUM(CASE WHEN e.amount > 0 THEN e.amount ELSE 0 END), 0) AS BIGINT) AS income, \
             CAST(COALESCE(SUM(CASE WHEN e.amount < 0 THEN -e.amount ELSE 0 END), 0) AS BIGINT) AS spent, \
             CAST(COALESCE(SUM(CASE WHEN e.kind = 'contribution' THEN -e.amount \
                  WHEN e.kind = 'reversal' AND e.receipt_id IS NOT NULL THEN -e.amount ELSE 0 END), 0) AS BIGINT) AS contributions, \
             CAST(COALESCE(SUM(e.amount), 0) AS BIGINT) AS balance \
             FROM fund_entries e WHERE e.model_id IN (",
            model_ids,
            FundTotals,
            ") GROUP BY e.model_id"
        ))
    }

    // ── campaigns and visits ──

    pub async fn insert_campaign(&mut self, k: &CampaignRow) -> Result<i64> {
        let sql = "INSERT INTO campaigns (province_code, unit_path, name, starts_on, ends_on, target_visits, \
                   target_enrolments, teams, note, created_by, created_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id";
        Ok(on!(self, c => sqlx::query_scalar::<_, i64>(sql)
            .bind(&k.province_code).bind(&k.unit_path).bind(&k.name).bind(k.starts_on).bind(k.ends_on)
            .bind(k.target_visits).bind(k.target_enrolments).bind(&k.teams).bind(&k.note).bind(&k.created_by)
            .bind(k.created_at).fetch_one(&mut **c).await)?)
    }

    pub async fn campaign_by_id(&mut self, id: i64) -> Result<Option<CampaignRow>> {
        let sql = format!("SELECT {CAMPAIGN_COLS} FROM campaigns WHERE id = $1");
        Ok(
            on!(self, c => sqlx::query_as::<_, CampaignRow>(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **c).await)?,
        )
    }

    /// Campaigns inside the scope roots, newest first.
    pub async fn campaigns_under(&mut self, roots: &[String]) -> Result<Vec<CampaignRow>> {
        Ok(on!(self, c => {
            let mut qb = QueryBuilder::new(format!("SELECT {CAMPAIGN_COLS} FROM campaigns WHERE "));
            push_scope!(qb, "unit_path", roots);
            qb.push(" ORDER BY starts_on DESC, id DESC LIMIT 500");
            qb.build_query_as::<CampaignRow>().fetch_all(&mut **c).await
        })?)
    }

    pub async fn insert_campaign_unit(
        &mut self,
        campaign_id: i64,
        unit_id: i64,
        unit_path: &str,
    ) -> Result<()> {
        let sql = "INSERT INTO campaign_units (campaign_id, unit_id, unit_path) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
        on!(self, c => sqlx::query(sql).bind(campaign_id).bind(unit_id).bind(unit_path).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn campaign_units(&mut self, campaign_id: i64) -> Result<Vec<(i64, String)>> {
        let sql = "SELECT unit_id, unit_path FROM campaign_units WHERE campaign_id = $1 ORDER BY unit_path";
        Ok(
            on!(self, c => sqlx::query_as::<_, (i64, String)>(sql).bind(campaign_id).fetch_all(&mut **c).await)?,
        )
    }

    pub async fn insert_campaign_member(
        &mut self,
        campaign_id: i64,
        user_id: i64,
        organisation: &str,
    ) -> Result<()> {
        let sql = "INSERT INTO campaign_members (campaign_id, user_id, organisation) VALUES ($1, $2, $3) \
                   ON CONFLICT DO NOTHING";
        on!(self, c => sqlx::query(sql).bind(campaign_id).bind(user_id).bind(organisation).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// The team of a campaign: (user id, organisation).
    pub async fn campaign_members(&mut self, campaign_id: i64) -> Result<Vec<(i64, String)>> {
        let sql =
            "SELECT user_id, organisation FROM campaign_members WHERE campaign_id = $1 ORDER BY user_id";
        Ok(
            on!(self, c => sqlx::query_as::<_, (i64, String)>(sql).bind(campaign_id).fetch_all(&mut **c).await)?,
        )
    }

    /// Store a visit unless its client id was stored before; the new id, or `None`.
    pub async fn insert_visit(&mut self, v: &VisitRow) -> Result<Option<i64>> {
        let sql = "INSERT INTO visits (client_id, province_code, unit_path, campaign_id, model_id, household_id, person_id, \
                   visited_on, visitor_id, visitor, outcome, reason, note, follow_up_on, at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
                   ON CONFLICT (client_id) DO NOTHING RETURNING id";
        Ok(on!(self, c => sqlx::query_scalar::<_, i64>(sql)
            .bind(&v.client_id).bind(&v.province_code).bind(&v.unit_path).bind(v.campaign_id).bind(v.model_id)
            .bind(v.household_id).bind(v.person_id).bind(v.visited_on).bind(v.visitor_id).bind(&v.visitor)
            .bind(v.outcome.as_str()).bind(&v.reason).bind(&v.note).bind(v.follow_up_on).bind(v.at)
            .fetch_optional(&mut **c).await)?)
    }

    pub async fn visit_by_client_id(&mut self, client_id: &str) -> Result<Option<VisitRow>> {
        let sql = format!("SELECT {VISIT_COLS} FROM visits WHERE client_id = $1");
        Ok(
            on!(self, c => sqlx::query_as::<_, VisitRow>(AssertSqlSafe(sql)).bind(client_id).fetch_optional(&mut **c).await)?,
        )
    }

    /// A campaign's visits, newest first.
    pub async fn visits_of_campaign(&mut self, campaign_id: i64) -> Result<Vec<VisitRow>> {
        let sql = format!(
            "SELECT {VISIT_COLS} FROM visits WHERE campaign_id = $1 ORDER BY visited_on DESC, id DESC"
        );
        Ok(
            on!(self, c => sqlx::query_as::<_, VisitRow>(AssertSqlSafe(sql)).bind(campaign_id).fetch_all(&mut **c).await)?,
        )
    }

    /// A model's visits, newest first.
    pub async fn visits_of_model(&mut self, model_id: i64) -> Result<Vec<VisitRow>> {
        let sql =
            format!("SELECT {VISIT_COLS} FROM visits WHERE model_id = $1 ORDER BY visited_on DESC, id DESC");
        Ok(
            on!(self, c => sqlx::query_as::<_, VisitRow>(AssertSqlSafe(sql)).bind(model_id).fetch_all(&mut **c).await)?,
        )
    }

    /// Every visit to these persons (in no order).
    pub async fn visits_of_persons(&mut self, person_ids: &[i64]) -> Result<Vec<VisitRow>> {
        Ok(select_in!(
            self,
            format!("SELECT {VISIT_COLS} FROM visits WHERE person_id IN ("),
            person_ids,
            VisitRow
        ))
    }

    /// Visits in a subtree from `since` on, newest first, at most `limit`.
    pub async fn visits_under(
        &mut self,
        lo: &str,
        hi: &str,
        since: NaiveDate,
        limit: i64,
    ) -> Result<Vec<VisitRow>> {
        let sql = format!(
            "SELECT {VISIT_COLS} FROM visits WHERE unit_path >= $1 AND unit_path < $2 AND visited_on >= $3 \
             ORDER BY visited_on DESC, id DESC LIMIT $4"
        );
        Ok(
            on!(self, c => sqlx::query_as::<_, VisitRow>(AssertSqlSafe(sql)).bind(lo).bind(hi).bind(since).bind(limit).fetch_all(&mut **c).await)?,
        )
    }

    /// Valid VSI receipt lines of these persons: (person, paid on, covers from, covers to).
    pub async fn vsi_payments_of_persons(
        &mut self,
        person_ids: &[i64],
    ) -> Result<Vec<(i64, NaiveDate, NaiveDate, NaiveDate)>> {
        Ok(select_in!(
            self,
            "SELECT l.person_id, r.paid_on, l.covers_from, l.covers_to FROM receipt_lines l \
             JOIN receipts r ON r.id = l.receipt_id WHERE r.voided_at IS NULL AND r.scheme = 'vsi' AND l.person_id IN (",
            person_ids,
            (i64, NaiveDate, NaiveDate, NaiveDate)
        ))
    }

    /// Every valid VSI receipt line of the persons of a subtree: (participation, covers from,
    /// covers to, paid on), by participation and period.
    pub async fn vsi_lines_under(
        &mut self,
        lo: &str,
        hi: &str,
    ) -> Result<Vec<(i64, NaiveDate, NaiveDate, NaiveDate)>> {
        let sql = "SELECT l.participation_id, l.covers_from, l.covers_to, r.paid_on FROM receipt_lines l \
                   JOIN receipts r ON r.id = l.receipt_id JOIN persons s ON s.id = l.person_id \
                   WHERE r.voided_at IS NULL AND r.scheme = 'vsi' AND s.unit_path >= $1 AND s.unit_path < $2 \
                   ORDER BY l.participation_id, l.covers_from";
        Ok(
            on!(self, c => sqlx::query_as::<_, (i64, NaiveDate, NaiveDate, NaiveDate)>(sql).bind(lo).bind(hi).fetch_all(&mut **c).await)?,
        )
    }

    // ── 100 % groups ──

    /// Workers and insured workers of each unit (their place of residence) in a subtree.
    pub async fn coverage_by_unit(
        &mut self,
        lo: &str,
        hi: &str,
        today: NaiveDate,
        w: WorkingAgeBounds,
    ) -> Result<Vec<UnitCoverage>> {
        let sql = format!(
            "SELECT p.unit_id, COUNT(*) AS workers, \
             CAST(COALESCE(SUM(CASE WHEN {INSURED} THEN 1 ELSE 0 END), 0) AS BIGINT) AS insured \
             FROM persons p WHERE p.unit_path >= $1 AND p.unit_path < $2 AND {WORKING} GROUP BY p.unit_id"
        );
        Ok(on!(self, c => sqlx::query_as::<_, UnitCoverage>(AssertSqlSafe(sql)).bind(lo).bind(hi).bind(today)
            .bind(w.max_birth).bind(w.male_after).bind(w.female_after).fetch_all(&mut **c).await)?)
    }

    /// Whether the subtree is at 100 % today: `Some(workers)` when it has working-age persons
    /// and none of them lacks insurance in force, `None` otherwise. The first uninsured worker
    /// found ends the walk, so a subtree far from 100 % costs a few rows; only a subtree at
    /// 100 % is walked whole (to count its workers).
    pub async fn full_workers(
        &mut self,
        lo: &str,
        hi: &str,
        today: NaiveDate,
        w: WorkingAgeBounds,
    ) -> Result<Option<i64>> {
        let sql = format!(
            "SELECT 1 FROM persons p WHERE p.unit_path >= $1 AND p.unit_path < $2 AND {WORKING} AND NOT {INSURED} LIMIT 1"
        );
        let gap = on!(self, c => sqlx::query_scalar::<_, i32>(AssertSqlSafe(sql)).bind(lo).bind(hi).bind(today)
            .bind(w.max_birth).bind(w.male_after).bind(w.female_after).fetch_optional(&mut **c).await)?;
        if gap.is_some() {
            return Ok(None);
        }
        let workers: i64 = self.coverage_by_unit(lo, hi, today, w).await?.iter().map(|c| c.workers).sum();
        Ok((workers > 0).then_some(workers))
    }

    /// Working-age persons of a subtree without insurance in force, by place and name.
    pub async fn uninsured_workers(
        &mut self,
        lo: &str,
        hi: &str,
        today: NaiveDate,
        w: WorkingAgeBounds,
        limit: i64,
    ) -> Result<Vec<UninsuredRow>> {
        let sql = format!(
            "SELECT p.id AS person_id, p.full_name, p.phone, p.unit_id, p.unit_path, p.household_id, p.birth_date \
             FROM persons p WHERE p.unit_path >= $1 AND p.unit_path < $2 AND {WORKING} AND NOT {INSURED} \
             ORDER BY p.unit_path, p.sort_key, p.id LIMIT $7"
        );
        Ok(on!(self, c => sqlx::query_as::<_, UninsuredRow>(AssertSqlSafe(sql)).bind(lo).bind(hi).bind(today)
            .bind(w.max_birth).bind(w.male_after).bind(w.female_after).bind(limit).fetch_all(&mut **c).await)?)
    }

    pub async fn milestones_under(&mut self, lo: &str, hi: &str) -> Result<Vec<MilestoneRow>> {
        let sql = "SELECT unit_id, unit_path, reached_on, workers, dropped_on, at FROM group_milestones \
                   WHERE unit_path >= $1 AND unit_path < $2";
        Ok(
            on!(self, c => sqlx::query_as::<_, MilestoneRow>(sql).bind(lo).bind(hi).fetch_all(&mut **c).await)?,
        )
    }

    /// Mark a unit at 100 % on `on`: a first time is dated; a unit back at 100 % keeps its first
    /// date and loses its drop. `true` if this is the first time.
    pub async fn mark_full(
        &mut self,
        unit_id: i64,
        unit_path: &str,
        on: NaiveDate,
        workers: i64,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let sql = "INSERT INTO group_milestones (unit_id, unit_path, reached_on, workers, dropped_on, at) \
                   VALUES ($1, $2, $3, $4, NULL, $5) ON CONFLICT (unit_id) DO NOTHING";
        let n = on!(self, c => sqlx::query(sql).bind(unit_id).bind(unit_path).bind(on).bind(workers).bind(at)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            let sql =
                "UPDATE group_milestones SET dropped_on = NULL WHERE unit_id = $1 AND dropped_on IS NOT NULL";
            on!(self, c => sqlx::query(sql).bind(unit_id).execute(&mut **c).await.map(|_| ()))?;
        }
        Ok(n == 1)
    }

    /// A unit that had reached 100 % dropped below it on `on` (its first date is kept).
    pub async fn mark_dropped(&mut self, unit_id: i64, on: NaiveDate) -> Result<bool> {
        let sql = "UPDATE group_milestones SET dropped_on = $2 WHERE unit_id = $1 AND dropped_on IS NULL";
        let n = on!(self, c => sqlx::query(sql).bind(unit_id).bind(on).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Open VSI participations of a subtree whose paid period ended or ends by `until`, with
    /// every valid receipt line of each (for the visit ranking): (participation, person,
    /// paid_through, covers_from, paid_on), by participation and period. A `narrow` subtree (a
    /// commune or below) is read from its persons; a wide one takes the `limit` participations
    /// that ended first, by the `participations_due` index.
    pub async fn vsi_renewal_history(
        &mut self,
        lo: &str,
        hi: &str,
        until: NaiveDate,
        limit: i64,
        narrow: bool,
    ) -> Result<Vec<(i64, i64, Option<NaiveDate>, NaiveDate, NaiveDate)>> {
        let sql = if narrow {
            // CROSS JOIN keeps SQLite's loop order (the commune's persons outside).
            "SELECT p.id, p.person_id, p.paid_through, l.covers_from, r.paid_on \
             FROM persons s CROSS JOIN participations p JOIN receipt_lines l ON l.participation_id = p.id \
             JOIN receipts r ON r.id = l.receipt_id \
             WHERE s.unit_path >= $1 AND s.unit_path < $2 AND p.person_id = s.id AND p.scheme = 'vsi' \
             AND p.ended_on IS NULL AND p.paid_through <= $3 AND r.voided_at IS NULL \
             ORDER BY p.id, l.covers_from"
        } else {
            "SELECT p.id, p.person_id, p.paid_through, l.covers_from, r.paid_on \
             FROM participations p JOIN persons s ON s.id = p.person_id \
             JOIN receipt_lines l ON l.participation_id = p.id JOIN receipts r ON r.id = l.receipt_id \
             WHERE p.scheme = 'vsi' AND p.ended_on IS NULL AND p.paid_through <= $3 AND r.voided_at IS NULL \
             AND s.unit_path >= $1 AND s.unit_path < $2 AND p.id IN (SELECT p2.id FROM participations p2 \
             JOIN persons s2 ON s2.id = p2.person_id WHERE p2.scheme = 'vsi' AND p2.ended_on IS NULL \
             AND p2.paid_through <= $3 AND s2.unit_path >= $1 AND s2.unit_path < $2 ORDER BY p2.paid_through, p2.id LIMIT $4) \
             ORDER BY p.id, l.covers_from"
        };
        type Row = (i64, i64, Option<NaiveDate>, NaiveDate, NaiveDate);
        Ok(if narrow {
            on!(self, c => sqlx::query_as::<_, Row>(sql).bind(lo).bind(hi).bind(until).fetch_all(&mut **c).await)?
        } else {
            on!(self, c => sqlx::query_as::<_, Row>(sql).bind(lo).bind(hi).bind(until).bind(limit).fetch_all(&mut **c).await)?
        })
    }
}
