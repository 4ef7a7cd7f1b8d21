//! The token endpoint: client authentication, the `authorization_code`, `refresh_token` and
//! device-code grants, and minting access, refresh and ID tokens.

use albumen_core::StoreError;
use albumen_core::client::{ClientType, OAuthClient};
use albumen_core::grant::{Grant, IssuedToken, TokenKind};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::authority::Authority;
use crate::error::{OAuthCode, OAuthError};
use crate::keys;
use crate::rules::pkce::{self, CodeChallengeMethod};
use crate::rules::scope::ScopeSet;
use crate::secrets;

pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The form fields of a token request (all optional on the wire).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TokenParams {
    pub grant_type: Option<String>,
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_verifier: Option<String>,
    pub refresh_token: Option<String>,
    pub device_code: Option<String>,
    pub scope: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

/// Client credentials from an HTTP Basic header, when one was sent.
#[derive(Debug, Clone, Default)]
pub struct BasicCredentials {
    pub client_id: String,
    pub client_secret: String,
}

/// The token endpoint's success body, in Google's field order.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TokenResponse {
    pub access_token: String,
    pub expires_in: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token_expires_in: Option<i64>,
    pub scope: String,
    pub token_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.is_empty())
}

/// Google's `at_hash`: base64url of the left half of SHA-256 of the access token.
fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(digest.get(..16).unwrap_or_default())
}

impl Authority {
    /// Identifies and authenticates the client by Basic header or form fields.
    pub async fn authenticate_client(
        &self,
        params: &TokenParams,
        basic: Option<&BasicCredentials>,
    ) -> Result<OAuthClient, OAuthError> {
        let (client_id, secret) = match basic {
            Some(basic) => {
                if non_empty(&params.client_id).is_some_and(|id| id != basic.client_id) {
                    return Err(OAuthError::invalid_request(
                        "client_id in the body does not match the Authorization header.",
                    ));
                }
                (basic.client_id.as_str(), Some(basic.client_secret.as_str()))
            }
            None => (
                non_empty(&params.client_id).ok_or_else(|| OAuthError::missing("client_id"))?,
                non_empty(&params.client_secret),
            ),
        };
        let client = self.active_client(client_id).await?;
        let Some(secret) = secret.filter(|s| !s.is_empty()) else {
            return Err(OAuthError::invalid_request("client_secret is missing."));
        };
        let offered = secrets::digest(secret);
        let matches = self
            .store
            .list_client_secrets(&client.client_id)
            .await?
            .iter()
            .filter(|s| s.disabled_at.is_none())
            .fold(false, |found, s| {
                found | secrets::constant_time_eq(&s.digest, &offered)
            });
        if !matches {
            return Err(OAuthError::bad_client_secret());
        }
        Ok(client)
    }

    /// The client, unless unknown (`invalid_client`) or deleted (`deleted_client`).
    pub async fn active_client(&self, client_id: &str) -> Result<OAuthClient, OAuthError> {
        match self.store.get_client(client_id).await {
            Ok(client) if client.deleted_at.is_some() => Err(OAuthError::deleted_client()),
            Ok(client) => Ok(client),
            Err(StoreError::NotFound) => Err(OAuthError::client_not_found()),
            Err(other) => Err(other.into()),
        }
    }

    /// Runs a token request.
    pub async fn exchange(
        &self,
        params: &TokenParams,
        basic: Option<&BasicCredentials>,
    ) -> Result<TokenResponse, OAuthError> {
        let grant_type =
            non_empty(&params.grant_type).ok_or_else(|| OAuthError::missing("grant_type"))?;
        if !matches!(
            grant_type,
            "authorization_code" | "refresh_token" | DEVICE_CODE_GRANT
        ) {
            return Err(OAuthError::new(
                OAuthCode::UnsupportedGrantType,
                400,
                format!("Invalid grant_type: {grant_type}"),
            ));
        }
        let client = self.authenticate_client(params, basic).await?;
        match grant_type {
            "authorization_code" => self.exchange_code(&client, params).await,
            "refresh_token" => self.exchange_refresh_token(&client, params).await,
            _ => self.exchange_device_code(&client, params).await,
        }
    }

