//! Resumable uploads (`X-Goog-Upload-Protocol: resumable`): the rules of the session
//! protocol, with its state in the metadata store so that any node can take any request.
//! Each committed chunk is a blob of its own; finalizing streams the chunks in order into the
//! final blob and issues the same upload token as a raw upload. Knows no HTTP headers: the
//! caller parses them into a [`Command`] and an offset.

use std::collections::BTreeSet;

use albumen_blob::{BlobError, BlobKey, BlobStore};
use albumen_core::page::Page;
use albumen_core::ports::UploadSessionRepo;
use albumen_core::upload_session::{UploadChunk, UploadSession, UploadSessionState};
use albumen_core::user::UserId;
use albumen_core::{Clock, StoreError};
use bytes::Bytes;
use futures::{Stream, TryStreamExt, stream};
use sha2::{Digest, Sha256};
use time::Duration;

use crate::ids::random_tail;
use crate::upload::{
    LimitRule, RawUpload, UploadError, UploadLimits, issue_upload_token, store_limited,
};

/// Every chunk but the last must be a multiple of this many bytes (Google's value).
pub const CHUNK_GRANULARITY: u64 = 262_144;

/// Sessions live a week, as the same protocol does on Google's other APIs.
pub const UPLOAD_SESSION_LIFETIME: Duration = Duration::days(7);

/// How many chunk records finalizing reads at a time (memory stays bounded).
const CHUNKS_PER_PAGE: u32 = 100;

/// `X-Goog-Upload-Command`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Start,
    /// Bytes at an offset; `finalize` when they are the last ones.
    Upload {
        finalize: bool,
    },
    /// Finalize with no bytes (the body is not read).
    Finalize,
    Query,
    Cancel,
}

impl Command {
    /// Parses comma-separated words in any case and spacing (`upload, finalize`,
    /// `upload,finalize`, `UPLOAD , Finalize`).
    pub fn parse(text: &str) -> Option<Self> {
        let words: BTreeSet<String> = text
            .split(',')
            .map(|word| word.trim().to_ascii_lowercase())
            .collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        match words.as_slice() {
            ["start"] => Some(Self::Start),
            ["upload"] => Some(Self::Upload { finalize: false }),
            ["finalize", "upload"] => Some(Self::Upload { finalize: true }),
            ["finalize"] => Some(Self::Finalize),
            ["query"] => Some(Self::Query),
            ["cancel"] => Some(Self::Cancel),
            _ => None,
        }
    }
}

/// Where a session stands, as `X-Goog-Upload-Status` and `X-Goog-Upload-Size-Received`
/// report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub state: UploadSessionState,
    pub received: u64,
}

impl From<&UploadSession> for Progress {
    fn from(session: &UploadSession) -> Self {
        Self {
            state: session.state,
            received: session.received,
        }
    }
}

/// The answer to a command on a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Progress(Progress),
    /// The upload is complete: the token for `mediaItems.batchCreate`.
    Finished {
        received: u64,
        token: String,
    },
}

/// Why a request to a live session was refused (400, with the session's progress).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("X-Goog-Upload-Offset is required for an upload command.")]
    MissingOffset,
    #[error("X-Goog-Upload-Offset does not match the number of bytes received.")]
    WrongOffset,
    #[error("Every chunk but the last must be a multiple of 262144 bytes.")]
    Misaligned,
    #[error("The upload is larger than its X-Goog-Upload-Raw-Size.")]
    BeyondDeclaredSize,
    #[error("The upload is smaller than its X-Goog-Upload-Raw-Size.")]
    ShortOfDeclaredSize,
    #[error("The upload session is no longer active.")]
    NotActive,
    #[error("An upload session takes upload, finalize, query and cancel commands.")]
    WrongCommand,
}

