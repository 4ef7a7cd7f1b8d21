//! Albums: `create`, `get`, `list`, `patch`, `batchAddMediaItems`,
//! `batchRemoveMediaItems` and `addEnrichment`.

use albumen_core::Page;
use albumen_core::StoreError;
use albumen_core::media::{Album, AlbumPosition, Enrichment, EntryRef, MediaItem};

use crate::access::{self, Actor, Operation};
use crate::enrichment::EnrichmentInput;
use crate::error::{
    ALBUM_FULL, CALLER_HAS_NO_PERMISSION, INVALID_ALBUM_ID, INVALID_MEDIA_ITEM_IN_REQUEST,
    LibraryError, LibraryResult, MISSING_ENRICHMENT, MISSING_POSITION, NO_PERMISSION_TO_ADD,
    TITLE_TOO_LONG, invalid, invalid_update_mask,
};
use crate::ids::{is_well_formed, new_album_id, new_enrichment_id};
use crate::items::{check_batch_ids, parse_update_mask};
use crate::page_token;
use crate::search::ALBUM_PAGE;
use crate::service::{AlbumView, Library, PositionInput, PositionType, or_not_found};

/// Album titles, in characters.
pub const MAX_TITLE_CHARS: usize = 500;

/// One page of albums.
#[derive(Debug, Clone, PartialEq)]
pub struct AlbumPage {
    pub albums: Vec<AlbumView>,
    pub next_page_token: Option<String>,
}

fn check_title(title: &str) -> LibraryResult<()> {
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(invalid(TITLE_TOO_LONG));
    }
    Ok(())
}

fn no_permission() -> LibraryError {
    LibraryError::PermissionDenied(CALLER_HAS_NO_PERMISSION.to_owned())
}

/// Maps the store's album-entry conflicts to Google's messages.
fn entry_conflict(err: StoreError) -> LibraryError {
    match err {
        StoreError::Conflict {
            what: "album_entries.capacity",
        } => invalid(ALBUM_FULL),
        StoreError::Conflict {
            what: "album_entries.relative",
        } => invalid("The relative item of the album position is not in the album."),
        StoreError::Conflict {
            what: "album_entries.missing",
        } => invalid(INVALID_MEDIA_ITEM_IN_REQUEST),
        other => other.into(),
    }
}

impl Library {
    /// The album by id; unknown ids and other users' albums look alike.
    async fn find_album(&self, actor: &Actor, id: &str) -> LibraryResult<Album> {
        let unknown = || invalid(INVALID_ALBUM_ID);
        if !is_well_formed(id) {
            return Err(unknown());
        }
        let album = or_not_found(self.store.get_album(id).await, unknown)?;
        if album.user_id == actor.user_id {
            return Ok(album);
        }
        let joined = self.settings.profile.is_legacy()
            && album.share.is_some()
            && self
                .store
                .is_album_member(&album.id, &actor.user_id)
                .await?;
        if joined { Ok(album) } else { Err(unknown()) }
    }

    /// The album if the caller's app created it (edits).
    async fn own_app_album(&self, actor: &Actor, id: &str) -> LibraryResult<Album> {
        let album = self.find_album(actor, id).await?;
        if access::created_by_caller(actor, &album.user_id, album.client_id.as_deref()) {
            Ok(album)
        } else {
            Err(no_permission())
        }
    }

    /// Checks the relative entry of an `After…` position before anything changes.
    pub(crate) async fn check_relative_entry(
        &self,
        album_id: &str,
        position: &AlbumPosition,
    ) -> LibraryResult<()> {
        let entry = match position {
            AlbumPosition::AfterMediaItem(id) => EntryRef::MediaItem(id.clone()),
            AlbumPosition::AfterEnrichment(id) => EntryRef::Enrichment(id.clone()),
            AlbumPosition::First | AlbumPosition::Last => return Ok(()),
        };
        if self.store.album_has_entry(album_id, &entry).await? {
            Ok(())
        } else {
            Err(invalid(
                "The relative item of the album position is not in the album.",
            ))
        }
    }

