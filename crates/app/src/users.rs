//! User accounts, role grants, and API tokens.

use crate::auth::{actor_of, province_of};
use crate::work::Subject;
use crate::{App, AppError, Result, secret};
use ansinh_domain::user::check_password;
use ansinh_domain::{Actor, Grant, Permission, Role, UnitCode, Username, text};
use ansinh_store::{TokenRow, UserRow};
use serde::Serialize;

/// A user to create (parsed from a form, the CLI or the API).
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: String,
    pub unit_code: String,
}

/// A user's page.
#[derive(Debug, Serialize)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub locked: bool,
    /// Đang hoạt động — the account may sign in and its tokens work.
    pub active: bool,
    pub grants: Vec<Grant>,
    /// The place of each grant, with its path and the picker's value (same order as `grants`).
    pub grant_places: Vec<crate::PlaceMatch>,
    pub tokens: Vec<TokenRow>,
    /// The viewer may create and revoke this user's tokens.
    pub can_manage: bool,
    /// The viewer administers this user (roles, scope, password, disable, unlock): someone
    /// else's account they manage users over.
    pub can_administer: bool,
}

/// A change to a user's roles: add one, replace one, or remove one.
#[derive(Debug, Clone)]
pub struct GrantChange {
    /// The grant to replace or remove (role, unit id); none to add.
    pub old: Option<(String, i64)>,
    /// The role and the place (typed or picked) to grant; none to remove `old`.
    pub new: Option<(String, String)>,
}

impl App {
    /// Create a user with one role on one unit's subtree. The actor must manage users there.
    pub async fn add_user(&self, actor: &Actor, n: &NewUser) -> Result<i64> {
        let username = Username::parse(&n.username)?;
        let role = Role::parse(&n.role)?;
        check_password(&n.password)?;
        let display = text::free_text("display_name", &n.display_name, 100)?;
        let display = if display.is_empty() { username.as_str().to_string() } else { display };
        if display.chars().count() > 100 {
            return Err(AppError::invalid(
                "display_name",
                "Họ tên dài quá 100 ký tự",
                "name is longer than 100 characters",
            ));
        }
        let unit = self.place_from_text(actor, &n.unit_code, crate::PlaceUse::UserScope, "unit").await?;
        if !actor.can(Permission::ManageUsers, &unit.path) {
            return Err(AppError::Forbidden);
        }
        let hash = secret::hash_password(n.password.clone()).await?;
        let mut w = self.write(actor).await?;
        if w.conn().user_by_username(username.as_str()).await?.is_some() {
            return Err(AppError::invalid(
                "username",
                format!("Tên đăng nhập «{}» đã có người dùng", username.as_str()),
                format!("username «{}» is taken", username.as_str()),
            ));
        }
        let now = w.now();
        let id = w.conn().insert_user(username.as_str(), &display, &hash, now).await?;
        w.conn().insert_grant(id, role, unit.id).await?;
        let after = serde_json::json!({
            "username": username.as_str(), "display_name": display, "role": role.as_str(), "unit": unit.code
        });
        w.changed(
            "user.create",
            Subject::new("user", id, &unit.province_code, &unit.path),
            None,
            Some(after),
        );
        w.commit().await?;
        Ok(id)
    }

