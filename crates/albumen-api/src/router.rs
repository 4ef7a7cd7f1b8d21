//! The one router every surface is merged into, with the middleware stack in its order.

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use tower_http::limit::RequestBodyLimitLayer;

use crate::error::ApiError;
use crate::health::{get_healthz, get_readyz};
use crate::metrics::{MetricsAccess, guarded_metrics, record_request};
use crate::middleware::{envelope_bare_errors, security_headers};
use crate::request_id::assign_request_id;
use crate::state::AppState;
use crate::wire::system_params::system_parameters;

/// Settings of the HTTP layer itself.
#[derive(Debug, Clone)]
pub struct RouterOptions {
    /// The largest request body accepted by default (routes such as uploads set their own).
    pub max_body_bytes: usize,
    /// Whether this router serves `/metrics` (hidden by default).
    pub metrics: MetricsAccess,
}

/// Builds the complete application router: the JSON surfaces of this crate, plus `pages`
/// (the web UI), under one middleware stack.
pub fn router(state: AppState, options: RouterOptions, pages: Router<AppState>) -> Router {
    // `/batch` dispatches each of its parts through the same stack, built without `/batch`
    // itself (so a batch cannot nest).
    let dispatch = stack(state.clone(), options.clone(), pages.clone(), Router::new());
    stack(state, options, pages, crate::batch::router(dispatch))
}

/// The routes, `extra` among them, under the middleware stack.
fn stack(
    state: AppState,
    options: RouterOptions,
    pages: Router<AppState>,
    extra: Router<AppState>,
) -> Router {
    let extra = match options.metrics {
        MetricsAccess::Hidden => extra,
        MetricsAccess::BearerToken(token) => extra.route("/metrics", guarded_metrics(token)),
    };
    let limited = Router::new()
        .merge(extra)
        .merge(crate::oauth::router())
        .merge(crate::console_api::router())
        .merge(crate::library::json_router())
        .merge(crate::discovery::router())
        .merge(pages)
        .route("/healthz", get(get_healthz))
        .route("/readyz", get(get_readyz))
        .fallback(|| async { ApiError::method_not_found() })
        .method_not_allowed_fallback(|| async { ApiError::method_not_found() })
        // Innermost first: the limit's 413 is counted, then put in the envelope.
        .layer(RequestBodyLimitLayer::new(options.max_body_bytes))
        // `fields`, `prettyPrint` and `alt` on the Library API's JSON paths.
        .layer(from_fn(system_parameters));
    // Uploads stream any size to the blob store and enforce their own limits, so they are
    // merged after the general body limit and under every other layer.
    let mut app = limited
        .merge(crate::library::streaming_router())
        // Base-URL bytes: a content host's surface (HTML refusals, no JSON envelope).
        .merge(crate::library::media_bytes::router())
        .layer(from_fn_with_state(state.clone(), record_request))
        .layer(from_fn(envelope_bare_errors));
    for layer in security_headers() {
        app = app.layer(layer);
    }
    app.layer(from_fn(assign_request_id)).with_state(state)
}
