//! The pages that Library `productUrl`s open (`/lr/photo/{id}`, `/lr/album/{id}`,
//! `/lr/album/{album}/photo/{id}`, and a shared album's `/lr/share/{token}`): the item or
//! album as its owner sees it, signed in, like photos.google.com's links.

use albumen_api::AppState;
use albumen_core::Page;
use albumen_core::StoreError;
use albumen_core::media::{Album, MediaItem, MediaKind, MediaQuery};
use albumen_library::base_url::library_claims;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use maud::{Markup, html};

use crate::console::shared::{Failure, Reply, day, not_found, page, store_failure};
use crate::session::SignedIn;

/// Items shown on an album page.
const ALBUM_PAGE_ITEMS: u32 = 200;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/lr/photo/{id}", get(get_item))
        .route("/lr/album/{album_id}", get(get_album))
        .route("/lr/album/{album_id}/photo/{id}", get(get_album_item))
        .route("/lr/share/{token}", get(get_shared_album))
}

/// A base URL of the item (bound to its owner, as the API mints them), with `options`.
fn image_url(state: &AppState, item: &MediaItem, options: &str) -> String {
    let claims = library_claims(&item.id, item.user_id.as_str(), state.clock.now());
    format!(
        "{}/lr/{}={options}",
        state.public_url,
        state.base_urls.sign(&claims)
    )
}

fn item_card(state: &AppState, item: &MediaItem, back: Option<&Album>) -> Markup {
    html! {
        div.card {
            @if let Some(album) = back {
                p { a href=(format!("/lr/album/{}", album.id)) { "← " (album_title(album)) } }
            }
            h1 { (item.filename) }
            @if item.kind == MediaKind::Photo {
                img.photo src=(image_url(state, item, "w1024-h1024")) alt=(item.filename) style="max-width:100%";
            } @else {
                p.muted { "Video · " (item.video_status.map_or("", |s| s.as_str())) }
            }
            @if !item.description.is_empty() { p { (item.description) } }
            dl {
                dt { "Taken" } dd { (day(item.creation_time)) }
                @if let (Some(w), Some(h)) = (item.width, item.height) { dt { "Size" } dd { (w) " × " (h) } }
                @if let Some(make) = &item.facts.camera_make { dt { "Camera" } dd { (make) " " (item.facts.camera_model.as_deref().unwrap_or_default()) } }
                dt { "Type" } dd { (item.mime_type) }
            }
            p { a href=(image_url(state, item, if item.kind == MediaKind::Video { "dv" } else { "d" })) { "Download" } }
        }
    }
}

fn album_title(album: &Album) -> &str {
    if album.title.is_empty() {
        "Untitled album"
    } else {
        &album.title
    }
}

/// A record that may not exist: `None` (the page shows not-found) rather than a failure.
fn found<T>(result: Result<T, StoreError>) -> Result<Option<T>, Failure> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(err) if err.is_not_found() => Ok(None),
        Err(err) => Err(store_failure(err).into()),
    }
}

async fn owned_item(
    state: &AppState,
    viewer: &SignedIn,
    id: &str,
) -> Result<Option<MediaItem>, Failure> {
    let item = found(state.store.get_media_item(id).await)?;
    Ok(item.filter(|item| item.user_id == viewer.user.id))
}

/// The album if the viewer owns it or joined it.
async fn visible_album(
    state: &AppState,
    viewer: &SignedIn,
    album_id: &str,
) -> Result<Option<Album>, Failure> {
    let Some(album) = found(state.store.get_album(album_id).await)? else {
        return Ok(None);
    };
    if album.user_id == viewer.user.id {
        return Ok(Some(album));
    }
    let member = album.share.is_some()
        && state
            .store
            .is_album_member(&album.id, &viewer.user.id)
            .await
            .map_err(store_failure)?;
    Ok(member.then_some(album))
}

async fn get_item(
    State(state): State<AppState>,
    viewer: SignedIn,
    Path(id): Path<String>,
) -> Reply {
    let Some(item) = owned_item(&state, &viewer, &id).await? else {
        return Ok(not_found());
    };
    Ok(page(
        &viewer,
        StatusCode::OK,
        &item.filename,
        item_card(&state, &item, None),
    ))
}

async fn album_page(state: &AppState, viewer: &SignedIn, album: Album) -> Reply {
    let query = MediaQuery::album_contents(album.user_id.clone(), &album.id);
    let items = state
        .store
        .search_media_items(&query, &Page::first(ALBUM_PAGE_ITEMS))
        .await
        .map_err(store_failure)?;
    let body = html! {
        div.card {
            h1 { (album_title(&album)) }
            p.muted { (album.media_items_count) @if album.media_items_count == 1 { " item" } @else { " items" } }
            ul.album {
                @for item in &items.items {
                    li { a href=(format!("/lr/album/{}/photo/{}", album.id, item.id)) { (item.filename) } }
                }
            }
        }
    };
    Ok(page(viewer, StatusCode::OK, album_title(&album), body))
}

async fn get_album(
    State(state): State<AppState>,
    viewer: SignedIn,
    Path(album_id): Path<String>,
) -> Reply {
    match visible_album(&state, &viewer, &album_id).await? {
        Some(album) => album_page(&state, &viewer, album).await,
        None => Ok(not_found()),
    }
}

async fn get_shared_album(
    State(state): State<AppState>,
    viewer: SignedIn,
    Path(token): Path<String>,
) -> Reply {
    match found(state.store.get_album_by_share_token(&token).await)? {
        Some(album) => album_page(&state, &viewer, album).await,
        None => Ok(not_found()),
    }
}

async fn get_album_item(
    State(state): State<AppState>,
    viewer: SignedIn,
    Path((album_id, id)): Path<(String, String)>,
) -> Reply {
    let Some(album) = visible_album(&state, &viewer, &album_id).await? else {
        return Ok(not_found());
    };
    let Some(item) = found(state.store.get_media_item(&id).await)? else {
        return Ok(not_found());
    };
    let in_album = state
        .store
        .album_has_entry(
            &album.id,
            &albumen_core::media::EntryRef::MediaItem(item.id.clone()),
        )
        .await
        .map_err(store_failure)?;
    if !in_album {
        return Ok(not_found());
    }
    Ok(page(
        &viewer,
        StatusCode::OK,
        &item.filename,
        item_card(&state, &item, Some(&album)),
    ))
}
