//! `albumen projects`: creating and listing developer-console projects, switching their
//! APIs on and off, and showing or setting their Library API quotas.

use std::collections::BTreeMap;

use albumen_core::project::{ApiService, Project};
use albumen_core::quota::QuotaLimits;
use albumen_library::quota;
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Value, json};

use super::console::{Console, OutputArgs, console_error, no_project, timestamp};

#[derive(Debug, Args)]
pub struct ProjectsArgs {
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(subcommand)]
    pub command: ProjectsCommand,
}

#[derive(Debug, Subcommand)]
pub enum ProjectsCommand {
    /// Create a project (with a consent screen in Testing).
    Create {
        /// 6 to 30 lowercase letters, digits or hyphens, starting with a letter.
        project_id: String,
        /// The project name; the project ID by default.
        #[arg(long)]
        name: Option<String>,
        /// The owner's email; the first administrator by default.
        #[arg(long)]
        owner: Option<String>,
    },
    /// List every project that has an owner.
    List,
    /// Make another user an owner of a project.
    AddOwner {
        project_id: String,
        /// The new owner's email.
        email: String,
    },
    /// Enable an API for a project.
    EnableApi {
        project_id: String,
        /// The API's service name, or `library` or `picker`.
        api: Api,
    },
    /// Disable an API for a project.
    DisableApi {
        project_id: String,
        /// The API's service name, or `library` or `picker`.
        api: Api,
    },
    /// Show a project's Library API quotas and today's usage; set the limits given.
    Quota {
        project_id: String,
        /// Library API calls per day (Pacific time), uploads included.
        #[arg(long)]
        requests_per_day: Option<u64>,
        /// Media-byte requests through base URLs per day (Pacific time).
        #[arg(long)]
        media_bytes_per_day: Option<u64>,
        /// Calls that create or change something, per user per minute.
        #[arg(long)]
        writes_per_minute: Option<u64>,
    },
}

/// The APIs a project can enable, by service name or short alias.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Api {
    #[value(name = "photoslibrary.googleapis.com", alias = "library")]
    Library,
    #[value(name = "photospicker.googleapis.com", alias = "picker")]
    Picker,
}

impl Api {
    fn service(self) -> ApiService {
        match self {
            Self::Library => ApiService::PhotosLibrary,
            Self::Picker => ApiService::PhotosPicker,
        }
    }
}

pub async fn run(command: ProjectsCommand, console: &Console) -> anyhow::Result<()> {
    match command {
        ProjectsCommand::Create {
            project_id,
            name,
            owner,
        } => {
            let owner = match owner {
                Some(email) => console.user(&email).await?,
                None => console.admin().await?,
            };
            let name = name.unwrap_or_else(|| project_id.clone());
            let project = console
                .authority
                .create_project(&owner, &project_id, &name)
                .await?;
            let document = project_json(&project, &[owner.email.as_str()], &[]);
            console.emit(&document, || {
                format!(
                    "Created project {} (number {}) owned by {}.",
                    project.id, project.number, owner.email
                )
            })
        }
        ProjectsCommand::List => list(console).await,
        ProjectsCommand::AddOwner { project_id, email } => {
            let admin = console.admin().await?;
            let owner = console
                .authority
                .add_project_owner(&admin, &project_id, &email)
                .await?;
            let document = json!({"project_id": project_id, "owner": owner.email.as_str()});
            console.emit(&document, || {
                format!("{} now owns project {project_id}.", owner.email)
            })
        }
        ProjectsCommand::EnableApi { project_id, api } => {
            set_api(console, &project_id, api, true).await
        }
        ProjectsCommand::DisableApi { project_id, api } => {
            set_api(console, &project_id, api, false).await
        }
        ProjectsCommand::Quota {
            project_id,
            requests_per_day,
            media_bytes_per_day,
            writes_per_minute,
        } => {
            let project = console.project(&project_id).await?;
            let store = console.authority.store();
            let current = quota::limits_of(store, &project.id).await?;
            let wanted = QuotaLimits {
                requests_per_day: requests_per_day.unwrap_or(current.requests_per_day),
                media_bytes_per_day: media_bytes_per_day.unwrap_or(current.media_bytes_per_day),
                writes_per_minute_per_user: writes_per_minute
                    .unwrap_or(current.writes_per_minute_per_user),
            };
            if wanted != current {
                quota::set_limits(store, &project.id, wanted).await?;
            }
            let usage = quota::usage(store, console.authority.clock().now(), &project.id).await?;
            let limits = usage.limits;
            let document = json!({
                "project_id": project.id,
                "requests_per_day": limits.requests_per_day,
                "media_bytes_per_day": limits.media_bytes_per_day,
                "writes_per_minute_per_user": limits.writes_per_minute_per_user,
                "requests_today": usage.requests_today,
                "media_bytes_today": usage.media_bytes_today,
                "resets_at": timestamp(usage.day.end),
            });
            console.emit(&document, || {
                format!(
                    "{}: requests {}/{} today, media bytes {}/{} today, {} writes per minute \
                     per user; resets at {}.",
                    project.id,
                    usage.requests_today,
                    limits.requests_per_day,
                    usage.media_bytes_today,
                    limits.media_bytes_per_day,
                    limits.writes_per_minute_per_user,
                    timestamp(usage.day.end)
                )
            })
        }
    }
}

