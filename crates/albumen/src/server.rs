//! Wiring and lifecycle: open the stores, apply migrations, bind, serve until asked to stop,
//! then let in-flight requests finish (within the configured grace period).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use albumen_api::{AppState, Metrics, MetricsAccess, RouterOptions};
use albumen_blob::{BlobStore, S3Options};
use albumen_core::Clock;
use albumen_core::ports::MetadataStore;
use albumen_library::base_url::BaseUrlSigner;
use albumen_library::profile::LibrarySettings;
use albumen_library::quota::QuotaLedger;
use albumen_library::renditions::pool::RenderPool;
use albumen_library::renditions::tools::Tools;
use albumen_library::renditions::{RenditionSettings, Renditions};
use albumen_library::upload::UploadLimits;
use albumen_oauth::{Authority, AuthoritySettings, keys, secrets};
use albumen_store::{ConnectOptions, DatabaseTarget, SqlStore};
use anyhow::Context as _;
use axum_extra::extract::cookie::Key;
use sha2::{Digest as _, Sha256};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::{BlobBackend, Config};

/// Where the metadata of `config` lives.
pub fn database_target(config: &Config) -> DatabaseTarget {
    match &config.database.url {
        Some(url) => DatabaseTarget::Url(url.expose().to_owned()),
        None => DatabaseTarget::SqliteFile(config.default_sqlite_path()),
    }
}

/// Opens the metadata store and applies pending migrations.
pub async fn open_database(config: &Config) -> anyhow::Result<SqlStore> {
    let target = database_target(config);
    if let DatabaseTarget::SqliteFile(_) = target {
        std::fs::create_dir_all(&config.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                config.data_dir.display()
            )
        })?;
    }
    let options = ConnectOptions {
        max_connections: config.database.max_connections,
        acquire_timeout: Duration::from_secs(config.database.acquire_timeout_seconds),
    };
    let store = SqlStore::connect(&target, options)
        .await
        .with_context(|| format!("cannot open the database at {}", target.redacted()))?;
    store
        .migrate()
        .await
        .with_context(|| format!("cannot migrate the database at {}", target.redacted()))?;
    Ok(store)
}

/// Opens the blob store and checks that it answers.
pub async fn open_blobs(config: &Config) -> anyhow::Result<BlobStore> {
    let blobs = match config.blob.backend {
        BlobBackend::Local => {
            let path = config.local_blob_path();
            BlobStore::local(&path)
                .with_context(|| format!("cannot open the blob directory {}", path.display()))?
        }
        BlobBackend::S3 => {
            let s3 = &config.blob.s3;
            let options = S3Options {
                endpoint: s3
                    .endpoint
                    .as_ref()
                    .map(|u| u.as_str().trim_end_matches('/').to_owned()),
                bucket: s3.bucket.clone(),
                region: s3.region.clone(),
                access_key_id: s3.access_key_id.clone(),
                secret_access_key: s3.secret_access_key.as_ref().map(|s| s.expose().to_owned()),
                path_style: s3.path_style,
            };
            BlobStore::s3(&options).context("cannot configure the S3 blob store")?
        }
    };
    blobs
        .ping()
        .await
        .with_context(|| format!("cannot reach the blob store ({})", blobs.description()))?;
    Ok(blobs)
}

/// The URL clients reach the server at, without a trailing slash: `server.public_url`, or
/// `http://` and the address bound (loopback when bound to every interface).
pub fn public_url(config: &Config, bound: SocketAddr) -> String {
    match &config.server.public_url {
        Some(url) => url.as_str().trim_end_matches('/').to_owned(),
        None => {
            let host = if bound.ip().is_unspecified() {
                SocketAddr::from(([127, 0, 0, 1], bound.port()))
            } else {
                bound
            };
            format!("http://{host}")
        }
    }
}

