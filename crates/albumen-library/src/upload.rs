//! Raw uploads (`POST /v1/uploads`): the body streams into the blob store while its bytes
//! are counted against the limit of its type (photos 200 MB, videos 20 GB, both
//! configurable), and the client gets an upload token valid one day, bound to the user and
//! the OAuth client, stored only as its SHA-256. The limit counting, the empty check and the
//! token issuing are shared with resumable uploads (`crate::resumable`).

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::ids::random_tail;
use albumen_blob::{BlobError, BlobStore, PutOutcome};
use albumen_core::ports::UploadRepo;
use albumen_core::upload::UploadToken;
use albumen_core::user::UserId;
use albumen_core::{Clock, StoreError};
use albumen_media::{SNIFF_LEN, sniff};
use bytes::Bytes;
use futures::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

/// Google's upload tokens live one day.
pub const UPLOAD_TOKEN_LIFETIME: Duration = Duration::days(1);

/// The largest upload of each kind, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    pub max_photo_bytes: u64,
    pub max_video_bytes: u64,
}

impl Default for UploadLimits {
    /// Google's 200 MB and 20 GB, read generously (binary units) so nothing Google takes is
    /// refused.
    fn default() -> Self {
        Self {
            max_photo_bytes: 200 * 1024 * 1024,
            max_video_bytes: 20 * 1024 * 1024 * 1024,
        }
    }
}

impl UploadLimits {
    /// The limit for a declared MIME type: photos get the photo limit; videos, unknown and
    /// undeclared types the larger one until their bytes are seen.
    pub fn for_declared_type(&self, mime_type: Option<&str>) -> u64 {
        match mime_type {
            Some(mime) if mime.starts_with("image/") => self.max_photo_bytes,
            _ => self.max_video_bytes,
        }
    }
}

