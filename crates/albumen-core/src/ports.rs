//! The storage ports: what the domain needs from a metadata store, as object-safe traits.
//! `albumen-store` implements them on SQLite and PostgreSQL; one contract suite checks both.
//! Methods that must be atomic (taking a code, consuming a device authorization) say so.

use async_trait::async_trait;
use time::{Duration, OffsetDateTime};

use crate::changes::ChangeEpoch;
use crate::client::{ClientSecret, ClientSettings, OAuthClient};
use crate::consent::ConsentScreen;
use crate::derivative::{Derivative, DerivativeJob};
use crate::error::StoreError;
use crate::grant::{AuthCode, DeviceAuthorization, Grant, IssuedToken, SigningKey, WebSession};
use crate::media::{
    Album, AlbumPosition, AlbumShare, BlobUse, Enrichment, EntryRef, MediaItem, MediaKind,
    MediaQuery, VideoStatus, Visibility,
};
use crate::page::{Page, Paged};
use crate::project::{ApiService, NewProject, Project};
use crate::quota::{QuotaCounter, QuotaLimits};
use crate::upload::UploadToken;
use crate::upload_session::{UploadChunk, UploadSession};
use crate::user::{Email, NewUser, PasswordHash, User, UserId};

/// Whether the store can serve requests right now (for `/readyz`).
#[async_trait]
pub trait StoreHealth: Send + Sync {
    async fn ping(&self) -> Result<(), StoreError>;
}

/// Where the caches of access decisions learn of changes (see [`crate::changes`]).
#[async_trait]
pub trait ChangeFeed: Send + Sync {
    /// This node's change epoch: moved by every change to an access-relevant record made
    /// through this store, and by [`ChangeFeed::sync_changes`].
    fn changes(&self) -> &ChangeEpoch;
    /// Looks at the database's change counter and moves this node's epoch if another node
    /// changed an access-relevant record since the last look.
    async fn sync_changes(&self) -> Result<(), StoreError>;
}

/// Accounts.
#[async_trait]
pub trait UserRepo: Send + Sync {
    /// Inserts a user; `Conflict { what: "users.email" }` if the email is taken.
    async fn insert_user(&self, user: &NewUser) -> Result<User, StoreError>;
    async fn get_user(&self, id: &UserId) -> Result<User, StoreError>;
    async fn get_user_by_email(&self, email: &Email) -> Result<User, StoreError>;
    /// Users ordered by id.
    async fn list_users(&self, page: &Page) -> Result<Paged<User>, StoreError>;
    async fn count_users(&self) -> Result<u64, StoreError>;
    async fn set_user_disabled(&self, id: &UserId, disabled: bool) -> Result<(), StoreError>;
    async fn set_user_password(&self, id: &UserId, hash: &PasswordHash) -> Result<(), StoreError>;
    async fn delete_user(&self, id: &UserId) -> Result<(), StoreError>;
}

/// Server-wide settings created once and shared by every node (e.g. the cookie key).
#[async_trait]
pub trait SettingRepo: Send + Sync {
    /// The stored value of `name`, storing `value` first if there is none. Concurrent
    /// callers all get the one value that won.
    async fn get_or_insert_setting(&self, name: &str, value: &str) -> Result<String, StoreError>;
}

/// Failed sign-in counters, per account and per address.
#[async_trait]
pub trait ThrottleRepo: Send + Sync {
    /// Counts one failure for `key` and returns the failures within the `window` that
    /// started with the oldest one still in it.
    async fn record_failure(
        &self,
        key: &str,
        now: OffsetDateTime,
        window: Duration,
    ) -> Result<u32, StoreError>;
    /// Failures of `key` in the current window (0 once the window has passed).
    async fn count_failures(
        &self,
        key: &str,
        now: OffsetDateTime,
        window: Duration,
    ) -> Result<u32, StoreError>;
    async fn clear_failures(&self, key: &str) -> Result<(), StoreError>;
}

/// Browser sessions.
#[async_trait]
pub trait SessionRepo: Send + Sync {
    async fn insert_session(&self, session: &WebSession) -> Result<(), StoreError>;
    async fn get_session(&self, digest: &str) -> Result<WebSession, StoreError>;
    async fn delete_session(&self, digest: &str) -> Result<(), StoreError>;
    async fn delete_sessions_of_user(&self, user: &UserId) -> Result<(), StoreError>;
}

