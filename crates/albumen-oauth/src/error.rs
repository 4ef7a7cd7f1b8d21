//! OAuth errors as RFC 6749 / RFC 8628 and Google name them, with the HTTP status Google
//! answers them with. Rendering is the HTTP layer's job.

use albumen_core::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthCode {
    InvalidRequest,
    InvalidClient,
    DeletedClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    UnsupportedResponseType,
    InvalidScope,
    AccessDenied,
    RedirectUriMismatch,
    OrgInternal,
    AuthorizationPending,
    SlowDown,
    ExpiredToken,
    InvalidToken,
    LoginRequired,
    ConsentRequired,
    InteractionRequired,
    ServerError,
    TemporarilyUnavailable,
}

impl OAuthCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::DeletedClient => "deleted_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::InvalidScope => "invalid_scope",
            Self::AccessDenied => "access_denied",
            Self::RedirectUriMismatch => "redirect_uri_mismatch",
            Self::OrgInternal => "org_internal",
            Self::AuthorizationPending => "authorization_pending",
            Self::SlowDown => "slow_down",
            Self::ExpiredToken => "expired_token",
            Self::InvalidToken => "invalid_token",
            Self::LoginRequired => "login_required",
            Self::ConsentRequired => "consent_required",
            Self::InteractionRequired => "interaction_required",
            Self::ServerError => "server_error",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
        }
    }
}

/// An OAuth error: the code, a description safe to show, and Google's HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {description}", code.as_str())]
pub struct OAuthError {
    pub code: OAuthCode,
    pub description: String,
    pub status: u16,
}

impl OAuthError {
    pub fn new(code: OAuthCode, status: u16, description: impl Into<String>) -> Self {
        Self {
            code,
            description: description.into(),
            status,
        }
    }

    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(OAuthCode::InvalidRequest, 400, description)
    }

    pub fn missing(parameter: &str) -> Self {
        Self::invalid_request(format!("Missing required parameter: {parameter}"))
    }

    pub fn invalid_grant(description: impl Into<String>) -> Self {
        Self::new(OAuthCode::InvalidGrant, 400, description)
    }

    /// Google's answer for an unknown client id.
    pub fn client_not_found() -> Self {
        Self::new(
            OAuthCode::InvalidClient,
            401,
            "The OAuth client was not found.",
        )
    }

    /// Google's answer for a wrong client secret.
    pub fn bad_client_secret() -> Self {
        Self::new(OAuthCode::InvalidClient, 401, "Unauthorized")
    }

    pub fn deleted_client() -> Self {
        Self::new(
            OAuthCode::DeletedClient,
            401,
            "The OAuth client was deleted.",
        )
    }

    pub fn server_error() -> Self {
        Self::new(OAuthCode::ServerError, 500, "Internal error encountered.")
    }
}

impl From<StoreError> for OAuthError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Unavailable(cause) => {
                tracing::warn!(error = %cause, "database unavailable");
                Self::new(
                    OAuthCode::TemporarilyUnavailable,
                    503,
                    "The service is currently unavailable.",
                )
            }
            other => {
                tracing::error!(error = ?other, "storage failure in the authorization server");
                Self::server_error()
            }
        }
    }
}
