//! `albumen serve --dev`: a ready-to-use console for app developers' CI, seeded idempotently
//! on every start: a user, a project with both Photos APIs enabled, its consent screen in
//! Testing with that user as tester, and a Desktop, a Web and a TV client whose
//! `client_secret.json` files are written under `data_dir/dev/`.

use std::path::{Path, PathBuf};

use albumen_api::AppState;
use albumen_core::client::{ClientType, OAuthClient};
use albumen_core::consent::{PublishingStatus, UserType};
use albumen_core::project::{ApiService, Project};
use albumen_core::user::User;
use albumen_oauth::accounts::AccountError;
use albumen_oauth::console::{ConsentSettings, ConsoleError};
use anyhow::{Context, anyhow};

pub const DEV_EMAIL: &str = "dev@albumen.test";
pub const DEV_PASSWORD: &str = "albumen-dev-password";
pub const DEV_PROJECT: &str = "albumen-dev";

/// What was seeded, for the start-up summary.
#[derive(Debug)]
pub struct DevSeed {
    pub project: Project,
    /// (type, client id, client_secret.json path)
    pub clients: Vec<(ClientType, String, PathBuf)>,
}

async fn dev_user(state: &AppState) -> anyhow::Result<User> {
    let authority = &state.authority;
    match authority
        .create_user(
            DEV_EMAIL,
            "Albumen Developer",
            Some(DEV_PASSWORD.to_owned()),
            true,
        )
        .await
    {
        Ok(user) => Ok(user),
        Err(AccountError::EmailTaken) => Ok(authority.find_user_by_email(DEV_EMAIL).await?),
        Err(other) => Err(other.into()),
    }
}

async fn dev_project(state: &AppState, user: &User) -> anyhow::Result<Project> {
    let authority = &state.authority;
    let project = match authority.project_for(user, DEV_PROJECT).await {
        Ok(project) => project,
        Err(ConsoleError::NotFound) => {
            authority
                .create_project(user, DEV_PROJECT, "Albumen Dev")
                .await?
        }
        Err(other) => return Err(other.into()),
    };
    for api in ApiService::ALL {
        authority
            .set_api_enabled(user, DEV_PROJECT, api, true)
            .await?;
    }
    let screen = authority.consent_screen(DEV_PROJECT).await?;
    let mut testers: Vec<String> = screen
        .test_users
        .iter()
        .map(|e| e.as_str().to_owned())
        .collect();
    if !testers.iter().any(|t| t == DEV_EMAIL) {
        testers.push(DEV_EMAIL.to_owned());
    }
    authority
        .set_consent_screen(
            user,
            DEV_PROJECT,
            ConsentSettings {
                app_name: screen.app_name,
                support_email: DEV_EMAIL.to_owned(),
                logo_url: screen.logo_url,
                user_type: UserType::External,
                publishing_status: PublishingStatus::Testing,
                test_users: testers,
                verification_status: None,
            },
        )
        .await?;
    Ok(project)
}

/// The dev client of `client_type`, and a fresh secret when its file is missing (secrets
/// are stored hashed, so a lost file means a new secret; the old ones are removed).
async fn dev_client(
    state: &AppState,
    user: &User,
    project: &Project,
    client_type: ClientType,
    dir: &Path,
) -> anyhow::Result<(String, PathBuf)> {
    let authority = &state.authority;
    let name = format!("Albumen dev {}", client_type.as_str());
    let file = dir.join(format!("client_secret_{}.json", client_type.as_str()));
    let existing: Option<OAuthClient> = authority
        .clients_of(&project.id)
        .await?
        .into_iter()
        .find(|c| c.name == name && c.client_type == client_type);
    let (client, secret) = match existing {
        Some(client) if file.is_file() => return Ok((client.client_id, file)),
        Some(client) => {
            for old in authority.client_secrets(&client.client_id).await? {
                authority
                    .set_client_secret_enabled(user, &client.client_id, &old.id, false)
                    .await?;
                authority
                    .delete_client_secret(user, &client.client_id, &old.id)
                    .await?;
            }
            let secret = authority.add_client_secret(user, &client.client_id).await?;
            (client, secret)
        }
        None => {
            let redirects: Vec<String> = match client_type {
                ClientType::Web => vec![
                    "http://localhost:8080/oauth2callback".to_owned(),
                    "http://127.0.0.1:8080/oauth2callback".to_owned(),
                ],
                _ => Vec::new(),
            };
            let origins: Vec<String> = match client_type {
                ClientType::Web => vec!["http://localhost:8080".to_owned()],
                _ => Vec::new(),
            };
            let created = authority
                .create_client(user, &project.id, client_type, &name, &redirects, &origins)
                .await?;
            (created.client, created.secret)
        }
    };
    let json = authority.client_secret_json(project, &client, Some(&secret));
    write_private(&file, &serde_json::to_string_pretty(&json)?)?;
    Ok((client.client_id, file))
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot restrict {}", path.display()))?;
    }
    Ok(())
}

/// Seeds (or finds) the dev console.
pub async fn seed(state: &AppState, data_dir: &Path) -> anyhow::Result<DevSeed> {
    let dir = data_dir.join("dev");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let user = dev_user(state).await?;
    if !user.is_admin {
        return Err(anyhow!("{DEV_EMAIL} exists but is not an administrator"));
    }
    let project = dev_project(state, &user).await?;
    let mut clients = Vec::new();
    for client_type in [ClientType::Desktop, ClientType::Web, ClientType::Tv] {
        let (id, file) = dev_client(state, &user, &project, client_type, &dir).await?;
        clients.push((client_type, id, file));
    }
    Ok(DevSeed { project, clients })
}

/// The start-up summary a developer copies from.
pub fn describe(seed: &DevSeed, public_url: &str) -> String {
    let mut text = format!(
        "Development console seeded:\n  sign in:  {public_url}/signin as {DEV_EMAIL} / {DEV_PASSWORD}\n  project:  {} (number {}), Photos Library and Picker APIs enabled\n",
        seed.project.id, seed.project.number
    );
    for (client_type, id, file) in &seed.clients {
        text.push_str(&format!(
            "  {:<8}  {id}\n            {}\n",
            client_type.as_str(),
            file.display()
        ));
    }
    text
}
