//! Users, their grants, web sessions and API tokens.

use crate::{Conn, Result};
use ansinh_domain::{Grant, Role};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{FromRow, QueryBuilder};

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

#[derive(FromRow)]
struct GrantRow {
    role: String,
    unit_id: i64,
    path: String,
    kind: String,
    name: String,
}

impl Conn<'_> {
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

    /// Remove one grant; whether it existed.
    pub async fn delete_grant(&mut self, user_id: i64, role: Role, unit_id: i64) -> Result<bool> {
        Ok(
            on!(self, c => sqlx::query("DELETE FROM user_grants WHERE user_id = $1 AND role = $2 AND unit_id = $3")
            .bind(user_id).bind(role.as_str()).bind(unit_id).execute(&mut **c).await.map(|r| r.rows_affected() > 0))?,
        )
    }

    /// Enable or disable an account (a disabled user can neither sign in nor use a token).
    pub async fn set_user_active(&mut self, user_id: i64, active: bool) -> Result<()> {
        on!(self, c => sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
            .bind(active).bind(user_id).execute(&mut **c).await.map(|_| ()))?;
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

    /// End every session of `user_id`; returns how many there were.
    pub async fn delete_sessions_of(&mut self, user_id: i64) -> Result<u64> {
        Ok(on!(self, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?)
    }

    /// Remove sessions that expired before `now`; returns how many.
    pub async fn purge_expired_sessions(&mut self, now: DateTime<Utc>) -> Result<u64> {
        Ok(on!(self, c => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?)
    }

    /// Revoke every live token of `user_id`; returns how many.
    pub async fn revoke_tokens_of(&mut self, user_id: i64, now: DateTime<Utc>) -> Result<u64> {
        Ok(
            on!(self, c => sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
            .bind(now).bind(user_id).execute(&mut **c).await.map(|r| r.rows_affected()))?,
        )
    }

    pub async fn delete_session(&mut self, id_hash: &str) -> Result<()> {
        on!(self, c => sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(&mut **c).await.map(|_| ()))?;
        Ok(())
    }

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
}
