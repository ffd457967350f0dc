//! Who is asking: resolved once per request by the [`authenticate`] middleware (session cookie or
//! bearer token), checked for CSRF on state-changing requests, and handed to handlers through the
//! [`MaybePrincipal`] and [`Authenticated`] extractors.

use appvd_domain::user::Actor;
use appvd_store::User;
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use time::{Duration, OffsetDateTime};

use super::{constant_time_eq, token_hash};
use crate::AppState;
use crate::error::{ApiError, rules};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "appvd_session";
/// The header that carries the CSRF token of cookie-authenticated API calls.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The form field (and, for multipart forms, the query parameter) that carries it from pages.
pub const CSRF_FIELD: &str = "csrf_token";
/// Largest urlencoded form the CSRF check buffers.
const MAX_FORM_BYTES: usize = 1 << 20;

/// The session a request came with.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub token_hash: String,
    pub csrf_token: String,
    pub mfa_passed: bool,
}

/// An authenticated user.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: User,
    /// `None` for bearer-token requests.
    pub session: Option<SessionInfo>,
}

impl Principal {
    pub fn actor(&self) -> Actor {
        Actor {
            user: self.user.id,
            roles: self.user.roles,
            org: self.user.org,
            jurisdiction: self.user.jurisdiction,
        }
    }

    /// REG-11.2: staff must have enrolled a second factor and, in a browser session, given it.
    /// Tokens are created only from such a session.
    pub fn mfa_satisfied(&self) -> bool {
        if !self.user.roles.requires_mfa() {
            return true;
        }
        match &self.session {
            Some(s) => self.user.mfa_enabled && s.mfa_passed,
            None => self.user.mfa_enabled,
        }
    }
}

/// The identity the middleware resolved, in the request's extensions.
#[derive(Debug, Clone, Default)]
pub struct Identity(pub Option<Principal>);

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn bearer(headers: &HeaderMap) -> Option<Result<&str, ()>> {
    let value = headers.get(header::AUTHORIZATION)?;
    let text = value.to_str().map_err(|_| ());
    Some(text.and_then(|t| {
        t.strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(())
    }))
}

fn unauthorized(message: &str) -> Response {
    let mut r =
        ApiError::new(StatusCode::UNAUTHORIZED, rules::UNAUTHENTICATED, message).into_response();
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer"),
    );
    r
}

async fn resolve(
    state: &AppState,
    headers: &HeaderMap,
    now: OffsetDateTime,
) -> Result<Option<Principal>, Response> {
    if let Some(token) = bearer(headers) {
        let Ok(token) = token else {
            return Err(unauthorized(
                "the Authorization header must be `Bearer <token>`",
            ));
        };
        return match state.store.user_by_api_token(&token_hash(token), now).await {
            Ok(Some(user)) => Ok(Some(Principal {
                user,
                session: None,
            })),
            Ok(None) => Err(unauthorized("the API token is unknown, expired or revoked")),
            Err(e) => Err(ApiError::from(e).into_response()),
        };
    }
    let Some(raw) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let hash = token_hash(raw);
    match state.store.session(&hash, now).await {
        Ok(Some(s)) => {
            // Slide the expiry forward, but write at most every few minutes.
            let ttl = state.config.session_ttl;
            if s.expires_at - now < ttl - Duration::minutes(5) {
                let _ = state.store.touch_session(&hash, now, now + ttl).await;
            }
            Ok(Some(Principal {
                user: s.user,
                session: Some(SessionInfo {
                    token_hash: hash,
                    csrf_token: s.csrf_token,
                    mfa_passed: s.mfa_passed,
                }),
            }))
        }
        Ok(None) => Ok(None),
        Err(e) => Err(ApiError::from(e).into_response()),
    }
}

fn forbidden_csrf(message: &str) -> Response {
    ApiError::new(StatusCode::FORBIDDEN, rules::CSRF, message).into_response()
}

/// Refuses cross-site state changes by the browser's own signals (`Sec-Fetch-Site`, `Origin`).
fn cross_site(headers: &HeaderMap) -> Option<&'static str> {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return Some("cross-site requests may not change anything");
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin.split("://").nth(1).unwrap_or("");
        if origin == "null" || origin_host != host {
            return Some("the request's Origin does not match this site");
        }
    }
    None
}

fn is_form(headers: &HeaderMap, kind: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with(kind))
}

