//! Resumable upload sessions: the state of an upload that arrives in chunks, possibly on
//! different nodes, kept in the metadata store so that any node can take the next chunk.

use time::OffsetDateTime;

use crate::user::UserId;

/// Where a session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadSessionState {
    /// Taking chunks.
    Active,
    /// Finalized: an upload token was issued for the bytes.
    Final,
    /// Cancelled by the client (or refused at finalize); it never takes bytes again.
    Cancelled,
}

impl UploadSessionState {
    /// The name stored in the database and sent in `X-Goog-Upload-Status`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Final => "final",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "active" => Some(Self::Active),
            "final" => Some(Self::Final),
            "cancelled" => Some(Self::Cancelled),
            _ => None,
        }
    }
}

/// A stored session. The `upload_id` the client holds is kept only as its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadSession {
    pub digest: String,
    pub user_id: UserId,
    /// The OAuth client that started the session; the final upload token is bound to it.
    pub client_id: String,
    pub mime_type: Option<String>,
    pub file_name: Option<String>,
    /// `X-Goog-Upload-Raw-Size`, when the client declared it.
    pub declared_size: Option<u64>,
    /// Bytes committed so far (the next chunk must start here).
    pub received: u64,
    pub state: UploadSessionState,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

impl UploadSession {
    pub fn is_expired(&self, now: OffsetDateTime) -> bool {
        now >= self.expires_at
    }
}

/// One committed chunk: `size` bytes at `offset` of the upload, stored as the blob
/// `blob_key` (the hex SHA-256 of the chunk).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadChunk {
    pub offset: u64,
    pub size: u64,
    pub blob_key: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_through_their_names() {
        for state in [
            UploadSessionState::Active,
            UploadSessionState::Final,
            UploadSessionState::Cancelled,
        ] {
            assert_eq!(UploadSessionState::parse(state.as_str()), Some(state));
        }
        assert_eq!(UploadSessionState::parse("Final"), None);
    }
}
