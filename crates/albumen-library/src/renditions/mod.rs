//! Renditions of media items for base URLs: which picture an option string asks for, where
//! it comes from (the preview built at ingest when it is big enough, else the original, a
//! HEIC converted by `heif-convert`, a video still from `ffmpeg`, or a placeholder), and the
//! machinery around the pure renderer: the bounded pool, the on-disk cache and single
//! flight. Callers get finished bytes; HTTP is theirs. The preview builder is [`ingest`].

pub mod cache;
pub mod flight;
pub mod ingest;
pub mod pool;
pub mod tools;

use std::path::PathBuf;
use std::sync::Arc;

use albumen_blob::{BlobKey, BlobStore};
use albumen_core::Clock;
use albumen_core::derivative::Derivative;
use albumen_core::media::{MediaItem, MediaKind};
use albumen_core::ports::MetadataStore;
use albumen_media::MediaType;
use albumen_render::geometry::plan;
use albumen_render::{
    RENDER_VERSION, RenderError, RenderLimits, RenderRequest, SizeRequest, placeholder, render,
};
use bytes::Bytes;
use sha2::{Digest, Sha256};
use tokio::sync::Notify;

use self::cache::{CachedRendition, RenditionCache};
use self::flight::Flights;
use self::pool::RenderPool;
use self::tools::{ToolError, Tools};
use crate::base_url::Options;
use crate::base_url::options::MAX_DIMENSION;

/// Where and how much this node caches.
#[derive(Debug, Clone)]
pub struct RenditionSettings {
    /// The cache directory (created if missing).
    pub cache_dir: PathBuf,
    /// The cache's bound in bytes.
    pub cache_max_bytes: u64,
    /// Renditions computed at once (about one per core).
    pub workers: usize,
    /// Where tools write their output and remote blobs are downloaded for them.
    pub scratch_dir: PathBuf,
}

/// Why no rendition could be served.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RenditionError {
    /// The stored file is corrupt or over the render limits: a verdict on the item.
    #[error("the item's picture cannot be rendered: {0}")]
    Unrenderable(&'static str),
    /// Reading the blob or running the pool failed: a fault of this node.
    #[error("rendition failed: {0}")]
    Internal(String),
}

/// A request for a picture, normalised: two option strings that mean the same thing give
/// the same `Ask` (and so the same cache entry and entity tag).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ask {
    size: SizeRequest,
    play_overlay: bool,
}

impl Ask {
    /// The picture `options` ask of `item`, or `None` when they ask for the file itself
    /// (`d` on a photo, `dv`), which is not a rendition.
    pub fn of(item: &MediaItem, options: &Options) -> Option<Ask> {
        if options.video || (item.kind == MediaKind::Photo && options.download) {
            return None;
        }
        let mut size = SizeRequest {
            width: options.width,
            height: options.height,
            crop: options.crop && options.width.is_some() && options.height.is_some(),
        };
        // `=d` on a video is its still at full size.
        if options.download && size.width.is_none() && size.height.is_none() {
            size.width = Some(MAX_DIMENSION);
            size.height = Some(MAX_DIMENSION);
        }
        Some(Ask {
            size,
            // `-no` has no effect on photos (addendum-resolved.md §7: identical bytes).
            play_overlay: item.kind == MediaKind::Video && !options.no_overlay,
        })
    }

    fn normalized(&self) -> String {
        let SizeRequest {
            width,
            height,
            crop,
        } = self.size;
        format!(
            "w{}-h{}-c{}-o{}",
            width.unwrap_or(0),
            height.unwrap_or(0),
            u8::from(crop),
            u8::from(self.play_overlay)
        )
    }
}

/// The renditions of one node.
#[derive(Debug, Clone)]
pub struct Renditions {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Arc<dyn MetadataStore>,
    clock: Arc<dyn Clock>,
    blobs: BlobStore,
    /// Wakes this node's preview builder.
    jobs: Arc<Notify>,
    cache: RenditionCache,
    pool: RenderPool,
    flights: Flights<Result<CachedRendition, RenditionError>>,
    tools: Tools,
    limits: RenderLimits,
    scratch: PathBuf,
}

