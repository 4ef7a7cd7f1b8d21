//! Dev-only test support: start the real server on port 0 with isolated state (a temp SQLite
//! file or a fresh PostgreSQL database; a temp blob directory or a fresh S3 bucket), a fake
//! clock, typed HTTP helpers, and the storage contract suites every backend must pass.
//!
//! Backends beyond SQLite and local disk are used when their variables are set:
//! `ALBUMEN_TEST_POSTGRES_URL` (an admin URL; each test gets a database of its own) and
//! `ALBUMEN_TEST_S3_ENDPOINT` (an S3-compatible server; each test gets a bucket of its own).
//! With `ALBUMEN_TEST_REQUIRE_ALL=1` (as `.ci/run` sets) a missing backend fails the test
//! instead of skipping it.
#![forbid(unsafe_code)]
// A test helper should fail loudly and at once.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod app;
pub mod backends;
pub mod browser;
pub mod contract;
pub mod photos;
pub mod seed;

pub use app::{AppOptions, TestApp, spawn_app, spawn_app_on, spawn_app_with};
pub use backends::{Backends, BlobKind, DbKind};

/// Routes test logs to the test writer when `TEST_LOG` is set; silent otherwise.
pub fn init_test_logging() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new("debug"))
                .with_test_writer()
                .try_init();
        }
    });
}
