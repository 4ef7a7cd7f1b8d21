//! The collector of orphaned blobs: bytes no media item, live upload token or upload session
//! points at (an upload abandoned before `batchCreate`, a crash between the blob write and
//! its metadata). Blobs are written before metadata points at them, so a blob seen
//! unreferenced once may be an upload in flight: it is deleted only when a later sweep, at
//! least [`GRACE`] after the first, still finds it unreferenced.

use std::collections::HashMap;

use albumen_blob::BlobKey;
use albumen_core::media::BlobUse;
use futures::TryStreamExt as _;
use time::{Duration, OffsetDateTime};

use crate::error::{LibraryError, LibraryResult};
use crate::service::Library;

/// How long a blob must stay unreferenced before it is deleted.
pub const GRACE: Duration = Duration::hours(1);

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub scanned: u64,
    pub deleted: u64,
    /// Unreferenced, but not yet for [`GRACE`].
    pub pending: u64,
}

/// Remembers unreferenced blobs between sweeps (per node; each node's first sighting
/// starts its own grace period, so nodes never delete what another is still writing).
#[derive(Debug, Default)]
pub struct OrphanCollector {
    first_seen_unreferenced: HashMap<String, OffsetDateTime>,
}

impl OrphanCollector {
    /// Scans every blob once.
    pub async fn sweep(&mut self, library: &Library) -> LibraryResult<SweepReport> {
        let now = library.clock.now();
        let mut report = SweepReport::default();
        let mut still_unreferenced = HashMap::new();
        let mut blobs = library.blobs.list();
        while let Some(meta) = blobs.try_next().await.map_err(LibraryError::Blob)? {
            report.scanned += 1;
            let hex = meta.key.as_hex().to_owned();
            if !is_unreferenced(library, &hex).await? {
                continue;
            }
            let first_seen = self
                .first_seen_unreferenced
                .get(&hex)
                .copied()
                .unwrap_or(now);
            if now - first_seen >= GRACE {
                delete(library, &meta.key).await?;
                report.deleted += 1;
            } else {
                report.pending += 1;
                still_unreferenced.insert(hex, first_seen);
            }
        }
        self.first_seen_unreferenced = still_unreferenced;
        Ok(report)
    }
}

async fn is_unreferenced(library: &Library, hex: &str) -> LibraryResult<bool> {
    Ok(library.store.blob_use(hex).await? == BlobUse::Unreferenced
        && !library.store.session_uses_blob(hex).await?)
}

async fn delete(library: &Library, key: &BlobKey) -> LibraryResult<()> {
    tracing::info!(blob = key.as_hex(), "deleting an orphaned blob");
    library.blobs.delete(key).await.map_err(LibraryError::Blob)
}
