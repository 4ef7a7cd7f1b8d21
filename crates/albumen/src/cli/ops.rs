//! The operator's commands around the server itself: `serve`, `migrate`, `healthcheck` and
//! `config`.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use albumen_core::SystemClock;

use crate::config::Config;
use crate::server::{self, Server};
use crate::telemetry;

pub async fn serve(config: &Config, dev: bool) -> anyhow::Result<()> {
    telemetry::init(&config.log);
    let server = Server::start(config, Arc::new(SystemClock)).await?;
    println!("Albumen is listening on {}", server.public_url);
    if dev {
        let seeded = super::dev::seed(&server.state, &config.data_dir).await?;
        print!("{}", super::dev::describe(&seeded, &server.public_url));
    }
    if let Some(addr) = server.metrics_addr {
        println!("Metrics are served on http://{addr}/metrics");
    }
    tracing::info!(addr = %server.addr, public_url = %server.public_url, "listening");
    server.run_until_signal().await
}

pub async fn migrate(config: &Config) -> anyhow::Result<()> {
    telemetry::init(&config.log);
    server::open_database(config).await?;
    println!(
        "The database at {} is up to date.",
        server::database_target(config).redacted()
    );
    Ok(())
}

pub fn print_config(config: &Config) -> anyhow::Result<()> {
    print!("{}", config.to_redacted_toml()?);
    Ok(())
}

/// Exit 0 if `/healthz` answers with success, 1 otherwise (with one `unhealthy:` line).
pub async fn healthcheck(config: &Config, url: Option<url::Url>) -> ExitCode {
    let base = url.map_or_else(
        || {
            let listen = config.server.listen;
            let addr = if listen.ip().is_unspecified() {
                SocketAddr::from(([127, 0, 0, 1], listen.port()))
            } else {
                listen
            };
            format!("http://{addr}")
        },
        |u| u.as_str().trim_end_matches('/').to_owned(),
    );
    let target = format!("{base}/healthz");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(3))
        .build();
    let outcome = match client {
        Ok(client) => client.get(&target).send().await,
        Err(err) => Err(err),
    };
    match outcome {
        Ok(response) if response.status().is_success() => ExitCode::SUCCESS,
        Ok(response) => {
            eprintln!("unhealthy: {target} answered {}", response.status());
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("unhealthy: {target}: {err}");
            ExitCode::FAILURE
        }
    }
}
