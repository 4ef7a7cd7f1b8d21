//! What serving a base URL needs to know of an item (owner, blob, type, size, video status)
//! and of the project its fetches count against, kept in memory for a few seconds, so a hot
//! thumbnail costs no database statement. Entries die when the node's change epoch moves (a
//! project's limits or existence changed) and after [`FRESH_FOR`] (an item's own changes,
//! such as a video becoming `READY`, show within that; a base URL lives an hour anyway).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use albumen_core::media::MediaItem;
use albumen_core::project::Project;

/// How long an entry is trusted (real time: this is a cache's freshness, not a domain rule).
const FRESH_FOR: Duration = Duration::from_secs(5);
/// Entries kept at most; the map is emptied when full (hot items come back at once).
const MAX_ENTRIES: usize = 20_000;

/// An item and the project that created it (`None` for items no app counts as its own).
#[derive(Debug, Clone)]
pub(crate) struct Fetched {
    pub item: Arc<MediaItem>,
    pub project: Option<Arc<Project>>,
}

#[derive(Debug, Default)]
pub struct FetchCache {
    entries: Mutex<HashMap<String, (Fetched, Instant, u64)>>,
}

impl FetchCache {
    /// The entry for `item_id`, if it is fresh and of the current `epoch`.
    pub(crate) fn get(&self, item_id: &str, epoch: u64) -> Option<Fetched> {
        let entries = self.lock();
        let (fetched, at, entry_epoch) = entries.get(item_id)?;
        (*entry_epoch == epoch && at.elapsed() < FRESH_FOR).then(|| fetched.clone())
    }

    pub(crate) fn put(&self, item_id: &str, fetched: Fetched, epoch: u64) {
        let mut entries = self.lock();
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(item_id.to_owned(), (fetched, Instant::now(), epoch));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Fetched, Instant, u64)>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
