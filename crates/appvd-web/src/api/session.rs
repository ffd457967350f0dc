//! Logging in and out, the caller's account, the second factor, and API tokens.

use std::time::Duration as StdDuration;

use appvd_store::NewSession;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::json::JsonBody;
use crate::AppState;
use crate::auth::identity::{Peer, SESSION_COOKIE};
use crate::auth::{Authenticated, MaybePrincipal, new_token, token_hash, totp, verify_password};
use crate::error::{ApiError, rules};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/session", post(login).delete(logout))
        .route("/register", post(register))
        .route("/me", get(me))
        .route("/me/mfa", post(mfa_begin))
        .route("/me/mfa/confirm", post(mfa_confirm))
        .route("/tokens", post(create_token).get(list_tokens))
        .route("/tokens/{id}", delete(revoke_token))
}

/// Failed logins allowed per account and per address in one window.
const LOGIN_LIMIT_PER_ACCOUNT: u32 = 10;
const LOGIN_LIMIT_PER_ADDRESS: u32 = 50;
const LOGIN_WINDOW: StdDuration = StdDuration::from_secs(15 * 60);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
    pub totp: Option<String>,
}

/// The caller's account, as `/me` and a login return it.
#[derive(Debug, Serialize)]
pub struct Me {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub roles: appvd_domain::user::Roles,
    pub org_id: Option<i64>,
    pub jurisdiction: appvd_domain::org::Jurisdiction,
    pub mfa_enabled: bool,
    /// Staff who must still enrol or give a second factor before anything else works.
    pub mfa_required: bool,
    pub poc_access: bool,
    /// The CSRF token to send as `X-CSRF-Token` with state-changing calls of this session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

fn me_of(p: &crate::auth::Principal) -> Me {
    Me {
        id: p.user.id.0,
        login: p.user.login.clone(),
        display_name: p.user.display_name.clone(),
        roles: p.user.roles,
        org_id: p.user.org.map(|o| o.0),
        jurisdiction: p.user.jurisdiction,
        mfa_enabled: p.user.mfa_enabled,
        mfa_required: !p.mfa_satisfied(),
        poc_access: p.user.poc_access,
        csrf_token: p.session.as_ref().map(|s| s.csrf_token.clone()),
    }
}

/// The client's address for rate limiting: the socket peer's IP when known.
fn client_key(peer: Option<std::net::SocketAddr>) -> String {
    peer.map(|p| p.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

pub(crate) fn session_cookie(state: &AppState, token: &str, max_age_seconds: i64) -> HeaderValue {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let value = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}"
    );
    HeaderValue::from_str(&value)
        .unwrap_or_else(|_| HeaderValue::from_static("appvd_session=; Path=/; Max-Age=0"))
}

/// Checks credentials (and the second factor when the account has one) and, on success, starts a new
/// session. A new session id is issued on every login, and the caller's previous session (if any)
/// ends, so an id planted before login is useless.
pub(crate) async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<std::net::SocketAddr>,
    previous: Option<&crate::auth::Principal>,
    login: &str,
    password: &str,
    code: Option<&str>,
) -> Result<(Me, HeaderValue), ApiError> {
    let login = login.trim().to_ascii_lowercase();
    let address = client_key(peer);
    let limited = |r: Result<(), StdDuration>| {
        r.map_err(|wait| {
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                rules::RATE_LIMIT,
                format!(
                    "too many login attempts; try again in {} minutes",
                    wait.as_secs().div_ceil(60).max(1)
                ),
            )
        })
    };
    limited(state.limiter.hit(
        &format!("login-account:{login}"),
        LOGIN_LIMIT_PER_ACCOUNT,
        LOGIN_WINDOW,
    ))?;
    limited(state.limiter.hit(
        &format!("login-address:{address}"),
        LOGIN_LIMIT_PER_ADDRESS,
        LOGIN_WINDOW,
    ))?;

    let bad = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            rules::UNAUTHENTICATED,
            "the login or the password is wrong",
        )
    };
    let user = state.store.user_by_login(&login).await?;
    let password = password.to_owned();
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    // Hash even for unknown logins, so the response time does not say which logins exist.
    let verified = tokio::task::spawn_blocking(move || match stored {
        Some(hash) => verify_password(&password, &hash),
        None => {
            let _ = crate::auth::hash_password(&password);
            false
        }
    })
    .await
    .unwrap_or(false);
    let Some(user) = user.filter(|u| verified && !u.disabled) else {
        return Err(bad());
    };

    let now = OffsetDateTime::now_utc();
    let mfa_passed = match (&user.mfa_secret, user.mfa_enabled) {
        (Some(secret), true) => match code {
            Some(code) if totp::verify(secret, code, now.unix_timestamp()) => true,
            Some(_) => {
                return Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    rules::MFA,
                    "the one-time code is wrong or expired",
                ));
            }
            None => {
                return Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    rules::MFA,
                    "this account needs its one-time code (totp)",
                ));
            }
        },
        _ => false,
    };
    state.limiter.clear(&format!("login-account:{login}"));

    if let Some(old) = previous.and_then(|p| p.session.as_ref()) {
        state.store.delete_session(&old.token_hash).await?;
    }
    let token = new_token();
    let csrf = new_token();
    let ttl = state.config.session_ttl;
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(200).collect::<String>());
    state
        .store
        .create_session(&NewSession {
            token_hash: &token_hash(&token),
            user: user.id,
            csrf_token: &csrf,
            mfa_passed,
            now,
            expires_at: now + ttl,
            ip: Some(&address),
            user_agent: user_agent.as_deref(),
        })
        .await?;
    state
        .store
        .audit(
            now,
            Some(user.id),
            "login",
            &format!("user:{}", user.id),
            "{}",
        )
        .await?;
    let principal = crate::auth::Principal {
        user,
        session: Some(crate::auth::SessionInfo {
            token_hash: token_hash(&token),
            csrf_token: csrf,
            mfa_passed,
        }),
    };
    Ok((
        me_of(&principal),
        session_cookie(state, &token, ttl.whole_seconds()),
    ))
}

