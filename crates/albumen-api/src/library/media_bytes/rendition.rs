//! The rendition answer of a base URL (`w`/`h`/`c`, a bare URL, a video's still): cached or
//! computed by [`albumen_library::renditions`], with a strong entity tag known before any
//! work, so a revalidation costs no decoding.

use albumen_core::media::MediaItem;
use albumen_library::renditions::{Ask, RenditionError, Renditions};
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{header_value, if_none_match, internal, refusal};
use crate::state::AppState;

pub(super) async fn serve_rendition(
    state: &AppState,
    item: &MediaItem,
    ask: Ask,
    method: &Method,
    headers: &HeaderMap,
    max_age: i64,
) -> Result<Response, Response> {
    let etag = Renditions::etag(item, &ask);
    let mut common = HeaderMap::new();
    common.insert(header::ETAG, header_value(&etag));
    common.insert(
        header::CACHE_CONTROL,
        header_value(&format!("private, max-age={max_age}")),
    );
    if if_none_match(headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, common).into_response());
    }
    let rendition = match state.renditions.get(item, ask).await {
        Ok(rendition) => rendition,
        Err(RenditionError::Unrenderable(_)) => {
            return Err(refusal(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "The media item's picture cannot be rendered.",
            ));
        }
        Err(err) => return Err(internal("rendering", &err)),
    };
    common.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(rendition.content_type),
    );
    common.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(rendition.bytes.len()),
    );
    if method == Method::HEAD {
        return Ok((StatusCode::OK, common).into_response());
    }
    Ok((StatusCode::OK, common, Body::from(rendition.bytes)).into_response())
}
