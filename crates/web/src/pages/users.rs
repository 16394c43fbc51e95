//! Users: list and add (administrators), a user's page with roles and API tokens.

use crate::AppState;
use crate::error::{PageError, fields_message, form_outcome, unprocessable};
use crate::pages::render;
use crate::session::Page;
use ansinh_app::UserView;
use ansinh_app::records::UserRow;
use ansinh_app::{AppError, GrantChange, NewUser};
use ansinh_domain::Grant;
use ansinh_domain::{Permission, Role};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

pub async fn list(State(state): State<AppState>, page: Page) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    if !actor.has(Permission::ManageUsers) {
        return Err(PageError::from(AppError::Forbidden));
    }
    let users = state.app.list_users(actor).await?;
    render(&UsersTpl { page: &page, users, roles: &Role::ALL, error: None, form: UserForm::default() })
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    Form(f): Form<UserForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let n = NewUser {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        password: f.password.clone(),
        role: f.role.clone(),
        unit_code: f.unit_code.clone(),
    };
    match form_outcome(state.app.add_user(actor, &n).await)? {
        Ok(id) => Ok(Redirect::to(&format!("/users/{id}")).into_response()),
        Err(fields) => {
            let users = state.app.list_users(actor).await?;
            let error = Some(fields_message(page.lang, &fields));
            let form = UserForm { password: String::new(), ..f };
            Ok(unprocessable(render(&UsersTpl { page: &page, users, roles: &Role::ALL, error, form })?))
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    let view = state.app.user_view(actor, id).await?;
    render(&UserTpl { page: &page, view, new_token: None, error: None, notice: q.notice() })
}

/// What the user's page reports after an action (from the redirect's `?done=`).
#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

impl DoneQuery {
    fn notice(&self) -> Option<&'static str> {
        match self.done.as_str() {
            "grant" => Some("user-done-grant"),
            "disabled" => Some("user-done-disabled"),
            "enabled" => Some("user-done-enabled"),
            "password" => Some("user-done-password"),
            "unlocked" => Some("user-done-unlocked"),
            "revoked" => Some("user-done-revoked"),
            _ => None,
        }
    }
}

/// The user's page again with what went wrong (422), nothing changed.
async fn user_error(
    state: &AppState,
    page: &Page,
    id: i64,
    fields: &[ansinh_domain::Invalid],
) -> Result<Response, PageError> {
    let view = state.app.user_view(page.actor()?, id).await?;
    let error = Some(fields_message(page.lang, fields));
    Ok(unprocessable(render(&UserTpl { page, view, new_token: None, error, notice: None })?))
}

/// A change of role or scope: add (no `old_role`), replace, or remove (`remove`).
#[derive(Deserialize)]
pub struct GrantForm {
    #[serde(default)]
    old_role: String,
    #[serde(default)]
    old_unit: Option<i64>,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    remove: String,
}

pub async fn change_grant(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<GrantForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let old = match (f.old_role.trim(), f.old_unit) {
        ("", _) | (_, None) => None,
        (role, Some(unit)) => Some((role.to_string(), unit)),
    };
    let new = if f.remove.is_empty() { Some((f.role.clone(), f.unit.clone())) } else { None };
    match form_outcome(state.app.change_grant(actor, id, &GrantChange { old, new }).await)? {
        Ok(()) => Ok(Redirect::to(&format!("/users/{id}?done=grant")).into_response()),
        Err(fields) => user_error(&state, &page, id, &fields).await,
    }
}

#[derive(Deserialize)]
pub struct ActiveForm {
    #[serde(default)]
    active: String,
}

/// Disable (`active=no`) or enable (`active=yes`) the account.
pub async fn set_active(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<ActiveForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let active = match f.active.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            let bad = ansinh_domain::Invalid::new(
                "active",
                "Chọn khoá hoặc mở lại tài khoản",
                "choose disable or enable",
            );
            return user_error(&state, &page, id, &[bad]).await;
        }
    };
    match form_outcome(state.app.set_user_active(actor, id, active).await)? {
        Ok(()) => {
            let done = if active { "enabled" } else { "disabled" };
            Ok(Redirect::to(&format!("/users/{id}?done={done}")).into_response())
        }
        Err(fields) => user_error(&state, &page, id, &fields).await,
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password2: String,
    #[serde(default)]
    revoke_tokens: String,
}

/// Set a new password for a user one administers: every session of theirs ends.
pub async fn reset_password(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    let view = state.app.user_view(actor, id).await?;
    if !view.can_administer {
        return Err(PageError::from(AppError::NotFound));
    }
    if f.password != f.password2 {
        let bad = ansinh_domain::Invalid::new(
            "password2",
            "Hai lần nhập mật khẩu mới không giống nhau",
            "the two new passwords differ",
        );
        return user_error(&state, &page, id, &[bad]).await;
    }
    let revoke = f.revoke_tokens == "yes";
    match form_outcome(state.app.reset_password(actor, &view.username, &f.password, revoke).await)? {
        Ok(()) => Ok(Redirect::to(&format!("/users/{id}?done=password")).into_response()),
        Err(fields) => user_error(&state, &page, id, &fields).await,
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    label: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<TokenForm>,
) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    let view = state.app.user_view(actor, id).await?;
    let (_, secret) = state.app.create_token(actor, &view.username, &f.label).await?;
    let view = state.app.user_view(actor, id).await?;
    render(&UserTpl { page: &page, view, new_token: Some(secret), error: None, notice: None })
}

pub async fn revoke_token(
    State(state): State<AppState>,
    page: Page,
    Path((id, token)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    state.app.revoke_token(actor, id, token).await?;
    Ok(Redirect::to(&format!("/users/{id}?done=revoked")).into_response())
}

/// Lift the user's sign-in lock-out.
pub async fn unlock(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    state.app.unlock_user(actor, id).await?;
    Ok(Redirect::to(&format!("/users/{id}?done=unlocked")).into_response())
}

/// Sign out everywhere: end every session of the user (their own included, if it is them).
pub async fn end_sessions(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    state.app.end_sessions(actor, id).await?;
    Ok(Redirect::to(&format!("/users/{id}?signed_out=1")).into_response())
}

// ─── Views ───────────────────────────────────────────────────────────────────────────────

#[derive(Template)]
#[template(path = "users.html")]
pub struct UsersTpl<'a> {
    pub page: &'a Page,
    pub users: Vec<(UserRow, Vec<Grant>)>,
    pub roles: &'static [Role],
    pub error: Option<String>,
    pub form: UserForm,
}

impl UsersTpl<'_> {
    /// Every permission, for the table of which role may do what.
    pub fn permissions(&self) -> &'static [Permission] {
        &Permission::ALL
    }

    pub fn allows(&self, r: &Role, p: &Permission) -> bool {
        r.allows(*p)
    }

    pub fn permission_label(&self, p: &Permission) -> &'static str {
        match self.page.lang {
            crate::i18n::Lang::Vi => p.label_vi(),
            crate::i18n::Lang::En => p.label_en(),
        }
    }
}

/// Values of the add-user form, kept when it is shown again with an error.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct UserForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub unit_code: String,
}

#[derive(Template)]
#[template(path = "user.html")]
pub struct UserTpl<'a> {
    pub page: &'a Page,
    pub view: UserView,
    pub new_token: Option<String>,
    pub error: Option<String>,
    /// The message key of what was just done.
    pub notice: Option<&'static str>,
}

impl UserTpl<'_> {
    /// Roles the viewer may hand out (all of them: the scope limits what a grant reaches).
    pub fn roles(&self) -> &'static [Role] {
        &Role::ALL
    }
}
