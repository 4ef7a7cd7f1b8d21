//! [`ClientRepo`]: OAuth clients and their hashed secrets.

use albumen_core::StoreError;
use albumen_core::client::{ClientSecret, ClientSettings, ClientType, OAuthClient};
use albumen_core::ports::ClientRepo;
use async_trait::async_trait;
use time::OffsetDateTime;

use crate::SqlStore;
use crate::error::{classify, found, unique_violation_as};
use crate::pool::on_pool;
use crate::time_codec::{corrupt, from_micros, opt_from_micros, opt_to_micros, to_micros};

const CLIENT_COLUMNS: &str = "client_id, project_id, name, client_type, redirect_uris, \
     javascript_origins, created_at, deleted_at";

#[derive(sqlx::FromRow)]
struct ClientRow {
    client_id: String,
    project_id: String,
    name: String,
    client_type: String,
    redirect_uris: String,
    javascript_origins: String,
    created_at: i64,
    deleted_at: Option<i64>,
}

/// Lists are stored newline-separated; validated URIs and origins never contain a newline.
fn join_lines(items: &[String]) -> String {
    items.join("\n")
}

fn split_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

impl TryFrom<ClientRow> for OAuthClient {
    type Error = StoreError;

    fn try_from(row: ClientRow) -> Result<Self, StoreError> {
        Ok(OAuthClient {
            client_type: ClientType::parse(&row.client_type)
                .ok_or_else(|| corrupt("oauth_clients"))?,
            redirect_uris: split_lines(&row.redirect_uris),
            javascript_origins: split_lines(&row.javascript_origins),
            client_id: row.client_id,
            project_id: row.project_id,
            name: row.name,
            created_at: from_micros(row.created_at)?,
            deleted_at: opt_from_micros(row.deleted_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct SecretRow {
    id: String,
    client_id: String,
    digest: String,
    last_four: String,
    created_at: i64,
    disabled_at: Option<i64>,
}

impl TryFrom<SecretRow> for ClientSecret {
    type Error = StoreError;

    fn try_from(row: SecretRow) -> Result<Self, StoreError> {
        Ok(ClientSecret {
            id: row.id,
            client_id: row.client_id,
            digest: row.digest,
            last_four: row.last_four,
            created_at: from_micros(row.created_at)?,
            disabled_at: opt_from_micros(row.disabled_at)?,
        })
    }
}

const INSERT_SECRET: &str = "INSERT INTO client_secrets \
     (id, client_id, digest, last_four, created_at, disabled_at) VALUES ($1, $2, $3, $4, $5, $6)";

#[async_trait]
impl ClientRepo for SqlStore {
    #[tracing::instrument(skip_all, fields(client_id = %client.client_id), err(level = "debug"))]
    async fn insert_client(
        &self,
        client: &OAuthClient,
        secret: Option<&ClientSecret>,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO oauth_clients ({CLIENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        );
        on_pool!(&self.pool, p => {
            let mut tx = p.begin().await.map_err(classify)?;
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(&client.client_id)
                .bind(&client.project_id)
                .bind(&client.name)
                .bind(client.client_type.as_str())
                .bind(join_lines(&client.redirect_uris))
                .bind(join_lines(&client.javascript_origins))
                .bind(to_micros(client.created_at))
                .bind(opt_to_micros(client.deleted_at))
                .execute(&mut *tx)
                .await
                .map_err(unique_violation_as("oauth_clients.client_id"))?;
            if let Some(secret) = secret {
                sqlx::query(INSERT_SECRET)
                    .bind(&secret.id)
                    .bind(&secret.client_id)
                    .bind(&secret.digest)
                    .bind(&secret.last_four)
                    .bind(to_micros(secret.created_at))
                    .bind(opt_to_micros(secret.disabled_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(classify)?;
            }
            tx.commit().await.map_err(classify)
        })
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn get_client(&self, client_id: &str) -> Result<OAuthClient, StoreError> {
        let sql = format!("SELECT {CLIENT_COLUMNS} FROM oauth_clients WHERE client_id = $1");
        let row: ClientRow = on_pool!(&self.pool, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(client_id)
            .fetch_one(p)
            .await
            .map_err(classify))?;
        row.try_into()
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn list_clients(&self, project: &str) -> Result<Vec<OAuthClient>, StoreError> {
        let sql = format!(
            "SELECT {CLIENT_COLUMNS} FROM oauth_clients \
             WHERE project_id = $1 AND deleted_at IS NULL ORDER BY created_at, client_id"
        );
        let rows: Vec<ClientRow> = on_pool!(&self.pool, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(project)
            .fetch_all(p)
            .await
            .map_err(classify))?;
        rows.into_iter().map(OAuthClient::try_from).collect()
    }

    #[tracing::instrument(skip(self, settings), err(level = "debug"))]
    async fn update_client(
        &self,
        client_id: &str,
        settings: &ClientSettings,
    ) -> Result<(), StoreError> {
        let affected = on_pool!(&self.pool, p => sqlx::query(
            "UPDATE oauth_clients SET name = $2, redirect_uris = $3, javascript_origins = $4 \
             WHERE client_id = $1 AND deleted_at IS NULL",
        )
        .bind(client_id)
        .bind(&settings.name)
        .bind(join_lines(&settings.redirect_uris))
        .bind(join_lines(&settings.javascript_origins))
        .execute(p)
        .await
        .map(|done| done.rows_affected())
        .map_err(classify))?;
        self.changed();
        found(affected)
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn mark_client_deleted(
        &self,
        client_id: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let affected = on_pool!(&self.pool, p => sqlx::query(
            "UPDATE oauth_clients SET deleted_at = $2 WHERE client_id = $1 AND deleted_at IS NULL",
        )
        .bind(client_id)
        .bind(to_micros(at))
        .execute(p)
        .await
        .map(|done| done.rows_affected())
        .map_err(classify))?;
        self.changed();
        found(affected)
    }

    #[tracing::instrument(skip_all, fields(client_id = %secret.client_id), err(level = "debug"))]
    async fn insert_client_secret(&self, secret: &ClientSecret) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => sqlx::query(INSERT_SECRET)
            .bind(&secret.id)
            .bind(&secret.client_id)
            .bind(&secret.digest)
            .bind(&secret.last_four)
            .bind(to_micros(secret.created_at))
            .bind(opt_to_micros(secret.disabled_at))
            .execute(p)
            .await
            .map(|_| ())
            .map_err(classify))
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn list_client_secrets(&self, client_id: &str) -> Result<Vec<ClientSecret>, StoreError> {
        let rows: Vec<SecretRow> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT id, client_id, digest, last_four, created_at, disabled_at FROM client_secrets \
             WHERE client_id = $1 ORDER BY created_at, id",
        )
        .bind(client_id)
        .fetch_all(p)
        .await
        .map_err(classify))?;
        rows.into_iter().map(ClientSecret::try_from).collect()
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn set_client_secret_disabled(
        &self,
        secret_id: &str,
        disabled_at: Option<OffsetDateTime>,
    ) -> Result<(), StoreError> {
        let affected = on_pool!(&self.pool, p => sqlx::query(
            "UPDATE client_secrets SET disabled_at = $2 WHERE id = $1",
        )
        .bind(secret_id)
        .bind(opt_to_micros(disabled_at))
        .execute(p)
        .await
        .map(|done| done.rows_affected())
        .map_err(classify))?;
        found(affected)
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn delete_client_secret(&self, secret_id: &str) -> Result<(), StoreError> {
        let affected = on_pool!(&self.pool, p => sqlx::query("DELETE FROM client_secrets WHERE id = $1")
            .bind(secret_id)
            .execute(p)
            .await
            .map(|done| done.rows_affected())
            .map_err(classify))?;
        found(affected)
    }
}
