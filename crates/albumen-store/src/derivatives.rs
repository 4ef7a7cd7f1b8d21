//! [`DerivativeRepo`]: the preview builder's queue (lease like the video probe's) and its
//! results, one row per distinct original.

use albumen_core::StoreError;
use albumen_core::derivative::{Derivative, DerivativeJob, Preview};
use albumen_core::media::MediaKind;
use albumen_core::ports::DerivativeRepo;
use async_trait::async_trait;
use sqlx::{AssertSqlSafe, QueryBuilder};
use time::OffsetDateTime;

use crate::SqlStore;
use crate::dialect::Dialect;
use crate::error::classify;
use crate::pool::on_pool;
use crate::time_codec::{corrupt, to_micros};

const WAITING: &str = "WAITING";
const READY: &str = "READY";
const FAILED: &str = "FAILED";

#[derive(sqlx::FromRow)]
struct JobRow {
    blob_key: String,
    mime_type: String,
    kind: String,
    attempts: i32,
}

#[derive(sqlx::FromRow)]
struct ResultRow {
    status: String,
    preview_key: Option<String>,
    preview_width: Option<i64>,
    preview_height: Option<i64>,
    thumb_key: Option<String>,
    thumb_width: Option<i64>,
    thumb_height: Option<i64>,
    thumbhash: Option<String>,
}

impl TryFrom<ResultRow> for Derivative {
    type Error = StoreError;

    fn try_from(row: ResultRow) -> Result<Self, StoreError> {
        let bad = || corrupt("derivatives");
        match row.status.as_str() {
            WAITING => Ok(Derivative::Waiting),
            FAILED => Ok(Derivative::Failed),
            READY => {
                let dimension =
                    |v: Option<i64>| v.and_then(|v| u32::try_from(v).ok()).ok_or_else(bad);
                Ok(Derivative::Ready {
                    preview: Preview {
                        blob_key: row.preview_key.ok_or_else(bad)?,
                        width: dimension(row.preview_width)?,
                        height: dimension(row.preview_height)?,
                    },
                    thumb: Preview {
                        blob_key: row.thumb_key.ok_or_else(bad)?,
                        width: dimension(row.thumb_width)?,
                        height: dimension(row.thumb_height)?,
                    },
                    thumbhash: hex::decode(row.thumbhash.unwrap_or_default()).map_err(|_| bad())?,
                })
            }
            _ => Err(bad()),
        }
    }
}

#[async_trait]
impl DerivativeRepo for SqlStore {
    #[tracing::instrument(skip_all, fields(originals = originals.len()), err(level = "debug"))]
    async fn enqueue_derivatives(
        &self,
        originals: &[(String, String, MediaKind)],
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        if originals.is_empty() {
            return Ok(());
        }
        on_pool!(&self.pool, p => {
            let mut insert = QueryBuilder::new(
                "INSERT INTO derivatives (blob_key, mime_type, kind, status, created_at) ",
            );
            insert.push_values(originals, |mut row, (blob_key, mime_type, kind)| {
                row.push_bind(blob_key.as_str())
                    .push_bind(mime_type.as_str())
                    .push_bind(kind.as_str())
                    .push_bind(WAITING)
                    .push_bind(to_micros(now));
            });
            insert.push(" ON CONFLICT (blob_key) DO NOTHING");
            insert.build().execute(p).await.map_err(classify)?;
        });
        Ok(())
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn claim_derivative(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> Result<Option<DerivativeJob>, StoreError> {
        // As for videos: the outer WHERE repeats the test so that a PostgreSQL claimer that
        // lost the race re-checks the row after the winner commits and updates nothing.
        let free = "status = 'WAITING' AND (lease_until IS NULL OR lease_until <= $1)";
        let row: Option<JobRow> = on_pool!(&self.pool, p => {
            let sql = format!(
                "UPDATE derivatives SET lease_until = $2, attempts = attempts + 1 \
                 WHERE blob_key = (SELECT blob_key FROM derivatives WHERE {free} \
                 ORDER BY created_at, blob_key LIMIT 1{}) AND {free} \
                 RETURNING blob_key, mime_type, kind, attempts",
                p.skip_locked()
            );
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(to_micros(now))
                .bind(to_micros(lease_until))
                .fetch_optional(p)
                .await
                .map_err(classify)?
        });
        row.map(|row| {
            Ok(DerivativeJob {
                kind: MediaKind::parse(&row.kind).ok_or_else(|| corrupt("derivatives"))?,
                attempts: u32::try_from(row.attempts).map_err(|_| corrupt("derivatives"))?,
                blob_key: row.blob_key,
                mime_type: row.mime_type,
            })
        })
        .transpose()
    }

    #[tracing::instrument(skip(self, outcome), err(level = "debug"))]
    async fn finish_derivative(
        &self,
        blob_key: &str,
        outcome: &Derivative,
    ) -> Result<(), StoreError> {
        let (status, preview, thumb, thumbhash) = match outcome {
            Derivative::Waiting => (WAITING, None, None, None),
            Derivative::Failed => (FAILED, None, None, None),
            Derivative::Ready {
                preview,
                thumb,
                thumbhash,
            } => (
                READY,
                Some(preview),
                Some(thumb),
                Some(hex::encode(thumbhash)),
            ),
        };
        on_pool!(&self.pool, p => sqlx::query(
            // Put back to wait, an original keeps its lease: it is tried again when it lapses.
            "UPDATE derivatives SET status = $2, \
             lease_until = CASE WHEN $2 = 'WAITING' THEN lease_until END, preview_key = $3, \
             preview_width = $4, preview_height = $5, thumb_key = $6, thumb_width = $7, \
             thumb_height = $8, thumbhash = $9 WHERE blob_key = $1",
        )
        .bind(blob_key)
        .bind(status)
        .bind(preview.map(|p| p.blob_key.as_str()))
        .bind(preview.map(|p| i64::from(p.width)))
        .bind(preview.map(|p| i64::from(p.height)))
        .bind(thumb.map(|p| p.blob_key.as_str()))
        .bind(thumb.map(|p| i64::from(p.width)))
        .bind(thumb.map(|p| i64::from(p.height)))
        .bind(thumbhash)
        .execute(p)
        .await
        .map(|_| ())
        .map_err(classify))
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn get_derivative(&self, blob_key: &str) -> Result<Derivative, StoreError> {
        let row: ResultRow = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT status, preview_key, preview_width, preview_height, thumb_key, \
             thumb_width, thumb_height, thumbhash FROM derivatives WHERE blob_key = $1",
        )
        .bind(blob_key)
        .fetch_one(p)
        .await
        .map_err(classify))?;
        Derivative::try_from(row)
    }
}