#[derive(Debug, thiserror::Error)]
pub enum ResumableError {
    /// Unknown or expired `upload_id`, or a bearer token of someone else.
    #[error("no such upload session")]
    NotFound,
    #[error("{reason}")]
    Rejected {
        reason: Rejection,
        progress: Progress,
    },
    #[error(transparent)]
    Upload(#[from] UploadError),
}

impl From<StoreError> for ResumableError {
    fn from(err: StoreError) -> Self {
        Self::Upload(UploadError::Store(err))
    }
}

fn rejected(reason: Rejection, progress: Progress) -> ResumableError {
    ResumableError::Rejected { reason, progress }
}

/// The digest under which an `upload_id` is stored.
fn upload_id_digest(upload_id: &str) -> String {
    hex::encode(Sha256::digest(upload_id.as_bytes()))
}

/// What the resumable protocol works with.
#[derive(Clone, Copy)]
pub struct ResumableUploads<'a> {
    pub store: &'a dyn UploadSessionRepo,
    pub blobs: &'a BlobStore,
    pub clock: &'a dyn Clock,
    pub limits: UploadLimits,
}

impl std::fmt::Debug for ResumableUploads<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResumableUploads")
            .field("blobs", self.blobs)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl ResumableUploads<'_> {
    /// Starts a session and returns its `upload_id`. A declared size over the limit of the
    /// declared type is refused at once (`TooLarge`). Sessions that expired are dropped here,
    /// so their chunk blobs are left to the orphan collector.
    pub async fn start(
        &self,
        upload: RawUpload,
        raw_size: Option<u64>,
    ) -> Result<String, ResumableError> {
        let limit = self
            .limits
            .for_declared_type(upload.declared_mime_type.as_deref());
        if raw_size.is_some_and(|size| size > limit) {
            return Err(UploadError::TooLarge { limit }.into());
        }
        let now = self.clock.now();
        self.store.delete_expired_upload_sessions(now).await?;
        let upload_id = random_tail(64);
        self.store
            .insert_upload_session(&UploadSession {
                digest: upload_id_digest(&upload_id),
                user_id: upload.user,
                client_id: upload.client_id,
                mime_type: upload.declared_mime_type,
                file_name: upload.file_name,
                declared_size: raw_size,
                received: 0,
                state: UploadSessionState::Active,
                created_at: now,
                expires_at: now + UPLOAD_SESSION_LIFETIME,
            })
            .await?;
        Ok(upload_id)
    }

    /// Runs a command on the session `upload_id`. `caller` is the bearer token's user when
    /// the request carried one: it must own the session. `body` is read only by `upload`.
    pub async fn continue_upload<S, E>(
        &self,
        upload_id: &str,
        caller: Option<&UserId>,
        command: Command,
        offset: Option<u64>,
        body: S,
    ) -> Result<Reply, ResumableError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: std::error::Error + Send + Sync + 'static,
    {
        let session = self.open(upload_id, caller).await?;
        match command {
            Command::Query => Ok(Reply::Progress(Progress::from(&session))),
            Command::Cancel => self.cancel(&session).await,
            Command::Start => Err(rejected(Rejection::WrongCommand, Progress::from(&session))),
            Command::Finalize => {
                let empty = stream::empty::<Result<Bytes, E>>();
                self.upload(session, offset, true, empty).await
            }
            Command::Upload { finalize } => {
                let offset =
                    offset.ok_or_else(|| rejected(Rejection::MissingOffset, (&session).into()))?;
                self.upload(session, Some(offset), finalize, body).await
            }
        }
    }

    async fn open(
        &self,
        upload_id: &str,
        caller: Option<&UserId>,
    ) -> Result<UploadSession, ResumableError> {
        let session = match self
            .store
            .get_upload_session(&upload_id_digest(upload_id))
            .await
        {
            Ok(session) => session,
            Err(StoreError::NotFound) => return Err(ResumableError::NotFound),
            Err(err) => return Err(err.into()),
        };
        let someone_else = caller.is_some_and(|user| *user != session.user_id);
        if session.is_expired(self.clock.now()) || someone_else {
            return Err(ResumableError::NotFound);
        }
        Ok(session)
    }

    /// The session as it is now, after a conditional write lost to another request.
    async fn reread(&self, session: &UploadSession) -> Result<ResumableError, ResumableError> {
        let now = self.store.get_upload_session(&session.digest).await?;
        let reason = if now.state == UploadSessionState::Active {
            Rejection::WrongOffset
        } else {
            Rejection::NotActive
        };
        Ok(rejected(reason, Progress::from(&now)))
    }

    /// Cancelling twice answers as the first time did; a final session cannot be cancelled.
    async fn cancel(&self, session: &UploadSession) -> Result<Reply, ResumableError> {
        let cancelled = Reply::Progress(Progress {
            state: UploadSessionState::Cancelled,
            received: session.received,
        });
        match session.state {
            UploadSessionState::Cancelled => Ok(cancelled),
            UploadSessionState::Final => Err(rejected(Rejection::NotActive, session.into())),
            UploadSessionState::Active => {
                match self.store.cancel_upload_session(&session.digest).await {
                    Ok(()) => Ok(cancelled),
                    Err(StoreError::Conflict { .. }) => {
                        let now = self.store.get_upload_session(&session.digest).await?;
                        if now.state == UploadSessionState::Cancelled {
                            Ok(cancelled)
                        } else {
                            Err(rejected(Rejection::NotActive, Progress::from(&now)))
                        }
                    }
                    Err(err) => Err(err.into()),
                }
            }
        }
    }

    /// Commits the body as the chunk at `offset` (`None`: wherever the session is), then
    /// finalizes if asked to.
    async fn upload<S, E>(
        &self,
        session: UploadSession,
        offset: Option<u64>,
        finalize: bool,
        body: S,
    ) -> Result<Reply, ResumableError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: std::error::Error + Send + Sync + 'static,
    {
        let progress = Progress::from(&session);
        if session.state != UploadSessionState::Active {
            return Err(rejected(Rejection::NotActive, progress));
        }
        let offset = offset.unwrap_or(session.received);
        if offset != session.received {
            return Err(rejected(Rejection::WrongOffset, progress));
        }
        let type_limit = self.limits.for_declared_type(session.mime_type.as_deref());
        let room_in_declared = session
            .declared_size
            .map(|size| size.saturating_sub(offset));
        let room = room_in_declared
            .unwrap_or(u64::MAX)
            .min(type_limit.saturating_sub(offset));
        let stored = match store_limited(self.blobs, body, LimitRule::Fixed(room)).await {
            Ok(stored) => stored,
            Err(UploadError::TooLarge { .. }) if room_in_declared == Some(room) => {
                return Err(rejected(Rejection::BeyondDeclaredSize, progress));
            }
            Err(UploadError::TooLarge { .. }) => {
                return Err(UploadError::TooLarge { limit: type_limit }.into());
            }
            Err(err) => return Err(err.into()),
        };
        if !finalize && !stored.size.is_multiple_of(CHUNK_GRANULARITY) {
            return Err(rejected(Rejection::Misaligned, progress));
        }
        let received = offset + stored.size;
        if stored.size > 0 {
            let chunk = UploadChunk {
                offset,
                size: stored.size,
                blob_key: stored.key.as_hex().to_owned(),
            };
            match self
                .store
                .commit_upload_chunk(&session.digest, &chunk)
                .await
            {
                Ok(()) => {}
                Err(StoreError::Conflict { .. }) => return Err(self.reread(&session).await?),
                Err(err) => return Err(err.into()),
            }
        }
        let session = UploadSession {
            received,
            ..session
        };
        if finalize {
            self.finalize(session).await
        } else {
            Ok(Reply::Progress(Progress::from(&session)))
        }
    }

    async fn finalize(&self, session: UploadSession) -> Result<Reply, ResumableError> {
        if session.received > 0
            && session
                .declared_size
                .is_some_and(|size| size != session.received)
        {
            return Err(rejected(Rejection::ShortOfDeclaredSize, (&session).into()));
        }
        let whole = self.assembled(&session.digest);
        let stored = match store_limited(self.blobs, whole, LimitRule::Sniffed(self.limits)).await {
            Ok(stored) => stored,
            Err(too_large @ UploadError::TooLarge { .. }) => {
                // The bytes can never become a media item: release the session's chunks.
                match self.store.cancel_upload_session(&session.digest).await {
                    Ok(()) | Err(StoreError::Conflict { .. }) => {}
                    Err(err) => return Err(err.into()),
                }
                return Err(too_large.into());
            }
            Err(err) => return Err(err.into()),
        };
        if stored.size != session.received {
            let missing = StoreError::Internal("upload chunks do not add up".into());
            return Err(missing.into());
        }
        let upload = RawUpload {
            user: session.user_id.clone(),
            client_id: session.client_id.clone(),
            declared_mime_type: session.mime_type.clone(),
            file_name: session.file_name.clone(),
        };
        let (token, record) = issue_upload_token(upload, &stored, self.clock.now())?;
        match self
            .store
            .finalize_upload_session(&session.digest, session.received, &record)
            .await
        {
            Ok(()) => Ok(Reply::Finished {
                received: session.received,
                token,
            }),
            Err(StoreError::Conflict { .. }) => Err(self.reread(&session).await?),
            Err(err) => Err(err.into()),
        }
    }

    /// The session's bytes in order, read chunk by chunk from the blob store.
    fn assembled<'s>(
        &'s self,
        digest: &'s str,
    ) -> impl Stream<Item = Result<Bytes, AssemblyError>> + Send + 's {
        let pages =
            stream::try_unfold(Some(Page::first(CHUNKS_PER_PAGE)), move |page| async move {
                let Some(page) = page else {
                    return Ok(None);
                };
                let paged = self.store.list_upload_chunks(digest, &page).await?;
                let next = paged.next.map(|after| Page::after(CHUNKS_PER_PAGE, after));
                Ok::<_, AssemblyError>(Some((stream::iter(paged.items.into_iter().map(Ok)), next)))
            });
        let mut expected_offset = 0_u64;
        pages
            .try_flatten()
            .and_then(move |chunk| {
                let in_order = chunk.offset == expected_offset;
                expected_offset = chunk.offset.saturating_add(chunk.size);
                async move {
                    if !in_order {
                        return Err(AssemblyError::Gap);
                    }
                    let key = BlobKey::parse(&chunk.blob_key).ok_or(AssemblyError::Gap)?;
                    let read = self.blobs.get(&key, None).await?;
                    Ok(read.body.map_err(AssemblyError::from))
                }
            })
            .try_flatten()
    }
}

