//! [`UploadSessionRepo`] on both backends. A chunk commits with one conditional UPDATE
//! (`received = $expected` and still active), so a duplicate or racing chunk cannot commit
//! twice; finalizing marks the session, stores the token and drops the chunk rows in one
//! transaction, so exactly one token is ever issued per session.

use albumen_core::StoreError;
use albumen_core::page::{Page, Paged};
use albumen_core::ports::UploadSessionRepo;
use albumen_core::upload::UploadToken;
use albumen_core::upload_session::{UploadChunk, UploadSession, UploadSessionState};
use albumen_core::user::UserId;
use async_trait::async_trait;
use time::OffsetDateTime;

use crate::SqlStore;
use crate::error::{classify, unique_violation_as};
use crate::pool::on_pool;
use crate::time_codec::{corrupt, from_micros, opt_to_micros, to_micros};
use crate::uploads::INSERT_UPLOAD_TOKEN;

const RECEIVED_CONFLICT: StoreError = StoreError::Conflict {
    what: "upload_sessions.received",
};
const STATE_CONFLICT: StoreError = StoreError::Conflict {
    what: "upload_sessions.state",
};

#[derive(sqlx::FromRow)]
struct SessionRow {
    digest: String,
    user_id: String,
    client_id: String,
    mime_type: Option<String>,
    file_name: Option<String>,
    declared_size: Option<i64>,
    received: i64,
    state: String,
    created_at: i64,
    expires_at: i64,
}

#[derive(sqlx::FromRow)]
struct ChunkRow {
    byte_offset: i64,
    size: i64,
    blob_key: String,
}

fn to_db(value: u64, what: &'static str) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| corrupt(what))
}

fn from_db(value: i64, what: &'static str) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| corrupt(what))
}

impl TryFrom<SessionRow> for UploadSession {
    type Error = StoreError;

    fn try_from(row: SessionRow) -> Result<Self, StoreError> {
        const WHAT: &str = "upload_sessions";
        Ok(Self {
            digest: row.digest,
            user_id: UserId::from_stored(row.user_id),
            client_id: row.client_id,
            mime_type: row.mime_type,
            file_name: row.file_name,
            declared_size: row
                .declared_size
                .map(|size| from_db(size, WHAT))
                .transpose()?,
            received: from_db(row.received, WHAT)?,
            state: UploadSessionState::parse(&row.state).ok_or_else(|| corrupt(WHAT))?,
            created_at: from_micros(row.created_at)?,
            expires_at: from_micros(row.expires_at)?,
        })
    }
}

impl TryFrom<ChunkRow> for UploadChunk {
    type Error = StoreError;

    fn try_from(row: ChunkRow) -> Result<Self, StoreError> {
        const WHAT: &str = "upload_session_chunks";
        Ok(Self {
            offset: from_db(row.byte_offset, WHAT)?,
            size: from_db(row.size, WHAT)?,
            blob_key: row.blob_key,
        })
    }
}

#[async_trait]
impl UploadSessionRepo for SqlStore {
    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn insert_upload_session(&self, session: &UploadSession) -> Result<(), StoreError> {
        const WHAT: &str = "upload_sessions";
        let declared = session
            .declared_size
            .map(|size| to_db(size, WHAT))
            .transpose()?;
        let received = to_db(session.received, WHAT)?;
        on_pool!(&self.pool, p => sqlx::query(
            "INSERT INTO upload_sessions (digest, user_id, client_id, mime_type, file_name, \
             declared_size, received, state, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&session.digest)
        .bind(session.user_id.as_str())
        .bind(&session.client_id)
        .bind(session.mime_type.as_deref())
        .bind(session.file_name.as_deref())
        .bind(declared)
        .bind(received)
        .bind(session.state.as_str())
        .bind(to_micros(session.created_at))
        .bind(to_micros(session.expires_at))
        .execute(p)
        .await
        .map(|_| ())
        .map_err(unique_violation_as("upload_sessions.digest")))
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn get_upload_session(&self, digest: &str) -> Result<UploadSession, StoreError> {
        let row: SessionRow = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT digest, user_id, client_id, mime_type, file_name, declared_size, received, \
             state, created_at, expires_at FROM upload_sessions WHERE digest = $1",
        )
        .bind(digest)
        .fetch_one(p)
        .await
        .map_err(classify))?;
        row.try_into()
    }

