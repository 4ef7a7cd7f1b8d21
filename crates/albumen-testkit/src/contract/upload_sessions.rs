//! The [`UploadSessionRepo`] contract: sessions round-trip, chunks commit once and in order,
//! finalize and cancel happen once, and chunk blobs stay in use only while a session is
//! active.

use albumen_core::StoreError;
use albumen_core::page::Page;
use albumen_core::ports::MetadataStore;
use albumen_core::upload::UploadToken;
use albumen_core::upload_session::{UploadChunk, UploadSession, UploadSessionState};
use albumen_core::user::UserId;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use super::console::user;

const T0: OffsetDateTime = datetime!(2026-07-08 09:10:11.123456 UTC);

fn session(digest: &str, owner: &UserId) -> UploadSession {
    UploadSession {
        digest: digest.to_owned(),
        user_id: owner.clone(),
        client_id: "123-abc.apps.googleusercontent.com".into(),
        mime_type: Some("video/mp4".into()),
        file_name: Some("Holiday – été.mp4".into()),
        declared_size: Some(30_000_000_000),
        received: 0,
        state: UploadSessionState::Active,
        created_at: T0,
        expires_at: T0 + Duration::days(7),
    }
}

fn chunk(offset: u64, size: u64, key: char) -> UploadChunk {
    UploadChunk {
        offset,
        size,
        blob_key: key.to_string().repeat(64),
    }
}

fn token(digest: &str, session: &UploadSession, size: u64) -> UploadToken {
    UploadToken {
        digest: digest.to_owned(),
        user_id: session.user_id.clone(),
        client_id: session.client_id.clone(),
        blob_key: "f".repeat(64),
        size,
        mime_type: session.mime_type.clone(),
        file_name: session.file_name.clone(),
        created_at: T0,
        expires_at: T0 + Duration::days(1),
        used_at: None,
    }
}

fn is_conflict(err: &StoreError) -> bool {
    matches!(err, StoreError::Conflict { .. })
}

pub async fn upload_sessions_round_trip_by_digest(store: &dyn MetadataStore) {
    let owner = user(store, "resumer@example.com").await;
    let full = session(&"a".repeat(64), &owner);
    store.insert_upload_session(&full).await.unwrap();
    assert_eq!(store.get_upload_session(&full.digest).await.unwrap(), full);
    let bare = UploadSession {
        digest: "b".repeat(64),
        mime_type: None,
        file_name: None,
        declared_size: None,
        ..full.clone()
    };
    store.insert_upload_session(&bare).await.unwrap();
    assert_eq!(store.get_upload_session(&bare.digest).await.unwrap(), bare);
    assert!(is_conflict(
        &store.insert_upload_session(&full).await.unwrap_err()
    ));
    assert!(
        store
            .get_upload_session("nope")
            .await
            .unwrap_err()
            .is_not_found()
    );
}

pub async fn a_chunk_commits_only_at_the_received_offset(store: &dyn MetadataStore) {
    let owner = user(store, "resumer@example.com").await;
    let s = session("s1", &owner);
    store.insert_upload_session(&s).await.unwrap();
    store
        .commit_upload_chunk("s1", &chunk(0, 100, '1'))
        .await
        .unwrap();
    // A duplicate of the same chunk, and one from the wrong place, change nothing.
    for wrong in [chunk(0, 100, '1'), chunk(50, 100, '2'), chunk(200, 10, '3')] {
        let err = store.commit_upload_chunk("s1", &wrong).await.unwrap_err();
        assert!(is_conflict(&err), "{err:?}");
    }
    store
        .commit_upload_chunk("s1", &chunk(100, 7, '4'))
        .await
        .unwrap();
    assert_eq!(store.get_upload_session("s1").await.unwrap().received, 107);
    let err = store
        .commit_upload_chunk("unknown", &chunk(0, 1, '5'))
        .await
        .unwrap_err();
    assert!(is_conflict(&err));

    let first = store
        .list_upload_chunks("s1", &Page::first(1))
        .await
        .unwrap();
    assert_eq!(first.items, vec![chunk(0, 100, '1')]);
    let next = first.next.expect("a second page");
    let second = store
        .list_upload_chunks("s1", &Page::after(1, next))
        .await
        .unwrap();
    assert_eq!(second.items, vec![chunk(100, 7, '4')]);
    let all = store
        .list_upload_chunks("s1", &Page::first(10))
        .await
        .unwrap();
    assert_eq!(all.items.len(), 2);
    assert_eq!(all.next, None);
}

