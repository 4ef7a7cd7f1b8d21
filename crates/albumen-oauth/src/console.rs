//! The developer console's operations: projects, APIs, OAuth clients and secrets, and the
//! consent screen. Every operation checks that the acting user owns the project (or is an
//! administrator) and validates input with the console's rules, naming the field at fault.

use albumen_core::client::{ClientSecret, ClientSettings, ClientType, OAuthClient};
use albumen_core::consent::{ConsentScreen, PublishingStatus, UserType, VerificationStatus};
use albumen_core::project::{ApiService, NewProject, Project};
use albumen_core::user::{Email, User, UserId};
use albumen_core::{Page, StoreError};
use serde_json::{Value, json};

use crate::authority::Authority;
use crate::rules::origin::validate_origin;
use crate::rules::project_id::ProjectId;
use crate::rules::redirect_uri::validate_registered_redirect_uri;
use crate::secrets;

#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// A field's value breaks a rule; `message` is shown beside the field.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("not found")]
    NotFound,
    #[error("you do not have access to this project")]
    Forbidden,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for ConsoleError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => Self::NotFound,
            other => Self::Store(other),
        }
    }
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> ConsoleError {
    ConsoleError::Invalid {
        field: field.into(),
        message: message.into(),
    }
}

/// A client and, when one was just made, its secret in clear (shown once).
#[derive(Debug)]
pub struct CreatedClient {
    pub client: OAuthClient,
    pub secret: String,
}

/// The consent-screen form.
#[derive(Debug, Clone)]
pub struct ConsentSettings {
    pub app_name: String,
    pub support_email: String,
    pub logo_url: Option<String>,
    pub user_type: UserType,
    pub publishing_status: PublishingStatus,
    pub test_users: Vec<String>,
    /// Only administrators may change it (it stands in for Google's review).
    pub verification_status: Option<VerificationStatus>,
}

const MAX_SECRETS: usize = 2;

fn check_name(field: &str, name: &str, max: usize) -> Result<String, ConsoleError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(invalid(field, "Enter a name."));
    }
    if name.chars().count() > max || name.chars().any(char::is_control) {
        return Err(invalid(
            field,
            format!("Use at most {max} printable characters."),
        ));
    }
    Ok(name.to_owned())
}

impl Authority {
    /// The project, if `actor` owns it or is an administrator.
    pub async fn project_for(
        &self,
        actor: &User,
        project_id: &str,
    ) -> Result<Project, ConsoleError> {
        let project = self.store.get_project(project_id).await?;
        if actor.is_admin
            || self
                .store
                .list_project_owners(project_id)
                .await?
                .contains(&actor.id)
        {
            Ok(project)
        } else {
            Err(ConsoleError::Forbidden)
        }
    }

    pub async fn projects_of(&self, actor: &UserId) -> Result<Vec<Project>, StoreError> {
        let mut all = Vec::new();
        let mut page = Page::first(Page::MAX_SIZE);
        loop {
            let batch = self.store.list_projects_of(actor, &page).await?;
            all.extend(batch.items);
            match batch.next {
                Some(next) => page = Page::after(Page::MAX_SIZE, next),
                None => return Ok(all),
            }
        }
    }

    /// Creates a project owned by `actor`, with a default consent screen in Testing.
    pub async fn create_project(
        &self,
        actor: &User,
        project_id: &str,
        name: &str,
    ) -> Result<Project, ConsoleError> {
        let id = ProjectId::parse(project_id.trim())
            .map_err(|e| invalid("project_id", e.to_string()))?;
        let name = check_name("name", name, 30)?;
        let now = self.clock.now();
        // Numbers are random; a collision (one in 10^11) just draws again.
        for _ in 0..5 {
            let project = NewProject {
                id: id.as_str().to_owned(),
                number: secrets::new_project_number(),
                name: name.clone(),
                owner: actor.id.clone(),
                created_at: now,
            };
            match self.store.insert_project(&project).await {
                Ok(created) => {
                    let mut screen = ConsentScreen::default_for(&created.id, &created.name, now);
                    screen.support_email = actor.email.as_str().to_owned();
                    screen.test_users = vec![actor.email.clone()];
                    self.store.put_consent_screen(&screen).await?;
                    return Ok(created);
                }
                Err(StoreError::Conflict {
                    what: "projects.id",
                }) => {
                    return Err(invalid("project_id", "That project ID is already in use."));
                }
                Err(StoreError::Conflict { .. }) => continue,
                Err(other) => return Err(other.into()),
            }
        }
        Err(ConsoleError::Store(StoreError::Internal(
            "could not draw a free project number".into(),
        )))
    }

