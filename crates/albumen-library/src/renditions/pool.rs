//! The bounded image pool: a few threads of its own (one per core by default) that decode
//! renditions at the lowest scheduling priority, so API requests always win the CPU from
//! image work. A permit is taken before the source is even read: memory is bounded by the
//! pool's size, not by the number of requests waiting, and the async runtime never decodes.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};

use thread_priority::{ThreadPriority, set_current_thread_priority};
use tokio::sync::{Semaphore, oneshot};

type Job = Box<dyn FnOnce() + Send>;

#[derive(Debug, Clone)]
pub struct RenderPool {
    permits: Arc<Semaphore>,
    jobs: Sender<Job>,
    workers: usize,
}

impl RenderPool {
    /// A pool of `workers` threads (at least one). They end when the last clone is dropped.
    pub fn new(workers: usize) -> Self {
        let workers = workers.max(1);
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for index in 0..workers {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("render-{index}"))
                .spawn(move || work(&queue));
            if let Err(err) = spawned {
                tracing::warn!(error = %err, "cannot start an image worker");
            }
        }
        RenderPool {
            permits: Arc::new(Semaphore::new(workers)),
            jobs,
            workers,
        }
    }

    /// The cores this process may use.
    pub fn cores() -> usize {
        std::thread::available_parallelism().map_or(2, usize::from)
    }

    pub fn workers(&self) -> usize {
        self.workers
    }

    /// Runs `load` (reading the source, which must also wait its turn: the bytes are the
    /// memory being bounded) and then `work` on a worker, holding one permit. `None` when
    /// `load` gives nothing or `work` panicked.
    pub async fn run<L, S, W, T>(&self, load: L, work: W) -> Option<T>
    where
        L: Future<Output = Option<S>>,
        W: FnOnce(S) -> T + Send + 'static,
        S: Send + 'static,
        T: Send + 'static,
    {
        let _permit = self.permits.acquire().await.ok()?;
        let source = load.await?;
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work(source));
        });
        self.jobs.send(job).ok()?;
        result.await.ok()
    }
}

/// A worker: lowers its own priority, then runs jobs until the pool is gone. A panicking job
/// costs its caller an answer, not the worker.
fn work(queue: &Mutex<Receiver<Job>>) {
    if let Err(err) = set_current_thread_priority(ThreadPriority::Min) {
        tracing::debug!(?err, "image worker keeps the default priority");
    }
    loop {
        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(job) = next else {
            return;
        };
        let _ = catch_unwind(AssertUnwindSafe(job));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_run_and_a_panic_costs_only_its_answer() {
        let pool = RenderPool::new(1);
        let doubled = pool.run(async { Some(21) }, |n| n * 2).await;
        assert_eq!(doubled, Some(42));
        let panicked: Option<u8> = pool
            .run(async { Some(()) }, |()| panic!("a decoder bug"))
            .await;
        assert_eq!(panicked, None);
        assert_eq!(pool.run(async { Some(1) }, |n| n + 1).await, Some(2));
        let nothing: Option<u8> = pool.run(async { None::<u8> }, |n| n).await;
        assert_eq!(nothing, None);
    }
}
