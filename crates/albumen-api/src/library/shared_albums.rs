//! The `sharedAlbums` methods (legacy profile; under `google` the service refuses them
//! with Google's insufficient-scopes 403).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;

use super::albums::album_page;
use super::call::{Kind, actor, library, ok, urls};
use super::render;
use super::requests::{ListQuery, ShareTokenRequest};
use crate::error::ApiError;
use crate::extract::bearer::Caller;
use crate::extract::google_json::parse_body;
use crate::extract::google_query::GoogleQuery;
use crate::state::AppState;

/// `GET /v1/sharedAlbums`.
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    GoogleQuery(query): GoogleQuery<ListQuery>,
) -> Result<Response, ApiError> {
    let actor = actor(&state, &caller, Kind::Read).await?;
    let page = library(&state)
        .list_shared_albums(
            &actor,
            query.page_size.map(i64::from),
            query.page_token.as_deref(),
        )
        .await?;
    Ok(ok(&album_page("sharedAlbums", page, &urls(&state))))
}

/// `GET /v1/sharedAlbums/{shareToken}`.
pub(crate) async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let actor = actor(&state, &caller, Kind::Read).await?;
    let view = library(&state).get_shared_album(&actor, &token).await?;
    Ok(ok(&render::album(&view, &urls(&state))))
}

/// `POST /v1/sharedAlbums:join`.
pub(crate) async fn join(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request: ShareTokenRequest = parse_body(&body)?;
    let actor = actor(&state, &caller, Kind::Write).await?;
    let token = request.share_token.unwrap_or_default();
    let view = library(&state).join_shared_album(&actor, &token).await?;
    Ok(ok(&json!({"album": render::album(&view, &urls(&state))})))
}

/// `POST /v1/sharedAlbums:leave`.
pub(crate) async fn leave(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request: ShareTokenRequest = parse_body(&body)?;
    let actor = actor(&state, &caller, Kind::Write).await?;
    let token = request.share_token.unwrap_or_default();
    library(&state).leave_shared_album(&actor, &token).await?;
    Ok(ok(&json!({})))
}
