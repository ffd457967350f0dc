//! Administration through the API: organisations and their security contacts, users, products.

use appvd_domain::ids::{OrgId, UserId};
use appvd_domain::org::{Jurisdiction, NewOrganisation, OrgKind, Organisation, validate_email};
use appvd_domain::product::{NewProduct, Platform, Product};
use appvd_domain::user::{Role, Roles, validate_login, validate_password};
use appvd_store::NewUser;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::json::JsonBody;
use crate::AppState;
use crate::auth::{Authenticated, Principal, hash_password};
use crate::error::{ApiError, rules};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs", post(create_org).get(list_orgs))
        .route("/orgs/{id}/contacts", post(set_contact))
        .route("/users", post(create_user).get(list_users))
        .route("/users/{id}", patch(update_user))
        .route("/products", post(create_product).get(list_products))
        .route("/products/{id}", get(get_product))
}

pub(crate) fn require(p: &Principal, roles: &[Role]) -> Result<(), ApiError> {
    if roles.iter().any(|r| p.user.roles.contains(*r)) {
        Ok(())
    } else {
        let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            appvd_domain::refusal::rules::ROLE,
            format!("this needs one of the roles: {}", names.join(", ")),
        ))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgRequest {
    pub name: String,
    pub kind: OrgKind,
    pub jurisdiction: Jurisdiction,
    pub security_contact: Option<String>,
}

