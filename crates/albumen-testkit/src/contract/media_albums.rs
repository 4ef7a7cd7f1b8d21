//! The [`MediaRepo`] contract for albums: creation and listing, the album order (first,
//! last, after an item or an enrichment, renumbering), capacity, all-or-nothing removal
//! under concurrency, and sharing.

use albumen_core::StoreError;
use albumen_core::media::{
    Album, AlbumPosition, AlbumShare, Enrichment, EntryRef, MAX_ALBUM_ITEMS, MediaItem, MediaQuery,
    Visibility,
};
use albumen_core::page::Page;
use albumen_core::ports::MetadataStore;
use albumen_core::user::UserId;
use futures::StreamExt;
use time::Duration;

use super::console::user;
use super::media::{T0, WEB_APP, all_ids, library, photo, upload};

fn album(id: &str, owner: &UserId, client: Option<&str>, minutes: i64) -> Album {
    Album {
        id: id.to_owned(),
        user_id: owner.clone(),
        client_id: client.map(str::to_owned),
        title: format!("Album {id}"),
        cover_media_item_id: None,
        media_items_count: 0,
        created_at: T0 + Duration::minutes(minutes),
        share: None,
    }
}

fn items(ids: &[&str]) -> Vec<EntryRef> {
    ids.iter()
        .map(|id| EntryRef::MediaItem((*id).to_owned()))
        .collect()
}

fn in_album(owner: &UserId, album_id: &str) -> MediaQuery {
    MediaQuery {
        album_id: Some(album_id.to_owned()),
        ..library(owner, None)
    }
}

fn enrichment(id: &str, album_id: &str) -> Enrichment {
    Enrichment {
        id: id.to_owned(),
        album_id: album_id.to_owned(),
        body_json: r#"{"textEnrichment":{"text":"Day one"}}"#.into(),
        created_at: T0,
    }
}

/// A user with an empty album `AL` and photos named `ids`.
async fn album_with_photos(store: &dyn MetadataStore, ids: &[&str]) -> UserId {
    let ada = user(store, "ada@example.com").await;
    store
        .insert_album(&album("AL", &ada, Some(WEB_APP), 0))
        .await
        .unwrap();
    for (minutes, id) in (0_i64..).zip(ids) {
        upload(store, &photo(id, &ada, Some(WEB_APP), minutes)).await;
    }
    ada
}

async fn count(store: &dyn MetadataStore, album_id: &str) -> u64 {
    store.get_album(album_id).await.unwrap().media_items_count
}

pub async fn albums_list_newest_first_per_user_and_app(store: &dyn MetadataStore) {
    let ada = user(store, "ada@example.com").await;
    let bob = user(store, "bob@example.com").await;
    let first = album("AL1", &ada, Some(WEB_APP), 0);
    store.insert_album(&first).await.unwrap();
    assert_eq!(store.get_album("AL1").await.unwrap(), first);
    store
        .insert_album(&album("AL2", &ada, None, 1))
        .await
        .unwrap();
    store
        .insert_album(&album("AL3", &ada, Some(WEB_APP), 1))
        .await
        .unwrap();
    store
        .insert_album(&album("BL1", &bob, Some(WEB_APP), 2))
        .await
        .unwrap();
    let dup = store.insert_album(&first).await.unwrap_err();
    assert!(matches!(dup, StoreError::Conflict { what: "albums.id" }));
    let list = |client: Option<&str>| Visibility {
        user_id: ada.clone(),
        client_id: client.map(str::to_owned),
    };
    let mut seen = Vec::new();
    let mut page = Page::first(1);
    loop {
        let got = store.list_albums(&list(None), &page).await.unwrap();
        seen.extend(got.items.into_iter().map(|a| a.id));
        match got.next {
            Some(next) => page = Page::after(1, next),
            None => break,
        }
    }
    assert_eq!(seen, ["AL3", "AL2", "AL1"]);
    let app = store
        .list_albums(&list(Some(WEB_APP)), &Page::first(10))
        .await
        .unwrap();
    let app: Vec<_> = app.items.into_iter().map(|a| a.id).collect();
    assert_eq!(app, ["AL3", "AL1"]);
    assert!(store.get_album("nope").await.unwrap_err().is_not_found());
}

