//! Upload tokens: bytes received at `/v1/uploads`, waiting to become media items.

use time::OffsetDateTime;

use crate::user::UserId;

/// A stored upload token (only the token's digest is kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadToken {
    pub digest: String,
    pub user_id: UserId,
    /// The OAuth client that uploaded: tokens are bound to user and client.
    pub client_id: String,
    /// The hex SHA-256 of the bytes, which is also their blob address.
    pub blob_key: String,
    pub size: u64,
    pub mime_type: Option<String>,
    pub file_name: Option<String>,
    pub created_at: OffsetDateTime,
    /// Google's upload tokens live one day.
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
}
