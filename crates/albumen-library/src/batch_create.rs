//! `mediaItems.batchCreate`: turns upload tokens into media items. Request-level problems
//! (too many items, a bad token or album) fail the whole call before anything changes;
//! a file that cannot become an item fails only its own entry (HTTP 200 overall).

use std::collections::HashSet;

use albumen_blob::BlobKey;
use albumen_core::StoreError;
use albumen_core::media::{
    AlbumPosition, CaptureFacts, EntryRef, MAX_ALBUM_ITEMS, MediaItem, MediaKind, VideoStatus,
};
use albumen_core::upload::UploadToken;
use albumen_media::{Details, Limits, Probe, ProbeError, probe_reader};
use time::{OffsetDateTime, UtcOffset};
use tokio::sync::Semaphore;

use crate::access::{self, Actor, Operation};
use crate::blob_reader::BlobReader;
use crate::error::{
    ALBUM_FULL, ALBUM_NOT_FOUND, BAD_IMAGE, CREATE_FAILED, FILE_NAME_TOO_LONG, INVALID_ALBUM_ID,
    INVALID_UPLOAD_TOKEN, LibraryError, LibraryResult, NO_PERMISSION_TO_ADD, NOT_IMAGE,
    POSITION_WITHOUT_ALBUM, TOO_MANY_ITEMS, invalid,
};
use crate::ids::{is_well_formed, new_media_item_id};
use crate::items::check_description;
use crate::service::{ItemView, Library, PositionInput, or_not_found};
use crate::upload::upload_token_digest;

/// Items per batchCreate.
pub const MAX_NEW_ITEMS: usize = 50;
/// `SimpleMediaItem.fileName`, extension included.
pub const MAX_FILE_NAME_CHARS: usize = 255;

/// One `NewMediaItem`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewItemInput {
    pub upload_token: String,
    pub file_name: Option<String>,
    pub description: Option<String>,
}

/// A `BatchCreateMediaItemsRequest`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchCreateInput {
    pub album_id: Option<String>,
    pub items: Vec<NewItemInput>,
    pub position: Option<PositionInput>,
}

/// Why one item failed (its `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemFailure {
    pub code: i32,
    pub message: &'static str,
}

/// One `NewMediaItemResult`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewItemOutcome {
    pub upload_token: String,
    pub result: Result<ItemView, ItemFailure>,
}

/// What the probe verdict means for the item (addendum §4.8's captured statuses).
fn failure_for(err: &ProbeError) -> ItemFailure {
    match err {
        ProbeError::Unsupported => ItemFailure {
            code: 3,
            message: NOT_IMAGE,
        },
        ProbeError::Io(_) => ItemFailure {
            code: 13,
            message: CREATE_FAILED,
        },
        _ => ItemFailure {
            code: 3,
            message: BAD_IMAGE,
        },
    }
}

/// The capture date as `yyyymmdd` on the camera's clock.
fn capture_date(probe: &Probe) -> Option<i32> {
    probe.capture_time.map(|t| {
        let date = t.local.date();
        date.year() * 10_000 + i32::from(u8::from(date.month())) * 100 + i32::from(date.day())
    })
}

/// The media item a probed upload becomes.
fn item_from_probe(
    actor: &Actor,
    token: &UploadToken,
    input: &NewItemInput,
    probe: &Probe,
    now: OffsetDateTime,
) -> MediaItem {
    let kind = if probe.media_type.is_video() {
        MediaKind::Video
    } else {
        MediaKind::Photo
    };
    let mut facts = CaptureFacts {
        camera_make: probe.camera_make.clone(),
        camera_model: probe.camera_model.clone(),
        ..CaptureFacts::default()
    };
    match &probe.details {
        Details::Photo(photo) => {
            facts.focal_length = photo.focal_length_mm;
            facts.aperture_f_number = photo.aperture_f_number;
            facts.iso_equivalent = photo.iso.and_then(|iso| i32::try_from(iso).ok());
            facts.exposure_time = photo.exposure_time_s;
        }
        Details::Video(video) => {
            facts.fps = video.fps;
            facts.duration = video.duration_s;
        }
    }
    let filename = input
        .file_name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .or_else(|| token.file_name.clone())
        .unwrap_or_else(|| {
            let stamp = token.created_at;
            format!(
                "upload-{:04}{:02}{:02}-{:02}{:02}{:02}.{}",
                stamp.year(),
                u8::from(stamp.month()),
                stamp.day(),
                stamp.hour(),
                stamp.minute(),
                stamp.second(),
                probe.media_type.extension()
            )
        });
    MediaItem {
        id: new_media_item_id(),
        user_id: actor.user_id.clone(),
        client_id: Some(actor.client_id.clone()),
        blob_key: token.blob_key.clone(),
        size: token.size,
        mime_type: probe.media_type.mime_type().to_owned(),
        filename,
        description: input.description.clone().unwrap_or_default(),
        kind,
        width: probe.dimensions.map(|d| d.width),
        height: probe.dimensions.map(|d| d.height),
        // Without a capture time Google shows the upload time.
        creation_time: probe
            .capture_time
            .map_or(token.created_at, |t| t.assume_offset(UtcOffset::UTC)),
        capture_date: capture_date(probe),
        facts,
        video_status: (kind == MediaKind::Video).then_some(VideoStatus::Processing),
        has_location: probe.location.is_some(),
        is_favorite: false,
        is_archived: false,
        created_at: now,
    }
}

