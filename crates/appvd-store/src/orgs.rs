//! Organisations, their security contacts, users and products.

use appvd_domain::ids::{OrgId, ProductId, UserId};
use appvd_domain::org::{Jurisdiction, NewOrganisation, OrgKind, Organisation, SecurityContact};
use appvd_domain::product::{CertFingerprint, Platform, Product, ValidProduct};
use appvd_domain::user::Roles;
use time::OffsetDateTime;

use crate::time_column::Ts;
use crate::{Store, StoreError, dispatch};

type OrgRow = (i64, String, String, String);
type ContactRow = (String, bool);
pub(crate) type UserRow = (
    i64,
    String,
    String,
    String,
    String,
    Option<i64>,
    String,
    Option<String>,
    bool,
    Ts,
    bool,
    bool,
);
type ProductRow = (
    i64,
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// A user account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub login: String,
    pub display_name: String,
    pub password_hash: String,
    pub roles: Roles,
    pub org: Option<OrgId>,
    pub jurisdiction: Jurisdiction,
    pub mfa_secret: Option<String>,
    pub disabled: bool,
    pub created_at: OffsetDateTime,
    /// A confirmed second factor (TOTP) is required at login.
    pub mfa_enabled: bool,
    /// May read restricted proof-of-concept material of the cases they can see.
    pub poc_access: bool,
}

/// A user to create; the password is already hashed by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    pub password_hash: String,
    pub roles: Roles,
    pub org: Option<OrgId>,
    pub jurisdiction: Jurisdiction,
}

fn parse<T: std::str::FromStr<Err = appvd_domain::InvalidInput>>(
    value: &str,
) -> Result<T, StoreError> {
    value
        .parse()
        .map_err(|e: appvd_domain::InvalidInput| StoreError::Corrupt(e.to_string()))
}

fn org_from(row: OrgRow, contacts: Vec<ContactRow>) -> Result<Organisation, StoreError> {
    Ok(Organisation {
        id: OrgId(row.0),
        name: row.1,
        kind: parse::<OrgKind>(&row.2)?,
        jurisdiction: parse::<Jurisdiction>(&row.3)?,
        security_contacts: contacts
            .into_iter()
            .map(|(email, verified)| SecurityContact { email, verified })
            .collect(),
    })
}

pub(crate) fn user_from(row: UserRow) -> Result<User, StoreError> {
    Ok(User {
        id: UserId(row.0),
        login: row.1,
        display_name: row.2,
        password_hash: row.3,
        roles: Roles::parse_list(&row.4).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        org: row.5.map(OrgId),
        jurisdiction: parse(&row.6)?,
        mfa_secret: row.7,
        disabled: row.8,
        created_at: row.9.0,
        mfa_enabled: row.10,
        poc_access: row.11,
    })
}

fn product_from(row: ProductRow) -> Result<Product, StoreError> {
    Ok(Product {
        id: ProductId(row.0),
        vendor_org: OrgId(row.1),
        name: row.2,
        platform: parse::<Platform>(&row.3)?,
        package_id: row.4,
        store_url: row.5,
        signing_cert_sha256: row
            .6
            .map(|f| f.parse::<CertFingerprint>())
            .transpose()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
    })
}

macro_rules! user_select {
    ($where:literal) => {
        concat!(
            "SELECT id, login, display_name, password_hash, roles, org_id, jurisdiction, mfa_secret, disabled, created_at, mfa_enabled, \
             poc_access FROM users WHERE ",
            $where
        )
    };
}

