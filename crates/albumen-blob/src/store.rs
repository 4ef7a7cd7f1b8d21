//! [`BlobStore`]: put, get (with byte ranges), head, delete, list and staging sweep, the same
//! on a local directory and on S3-compatible storage.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{BackoffConfig, GetOptions, GetRange, ObjectStore, ObjectStoreExt, RetryConfig};

use crate::error::BlobError;
use crate::key::{BLOB_PREFIX, BlobKey};
use crate::stage::{STAGING_PREFIX, Staged, stage_local, stage_remote};

/// Where an S3-compatible bucket is and how to reach it.
#[derive(Clone, Default)]
pub struct S3Options {
    /// e.g. `http://127.0.0.1:9000`; empty for AWS itself.
    pub endpoint: Option<String>,
    pub bucket: String,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// `https://host/bucket/key` instead of `https://bucket.host/key` (most self-hosted servers).
    pub path_style: bool,
}

impl std::fmt::Debug for S3Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Options")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("path_style", &self.path_style)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Backend {
    /// Writes go straight to files under this root; reads go through `object_store`.
    Local(PathBuf),
    S3,
}

/// The blob store: cheap to clone.
#[derive(Debug, Clone)]
pub struct BlobStore {
    objects: Arc<dyn ObjectStore>,
    pub(crate) backend: Backend,
    description: String,
}

/// The result of storing a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutOutcome {
    pub key: BlobKey,
    pub size: u64,
    /// The same bytes were already stored; nothing new was written.
    pub existed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobMeta {
    pub key: BlobKey,
    pub size: u64,
}

/// A (possibly partial) read of a blob.
pub struct BlobRead {
    /// The size of the whole blob.
    pub size: u64,
    /// The bytes this read returns.
    pub range: Range<u64>,
    pub body: BoxStream<'static, Result<Bytes, BlobError>>,
}

impl std::fmt::Debug for BlobRead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlobRead")
            .field("size", &self.size)
            .field("range", &self.range)
            .finish_non_exhaustive()
    }
}

impl BlobStore {
    /// A store under `root`, created if missing. Every write is fsynced before it is
    /// acknowledged.
    pub fn local(root: impl Into<PathBuf>) -> Result<Self, BlobError> {
        let root: PathBuf = root.into();
        for dir in [BLOB_PREFIX, STAGING_PREFIX] {
            std::fs::create_dir_all(root.join(dir)).map_err(BlobError::io)?;
        }
        let objects = LocalFileSystem::new_with_prefix(&root)
            .map_err(BlobError::from_store)?
            .with_fsync(true);
        Ok(Self {
            objects: Arc::new(objects),
            description: format!("local directory {}", root.display()),
            backend: Backend::Local(root),
        })
    }