    async fn exchange_code(
        &self,
        client: &OAuthClient,
        params: &TokenParams,
    ) -> Result<TokenResponse, OAuthError> {
        let code = non_empty(&params.code).ok_or_else(|| OAuthError::missing("code"))?;
        if !code.starts_with("4/") {
            return Err(OAuthError::invalid_grant("Malformed auth code."));
        }
        let redirect_uri =
            non_empty(&params.redirect_uri).ok_or_else(|| OAuthError::missing("redirect_uri"))?;
        let now = self.clock.now();
        let digest = secrets::digest(code);
        let stored = match self.store.take_auth_code(&digest, now).await {
            Ok(stored) => stored,
            Err(StoreError::NotFound) => {
                return Err(OAuthError::invalid_grant("Malformed auth code."));
            }
            Err(StoreError::Conflict { .. }) => {
                // A replayed code is a sign of theft: revoke what it issued.
                self.store.revoke_tokens_from_code(&digest, now).await?;
                return Err(OAuthError::invalid_grant("Bad Request"));
            }
            Err(other) => return Err(other.into()),
        };
        if stored.expires_at <= now || stored.client_id != client.client_id {
            return Err(OAuthError::invalid_grant("Bad Request"));
        }
        if stored.redirect_uri != redirect_uri {
            return Err(OAuthError::new(
                OAuthCode::RedirectUriMismatch,
                400,
                "Bad Request",
            ));
        }
        if stored.code_challenge.is_none() && non_empty(&params.code_verifier).is_some() {
            // A verifier for a request that sent no challenge: refuse rather than ignore.
            return Err(OAuthError::invalid_request(
                "code_verifier or verifier is not needed.",
            ));
        }
        if let Some(challenge) = &stored.code_challenge {
            let verifier = non_empty(&params.code_verifier)
                .ok_or_else(|| OAuthError::invalid_grant("Missing code verifier."))?;
            let method = CodeChallengeMethod::parse(stored.code_challenge_method.as_deref())
                .map_err(|_| OAuthError::server_error())?;
            if pkce::validate_code_verifier(verifier).is_err()
                || !pkce::verify(method, challenge, verifier)
            {
                return Err(OAuthError::invalid_grant("Bad Request"));
            }
        }
        let grant = self.live_grant_by_id(&stored.grant_id).await?;
        let scopes = ScopeSet::parse(&stored.scopes).map_err(|_| OAuthError::server_error())?;
        self.issue_tokens(
            &grant,
            &scopes,
            stored.offline,
            Some(&digest),
            None,
            stored.nonce.as_deref(),
        )
        .await
        .map(|issued| issued.response)
    }

    async fn exchange_refresh_token(
        &self,
        client: &OAuthClient,
        params: &TokenParams,
    ) -> Result<TokenResponse, OAuthError> {
        let refresh =
            non_empty(&params.refresh_token).ok_or_else(|| OAuthError::missing("refresh_token"))?;
        let dead = || OAuthError::invalid_grant("Token has been expired or revoked.");
        let digest = secrets::digest(refresh);
        let token = match self.store.get_token(&digest).await {
            Ok(token) if token.kind == TokenKind::Refresh => token,
            Ok(_) | Err(StoreError::NotFound) => return Err(dead()),
            Err(other) => return Err(other.into()),
        };
        if token.client_id != client.client_id {
            return Err(OAuthError::new(
                OAuthCode::UnauthorizedClient,
                401,
                "Unauthorized",
            ));
        }
        if token.revoked_at.is_some() {
            return Err(dead());
        }
        let grant = self
            .live_grant_by_id(&token.grant_id)
            .await
            .map_err(|_| dead())?;
        let held = ScopeSet::parse(&token.scopes).map_err(|_| OAuthError::server_error())?;
        let scopes = match non_empty(&params.scope) {
            None => held,
            Some(raw) => {
                let asked = ScopeSet::parse(raw)
                    .map_err(|e| OAuthError::new(OAuthCode::InvalidScope, 400, e.to_string()))?;
                if !asked.is_subset(&held) {
                    return Err(OAuthError::new(OAuthCode::InvalidScope, 400, "Bad Request"));
                }
                asked
            }
        };
        self.issue_tokens(&grant, &scopes, false, None, Some(&digest), None)
            .await
            .map(|issued| issued.response)
    }

    /// The grant, if it is still live (`invalid_grant` otherwise).
    pub(crate) async fn live_grant_by_id(&self, id: &str) -> Result<Grant, OAuthError> {
        let grant = match self.store.get_grant(id).await {
            Ok(grant) => grant,
            Err(StoreError::NotFound) => return Err(OAuthError::invalid_grant("Bad Request")),
            Err(other) => return Err(other.into()),
        };
        if !grant.is_live(self.clock.now()) {
            return Err(OAuthError::invalid_grant(
                "Token has been expired or revoked.",
            ));
        }
        Ok(grant)
    }

