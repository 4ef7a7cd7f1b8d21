//! The [`MediaRepo`] contract for media items: creation from upload tokens (dedup, one use
//! per token), reads and edits, keyset listing with every filter, the video probe's lease,
//! and blob references. Albums are in `media_albums`.

use albumen_core::StoreError;
use albumen_core::media::{
    BlobUse, CaptureFacts, DateMatch, DateParts, MediaItem, MediaKind, MediaQuery, VideoStatus,
    Visibility,
};
use albumen_core::page::Page;
use albumen_core::ports::MetadataStore;
use albumen_core::upload::UploadToken;
use albumen_core::user::UserId;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use super::console::user;

pub(crate) const T0: OffsetDateTime = datetime!(2026-03-04 05:06:07.123456 UTC);
pub(crate) const WEB_APP: &str = "111-web.apps.googleusercontent.com";
const OTHER_APP: &str = "222-other.apps.googleusercontent.com";

/// A photo of `user` made by `client`, `minutes` after T0, with bytes of its own.
pub(crate) fn photo(id: &str, user: &UserId, client: Option<&str>, minutes: i64) -> MediaItem {
    MediaItem {
        id: id.to_owned(),
        user_id: user.clone(),
        client_id: client.map(str::to_owned),
        blob_key: format!("{id:0>64}"),
        size: 1234,
        mime_type: "image/jpeg".into(),
        filename: format!("{id}.jpg"),
        description: String::new(),
        kind: MediaKind::Photo,
        width: Some(4032),
        height: Some(3024),
        creation_time: T0 + Duration::minutes(minutes),
        capture_date: None,
        facts: CaptureFacts::default(),
        video_status: None,
        has_location: false,
        is_favorite: false,
        is_archived: false,
        created_at: T0,
    }
}

fn token_for(item: &MediaItem, digest: &str) -> UploadToken {
    UploadToken {
        digest: digest.to_owned(),
        user_id: item.user_id.clone(),
        client_id: item.client_id.clone().unwrap_or_else(|| WEB_APP.into()),
        blob_key: item.blob_key.clone(),
        size: item.size,
        mime_type: Some(item.mime_type.clone()),
        file_name: Some(item.filename.clone()),
        created_at: T0,
        expires_at: T0 + Duration::days(1),
        used_at: None,
    }
}

/// Stores `item` the way `batchCreate` does: through an upload token of its own.
pub(crate) async fn upload(store: &dyn MetadataStore, item: &MediaItem) -> MediaItem {
    let digest = format!("token-{}", item.id);
    store
        .insert_upload_token(&token_for(item, &digest))
        .await
        .unwrap();
    store
        .create_media_item_from_upload(&digest, item, T0)
        .await
        .unwrap()
}

pub(crate) fn library(user: &UserId, client: Option<&str>) -> MediaQuery {
    MediaQuery {
        visibility: Visibility {
            user_id: user.clone(),
            client_id: client.map(str::to_owned),
        },
        album_id: None,
        date: None,
        kind: None,
        favorites_only: false,
        include_archived: false,
        requires_category: false,
        not_after: None,
        not_before: None,
        oldest_first: false,
    }
}

/// The ids of every page of `query`, walked `size` at a time.
pub(crate) async fn all_ids(
    store: &dyn MetadataStore,
    query: &MediaQuery,
    size: u32,
) -> Vec<String> {
    let mut ids = Vec::new();
    let mut page = Page::first(size);
    loop {
        let got = store.search_media_items(query, &page).await.unwrap();
        assert!(got.items.len() <= size as usize);
        ids.extend(got.items.into_iter().map(|item| item.id));
        match got.next {
            Some(next) => page = Page::after(size, next),
            None => return ids,
        }
    }
}

pub async fn an_uploaded_item_reads_back_identically(store: &dyn MetadataStore) {
    let ada = user(store, "ada@example.com").await;
    let mut item = photo("A1", &ada, Some(WEB_APP), 0);
    item.description = "Beach – été".into();
    item.capture_date = Some(20260304);
    item.facts = CaptureFacts {
        camera_make: Some("Canon".into()),
        camera_model: Some("EOS R5".into()),
        focal_length: Some(35.5),
        aperture_f_number: Some(1.8),
        iso_equivalent: Some(400),
        exposure_time: Some(0.008),
        fps: None,
        duration: None,
    };
    item.has_location = true;
    item.size = 5_000_000_000;
    assert_eq!(upload(store, &item).await, item);
    assert_eq!(store.get_media_item("A1").await.unwrap(), item);
    let token = store.get_upload_token("token-A1").await.unwrap();
    assert_eq!(token.used_at, Some(T0));
    let web = MediaItem {
        client_id: None,
        ..photo("A2", &ada, None, 1)
    };
    upload(store, &web).await;
    let mut found = store
        .get_media_items(&["A2".into(), "nope".into(), "A1".into()])
        .await
        .unwrap();
    found.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(found, vec![item, web]);
    assert!(store.get_media_items(&[]).await.unwrap().is_empty());
    assert!(
        store
            .get_media_item("nope")
            .await
            .unwrap_err()
            .is_not_found()
    );
}

