//! Sign-in throttling, counted in memory and atomically.
//!
//! What it prevents (each was measured against the earlier per-account counter in the
//! database): a burst of parallel attempts getting more guesses than the limit (40 parallel
//! logins checked 32 wrong passwords); anyone locking any account, the administrator's too,
//! with five requests from anywhere; and telling known from unknown usernames (unknown names
//! never locked, and a locked account answered in 0.6 ms instead of 22 ms).
//!
//! How: every attempt is *reserved* before the password is checked, under one lock, so at most
//! [`PER_NAME_CLIENT`] attempts per username and client address are ever checked in a window;
//! the attacker's address, not the account, is what gets locked out, so the owner signing in
//! from elsewhere is not; an address is also capped across all names ([`PER_CLIENT`]) and a
//! name across all addresses ([`PER_NAME`], high, against distributed guessing). Known and
//! unknown names are counted the same way, no failed attempt writes to the database, and every
//! attempt — locked or not — checks a password hash, so answers and timing do not depend on
//! whether the name exists. Counts live in this process (a second server process counts its
//! own); an administrator's unlock or a password reset clears a name.

use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::sync::Mutex;

/// Checked attempts per username and client address in a window (then locked for the window).
pub const PER_NAME_CLIENT: u32 = crate::auth::LOCK_AFTER_FAILURES as u32;
/// Failed attempts per client address across all usernames in a window.
pub const PER_CLIENT: u32 = 20;
/// Failed attempts per username across all client addresses in a window.
pub const PER_NAME: u32 = 50;

#[derive(Clone, PartialEq, Eq, Hash)]
enum Key {
    NameClient(String, String),
    Client(String),
    Name(String),
}

impl Key {
    fn limit(&self) -> u32 {
        match self {
            Key::NameClient(..) => PER_NAME_CLIENT,
            Key::Client(_) => PER_CLIENT,
            Key::Name(_) => PER_NAME,
        }
    }
}

#[derive(Clone, Copy)]
struct Entry {
    count: u32,
    window_start: DateTime<Utc>,
    locked_until: Option<DateTime<Utc>>,
}

/// The counters; see the module documentation.
#[derive(Default)]
pub struct LoginThrottle {
    entries: Mutex<HashMap<Key, Entry>>,
}

impl std::fmt::Debug for LoginThrottle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginThrottle")
    }
}

fn window() -> Duration {
    Duration::minutes(crate::auth::LOCK_MINUTES)
}

impl LoginThrottle {
    fn keys(name: &str, client: &str) -> [Key; 3] {
        [
            Key::NameClient(name.to_string(), client.to_string()),
            Key::Client(client.to_string()),
            Key::Name(name.to_string()),
        ]
    }

    /// Reserve one attempt for `name` (folded) from `client`, counted as a failure until
    /// [`LoginThrottle::succeeded`] says otherwise. `Err(until)` when a limit is reached: the
    /// password must not be checked against the account.
    pub fn reserve(&self, name: &str, client: &str, now: DateTime<Utc>) -> Result<(), DateTime<Utc>> {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, e| e.locked_until.is_some_and(|t| t > now) || e.window_start + window() > now);
        }
        let keys = Self::keys(name, client);
        for k in &keys {
            if let Some(until) = map.get(k).and_then(|e| e.locked_until).filter(|t| *t > now) {
                return Err(until);
            }
        }
        for k in keys {
            let limit = k.limit();
            let e = map.entry(k).or_insert(Entry { count: 0, window_start: now, locked_until: None });
            if e.window_start + window() <= now || e.locked_until.is_some_and(|t| t <= now) {
                *e = Entry { count: 0, window_start: now, locked_until: None };
            }
            e.count += 1;
            if e.count >= limit {
                e.locked_until = Some(now + window());
            }
        }
        Ok(())
    }

    /// The reserved attempt was the right password: it no longer counts, and the name's
    /// counters start again.
    pub fn succeeded(&self, name: &str, client: &str) {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&Key::NameClient(name.to_string(), client.to_string()));
        map.remove(&Key::Name(name.to_string()));
        if let Some(e) = map.get_mut(&Key::Client(client.to_string())) {
            e.count = e.count.saturating_sub(1);
        }
    }

    /// Until when `name` is locked from `client`, if it is.
    pub fn locked_until(&self, name: &str, client: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        Self::keys(name, client)
            .iter()
            .filter_map(|k| map.get(k).and_then(|e| e.locked_until))
            .filter(|t| *t > now)
            .max()
    }

    /// Whether `name` is locked from any client (for the user's page).
    pub fn name_locked(&self, name: &str, now: DateTime<Utc>) -> bool {
        let map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.iter().any(|(k, e)| {
            matches!(k, Key::NameClient(n, _) | Key::Name(n) if n == name)
                && e.locked_until.is_some_and(|t| t > now)
        })
    }

    /// Forget every count of `name` (an administrator's unlock, a new password).
    pub fn clear_name(&self, name: &str) {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|k, _| !matches!(k, Key::NameClient(n, _) | Key::Name(n) if n == name));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_name_and_client_then_per_client() {
        let t = LoginThrottle::default();
        let now = Utc::now();
        for i in 0..PER_NAME_CLIENT {
            assert!(t.reserve("a", "1.2.3.4", now).is_ok(), "attempt {i}");
        }
        assert!(t.reserve("a", "1.2.3.4", now).is_err(), "locked from that address");
        assert!(t.reserve("a", "5.6.7.8", now).is_ok(), "not from another");
        // The window passes: open again.
        assert!(t.reserve("a", "1.2.3.4", now + window() + Duration::seconds(1)).is_ok());
        // One address spraying names.
        let t = LoginThrottle::default();
        for i in 0..PER_CLIENT {
            assert!(t.reserve(&format!("n{i}"), "9.9.9.9", now).is_ok());
        }
        assert!(t.reserve("fresh", "9.9.9.9", now).is_err(), "the address is capped");
    }

    #[test]
    fn success_resets_the_name_and_unlock_clears_it() {
        let t = LoginThrottle::default();
        let now = Utc::now();
        for _ in 0..PER_NAME_CLIENT - 1 {
            t.reserve("a", "c", now).unwrap();
        }
        t.reserve("a", "c", now).unwrap();
        assert!(t.name_locked("a", now));
        t.clear_name("a");
        assert!(!t.name_locked("a", now) && t.reserve("a", "c", now).is_ok());
        t.succeeded("a", "c");
        assert!(t.locked_until("a", "c", now).is_none());
    }
}