pub async fn albums_are_retitled_and_take_a_cover(store: &dyn MetadataStore) {
    let ada = album_with_photos(store, &["P1"]).await;
    store
        .update_album("AL", Some("Summer"), None)
        .await
        .unwrap();
    store
        .update_album("AL", None, Some(Some("P1")))
        .await
        .unwrap();
    let got = store.get_album("AL").await.unwrap();
    assert_eq!(
        (got.title.as_str(), got.cover_media_item_id.as_deref()),
        ("Summer", Some("P1"))
    );
    store.update_album("AL", None, Some(None)).await.unwrap();
    assert_eq!(
        store.get_album("AL").await.unwrap().cover_media_item_id,
        None
    );
    assert!(
        store
            .update_album("nope", Some("x"), None)
            .await
            .unwrap_err()
            .is_not_found()
    );
    let ghost = store.update_album("AL", None, Some(Some("ghost"))).await;
    assert!(ghost.unwrap_err().is_not_found());
    assert_eq!(store.get_album("AL").await.unwrap().user_id, ada);
}

pub async fn entries_go_first_last_or_after_an_item_or_enrichment(store: &dyn MetadataStore) {
    let ada = album_with_photos(store, &["A", "B", "C", "D", "E", "F"]).await;
    let at = |entries: Vec<EntryRef>, position: AlbumPosition| async move {
        store.add_album_entries("AL", &entries, &position).await
    };
    at(items(&["B", "C"]), AlbumPosition::Last).await.unwrap();
    at(items(&["A"]), AlbumPosition::First).await.unwrap();
    store
        .add_enrichment(
            &enrichment("EN", "AL"),
            &AlbumPosition::AfterMediaItem("B".into()),
        )
        .await
        .unwrap();
    // A, B, EN, C: items after the enrichment go between it and C, in the order given.
    at(
        items(&["D", "E"]),
        AlbumPosition::AfterEnrichment("EN".into()),
    )
    .await
    .unwrap();
    // Items already in the album stay put; a repeat in one call counts once.
    at(
        items(&["F", "A", "F"]),
        AlbumPosition::AfterMediaItem("A".into()),
    )
    .await
    .unwrap();
    let order = all_ids(store, &in_album(&ada, "AL"), 2).await;
    assert_eq!(order, ["A", "F", "B", "D", "E", "C"]);
    assert_eq!(count(store, "AL").await, 6);
    let stray = at(items(&["A"]), AlbumPosition::AfterMediaItem("ghost".into())).await;
    assert!(matches!(
        stray,
        Err(StoreError::Conflict {
            what: "album_entries.relative"
        })
    ));
    let stray = at(
        items(&["A"]),
        AlbumPosition::AfterEnrichment("ghost".into()),
    )
    .await;
    assert!(matches!(
        stray,
        Err(StoreError::Conflict {
            what: "album_entries.relative"
        })
    ));
    let missing = store
        .add_album_entries("nope", &items(&["A"]), &AlbumPosition::Last)
        .await;
    assert!(missing.unwrap_err().is_not_found());
    let bad_enrichment = store
        .add_enrichment(
            &enrichment("EN2", "AL"),
            &AlbumPosition::AfterMediaItem("ghost".into()),
        )
        .await;
    assert!(bad_enrichment.is_err());
    assert_eq!(all_ids(store, &in_album(&ada, "AL"), 10).await, order);
}

