//! Albumen's HTTP surface: the router every surface hangs off, Google's JSON error envelope,
//! the middleware stack (request ids, tracing, security headers, body limits, metrics) and the
//! operational endpoints. Handlers here extract, call the domain and map results: no SQL and
//! no domain rules.
#![forbid(unsafe_code)]

pub mod batch;
mod console_api;
mod discovery;
pub mod error;
pub mod extract;
mod health;
pub mod library;
mod metrics;
mod middleware;
pub mod oauth;
mod request_id;
mod router;
mod state;
pub mod wire;

pub use error::ApiError;
pub use library::media_bytes::fetch_cache::FetchCache;
pub use metrics::{Metrics, MetricsAccess, metrics_router};
pub use router::{RouterOptions, router};
pub use state::AppState;
