//! Google's JSON response conventions: `application/json; charset=UTF-8`, pretty-printed by
//! default (Google's `prettyPrint` defaults to true); the partial-response selector and the
//! middleware for the system query parameters live in the submodules.

pub mod field_mask;
pub mod system_params;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

pub const JSON_CONTENT_TYPE: &str = "application/json; charset=UTF-8";

/// Serializes `value` as a Google-style JSON response.
pub fn json_response<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec_pretty(value) {
        Ok(body) => {
            let mut response = (status, Body::from(body)).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(JSON_CONTENT_TYPE),
            );
            response
        }
        Err(err) => {
            tracing::error!(error = %err, "response serialization failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
