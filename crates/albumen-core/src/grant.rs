//! What users granted to apps, and what the authorization server issued from it: grants,
//! authorization codes, access and refresh tokens, device authorizations. Secrets appear
//! here only as SHA-256 digests.

use time::OffsetDateTime;

use crate::user::UserId;

/// A user's consent to one client: the scopes granted so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub id: String,
    pub user_id: UserId,
    pub client_id: String,
    pub project_id: String,
    /// Canonical scope names, space-separated.
    pub scopes: String,
    pub consented_at: OffsetDateTime,
    /// Testing-mode grants end 7 days after consent.
    pub expires_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

impl Grant {
    pub fn is_live(&self, now: OffsetDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|at| now < at)
    }
}

/// A single-use authorization code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthCode {
    pub digest: String,
    pub grant_id: String,
    pub client_id: String,
    pub user_id: UserId,
    pub redirect_uri: String,
    /// The scopes this code's tokens carry.
    pub scopes: String,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub nonce: Option<String>,
    /// `access_type=offline`: the exchange also yields a refresh token.
    pub offline: bool,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Access,
    Refresh,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::Refresh => "refresh",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "access" => Some(Self::Access),
            "refresh" => Some(Self::Refresh),
            _ => None,
        }
    }
}

/// An access or refresh token as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    pub digest: String,
    pub kind: TokenKind,
    pub grant_id: String,
    pub client_id: String,
    pub project_id: String,
    pub user_id: UserId,
    pub scopes: String,
    /// Whether the grant includes offline access (tokeninfo's `access_type`).
    pub offline: bool,
    pub created_at: OffsetDateTime,
    /// Access tokens expire; refresh tokens only with their grant.
    pub expires_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
    /// The code this token was issued from, so that a replayed code can revoke it.
    pub from_code: Option<String>,
    /// The refresh token this access token was minted from.
    pub from_refresh: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceStatus {
    Pending,
    Approved,
    Denied,
    Consumed,
}

impl DeviceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Denied => "denied",
            Self::Consumed => "consumed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "pending" => Some(Self::Pending),
            "approved" => Some(Self::Approved),
            "denied" => Some(Self::Denied),
            "consumed" => Some(Self::Consumed),
            _ => None,
        }
    }
}

/// A device-flow authorization in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceAuthorization {
    pub device_digest: String,
    /// What the user types, e.g. `ABCD-EFGH`.
    pub user_code: String,
    pub client_id: String,
    pub scopes: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub interval_seconds: i64,
    pub last_polled_at: Option<OffsetDateTime>,
    pub status: DeviceStatus,
    pub user_id: Option<UserId>,
    pub grant_id: Option<String>,
}

/// A signed-in browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSession {
    pub digest: String,
    pub user_id: UserId,
    /// The token every form of this session must echo.
    pub csrf_token: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// An RS256 signing key for ID tokens.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey {
    pub kid: String,
    /// The PKCS#8 DER private key.
    pub pkcs8_der: Vec<u8>,
    pub created_at: OffsetDateTime,
    /// Retired keys stay published for verification but sign nothing.
    pub retired_at: Option<OffsetDateTime>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field("created_at", &self.created_at)
            .field("retired_at", &self.retired_at)
            .finish_non_exhaustive()
    }
}