impl Store {
    /// Creates an organisation (validated by the caller) with its first security contact, unverified.
    pub async fn create_org(
        &self,
        org: &NewOrganisation,
        now: OffsetDateTime,
    ) -> Result<Organisation, StoreError> {
        let now = Ts::from(now);
        let id: i64 = dispatch!(self, pool, _b => {
            let mut tx = pool.begin().await?;
            let (id,): (i64,) = sqlx::query_as("INSERT INTO orgs (name, kind, jurisdiction, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(&org.name)
                .bind(org.kind.as_str())
                .bind(org.jurisdiction.as_str())
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| StoreError::unique(e, || format!("an organisation named {:?} already exists", org.name)))?;
            if let Some(email) = &org.security_contact {
                sqlx::query("INSERT INTO security_contacts (org_id, email, verified, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(id)
                    .bind(email)
                    .bind(false)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            id
        });
        self.org(OrgId(id)).await
    }

    pub async fn org(&self, id: OrgId) -> Result<Organisation, StoreError> {
        self.find_org(id)
            .await?
            .ok_or_else(|| StoreError::not_found("organisation", id))
    }

    pub async fn find_org(&self, id: OrgId) -> Result<Option<Organisation>, StoreError> {
        dispatch!(self, pool, _b => {
            let row: Option<OrgRow> = sqlx::query_as("SELECT id, name, kind, jurisdiction FROM orgs WHERE id = $1")
                .bind(id.0)
                .fetch_optional(pool)
                .await?;
            let Some(row) = row else { return Ok(None) };
            let contacts: Vec<ContactRow> = sqlx::query_as("SELECT email, verified FROM security_contacts WHERE org_id = $1 ORDER BY id")
                .bind(id.0)
                .fetch_all(pool)
                .await?;
            org_from(row, contacts).map(Some)
        })
    }

    pub async fn list_orgs(&self) -> Result<Vec<Organisation>, StoreError> {
        dispatch!(self, pool, _b => {
            let rows: Vec<OrgRow> = sqlx::query_as("SELECT id, name, kind, jurisdiction FROM orgs ORDER BY name").fetch_all(pool).await?;
            let contacts: Vec<(i64, String, bool)> =
                sqlx::query_as("SELECT org_id, email, verified FROM security_contacts ORDER BY id").fetch_all(pool).await?;
            rows.into_iter()
                .map(|row| {
                    let id = row.0;
                    let mine = contacts.iter().filter(|c| c.0 == id).map(|c| (c.1.clone(), c.2)).collect();
                    org_from(row, mine)
                })
                .collect()
        })
    }

    /// Adds a security contact, or updates its verified flag when it exists (REG-5.4).
    pub async fn set_security_contact(
        &self,
        org: OrgId,
        email: &str,
        verified: bool,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = Ts::from(now);
        let changed = dispatch!(self, pool, _b => {
            sqlx::query(
                "INSERT INTO security_contacts (org_id, email, verified, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (org_id, email) DO UPDATE SET verified = excluded.verified",
            )
            .bind(org.0)
            .bind(email)
            .bind(verified)
            .bind(now)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        });
        match changed {
            Ok(_) => Ok(()),
            Err(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
                Err(StoreError::not_found("organisation", org))
            }
            Err(e) => Err(e.into()),
        }
    }

    pub async fn create_user(
        &self,
        user: &NewUser,
        now: OffsetDateTime,
    ) -> Result<User, StoreError> {
        let now = Ts::from(now);
        let result: Result<(i64,), sqlx::Error> = dispatch!(self, pool, _b => {
            sqlx::query_as(
                "INSERT INTO users (login, display_name, password_hash, roles, org_id, jurisdiction, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(&user.login)
            .bind(&user.display_name)
            .bind(&user.password_hash)
            .bind(user.roles.to_list())
            .bind(user.org.map(|o| o.0))
            .bind(user.jurisdiction.as_str())
            .bind(now)
            .fetch_one(pool)
            .await
        });
        let id = match result {
            Ok((id,)) => id,
            Err(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
                return Err(StoreError::not_found(
                    "organisation",
                    user.org.map(|o| o.0).unwrap_or_default(),
                ));
            }
            Err(e) => {
                return Err(StoreError::unique(e, || {
                    format!("the login {:?} is taken", user.login)
                }));
            }
        };
        self.user(UserId(id)).await
    }

    pub async fn user(&self, id: UserId) -> Result<User, StoreError> {
        let row: Option<UserRow> = dispatch!(self, pool, _b => {
            sqlx::query_as(user_select!("id = $1"))
                .bind(id.0)
                .fetch_optional(pool)
                .await?
        });
        row.map(user_from)
            .transpose()?
            .ok_or_else(|| StoreError::not_found("user", id))
    }

    pub async fn user_by_login(&self, login: &str) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> = dispatch!(self, pool, _b => {
            sqlx::query_as(user_select!("login = $1"))
                .bind(login)
                .fetch_optional(pool)
                .await?
        });
        row.map(user_from).transpose()
    }

    pub async fn create_product(
        &self,
        product: &ValidProduct,
        now: OffsetDateTime,
    ) -> Result<Product, StoreError> {
        let now = Ts::from(now);
        let result: Result<ProductRow, sqlx::Error> = dispatch!(self, pool, _b => {
            sqlx::query_as(
                "INSERT INTO products (vendor_org_id, name, platform, package_id, store_url, signing_cert_sha256, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 RETURNING id, vendor_org_id, name, platform, package_id, store_url, signing_cert_sha256",
            )
            .bind(product.vendor_org.0)
            .bind(&product.name)
            .bind(product.platform.as_str())
            .bind(&product.package_id)
            .bind(product.store_url.as_deref())
            .bind(product.signing_cert_sha256.as_ref().map(|f| f.as_str().to_owned()))
            .bind(now)
            .fetch_one(pool)
            .await
        });
        match result {
            Ok(row) => product_from(row),
            Err(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
                Err(StoreError::not_found("organisation", product.vendor_org))
            }
            Err(e) => Err(StoreError::unique(e, || {
                format!(
                    "a {} product with package id {:?} already exists",
                    product.platform, product.package_id
                )
            })),
        }
    }

    pub async fn product(&self, id: ProductId) -> Result<Product, StoreError> {
        let row: Option<ProductRow> = dispatch!(self, pool, _b => {
            sqlx::query_as("SELECT id, vendor_org_id, name, platform, package_id, store_url, signing_cert_sha256 FROM products WHERE id = $1")
                .bind(id.0)
                .fetch_optional(pool)
                .await?
        });
        row.map(product_from)
            .transpose()?
            .ok_or_else(|| StoreError::not_found("product", id))
    }

    pub async fn list_products(&self) -> Result<Vec<Product>, StoreError> {
        let rows: Vec<ProductRow> = dispatch!(self, pool, _b => {
            sqlx::query_as("SELECT id, vendor_org_id, name, platform, package_id, store_url, signing_cert_sha256 FROM products ORDER BY name, id")
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(product_from).collect()
    }

    pub async fn product_by_package(
        &self,
        platform: Platform,
        package_id: &str,
    ) -> Result<Option<Product>, StoreError> {
        let row: Option<ProductRow> = dispatch!(self, pool, _b => {
            sqlx::query_as(
                "SELECT id, vendor_org_id, name, platform, package_id, store_url, signing_cert_sha256 FROM products WHERE platform = $1 AND package_id = $2",
            )
            .bind(platform.as_str())
            .bind(package_id)
            .fetch_optional(pool)
            .await?
        });
        row.map(product_from).transpose()
    }
}