/// Console projects, their owners and enabled APIs.
#[async_trait]
pub trait ProjectRepo: Send + Sync {
    /// Inserts the project with its first owner. `Conflict` names `projects.id` or
    /// `projects.number`.
    async fn insert_project(&self, project: &NewProject) -> Result<Project, StoreError>;
    async fn get_project(&self, id: &str) -> Result<Project, StoreError>;
    async fn get_project_by_number(&self, number: i64) -> Result<Project, StoreError>;
    /// Projects the user owns, ordered by id.
    async fn list_projects_of(
        &self,
        owner: &UserId,
        page: &Page,
    ) -> Result<Paged<Project>, StoreError>;
    async fn list_project_owners(&self, project: &str) -> Result<Vec<UserId>, StoreError>;
    async fn add_project_owner(&self, project: &str, owner: &UserId) -> Result<(), StoreError>;
    async fn set_api_enabled(
        &self,
        project: &str,
        api: ApiService,
        enabled: bool,
    ) -> Result<(), StoreError>;
    async fn list_enabled_apis(&self, project: &str) -> Result<Vec<ApiService>, StoreError>;
    async fn get_consent_screen(&self, project: &str) -> Result<ConsentScreen, StoreError>;
    /// Replaces the consent screen, test users included.
    async fn put_consent_screen(&self, screen: &ConsentScreen) -> Result<(), StoreError>;
}

/// OAuth clients and their secrets.
#[async_trait]
pub trait ClientRepo: Send + Sync {
    async fn insert_client(
        &self,
        client: &OAuthClient,
        secret: Option<&ClientSecret>,
    ) -> Result<(), StoreError>;
    /// The client, deleted or not.
    async fn get_client(&self, client_id: &str) -> Result<OAuthClient, StoreError>;
    /// The project's clients that are not deleted, oldest first.
    async fn list_clients(&self, project: &str) -> Result<Vec<OAuthClient>, StoreError>;
    async fn update_client(
        &self,
        client_id: &str,
        settings: &ClientSettings,
    ) -> Result<(), StoreError>;
    async fn mark_client_deleted(
        &self,
        client_id: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    async fn insert_client_secret(&self, secret: &ClientSecret) -> Result<(), StoreError>;
    /// Oldest first.
    async fn list_client_secrets(&self, client_id: &str) -> Result<Vec<ClientSecret>, StoreError>;
    async fn set_client_secret_disabled(
        &self,
        secret_id: &str,
        disabled_at: Option<OffsetDateTime>,
    ) -> Result<(), StoreError>;
    async fn delete_client_secret(&self, secret_id: &str) -> Result<(), StoreError>;
}

/// Grants, codes, tokens and device authorizations.
#[async_trait]
pub trait GrantRepo: Send + Sync {
    /// The user's grant to the client, live or not.
    async fn find_grant(&self, user: &UserId, client_id: &str)
    -> Result<Option<Grant>, StoreError>;
    async fn get_grant(&self, id: &str) -> Result<Grant, StoreError>;
    /// Inserts the grant, or replaces the one for the same user and client.
    async fn put_grant(&self, grant: &Grant) -> Result<(), StoreError>;
    /// Revokes the grant, every token issued under it and its unused codes.
    async fn revoke_grant(&self, id: &str, at: OffsetDateTime) -> Result<(), StoreError>;
    /// Deletes a grant with its codes and tokens (a dead grant, before consent starts anew).
    async fn delete_grant(&self, id: &str) -> Result<(), StoreError>;
    /// Live grants of a user, newest first.
    async fn list_grants_of(&self, user: &UserId) -> Result<Vec<Grant>, StoreError>;

    async fn insert_auth_code(&self, code: &AuthCode) -> Result<(), StoreError>;
    /// Atomically marks the code used and returns it. `NotFound` if there is no such code;
    /// `Conflict { what: "auth_codes.used" }` if it was used before (a replay).
    async fn take_auth_code(
        &self,
        digest: &str,
        at: OffsetDateTime,
    ) -> Result<AuthCode, StoreError>;

