//! The [`UploadRepo`] contract.

use albumen_core::ports::MetadataStore;
use albumen_core::upload::UploadToken;
use time::Duration;
use time::macros::datetime;

use super::console::user;

pub async fn upload_tokens_round_trip_by_digest(store: &dyn MetadataStore) {
    let owner = user(store, "uploader@example.com").await;
    let at = datetime!(2026-07-08 09:10:11.123456 UTC);
    let token = UploadToken {
        digest: "d".repeat(64),
        user_id: owner,
        client_id: "123-abc.apps.googleusercontent.com".into(),
        blob_key: "b".repeat(64),
        size: 5_000_000_000,
        mime_type: Some("video/mp4".into()),
        file_name: Some("Holiday – été.mp4".into()),
        created_at: at,
        expires_at: at + Duration::days(1),
        used_at: None,
    };
    store.insert_upload_token(&token).await.unwrap();
    assert_eq!(store.get_upload_token(&token.digest).await.unwrap(), token);
    let bare = UploadToken {
        digest: "e".repeat(64),
        mime_type: None,
        file_name: None,
        size: 0,
        ..token
    };
    store.insert_upload_token(&bare).await.unwrap();
    assert_eq!(store.get_upload_token(&bare.digest).await.unwrap(), bare);
    assert!(
        store
            .get_upload_token("nope")
            .await
            .unwrap_err()
            .is_not_found()
    );
}
