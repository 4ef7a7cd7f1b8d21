//! The OAuth consent screen of a project: branding, audience and verification.

use time::OffsetDateTime;

use crate::user::Email;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserType {
    /// Only users of the project's organisation (here: the project's owners).
    Internal,
    /// Any account, subject to the publishing status.
    External,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishingStatus {
    /// Only listed test users may authorize; grants expire 7 days after consent.
    Testing,
    InProduction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerificationStatus {
    Unverified,
    Verified,
}

macro_rules! text_enum {
    ($ty:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),* }
            }
            pub fn parse(raw: &str) -> Option<Self> {
                match raw { $($text => Some(Self::$variant),)* _ => None }
            }
        }
    };
}

text_enum!(UserType { Internal = "internal", External = "external" });
text_enum!(PublishingStatus { Testing = "testing", InProduction = "production" });
text_enum!(VerificationStatus { Unverified = "unverified", Verified = "verified" });

/// The consent screen. Every project has one (defaults until configured).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentScreen {
    pub project_id: String,
    pub app_name: String,
    pub support_email: String,
    /// An https (or data:) URL of the logo shown on the consent page.
    pub logo_url: Option<String>,
    pub user_type: UserType,
    pub publishing_status: PublishingStatus,
    pub verification_status: VerificationStatus,
    pub test_users: Vec<Email>,
    pub updated_at: OffsetDateTime,
}

impl ConsentScreen {
    /// At most this many test users, as Google allows.
    pub const MAX_TEST_USERS: usize = 100;

    /// A fresh project's screen: External, Testing, unverified, named after the project.
    pub fn default_for(project_id: &str, project_name: &str, now: OffsetDateTime) -> Self {
        Self {
            project_id: project_id.to_owned(),
            app_name: project_name.to_owned(),
            support_email: String::new(),
            logo_url: None,
            user_type: UserType::External,
            publishing_status: PublishingStatus::Testing,
            verification_status: VerificationStatus::Unverified,
            test_users: Vec::new(),
            updated_at: now,
        }
    }
}
