//! [`QuotaLedger`]: this node's quota counting, in memory, off the critical path of a call.
//!
//! Each counter the node charges is held as `known` (the shared count in the database at
//! the node's last look, plus what the node itself has since written) and `pending` (charges
//! admitted here and not yet written). A call is admitted when `known + pending` is under the
//! limit for every counter it needs, all or nothing, under one lock, so a refused call counts
//! against none. A flusher adds each counter's pending charges to the database in one
//! statement every [`FLUSH_INTERVAL`] and learns the shared count back.
//!
//! Exactness: on a single node the limits are exact. Across nodes, a node learns the others'
//! charges when it flushes its own, so a limit can be passed by what the other nodes admitted
//! in about two flush intervals (docs/adr/0010). A graceful shutdown flushes; a crash loses
//! at most one interval of counts (never more than was admitted).
//!
//! A project's limits are cached under the change epoch, so a new limit applies on the next
//! call on the node that set it and within a poll on the others.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration as StdDuration;

use albumen_core::StoreError;
use albumen_core::ports::MetadataStore;
use albumen_core::quota::{QuotaCounter, QuotaLimits, QuotaMetric};
use albumen_core::user::UserId;
use time::OffsetDateTime;
use tokio::sync::watch;

use super::{QuotaError, QuotaUsage, counter, limits_of, minute_window, pacific_day, usage};
use crate::video_worker::stopped;

/// How often pending charges are written (and other nodes' charges learnt).
pub const FLUSH_INTERVAL: StdDuration = StdDuration::from_millis(200);

#[derive(Debug, Clone, Copy)]
struct Tally {
    known: u64,
    pending: u64,
}

#[derive(Debug, Default)]
struct Tallies {
    counters: HashMap<QuotaCounter, Tally>,
    /// A project's limits, with the change epoch they were read at.
    limits: HashMap<String, (u64, QuotaLimits)>,
}

/// See the module documentation.
#[derive(Debug)]
pub struct QuotaLedger {
    store: Arc<dyn MetadataStore>,
    tallies: Mutex<Tallies>,
    /// One flush at a time, so counts learnt back arrive in order.
    flushing: tokio::sync::Mutex<()>,
}

/// The counter of `metric` whose window holds `at`.
fn counter_at(
    project_id: &str,
    metric: QuotaMetric,
    subject: &str,
    at: OffsetDateTime,
) -> QuotaCounter {
    let window = match metric {
        QuotaMetric::RequestsPerDay | QuotaMetric::MediaBytesPerDay => pacific_day(at),
        QuotaMetric::WritesPerMinutePerUser => minute_window(at),
    };
    counter(project_id, metric, subject, window)
}

impl QuotaLedger {
    pub fn new(store: Arc<dyn MetadataStore>) -> Self {
        Self {
            store,
            tallies: Mutex::default(),
            flushing: tokio::sync::Mutex::new(()),
        }
    }

    fn tallies(&self) -> std::sync::MutexGuard<'_, Tallies> {
        self.tallies.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Charges one Library API call (uploads included) of `user` in `project_id`: the
    /// project's daily requests and, for a call that creates or changes something, the user's
    /// writes this minute. All or nothing.
    pub async fn charge_library_request(
        &self,
        now: OffsetDateTime,
        project_id: &str,
        user: &UserId,
        write: bool,
    ) -> Result<(), QuotaError> {
        let daily = counter_at(project_id, QuotaMetric::RequestsPerDay, "", now);
        if write {
            let writes = counter_at(
                project_id,
                QuotaMetric::WritesPerMinutePerUser,
                user.as_str(),
                now,
            );
            self.charge(project_id, &[daily, writes]).await
        } else {
            self.charge(project_id, &[daily]).await
        }
    }

    /// Charges one media-byte request through a base URL against the project's daily limit.
    pub async fn charge_media_bytes(
        &self,
        now: OffsetDateTime,
        project_id: &str,
    ) -> Result<(), QuotaError> {
        let daily = counter_at(project_id, QuotaMetric::MediaBytesPerDay, "", now);
        self.charge(project_id, &[daily]).await
    }

