//! Persistence for appvd on SQLite (the embedded default) and PostgreSQL (scale-out), from one code
//! base.
//!
//! [`Store`] is an enum over the two connection pools; every method runs the same SQL text on
//! either backend through the [`dispatch!`] macro, and diverges only where the dialects must
//! (full-text search, chain-head locking). Handlers upstream stay non-generic, so the web crate is
//! compiled once, not once per backend. Each backend has its own migration folder
//! (`migrations/sqlite`, `migrations/postgres`) applied by [`Store::migrate`]; one conformance suite
//! (`tests/conformance.rs`) runs against both.
//!
//! Architecture invariants:
//! - SQL is parameterised, always: every statement is a `&'static str` with `$n` placeholders.
//! - The case event log, the receipt log and the audit log are append-only in the schema itself
//!   (triggers refuse updates and deletes; receipts may be deleted only after the 183-day floor), and
//!   the first two are hash-chained (see `appvd_domain::hashchain`).
//! - Timestamps are UTC with microsecond precision on both backends (INTEGER microseconds in SQLite,
//!   `timestamptz` in PostgreSQL), so a value read back hashes as it was written.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

mod accounts;
mod blobs;
mod cases;
mod collaboration;
mod error;
mod logs;
mod migrations;
mod orgs;
mod read_sql;
mod search;
mod settings;
mod time_column;

pub use accounts::{ApiToken, NewSession, Session};
pub use blobs::{BlobStore, DirBlobStore};
pub use cases::{
    AdvisoryFilter, CaseFilter, CaseRecord, MAX_PER_PAGE, Page, Submission, SubmittedReport,
};
pub use collaboration::{Attachment, Audience, Message, NewAttachment};
pub use error::StoreError;
pub use logs::{AuditEntry, EventEntry, NewEvent};
pub use orgs::{NewUser, User};

/// Runs `$body` once per backend with `$pool` bound to the backend's pool and `$backend` to its
/// [`Backend`] value. The body is compiled twice, against each driver's types; SQL shared by both
/// is written once.
macro_rules! dispatch {
    ($store:expr, $pool:ident, $backend:ident => $body:expr) => {
        match $store {
            $crate::Store::Sqlite($pool) => {
                #[allow(unused_variables)]
                let $backend = $crate::Backend::Sqlite;
                $body
            }
            $crate::Store::Postgres($pool) => {
                #[allow(unused_variables)]
                let $backend = $crate::Backend::Postgres;
                $body
            }
        }
    };
}
pub(crate) use dispatch;

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The database.
#[derive(Debug, Clone)]
pub enum Store {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// File name of the embedded database inside the data directory.
pub const SQLITE_FILE: &str = "appvd.db";

impl Store {
    /// Opens (creating if needed) the embedded SQLite database in `data_dir`, in WAL mode with full
    /// synchronisation, so that a report acknowledged to its sender survives a crash.
    pub async fn open_data_dir(data_dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|e| StoreError::Io {
            path: data_dir.display().to_string(),
            source: e,
        })?;
        let options = SqliteConnectOptions::new()
            .filename(data_dir.join(SQLITE_FILE))
            .create_if_missing(true);
        Self::open_sqlite(options).await
    }

    async fn open_sqlite(options: SqliteConnectOptions) -> Result<Self, StoreError> {
        let options = options
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("temp_store", "memory")
            // 32 MiB of page cache per connection (the default is 2 MiB; at most 256 MiB for the
            // pool's 8 connections): index and full-text pages, and pages still in the WAL (which
            // the memory map below does not cover), stay in memory between requests instead of
            // being read again on every page. Negative means KiB.
            .pragma("cache_size", "-32768")
            // Read the database file through a memory map (up to 1 GiB of address space, not of
            // memory): pages come from the OS page cache, shared by all connections, without a
            // read() system call and a copy each; at 100,000 cases those calls were most of the
            // time of a list or search. Writes still go through the WAL, so durability is as
            // with WAL + synchronous=FULL above.
            .pragma("mmap_size", "1073741824");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        Ok(Store::Sqlite(pool))
    }

    /// Connects to a database URL: `sqlite:PATH` / `sqlite://PATH` or `postgres://…` /
    /// `postgresql://…`.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with_schema(url, None).await
    }

    /// Like [`Store::connect`], with every PostgreSQL connection's `search_path` set to `schema`
    /// (used to give each test its own schema). Ignored for SQLite.
    pub async fn connect_with_schema(url: &str, schema: Option<&str>) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?.create_if_missing(true);
            Self::open_sqlite(options).await
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let mut options = PgConnectOptions::from_str(url)?;
            if let Some(schema) = schema {
                options = options.options([("search_path", schema)]);
            }
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Ok(Store::Postgres(pool))
        } else {
            Err(StoreError::UnsupportedUrl(
                url.split(':').next().unwrap_or("").to_owned(),
            ))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Store::Sqlite(_) => Backend::Sqlite,
            Store::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies pending migrations. Safe to run from several processes at once on PostgreSQL (the
    /// migrator takes an advisory lock).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        dispatch!(self, pool, backend => migrations::migrator(backend).run(pool).await?);
        Ok(())
    }

    /// Whether the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        dispatch!(self, pool, _b => {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    pub async fn close(&self) {
        dispatch!(self, pool, _b => pool.close().await);
    }
}
