//! `albumen consent`: showing and changing a project's OAuth consent screen. Fields not
//! given keep their current values.

use albumen_core::consent::{ConsentScreen, PublishingStatus, UserType, VerificationStatus};
use albumen_oauth::console::ConsentSettings;
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Value, json};

use super::console::{Console, OutputArgs, console_error, no_project, store_error, timestamp};

#[derive(Debug, Args)]
pub struct ConsentArgs {
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(subcommand)]
    pub command: ConsentCommand,
}

#[derive(Debug, Subcommand)]
pub enum ConsentCommand {
    /// Change the consent screen; fields not given keep their values.
    Set {
        project_id: String,
        /// The app name users see.
        #[arg(long)]
        app_name: Option<String>,
        /// The user support email ("" clears it).
        #[arg(long)]
        support_email: Option<String>,
        /// An https:// or data:image/ logo URL ("" clears it).
        #[arg(long)]
        logo_url: Option<String>,
        /// Who may authorize: the project's owners only, or any account.
        #[arg(long, value_enum)]
        user_type: Option<Audience>,
        /// The publishing status.
        #[arg(long, value_enum)]
        status: Option<Status>,
        /// A test user; repeat for several. Replaces the list ("" alone clears it).
        #[arg(long = "test-user", value_name = "EMAIL")]
        test_users: Vec<String>,
        /// Mark the app verified (or not), standing in for Google's review.
        #[arg(long)]
        verified: Option<bool>,
    },
    /// Show the consent screen.
    Show { project_id: String },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Audience {
    Internal,
    External,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Status {
    Testing,
    Production,
}

pub async fn run(command: ConsentCommand, console: &Console) -> anyhow::Result<()> {
    match command {
        ConsentCommand::Set {
            project_id,
            app_name,
            support_email,
            logo_url,
            user_type,
            status,
            test_users,
            verified,
        } => {
            let admin = console.admin().await?;
            let current = current_screen(console, &project_id).await?;
            let settings = ConsentSettings {
                app_name: app_name.unwrap_or(current.app_name),
                support_email: support_email.unwrap_or(current.support_email),
                logo_url: logo_url.or(current.logo_url),
                user_type: match user_type {
                    Some(Audience::Internal) => UserType::Internal,
                    Some(Audience::External) => UserType::External,
                    None => current.user_type,
                },
                publishing_status: match status {
                    Some(Status::Testing) => PublishingStatus::Testing,
                    Some(Status::Production) => PublishingStatus::InProduction,
                    None => current.publishing_status,
                },
                test_users: if test_users.is_empty() {
                    current
                        .test_users
                        .iter()
                        .map(|email| email.as_str().to_owned())
                        .collect()
                } else {
                    test_users
                },
                verification_status: verified.map(|verified| {
                    if verified {
                        VerificationStatus::Verified
                    } else {
                        VerificationStatus::Unverified
                    }
                }),
            };
            let screen = console
                .authority
                .set_consent_screen(&admin, &project_id, settings)
                .await
                .map_err(|err| console_error(err, || no_project(&project_id)))?;
            console.emit(&screen_json(&screen), || {
                format!("Updated the consent screen of {}", summary(&screen))
            })
        }
        ConsentCommand::Show { project_id } => {
            let screen = current_screen(console, &project_id).await?;
            console.emit(&screen_json(&screen), || {
                format!("The consent screen of {}", summary(&screen))
            })
        }
    }
}

async fn current_screen(console: &Console, project_id: &str) -> anyhow::Result<ConsentScreen> {
    console
        .authority
        .consent_screen(project_id)
        .await
        .map_err(|err| store_error(err, || no_project(project_id)))
}

fn screen_json(screen: &ConsentScreen) -> Value {
    let test_users: Vec<&str> = screen.test_users.iter().map(|e| e.as_str()).collect();
    json!({
        "project_id": screen.project_id,
        "app_name": screen.app_name,
        "support_email": screen.support_email,
        "logo_url": screen.logo_url,
        "user_type": screen.user_type.as_str(),
        "publishing_status": screen.publishing_status.as_str(),
        "verification_status": screen.verification_status.as_str(),
        "test_users": test_users,
        "updated_at": timestamp(screen.updated_at),
    })
}

/// `my-app: "My App", external, production, unverified, 2 test users.`
fn summary(screen: &ConsentScreen) -> String {
    let testers = match screen.test_users.len() {
        1 => "1 test user".to_owned(),
        n => format!("{n} test users"),
    };
    format!(
        "{}: \"{}\", {}, {}, {}, {testers}.",
        screen.project_id,
        screen.app_name,
        screen.user_type.as_str(),
        screen.publishing_status.as_str(),
        screen.verification_status.as_str(),
    )
}
