//! A property over random call sequences by two users through two OAuth clients each:
//! under `google` nobody reads or changes another (user, client)'s items or albums; under
//! `legacy` a library-wide token reads its user's whole library, never another user's.
//! After every step each caller's listings must equal what the model says it may see.

use std::collections::BTreeMap;

use albumen_library::profile::Profile;
use albumen_oauth::rules::scope::ScopeSet;
use albumen_testkit::photos::camera_jpeg;
use albumen_testkit::{AppOptions, TestApp, spawn_app_with};
use proptest::prelude::*;
use proptest::sample::Index;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::isolation_model::{ACTORS, AlbumModel, ItemModel, Model, Refusal, user_of};
use super::support::{ALL_CURRENT, SHOT, call, upload};

/// The pre-2025 library-wide scope. The upload endpoint does not honour it yet under
/// `legacy`, so the library-wide token also carries `appendonly` to create items.
const LIBRARY_WIDE: &str = "https://www.googleapis.com/auth/photoslibrary https://www.googleapis.com/auth/photoslibrary.appendonly";

#[derive(Debug, Clone)]
enum Op {
    CreateItem {
        actor: usize,
        album: Option<Index>,
    },
    CreateAlbum {
        actor: usize,
    },
    AddToAlbum {
        actor: usize,
        album: Index,
        item: Index,
    },
    RemoveFromAlbum {
        actor: usize,
        album: Index,
        item: Index,
    },
    DescribeItem {
        actor: usize,
        item: Index,
    },
    RetitleAlbum {
        actor: usize,
        album: Index,
    },
    GetItem {
        actor: usize,
        item: Index,
    },
    BatchGet {
        actor: usize,
        items: Vec<Index>,
    },
    GetAlbum {
        actor: usize,
        album: Index,
    },
    SearchAlbum {
        actor: usize,
        album: Index,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let actor = 0..ACTORS;
    prop_oneof![
        4 => (actor.clone(), proptest::option::of(any::<Index>()))
            .prop_map(|(actor, album)| Op::CreateItem { actor, album }),
        2 => actor.clone().prop_map(|actor| Op::CreateAlbum { actor }),
        3 => (actor.clone(), any::<Index>(), any::<Index>())
            .prop_map(|(actor, album, item)| Op::AddToAlbum { actor, album, item }),
        2 => (actor.clone(), any::<Index>(), any::<Index>())
            .prop_map(|(actor, album, item)| Op::RemoveFromAlbum { actor, album, item }),
        2 => (actor.clone(), any::<Index>()).prop_map(|(actor, item)| Op::DescribeItem { actor, item }),
        2 => (actor.clone(), any::<Index>()).prop_map(|(actor, album)| Op::RetitleAlbum { actor, album }),
        1 => (actor.clone(), any::<Index>()).prop_map(|(actor, item)| Op::GetItem { actor, item }),
        1 => (actor.clone(), proptest::collection::vec(any::<Index>(), 1..4))
            .prop_map(|(actor, items)| Op::BatchGet { actor, items }),
        1 => (actor.clone(), any::<Index>()).prop_map(|(actor, album)| Op::GetAlbum { actor, album }),
        1 => (actor, any::<Index>()).prop_map(|(actor, album)| Op::SearchAlbum { actor, album }),
    ]
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 10,
        max_shrink_iters: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn under_google_every_app_sees_and_edits_only_its_own_data(
        ops in proptest::collection::vec(op(), 4..24)
    ) {
        run(Profile::Google, &ops);
    }

    #[test]
    fn under_legacy_a_library_wide_token_sees_its_users_library_only(
        ops in proptest::collection::vec(op(), 4..24)
    ) {
        run(Profile::Legacy, &ops);
    }
}

fn run(profile: Profile, ops: &[Op]) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let world = World::start(profile).await;
        let mut model = Model::new(profile);
        for (step, op) in ops.iter().enumerate() {
            world.apply(&mut model, step, op).await;
            world.check_views(&model, step, op).await;
        }
    });
}

