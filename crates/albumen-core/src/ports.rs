//! The storage ports: what the domain needs from a metadata store, as object-safe traits.
//! `albumen-store` implements them on SQLite and PostgreSQL; one contract suite checks both.
//! Methods that must be atomic (taking a code, consuming a device authorization) say so.

use async_trait::async_trait;
use time::{Duration, OffsetDateTime};

use crate::client::{ClientSecret, ClientSettings, OAuthClient};
use crate::consent::ConsentScreen;
use crate::error::StoreError;
use crate::grant::{AuthCode, DeviceAuthorization, Grant, IssuedToken, SigningKey, WebSession};
use crate::page::{Page, Paged};
use crate::project::{ApiService, NewProject, Project};
use crate::upload::UploadToken;
use crate::user::{Email, NewUser, PasswordHash, User, UserId};

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
    async fn set_user_password(&self, id: &UserId, hash: &PasswordHash) -> Result<(), StoreError>;
    async fn delete_user(&self, id: &UserId) -> Result<(), StoreError>;
}

/// Server-wide settings created once and shared by every node (e.g. the cookie key).
#[async_trait]
pub trait SettingRepo: Send + Sync {
    /// The stored value of `name`, storing `value` first if there is none. Concurrent
    /// callers all get the one value that won.
    async fn get_or_insert_setting(&self, name: &str, value: &str) -> Result<String, StoreError>;
}

/// Failed sign-in counters, per account and per address.
#[async_trait]
pub trait ThrottleRepo: Send + Sync {
    /// Counts one failure for `key` and returns the failures within the `window` that
    /// started with the oldest one still in it.
    async fn record_failure(
        &self,
        key: &str,
        now: OffsetDateTime,
        window: Duration,
    ) -> Result<u32, StoreError>;
    /// Failures of `key` in the current window (0 once the window has passed).
    async fn count_failures(
        &self,
        key: &str,
        now: OffsetDateTime,
        window: Duration,
    ) -> Result<u32, StoreError>;
    async fn clear_failures(&self, key: &str) -> Result<(), StoreError>;
}

/// Browser sessions.
#[async_trait]
pub trait SessionRepo: Send + Sync {
    async fn insert_session(&self, session: &WebSession) -> Result<(), StoreError>;
    async fn get_session(&self, digest: &str) -> Result<WebSession, StoreError>;
    async fn delete_session(&self, digest: &str) -> Result<(), StoreError>;
    async fn delete_sessions_of_user(&self, user: &UserId) -> Result<(), StoreError>;
}

/// Console projects, their owners and enabled APIs.
#[async_trait]
pub trait ProjectRepo: Send + Sync {
    /// Inserts the project with its first owner. `Conflict` names `projects.id` or
    /// `projects.number`.
    async fn insert_project(&self, project: &NewProject) -> Result<Project, StoreError>;
    async fn get_project(&self, id: &str) -> Result<Project, StoreError>;
    async fn get_project_by_number(&self, number: i64) -> Result<Project, StoreError>;
    /// Projects the user owns, ordered by id.
    async fn list_projects_of(
        &self,
        owner: &UserId,
        page: &Page,
    ) -> Result<Paged<Project>, StoreError>;
    async fn list_project_owners(&self, project: &str) -> Result<Vec<UserId>, StoreError>;
    async fn add_project_owner(&self, project: &str, owner: &UserId) -> Result<(), StoreError>;
    async fn set_api_enabled(
        &self,
        project: &str,
        api: ApiService,
        enabled: bool,
    ) -> Result<(), StoreError>;
    async fn list_enabled_apis(&self, project: &str) -> Result<Vec<ApiService>, StoreError>;
    async fn get_consent_screen(&self, project: &str) -> Result<ConsentScreen, StoreError>;
    /// Replaces the consent screen, test users included.
    async fn put_consent_screen(&self, screen: &ConsentScreen) -> Result<(), StoreError>;
}

