//! The bounded image pool: at most one rendition per core is decoded at a time, so image work
//! never starves the async runtime or the API, and memory is bounded by the pool's size, not
//! by the number of requests waiting.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;

#[derive(Debug, Clone)]
pub struct RenderPool {
    permits: Arc<Semaphore>,
    workers: usize,
}

impl RenderPool {
    /// A pool of `workers` (at least one).
    pub fn new(workers: usize) -> Self {
        let workers = workers.max(1);
        RenderPool {
            permits: Arc::new(Semaphore::new(workers)),
            workers,
        }
    }

    /// One worker per core.
    pub fn per_core() -> Self {
        Self::new(std::thread::available_parallelism().map_or(2, usize::from))
    }

    pub fn workers(&self) -> usize {
        self.workers
    }

    /// Runs `load` (reading the source, which must also wait its turn: the bytes are the
    /// memory being bounded) and then `work` on a blocking thread, holding one permit.
    pub async fn run<L, S, W, T>(&self, load: L, work: W) -> Option<T>
    where
        L: Future<Output = Option<S>>,
        W: FnOnce(S) -> T + Send + 'static,
        S: Send + 'static,
        T: Send + 'static,
    {
        let _permit = self.permits.acquire().await.ok()?;
        let source = load.await?;
        tokio::task::spawn_blocking(move || work(source)).await.ok()
    }
}