/// Resolves the identity and enforces CSRF protection; every request passes through here.
pub async fn authenticate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let now = OffsetDateTime::now_utc();
    let identity = match resolve(&state, req.headers(), now).await {
        Ok(p) => p,
        Err(response) => return response,
    };
    let mut req = req;
    if !req.method().is_safe() {
        if let Some(reason) = cross_site(req.headers()) {
            return forbidden_csrf(reason);
        }
        if let Some(session) = identity.as_ref().and_then(|p| p.session.as_ref()) {
            match check_csrf(req, &session.csrf_token).await {
                Ok(r) => req = r,
                Err(response) => return response,
            }
        }
    }
    req.extensions_mut().insert(Identity(identity));
    next.run(req).await
}

/// A cookie-authenticated state change must prove it came from our own page: the CSRF token in the
/// header (API calls), in the urlencoded form, or in the query string (multipart forms).
async fn check_csrf(req: Request, expected: &str) -> Result<Request, Response> {
    let ok = |given: &str| constant_time_eq(given.as_bytes(), expected.as_bytes());
    if let Some(given) = req.headers().get(CSRF_HEADER) {
        return if given.to_str().is_ok_and(ok) {
            Ok(req)
        } else {
            Err(forbidden_csrf("the CSRF token does not match this session"))
        };
    }
    if is_form(req.headers(), "application/x-www-form-urlencoded") {
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
            .await
            .map_err(|_| {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    rules::TOO_LARGE,
                    "the form is too large",
                )
                .into_response()
            })?;
        let given = form_urlencoded_value(&bytes, CSRF_FIELD);
        if !given.as_deref().is_some_and(ok) {
            return Err(forbidden_csrf(
                "the form is missing this session's CSRF token; reload the page and try again",
            ));
        }
        return Ok(Request::from_parts(parts, Body::from(bytes)));
    }
    if is_form(req.headers(), "multipart/form-data") {
        let given = req
            .uri()
            .query()
            .and_then(|q| form_urlencoded_value(q.as_bytes(), CSRF_FIELD));
        if given.as_deref().is_some_and(ok) {
            return Ok(req);
        }
    }
    Err(forbidden_csrf(
        "a state-changing request with a session cookie needs the X-CSRF-Token header",
    ))
}

/// The first value of `name` in an `application/x-www-form-urlencoded` body.
fn form_urlencoded_value(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| percent_decode(v))
    })
}

fn percent_decode(s: &str) -> String {
    let hex = |b: u8| {
        char::from(b)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    };
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The caller, if authenticated. Never fails.
pub struct MaybePrincipal(pub Option<Principal>);

impl FromRequestParts<AppState> for MaybePrincipal {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        _state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(MaybePrincipal(
            parts.extensions.get::<Identity>().and_then(|i| i.0.clone()),
        ))
    }
}

/// The caller, who must be logged in and, if staff, past the second factor.
pub struct Authenticated(pub Principal);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        _state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let principal = parts
            .extensions
            .get::<Identity>()
            .and_then(|i| i.0.clone())
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    rules::UNAUTHENTICATED,
                    "log in first",
                )
            })?;
        if !principal.mfa_satisfied() {
            let message = if principal.user.mfa_enabled {
                "give your one-time code first"
            } else {
                "staff accounts must set up a second factor before anything else (POST /api/v1/me/mfa)"
            };
            return Err(ApiError::new(StatusCode::FORBIDDEN, "REG-11.2", message));
        }
        Ok(Authenticated(principal))
    }
}

/// The socket address of the client, when the server knows it (behind a reverse proxy, this is the
/// proxy: per-account limits still hold).
pub struct Peer(pub Option<std::net::SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_decode() {
        assert_eq!(
            form_urlencoded_value(b"a=1&csrf_token=ab%2Fc+d&b=2", "csrf_token").as_deref(),
            Some("ab/c d")
        );
        assert_eq!(form_urlencoded_value(b"a=1", "csrf_token"), None);
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%e4%b8%ad"), "中");
        assert_eq!(percent_decode("%zz"), "%zz");
    }

    #[test]
    fn cross_site_signals() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "example.cn".parse().unwrap());
        assert!(cross_site(&h).is_none());
        h.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        assert!(cross_site(&h).is_some());
        h.insert(header::ORIGIN, "https://example.cn".parse().unwrap());
        assert!(cross_site(&h).is_none());
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(cross_site(&h).is_some());
    }
}
