//! [`SettingRepo`] and [`ThrottleRepo`]: small shared counters and values.

use albumen_core::StoreError;
use albumen_core::ports::{SettingRepo, ThrottleRepo};
use async_trait::async_trait;
use time::{Duration, OffsetDateTime};

use crate::SqlStore;
use crate::error::classify;
use crate::pool::on_pool;
use crate::time_codec::to_micros;

#[async_trait]
impl SettingRepo for SqlStore {
    #[tracing::instrument(skip(self, value), err(level = "debug"))]
    async fn get_or_insert_setting(&self, name: &str, value: &str) -> Result<String, StoreError> {
        on_pool!(&self.pool, p => {
            sqlx::query(
                "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            )
            .bind(name)
            .bind(value)
            .execute(p)
            .await
            .map_err(classify)?;
            sqlx::query_scalar("SELECT value FROM settings WHERE name = $1")
                .bind(name)
                .fetch_one(p)
                .await
                .map_err(classify)
        })
    }
}

#[async_trait]
impl ThrottleRepo for SqlStore {
    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn record_failure(
        &self,
        key: &str,
        now: OffsetDateTime,
        window: Duration,
    ) -> Result<u32, StoreError> {
        // One statement, so concurrent failures are all counted. A window that has passed
        // starts again at this failure.
        let failures: i32 = on_pool!(&self.pool, p => sqlx::query_scalar(
            "INSERT INTO sign_in_failures (key, window_start, failures) VALUES ($1, $2, 1) \
             ON CONFLICT (key) DO UPDATE SET \
               failures = CASE WHEN sign_in_failures.window_start < $3 THEN 1 \
                               ELSE sign_in_failures.failures + 1 END, \
               window_start = CASE WHEN sign_in_failures.window_start < $3 THEN $2 \
                                   ELSE sign_in_failures.window_start END \
             RETURNING failures",
        )
        .bind(key)
        .bind(to_micros(now))
        .bind(to_micros(now - window))
        .fetch_one(p)
        .await
        .map_err(classify))?;
        Ok(u32::try_from(failures).unwrap_or(0))
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn count_failures(
        &self,
        key: &str,
        now: OffsetDateTime,
        window: Duration,
    ) -> Result<u32, StoreError> {
        let failures: Option<i32> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT failures FROM sign_in_failures WHERE key = $1 AND window_start >= $2",
        )
        .bind(key)
        .bind(to_micros(now - window))
        .fetch_optional(p)
        .await
        .map_err(classify))?;
        Ok(failures.and_then(|f| u32::try_from(f).ok()).unwrap_or(0))
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn clear_failures(&self, key: &str) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => sqlx::query("DELETE FROM sign_in_failures WHERE key = $1")
            .bind(key)
            .execute(p)
            .await
            .map(|_| ())
            .map_err(classify))
    }
}