/// Probes running at once in this process. Each holds at most [`Limits::max_probe_read`]
/// (16 MiB) of a photo, or a few MiB of a video's boxes, so this bounds the memory of any
/// number of concurrent `batchCreate` calls to about 64 MiB (TIFF, read whole, excepted).
static PROBES: Semaphore = Semaphore::const_new(4);

impl Library {
    /// Probes a stored blob off the async runtime, with bounded memory.
    pub(crate) async fn probe_blob(&self, blob_key: &str, size: u64) -> Result<Probe, ProbeError> {
        let key = BlobKey::parse(blob_key).ok_or(ProbeError::Unsupported)?;
        let _permit = PROBES
            .acquire()
            .await
            .map_err(|e| ProbeError::Io(std::io::Error::other(e)))?;
        let reader = BlobReader::new(
            self.blobs.clone(),
            key,
            size,
            tokio::runtime::Handle::current(),
        );
        let limits = Limits {
            max_bytes: self.settings.upload_limits.max_photo_bytes,
            max_video_bytes: self.settings.upload_limits.max_video_bytes,
            ..Limits::default()
        };
        tokio::task::spawn_blocking(move || probe_reader(reader, &limits))
            .await
            .map_err(|e| ProbeError::Io(std::io::Error::other(e)))?
    }

    /// Finds the caller's usable upload token, or fails the whole request.
    async fn usable_token(&self, actor: &Actor, token: &str) -> LibraryResult<UploadToken> {
        let bad = || invalid(INVALID_UPLOAD_TOKEN);
        if token.trim().is_empty() {
            return Err(bad());
        }
        let stored = or_not_found(
            self.store
                .get_upload_token(&upload_token_digest(token.trim()))
                .await,
            bad,
        )?;
        let usable = stored.user_id == actor.user_id
            && stored.client_id == actor.client_id
            && stored.used_at.is_none()
            && self.clock.now() < stored.expires_at;
        if usable { Ok(stored) } else { Err(bad()) }
    }

    /// Checks that the caller may add `count` items to the album.
    async fn writable_album(
        &self,
        actor: &Actor,
        album_id: &str,
        count: usize,
    ) -> LibraryResult<()> {
        if !is_well_formed(album_id) {
            return Err(invalid(INVALID_ALBUM_ID));
        }
        let album = or_not_found(self.store.get_album(album_id).await, || {
            LibraryError::NotFound(ALBUM_NOT_FOUND.to_owned())
        })?;
        let member = album.share.is_some()
            && album.share.as_ref().is_some_and(|s| s.is_collaborative)
            && self.store.is_album_member(album_id, &actor.user_id).await?;
        if album.user_id != actor.user_id && !member {
            return Err(LibraryError::NotFound(ALBUM_NOT_FOUND.to_owned()));
        }
        if !access::album_is_writeable(actor, &album) {
            return Err(invalid(NO_PERMISSION_TO_ADD));
        }
        if album.media_items_count + count as u64 > MAX_ALBUM_ITEMS {
            return Err(invalid(ALBUM_FULL));
        }
        Ok(())
    }