    /// Users the actor manages.
    pub async fn list_users(&self, actor: &Actor) -> Result<Vec<(UserRow, Vec<Grant>)>> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let users = c.users_in_scope(&actor.roots(Permission::ManageUsers)).await?;
        let mut out = Vec::with_capacity(users.len());
        for u in users {
            let g = c.grants_of(u.id).await?;
            out.push((u, g));
        }
        Ok(out)
    }

    /// Whether `actor` may manage the user holding `grants` (self, or ManageUsers over a grant).
    fn may_manage(actor: &Actor, user_id: i64, grants: &[Grant]) -> bool {
        actor.user_id == Some(user_id)
            || grants.iter().any(|g| actor.can(Permission::ManageUsers, &g.unit_path))
    }

    /// Whether `actor` administers the user holding `grants`: not themselves (nobody raises,
    /// narrows or disables their own account), ManageUsers over one of the user's grants.
    fn may_administer(actor: &Actor, user_id: i64, grants: &[Grant]) -> bool {
        actor.user_id != Some(user_id)
            && grants.iter().any(|g| actor.can(Permission::ManageUsers, &g.unit_path))
    }

    /// The user, their grants and the subject their audit entries go under, if `actor`
    /// administers them; not found otherwise (a user out of scope is not confirmed to exist).
    async fn administered(
        &self,
        w: &mut crate::work::Work<'_>,
        actor: &Actor,
        user_id: i64,
    ) -> Result<(UserRow, Vec<Grant>, Subject)> {
        let user = w.conn().user_by_id(user_id).await?.ok_or(AppError::NotFound)?;
        let grants = w.conn().grants_of(user_id).await?;
        if actor.user_id == Some(user_id)
            && grants.iter().any(|g| actor.can(Permission::ManageUsers, &g.unit_path))
        {
            return Err(AppError::invalid(
                "user",
                "Không thể tự đổi vai trò, phạm vi hay trạng thái tài khoản của chính mình; hãy nhờ một quản trị viên khác",
                "you cannot change your own roles, scope or account state; ask another administrator",
            ));
        }
        if !Self::may_administer(actor, user_id, &grants) {
            return Err(AppError::NotFound);
        }
        let path = grants.first().map_or(ansinh_domain::unit::ROOT_PATH.to_string(), |g| g.unit_path.clone());
        let province = province_of(&mut w.conn(), &path).await?;
        Ok((user, grants, Subject::new("user", user_id, &province, &path)))
    }

    /// The id of the user named `username`, if `actor` may administer them (not found
    /// otherwise), for the command line.
    pub async fn administered_user_id(&self, actor: &Actor, username: &str) -> Result<i64> {
        let username = Username::parse(username)?;
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let user = c.user_by_username(username.as_str()).await?.ok_or(AppError::NotFound)?;
        let grants = c.grants_of(user.id).await?;
        if !Self::may_administer(actor, user.id, &grants) {
            return Err(AppError::NotFound);
        }
        Ok(user.id)
    }

    /// Add, replace or remove one of a user's role grants. The actor must manage users both over
    /// the grant taken away and over the place given; a user keeps at least one grant (disable
    /// the account instead).
    pub async fn change_grant(&self, actor: &Actor, user_id: i64, change: &GrantChange) -> Result<()> {
        let new = match &change.new {
            Some((role, place)) => {
                let role = Role::parse(role)?;
                let unit = self.place_from_text(actor, place, crate::PlaceUse::UserScope, "unit").await?;
                if !actor.can(Permission::ManageUsers, &unit.path) {
                    return Err(AppError::invalid(
                        "unit",
                        format!("Bạn không quản lý người dùng ở {}", unit.full_name()),
                        format!("you do not manage users in {}", unit.full_name()),
                    ));
                }
                Some((role, unit))
            }
            None => None,
        };
        let mut w = self.write(actor).await?;
        let (_, grants, subject) = self.administered(&mut w, actor, user_id).await?;
        let old = match &change.old {
            Some((role, unit_id)) => {
                let role = Role::parse(role)?;
                let g = grants
                    .iter()
                    .find(|g| g.role == role && g.unit_id == *unit_id)
                    .ok_or(AppError::NotFound)?
                    .clone();
                if !actor.can(Permission::ManageUsers, &g.unit_path) {
                    return Err(AppError::Forbidden);
                }
                Some(g)
            }
            None => None,
        };
        if old.is_none() && new.is_none() {
            return Err(AppError::invalid("role", "Chưa chọn thay đổi nào", "nothing to change"));
        }
        if let Some((role, unit)) = &new
            && grants.iter().any(|g| g.role == *role && g.unit_id == unit.id)
            && old.as_ref().is_none_or(|o| o.role != *role || o.unit_id != unit.id)
        {
            return Err(AppError::invalid(
                "role",
                format!("Người dùng đã có vai trò này ở {}", unit.full_name()),
                format!("the user already holds this role in {}", unit.full_name()),
            ));
        }
        if new.is_none() && grants.len() <= 1 {
            return Err(AppError::invalid(
                "role",
                "Người dùng cần ít nhất một vai trò; để ngừng cho đăng nhập, hãy khoá tài khoản",
                "a user needs at least one role; to stop them signing in, disable the account",
            ));
        }
        let grant_json = |role: Role, unit_id: i64, name: &str| serde_json::json!({ "role": role.as_str(), "unit_id": unit_id, "unit": name });
        let before = old.as_ref().map(|g| grant_json(g.role, g.unit_id, &g.unit_name));
        if let Some(g) = &old {
            w.conn().delete_grant(user_id, g.role, g.unit_id).await?;
        }
        let after = match &new {
            Some((role, unit)) => {
                if old.as_ref().is_none_or(|o| o.role != *role || o.unit_id != unit.id) {
                    w.conn().insert_grant(user_id, *role, unit.id).await?;
                }
                Some(grant_json(*role, unit.id, &unit.full_name()))
            }
            None => None,
        };
        // A narrowed or changed role takes effect now, not when the user next signs in.
        if old.is_some() {
            w.conn().delete_sessions_of(user_id).await?;
        }
        w.changed("user.grant", subject, before, after);
        w.commit().await
    }

    /// Disable an account (it can no longer sign in, its sessions end and its tokens stop
    /// working) or enable it again. Nobody disables themselves.
    pub async fn set_user_active(&self, actor: &Actor, user_id: i64, active: bool) -> Result<()> {
        let mut w = self.write(actor).await?;
        let (user, _, subject) = self.administered(&mut w, actor, user_id).await?;
        if user.active == active {
            return Ok(());
        }
        w.conn().set_user_active(user_id, active).await?;
        let sessions = if active { 0 } else { w.conn().delete_sessions_of(user_id).await? };
        w.changed(
            if active { "user.enable" } else { "user.disable" },
            subject,
            Some(serde_json::json!({ "active": user.active })),
            Some(serde_json::json!({ "active": active, "sessions_ended": sessions })),
        );
        w.commit().await
    }

    /// A user's page: visible to the user and to whoever manages them.
    pub async fn user_view(&self, actor: &Actor, id: i64) -> Result<UserView> {
        let mut r = self.db.read().await?;
        let mut c = r.conn();
        let user = c.user_by_id(id).await?.ok_or(AppError::NotFound)?;
        let grants = c.grants_of(id).await?;
        if !Self::may_manage(actor, id, &grants) {
            return Err(AppError::NotFound);
        }
        let tokens = c.tokens_of(id).await?;
        let ids: Vec<i64> = grants.iter().map(|g| g.unit_id).collect();
        let units = c.units_by_ids(&ids).await?;
        let labelled: std::collections::HashMap<i64, crate::PlaceMatch> =
            self.place_labels(&mut c, units).await?.into_iter().map(|m| (m.unit.id, m)).collect();
        let grant_places = grants.iter().filter_map(|g| labelled.get(&g.unit_id).cloned()).collect();
        Ok(UserView {
            id,
            locked: self.throttle.name_locked(&user.username, self.now()),
            active: user.active,
            username: user.username,
            display_name: user.display_name,
            can_administer: Self::may_administer(actor, id, &grants),
            grants,
            grant_places,
            tokens,
            can_manage: true,
        })
    }

    /// Create an API token for `username`; returns the stored row and the secret (shown once).
    pub async fn create_token(
        &self,
        actor: &Actor,
        username: &str,
        label: &str,
    ) -> Result<(TokenRow, String)> {
        let username = Username::parse(username)?;
        let label = text::free_text("label", label, 60)?;
        let label = if label.is_empty() { "API".to_string() } else { label };
        let mut w = self.write(actor).await?;
        let user = w.conn().user_by_username(username.as_str()).await?.ok_or(AppError::NotFound)?;
        let target = actor_of(&mut w.conn(), &user).await?;
        if !Self::may_manage(actor, user.id, &target.grants) {
            return Err(AppError::NotFound);
        }
        let token = format!("ansinh_{}", secret::random_hex(24)?);
        let prefix: String = token.chars().take(14).collect();
        let now = w.now();
        let id = w.conn().insert_token(user.id, &label, &secret::sha256_hex(&token), &prefix, now).await?;
        let path =
            target.grants.first().map_or(ansinh_domain::unit::ROOT_PATH.to_string(), |g| g.unit_path.clone());
        let province = province_of(&mut w.conn(), &path).await?;
        let after = serde_json::json!({ "user": user.username, "label": label, "prefix": prefix });
        w.changed("token.create", Subject::new("api_token", id, &province, &path), None, Some(after));
        w.commit().await?;
        let row = TokenRow {
            id,
            user_id: user.id,
            label,
            prefix,
            created_at: now,
            last_used_at: None,
            revoked_at: None,
        };
        Ok((row, token))
    }

    /// Revoke one of a user's tokens.
    pub async fn revoke_token(&self, actor: &Actor, user_id: i64, token_id: i64) -> Result<()> {
        let mut w = self.write(actor).await?;
        let grants = w.conn().grants_of(user_id).await?;
        if w.conn().user_by_id(user_id).await?.is_none() || !Self::may_manage(actor, user_id, &grants) {
            return Err(AppError::NotFound);
        }
        let now = w.now();
        if !w.conn().revoke_token(token_id, user_id, now).await? {
            return Err(AppError::NotFound);
        }
        let path = grants.first().map_or(ansinh_domain::unit::ROOT_PATH.to_string(), |g| g.unit_path.clone());
        let province = province_of(&mut w.conn(), &path).await?;
        w.event("token.revoke", Subject::new("api_token", token_id, &province, &path));
        w.commit().await?;
        Ok(())
    }

    /// Lift a user's sign-in lock-out (an administrator who manages the user).
    pub async fn unlock_user(&self, actor: &Actor, user_id: i64) -> Result<()> {
        let mut w = self.write(actor).await?;
        let grants = w.conn().grants_of(user_id).await?;
        let Some(user) = w.conn().user_by_id(user_id).await? else { return Err(AppError::NotFound) };
        if actor.user_id == Some(user_id)
            || !grants.iter().any(|g| actor.can(Permission::ManageUsers, &g.unit_path))
        {
            return Err(AppError::NotFound);
        }
        w.conn().set_login_failures(user_id, 0, None).await?;
        self.throttle.clear_name(&user.username);
        let path = grants.first().map_or(ansinh_domain::unit::ROOT_PATH.to_string(), |g| g.unit_path.clone());
        let province = province_of(&mut w.conn(), &path).await?;
        w.event("user.unlock", Subject::new("user", user_id, &province, &path));
        w.commit().await
    }

    /// Sign a user out everywhere: end every session (the user's own, or a managed user's).
    pub async fn end_sessions(&self, actor: &Actor, user_id: i64) -> Result<u64> {
        let mut w = self.write(actor).await?;
        let grants = w.conn().grants_of(user_id).await?;
        if w.conn().user_by_id(user_id).await?.is_none() || !Self::may_manage(actor, user_id, &grants) {
            return Err(AppError::NotFound);
        }
        let n = w.conn().delete_sessions_of(user_id).await?;
        let path = grants.first().map_or(ansinh_domain::unit::ROOT_PATH.to_string(), |g| g.unit_path.clone());
        let province = province_of(&mut w.conn(), &path).await?;
        let after = serde_json::json!({ "sessions_ended": n });
        w.changed(
            "user.sign_out_everywhere",
            Subject::new("user", user_id, &province, &path),
            None,
            Some(after),
        );
        w.commit().await?;
        Ok(n)
    }

    /// Resolve a unit code for the CLI's `user add --unit` (validates the format first).
    pub fn parse_unit_code(code: &str) -> Result<UnitCode> {
        Ok(UnitCode::parse(code)?)
    }
}

