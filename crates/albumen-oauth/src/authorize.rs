//! The authorization endpoint's rules: which requests are shown an error page and which are
//! redirected back with an error, who may authorize a Testing or Internal app, when consent
//! is needed, and what the redirect carries on success (Google's `code`, `scope`,
//! `authuser`, `prompt`, `iss`, or the implicit flow's fragment).

use albumen_core::StoreError;
use albumen_core::client::{ClientType, OAuthClient};
use albumen_core::consent::{ConsentScreen, PublishingStatus, UserType, VerificationStatus};
use albumen_core::grant::{AuthCode, Grant};
use albumen_core::project::Project;
use albumen_core::user::User;

use crate::authority::Authority;
use crate::error::{OAuthCode, OAuthError};
use crate::rules::pkce::{self, CodeChallengeMethod};
use crate::rules::redirect_uri::{
    is_loopback_redirect, is_out_of_band, redirect_uri_matches_registered,
};
use crate::rules::scope::{ScopeError, ScopeSet};
use crate::secrets;

/// The query of an authorization request, as received.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct AuthorizeParams {
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub response_type: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub access_type: Option<String>,
    pub prompt: Option<String>,
    pub approval_prompt: Option<String>,
    pub include_granted_scopes: Option<String>,
    pub login_hint: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub hd: Option<String>,
    pub enable_granular_consent: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseType {
    Code,
    Token,
}

/// The `prompt` values, which Google treats as a case-sensitive, space-separated set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Prompt {
    pub none: bool,
    pub consent: bool,
    pub select_account: bool,
}

/// A request that passed every check that does not depend on the user.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    pub params: AuthorizeParams,
    pub client: OAuthClient,
    pub project: Project,
    pub screen: ConsentScreen,
    pub redirect_uri: String,
    pub response_type: ResponseType,
    pub scopes: ScopeSet,
    pub offline: bool,
    pub prompt: Prompt,
    pub include_granted_scopes: bool,
    pub pkce: Option<(String, CodeChallengeMethod)>,
}

/// Where a request goes when it cannot proceed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizeFailure {
    /// Shown on our own error page: the redirect target is not trusted (or not the problem).
    Page(OAuthError),
    /// Sent back to the app's (verified) redirect URI.
    Redirect(String),
}

impl From<StoreError> for AuthorizeFailure {
    fn from(err: StoreError) -> Self {
        Self::Page(err.into())
    }
}

fn page(code: OAuthCode, status: u16, description: impl Into<String>) -> AuthorizeFailure {
    AuthorizeFailure::Page(OAuthError::new(code, status, description))
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn parse_prompt(params: &AuthorizeParams) -> Result<Prompt, AuthorizeFailure> {
    let mut prompt = Prompt::default();
    if let Some(raw) = non_empty(&params.prompt) {
        for value in raw.split(' ').filter(|v| !v.is_empty()) {
            match value {
                "none" => prompt.none = true,
                "consent" => prompt.consent = true,
                "select_account" => prompt.select_account = true,
                other => {
                    return Err(page(
                        OAuthCode::InvalidRequest,
                        400,
                        format!("Invalid parameter value for prompt: Invalid prompt: {other}"),
                    ));
                }
            }
        }
        if prompt.none && (prompt.consent || prompt.select_account) {
            return Err(page(
                OAuthCode::InvalidRequest,
                400,
                "Invalid parameter value for prompt: Cannot combine prompt=none with other values",
            ));
        }
    } else if params.approval_prompt.as_deref() == Some("force") {
        prompt.consent = true;
    }
    Ok(prompt)
}

/// Appends `pairs` to `uri`'s query (code flow) or fragment (implicit flow).
pub(crate) fn redirect_with(uri: &str, pairs: &[(&str, &str)], in_fragment: bool) -> String {
    let encoded = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().copied())
        .finish();
    if in_fragment {
        format!("{uri}#{encoded}")
    } else if uri.contains('?') {
        format!("{uri}&{encoded}")
    } else {
        format!("{uri}?{encoded}")
    }
}

