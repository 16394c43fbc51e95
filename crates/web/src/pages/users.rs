//! Users: list and add (administrators), a user's page with roles and API tokens.

use crate::AppState;
use crate::error::{PageError, fields_message, form_outcome, unprocessable};
use crate::pages::render;
use crate::session::Page;
use ansinh_app::UserView;
use ansinh_app::records::UserRow;
use ansinh_app::{AppError, NewUser};
use ansinh_domain::Grant;
use ansinh_domain::{Permission, Role};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
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
) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    let view = state.app.user_view(actor, id).await?;
    render(&UserTpl { page: &page, view, new_token: None })
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
    render(&UserTpl { page: &page, view, new_token: Some(secret) })
}

pub async fn revoke_token(
    State(state): State<AppState>,
    page: Page,
    Path((id, token)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    state.app.revoke_token(actor, id, token).await?;
    Ok(Redirect::to(&format!("/users/{id}")).into_response())
}

/// Lift the user's sign-in lock-out.
pub async fn unlock(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    state.app.unlock_user(actor, id).await?;
    Ok(Redirect::to(&format!("/users/{id}")).into_response())
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
}
