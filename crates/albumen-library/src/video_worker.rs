//! The background job that takes a video from `PROCESSING` to `READY` or `FAILED`: any
//! node leases one waiting video at a time through the database, probes its container
//! again (the whole file, by seeking), asks `ffprobe` for what that could not read (when
//! installed), records what it learned, and moves on.

use albumen_core::media::{MediaItem, VideoStatus};
use albumen_media::{Details, ProbeError};
use time::Duration;
use tokio::sync::watch;

use crate::service::Library;

/// How long a node holds a video before another may take it over (a crashed node's lease
/// simply lapses).
pub const LEASE: Duration = Duration::minutes(10);
/// How often idle workers look for videos left by other nodes or lapsed leases (on the
/// injected clock, so a test that moves it sees the worker look again).
const IDLE_POLL: Duration = Duration::seconds(30);

impl Library {
    /// Processes every video waiting now; returns how many were finished.
    pub async fn process_waiting_videos(&self) -> Result<usize, albumen_core::StoreError> {
        let mut done = 0;
        loop {
            let now = self.clock.now();
            let Some(item) = self.store.claim_processing_video(now, now + LEASE).await? else {
                return Ok(done);
            };
            if self.process_video(item).await? {
                done += 1;
            }
        }
    }

    /// Probes one video; `Ok(false)` when a read failure leaves it for a later attempt.
    async fn process_video(&self, item: MediaItem) -> Result<bool, albumen_core::StoreError> {
        match self.probe_blob(&item.blob_key, item.size).await {
            Ok(probe) => {
                let mut updated = item;
                if let Some(d) = probe.dimensions {
                    updated.width = Some(d.width);
                    updated.height = Some(d.height);
                }
                if let Details::Video(video) = &probe.details {
                    updated.facts.fps = video.fps.or(updated.facts.fps);
                    updated.facts.duration = video.duration_s.or(updated.facts.duration);
                }
                updated.facts.camera_make = probe.camera_make.or(updated.facts.camera_make);
                updated.facts.camera_model = probe.camera_model.or(updated.facts.camera_model);
                let incomplete = updated.width.is_none()
                    || updated.facts.fps.is_none()
                    || updated.facts.duration.is_none();
                if incomplete {
                    self.complete_with_ffprobe(&mut updated).await;
                }
                updated.video_status = Some(VideoStatus::Ready);
                self.store
                    .finish_video_processing(&updated, VideoStatus::Ready)
                    .await?;
                Ok(true)
            }
            Err(ProbeError::Io(err)) => {
                tracing::warn!(error = %err, item = %item.id, "video could not be read; will retry");
                Ok(false)
            }
            Err(err) => {
                // A container the in-process probe cannot read may still be a video ffprobe
                // understands.
                let mut updated = item;
                if self.complete_with_ffprobe(&mut updated).await {
                    updated.video_status = Some(VideoStatus::Ready);
                    self.store
                        .finish_video_processing(&updated, VideoStatus::Ready)
                        .await?;
                    return Ok(true);
                }
                tracing::info!(error = %err, item = %updated.id, "video failed processing");
                self.store
                    .finish_video_processing(&updated, VideoStatus::Failed)
                    .await?;
                Ok(true)
            }
        }
    }

    /// Fills what `ffprobe` knows and the item lacks; true when it found a sized video.
    async fn complete_with_ffprobe(&self, item: &mut MediaItem) -> bool {
        let Some(renditions) = &self.renditions else {
            return false;
        };
        let Some(facts) = renditions.video_facts(&item.blob_key).await else {
            return false;
        };
        item.width = item.width.or(facts.width);
        item.height = item.height.or(facts.height);
        item.facts.fps = item.facts.fps.or(facts.fps);
        item.facts.duration = item.facts.duration.or(facts.duration_s);
        facts.width.is_some()
    }

    /// Runs until `stop` turns true: processes waiting videos whenever woken by a new
    /// upload, and every [`IDLE_POLL`] otherwise.
    pub async fn run_video_worker(self, mut stop: watch::Receiver<bool>) {
        loop {
            if let Err(err) = self.process_waiting_videos().await {
                tracing::warn!(error = %err, "video worker could not reach the store");
            }
            tokio::select! {
                () = self.video_jobs.notified() => {}
                () = self.clock.sleep(IDLE_POLL) => {}
                () = stopped(&mut stop) => return,
            }
        }
    }
}

/// Resolves once `stop` turns true (or its sender is gone).
pub(crate) async fn stopped(stop: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns is not `Send`; drop it here.
    let _ = stop.wait_for(|s| *s).await.map(|_| ());
}