    async fn charge(&self, project_id: &str, counters: &[QuotaCounter]) -> Result<(), QuotaError> {
        let limits = self.limits(project_id).await?;
        for counter in counters {
            self.load(counter).await?;
        }
        let mut tallies = self.tallies();
        for counter in counters {
            let limit = counter.metric.limit_in(&limits);
            let used = tallies
                .counters
                .get(counter)
                .map_or(0, |tally| tally.known + tally.pending);
            if used >= limit {
                return Err(QuotaError::Exceeded {
                    metric: counter.metric,
                    limit,
                });
            }
        }
        for counter in counters {
            tallies
                .counters
                .entry(counter.clone())
                .or_insert(Tally {
                    known: 0,
                    pending: 0,
                })
                .pending += 1;
        }
        Ok(())
    }

    /// The project's limits, from memory while the change epoch stands still.
    async fn limits(&self, project_id: &str) -> Result<QuotaLimits, StoreError> {
        let epoch = self.store.changes().current();
        if let Some((_, limits)) = self
            .tallies()
            .limits
            .get(project_id)
            .filter(|(at, _)| *at == epoch)
        {
            return Ok(*limits);
        }
        let limits = limits_of(self.store.as_ref(), project_id).await?;
        self.tallies()
            .limits
            .insert(project_id.to_owned(), (epoch, limits));
        Ok(limits)
    }

    /// Reads the shared count of a counter this node has not charged yet in its window.
    async fn load(&self, counter: &QuotaCounter) -> Result<(), StoreError> {
        if self.tallies().counters.contains_key(counter) {
            return Ok(());
        }
        let known = self.store.get_quota_count(counter).await?;
        self.tallies()
            .counters
            .entry(counter.clone())
            .or_insert(Tally { known, pending: 0 });
        Ok(())
    }

    /// Writes every pending charge, learns the shared counts back, and forgets (and prunes
    /// from the database) the counters whose window ended before `now`. A failed write keeps
    /// its charges pending for the next flush.
    pub async fn flush(&self, now: OffsetDateTime) -> Result<(), StoreError> {
        let _one_at_a_time = self.flushing.lock().await;
        let batch: Vec<(QuotaCounter, u64)> = {
            let mut tallies = self.tallies();
            tallies
                .counters
                .iter_mut()
                .filter(|(_, tally)| tally.pending > 0)
                .map(|(counter, tally)| {
                    let count = std::mem::take(&mut tally.pending);
                    tally.known += count;
                    (counter.clone(), count)
                })
                .collect()
        };
        let mut failure = None;
        for (counter, count) in batch {
            let written = self.store.add_quota(&counter, count).await;
            let mut tallies = self.tallies();
            let Some(tally) = tallies.counters.get_mut(&counter) else {
                continue;
            };
            match written {
                Ok(shared) => tally.known = tally.known.max(shared),
                Err(err) => {
                    tally.known = tally.known.saturating_sub(count);
                    tally.pending += count;
                    failure = Some(err);
                }
            }
        }
        let ended = {
            let mut tallies = self.tallies();
            let before = tallies.counters.len();
            tallies
                .counters
                .retain(|counter, tally| counter.window_end > now || tally.pending > 0);
            tallies.counters.len() < before
        };
        if ended {
            self.store.delete_quota_counters_ended(now).await?;
        }
        failure.map_or(Ok(()), Err)
    }

    /// The project's limits and counts for the Pacific day of `now`, this node's pending
    /// charges included.
    pub async fn usage(
        &self,
        now: OffsetDateTime,
        project_id: &str,
    ) -> Result<QuotaUsage, StoreError> {
        self.flush(now).await?;
        usage(self.store.as_ref(), now, project_id).await
    }

    /// Flushes every [`FLUSH_INTERVAL`] until `stop` turns true. The server flushes once more
    /// after the requests in flight at shutdown have finished.
    pub async fn run_flusher(
        self: Arc<Self>,
        clock: Arc<dyn albumen_core::Clock>,
        mut stop: watch::Receiver<bool>,
    ) {
        let mut interval = tokio::time::interval(FLUSH_INTERVAL);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = interval.tick() => {}
                () = stopped(&mut stop) => return,
            }
            if let Err(err) = self.flush(clock.now()).await {
                tracing::warn!(error = %err, "cannot write quota counts; they stay pending");
            }
        }
    }
}
