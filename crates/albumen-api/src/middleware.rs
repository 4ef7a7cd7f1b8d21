//! Cross-cutting response middleware: security headers, and turning any bare error response
//! from a layer below the handlers (body limit, timeouts) into Google's envelope.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::{ApiError, Code};

/// Headers every response carries unless a handler set its own (HTML pages will set a
/// Content-Security-Policy of their own).
pub(crate) fn security_headers() -> Vec<SetResponseHeaderLayer<HeaderValue>> {
    [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "SAMEORIGIN"),
        (HeaderName::from_static("x-xss-protection"), "0"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'self'",
        ),
    ]
    .into_iter()
    .map(|(name, value)| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    })
    .collect()
}

/// Replaces a bodiless or plain-text error response with the envelope.
pub(crate) async fn envelope_bare_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let has_own_format = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json") || ct.starts_with("text/html"));
    if has_own_format {
        return response;
    }
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "Request payload size exceeds the limit.".to_owned(),
        _ => status
            .canonical_reason()
            .map_or_else(|| "Request failed.".to_owned(), |r| format!("{r}.")),
    };
    ApiError::new(Code::for_http_status(status), message)
        .with_http_status(status)
        .into_response()
}
