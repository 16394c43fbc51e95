//! Users: list and add (administrators), a user's page with roles and API tokens.

use crate::AppState;
use crate::error::{PageError, message};
use crate::pages::render;
use crate::session::Page;
use crate::templates::{UserForm, UserTpl, UsersTpl};
use ansinh_app::{AppError, NewUser};
use ansinh_domain::{Permission, Role};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

pub async fn list(State(state): State<AppState>, page: Page) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    if !actor.has(Permission::ManageUsers) {
        return Err(page.fail(AppError::Forbidden));
    }
    let users = state.app.list_users(actor).await.map_err(|e| page.fail(e))?;
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
    match state.app.add_user(actor, &n).await {
        Ok(id) => Ok(Redirect::to(&format!("/users/{id}")).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let users = state.app.list_users(actor).await.map_err(|e| page.fail(e))?;
            let error = Some(message(page.lang, &e));
            let form = UserForm { password: String::new(), ..f };
            let html = render(&UsersTpl { page: &page, users, roles: &Role::ALL, error, form })?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(e) => Err(page.fail(e)),
    }
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let actor = page.actor()?;
    let view = state.app.user_view(actor, id).await.map_err(|e| page.fail(e))?;
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
    let view = state.app.user_view(actor, id).await.map_err(|e| page.fail(e))?;
    let (_, secret) =
        state.app.create_token(actor, &view.username, &f.label).await.map_err(|e| page.fail(e))?;
    let view = state.app.user_view(actor, id).await.map_err(|e| page.fail(e))?;
    render(&UserTpl { page: &page, view, new_token: Some(secret) })
}

pub async fn revoke_token(
    State(state): State<AppState>,
    page: Page,
    Path((id, token)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let actor = page.actor()?;
    state.app.revoke_token(actor, id, token).await.map_err(|e| page.fail(e))?;
    Ok(Redirect::to(&format!("/users/{id}")).into_response())
}
