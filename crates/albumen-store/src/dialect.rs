//! The few words SQLite and PostgreSQL spell differently in read-then-write transactions:
//! how such a transaction starts, and how it keeps the rows it read from changing.

use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

/// Backend-specific pieces of transactions that read, decide, then write.
pub(crate) trait Dialect {
    type Db: sqlx::Database;

    /// Starts a transaction whose reads no concurrent writer can invalidate before it
    /// commits: SQLite takes the database's write lock at once (a deferred transaction
    /// would fail to upgrade under a concurrent writer); PostgreSQL starts an ordinary one
    /// and locks what it reads with [`Dialect::for_update`].
    async fn begin_write(&self) -> Result<Transaction<'static, Self::Db>, sqlx::Error>;

    /// Appended to a `SELECT` inside [`Dialect::begin_write`] to lock the rows it returns.
    fn for_update(&self) -> &'static str;

    /// Appended to the `SELECT` of a claim so that racing claimers pass over each other's
    /// rows instead of queueing behind them.
    fn skip_locked(&self) -> &'static str;
}

impl Dialect for SqlitePool {
    type Db = Sqlite;

    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.begin_with("BEGIN IMMEDIATE").await
    }

    // The write lock taken at BEGIN already excludes every other writer.
    fn for_update(&self) -> &'static str {
        ""
    }

    fn skip_locked(&self) -> &'static str {
        ""
    }
}

impl Dialect for PgPool {
    type Db = Postgres;

    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        self.begin().await
    }

    // NO KEY: writers lock each other out, while inserts whose foreign keys point at the
    // row (which take KEY SHARE) are not held up.
    fn for_update(&self) -> &'static str {
        " FOR NO KEY UPDATE"
    }

    fn skip_locked(&self) -> &'static str {
        " FOR NO KEY UPDATE SKIP LOCKED"
    }
}
