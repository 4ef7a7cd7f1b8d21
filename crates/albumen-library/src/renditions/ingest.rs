//! The preview builder: after `batchCreate`, any node leases a waiting original through the
//! database (as the video probe does), builds its preview, thumb and thumbhash on the bounded
//! pool, stores the two pictures as blobs of their own and records them. Woken by new uploads and by the
//! injected clock's timer, never by a bare sleep, so a test that moves the clock sees lapsed
//! leases taken over at once.

use albumen_core::StoreError;
use albumen_core::derivative::{Derivative, DerivativeJob, Preview};
use albumen_render::{RenderError, Rendition, derive};
use bytes::Bytes;
use time::Duration;
use tokio::sync::watch;

use super::{Inner, Renditions, Source};
use crate::video_worker::stopped;

/// How long a node holds an original before another may take it over.
pub const LEASE: Duration = Duration::minutes(10);
/// How often an idle builder looks for work left by other nodes or lapsed leases.
const IDLE_POLL: Duration = Duration::seconds(30);
/// Attempts before an original whose blob cannot be read is given up.
const MAX_ATTEMPTS: u32 = 5;

impl Renditions {
    /// Builds every original waiting now; returns how many were finished.
    pub async fn build_waiting(&self) -> Result<usize, StoreError> {
        let inner = &self.inner;
        let mut done = 0;
        loop {
            let now = inner.clock.now();
            let Some(job) = inner.store.claim_derivative(now, now + LEASE).await? else {
                return Ok(done);
            };
            let outcome = inner.build(&job).await;
            inner
                .store
                .finish_derivative(&job.blob_key, &outcome)
                .await?;
            done += 1;
        }
    }

    /// Runs until `stop` turns true: builds whenever woken by an upload, and every
    /// [`IDLE_POLL`] of the injected clock otherwise.
    pub async fn run_builder(self, mut stop: watch::Receiver<bool>) {
        loop {
            if let Err(err) = self.build_waiting().await {
                tracing::warn!(error = %err, "preview builder could not reach the store");
            }
            tokio::select! {
                () = self.inner.jobs.notified() => {}
                () = self.inner.clock.sleep(IDLE_POLL) => {}
                () = stopped(&mut stop) => return,
            }
        }
    }
}

impl Inner {
    /// The outcome for one original. A blob that cannot be read is left waiting (its lease
    /// lapses and it is tried again) until [`MAX_ATTEMPTS`].
    async fn build(&self, job: &DerivativeJob) -> Derivative {
        let load = self.original_source(&job.blob_key, &job.mime_type, job.kind, &job.blob_key);
        let limits = self.limits.clone();
        let built = self
            .pool
            .run(load, move |source| match source {
                Source::Bytes(bytes, _) => Some(derive(&bytes, &limits)),
                Source::Placeholder => None,
            })
            .await;
        let derived = match built {
            None if job.attempts < MAX_ATTEMPTS => return Derivative::Waiting,
            None | Some(None) => return Derivative::Failed,
            Some(Some(derived)) => derived,
        };
        let derived = match derived {
            Ok(derived) => derived,
            Err(RenderError::Failed(detail)) if job.attempts < MAX_ATTEMPTS => {
                tracing::warn!(%detail, "preview could not be built; will retry");
                return Derivative::Waiting;
            }
            Err(err) => {
                tracing::info!(code = err.code(), "original cannot be decoded; no preview");
                return Derivative::Failed;
            }
        };
        match (
            self.store_picture(derived.preview).await,
            self.store_picture(derived.thumb).await,
        ) {
            (Some(preview), Some(thumb)) => Derivative::Ready {
                preview,
                thumb,
                thumbhash: derived.thumbhash,
            },
            _ => Derivative::Waiting,
        }
    }

    /// Stores one preview as a blob; `None` (logged) when the store refuses it.
    async fn store_picture(&self, picture: Rendition) -> Option<Preview> {
        let (width, height) = (picture.width, picture.height);
        match self.blobs.put_bytes(Bytes::from(picture.bytes)).await {
            Ok(put) => Some(Preview {
                blob_key: put.key.as_hex().to_owned(),
                width,
                height,
            }),
            Err(err) => {
                tracing::warn!(error = %err, "cannot store a preview; will retry");
                None
            }
        }
    }
}
