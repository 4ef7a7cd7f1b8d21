//! `albumen tokens mint` (tokens without a browser, for scripts and CI) and `albumen keys
//! rotate` (a new ID-token signing key).

use albumen_oauth::keys;
use albumen_oauth::rules::scope::ScopeSet;
use anyhow::bail;
use clap::{Args, Subcommand};
use serde_json::json;

use super::console::{Console, OutputArgs, print_json};

#[derive(Debug, Args)]
pub struct TokensArgs {
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(subcommand)]
    pub command: TokensCommand,
}

#[derive(Debug, Subcommand)]
pub enum TokensCommand {
    /// Record the user's consent and print the token endpoint's JSON (with a refresh token,
    /// and an ID token when `openid` is asked for).
    Mint {
        /// The user's email.
        #[arg(long)]
        user: String,
        /// The OAuth client ID.
        #[arg(long)]
        client: String,
        /// Scopes, full or short (openid, email, profile), as several values or one
        /// space-separated string.
        #[arg(long = "scope", value_name = "SCOPE", num_args = 1.., required = true)]
        scopes: Vec<String>,
    },
}

#[derive(Debug, Args)]
pub struct KeysArgs {
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(subcommand)]
    pub command: KeysCommand,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Sign ID tokens with a new key from now on; older keys stay published for a while.
    Rotate,
}

pub async fn run(command: TokensCommand, console: &Console) -> anyhow::Result<()> {
    let TokensCommand::Mint {
        user,
        client,
        scopes,
    } = command;
    let user = console.user(&user).await?;
    if user.disabled {
        bail!("the account {} is disabled", user.email);
    }
    let scopes = ScopeSet::from_names(scopes.iter().flat_map(|s| s.split_ascii_whitespace()))?;
    let authority = &console.authority;
    // The server makes the key at start; the database may never have served yet.
    keys::ensure_signing_key(authority.store(), authority.clock()).await?;
    let response = authority.mint_tokens(&user, &client, &scopes).await?;
    // The token JSON is the output either way: it is what a script reads.
    print_json(&serde_json::to_value(&response)?)
}

pub async fn run_keys(command: KeysCommand, console: &Console) -> anyhow::Result<()> {
    let KeysCommand::Rotate = command;
    let authority = &console.authority;
    let kid = keys::rotate_signing_key(authority.store(), authority.clock()).await?;
    console.emit(&json!({ "kid": kid }), || {
        format!("ID tokens are now signed with the key {kid}.")
    })
}
