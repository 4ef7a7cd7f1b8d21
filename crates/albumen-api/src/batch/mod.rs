//! `POST /batch` (the discovery document's `batchPath`) and Google's per-API form
//! `POST /batch/photoslibrary/v1`: many Library calls in one `multipart/mixed` request, each
//! answered in its own part with its own status and envelope.
//!
//! Each part is dispatched through the same router the server serves, so the system
//! parameters, authentication, scopes and quotas apply to it exactly as to a direct call (one
//! part is charged as one call). A part inherits the outer request's headers except the
//! `Content-*` ones; its own headers win (Google's rule), so a part without `Authorization`
//! uses the outer one. Only the Library's JSON methods may be batched: media uploads and
//! nested batches are refused in their part, as Google refuses them.
//!
//! Parts run one after another, and the answer is streamed part by part as each finishes:
//! Google does not promise an order or parallelism, and running sequentially keeps a
//! 1,000-call batch from taking more database connections or cores (two, here) than one
//! client's single request would, keeps the per-user write rate and the quota charges in the
//! order sent, and holds only one inner answer in memory at a time.

pub mod multipart;
mod response;

use std::convert::Infallible;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use bytes::Bytes;
use futures::StreamExt;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderName};
use http::{HeaderMap, HeaderValue, StatusCode};
use tower::ServiceExt;

use self::multipart::{BatchPart, InnerRequest, parse_batch};
use self::response::PartAnswer;
use crate::error::ApiError;
use crate::state::AppState;
use crate::wire::system_params::is_library_json_path;

/// The largest inner answer relayed (Library JSON answers are far smaller: pages are capped).
const MAX_PART_ANSWER_BYTES: usize = 32 << 20;

/// Outer headers a part does not inherit besides the `Content-*` ones: they describe the
/// outer message or its connection, not the call.
const NOT_INHERITED: [&str; 11] = [
    "host",
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "expect",
    "accept-encoding",
    "mime-version",
    crate::request_id::HEADER,
];

/// The batch routes, dispatching parts through `dispatch` (the served router without them).
pub(crate) fn router(dispatch: Router) -> Router<AppState> {
    let serve = move |headers: HeaderMap, body: Bytes| {
        let dispatch = dispatch.clone();
        async move { serve_batch(dispatch, headers, body) }
    };
    Router::new()
        .route("/batch", post(serve.clone()))
        .route("/batch/photoslibrary/v1", post(serve))
}

fn serve_batch(dispatch: Router, outer: HeaderMap, body: Bytes) -> Response {
    let content_type = outer
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let parts = match parse_batch(content_type, &body) {
        Ok(parts) => parts,
        Err(err) => return ApiError::invalid_argument(err.to_string()).into_response(),
    };
    drop(body);
    let inherited = inherited_headers(&outer);
    let boundary = response::new_boundary();
    let end = Bytes::from(response::write_end(&boundary));
    let outer_content_type = response::content_type(&boundary);
    let answers = futures::stream::iter(parts).then(move |part| {
        let dispatch = dispatch.clone();
        let inherited = inherited.clone();
        let boundary = boundary.clone();
        async move {
            let answer = answer(dispatch, &inherited, part).await;
            Ok::<_, Infallible>(Bytes::from(response::write_part(&boundary, &answer)))
        }
    });
    let body = answers.chain(futures::stream::once(async move { Ok(end) }));
    let mut response = (StatusCode::OK, Body::from_stream(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&outer_content_type) {
        response.headers_mut().insert(CONTENT_TYPE, value);
    }
    response
}

fn inherited_headers(outer: &HeaderMap) -> HeaderMap {
    let mut inherited = outer.clone();
    let dropped: Vec<HeaderName> = outer
        .keys()
        .filter(|name| {
            name.as_str().starts_with("content-") || NOT_INHERITED.contains(&name.as_str())
        })
        .cloned()
        .collect();
    for name in dropped {
        inherited.remove(name);
    }
    inherited
}

/// Why a well-formed part is not dispatched, if it is not.
fn refusal(path: &str) -> Option<ApiError> {
    let message = if path == "/batch" || path.starts_with("/batch/") {
        "Nested batch requests are not allowed."
    } else if path == "/v1/uploads" || path.starts_with("/v1/uploads/") {
        "Media uploads are not supported in batch requests; send each upload to /v1/uploads on \
         its own."
    } else if !is_library_json_path(path) {
        "Only Photos Library API methods can be sent in a batch request."
    } else {
        return None;
    };
    Some(ApiError::invalid_argument(message))
}

async fn answer(dispatch: Router, inherited: &HeaderMap, part: BatchPart) -> PartAnswer {
    let response = match part.request {
        Err(err) => ApiError::invalid_argument(err.to_string()).into_response(),
        Ok(inner) => match refusal(inner.target.path()) {
            Some(err) => err.into_response(),
            None => dispatch_one(dispatch, inherited, inner).await,
        },
    };
    let (head, body) = response.into_parts();
    let (head, body) = match to_bytes(body, MAX_PART_ANSWER_BYTES).await {
        Ok(body) => (head, body),
        Err(err) => {
            let (head, body) = ApiError::internal(err).into_response().into_parts();
            let body = to_bytes(body, MAX_PART_ANSWER_BYTES).await;
            (head, body.unwrap_or_default())
        }
    };
    PartAnswer {
        content_id: part.content_id,
        status: head.status,
        headers: head.headers,
        body,
    }
}

async fn dispatch_one(dispatch: Router, inherited: &HeaderMap, inner: InnerRequest) -> Response {
    let mut headers = inherited.clone();
    for name in inner.headers.keys() {
        headers.remove(name);
    }
    for (name, value) in &inner.headers {
        headers.append(name, value.clone());
    }
    if !inner.body.is_empty() {
        headers.insert(CONTENT_LENGTH, HeaderValue::from(inner.body.len()));
    }
    let mut request = http::Request::new(Body::from(inner.body));
    *request.method_mut() = inner.method;
    *request.uri_mut() = inner.target.into();
    *request.headers_mut() = headers;
    match dispatch.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}
