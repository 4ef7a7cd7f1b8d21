//! The storage ports: what the domain needs from a metadata store, as object-safe traits.
//! `albumen-store` implements them on SQLite and PostgreSQL; one contract suite checks both.

use async_trait::async_trait;

use crate::error::StoreError;
use crate::page::{Page, Paged};
use crate::user::{Email, NewUser, User, UserId};

/// Whether the store can serve requests right now (for `/readyz`).
#[async_trait]
pub trait StoreHealth: Send + Sync {
    async fn ping(&self) -> Result<(), StoreError>;
}

/// Accounts.
#[async_trait]
pub trait UserRepo: Send + Sync {
    /// Inserts a user; `Conflict { what: "users.email" }` if the email is taken.
    async fn insert_user(&self, user: &NewUser) -> Result<User, StoreError>;
    async fn get_user(&self, id: &UserId) -> Result<User, StoreError>;
    async fn get_user_by_email(&self, email: &Email) -> Result<User, StoreError>;
    /// Users ordered by id.
    async fn list_users(&self, page: &Page) -> Result<Paged<User>, StoreError>;
    async fn count_users(&self) -> Result<u64, StoreError>;
    async fn set_user_disabled(&self, id: &UserId, disabled: bool) -> Result<(), StoreError>;
    async fn delete_user(&self, id: &UserId) -> Result<(), StoreError>;
}

/// Everything the server needs from its metadata store.
pub trait MetadataStore: StoreHealth + UserRepo + std::fmt::Debug {}

impl<T: StoreHealth + UserRepo + std::fmt::Debug> MetadataStore for T {}
