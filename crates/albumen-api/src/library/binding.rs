//! The untrusted-input parsing of the Library surface on its own, without a handler, a state
//! or a socket: each method's body and query binding, the search conversion, the upload
//! headers and the byte route's `Range`. The fuzz targets (`crates/albumen-fuzz`) drive these
//! with hostile bytes; the handlers call the same parsers, so a bound proven here holds there.

use albumen_library::batch_create::BatchCreateInput;
use albumen_library::resumable::Command;
use albumen_library::search::SearchInput;
use axum::http::HeaderMap;
use serde::de::DeserializeOwned;

use super::media_bytes::range::{RangeRequest, parse_range};
use super::requests::{
    AddEnrichmentRequest, AlbumBody, BatchCreateRequest, BatchGetQuery, CreateAlbumRequest,
    EmptyRequest, ListQuery, MediaItemBody, MediaItemIdsRequest, PatchQuery, SearchRequest,
    ShareAlbumRequest, ShareTokenRequest,
};
use super::uploads::{declared_mime_type, file_name};
use crate::error::ApiError;
use crate::extract::google_json::parse_body;
use crate::extract::google_query::parse_query;

/// The Library methods that take a JSON body, by discovery id (`sharedAlbums.join` and
/// `leave` share one message, as do the two album item methods).
pub const BODY_METHODS: [&str; 10] = [
    "albums.create",
    "albums.patch",
    "albums.addEnrichment",
    "albums.batchAddMediaItems",
    "albums.share",
    "albums.unshare",
    "mediaItems.batchCreate",
    "mediaItems.patch",
    "mediaItems.search",
    "sharedAlbums.join",
];

/// The Library methods whose query string binds to a message.
pub const QUERY_METHODS: [&str; 3] = ["mediaItems.list", "mediaItems.batchGet", "albums.patch"];

fn bind<T: DeserializeOwned>(body: &[u8]) -> Result<(), ApiError> {
    parse_body::<T>(body).map(drop)
}

/// Binds `body` as the request message of `method` (one of [`BODY_METHODS`]) as its handler
/// does; an unknown method binds nothing.
pub fn bind_body(method: &str, body: &[u8]) -> Result<(), ApiError> {
    match method {
        "albums.create" => bind::<CreateAlbumRequest>(body),
        "albums.patch" => bind::<AlbumBody>(body),
        "albums.addEnrichment" => bind::<AddEnrichmentRequest>(body),
        "albums.batchAddMediaItems" => bind::<MediaItemIdsRequest>(body),
        "albums.share" => bind::<ShareAlbumRequest>(body),
        "albums.unshare" => bind::<EmptyRequest>(body),
        "mediaItems.batchCreate" => parse_body::<BatchCreateRequest>(body)
            .map(|request| drop(BatchCreateInput::from(request))),
        "mediaItems.patch" => bind::<MediaItemBody>(body),
        "mediaItems.search" => search_input(body).map(drop),
        "sharedAlbums.join" => bind::<ShareTokenRequest>(body),
        _ => Ok(()),
    }
}

/// Binds `query` as the query message of `method` (one of [`QUERY_METHODS`]).
pub fn bind_query(method: &str, query: Option<&str>) -> Result<(), ApiError> {
    match method {
        "mediaItems.list" => parse_query::<ListQuery>(query).map(drop),
        "mediaItems.batchGet" => parse_query::<BatchGetQuery>(query).map(drop),
        "albums.patch" => parse_query::<PatchQuery>(query).map(drop),
        _ => Ok(()),
    }
}

/// A `mediaItems.search` body as the service's input, before validation.
pub fn search_input(body: &[u8]) -> Result<SearchInput, ApiError> {
    parse_body::<SearchRequest>(body).map(SearchInput::from)
}

/// What the upload route reads from its headers: the resumable command, the file name and
/// the declared type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadHeaders {
    pub command: Option<Command>,
    pub file_name: Option<String>,
    pub mime_type: Option<String>,
}

/// Reads the upload headers as the upload handlers do.
pub fn upload_headers(headers: &HeaderMap) -> UploadHeaders {
    UploadHeaders {
        command: headers
            .get("x-goog-upload-command")
            .and_then(|value| value.to_str().ok())
            .and_then(Command::parse),
        file_name: file_name(headers),
        mime_type: declared_mime_type(headers),
    }
}

/// The byte range the base-URL route serves for a `Range` header over `size` bytes, as
/// `(start, end)` (end exclusive); `None` for the whole body or a 416.
pub fn served_range(header: &str, size: u64) -> Option<(u64, u64)> {
    match parse_range(Some(header), size) {
        RangeRequest::Part(range) => Some((range.start, range.end)),
        _ => None,
    }
}
