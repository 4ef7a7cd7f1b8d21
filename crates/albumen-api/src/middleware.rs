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

/// Which wire format a path's errors take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Surface {
    /// The Google APIs: the JSON error envelope.
    Api,
    /// The OAuth JSON endpoints: RFC 6749 `{"error","error_description"}`.
    OAuth,
    /// Pages people see: a small HTML page.
    Page,
}

fn surface_of(path: &str) -> Surface {
    const OAUTH: [&str; 8] = [
        "/token",
        "/o/oauth2/token",
        "/oauth2/v4/token",
        "/device/code",
        "/revoke",
        "/o/oauth2/revoke",
        "/tokeninfo",
        "/oauth2/v3/tokeninfo",
    ];
    const PAGE_PREFIXES: [&str; 7] = [
        "/signin",
        "/signout",
        "/setup",
        "/o/oauth2/",
        "/device",
        "/account",
        "/admin",
    ];
    if OAUTH.contains(&path) {
        Surface::OAuth
    } else if path == "/"
        || PAGE_PREFIXES.iter().any(|p| path.starts_with(p))
        || (path.starts_with("/console") && !path.starts_with("/console/api/"))
    {
        Surface::Page
    } else {
        Surface::Api
    }
}

/// Replaces a bodiless or plain-text error response (from a layer or extractor below the
/// handlers: body limit, malformed form) with the error format of the path's surface.
pub(crate) async fn envelope_bare_errors(request: Request, next: Next) -> Response {
    let surface = surface_of(request.uri().path());
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
    match surface {
        Surface::Api => ApiError::new(Code::for_http_status(status), message)
            .with_http_status(status)
            .into_response(),
        Surface::OAuth => {
            let code = if status.is_server_error() {
                "server_error"
            } else {
                "invalid_request"
            };
            crate::wire::json_response(
                status,
                &serde_json::json!({"error": code, "error_description": message}),
            )
        }
        Surface::Page => {
            let page = minimal_page(status, &message);
            (status, axum::response::Html(page)).into_response()
        }
    }
}

/// A minimal error page (the web UI's own pages render richer ones).
fn minimal_page(status: StatusCode, message: &str) -> String {
    let escaped = message
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Error</title></head>\
         <body><h1>Error {}</h1><p>{escaped}</p></body></html>",
        status.as_u16()
    )
}

#[cfg(test)]
mod tests {
    use super::{Surface, surface_of};

    #[test]
    fn each_path_keeps_its_surfaces_error_format() {
        assert_eq!(surface_of("/token"), Surface::OAuth);
        assert_eq!(surface_of("/revoke"), Surface::OAuth);
        assert_eq!(surface_of("/signin"), Surface::Page);
        assert_eq!(surface_of("/o/oauth2/continue"), Surface::Page);
        assert_eq!(surface_of("/console/projects/x"), Surface::Page);
        assert_eq!(surface_of("/console/api/v1/projects"), Surface::Api);
        assert_eq!(surface_of("/v1/mediaItems"), Surface::Api);
        assert_eq!(surface_of("/healthz"), Surface::Api);
    }
}
