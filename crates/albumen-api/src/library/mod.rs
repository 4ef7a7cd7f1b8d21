//! The Photos Library API's HTTP surface: uploads, media items, albums and shared albums.

mod albums;
pub mod binding;
mod call;
pub(crate) mod media_bytes;
mod media_items;
mod quota;
mod render;
mod requests;
mod resumable_uploads;
mod shared_albums;
mod uploads;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

/// A method of the Library API as its discovery document names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LibraryRoute {
    /// The discovery method id, e.g. `photoslibrary.albums.get`.
    pub id: &'static str,
    pub http_method: &'static str,
    /// The discovery `flatPath`, e.g. `v1/albums/{albumsId}:addEnrichment`.
    pub flat_path: &'static str,
}

const fn route(
    id: &'static str,
    http_method: &'static str,
    flat_path: &'static str,
) -> LibraryRoute {
    LibraryRoute {
        id,
        http_method,
        flat_path,
    }
}

/// Every method the Library router serves (uploads excepted: Google's discovery document
/// does not describe `/v1/uploads`). The discovery document and this table must agree; a
/// test checks both against each other and against the router.
pub const LIBRARY_ROUTES: &[LibraryRoute] = &[
    route(
        "photoslibrary.albums.addEnrichment",
        "POST",
        "v1/albums/{albumsId}:addEnrichment",
    ),
    route(
        "photoslibrary.albums.batchAddMediaItems",
        "POST",
        "v1/albums/{albumsId}:batchAddMediaItems",
    ),
    route(
        "photoslibrary.albums.batchRemoveMediaItems",
        "POST",
        "v1/albums/{albumsId}:batchRemoveMediaItems",
    ),
    route("photoslibrary.albums.create", "POST", "v1/albums"),
    route("photoslibrary.albums.get", "GET", "v1/albums/{albumsId}"),
    route("photoslibrary.albums.list", "GET", "v1/albums"),
    route(
        "photoslibrary.albums.patch",
        "PATCH",
        "v1/albums/{albumsId}",
    ),
    route(
        "photoslibrary.albums.share",
        "POST",
        "v1/albums/{albumsId}:share",
    ),
    route(
        "photoslibrary.albums.unshare",
        "POST",
        "v1/albums/{albumsId}:unshare",
    ),
    route(
        "photoslibrary.mediaItems.batchCreate",
        "POST",
        "v1/mediaItems:batchCreate",
    ),
    route(
        "photoslibrary.mediaItems.batchGet",
        "GET",
        "v1/mediaItems:batchGet",
    ),
    route(
        "photoslibrary.mediaItems.get",
        "GET",
        "v1/mediaItems/{mediaItemsId}",
    ),
    route("photoslibrary.mediaItems.list", "GET", "v1/mediaItems"),
    route(
        "photoslibrary.mediaItems.patch",
        "PATCH",
        "v1/mediaItems/{mediaItemsId}",
    ),
    route(
        "photoslibrary.mediaItems.search",
        "POST",
        "v1/mediaItems:search",
    ),
    route(
        "photoslibrary.sharedAlbums.get",
        "GET",
        "v1/sharedAlbums/{sharedAlbumsId}",
    ),
    route(
        "photoslibrary.sharedAlbums.join",
        "POST",
        "v1/sharedAlbums:join",
    ),
    route(
        "photoslibrary.sharedAlbums.leave",
        "POST",
        "v1/sharedAlbums:leave",
    ),
    route("photoslibrary.sharedAlbums.list", "GET", "v1/sharedAlbums"),
];

/// The JSON methods (under the general body limit).
pub fn json_router() -> Router<AppState> {
    Router::new()
        .route("/v1/mediaItems", get(media_items::list))
        .route("/v1/mediaItems:search", post(media_items::search))
        .route(
            "/v1/mediaItems:batchCreate",
            post(media_items::batch_create),
        )
        .route("/v1/mediaItems:batchGet", get(media_items::batch_get))
        .route(
            "/v1/mediaItems/{id}",
            get(media_items::get).patch(media_items::patch),
        )
        .route("/v1/albums", get(albums::list).post(albums::create))
        .route(
            "/v1/albums/{album_ref}",
            get(albums::get)
                .patch(albums::patch)
                .post(albums::custom_verb),
        )
        .route("/v1/sharedAlbums", get(shared_albums::list))
        .route("/v1/sharedAlbums:join", post(shared_albums::join))
        .route("/v1/sharedAlbums:leave", post(shared_albums::leave))
        .route("/v1/sharedAlbums/{token}", get(shared_albums::get))
}

/// Routes that stream large bodies and enforce their own size limits.
pub fn streaming_router() -> Router<AppState> {
    Router::new().route("/v1/uploads", post(uploads::post_upload))
}
