//! Repository methods, one SQL text for both backends.

use crate::{Conn, Result};
use ansinh_domain::{Grant, Level, Role, Unit};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::{AssertSqlSafe, FromRow, QueryBuilder};

const UNIT_COLS: &str = "id, code, name, kind, level, parent_id, path, province_code, valid_from, valid_to";

#[derive(FromRow)]
struct UnitRow {
    id: i64,
    code: String,
    name: String,
    kind: String,
    level: String,
    parent_id: Option<i64>,
    path: String,
    province_code: String,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
}

impl From<UnitRow> for Unit {
    fn from(r: UnitRow) -> Unit {
        Unit {
            id: r.id,
            code: r.code,
            name: r.name,
            kind: r.kind,
            // The CHECK constraint admits only known levels.
            level: Level::parse(&r.level).unwrap_or(Level::Commune),
            parent_id: r.parent_id,
            path: r.path,
            province_code: r.province_code,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
        }
    }
}

/// A unit row to load in bulk (official units and the root), id and path given.
#[derive(Debug, Clone)]
pub struct UnitSeed {
    pub unit: Unit,
    pub name_key: String,
}

/// A new user-created unit (thôn, tổ liên gia); the path is set once the id is known.
#[derive(Debug, Clone)]
pub struct NewUnit {
    pub code: String,
    pub name: String,
    pub name_key: String,
    pub kind: String,
    pub level: Level,
    pub parent_id: i64,
    pub parent_path: String,
    pub province_code: String,
    pub valid_from: Option<NaiveDate>,
}

