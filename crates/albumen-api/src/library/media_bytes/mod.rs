//! `GET`/`HEAD /lr/<token>[=<options>]`: the media bytes behind a Library `baseUrl`, as
//! Google's content host (`lh3.googleusercontent.com`) serves them.
//!
//! The signed token is the only credential (an `Authorization` header is ignored): a token that
//! is malformed, tampered with, expired or not a Library one is 403, as Google answers an
//! expired base URL (addendum-resolved.md §7). Refusals are small HTML pages, like the content
//! host's, never the API's JSON envelope. What is served:
//!
//! | Item | Options | Answer |
//! |---|---|---|
//! | photo | `d` | the original with its location stripped |
//! | photo | none, `w`/`h`/`c` | a rendition (JPEG, or PNG when transparent; no metadata) |
//! | photo | `dv` | 404 |
//! | video `READY` | `dv` | the video bytes with their location stripped |
//! | video `PROCESSING` / `FAILED` | `dv` | 404 (Google serves `dv` only when `READY`) |
//! | video | anything else | its still, with a play button unless `-no` |
//!
//! An unknown item, or one the token's user does not own, is 404. Malformed options are 400.
//! Renditions are whole answers (`rendition`); for the file itself, single byte ranges get 206 (416 past the end), several ranges the whole body, and the body
//! is streamed from the blob store with the location patches applied chunk by chunk.

pub(crate) mod fetch_cache;
pub(crate) mod range;
mod rendition;

use std::sync::Arc;

use albumen_blob::{BlobError, BlobKey};
use albumen_core::media::{MediaItem, MediaKind, VideoStatus};
use albumen_core::project::Project;
use albumen_library::base_url::{UrlKind, parse_options, split_path};
use albumen_library::blob_reader::BlobReader;
use albumen_library::renditions::Ask;
use albumen_media::location_strip::{
    LOCATION_STRIP_VERSION, Patch, apply_patches, location_patches, patches_touch,
};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use futures::StreamExt as _;

use self::fetch_cache::Fetched;
use self::range::{RangeRequest, parse_range};
use self::rendition::serve_rendition;
use super::quota::charge_media_bytes;
use crate::state::AppState;

/// The location stripper hops between small headers: fetch little at a time.
const PATCH_READ_WINDOW: u64 = 64 * 1024;

/// The route of every Library base URL.
pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/lr/{tail}", get(get_media_bytes))
}

/// `GET` (and `HEAD`, which axum routes here too) of a base URL.
async fn get_media_bytes(
    State(state): State<AppState>,
    Path(tail): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    match serve(&state, &tail, &method, &headers).await {
        Ok(response) | Err(response) => response,
    }
}