    /// The project's owners.
    pub async fn project_owners(&self, project_id: &str) -> Result<Vec<User>, StoreError> {
        let mut owners = Vec::new();
        for id in self.store.list_project_owners(project_id).await? {
            match self.store.get_user(&id).await {
                Ok(user) => owners.push(user),
                Err(StoreError::NotFound) => {}
                Err(other) => return Err(other),
            }
        }
        Ok(owners)
    }

    /// Makes the user with `email` an owner too (owners manage everything in the project).
    pub async fn add_project_owner(
        &self,
        actor: &User,
        project_id: &str,
        email: &str,
    ) -> Result<User, ConsoleError> {
        self.project_for(actor, project_id).await?;
        let no_such = || invalid("email", "No account has this email address.");
        let email = Email::parse(email).map_err(|_| no_such())?;
        let owner = match self.store.get_user_by_email(&email).await {
            Ok(user) => user,
            Err(StoreError::NotFound) => return Err(no_such()),
            Err(other) => return Err(other.into()),
        };
        self.store.add_project_owner(project_id, &owner.id).await?;
        Ok(owner)
    }

    pub async fn set_api_enabled(
        &self,
        actor: &User,
        project_id: &str,
        api: ApiService,
        enabled: bool,
    ) -> Result<(), ConsoleError> {
        self.project_for(actor, project_id).await?;
        Ok(self.store.set_api_enabled(project_id, api, enabled).await?)
    }

    pub async fn enabled_apis(&self, project_id: &str) -> Result<Vec<ApiService>, StoreError> {
        self.store.list_enabled_apis(project_id).await
    }

