//! The `albums` methods. Custom verbs share the album path (`/v1/albums/{id}:verb`), so
//! `POST /v1/albums/{ref}` splits the verb off and dispatches on it.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::call::{Kind, actor, library, ok, urls};
use super::render;
use super::requests::{
    AddEnrichmentRequest, AlbumBody, CreateAlbumRequest, EmptyRequest, ListQuery,
    MediaItemIdsRequest, PatchQuery, ShareAlbumRequest,
};
use crate::error::ApiError;
use crate::extract::bearer::Caller;
use crate::extract::google_json::{GoogleJson, parse_body};
use crate::extract::google_query::GoogleQuery;
use crate::state::AppState;

/// `POST /v1/albums`.
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    GoogleJson(body): GoogleJson<CreateAlbumRequest>,
) -> Result<Response, ApiError> {
    let actor = actor(&state, &caller, Kind::Write).await?;
    let title = body.album.and_then(|a| a.title).unwrap_or_default();
    let view = library(&state).create_album(&actor, &title).await?;
    Ok(ok(&render::album(&view, &urls(&state))))
}

/// `GET /v1/albums`.
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    GoogleQuery(query): GoogleQuery<ListQuery>,
) -> Result<Response, ApiError> {
    let actor = actor(&state, &caller, Kind::Read).await?;
    let page = library(&state)
        .list_albums(
            &actor,
            query.page_size.map(i64::from),
            query.page_token.as_deref(),
            query.exclude_non_app_created_data.unwrap_or(false),
        )
        .await?;
    Ok(ok(&album_page("albums", page, &urls(&state))))
}

/// `{"<key>": [...], "nextPageToken": ...}`, each omitted when empty.
pub(crate) fn album_page(
    key: &str,
    page: albumen_library::albums::AlbumPage,
    urls: &render::UrlContext<'_>,
) -> Value {
    let mut out = Map::new();
    if !page.albums.is_empty() {
        let albums: Vec<Value> = page.albums.iter().map(|a| render::album(a, urls)).collect();
        out.insert(key.to_owned(), Value::Array(albums));
    }
    if let Some(token) = page.next_page_token {
        out.insert("nextPageToken".into(), json!(token));
    }
    Value::Object(out)
}

/// `GET /v1/albums/{id}`.
pub(crate) async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let actor = actor(&state, &caller, Kind::Read).await?;
    let view = library(&state).get_album(&actor, &id).await?;
    Ok(ok(&render::album(&view, &urls(&state))))
}

/// `PATCH /v1/albums/{id}?updateMask=…`.
pub(crate) async fn patch(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GoogleQuery(query): GoogleQuery<PatchQuery>,
    GoogleJson(body): GoogleJson<AlbumBody>,
) -> Result<Response, ApiError> {
    let actor = actor(&state, &caller, Kind::Write).await?;
    if let Some(body_id) = body.id.as_deref().filter(|b| !b.is_empty() && *b != id) {
        return Err(ApiError::invalid_argument(format!(
            "The album id in the body ({body_id}) does not match the one in the URL."
        )));
    }
    let view = library(&state)
        .patch_album(
            &actor,
            &id,
            query.update_mask.as_deref(),
            body.title.as_deref(),
            body.cover_photo_media_item_id.as_deref(),
        )
        .await?;
    Ok(ok(&render::album(&view, &urls(&state))))
}

fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    parse_body(body)
}

/// `POST /v1/albums/{id}:<verb>`.
pub(crate) async fn custom_verb(
    State(state): State<AppState>,
    caller: Caller,
    Path(album_ref): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let Some((id, verb)) = album_ref.split_once(':') else {
        return Err(ApiError::method_not_found());
    };
    let actor = actor(&state, &caller, Kind::Write).await?;
    let service = library(&state);
    match verb {
        "batchAddMediaItems" => {
            let request: MediaItemIdsRequest = parse(&body)?;
            service
                .batch_add(&actor, id, &request.media_item_ids)
                .await?;
            Ok(ok(&json!({})))
        }
        "batchRemoveMediaItems" => {
            let request: MediaItemIdsRequest = parse(&body)?;
            service
                .batch_remove(&actor, id, &request.media_item_ids)
                .await?;
            Ok(ok(&json!({})))
        }
        "addEnrichment" => {
            let request: AddEnrichmentRequest = parse(&body)?;
            let enrichment = request.new_enrichment_item.map(Into::into);
            let position = request.album_position.map(Into::into);
            let enrichment_id = service
                .add_enrichment(&actor, id, enrichment.as_ref(), position.as_ref())
                .await?;
            Ok(ok(&json!({"enrichmentItem": {"id": enrichment_id}})))
        }
        "share" => {
            let request: ShareAlbumRequest = parse(&body)?;
            let view = service.share_album(&actor, id, request.into()).await?;
            let album = render::album(&view, &urls(&state));
            let share_info = album.get("shareInfo").cloned().unwrap_or(json!({}));
            Ok(ok(&json!({"shareInfo": share_info})))
        }
        "unshare" => {
            let _: EmptyRequest = parse(&body)?;
            service.unshare_album(&actor, id).await?;
            Ok(ok(&json!({})))
        }
        _ => Err(ApiError::method_not_found()),
    }
}
