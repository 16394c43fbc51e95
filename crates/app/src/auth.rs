//! Sign-in, sessions, API tokens, and the lock-out after repeated wrong passwords.

use crate::{App, AppError, Result, audit, secret};
use ansinh_domain::unit::ROOT_PATH;
use ansinh_domain::{Actor, Username};
use ansinh_store::{Conn, UserRow};
use chrono::{DateTime, Duration, Utc};

/// Wrong passwords in a row that lock an account.
pub const LOCK_AFTER_FAILURES: i64 = 5;
/// How long a locked account stays locked.
pub const LOCK_MINUTES: i64 = 15;
/// A token's last use is recorded with this precision (minutes), so reads rarely write.
pub const TOKEN_TOUCH_MINUTES: i64 = 10;
/// Lifetime of a web session.
pub const SESSION_HOURS: i64 = 12;

/// A hash to verify against when the user does not exist, so timing does not reveal it.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2V1i1QHjJ3mRrQyqCbFv4G7T7ABwGx3EoY8F3iK1d4Y";

pub(crate) async fn actor_of(c: &mut Conn<'_>, user: &UserRow) -> Result<Actor> {
    Ok(Actor { user_id: Some(user.id), username: user.username.clone(), grants: c.grants_of(user.id).await? })
}

fn home_path(actor: &Actor) -> (String, String) {
    actor
        .grants
        .first()
        .map_or_else(|| ("00".into(), ROOT_PATH.into()), |g| (String::new(), g.unit_path.clone()))
}

impl App {
    /// Check a username and password. Returns the actor and a new session secret (to put in
    /// the cookie; only its hash is stored). Five wrong passwords lock the account.
    pub async fn login(&self, username: &str, password: &str) -> Result<(Actor, String)> {
        let now = crate::now();
        let Ok(username) = Username::parse(username) else {
            secret::verify_password(password.to_string(), DUMMY_HASH.into()).await;
            return Err(AppError::BadCredentials);
        };
        let user = {
            let mut r = self.db.read().await?;
            r.conn().user_by_username(username.as_str()).await?
        };
        let Some(user) = user.filter(|u| u.active) else {
            secret::verify_password(password.to_string(), DUMMY_HASH.into()).await;
            return Err(AppError::BadCredentials);
        };
        if let Some(until) = user.locked_until
            && until > now
        {
            return Err(AppError::Locked { until });
        }
        let ok = secret::verify_password(password.to_string(), user.password_hash.clone()).await;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let actor = actor_of(&mut c, &user).await?;
        let (_, path) = home_path(&actor);
        let province = province_of(&mut c, &path).await?;
        if !ok {
            // Re-read inside the write transaction so concurrent failures all count.
            let current = c.user_by_id(user.id).await?.map_or(0, |u| u.failed_logins);
            let failed = current + 1;
            let result = if failed >= LOCK_AFTER_FAILURES {
                let until = now + Duration::minutes(LOCK_MINUTES);
                c.set_login_failures(user.id, 0, Some(until)).await?;
                let after = serde_json::json!({ "locked_until": until, "failures": failed });
                audit::record(
                    &mut c,
                    &actor,
                    "user.lock",
                    "user",
                    user.id,
                    &province,
                    &path,
                    None,
                    Some(after),
                )
                .await?;
                AppError::Locked { until }
            } else {
                c.set_login_failures(user.id, failed, None).await?;
                AppError::BadCredentials
            };
            tx.commit().await?;
            return Err(result);
        }
        let token = secret::random_hex(32)?;
        c.set_login_failures(user.id, 0, None).await?;
        c.insert_session(&secret::sha256_hex(&token), user.id, now, now + Duration::hours(SESSION_HOURS))
            .await?;
        audit::record(&mut c, &actor, "user.login", "user", user.id, &province, &path, None, None).await?;
        tx.commit().await?;
        Ok((actor, token))
    }

    /// The actor behind a session secret, if the session is live.
    pub async fn session_actor(&self, token: &str) -> Result<Option<Actor>> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let Some((user_id, expires)) = c.session(&secret::sha256_hex(token)).await? else { return Ok(None) };
        if expires <= crate::now() {
            return Ok(None);
        }
        match c.user_by_id(user_id).await? {
            Some(u) if u.active => Ok(Some(actor_of(&mut c, &u).await?)),
            _ => Ok(None),
        }
    }

    /// End a session.
    pub async fn logout(&self, token: &str) -> Result<()> {
        let mut tx = self.db.begin().await?;
        tx.conn().delete_session(&secret::sha256_hex(token)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The actor behind an API bearer token, if it is live.
    ///
    /// A read never waits for a write: the token's last use is recorded at most once per
    /// [`TOKEN_TOUCH_MINUTES`], by a detached task, and a busy database only skips it. (Before,
    /// every bearer read wrote `last_used_at` and answered 500 while an import held the lock.)
    pub async fn token_actor(&self, token: &str) -> Result<Option<Actor>> {
        let hash = secret::sha256_hex(token.trim());
        let found = {
            let mut r = self.db.read().await?;
            let mut c = r.conn();
            match c.token_by_hash(&hash).await? {
                Some(t) if t.revoked_at.is_none() => match c.user_by_id(t.user_id).await? {
                    Some(u) if u.active => Some((t, actor_of(&mut c, &u).await?)),
                    _ => None,
                },
                _ => None,
            }
        };
        let Some((t, actor)) = found else { return Ok(None) };
        let now = crate::now();
        if t.last_used_at.is_none_or(|at| now - at >= Duration::minutes(TOKEN_TOUCH_MINUTES)) {
            let db = self.db.clone();
            tokio::spawn(async move {
                let touched = async {
                    let mut tx = db.begin().await?;
                    tx.conn().touch_token(t.id, now).await?;
                    tx.commit().await
                };
                if let Err(e) = touched.await {
                    tracing::debug!(error = %e, "token last use not recorded");
                }
            });
        }
        Ok(Some(actor))
    }

    /// Seconds until `until`, for "try again in N minutes" messages.
    pub fn minutes_until(until: DateTime<Utc>) -> i64 {
        ((until - crate::now()).num_seconds().max(0) + 59) / 60
    }
}

/// Province code of the unit at `path` ("00" for the country).
pub(crate) async fn province_of(c: &mut Conn<'_>, path: &str) -> Result<String> {
    let id = path.trim_matches('/').split('/').next_back().and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
    Ok(c.unit_by_id(id).await?.map_or_else(|| "00".to_string(), |u| u.province_code))
}
