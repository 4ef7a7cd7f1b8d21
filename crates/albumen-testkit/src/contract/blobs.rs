//! The [`BlobStore`] contract, run on a local directory and on S3.

use std::time::{Duration, SystemTime};

use albumen_blob::{BlobError, BlobKey, BlobStore};
use bytes::Bytes;
use futures::{StreamExt, TryStreamExt, stream};
use sha2::{Digest, Sha256};

/// Deterministic, incompressible-looking test bytes.
pub fn test_bytes(len: usize, seed: u8) -> Vec<u8> {
    let mut state = u32::from(seed).wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn chunked(
    bytes: &[u8],
    chunk: usize,
) -> impl futures::Stream<Item = std::io::Result<Bytes>> + Send + use<> {
    let chunks: Vec<_> = bytes
        .chunks(chunk)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    stream::iter(chunks)
}

async fn stored_keys(blobs: &BlobStore) -> Vec<BlobKey> {
    let mut keys: Vec<BlobKey> = blobs.list().map_ok(|m| m.key).try_collect().await.unwrap();
    keys.sort();
    keys
}

pub async fn put_stores_under_the_sha256_of_the_bytes(blobs: &BlobStore) {
    let bytes = test_bytes(300_000, 1);
    let outcome = blobs.put_stream(chunked(&bytes, 65_536)).await.unwrap();
    assert_eq!(outcome.key.as_hex(), sha256_hex(&bytes));
    assert_eq!(outcome.size, bytes.len() as u64);
    assert!(!outcome.existed);
    assert_eq!(blobs.get_bytes(&outcome.key).await.unwrap(), bytes);
    assert_eq!(
        blobs.head(&outcome.key).await.unwrap().size,
        bytes.len() as u64
    );
}

pub async fn identical_bytes_are_stored_once(blobs: &BlobStore) {
    let bytes = test_bytes(10_000, 2);
    let first = blobs.put_bytes(bytes.clone().into()).await.unwrap();
    let second = blobs.put_stream(chunked(&bytes, 333)).await.unwrap();
    assert_eq!(first.key, second.key);
    assert!(second.existed);
    assert_eq!(stored_keys(blobs).await, vec![first.key]);
}

pub async fn an_empty_blob_is_a_blob(blobs: &BlobStore) {
    let outcome = blobs.put_bytes(Bytes::new()).await.unwrap();
    assert_eq!(outcome.key.as_hex(), sha256_hex(b""));
    assert_eq!(outcome.size, 0);
    assert!(blobs.get_bytes(&outcome.key).await.unwrap().is_empty());
}

pub async fn a_large_stream_spans_many_parts_and_reads_back(blobs: &BlobStore) {
    // Larger than two S3 parts, so the multipart path is exercised.
    let bytes = test_bytes(12 * 1024 * 1024 + 17, 3);
    let outcome = blobs.put_stream(chunked(&bytes, 256 * 1024)).await.unwrap();
    assert_eq!(outcome.key.as_hex(), sha256_hex(&bytes));
    let read = blobs.get(&outcome.key, None).await.unwrap();
    assert_eq!(read.size, bytes.len() as u64);
    let mut hasher = Sha256::new();
    let mut body = read.body;
    while let Some(chunk) = body.next().await {
        hasher.update(chunk.unwrap());
    }
    assert_eq!(hex::encode(hasher.finalize()), outcome.key.as_hex());
}

pub async fn ranges_read_the_requested_bytes(blobs: &BlobStore) {
    let bytes = test_bytes(1000, 4);
    let key = blobs.put_bytes(bytes.clone().into()).await.unwrap().key;
    let read = async |range| {
        let read = blobs.get(&key, Some(range)).await.unwrap();
        let chunks: Vec<Bytes> = read.body.try_collect().await.unwrap();
        (read.size, read.range, chunks.concat())
    };
    let (size, range, middle) = read(100..200).await;
    assert_eq!((size, range), (1000, 100..200));
    assert_eq!(middle, &bytes[100..200]);
    // A range past the end is clamped to the end, as HTTP does.
    let (_, range, tail) = read(900..5000).await;
    assert_eq!(range, 900..1000);
    assert_eq!(tail, &bytes[900..]);
    let err = blobs.get(&key, Some(1000..1001)).await.unwrap_err();
    assert!(
        matches!(err, BlobError::RangeNotSatisfiable { size: 1000 }),
        "{err:?}"
    );
}

pub async fn missing_blobs_are_not_found_and_delete_is_idempotent(blobs: &BlobStore) {
    let key = blobs
        .put_bytes(Bytes::from_static(b"short-lived"))
        .await
        .unwrap()
        .key;
    blobs.delete(&key).await.unwrap();
    assert!(blobs.head(&key).await.unwrap_err().is_not_found());
    assert!(blobs.get(&key, None).await.unwrap_err().is_not_found());
    blobs.delete(&key).await.unwrap();
    assert!(stored_keys(blobs).await.is_empty());
}

pub async fn a_failed_input_stream_stores_nothing(blobs: &BlobStore) {
    let good = test_bytes(6 * 1024 * 1024, 5);
    let failing = chunked(&good, 1024 * 1024).chain(stream::iter([Err(std::io::Error::other(
        "client went away",
    ))]));
    let err = blobs.put_stream(failing).await.unwrap_err();
    assert!(matches!(err, BlobError::Input(_)), "{err:?}");
    assert!(stored_keys(blobs).await.is_empty());
    assert!(
        blobs
            .head(&BlobKey::parse(&sha256_hex(&good)).unwrap())
            .await
            .unwrap_err()
            .is_not_found()
    );
}

pub async fn sweeping_old_staging_leaves_blobs_alone(blobs: &BlobStore) {
    let key = blobs
        .put_bytes(Bytes::from_static(b"keep me"))
        .await
        .unwrap()
        .key;
    // Nothing is staged once a put has returned, whatever the cutoff.
    let far_future = SystemTime::UNIX_EPOCH + Duration::from_secs(10_000_000_000);
    assert_eq!(blobs.sweep_staging(far_future).await.unwrap(), 0);
    assert_eq!(blobs.get_bytes(&key).await.unwrap(), &b"keep me"[..]);
}

pub async fn ping_answers_on_a_live_store(blobs: &BlobStore) {
    blobs.ping().await.unwrap();
}
