//! What a bearer token means: authenticating API calls, `tokeninfo`, `userinfo` (in the OIDC
//! and the v1 shapes), revocation, and the list of apps a user has granted access to.

use albumen_core::StoreError;
use albumen_core::client::OAuthClient;
use albumen_core::grant::{Grant, TokenKind};
use albumen_core::project::{ApiService, Project};
use albumen_core::user::User;
use serde_json::{Value, json};

use crate::authority::Authority;
use crate::error::{OAuthCode, OAuthError};
use crate::rules::scope::ScopeSet;
use crate::secrets;

/// Who is calling an API, on behalf of which app, with which scopes.
#[derive(Debug, Clone)]
pub struct AccessContext {
    pub user: User,
    pub client_id: String,
    pub project: Project,
    pub scopes: ScopeSet,
    pub offline: bool,
    pub expires_at: time::OffsetDateTime,
}

/// Why a bearer token was refused.
#[derive(Debug, thiserror::Error)]
pub enum BearerError {
    /// Missing, unknown, expired or revoked: 401.
    #[error("invalid credentials")]
    Invalid,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The project behind a token has not enabled the API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} is disabled for project {project_number}", api.title())]
pub struct ServiceDisabled {
    pub api: ApiService,
    pub project_number: i64,
}

/// `name`, and Google's `given_name` / `family_name` split of it (first word, the rest).
pub(crate) fn insert_names(map: &mut serde_json::Map<String, Value>, user: &User) {
    let name = user.display_name.as_str();
    map.insert("name".into(), json!(name));
    let (given, family) = name.split_once(' ').unwrap_or((name, ""));
    map.insert("given_name".into(), json!(given));
    if !family.trim().is_empty() {
        map.insert("family_name".into(), json!(family.trim()));
    }
}

/// An app the user has granted access to.
#[derive(Debug, Clone)]
pub struct GrantedApp {
    pub grant: Grant,
    pub client: OAuthClient,
    pub app_name: String,
}

impl Authority {
    /// Authenticates an access token; from this node's memory when nothing changed since
    /// it was last loaded (see `access_cache`).
    pub async fn authenticate_bearer(&self, token: &str) -> Result<AccessContext, BearerError> {
        let digest = secrets::digest(token);
        let now = self.clock.now();
        let epoch = self.store.changes().current();
        if let Some(context) = self.access_cache.token(&digest, epoch, now) {
            return Ok(context);
        }
        let (context, grant) = self.load_access(&digest, now).await?;
        self.access_cache
            .remember_token(digest, epoch, context.clone(), grant);
        Ok(context)
    }

    /// What the token with this digest means, from the store.
    async fn load_access(
        &self,
        digest: &str,
        now: time::OffsetDateTime,
    ) -> Result<(AccessContext, Grant), BearerError> {
        let stored = match self.store.get_token(digest).await {
            Ok(stored) => stored,
            Err(StoreError::NotFound) => return Err(BearerError::Invalid),
            Err(other) => return Err(other.into()),
        };
        let expires_at = match stored.expires_at {
            Some(at)
                if stored.kind == TokenKind::Access && stored.revoked_at.is_none() && now < at =>
            {
                at
            }
            _ => return Err(BearerError::Invalid),
        };
        let grant = match self.store.get_grant(&stored.grant_id).await {
            Ok(grant) if grant.is_live(now) => grant,
            Ok(_) | Err(StoreError::NotFound) => return Err(BearerError::Invalid),
            Err(other) => return Err(other.into()),
        };
        let client = self.store.get_client(&grant.client_id).await?;
        if client.deleted_at.is_some() {
            // Google keeps already-issued access tokens of a deleted client working for
            // their hour; we end them at once (a documented, safer difference).
            return Err(BearerError::Invalid);
        }
        let user = match self.store.get_user(&stored.user_id).await {
            Ok(user) if !user.disabled => user,
            Ok(_) | Err(StoreError::NotFound) => return Err(BearerError::Invalid),
            Err(other) => return Err(other.into()),
        };
        let project = self.store.get_project(&stored.project_id).await?;
        let context = AccessContext {
            user,
            client_id: stored.client_id,
            project,
            scopes: ScopeSet::parse(&stored.scopes).unwrap_or_else(|_| ScopeSet::empty()),
            offline: stored.offline,
            expires_at,
        };
        Ok((context, grant))
    }

    /// Fails when the token's project has not enabled `api`.
    pub async fn require_api(
        &self,
        context: &AccessContext,
        api: ApiService,
    ) -> Result<(), ServiceDisabledOr> {
        let project_id = &context.project.id;
        let epoch = self.store.changes().current();
        let enabled = match self.access_cache.enabled_apis(project_id, epoch) {
            Some(enabled) => enabled,
            None => {
                let enabled = self.store.list_enabled_apis(project_id).await?;
                self.access_cache
                    .remember_enabled_apis(project_id, epoch, enabled.clone());
                enabled
            }
        };
        if enabled.contains(&api) {
            Ok(())
        } else {
            Err(ServiceDisabledOr::Disabled(ServiceDisabled {
                api,
                project_number: context.project.number,
            }))
        }
    }

