//! Periodic housekeeping on every node: orphaned blobs, expired upload sessions, and staging
//! files left by interrupted writes.

use std::time::SystemTime;

use time::Duration;
use tokio::sync::watch;

use crate::blob_gc::OrphanCollector;
use crate::service::Library;
use crate::video_worker::stopped;

/// How often a node tidies up (on the injected clock: a test that moves it past a period
/// sees a round run).
const PERIOD: Duration = Duration::minutes(15);
/// Staging files older than this belong to writes that died.
const STAGING_AGE: Duration = Duration::hours(6);

impl Library {
    /// One round of housekeeping; failures are logged and retried next round.
    pub async fn tidy(&self, collector: &mut OrphanCollector) {
        let now = self.clock.now();
        match self.store.delete_expired_upload_sessions(now).await {
            Ok(n) if n > 0 => tracing::info!(sessions = n, "expired upload sessions removed"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "cannot remove expired upload sessions"),
        }
        let cutoff = SystemTime::from(now - STAGING_AGE);
        if let Err(err) = self.blobs.sweep_staging(cutoff).await {
            tracing::warn!(error = %err, "cannot sweep the blob staging area");
        }
        match collector.sweep(self).await {
            Ok(report) if report.deleted > 0 => {
                tracing::info!(deleted = report.deleted, "orphaned blobs collected");
            }
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "orphaned-blob sweep failed"),
        }
    }

    /// Tidies up every [`PERIOD`] until `stop` turns true.
    pub async fn run_maintenance(self, mut stop: watch::Receiver<bool>) {
        let mut collector = OrphanCollector::default();
        loop {
            tokio::select! {
                () = self.clock.sleep(PERIOD) => self.tidy(&mut collector).await,
                () = stopped(&mut stop) => return,
            }
        }
    }
}
