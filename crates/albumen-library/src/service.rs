//! [`Library`]: the Photos Library service every API handler calls, holding the ports, the
//! blob store, the clock and the profile. Its methods live in `items`, `batch_create`,
//! `albums` and `sharing`.

use std::sync::Arc;

use albumen_blob::BlobStore;
use albumen_core::Clock;
use albumen_core::media::{Album, AlbumPosition, MediaItem, MediaQuery};
use albumen_core::ports::MetadataStore;
use serde::Deserialize;
use tokio::sync::Notify;

use crate::access::{self, Actor};
use crate::error::{LibraryError, LibraryResult, invalid};
use crate::profile::LibrarySettings;
use crate::renditions::Renditions;

/// The Library service.
#[derive(Clone)]
pub struct Library {
    pub store: Arc<dyn MetadataStore>,
    pub blobs: BlobStore,
    pub clock: Arc<dyn Clock>,
    pub settings: LibrarySettings,
    /// Wakes the video worker when a new video waits to be processed.
    pub video_jobs: Arc<Notify>,
    /// Wakes the preview builder when new originals wait for their previews.
    pub derivative_jobs: Arc<Notify>,
    /// The node's renditions, whose tools (`ffprobe`) complete what the video probe could
    /// not read; `None` where no tools are wanted.
    pub renditions: Option<Renditions>,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// An item as a caller sees it; `in_album` makes its `productUrl` point into that album.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemView {
    pub item: MediaItem,
    pub in_album: Option<String>,
}

/// An album as a caller sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlbumView {
    pub album: Album,
    pub is_writeable: bool,
    /// The chosen cover, else the first media item.
    pub cover: Option<MediaItem>,
    /// Whether `shareInfo` is shown (legacy profile, shared album).
    pub show_share_info: bool,
    /// Whether the caller owns it (for `shareInfo.isOwned`).
    pub is_owned: bool,
    /// Whether the caller joined it (for `shareInfo.isJoined`).
    pub is_joined: bool,
}

/// `AlbumPosition.position` (library-api.md §5.9).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PositionType {
    #[default]
    PositionTypeUnspecified,
    FirstInAlbum,
    LastInAlbum,
    AfterMediaItem,
    AfterEnrichmentItem,
}

/// An `AlbumPosition` as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PositionInput {
    pub position: PositionType,
    pub relative_media_item_id: Option<String>,
    pub relative_enrichment_item_id: Option<String>,
}

impl PositionInput {
    /// The position to insert at; unspecified means the end (`LAST_IN_ALBUM`), as
    /// batchCreate documents. Relative ids must come with, and only with, their kind.
    pub fn resolve(&self) -> LibraryResult<AlbumPosition> {
        let media = self
            .relative_media_item_id
            .as_deref()
            .filter(|s| !s.is_empty());
        let enrichment = self
            .relative_enrichment_item_id
            .as_deref()
            .filter(|s| !s.is_empty());
        match (self.position, media, enrichment) {
            (PositionType::AfterMediaItem, Some(id), None) => {
                Ok(AlbumPosition::AfterMediaItem(id.to_owned()))
            }
            (PositionType::AfterEnrichmentItem, None, Some(id)) => {
                Ok(AlbumPosition::AfterEnrichment(id.to_owned()))
            }
            (PositionType::AfterMediaItem, _, _) => Err(invalid(
                "AFTER_MEDIA_ITEM needs relativeMediaItemId, and only it.",
            )),
            (PositionType::AfterEnrichmentItem, _, _) => Err(invalid(
                "AFTER_ENRICHMENT_ITEM needs relativeEnrichmentItemId, and only it.",
            )),
            (_, None, None) if self.position == PositionType::FirstInAlbum => {
                Ok(AlbumPosition::First)
            }
            (_, None, None) => Ok(AlbumPosition::Last),
            _ => Err(invalid(
                "A relative item id can only be set with an AFTER_MEDIA_ITEM or AFTER_ENRICHMENT_ITEM position.",
            )),
        }
    }
}

impl Library {
    pub(crate) fn check(&self, actor: &Actor, op: access::Operation) -> LibraryResult<()> {
        access::check_scopes(self.settings.profile, actor, op)
    }

    /// Builds the caller's view of an album (cover resolved).
    pub(crate) async fn album_view(&self, actor: &Actor, album: Album) -> LibraryResult<AlbumView> {
        let cover = match &album.cover_media_item_id {
            Some(id) => match self.store.get_media_item(id).await {
                Ok(item) => Some(item),
                Err(err) if err.is_not_found() => None,
                Err(err) => return Err(err.into()),
            },
            None => self.first_item_of(&album).await?,
        };
        let is_owned = album.user_id == actor.user_id;
        let is_joined = is_owned
            || (album.share.is_some()
                && self
                    .store
                    .is_album_member(&album.id, &actor.user_id)
                    .await?);
        Ok(AlbumView {
            is_writeable: access::album_is_writeable(actor, &album),
            show_share_info: self.settings.profile.is_legacy() && album.share.is_some(),
            is_owned,
            is_joined,
            cover,
            album,
        })
    }

    async fn first_item_of(&self, album: &Album) -> LibraryResult<Option<MediaItem>> {
        if album.media_items_count == 0 {
            return Ok(None);
        }
        let query = MediaQuery::album_contents(album.user_id.clone(), &album.id);
        let page = self
            .store
            .search_media_items(&query, &albumen_core::Page::first(1))
            .await?;
        Ok(page.items.into_iter().next())
    }
}

/// Maps a store "not found" to the given client error.
pub(crate) fn or_not_found<T>(
    result: Result<T, albumen_core::StoreError>,
    err: impl FnOnce() -> LibraryError,
) -> LibraryResult<T> {
    match result {
        Ok(value) => Ok(value),
        Err(e) if e.is_not_found() => Err(err()),
        Err(e) => Err(e.into()),
    }
}