    /// `albums.create`.
    pub async fn create_album(&self, actor: &Actor, title: &str) -> LibraryResult<AlbumView> {
        self.check(actor, Operation::Create)?;
        check_title(title)?;
        let album = Album {
            id: new_album_id(),
            user_id: actor.user_id.clone(),
            client_id: Some(actor.client_id.clone()),
            title: title.to_owned(),
            cover_media_item_id: None,
            media_items_count: 0,
            created_at: self.clock.now(),
            share: None,
        };
        self.store.insert_album(&album).await?;
        self.album_view(actor, album).await
    }

    /// `albums.get`: another app's album of the same user is a permission error (the text
    /// Google's own importer expects, addendum §4.2).
    pub async fn get_album(&self, actor: &Actor, id: &str) -> LibraryResult<AlbumView> {
        self.check(actor, Operation::Read)?;
        let album = self.readable_album(actor, id).await?;
        self.album_view(actor, album).await
    }

    /// The album if the caller may read it and its contents: its own app's album (any of
    /// the user's under a library-wide legacy scope), or a shared album it joined (found by
    /// [`Self::find_album`]); another app's album of the same user is a permission error.
    pub(crate) async fn readable_album(&self, actor: &Actor, id: &str) -> LibraryResult<Album> {
        let album = self.find_album(actor, id).await?;
        let readable = access::can_read_album(self.settings.profile, actor, &album)
            || album.user_id != actor.user_id;
        if readable {
            Ok(album)
        } else {
            Err(no_permission())
        }
    }

    /// `albums.list`: the caller's albums, newest first.
    pub async fn list_albums(
        &self,
        actor: &Actor,
        page_size: Option<i64>,
        token: Option<&str>,
        exclude_non_app_created: bool,
    ) -> LibraryResult<AlbumPage> {
        self.check(actor, Operation::Read)?;
        let visibility = access::visibility(self.settings.profile, actor, exclude_non_app_created);
        let size = ALBUM_PAGE.resolve(page_size)?;
        let fingerprint = page_token::fingerprint(&format!("albums {visibility:?}"));
        let page = match token.filter(|t| !t.is_empty()) {
            Some(token) => Page::after(size, page_token::decode(&fingerprint, token)?),
            None => Page::first(size),
        };
        let found = self
            .store
            .list_albums(&visibility, &page)
            .await
            .map_err(page_token::listing_error)?;
        let mut albums = Vec::with_capacity(found.items.len());
        for album in found.items {
            albums.push(self.album_view(actor, album).await?);
        }
        Ok(AlbumPage {
            albums,
            next_page_token: found.next.map(|key| page_token::encode(&fingerprint, &key)),
        })
    }

    /// `albums.patch`: `title` and/or `coverPhotoMediaItemId` (either spelling).
    pub async fn patch_album(
        &self,
        actor: &Actor,
        id: &str,
        update_mask: Option<&str>,
        title: Option<&str>,
        cover_media_item_id: Option<&str>,
    ) -> LibraryResult<AlbumView> {
        self.check(actor, Operation::Edit)?;
        let mut set_title = None;
        let mut set_cover = None;
        for path in parse_update_mask(update_mask)? {
            match path.as_str() {
                "title" => set_title = Some(title.unwrap_or_default()),
                "coverPhotoMediaItemId" | "cover_photo_media_item_id" => {
                    set_cover = Some(cover_media_item_id.filter(|c| !c.is_empty()));
                }
                other => return Err(invalid_update_mask(other)),
            }
        }
        if let Some(title) = set_title {
            check_title(title)?;
        }
        let album = self.own_app_album(actor, id).await?;
        if let Some(Some(cover)) = set_cover {
            let in_album = is_well_formed(cover)
                && self
                    .store
                    .album_has_entry(&album.id, &EntryRef::MediaItem(cover.to_owned()))
                    .await?;
            if !in_album {
                return Err(invalid(INVALID_MEDIA_ITEM_IN_REQUEST));
            }
        }
        self.store
            .update_album(&album.id, set_title, set_cover)
            .await?;
        let updated = self.store.get_album(&album.id).await?;
        self.album_view(actor, updated).await
    }

