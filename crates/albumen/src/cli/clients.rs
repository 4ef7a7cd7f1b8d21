//! `albumen clients`: OAuth clients and their secrets. A secret is printed once, when it is
//! made; afterwards only its last four characters are shown.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use albumen_core::client::{ClientSecret, ClientType, OAuthClient};
use anyhow::Context as _;
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Value, json};

use super::console::{Console, OutputArgs, console_error, no_project, print_json, timestamp};

#[derive(Debug, Args)]
pub struct ClientsArgs {
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(subcommand)]
    pub command: ClientsCommand,
}

#[derive(Debug, Subcommand)]
pub enum ClientsCommand {
    /// Create a client and print its client_secret.json (the only time the secret is shown).
    Create {
        /// The project ID.
        #[arg(long)]
        project: String,
        /// The application type.
        #[arg(long = "type", value_name = "TYPE", value_enum)]
        client_type: Kind,
        /// The client name; "<Type> client <n>" by default, as in the console.
        #[arg(long)]
        name: Option<String>,
        /// An authorized redirect URI (web clients only); repeat for several.
        #[arg(long = "redirect-uri", value_name = "URI")]
        redirect_uris: Vec<String>,
        /// An authorized JavaScript origin (web clients only); repeat for several.
        #[arg(long = "origin", value_name = "ORIGIN")]
        origins: Vec<String>,
        /// Also write the client_secret.json to this file (mode 0600).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// List a project's clients (secrets by their last four characters only).
    List {
        /// The project ID.
        #[arg(long)]
        project: String,
    },
    /// Delete a client: its tokens stop working at once.
    Delete {
        /// The client ID (…apps.googleusercontent.com).
        client_id: String,
    },
    /// Add a second secret for rotation and print it (the only time it is shown).
    AddSecret {
        /// The client ID (…apps.googleusercontent.com).
        client_id: String,
    },
}

/// The console's client types.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Kind {
    Web,
    Desktop,
    Tv,
}

impl Kind {
    fn client_type(self) -> ClientType {
        match self {
            Self::Web => ClientType::Web,
            Self::Desktop => ClientType::Desktop,
            Self::Tv => ClientType::Tv,
        }
    }
}

pub async fn run(command: ClientsCommand, console: &Console) -> anyhow::Result<()> {
    match command {
        ClientsCommand::Create {
            project,
            client_type,
            name,
            redirect_uris,
            origins,
            out,
        } => {
            let request = NewClient {
                project_id: &project,
                client_type: client_type.client_type(),
                name,
                redirect_uris: &redirect_uris,
                origins: &origins,
            };
            create(console, request, out.as_deref()).await
        }
        ClientsCommand::List { project } => list(console, &project).await,
        ClientsCommand::Delete { client_id } => {
            let admin = console.admin().await?;
            console
                .authority
                .delete_client(&admin, &client_id)
                .await
                .map_err(|err| console_error(err, || no_client(&client_id)))?;
            let document = json!({ "client_id": client_id, "deleted": true });
            console.emit(&document, || {
                format!("Deleted client {client_id}; its tokens no longer work.")
            })
        }
        ClientsCommand::AddSecret { client_id } => {
            let admin = console.admin().await?;
            let secret = console
                .authority
                .add_client_secret(&admin, &client_id)
                .await
                .map_err(|err| console_error(err, || no_client(&client_id)))?;
            if console.json {
                print_json(&json!({ "client_id": client_id, "client_secret": secret }))
            } else {
                // The bare secret on stdout, so that `$(albumen clients add-secret …)` works.
                println!("{secret}");
                eprintln!("Added a secret to {client_id}; it is shown only now.");
                Ok(())
            }
        }
    }
}

struct NewClient<'a> {
    project_id: &'a str,
    client_type: ClientType,
    name: Option<String>,
    redirect_uris: &'a [String],
    origins: &'a [String],
}

