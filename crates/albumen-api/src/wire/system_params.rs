//! The system query parameters every Library API method accepts (discovery's top-level
//! `parameters`), as a middleware on the Library JSON paths: `fields` prunes successful JSON
//! responses, `prettyPrint=false` compacts JSON, `alt` must be `json`; `$.xgafv`, `key`,
//! `quotaUser`, `callback`, `oauth_token`, `access_token`, `upload_protocol` and `uploadType`
//! are accepted and ignored here (the bearer extractor reads `access_token`).
//!
//! Choices where Google's exact behaviour is not recorded: a selector outside the grammar is
//! refused before the method runs with 400 `INVALID_ARGUMENT` `Invalid field selection <fields>`;
//! any `alt` other than `json` gets 400 `Invalid value for alt: <alt>`; `prettyPrint` is false
//! only for `false` or `0`. Error envelopes are never pruned, only compacted. Names the
//! response lacks are simply absent; Google's front end is reported (for Drive v3) to refuse
//! them instead with `Invalid field selection <name>`, which would need the response schemas
//! of the discovery document.

use axum::body::{Body, HttpBody, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::JSON_CONTENT_TYPE;
use super::field_mask::FieldMask;
use crate::error::ApiError;

/// The largest response this layer re-parses; larger ones pass through as they are.
const MAX_REWRITTEN_BODY_BYTES: u64 = 8 << 20;

/// The Library API resources whose JSON methods take the system parameters (`/v1/uploads`
/// answers raw tokens and has its own rules).
const LIBRARY_RESOURCES: [&str; 3] = ["/v1/albums", "/v1/mediaItems", "/v1/sharedAlbums"];

pub(crate) fn is_library_json_path(path: &str) -> bool {
    LIBRARY_RESOURCES.iter().any(|resource| {
        path.strip_prefix(resource)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', ':']))
    })
}

/// What the system parameters ask of the response.
#[derive(Debug, Default)]
struct ResponseShape {
    mask: Option<FieldMask>,
    compact: bool,
}

fn response_shape(query: Option<&str>) -> Result<ResponseShape, ApiError> {
    let mut shape = ResponseShape::default();
    for (name, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match name.as_ref() {
            "fields" => {
                let mask = FieldMask::parse(&value).map_err(|_| {
                    ApiError::invalid_argument(format!("Invalid field selection {value}"))
                })?;
                shape.mask = Some(mask);
            }
            "prettyPrint" => shape.compact = matches!(value.as_ref(), "false" | "0"),
            "alt" if value != "json" => {
                return Err(ApiError::invalid_argument(format!(
                    "Invalid value for alt: {value}"
                )));
            }
            _ => {}
        }
    }
    Ok(shape)
}

/// The middleware: see the module documentation.
pub async fn system_parameters(request: Request, next: Next) -> Response {
    if !is_library_json_path(request.uri().path()) {
        return next.run(request).await;
    }
    let shape = match response_shape(request.uri().query()) {
        Ok(shape) => shape,
        Err(err) => return err.into_response(),
    };
    let response = next.run(request).await;
    reshape(response, shape).await
}

async fn reshape(response: Response, shape: ResponseShape) -> Response {
    let mask = shape.mask.filter(|_| response.status().is_success());
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let small = response
        .body()
        .size_hint()
        .exact()
        .is_some_and(|size| size <= MAX_REWRITTEN_BODY_BYTES);
    if (mask.is_none() && !shape.compact) || !is_json || !small {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(err) => return ApiError::internal(err).into_response(),
    };
    let Ok(mut value) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    if let Some(mask) = mask {
        mask.apply(&mut value);
    }
    let rewritten = if shape.compact {
        serde_json::to_vec(&value)
    } else {
        serde_json::to_vec_pretty(&value)
    };
    match rewritten {
        Ok(body) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            parts.headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(JSON_CONTENT_TYPE),
            );
            Response::from_parts(parts, Body::from(body))
        }
        Err(err) => ApiError::internal(err).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::http::StatusCode;
    use axum::middleware::from_fn;
    use axum::routing::get;
    use serde_json::json;
    use tower::ServiceExt;

    use super::*;
    use crate::wire::json_response;

    fn app() -> Router {
        let list = || async {
            json_response(
                StatusCode::OK,
                &json!({"albums": [{"id": "A", "title": "T"}], "nextPageToken": "n"}),
            )
        };
        Router::new()
            .route("/v1/albums", get(list))
            .route(
                "/v1/albums/{id}",
                get(|| async { ApiError::not_found("Gone.") }),
            )
            .route("/v1/uploads", get(list))
            .route("/oauth2/v3/userinfo", get(list))
            .layer(from_fn(system_parameters))
    }

    async fn call(uri: &str) -> (StatusCode, String) {
        let response = app()
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn fields_prune_a_library_response() {
        let (status, body) = call("/v1/albums?fields=albums(id)&alt=json").await;
        assert_eq!(status, StatusCode::OK);
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body, json!({"albums": [{"id": "A"}]}));
    }

    #[tokio::test]
    async fn pretty_printing_is_the_default_and_can_be_turned_off() {
        let (_, pretty) = call("/v1/albums?fields=nextPageToken").await;
        assert_eq!(pretty, "{\n  \"nextPageToken\": \"n\"\n}");
        let (_, compact) = call("/v1/albums?prettyPrint=false&fields=nextPageToken").await;
        assert_eq!(compact, r#"{"nextPageToken":"n"}"#);
    }

    #[tokio::test]
    async fn ignored_standard_parameters_change_nothing() {
        let (status, body) = call(
            "/v1/albums?%24.xgafv=2&key=k&quotaUser=u&callback=c&oauth_token=t&access_token=t\
             &upload_protocol=raw&uploadType=media",
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("\"title\": \"T\""));
    }

    #[tokio::test]
    async fn error_envelopes_are_not_pruned_but_are_compacted() {
        let (status, body) = call("/v1/albums/x?fields=nothing&prettyPrint=false").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(
            body,
            r#"{"error":{"code":404,"message":"Gone.","status":"NOT_FOUND"}}"#
        );
    }

    #[tokio::test]
    async fn a_malformed_selector_is_a_400_before_the_method_runs() {
        let (status, body) = call("/v1/albums?fields=albums(id").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["error"]["status"], "INVALID_ARGUMENT");
        assert_eq!(
            body["error"]["message"],
            "Invalid field selection albums(id"
        );
    }

    #[tokio::test]
    async fn only_the_json_encoding_is_served() {
        for alt in ["media", "proto", "xml"] {
            let (status, body) = call(&format!("/v1/albums?alt={alt}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{alt}");
            assert!(body.contains(&format!("Invalid value for alt: {alt}")));
        }
    }

    #[tokio::test]
    async fn other_paths_are_left_alone() {
        for path in ["/v1/uploads", "/oauth2/v3/userinfo"] {
            let (status, body) = call(&format!("{path}?fields=nothing&alt=proto")).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert!(body.contains("nextPageToken"), "{path}");
        }
    }

    #[test]
    fn library_paths_are_recognised_by_whole_segments() {
        for (path, library) in [
            ("/v1/albums", true),
            ("/v1/albums/A:share", true),
            ("/v1/mediaItems:batchGet", true),
            ("/v1/sharedAlbums:join", true),
            ("/v1/albumsX", false),
            ("/v1/uploads", false),
            ("/token", false),
        ] {
            assert_eq!(is_library_json_path(path), library, "{path}");
        }
    }
}
