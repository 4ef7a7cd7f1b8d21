//! Compatibility profiles (ARCHITECTURE §4): `google` behaves as Google does since March
//! 2025; `legacy` brings back the removed scopes and shared albums for self-hosted libraries.

use serde::{Deserialize, Serialize};

use crate::upload::UploadLimits;

/// Which Google the server imitates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Today's Google: app-created data only, removed scopes refused, sharing answers 403.
    #[default]
    Google,
    /// Pre-2025 Google: `photoslibrary`, `photoslibrary.readonly` and
    /// `photoslibrary.sharing` work over the user's whole library, and albums can be shared.
    Legacy,
}

impl Profile {
    pub fn is_legacy(self) -> bool {
        self == Self::Legacy
    }
}

/// The Library settings of a server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LibrarySettings {
    pub profile: Profile,
    pub upload_limits: UploadLimits,
}
