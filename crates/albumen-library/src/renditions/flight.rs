//! Single flight: concurrent requests for the same missing rendition share one computation.
//! The computation runs as a task of its own, so a client that hangs up does not waste it.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::OnceCell;

/// The computations in progress, by key.
#[derive(Debug)]
pub struct Flights<T> {
    running: Mutex<HashMap<String, Arc<OnceCell<T>>>>,
}

impl<T> Default for Flights<T> {
    fn default() -> Self {
        Flights {
            running: Mutex::default(),
        }
    }
}

impl<T: Clone + Send + Sync + 'static> Flights<T> {
    /// The result of `work` for `key`, computed once however many callers ask at the same
    /// time. `fallback` answers a caller whose computation task panicked.
    pub async fn run<F>(&self, key: &str, work: F, fallback: impl FnOnce() -> T) -> T
    where
        F: Future<Output = T> + Send + 'static,
    {
        let cell = self.lock().entry(key.to_owned()).or_default().clone();
        let value = cell
            .get_or_init(|| async move { tokio::spawn(work).await.unwrap_or_else(|_| fallback()) })
            .await
            .clone();
        let mut running = self.lock();
        if running.get(key).is_some_and(|c| Arc::ptr_eq(c, &cell)) {
            running.remove(key);
        }
        value
    }

    /// How many keys are being computed now.
    pub fn in_flight(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<OnceCell<T>>>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// On the current-thread runtime tasks switch only at `.await`, so a caller counted as
    /// entered has already joined the shared computation.
    #[tokio::test]
    async fn concurrent_callers_share_one_computation() {
        let flights = Arc::new(Flights::<usize>::default());
        let runs = Arc::new(AtomicUsize::new(0));
        let entered = Arc::new(AtomicUsize::new(0));
        let gate = Arc::new(tokio::sync::Notify::new());
        let mut callers = Vec::new();
        for _ in 0..10 {
            let (flights, runs, gate, entered) =
                (flights.clone(), runs.clone(), gate.clone(), entered.clone());
            callers.push(tokio::spawn(async move {
                let work = async move {
                    gate.notified().await;
                    runs.fetch_add(1, Ordering::SeqCst) + 41
                };
                entered.fetch_add(1, Ordering::SeqCst);
                flights.run("k", work, || 0).await
            }));
        }
        while entered.load(Ordering::SeqCst) < 10 {
            tokio::task::yield_now().await;
        }
        assert_eq!(flights.in_flight(), 1);
        gate.notify_one();
        for caller in callers {
            assert_eq!(caller.await.unwrap(), 41);
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert_eq!(flights.in_flight(), 0);
    }
}