    /// Items the caller may put into or take out of its albums: its app's items, or under
    /// `legacy` with a library-wide scope any item of the user's library.
    async fn items_for_album_edit(
        &self,
        actor: &Actor,
        ids: &[String],
    ) -> LibraryResult<Vec<MediaItem>> {
        check_batch_ids(ids)?;
        if !ids.iter().all(|id| is_well_formed(id)) {
            return Err(invalid(INVALID_MEDIA_ITEM_IN_REQUEST));
        }
        let items = self.store.get_media_items(ids).await?;
        let whole = access::reads_whole_library(self.settings.profile, actor);
        let all_allowed = items.len() == ids.len()
            && items.iter().all(|item| {
                item.user_id == actor.user_id
                    && (whole || item.client_id.as_deref() == Some(actor.client_id.as_str()))
            });
        if all_allowed {
            Ok(items)
        } else {
            Err(invalid(INVALID_MEDIA_ITEM_IN_REQUEST))
        }
    }

    /// The album the caller may add to, refused with Google's captured text.
    async fn album_to_add_to(&self, actor: &Actor, id: &str) -> LibraryResult<Album> {
        let album = self.find_album(actor, id).await?;
        if access::album_is_writeable(actor, &album) {
            Ok(album)
        } else {
            Err(invalid(NO_PERMISSION_TO_ADD))
        }
    }

    /// `albums.batchAddMediaItems`: appended in the order given, all or nothing.
    pub async fn batch_add(
        &self,
        actor: &Actor,
        album_id: &str,
        ids: &[String],
    ) -> LibraryResult<()> {
        self.check(actor, Operation::AddToAlbum)?;
        check_batch_ids(ids)?;
        let album = self.album_to_add_to(actor, album_id).await?;
        self.items_for_album_edit(actor, ids).await?;
        let entries: Vec<EntryRef> = ids
            .iter()
            .map(|id| EntryRef::MediaItem(id.clone()))
            .collect();
        self.store
            .add_album_entries(&album.id, &entries, &AlbumPosition::Last)
            .await
            .map_err(entry_conflict)
    }

    /// `albums.batchRemoveMediaItems`: all or nothing.
    pub async fn batch_remove(
        &self,
        actor: &Actor,
        album_id: &str,
        ids: &[String],
    ) -> LibraryResult<()> {
        self.check(actor, Operation::RemoveFromAlbum)?;
        check_batch_ids(ids)?;
        let album = self.own_app_album(actor, album_id).await?;
        self.items_for_album_edit(actor, ids).await?;
        self.store
            .remove_album_media_items(&album.id, ids)
            .await
            .map_err(entry_conflict)
    }

    /// `albums.addEnrichment`: returns the new enrichment item's id.
    pub async fn add_enrichment(
        &self,
        actor: &Actor,
        album_id: &str,
        enrichment: Option<&EnrichmentInput>,
        position: Option<&PositionInput>,
    ) -> LibraryResult<String> {
        self.check(actor, Operation::AddToAlbum)?;
        let enrichment = enrichment.ok_or_else(|| invalid(MISSING_ENRICHMENT))?;
        let body_json = enrichment.validated_json()?;
        let position = match position {
            Some(p) if p.position != PositionType::PositionTypeUnspecified => p.resolve()?,
            _ => return Err(invalid(MISSING_POSITION)),
        };
        let album = self.album_to_add_to(actor, album_id).await?;
        self.check_relative_entry(&album.id, &position).await?;
        let item = Enrichment {
            id: new_enrichment_id(),
            album_id: album.id,
            body_json,
            created_at: self.clock.now(),
        };
        self.store
            .add_enrichment(&item, &position)
            .await
            .map_err(entry_conflict)?;
        Ok(item.id)
    }
}