/// The services every handler reaches, with the shared secrets created on first start: the
/// cookie key (in the database, so every node signs alike) and an ID-token signing key.
pub async fn build_state(
    store: SqlStore,
    blobs: BlobStore,
    clock: Arc<dyn Clock>,
    public_url: String,
    library: LibrarySettings,
    renditions: Renditions,
) -> anyhow::Result<AppState> {
    let store: Arc<dyn MetadataStore> = Arc::new(store);
    let authority = Arc::new(Authority::new(
        store.clone(),
        clock.clone(),
        public_url.clone(),
        AuthoritySettings::default(),
    ));
    keys::ensure_signing_key(store.as_ref(), clock.as_ref())
        .await
        .context("cannot prepare the ID-token signing key")?;
    let cookie_secret = store
        .get_or_insert_setting("cookie_key", &secrets::new_opaque(96))
        .await
        .context("cannot read the cookie key")?;
    let cookie_key = Key::try_from(cookie_secret.as_bytes())
        .map_err(|_| anyhow::anyhow!("the stored cookie key is too short"))?;
    let base_url_secret = store
        .get_or_insert_setting("base_url_key", &secrets::new_opaque(64))
        .await
        .context("cannot read the baseUrl key")?;
    let base_urls = BaseUrlSigner::new(Sha256::digest(base_url_secret.as_bytes()).into());
    Ok(AppState {
        quotas: Arc::new(QuotaLedger::new(store.clone())),
        store,
        authority,
        blobs,
        clock,
        metrics: Arc::new(Metrics::default()),
        cookie_key,
        library,
        base_urls,
        video_jobs: Arc::default(),
        renditions,
        fetches: Arc::default(),
        public_url,
    })
}

/// The rendition cache and pool of this node, with the tools found on `PATH`.
pub async fn open_renditions(
    config: &Config,
    store: Arc<dyn MetadataStore>,
    clock: Arc<dyn Clock>,
    blobs: BlobStore,
) -> anyhow::Result<Renditions> {
    let settings = RenditionSettings {
        cache_dir: config.rendition_cache_dir(),
        cache_max_bytes: config.renditions.cache_max_mib.saturating_mul(1024 * 1024),
        workers: config.renditions.workers.unwrap_or_else(RenderPool::cores),
        scratch_dir: config.scratch_dir(),
    };
    let dir = settings.cache_dir.clone();
    Renditions::open(store, clock, blobs, settings, Tools::detect())
        .await
        .with_context(|| format!("cannot open the rendition cache in {}", dir.display()))
}