    async fn insert_token(&self, token: &IssuedToken) -> Result<(), StoreError>;
    async fn get_token(&self, digest: &str) -> Result<IssuedToken, StoreError>;
    /// Revokes one token; revoking a refresh token also revokes the access tokens minted
    /// from it.
    async fn revoke_token(&self, digest: &str, at: OffsetDateTime) -> Result<(), StoreError>;
    /// Revokes every token issued from the code (after a replay).
    async fn revoke_tokens_from_code(
        &self,
        code_digest: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;

    async fn insert_device_authorization(
        &self,
        device: &DeviceAuthorization,
    ) -> Result<(), StoreError>;
    async fn get_device_by_digest(&self, digest: &str) -> Result<DeviceAuthorization, StoreError>;
    async fn get_device_by_user_code(
        &self,
        user_code: &str,
    ) -> Result<DeviceAuthorization, StoreError>;
    /// Records a poll and returns the previous poll time.
    async fn record_device_poll(
        &self,
        digest: &str,
        at: OffsetDateTime,
    ) -> Result<Option<OffsetDateTime>, StoreError>;
    /// Approves (with the user and grant) or denies a pending authorization.
    async fn decide_device(
        &self,
        digest: &str,
        approved_by: Option<(&UserId, &str)>,
    ) -> Result<(), StoreError>;
    /// Atomically moves an approved authorization to consumed; `Conflict` if it was not
    /// approved (already consumed, say).
    async fn consume_device(&self, digest: &str) -> Result<DeviceAuthorization, StoreError>;
}

/// Upload tokens.
#[async_trait]
pub trait UploadRepo: Send + Sync {
    async fn insert_upload_token(&self, token: &UploadToken) -> Result<(), StoreError>;
    async fn get_upload_token(&self, digest: &str) -> Result<UploadToken, StoreError>;
}

/// Resumable upload sessions and their committed chunks.
#[async_trait]
pub trait UploadSessionRepo: Send + Sync {
    async fn insert_upload_session(&self, session: &UploadSession) -> Result<(), StoreError>;
    async fn get_upload_session(&self, digest: &str) -> Result<UploadSession, StoreError>;
    /// Atomically records `chunk` and advances the session's received size from
    /// `chunk.offset` to its end, only if the session is active and has received exactly
    /// `chunk.offset` bytes: otherwise (a racing duplicate chunk, a cancel, an unknown
    /// session) `Conflict { what: "upload_sessions.received" }` and nothing changes.
    async fn commit_upload_chunk(
        &self,
        digest: &str,
        chunk: &UploadChunk,
    ) -> Result<(), StoreError>;
    /// The session's chunks in offset order, keyset-paged by offset.
    async fn list_upload_chunks(
        &self,
        digest: &str,
        page: &Page,
    ) -> Result<Paged<UploadChunk>, StoreError>;
    /// In one transaction: marks the session final if it is active and has received exactly
    /// `received` bytes, stores `token`, and drops the chunk records (their blobs become the
    /// orphan collector's). `Conflict { what: "upload_sessions.state" }` otherwise.
    async fn finalize_upload_session(
        &self,
        digest: &str,
        received: u64,
        token: &UploadToken,
    ) -> Result<(), StoreError>;
    /// Marks an active session cancelled and drops its chunk records;
    /// `Conflict { what: "upload_sessions.state" }` if it is not active.
    async fn cancel_upload_session(&self, digest: &str) -> Result<(), StoreError>;
    /// Deletes the sessions that expired at or before `now`, chunk records included, and
    /// returns how many there were.
    async fn delete_expired_upload_sessions(&self, now: OffsetDateTime) -> Result<u64, StoreError>;
    /// Whether a chunk of a session that is still active (expired or not) references the
    /// blob, for the collector of orphaned blobs.
    async fn session_uses_blob(&self, blob_key: &str) -> Result<bool, StoreError>;
}

/// The queue and results of the background preview builder (one row per distinct original).
#[async_trait]
pub trait DerivativeRepo: Send + Sync {
    /// Queues the originals in `originals` (blob key, media type, kind) that have no row yet;
    /// already queued or built ones are left as they are.
    async fn enqueue_derivatives(
        &self,
        originals: &[(String, String, MediaKind)],
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Atomically leases the oldest waiting original whose lease is free or lapsed at `now`,
    /// until `lease_until`, counting the attempt, so that one node builds it.
    async fn claim_derivative(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> Result<Option<DerivativeJob>, StoreError>;
    /// Records the outcome for an original (`Ready` or `Failed`; `Waiting` puts it back).
    async fn finish_derivative(
        &self,
        blob_key: &str,
        outcome: &Derivative,
    ) -> Result<(), StoreError>;
    /// Where an original stands; `NotFound` when it was never queued.
    async fn get_derivative(&self, blob_key: &str) -> Result<Derivative, StoreError>;
}

/// Media items, albums, album entries, enrichments and album sharing.
#[async_trait]
pub trait MediaRepo: Send + Sync {
    /// In one transaction: marks the upload token `token_digest` used (`Conflict { what:
    /// "upload_tokens.used" }` if it already was, `NotFound` if unknown) and inserts `item`,
    /// unless the user already has an item with the same `blob_key`, which is then returned
    /// instead (Google resolves identical bytes to the existing item).
    async fn create_media_item_from_upload(
        &self,
        token_digest: &str,
        item: &MediaItem,
        now: OffsetDateTime,
    ) -> Result<MediaItem, StoreError>;
    async fn get_media_item(&self, id: &str) -> Result<MediaItem, StoreError>;
    /// The items that exist among `ids`, in no particular order.
    async fn get_media_items(&self, ids: &[String]) -> Result<Vec<MediaItem>, StoreError>;
    /// Newest first by `creation_time` (ties by id), oldest first with `oldest_first`, or
    /// in album order when the query names an album. Keyset-paged.
    ///
    /// With an album: its media items whoever owns them (a shared album holds its
    /// members' items), enrichments left out, no other part of the query applied; whether
    /// the caller may see the album is checked before. An empty [`crate::media::DateMatch`]
    /// matches nothing. A page key this store did not make is
    /// `Conflict { what: "page.after" }`.
    async fn search_media_items(
        &self,
        query: &MediaQuery,
        page: &Page,
    ) -> Result<Paged<MediaItem>, StoreError>;
    async fn set_media_description(&self, id: &str, description: &str) -> Result<(), StoreError>;
    async fn set_media_flags(
        &self,
        id: &str,
        is_favorite: bool,
        is_archived: bool,
    ) -> Result<(), StoreError>;
    /// Records the outcome of the background video probe (and what it learned).
    async fn finish_video_processing(
        &self,
        item: &MediaItem,
        status: VideoStatus,
    ) -> Result<(), StoreError>;
    /// Atomically leases one `PROCESSING` video whose lease is free or lapsed at `now`,
    /// until `lease_until`, so that one node probes it.
    async fn claim_processing_video(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> Result<Option<MediaItem>, StoreError>;

    /// Stores a new album, empty and unshared (`media_items_count` and `share` are not
    /// read). `Conflict { what: "albums.id" }`; `NotFound` for an unknown owner or cover.
    async fn insert_album(&self, album: &Album) -> Result<(), StoreError>;
    async fn get_album(&self, id: &str) -> Result<Album, StoreError>;
    /// Albums the visibility allows (owned ones only), newest first, keyset-paged.
    async fn list_albums(
        &self,
        visibility: &Visibility,
        page: &Page,
    ) -> Result<Paged<Album>, StoreError>;
    /// Sets the title and/or the cover (`Some(None)` clears the cover). `NotFound` for an
    /// unknown album or cover item.
    async fn update_album(
        &self,
        id: &str,
        title: Option<&str>,
        cover_media_item_id: Option<Option<&str>>,
    ) -> Result<(), StoreError>;
    /// Inserts `entries` at `position`, in order, in one transaction; media items already
    /// in the album are left where they are. `NotFound` for an unknown album;
    /// `Conflict { what: "album_entries.capacity" }` past [`crate::media::MAX_ALBUM_ITEMS`];
    /// `Conflict { what: "album_entries.relative" }` when the relative entry of an `After…`
    /// position is not in the album; `NotFound` for an unknown media item too. Positions
    /// are renumbered when a gap runs out, which can shift an album listing in progress.
    async fn add_album_entries(
        &self,
        album_id: &str,
        entries: &[EntryRef],
        position: &AlbumPosition,
    ) -> Result<(), StoreError>;
    /// Removes the media items from the album, all or none:
    /// `Conflict { what: "album_entries.missing" }` if one of them is not in it. A cover
    /// among them is cleared.
    async fn remove_album_media_items(
        &self,
        album_id: &str,
        media_item_ids: &[String],
    ) -> Result<(), StoreError>;
    /// Stores the enrichment and its entry at `position`, in one transaction (errors as
    /// [`MediaRepo::add_album_entries`]).
    async fn add_enrichment(
        &self,
        enrichment: &Enrichment,
        position: &AlbumPosition,
    ) -> Result<(), StoreError>;

    /// Shares the album (or updates its options: an album already shared keeps its token
    /// and `shared_at`); the owner is a member.
    async fn share_album(&self, album_id: &str, share: &AlbumShare) -> Result<(), StoreError>;
    /// Stops sharing: the share token dies and every other member leaves.
    async fn unshare_album(&self, album_id: &str) -> Result<(), StoreError>;
    async fn get_album_by_share_token(&self, share_token: &str) -> Result<Album, StoreError>;
    /// Joining twice is one membership; `NotFound` unless the album exists and is shared.
    async fn join_album(
        &self,
        album_id: &str,
        user: &UserId,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// `NotFound` if the user is not a member.
    async fn leave_album(&self, album_id: &str, user: &UserId) -> Result<(), StoreError>;
    async fn is_album_member(&self, album_id: &str, user: &UserId) -> Result<bool, StoreError>;
    /// Shared albums the user owns or joined, newest first, keyset-paged.
    async fn list_shared_albums(
        &self,
        user: &UserId,
        page: &Page,
    ) -> Result<Paged<Album>, StoreError>;

    /// Whether any media item (of any user) or unused upload token still points at the
    /// blob. Unused tokens count whatever their expiry: the blob is freed once the token
    /// row is gone. Upload sessions answer [`UploadSessionRepo::session_uses_blob`].
    async fn blob_use(&self, blob_key: &str) -> Result<BlobUse, StoreError>;
}

/// Library API quotas: each project's limits and the windowed counters charged against
/// them, shared by every node.
#[async_trait]
pub trait QuotaRepo: Send + Sync {
    /// The project's limits, or `None` if it never set any (the defaults apply).
    async fn get_quota_limits(&self, project_id: &str) -> Result<Option<QuotaLimits>, StoreError>;
    /// Stores the project's limits, replacing earlier ones.
    async fn put_quota_limits(
        &self,
        project_id: &str,
        limits: &QuotaLimits,
    ) -> Result<(), StoreError>;
    /// Atomically, in one statement: adds `count` charges to the counter (creating it) and
    /// returns what it holds now, every node's charges included. Nodes count in memory and
    /// add their charges in batches; the limits are theirs to apply.
    async fn add_quota(&self, counter: &QuotaCounter, count: u64) -> Result<u64, StoreError>;
    /// How many charges the counter holds (0 if none).
    async fn get_quota_count(&self, counter: &QuotaCounter) -> Result<u64, StoreError>;
    /// Deletes the counters whose window ended at or before `at`; returns how many.
    async fn delete_quota_counters_ended(&self, at: OffsetDateTime) -> Result<u64, StoreError>;
}

/// Whether an album holds an entry, to check a relative position before anything changes.
#[async_trait]
pub trait AlbumEntryLookup: Send + Sync {
    async fn album_has_entry(&self, album_id: &str, entry: &EntryRef) -> Result<bool, StoreError>;
}

/// ID-token signing keys.
#[async_trait]
pub trait KeyRepo: Send + Sync {
    /// Every key, newest first.
    async fn list_signing_keys(&self) -> Result<Vec<SigningKey>, StoreError>;
    async fn insert_signing_key(&self, key: &SigningKey) -> Result<(), StoreError>;
    async fn retire_signing_key(&self, kid: &str, at: OffsetDateTime) -> Result<(), StoreError>;
}

/// Everything the server needs from its metadata store.
pub trait MetadataStore:
    StoreHealth
    + ChangeFeed
    + UserRepo
    + SettingRepo
    + ThrottleRepo
    + SessionRepo
    + ProjectRepo
    + ClientRepo
    + GrantRepo
    + KeyRepo
    + UploadRepo
    + UploadSessionRepo
    + MediaRepo
    + DerivativeRepo
    + AlbumEntryLookup
    + QuotaRepo
    + std::fmt::Debug
{
}

impl<T> MetadataStore for T where
    T: StoreHealth
        + ChangeFeed
        + UserRepo
        + SettingRepo
        + ThrottleRepo
        + SessionRepo
        + ProjectRepo
        + ClientRepo
        + GrantRepo
        + KeyRepo
        + UploadRepo
        + UploadSessionRepo
        + MediaRepo
        + DerivativeRepo
        + AlbumEntryLookup
        + QuotaRepo
        + std::fmt::Debug
{
}
