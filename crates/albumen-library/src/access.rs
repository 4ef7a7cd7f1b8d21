//! Who may do what: the scopes each kind of call accepts under each profile, and which
//! items and albums a caller sees ("app-created" scoping, library-api.md §8).

use albumen_core::media::{Album, MediaItem, Visibility};
use albumen_core::user::UserId;

use crate::error::{LibraryError, LibraryResult};
use crate::profile::Profile;

pub const APPENDONLY: &str = "https://www.googleapis.com/auth/photoslibrary.appendonly";
pub const READONLY_APPCREATED: &str =
    "https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata";
pub const EDIT_APPCREATED: &str =
    "https://www.googleapis.com/auth/photoslibrary.edit.appcreateddata";
/// Removed on 31 March 2025; honoured only under the `legacy` profile.
pub const FULL_LIBRARY: &str = "https://www.googleapis.com/auth/photoslibrary";
pub const READONLY: &str = "https://www.googleapis.com/auth/photoslibrary.readonly";
pub const SHARING: &str = "https://www.googleapis.com/auth/photoslibrary.sharing";

/// The caller of a Library method: the token's user, OAuth client and granted scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub client_id: String,
    pub scopes: Vec<String>,
}

impl Actor {
    fn has(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// The kinds of call, by the scopes they accept (library-api.md §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// get, list, search, batchGet of items and albums.
    Read,
    /// uploads, batchCreate, albums.create.
    Create,
    /// batchAddMediaItems, addEnrichment.
    AddToAlbum,
    /// batchRemoveMediaItems.
    RemoveFromAlbum,
    /// albums.patch, mediaItems.patch.
    Edit,
    /// albums.share/unshare, sharedAlbums.get/join/leave.
    Share,
    /// sharedAlbums.list.
    ListShared,
}

impl Operation {
    /// Scopes accepted today (the `google` profile).
    fn current_scopes(self) -> &'static [&'static str] {
        match self {
            Self::Read => &[READONLY_APPCREATED],
            Self::Create => &[APPENDONLY],
            Self::AddToAlbum => &[APPENDONLY, EDIT_APPCREATED],
            Self::RemoveFromAlbum | Self::Edit => &[EDIT_APPCREATED],
            // Shared albums answer 403 for every token since 2025.
            Self::Share | Self::ListShared => &[],
        }
    }

    /// Scopes the pre-2025 API also accepted (the `legacy` profile).
    fn legacy_scopes(self) -> &'static [&'static str] {
        match self {
            Self::Read => &[FULL_LIBRARY, READONLY],
            Self::Create | Self::AddToAlbum => &[FULL_LIBRARY, SHARING],
            Self::RemoveFromAlbum | Self::Edit => &[FULL_LIBRARY],
            Self::Share => &[SHARING],
            Self::ListShared => &[SHARING, FULL_LIBRARY, READONLY, READONLY_APPCREATED],
        }
    }
}

/// Refuses a caller whose token carries none of the scopes `op` accepts.
pub fn check_scopes(profile: Profile, actor: &Actor, op: Operation) -> LibraryResult<()> {
    let legacy: &[&str] = if profile.is_legacy() {
        op.legacy_scopes()
    } else {
        &[]
    };
    let allowed = op
        .current_scopes()
        .iter()
        .chain(legacy)
        .any(|scope| actor.has(scope));
    if allowed {
        Ok(())
    } else {
        Err(LibraryError::InsufficientScopes)
    }
}

/// Whether the caller reads the user's whole library rather than what its app created:
/// only under `legacy`, with a pre-2025 library-wide scope.
pub fn reads_whole_library(profile: Profile, actor: &Actor) -> bool {
    profile.is_legacy() && (actor.has(FULL_LIBRARY) || actor.has(READONLY))
}

