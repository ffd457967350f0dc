//! Logging in and out, and enrolling the second factor, as pages.

use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::{LangLink, Nav, lang_links, pick_lang, render, see_other};
use crate::AppState;
use crate::auth::identity::Peer;
use crate::auth::{MaybePrincipal, totp};

use crate::i18n::{Lang, Messages};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login_submit))
        .route("/register", get(register_page).post(register_submit))
        .route("/logout", post(logout))
        .route("/me/mfa", get(mfa_page).post(mfa_submit))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: &'static Messages,
    lang: Lang,
    lang_links: Vec<LangLink>,
    nav: Nav,
    login: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "mfa.html")]
struct MfaPage {
    t: &'static Messages,
    lang: Lang,
    lang_links: Vec<LangLink>,
    nav: Nav,
    secret: String,
    uri: String,
    error: Option<String>,
}

fn lang_of(state: &AppState, headers: &HeaderMap) -> Lang {
    pick_lang(None, headers, state.default_lang).0
}

async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    MaybePrincipal(p): MaybePrincipal,
) -> Response {
    let lang = lang_of(&state, &headers);
    let page = LoginPage {
        t: lang.messages(),
        lang,
        lang_links: lang_links("/login", &[], lang),
        nav: Nav::of(p.as_ref()),
        login: String::new(),
        error: None,
    };
    render(&page, StatusCode::OK)
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    login: String,
    password: String,
    #[serde(default)]
    totp: String,
}

async fn login_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Peer(peer): Peer,
    MaybePrincipal(p): MaybePrincipal,
    Form(form): Form<LoginForm>,
) -> Response {
    let lang = lang_of(&state, &headers);
    let code = Some(form.totp.trim()).filter(|c| !c.is_empty());
    match crate::api::session::start_session(
        &state,
        &headers,
        peer,
        p.as_ref(),
        &form.login,
        &form.password,
        code,
    )
    .await
    {
        Ok((me, cookie)) => {
            let mut r = see_other(if me.mfa_required { "/me/mfa" } else { "/cases" });
            r.headers_mut().insert(header::SET_COOKIE, cookie);
            r
        }
        Err(e) => {
            let page = LoginPage {
                t: lang.messages(),
                lang,
                lang_links: lang_links("/login", &[], lang),
                nav: Nav::of(p.as_ref()),
                login: form.login.chars().take(64).collect(),
                error: Some(format!("{} ({})", e.message, e.rule)),
            };
            render(&page, e.status)
        }
    }
}

async fn logout(State(state): State<AppState>, MaybePrincipal(p): MaybePrincipal) -> Response {
    if let Some(s) = p.as_ref().and_then(|p| p.session.as_ref()) {
        let _ = state.store.delete_session(&s.token_hash).await;
    }
    let mut r = see_other("/");
    r.headers_mut().insert(
        header::SET_COOKIE,
        crate::api::session::session_cookie(&state, "", 0),
    );
    r
}

/// Shows the pending secret (creating one when none is pending).
async fn mfa_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    MaybePrincipal(p): MaybePrincipal,
) -> Response {
    let lang = lang_of(&state, &headers);
    let Some(p) = p else {
        return see_other("/login");
    };
    if p.user.mfa_enabled {
        return see_other("/cases");
    }
    let secret = match p.user.mfa_secret.clone() {
        Some(s) => s,
        None => {
            let s = totp::new_secret();
            if state
                .store
                .set_mfa(p.user.id, Some(&s), false)
                .await
                .is_err()
            {
                return super::error_page(
                    lang,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    lang.messages().get("error.title").to_owned(),
                );
            }
            s
        }
    };
    let page = MfaPage {
        t: lang.messages(),
        lang,
        lang_links: lang_links("/me/mfa", &[], lang),
        uri: totp::provisioning_uri(&secret, "appvd", &p.user.login),
        nav: Nav::of(Some(&p)),
        secret,
        error: None,
    };
    render(&page, StatusCode::OK)
}

#[derive(Debug, Deserialize)]
struct MfaForm {
    code: String,
}

async fn mfa_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    MaybePrincipal(p): MaybePrincipal,
    Form(form): Form<MfaForm>,
) -> Response {
    let lang = lang_of(&state, &headers);
    let Some(p) = p else {
        return see_other("/login");
    };
    let (Some(secret), Some(session)) = (p.user.mfa_secret.clone(), p.session.clone()) else {
        return see_other("/me/mfa");
    };
    let now = time::OffsetDateTime::now_utc();
    let limited = state
        .limiter
        .hit(
            &format!("mfa:{}", p.user.id),
            10,
            std::time::Duration::from_secs(900),
        )
        .is_err();
    if limited || !totp::verify(&secret, &form.code, now.unix_timestamp()) {
        let page = MfaPage {
            t: lang.messages(),
            lang,
            lang_links: lang_links("/me/mfa", &[], lang),
            uri: totp::provisioning_uri(&secret, "appvd", &p.user.login),
            nav: Nav::of(Some(&p)),
            secret,
            error: Some(lang.messages().get("mfa.wrong").to_owned()),
        };
        return render(&page, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let done = async {
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
            .await
    };
    match done.await {
        Ok(()) => see_other("/cases"),
        Err(e) => crate::error::ApiError::from(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    t: &'static Messages,
    lang: Lang,
    lang_links: Vec<LangLink>,
    nav: Nav,
    login: String,
    display_name: String,
    error: Option<String>,
}

async fn register_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    MaybePrincipal(p): MaybePrincipal,
) -> Response {
    let lang = lang_of(&state, &headers);
    let page = RegisterPage {
        t: lang.messages(),
        lang,
        lang_links: lang_links("/register", &[], lang),
        nav: Nav::of(p.as_ref()),
        login: String::new(),
        display_name: String::new(),
        error: None,
    };
    render(&page, StatusCode::OK)
}

#[derive(Debug, Deserialize)]
struct RegisterForm {
    login: String,
    password: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    jurisdiction: String,
    #[serde(default)]
    accept_terms: String,
}

async fn register_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Peer(peer): Peer,
    MaybePrincipal(p): MaybePrincipal,
    Form(form): Form<RegisterForm>,
) -> Response {
    let lang = lang_of(&state, &headers);
    let jurisdiction = form
        .jurisdiction
        .parse()
        .unwrap_or(appvd_domain::org::Jurisdiction::Domestic);
    let req = crate::api::session::RegisterRequest {
        login: form.login.clone(),
        password: form.password,
        display_name: Some(form.display_name.clone()).filter(|s| !s.trim().is_empty()),
        jurisdiction,
        accept_terms: form.accept_terms == "true",
    };
    match crate::api::session::register_reporter(&state, &headers, peer, req).await {
        Ok((_, cookie)) => {
            let mut r = see_other("/report");
            r.headers_mut().insert(header::SET_COOKIE, cookie);
            r
        }
        Err(e) => {
            let page = RegisterPage {
                t: lang.messages(),
                lang,
                lang_links: lang_links("/register", &[], lang),
                nav: Nav::of(p.as_ref()),
                login: form.login.chars().take(64).collect(),
                display_name: form.display_name.chars().take(100).collect(),
                error: Some(format!("{} ({})", e.message, e.rule)),
            };
            render(&page, e.status)
        }
    }
}
