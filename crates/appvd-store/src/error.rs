//! The store's error type.

use appvd_domain::Refusal;

/// What can go wrong in the store. Refusals of the domain (a young receipt, a forbidden change)
/// pass through unchanged so callers can show their rule id.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Refused(Refusal),
    #[error("{what} {key} does not exist")]
    NotFound { what: &'static str, key: String },
    #[error("{0}")]
    Conflict(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("unsupported database URL scheme {0:?}: use sqlite:PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("cannot use {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl StoreError {
    pub(crate) fn not_found(what: &'static str, key: impl ToString) -> Self {
        StoreError::NotFound {
            what,
            key: key.to_string(),
        }
    }

    /// Turns a unique-constraint violation into a readable conflict; other errors pass through.
    pub(crate) fn unique(err: sqlx::Error, message: impl FnOnce() -> String) -> Self {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(message())
            }
            _ => StoreError::Database(err),
        }
    }

    /// The rule id the database itself refused with (the triggers' messages start with it).
    pub fn refused_rule(&self) -> Option<String> {
        match self {
            StoreError::Refused(r) => Some(r.rule.clone()),
            StoreError::Database(sqlx::Error::Database(db)) => {
                let msg = db.message();
                let rule = msg.split(':').next()?;
                (rule.starts_with("REG-") || rule.starts_with("APPVD-")).then(|| rule.to_owned())
            }
            _ => None,
        }
    }
}
