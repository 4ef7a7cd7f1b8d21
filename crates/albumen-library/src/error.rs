//! [`LibraryError`]: why a Library API call was refused, with Google's wording. Every
//! message a client can see is in this file, so a captured Google text replaces a guess in
//! one place. Texts marked "captured" come from real Google responses (addendum-resolved.md);
//! the others are plausible guesses named in tests.

use albumen_core::StoreError;

/// A refusal, by `google.rpc.Code`.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// 400 `INVALID_ARGUMENT`.
    #[error("{0}")]
    InvalidArgument(String),
    /// 403 `PERMISSION_DENIED`.
    #[error("{0}")]
    PermissionDenied(String),
    /// 404 `NOT_FOUND`.
    #[error("{0}")]
    NotFound(String),
    /// 403 with the standard "insufficient authentication scopes" text.
    #[error("Request had insufficient authentication scopes.")]
    InsufficientScopes,
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The blob store failed (not the client's fault).
    #[error("blob store failure")]
    Blob(#[source] albumen_blob::BlobError),
}

pub type LibraryResult<T> = Result<T, LibraryError>;

pub(crate) fn invalid(message: impl Into<String>) -> LibraryError {
    LibraryError::InvalidArgument(message.into())
}

/// Captured (gilesknap/gphotos-sync #211): unknown or deleted media item.
pub const INVALID_MEDIA_ITEM_ID: &str = "Invalid media item ID.";
/// Captured (dtylman/gitmoo-goog #12): garbled or unknown album id.
pub const INVALID_ALBUM_ID: &str = "Invalid album ID.";
/// Captured (rclone #8420, #5192): an item the app may not add or remove.
pub const INVALID_MEDIA_ITEM_IN_REQUEST: &str = "Request contains an invalid media item id.";
/// Captured: an album the app did not create.
pub const NO_PERMISSION_TO_ADD: &str = "No permission to add media items to this album.";
/// Captured: more than 50 items in batchCreate (50 itself is allowed).
pub const TOO_MANY_ITEMS: &str = "Request must have less than 50 items.";
/// Captured: an empty, unknown, reused, foreign or expired upload token.
pub const INVALID_UPLOAD_TOKEN: &str = "Request must contain a valid upload token.";
/// Secondary evidence (data-transfer-project): an album id that matches nothing, in
/// batchCreate.
pub const ALBUM_NOT_FOUND: &str = "The provided ID does not match any albums.";
/// Secondary evidence (data-transfer-project): reading an album of another app.
pub const CALLER_HAS_NO_PERMISSION: &str = "The caller does not have permission";
/// Captured per-item statuses of batchCreate.
pub const BAD_IMAGE: &str = "BAD_IMAGE: There was an error while trying to create this media item.";
pub const NOT_IMAGE: &str = "NOT_IMAGE: There was an error while trying to create this media item.";
pub const CREATE_FAILED: &str =
    "Failed: There was an error while trying to create this media item.";

// Not captured: best guesses in Google's style.
pub const TOO_MANY_IDS: &str = "Request must have less than 50 media item ids.";
pub const NO_IDS: &str = "Request must contain at least one media item id.";
pub const DUPLICATE_IDS: &str = "Request must not contain duplicate media item ids.";
pub const ALBUM_FULL: &str = "The album cannot hold more than 20000 media items.";
pub const TITLE_TOO_LONG: &str = "Album title must not be longer than 500 characters.";
pub const DESCRIPTION_TOO_LONG: &str = "Description must be shorter than 1000 characters.";
pub const FILE_NAME_TOO_LONG: &str = "File name must not be longer than 255 characters.";
pub const ALBUM_WITH_FILTERS: &str = "Filters cannot be set when searching by album ID.";
pub const POSITION_WITHOUT_ALBUM: &str =
    "Album position can only be set together with an album ID.";
pub const MISSING_UPDATE_MASK: &str = "Update mask must be specified.";
pub const INVALID_PAGE_TOKEN: &str = "Invalid page token.";
pub const MISSING_ENRICHMENT: &str = "A new enrichment item must be specified.";
pub const MISSING_POSITION: &str = "An album position must be specified.";
pub const INVALID_SHARE_TOKEN: &str = "Invalid share token.";
pub const NOT_SHARED: &str = "The album is not shared.";

/// `Invalid update mask: <path>.`
pub fn invalid_update_mask(path: &str) -> LibraryError {
    invalid(format!("Invalid update mask: {path}."))
}