#[derive(Debug, Clone, FromRow)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub failed_logins: i64,
    pub locked_until: Option<DateTime<Utc>>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct TokenRow {
    pub id: i64,
    pub user_id: i64,
    pub label: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// One audit row to append.
#[derive(Debug, Clone, Serialize)]
pub struct NewAudit {
    pub province_code: String,
    pub unit_path: String,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct AuditRow {
    pub id: i64,
    pub province_code: String,
    pub unit_path: String,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub at: DateTime<Utc>,
}

/// Filters of the audit page; every field optional.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub entity: Option<String>,
    pub actor: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Only rows with an id below this (keyset pagination, newest first).
    pub before_id: Option<i64>,
}

/// One stored version of a legal parameter (the rules crate's `ParamVersion`, plus provenance).
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct ParamRow {
    pub key: String,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub value: i64,
    pub legal_basis: String,
    /// V, S or U.
    pub confidence: String,
    /// `bundled` or the username that added it.
    pub source: String,
}

#[derive(FromRow)]
struct GrantRow {
    role: String,
    unit_id: i64,
    path: String,
    kind: String,
    name: String,
}

impl Conn<'_> {
    // ---------------------------------------------------------------- units

    pub async fn count_units(&mut self) -> Result<i64> {
        Ok(
            on!(self, c => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM units").fetch_one(&mut **c).await)?,
        )
    }

    /// The first day without districts: the day the two-level local government began
    /// (1 Jul 2025, Resolution 202/2025/QH15), read from the units' own validity.
    pub async fn district_end(&mut self) -> Result<Option<NaiveDate>> {
        let sql = "SELECT MIN(valid_to) FROM units WHERE level = 'district'";
        Ok(on!(self, c => sqlx::query_scalar::<_, Option<NaiveDate>>(sql).fetch_one(&mut **c).await)?)
    }

    /// Insert units with their ids and paths as given (the bundled official list).
    pub async fn insert_units(&mut self, seeds: &[UnitSeed]) -> Result<()> {
        for chunk in seeds.chunks(500) {
            on!(self, c => {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO units (id, code, name, name_key, kind, level, parent_id, path, \
                     province_code, valid_from, valid_to) ",
                );
                qb.push_values(chunk, |mut b, s| {
                    let u = &s.unit;
                    b.push_bind(u.id)
                        .push_bind(u.code.clone())
                        .push_bind(u.name.clone())
                        .push_bind(s.name_key.clone())
                        .push_bind(u.kind.clone())
                        .push_bind(u.level.as_str())
                        .push_bind(u.parent_id)
                        .push_bind(u.path.clone())
                        .push_bind(u.province_code.clone())
                        .push_bind(u.valid_from)
                        .push_bind(u.valid_to);
                });
                qb.build().execute(&mut **c).await.map(|_| ())
            })?;
        }
        Ok(())
    }

    pub async fn insert_successors(&mut self, pairs: &[(i64, i64)]) -> Result<()> {
        for chunk in pairs.chunks(1000) {
            on!(self, c => {
                let mut qb = QueryBuilder::new("INSERT INTO unit_successors (old_id, new_id) ");
                qb.push_values(chunk, |mut b, (o, n)| {
                    b.push_bind(*o).push_bind(*n);
                });
                qb.build().execute(&mut **c).await.map(|_| ())
            })?;
        }
        Ok(())
    }

    /// After inserting explicit ids, move PostgreSQL's identity past them (SQLite needs nothing).
    pub async fn sync_id_sequences(&mut self) -> Result<()> {
        if let Conn::Postgres(c) = self {
            for table in ["units", "users", "api_tokens", "audit"] {
                let sql = format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                     GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))"
                );
                sqlx::query(AssertSqlSafe(sql)).execute(&mut **c).await?;
            }
        }
        Ok(())
    }

    pub async fn unit_by_id(&mut self, id: i64) -> Result<Option<Unit>> {
        let sql = format!("SELECT {UNIT_COLS} FROM units WHERE id = $1");
        let row = on!(self, c => sqlx::query_as::<_, UnitRow>(AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(&mut **c).await)?;
        Ok(row.map(Unit::from))
    }

    /// Every version of the units that carry `code`, oldest first.
    pub async fn units_by_code(&mut self, code: &str) -> Result<Vec<Unit>> {
        let sql = format!(
            "SELECT {UNIT_COLS} FROM units WHERE code = $1 \
             ORDER BY COALESCE(valid_from, '1900-01-01'), id"
        );
        let sql = self.date_sql(&sql);
        let rows = on!(self, c => sqlx::query_as::<_, UnitRow>(AssertSqlSafe(sql.as_str())).bind(code).fetch_all(&mut **c).await)?;
        Ok(rows.into_iter().map(Unit::from).collect())
    }

    /// Every version of the units carrying any of `codes` (an import's places: one query per
    /// 900 codes instead of one per code).
    pub async fn units_by_codes(&mut self, codes: &[String]) -> Result<Vec<Unit>> {
        let mut out = Vec::new();
        for chunk in codes.chunks(900) {
            let rows = on!(self, c => {
                let mut qb = QueryBuilder::new(format!("SELECT {UNIT_COLS} FROM units WHERE code IN ("));
                let mut sep = qb.separated(", ");
                for code in chunk {
                    sep.push_bind(code.as_str());
                }
                qb.push(")");
                qb.build_query_as::<UnitRow>().fetch_all(&mut **c).await
            })?;
            out.extend(rows.into_iter().map(Unit::from));
        }
        Ok(out)
    }

    /// The units with these ids (any order).
    pub async fn units_by_ids(&mut self, ids: &[i64]) -> Result<Vec<Unit>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(900) {
            let rows = on!(self, c => {
                let mut qb = QueryBuilder::new(format!("SELECT {UNIT_COLS} FROM units WHERE id IN ("));
                let mut sep = qb.separated(", ");
                for id in chunk {
                    sep.push_bind(*id);
                }
                qb.push(")");
                qb.build_query_as::<UnitRow>().fetch_all(&mut **c).await
            })?;
            out.extend(rows.into_iter().map(Unit::from));
        }
        Ok(out)
    }

    /// Children of `parent_id`, valid on `on` when given, by code.
    pub async fn unit_children(&mut self, parent_id: i64, on: Option<NaiveDate>) -> Result<Vec<Unit>> {
        let rows = on!(self, c => {
            let mut qb = QueryBuilder::new(format!("SELECT {UNIT_COLS} FROM units WHERE parent_id = "));
            qb.push_bind(parent_id);
            if let Some(d) = on {
                qb.push(" AND (valid_from IS NULL OR valid_from <= ").push_bind(d);
                qb.push(") AND (valid_to IS NULL OR valid_to > ").push_bind(d).push(")");
            }
            qb.push(" ORDER BY code, id");
            qb.build_query_as::<UnitRow>().fetch_all(&mut **c).await
        })?;
        Ok(rows.into_iter().map(Unit::from).collect())
    }

    /// Number of children of each unit in `ids` (valid on `on`), for "has children" marks.
    pub async fn child_counts(&mut self, ids: &[i64], on: Option<NaiveDate>) -> Result<Vec<(i64, i64)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = on!(self, c => {
            let mut qb = QueryBuilder::new("SELECT parent_id, COUNT(*) FROM units WHERE parent_id IN (");
            let mut sep = qb.separated(", ");
            for id in ids {
                sep.push_bind(*id);
            }
            qb.push(")");
            if let Some(d) = on {
                qb.push(" AND (valid_from IS NULL OR valid_from <= ").push_bind(d);
                qb.push(") AND (valid_to IS NULL OR valid_to > ").push_bind(d).push(")");
            }
            qb.push(" GROUP BY parent_id");
            qb.build_query_as::<(i64, i64)>().fetch_all(&mut **c).await
        })?;
        Ok(rows)
    }

    /// Units whose folded name starts with `key`, inside the scope roots, valid on `on`.
    pub async fn search_units(
        &mut self,
        key: &str,
        roots: &[String],
        on: Option<NaiveDate>,
        limit: i64,
    ) -> Result<Vec<Unit>> {
        let rows = on!(self, c => {
            let mut qb = QueryBuilder::new(format!("SELECT {UNIT_COLS} FROM units WHERE name_key >= "));
            qb.push_bind(key.to_string());
            qb.push(" AND name_key < ").push_bind(format!("{key}\u{10FFFF}"));
            qb.push(" AND ");
            push_scope!(qb, "path", roots);
            if let Some(d) = on {
                qb.push(" AND (valid_from IS NULL OR valid_from <= ").push_bind(d);
                qb.push(") AND (valid_to IS NULL OR valid_to > ").push_bind(d).push(")");
            }
            qb.push(" ORDER BY level, name_key, id LIMIT ").push_bind(limit);
            qb.build_query_as::<UnitRow>().fetch_all(&mut **c).await
        })?;
        Ok(rows.into_iter().map(Unit::from).collect())
    }

    /// The units `old_id` became (1 Jul 2025 merger, later renames).
    pub async fn successors(&mut self, old_id: i64) -> Result<Vec<Unit>> {
        let sql = format!(
            "SELECT {} FROM units u JOIN unit_successors s ON s.new_id = u.id \
             WHERE s.old_id = $1 ORDER BY u.code, u.id",
            prefixed("u")
        );
        let rows = on!(self, c => sqlx::query_as::<_, UnitRow>(AssertSqlSafe(sql.as_str())).bind(old_id).fetch_all(&mut **c).await)?;
        Ok(rows.into_iter().map(Unit::from).collect())
    }

    /// The units that became `new_id`.
    pub async fn predecessors(&mut self, new_id: i64) -> Result<Vec<Unit>> {
        let sql = format!(
            "SELECT {} FROM units u JOIN unit_successors s ON s.old_id = u.id \
             WHERE s.new_id = $1 ORDER BY u.code, u.id",
            prefixed("u")
        );
        let rows = on!(self, c => sqlx::query_as::<_, UnitRow>(AssertSqlSafe(sql.as_str())).bind(new_id).fetch_all(&mut **c).await)?;
        Ok(rows.into_iter().map(Unit::from).collect())
    }

    /// Take the next local sequence number under `unit_id` (for `18322-01`-style codes).
    pub async fn next_local_seq(&mut self, unit_id: i64) -> Result<i64> {
        let sql = "UPDATE units SET local_seq = local_seq + 1 WHERE id = $1 RETURNING local_seq";
        Ok(on!(self, c => sqlx::query_scalar::<_, i64>(sql).bind(unit_id).fetch_one(&mut **c).await)?)
    }

    /// Insert a user-created unit; returns it with its id and path.
    pub async fn insert_unit(&mut self, n: &NewUnit) -> Result<Unit> {
        let sql = "INSERT INTO units (code, name, name_key, kind, level, parent_id, path, province_code, \
                   valid_from) VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8) RETURNING id";
        let id = on!(self, c => sqlx::query_scalar::<_, i64>(sql)
            .bind(&n.code).bind(&n.name).bind(&n.name_key).bind(&n.kind).bind(n.level.as_str())
            .bind(n.parent_id).bind(&n.province_code).bind(n.valid_from)
            .fetch_one(&mut **c).await)?;
        let path = format!("{}{id}/", n.parent_path);
        on!(self, c => sqlx::query("UPDATE units SET path = $1 WHERE id = $2").bind(&path).bind(id).execute(&mut **c).await.map(|_| ()))?;
        Ok(Unit {
            id,
            code: n.code.clone(),
            name: n.name.clone(),
            kind: n.kind.clone(),
            level: n.level,
            parent_id: Some(n.parent_id),
            path,
            province_code: n.province_code.clone(),
            valid_from: n.valid_from,
            valid_to: None,
        })
    }

    pub async fn rename_unit(&mut self, id: i64, name: &str, name_key: &str) -> Result<()> {
        on!(self, c => sqlx::query("UPDATE units SET name = $1, name_key = $2 WHERE id = $3")
            .bind(name).bind(name_key).bind(id).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    // ---------------------------------------------------------------- users

    pub async fn count_users(&mut self) -> Result<i64> {
        Ok(
            on!(self, c => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users").fetch_one(&mut **c).await)?,
        )
    }

    pub async fn insert_user(
        &mut self,
        username: &str,
        display_name: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let sql = "INSERT INTO users (username, display_name, password_hash, created_at) \
                   VALUES ($1, $2, $3, $4) RETURNING id";
        Ok(on!(self, c => sqlx::query_scalar::<_, i64>(sql)
            .bind(username).bind(display_name).bind(password_hash).bind(now)
            .fetch_one(&mut **c).await)?)
    }

    pub async fn user_by_username(&mut self, username: &str) -> Result<Option<UserRow>> {
        let sql = "SELECT id, username, display_name, password_hash, failed_logins, locked_until, active, \
                   created_at FROM users WHERE username = $1";
        Ok(on!(self, c => sqlx::query_as::<_, UserRow>(sql).bind(username).fetch_optional(&mut **c).await)?)
    }

    pub async fn user_by_id(&mut self, id: i64) -> Result<Option<UserRow>> {
        let sql = "SELECT id, username, display_name, password_hash, failed_logins, locked_until, active, \
                   created_at FROM users WHERE id = $1";
        Ok(on!(self, c => sqlx::query_as::<_, UserRow>(sql).bind(id).fetch_optional(&mut **c).await)?)
    }

    /// Users holding at least one grant inside the scope roots.
    pub async fn users_in_scope(&mut self, roots: &[String]) -> Result<Vec<UserRow>> {
        let rows = on!(self, c => {
            let mut qb = QueryBuilder::new(
                "SELECT id, username, display_name, password_hash, failed_logins, locked_until, active, \
                 created_at FROM users WHERE id IN (SELECT g.user_id FROM user_grants g \
                 JOIN units u ON u.id = g.unit_id WHERE ",
            );
            push_scope!(qb, "u.path", roots);
            qb.push(") ORDER BY username");
            qb.build_query_as::<UserRow>().fetch_all(&mut **c).await
        })?;
        Ok(rows)
    }

    pub async fn insert_grant(&mut self, user_id: i64, role: Role, unit_id: i64) -> Result<()> {
        on!(self, c => sqlx::query("INSERT INTO user_grants (user_id, role, unit_id) VALUES ($1, $2, $3)")
            .bind(user_id).bind(role.as_str()).bind(unit_id).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn grants_of(&mut self, user_id: i64) -> Result<Vec<Grant>> {
        let sql = "SELECT g.role, g.unit_id, u.path, u.kind, u.name FROM user_grants g \
                   JOIN units u ON u.id = g.unit_id WHERE g.user_id = $1 ORDER BY u.path";
        let rows =
            on!(self, c => sqlx::query_as::<_, GrantRow>(sql).bind(user_id).fetch_all(&mut **c).await)?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let role = Role::parse(&r.role).ok()?;
                let unit_name = if r.kind.is_empty() { r.name } else { format!("{} {}", r.kind, r.name) };
                Some(Grant { role, unit_id: r.unit_id, unit_path: r.path, unit_name })
            })
            .collect())
    }

    pub async fn set_login_failures(
        &mut self,
        user_id: i64,
        failed: i64,
        locked_until: Option<DateTime<Utc>>,
    ) -> Result<()> {
        on!(self, c => sqlx::query("UPDATE users SET failed_logins = $1, locked_until = $2 WHERE id = $3")
            .bind(failed).bind(locked_until).bind(user_id).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn set_password(&mut self, user_id: i64, password_hash: &str) -> Result<()> {
        on!(self, c => sqlx::query("UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL WHERE id = $2")
            .bind(password_hash).bind(user_id).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    // ---------------------------------------------------------------- sessions

    pub async fn insert_session(
        &mut self,
        id_hash: &str,
        user_id: i64,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        on!(self, c => sqlx::query("INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(id_hash).bind(user_id).bind(now).bind(expires_at).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// The user id and expiry of a session.
    pub async fn session(&mut self, id_hash: &str) -> Result<Option<(i64, DateTime<Utc>)>> {
        Ok(
            on!(self, c => sqlx::query_as::<_, (i64, DateTime<Utc>)>("SELECT user_id, expires_at FROM sessions WHERE id_hash = $1")
            .bind(id_hash).fetch_optional(&mut **c).await)?,
        )
    }

    pub async fn delete_session(&mut self, id_hash: &str) -> Result<()> {
        on!(self, c => sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    // ---------------------------------------------------------------- API tokens

    pub async fn insert_token(
        &mut self,
        user_id: i64,
        label: &str,
        token_hash: &str,
        prefix: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let sql = "INSERT INTO api_tokens (user_id, label, token_hash, prefix, created_at) \
                   VALUES ($1, $2, $3, $4, $5) RETURNING id";
        Ok(on!(self, c => sqlx::query_scalar::<_, i64>(sql)
            .bind(user_id).bind(label).bind(token_hash).bind(prefix).bind(now)
            .fetch_one(&mut **c).await)?)
    }

    pub async fn token_by_hash(&mut self, token_hash: &str) -> Result<Option<TokenRow>> {
        let sql = "SELECT id, user_id, label, prefix, created_at, last_used_at, revoked_at \
                   FROM api_tokens WHERE token_hash = $1";
        Ok(
            on!(self, c => sqlx::query_as::<_, TokenRow>(sql).bind(token_hash).fetch_optional(&mut **c).await)?,
        )
    }

    pub async fn tokens_of(&mut self, user_id: i64) -> Result<Vec<TokenRow>> {
        let sql = "SELECT id, user_id, label, prefix, created_at, last_used_at, revoked_at \
                   FROM api_tokens WHERE user_id = $1 ORDER BY id DESC";
        Ok(on!(self, c => sqlx::query_as::<_, TokenRow>(sql).bind(user_id).fetch_all(&mut **c).await)?)
    }

    /// Revoke a token of `user_id`; false if there was no such live token.
    pub async fn revoke_token(&mut self, id: i64, user_id: i64, now: DateTime<Utc>) -> Result<bool> {
        let sql =
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL";
        let r = on!(self, c => sqlx::query(sql).bind(now).bind(id).bind(user_id).execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(r == 1)
    }

    pub async fn touch_token(&mut self, id: i64, now: DateTime<Utc>) -> Result<()> {
        on!(self, c => sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2").bind(now).bind(id).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    // ---------------------------------------------------------------- audit

    pub async fn insert_audit(&mut self, a: &NewAudit) -> Result<()> {
        let sql = "INSERT INTO audit (province_code, unit_path, actor_id, actor, action, entity, entity_id, \
                   before_json, after_json, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
        on!(self, c => sqlx::query(sql)
            .bind(&a.province_code).bind(&a.unit_path).bind(a.actor_id).bind(&a.actor).bind(&a.action)
            .bind(&a.entity).bind(&a.entity_id).bind(&a.before_json).bind(&a.after_json).bind(a.at)
            .execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

    /// Audit rows inside the scope roots, newest first.
    pub async fn list_audit(
        &mut self,
        roots: &[String],
        f: &AuditFilter,
        limit: i64,
    ) -> Result<Vec<AuditRow>> {
        let rows = on!(self, c => {
            let mut qb = QueryBuilder::new(
                "SELECT id, province_code, unit_path, actor_id, actor, action, entity, entity_id, \
                 before_json, after_json, at FROM audit WHERE ",
            );
            push_scope!(qb, "unit_path", roots);
            if let Some(a) = &f.action {
                qb.push(" AND action = ").push_bind(a.clone());
            }
            if let Some(e) = &f.entity {
                qb.push(" AND entity = ").push_bind(e.clone());
            }
            if let Some(a) = &f.actor {
                qb.push(" AND actor = ").push_bind(a.clone());
            }
            if let Some(t) = f.from {
                qb.push(" AND at >= ").push_bind(t);
            }
            if let Some(t) = f.to {
                qb.push(" AND at < ").push_bind(t);
            }
            if let Some(id) = f.before_id {
                qb.push(" AND id < ").push_bind(id);
            }
            qb.push(" ORDER BY id DESC LIMIT ").push_bind(limit);
            qb.build_query_as::<AuditRow>().fetch_all(&mut **c).await
        })?;
        Ok(rows)
    }

    /// Distinct action names in the audit inside the scope roots (for the filter list).
    pub async fn audit_actions(&mut self, roots: &[String]) -> Result<Vec<String>> {
        Ok(on!(self, c => {
            let mut qb = QueryBuilder::new("SELECT DISTINCT action FROM audit WHERE ");
            push_scope!(qb, "unit_path", roots);
            qb.push(" ORDER BY action");
            qb.build_query_scalar::<String>().fetch_all(&mut **c).await
        })?)
    }

    // ---------------------------------------------------------------- legal parameters

    pub async fn list_parameters(&mut self) -> Result<Vec<ParamRow>> {
        let sql = "SELECT key, effective_from, effective_to, value, legal_basis, confidence, source \
                   FROM rule_parameters ORDER BY key, effective_from";
        Ok(on!(self, c => sqlx::query_as::<_, ParamRow>(sql).fetch_all(&mut **c).await)?)
    }

    pub async fn insert_parameters(&mut self, rows: &[ParamRow], now: DateTime<Utc>) -> Result<()> {
        for chunk in rows.chunks(500) {
            on!(self, c => {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO rule_parameters (key, effective_from, effective_to, value, legal_basis, \
                     confidence, source, created_at) ",
                );
                qb.push_values(chunk, |mut b, r| {
                    b.push_bind(r.key.clone())
                        .push_bind(r.effective_from)
                        .push_bind(r.effective_to)
                        .push_bind(r.value)
                        .push_bind(r.legal_basis.clone())
                        .push_bind(r.confidence.clone())
                        .push_bind(r.source.clone())
                        .push_bind(now);
                });
                qb.build().execute(&mut **c).await.map(|_| ())
            })?;
        }
        Ok(())
    }

    /// Close the version of `key` starting `effective_from` at `effective_to` (only if it is
    /// open-ended); false if there was no such open version.
    pub async fn close_parameter(
        &mut self,
        key: &str,
        effective_from: NaiveDate,
        effective_to: NaiveDate,
    ) -> Result<bool> {
        let sql = "UPDATE rule_parameters SET effective_to = $1 \
                   WHERE key = $2 AND effective_from = $3 AND effective_to IS NULL";
        let n = on!(self, c => sqlx::query(sql).bind(effective_to).bind(key).bind(effective_from)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Backend-specific spelling of a date literal in ORDER BY.
    fn date_sql(&self, sql: &str) -> String {
        match self {
            Conn::Sqlite(_) => sql.to_string(),
            Conn::Postgres(_) => sql.replace("'1900-01-01'", "DATE '1900-01-01'"),
        }
    }
}

fn prefixed(alias: &str) -> String {
    UNIT_COLS.split(", ").map(|c| format!("{alias}.{c}")).collect::<Vec<_>>().join(", ")
}