/// Google echoes the short forms the app asked for (`email`, `profile`) before the full
/// names in the redirect's `scope`.
fn redirect_scope(requested: Option<&str>, granted: &ScopeSet) -> String {
    let mut shorts: Vec<&str> = Vec::new();
    for name in requested.unwrap_or_default().split_whitespace() {
        if matches!(name, "email" | "profile") && granted.contains(name) && !shorts.contains(&name)
        {
            shorts.push(name);
        }
    }
    let full = granted.to_granted_string();
    if shorts.is_empty() {
        full
    } else {
        format!("{} {full}", shorts.join(" "))
    }
}

/// Where an approved request goes: back to the app, or (out-of-band) a page showing the
/// code for the user to copy into the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Approval {
    Redirect(String),
    ShowCode(String),
}

impl AuthorizeRequest {
    /// The out-of-band flow: no redirect, the code is shown to the user.
    pub fn is_out_of_band(&self) -> bool {
        is_out_of_band(&self.redirect_uri)
    }

    /// A redirect carrying an error (with `state`), for the errors Google sends back.
    pub fn error_redirect(&self, code: OAuthCode) -> String {
        let mut pairs = vec![("error", code.as_str())];
        if let Some(state) = self.params.state.as_deref() {
            pairs.push(("state", state));
        }
        redirect_with(
            &self.redirect_uri,
            &pairs,
            self.response_type == ResponseType::Token,
        )
    }

    /// Whether Google's "hasn't verified this app" warning comes before consent: an
    /// unverified app asking for more than sign-in scopes.
    pub fn needs_unverified_warning(&self) -> bool {
        self.screen.verification_status == VerificationStatus::Unverified
            && !self.scopes.is_identity_only()
    }
}

impl Authority {
    /// Checks everything about the request that does not depend on who is signed in.
    pub async fn validate_authorization(
        &self,
        params: AuthorizeParams,
    ) -> Result<AuthorizeRequest, AuthorizeFailure> {
        let Some(client_id) = non_empty(&params.client_id) else {
            return Err(page(
                OAuthCode::InvalidRequest,
                400,
                "Missing required parameter: client_id",
            ));
        };
        let client = match self.store.get_client(client_id).await {
            Ok(client) => client,
            Err(StoreError::NotFound) => {
                return Err(AuthorizeFailure::Page(OAuthError::client_not_found()));
            }
            Err(other) => return Err(other.into()),
        };
        if client.deleted_at.is_some() {
            return Err(AuthorizeFailure::Page(OAuthError::deleted_client()));
        }
        let Some(redirect_uri) = non_empty(&params.redirect_uri).map(str::to_owned) else {
            return Err(page(
                OAuthCode::InvalidRequest,
                400,
                "Missing required parameter: redirect_uri",
            ));
        };
        let redirect_ok = match client.client_type {
            ClientType::Web => {
                redirect_uri_matches_registered(&redirect_uri, &client.redirect_uris)
            }
            ClientType::Desktop => is_loopback_redirect(&redirect_uri).is_some(),
            ClientType::Tv => false,
        };
        // Google blocked the out-of-band flow for every app but Desktop apps in Testing.
        let redirect_ok = if is_out_of_band(&redirect_uri) {
            let testing = self
                .consent_screen(&client.project_id)
                .await?
                .publishing_status
                == PublishingStatus::Testing;
            if client.client_type != ClientType::Desktop || !testing {
                return Err(page(
                    OAuthCode::InvalidRequest,
                    400,
                    "The out-of-band (OOB) flow has been blocked in order to keep users secure.",
                ));
            }
            true
        } else {
            redirect_ok
        };
        if !redirect_ok {
            return Err(page(
                OAuthCode::RedirectUriMismatch,
                400,
                format!(
                    "You can't sign in to this app because it doesn't comply with the OAuth 2.0 \
                     policy. If you're the app developer, register the redirect URI in the \
                     console. redirect_uri={redirect_uri}"
                ),
            ));
        }
        let response_type = match non_empty(&params.response_type) {
            None => {
                return Err(page(
                    OAuthCode::InvalidRequest,
                    400,
                    "Required parameter is missing: response_type",
                ));
            }
            Some("code") => ResponseType::Code,
            Some("token") => ResponseType::Token,
            Some(other) => {
                return Err(page(
                    OAuthCode::UnsupportedResponseType,
                    400,
                    format!("Invalid response_type: {other}"),
                ));
            }
        };
        if response_type == ResponseType::Token && client.client_type != ClientType::Web {
            return Err(page(
                OAuthCode::UnauthorizedClient,
                401,
                "Client is unauthorized to retrieve access tokens using this method.",
            ));
        }
        let scopes = match non_empty(&params.scope) {
            None => {
                return Err(page(
                    OAuthCode::InvalidRequest,
                    400,
                    "Missing required parameter: scope",
                ));
            }
            Some(raw) => ScopeSet::parse(raw).map_err(|e| match e {
                ScopeError::Empty => page(
                    OAuthCode::InvalidRequest,
                    400,
                    "Missing required parameter: scope",
                ),
                other => page(OAuthCode::InvalidScope, 400, other.to_string()),
            })?,
        };
        let prompt = parse_prompt(&params)?;
        let offline = match non_empty(&params.access_type) {
            None | Some("online") => false,
            Some("offline") => true,
            Some(other) => {
                return Err(page(
                    OAuthCode::InvalidRequest,
                    400,
                    format!("Invalid access_type: {other}"),
                ));
            }
        };
        let pkce = match non_empty(&params.code_challenge) {
            None => {
                if non_empty(&params.code_challenge_method).is_some() {
                    return Err(page(
                        OAuthCode::InvalidRequest,
                        400,
                        "Missing required parameter: code_challenge",
                    ));
                }
                None
            }
            Some(challenge) => {
                let method = CodeChallengeMethod::parse(non_empty(&params.code_challenge_method))
                    .map_err(|e| page(OAuthCode::InvalidRequest, 400, e.to_string()))?;
                pkce::validate_code_challenge(challenge)
                    .map_err(|e| page(OAuthCode::InvalidRequest, 400, e.to_string()))?;
                Some((challenge.to_owned(), method))
            }
        };
        let project = self.store.get_project(&client.project_id).await?;
        let screen = self.consent_screen(&project.id).await?;
        Ok(AuthorizeRequest {
            include_granted_scopes: params.include_granted_scopes.as_deref() == Some("true"),
            client,
            project,
            screen,
            redirect_uri,
            response_type,
            scopes,
            offline,
            prompt,
            pkce,
            params,
        })
    }