/// The store lists projects per owner only, so every project is found through its owners;
/// one whose owners were all deleted is not listed.
async fn list(console: &Console) -> anyhow::Result<()> {
    let users = console.all_users().await?;
    let mut projects: BTreeMap<String, Project> = BTreeMap::new();
    for user in &users {
        for project in console.authority.projects_of(&user.id).await? {
            projects.insert(project.id.clone(), project);
        }
    }
    let mut rows = Vec::new();
    for project in projects.into_values() {
        let owner_ids = console
            .authority
            .store()
            .list_project_owners(&project.id)
            .await?;
        let owners: Vec<&str> = users
            .iter()
            .filter(|user| owner_ids.contains(&user.id))
            .map(|user| user.email.as_str())
            .collect();
        let apis: Vec<&str> = console
            .authority
            .enabled_apis(&project.id)
            .await?
            .into_iter()
            .map(ApiService::service_name)
            .collect();
        rows.push((project, owners, apis));
    }
    let document = rows
        .iter()
        .map(|(project, owners, apis)| project_json(project, owners, apis))
        .collect();
    console.emit(&Value::Array(document), || {
        if rows.is_empty() {
            return "No projects yet.".to_owned();
        }
        let lines: Vec<String> = rows
            .iter()
            .map(|(project, owners, apis)| {
                format!(
                    "{}\t{}\t{}\towners: {}\tapis: {}",
                    project.id,
                    project.number,
                    project.name,
                    or_none(owners),
                    or_none(apis),
                )
            })
            .collect();
        lines.join("\n")
    })
}

async fn set_api(
    console: &Console,
    project_id: &str,
    api: Api,
    enabled: bool,
) -> anyhow::Result<()> {
    let admin = console.admin().await?;
    let service = api.service();
    console
        .authority
        .set_api_enabled(&admin, project_id, service, enabled)
        .await
        .map_err(|err| console_error(err, || no_project(project_id)))?;
    let document = json!({
        "project_id": project_id,
        "api": service.service_name(),
        "enabled": enabled,
    });
    console.emit(&document, || {
        let done = if enabled { "Enabled" } else { "Disabled" };
        format!(
            "{done} the {} ({}) for {project_id}.",
            service.title(),
            service.service_name()
        )
    })
}

fn project_json(project: &Project, owners: &[&str], apis: &[&str]) -> Value {
    json!({
        "id": project.id,
        "number": project.number,
        "name": project.name,
        "owners": owners,
        "enabled_apis": apis,
        "created_at": timestamp(project.created_at),
    })
}

fn or_none(items: &[&str]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}
