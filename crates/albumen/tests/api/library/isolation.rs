//! A property over random call sequences by two users through two OAuth clients each:
//! under `google` nobody reads or changes another (user, client)'s items or albums; under
//! `legacy` a library-wide token reads its user's whole library, never another user's.
//! After every step each caller's listings must equal what the model says it may see.
//!
//! CI runs 10 cases of about 14 operations per profile. A long run sets `ISOLATION_CASES`
//! (or `PROPTEST_CASES`) and optionally `ISOLATION_MAX_OPS`; see docs/BENCHMARKS.md.

use std::sync::atomic::{AtomicUsize, Ordering};

use albumen_library::profile::Profile;
use albumen_oauth::rules::scope::ScopeSet;
use albumen_testkit::photos::camera_jpeg;
use albumen_testkit::{AppOptions, TestApp, spawn_app_with};
use proptest::prelude::*;
use proptest::sample::Index;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::isolation_model::{ACTORS, AlbumModel, ItemModel, Model};
use super::isolation_reads::expect;
use super::support::{ALL_CURRENT, SHOT, call, upload};

/// The pre-2025 library-wide scope. The upload endpoint does not honour it yet under
/// `legacy`, so the library-wide token also carries `appendonly` to create items.
const LIBRARY_WIDE: &str = "https://www.googleapis.com/auth/photoslibrary";

#[derive(Debug, Clone)]
pub(super) enum Op {
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

/// Cases per profile: `ISOLATION_CASES`, else `PROPTEST_CASES`, else CI's short run of 10.
fn cases() -> u32 {
    ["ISOLATION_CASES", "PROPTEST_CASES"]
        .iter()
        .find_map(|var| std::env::var(var).ok()?.parse().ok())
        .unwrap_or(10)
}

/// The most operations in one case (at least 4): `ISOLATION_MAX_OPS`, else 23, so that a
/// case averages about 14.
fn max_ops() -> usize {
    std::env::var("ISOLATION_MAX_OPS")
        .ok()
        .and_then(|ops| ops.parse().ok())
        .map_or(23, |ops: usize| ops.max(4))
}

/// Operations run so far in this process, per profile, for the long run's tally.
static OPS_RUN: [AtomicUsize; 2] = [AtomicUsize::new(0), AtomicUsize::new(0)];

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        // Each case runs a server: keep a failure's shrinking to minutes.
        max_shrink_iters: 40,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn under_google_every_app_sees_and_edits_only_its_own_data(
        ops in proptest::collection::vec(op(), 4..=max_ops())
    ) {
        run(Profile::Google, &ops);
    }

    #[test]
    fn under_legacy_a_library_wide_token_sees_its_users_library_only(
        ops in proptest::collection::vec(op(), 4..=max_ops())
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
    let tally = &OPS_RUN[usize::from(profile.is_legacy())];
    let total = tally.fetch_add(ops.len(), Ordering::Relaxed) + ops.len();
    // Seen with `--nocapture`: how far a long run has come.
    eprintln!(
        "isolation {profile:?}: {} ops in this case, {total} so far",
        ops.len()
    );
}

/// The server and one token per (user, client).
pub(super) struct World {
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

    pub(super) async fn call(
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
            _ => self.read(model, op, &context).await,
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

    pub(super) async fn search_album(&self, actor: usize, album_id: &str) -> (StatusCode, Value) {
        let body = json!({"albumId": album_id, "pageSize": 100});
        self.call(actor, Method::POST, "/v1/mediaItems:search", Some(body))
            .await
    }
}

fn index<T>(all: &[T], chosen: Index) -> Option<usize> {
    (!all.is_empty()).then(|| chosen.index(all.len()))
}

pub(super) fn pick<T>(all: &[T], chosen: Index) -> Option<&T> {
    index(all, chosen).map(|i| &all[i])
}
