//! Staging: stream incoming bytes to a temporary object while hashing them. Only a fully
//! written, durable staging object is later moved to its content address.

use std::path::PathBuf;

use bytes::Bytes;
use futures::{Stream, StreamExt};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::error::BlobError;
use crate::key::BlobKey;

pub(crate) const STAGING_PREFIX: &str = "staging";

/// S3 parts must be at least 5 MiB (but the last); one part is buffered while at most one
/// more is in flight, so an upload holds about 10 MiB whatever its size.
const S3_PART_SIZE: usize = 5 * 1024 * 1024;

/// A completely written staging object.
#[derive(Debug)]
pub(crate) struct Staged {
    pub path: Path,
    pub key: BlobKey,
    pub size: u64,
}

pub(crate) fn new_staging_path() -> Path {
    Path::from(format!(
        "{STAGING_PREFIX}/{}",
        uuid::Uuid::new_v4().simple()
    ))
}

/// Writes straight to a file under the local root (no whole-part buffering, as
/// `object_store`'s local multipart would do), then fsyncs it before reporting success.
pub(crate) async fn stage_local<S, E>(root: &std::path::Path, input: S) -> Result<Staged, BlobError>
where
    S: Stream<Item = Result<Bytes, E>> + Send,
    E: std::error::Error + Send + Sync + 'static,
{
    let path = new_staging_path();
    let file_path: PathBuf = root.join(path.as_ref());
    let result = write_local(&file_path, input).await;
    if result.is_err() {
        // Best effort: a leftover staging file is also collected by the staging sweep.
        let _ = tokio::fs::remove_file(&file_path).await;
    }
    let (key, size) = result?;
    Ok(Staged { path, key, size })
}

async fn write_local<S, E>(file_path: &PathBuf, input: S) -> Result<(BlobKey, u64), BlobError>
where
    S: Stream<Item = Result<Bytes, E>> + Send,
    E: std::error::Error + Send + Sync + 'static,
{
    let mut file = tokio::fs::File::create(file_path)
        .await
        .map_err(BlobError::io)?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut input = std::pin::pin!(input);
    while let Some(chunk) = input.next().await {
        let chunk = chunk.map_err(|e| BlobError::Input(Box::new(e)))?;
        hasher.update(&chunk);
        size += chunk.len() as u64;
        file.write_all(&chunk).await.map_err(BlobError::io)?;
    }
    file.flush().await.map_err(BlobError::io)?;
    file.sync_all().await.map_err(BlobError::io)?;
    Ok((BlobKey::from_digest(&hasher.finalize()), size))
}

/// Streams to a multipart upload; the object only exists once the upload completes.
pub(crate) async fn stage_remote<S, E>(
    store: &dyn ObjectStore,
    input: S,
) -> Result<Staged, BlobError>
where
    S: Stream<Item = Result<Bytes, E>> + Send,
    E: std::error::Error + Send + Sync + 'static,
{
    let path = new_staging_path();
    let upload = store
        .put_multipart(&path)
        .await
        .map_err(BlobError::from_store)?;
    let mut writer = WriteMultipart::new_with_chunk_size(upload, S3_PART_SIZE);
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut input = std::pin::pin!(input);
    while let Some(chunk) = input.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => {
                let _ = writer.abort().await;
                return Err(BlobError::Input(Box::new(e)));
            }
        };
        hasher.update(&chunk);
        size += chunk.len() as u64;
        if let Err(e) = writer.wait_for_capacity(1).await {
            let _ = writer.abort().await;
            return Err(BlobError::from_store(e));
        }
        writer.put(chunk);
    }
    writer.finish().await.map_err(BlobError::from_store)?;
    Ok(Staged {
        path,
        key: BlobKey::from_digest(&hasher.finalize()),
        size,
    })
}
