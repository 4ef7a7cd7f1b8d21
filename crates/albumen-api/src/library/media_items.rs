//! The `mediaItems` methods: `batchCreate`, `batchGet`, `get`, `list`, `patch`, `search`.

use albumen_library::items::BatchGetSlot;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::call::{Kind, actor, library, ok, urls};
use super::render;
use super::requests::{
    BatchCreateRequest, BatchGetQuery, ListQuery, MediaItemBody, PatchQuery, SearchRequest,
};
use crate::error::ApiError;
use crate::extract::bearer::Caller;
use crate::extract::google_json::GoogleJson;
use crate::extract::google_query::GoogleQuery;
use crate::state::AppState;

/// `{"mediaItems": [...], "nextPageToken": ...}`, each omitted when empty.
fn item_page(page: albumen_library::items::ItemPage, urls: &render::UrlContext<'_>) -> Value {
    let mut out = Map::new();
    if !page.items.is_empty() {
        let items: Vec<Value> = page
            .items
            .iter()
            .map(|v| render::media_item(v, urls))
            .collect();
        out.insert("mediaItems".into(), Value::Array(items));
    }
    if let Some(token) = page.next_page_token {
        out.insert("nextPageToken".into(), json!(token));
    }
    Value::Object(out)
}

/// `GET /v1/mediaItems`.
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    GoogleQuery(query): GoogleQuery<ListQuery>,
) -> Result<Response, ApiError> {
    let actor = actor(&state, &caller, Kind::Read).await?;
    let page = library(&state)
        .list_items(
            &actor,
            query.page_size.map(i64::from),
            query.page_token.as_deref(),
        )
        .await?;
    Ok(ok(&item_page(page, &urls(&state))))
}

/// `POST /v1/mediaItems:search`.
pub(crate) async fn search(
    State(state): State<AppState>,
    caller: Caller,
    GoogleJson(body): GoogleJson<SearchRequest>,
) -> Result<Response, ApiError> {
    let actor = actor(&state, &caller, Kind::Read).await?;
    let page = library(&state).search_items(&actor, &body.into()).await?;
    Ok(ok(&item_page(page, &urls(&state))))
}

/// `GET /v1/mediaItems/{id}` and `PATCH /v1/mediaItems/{id}`.
pub(crate) async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let actor = actor(&state, &caller, Kind::Read).await?;
    let view = library(&state).get_item(&actor, &id).await?;
    Ok(ok(&render::media_item(&view, &urls(&state))))
}

pub(crate) async fn patch(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    GoogleQuery(query): GoogleQuery<PatchQuery>,
    GoogleJson(body): GoogleJson<MediaItemBody>,
) -> Result<Response, ApiError> {
    let actor = actor(&state, &caller, Kind::Write).await?;
    if let Some(body_id) = body.id.as_deref().filter(|b| !b.is_empty() && *b != id) {
        return Err(ApiError::invalid_argument(format!(
            "The media item id in the body ({body_id}) does not match the one in the URL."
        )));
    }
    let view = library(&state)
        .patch_item(
            &actor,
            &id,
            query.update_mask.as_deref(),
            body.description.as_deref(),
        )
        .await?;
    Ok(ok(&render::media_item(&view, &urls(&state))))
}

/// `GET /v1/mediaItems:batchGet`.
pub(crate) async fn batch_get(
    State(state): State<AppState>,
    caller: Caller,
    GoogleQuery(query): GoogleQuery<BatchGetQuery>,
) -> Result<Response, ApiError> {
    let actor = actor(&state, &caller, Kind::Read).await?;
    let slots = library(&state)
        .batch_get(&actor, &query.media_item_ids)
        .await?;
    let urls = urls(&state);
    let results: Vec<Value> = slots
        .iter()
        .map(|slot| match slot {
            BatchGetSlot::Found(view) => json!({"mediaItem": render::media_item(view, &urls)}),
            BatchGetSlot::Missing { code, message } => {
                json!({"status": {"code": code, "message": message}})
            }
        })
        .collect();
    Ok(ok(&json!({"mediaItemResults": results})))
}

/// `POST /v1/mediaItems:batchCreate`: HTTP 200 with a status per item.
pub(crate) async fn batch_create(
    State(state): State<AppState>,
    caller: Caller,
    GoogleJson(body): GoogleJson<BatchCreateRequest>,
) -> Result<Response, ApiError> {
    let actor = actor(&state, &caller, Kind::Write).await?;
    let outcomes = library(&state).batch_create(&actor, &body.into()).await?;
    let urls = urls(&state);
    let results: Vec<Value> = outcomes
        .iter()
        .map(|outcome| {
            let mut entry = Map::new();
            entry.insert("uploadToken".into(), json!(outcome.upload_token));
            match &outcome.result {
                Ok(view) => {
                    // Code 0 (OK) is omitted, as proto-JSON does.
                    entry.insert("status".into(), json!({"message": "Success"}));
                    entry.insert("mediaItem".into(), render::media_item(view, &urls));
                }
                Err(failure) => {
                    entry.insert(
                        "status".into(),
                        json!({"code": failure.code, "message": failure.message}),
                    );
                }
            }
            Value::Object(entry)
        })
        .collect();
    Ok(ok(&json!({"newMediaItemResults": results})))
}
