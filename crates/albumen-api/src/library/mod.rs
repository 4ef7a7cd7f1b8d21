//! The Photos Library API's HTTP surface (growing): so far the uploads endpoint.

mod uploads;

use axum::Router;
use axum::routing::post;

use crate::state::AppState;

/// Routes that stream large bodies and enforce their own size limits.
pub fn streaming_router() -> Router<AppState> {
    Router::new().route("/v1/uploads", post(uploads::post_upload))
}
