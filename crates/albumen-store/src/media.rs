//! [`MediaRepo`] on both backends (being written: every method answers Internal for now).
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

fn pending() -> StoreError {
    StoreError::Internal("media store not written yet".into())
}

#[async_trait]
impl MediaRepo for SqlStore {
    async fn create_media_item_from_upload(
        &self,
        _token_digest: &str,
        _item: &MediaItem,
        _now: OffsetDateTime,
    ) -> Result<MediaItem, StoreError> {
        Err(pending())
    }
    async fn get_media_item(&self, _id: &str) -> Result<MediaItem, StoreError> {
        Err(pending())
    }
    async fn get_media_items(&self, _ids: &[String]) -> Result<Vec<MediaItem>, StoreError> {
        Err(pending())
    }
    async fn search_media_items(
        &self,
        _query: &MediaQuery,
        _page: &Page,
    ) -> Result<Paged<MediaItem>, StoreError> {
        Err(pending())
    }
    async fn set_media_description(&self, _id: &str, _description: &str) -> Result<(), StoreError> {
        Err(pending())
    }
    async fn set_media_flags(
        &self,
        _id: &str,
        _is_favorite: bool,
        _is_archived: bool,
    ) -> Result<(), StoreError> {
        Err(pending())
    }
    async fn finish_video_processing(
        &self,
        _item: &MediaItem,
        _status: VideoStatus,
    ) -> Result<(), StoreError> {
        Err(pending())
    }
    async fn claim_processing_video(
        &self,
        _now: OffsetDateTime,
        _lease_until: OffsetDateTime,
    ) -> Result<Option<MediaItem>, StoreError> {
        Err(pending())
    }
    async fn insert_album(&self, _album: &Album) -> Result<(), StoreError> {
        Err(pending())
    }
    async fn get_album(&self, _id: &str) -> Result<Album, StoreError> {
        Err(pending())
    }
    async fn list_albums(
        &self,
        _visibility: &Visibility,
        _page: &Page,
    ) -> Result<Paged<Album>, StoreError> {
        Err(pending())
    }
    async fn update_album(
        &self,
        _id: &str,
        _title: Option<&str>,
        _cover_media_item_id: Option<Option<&str>>,
    ) -> Result<(), StoreError> {
        Err(pending())
    }
    async fn add_album_entries(
        &self,
        _album_id: &str,
        _entries: &[EntryRef],
        _position: &AlbumPosition,
    ) -> Result<(), StoreError> {
        Err(pending())
    }
    async fn remove_album_media_items(
        &self,
        _album_id: &str,
        _media_item_ids: &[String],
    ) -> Result<(), StoreError> {
        Err(pending())
    }
    async fn add_enrichment(
        &self,
        _enrichment: &Enrichment,
        _position: &AlbumPosition,
    ) -> Result<(), StoreError> {
        Err(pending())
    }
    async fn share_album(&self, _album_id: &str, _share: &AlbumShare) -> Result<(), StoreError> {
        Err(pending())
    }
    async fn unshare_album(&self, _album_id: &str) -> Result<(), StoreError> {
        Err(pending())
    }
    async fn get_album_by_share_token(&self, _share_token: &str) -> Result<Album, StoreError> {
        Err(pending())
    }
    async fn join_album(
        &self,
        _album_id: &str,
        _user: &UserId,
        _at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        Err(pending())
    }
    async fn leave_album(&self, _album_id: &str, _user: &UserId) -> Result<(), StoreError> {
        Err(pending())
    }
    async fn is_album_member(&self, _album_id: &str, _user: &UserId) -> Result<bool, StoreError> {
        Err(pending())
    }
    async fn list_shared_albums(
        &self,
        _user: &UserId,
        _page: &Page,
    ) -> Result<Paged<Album>, StoreError> {
        Err(pending())
    }
    async fn blob_use(&self, _blob_key: &str) -> Result<BlobUse, StoreError> {
        Err(pending())
    }
}
