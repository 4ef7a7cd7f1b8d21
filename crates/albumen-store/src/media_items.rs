//! Media item rows: creating one from an upload token (with dedup by content), reading,
//! editing, the background video probe's lease, and whether a blob is still referenced.
//! Listing lives in `media_search`.

use albumen_core::StoreError;
use albumen_core::media::{BlobUse, CaptureFacts, MediaItem, MediaKind, VideoStatus};
use albumen_core::user::UserId;
use sqlx::AssertSqlSafe;
use time::OffsetDateTime;

use crate::SqlStore;
use crate::dialect::Dialect;
use crate::error::{classify, found, unique_violation_as};
use crate::pool::on_pool;
use crate::time_codec::{corrupt, from_micros, to_micros};

/// Every column of `media_items`, in [`MediaRow`] order.
pub(crate) const MEDIA_COLUMNS: &str = "id, user_id, client_id, blob_key, size, mime_type, \
    filename, description, kind, width, height, creation_time, capture_date, camera_make, \
    camera_model, focal_length, aperture_f_number, iso_equivalent, exposure_time, fps, \
    duration, video_status, has_location, is_favorite, is_archived, created_at";

/// `IN` lists are cut into chunks of this many ids (SQLite allows 32,766 parameters).
pub(crate) const IN_CHUNK: usize = 500;

#[derive(sqlx::FromRow)]
pub(crate) struct MediaRow {
    id: String,
    user_id: String,
    client_id: Option<String>,
    blob_key: String,
    size: i64,
    mime_type: String,
    filename: String,
    description: String,
    kind: String,
    width: Option<i64>,
    height: Option<i64>,
    pub(crate) creation_time: i64,
    capture_date: Option<i32>,
    camera_make: Option<String>,
    camera_model: Option<String>,
    focal_length: Option<f64>,
    aperture_f_number: Option<f64>,
    iso_equivalent: Option<i32>,
    exposure_time: Option<f64>,
    fps: Option<f64>,
    duration: Option<f64>,
    video_status: Option<String>,
    has_location: bool,
    is_favorite: bool,
    is_archived: bool,
    created_at: i64,
}

impl TryFrom<MediaRow> for MediaItem {
    type Error = StoreError;

    fn try_from(row: MediaRow) -> Result<Self, StoreError> {
        let bad = || corrupt("media_items");
        let dimension = |v: Option<i64>| v.map(u32::try_from).transpose().map_err(|_| bad());
        Ok(MediaItem {
            id: row.id,
            user_id: UserId::from_stored(row.user_id),
            client_id: row.client_id,
            blob_key: row.blob_key,
            size: u64::try_from(row.size).map_err(|_| bad())?,
            mime_type: row.mime_type,
            filename: row.filename,
            description: row.description,
            kind: MediaKind::parse(&row.kind).ok_or_else(bad)?,
            width: dimension(row.width)?,
            height: dimension(row.height)?,
            creation_time: from_micros(row.creation_time)?,
            capture_date: row.capture_date,
            facts: CaptureFacts {
                camera_make: row.camera_make,
                camera_model: row.camera_model,
                focal_length: row.focal_length,
                aperture_f_number: row.aperture_f_number,
                iso_equivalent: row.iso_equivalent,
                exposure_time: row.exposure_time,
                fps: row.fps,
                duration: row.duration,
            },
            video_status: row
                .video_status
                .map(|s| VideoStatus::parse(&s).ok_or_else(bad))
                .transpose()?,
            has_location: row.has_location,
            is_favorite: row.is_favorite,
            is_archived: row.is_archived,
            created_at: from_micros(row.created_at)?,
        })
    }
}

/// The rows of `rows`, converted.
pub(crate) fn media_items(rows: Vec<MediaRow>) -> Result<Vec<MediaItem>, StoreError> {
    rows.into_iter().map(MediaItem::try_from).collect()
}

fn stored_size(item: &MediaItem) -> Result<i64, StoreError> {
    i64::try_from(item.size).map_err(|_| StoreError::Internal("media item size overflows".into()))
}