/// `POST /api/v1/orgs` (admin).
async fn create_org(
    State(state): State<AppState>,
    Authenticated(p): Authenticated,
    JsonBody(req): JsonBody<OrgRequest>,
) -> Result<(StatusCode, Json<Organisation>), ApiError> {
    let created = create_org_as(&state, &p, req).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Creates an organisation on behalf of an administrator (the API and the admin page), with its
/// audit entry.
pub(crate) async fn create_org_as(
    state: &AppState,
    p: &Principal,
    req: OrgRequest,
) -> Result<Organisation, ApiError> {
    require(p, &[Role::Admin])?;
    let org = NewOrganisation {
        name: req.name,
        kind: req.kind,
        jurisdiction: req.jurisdiction,
        security_contact: req.security_contact,
    }
    .validate()?;
    let now = OffsetDateTime::now_utc();
    let created = state.store.create_org(&org, now).await?;
    state
        .store
        .audit(
            now,
            Some(p.user.id),
            "org_created",
            &format!("org:{}", created.id),
            &serde_json::json!({ "name": created.name }).to_string(),
        )
        .await?;
    Ok(created)
}

/// `GET /api/v1/orgs` (staff).
async fn list_orgs(
    State(state): State<AppState>,
    Authenticated(p): Authenticated,
) -> Result<Json<Vec<Organisation>>, ApiError> {
    require(&p, &[Role::Admin, Role::Analyst])?;
    Ok(Json(state.store.list_orgs().await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactRequest {
    pub email: String,
    #[serde(default)]
    pub verified: bool,
}

/// `POST /api/v1/orgs/{id}/contacts` (admin): add or (un)verify a security contact (REG-5.4).
async fn set_contact(
    State(state): State<AppState>,
    Authenticated(p): Authenticated,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<ContactRequest>,
) -> Result<Json<Organisation>, ApiError> {
    Ok(Json(set_contact_as(&state, &p, id, req).await?))
}

/// Sets an organisation's security contact on behalf of an administrator (the API and the admin
/// page), with its audit entry.
pub(crate) async fn set_contact_as(
    state: &AppState,
    p: &Principal,
    id: i64,
    req: ContactRequest,
) -> Result<Organisation, ApiError> {
    require(p, &[Role::Admin])?;
    let email = validate_email("email", &req.email)?;
    let now = OffsetDateTime::now_utc();
    state
        .store
        .set_security_contact(OrgId(id), &email, req.verified, now)
        .await?;
    state
        .store
        .audit(
            now,
            Some(p.user.id),
            "contact_set",
            &format!("org:{id}"),
            &serde_json::json!({ "email": email, "verified": req.verified }).to_string(),
        )
        .await?;
    Ok(state.store.org(OrgId(id)).await?)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserRequest {
    pub login: String,
    pub password: String,
    pub roles: Vec<Role>,
    pub org_id: Option<i64>,
    pub display_name: Option<String>,
    pub jurisdiction: Option<Jurisdiction>,
    #[serde(default)]
    pub poc_access: bool,
}

/// A user as the API shows it (never the password hash or the TOTP secret).
#[derive(Debug, Serialize)]
pub struct UserView {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub roles: Roles,
    pub org_id: Option<i64>,
    pub jurisdiction: Jurisdiction,
    pub mfa_enabled: bool,
    pub poc_access: bool,
    pub disabled: bool,
}

fn view(u: appvd_store::User) -> UserView {
    UserView {
        id: u.id.0,
        login: u.login,
        display_name: u.display_name,
        roles: u.roles,
        org_id: u.org.map(|o| o.0),
        jurisdiction: u.jurisdiction,
        mfa_enabled: u.mfa_enabled,
        poc_access: u.poc_access,
        disabled: u.disabled,
    }
}

/// `POST /api/v1/users` (admin).
async fn create_user(
    State(state): State<AppState>,
    Authenticated(p): Authenticated,
    JsonBody(req): JsonBody<UserRequest>,
) -> Result<(StatusCode, Json<UserView>), ApiError> {
    let created = create_user_as(&state, &p, req).await?;
    Ok((StatusCode::CREATED, Json(view(created))))
}

/// Creates a user on behalf of an administrator (the API and the admin page): validation,
/// password hashing, PoC permission and the audit entry.
pub(crate) async fn create_user_as(
    state: &AppState,
    p: &Principal,
    req: UserRequest,
) -> Result<appvd_store::User, ApiError> {
    require(p, &[Role::Admin])?;
    let login = validate_login(&req.login)?;
    validate_password(&req.password)?;
    let roles = Roles::of(&req.roles);
    if roles.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            rules::INPUT,
            "roles: at least one role is required",
        ));
    }
    let org = match req.org_id {
        Some(id) => Some(state.store.org(OrgId(id)).await?),
        None => None,
    };
    if (roles.contains(Role::VendorMember) || roles.contains(Role::VendorAdmin)) && org.is_none() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            rules::INPUT,
            "org_id: vendor roles need the vendor's organisation",
        ));
    }
    let display_name =
        appvd_domain::text::optional_text("display_name", req.display_name.as_deref(), 100)?
            .unwrap_or_else(|| login.clone());
    let password = req.password;
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
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
    let user = NewUser {
        login,
        display_name,
        password_hash: hash,
        roles,
        jurisdiction: req
            .jurisdiction
            .or(org.as_ref().map(|o| o.jurisdiction))
            .unwrap_or(Jurisdiction::Domestic),
        org: org.map(|o| o.id),
    };
    let created = state.store.create_user(&user, now).await?;
    if req.poc_access {
        state.store.set_poc_access(created.id, true).await?;
    }
    state
        .store
        .audit(
            now,
            Some(p.user.id),
            "user_created",
            &format!("user:{}", created.id),
            &serde_json::json!({ "roles": created.roles.to_list() }).to_string(),
        )
        .await?;
    Ok(state.store.user(created.id).await?)
}

