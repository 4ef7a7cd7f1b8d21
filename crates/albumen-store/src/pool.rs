//! Connecting to the configured database, applying migrations, and the [`on_pool!`] macro
//! that runs one SQL text on whichever backend is in use.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use albumen_core::StoreError;
use albumen_core::ports::StoreHealth;
use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::changes::ChangeState;
use crate::error::classify;

/// Where the metadata lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    /// A SQLite file, created on first start (the embedded default).
    SqliteFile(PathBuf),
    /// A `sqlite:` or `postgres://` URL.
    Url(String),
}

/// Which SQL dialect a store speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl DatabaseTarget {
    pub fn backend(&self) -> Result<Backend, StoreError> {
        match self {
            Self::SqliteFile(_) => Ok(Backend::Sqlite),
            Self::Url(url) if url.starts_with("sqlite:") => Ok(Backend::Sqlite),
            Self::Url(url)
                if url.starts_with("postgres://") || url.starts_with("postgresql://") =>
            {
                Ok(Backend::Postgres)
            }
            Self::Url(_) => Err(StoreError::Internal(
                "database.url must start with sqlite: or postgres://".into(),
            )),
        }
    }

    /// The target as it may be printed: any password in a URL is replaced by `***`.
    pub fn redacted(&self) -> String {
        match self {
            Self::SqliteFile(path) => path.display().to_string(),
            Self::Url(raw) => match url::Url::parse(raw) {
                Ok(mut parsed) if parsed.password().is_some() => {
                    // Setting a password only fails for URLs that cannot have one.
                    let _ = parsed.set_password(Some("***"));
                    parsed.to_string()
                }
                Ok(parsed) => parsed.to_string(),
                Err(_) => "<unparsable database url>".to_owned(),
            },
        }
    }
}

/// Pool sizing and patience.
#[derive(Debug, Clone, Copy)]
pub struct ConnectOptions {
    pub max_connections: u32,
    /// How long a request waits for a connection before failing as unavailable.
    pub acquire_timeout: Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$p` bound to the concrete pool; the body is written once and
/// type-checked against both backends.
macro_rules! on_pool {
    ($pool:expr, $p:ident => $body:expr) => {
        match $pool {
            $crate::pool::Pool::Sqlite($p) => $body,
            $crate::pool::Pool::Postgres($p) => $body,
        }
    };
}
pub(crate) use on_pool;

/// The metadata store on SQLite or PostgreSQL.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pub(crate) pool: Pool,
    pub(crate) changes: Arc<ChangeState>,
}

impl SqlStore {
    /// Opens a pool and checks that the database answers.
    pub async fn connect(
        target: &DatabaseTarget,
        options: ConnectOptions,
    ) -> Result<Self, StoreError> {
        let pool = match (target, target.backend()?) {
            (DatabaseTarget::SqliteFile(path), _) => {
                Pool::Sqlite(connect_sqlite(sqlite_options().filename(path), options).await?)
            }
            (DatabaseTarget::Url(url), Backend::Sqlite) => {
                let parsed = SqliteConnectOptions::from_str(url).map_err(classify)?;
                Pool::Sqlite(connect_sqlite(apply_sqlite_pragmas(parsed), options).await?)
            }
            (DatabaseTarget::Url(url), Backend::Postgres) => {
                let parsed = PgConnectOptions::from_str(url).map_err(classify)?;
                let pool = PgPoolOptions::new()
                    .max_connections(options.max_connections)
                    .acquire_timeout(options.acquire_timeout)
                    .connect_with(parsed)
                    .await
                    .map_err(classify)?;
                Pool::Postgres(pool)
            }
        };
        Ok(Self {
            pool,
            changes: Arc::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies every migration not yet applied. Refuses a database whose applied migrations
    /// were edited after the fact.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let result = match &self.pool {
            Pool::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await,
            Pool::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await,
        };
        result.map_err(|err| match err {
            sqlx::migrate::MigrateError::Execute(inner) => classify(inner),
            other => StoreError::Internal(Box::new(other)),
        })
    }

    /// Closes every connection; later calls fail as unavailable.
    pub async fn close(&self) {
        on_pool!(&self.pool, p => p.close().await)
    }
}

fn sqlite_options() -> SqliteConnectOptions {
    apply_sqlite_pragmas(SqliteConnectOptions::new())
}

/// WAL for concurrent readers, a busy timeout instead of instant `SQLITE_BUSY`, and foreign
/// keys enforced (SQLite leaves them off by default).
fn apply_sqlite_pragmas(options: SqliteConnectOptions) -> SqliteConnectOptions {
    options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true)
}

async fn connect_sqlite(
    connect: SqliteConnectOptions,
    options: ConnectOptions,
) -> Result<SqlitePool, StoreError> {
    SqlitePoolOptions::new()
        .max_connections(options.max_connections)
        .acquire_timeout(options.acquire_timeout)
        .connect_with(connect)
        .await
        .map_err(classify)
}

#[async_trait]
impl StoreHealth for SqlStore {
    async fn ping(&self) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => sqlx::query("SELECT 1").execute(p).await.map(|_| ()).map_err(classify))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_follows_the_url_scheme() {
        let url = |u: &str| DatabaseTarget::Url(u.to_owned()).backend().ok();
        assert_eq!(url("sqlite://a.db"), Some(Backend::Sqlite));
        assert_eq!(url("sqlite::memory:"), Some(Backend::Sqlite));
        assert_eq!(url("postgres://h/db"), Some(Backend::Postgres));
        assert_eq!(url("postgresql://h/db"), Some(Backend::Postgres));
        assert_eq!(url("mysql://h/db"), None);
    }

    #[test]
    fn redacted_url_hides_the_password_only() {
        let target = DatabaseTarget::Url("postgres://albumen:hunter2@db:5432/photos".into());
        let shown = target.redacted();
        assert!(!shown.contains("hunter2"));
        assert_eq!(shown, "postgres://albumen:***@db:5432/photos");
    }
}
