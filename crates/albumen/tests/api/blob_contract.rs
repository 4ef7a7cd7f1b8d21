//! The blob store contract on a local directory (always) and S3 (when configured; ignored by
//! default, see `per_backend`).

use albumen_testkit::backends::fresh_blobs;
use albumen_testkit::{BlobKind, contract};

macro_rules! blob_contract {
    ($($case:ident),* $(,)?) => {
        mod local {
            use super::*;
            $(
                #[tokio::test]
                async fn $case() {
                    let (blobs, _dir) = fresh_blobs(BlobKind::Local).await.unwrap();
                    contract::blobs::$case(&blobs).await;
                }
            )*
        }
        mod s3 {
            use super::*;
            $(
                #[tokio::test]
                #[ignore = "needs ALBUMEN_TEST_S3_ENDPOINT; see .ci/run"]
                async fn $case() {
                    let Some((blobs, _dir)) = fresh_blobs(BlobKind::S3).await else { return };
                    contract::blobs::$case(&blobs).await;
                }
            )*
        }
    };
}

blob_contract!(
    put_stores_under_the_sha256_of_the_bytes,
    identical_bytes_are_stored_once,
    an_empty_blob_is_a_blob,
    a_large_stream_spans_many_parts_and_reads_back,
    ranges_read_the_requested_bytes,
    missing_blobs_are_not_found_and_delete_is_idempotent,
    a_failed_input_stream_stores_nothing,
    sweeping_old_staging_leaves_blobs_alone,
    ping_answers_on_a_live_store,
);