/// `GET /api/v1/users` (admin).
async fn list_users(
    State(state): State<AppState>,
    Authenticated(p): Authenticated,
) -> Result<Json<Vec<UserView>>, ApiError> {
    require(&p, &[Role::Admin])?;
    Ok(Json(
        state
            .store
            .list_users()
            .await?
            .into_iter()
            .map(view)
            .collect(),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    pub disabled: Option<bool>,
    pub poc_access: Option<bool>,
    /// Clears the second factor; the user must enrol again at the next login.
    #[serde(default)]
    pub reset_mfa: bool,
}

/// `PATCH /api/v1/users/{id}` (admin): disable or enable, grant or revoke PoC access, reset the second
/// factor. Disabling and resetting end the user's sessions.
async fn update_user(
    State(state): State<AppState>,
    Authenticated(p): Authenticated,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<UserUpdate>,
) -> Result<Json<UserView>, ApiError> {
    require(&p, &[Role::Admin])?;
    let target = state.store.user(UserId(id)).await?;
    if target.id == p.user.id && req.disabled == Some(true) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            rules::INPUT,
            "administrators cannot disable their own account",
        ));
    }
    let now = OffsetDateTime::now_utc();
    if let Some(d) = req.disabled {
        state.store.set_user_disabled(target.id, d).await?;
        if d {
            state.store.delete_user_sessions(target.id).await?;
        }
    }
    if let Some(a) = req.poc_access {
        state.store.set_poc_access(target.id, a).await?;
    }
    if req.reset_mfa {
        state.store.set_mfa(target.id, None, false).await?;
        state.store.delete_user_sessions(target.id).await?;
    }
    let detail = serde_json::json!({ "disabled": req.disabled, "poc_access": req.poc_access, "reset_mfa": req.reset_mfa }).to_string();
    state
        .store
        .audit(
            now,
            Some(p.user.id),
            "user_updated",
            &format!("user:{id}"),
            &detail,
        )
        .await?;
    Ok(Json(view(state.store.user(target.id).await?)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductRequest {
    pub vendor_org_id: i64,
    pub name: String,
    pub platform: Platform,
    pub package_id: String,
    pub store_url: Option<String>,
    pub signing_cert_sha256: Option<String>,
}

/// `POST /api/v1/products` (admin or analyst).
async fn create_product(
    State(state): State<AppState>,
    Authenticated(p): Authenticated,
    JsonBody(req): JsonBody<ProductRequest>,
) -> Result<(StatusCode, Json<Product>), ApiError> {
    let created = create_product_as(&state, &p, req).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Creates a product on behalf of an administrator or analyst (the API and the admin page): the
/// owner must be a vendor or operator; with its audit entry.
pub(crate) async fn create_product_as(
    state: &AppState,
    p: &Principal,
    req: ProductRequest,
) -> Result<Product, ApiError> {
    require(p, &[Role::Admin, Role::Analyst])?;
    let vendor = state.store.org(OrgId(req.vendor_org_id)).await?;
    if !matches!(vendor.kind, OrgKind::Vendor | OrgKind::Operator) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            rules::INPUT,
            "vendor_org_id: products belong to a vendor or operator organisation",
        ));
    }
    let product = NewProduct {
        vendor_org: vendor.id,
        name: req.name,
        platform: req.platform,
        package_id: req.package_id,
        store_url: req.store_url,
        signing_cert_sha256: req.signing_cert_sha256,
    }
    .validate()?;
    let now = OffsetDateTime::now_utc();
    let created = state.store.create_product(&product, now).await?;
    state
        .store
        .audit(
            now,
            Some(p.user.id),
            "product_created",
            &format!("product:{}", created.id),
            &serde_json::json!({ "package_id": created.package_id }).to_string(),
        )
        .await?;
    Ok(created)
}

/// `GET /api/v1/products`: every logged-in user may list products (reporters pick one to report on).
async fn list_products(
    State(state): State<AppState>,
    Authenticated(_p): Authenticated,
) -> Result<Json<Vec<Product>>, ApiError> {
    Ok(Json(state.store.list_products().await?))
}

async fn get_product(
    State(state): State<AppState>,
    Authenticated(_p): Authenticated,
    Path(id): Path<i64>,
) -> Result<Json<Product>, ApiError> {
    Ok(Json(
        state
            .store
            .product(appvd_domain::ids::ProductId(id))
            .await?,
    ))
}