impl Renditions {
    /// Opens the cache; `tools` are the external tools found.
    pub async fn open(
        store: Arc<dyn MetadataStore>,
        clock: Arc<dyn Clock>,
        blobs: BlobStore,
        settings: RenditionSettings,
        tools: Tools,
    ) -> std::io::Result<Self> {
        let cache = RenditionCache::open(settings.cache_dir, settings.cache_max_bytes).await?;
        Ok(Renditions {
            inner: Arc::new(Inner {
                store,
                clock,
                blobs,
                jobs: Arc::default(),
                cache,
                pool: RenderPool::new(settings.workers),
                flights: Flights::default(),
                tools,
                limits: RenderLimits::default(),
                scratch: settings.scratch_dir,
            }),
        })
    }

    /// The cache key of `ask` for `item`: the content, the request and the pipeline version.
    pub fn key(item: &MediaItem, ask: &Ask) -> String {
        let digest = Sha256::digest(format!(
            "{RENDER_VERSION}|{}|{}",
            item.blob_key,
            ask.normalized()
        ));
        // 160 bits name a rendition as uniquely as the whole digest would, in shorter names.
        hex::encode(digest.get(..20).unwrap_or_default())
    }

    /// A strong entity tag, known before anything is rendered.
    pub fn etag(item: &MediaItem, ask: &Ask) -> String {
        format!("\"r-{}\"", Self::key(item, ask))
    }

    /// The rendition, from the cache or computed once however many ask at the same time.
    pub async fn get(&self, item: &MediaItem, ask: Ask) -> Result<CachedRendition, RenditionError> {
        let key = Self::key(item, &ask);
        if let Some(hit) = self.inner.cache.get(&key).await {
            return Ok(hit);
        }
        let inner = self.inner.clone();
        let item = item.clone();
        let work_key = key.clone();
        let work = async move {
            let rendition = inner.compute(&item, ask).await?;
            inner.cache.put(&work_key, &rendition).await;
            Ok(rendition)
        };
        let panicked = || {
            Err(RenditionError::Internal(
                "the rendition task panicked".into(),
            ))
        };
        self.inner.flights.run(&key, work, panicked).await
    }

    /// What wakes this node's preview builder (`batchCreate` notifies it).
    pub fn jobs(&self) -> Arc<Notify> {
        self.inner.jobs.clone()
    }

    /// What `ffprobe` says of the video in `blob_key`; `None` without the tool or a verdict.
    pub async fn video_facts(&self, blob_key: &str) -> Option<tools::VideoFacts> {
        let key = BlobKey::parse(blob_key)?;
        let file = self
            .inner
            .blobs
            .local_file(&key, &self.inner.scratch)
            .await
            .ok()?;
        match self.inner.tools.video_facts(file.path()).await {
            Ok(facts) => Some(facts),
            Err(ToolError::Missing(_)) => None,
            Err(err) => {
                tracing::info!(error = %err, "ffprobe found no video facts");
                None
            }
        }
    }

    /// Bytes in this node's cache.
    pub fn cached_bytes(&self) -> u64 {
        self.inner.cache.total_bytes()
    }
}

/// What feeds the renderer.
enum Source {
    /// Bytes the renderer decodes, with the original's displayed size when they are a
    /// stand-in (a converted HEIC, a video still).
    Bytes(Bytes, Option<(u32, u32)>),
    /// Nothing decodable: a placeholder of the item's shape.
    Placeholder,
}