impl SqlStore {
    pub(crate) async fn create_item_from_upload(
        &self,
        token_digest: &str,
        item: &MediaItem,
        now: OffsetDateTime,
    ) -> Result<MediaItem, StoreError> {
        let insert = format!(
            "INSERT INTO media_items ({MEDIA_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
             $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, \
             $25, $26) ON CONFLICT (blob_key, user_id) DO NOTHING"
        );
        let existing =
            format!("SELECT {MEDIA_COLUMNS} FROM media_items WHERE blob_key = $1 AND user_id = $2");
        let size = stored_size(item)?;
        let row: MediaRow = on_pool!(&self.pool, p => {
            let mut tx = p.begin_write().await.map_err(classify)?;
            // Marking the token first makes concurrent uses of one token queue on its row;
            // only the first finds it unused.
            let marked = sqlx::query(
                "UPDATE upload_tokens SET used_at = $2 WHERE digest = $1 AND used_at IS NULL",
            )
            .bind(token_digest)
            .bind(to_micros(now))
            .execute(&mut *tx)
            .await
            .map_err(classify)?
            .rows_affected();
            if marked == 0 {
                let known: Option<String> =
                    sqlx::query_scalar("SELECT digest FROM upload_tokens WHERE digest = $1")
                        .bind(token_digest)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(classify)?;
                return Err(match known {
                    Some(_) => StoreError::Conflict { what: "upload_tokens.used" },
                    None => StoreError::NotFound,
                });
            }
            sqlx::query(AssertSqlSafe(insert))
                .bind(&item.id)
                .bind(item.user_id.as_str())
                .bind(item.client_id.as_deref())
                .bind(&item.blob_key)
                .bind(size)
                .bind(&item.mime_type)
                .bind(&item.filename)
                .bind(&item.description)
                .bind(item.kind.as_str())
                .bind(item.width.map(i64::from))
                .bind(item.height.map(i64::from))
                .bind(to_micros(item.creation_time))
                .bind(item.capture_date)
                .bind(item.facts.camera_make.as_deref())
                .bind(item.facts.camera_model.as_deref())
                .bind(item.facts.focal_length)
                .bind(item.facts.aperture_f_number)
                .bind(item.facts.iso_equivalent)
                .bind(item.facts.exposure_time)
                .bind(item.facts.fps)
                .bind(item.facts.duration)
                .bind(item.video_status.map(VideoStatus::as_str))
                .bind(item.has_location)
                .bind(item.is_favorite)
                .bind(item.is_archived)
                .bind(to_micros(item.created_at))
                .execute(&mut *tx)
                .await
                .map_err(unique_violation_as("media_items.id"))?;
            // The new row, or the user's existing item with the same bytes.
            let row = sqlx::query_as(AssertSqlSafe(existing))
                .bind(&item.blob_key)
                .bind(item.user_id.as_str())
                .fetch_one(&mut *tx)
                .await
                .map_err(classify)?;
            tx.commit().await.map_err(classify)?;
            row
        });
        row.try_into()
    }

    pub(crate) async fn get_item(&self, id: &str) -> Result<MediaItem, StoreError> {
        let sql = format!("SELECT {MEDIA_COLUMNS} FROM media_items WHERE id = $1");
        let row: MediaRow = on_pool!(&self.pool, p => sqlx::query_as(AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(p)
            .await
            .map_err(classify))?;
        row.try_into()
    }

    pub(crate) async fn get_items(&self, ids: &[String]) -> Result<Vec<MediaItem>, StoreError> {
        let mut items = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(IN_CHUNK) {
            let rows: Vec<MediaRow> = on_pool!(&self.pool, p => {
                let mut query = sqlx::QueryBuilder::new(format!(
                    "SELECT {MEDIA_COLUMNS} FROM media_items WHERE id IN ("
                ));
                let mut list = query.separated(", ");
                for id in chunk {
                    list.push_bind(id.as_str());
                }
                query.push(")");
                query.build_query_as().fetch_all(p).await.map_err(classify)?
            });
            items.extend(media_items(rows)?);
        }
        Ok(items)
    }

    pub(crate) async fn set_description(
        &self,
        id: &str,
        description: &str,
    ) -> Result<(), StoreError> {
        let affected = on_pool!(&self.pool, p => sqlx::query(
            "UPDATE media_items SET description = $2 WHERE id = $1",
        )
        .bind(id)
        .bind(description)
        .execute(p)
        .await
        .map(|done| done.rows_affected())
        .map_err(classify))?;
        found(affected)
    }

    pub(crate) async fn set_flags(
        &self,
        id: &str,
        is_favorite: bool,
        is_archived: bool,
    ) -> Result<(), StoreError> {
        let affected = on_pool!(&self.pool, p => sqlx::query(
            "UPDATE media_items SET is_favorite = $2, is_archived = $3 WHERE id = $1",
        )
        .bind(id)
        .bind(is_favorite)
        .bind(is_archived)
        .execute(p)
        .await
        .map(|done| done.rows_affected())
        .map_err(classify))?;
        found(affected)
    }

    pub(crate) async fn finish_video(
        &self,
        item: &MediaItem,
        status: VideoStatus,
    ) -> Result<(), StoreError> {
        let facts = &item.facts;
        let affected = on_pool!(&self.pool, p => sqlx::query(
            "UPDATE media_items SET video_status = $2, video_lease_until = NULL, width = $3, \
             height = $4, camera_make = $5, camera_model = $6, focal_length = $7, \
             aperture_f_number = $8, iso_equivalent = $9, exposure_time = $10, fps = $11, \
             duration = $12 WHERE id = $1",
        )
        .bind(&item.id)
        .bind(status.as_str())
        .bind(item.width.map(i64::from))
        .bind(item.height.map(i64::from))
        .bind(facts.camera_make.as_deref())
        .bind(facts.camera_model.as_deref())
        .bind(facts.focal_length)
        .bind(facts.aperture_f_number)
        .bind(facts.iso_equivalent)
        .bind(facts.exposure_time)
        .bind(facts.fps)
        .bind(facts.duration)
        .execute(p)
        .await
        .map(|done| done.rows_affected())
        .map_err(classify))?;
        found(affected)
    }

    pub(crate) async fn claim_video(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> Result<Option<MediaItem>, StoreError> {
        // The outer WHERE repeats the test: on PostgreSQL a claimer that lost the race for
        // the row re-checks it after the winner commits and then updates nothing.
        let free = "video_status = 'PROCESSING' \
                    AND (video_lease_until IS NULL OR video_lease_until <= $1)";
        let row: Option<MediaRow> = on_pool!(&self.pool, p => {
            let sql = format!(
                "UPDATE media_items SET video_lease_until = $2 WHERE id = (SELECT id FROM \
                 media_items WHERE {free} ORDER BY created_at, id LIMIT 1{}) AND {free} \
                 RETURNING {MEDIA_COLUMNS}",
                p.skip_locked()
            );
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(to_micros(now))
                .bind(to_micros(lease_until))
                .fetch_optional(p)
                .await
                .map_err(classify)?
        });
        row.map(MediaItem::try_from).transpose()
    }

    /// Items of any user, unused upload tokens whether expired or not (an expired token's
    /// blob is only freed once the token itself is deleted), and previews of originals some
    /// item still has.
    pub(crate) async fn blob_use_of(&self, blob_key: &str) -> Result<BlobUse, StoreError> {
        let used: bool = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM media_items WHERE blob_key = $1) \
             OR EXISTS (SELECT 1 FROM upload_tokens WHERE blob_key = $1 AND used_at IS NULL) \
             OR EXISTS (SELECT 1 FROM derivatives d JOIN media_items m \
                        ON m.blob_key = d.blob_key WHERE d.preview_key = $1) \
             OR EXISTS (SELECT 1 FROM derivatives d JOIN media_items m \
                        ON m.blob_key = d.blob_key WHERE d.thumb_key = $1)",
        )
        .bind(blob_key)
        .fetch_one(p)
        .await
        .map_err(classify))?;
        Ok(if used {
            BlobUse::Referenced
        } else {
            BlobUse::Unreferenced
        })
    }
}
