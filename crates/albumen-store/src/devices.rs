//! Device-flow authorizations, and the [`GrantRepo`] implementation that ties grants, codes,
//! tokens and devices together.

use albumen_core::StoreError;
use albumen_core::grant::{AuthCode, DeviceAuthorization, DeviceStatus, Grant, IssuedToken};
use albumen_core::ports::GrantRepo;
use albumen_core::user::UserId;
use async_trait::async_trait;
use time::OffsetDateTime;

use crate::SqlStore;
use crate::error::{classify, unique_violation_as};
use crate::pool::on_pool;
use crate::time_codec::{corrupt, from_micros, opt_from_micros, opt_to_micros, to_micros};

const DEVICE_COLUMNS: &str = "device_digest, user_code, client_id, scopes, created_at, \
     expires_at, interval_seconds, last_polled_at, status, user_id, grant_id";

#[derive(sqlx::FromRow)]
struct DeviceRow {
    device_digest: String,
    user_code: String,
    client_id: String,
    scopes: String,
    created_at: i64,
    expires_at: i64,
    interval_seconds: i64,
    last_polled_at: Option<i64>,
    status: String,
    user_id: Option<String>,
    grant_id: Option<String>,
}

impl TryFrom<DeviceRow> for DeviceAuthorization {
    type Error = StoreError;

    fn try_from(row: DeviceRow) -> Result<Self, StoreError> {
        Ok(DeviceAuthorization {
            status: DeviceStatus::parse(&row.status)
                .ok_or_else(|| corrupt("device_authorizations"))?,
            device_digest: row.device_digest,
            user_code: row.user_code,
            client_id: row.client_id,
            scopes: row.scopes,
            created_at: from_micros(row.created_at)?,
            expires_at: from_micros(row.expires_at)?,
            interval_seconds: row.interval_seconds,
            last_polled_at: opt_from_micros(row.last_polled_at)?,
            user_id: row.user_id.map(UserId::from_stored),
            grant_id: row.grant_id,
        })
    }
}

impl SqlStore {
    async fn get_device_where(
        &self,
        column: &'static str,
        value: &str,
    ) -> Result<DeviceAuthorization, StoreError> {
        let sql = format!("SELECT {DEVICE_COLUMNS} FROM device_authorizations WHERE {column} = $1");
        let row: DeviceRow = on_pool!(&self.pool, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(value)
            .fetch_one(p)
            .await
            .map_err(classify))?;
        row.try_into()
    }
}

#[async_trait]
impl GrantRepo for SqlStore {
    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn find_grant(
        &self,
        user: &UserId,
        client_id: &str,
    ) -> Result<Option<Grant>, StoreError> {
        self.find_grant_row(user, client_id).await
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn get_grant(&self, id: &str) -> Result<Grant, StoreError> {
        self.get_grant_row(id).await
    }

    #[tracing::instrument(skip_all, fields(grant = %grant.id), err(level = "debug"))]
    async fn put_grant(&self, grant: &Grant) -> Result<(), StoreError> {
        self.put_grant_row(grant).await
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn revoke_grant(&self, id: &str, at: OffsetDateTime) -> Result<(), StoreError> {
        self.revoke_grant_rows(id, at).await
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn delete_grant(&self, id: &str) -> Result<(), StoreError> {
        self.delete_grant_row(id).await
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn list_grants_of(&self, user: &UserId) -> Result<Vec<Grant>, StoreError> {
        self.list_grant_rows_of(user).await
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn insert_auth_code(&self, code: &AuthCode) -> Result<(), StoreError> {
        self.insert_code_row(code).await
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn take_auth_code(
        &self,
        digest: &str,
        at: OffsetDateTime,
    ) -> Result<AuthCode, StoreError> {
        self.take_code_row(digest, at).await
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn insert_token(&self, token: &IssuedToken) -> Result<(), StoreError> {
        self.insert_token_row(token).await
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn get_token(&self, digest: &str) -> Result<IssuedToken, StoreError> {
        self.get_token_row(digest).await
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn revoke_token(&self, digest: &str, at: OffsetDateTime) -> Result<(), StoreError> {
        self.revoke_token_rows(digest, at).await
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn revoke_tokens_from_code(
        &self,
        code_digest: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.revoke_code_token_rows(code_digest, at).await
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn insert_device_authorization(
        &self,
        device: &DeviceAuthorization,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO device_authorizations ({DEVICE_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        );
        on_pool!(&self.pool, p => sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&device.device_digest)
            .bind(&device.user_code)
            .bind(&device.client_id)
            .bind(&device.scopes)
            .bind(to_micros(device.created_at))
            .bind(to_micros(device.expires_at))
            .bind(device.interval_seconds)
            .bind(opt_to_micros(device.last_polled_at))
            .bind(device.status.as_str())
            .bind(device.user_id.as_ref().map(UserId::as_str))
            .bind(device.grant_id.as_deref())
            .execute(p)
            .await
            .map(|_| ())
            .map_err(unique_violation_as("device_authorizations.user_code")))
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn get_device_by_digest(&self, digest: &str) -> Result<DeviceAuthorization, StoreError> {
        self.get_device_where("device_digest", digest).await
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn get_device_by_user_code(
        &self,
        user_code: &str,
    ) -> Result<DeviceAuthorization, StoreError> {
        self.get_device_where("user_code", user_code).await
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn record_device_poll(
        &self,
        digest: &str,
        at: OffsetDateTime,
    ) -> Result<Option<OffsetDateTime>, StoreError> {
        let previous = self.get_device_by_digest(digest).await?.last_polled_at;
        on_pool!(&self.pool, p => sqlx::query(
            "UPDATE device_authorizations SET last_polled_at = $2 WHERE device_digest = $1",
        )
        .bind(digest)
        .bind(to_micros(at))
        .execute(p)
        .await
        .map(|_| ())
        .map_err(classify))?;
        Ok(previous)
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn decide_device(
        &self,
        digest: &str,
        approved_by: Option<(&UserId, &str)>,
    ) -> Result<(), StoreError> {
        let (status, user, grant) = match approved_by {
            Some((user, grant)) => (DeviceStatus::Approved, Some(user.as_str()), Some(grant)),
            None => (DeviceStatus::Denied, None, None),
        };
        let affected = on_pool!(&self.pool, p => sqlx::query(
            "UPDATE device_authorizations SET status = $2, user_id = $3, grant_id = $4 \
             WHERE device_digest = $1 AND status = 'pending'",
        )
        .bind(digest)
        .bind(status.as_str())
        .bind(user)
        .bind(grant)
        .execute(p)
        .await
        .map(|done| done.rows_affected())
        .map_err(classify))?;
        if affected == 0 {
            self.get_device_by_digest(digest).await?;
            return Err(StoreError::Conflict {
                what: "device_authorizations.status",
            });
        }
        Ok(())
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn consume_device(&self, digest: &str) -> Result<DeviceAuthorization, StoreError> {
        let sql = format!(
            "UPDATE device_authorizations SET status = 'consumed' \
             WHERE device_digest = $1 AND status = 'approved' RETURNING {DEVICE_COLUMNS}"
        );
        let row: Option<DeviceRow> = on_pool!(&self.pool, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(digest)
            .fetch_optional(p)
            .await
            .map_err(classify))?;
        match row {
            Some(row) => row.try_into(),
            None => {
                self.get_device_by_digest(digest).await?;
                Err(StoreError::Conflict {
                    what: "device_authorizations.status",
                })
            }
        }
    }
}