/// Who uploads, and what the request said about the file.
#[derive(Debug, Clone)]
pub struct RawUpload {
    pub user: UserId,
    pub client_id: String,
    pub declared_mime_type: Option<String>,
    pub file_name: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("Payload must not be empty")]
    Empty,
    /// More bytes than the limit of the sniffed type (unknown types get the photo limit).
    #[error("the upload exceeds {limit} bytes")]
    TooLarge { limit: u64 },
    #[error(transparent)]
    Blob(BlobError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Google's tokens start `CAIS`; the rest is opaque.
fn new_upload_token() -> String {
    format!("CAIS{}", random_tail(96))
}

/// The digest under which an upload token is stored.
pub fn upload_token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The limit the bytes of one stream are held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LimitRule {
    /// The stream is a whole file and its first bytes decide its type: photos get the photo
    /// limit, and only the larger limit applies until the type is known.
    Sniffed(UploadLimits),
    /// A limit known beforehand.
    Fixed(u64),
}

/// Counts bytes as they pass and fails the stream once the rule's limit is exceeded.
/// `exceeded` is set to the limit when that happens.
fn limited<S, E>(
    body: S,
    rule: LimitRule,
    exceeded: Arc<AtomicU64>,
) -> impl Stream<Item = Result<Bytes, io::Error>> + Send
where
    S: Stream<Item = Result<Bytes, E>> + Send,
    E: std::error::Error + Send + Sync + 'static,
{
    let mut seen: u64 = 0;
    let mut head: Vec<u8> = Vec::with_capacity(SNIFF_LEN);
    let mut done = false;
    body.map(move |chunk| {
        let chunk = chunk.map_err(io::Error::other)?;
        seen += chunk.len() as u64;
        let limit = match rule {
            LimitRule::Fixed(limit) => limit,
            LimitRule::Sniffed(limits) => {
                if head.len() < SNIFF_LEN {
                    let take = (SNIFF_LEN - head.len()).min(chunk.len());
                    head.extend_from_slice(chunk.get(..take).unwrap_or_default());
                }
                // Until the type is known (first bytes), only the larger limit applies.
                let is_video = sniff(&head).is_some_and(|t| t.is_video());
                if is_video || head.len() < SNIFF_LEN.min(8) {
                    limits.max_video_bytes
                } else {
                    limits.max_photo_bytes
                }
            }
        };
        if seen > limit {
            exceeded.store(limit, Ordering::SeqCst);
            return Err(io::Error::other("upload too large"));
        }
        Ok(chunk)
    })
    .take_while(move |item| {
        // Stop after the first error so the writer sees it and discards the staged bytes.
        let keep = !done;
        done |= item.is_err();
        futures::future::ready(keep)
    })
}

/// Streams `body` into the blob store under `rule`: `TooLarge` (and nothing stored) once the
/// limit is exceeded.
pub(crate) async fn store_limited<S, E>(
    blobs: &BlobStore,
    body: S,
    rule: LimitRule,
) -> Result<PutOutcome, UploadError>
where
    S: Stream<Item = Result<Bytes, E>> + Send,
    E: std::error::Error + Send + Sync + 'static,
{
    let exceeded = Arc::new(AtomicU64::new(0));
    match blobs
        .put_stream(limited(body, rule, exceeded.clone()))
        .await
    {
        Ok(stored) => Ok(stored),
        Err(err) => {
            let limit = exceeded.load(Ordering::SeqCst);
            Err(if limit > 0 {
                UploadError::TooLarge { limit }
            } else {
                UploadError::Blob(err)
            })
        }
    }
}

/// A new upload token for stored bytes, valid one day from `now`, and the record to store:
/// `Empty` if there are no bytes.
pub(crate) fn issue_upload_token(
    upload: RawUpload,
    stored: &PutOutcome,
    now: OffsetDateTime,
) -> Result<(String, UploadToken), UploadError> {
    if stored.size == 0 {
        return Err(UploadError::Empty);
    }
    let token = new_upload_token();
    let record = UploadToken {
        digest: upload_token_digest(&token),
        user_id: upload.user,
        client_id: upload.client_id,
        blob_key: stored.key.as_hex().to_owned(),
        size: stored.size,
        mime_type: upload.declared_mime_type,
        file_name: upload.file_name,
        created_at: now,
        expires_at: now + UPLOAD_TOKEN_LIFETIME,
        used_at: None,
    };
    Ok((token, record))
}

/// Stores the body and returns a new upload token.
pub async fn accept_raw_upload<S, E>(
    store: &dyn UploadRepo,
    blobs: &BlobStore,
    clock: &dyn Clock,
    upload: RawUpload,
    body: S,
    limits: UploadLimits,
) -> Result<String, UploadError>
where
    S: Stream<Item = Result<Bytes, E>> + Send,
    E: std::error::Error + Send + Sync + 'static,
{
    let stored = store_limited(blobs, body, LimitRule::Sniffed(limits)).await?;
    let (token, record) = issue_upload_token(upload, &stored, clock.now())?;
    store.insert_upload_token(&record).await?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_tokens_look_like_googles_and_differ() {
        let token = new_upload_token();
        assert!(token.starts_with("CAIS"));
        assert_ne!(token, new_upload_token());
        assert_eq!(upload_token_digest(&token).len(), 64);
    }

    fn chunks(parts: Vec<Vec<u8>>) -> impl Stream<Item = Result<Bytes, io::Error>> + Send {
        futures::stream::iter(parts.into_iter().map(|p| Ok(Bytes::from(p))))
    }

    async fn run(parts: Vec<Vec<u8>>, rule: LimitRule) -> (Vec<Result<usize, ()>>, u64) {
        let exceeded = Arc::new(AtomicU64::new(0));
        let out: Vec<_> = limited(chunks(parts), rule, exceeded.clone())
            .map(|r| r.map(|b| b.len()).map_err(|_| ()))
            .collect()
            .await;
        (out, exceeded.load(Ordering::SeqCst))
    }

    #[tokio::test]
    async fn a_photo_over_its_limit_fails_once_and_stops() {
        let png_head = b"\x89PNG\r\n\x1a\n".to_vec();
        let limits = UploadLimits {
            max_photo_bytes: 100,
            max_video_bytes: 1000,
        };
        let mut first = png_head;
        first.resize(80, 0);
        let (out, exceeded) = run(
            vec![first, vec![0; 80], vec![0; 80]],
            LimitRule::Sniffed(limits),
        )
        .await;
        assert_eq!(out, vec![Ok(80), Err(())]);
        assert_eq!(exceeded, 100);
    }

    #[tokio::test]
    async fn a_video_gets_the_larger_limit() {
        let mut mp4 = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2".to_vec();
        mp4.resize(100, 0);
        let limits = UploadLimits {
            max_photo_bytes: 100,
            max_video_bytes: 1000,
        };
        let (out, exceeded) = run(vec![mp4, vec![0; 500]], LimitRule::Sniffed(limits)).await;
        assert_eq!(out, vec![Ok(100), Ok(500)]);
        assert_eq!(exceeded, 0);
    }

    #[tokio::test]
    async fn a_fixed_limit_ignores_the_type() {
        let mut mp4 = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2".to_vec();
        mp4.resize(100, 0);
        let (out, exceeded) = run(vec![mp4, vec![0; 50]], LimitRule::Fixed(120)).await;
        assert_eq!(out, vec![Ok(100), Err(())]);
        assert_eq!(exceeded, 120);
    }

    #[test]
    fn declared_photos_get_the_photo_limit_and_everything_else_the_larger_one() {
        let limits = UploadLimits::default();
        assert_eq!(
            limits.for_declared_type(Some("image/heic")),
            limits.max_photo_bytes
        );
        for other in [Some("video/mp4"), Some("application/zip"), None] {
            assert_eq!(limits.for_declared_type(other), limits.max_video_bytes);
        }
    }
}