/// OAuth clients and their secrets.
#[async_trait]
pub trait ClientRepo: Send + Sync {
    async fn insert_client(
        &self,
        client: &OAuthClient,
        secret: Option<&ClientSecret>,
    ) -> Result<(), StoreError>;
    /// The client, deleted or not.
    async fn get_client(&self, client_id: &str) -> Result<OAuthClient, StoreError>;
    /// The project's clients that are not deleted, oldest first.
    async fn list_clients(&self, project: &str) -> Result<Vec<OAuthClient>, StoreError>;
    async fn update_client(
        &self,
        client_id: &str,
        settings: &ClientSettings,
    ) -> Result<(), StoreError>;
    async fn mark_client_deleted(
        &self,
        client_id: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    async fn insert_client_secret(&self, secret: &ClientSecret) -> Result<(), StoreError>;
    /// Oldest first.
    async fn list_client_secrets(&self, client_id: &str) -> Result<Vec<ClientSecret>, StoreError>;
    async fn set_client_secret_disabled(
        &self,
        secret_id: &str,
        disabled_at: Option<OffsetDateTime>,
    ) -> Result<(), StoreError>;
    async fn delete_client_secret(&self, secret_id: &str) -> Result<(), StoreError>;
}

/// Grants, codes, tokens and device authorizations.
#[async_trait]
pub trait GrantRepo: Send + Sync {
    /// The user's grant to the client, live or not.
    async fn find_grant(&self, user: &UserId, client_id: &str)
    -> Result<Option<Grant>, StoreError>;
    async fn get_grant(&self, id: &str) -> Result<Grant, StoreError>;
    /// Inserts the grant, or replaces the one for the same user and client.
    async fn put_grant(&self, grant: &Grant) -> Result<(), StoreError>;
    /// Revokes the grant, every token issued under it and its unused codes.
    async fn revoke_grant(&self, id: &str, at: OffsetDateTime) -> Result<(), StoreError>;
    /// Deletes a grant with its codes and tokens (a dead grant, before consent starts anew).
    async fn delete_grant(&self, id: &str) -> Result<(), StoreError>;
    /// Live grants of a user, newest first.
    async fn list_grants_of(&self, user: &UserId) -> Result<Vec<Grant>, StoreError>;

    async fn insert_auth_code(&self, code: &AuthCode) -> Result<(), StoreError>;
    /// Atomically marks the code used and returns it. `NotFound` if there is no such code;
    /// `Conflict { what: "auth_codes.used" }` if it was used before (a replay).
    async fn take_auth_code(
        &self,
        digest: &str,
        at: OffsetDateTime,
    ) -> Result<AuthCode, StoreError>;

    async fn insert_token(&self, token: &IssuedToken) -> Result<(), StoreError>;
    async fn get_token(&self, digest: &str) -> Result<IssuedToken, StoreError>;
    /// Revokes one token; revoking a refresh token also revokes the access tokens minted
    /// from it.
    async fn revoke_token(&self, digest: &str, at: OffsetDateTime) -> Result<(), StoreError>;
    /// Revokes every token issued from the code (after a replay).
    async fn revoke_tokens_from_code(
        &self,
        code_digest: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;

    async fn insert_device_authorization(
        &self,
        device: &DeviceAuthorization,
    ) -> Result<(), StoreError>;
    async fn get_device_by_digest(&self, digest: &str) -> Result<DeviceAuthorization, StoreError>;
    async fn get_device_by_user_code(
        &self,
        user_code: &str,
    ) -> Result<DeviceAuthorization, StoreError>;
    /// Records a poll and returns the previous poll time.
    async fn record_device_poll(
        &self,
        digest: &str,
        at: OffsetDateTime,
    ) -> Result<Option<OffsetDateTime>, StoreError>;
    /// Approves (with the user and grant) or denies a pending authorization.
    async fn decide_device(
        &self,
        digest: &str,
        approved_by: Option<(&UserId, &str)>,
    ) -> Result<(), StoreError>;
    /// Atomically moves an approved authorization to consumed; `Conflict` if it was not
    /// approved (already consumed, say).
    async fn consume_device(&self, digest: &str) -> Result<DeviceAuthorization, StoreError>;
}

/// Upload tokens.
#[async_trait]
pub trait UploadRepo: Send + Sync {
    async fn insert_upload_token(&self, token: &UploadToken) -> Result<(), StoreError>;
    async fn get_upload_token(&self, digest: &str) -> Result<UploadToken, StoreError>;
}

/// ID-token signing keys.
#[async_trait]
pub trait KeyRepo: Send + Sync {
    /// Every key, newest first.
    async fn list_signing_keys(&self) -> Result<Vec<SigningKey>, StoreError>;
    async fn insert_signing_key(&self, key: &SigningKey) -> Result<(), StoreError>;
    async fn retire_signing_key(&self, kid: &str, at: OffsetDateTime) -> Result<(), StoreError>;
}

/// Everything the server needs from its metadata store.
pub trait MetadataStore:
    StoreHealth
    + UserRepo
    + SettingRepo
    + ThrottleRepo
    + SessionRepo
    + ProjectRepo
    + ClientRepo
    + GrantRepo
    + KeyRepo
    + UploadRepo
    + std::fmt::Debug
{
}

impl<T> MetadataStore for T where
    T: StoreHealth
        + UserRepo
        + SettingRepo
        + ThrottleRepo
        + SessionRepo
        + ProjectRepo
        + ClientRepo
        + GrantRepo
        + KeyRepo
        + UploadRepo
        + std::fmt::Debug
{
}
