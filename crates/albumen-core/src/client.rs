//! OAuth clients (the console's "Credentials") and their secrets.

use time::OffsetDateTime;

/// The console's client types that Albumen supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientType {
    /// "Web application": confidential, registered redirect URIs and JavaScript origins.
    Web,
    /// "Desktop app": loopback redirects on any port, no registered URIs.
    Desktop,
    /// "TVs and Limited Input devices": the device flow only.
    Tv,
}

impl ClientType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Desktop => "desktop",
            Self::Tv => "tv",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "web" => Some(Self::Web),
            "desktop" => Some(Self::Desktop),
            "tv" => Some(Self::Tv),
            _ => None,
        }
    }

    /// The console's name for the type.
    pub fn title(self) -> &'static str {
        match self {
            Self::Web => "Web application",
            Self::Desktop => "Desktop app",
            Self::Tv => "TVs and Limited Input devices",
        }
    }

    /// The top-level key of the downloaded `client_secret.json`.
    pub fn secret_file_key(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Desktop | Self::Tv => "installed",
        }
    }
}

/// A stored OAuth client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthClient {
    /// `{projectNumber}-{32 lowercase alphanumerics}.apps.googleusercontent.com`
    pub client_id: String,
    pub project_id: String,
    pub name: String,
    pub client_type: ClientType,
    pub redirect_uris: Vec<String>,
    pub javascript_origins: Vec<String>,
    pub created_at: OffsetDateTime,
    /// Set when the client was deleted; deleted clients answer `deleted_client`.
    pub deleted_at: Option<OffsetDateTime>,
}

/// A client secret as stored: only its digest and last four characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSecret {
    pub id: String,
    pub client_id: String,
    /// Lowercase hex SHA-256 of the secret.
    pub digest: String,
    /// The last four characters, for display.
    pub last_four: String,
    pub created_at: OffsetDateTime,
    pub disabled_at: Option<OffsetDateTime>,
}

/// Editable client settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSettings {
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub javascript_origins: Vec<String>,
}