pub async fn many_insertions_at_one_spot_keep_the_order(store: &dyn MetadataStore) {
    let singles: Vec<String> = (0..55).map(|n| format!("N{n:02}")).collect();
    let batch = ["L1", "L2", "L3", "L4", "L5"];
    let mut all: Vec<&str> = vec!["HEAD", "TAIL"];
    all.extend(singles.iter().map(String::as_str));
    all.extend(batch);
    let ada = album_with_photos(store, &all).await;
    let after_head = AlbumPosition::AfterMediaItem("HEAD".into());
    store
        .add_album_entries("AL", &items(&["HEAD", "TAIL"]), &AlbumPosition::Last)
        .await
        .unwrap();
    // Each one goes right after HEAD, halving the gap there until the album is renumbered.
    for name in &singles {
        store
            .add_album_entries("AL", &items(&[name]), &after_head)
            .await
            .unwrap();
    }
    // A whole list into what is left of that gap.
    store
        .add_album_entries("AL", &items(&batch), &after_head)
        .await
        .unwrap();
    let mut expected = vec!["HEAD".to_owned()];
    expected.extend(batch.iter().map(|id| (*id).to_owned()));
    expected.extend(singles.iter().rev().cloned());
    expected.push("TAIL".into());
    assert_eq!(all_ids(store, &in_album(&ada, "AL"), 7).await, expected);
    assert_eq!(count(store, "AL").await, 62);
}

pub async fn an_album_holds_at_most_the_maximum_of_media_items(store: &dyn MetadataStore) {
    let ada = user(store, "ada@example.com").await;
    store
        .insert_album(&album("AL", &ada, None, 0))
        .await
        .unwrap();
    let total = usize::try_from(MAX_ALBUM_ITEMS).unwrap() + 1;
    let ids: Vec<String> = (0..total).map(|n| format!("M{n:05}")).collect();
    futures::stream::iter(ids.iter())
        .for_each_concurrent(16, |id| {
            let ada = ada.clone();
            async move {
                upload(store, &photo(id, &ada, None, 0)).await;
            }
        })
        .await;
    let refs: Vec<EntryRef> = ids
        .iter()
        .map(|id| EntryRef::MediaItem(id.clone()))
        .collect();
    let (almost, rest) = refs.split_at(total - 2);
    store
        .add_album_entries("AL", almost, &AlbumPosition::Last)
        .await
        .unwrap();
    let over = store
        .add_album_entries("AL", rest, &AlbumPosition::First)
        .await;
    assert!(matches!(
        over,
        Err(StoreError::Conflict {
            what: "album_entries.capacity"
        })
    ));
    assert_eq!(count(store, "AL").await, MAX_ALBUM_ITEMS - 1);
    // Enrichments and items already present do not count.
    store
        .add_enrichment(&enrichment("EN", "AL"), &AlbumPosition::First)
        .await
        .unwrap();
    store
        .add_album_entries("AL", &refs[..3], &AlbumPosition::Last)
        .await
        .unwrap();
    store
        .add_album_entries("AL", &rest[..1], &AlbumPosition::Last)
        .await
        .unwrap();
    assert_eq!(count(store, "AL").await, MAX_ALBUM_ITEMS);
    let full = store
        .add_album_entries("AL", &rest[1..], &AlbumPosition::Last)
        .await;
    assert!(matches!(
        full,
        Err(StoreError::Conflict {
            what: "album_entries.capacity"
        })
    ));
    let page = store
        .search_media_items(&in_album(&ada, "AL"), &Page::first(2))
        .await
        .unwrap();
    let first: Vec<_> = page.items.into_iter().map(|i| i.id).collect();
    assert_eq!(first, ["M00000", "M00001"]);
}

pub async fn concurrent_additions_to_one_album_lose_nothing(store: &dyn MetadataStore) {
    let ids: Vec<String> = (0..40).map(|n| format!("C{n:02}")).collect();
    let names: Vec<&str> = ids.iter().map(String::as_str).collect();
    let ada = album_with_photos(store, &names).await;
    let batches: Vec<Vec<EntryRef>> = names.chunks(5).map(items).collect();
    let results = futures::future::join_all(
        batches
            .iter()
            .map(|batch| store.add_album_entries("AL", batch, &AlbumPosition::First)),
    )
    .await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let mut listed = all_ids(store, &in_album(&ada, "AL"), 100).await;
    assert_eq!(count(store, "AL").await, 40);
    listed.sort();
    assert_eq!(listed, ids);
}