pub async fn the_same_bytes_resolve_to_the_users_existing_item(store: &dyn MetadataStore) {
    let ada = user(store, "ada@example.com").await;
    let bob = user(store, "bob@example.com").await;
    let first = upload(store, &photo("A1", &ada, Some(WEB_APP), 0)).await;
    let again = MediaItem {
        blob_key: first.blob_key.clone(),
        ..photo("A2", &ada, Some(OTHER_APP), 5)
    };
    assert_eq!(upload(store, &again).await, first);
    assert!(store.get_media_item("A2").await.unwrap_err().is_not_found());
    // The token was still spent.
    assert!(
        store
            .get_upload_token("token-A2")
            .await
            .unwrap()
            .used_at
            .is_some()
    );
    let bobs = MediaItem {
        blob_key: first.blob_key.clone(),
        ..photo("B1", &bob, Some(WEB_APP), 0)
    };
    assert_eq!(upload(store, &bobs).await, bobs);
}

pub async fn an_upload_token_is_spent_once_even_when_raced(store: &dyn MetadataStore) {
    let ada = user(store, "ada@example.com").await;
    let base = photo("A0", &ada, Some(WEB_APP), 0);
    store
        .insert_upload_token(&token_for(&base, "shared-token"))
        .await
        .unwrap();
    let items: Vec<MediaItem> = (0..8)
        .map(|n| MediaItem {
            blob_key: format!("{n:0>64}"),
            ..photo(&format!("A{n}"), &ada, Some(WEB_APP), n)
        })
        .collect();
    let attempts = futures::future::join_all(
        items
            .iter()
            .map(|item| store.create_media_item_from_upload("shared-token", item, T0)),
    )
    .await;
    assert_eq!(attempts.iter().filter(|r| r.is_ok()).count(), 1);
    for failed in attempts.iter().filter_map(|r| r.as_ref().err()) {
        assert!(matches!(
            failed,
            StoreError::Conflict {
                what: "upload_tokens.used"
            }
        ));
    }
    let listed = all_ids(store, &library(&ada, None), 10).await;
    assert_eq!(listed.len(), 1);
    let unknown = store
        .create_media_item_from_upload("no-such-token", &base, T0)
        .await
        .unwrap_err();
    assert!(unknown.is_not_found());
}

pub async fn library_pages_visit_every_item_once_in_order(store: &dyn MetadataStore) {
    let ada = user(store, "ada@example.com").await;
    // Five items share each creation time, so the id breaks ties across page ends.
    let mut expected = Vec::new();
    for n in 0..23_i64 {
        let item = photo(&format!("A{n:02}"), &ada, Some(WEB_APP), n / 5);
        upload(store, &item).await;
        expected.push((item.creation_time, item.id));
    }
    expected.sort();
    let oldest: Vec<String> = expected.iter().map(|(_, id)| id.clone()).collect();
    let newest: Vec<String> = oldest.iter().rev().cloned().collect();
    for size in [1, 4, 5, 7, 23, 100] {
        assert_eq!(all_ids(store, &library(&ada, None), size).await, newest);
        let ascending = MediaQuery {
            oldest_first: true,
            ..library(&ada, None)
        };
        assert_eq!(all_ids(store, &ascending, size).await, oldest);
    }
    let bad = store
        .search_media_items(&library(&ada, None), &Page::after(5, "garbage"))
        .await
        .unwrap_err();
    assert!(matches!(bad, StoreError::Conflict { what: "page.after" }));
}

pub async fn listings_show_the_users_items_or_one_apps(store: &dyn MetadataStore) {
    let ada = user(store, "ada@example.com").await;
    let bob = user(store, "bob@example.com").await;
    upload(store, &photo("A1", &ada, Some(WEB_APP), 0)).await;
    upload(store, &photo("A2", &ada, Some(OTHER_APP), 1)).await;
    upload(store, &photo("A3", &ada, None, 2)).await;
    upload(store, &photo("B1", &bob, Some(WEB_APP), 3)).await;
    assert_eq!(
        all_ids(store, &library(&ada, None), 2).await,
        ["A3", "A2", "A1"]
    );
    assert_eq!(
        all_ids(store, &library(&ada, Some(WEB_APP)), 2).await,
        ["A1"]
    );
    assert_eq!(
        all_ids(store, &library(&ada, Some(OTHER_APP)), 2).await,
        ["A2"]
    );
    assert_eq!(all_ids(store, &library(&bob, None), 2).await, ["B1"]);
    assert!(
        all_ids(store, &library(&bob, Some(OTHER_APP)), 2)
            .await
            .is_empty()
    );
}

