//! [`SessionRepo`] and [`KeyRepo`].

use albumen_core::StoreError;
use albumen_core::grant::{SigningKey, WebSession};
use albumen_core::ports::{KeyRepo, SessionRepo};
use albumen_core::user::UserId;
use async_trait::async_trait;
use time::OffsetDateTime;

use crate::SqlStore;
use crate::error::{classify, found};
use crate::pool::on_pool;
use crate::time_codec::{corrupt, from_micros, opt_from_micros, to_micros};

#[derive(sqlx::FromRow)]
struct SessionRow {
    digest: String,
    user_id: String,
    csrf_token: String,
    created_at: i64,
    expires_at: i64,
}

#[async_trait]
impl SessionRepo for SqlStore {
    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn insert_session(&self, session: &WebSession) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => sqlx::query(
            "INSERT INTO web_sessions (digest, user_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&session.digest)
        .bind(session.user_id.as_str())
        .bind(&session.csrf_token)
        .bind(to_micros(session.created_at))
        .bind(to_micros(session.expires_at))
        .execute(p)
        .await
        .map(|_| ())
        .map_err(classify))
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn get_session(&self, digest: &str) -> Result<WebSession, StoreError> {
        let row: SessionRow = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT digest, user_id, csrf_token, created_at, expires_at \
             FROM web_sessions WHERE digest = $1",
        )
        .bind(digest)
        .fetch_one(p)
        .await
        .map_err(classify))?;
        Ok(WebSession {
            digest: row.digest,
            user_id: UserId::from_stored(row.user_id),
            csrf_token: row.csrf_token,
            created_at: from_micros(row.created_at)?,
            expires_at: from_micros(row.expires_at)?,
        })
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn delete_session(&self, digest: &str) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => sqlx::query("DELETE FROM web_sessions WHERE digest = $1")
            .bind(digest)
            .execute(p)
            .await
            .map(|_| ())
            .map_err(classify))
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn delete_sessions_of_user(&self, user: &UserId) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => sqlx::query("DELETE FROM web_sessions WHERE user_id = $1")
            .bind(user.as_str())
            .execute(p)
            .await
            .map(|_| ())
            .map_err(classify))
    }
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    kid: String,
    pkcs8: String,
    created_at: i64,
    retired_at: Option<i64>,
}

#[async_trait]
impl KeyRepo for SqlStore {
    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn list_signing_keys(&self) -> Result<Vec<SigningKey>, StoreError> {
        let rows: Vec<KeyRow> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT kid, pkcs8, created_at, retired_at FROM signing_keys \
             ORDER BY created_at DESC, kid",
        )
        .fetch_all(p)
        .await
        .map_err(classify))?;
        rows.into_iter()
            .map(|row| {
                Ok(SigningKey {
                    pkcs8_der: hex::decode(&row.pkcs8).map_err(|_| corrupt("signing_keys"))?,
                    kid: row.kid,
                    created_at: from_micros(row.created_at)?,
                    retired_at: opt_from_micros(row.retired_at)?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(kid = %key.kid), err(level = "debug"))]
    async fn insert_signing_key(&self, key: &SigningKey) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => sqlx::query(
            "INSERT INTO signing_keys (kid, pkcs8, created_at, retired_at) VALUES ($1, $2, $3, NULL)",
        )
        .bind(&key.kid)
        .bind(hex::encode(&key.pkcs8_der))
        .bind(to_micros(key.created_at))
        .execute(p)
        .await
        .map(|_| ())
        .map_err(classify))
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn retire_signing_key(&self, kid: &str, at: OffsetDateTime) -> Result<(), StoreError> {
        let affected = on_pool!(&self.pool, p => sqlx::query(
            "UPDATE signing_keys SET retired_at = $2 WHERE kid = $1 AND retired_at IS NULL",
        )
        .bind(kid)
        .bind(to_micros(at))
        .execute(p)
        .await
        .map(|done| done.rows_affected())
        .map_err(classify))?;
        found(affected)
    }
}
