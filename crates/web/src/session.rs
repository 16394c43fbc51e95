//! Who is asking: the [`Page`] context of an HTML request (language, signed-in actor, current
//! path) and the [`ApiUser`] of an API request (bearer token or session cookie).

use crate::AppState;
use crate::error::{ApiError, PageError};
use crate::i18n::{Lang, tr};
use ansinh_app::AppError;
use ansinh_domain::{Actor, Permission};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};

pub const SESSION_COOKIE: &str = "ansinh_session";
pub const LANG_COOKIE: &str = "ansinh_lang";

/// The value of cookie `name`.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then(|| v.to_string())
        })
}

/// Whether the request reached us over TLS (directly or through a proxy that says so).
pub fn is_https(headers: &HeaderMap, state: &AppState) -> bool {
    state.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value with our policy: HttpOnly, SameSite=Lax, Path=/, Secure behind TLS.
pub fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Context of an HTML request.
#[derive(Debug, Clone)]
pub struct Page {
    pub lang: Lang,
    pub actor: Option<Actor>,
    /// Path and query of this request (for "come back here" links).
    pub here: String,
    /// Today in Việt Nam, from the app's clock (dates judged on this request).
    pub today: chrono::NaiveDate,
}

impl FromRequestParts<AppState> for Page {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Page::from_headers(state, &parts.headers, &parts.uri).await)
    }
}

/// The caller's network address (sign-in throttling), or `unknown` when the server was not
/// started with connection info (in-process tests).
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let addr =
            parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
        Ok(ClientAddr(addr.map_or_else(|| "unknown".to_string(), |ip| ip.to_string())))
    }
}

/// Whether the request came from htmx (answer with a fragment, not the whole page).
#[derive(Debug, Clone, Copy)]
pub struct HxRequest(pub bool);

impl<S: Send + Sync> FromRequestParts<S> for HxRequest {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(HxRequest(parts.headers.get("hx-request").is_some()))
    }
}

impl Page {
    /// The context of a request with these headers and URI (also used to render an error after
    /// the handler ran).
    pub async fn from_headers(state: &AppState, headers: &HeaderMap, uri: &axum::http::Uri) -> Page {
        let lang = cookie(headers, LANG_COOKIE).and_then(|l| Lang::parse(&l)).unwrap_or(Lang::Vi);
        let actor = match cookie(headers, SESSION_COOKIE) {
            Some(token) => state.app.session_actor(&token).await.unwrap_or_else(|e| {
                tracing::error!(error = %e, "session lookup");
                None
            }),
            None => None,
        };
        let here = uri.path_and_query().map_or_else(|| "/".to_string(), |p| p.as_str().to_string());
        Page { lang, actor, here, today: state.app.today() }
    }

    pub fn t(&self, key: &str) -> String {
        tr(self.lang, key)
    }

    /// The URL of a vendored asset, named by its content hash (cached for a year).
    pub fn asset(&self, name: &str) -> String {
        crate::pages::assets::url(name)
    }

    /// Whether this page belongs to the header's section at `prefix` (`/persons` covers
    /// `/persons/12/edit`), to mark it as the current one.
    pub fn in_section(&self, prefix: &str) -> bool {
        let path = self.here.split('?').next().unwrap_or("");
        path == prefix || path.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/'))
    }

    /// The signed-in actor, or a redirect to the login page that comes back here.
    pub fn actor(&self) -> Result<&Actor, PageError> {
        self.actor
            .as_ref()
            .ok_or_else(|| PageError::Redirect(format!("/login?next={}", urlencode(&self.here))))
    }

    pub fn can(&self, p: Permission) -> bool {
        self.actor.as_ref().is_some_and(|a| a.has(p))
    }

    pub fn can_audit(&self) -> bool {
        self.can(Permission::ViewAudit)
    }

    pub fn can_users(&self) -> bool {
        self.can(Permission::ManageUsers)
    }

    /// The viewer may open the unit at `path` (a link to it is shown as a link, else as text).
    pub fn can_view(&self, path: &str) -> bool {
        self.actor.as_ref().is_some_and(|a| a.can(Permission::View, path))
    }

    pub fn username(&self) -> String {
        self.actor.as_ref().map(|a| a.username.clone()).unwrap_or_default()
    }

    pub fn user_id(&self) -> i64 {
        self.actor.as_ref().and_then(|a| a.user_id).unwrap_or(0)
    }

    pub fn is_vi(&self) -> bool {
        self.lang == Lang::Vi
    }

    pub fn here_encoded(&self) -> String {
        urlencode(&self.here)
    }
}

/// The caller of an API request: a bearer token (`Authorization: Bearer ansinh_…`) or a
/// browser session.
#[derive(Debug, Clone)]
pub struct ApiUser(pub Actor);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::to_string);
        let actor = if let Some(t) = bearer {
            state.app.token_actor(&t).await?
        } else if let Some(s) = cookie(&parts.headers, SESSION_COOKIE) {
            state.app.session_actor(&s).await?
        } else {
            None
        };
        actor.map(ApiUser).ok_or(ApiError(AppError::Unauthenticated))
    }
}

/// Percent-encode for a query value.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A local redirect target: a path on this site, or `/`.
///
/// Browsers drop tabs and newlines from a URL and read `\` as `/`, so `/\t/evil.example` or
/// `/\\evil.example` would be `//evil.example`, another site. Accepted: `/` not followed by `/`,
/// with no ASCII control, space or `\` anywhere; other characters (a search for "Nguyễn") are
/// percent-encoded, so the `Location` header is always valid. Anything else falls back to `/`.
pub fn safe_next(next: Option<&str>) -> String {
    let Some(n) = next else { return "/".to_string() };
    let unsafe_byte = |b: u8| b.is_ascii_control() || b == b' ' || b == b'\\';
    if !n.starts_with('/') || n.starts_with("//") || n.bytes().any(unsafe_byte) {
        return "/".to_string();
    }
    let mut out = String::with_capacity(n.len());
    for c in n.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}