    /// Who may authorize: Internal apps only their organisation (here, the project's owners),
    /// Testing apps only their test users.
    pub async fn check_audience(
        &self,
        request: &AuthorizeRequest,
        user: &User,
    ) -> Result<(), OAuthError> {
        self.check_app_audience(&request.project.id, &request.screen, user)
            .await
    }

    /// The same rule for the device flow.
    pub async fn check_device_audience(
        &self,
        pending: &crate::device::PendingDevice,
        user: &User,
    ) -> Result<(), OAuthError> {
        self.check_app_audience(&pending.project.id, &pending.screen, user)
            .await
    }

    async fn check_app_audience(
        &self,
        project_id: &str,
        screen: &ConsentScreen,
        user: &User,
    ) -> Result<(), OAuthError> {
        let is_owner = self
            .store
            .list_project_owners(project_id)
            .await?
            .contains(&user.id);
        match screen.user_type {
            UserType::Internal if !is_owner => {
                return Err(OAuthError::new(
                    OAuthCode::OrgInternal,
                    403,
                    format!(
                        "{} can only be used within its organization.",
                        screen.app_name
                    ),
                ));
            }
            UserType::Internal => return Ok(()),
            UserType::External => {}
        }
        if screen.publishing_status == PublishingStatus::Testing
            && !screen.test_users.contains(&user.email)
        {
            return Err(OAuthError::new(
                OAuthCode::AccessDenied,
                403,
                format!(
                    "{} has not completed the verification process. The app is currently \
                     being tested, and can only be accessed by developer-approved testers.",
                    screen.app_name
                ),
            ));
        }
        Ok(())
    }

    /// The user's live grant to the client, if any.
    pub async fn live_grant(
        &self,
        user: &User,
        client_id: &str,
    ) -> Result<Option<Grant>, StoreError> {
        let now = self.clock.now();
        Ok(self
            .store
            .find_grant(&user.id, client_id)
            .await?
            .filter(|g| g.is_live(now)))
    }

