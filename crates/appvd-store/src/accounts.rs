//! Sessions, API tokens and account settings (second factor, PoC permission).
//!
//! Only SHA-256 hashes of session and API tokens are stored: a copy of the database does not let
//! anyone log in.

use appvd_domain::ids::UserId;
use time::OffsetDateTime;

use crate::orgs::{User, UserRow, user_from};
use crate::time_column::Ts;
use crate::{Store, StoreError, dispatch};

/// A live session, with its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub token_hash: String,
    pub user: User,
    pub csrf_token: String,
    /// Whether the second factor was given in this session (always true for users without one).
    pub mfa_passed: bool,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// A session to create.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user: UserId,
    pub csrf_token: &'a str,
    pub mfa_passed: bool,
    pub now: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

/// An API token as listed to its owner (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub expires_at: Option<OffsetDateTime>,
    pub revoked: bool,
}

macro_rules! joined_user_columns {
    () => {
        "u.id, u.login, u.display_name, u.password_hash, u.roles, u.org_id, u.jurisdiction, u.mfa_secret, u.disabled, u.created_at, \
         u.mfa_enabled, u.poc_access"
    };
}

type SessionRow = (String, String, bool, Ts, Ts);
type ApiTokenRow = (i64, String, Ts, Option<Ts>, Option<Ts>, Option<Ts>);

