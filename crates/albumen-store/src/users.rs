//! [`UserRepo`] on both backends.

use albumen_core::ports::UserRepo;
use albumen_core::user::{DisplayName, Email, NewUser, PasswordHash, User, UserId};
use albumen_core::{Page, Paged, StoreError};
use async_trait::async_trait;

use crate::SqlStore;
use crate::error::{classify, found, unique_violation_as};
use crate::pool::on_pool;
use crate::time_codec::{from_micros, to_micros};

/// The user columns, as a literal so that `concat!` builds `&'static str` queries.
macro_rules! columns {
    () => {
        "id, email, display_name, password_hash, is_admin, disabled, created_at"
    };
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    email: String,
    display_name: String,
    password_hash: Option<String>,
    is_admin: bool,
    disabled: bool,
    created_at: i64,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;

    fn try_from(row: UserRow) -> Result<Self, StoreError> {
        let corrupt = |e| StoreError::Internal(Box::new(e));
        Ok(User {
            id: UserId::from_stored(row.id),
            email: Email::parse(&row.email).map_err(corrupt)?,
            display_name: DisplayName::parse(&row.display_name).map_err(corrupt)?,
            password_hash: row.password_hash.map(PasswordHash::from_phc),
            is_admin: row.is_admin,
            disabled: row.disabled,
            created_at: from_micros(row.created_at)?,
        })
    }
}

#[async_trait]
impl UserRepo for SqlStore {
    #[tracing::instrument(skip_all, fields(user.id = %user.id), err(level = "debug"))]
    async fn insert_user(&self, user: &NewUser) -> Result<User, StoreError> {
        let sql = concat!(
            "INSERT INTO users (",
            columns!(),
            ") VALUES ($1, $2, $3, $4, $5, FALSE, $6) RETURNING ",
            columns!()
        );
        let row: UserRow = on_pool!(&self.pool, p => sqlx::query_as(sql)
            .bind(user.id.as_str())
            .bind(user.email.as_str())
            .bind(user.display_name.as_str())
            .bind(user.password_hash.as_ref().map(PasswordHash::as_phc))
            .bind(user.is_admin)
            .bind(to_micros(user.created_at))
            .fetch_one(p)
            .await
            .map_err(unique_violation_as("users.email")))?;
        row.try_into()
    }

    #[tracing::instrument(skip_all, fields(user.id = %id), err(level = "debug"))]
    async fn get_user(&self, id: &UserId) -> Result<User, StoreError> {
        let sql = concat!("SELECT ", columns!(), " FROM users WHERE id = $1");
        let row: UserRow = on_pool!(&self.pool, p => sqlx::query_as(sql)
            .bind(id.as_str())
            .fetch_one(p)
            .await
            .map_err(classify))?;
        row.try_into()
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn get_user_by_email(&self, email: &Email) -> Result<User, StoreError> {
        let sql = concat!("SELECT ", columns!(), " FROM users WHERE email = $1");
        let row: UserRow = on_pool!(&self.pool, p => sqlx::query_as(sql)
            .bind(email.as_str())
            .fetch_one(p)
            .await
            .map_err(classify))?;
        row.try_into()
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn list_users(&self, page: &Page) -> Result<Paged<User>, StoreError> {
        let sql = concat!(
            "SELECT ",
            columns!(),
            " FROM users WHERE id > $1 ORDER BY id LIMIT $2"
        );
        // Ids are non-empty, so "" sorts before every one of them.
        let after = page.after_key().unwrap_or("");
        let rows: Vec<UserRow> = on_pool!(&self.pool, p => sqlx::query_as(sql)
            .bind(after)
            .bind(i64::from(page.size()) + 1)
            .fetch_all(p)
            .await
            .map_err(classify))?;
        let mut items = rows
            .into_iter()
            .map(User::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        let next = if items.len() > page.size() as usize {
            items.truncate(page.size() as usize);
            items.last().map(|u| u.id.as_str().to_owned())
        } else {
            None
        };
        Ok(Paged { items, next })
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn count_users(&self) -> Result<u64, StoreError> {
        let count: i64 = on_pool!(&self.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(p)
            .await
            .map_err(classify))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    #[tracing::instrument(skip_all, fields(user.id = %id), err(level = "debug"))]
    async fn set_user_disabled(&self, id: &UserId, disabled: bool) -> Result<(), StoreError> {
        let affected = on_pool!(&self.pool, p => sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(disabled)
            .bind(id.as_str())
            .execute(p)
            .await
            .map(|done| done.rows_affected())
            .map_err(classify))?;
        self.changed();
        found(affected)
    }

    #[tracing::instrument(skip_all, fields(user.id = %id), err(level = "debug"))]
    async fn set_user_password(&self, id: &UserId, hash: &PasswordHash) -> Result<(), StoreError> {
        let affected = on_pool!(&self.pool, p => sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash.as_phc())
            .bind(id.as_str())
            .execute(p)
            .await
            .map(|done| done.rows_affected())
            .map_err(classify))?;
        self.changed();
        found(affected)
    }

    #[tracing::instrument(skip_all, fields(user.id = %id), err(level = "debug"))]
    async fn delete_user(&self, id: &UserId) -> Result<(), StoreError> {
        let affected = on_pool!(&self.pool, p => sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(id.as_str())
            .execute(p)
            .await
            .map(|done| done.rows_affected())
            .map_err(classify))?;
        self.changed();
        found(affected)
    }
}