/// `POST /api/v1/session`: log in. 200 with the account and a session cookie; 401 otherwise.
async fn login(
    State(state): State<AppState>,
    MaybePrincipal(previous): MaybePrincipal,
    Peer(peer): Peer,
    headers: HeaderMap,
    JsonBody(req): JsonBody<LoginRequest>,
) -> Result<Response, ApiError> {
    let (me, cookie) = start_session(
        &state,
        &headers,
        peer,
        previous.as_ref(),
        &req.login,
        &req.password,
        req.totp.as_deref(),
    )
    .await?;
    let mut response = Json(me).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

/// The version of the reporter terms a registration accepts (REG-9.9: reporters commit to the same
/// disclosure limits; the acceptance is kept with its version and time).
pub const TERMS_VERSION: &str = "2026-11";

/// Registrations allowed per address per hour.
const REGISTER_LIMIT_PER_ADDRESS: u32 = 10;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    pub login: String,
    pub password: String,
    pub display_name: Option<String>,
    pub jurisdiction: appvd_domain::org::Jurisdiction,
    /// Must be true: the reporter accepts the disclosure terms.
    pub accept_terms: bool,
}

/// Creates a reporter account and logs it in. Shared by the API and the registration page.
pub(crate) async fn register_reporter(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<std::net::SocketAddr>,
    req: RegisterRequest,
) -> Result<(Me, HeaderValue), ApiError> {
    if !req.accept_terms {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            rules::INPUT,
            "accept_terms: registration needs the reporter terms accepted",
        ));
    }
    let login = appvd_domain::user::validate_login(&req.login)?;
    appvd_domain::user::validate_password(&req.password)?;
    let display_name =
        appvd_domain::text::optional_text("display_name", req.display_name.as_deref(), 100)?
            .unwrap_or_else(|| login.clone());
    if let Err(wait) = state.limiter.hit(
        &format!("register:{}", client_key(peer)),
        REGISTER_LIMIT_PER_ADDRESS,
        StdDuration::from_secs(3600),
    ) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            rules::RATE_LIMIT,
            format!(
                "too many registrations; try again in {} minutes",
                wait.as_secs().div_ceil(60)
            ),
        ));
    }
    let password = req.password.clone();
    let hash = tokio::task::spawn_blocking(move || crate::auth::hash_password(&password))
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                rules::INTERNAL,
                "hashing failed",
            )
        })?
        .map_err(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                rules::INTERNAL,
                "hashing failed",
            )
        })?;
    let now = OffsetDateTime::now_utc();
    let user = appvd_store::NewUser {
        login: login.clone(),
        display_name,
        password_hash: hash,
        roles: appvd_domain::user::Roles::of(&[appvd_domain::user::Role::Reporter]),
        org: None,
        jurisdiction: req.jurisdiction,
    };
    let created = state.store.create_user(&user, now).await?;
    let detail = serde_json::json!({ "terms_version": TERMS_VERSION }).to_string();
    state
        .store
        .audit(
            now,
            Some(created.id),
            "terms_accepted",
            &format!("user:{}", created.id),
            &detail,
        )
        .await?;
    start_session(state, headers, peer, None, &login, &req.password, None).await
}