    /// A store in an S3-compatible bucket (which must exist).
    pub fn s3(options: &S3Options) -> Result<Self, BlobError> {
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&options.bucket)
            .with_region(&options.region)
            .with_virtual_hosted_style_request(!options.path_style)
            // A few quick retries ride out a blip; an unreachable store should fail within
            // seconds (at start and in /readyz), not after the default three minutes.
            .with_retry(RetryConfig {
                backoff: BackoffConfig::default(),
                max_retries: 3,
                retry_timeout: Duration::from_secs(15),
            });
        if let Some(endpoint) = &options.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if let Some(id) = &options.access_key_id {
            builder = builder.with_access_key_id(id);
        }
        if let Some(secret) = &options.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        let objects = builder.build().map_err(BlobError::from_store)?;
        let place = options.endpoint.as_deref().unwrap_or("AWS");
        Ok(Self {
            objects: Arc::new(objects),
            description: format!("S3 bucket {} at {place}", options.bucket),
            backend: Backend::S3,
        })
    }

    /// Where the blobs live, for messages (no credentials).
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Succeeds when the backing store answers.
    pub async fn ping(&self) -> Result<(), BlobError> {
        if let Backend::Local(root) = &self.backend {
            tokio::fs::metadata(root.join(BLOB_PREFIX))
                .await
                .map_err(BlobError::io)?;
        }
        match self.objects.head(&Path::from("ready-probe")).await {
            Ok(_) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(BlobError::from_store(e)),
        }
    }

    /// Streams `input` into the store under the SHA-256 of its bytes. The blob is durable
    /// and complete before this returns; if the same bytes were already stored, the new
    /// copy is discarded. If `input` fails, nothing is stored.
    #[tracing::instrument(skip_all, fields(blob.key, blob.size), err)]
    pub async fn put_stream<S, E>(&self, input: S) -> Result<PutOutcome, BlobError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: std::error::Error + Send + Sync + 'static,
    {
        let Staged { path, key, size } = match &self.backend {
            Backend::Local(root) => stage_local(root, input).await?,
            Backend::S3 => stage_remote(self.objects.as_ref(), input).await?,
        };
        tracing::Span::current()
            .record("blob.key", key.as_hex())
            .record("blob.size", size);
        let target = key.object_path();
        let existed = match self.objects.head(&target).await {
            Ok(_) => true,
            Err(object_store::Error::NotFound { .. }) => false,
            Err(e) => {
                let _ = self.objects.delete(&path).await;
                return Err(BlobError::from_store(e));
            }
        };
        if existed {
            self.objects
                .delete(&path)
                .await
                .map_err(BlobError::from_store)?;
        } else {
            // A rename replaces atomically; a concurrent put of the same bytes writes the
            // same content, so overwriting is harmless.
            self.objects
                .rename(&path, &target)
                .await
                .map_err(BlobError::from_store)?;
        }
        Ok(PutOutcome { key, size, existed })
    }

    /// Stores a buffer (a convenience over [`Self::put_stream`]).
    pub async fn put_bytes(&self, bytes: Bytes) -> Result<PutOutcome, BlobError> {
        self.put_stream(futures::stream::iter([Ok::<_, std::io::Error>(bytes)]))
            .await
    }

    pub async fn head(&self, key: &BlobKey) -> Result<BlobMeta, BlobError> {
        let meta = self
            .objects
            .head(&key.object_path())
            .await
            .map_err(BlobError::from_store)?;
        Ok(BlobMeta {
            key: key.clone(),
            size: meta.size,
        })
    }

    /// Reads the whole blob, or the bytes in `range` (clamped to the blob's end).
    pub async fn get(
        &self,
        key: &BlobKey,
        range: Option<Range<u64>>,
    ) -> Result<BlobRead, BlobError> {
        let path = key.object_path();
        let options = match range {
            None => GetOptions::default(),
            Some(range) => {
                let size = self.head(key).await?.size;
                if range.start >= size || range.start >= range.end {
                    return Err(BlobError::RangeNotSatisfiable { size });
                }
                GetOptions::default()
                    .with_range(Some(GetRange::Bounded(range.start..range.end.min(size))))
            }
        };
        let result = self
            .objects
            .get_opts(&path, options)
            .await
            .map_err(BlobError::from_store)?;
        Ok(BlobRead {
            size: result.meta.size,
            range: result.range.clone(),
            body: result.into_stream().map_err(BlobError::from_store).boxed(),
        })
    }

    /// Reads a whole blob into memory (for small blobs and tests).
    pub async fn get_bytes(&self, key: &BlobKey) -> Result<Bytes, BlobError> {
        let read = self.get(key, None).await?;
        let chunks: Vec<Bytes> = read.body.try_collect().await?;
        Ok(chunks.concat().into())
    }

    /// Deletes a blob; deleting a missing blob is not an error.
    pub async fn delete(&self, key: &BlobKey) -> Result<(), BlobError> {
        match self.objects.delete(&key.object_path()).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(BlobError::from_store(e)),
        }
    }

    /// Every stored blob, in no particular order (for garbage collection and checks).
    pub fn list(&self) -> BoxStream<'static, Result<BlobMeta, BlobError>> {
        self.objects
            .list(Some(&Path::from(BLOB_PREFIX)))
            .map_err(BlobError::from_store)
            .try_filter_map(|meta| async move {
                Ok(
                    BlobKey::from_object_path(&meta.location).map(|key| BlobMeta {
                        key,
                        size: meta.size,
                    }),
                )
            })
            .boxed()
    }

    /// Removes staging objects last modified before `cutoff`: the remains of writes cut off
    /// by a crash. Returns how many were removed. Pass a cutoff well before any write that
    /// may still be running.
    pub async fn sweep_staging(&self, cutoff: SystemTime) -> Result<u64, BlobError> {
        let stale: Vec<Path> = self
            .objects
            .list(Some(&Path::from(STAGING_PREFIX)))
            .map_err(BlobError::from_store)
            .try_filter_map(|meta| async move {
                let modified = SystemTime::from(meta.last_modified);
                Ok((modified < cutoff).then_some(meta.location))
            })
            .try_collect()
            .await?;
        let mut removed = 0;
        for path in stale {
            match self.objects.delete(&path).await {
                Ok(()) => removed += 1,
                Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(BlobError::from_store(e)),
            }
        }
        Ok(removed)
    }
}