/// Why the chunks of a session could not be read back.
#[derive(Debug, thiserror::Error)]
enum AssemblyError {
    #[error("the session's chunks are not contiguous")]
    Gap,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Blob(#[from] BlobError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_in_any_case_spacing_and_order() {
        let finalize = Some(Command::Upload { finalize: true });
        for text in [
            "upload, finalize",
            "upload,finalize",
            " UPLOAD ,Finalize ",
            "finalize, upload",
        ] {
            assert_eq!(Command::parse(text), finalize, "{text}");
        }
        assert_eq!(
            Command::parse("upload"),
            Some(Command::Upload { finalize: false })
        );
        assert_eq!(Command::parse("Start"), Some(Command::Start));
        assert_eq!(Command::parse("finalize"), Some(Command::Finalize));
        assert_eq!(Command::parse("query"), Some(Command::Query));
        assert_eq!(Command::parse("cancel"), Some(Command::Cancel));
        for bad in ["", "upload, query", "start, upload", "resume"] {
            assert_eq!(Command::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn upload_ids_are_long_random_and_stored_as_digests() {
        let id = random_tail(64);
        assert_eq!(id.len(), 64);
        assert_ne!(id, random_tail(64));
        assert_eq!(upload_id_digest(&id).len(), 64);
        assert_ne!(upload_id_digest(&id), id);
    }
}
