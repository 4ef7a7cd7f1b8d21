//! What every handler can reach: the ports, the blob store, the clock and the metrics.

use std::sync::Arc;

use albumen_blob::BlobStore;
use albumen_core::Clock;
use albumen_core::ports::MetadataStore;

use crate::metrics::Metrics;

#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn MetadataStore>,
    pub blobs: BlobStore,
    pub clock: Arc<dyn Clock>,
    pub metrics: Arc<Metrics>,
    /// The base URL clients reach this server at (no trailing slash); every URL the server
    /// hands out is built from it.
    pub public_url: String,
}