/// `POST /api/v1/register`: a researcher creates a reporter account (and is logged in).
async fn register(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    JsonBody(req): JsonBody<RegisterRequest>,
) -> Result<Response, ApiError> {
    let (me, cookie) = register_reporter(&state, &headers, peer, req).await?;
    let mut response = (StatusCode::CREATED, Json(me)).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

/// `DELETE /api/v1/session`: log out (ends the session server-side).
async fn logout(
    State(state): State<AppState>,
    MaybePrincipal(p): MaybePrincipal,
) -> Result<Response, ApiError> {
    if let Some(session) = p.as_ref().and_then(|p| p.session.as_ref()) {
        state.store.delete_session(&session.token_hash).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok(response)
}

fn logged_in(p: Option<crate::auth::Principal>) -> Result<crate::auth::Principal, ApiError> {
    p.ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            rules::UNAUTHENTICATED,
            "log in first",
        )
    })
}

/// `GET /api/v1/me`.
async fn me(MaybePrincipal(p): MaybePrincipal) -> Result<Json<Me>, ApiError> {
    Ok(Json(me_of(&logged_in(p)?)))
}

#[derive(Debug, Serialize)]
pub struct MfaSetup {
    /// Base32 secret to type into an authenticator app.
    pub secret: String,
    /// The same as an `otpauth://` URI (for QR codes).
    pub otpauth_uri: String,
}

