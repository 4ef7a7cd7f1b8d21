//! What the console commands share: the authorization server over the configured database,
//! the administrator they act as, lookups that fail with one clear line, and output as JSON
//! (`--json`) or a human summary.

use std::sync::Arc;

use albumen_core::project::Project;
use albumen_core::user::User;
use albumen_core::{Page, StoreError, SystemClock};
use albumen_oauth::accounts::AccountError;
use albumen_oauth::console::ConsoleError;
use albumen_oauth::{Authority, AuthoritySettings};
use anyhow::anyhow;
use clap::Args;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::config::Config;
use crate::server;

/// The output flag every console command takes.
#[derive(Debug, Clone, Copy, Args)]
pub struct OutputArgs {
    /// Print machine-readable JSON on stdout instead of a summary.
    #[arg(long, global = true)]
    pub json: bool,
}

/// The console commands' context: the server operator's view of the authorization server.
#[derive(Debug)]
pub struct Console {
    pub authority: Authority,
    pub json: bool,
}

/// The issuer the server would use: `server.public_url`, or the listen address.
pub fn public_url(config: &Config) -> String {
    server::public_url(config, config.server.listen)
}

/// RFC 3339, as Google's APIs print times.
pub fn timestamp(at: OffsetDateTime) -> String {
    at.format(&Rfc3339)
        .unwrap_or_else(|_| at.unix_timestamp().to_string())
}

pub fn user_json(user: &User) -> Value {
    json!({
        "id": user.id.as_str(),
        "email": user.email.as_str(),
        "name": user.display_name.as_str(),
        "admin": user.is_admin,
        "disabled": user.disabled,
        "has_password": user.password_hash.is_some(),
        "created_at": timestamp(user.created_at),
    })
}

/// A console error as one line; `missing` names what was not found.
pub fn console_error(err: ConsoleError, missing: impl FnOnce() -> String) -> anyhow::Error {
    match err {
        ConsoleError::NotFound => anyhow!(missing()),
        other => other.into(),
    }
}

/// A store error as one line; `missing` names what was not found.
pub fn store_error(err: StoreError, missing: impl FnOnce() -> String) -> anyhow::Error {
    match err {
        StoreError::NotFound => anyhow!(missing()),
        other => other.into(),
    }
}

impl Console {
    /// Opens (and migrates) the configured database.
    pub async fn open(config: &Config, output: OutputArgs) -> anyhow::Result<Self> {
        let store = server::open_database(config).await?;
        let authority = Authority::new(
            Arc::new(store),
            Arc::new(SystemClock),
            public_url(config),
            AuthoritySettings::default(),
        );
        Ok(Self {
            authority,
            json: output.json,
        })
    }

    /// Prints `document` as JSON with `--json`, `human()` otherwise.
    pub fn emit(&self, document: &Value, human: impl FnOnce() -> String) -> anyhow::Result<()> {
        if self.json {
            print_json(document)
        } else {
            println!("{}", human());
            Ok(())
        }
    }

    /// Every account, ordered by id.
    pub async fn all_users(&self) -> anyhow::Result<Vec<User>> {
        let mut all = Vec::new();
        let mut page = Page::first(Page::MAX_SIZE);
        loop {
            let batch = self.authority.list_users(&page).await?;
            all.extend(batch.items);
            match batch.next {
                Some(next) => page = Page::after(Page::MAX_SIZE, next),
                None => return Ok(all),
            }
        }
    }

    /// The administrator the CLI acts as: the server operator holds the database, so the
    /// console's ownership checks only need some administrator to stand for them.
    pub async fn admin(&self) -> anyhow::Result<User> {
        self.all_users()
            .await?
            .into_iter()
            .find(|user| user.is_admin && !user.disabled)
            .ok_or_else(|| {
                anyhow!(
                    "no administrator exists yet: run \
                     `albumen users add EMAIL --admin --password-stdin` first"
                )
            })
    }

    pub async fn user(&self, email: &str) -> anyhow::Result<User> {
        match self.authority.find_user_by_email(email).await {
            Ok(user) => Ok(user),
            Err(AccountError::NotFound) => Err(anyhow!("no user has the email {}", email.trim())),
            Err(other) => Err(other.into()),
        }
    }

    pub async fn project(&self, project_id: &str) -> anyhow::Result<Project> {
        self.authority
            .store()
            .get_project(project_id)
            .await
            .map_err(|err| store_error(err, || no_project(project_id)))
    }
}

pub fn no_project(project_id: &str) -> String {
    format!("no project has the ID {project_id}")
}

pub fn print_json(document: &Value) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(document)?);
    Ok(())
}