pub async fn filters_select_by_kind_flags_and_time(store: &dyn MetadataStore) {
    let ada = user(store, "ada@example.com").await;
    upload(store, &photo("P1", &ada, None, 0)).await;
    let video = MediaItem {
        kind: MediaKind::Video,
        mime_type: "video/mp4".into(),
        video_status: Some(VideoStatus::Processing),
        ..photo("V1", &ada, None, 1)
    };
    upload(store, &video).await;
    upload(store, &photo("P2", &ada, None, 2)).await;
    upload(store, &photo("FUTURE", &ada, None, 60 * 24 * 365)).await;
    store.set_media_flags("P2", true, false).await.unwrap();
    store.set_media_flags("P1", false, true).await.unwrap();
    let base = library(&ada, None);
    let ids = |query: MediaQuery| async move { all_ids(store, &query, 2).await };
    assert_eq!(ids(base.clone()).await, ["FUTURE", "P2", "V1"]);
    let archived = MediaQuery {
        include_archived: true,
        ..base.clone()
    };
    assert_eq!(ids(archived).await, ["FUTURE", "P2", "V1", "P1"]);
    let videos = MediaQuery {
        kind: Some(MediaKind::Video),
        ..base.clone()
    };
    assert_eq!(ids(videos).await, ["V1"]);
    let photos = MediaQuery {
        kind: Some(MediaKind::Photo),
        include_archived: true,
        ..base.clone()
    };
    assert_eq!(ids(photos).await, ["FUTURE", "P2", "P1"]);
    let favorites = MediaQuery {
        favorites_only: true,
        ..base.clone()
    };
    assert_eq!(ids(favorites).await, ["P2"]);
    let not_future = MediaQuery {
        not_after: Some(T0 + Duration::minutes(2)),
        ..base.clone()
    };
    assert_eq!(ids(not_future).await, ["P2", "V1"]);
    let categories = MediaQuery {
        requires_category: true,
        ..base
    };
    assert!(ids(categories).await.is_empty());
}

fn on(year: u16, month: u8, day: u8) -> DateParts {
    DateParts { year, month, day }
}

pub async fn date_filters_match_every_shape_and_range(store: &dyn MetadataStore) {
    let ada = user(store, "ada@example.com").await;
    let dated = [
        ("D1", 20240315),
        ("D2", 20240316),
        ("D3", 20230315),
        ("D4", 20241201),
        ("D5", 20250101),
        ("D6", 20240229),
    ];
    for (minutes, (id, date)) in (0_i64..).zip(dated) {
        let item = MediaItem {
            capture_date: Some(date),
            ..photo(id, &ada, None, minutes)
        };
        upload(store, &item).await;
    }
    upload(store, &photo("UNDATED", &ada, None, 10)).await;
    let matching = |dates: Vec<DateParts>, ranges: Vec<(DateParts, DateParts)>| {
        let query = MediaQuery {
            date: Some(DateMatch { dates, ranges }),
            oldest_first: true,
            ..library(&ada, None)
        };
        async move { all_ids(store, &query, 3).await }
    };
    assert_eq!(matching(vec![on(2024, 3, 15)], vec![]).await, ["D1"]);
    assert_eq!(matching(vec![on(2024, 3, 0)], vec![]).await, ["D1", "D2"]);
    assert_eq!(
        matching(vec![on(2024, 0, 0)], vec![]).await,
        ["D1", "D2", "D4", "D6"]
    );
    assert_eq!(matching(vec![on(0, 3, 15)], vec![]).await, ["D1", "D3"]);
    assert_eq!(
        matching(vec![on(0, 3, 0)], vec![]).await,
        ["D1", "D2", "D3"]
    );
    assert_eq!(
        matching(vec![on(2023, 0, 0), on(0, 1, 1)], vec![]).await,
        ["D3", "D5"]
    );
    let ymd = (on(2024, 3, 16), on(2025, 1, 1));
    assert_eq!(matching(vec![], vec![ymd]).await, ["D2", "D4", "D5"]);
    let ym = (on(2024, 2, 0), on(2024, 3, 0));
    assert_eq!(matching(vec![], vec![ym]).await, ["D1", "D2", "D6"]);
    let years = (on(2023, 0, 0), on(2024, 0, 0));
    assert_eq!(
        matching(vec![], vec![years]).await,
        ["D1", "D2", "D3", "D4", "D6"]
    );
    let month_day = (on(0, 2, 28), on(0, 3, 15));
    assert_eq!(matching(vec![], vec![month_day]).await, ["D1", "D3", "D6"]);
    let months = (on(0, 12, 0), on(0, 12, 0));
    assert_eq!(matching(vec![], vec![months]).await, ["D4"]);
    let backwards = (on(0, 12, 0), on(0, 1, 0));
    assert!(matching(vec![], vec![backwards]).await.is_empty());
    assert_eq!(
        matching(vec![on(2025, 1, 1)], vec![(on(0, 3, 16), on(0, 3, 16))]).await,
        ["D2", "D5"]
    );
    assert!(matching(vec![], vec![]).await.is_empty());
}