pub async fn racing_duplicate_chunks_commit_once(store: &dyn MetadataStore) {
    let owner = user(store, "resumer@example.com").await;
    store
        .insert_upload_session(&session("s1", &owner))
        .await
        .unwrap();
    let racing = chunk(0, 262_144, '1');
    let attempts =
        futures::future::join_all((0..8).map(|_| store.commit_upload_chunk("s1", &racing))).await;
    assert_eq!(attempts.iter().filter(|r| r.is_ok()).count(), 1);
    assert_eq!(
        store.get_upload_session("s1").await.unwrap().received,
        262_144
    );
    let chunks = store
        .list_upload_chunks("s1", &Page::first(10))
        .await
        .unwrap();
    assert_eq!(chunks.items, vec![racing]);
}

pub async fn finalizing_issues_one_token_and_releases_the_chunks(store: &dyn MetadataStore) {
    let owner = user(store, "resumer@example.com").await;
    let s = session("s1", &owner);
    store.insert_upload_session(&s).await.unwrap();
    store
        .commit_upload_chunk("s1", &chunk(0, 10, '1'))
        .await
        .unwrap();
    assert!(store.session_uses_blob(&"1".repeat(64)).await.unwrap());
    assert!(!store.session_uses_blob(&"2".repeat(64)).await.unwrap());

    // The received size must match what the caller assembled.
    let stale = store
        .finalize_upload_session("s1", 5, &token("t0", &s, 5))
        .await
        .unwrap_err();
    assert!(is_conflict(&stale));
    assert!(
        store
            .get_upload_token("t0")
            .await
            .unwrap_err()
            .is_not_found()
    );

    let issued = token("t1", &s, 10);
    store
        .finalize_upload_session("s1", 10, &issued)
        .await
        .unwrap();
    assert_eq!(store.get_upload_token("t1").await.unwrap(), issued);
    let done = store.get_upload_session("s1").await.unwrap();
    assert_eq!(done.state, UploadSessionState::Final);
    assert_eq!(done.received, 10);
    assert!(!store.session_uses_blob(&"1".repeat(64)).await.unwrap());
    assert!(
        store
            .list_upload_chunks("s1", &Page::first(10))
            .await
            .unwrap()
            .items
            .is_empty()
    );

    let again = store
        .finalize_upload_session("s1", 10, &token("t2", &s, 10))
        .await
        .unwrap_err();
    assert!(is_conflict(&again));
    assert!(
        store
            .get_upload_token("t2")
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(is_conflict(
        &store.cancel_upload_session("s1").await.unwrap_err()
    ));
    assert!(is_conflict(
        &store
            .commit_upload_chunk("s1", &chunk(10, 1, '3'))
            .await
            .unwrap_err()
    ));
}

pub async fn a_cancelled_session_takes_no_more_chunks(store: &dyn MetadataStore) {
    let owner = user(store, "resumer@example.com").await;
    let s = session("s1", &owner);
    store.insert_upload_session(&s).await.unwrap();
    store
        .commit_upload_chunk("s1", &chunk(0, 10, '1'))
        .await
        .unwrap();
    store.cancel_upload_session("s1").await.unwrap();
    let cancelled = store.get_upload_session("s1").await.unwrap();
    assert_eq!(cancelled.state, UploadSessionState::Cancelled);
    assert!(!store.session_uses_blob(&"1".repeat(64)).await.unwrap());
    assert!(is_conflict(
        &store
            .commit_upload_chunk("s1", &chunk(10, 1, '2'))
            .await
            .unwrap_err()
    ));
    assert!(is_conflict(
        &store
            .finalize_upload_session("s1", 10, &token("t1", &s, 10))
            .await
            .unwrap_err()
    ));
    assert!(is_conflict(
        &store.cancel_upload_session("s1").await.unwrap_err()
    ));
}

pub async fn expired_sessions_are_deleted_with_their_chunks(store: &dyn MetadataStore) {
    let owner = user(store, "resumer@example.com").await;
    let old = session("old", &owner);
    let young = UploadSession {
        digest: "young".into(),
        expires_at: T0 + Duration::days(8),
        ..old.clone()
    };
    store.insert_upload_session(&old).await.unwrap();
    store.insert_upload_session(&young).await.unwrap();
    store
        .commit_upload_chunk("old", &chunk(0, 10, '1'))
        .await
        .unwrap();
    // Expired but not yet deleted: its chunks are still in use.
    assert!(store.session_uses_blob(&"1".repeat(64)).await.unwrap());
    assert_eq!(
        store
            .delete_expired_upload_sessions(old.expires_at - Duration::seconds(1))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .delete_expired_upload_sessions(old.expires_at)
            .await
            .unwrap(),
        1
    );
    assert!(
        store
            .get_upload_session("old")
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(!store.session_uses_blob(&"1".repeat(64)).await.unwrap());
    assert!(
        store
            .list_upload_chunks("old", &Page::first(10))
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert_eq!(store.get_upload_session("young").await.unwrap(), young);
}
