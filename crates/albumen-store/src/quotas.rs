//! [`QuotaRepo`] on both backends: per-project limits and windowed counters, to which
//! every node adds its batched charges with one upsert statement, so that all share one count.

use albumen_core::StoreError;
use albumen_core::ports::QuotaRepo;
use albumen_core::quota::{QuotaCounter, QuotaLimits};
use async_trait::async_trait;
use time::OffsetDateTime;

use crate::SqlStore;
use crate::error::classify;
use crate::pool::{Pool, on_pool};
use crate::time_codec::{corrupt, to_micros};

#[derive(sqlx::FromRow)]
struct LimitsRow {
    requests_per_day: i64,
    media_bytes_per_day: i64,
    writes_per_minute_per_user: i64,
}

fn to_count(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn from_count(value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| corrupt("quota counts"))
}

/// Creates the counter with `$6` charges or adds them to it; returns the new count.
const ADD_SQL: &str = "INSERT INTO quota_counters \
     (project_id, metric, subject, window_start, window_end, used) \
     VALUES ($1, $2, $3, $4, $5, $6) \
     ON CONFLICT (project_id, metric, subject, window_start) DO UPDATE \
     SET used = quota_counters.used + excluded.used \
     RETURNING used";

#[async_trait]
impl QuotaRepo for SqlStore {
    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn get_quota_limits(&self, project_id: &str) -> Result<Option<QuotaLimits>, StoreError> {
        let row: Option<LimitsRow> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT requests_per_day, media_bytes_per_day, writes_per_minute_per_user \
             FROM quota_limits WHERE project_id = $1",
        )
        .bind(project_id)
        .fetch_optional(p)
        .await
        .map_err(classify))?;
        row.map(|row| {
            Ok(QuotaLimits {
                requests_per_day: from_count(row.requests_per_day)?,
                media_bytes_per_day: from_count(row.media_bytes_per_day)?,
                writes_per_minute_per_user: from_count(row.writes_per_minute_per_user)?,
            })
        })
        .transpose()
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn put_quota_limits(
        &self,
        project_id: &str,
        limits: &QuotaLimits,
    ) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => sqlx::query(
            "INSERT INTO quota_limits (project_id, requests_per_day, media_bytes_per_day, \
             writes_per_minute_per_user) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (project_id) DO UPDATE SET \
               requests_per_day = excluded.requests_per_day, \
               media_bytes_per_day = excluded.media_bytes_per_day, \
               writes_per_minute_per_user = excluded.writes_per_minute_per_user",
        )
        .bind(project_id)
        .bind(to_count(limits.requests_per_day))
        .bind(to_count(limits.media_bytes_per_day))
        .bind(to_count(limits.writes_per_minute_per_user))
        .execute(p)
        .await
        .map(|_| self.changed())
        .map_err(classify))
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn add_quota(&self, counter: &QuotaCounter, count: u64) -> Result<u64, StoreError> {
        let used: i64 = match &self.pool {
            Pool::Sqlite(p) => sqlx::query_scalar(ADD_SQL)
                .bind(&counter.project_id)
                .bind(counter.metric.as_str())
                .bind(&counter.subject)
                .bind(to_micros(counter.window_start))
                .bind(to_micros(counter.window_end))
                .bind(to_count(count))
                .fetch_one(p)
                .await
                .map_err(classify)?,
            // A counter is worth less than a flushed commit: PostgreSQL may acknowledge this
            // one before the WAL reaches the disk (a crash can lose the last few counts,
            // never corrupt them). SQLite in WAL mode with `synchronous = NORMAL` already
            // commits without a flush.
            Pool::Postgres(p) => {
                let mut tx = p.begin().await.map_err(classify)?;
                sqlx::query("SET LOCAL synchronous_commit TO OFF")
                    .execute(&mut *tx)
                    .await
                    .map_err(classify)?;
                let used = sqlx::query_scalar(ADD_SQL)
                    .bind(&counter.project_id)
                    .bind(counter.metric.as_str())
                    .bind(&counter.subject)
                    .bind(to_micros(counter.window_start))
                    .bind(to_micros(counter.window_end))
                    .bind(to_count(count))
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(classify)?;
                tx.commit().await.map_err(classify)?;
                used
            }
        };
        from_count(used)
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn get_quota_count(&self, counter: &QuotaCounter) -> Result<u64, StoreError> {
        let used: Option<i64> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT used FROM quota_counters WHERE project_id = $1 AND metric = $2 \
             AND subject = $3 AND window_start = $4",
        )
        .bind(&counter.project_id)
        .bind(counter.metric.as_str())
        .bind(&counter.subject)
        .bind(to_micros(counter.window_start))
        .fetch_optional(p)
        .await
        .map_err(classify))?;
        used.map_or(Ok(0), from_count)
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn delete_quota_counters_ended(&self, at: OffsetDateTime) -> Result<u64, StoreError> {
        on_pool!(&self.pool, p => sqlx::query("DELETE FROM quota_counters WHERE window_end <= $1")
            .bind(to_micros(at))
            .execute(p)
            .await
            .map(|done| done.rows_affected())
            .map_err(classify))
    }
}
