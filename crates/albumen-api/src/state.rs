//! What every handler can reach: the ports, the services, the blob store, the clock, the
//! metrics and the cookie key.

use std::sync::Arc;

use albumen_blob::BlobStore;
use albumen_core::Clock;
use albumen_core::ports::MetadataStore;
use albumen_library::base_url::BaseUrlSigner;
use albumen_library::profile::LibrarySettings;
use albumen_library::quota::QuotaLedger;
use albumen_library::renditions::Renditions;
use albumen_library::service::Library;
use albumen_oauth::Authority;
use axum::extract::FromRef;
use axum_extra::extract::cookie::Key;
use tokio::sync::Notify;

use crate::library::media_bytes::fetch_cache::FetchCache;
use crate::metrics::Metrics;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn MetadataStore>,
    pub authority: Arc<Authority>,
    pub blobs: BlobStore,
    pub clock: Arc<dyn Clock>,
    pub metrics: Arc<Metrics>,
    /// Signs session and CSRF cookies; shared by every node through the database.
    pub cookie_key: Key,
    /// The compatibility profile and the upload limits.
    pub library: LibrarySettings,
    /// Mints and checks the signed `baseUrl`s (key shared by every node through the
    /// database).
    pub base_urls: BaseUrlSigner,
    /// This node's quota counting (in memory, written in batches).
    pub quotas: Arc<QuotaLedger>,
    /// Wakes this node's video worker when a video waits to be processed.
    pub video_jobs: Arc<Notify>,
    /// This node's renditions: image pool, cache and tools.
    pub renditions: Renditions,
    /// Items and projects base-URL fetches needed lately (a few seconds' worth).
    pub fetches: Arc<FetchCache>,
    /// The base URL clients reach this server at (no trailing slash); every URL the server
    /// hands out is built from it.
    pub public_url: String,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// The Library service over this state's ports.
    pub fn library_service(&self) -> Library {
        Library {
            store: self.store.clone(),
            blobs: self.blobs.clone(),
            clock: self.clock.clone(),
            settings: self.library,
            video_jobs: self.video_jobs.clone(),
            derivative_jobs: self.renditions.jobs(),
            renditions: Some(self.renditions.clone()),
        }
    }
}

impl FromRef<AppState> for Key {
    fn from_ref(state: &AppState) -> Self {
        state.cookie_key.clone()
    }
}