    /// Whether the consent page must be shown (otherwise the request is approved at once).
    pub async fn needs_consent(
        &self,
        request: &AuthorizeRequest,
        user: &User,
    ) -> Result<bool, StoreError> {
        if request.prompt.consent {
            return Ok(true);
        }
        let Some(grant) = self.live_grant(user, &request.client.client_id).await? else {
            return Ok(true);
        };
        let granted = ScopeSet::parse(&grant.scopes).unwrap_or_else(|_| ScopeSet::empty());
        // As at Google, a returning user is not asked again even for `access_type=offline`;
        // such a flow gets no new refresh token (apps ask with `prompt=consent` for one).
        Ok(!request.scopes.is_subset(&granted))
    }

    /// Records consent to `chosen` (a subset of the request) and sends the user back with a
    /// code or, in the implicit flow, an access token.
    pub async fn approve(
        &self,
        request: &AuthorizeRequest,
        user: &User,
        chosen: &ScopeSet,
        consent_shown: bool,
    ) -> Result<Approval, OAuthError> {
        let now = self.clock.now();
        let granted_now = chosen.intersection(&request.scopes);
        if granted_now.is_empty() {
            return Ok(Approval::Redirect(
                request.error_redirect(OAuthCode::AccessDenied),
            ));
        }
        let (grant, all_granted) = self
            .record_consent(
                user,
                &request.client.client_id,
                &request.project.id,
                &granted_now,
                consent_shown,
                crate::consent::is_testing(&request.screen),
            )
            .await?;
        let token_scopes = if request.include_granted_scopes {
            all_granted
        } else {
            granted_now
        };
        let scope_text = token_scopes.to_granted_string();
        let echoed_scope = redirect_scope(request.params.scope.as_deref(), &token_scopes);
        let prompt_value = if consent_shown { "consent" } else { "none" };
        let state = request.params.state.as_deref();
        match request.response_type {
            ResponseType::Code => {
                let code = secrets::new_authorization_code();
                self.store
                    .insert_auth_code(&AuthCode {
                        digest: secrets::digest(&code),
                        grant_id: grant.id.clone(),
                        client_id: request.client.client_id.clone(),
                        user_id: user.id.clone(),
                        redirect_uri: request.redirect_uri.clone(),
                        scopes: scope_text.clone(),
                        code_challenge: request.pkce.as_ref().map(|(c, _)| c.clone()),
                        code_challenge_method: request
                            .pkce
                            .as_ref()
                            .map(|(_, m)| m.as_str().to_owned()),
                        nonce: request.params.nonce.clone(),
                        // Google hands out a refresh token only when consent was shown.
                        offline: request.offline && consent_shown,
                        created_at: now,
                        expires_at: now + self.settings.code_lifetime,
                        used_at: None,
                    })
                    .await?;
                if request.is_out_of_band() {
                    return Ok(Approval::ShowCode(code));
                }
                let mut pairs = Vec::new();
                if let Some(state) = state {
                    pairs.push(("state", state));
                }
                pairs.extend([
                    ("iss", self.issuer.as_str()),
                    ("code", code.as_str()),
                    ("scope", echoed_scope.as_str()),
                    ("authuser", "0"),
                    ("prompt", prompt_value),
                ]);
                Ok(Approval::Redirect(redirect_with(
                    &request.redirect_uri,
                    &pairs,
                    false,
                )))
            }
            ResponseType::Token => {
                let issued = self
                    .issue_tokens(
                        &grant,
                        &token_scopes,
                        false,
                        None,
                        None,
                        request.params.nonce.as_deref(),
                    )
                    .await?;
                let expires_in = self
                    .settings
                    .access_token_lifetime
                    .whole_seconds()
                    .to_string();
                let mut pairs = Vec::new();
                if let Some(state) = state {
                    pairs.push(("state", state));
                }
                pairs.extend([
                    ("access_token", issued.access_token.as_str()),
                    ("token_type", "Bearer"),
                    ("expires_in", expires_in.as_str()),
                    ("scope", echoed_scope.as_str()),
                    ("authuser", "0"),
                    ("prompt", prompt_value),
                ]);
                Ok(Approval::Redirect(redirect_with(
                    &request.redirect_uri,
                    &pairs,
                    true,
                )))
            }
        }
    }
}