    /// `mediaItems.batchCreate`.
    pub async fn batch_create(
        &self,
        actor: &Actor,
        input: &BatchCreateInput,
    ) -> LibraryResult<Vec<NewItemOutcome>> {
        self.check(actor, Operation::Create)?;
        if input.items.is_empty() {
            return Err(invalid("Request must contain at least one new media item."));
        }
        if input.items.len() > MAX_NEW_ITEMS {
            return Err(invalid(TOO_MANY_ITEMS));
        }
        let album_id = input.album_id.as_deref().filter(|id| !id.is_empty());
        let position = match (&input.position, album_id) {
            (Some(position), Some(_)) => Some(position.resolve()?),
            (Some(position), None) if position != &PositionInput::default() => {
                return Err(invalid(POSITION_WITHOUT_ALBUM));
            }
            _ => None,
        };
        let mut tokens = Vec::with_capacity(input.items.len());
        let mut seen = HashSet::new();
        for item in &input.items {
            if let Some(name) = &item.file_name
                && name.chars().count() > MAX_FILE_NAME_CHARS
            {
                return Err(invalid(FILE_NAME_TOO_LONG));
            }
            check_description(item.description.as_deref().unwrap_or_default())?;
            if !seen.insert(item.upload_token.trim()) {
                return Err(invalid(INVALID_UPLOAD_TOKEN));
            }
            tokens.push(self.usable_token(actor, &item.upload_token).await?);
        }
        if let Some(album_id) = album_id {
            self.writable_album(actor, album_id, input.items.len())
                .await?;
            if let Some(position) = &position {
                self.check_relative_entry(album_id, position).await?;
            }
        }
        let mut outcomes = Vec::with_capacity(input.items.len());
        for (item, token) in input.items.iter().zip(&tokens) {
            let result = self.create_one(actor, item, token).await?;
            outcomes.push(NewItemOutcome {
                upload_token: item.upload_token.clone(),
                result,
            });
        }
        if let Some(album_id) = album_id {
            self.place_in_album(
                album_id,
                position.unwrap_or(AlbumPosition::Last),
                &mut outcomes,
            )
            .await?;
        }
        if outcomes.iter().any(
            |o| matches!(&o.result, Ok(v) if v.item.video_status == Some(VideoStatus::Processing)),
        ) {
            self.video_jobs.notify_one();
        }
        self.queue_previews(&outcomes).await;
        Ok(outcomes)
    }

    /// Queues the new originals for their previews and wakes the builder. A failure only
    /// delays the previews: the first rendition of such an item queues it again.
    async fn queue_previews(&self, outcomes: &[NewItemOutcome]) {
        let originals: Vec<_> = outcomes
            .iter()
            .filter_map(|o| o.result.as_ref().ok())
            .map(|v| {
                (
                    v.item.blob_key.clone(),
                    v.item.mime_type.clone(),
                    v.item.kind,
                )
            })
            .collect();
        match self
            .store
            .enqueue_derivatives(&originals, self.clock.now())
            .await
        {
            Ok(()) if !originals.is_empty() => self.derivative_jobs.notify_one(),
            Ok(()) => {}
            Err(err) => tracing::warn!(error = %err, "cannot queue previews"),
        }
    }

    /// Probes and stores one item; content problems become the item's status.
    async fn create_one(
        &self,
        actor: &Actor,
        input: &NewItemInput,
        token: &UploadToken,
    ) -> LibraryResult<Result<ItemView, ItemFailure>> {
        let probe = match self.probe_blob(&token.blob_key, token.size).await {
            Ok(probe) => probe,
            Err(err) => {
                tracing::info!(error = %err, "upload refused by the probe");
                return Ok(Err(failure_for(&err)));
            }
        };
        let now = self.clock.now();
        let item = item_from_probe(actor, token, input, &probe, now);
        match self
            .store
            .create_media_item_from_upload(&token.digest, &item, now)
            .await
        {
            Ok(stored) => Ok(Ok(ItemView {
                item: stored,
                in_album: None,
            })),
            // Used by a concurrent call since it was checked: earlier items of this call
            // already exist, so this one fails alone.
            Err(StoreError::Conflict { .. } | StoreError::NotFound) => Ok(Err(ItemFailure {
                code: 3,
                message: INVALID_UPLOAD_TOKEN,
            })),
            Err(err) => Err(err.into()),
        }
    }

    /// Adds the created items to the album, in order, at `position`.
    async fn place_in_album(
        &self,
        album_id: &str,
        position: AlbumPosition,
        outcomes: &mut [NewItemOutcome],
    ) -> LibraryResult<()> {
        let entries: Vec<EntryRef> = outcomes
            .iter()
            .filter_map(|o| o.result.as_ref().ok())
            .map(|v| EntryRef::MediaItem(v.item.id.clone()))
            .collect();
        if entries.is_empty() {
            return Ok(());
        }
        match self
            .store
            .add_album_entries(album_id, &entries, &position)
            .await
        {
            Ok(()) => {
                for view in outcomes.iter_mut().filter_map(|o| o.result.as_mut().ok()) {
                    view.in_album = Some(album_id.to_owned());
                }
                Ok(())
            }
            // The album changed between the checks and now (filled up, relative item
            // removed): the items are in the library, but not in the album.
            Err(StoreError::Conflict { what }) => {
                tracing::warn!(what, "created items could not be added to the album");
                for outcome in outcomes.iter_mut() {
                    if outcome.result.is_ok() {
                        outcome.result = Err(ItemFailure {
                            code: 13,
                            message: CREATE_FAILED,
                        });
                    }
                }
                Ok(())
            }
            Err(err) => Err(err.into()),
        }
    }
}
