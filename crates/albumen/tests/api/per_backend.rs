//! `per_backend!`: one thin test per pair of backends around each generic test body, so a
//! server-level flow runs on SQLite + disk always and on PostgreSQL + S3 where configured.
//!
//! `per_backend!(body_a, body_b)` makes `sqlite_disk::body_a` and `postgres_s3::body_a` (and
//! so on) in the calling module, each calling `body_a(Backends::…)`. The PostgreSQL + S3
//! variants are `#[ignore]`d, so a plain `cargo test` lists them as ignored rather than
//! passed; `.ci/run` includes them (`-- --include-ignored postgres s3`) with both backends
//! configured and `ALBUMEN_TEST_REQUIRE_ALL=1`. Start with `multi_thread:` for bodies that
//! need a multi-threaded runtime.

macro_rules! per_backend {
    (multi_thread: $($body:ident),* $(,)?) => {
        per_backend!(@with [tokio::test(flavor = "multi_thread", worker_threads = 2)] $($body),*);
    };
    ($($body:ident),* $(,)?) => {
        per_backend!(@with [tokio::test] $($body),*);
    };
    (@with [$test:meta] $($body:ident),*) => {
        mod sqlite_disk {
            $(
                #[$test]
                async fn $body() {
                    super::$body(albumen_testkit::Backends::SqliteDisk).await;
                }
            )*
        }
        mod postgres_s3 {
            $(
                #[$test]
                #[ignore = "needs ALBUMEN_TEST_POSTGRES_URL and ALBUMEN_TEST_S3_ENDPOINT; see .ci/run"]
                async fn $body() {
                    if albumen_testkit::Backends::PostgresS3.available() {
                        super::$body(albumen_testkit::Backends::PostgresS3).await;
                    }
                }
            )*
        }
    };
}