async fn serve(
    state: &AppState,
    tail: &str,
    method: &Method,
    headers: &HeaderMap,
) -> Result<Response, Response> {
    let (token, options) = split_path(tail).ok_or_else(not_found)?;
    let now = state.clock.now();
    let claims = state
        .base_urls
        .verify(token, now)
        .map_err(|_| forbidden())?;
    if claims.kind != UrlKind::Library {
        return Err(forbidden());
    }
    let options = parse_options(options).map_err(|_| bad_request())?;
    let Fetched { item, project } = fetched(state, &claims.media_item_id).await?;
    if item.user_id.as_str() != claims.user_id {
        return Err(not_found());
    }
    let max_age = (claims.expires_at - now).whole_seconds().max(0);
    if let Some(ask) = Ask::of(&item, &options) {
        charge_fetch(state, project.as_deref()).await?;
        return serve_rendition(state, &item, ask, method, headers, max_age).await;
    }
    let servable = match item.kind {
        MediaKind::Photo => !options.video,
        MediaKind::Video => options.video && item.video_status == Some(VideoStatus::Ready),
    };
    if !servable {
        return Err(not_found());
    }
    charge_fetch(state, project.as_deref()).await?;
    let key = BlobKey::parse(&item.blob_key)
        .ok_or_else(|| internal("parsing the blob key", &item.blob_key))?;
    let size = match state.blobs.head(&key).await {
        Ok(meta) => meta.size,
        Err(e) => return Err(internal("reading the blob size", &e)),
    };

    let etag = format!("\"{}-ls{LOCATION_STRIP_VERSION}\"", item.blob_key);
    let mut common = HeaderMap::new();
    common.insert(header::ETAG, header_value(&etag));
    common.insert(
        header::CACHE_CONTROL,
        header_value(&format!("private, max-age={max_age}")),
    );
    common.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if if_none_match(headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, common).into_response());
    }
    let range_header = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .filter(|_| if_range_holds(headers, &etag));
    let (status, range) = match parse_range(range_header, size) {
        RangeRequest::Whole => (StatusCode::OK, 0..size),
        RangeRequest::Part(range) => {
            let content_range = format!("bytes {}-{}/{size}", range.start, range.end - 1);
            common.insert(header::CONTENT_RANGE, header_value(&content_range));
            (StatusCode::PARTIAL_CONTENT, range)
        }
        RangeRequest::Unsatisfiable => {
            common.insert(
                header::CONTENT_RANGE,
                header_value(&format!("bytes */{size}")),
            );
            let page = error_page(StatusCode::RANGE_NOT_SATISFIABLE, "Range Not Satisfiable.");
            return Ok((StatusCode::RANGE_NOT_SATISFIABLE, common, page).into_response());
        }
    };
    common.insert(header::CONTENT_TYPE, content_type(&item));
    common.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(range.end - range.start),
    );
    if method == Method::HEAD {
        return Ok((status, common).into_response());
    }
    let body = if range.is_empty() {
        Body::empty()
    } else {
        patched_body(state, key, size, range).await?
    };
    Ok((status, common, body).into_response())
}

/// The bytes in `range`, location patches applied, streamed from the blob store.
async fn patched_body(
    state: &AppState,
    key: BlobKey,
    size: u64,
    range: std::ops::Range<u64>,
) -> Result<Body, Response> {
    let runtime = tokio::runtime::Handle::current();
    let reader_blobs = state.blobs.clone();
    let reader_key = key.clone();
    let patches = tokio::task::spawn_blocking(move || {
        location_patches(
            &mut BlobReader::new(reader_blobs, reader_key, size, runtime)
                .with_window(PATCH_READ_WINDOW),
        )
    })
    .await
    .map_err(|e| internal("computing the location patches", &e))?
    // Never serve a file whose location could not be looked for.
    .map_err(|e| internal("computing the location patches", &e))?;
    let read = state
        .blobs
        .get(&key, Some(range.clone()))
        .await
        .map_err(|e| internal("reading the blob", &e))?;
    let mut position = range.start;
    let chunks = read.body.map(move |chunk| {
        let chunk = chunk?;
        let start = position;
        position += chunk.len() as u64;
        Ok::<Bytes, BlobError>(patch_chunk(chunk, start, &patches))
    });
    Ok(Body::from_stream(chunks))
}

/// `chunk` (the file's bytes from `start` on) with the patches that touch it applied.
fn patch_chunk(chunk: Bytes, start: u64, patches: &[Patch]) -> Bytes {
    let end = start + chunk.len() as u64;
    if !patches_touch(patches, start, end) {
        return chunk;
    }
    let mut bytes = chunk.to_vec();
    apply_patches(&mut bytes, start, patches);
    Bytes::from(bytes)
}

fn content_type(item: &MediaItem) -> HeaderValue {
    HeaderValue::from_str(&item.mime_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"))
}

fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Whether `If-None-Match` lists this entity tag (or `*`).
fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == "*" || tag == etag)
}

/// `If-Range`: the range applies only while the entity tag still matches (dates never do:
/// a strong validator is required).
fn if_range_holds(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_RANGE)
        .is_none_or(|v| v.to_str().is_ok_and(|v| v.trim() == etag))
}

fn forbidden() -> Response {
    refusal(
        StatusCode::FORBIDDEN,
        "Your client does not have permission to get this URL.",
    )
}