    /// Validates the fields a client of `client_type` may have.
    fn check_client_settings(
        client_type: ClientType,
        name: &str,
        redirect_uris: &[String],
        origins: &[String],
    ) -> Result<ClientSettings, ConsoleError> {
        let name = check_name("name", name, 100)?;
        let redirect_uris: Vec<String> = redirect_uris
            .iter()
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty())
            .collect();
        let origins: Vec<String> = origins
            .iter()
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty())
            .collect();
        if client_type != ClientType::Web && !(redirect_uris.is_empty() && origins.is_empty()) {
            let field = if redirect_uris.is_empty() {
                "javascript_origins"
            } else {
                "redirect_uris"
            };
            return Err(invalid(
                field,
                format!(
                    "{} clients take no redirect URIs or origins.",
                    client_type.title()
                ),
            ));
        }
        for (i, uri) in redirect_uris.iter().enumerate() {
            validate_registered_redirect_uri(uri)
                .map_err(|e| invalid(format!("redirect_uris[{i}]"), e.to_string()))?;
        }
        for (i, origin) in origins.iter().enumerate() {
            validate_origin(origin)
                .map_err(|e| invalid(format!("javascript_origins[{i}]"), e.to_string()))?;
        }
        Ok(ClientSettings {
            name,
            redirect_uris,
            javascript_origins: origins,
        })
    }

    fn new_secret(&self, client_id: &str) -> (ClientSecret, String) {
        let plain = secrets::new_client_secret();
        let stored = ClientSecret {
            id: secrets::new_opaque(16),
            client_id: client_id.to_owned(),
            digest: secrets::digest(&plain),
            last_four: plain
                .get(plain.len().saturating_sub(4)..)
                .unwrap_or_default()
                .to_owned(),
            created_at: self.clock.now(),
            disabled_at: None,
        };
        (stored, plain)
    }

    pub async fn create_client(
        &self,
        actor: &User,
        project_id: &str,
        client_type: ClientType,
        name: &str,
        redirect_uris: &[String],
        origins: &[String],
    ) -> Result<CreatedClient, ConsoleError> {
        let project = self.project_for(actor, project_id).await?;
        let settings = Self::check_client_settings(client_type, name, redirect_uris, origins)?;
        let client = OAuthClient {
            client_id: secrets::new_client_id(project.number),
            project_id: project.id,
            name: settings.name,
            client_type,
            redirect_uris: settings.redirect_uris,
            javascript_origins: settings.javascript_origins,
            created_at: self.clock.now(),
            deleted_at: None,
        };
        let (stored, secret) = self.new_secret(&client.client_id);
        self.store.insert_client(&client, Some(&stored)).await?;
        Ok(CreatedClient { client, secret })
    }

    /// The client, if `actor` may manage it (deleted clients are not found).
    pub async fn client_for(
        &self,
        actor: &User,
        client_id: &str,
    ) -> Result<OAuthClient, ConsoleError> {
        let client = self.store.get_client(client_id).await?;
        if client.deleted_at.is_some() {
            return Err(ConsoleError::NotFound);
        }
        self.project_for(actor, &client.project_id).await?;
        Ok(client)
    }

    pub async fn clients_of(&self, project_id: &str) -> Result<Vec<OAuthClient>, StoreError> {
        self.store.list_clients(project_id).await
    }

    pub async fn update_client(
        &self,
        actor: &User,
        client_id: &str,
        name: &str,
        redirect_uris: &[String],
        origins: &[String],
    ) -> Result<OAuthClient, ConsoleError> {
        let client = self.client_for(actor, client_id).await?;
        let settings =
            Self::check_client_settings(client.client_type, name, redirect_uris, origins)?;
        self.store.update_client(client_id, &settings).await?;
        Ok(self.store.get_client(client_id).await?)
    }

    /// Deletes the client: its grants stop working at once (`deleted_client`).
    pub async fn delete_client(&self, actor: &User, client_id: &str) -> Result<(), ConsoleError> {
        self.client_for(actor, client_id).await?;
        Ok(self
            .store
            .mark_client_deleted(client_id, self.clock.now())
            .await?)
    }

    pub async fn client_secrets(&self, client_id: &str) -> Result<Vec<ClientSecret>, StoreError> {
        self.store.list_client_secrets(client_id).await
    }

    /// Adds a second secret for rotation; at most two exist at a time.
    pub async fn add_client_secret(
        &self,
        actor: &User,
        client_id: &str,
    ) -> Result<String, ConsoleError> {
        self.client_for(actor, client_id).await?;
        if self.store.list_client_secrets(client_id).await?.len() >= MAX_SECRETS {
            return Err(invalid(
                "secrets",
                "A client has at most two secrets. Disable and delete one first.",
            ));
        }
        let (stored, plain) = self.new_secret(client_id);
        self.store.insert_client_secret(&stored).await?;
        Ok(plain)
    }

    async fn owned_secret(
        &self,
        actor: &User,
        client_id: &str,
        secret_id: &str,
    ) -> Result<ClientSecret, ConsoleError> {
        self.client_for(actor, client_id).await?;
        self.store
            .list_client_secrets(client_id)
            .await?
            .into_iter()
            .find(|s| s.id == secret_id)
            .ok_or(ConsoleError::NotFound)
    }

    pub async fn set_client_secret_enabled(
        &self,
        actor: &User,
        client_id: &str,
        secret_id: &str,
        enabled: bool,
    ) -> Result<(), ConsoleError> {
        self.owned_secret(actor, client_id, secret_id).await?;
        let disabled_at = (!enabled).then(|| self.clock.now());
        Ok(self
            .store
            .set_client_secret_disabled(secret_id, disabled_at)
            .await?)
    }

    /// Deletes a secret; it must be disabled first, as Google requires.
    pub async fn delete_client_secret(
        &self,
        actor: &User,
        client_id: &str,
        secret_id: &str,
    ) -> Result<(), ConsoleError> {
        let secret = self.owned_secret(actor, client_id, secret_id).await?;
        if secret.disabled_at.is_none() {
            return Err(invalid("secrets", "Disable the secret before deleting it."));
        }
        Ok(self.store.delete_client_secret(secret_id).await?)
    }

    /// The `client_secret.json` a developer downloads, pointing at this server.
    pub fn client_secret_json(
        &self,
        project: &Project,
        client: &OAuthClient,
        secret: Option<&str>,
    ) -> Value {
        let mut body = json!({
            "client_id": client.client_id,
            "project_id": project.id,
            "auth_uri": format!("{}/o/oauth2/auth", self.issuer),
            "token_uri": format!("{}/token", self.issuer),
            "auth_provider_x509_cert_url": format!("{}/oauth2/v1/certs", self.issuer),
        });
        if let (Some(secret), Some(map)) = (secret, body.as_object_mut()) {
            map.insert("client_secret".into(), json!(secret));
        }
        let redirect_uris: Vec<&str> = match client.client_type {
            ClientType::Web => client.redirect_uris.iter().map(String::as_str).collect(),
            ClientType::Desktop => vec!["http://localhost"],
            ClientType::Tv => Vec::new(),
        };
        if let Some(map) = body.as_object_mut() {
            if !redirect_uris.is_empty() {
                map.insert("redirect_uris".into(), json!(redirect_uris));
            }
            if !client.javascript_origins.is_empty() {
                map.insert(
                    "javascript_origins".into(),
                    json!(client.javascript_origins),
                );
            }
        }
        json!({ client.client_type.secret_file_key(): body })
    }

    pub async fn consent_screen(&self, project_id: &str) -> Result<ConsentScreen, StoreError> {
        match self.store.get_consent_screen(project_id).await {
            Ok(screen) => Ok(screen),
            Err(StoreError::NotFound) => {
                let project = self.store.get_project(project_id).await?;
                Ok(ConsentScreen::default_for(
                    &project.id,
                    &project.name,
                    self.clock.now(),
                ))
            }
            Err(other) => Err(other),
        }
    }

    pub async fn set_consent_screen(
        &self,
        actor: &User,
        project_id: &str,
        settings: ConsentSettings,
    ) -> Result<ConsentScreen, ConsoleError> {
        self.project_for(actor, project_id).await?;
        let mut screen = self.consent_screen(project_id).await?;
        screen.app_name = check_name("app_name", &settings.app_name, 100)?;
        let support = settings.support_email.trim();
        screen.support_email = if support.is_empty() {
            String::new()
        } else {
            Email::parse(support)
                .map_err(|_| invalid("support_email", "Enter a valid email address."))?
                .as_str()
                .to_owned()
        };
        screen.logo_url = match settings.logo_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(url) if url.starts_with("https://") || url.starts_with("data:image/") => {
                Some(url.to_owned())
            }
            Some(_) => {
                return Err(invalid(
                    "logo_url",
                    "The logo must be an https:// URL or an image.",
                ));
            }
        };
        let mut testers: Vec<Email> = Vec::new();
        for (i, raw) in settings
            .test_users
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .enumerate()
        {
            let email = Email::parse(raw)
                .map_err(|_| invalid(format!("test_users[{i}]"), "Enter a valid email address."))?;
            if !testers.contains(&email) {
                testers.push(email);
            }
        }
        if testers.len() > ConsentScreen::MAX_TEST_USERS {
            return Err(invalid(
                "test_users",
                "An app can have at most 100 test users.",
            ));
        }
        screen.test_users = testers;
        screen.user_type = settings.user_type;
        screen.publishing_status = settings.publishing_status;
        if let Some(status) = settings.verification_status {
            if !actor.is_admin {
                return Err(ConsoleError::Forbidden);
            }
            screen.verification_status = status;
        }
        screen.updated_at = self.clock.now();
        self.store.put_consent_screen(&screen).await?;
        Ok(screen)
    }
}
