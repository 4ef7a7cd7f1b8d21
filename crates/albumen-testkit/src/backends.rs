//! Fresh, isolated storage for one test: SQLite in a temp dir, a new PostgreSQL database,
//! a temp blob directory or a new S3 bucket.

use albumen::config::{BlobBackend, Config};
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

/// The pairs of backends the server-level flows run on: SQLite with a local blob directory
/// (always), and PostgreSQL with S3 (when both are configured; those tests are `#[ignore]`d
/// by default so that a run without them says so, and `.ci/run` includes them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backends {
    SqliteDisk,
    PostgresS3,
}

impl Backends {
    pub fn db(self) -> DbKind {
        match self {
            Self::SqliteDisk => DbKind::Sqlite,
            Self::PostgresS3 => DbKind::Postgres,
        }
    }

    pub fn blob(self) -> BlobKind {
        match self {
            Self::SqliteDisk => BlobKind::Local,
            Self::PostgresS3 => BlobKind::S3,
        }
    }

    /// Whether this pair can run here; a missing variable is noted, or fails the test under
    /// `ALBUMEN_TEST_REQUIRE_ALL`.
    pub fn available(self) -> bool {
        match self {
            Self::SqliteDisk => true,
            Self::PostgresS3 => {
                configured(POSTGRES_URL_VAR).is_some() && configured(S3_ENDPOINT_VAR).is_some()
            }
        }
    }

    /// A new database and bucket of this pair, for a server in this process or a child.
    pub async fn fresh(self) -> Option<FreshBackends> {
        FreshBackends::new(self.db(), self.blob()).await
    }
}

/// Storage made for one server: a PostgreSQL database URL and an S3 bucket when asked for;
/// `None` stands for the data directory's SQLite file and blob directory.
#[derive(Debug, Clone, Default)]
pub struct FreshBackends {
    pub database_url: Option<String>,
    pub s3: Option<S3Options>,
}

impl FreshBackends {
    /// New storage of the given kinds, or `None` when one of them is not configured here.
    pub async fn new(db: DbKind, blob: BlobKind) -> Option<Self> {
        let database_url = match db {
            DbKind::Sqlite => None,
            DbKind::Postgres => Some(fresh_postgres_url().await?),
        };
        let s3 = match blob {
            BlobKind::Local => None,
            BlobKind::S3 => Some(fresh_s3_bucket().await?),
        };
        Some(Self { database_url, s3 })
    }

    /// Points a configuration at this storage.
    pub fn configure(&self, config: &mut Config) {
        if let Some(url) = &self.database_url {
            config.database.url = Some(url.clone().into());
        }
        if let Some(s3) = &self.s3 {
            config.blob.backend = BlobBackend::S3;
            config.blob.s3.endpoint = s3.endpoint.as_deref().map(|e| e.parse().expect("url"));
            config.blob.s3.bucket = s3.bucket.clone();
            config.blob.s3.region = s3.region.clone();
            config.blob.s3.access_key_id = s3.access_key_id.clone();
            config.blob.s3.secret_access_key = s3.secret_access_key.clone().map(Into::into);
            config.blob.s3.path_style = s3.path_style;
        }
    }

    /// The `ALBUMEN__…` variables that point an `albumen` process at this storage.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let mut vars = Vec::new();
        if let Some(url) = &self.database_url {
            vars.push(("ALBUMEN__DATABASE__URL", url.clone()));
        }
        if let Some(s3) = &self.s3 {
            vars.push(("ALBUMEN__BLOB__BACKEND", "s3".to_owned()));
            if let Some(endpoint) = &s3.endpoint {
                vars.push(("ALBUMEN__BLOB__S3__ENDPOINT", endpoint.clone()));
            }
            vars.push(("ALBUMEN__BLOB__S3__BUCKET", s3.bucket.clone()));
            vars.push(("ALBUMEN__BLOB__S3__REGION", s3.region.clone()));
            vars.push(("ALBUMEN__BLOB__S3__PATH_STYLE", s3.path_style.to_string()));
            if let Some(key) = &s3.access_key_id {
                vars.push(("ALBUMEN__BLOB__S3__ACCESS_KEY_ID", key.clone()));
            }
            if let Some(secret) = &s3.secret_access_key {
                vars.push(("ALBUMEN__BLOB__S3__SECRET_ACCESS_KEY", secret.clone()));
            }
        }
        vars
    }
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
