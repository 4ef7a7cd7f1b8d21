//! The device flow (TVs and limited-input devices): starting an authorization, the user's
//! decision on the `/device` page, and the polling grant with Google's pending, slow-down,
//! denied and expired answers.

use albumen_core::StoreError;
use albumen_core::client::{ClientType, OAuthClient};
use albumen_core::consent::ConsentScreen;
use albumen_core::grant::{DeviceAuthorization, DeviceStatus};
use albumen_core::project::Project;
use albumen_core::user::User;
use serde::Serialize;

use crate::authority::Authority;
use crate::error::{OAuthCode, OAuthError};
use crate::rules::scope::{ScopeError, ScopeSet};
use crate::secrets;
use crate::token::{TokenParams, TokenResponse};

/// The scopes Google lets limited-input devices request: sign-in and the Picker.
/// (Whether the Picker scope is on Google's list is unconfirmed; it is the plausible reading,
/// since the Picker's `requestId` exists for such devices.)
pub fn device_scope_allow_list() -> ScopeSet {
    ScopeSet::parse(
        "openid email profile https://www.googleapis.com/auth/photospicker.mediaitems.readonly",
    )
    .unwrap_or_else(|_| ScopeSet::empty())
}

/// The `/device/code` answer, with Google's `verification_url` (not RFC 8628's `_uri`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DeviceCodeResponse {
    pub device_code: String,
    pub user_code: String,
    pub expires_in: i64,
    pub interval: i64,
    pub verification_url: String,
}

/// A pending authorization as the `/device` page shows it.
#[derive(Debug, Clone)]
pub struct PendingDevice {
    pub device: DeviceAuthorization,
    pub client: OAuthClient,
    pub project: Project,
    pub screen: ConsentScreen,
    pub scopes: ScopeSet,
}

/// `abcd efgh`, `ABCDEFGH` and `ABCD-EFGH` all mean `ABCD-EFGH`.
pub fn normalize_user_code(raw: &str) -> String {
    let letters: String = raw
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    match (letters.get(..4), letters.get(4..)) {
        (Some(head), Some(tail)) if !tail.is_empty() => format!("{head}-{tail}"),
        _ => letters,
    }
}

/// A second answer to the same code (a double click, say) is the user's mistake, not ours.
fn already_decided(err: StoreError) -> OAuthError {
    match err {
        StoreError::Conflict { .. } => {
            OAuthError::invalid_request("That code has already been used.")
        }
        other => other.into(),
    }
}

impl Authority {
    pub async fn start_device_authorization(
        &self,
        client_id: Option<&str>,
        scope: Option<&str>,
    ) -> Result<DeviceCodeResponse, OAuthError> {
        let client_id = client_id
            .filter(|c| !c.is_empty())
            .ok_or_else(|| OAuthError::missing("client_id"))?;
        let client = self.active_client(client_id).await?;
        if client.client_type != ClientType::Tv {
            return Err(OAuthError::new(
                OAuthCode::InvalidClient,
                401,
                "Invalid client type.",
            ));
        }
        let scopes = match scope.filter(|s| !s.trim().is_empty()) {
            None => return Err(OAuthError::missing("scope")),
            Some(raw) => ScopeSet::parse(raw).map_err(|e| match e {
                ScopeError::Empty => OAuthError::missing("scope"),
                other => OAuthError::new(OAuthCode::InvalidScope, 400, other.to_string()),
            })?,
        };
        if !scopes.is_subset(&device_scope_allow_list()) {
            return Err(OAuthError::new(
                OAuthCode::InvalidScope,
                400,
                "Invalid device scope.",
            ));
        }
        let now = self.clock.now();
        let device_code = secrets::new_device_code();
        // User codes are unique among stored authorizations; redraw on the rare collision.
        for _ in 0..5 {
            let user_code = secrets::new_user_code();
            let device = DeviceAuthorization {
                device_digest: secrets::digest(&device_code),
                user_code: user_code.clone(),
                client_id: client.client_id.clone(),
                scopes: scopes.to_granted_string(),
                created_at: now,
                expires_at: now + self.settings.device_code_lifetime,
                interval_seconds: self.settings.device_poll_interval.whole_seconds(),
                last_polled_at: None,
                status: DeviceStatus::Pending,
                user_id: None,
                grant_id: None,
            };
            match self.store.insert_device_authorization(&device).await {
                Ok(()) => {
                    return Ok(DeviceCodeResponse {
                        device_code,
                        user_code,
                        expires_in: self.settings.device_code_lifetime.whole_seconds(),
                        interval: device.interval_seconds,
                        verification_url: format!("{}/device", self.issuer),
                    });
                }
                Err(StoreError::Conflict { .. }) => continue,
                Err(other) => return Err(other.into()),
            }
        }
        Err(OAuthError::server_error())
    }

