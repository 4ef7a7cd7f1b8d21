//! Developer-console projects: the unit that owns OAuth clients, a consent screen and the
//! set of enabled APIs.

use time::OffsetDateTime;

use crate::user::UserId;

/// A project as stored. `id` has passed the console's project-id rules before it got here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// The user-chosen, immutable project ID (e.g. `my-photo-app`).
    pub id: String,
    /// The numeric project number: the prefix of every client ID and the name in API errors.
    pub number: i64,
    pub name: String,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct NewProject {
    pub id: String,
    pub number: i64,
    pub name: String,
    pub owner: UserId,
    pub created_at: OffsetDateTime,
}

/// The Google APIs a project can enable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApiService {
    PhotosLibrary,
    PhotosPicker,
}

impl ApiService {
    pub const ALL: [ApiService; 2] = [ApiService::PhotosLibrary, ApiService::PhotosPicker];

    /// The service name, as in `photoslibrary.googleapis.com`.
    pub fn service_name(self) -> &'static str {
        match self {
            Self::PhotosLibrary => "photoslibrary.googleapis.com",
            Self::PhotosPicker => "photospicker.googleapis.com",
        }
    }

    /// The title the console and error messages use.
    pub fn title(self) -> &'static str {
        match self {
            Self::PhotosLibrary => "Photos Library API",
            Self::PhotosPicker => "Google Photos Picker API",
        }
    }

    pub fn from_service_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|api| api.service_name() == name)
    }
}