pub async fn removal_is_all_or_nothing(store: &dyn MetadataStore) {
    let ada = album_with_photos(store, &["A", "B", "C", "OUT"]).await;
    store
        .add_album_entries("AL", &items(&["A", "B", "C"]), &AlbumPosition::Last)
        .await
        .unwrap();
    store
        .update_album("AL", None, Some(Some("B")))
        .await
        .unwrap();
    let refused = store
        .remove_album_media_items("AL", &["A".into(), "OUT".into()])
        .await;
    assert!(matches!(
        refused,
        Err(StoreError::Conflict {
            what: "album_entries.missing"
        })
    ));
    assert_eq!(
        all_ids(store, &in_album(&ada, "AL"), 10).await,
        ["A", "B", "C"]
    );
    store
        .remove_album_media_items("AL", &["C".into(), "B".into()])
        .await
        .unwrap();
    assert_eq!(all_ids(store, &in_album(&ada, "AL"), 10).await, ["A"]);
    let left = store.get_album("AL").await.unwrap();
    assert_eq!(
        (left.media_items_count, left.cover_media_item_id),
        (1, None)
    );
    // Removing from an album leaves the library alone.
    assert_eq!(all_ids(store, &library(&ada, None), 10).await.len(), 4);
    let unknown = store.remove_album_media_items("nope", &["A".into()]).await;
    assert!(unknown.unwrap_err().is_not_found());
}

pub async fn shared_albums_are_joined_listed_and_left(store: &dyn MetadataStore) {
    let ada = album_with_photos(store, &["A"]).await;
    let bob = user(store, "bob@example.com").await;
    let share = AlbumShare {
        share_token: "share-token-1".into(),
        is_collaborative: true,
        is_commentable: false,
        shared_at: T0,
    };
    assert!(
        store
            .join_album("AL", &bob, T0)
            .await
            .unwrap_err()
            .is_not_found()
    );
    store.share_album("AL", &share).await.unwrap();
    // Sharing again changes the options but keeps the token.
    let options = AlbumShare {
        share_token: "share-token-2".into(),
        is_commentable: true,
        ..share.clone()
    };
    store.share_album("AL", &options).await.unwrap();
    let shared = store
        .get_album_by_share_token("share-token-1")
        .await
        .unwrap();
    assert_eq!(
        shared.share,
        Some(AlbumShare {
            share_token: "share-token-1".into(),
            ..options
        })
    );
    assert!(
        store
            .get_album_by_share_token("share-token-2")
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(store.is_album_member("AL", &ada).await.unwrap());
    assert!(!store.is_album_member("AL", &bob).await.unwrap());
    store.join_album("AL", &bob, T0).await.unwrap();
    store.join_album("AL", &bob, T0).await.unwrap();
    assert!(store.is_album_member("AL", &bob).await.unwrap());
    for member in [&ada, &bob] {
        let listed = store
            .list_shared_albums(member, &Page::first(5))
            .await
            .unwrap();
        assert_eq!(listed.items, vec![shared.clone()]);
    }
    store.leave_album("AL", &bob).await.unwrap();
    assert!(
        store
            .leave_album("AL", &bob)
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        store
            .list_shared_albums(&bob, &Page::first(5))
            .await
            .unwrap()
            .items
            .is_empty()
    );
    store.join_album("AL", &bob, T0).await.unwrap();
    store.unshare_album("AL").await.unwrap();
    assert!(!store.is_album_member("AL", &bob).await.unwrap());
    assert!(store.get_album("AL").await.unwrap().share.is_none());
    assert!(
        store
            .get_album_by_share_token("share-token-1")
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        store
            .list_shared_albums(&ada, &Page::first(5))
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(
        store
            .unshare_album("nope")
            .await
            .unwrap_err()
            .is_not_found()
    );
}

/// Items another member added show in the album whoever asks (access is the caller's).
pub async fn an_album_lists_items_of_every_contributor(store: &dyn MetadataStore) {
    let ada = album_with_photos(store, &["A"]).await;
    let bob = user(store, "bob@example.com").await;
    let bobs: MediaItem = upload(store, &photo("B", &bob, None, 9)).await;
    store
        .add_album_entries("AL", &items(&["A", &bobs.id]), &AlbumPosition::Last)
        .await
        .unwrap();
    assert_eq!(all_ids(store, &in_album(&ada, "AL"), 1).await, ["A", "B"]);
}
