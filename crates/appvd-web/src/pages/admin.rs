//! The administrator's page: organisations (with security contacts), users and products.

use std::collections::BTreeMap;

use appvd_domain::ids::OrgId;
use appvd_domain::product::Platform;
use appvd_domain::user::{Role, Roles};
use askama::Template;
use axum::Router;
use axum::extract::{Form, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};

use super::{LangLink, Nav, SignedIn, error_page_for, lang_links, pick_lang, render, see_other};
use crate::AppState;
use crate::api::admin::{
    ContactRequest, OrgRequest, ProductRequest, UserRequest, create_org_as, create_product_as,
    create_user_as, set_contact_as,
};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::i18n::{Lang, Messages};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(admin_page))
        .route("/admin/orgs", post(create_org))
        .route("/admin/users", post(create_user))
        .route("/admin/products", post(create_product))
}

struct OrgRow {
    id: i64,
    name: String,
    kind: String,
    jurisdiction: String,
    contacts: String,
}

struct UserRow {
    id: i64,
    login: String,
    roles: String,
    org: String,
    mfa: &'static str,
    poc: &'static str,
    disabled: &'static str,
}

struct ProductRow {
    id: i64,
    name: String,
    platform: String,
    package: String,
    vendor: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    t: &'static Messages,
    lang: Lang,
    lang_links: Vec<LangLink>,
    nav: Nav,
    error: Option<String>,
    notice: Option<String>,
    orgs: Vec<OrgRow>,
    users: Vec<UserRow>,
    products: Vec<ProductRow>,
    platforms: Vec<&'static str>,
}

#[allow(
    clippy::result_large_err,
    reason = "the response is returned at once; boxing it buys nothing"
)]
/// The caller of an admin page: signed in (see [`SignedIn`]) and an administrator.
struct AdminOnly(Principal);

impl FromRequestParts<AppState> for AdminOnly {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let SignedIn(p) = SignedIn::from_request_parts(parts, state).await?;
        if !p.user.roles.contains(Role::Admin) {
            return Err(error_page_for(
                Some(&p),
                Lang::ZhCn,
                StatusCode::FORBIDDEN,
                "APPVD-ROLE".into(),
            ));
        }
        Ok(AdminOnly(p))
    }
}

async fn show(
    state: &AppState,
    p: &Principal,
    lang: Lang,
    error: Option<String>,
    notice: Option<String>,
    status: StatusCode,
) -> Response {
    let loaded = async {
        Ok::<_, ApiError>((
            state.store.list_orgs().await?,
            state.store.list_users().await?,
            state.store.list_products().await?,
        ))
    };
    let (orgs, users, products) = match loaded.await {
        Ok(x) => x,
        Err(e) => return error_page_for(Some(p), lang, e.status, e.message),
    };
    let org_name = |id: OrgId| {
        orgs.iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    let yes = |b: bool| if b { "✓" } else { "" };
    let page = AdminPage {
        t: lang.messages(),
        lang,
        lang_links: lang_links("/admin", &[], lang),
        nav: Nav::of(Some(p)),
        error,
        notice,
        users: users
            .iter()
            .map(|u| UserRow {
                id: u.id.0,
                login: u.login.clone(),
                roles: u.roles.to_list(),
                org: u.org.map(org_name).unwrap_or_default(),
                mfa: yes(u.mfa_enabled),
                poc: yes(u.poc_access),
                disabled: yes(u.disabled),
            })
            .collect(),
        products: products
            .iter()
            .map(|pr| ProductRow {
                id: pr.id.0,
                name: pr.name.clone(),
                platform: pr.platform.to_string(),
                package: pr.package_id.clone(),
                vendor: org_name(pr.vendor_org),
            })
            .collect(),
        orgs: orgs
            .iter()
            .map(|o| OrgRow {
                id: o.id.0,
                name: o.name.clone(),
                kind: o.kind.to_string(),
                jurisdiction: o.jurisdiction.to_string(),
                contacts: o
                    .security_contacts
                    .iter()
                    .map(|c| format!("{}{}", c.email, if c.verified { " ✓" } else { "" }))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
            .collect(),
        platforms: Platform::ALL.iter().map(|p| p.as_str()).collect(),
    };
    render(&page, status)
}

fn lang_of(state: &AppState, headers: &HeaderMap) -> Lang {
    pick_lang(None, headers, state.default_lang).0
}

async fn admin_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    AdminOnly(p): AdminOnly,
) -> Response {
    show(
        &state,
        &p,
        lang_of(&state, &headers),
        None,
        None,
        StatusCode::OK,
    )
    .await
}

async fn finish(
    state: &AppState,
    p: &Principal,
    lang: Lang,
    result: Result<String, ApiError>,
) -> Response {
    match result {
        Ok(_) => see_other("/admin"),
        Err(e) => {
            show(
                state,
                p,
                lang,
                Some(format!("{} — {}", e.rule, e.message)),
                None,
                e.status,
            )
            .await
        }
    }
}

fn field<'a>(f: &'a BTreeMap<String, String>, k: &str) -> &'a str {
    f.get(k).map(String::as_str).unwrap_or("")
}

async fn create_org(
    State(state): State<AppState>,
    headers: HeaderMap,
    AdminOnly(p): AdminOnly,
    Form(f): Form<BTreeMap<String, String>>,
) -> Response {
    let result = async {
        let request = OrgRequest {
            name: field(&f, "name").to_owned(),
            kind: field(&f, "kind").parse()?,
            jurisdiction: field(&f, "jurisdiction").parse()?,
            security_contact: Some(field(&f, "security_contact").to_owned())
                .filter(|c| !c.trim().is_empty()),
        };
        let contact = request.security_contact.clone();
        let created = create_org_as(&state, &p, request).await?;
        if field(&f, "verified") == "true"
            && let Some(email) = contact
        {
            let contact = ContactRequest {
                email,
                verified: true,
            };
            set_contact_as(&state, &p, created.id.0, contact).await?;
        }
        Ok(created.name)
    };
    finish(&state, &p, lang_of(&state, &headers), result.await).await
}

async fn create_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    AdminOnly(p): AdminOnly,
    Form(f): Form<BTreeMap<String, String>>,
) -> Response {
    let result = async {
        let org_id = match field(&f, "org_id").trim() {
            "" => None,
            id => Some(
                id.parse()
                    .map_err(|_| ApiError::bad_request("org_id must be a number"))?,
            ),
        };
        let request = UserRequest {
            login: field(&f, "login").to_owned(),
            password: field(&f, "password").to_owned(),
            roles: Roles::parse_list(field(&f, "roles"))?.iter().collect(),
            org_id,
            display_name: None,
            jurisdiction: None,
            poc_access: field(&f, "poc_access") == "true",
        };
        Ok(create_user_as(&state, &p, request).await?.login)
    };
    finish(&state, &p, lang_of(&state, &headers), result.await).await
}

async fn create_product(
    State(state): State<AppState>,
    headers: HeaderMap,
    AdminOnly(p): AdminOnly,
    Form(f): Form<BTreeMap<String, String>>,
) -> Response {
    let result = async {
        let request = ProductRequest {
            vendor_org_id: field(&f, "vendor_org_id")
                .trim()
                .parse()
                .map_err(|_| ApiError::bad_request("vendor_org_id must be a number"))?,
            name: field(&f, "name").to_owned(),
            platform: field(&f, "platform").parse()?,
            package_id: field(&f, "package_id").to_owned(),
            store_url: None,
            signing_cert_sha256: None,
        };
        Ok(create_product_as(&state, &p, request).await?.name)
    };
    finish(&state, &p, lang_of(&state, &headers), result.await).await
}
