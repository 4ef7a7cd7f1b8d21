//! Operational endpoints: `/healthz` (the process answers) and `/readyz` (the database and
//! the blob store answer too).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::{ApiError, Code};
use crate::state::AppState;
use crate::wire::json_response;

pub(crate) async fn get_healthz() -> Response {
    json_response(StatusCode::OK, &json!({"status": "ok"}))
}

pub(crate) async fn get_readyz(State(state): State<AppState>) -> Response {
    let (database, blobs) = tokio::join!(state.store.ping(), state.blobs.ping());
    let failed: Vec<&str> = [
        database.err().map(|e| {
            tracing::warn!(error = %e, "readiness: database check failed");
            "database"
        }),
        blobs.err().map(|e| {
            tracing::warn!(error = %e, "readiness: blob store check failed");
            "blob store"
        }),
    ]
    .into_iter()
    .flatten()
    .collect();
    if failed.is_empty() {
        return json_response(
            StatusCode::OK,
            &json!({"status": "ok", "checks": {"database": "ok", "blobs": "ok"}}),
        );
    }
    ApiError::new(
        Code::Unavailable,
        format!(
            "The service is not ready: {} unreachable.",
            failed.join(" and ")
        ),
    )
    .into_response()
}