/// A running server.
#[derive(Debug)]
pub struct Server {
    pub addr: SocketAddr,
    /// Where `/metrics` is served on a listener of its own, if configured.
    pub metrics_addr: Option<SocketAddr>,
    pub public_url: String,
    pub state: AppState,
    /// The concrete metadata store behind `state.store`, for operations and tests.
    pub sql: SqlStore,
    stop: watch::Sender<bool>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Server {
    /// Opens the stores, binds `server.listen` and starts serving in the background.
    pub async fn start(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let store = open_database(config).await?;
        let blobs = open_blobs(config).await?;
        let listener = TcpListener::bind(config.server.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.server.listen))?;
        let addr = listener
            .local_addr()
            .context("cannot read the bound address")?;
        let public_url = public_url(config, addr);
        let library = LibrarySettings {
            profile: config.library.profile,
            upload_limits: UploadLimits {
                max_photo_bytes: config.uploads.max_photo_bytes,
                max_video_bytes: config.uploads.max_video_bytes,
            },
        };
        let renditions = open_renditions(
            config,
            Arc::new(store.clone()),
            clock.clone(),
            blobs.clone(),
        )
        .await?;
        let state = build_state(
            store.clone(),
            blobs,
            clock,
            public_url.clone(),
            library,
            renditions,
        )
        .await?;
        let metrics = match &config.metrics.bearer_token {
            Some(token) => MetricsAccess::BearerToken(token.expose().into()),
            None => MetricsAccess::Hidden,
        };
        let app = albumen_api::router(
            state.clone(),
            RouterOptions {
                max_body_bytes: config.server.max_body_bytes,
                metrics,
            },
            albumen_web::router(),
        )
        .into_make_service_with_connect_info::<SocketAddr>();
        let (stop, mut stopped) = watch::channel(false);
        let metrics_addr = match config.metrics.listen {
            Some(listen) => Some(serve_metrics(listen, state.clone(), stop.subscribe()).await?),
            None => None,
        };
        tokio::spawn(state.library_service().run_video_worker(stop.subscribe()));
        tokio::spawn(state.library_service().run_maintenance(stop.subscribe()));
        if config.renditions.build_previews {
            tokio::spawn(state.renditions.clone().run_builder(stop.subscribe()));
        }
        tokio::spawn(
            state
                .quotas
                .clone()
                .run_flusher(state.clock.clone(), stop.subscribe()),
        );
        tokio::spawn(follow_changes(state.store.clone(), stop.subscribe()));
        let grace = Duration::from_secs(config.server.shutdown_grace_seconds);
        let task = tokio::spawn(async move {
            let mut stop_signal = stopped.clone();
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = stop_signal.wait_for(|stop| *stop).await;
            });
            let serve = serve.into_future();
            tokio::pin!(serve);
            tokio::select! {
                result = &mut serve => result,
                () = async {
                    let _ = stopped.wait_for(|stop| *stop).await;
                    // The grace period is wall-clock time the process gives clients, not a
                    // rule of the domain: the injected clock does not apply.
                    tokio::time::sleep(grace).await;
                } => {
                    tracing::warn!("grace period over; dropping requests still in flight");
                    Ok(())
                }
            }
        });
        Ok(Self {
            addr,
            metrics_addr,
            public_url,
            state,
            sql: store,
            stop,
            task,
        })
    }

    /// Stops accepting connections and waits for in-flight requests (up to the grace period).
    pub async fn shutdown(self) -> anyhow::Result<()> {
        let _ = self.stop.send(true);
        self.task.await.context("the server task failed")??;
        // The requests that were in flight have finished: their quota charges go out now.
        self.state
            .quotas
            .flush(self.state.clock.now())
            .await
            .context("cannot write the last quota counts")?;
        Ok(())
    }

    /// Serves until SIGINT or SIGTERM, then shuts down gracefully.
    pub async fn run_until_signal(self) -> anyhow::Result<()> {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing requests in flight");
        self.shutdown().await
    }
}

/// How often a node looks for access-relevant changes made by other nodes (or the command
/// line), so that its caches drop what they made stale well within a second.
const CHANGE_POLL: Duration = Duration::from_millis(250);

/// Polls the database's change counter until `stop` turns true.
async fn follow_changes(store: Arc<dyn MetadataStore>, mut stop: watch::Receiver<bool>) {
    let mut interval = tokio::time::interval(CHANGE_POLL);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            () = async { let _ = stop.wait_for(|stop| *stop).await; } => return,
        }
        if let Err(err) = store.sync_changes().await {
            // Without news from the database, nothing cached may be trusted.
            store.changes().advance();
            tracing::warn!(error = %err, "cannot read the change counter; caches dropped");
        }
    }
}

/// Binds `listen` and serves `/metrics` there until `stop`; returns the bound address.
async fn serve_metrics(
    listen: SocketAddr,
    state: AppState,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("metrics.listen: cannot listen on {listen}"))?;
    let addr = listener
        .local_addr()
        .context("cannot read the metrics listener's address")?;
    let app = albumen_api::metrics_router(state);
    tokio::spawn(async move {
        let stopped = async move {
            let _ = stop.wait_for(|stop| *stop).await;
        };
        if let Err(err) = axum::serve(listener, app)
            .with_graceful_shutdown(stopped)
            .await
        {
            tracing::error!(error = %err, "the metrics listener failed");
        }
    });
    Ok(addr)
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
