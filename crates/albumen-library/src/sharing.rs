//! Shared albums (legacy profile only; under `google` every call is refused by scope, as
//! Google has done since March 2025): share, unshare, and the `sharedAlbums` methods.

use albumen_core::Page;
use albumen_core::media::AlbumShare;

use crate::access::{self, Actor, Operation};
use crate::albums::AlbumPage;
use crate::error::{
    CALLER_HAS_NO_PERMISSION, INVALID_SHARE_TOKEN, LibraryError, LibraryResult, NOT_SHARED, invalid,
};
use crate::ids::{is_well_formed, new_share_token};
use crate::page_token;
use crate::search::ALBUM_PAGE;
use crate::service::{AlbumView, Library, or_not_found};

/// `SharedAlbumOptions` as sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShareOptions {
    pub is_collaborative: bool,
    pub is_commentable: bool,
}

impl Library {
    async fn owned_app_album_to_share(
        &self,
        actor: &Actor,
        album_id: &str,
    ) -> LibraryResult<albumen_core::media::Album> {
        let unknown = || invalid(crate::error::INVALID_ALBUM_ID);
        if !is_well_formed(album_id) {
            return Err(unknown());
        }
        let album = or_not_found(self.store.get_album(album_id).await, unknown)?;
        if album.user_id != actor.user_id {
            return Err(unknown());
        }
        if !access::created_by_caller(actor, &album.user_id, album.client_id.as_deref()) {
            return Err(LibraryError::PermissionDenied(
                CALLER_HAS_NO_PERMISSION.to_owned(),
            ));
        }
        Ok(album)
    }

    /// `albums.share`: shares (or re-shares with new options) an album the caller's app
    /// created; the share token stays the same across re-shares.
    pub async fn share_album(
        &self,
        actor: &Actor,
        album_id: &str,
        options: ShareOptions,
    ) -> LibraryResult<AlbumView> {
        self.check(actor, Operation::Share)?;
        let album = self.owned_app_album_to_share(actor, album_id).await?;
        let share = AlbumShare {
            share_token: album
                .share
                .as_ref()
                .map_or_else(new_share_token, |s| s.share_token.clone()),
            is_collaborative: options.is_collaborative,
            is_commentable: options.is_commentable,
            shared_at: self.clock.now(),
        };
        self.store.share_album(&album.id, &share).await?;
        let shared = self.store.get_album(&album.id).await?;
        self.album_view(actor, shared).await
    }

    /// `albums.unshare`.
    pub async fn unshare_album(&self, actor: &Actor, album_id: &str) -> LibraryResult<()> {
        self.check(actor, Operation::Share)?;
        let album = self.owned_app_album_to_share(actor, album_id).await?;
        if album.share.is_none() {
            return Err(invalid(NOT_SHARED));
        }
        Ok(self.store.unshare_album(&album.id).await?)
    }

    async fn album_by_token(&self, token: &str) -> LibraryResult<albumen_core::media::Album> {
        let bad = || invalid(INVALID_SHARE_TOKEN);
        if !is_well_formed(token) {
            return Err(bad());
        }
        or_not_found(self.store.get_album_by_share_token(token).await, bad)
    }

    /// `sharedAlbums.get`: anyone holding the token sees the album.
    pub async fn get_shared_album(&self, actor: &Actor, token: &str) -> LibraryResult<AlbumView> {
        self.check(actor, Operation::Share)?;
        let album = self.album_by_token(token).await?;
        self.album_view(actor, album).await
    }

    /// `sharedAlbums.join`.
    pub async fn join_shared_album(&self, actor: &Actor, token: &str) -> LibraryResult<AlbumView> {
        self.check(actor, Operation::Share)?;
        let album = self.album_by_token(token).await?;
        if album.user_id != actor.user_id {
            self.store
                .join_album(&album.id, &actor.user_id, self.clock.now())
                .await?;
        }
        self.album_view(actor, album).await
    }

    /// `sharedAlbums.leave`: the owner cannot leave its own album.
    pub async fn leave_shared_album(&self, actor: &Actor, token: &str) -> LibraryResult<()> {
        self.check(actor, Operation::Share)?;
        let album = self.album_by_token(token).await?;
        if album.user_id == actor.user_id {
            return Err(invalid("The owner of a shared album cannot leave it."));
        }
        if !self
            .store
            .is_album_member(&album.id, &actor.user_id)
            .await?
        {
            return Err(invalid("The user has not joined this shared album."));
        }
        Ok(self.store.leave_album(&album.id, &actor.user_id).await?)
    }

    /// `sharedAlbums.list`: albums the caller owns and shared, or joined.
    pub async fn list_shared_albums(
        &self,
        actor: &Actor,
        page_size: Option<i64>,
        token: Option<&str>,
    ) -> LibraryResult<AlbumPage> {
        self.check(actor, Operation::ListShared)?;
        let size = ALBUM_PAGE.resolve(page_size)?;
        let fingerprint = page_token::fingerprint(&format!("shared albums {:?}", actor.user_id));
        let page = match token.filter(|t| !t.is_empty()) {
            Some(token) => Page::after(size, page_token::decode(&fingerprint, token)?),
            None => Page::first(size),
        };
        let found = self
            .store
            .list_shared_albums(&actor.user_id, &page)
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
}
