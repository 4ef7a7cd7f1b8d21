//! [`UploadRepo`] on both backends.

use albumen_core::StoreError;
use albumen_core::ports::UploadRepo;
use albumen_core::upload::UploadToken;
use albumen_core::user::UserId;
use async_trait::async_trait;

use crate::SqlStore;
use crate::error::classify;
use crate::pool::on_pool;
use crate::time_codec::{corrupt, from_micros, opt_from_micros, opt_to_micros, to_micros};

/// Shared with the finalizing of resumable sessions, which inserts in its own transaction.
pub(crate) const INSERT_UPLOAD_TOKEN: &str = "INSERT INTO upload_tokens (digest, user_id, client_id, blob_key, size, mime_type, \
     file_name, created_at, expires_at, used_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

#[derive(sqlx::FromRow)]
struct UploadRow {
    digest: String,
    user_id: String,
    client_id: String,
    blob_key: String,
    size: i64,
    mime_type: Option<String>,
    file_name: Option<String>,
    created_at: i64,
    expires_at: i64,
    used_at: Option<i64>,
}

#[async_trait]
impl UploadRepo for SqlStore {
    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn insert_upload_token(&self, token: &UploadToken) -> Result<(), StoreError> {
        let size = i64::try_from(token.size).map_err(|_| corrupt("upload_tokens"))?;
        on_pool!(&self.pool, p => sqlx::query(INSERT_UPLOAD_TOKEN)
        .bind(&token.digest)
        .bind(token.user_id.as_str())
        .bind(&token.client_id)
        .bind(&token.blob_key)
        .bind(size)
        .bind(token.mime_type.as_deref())
        .bind(token.file_name.as_deref())
        .bind(to_micros(token.created_at))
        .bind(to_micros(token.expires_at))
        .bind(opt_to_micros(token.used_at))
        .execute(p)
        .await
        .map(|_| ())
        .map_err(classify))
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn get_upload_token(&self, digest: &str) -> Result<UploadToken, StoreError> {
        let row: UploadRow = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT digest, user_id, client_id, blob_key, size, mime_type, file_name, \
             created_at, expires_at, used_at FROM upload_tokens WHERE digest = $1",
        )
        .bind(digest)
        .fetch_one(p)
        .await
        .map_err(classify))?;
        Ok(UploadToken {
            digest: row.digest,
            user_id: UserId::from_stored(row.user_id),
            client_id: row.client_id,
            blob_key: row.blob_key,
            size: u64::try_from(row.size).map_err(|_| corrupt("upload_tokens"))?,
            mime_type: row.mime_type,
            file_name: row.file_name,
            created_at: from_micros(row.created_at)?,
            expires_at: from_micros(row.expires_at)?,
            used_at: opt_from_micros(row.used_at)?,
        })
    }
}
