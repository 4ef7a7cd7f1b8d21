//! Recording a user's consent to a client: one live grant per user and client, widened by
//! each new consent, ended after 7 days for Testing apps. A dead grant (revoked or expired)
//! is deleted with its codes and tokens before consent starts anew, so nothing issued under
//! it can come back to life.

use albumen_core::consent::{ConsentScreen, PublishingStatus, UserType};
use albumen_core::grant::Grant;
use albumen_core::user::User;

use crate::authority::Authority;
use crate::error::OAuthError;
use crate::rules::scope::ScopeSet;
use crate::secrets;

/// Whether the screen's grants end after the Testing lifetime.
pub(crate) fn is_testing(screen: &ConsentScreen) -> bool {
    screen.publishing_status == PublishingStatus::Testing && screen.user_type == UserType::External
}

impl Authority {
    /// Records consent to `granted_now` and returns the grant and every scope it now holds.
    pub(crate) async fn record_consent(
        &self,
        user: &User,
        client_id: &str,
        project_id: &str,
        granted_now: &ScopeSet,
        consent_shown: bool,
        testing: bool,
    ) -> Result<(Grant, ScopeSet), OAuthError> {
        let now = self.clock.now();
        let existing = self.store.find_grant(&user.id, client_id).await?;
        let live = match existing {
            Some(grant) if grant.is_live(now) => Some(grant),
            Some(dead) => {
                self.store.delete_grant(&dead.id).await?;
                None
            }
            None => None,
        };
        let previously = live
            .as_ref()
            .and_then(|g| ScopeSet::parse(&g.scopes).ok())
            .unwrap_or_else(ScopeSet::empty);
        let all = previously.union(granted_now);
        let consented_at = match &live {
            Some(grant) if !consent_shown => grant.consented_at,
            _ => now,
        };
        let grant = Grant {
            id: live
                .as_ref()
                .map_or_else(|| secrets::new_opaque(24), |g| g.id.clone()),
            user_id: user.id.clone(),
            client_id: client_id.to_owned(),
            project_id: project_id.to_owned(),
            scopes: all.to_granted_string(),
            consented_at,
            // Testing-mode grants end 7 days after consent, except sign-in-only ones.
            expires_at: (testing && !all.is_identity_only())
                .then(|| consented_at + self.settings.testing_grant_lifetime),
            revoked_at: None,
        };
        self.store.put_grant(&grant).await?;
        Ok((grant, all))
    }
}