    /// `tokeninfo?access_token=`: Google's fields, numbers and booleans as strings.
    pub async fn access_token_info(&self, token: &str) -> Result<Value, OAuthError> {
        let context = self.authenticate_bearer(token).await.map_err(|e| match e {
            BearerError::Invalid => OAuthError::new(OAuthCode::InvalidToken, 400, "Invalid Value"),
            BearerError::Store(store) => store.into(),
        })?;
        let expires_in = (context.expires_at - self.clock.now())
            .whole_seconds()
            .max(0);
        let mut info = json!({
            "azp": context.client_id,
            "aud": context.client_id,
            "sub": context.user.id.as_str(),
            "scope": context.scopes.to_granted_string(),
            "exp": context.expires_at.unix_timestamp().to_string(),
            "expires_in": expires_in.to_string(),
        });
        if let Some(map) = info.as_object_mut() {
            if context.scopes.contains("email") {
                map.insert("email".into(), json!(context.user.email.as_str()));
                map.insert("email_verified".into(), json!("true"));
            }
            map.insert(
                "access_type".into(),
                json!(if context.offline { "offline" } else { "online" }),
            );
        }
        Ok(info)
    }

    /// `tokeninfo?id_token=`: the verified claims, every value as a string, plus the
    /// header's `alg`, `kid` and `typ`, as Google answers.
    pub async fn id_token_info(&self, token: &str) -> Result<Value, OAuthError> {
        let invalid = || OAuthError::new(OAuthCode::InvalidToken, 400, "Invalid Value");
        let (header, claims) = crate::keys::verify_id_token(
            self.store.as_ref(),
            self.clock.as_ref(),
            &self.issuer,
            token,
        )
        .await
        .ok_or_else(invalid)?;
        let mut info = serde_json::Map::new();
        let as_text = |value: &Value| match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        for (name, value) in claims.as_object().into_iter().flatten() {
            info.insert(name.clone(), json!(as_text(value)));
        }
        for name in ["alg", "kid", "typ"] {
            if let Some(value) = header.get(name) {
                info.insert(name.to_owned(), json!(as_text(value)));
            }
        }
        Ok(Value::Object(info))
    }

    /// `userinfo` in the OpenID Connect shape (`sub`, `email_verified`, ...).
    pub fn userinfo_oidc(&self, context: &AccessContext) -> Value {
        let user = &context.user;
        let mut info = json!({ "sub": user.id.as_str() });
        if let Some(map) = info.as_object_mut() {
            if context.scopes.contains("profile") {
                insert_names(map, user);
            }
            if context.scopes.contains("email") {
                map.insert("email".into(), json!(user.email.as_str()));
                map.insert("email_verified".into(), json!(true));
            }
        }
        info
    }

    /// `oauth2/v1/userinfo`: the older shape with `id` and `verified_email`.
    pub fn userinfo_v1(&self, context: &AccessContext) -> Value {
        let user = &context.user;
        let mut info = json!({ "id": user.id.as_str() });
        if let Some(map) = info.as_object_mut() {
            if context.scopes.contains("email") {
                map.insert("email".into(), json!(user.email.as_str()));
                map.insert("verified_email".into(), json!(true));
            }
            if context.scopes.contains("profile") {
                insert_names(map, user);
            }
        }
        info
    }

    /// `/revoke`: revoking any token of a grant ends the whole grant, as Google does.
    pub async fn revoke(&self, token: &str) -> Result<(), OAuthError> {
        let invalid = || OAuthError::new(OAuthCode::InvalidToken, 400, "Token expired or revoked");
        let stored = match self.store.get_token(&secrets::digest(token)).await {
            Ok(stored) if stored.revoked_at.is_none() => stored,
            Ok(_) | Err(StoreError::NotFound) => return Err(invalid()),
            Err(other) => return Err(other.into()),
        };
        match self
            .store
            .revoke_grant(&stored.grant_id, self.clock.now())
            .await
        {
            Ok(()) | Err(StoreError::NotFound) => Ok(()),
            Err(other) => Err(other.into()),
        }
    }

    /// The apps the user has granted access to, newest first.
    pub async fn granted_apps(&self, user: &User) -> Result<Vec<GrantedApp>, StoreError> {
        let now = self.clock.now();
        let mut apps = Vec::new();
        for grant in self.store.list_grants_of(&user.id).await? {
            if !grant.is_live(now) {
                continue;
            }
            let client = self.store.get_client(&grant.client_id).await?;
            // A deleted client's grants no longer work: nothing left to remove.
            if client.deleted_at.is_some() {
                continue;
            }
            let app_name = self.consent_screen(&grant.project_id).await?.app_name;
            apps.push(GrantedApp {
                grant,
                client,
                app_name,
            });
        }
        Ok(apps)
    }

    /// Revokes one of the user's own grants (from the "apps with access" page).
    pub async fn revoke_own_grant(&self, user: &User, grant_id: &str) -> Result<(), StoreError> {
        let grant = self.store.get_grant(grant_id).await?;
        if grant.user_id != user.id {
            return Err(StoreError::NotFound);
        }
        self.store.revoke_grant(grant_id, self.clock.now()).await
    }
}

/// The API is disabled, or the check itself failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceDisabledOr {
    #[error(transparent)]
    Disabled(ServiceDisabled),
    #[error(transparent)]
    Store(#[from] StoreError),
}
