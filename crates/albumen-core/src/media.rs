//! Media items, albums, their ordered entries and enrichments: the records behind the
//! Photos Library API, with the ownership facts ("app-created") every read and edit checks.

use time::OffsetDateTime;

use crate::user::UserId;

/// Photo or video (Google's `mediaMetadata.photo` / `mediaMetadata.video` one-of).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaKind {
    Photo,
    Video,
}

impl MediaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Photo => "photo",
            Self::Video => "video",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "photo" => Some(Self::Photo),
            "video" => Some(Self::Video),
            _ => None,
        }
    }
}

/// `mediaMetadata.video.status`: a video is `Processing` until the background probe has
/// looked at it, then `Ready` (playable, `=dv` served) or `Failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VideoStatus {
    Processing,
    Ready,
    Failed,
}

impl VideoStatus {
    /// The enum name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Processing => "PROCESSING",
            Self::Ready => "READY",
            Self::Failed => "FAILED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "PROCESSING" => Some(Self::Processing),
            "READY" => Some(Self::Ready),
            "FAILED" => Some(Self::Failed),
            _ => None,
        }
    }
}

/// Camera and exposure facts, each absent when the file did not say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaptureFacts {
    pub camera_make: Option<String>,
    pub camera_model: Option<String>,
    pub focal_length: Option<f64>,
    pub aperture_f_number: Option<f64>,
    pub iso_equivalent: Option<i32>,
    /// Seconds (rendered `"0.008s"`).
    pub exposure_time: Option<f64>,
    /// Videos only.
    pub fps: Option<f64>,
    /// Videos only, in seconds (not on Google's wire; used by the UI).
    pub duration: Option<f64>,
}

/// One media item of a user's library.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaItem {
    /// Google-shaped opaque id (`A…`, URL-safe, never `/`).
    pub id: String,
    pub user_id: UserId,
    /// The OAuth client whose `batchCreate` made it; `None` for items added otherwise (web
    /// UI, import), which no app counts as its own.
    pub client_id: Option<String>,
    /// Hex SHA-256 of the original bytes: the blob address.
    pub blob_key: String,
    pub size: u64,
    pub mime_type: String,
    pub filename: String,
    /// User-written text; empty when none (< 1000 characters).
    pub description: String,
    pub kind: MediaKind,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// `mediaMetadata.creationTime`: the capture time, else the upload time.
    pub creation_time: OffsetDateTime,
    /// The capture date on the camera's clock as `yyyymmdd`, `None` when the file had no
    /// capture time (such items never match a date filter).
    pub capture_date: Option<i32>,
    pub facts: CaptureFacts,
    /// Videos only.
    pub video_status: Option<VideoStatus>,
    /// Whether the original carries GPS tags (the `=d` download strips them).
    pub has_location: bool,
    pub is_favorite: bool,
    pub is_archived: bool,
    /// When it entered the library.
    pub created_at: OffsetDateTime,
}

/// An album and its sharing state (sharing exists only under the `legacy` profile).
#[derive(Debug, Clone, PartialEq)]
pub struct Album {
    pub id: String,
    /// The owner.
    pub user_id: UserId,
    /// The OAuth client whose `albums.create` made it; `None` for albums made in the web UI.
    pub client_id: Option<String>,
    /// At most 500 characters; may be empty.
    pub title: String,
    /// Chosen with `albums.patch`; when `None` the first media item is the cover.
    pub cover_media_item_id: Option<String>,
    /// Number of media items (not enrichments) in the album.
    pub media_items_count: u64,
    pub created_at: OffsetDateTime,
    pub share: Option<AlbumShare>,
}

/// How an album is shared (legacy profile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlbumShare {
    /// Opaque token naming the shared album (`sharedAlbums.get/join/leave`).
    pub share_token: String,
    pub is_collaborative: bool,
    pub is_commentable: bool,
    pub shared_at: OffsetDateTime,
}

/// Where `batchCreate`, `batchAddMediaItems` or `addEnrichment` put new entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlbumPosition {
    First,
    Last,
    AfterMediaItem(String),
    AfterEnrichment(String),
}

/// What an album entry holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryRef {
    MediaItem(String),
    Enrichment(String),
}

/// A text, location or map enrichment, stored as its canonical JSON (`NewEnrichmentItem`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrichment {
    pub id: String,
    pub album_id: String,
    /// The `NewEnrichmentItem` JSON as accepted (one of text / location / map).
    pub body_json: String,
    pub created_at: OffsetDateTime,
}

/// Media items per album (library-api.md §11).
pub const MAX_ALBUM_ITEMS: u64 = 20_000;

/// Which items a listing may see: the user's, optionally only one client's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visibility {
    pub user_id: UserId,
    /// `Some(client)`: only items/albums that client created (the `google` profile and the
    /// appcreateddata scopes); `None`: the user's whole library (legacy scopes).
    pub client_id: Option<String>,
}

/// One `Date` of a date filter; zero components are wildcards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateParts {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

/// `DateFilter` after validation: an item matches any date or any range.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DateMatch {
    pub dates: Vec<DateParts>,
    /// Inclusive; both ends have the same shape.
    pub ranges: Vec<(DateParts, DateParts)>,
}

/// A validated `mediaItems.search` / `mediaItems.list` query.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaQuery {
    pub visibility: Visibility,
    /// Items of this album, in album order (no other filter applies).
    pub album_id: Option<String>,
    pub date: Option<DateMatch>,
    /// `None`: photos and videos.
    pub kind: Option<MediaKind>,
    pub favorites_only: bool,
    pub include_archived: bool,
    /// Content categories asked for (Albumen classifies nothing, see COMPATIBILITY.md): an
    /// inclusion list naming a real category matches no item.
    pub requires_category: bool,
    /// Items dated after this instant are left out (Google: future items never match a
    /// filtered search).
    pub not_after: Option<OffsetDateTime>,
    /// Items dated before this instant are left out: a bound implied by a date filter
    /// whose dates all name a year, so that the time index serves the search.
    pub not_before: Option<OffsetDateTime>,
    /// Oldest first (only with a date filter and `orderBy`).
    pub oldest_first: bool,
}

impl MediaQuery {
    /// Everything an album holds, in album order (after the caller checked access to it).
    pub fn album_contents(owner: UserId, album_id: &str) -> Self {
        Self {
            visibility: Visibility {
                user_id: owner,
                client_id: None,
            },
            album_id: Some(album_id.to_owned()),
            date: None,
            kind: None,
            favorites_only: false,
            include_archived: true,
            requires_category: false,
            not_after: None,
            not_before: None,
            oldest_first: false,
        }
    }
}

/// Whether a stored blob is still referenced, for the collector of orphaned blobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobUse {
    Unreferenced,
    Referenced,
}
