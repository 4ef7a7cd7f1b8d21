//! The `albumen` command line: the global flags, the subcommands, and how outcomes become
//! exit codes: 0 done, 1 bad input or a failure (one `error: ...` line on stderr), 2 a bad
//! configuration.

mod clients;
mod consent;
mod console;
mod dev;
mod ops;
mod projects;
mod tokens;
mod users;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Parser, Subcommand};

use crate::config::{Config, Overrides};
use console::Console;

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
    Serve {
        /// Seed a development console (user, project, clients) and print its credentials.
        #[arg(long)]
        dev: bool,
    },
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
    /// Accounts: add, list, disable, enable and delete users.
    Users(users::UsersArgs),
    /// Developer-console projects and the APIs they enable.
    Projects(projects::ProjectsArgs),
    /// OAuth clients (the console's credentials) and their secrets.
    Clients(clients::ClientsArgs),
    /// A project's OAuth consent screen.
    Consent(consent::ConsentArgs),
    /// Tokens minted without a browser, for scripts and CI.
    Tokens(tokens::TokensArgs),
    /// The ID-token signing keys.
    Keys(tokens::KeysArgs),
}

/// Runs the command line of this process.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help, version and a bare command group print clap's full text, as usual.
        Err(err)
            if !err.use_stderr()
                || err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand =>
        {
            err.exit()
        }
        Err(err) => {
            eprintln!("{}", one_line(&err));
            return ExitCode::FAILURE;
        }
    };
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
            eprintln!("error: {}", chain_line(&err));
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<ExitCode> {
    match command {
        Command::Healthcheck { url } => return Ok(ops::healthcheck(&config, url).await),
        Command::Serve { dev } => ops::serve(&config, dev).await,
        Command::Migrate => ops::migrate(&config).await,
        Command::Config => ops::print_config(&config),
        Command::Users(args) => {
            users::run(args.command, &Console::open(&config, args.output).await?).await
        }
        Command::Projects(args) => {
            projects::run(args.command, &Console::open(&config, args.output).await?).await
        }
        Command::Clients(args) => {
            clients::run(args.command, &Console::open(&config, args.output).await?).await
        }
        Command::Consent(args) => {
            consent::run(args.command, &Console::open(&config, args.output).await?).await
        }
        Command::Tokens(args) => {
            tokens::run(args.command, &Console::open(&config, args.output).await?).await
        }
        Command::Keys(args) => {
            tokens::run_keys(args.command, &Console::open(&config, args.output).await?).await
        }
    }?;
    Ok(ExitCode::SUCCESS)
}

/// The error and its causes on one line: "cannot open …: connection refused". A cause
/// that its wrapper already displays (`#[error("{0}")]`) is not repeated.
fn chain_line(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = cause.to_string().replace(['\r', '\n'], " ");
        if !parts.last().is_some_and(|last| last.ends_with(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

/// A usage error as one line: clap's first paragraph ("error: invalid value 'x' for
/// '--type <TYPE>'" and the possible values), without the usage and help hints.
fn one_line(err: &clap::Error) -> String {
    err.render()
        .to_string()
        .lines()
        .map(str::trim)
        .take_while(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