impl App {
    /// Set a user's password (and unlock the account). The actor must manage the user. Every
    /// session of the user ends (a stolen session dies with the old password); with
    /// `revoke_tokens`, so do the user's API tokens.
    pub async fn reset_password(
        &self,
        actor: &Actor,
        username: &str,
        password: &str,
        revoke_tokens: bool,
    ) -> Result<()> {
        let username = Username::parse(username)?;
        check_password(password)?;
        let hash = secret::hash_password(password.to_string()).await?;
        let mut w = self.write(actor).await?;
        let user = w.conn().user_by_username(username.as_str()).await?.ok_or(AppError::NotFound)?;
        let grants = w.conn().grants_of(user.id).await?;
        if !Self::may_manage(actor, user.id, &grants) {
            return Err(AppError::NotFound);
        }
        w.conn().set_password(user.id, &hash).await?;
        self.throttle.clear_name(&user.username);
        let sessions = w.conn().delete_sessions_of(user.id).await?;
        let now = w.now();
        let tokens = if revoke_tokens { w.conn().revoke_tokens_of(user.id, now).await? } else { 0 };
        let path = grants.first().map_or(ansinh_domain::unit::ROOT_PATH.to_string(), |g| g.unit_path.clone());
        let province = province_of(&mut w.conn(), &path).await?;
        let after = serde_json::json!({ "sessions_ended": sessions, "tokens_revoked": tokens });
        w.changed("user.password", Subject::new("user", user.id, &province, &path), None, Some(after));
        w.commit().await?;
        Ok(())
    }
}
