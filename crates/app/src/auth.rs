//! Sign-in, sessions, API tokens, and the lock-out after repeated wrong passwords.

use crate::work::Subject;
use crate::{App, AppError, Result, secret};
use ansinh_domain::unit::ROOT_PATH;
use ansinh_domain::{Actor, Username};
use ansinh_store::{Conn, UserRow};
use chrono::{DateTime, Duration, Utc};

/// Checked attempts per username and client address before that address is locked out of
/// the name for [`LOCK_MINUTES`] (see [`crate::throttle`]).
pub const LOCK_AFTER_FAILURES: i64 = 5;
/// How long a lock-out lasts, and the window attempts are counted in.
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
    /// [`App::login_from`] for a caller on this machine (the command line, tests).
    pub async fn login(&self, username: &str, password: &str) -> Result<(Actor, String)> {
        self.login_from(username, password, "local").await
    }

    /// Check a username and password from `client` (the caller's address). Returns the actor
    /// and a new session secret (to put in the cookie; only its hash is stored). Attempts are
    /// throttled per name and address, per address and per name ([`crate::throttle`]); known
    /// and unknown names answer alike, in the same time, and a failed attempt writes nothing.
    pub async fn login_from(&self, username: &str, password: &str, client: &str) -> Result<(Actor, String)> {
        let now = self.now();
        let name: String = username.trim().to_lowercase().chars().take(64).collect();
        if let Err(until) = self.throttle.reserve(&name, client, now) {
            // The same work as a real check, so a locked answer takes as long as any other.
            secret::verify_password(password.to_string(), DUMMY_HASH.into()).await;
            tracing::warn!(username = %name, client, "sign-in refused: locked");
            return Err(AppError::Locked { until, minutes: self.minutes_until(until) });
        }
        let user = match Username::parse(username) {
            Ok(u) => {
                let mut r = self.db.read().await?;
                r.conn().user_by_username(u.as_str()).await?.filter(|u| u.active)
            }
            Err(_) => None,
        };
        let hash = user.as_ref().map_or_else(|| DUMMY_HASH.to_string(), |u| u.password_hash.clone());
        let ok = secret::verify_password(password.to_string(), hash).await;
        let Some(user) = user.filter(|_| ok) else {
            tracing::warn!(username = %name, client, "sign-in failed");
            // The attempt that reached a limit says so; the next ones are refused unchecked.
            return Err(match self.throttle.locked_until(&name, client, now) {
                Some(until) => AppError::Locked { until, minutes: self.minutes_until(until) },
                None => AppError::BadCredentials,
            });
        };
        self.throttle.succeeded(&name, client);
        let actor = {
            let mut r = self.db.read().await?;
            actor_of(&mut r.conn(), &user).await?
        };
        let mut w = self.write(&actor).await?;
        let (_, path) = home_path(&actor);
        let province = province_of(&mut w.conn(), &path).await?;
        let subject = Subject::new("user", user.id, &province, &path);
        let token = secret::random_hex(32)?;
        w.conn().set_login_failures(user.id, 0, None).await?;
        // Expired sessions go with each sign-in, so the table holds only live ones.
        w.conn().purge_expired_sessions(now).await?;
        w.conn()
            .insert_session(&secret::sha256_hex(&token), user.id, now, now + Duration::hours(SESSION_HOURS))
            .await?;
        w.event("user.login", subject);
        w.commit().await?;
        Ok((actor, token))
    }

    /// The actor behind a session secret, if the session is live.
    pub async fn session_actor(&self, token: &str) -> Result<Option<Actor>> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let Some((user_id, expires)) = c.session(&secret::sha256_hex(token)).await? else { return Ok(None) };
        if expires <= self.now() {
            return Ok(None);
        }
        match c.user_by_id(user_id).await? {
            Some(u) if u.active => Ok(Some(actor_of(&mut c, &u).await?)),
            _ => Ok(None),
        }
    }

    /// End a session.
    pub async fn logout(&self, token: &str) -> Result<()> {
        // Ending a session is bookkeeping: no record changes.
        let mut w = self.bookkeeping().await?;
        w.conn().delete_session(&secret::sha256_hex(token)).await?;
        w.commit().await
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
        let now = self.now();
        if t.last_used_at.is_none_or(|at| now - at >= Duration::minutes(TOKEN_TOUCH_MINUTES)) {
            let app = self.clone();
            tokio::spawn(async move {
                // A token's last use is bookkeeping: no record changes.
                let touched = async {
                    let mut w = app.bookkeeping().await?;
                    w.conn().touch_token(t.id, now).await?;
                    w.commit().await
                };
                if let Err(e) = touched.await {
                    tracing::debug!(error = %e, "token last use not recorded");
                }
            });
        }
        Ok(Some(actor))
    }

    /// Minutes until `until`, rounded up, for "try again in N minutes" messages.
    fn minutes_until(&self, until: DateTime<Utc>) -> i64 {
        ((until - self.now()).num_seconds().max(0) + 59) / 60
    }
}

/// Province code of the unit at `path` ("00" for the country).
pub(crate) async fn province_of(c: &mut Conn<'_>, path: &str) -> Result<String> {
    let id = path.trim_matches('/').split('/').next_back().and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
    Ok(c.unit_by_id(id).await?.map_or_else(|| "00".to_string(), |u| u.province_code))
}
