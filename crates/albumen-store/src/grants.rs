//! [`GrantRepo`] for grants, authorization codes and tokens (device authorizations are in
//! `devices.rs`).

use albumen_core::StoreError;
use albumen_core::grant::{AuthCode, Grant, IssuedToken, TokenKind};
use albumen_core::user::UserId;
use time::OffsetDateTime;

use crate::SqlStore;
use crate::error::{classify, found};
use crate::pool::on_pool;
use crate::time_codec::{corrupt, from_micros, opt_from_micros, opt_to_micros, to_micros};

const GRANT_COLUMNS: &str =
    "id, user_id, client_id, project_id, scopes, consented_at, expires_at, revoked_at";
const CODE_COLUMNS: &str = "digest, grant_id, client_id, user_id, redirect_uri, scopes, \
     code_challenge, code_challenge_method, nonce, offline, created_at, expires_at, used_at";
const TOKEN_COLUMNS: &str = "digest, kind, grant_id, client_id, project_id, user_id, scopes, \
     offline, created_at, expires_at, revoked_at, from_code, from_refresh";

#[derive(sqlx::FromRow)]
struct GrantRow {
    id: String,
    user_id: String,
    client_id: String,
    project_id: String,
    scopes: String,
    consented_at: i64,
    expires_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl TryFrom<GrantRow> for Grant {
    type Error = StoreError;

    fn try_from(row: GrantRow) -> Result<Self, StoreError> {
        Ok(Grant {
            id: row.id,
            user_id: UserId::from_stored(row.user_id),
            client_id: row.client_id,
            project_id: row.project_id,
            scopes: row.scopes,
            consented_at: from_micros(row.consented_at)?,
            expires_at: opt_from_micros(row.expires_at)?,
            revoked_at: opt_from_micros(row.revoked_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct CodeRow {
    digest: String,
    grant_id: String,
    client_id: String,
    user_id: String,
    redirect_uri: String,
    scopes: String,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    nonce: Option<String>,
    offline: bool,
    created_at: i64,
    expires_at: i64,
    used_at: Option<i64>,
}

impl TryFrom<CodeRow> for AuthCode {
    type Error = StoreError;

    fn try_from(row: CodeRow) -> Result<Self, StoreError> {
        Ok(AuthCode {
            digest: row.digest,
            grant_id: row.grant_id,
            client_id: row.client_id,
            user_id: UserId::from_stored(row.user_id),
            redirect_uri: row.redirect_uri,
            scopes: row.scopes,
            code_challenge: row.code_challenge,
            code_challenge_method: row.code_challenge_method,
            nonce: row.nonce,
            offline: row.offline,
            created_at: from_micros(row.created_at)?,
            expires_at: from_micros(row.expires_at)?,
            used_at: opt_from_micros(row.used_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    digest: String,
    kind: String,
    grant_id: String,
    client_id: String,
    project_id: String,
    user_id: String,
    scopes: String,
    offline: bool,
    created_at: i64,
    expires_at: Option<i64>,
    revoked_at: Option<i64>,
    from_code: Option<String>,
    from_refresh: Option<String>,
}

impl TryFrom<TokenRow> for IssuedToken {
    type Error = StoreError;

    fn try_from(row: TokenRow) -> Result<Self, StoreError> {
        Ok(IssuedToken {
            kind: TokenKind::parse(&row.kind).ok_or_else(|| corrupt("oauth_tokens"))?,
            digest: row.digest,
            grant_id: row.grant_id,
            client_id: row.client_id,
            project_id: row.project_id,
            user_id: UserId::from_stored(row.user_id),
            scopes: row.scopes,
            offline: row.offline,
            created_at: from_micros(row.created_at)?,
            expires_at: opt_from_micros(row.expires_at)?,
            revoked_at: opt_from_micros(row.revoked_at)?,
            from_code: row.from_code,
            from_refresh: row.from_refresh,
        })
    }
}

impl SqlStore {
    pub(crate) async fn find_grant_row(
        &self,
        user: &UserId,
        client_id: &str,
    ) -> Result<Option<Grant>, StoreError> {
        let sql =
            format!("SELECT {GRANT_COLUMNS} FROM grants WHERE user_id = $1 AND client_id = $2");
        let row: Option<GrantRow> = on_pool!(&self.pool, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(user.as_str())
            .bind(client_id)
            .fetch_optional(p)
            .await
            .map_err(classify))?;
        row.map(Grant::try_from).transpose()
    }

    pub(crate) async fn get_grant_row(&self, id: &str) -> Result<Grant, StoreError> {
        let sql = format!("SELECT {GRANT_COLUMNS} FROM grants WHERE id = $1");
        let row: GrantRow = on_pool!(&self.pool, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(p)
            .await
            .map_err(classify))?;
        row.try_into()
    }

    pub(crate) async fn put_grant_row(&self, grant: &Grant) -> Result<(), StoreError> {
        // The row of an existing (user, client) grant keeps its id: codes and tokens point at it.
        let sql = format!(
            "INSERT INTO grants ({GRANT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (user_id, client_id) DO UPDATE SET project_id = excluded.project_id, \
             scopes = excluded.scopes, consented_at = excluded.consented_at, \
             expires_at = excluded.expires_at, revoked_at = excluded.revoked_at"
        );
        on_pool!(&self.pool, p => sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&grant.id)
            .bind(grant.user_id.as_str())
            .bind(&grant.client_id)
            .bind(&grant.project_id)
            .bind(&grant.scopes)
            .bind(to_micros(grant.consented_at))
            .bind(opt_to_micros(grant.expires_at))
            .bind(opt_to_micros(grant.revoked_at))
            .execute(p)
            .await
            .map(|_| self.changed())
            .map_err(classify))
    }

    pub(crate) async fn revoke_grant_rows(
        &self,
        id: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => {
            let mut tx = p.begin().await.map_err(classify)?;
            let affected = sqlx::query("UPDATE grants SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
                .bind(id)
                .bind(to_micros(at))
                .execute(&mut *tx)
                .await
                .map_err(classify)?
                .rows_affected();
            sqlx::query("UPDATE oauth_tokens SET revoked_at = $2 WHERE grant_id = $1 AND revoked_at IS NULL")
                .bind(id)
                .bind(to_micros(at))
                .execute(&mut *tx)
                .await
                .map_err(classify)?;
            // A code not yet exchanged must not outlive its grant.
            sqlx::query("UPDATE auth_codes SET used_at = $2 WHERE grant_id = $1 AND used_at IS NULL")
                .bind(id)
                .bind(to_micros(at))
                .execute(&mut *tx)
                .await
                .map_err(classify)?;
            tx.commit().await.map_err(classify)?;
            self.changed();
            if affected == 0 {
                // Either no such grant or already revoked: tell them apart.
                self.get_grant_row(id).await.map(|_| ())
            } else {
                Ok(())
            }
        })
    }

    pub(crate) async fn delete_grant_row(&self, id: &str) -> Result<(), StoreError> {
        let affected = on_pool!(&self.pool, p => sqlx::query("DELETE FROM grants WHERE id = $1")
            .bind(id)
            .execute(p)
            .await
            .map(|done| done.rows_affected())
            .map_err(classify))?;
        self.changed();
        found(affected)
    }

    pub(crate) async fn list_grant_rows_of(&self, user: &UserId) -> Result<Vec<Grant>, StoreError> {
        let sql = format!(
            "SELECT {GRANT_COLUMNS} FROM grants WHERE user_id = $1 AND revoked_at IS NULL \
             ORDER BY consented_at DESC, id"
        );
        let rows: Vec<GrantRow> = on_pool!(&self.pool, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(user.as_str())
            .fetch_all(p)
            .await
            .map_err(classify))?;
        rows.into_iter().map(Grant::try_from).collect()
    }

    pub(crate) async fn insert_code_row(&self, code: &AuthCode) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO auth_codes ({CODE_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        );
        on_pool!(&self.pool, p => sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&code.digest)
            .bind(&code.grant_id)
            .bind(&code.client_id)
            .bind(code.user_id.as_str())
            .bind(&code.redirect_uri)
            .bind(&code.scopes)
            .bind(code.code_challenge.as_deref())
            .bind(code.code_challenge_method.as_deref())
            .bind(code.nonce.as_deref())
            .bind(code.offline)
            .bind(to_micros(code.created_at))
            .bind(to_micros(code.expires_at))
            .bind(opt_to_micros(code.used_at))
            .execute(p)
            .await
            .map(|_| ())
            .map_err(classify))
    }

    pub(crate) async fn take_code_row(
        &self,
        digest: &str,
        at: OffsetDateTime,
    ) -> Result<AuthCode, StoreError> {
        // One statement marks and returns, so two concurrent exchanges cannot both win.
        let sql = format!(
            "UPDATE auth_codes SET used_at = $2 WHERE digest = $1 AND used_at IS NULL \
             RETURNING {CODE_COLUMNS}"
        );
        let taken: Option<CodeRow> = on_pool!(&self.pool, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(digest)
            .bind(to_micros(at))
            .fetch_optional(p)
            .await
            .map_err(classify))?;
        if let Some(row) = taken {
            return row.try_into();
        }
        let exists: Option<String> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT digest FROM auth_codes WHERE digest = $1",
        )
        .bind(digest)
        .fetch_optional(p)
        .await
        .map_err(classify))?;
        Err(match exists {
            Some(_) => StoreError::Conflict {
                what: "auth_codes.used",
            },
            None => StoreError::NotFound,
        })
    }

    pub(crate) async fn insert_token_row(&self, token: &IssuedToken) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO oauth_tokens ({TOKEN_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        );
        on_pool!(&self.pool, p => sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&token.digest)
            .bind(token.kind.as_str())
            .bind(&token.grant_id)
            .bind(&token.client_id)
            .bind(&token.project_id)
            .bind(token.user_id.as_str())
            .bind(&token.scopes)
            .bind(token.offline)
            .bind(to_micros(token.created_at))
            .bind(opt_to_micros(token.expires_at))
            .bind(opt_to_micros(token.revoked_at))
            .bind(token.from_code.as_deref())
            .bind(token.from_refresh.as_deref())
            .execute(p)
            .await
            .map(|_| ())
            .map_err(classify))
    }

    pub(crate) async fn get_token_row(&self, digest: &str) -> Result<IssuedToken, StoreError> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM oauth_tokens WHERE digest = $1");
        let row: TokenRow = on_pool!(&self.pool, p => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(digest)
            .fetch_one(p)
            .await
            .map_err(classify))?;
        row.try_into()
    }

    pub(crate) async fn revoke_token_rows(
        &self,
        digest: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.get_token_row(digest).await?;
        on_pool!(&self.pool, p => sqlx::query(
            "UPDATE oauth_tokens SET revoked_at = $2 \
             WHERE (digest = $1 OR from_refresh = $1) AND revoked_at IS NULL",
        )
        .bind(digest)
        .bind(to_micros(at))
        .execute(p)
        .await
        .map(|_| self.changed())
        .map_err(classify))
    }

    pub(crate) async fn revoke_code_token_rows(
        &self,
        code_digest: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        // Tokens from the code, and access tokens minted from its refresh tokens.
        on_pool!(&self.pool, p => sqlx::query(
            "UPDATE oauth_tokens SET revoked_at = $2 WHERE revoked_at IS NULL AND \
             (from_code = $1 OR from_refresh IN \
               (SELECT digest FROM oauth_tokens WHERE from_code = $1))",
        )
        .bind(code_digest)
        .bind(to_micros(at))
        .execute(p)
        .await
        .map(|_| self.changed())
        .map_err(classify))
    }
}
