//! The [`DerivativeRepo`] contract: each distinct original is queued once, leased to one
//! builder at a time, and its preview counts as in use while an item still has the original.

use albumen_core::StoreError;
use albumen_core::derivative::{Derivative, Preview};
use albumen_core::media::{BlobUse, MediaKind};
use albumen_core::ports::MetadataStore;
use time::Duration;

use super::console::user;
use super::media::{T0, photo, upload};

fn original(blob_key: &str) -> (String, String, MediaKind) {
    (
        blob_key.to_owned(),
        "image/jpeg".to_owned(),
        MediaKind::Photo,
    )
}

fn ready(preview_key: &str) -> Derivative {
    Derivative::Ready {
        preview: Preview {
            blob_key: preview_key.to_owned(),
            width: 2048,
            height: 1536,
        },
        thumb: Preview {
            blob_key: format!("{}1", &preview_key[..63]),
            width: 512,
            height: 384,
        },
        thumbhash: vec![0x1f, 0x08, 0x0a, 0xff],
    }
}

pub async fn an_original_is_queued_once_and_its_result_reads_back(store: &dyn MetadataStore) {
    let key = "a".repeat(64);
    assert!(matches!(
        store.get_derivative(&key).await,
        Err(StoreError::NotFound)
    ));
    let twice = [original(&key), original(&key)];
    store.enqueue_derivatives(&twice[..1], T0).await.unwrap();
    store.enqueue_derivatives(&twice, T0).await.unwrap();
    assert_eq!(
        store.get_derivative(&key).await.unwrap(),
        Derivative::Waiting
    );
    let job = store
        .claim_derivative(T0, T0 + Duration::minutes(5))
        .await
        .unwrap()
        .expect("a waiting original");
    assert_eq!((job.blob_key.as_str(), job.attempts), (key.as_str(), 1));
    assert_eq!(job.kind, MediaKind::Photo);
    store
        .finish_derivative(&key, &ready(&"b".repeat(64)))
        .await
        .unwrap();
    assert_eq!(
        store.get_derivative(&key).await.unwrap(),
        ready(&"b".repeat(64))
    );
    // Queuing the same bytes again (a second upload) keeps what was built.
    store
        .enqueue_derivatives(&[original(&key)], T0)
        .await
        .unwrap();
    assert_eq!(
        store.get_derivative(&key).await.unwrap(),
        ready(&"b".repeat(64))
    );
    assert!(
        store
            .claim_derivative(T0, T0 + Duration::minutes(5))
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn a_waiting_original_is_leased_to_one_builder(store: &dyn MetadataStore) {
    let key = "c".repeat(64);
    store
        .enqueue_derivatives(&[original(&key)], T0)
        .await
        .unwrap();
    let lease = T0 + Duration::minutes(10);
    let claims = futures::future::join_all((0..4).map(|_| store.claim_derivative(T0, lease))).await;
    let won = claims
        .into_iter()
        .filter(|c| matches!(c, Ok(Some(_))))
        .count();
    assert_eq!(won, 1, "exactly one builder holds the lease");
    // Within the lease nobody else takes it; after it lapses (a crashed node) one does.
    let within = store
        .claim_derivative(T0 + Duration::minutes(9), lease)
        .await;
    assert!(within.unwrap().is_none());
    let later = T0 + Duration::minutes(11);
    let retaken = store
        .claim_derivative(later, later + Duration::minutes(10))
        .await
        .unwrap()
        .expect("the lapsed lease is taken over");
    assert_eq!(retaken.attempts, 2);
    store
        .finish_derivative(&key, &Derivative::Failed)
        .await
        .unwrap();
    assert_eq!(
        store.get_derivative(&key).await.unwrap(),
        Derivative::Failed
    );
}

pub async fn previews_are_in_use_while_an_item_has_their_original(store: &dyn MetadataStore) {
    let ada = user(store, "derived@example.com").await;
    let item = upload(store, &photo("D1", &ada, None, 0)).await;
    let preview_key = "d".repeat(64);
    store
        .enqueue_derivatives(&[original(&item.blob_key)], T0)
        .await
        .unwrap();
    store
        .finish_derivative(&item.blob_key, &ready(&preview_key))
        .await
        .unwrap();
    let thumb_key = format!("{}1", &preview_key[..63]);
    for key in [&preview_key, &thumb_key] {
        assert_eq!(store.blob_use(key).await.unwrap(), BlobUse::Referenced);
    }
    store.delete_user(&ada).await.unwrap();
    for key in [&preview_key, &thumb_key] {
        assert_eq!(store.blob_use(key).await.unwrap(), BlobUse::Unreferenced);
    }
}
