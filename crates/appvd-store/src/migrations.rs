//! The migration lists, embedded in the binary (no `migrate!` macro: it would build the database
//! drivers a second time for the host).

use std::borrow::Cow;

use sqlx::migrate::{Migration, MigrationType, Migrator};

use crate::Backend;

/// (version, description, SQLite text, PostgreSQL text). Add a row per migration; never edit a
/// published one (see CONTRIBUTING.md).
const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    (
        1,
        "init",
        include_str!("../migrations/sqlite/0001_init.sql"),
        include_str!("../migrations/postgres/0001_init.sql"),
    ),
    (
        2,
        "accounts and collaboration",
        include_str!("../migrations/sqlite/0002_accounts_and_collaboration.sql"),
        include_str!("../migrations/postgres/0002_accounts_and_collaboration.sql"),
    ),
    (
        3,
        "read path indexes",
        include_str!("../migrations/sqlite/0003_read_path_indexes.sql"),
        include_str!("../migrations/postgres/0003_read_path_indexes.sql"),
    ),
    (
        4,
        "public advisory totals",
        include_str!("../migrations/sqlite/0004_public_counts.sql"),
        include_str!("../migrations/postgres/0004_public_counts.sql"),
    ),
];

pub(crate) fn migrator(backend: Backend) -> Migrator {
    let migrations = MIGRATIONS
        .iter()
        .map(|(version, description, sqlite, postgres)| {
            let sql = match backend {
                Backend::Sqlite => *sqlite,
                Backend::Postgres => *postgres,
            };
            Migration::new(
                *version,
                Cow::Borrowed(*description),
                MigrationType::Simple,
                sqlx::SqlStr::from_static(sql),
                false,
            )
        })
        .collect();
    Migrator::with_migrations(migrations)
}
