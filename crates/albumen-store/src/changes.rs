//! [`ChangeFeed`] on both backends: this node's change epoch, moved right after this store
//! commits a change to an access-relevant record, and by polling the `change_epoch` row that
//! database triggers move whoever writes (another node, the command line).

use std::sync::atomic::{AtomicI64, Ordering};

use albumen_core::StoreError;
use albumen_core::changes::ChangeEpoch;
use albumen_core::ports::ChangeFeed;
use async_trait::async_trait;

use crate::SqlStore;
use crate::error::classify;
use crate::pool::on_pool;

/// What one store (and its clones) shares about changes.
#[derive(Debug)]
pub(crate) struct ChangeState {
    epoch: ChangeEpoch,
    /// The database counter at the last look; -1 before the first.
    seen_in_database: AtomicI64,
}

impl Default for ChangeState {
    fn default() -> Self {
        Self {
            epoch: ChangeEpoch::default(),
            seen_in_database: AtomicI64::new(-1),
        }
    }
}

impl SqlStore {
    /// Called right after a change to an access-relevant record has been committed.
    pub(crate) fn changed(&self) {
        self.changes.epoch.advance();
    }
}

#[async_trait]
impl ChangeFeed for SqlStore {
    fn changes(&self) -> &ChangeEpoch {
        &self.changes.epoch
    }

    async fn sync_changes(&self) -> Result<(), StoreError> {
        let value: i64 = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT value FROM change_epoch WHERE id = 1",
        )
        .fetch_one(p)
        .await
        .map_err(classify))?;
        let before = self.changes.seen_in_database.swap(value, Ordering::AcqRel);
        if before != value {
            self.changes.epoch.advance();
        }
        Ok(())
    }
}
