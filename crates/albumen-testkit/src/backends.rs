//! Fresh, isolated storage for one test: SQLite in a temp dir, a new PostgreSQL database,
//! a temp blob directory or a new S3 bucket.

use albumen_blob::{BlobStore, S3Options};
use albumen_store::{ConnectOptions, DatabaseTarget, SqlStore};
use sqlx::Connection;
use tempfile::TempDir;

pub const POSTGRES_URL_VAR: &str = "ALBUMEN_TEST_POSTGRES_URL";
pub const S3_ENDPOINT_VAR: &str = "ALBUMEN_TEST_S3_ENDPOINT";
pub const REQUIRE_ALL_VAR: &str = "ALBUMEN_TEST_REQUIRE_ALL";

/// The credentials the test S3 server is started with.
pub const S3_ACCESS_KEY: &str = "albumen-test";
pub const S3_SECRET_KEY: &str = "albumen-test-secret";
pub const S3_REGION: &str = "us-east-1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobKind {
    Local,
    S3,
}

/// The value of `var`, or `None` (with a note) when the backend is not configured. Panics
/// instead when `ALBUMEN_TEST_REQUIRE_ALL` is set, so CI cannot skip silently.
fn configured(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(value) if !value.is_empty() => Some(value),
        _ if std::env::var_os(REQUIRE_ALL_VAR).is_some() => {
            panic!("{var} is not set, but {REQUIRE_ALL_VAR} requires every backend")
        }
        _ => {
            eprintln!("skipped: {var} is not set");
            None
        }
    }
}

/// A database URL for a brand-new PostgreSQL database, or `None` when none is configured.
pub async fn fresh_postgres_url() -> Option<String> {
    let admin = configured(POSTGRES_URL_VAR)?;
    let name = format!("albumen_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {POSTGRES_URL_VAR}: {e}"));
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create the test database");
    let mut url = url::Url::parse(&admin).expect("a valid postgres URL");
    url.set_path(&name);
    Some(url.to_string())
}

/// The S3 endpoint and a brand-new bucket on it, or `None` when none is configured.
pub async fn fresh_s3_bucket() -> Option<S3Options> {
    let endpoint = configured(S3_ENDPOINT_VAR)?;
    let endpoint = endpoint.trim_end_matches('/').to_owned();
    let bucket = format!("albumen-test-{}", uuid::Uuid::new_v4().simple());
    // The test server does not check signatures on bucket creation.
    let response = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("cannot reach {S3_ENDPOINT_VAR} {endpoint}: {e}"));
    assert!(
        response.status().is_success(),
        "creating bucket {bucket} answered {}",
        response.status()
    );
    Some(S3Options {
        endpoint: Some(endpoint),
        bucket,
        region: S3_REGION.to_owned(),
        access_key_id: Some(S3_ACCESS_KEY.to_owned()),
        secret_access_key: Some(S3_SECRET_KEY.to_owned()),
        path_style: true,
    })
}

/// A migrated metadata store of the given kind, with whatever keeps it alive.
pub async fn fresh_store(kind: DbKind) -> Option<(SqlStore, Option<TempDir>)> {
    let (target, dir) = match kind {
        DbKind::Sqlite => {
            let dir = TempDir::new().expect("temp dir");
            let target = DatabaseTarget::SqliteFile(dir.path().join("albumen.db"));
            (target, Some(dir))
        }
        DbKind::Postgres => (DatabaseTarget::Url(fresh_postgres_url().await?), None),
    };
    let store = SqlStore::connect(&target, ConnectOptions::default())
        .await
        .expect("connect the test store");
    store.migrate().await.expect("migrate the test store");
    Some((store, dir))
}

/// An empty blob store of the given kind, with whatever keeps it alive.
pub async fn fresh_blobs(kind: BlobKind) -> Option<(BlobStore, Option<TempDir>)> {
    match kind {
        BlobKind::Local => {
            let dir = TempDir::new().expect("temp dir");
            let blobs = BlobStore::local(dir.path().join("blobs")).expect("local blob store");
            Some((blobs, Some(dir)))
        }
        BlobKind::S3 => {
            let options = fresh_s3_bucket().await?;
            Some((BlobStore::s3(&options).expect("s3 blob store"), None))
        }
    }
}