impl Inner {
    async fn compute(&self, item: &MediaItem, ask: Ask) -> Result<CachedRendition, RenditionError> {
        let request = RenderRequest {
            size: ask.size,
            play_overlay: ask.play_overlay,
            original_size: None,
        };
        let shape = (item.width.unwrap_or(1024), item.height.unwrap_or(768));
        let limits = self.limits.clone();
        let rendered = self
            .pool
            .run(self.source_for(item, ask), move |source| match source {
                Source::Bytes(bytes, original_size) => render(
                    &bytes,
                    &RenderRequest {
                        original_size,
                        ..request
                    },
                    &limits,
                ),
                Source::Placeholder => placeholder(shape.0, shape.1, &request),
            })
            .await
            .ok_or_else(|| RenditionError::Internal("the source could not be read".into()))?;
        match rendered {
            Ok(rendition) => Ok(CachedRendition {
                content_type: rendition.content_type,
                bytes: Bytes::from(rendition.bytes),
            }),
            Err(RenderError::NotDecodable(_)) => placeholder(shape.0, shape.1, &request)
                .map(|r| CachedRendition {
                    content_type: r.content_type,
                    bytes: Bytes::from(r.bytes),
                })
                .map_err(|e| RenditionError::Internal(e.to_string())),
            Err(RenderError::Failed(detail)) => Err(RenditionError::Internal(detail)),
            Err(other) => {
                tracing::info!(item = %item.id, code = other.code(), "picture cannot be rendered");
                Err(RenditionError::Unrenderable(other.code()))
            }
        }
    }

    /// The bytes to render `ask` from: the item's preview when it is big enough, else the
    /// original; `None` when no blob can be read.
    async fn source_for(&self, item: &MediaItem, ask: Ask) -> Option<Source> {
        if let Some(source) = self.preview_source(item, ask).await {
            return Some(source);
        }
        self.original_source(&item.blob_key, &item.mime_type, item.kind, &item.id)
            .await
    }

    /// The smaller of the thumb and the preview that covers the rendition, if they are built.
    /// An item whose original was never queued (uploaded before previews existed, or its
    /// queueing failed) is queued now.
    async fn preview_source(&self, item: &MediaItem, ask: Ask) -> Option<Source> {
        let (width, height) = item.width.zip(item.height)?;
        let pictures = match self.store.get_derivative(&item.blob_key).await {
            Ok(Derivative::Ready { preview, thumb, .. }) => [thumb, preview],
            Ok(_) => return None,
            Err(err) if err.is_not_found() => {
                let original = [(item.blob_key.clone(), item.mime_type.clone(), item.kind)];
                let queued = self.store.enqueue_derivatives(&original, self.clock.now());
                if queued.await.is_ok() {
                    self.jobs.notify_one();
                }
                return None;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot look up the preview; using the original");
                return None;
            }
        };
        let target = plan(width, height, ask.size);
        let covering = pictures
            .into_iter()
            .find(|p| target.width <= p.width && target.height <= p.height)?;
        let key = BlobKey::parse(&covering.blob_key)?;
        let bytes = self.blobs.get_bytes(&key).await.ok()?;
        Some(Source::Bytes(bytes, Some((width, height))))
    }

    /// The original's bytes, or a decodable stand-in made by a tool; `None` when the blob
    /// cannot be read.
    async fn original_source(
        &self,
        blob_key: &str,
        mime_type: &str,
        kind: MediaKind,
        item_id: &str,
    ) -> Option<Source> {
        let key = BlobKey::parse(blob_key)?;
        let media_type = MediaType::from_mime_type(mime_type);
        let needs_tool = kind == MediaKind::Video
            || matches!(
                media_type,
                Some(MediaType::Heic | MediaType::Heif | MediaType::Avif)
            );
        if !needs_tool {
            return match self.blobs.get_bytes(&key).await {
                Ok(bytes) => Some(Source::Bytes(bytes, None)),
                Err(err) => {
                    tracing::warn!(error = %err, item = item_id, "cannot read the blob to render");
                    None
                }
            };
        }
        let file = match self.blobs.local_file(&key, &self.scratch).await {
            Ok(file) => file,
            Err(err) => {
                tracing::warn!(error = %err, item = item_id, "cannot read the blob to render");
                return None;
            }
        };
        let converted = if kind == MediaKind::Video {
            self.tools.video_still(file.path(), &self.scratch).await
        } else {
            self.tools.heif_to_jpeg(file.path(), &self.scratch).await
        };
        match converted {
            // The tool's output is upright and at the original's size: plan against itself.
            Ok(jpeg) => Some(Source::Bytes(Bytes::from(jpeg), None)),
            Err(ToolError::Missing(_)) => Some(Source::Placeholder),
            Err(err) => {
                tracing::info!(error = %err, item = item_id, "no still from the tool; placeholder");
                Some(Source::Placeholder)
            }
        }
    }
}
