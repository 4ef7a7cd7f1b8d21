//! The [`ChangeFeed`] contract: every change to a record that decides who may call an API
//! moves this node's change epoch at once, and polling the database moves it only when
//! something changed since the last look.

use albumen_core::client::ClientType;
use albumen_core::ports::MetadataStore;
use albumen_core::project::ApiService;
use time::macros::datetime;

use super::console::{client, project, user};

/// Runs `change` and says whether it moved the epoch.
async fn moves<F: Future<Output = ()>>(store: &dyn MetadataStore, change: F) -> bool {
    let before = store.changes().current();
    change.await;
    store.changes().current() != before
}

pub async fn access_changes_move_the_epoch_at_once(store: &dyn MetadataStore) {
    let owner = user(store, "changes@example.com").await;
    project(store, "changes-app", 333_333_333_333, &owner).await;
    let app = client("changes-app", "changes", ClientType::Web);
    store.insert_client(&app, None).await.unwrap();
    assert!(
        moves(store, async {
            store.set_user_disabled(&owner, true).await.unwrap();
        })
        .await
    );
    assert!(
        moves(store, async {
            store
                .set_api_enabled("changes-app", ApiService::PhotosLibrary, true)
                .await
                .unwrap();
        })
        .await
    );
    assert!(
        moves(store, async {
            store
                .mark_client_deleted(&app.client_id, datetime!(2026-02-03 05:00 UTC))
                .await
                .unwrap();
        })
        .await
    );
}

pub async fn a_sync_moves_the_epoch_only_after_a_change(store: &dyn MetadataStore) {
    store.sync_changes().await.unwrap();
    let settled = store.changes().current();
    store.sync_changes().await.unwrap();
    assert_eq!(store.changes().current(), settled, "nothing changed");

    // The database's counter moved with the change, so the next look moves the epoch once
    // more (harmless: caches reload), and the one after that settles again.
    let owner = user(store, "sync@example.com").await;
    store.set_user_disabled(&owner, true).await.unwrap();
    store.sync_changes().await.unwrap();
    let after_change = store.changes().current();
    assert_ne!(after_change, settled);
    store.sync_changes().await.unwrap();
    assert_eq!(store.changes().current(), after_change);
}