/// The server and one token per (user, client).
struct World {
    app: TestApp,
    tokens: Vec<String>,
}

impl World {
    async fn start(profile: Profile) -> Self {
        let options = AppOptions {
            profile,
            ..AppOptions::default()
        };
        let app = spawn_app_with(options).await.unwrap();
        let seeded = app.seed().await;
        let authority = &app.state.authority;
        let second = authority
            .create_user("bob@example.com", "Bob", None, false)
            .await
            .unwrap();
        let mut tokens = Vec::new();
        for user in [&seeded.admin, &second] {
            for (index, client) in [&seeded.desktop, &seeded.web].into_iter().enumerate() {
                let scopes = if profile.is_legacy() && index == 0 {
                    LIBRARY_WIDE
                } else {
                    ALL_CURRENT
                };
                let scopes = ScopeSet::parse(scopes).unwrap();
                let minted = authority.mint_tokens(user, &client.client.client_id, &scopes);
                tokens.push(minted.await.unwrap().access_token);
            }
        }
        Self { app, tokens }
    }

    async fn call(
        &self,
        actor: usize,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        call(&self.app, &self.tokens[actor], method, path, body).await
    }

    async fn apply(&self, model: &mut Model, step: usize, op: &Op) {
        let context = format!("step {step}: {op:?}");
        match *op {
            Op::CreateItem { actor, album } => {
                let album = album.and_then(|a| pick(&model.albums, a)).cloned();
                self.create_item(model, actor, album.as_ref(), step, &context)
                    .await;
            }
            Op::CreateAlbum { actor } => {
                let title = format!("album {step}");
                let body = json!({"album": {"title": title}});
                let (status, album) = self
                    .call(actor, Method::POST, "/v1/albums", Some(body))
                    .await;
                assert_eq!(status, StatusCode::OK, "{context}: {album}");
                assert_eq!(album["isWriteable"], true, "{context}: {album}");
                model.albums.push(AlbumModel {
                    id: album["id"].as_str().unwrap().to_owned(),
                    creator: actor,
                    title,
                    items: Vec::new(),
                });
            }
            Op::AddToAlbum { actor, album, item } => {
                let (Some(a), Some(i)) = (index(&model.albums, album), index(&model.items, item))
                else {
                    return;
                };
                let (id, item_id) = (model.albums[a].id.clone(), model.items[i].id.clone());
                let expected = model.add_to_album(actor, &model.albums[a], &model.items[i]);
                let path = format!("/v1/albums/{id}:batchAddMediaItems");
                let (status, body) = self
                    .call(
                        actor,
                        Method::POST,
                        &path,
                        Some(json!({"mediaItemIds": [item_id]})),
                    )
                    .await;
                expect(status, &body, expected, &context, json!({}));
                let held = &mut model.albums[a].items;
                if expected.is_ok() && !held.contains(&item_id) {
                    held.push(item_id);
                }
            }
            Op::RemoveFromAlbum { actor, album, item } => {
                let (Some(a), Some(i)) = (index(&model.albums, album), index(&model.items, item))
                else {
                    return;
                };
                let (id, item_id) = (model.albums[a].id.clone(), model.items[i].id.clone());
                let expected = model.remove_from_album(actor, &model.albums[a], &model.items[i]);
                let path = format!("/v1/albums/{id}:batchRemoveMediaItems");
                let (status, body) = self
                    .call(
                        actor,
                        Method::POST,
                        &path,
                        Some(json!({"mediaItemIds": [item_id]})),
                    )
                    .await;
                expect(status, &body, expected, &context, json!({}));
                if expected.is_ok() {
                    model.albums[a].items.retain(|held| *held != item_id);
                }
            }
            Op::DescribeItem { actor, item } => {
                let Some(i) = index(&model.items, item) else {
                    return;
                };
                let id = model.items[i].id.clone();
                let description = format!("described at step {step}");
                let expected = model.describe(actor, &model.items[i]);
                let path = format!("/v1/mediaItems/{id}?updateMask=description");
                let body = json!({"id": id, "description": description});
                let (status, body) = self.call(actor, Method::PATCH, &path, Some(body)).await;
                if let Err(refusal) = expected {
                    expect(status, &body, Err(refusal), &context, Value::Null);
                } else {
                    assert_eq!(status, StatusCode::OK, "{context}: {body}");
                    assert_eq!(
                        body["description"],
                        description.as_str(),
                        "{context}: {body}"
                    );
                    model.items[i].description = description;
                }
            }
            Op::RetitleAlbum { actor, album } => {
                let Some(a) = index(&model.albums, album) else {
                    return;
                };
                let id = model.albums[a].id.clone();
                let title = format!("retitled at step {step}");
                let expected = model.edit_album(actor, &model.albums[a]);
                let path = format!("/v1/albums/{id}?updateMask=title");
                let body = json!({"id": id, "title": title});
                let (status, body) = self.call(actor, Method::PATCH, &path, Some(body)).await;
                if let Err(refusal) = expected {
                    expect(status, &body, Err(refusal), &context, Value::Null);
                } else {
                    assert_eq!(status, StatusCode::OK, "{context}: {body}");
                    assert_eq!(body["title"], title.as_str(), "{context}: {body}");
                    model.albums[a].title = title;
                }
            }
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
                        assert_item(&body, item, &context);
                    }
                    refused => expect(status, &body, refused, &context, Value::Null),
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
                        Ok(()) => assert_item(&slot["mediaItem"], item, &context),
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
                        assert_album(&body, album, actor, &context);
                    }
                    refused => expect(status, &body, refused, &context, Value::Null),
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
                    refused => expect(status, &body, refused, &context, Value::Null),
                }
            }
        }
    }

    async fn create_item(
        &self,
        model: &mut Model,
        actor: usize,
        album: Option<&AlbumModel>,
        step: usize,
        context: &str,
    ) {
        let bytes = camera_jpeg(16 + 4 * (step % 8) as u32, 16, step as u8, &SHOT);
        let upload_token = upload(&self.app, &self.tokens[actor], bytes).await;
        let mut body =
            json!({"newMediaItems": [{"simpleMediaItem": {"uploadToken": upload_token}}]});
        let expected = match album {
            Some(album) => {
                body["albumId"] = json!(album.id);
                model.create_into(actor, album)
            }
            None => Ok(()),
        };
        let (status, result) = self
            .call(
                actor,
                Method::POST,
                "/v1/mediaItems:batchCreate",
                Some(body),
            )
            .await;
        if let Err(refusal) = expected {
            return expect(status, &result, Err(refusal), context, Value::Null);
        }
        assert_eq!(status, StatusCode::OK, "{context}: {result}");
        let created = &result["newMediaItemResults"][0];
        assert_eq!(
            created["status"],
            json!({"message": "Success"}),
            "{context}: {result}"
        );
        let id = created["mediaItem"]["id"].as_str().unwrap().to_owned();
        if let Some(album) = album {
            let held = model.albums.iter_mut().find(|a| a.id == album.id).unwrap();
            held.items.push(id.clone());
        }
        model.items.push(ItemModel {
            id,
            creator: actor,
            description: String::new(),
        });
    }

    async fn search_album(&self, actor: usize, album_id: &str) -> (StatusCode, Value) {
        let body = json!({"albumId": album_id, "pageSize": 100});
        self.call(actor, Method::POST, "/v1/mediaItems:search", Some(body))
            .await
    }

    /// Every caller's item and album listings equal what the model lets it see, and every
    /// album holds what the model says (checked by its creator).
    async fn check_views(&self, model: &Model, step: usize, op: &Op) {
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
fn expect(
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

fn index<T>(all: &[T], chosen: Index) -> Option<usize> {
    (!all.is_empty()).then(|| chosen.index(all.len()))
}

fn pick<T>(all: &[T], chosen: Index) -> Option<&T> {
    index(all, chosen).map(|i| &all[i])
}