pub async fn items_take_descriptions_and_flags(store: &dyn MetadataStore) {
    let ada = user(store, "ada@example.com").await;
    upload(store, &photo("A1", &ada, None, 0)).await;
    store
        .set_media_description("A1", "At the lake")
        .await
        .unwrap();
    store.set_media_flags("A1", true, true).await.unwrap();
    let item = store.get_media_item("A1").await.unwrap();
    assert_eq!(item.description, "At the lake");
    assert!(item.is_favorite && item.is_archived);
    assert!(
        store
            .set_media_description("nope", "x")
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        store
            .set_media_flags("nope", true, true)
            .await
            .unwrap_err()
            .is_not_found()
    );
}

pub async fn a_processing_video_is_leased_to_one_prober(store: &dyn MetadataStore) {
    let ada = user(store, "ada@example.com").await;
    let video = |id: &str, minutes| MediaItem {
        kind: MediaKind::Video,
        mime_type: "video/mp4".into(),
        video_status: Some(VideoStatus::Processing),
        width: None,
        height: None,
        ..photo(id, &ada, None, minutes)
    };
    upload(store, &video("V1", 0)).await;
    upload(store, &video("V2", 1)).await;
    upload(store, &photo("P1", &ada, None, 2)).await;
    let lease = T0 + Duration::minutes(5);
    let claims =
        futures::future::join_all((0..4).map(|_| store.claim_processing_video(T0, lease))).await;
    let mut claimed: Vec<String> = claims
        .into_iter()
        .filter_map(|claim| claim.unwrap().map(|item| item.id))
        .collect();
    claimed.sort();
    assert_eq!(claimed, ["V1", "V2"]);
    assert!(
        store
            .claim_processing_video(T0, lease)
            .await
            .unwrap()
            .is_none()
    );
    // V1's prober finishes; V2's lease lapses and another node takes it over.
    let probed = MediaItem {
        width: Some(1920),
        height: Some(1080),
        facts: CaptureFacts {
            fps: Some(29.97),
            duration: Some(12.5),
            ..CaptureFacts::default()
        },
        ..video("V1", 0)
    };
    store
        .finish_video_processing(&probed, VideoStatus::Ready)
        .await
        .unwrap();
    let stored = store.get_media_item("V1").await.unwrap();
    assert_eq!(
        stored,
        MediaItem {
            video_status: Some(VideoStatus::Ready),
            ..probed
        }
    );
    let later = lease + Duration::seconds(1);
    let retaken = store
        .claim_processing_video(later, later + Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(retaken.map(|item| item.id).as_deref(), Some("V2"));
    let failed = video("V2", 1);
    store
        .finish_video_processing(&failed, VideoStatus::Failed)
        .await
        .unwrap();
    let far = later + Duration::hours(1);
    assert!(
        store
            .claim_processing_video(far, far)
            .await
            .unwrap()
            .is_none()
    );
    let ghost = video("GHOST", 0);
    let missing = store
        .finish_video_processing(&ghost, VideoStatus::Ready)
        .await;
    assert!(missing.unwrap_err().is_not_found());
}

pub async fn a_blob_is_in_use_while_an_item_or_unused_token_names_it(store: &dyn MetadataStore) {
    let ada = user(store, "ada@example.com").await;
    let item = photo("A1", &ada, None, 0);
    assert_eq!(
        store.blob_use(&item.blob_key).await.unwrap(),
        BlobUse::Unreferenced
    );
    store
        .insert_upload_token(&token_for(&item, "pending"))
        .await
        .unwrap();
    assert_eq!(
        store.blob_use(&item.blob_key).await.unwrap(),
        BlobUse::Referenced
    );
    store
        .create_media_item_from_upload("pending", &item, T0)
        .await
        .unwrap();
    assert_eq!(
        store.blob_use(&item.blob_key).await.unwrap(),
        BlobUse::Referenced
    );
    store.delete_user(&ada).await.unwrap();
    assert_eq!(
        store.blob_use(&item.blob_key).await.unwrap(),
        BlobUse::Unreferenced
    );
}
