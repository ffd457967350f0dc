//! Server-rendered pages. They work without JavaScript; every text comes from the locale files;
//! askama escapes every value.

use askama::Template;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::AppState;
use crate::auth::{MaybePrincipal, Principal};
use crate::i18n::{Lang, Messages};
use crate::view::grade_key;
use appvd_domain::product::Platform;
use appvd_domain::user::Role;

mod account;
mod admin;
mod cases;
pub(crate) mod feed;
mod public;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(public::routes())
        .merge(account::routes())
        .merge(cases::routes())
        .merge(admin::routes())
}

/// The signed-in user as the navigation shows it.
pub(crate) struct Nav {
    pub name: Option<String>,
    pub staff: bool,
    pub admin: bool,
    pub reporter: bool,
    pub csrf: String,
}

impl Nav {
    pub fn of(p: Option<&Principal>) -> Self {
        match p {
            None => Nav {
                name: None,
                staff: false,
                admin: false,
                reporter: false,
                csrf: String::new(),
            },
            Some(p) => Nav {
                name: Some(p.user.display_name.clone()),
                staff: p.user.roles.contains(Role::Analyst) || p.user.roles.contains(Role::Admin),
                admin: p.user.roles.contains(Role::Admin),
                reporter: p.user.roles.contains(Role::Reporter),
                csrf: p
                    .session
                    .as_ref()
                    .map(|s| s.csrf_token.clone())
                    .unwrap_or_default(),
            },
        }
    }
}

/// One entry of the language switcher.
pub(crate) struct LangLink {
    tag: &'static str,
    name: &'static str,
    href: String,
    current: bool,
}

/// The language of a request: `?lang=` first, then the `lang` cookie, then the deployment default.
/// Returns whether the choice came from the query (and should be remembered in a cookie).
pub(crate) fn pick_lang(query: Option<&str>, headers: &HeaderMap, default: Lang) -> (Lang, bool) {
    if let Some(lang) = query.and_then(Lang::from_tag) {
        return (lang, true);
    }
    let from_cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().strip_prefix("lang="))
        .find_map(Lang::from_tag);
    (from_cookie.unwrap_or(default), false)
}

pub(crate) fn with_lang_cookie(mut response: Response, lang: Lang, remember: bool) -> Response {
    if remember {
        let cookie = format!(
            "lang={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
            lang.tag()
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

/// Percent-encodes a query-string component (RFC 3986 unreserved characters stay as they are).
pub(crate) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(crate) fn query_string(pairs: &[(&str, &str)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

pub(crate) fn lang_links(path: &str, pairs: &[(&str, &str)], current: Lang) -> Vec<LangLink> {
    Lang::ALL
        .iter()
        .map(|lang| {
            let mut all: Vec<(&str, &str)> = pairs.to_vec();
            all.push(("lang", lang.tag()));
            LangLink {
                tag: lang.tag(),
                name: lang.native_name(),
                href: format!("{path}{}", query_string(&all)),
                current: *lang == current,
            }
        })
        .collect()
}

pub(crate) fn grade_label(
    t: &Messages,
    grade: Option<appvd_domain::grade::Grade>,
) -> (&'static str, String) {
    match grade {
        Some(g) => (
            grade_key(g),
            t.get(&format!("grade.{}", grade_key(g))).to_owned(),
        ),
        None => ("none", t.get("grade.none").to_owned()),
    }
}

pub(crate) fn platform_label(lang: Lang, p: Platform) -> String {
    match lang {
        Lang::ZhCn => p.label_zh().to_owned(),
        Lang::En => p.label_en().to_owned(),
    }
}

pub(crate) fn render(template: &impl Template, status: StatusCode) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    t: &'static Messages,
    lang: Lang,
    lang_links: Vec<LangLink>,
    nav: Nav,
    message: String,
}

pub(crate) fn error_page(lang: Lang, status: StatusCode, message: String) -> Response {
    error_page_for(None, lang, status, message)
}

pub(crate) fn error_page_for(
    p: Option<&Principal>,
    lang: Lang,
    status: StatusCode,
    message: String,
) -> Response {
    let page = ErrorPage {
        t: lang.messages(),
        lang,
        lang_links: lang_links("/", &[], lang),
        nav: Nav::of(p),
        message,
    };
    render(&page, status)
}

/// The caller of a page that needs an account: anonymous visitors are sent to the login page,
/// staff who still owe their second factor to its page.
pub(crate) struct SignedIn(pub Principal);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Ok(MaybePrincipal(p)) = MaybePrincipal::from_request_parts(parts, state).await;
        match p {
            None => Err(see_other("/login")),
            Some(p) if !p.mfa_satisfied() => Err(see_other("/me/mfa")),
            Some(p) => Ok(SignedIn(p)),
        }
    }
}

/// A redirect after a successful form (303, so the browser follows with GET).
pub(crate) fn see_other(location: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}