    /// Mints an access token (and a refresh token when `offline`, and an ID token when
    /// `openid` is among the scopes) under `grant`.
    pub(crate) async fn issue_tokens(
        &self,
        grant: &Grant,
        scopes: &ScopeSet,
        offline: bool,
        from_code: Option<&str>,
        from_refresh: Option<&str>,
        nonce: Option<&str>,
    ) -> Result<Issued, OAuthError> {
        let now = self.clock.now();
        // A disabled (or deleted) user's grants mint nothing, ID tokens least of all.
        let user = match self.store.get_user(&grant.user_id).await {
            Ok(user) if !user.disabled => user,
            Ok(_) | Err(StoreError::NotFound) => {
                return Err(OAuthError::invalid_grant(
                    "Token has been expired or revoked.",
                ));
            }
            Err(other) => return Err(other.into()),
        };
        let access_token = secrets::new_access_token();
        let scope_text = scopes.to_granted_string();
        let template = IssuedToken {
            digest: String::new(),
            kind: TokenKind::Access,
            grant_id: grant.id.clone(),
            client_id: grant.client_id.clone(),
            project_id: grant.project_id.clone(),
            user_id: grant.user_id.clone(),
            scopes: scope_text.clone(),
            offline: offline || from_refresh.is_some(),
            created_at: now,
            expires_at: None,
            revoked_at: None,
            from_code: from_code.map(str::to_owned),
            from_refresh: from_refresh.map(str::to_owned),
        };
        let refresh_token = if offline {
            let refresh = secrets::new_refresh_token();
            self.store
                .insert_token(&IssuedToken {
                    digest: secrets::digest(&refresh),
                    kind: TokenKind::Refresh,
                    ..template.clone()
                })
                .await?;
            Some(refresh)
        } else {
            None
        };
        let access_expiry = now + self.settings.access_token_lifetime;
        self.store
            .insert_token(&IssuedToken {
                digest: secrets::digest(&access_token),
                expires_at: Some(access_expiry),
                ..template
            })
            .await?;
        let id_token = if scopes.contains("openid") {
            let mut claims = json!({
                "iss": self.issuer,
                "azp": grant.client_id,
                "aud": grant.client_id,
                "sub": user.id.as_str(),
                "at_hash": at_hash(&access_token),
                "iat": now.unix_timestamp(),
                "exp": access_expiry.unix_timestamp() + 1,
            });
            if let Some(map) = claims.as_object_mut() {
                if scopes.contains("email") {
                    map.insert("email".into(), json!(user.email.as_str()));
                    map.insert("email_verified".into(), json!(true));
                }
                if scopes.contains("profile") {
                    crate::introspect::insert_names(map, &user);
                }
                if let Some(nonce) = nonce {
                    map.insert("nonce".into(), json!(nonce));
                }
            }
            Some(
                keys::sign_jwt(self.store.as_ref(), &claims)
                    .await
                    .map_err(|_| OAuthError::server_error())?,
            )
        } else {
            None
        };
        let refresh_token_expires_in = match (&refresh_token, grant.expires_at) {
            (Some(_), Some(until)) => Some((until - now).whole_seconds().max(0)),
            _ => None,
        };
        Ok(Issued {
            access_token: access_token.clone(),
            response: TokenResponse {
                access_token,
                expires_in: self.settings.access_token_lifetime.whole_seconds(),
                refresh_token,
                refresh_token_expires_in,
                scope: scope_text,
                token_type: "Bearer",
                id_token,
            },
        })
    }

    /// Mints tokens without a browser, for an administrator's scripts and CI: records the
    /// user's consent to `scopes` for the client and returns the token endpoint's JSON.
    pub async fn mint_tokens(
        &self,
        user: &albumen_core::user::User,
        client_id: &str,
        scopes: &ScopeSet,
    ) -> Result<TokenResponse, OAuthError> {
        if user.disabled {
            return Err(OAuthError::invalid_grant("The user account is disabled."));
        }
        let client = self.active_client(client_id).await?;
        if client.client_type == ClientType::Tv
            && !scopes.is_subset(&crate::device::device_scope_allow_list())
        {
            return Err(OAuthError::new(
                OAuthCode::InvalidScope,
                400,
                "Invalid device scope.",
            ));
        }
        let screen = self.consent_screen(&client.project_id).await?;
        let (grant, _) = self
            .record_consent(
                user,
                &client.client_id,
                &client.project_id,
                scopes,
                true,
                crate::consent::is_testing(&screen),
            )
            .await?;
        Ok(self
            .issue_tokens(&grant, scopes, true, None, None, None)
            .await?
            .response)
    }
}

/// Tokens just minted.
#[derive(Debug, Clone)]
pub struct Issued {
    pub access_token: String,
    pub response: TokenResponse,
}
