//! A request id on every request: taken from a well-formed incoming `X-Request-Id` or made
//! fresh, echoed on the response, recorded on the request's tracing span and reachable from
//! error rendering through a task-local; and the access log line, whose path never carries a
//! capability (see [`loggable_path`]).

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

pub(crate) const HEADER: &str = "x-request-id";

tokio::task_local! {
    static CURRENT: String;
}

/// The id of the request being served on this task, if any.
pub(crate) fn current() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

fn acceptable(incoming: &str) -> bool {
    (1..=64).contains(&incoming.len())
        && incoming
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Route parameters that hold capabilities: a signed base-URL token (`/lr/{tail}`) or a
/// share token (`/lr/share/{token}`, `/v1/sharedAlbums/{token}`). Whoever holds one can read
/// what it names, and logs are shipped to other systems, so they are never logged.
const CAPABILITY_PARAMS: [&str; 2] = ["{tail}", "{token}"];
const REDACTED: &str = "[redacted]";

/// The request path as the access log may record it: the matched route's capability
/// segments replaced by `[redacted]`; for a path that matched no route, only its first
/// segment (it could be a mistyped capability URL).
pub(crate) fn loggable_path(route: Option<&str>, path: &str) -> String {
    let Some(route) = route else {
        let mut segments = path.trim_start_matches('/').splitn(2, '/');
        let first = segments.next().unwrap_or_default();
        return match segments.next() {
            Some(_) => format!("/{first}/{REDACTED}"),
            None => format!("/{first}"),
        };
    };
    let mut pattern = route.split('/');
    path.split('/')
        .map(|segment| match pattern.next() {
            Some(p) if !CAPABILITY_PARAMS.contains(&p) && !p.starts_with("{*") => segment,
            _ => REDACTED,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Outermost middleware: assigns the id, opens the request span and logs the outcome. The
/// span records the matched route and the [`loggable_path`]; the query string is never
/// logged, since it may carry `access_token` or an `upload_id`.
pub(crate) async fn assign_request_id(request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable(v))
        .map_or_else(|| uuid::Uuid::new_v4().simple().to_string(), str::to_owned);
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str);
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %request.method(),
        route = route.unwrap_or("unmatched"),
        path = %loggable_path(route, request.uri().path()),
    );
    let started = std::time::Instant::now();
    let mut response = CURRENT
        .scope(id.clone(), next.run(request))
        .instrument(span.clone())
        .await;
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
            "served"
        );
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::{acceptable, loggable_path};

    #[test]
    fn capability_segments_of_a_matched_route_are_redacted() {
        assert_eq!(
            loggable_path(Some("/lr/{tail}"), "/lr/AbC.sig=d"),
            "/lr/[redacted]"
        );
        assert_eq!(
            loggable_path(Some("/lr/share/{token}"), "/lr/share/s3cr3t"),
            "/lr/share/[redacted]"
        );
        assert_eq!(
            loggable_path(Some("/v1/sharedAlbums/{token}"), "/v1/sharedAlbums/s3cr3t"),
            "/v1/sharedAlbums/[redacted]"
        );
        assert_eq!(
            loggable_path(Some("/v1/mediaItems/{id}"), "/v1/mediaItems/item1"),
            "/v1/mediaItems/item1"
        );
    }

    #[test]
    fn an_unmatched_path_keeps_only_its_first_segment() {
        assert_eq!(loggable_path(None, "/lr/x/s3cr3t=d"), "/lr/[redacted]");
        assert_eq!(loggable_path(None, "/favicon.ico"), "/favicon.ico");
        assert_eq!(loggable_path(None, "/"), "/");
    }

    #[test]
    fn only_short_plain_incoming_ids_are_kept() {
        assert!(acceptable("abc-123_x.y"));
        assert!(!acceptable(""));
        assert!(!acceptable(&"a".repeat(65)));
        assert!(!acceptable("a b"));
        assert!(!acceptable("a\nb"));
    }
}