    /// The pending, unexpired authorization a user code names, if any.
    pub async fn pending_device(
        &self,
        user_code: &str,
    ) -> Result<Option<PendingDevice>, StoreError> {
        let device = match self
            .store
            .get_device_by_user_code(&normalize_user_code(user_code))
            .await
        {
            Ok(device) => device,
            Err(StoreError::NotFound) => return Ok(None),
            Err(other) => return Err(other),
        };
        if device.status != DeviceStatus::Pending || device.expires_at <= self.clock.now() {
            return Ok(None);
        }
        let client = self.store.get_client(&device.client_id).await?;
        if client.deleted_at.is_some() {
            return Ok(None);
        }
        let project = self.store.get_project(&client.project_id).await?;
        let screen = self.consent_screen(&project.id).await?;
        let scopes = ScopeSet::parse(&device.scopes).unwrap_or_else(|_| ScopeSet::empty());
        Ok(Some(PendingDevice {
            device,
            client,
            project,
            screen,
            scopes,
        }))
    }

    /// Records the user's answer on the `/device` page.
    pub async fn decide_device(
        &self,
        pending: &PendingDevice,
        user: &User,
        approve: bool,
    ) -> Result<(), OAuthError> {
        if !approve {
            return self
                .store
                .decide_device(&pending.device.device_digest, None)
                .await
                .map_err(already_decided);
        }
        let (grant, _) = self
            .record_consent(
                user,
                &pending.client.client_id,
                &pending.project.id,
                &pending.scopes,
                true,
                crate::consent::is_testing(&pending.screen),
            )
            .await?;
        self.store
            .decide_device(
                &pending.device.device_digest,
                Some((&user.id, grant.id.as_str())),
            )
            .await
            .map_err(already_decided)
    }

    pub(crate) async fn exchange_device_code(
        &self,
        client: &OAuthClient,
        params: &TokenParams,
    ) -> Result<TokenResponse, OAuthError> {
        let code = params
            .device_code
            .as_deref()
            .filter(|c| !c.is_empty())
            .ok_or_else(|| OAuthError::missing("device_code"))?;
        let digest = secrets::digest(code);
        let device = match self.store.get_device_by_digest(&digest).await {
            Ok(device) if device.client_id == client.client_id => device,
            Ok(_) | Err(StoreError::NotFound) => {
                return Err(OAuthError::invalid_grant("Malformed auth code."));
            }
            Err(other) => return Err(other.into()),
        };
        let now = self.clock.now();
        if device.expires_at <= now || device.status == DeviceStatus::Consumed {
            return Err(OAuthError::new(OAuthCode::ExpiredToken, 400, "Expired"));
        }
        match device.status {
            DeviceStatus::Denied => {
                return Err(OAuthError::new(OAuthCode::AccessDenied, 403, "Forbidden"));
            }
            DeviceStatus::Pending => {
                let previous = self.store.record_device_poll(&digest, now).await?;
                let too_soon = previous
                    .is_some_and(|at| now - at < time::Duration::seconds(device.interval_seconds));
                return Err(if too_soon {
                    OAuthError::new(OAuthCode::SlowDown, 403, "Forbidden")
                } else {
                    OAuthError::new(
                        OAuthCode::AuthorizationPending,
                        428,
                        "Precondition Required",
                    )
                });
            }
            DeviceStatus::Approved | DeviceStatus::Consumed => {}
        }
        let device = match self.store.consume_device(&digest).await {
            Ok(device) => device,
            Err(StoreError::Conflict { .. }) => {
                return Err(OAuthError::new(OAuthCode::ExpiredToken, 400, "Expired"));
            }
            Err(other) => return Err(other.into()),
        };
        let grant_id = device.grant_id.ok_or_else(OAuthError::server_error)?;
        let grant = self.live_grant_by_id(&grant_id).await?;
        let scopes = ScopeSet::parse(&device.scopes).map_err(|_| OAuthError::server_error())?;
        self.issue_tokens(&grant, &scopes, true, None, None, None)
            .await
            .map(|issued| issued.response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_codes_are_read_generously() {
        assert_eq!(normalize_user_code("abcd efgh"), "ABCD-EFGH");
        assert_eq!(normalize_user_code("ABCDEFGH"), "ABCD-EFGH");
        assert_eq!(normalize_user_code(" ABCD-EFGH "), "ABCD-EFGH");
        assert_eq!(normalize_user_code("abc"), "ABC");
    }

    #[test]
    fn the_device_allow_list_has_sign_in_and_the_picker_only() {
        let allowed = device_scope_allow_list();
        assert!(allowed.contains("openid"));
        assert!(
            allowed.contains("https://www.googleapis.com/auth/photospicker.mediaitems.readonly")
        );
        assert!(!allowed.contains("https://www.googleapis.com/auth/photoslibrary.appendonly"));
    }
}