fn not_found() -> Response {
    refusal(
        StatusCode::NOT_FOUND,
        "The requested URL was not found on this server.",
    )
}

fn bad_request() -> Response {
    refusal(
        StatusCode::BAD_REQUEST,
        "Your client has issued a malformed or illegal request.",
    )
}

fn internal(what: &str, cause: &dyn std::fmt::Display) -> Response {
    tracing::error!(%cause, "media bytes: {what} failed");
    refusal(
        StatusCode::INTERNAL_SERVER_ERROR,
        "The server encountered an error.",
    )
}

fn refusal(status: StatusCode, message: &str) -> Response {
    (status, error_page(status, message)).into_response()
}

/// A content host's short HTML error page.
fn error_page(status: StatusCode, message: &str) -> Html<String> {
    let code = status.as_u16();
    Html(format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><meta charset=\"utf-8\"><title>Error {code}</title>\
         <p><b>{code}.</b> {message}</p></html>\n"
    ))
}

/// Charges the fetch to the daily media-byte quota of the project whose app created the item.
async fn charge_fetch(state: &AppState, project: Option<&Project>) -> Result<(), Response> {
    match project {
        Some(project) => charge_media_bytes(state, project)
            .await
            .map_err(IntoResponse::into_response),
        None => Ok(()),
    }
}

/// The item and the project its fetches count against (the project whose app created it;
/// none for items added otherwise, or whose client is gone), from the fetch cache or the
/// store.
async fn fetched(state: &AppState, item_id: &str) -> Result<Fetched, Response> {
    let epoch = state.store.changes().current();
    if let Some(hit) = state.fetches.get(item_id, epoch) {
        return Ok(hit);
    }
    let item = match state.store.get_media_item(item_id).await {
        Ok(item) => item,
        Err(e) if e.is_not_found() => return Err(not_found()),
        Err(e) => return Err(internal("reading the media item", &e)),
    };
    let project = match &item.client_id {
        None => None,
        Some(client_id) => {
            let project = match state.store.get_client(client_id).await {
                Ok(client) => state.store.get_project(&client.project_id).await,
                Err(e) => Err(e),
            };
            match project {
                Ok(project) => Some(Arc::new(project)),
                Err(e) if e.is_not_found() => None,
                Err(e) => return Err(internal("reading the item's project", &e)),
            }
        }
    };
    let fetched = Fetched {
        item: Arc::new(item),
        project,
    };
    state.fetches.put(item_id, fetched.clone(), epoch);
    Ok(fetched)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patch(offset: u64, bytes: &[u8]) -> Patch {
        Patch {
            offset,
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn chunks_are_patched_only_where_a_patch_touches_them() {
        let patches = [patch(4, b"XYZ")];
        let untouched = Bytes::from_static(b"abcd");
        assert_eq!(patch_chunk(untouched.clone(), 0, &patches), untouched);
        assert_eq!(
            patch_chunk(Bytes::from_static(b"efgh"), 4, &patches),
            "XYZh"
        );
        assert_eq!(
            patch_chunk(Bytes::from_static(b"cdef"), 2, &patches),
            "cdXY"
        );
        assert_eq!(
            patch_chunk(Bytes::from_static(b"ghij"), 6, &patches),
            "Zhij"
        );
    }

    #[test]
    fn if_none_match_accepts_a_list_a_weak_form_or_a_star() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"x\", W/\"e\""),
        );
        assert!(if_none_match(&headers, "\"e\""));
        assert!(!if_none_match(&headers, "\"f\""));
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(if_none_match(&headers, "\"f\""));
        assert!(!if_none_match(&HeaderMap::new(), "\"f\""));
    }

    #[test]
    fn if_range_holds_only_for_the_same_entity_tag() {
        let mut headers = HeaderMap::new();
        assert!(if_range_holds(&headers, "\"e\""));
        headers.insert(header::IF_RANGE, HeaderValue::from_static("\"e\""));
        assert!(if_range_holds(&headers, "\"e\""));
        headers.insert(
            header::IF_RANGE,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert!(!if_range_holds(&headers, "\"e\""));
    }
}
