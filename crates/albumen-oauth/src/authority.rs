//! [`Authority`]: the authorization server's services, over the storage ports and the clock.
//! Each operation is one method in one of the sibling modules (`accounts`, `console`,
//! `authorize`, `token`, `device`, `introspect`), which read the clock once and own their
//! writes.

use std::sync::Arc;

use albumen_core::Clock;
use albumen_core::ports::MetadataStore;
use time::Duration;

use crate::access_cache::AccessCache;

/// Lifetimes and limits of the authorization server, with Google's values as defaults.
#[derive(Debug, Clone, Copy)]
pub struct AuthoritySettings {
    pub access_token_lifetime: Duration,
    pub code_lifetime: Duration,
    pub testing_grant_lifetime: Duration,
    pub device_code_lifetime: Duration,
    pub device_poll_interval: Duration,
    pub session_lifetime: Duration,
    pub sign_in_window: Duration,
    pub max_failures_per_account: u32,
    pub max_failures_per_address: u32,
}

impl Default for AuthoritySettings {
    fn default() -> Self {
        Self {
            // Google answers expires_in 3599 for its one-hour tokens.
            access_token_lifetime: Duration::seconds(3599),
            code_lifetime: Duration::minutes(10),
            testing_grant_lifetime: Duration::days(7),
            device_code_lifetime: Duration::minutes(30),
            device_poll_interval: Duration::seconds(5),
            session_lifetime: Duration::days(14),
            sign_in_window: Duration::minutes(15),
            max_failures_per_account: 5,
            max_failures_per_address: 100,
        }
    }
}

/// The authorization server, identity provider and console services.
#[derive(Debug, Clone)]
pub struct Authority {
    pub(crate) store: Arc<dyn MetadataStore>,
    pub(crate) clock: Arc<dyn Clock>,
    /// The issuer: this server's public URL, no trailing slash.
    pub(crate) issuer: String,
    pub(crate) settings: AuthoritySettings,
    /// This node's memory of token meanings and enabled APIs.
    pub(crate) access_cache: Arc<AccessCache>,
}

impl Authority {
    pub fn new(
        store: Arc<dyn MetadataStore>,
        clock: Arc<dyn Clock>,
        issuer: String,
        settings: AuthoritySettings,
    ) -> Self {
        Self {
            store,
            clock,
            issuer,
            settings,
            access_cache: Arc::default(),
        }
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn settings(&self) -> &AuthoritySettings {
        &self.settings
    }

    pub fn store(&self) -> &dyn MetadataStore {
        self.store.as_ref()
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }
}
