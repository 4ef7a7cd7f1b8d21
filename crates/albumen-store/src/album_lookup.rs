//! [`AlbumEntryLookup`] on both backends.

use albumen_core::StoreError;
use albumen_core::media::EntryRef;
use albumen_core::ports::AlbumEntryLookup;
use async_trait::async_trait;

use crate::SqlStore;
use crate::error::classify;
use crate::pool::on_pool;

#[async_trait]
impl AlbumEntryLookup for SqlStore {
    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn album_has_entry(&self, album_id: &str, entry: &EntryRef) -> Result<bool, StoreError> {
        let (sql, id) = match entry {
            EntryRef::MediaItem(id) => (
                "SELECT COUNT(*) FROM album_entries WHERE album_id = $1 AND media_item_id = $2",
                id,
            ),
            EntryRef::Enrichment(id) => (
                "SELECT COUNT(*) FROM album_entries WHERE album_id = $1 AND enrichment_id = $2",
                id,
            ),
        };
        let count: i64 = on_pool!(&self.pool, p => sqlx::query_scalar(sql)
            .bind(album_id)
            .bind(id)
            .fetch_one(p)
            .await
            .map_err(classify))?;
        Ok(count > 0)
    }
}