async fn create(console: &Console, new: NewClient<'_>, out: Option<&Path>) -> anyhow::Result<()> {
    let admin = console.admin().await?;
    let project = console.project(new.project_id).await?;
    let name = match new.name {
        Some(name) => name,
        None => default_name(console, new.project_id, new.client_type).await?,
    };
    let created = console
        .authority
        .create_client(
            &admin,
            new.project_id,
            new.client_type,
            &name,
            new.redirect_uris,
            new.origins,
        )
        .await
        .map_err(|err| console_error(err, || no_project(new.project_id)))?;
    let document =
        console
            .authority
            .client_secret_json(&project, &created.client, Some(&created.secret));
    let text = serde_json::to_string_pretty(&document)?;
    // Printed before the file is written: if writing fails, the secret has still been shown.
    println!("{text}");
    if !console.json {
        eprintln!(
            "Created {} client {}; its secret is shown only now.",
            created.client.client_type.as_str(),
            created.client.client_id
        );
    }
    match out {
        Some(path) => write_private(path, &text).with_context(|| {
            format!(
                "the client was created and printed above, but cannot write {}",
                path.display()
            )
        }),
        None => Ok(()),
    }
}

/// Writes `text` to `path`, readable by its owner only.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        options.mode(0o600);
        let file = options.open(path)?;
        // `mode` only applies to a new file; an existing one may be readable by others.
        // Restricted before the secret is written to it.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        writeln!(&file, "{text}")
    }
    #[cfg(not(unix))]
    writeln!(options.open(path)?, "{text}")
}

/// "Desktop client 2", as the console names a project's second desktop client.
async fn default_name(
    console: &Console,
    project_id: &str,
    client_type: ClientType,
) -> anyhow::Result<String> {
    let same_type = console
        .authority
        .clients_of(project_id)
        .await?
        .iter()
        .filter(|client| client.client_type == client_type)
        .count();
    let kind = match client_type {
        ClientType::Web => "Web",
        ClientType::Desktop => "Desktop",
        ClientType::Tv => "TVs and Limited Input",
    };
    Ok(format!("{kind} client {}", same_type + 1))
}

async fn list(console: &Console, project_id: &str) -> anyhow::Result<()> {
    console.project(project_id).await?;
    let mut rows: Vec<(OAuthClient, Vec<ClientSecret>)> = Vec::new();
    for client in console.authority.clients_of(project_id).await? {
        let secrets = console.authority.client_secrets(&client.client_id).await?;
        rows.push((client, secrets));
    }
    let document = rows
        .iter()
        .map(|(client, secrets)| client_json(client, secrets))
        .collect();
    console.emit(&Value::Array(document), || {
        if rows.is_empty() {
            return format!("No clients in {project_id}.");
        }
        let lines: Vec<String> = rows
            .iter()
            .map(|(client, secrets)| {
                let masked: Vec<String> = secrets.iter().map(masked).collect();
                format!(
                    "{}\t{}\t{}\tsecrets: {}",
                    client.client_id,
                    client.client_type.as_str(),
                    client.name,
                    masked.join(", ")
                )
            })
            .collect();
        lines.join("\n")
    })
}

fn client_json(client: &OAuthClient, secrets: &[ClientSecret]) -> Value {
    let secrets: Vec<Value> = secrets
        .iter()
        .map(|secret| {
            json!({
                "id": secret.id,
                "last_four": secret.last_four,
                "enabled": secret.disabled_at.is_none(),
                "created_at": timestamp(secret.created_at),
            })
        })
        .collect();
    json!({
        "client_id": client.client_id,
        "type": client.client_type.as_str(),
        "name": client.name,
        "redirect_uris": client.redirect_uris,
        "javascript_origins": client.javascript_origins,
        "secrets": secrets,
        "created_at": timestamp(client.created_at),
    })
}

/// `****abcd`, or `****abcd (disabled)`.
fn masked(secret: &ClientSecret) -> String {
    if secret.disabled_at.is_none() {
        format!("****{}", secret.last_four)
    } else {
        format!("****{} (disabled)", secret.last_four)
    }
}

fn no_client(client_id: &str) -> String {
    format!("no client has the ID {client_id}")
}
