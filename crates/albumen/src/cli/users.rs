//! `albumen users`: adding, listing, disabling, enabling and deleting accounts.

use std::io::Read as _;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::console::{Console, OutputArgs, user_json};

#[derive(Debug, Args)]
pub struct UsersArgs {
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(subcommand)]
    pub command: UsersCommand,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create an account (without a password unless --password-stdin).
    Add {
        /// The account's email.
        email: String,
        /// The display name; the part of the email before '@' by default.
        #[arg(long)]
        name: Option<String>,
        /// Make the account an administrator.
        #[arg(long)]
        admin: bool,
        /// Read the password from stdin (one trailing newline is dropped).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List every account.
    List,
    /// Disable an account and end its sessions.
    Disable {
        /// The account's email.
        email: String,
    },
    /// Enable a disabled account.
    Enable {
        /// The account's email.
        email: String,
    },
    /// Delete an account.
    Delete {
        /// The account's email.
        email: String,
    },
}

pub async fn run(command: UsersCommand, console: &Console) -> anyhow::Result<()> {
    match command {
        UsersCommand::Add {
            email,
            name,
            admin,
            password_stdin,
        } => {
            let password = if password_stdin {
                Some(read_password()?)
            } else {
                None
            };
            let name = name.unwrap_or_else(|| default_name(&email).to_owned());
            let user = console
                .authority
                .create_user(&email, &name, password, admin)
                .await?;
            console.emit(&user_json(&user), || {
                let role = if user.is_admin {
                    "administrator"
                } else {
                    "user"
                };
                let password = if user.password_hash.is_some() {
                    "with a password"
                } else {
                    "without a password"
                };
                format!(
                    "Created {role} {} ({}) {password}.",
                    user.email,
                    user.display_name.as_str()
                )
            })
        }
        UsersCommand::List => {
            let users = console.all_users().await?;
            let document = Value::Array(users.iter().map(user_json).collect());
            console.emit(&document, || {
                if users.is_empty() {
                    return "No users yet.".to_owned();
                }
                let lines: Vec<String> = users
                    .iter()
                    .map(|user| {
                        let role = if user.is_admin { "admin" } else { "user" };
                        let state = if user.disabled { "disabled" } else { "enabled" };
                        format!(
                            "{}\t{}\t{role}\t{state}",
                            user.email,
                            user.display_name.as_str()
                        )
                    })
                    .collect();
                lines.join("\n")
            })
        }
        UsersCommand::Disable { email } => set_disabled(console, &email, true).await,
        UsersCommand::Enable { email } => set_disabled(console, &email, false).await,
        UsersCommand::Delete { email } => {
            let user = console.user(&email).await?;
            console.authority.delete_user(&user.id).await?;
            let document =
                json!({ "id": user.id.as_str(), "email": user.email.as_str(), "deleted": true });
            console.emit(&document, || format!("Deleted {}.", user.email))
        }
    }
}

async fn set_disabled(console: &Console, email: &str, disabled: bool) -> anyhow::Result<()> {
    let mut user = console.user(email).await?;
    console
        .authority
        .set_user_disabled(&user.id, disabled)
        .await?;
    user.disabled = disabled;
    console.emit(&user_json(&user), || {
        let done = if disabled { "Disabled" } else { "Enabled" };
        format!("{done} {}.", user.email)
    })
}

/// The password piped in; a single trailing newline is what `echo` and heredocs add.
fn read_password() -> anyhow::Result<String> {
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .context("cannot read the password from stdin")?;
    if let Some(line) = password.strip_suffix('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        password = line.to_owned();
    }
    Ok(password)
}

fn default_name(email: &str) -> &str {
    let email = email.trim();
    email.split_once('@').map_or(email, |(local, _)| local)
}