    #[tracing::instrument(skip_all, fields(chunk.offset = chunk.offset, chunk.size = chunk.size), err(level = "debug"))]
    async fn commit_upload_chunk(
        &self,
        digest: &str,
        chunk: &UploadChunk,
    ) -> Result<(), StoreError> {
        const WHAT: &str = "upload_session_chunks";
        let offset = to_db(chunk.offset, WHAT)?;
        let size = to_db(chunk.size, WHAT)?;
        let end = offset.checked_add(size).ok_or_else(|| corrupt(WHAT))?;
        on_pool!(&self.pool, p => {
            let mut tx = p.begin().await.map_err(classify)?;
            let advanced = sqlx::query(
                "UPDATE upload_sessions SET received = $1 \
                 WHERE digest = $2 AND received = $3 AND state = 'active'",
            )
            .bind(end)
            .bind(digest)
            .bind(offset)
            .execute(&mut *tx)
            .await
            .map_err(classify)?
            .rows_affected();
            if advanced == 0 {
                return Err(RECEIVED_CONFLICT);
            }
            sqlx::query(
                "INSERT INTO upload_session_chunks (session_digest, byte_offset, size, blob_key) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(digest)
            .bind(offset)
            .bind(size)
            .bind(&chunk.blob_key)
            .execute(&mut *tx)
            .await
            .map_err(unique_violation_as("upload_sessions.received"))?;
            tx.commit().await.map_err(classify)
        })
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn list_upload_chunks(
        &self,
        digest: &str,
        page: &Page,
    ) -> Result<Paged<UploadChunk>, StoreError> {
        let after: i64 = match page.after_key() {
            None => -1,
            Some(key) => key.parse().map_err(|_| corrupt("page key"))?,
        };
        let rows: Vec<ChunkRow> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT byte_offset, size, blob_key FROM upload_session_chunks \
             WHERE session_digest = $1 AND byte_offset > $2 ORDER BY byte_offset LIMIT $3",
        )
        .bind(digest)
        .bind(after)
        .bind(i64::from(page.size()))
        .fetch_all(p)
        .await
        .map_err(classify))?;
        let items = rows
            .into_iter()
            .map(UploadChunk::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        let full = items.len() == usize::try_from(page.size()).unwrap_or(usize::MAX);
        let next = items
            .last()
            .filter(|_| full)
            .map(|last| last.offset.to_string());
        Ok(Paged { items, next })
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn finalize_upload_session(
        &self,
        digest: &str,
        received: u64,
        token: &UploadToken,
    ) -> Result<(), StoreError> {
        let received = to_db(received, "upload_sessions")?;
        let size = to_db(token.size, "upload_tokens")?;
        on_pool!(&self.pool, p => {
            let mut tx = p.begin().await.map_err(classify)?;
            let finished = sqlx::query(
                "UPDATE upload_sessions SET state = 'final' \
                 WHERE digest = $1 AND received = $2 AND state = 'active'",
            )
            .bind(digest)
            .bind(received)
            .execute(&mut *tx)
            .await
            .map_err(classify)?
            .rows_affected();
            if finished == 0 {
                return Err(STATE_CONFLICT);
            }
            sqlx::query(INSERT_UPLOAD_TOKEN)
                .bind(&token.digest)
                .bind(token.user_id.as_str())
                .bind(&token.client_id)
                .bind(&token.blob_key)
                .bind(size)
                .bind(token.mime_type.as_deref())
                .bind(token.file_name.as_deref())
                .bind(to_micros(token.created_at))
                .bind(to_micros(token.expires_at))
                .bind(opt_to_micros(token.used_at))
                .execute(&mut *tx)
                .await
                .map_err(classify)?;
            sqlx::query("DELETE FROM upload_session_chunks WHERE session_digest = $1")
                .bind(digest)
                .execute(&mut *tx)
                .await
                .map_err(classify)?;
            tx.commit().await.map_err(classify)
        })
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn cancel_upload_session(&self, digest: &str) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => {
            let mut tx = p.begin().await.map_err(classify)?;
            let cancelled = sqlx::query(
                "UPDATE upload_sessions SET state = 'cancelled' \
                 WHERE digest = $1 AND state = 'active'",
            )
            .bind(digest)
            .execute(&mut *tx)
            .await
            .map_err(classify)?
            .rows_affected();
            if cancelled == 0 {
                return Err(STATE_CONFLICT);
            }
            sqlx::query("DELETE FROM upload_session_chunks WHERE session_digest = $1")
                .bind(digest)
                .execute(&mut *tx)
                .await
                .map_err(classify)?;
            tx.commit().await.map_err(classify)
        })
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn delete_expired_upload_sessions(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        // Chunk rows go with their session (ON DELETE CASCADE).
        on_pool!(&self.pool, p => sqlx::query("DELETE FROM upload_sessions WHERE expires_at <= $1")
            .bind(to_micros(now))
            .execute(p)
            .await
            .map(|done| done.rows_affected())
            .map_err(classify))
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn session_uses_blob(&self, blob_key: &str) -> Result<bool, StoreError> {
        let used: bool = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM upload_session_chunks c \
             JOIN upload_sessions s ON s.digest = c.session_digest \
             WHERE c.blob_key = $1 AND s.state = 'active')",
        )
        .bind(blob_key)
        .fetch_one(p)
        .await
        .map_err(classify))?;
        Ok(used)
    }
}
