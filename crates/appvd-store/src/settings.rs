//! Key-value settings kept in the database (the loaded GB/T grading table, policy overrides), so
//! every server process sees the same values.

use time::OffsetDateTime;

use crate::time_column::Ts;
use crate::{Store, StoreError, dispatch};

impl Store {
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = dispatch!(self, pool, _b => {
            sqlx::query_as("SELECT value FROM settings WHERE key = $1").bind(key).fetch_optional(pool).await?
        });
        Ok(row.map(|r| r.0))
    }

    pub async fn put_setting(
        &self,
        key: &str,
        value: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        dispatch!(self, pool, _b => {
            sqlx::query(
                "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            )
            .bind(key)
            .bind(value)
            .bind(Ts::from(now))
            .execute(pool)
            .await?;
        });
        Ok(())
    }
}
