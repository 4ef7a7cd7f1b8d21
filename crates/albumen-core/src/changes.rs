//! The change epoch: how the in-memory caches of access decisions (tokens, clients,
//! projects, enabled APIs, quota limits) learn that what they hold may be stale. It knows
//! nothing of where the records live.
//!
//! A cache tags each entry with the epoch it read *before* loading the entry, and trusts the
//! entry only while the epoch has not moved since. The store moves the epoch right after it
//! commits a change to such a record on this node, and when polling the database shows that
//! another node (or the command line) committed one.

use std::sync::atomic::{AtomicU64, Ordering};

/// A counter that only moves forward; see the module documentation.
#[derive(Debug, Default)]
pub struct ChangeEpoch(AtomicU64);

impl ChangeEpoch {
    /// The current epoch: read it before loading what a cache will hold.
    pub fn current(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    /// Marks every cached access decision as stale.
    pub fn advance(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::ChangeEpoch;

    #[test]
    fn an_entry_read_before_a_change_is_stale_after_it() {
        let epoch = ChangeEpoch::default();
        let tagged = epoch.current();
        assert_eq!(epoch.current(), tagged);
        epoch.advance();
        assert_ne!(epoch.current(), tagged);
    }
}
