//! The clock: every expiry rule reads time through [`Clock`], and every background timer
//! waits through [`Clock::sleep_until`], so tests move time with [`FakeClock`] and see due
//! work run at once instead of sleeping. Nothing else in the workspace may read the system
//! time.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use time::{Duration, OffsetDateTime};
use tokio::sync::watch;

/// A timer of a [`Clock`].
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// A source of the current time, shared across the server.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> OffsetDateTime;

    /// Resolves once [`Clock::now`] has reached `deadline`.
    fn sleep_until(&self, deadline: OffsetDateTime) -> Sleep;

    /// Resolves once `period` has passed on this clock.
    fn sleep(&self, period: Duration) -> Sleep {
        self.sleep_until(self.now() + period)
    }
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the one place the system time is read
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }

    fn sleep_until(&self, deadline: OffsetDateTime) -> Sleep {
        let wait = (deadline - self.now()).try_into().unwrap_or_default();
        Box::pin(tokio::time::sleep(wait))
    }
}

/// A clock that only moves when told to; clones share the same time, and moving it wakes
/// every timer that has come due.
#[derive(Debug, Clone)]
pub struct FakeClock {
    now: Arc<watch::Sender<OffsetDateTime>>,
}

impl FakeClock {
    pub fn new(start: OffsetDateTime) -> Self {
        Self {
            now: Arc::new(watch::Sender::new(start)),
        }
    }

    /// Moves time forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        self.now.send_modify(|now| *now += by);
    }

    pub fn set(&self, to: OffsetDateTime) {
        self.now.send_replace(to);
    }
}

impl Clock for FakeClock {
    fn now(&self) -> OffsetDateTime {
        *self.now.borrow()
    }

    fn sleep_until(&self, deadline: OffsetDateTime) -> Sleep {
        let mut time = self.now.subscribe();
        Box::pin(async move {
            // Ends early only if every clone of the clock is gone, which ends the test too.
            let _ = time.wait_for(|now| *now >= deadline).await;
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn fake_clock_moves_only_when_advanced_and_clones_share_time() {
        let clock = FakeClock::new(datetime!(2026-01-01 00:00 UTC));
        let other = clock.clone();
        assert_eq!(clock.now(), datetime!(2026-01-01 00:00 UTC));
        other.advance(Duration::hours(1));
        assert_eq!(clock.now(), datetime!(2026-01-01 01:00 UTC));
        clock.set(datetime!(2030-06-01 12:00 UTC));
        assert_eq!(other.now(), datetime!(2030-06-01 12:00 UTC));
    }

    #[tokio::test]
    async fn a_fake_timer_fires_when_the_clock_is_moved_past_it() {
        let clock = FakeClock::new(datetime!(2026-01-01 00:00 UTC));
        let timer = tokio::spawn(clock.sleep(Duration::minutes(15)));
        tokio::task::yield_now().await;
        clock.advance(Duration::minutes(14));
        tokio::task::yield_now().await;
        assert!(!timer.is_finished(), "not due yet");
        clock.advance(Duration::minutes(1));
        timer.await.unwrap();
    }
}