impl Store {
    pub async fn create_session(&self, s: &NewSession<'_>) -> Result<(), StoreError> {
        dispatch!(self, pool, _b => {
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, mfa_passed, created_at, last_seen_at, expires_at, ip, user_agent) \
                 VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8)",
            )
            .bind(s.token_hash)
            .bind(s.user.0)
            .bind(s.csrf_token)
            .bind(s.mfa_passed)
            .bind(Ts::from(s.now))
            .bind(Ts::from(s.expires_at))
            .bind(s.ip)
            .bind(s.user_agent)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The live session with this token hash; expired sessions and disabled users have none.
    pub async fn session(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<Session>, StoreError> {
        let row: Option<(SessionRow, UserRow)> = dispatch!(self, pool, _b => {
            let session: Option<(String, String, bool, Ts, Ts, i64)> = sqlx::query_as(
                "SELECT token_hash, csrf_token, mfa_passed, created_at, expires_at, user_id FROM sessions WHERE token_hash = $1 AND expires_at > $2",
            )
            .bind(token_hash)
            .bind(Ts::from(now))
            .fetch_optional(pool)
            .await?;
            match session {
                None => None,
                Some(s) => {
                    let user: Option<UserRow> = sqlx::query_as(concat!("SELECT ", joined_user_columns!(), " FROM users u WHERE u.id = $1 AND u.disabled = $2"))
                        .bind(s.5)
                        .bind(false)
                        .fetch_optional(pool)
                        .await?;
                    user.map(|u| ((s.0, s.1, s.2, s.3, s.4), u))
                }
            }
        });
        let Some(((token_hash, csrf_token, mfa_passed, created_at, expires_at), user)) = row else {
            return Ok(None);
        };
        Ok(Some(Session {
            token_hash,
            user: user_from(user)?,
            csrf_token,
            mfa_passed,
            created_at: created_at.0,
            expires_at: expires_at.0,
        }))
    }

    /// Slides a session's expiry forward.
    pub async fn touch_session(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        dispatch!(self, pool, _b => {
            sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3")
                .bind(Ts::from(now))
                .bind(Ts::from(expires_at))
                .bind(token_hash)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    pub async fn mark_session_mfa_passed(&self, token_hash: &str) -> Result<(), StoreError> {
        dispatch!(self, pool, _b => {
            sqlx::query("UPDATE sessions SET mfa_passed = $1 WHERE token_hash = $2").bind(true).bind(token_hash).execute(pool).await?;
        });
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        dispatch!(self, pool, _b => {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(pool).await?;
        });
        Ok(())
    }

    /// Ends every session of a user (password change, disabling, MFA reset).
    pub async fn delete_user_sessions(&self, user: UserId) -> Result<u64, StoreError> {
        Ok(dispatch!(self, pool, _b => {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.0).execute(pool).await?.rows_affected()
        }))
    }

    pub async fn purge_expired_sessions(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        Ok(dispatch!(self, pool, _b => {
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(Ts::from(now)).execute(pool).await?.rows_affected()
        }))
    }

    pub async fn create_api_token(
        &self,
        user: UserId,
        name: &str,
        token_hash: &str,
        now: OffsetDateTime,
        expires_at: Option<OffsetDateTime>,
    ) -> Result<i64, StoreError> {
        let (id,): (i64,) = dispatch!(self, pool, _b => {
            sqlx::query_as("INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(user.0)
                .bind(name)
                .bind(token_hash)
                .bind(Ts::from(now))
                .bind(expires_at.map(Ts::from))
                .fetch_one(pool)
                .await?
        });
        Ok(id)
    }

    /// The user a live, unrevoked API token belongs to; records its use.
    pub async fn user_by_api_token(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> = dispatch!(self, pool, _b => {
            let r: Option<UserRow> = sqlx::query_as(concat!(
                "SELECT ",
                joined_user_columns!(),
                " FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL \
                 AND (t.expires_at IS NULL OR t.expires_at > $2) AND u.disabled = $3"
            ))
            .bind(token_hash)
            .bind(Ts::from(now))
            .bind(false)
            .fetch_optional(pool)
            .await?;
            if r.is_some() {
                sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2").bind(Ts::from(now)).bind(token_hash).execute(pool).await?;
            }
            r
        });
        row.map(user_from).transpose()
    }

    pub async fn api_tokens(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
        let rows: Vec<ApiTokenRow> = dispatch!(self, pool, _b => {
            sqlx::query_as("SELECT id, name, created_at, last_used_at, expires_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id")
                .bind(user.0)
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|r| ApiToken {
                id: r.0,
                name: r.1,
                created_at: r.2.0,
                last_used_at: r.3.map(|t| t.0),
                expires_at: r.4.map(|t| t.0),
                revoked: r.5.is_some(),
            })
            .collect())
    }

    /// Revokes one of the user's tokens; `false` when the user has no such token.
    pub async fn revoke_api_token(
        &self,
        user: UserId,
        id: i64,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let n = dispatch!(self, pool, _b => {
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
                .bind(Ts::from(now))
                .bind(id)
                .bind(user.0)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(n == 1)
    }

    /// Stores a TOTP secret (pending until `enabled`), or clears it.
    pub async fn set_mfa(
        &self,
        user: UserId,
        secret: Option<&str>,
        enabled: bool,
    ) -> Result<(), StoreError> {
        dispatch!(self, pool, _b => {
            sqlx::query("UPDATE users SET mfa_secret = $1, mfa_enabled = $2 WHERE id = $3").bind(secret).bind(enabled).bind(user.0).execute(pool).await?;
        });
        Ok(())
    }

    pub async fn set_poc_access(&self, user: UserId, allowed: bool) -> Result<(), StoreError> {
        dispatch!(self, pool, _b => {
            sqlx::query("UPDATE users SET poc_access = $1 WHERE id = $2").bind(allowed).bind(user.0).execute(pool).await?;
        });
        Ok(())
    }

    pub async fn set_password_hash(&self, user: UserId, hash: &str) -> Result<(), StoreError> {
        dispatch!(self, pool, _b => {
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2").bind(hash).bind(user.0).execute(pool).await?;
        });
        Ok(())
    }

    pub async fn set_user_disabled(&self, user: UserId, disabled: bool) -> Result<(), StoreError> {
        dispatch!(self, pool, _b => {
            sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2").bind(disabled).bind(user.0).execute(pool).await?;
        });
        Ok(())
    }

    pub async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        let rows: Vec<UserRow> = dispatch!(self, pool, _b => {
            sqlx::query_as(concat!("SELECT ", joined_user_columns!(), " FROM users u ORDER BY u.login")).fetch_all(pool).await?
        });
        rows.into_iter().map(user_from).collect()
    }
}