/// What a listing shows. `excludeNonAppCreatedData` narrows a whole-library caller to its
/// app's data; for app-data callers it changes nothing (as the discovery text says).
pub fn visibility(profile: Profile, actor: &Actor, exclude_non_app_created: bool) -> Visibility {
    let whole = reads_whole_library(profile, actor) && !exclude_non_app_created;
    Visibility {
        user_id: actor.user_id.clone(),
        client_id: (!whole).then(|| actor.client_id.clone()),
    }
}

/// Whether the caller's app created the item (for this user).
pub fn created_by_caller(actor: &Actor, owner: &UserId, client_id: Option<&str>) -> bool {
    *owner == actor.user_id && client_id == Some(actor.client_id.as_str())
}

/// Whether the caller may read the item.
pub fn can_read_item(profile: Profile, actor: &Actor, item: &MediaItem) -> bool {
    item.user_id == actor.user_id
        && (reads_whole_library(profile, actor)
            || item.client_id.as_deref() == Some(actor.client_id.as_str()))
}

/// Whether the caller may read the album as its owner.
pub fn can_read_album(profile: Profile, actor: &Actor, album: &Album) -> bool {
    album.user_id == actor.user_id
        && (reads_whole_library(profile, actor)
            || album.client_id.as_deref() == Some(actor.client_id.as_str()))
}

/// `Album.isWriteable`: the caller's app created it, or (legacy) it is a collaborative
/// shared album.
pub fn album_is_writeable(actor: &Actor, album: &Album) -> bool {
    created_by_caller(actor, &album.user_id, album.client_id.as_deref())
        || album.share.as_ref().is_some_and(|s| s.is_collaborative)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(scopes: &[&str]) -> Actor {
        Actor {
            user_id: UserId::from_stored("u1".to_owned()),
            client_id: "c1".into(),
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn removed_scopes_are_refused_under_google_and_honoured_under_legacy() {
        let full = actor(&[FULL_LIBRARY]);
        for op in [Operation::Read, Operation::Create, Operation::Edit] {
            assert!(check_scopes(Profile::Google, &full, op).is_err());
            assert!(check_scopes(Profile::Legacy, &full, op).is_ok());
        }
        assert!(check_scopes(Profile::Google, &actor(&[SHARING]), Operation::Share).is_err());
        assert!(check_scopes(Profile::Legacy, &actor(&[SHARING]), Operation::Share).is_ok());
    }

    #[test]
    fn current_scopes_follow_the_2025_table() {
        let append = actor(&[APPENDONLY]);
        assert!(check_scopes(Profile::Google, &append, Operation::Create).is_ok());
        assert!(check_scopes(Profile::Google, &append, Operation::AddToAlbum).is_ok());
        assert!(check_scopes(Profile::Google, &append, Operation::RemoveFromAlbum).is_err());
        assert!(check_scopes(Profile::Google, &append, Operation::Read).is_err());
        let edit = actor(&[EDIT_APPCREATED]);
        assert!(check_scopes(Profile::Google, &edit, Operation::RemoveFromAlbum).is_ok());
        assert!(check_scopes(Profile::Google, &edit, Operation::Edit).is_ok());
        let every = actor(&[APPENDONLY, READONLY_APPCREATED, EDIT_APPCREATED, SHARING]);
        assert!(check_scopes(Profile::Google, &every, Operation::Share).is_err());
    }

    #[test]
    fn whole_library_needs_legacy_and_a_library_wide_scope() {
        let reader = actor(&[READONLY]);
        assert_eq!(
            visibility(Profile::Google, &reader, false)
                .client_id
                .as_deref(),
            Some("c1")
        );
        assert_eq!(visibility(Profile::Legacy, &reader, false).client_id, None);
        assert_eq!(
            visibility(Profile::Legacy, &reader, true)
                .client_id
                .as_deref(),
            Some("c1")
        );
        let app = actor(&[READONLY_APPCREATED]);
        assert_eq!(
            visibility(Profile::Legacy, &app, false)
                .client_id
                .as_deref(),
            Some("c1")
        );
    }
}
