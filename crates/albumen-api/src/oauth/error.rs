//! Renders [`OAuthError`] as RFC 6749 JSON: `{"error","error_description"}` with Google's
//! status code.

use albumen_oauth::OAuthError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::wire::json_response;

/// An OAuth error on the wire.
#[derive(Debug)]
pub struct OAuthErrorResponse(pub OAuthError);

impl From<OAuthError> for OAuthErrorResponse {
    fn from(err: OAuthError) -> Self {
        Self(err)
    }
}

impl IntoResponse for OAuthErrorResponse {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::BAD_REQUEST);
        json_response(
            status,
            &json!({"error": self.0.code.as_str(), "error_description": self.0.description}),
        )
    }
}
