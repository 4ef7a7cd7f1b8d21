//! [`spawn_app`]: the real server on port 0 with isolated state and a fake clock.

use std::sync::Arc;

use albumen::config::Config;
use albumen::server::Server;
use albumen_api::AppState;
use albumen_core::FakeClock;
use albumen_library::profile::Profile;
use albumen_store::SqlStore;
use reqwest::StatusCode;
use serde_json::Value;
use tempfile::TempDir;
use time::macros::datetime;

use crate::backends::{Backends, BlobKind, DbKind, FreshBackends};

/// Which backends a test app runs on, and HTTP settings worth varying.
#[derive(Debug, Clone, Copy)]
pub struct AppOptions {
    pub db: DbKind,
    pub blob: BlobKind,
    pub max_body_bytes: Option<usize>,
    /// The Library compatibility profile (`google` by default).
    pub profile: Profile,
}

impl AppOptions {
    /// The default options on the given pair of backends.
    pub fn on(backends: Backends) -> Self {
        Self {
            db: backends.db(),
            blob: backends.blob(),
            ..Self::default()
        }
    }
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            db: DbKind::Sqlite,
            blob: BlobKind::Local,
            max_body_bytes: None,
            profile: Profile::Google,
        }
    }
}

/// A running server and a client for it.
#[derive(Debug)]
pub struct TestApp {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub address: String,
    pub client: reqwest::Client,
    pub clock: FakeClock,
    pub state: AppState,
    /// Direct access to the database, to check what is (and is not) stored.
    pub sql: SqlStore,
    pub config: Config,
    server: Option<Server>,
    _data_dir: TempDir,
}

/// The server on SQLite and a temp blob directory.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(AppOptions::default())
        .await
        .expect("SQLite and local disk are always available")
}

/// The server on the given pair of backends, which must be [`Backends::available`].
pub async fn spawn_app_on(backends: Backends) -> TestApp {
    spawn_app_with(AppOptions::on(backends))
        .await
        .unwrap_or_else(|| panic!("{backends:?} is not configured here"))
}

/// The server on the given backends, or `None` when one of them is not configured here.
pub async fn spawn_app_with(options: AppOptions) -> Option<TestApp> {
    crate::init_test_logging();
    let data_dir = TempDir::new().expect("temp dir");
    let mut config = Config {
        data_dir: data_dir.path().to_path_buf(),
        ..Config::default()
    };
    config.server.listen = "127.0.0.1:0".parse().expect("address");
    config.server.shutdown_grace_seconds = 5;
    config.library.profile = options.profile;
    if let Some(limit) = options.max_body_bytes {
        config.server.max_body_bytes = limit;
    }
    FreshBackends::new(options.db, options.blob)
        .await?
        .configure(&mut config);
    let clock = FakeClock::new(datetime!(2026-01-01 00:00 UTC));
    let server = Server::start(&config, Arc::new(clock.clone()))
        .await
        .expect("the test server starts");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client");
    Some(TestApp {
        address: format!("http://{}", server.addr),
        client,
        clock,
        state: server.state.clone(),
        sql: server.sql.clone(),
        config,
        server: Some(server),
        _data_dir: data_dir,
    })
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    /// GET `path` and parse the body as JSON.
    pub async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let response = self.get(path).await;
        let status = response.status();
        let body = response.json().await.expect("a JSON body");
        (status, body)
    }

    /// Stops the server gracefully. The data directory is handed back: it is deleted when the
    /// returned guard is dropped, so a test that reads the stores after the shutdown keeps it.
    pub async fn shutdown(mut self) -> TempDir {
        if let Some(server) = self.server.take() {
            server.shutdown().await.expect("graceful shutdown");
        }
        self._data_dir
    }
}
