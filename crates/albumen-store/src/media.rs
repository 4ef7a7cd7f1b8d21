//! [`MediaRepo`] on both backends: each method hands over to the module that owns its
//! tables (`media_items`, `media_search`, `albums`, `album_entries`, `album_shares`).

use albumen_core::StoreError;
use albumen_core::media::{
    Album, AlbumPosition, AlbumShare, BlobUse, Enrichment, EntryRef, MediaItem, MediaQuery,
    VideoStatus, Visibility,
};
use albumen_core::page::{Page, Paged};
use albumen_core::ports::MediaRepo;
use albumen_core::user::UserId;
use async_trait::async_trait;
use time::OffsetDateTime;

use crate::SqlStore;

#[async_trait]
impl MediaRepo for SqlStore {
    #[tracing::instrument(skip_all, fields(item = %item.id), err(level = "debug"))]
    async fn create_media_item_from_upload(
        &self,
        token_digest: &str,
        item: &MediaItem,
        now: OffsetDateTime,
    ) -> Result<MediaItem, StoreError> {
        self.create_item_from_upload(token_digest, item, now).await
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn get_media_item(&self, id: &str) -> Result<MediaItem, StoreError> {
        self.get_item(id).await
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn get_media_items(&self, ids: &[String]) -> Result<Vec<MediaItem>, StoreError> {
        self.get_items(ids).await
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn search_media_items(
        &self,
        query: &MediaQuery,
        page: &Page,
    ) -> Result<Paged<MediaItem>, StoreError> {
        self.search_items(query, page).await
    }

    #[tracing::instrument(skip(self, description), err(level = "debug"))]
    async fn set_media_description(&self, id: &str, description: &str) -> Result<(), StoreError> {
        self.set_description(id, description).await
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn set_media_flags(
        &self,
        id: &str,
        is_favorite: bool,
        is_archived: bool,
    ) -> Result<(), StoreError> {
        self.set_flags(id, is_favorite, is_archived).await
    }

    #[tracing::instrument(skip_all, fields(item = %item.id), err(level = "debug"))]
    async fn finish_video_processing(
        &self,
        item: &MediaItem,
        status: VideoStatus,
    ) -> Result<(), StoreError> {
        self.finish_video(item, status).await
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn claim_processing_video(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> Result<Option<MediaItem>, StoreError> {
        self.claim_video(now, lease_until).await
    }

    #[tracing::instrument(skip_all, fields(album = %album.id), err(level = "debug"))]
    async fn insert_album(&self, album: &Album) -> Result<(), StoreError> {
        self.insert_album_row(album).await
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn get_album(&self, id: &str) -> Result<Album, StoreError> {
        self.get_album_row(id).await
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn list_albums(
        &self,
        visibility: &Visibility,
        page: &Page,
    ) -> Result<Paged<Album>, StoreError> {
        self.list_album_rows(visibility, page).await
    }

    #[tracing::instrument(skip(self, title), err(level = "debug"))]
    async fn update_album(
        &self,
        id: &str,
        title: Option<&str>,
        cover_media_item_id: Option<Option<&str>>,
    ) -> Result<(), StoreError> {
        self.update_album_row(id, title, cover_media_item_id).await
    }

    #[tracing::instrument(skip(self, entries), err(level = "debug"))]
    async fn add_album_entries(
        &self,
        album_id: &str,
        entries: &[EntryRef],
        position: &AlbumPosition,
    ) -> Result<(), StoreError> {
        self.place_album_entries(album_id, entries, position, None)
            .await
    }

    #[tracing::instrument(skip(self, media_item_ids), err(level = "debug"))]
    async fn remove_album_media_items(
        &self,
        album_id: &str,
        media_item_ids: &[String],
    ) -> Result<(), StoreError> {
        self.remove_album_media(album_id, media_item_ids).await
    }

    #[tracing::instrument(skip_all, fields(album = %enrichment.album_id), err(level = "debug"))]
    async fn add_enrichment(
        &self,
        enrichment: &Enrichment,
        position: &AlbumPosition,
    ) -> Result<(), StoreError> {
        let entry = [EntryRef::Enrichment(enrichment.id.clone())];
        self.place_album_entries(&enrichment.album_id, &entry, position, Some(enrichment))
            .await
    }

    #[tracing::instrument(skip(self, share), err(level = "debug"))]
    async fn share_album(&self, album_id: &str, share: &AlbumShare) -> Result<(), StoreError> {
        self.share_album_row(album_id, share).await
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn unshare_album(&self, album_id: &str) -> Result<(), StoreError> {
        self.unshare_album_row(album_id).await
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn get_album_by_share_token(&self, share_token: &str) -> Result<Album, StoreError> {
        self.get_album_row_by_share_token(share_token).await
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn join_album(
        &self,
        album_id: &str,
        user: &UserId,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.join_album_row(album_id, user, at).await
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn leave_album(&self, album_id: &str, user: &UserId) -> Result<(), StoreError> {
        self.leave_album_row(album_id, user).await
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn is_album_member(&self, album_id: &str, user: &UserId) -> Result<bool, StoreError> {
        self.is_member(album_id, user).await
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn list_shared_albums(
        &self,
        user: &UserId,
        page: &Page,
    ) -> Result<Paged<Album>, StoreError> {
        self.list_shared_album_rows(user, page).await
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn blob_use(&self, blob_key: &str) -> Result<BlobUse, StoreError> {
        self.blob_use_of(blob_key).await
    }
}
