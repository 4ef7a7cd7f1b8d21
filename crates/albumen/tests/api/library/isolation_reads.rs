//! The read half of the isolation property: the answers to get, batchGet, album get and
//! album search, the listings every caller must see after each step, and the assertions.

use std::collections::BTreeMap;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::isolation::{Op, World, pick};
use super::isolation_model::{ACTORS, AlbumModel, ItemModel, Model, Refusal, user_of};

impl World {
    /// Runs a reading operation and checks its answer against the model.
    pub(super) async fn read(&self, model: &Model, op: &Op, context: &str) {
        match *op {
            Op::GetItem { actor, item } => {
                let Some(item) = pick(&model.items, item) else {
                    return;
                };
                let (status, body) = self
                    .call(
                        actor,
                        Method::GET,
                        &format!("/v1/mediaItems/{}", item.id),
                        None,
                    )
                    .await;
                match model.read_item(actor, item) {
                    Ok(()) => {
                        assert_eq!(status, StatusCode::OK, "{context}: {body}");
                        assert_item(&body, item, context);
                    }
                    refused => expect(status, &body, refused, context, Value::Null),
                }
            }
            Op::BatchGet { actor, ref items } => {
                let mut wanted: Vec<&ItemModel> = items
                    .iter()
                    .filter_map(|i| pick(&model.items, *i))
                    .collect();
                wanted.sort_by(|a, b| a.id.cmp(&b.id));
                wanted.dedup_by(|a, b| a.id == b.id);
                if wanted.is_empty() {
                    return;
                }
                let query: Vec<String> = wanted
                    .iter()
                    .map(|i| format!("mediaItemIds={}", i.id))
                    .collect();
                let path = format!("/v1/mediaItems:batchGet?{}", query.join("&"));
                let (status, body) = self.call(actor, Method::GET, &path, None).await;
                assert_eq!(status, StatusCode::OK, "{context}: {body}");
                let slots = body["mediaItemResults"].as_array().unwrap();
                assert_eq!(slots.len(), wanted.len(), "{context}: {body}");
                for (slot, item) in slots.iter().zip(&wanted) {
                    match model.read_item(actor, item) {
                        Ok(()) => assert_item(&slot["mediaItem"], item, context),
                        Err(refusal) => assert_eq!(
                            *slot,
                            json!({"status": {"code": 3, "message": refusal.message}}),
                            "{context}: a foreign item leaked through batchGet"
                        ),
                    }
                }
            }
            Op::GetAlbum { actor, album } => {
                let Some(album) = pick(&model.albums, album) else {
                    return;
                };
                let (status, body) = self
                    .call(
                        actor,
                        Method::GET,
                        &format!("/v1/albums/{}", album.id),
                        None,
                    )
                    .await;
                match model.read_album(actor, album) {
                    Ok(()) => {
                        assert_eq!(status, StatusCode::OK, "{context}: {body}");
                        assert_album(&body, album, actor, context);
                    }
                    refused => expect(status, &body, refused, context, Value::Null),
                }
            }
            Op::SearchAlbum { actor, album } => {
                let Some(album) = pick(&model.albums, album) else {
                    return;
                };
                let (status, body) = self.search_album(actor, &album.id).await;
                match model.read_album(actor, album) {
                    Ok(()) => {
                        assert_eq!(status, StatusCode::OK, "{context}: {body}");
                        assert_eq!(ids(&body["mediaItems"]), album.items, "{context}: {body}");
                    }
                    refused => expect(status, &body, refused, context, Value::Null),
                }
            }
            _ => unreachable!("{op:?} changes something"),
        }
    }

    /// Every caller's item and album listings equal what the model lets it see, and every
    /// album holds what the model says (checked by its creator).
    pub(super) async fn check_views(&self, model: &Model, step: usize, op: &Op) {
        let context = format!("after step {step} ({op:?})");
        for actor in 0..ACTORS {
            let (status, page) = self
                .call(actor, Method::GET, "/v1/mediaItems?pageSize=100", None)
                .await;
            assert_eq!(status, StatusCode::OK, "{context}: {page}");
            let listed: BTreeMap<String, String> = page["mediaItems"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|item| {
                    (
                        item["id"].as_str().unwrap().to_owned(),
                        text(&item["description"]),
                    )
                })
                .collect();
            let expected: BTreeMap<String, String> = model
                .visible_items(actor)
                .into_iter()
                .map(|item| (item.id.clone(), item.description.clone()))
                .collect();
            assert_eq!(
                listed,
                expected,
                "{context}: items listed for actor {actor} (user {})",
                user_of(actor)
            );

            let (status, page) = self
                .call(actor, Method::GET, "/v1/albums?pageSize=50", None)
                .await;
            assert_eq!(status, StatusCode::OK, "{context}: {page}");
            let listed = page["albums"].as_array().cloned().unwrap_or_default();
            let visible = model.visible_albums(actor);
            assert_eq!(
                listed.len(),
                visible.len(),
                "{context}: albums listed for actor {actor}: {page}"
            );
            for album in visible {
                let shown = listed.iter().find(|a| a["id"] == album.id.as_str());
                let shown =
                    shown.unwrap_or_else(|| panic!("{context}: actor {actor} misses {album:?}"));
                assert_album(shown, album, actor, &context);
            }
        }
        for album in &model.albums {
            let (status, body) = self.search_album(album.creator, &album.id).await;
            assert_eq!(status, StatusCode::OK, "{context}: {body}");
            assert_eq!(
                ids(&body["mediaItems"]),
                album.items,
                "{context}: contents of {album:?}"
            );
        }
    }
}

/// The answer to a call the model expects to succeed with `ok_body`, or to be refused.
pub(super) fn expect(
    status: StatusCode,
    body: &Value,
    expected: Result<(), Refusal>,
    context: &str,
    ok_body: Value,
) {
    match expected {
        Ok(()) => {
            assert_eq!(status, StatusCode::OK, "{context}: {body}");
            assert_eq!(*body, ok_body, "{context}");
        }
        Err(refusal) => {
            assert_eq!(status, refusal.status, "{context}: {body}");
            assert_eq!(body["error"]["status"], refusal.state, "{context}: {body}");
            assert_eq!(
                body["error"]["message"], refusal.message,
                "{context}: {body}"
            );
        }
    }
}

fn assert_item(shown: &Value, item: &ItemModel, context: &str) {
    assert_eq!(shown["id"], item.id.as_str(), "{context}: {shown}");
    assert_eq!(
        text(&shown["description"]),
        item.description,
        "{context}: {shown}"
    );
}

fn assert_album(shown: &Value, album: &AlbumModel, actor: usize, context: &str) {
    assert_eq!(shown["id"], album.id.as_str(), "{context}: {shown}");
    assert_eq!(shown["title"], album.title.as_str(), "{context}: {shown}");
    let writeable = shown["isWriteable"].as_bool().unwrap_or(false);
    assert_eq!(
        writeable,
        album.creator == actor,
        "{context}: isWriteable of {shown}"
    );
    let count = text(&shown["mediaItemsCount"]);
    let count = if count.is_empty() {
        "0".to_owned()
    } else {
        count
    };
    assert_eq!(count, album.items.len().to_string(), "{context}: {shown}");
    let cover = text(&shown["coverPhotoMediaItemId"]);
    assert_eq!(
        cover,
        album.items.first().cloned().unwrap_or_default(),
        "{context}: cover of {shown}"
    );
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

fn ids(items: &Value) -> Vec<String> {
    let items = items.as_array().into_iter().flatten();
    items
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}
