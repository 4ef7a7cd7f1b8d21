//! This node's memory of access decisions, so that an authenticated API call costs no
//! database statement before its own work: what a bearer token means (user, client, project,
//! scopes) and which APIs a project enabled.
//!
//! Entries are tagged with the change epoch read before they were loaded (see
//! `albumen_core::changes`) and are trusted only while it has not moved: a revoked token, a
//! deleted client, a disabled user or a disabled API is refused on the very next call on the
//! node that made the change, and on other nodes once they poll the database's counter.
//! What only time changes (a token's expiry, a Testing app's grant ending) is checked against
//! the clock on every hit. The maps are bounded; when one is full, stale entries go first,
//! then everything (the next calls simply reload).

use std::collections::HashMap;
use std::sync::RwLock;

use albumen_core::grant::Grant;
use albumen_core::project::ApiService;
use time::OffsetDateTime;

use crate::introspect::AccessContext;

/// The most entries either map holds.
const MAX_ENTRIES: usize = 100_000;

struct CachedAccess {
    epoch: u64,
    context: AccessContext,
    grant: Grant,
}

struct CachedApis {
    epoch: u64,
    enabled: Vec<ApiService>,
}

/// See the module documentation.
#[derive(Default)]
pub(crate) struct AccessCache {
    /// By SHA-256 digest of the access token, never the token itself.
    tokens: RwLock<HashMap<String, CachedAccess>>,
    /// By project id.
    apis: RwLock<HashMap<String, CachedApis>>,
}

impl std::fmt::Debug for AccessCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessCache").finish_non_exhaustive()
    }
}

impl AccessCache {
    /// What the token with this digest means, if known at `epoch` and still valid at `now`.
    pub(crate) fn token(
        &self,
        digest: &str,
        epoch: u64,
        now: OffsetDateTime,
    ) -> Option<AccessContext> {
        let tokens = self
            .tokens
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry = tokens.get(digest)?;
        let valid =
            entry.epoch == epoch && now < entry.context.expires_at && entry.grant.is_live(now);
        valid.then(|| entry.context.clone())
    }

    /// Remembers a token that was found valid after reading `epoch`.
    pub(crate) fn remember_token(
        &self,
        digest: String,
        epoch: u64,
        context: AccessContext,
        grant: Grant,
    ) {
        let mut tokens = self
            .tokens
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        make_room(&mut tokens, epoch, |entry| entry.epoch);
        tokens.insert(
            digest,
            CachedAccess {
                epoch,
                context,
                grant,
            },
        );
    }

    /// The APIs the project enabled, if known at `epoch`.
    pub(crate) fn enabled_apis(&self, project_id: &str, epoch: u64) -> Option<Vec<ApiService>> {
        let apis = self
            .apis
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        apis.get(project_id)
            .filter(|entry| entry.epoch == epoch)
            .map(|entry| entry.enabled.clone())
    }

    /// Remembers a project's enabled APIs, read after reading `epoch`.
    pub(crate) fn remember_enabled_apis(
        &self,
        project_id: &str,
        epoch: u64,
        enabled: Vec<ApiService>,
    ) {
        let mut apis = self
            .apis
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        make_room(&mut apis, epoch, |entry| entry.epoch);
        apis.insert(project_id.to_owned(), CachedApis { epoch, enabled });
    }
}

/// Keeps `map` under [`MAX_ENTRIES`]: stale entries go first, then all.
fn make_room<V>(map: &mut HashMap<String, V>, epoch: u64, epoch_of: impl Fn(&V) -> u64) {
    if map.len() < MAX_ENTRIES {
        return;
    }
    map.retain(|_, entry| epoch_of(entry) == epoch);
    if map.len() >= MAX_ENTRIES {
        map.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_maps_drop_stale_entries_first_then_everything() {
        let mut map: HashMap<String, u64> = (0..MAX_ENTRIES as u64)
            .map(|n| (n.to_string(), n % 2))
            .collect();
        make_room(&mut map, 1, |epoch| *epoch);
        assert_eq!(map.len(), MAX_ENTRIES / 2);
        assert!(map.values().all(|epoch| *epoch == 1));

        let mut fresh: HashMap<String, u64> = (0..MAX_ENTRIES as u64)
            .map(|n| (n.to_string(), 7))
            .collect();
        make_room(&mut fresh, 7, |epoch| *epoch);
        assert!(fresh.is_empty());
    }
}