/// `POST /api/v1/me/mfa`: start enrolling a TOTP second factor (a new secret, pending until
/// confirmed). Refused once a factor is enabled: resetting it is an administrator's job.
async fn mfa_begin(
    State(state): State<AppState>,
    MaybePrincipal(p): MaybePrincipal,
) -> Result<Json<MfaSetup>, ApiError> {
    let p = logged_in(p)?;
    if p.session.is_none() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            rules::MFA,
            "enrol a second factor from a browser session, not with an API token",
        ));
    }
    if p.user.mfa_enabled {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            rules::MFA,
            "a second factor is already enabled; an administrator can reset it",
        ));
    }
    let secret = totp::new_secret();
    state.store.set_mfa(p.user.id, Some(&secret), false).await?;
    Ok(Json(MfaSetup {
        otpauth_uri: totp::provisioning_uri(&secret, "appvd", &p.user.login),
        secret,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MfaConfirm {
    pub code: String,
}

/// `POST /api/v1/me/mfa/confirm`: prove the authenticator works; enables the factor and counts it as
/// given for this session.
async fn mfa_confirm(
    State(state): State<AppState>,
    MaybePrincipal(p): MaybePrincipal,
    JsonBody(req): JsonBody<MfaConfirm>,
) -> Result<Json<Me>, ApiError> {
    let mut p = logged_in(p)?;
    let Some(session) = p.session.clone() else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            rules::MFA,
            "confirm the second factor from a browser session",
        ));
    };
    let now = OffsetDateTime::now_utc();
    if let Err(wait) = state.limiter.hit(
        &format!("mfa:{}", p.user.id),
        10,
        StdDuration::from_secs(900),
    ) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            rules::RATE_LIMIT,
            format!("too many codes; wait {} s", wait.as_secs()),
        ));
    }
    let Some(secret) = p.user.mfa_secret.clone() else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            rules::MFA,
            "start with POST /api/v1/me/mfa",
        ));
    };
    if !totp::verify(&secret, &req.code, now.unix_timestamp()) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            rules::MFA,
            "the one-time code is wrong or expired",
        ));
    }
    if !p.user.mfa_enabled {
        state.store.set_mfa(p.user.id, Some(&secret), true).await?;
        state
            .store
            .audit(
                now,
                Some(p.user.id),
                "mfa_enabled",
                &format!("user:{}", p.user.id),
                "{}",
            )
            .await?;
    }
    state
        .store
        .mark_session_mfa_passed(&session.token_hash)
        .await?;
    p.user.mfa_enabled = true;
    p.session = Some(crate::auth::SessionInfo {
        mfa_passed: true,
        ..session
    });
    Ok(Json(me_of(&p)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    #[serde(default)]
    pub name: Option<String>,
    /// Days until the token expires (1–366); never when absent.
    #[serde(default)]
    pub expires_in_days: Option<u16>,
}

#[derive(Debug, Serialize)]
pub struct NewToken {
    pub id: i64,
    /// Shown once; only its hash is kept.
    pub token: String,
}

/// `POST /api/v1/tokens`: a bearer token for scripts, from a logged-in browser session.
async fn create_token(
    State(state): State<AppState>,
    Authenticated(p): Authenticated,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<NewToken>), ApiError> {
    if p.session.is_none() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            rules::UNAUTHENTICATED,
            "create tokens from a logged-in session, not with another token",
        ));
    }
    // The body is optional: an empty one asks for an unnamed token that does not expire.
    let req: TokenRequest = if body.iter().all(u8::is_ascii_whitespace) {
        TokenRequest {
            name: None,
            expires_in_days: None,
        }
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                rules::INPUT,
                e.to_string(),
            )
        })?
    };
    let name = appvd_domain::text::optional_text("name", req.name.as_deref(), 100)
        .map_err(ApiError::from)?
        .unwrap_or_else(|| "api".into());
    let now = OffsetDateTime::now_utc();
    let expires_at = match req.expires_in_days {
        None => None,
        Some(d @ 1..=366) => Some(now + time::Duration::days(i64::from(d))),
        Some(_) => {
            return Err(ApiError::bad_request(
                "expires_in_days must be from 1 to 366",
            ));
        }
    };
    let token = format!("appvd_{}", new_token());
    let id = state
        .store
        .create_api_token(p.user.id, &name, &token_hash(&token), now, expires_at)
        .await?;
    state
        .store
        .audit(
            now,
            Some(p.user.id),
            "token_created",
            &format!("user:{}", p.user.id),
            &serde_json::json!({ "token_id": id }).to_string(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(NewToken { id, token })))
}

#[derive(Debug, Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    pub revoked: bool,
}

async fn list_tokens(
    State(state): State<AppState>,
    Authenticated(p): Authenticated,
) -> Result<Json<Vec<TokenInfo>>, ApiError> {
    let tokens = state.store.api_tokens(p.user.id).await?;
    Ok(Json(
        tokens
            .into_iter()
            .map(|t| TokenInfo {
                id: t.id,
                name: t.name,
                created_at: t.created_at,
                last_used_at: t.last_used_at,
                expires_at: t.expires_at,
                revoked: t.revoked,
            })
            .collect(),
    ))
}

async fn revoke_token(
    State(state): State<AppState>,
    Authenticated(p): Authenticated,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    if state
        .store
        .revoke_api_token(p.user.id, id, OffsetDateTime::now_utc())
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("you have no such active token"))
    }
}
