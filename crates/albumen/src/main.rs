//! The `albumen` command line: `serve`, `migrate`, `healthcheck` and `config`.
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use albumen::config::{Config, Overrides};
use albumen::server::{self, Server};
use albumen::telemetry;
use albumen_core::SystemClock;
use clap::{Parser, Subcommand};

/// Albumen: a self-hosted platform that speaks the Google Photos APIs.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// A TOML configuration file.
    #[arg(long, env = "ALBUMEN_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// The address to listen on (server.listen).
    #[arg(long, global = true)]
    listen: Option<SocketAddr>,
    /// Where the database and blobs live by default (data_dir).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// The URL clients reach this server at (server.public_url).
    #[arg(long, global = true)]
    public_url: Option<url::Url>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server (SQLite and ./albumen-data unless configured otherwise).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Exit 0 if the server at the configured address answers /healthz, 1 otherwise.
    Healthcheck {
        /// Check this base URL instead of the configured listen address.
        #[arg(long)]
        url: Option<url::Url>,
    },
    /// Print the merged configuration, secrets redacted.
    Config,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let overrides = Overrides {
        listen: cli.listen,
        data_dir: cli.data_dir.clone(),
        public_url: cli.public_url.clone(),
    };
    let config = match Config::load(cli.config.as_deref(), &overrides) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, config)) {
        Ok(code) => code,
        Err(err) => {
            // `{:#}` prints the context chain on one line: "cannot open …: connection refused".
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve => {
            telemetry::init(&config.log);
            let server = Server::start(&config, Arc::new(SystemClock)).await?;
            println!("Albumen is listening on {}", server.public_url);
            tracing::info!(addr = %server.addr, public_url = %server.public_url, "listening");
            server.run_until_signal().await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            telemetry::init(&config.log);
            server::open_database(&config).await?;
            println!(
                "The database at {} is up to date.",
                server::database_target(&config).redacted()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Healthcheck { url } => Ok(healthcheck(&config, url).await),
        Command::Config => {
            print!("{}", config.to_redacted_toml()?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn healthcheck(config: &Config, url: Option<url::Url>) -> ExitCode {
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
