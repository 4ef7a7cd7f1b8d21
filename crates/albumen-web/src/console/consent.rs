//! `/console/projects/{project_id}/consent`: the OAuth consent screen: branding, audience,
//! publishing status, test users and (administrators only) verification.

use albumen_api::AppState;
use albumen_core::consent::{ConsentScreen, PublishingStatus, UserType, VerificationStatus};
use albumen_core::project::Project;
use albumen_oauth::console::ConsentSettings;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use axum_extra::extract::Form;
use maud::{Markup, html};
use serde::Deserialize;

use super::shared::{
    Failure, FieldError, Reply, console_failure, csrf_input, csrf_ok, error_above, error_under,
    error_under_lines, line_values, page, store_failure, textarea_text,
};
use super::{Section, project_nav};
use crate::csrf;
use crate::session::SignedIn;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/console/projects/{project_id}/consent",
        get(get_consent).post(post_consent),
    )
}

#[derive(Debug, Default, Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct ConsentForm {
    csrf_token: Option<String>,
    #[serde(default)]
    app_name: String,
    #[serde(default)]
    support_email: String,
    #[serde(default)]
    logo_url: String,
    #[serde(default)]
    user_type: String,
    #[serde(default)]
    publishing_status: String,
    #[serde(default)]
    test_users: Vec<String>,
    verification_status: Option<String>,
}

const FIELDS: [&str; 7] = [
    "app_name",
    "support_email",
    "logo_url",
    "user_type",
    "publishing_status",
    "test_users",
    "verification_status",
];

impl ConsentForm {
    fn from_screen(screen: &ConsentScreen) -> Self {
        Self {
            csrf_token: None,
            app_name: screen.app_name.clone(),
            support_email: screen.support_email.clone(),
            logo_url: screen.logo_url.clone().unwrap_or_default(),
            user_type: screen.user_type.as_str().to_owned(),
            publishing_status: screen.publishing_status.as_str().to_owned(),
            test_users: screen
                .test_users
                .iter()
                .map(|email| email.as_str().to_owned())
                .collect(),
            verification_status: Some(screen.verification_status.as_str().to_owned()),
        }
    }

    /// The service's input. Only an administrator's form may set the verification status.
    fn settings(&self, is_admin: bool) -> Result<ConsentSettings, FieldError> {
        let user_type = UserType::parse(&self.user_type)
            .ok_or_else(|| FieldError::new("user_type", "Choose a user type."))?;
        let publishing_status = PublishingStatus::parse(&self.publishing_status)
            .ok_or_else(|| FieldError::new("publishing_status", "Choose a publishing status."))?;
        let verification_status = match self.verification_status.as_deref() {
            Some(raw) if is_admin => Some(VerificationStatus::parse(raw).ok_or_else(|| {
                FieldError::new("verification_status", "Choose a verification status.")
            })?),
            _ => None,
        };
        let logo_url = self.logo_url.trim();
        Ok(ConsentSettings {
            app_name: self.app_name.clone(),
            support_email: self.support_email.clone(),
            logo_url: (!logo_url.is_empty()).then(|| logo_url.to_owned()),
            user_type,
            publishing_status,
            test_users: line_values(&self.test_users),
            verification_status,
        })
    }
}

fn user_type_title(user_type: UserType) -> &'static str {
    match user_type {
        UserType::Internal => "Internal",
        UserType::External => "External",
    }
}

fn publishing_title(status: PublishingStatus) -> &'static str {
    match status {
        PublishingStatus::Testing => "Testing",
        PublishingStatus::InProduction => "In production",
    }
}

fn verification_title(status: VerificationStatus) -> &'static str {
    match status {
        VerificationStatus::Unverified => "Unverified",
        VerificationStatus::Verified => "Verified",
    }
}

/// A radio button with its label; its id is `{name}-{value}`.
fn radio(name: &str, value: &str, title: &str, note: &str, current: &str) -> Markup {
    let id = format!("{name}-{value}");
    html! {
        label for=(id) {
            input id=(id) type="radio" name=(name) value=(value) checked[current == value];
            " " strong { (title) } " " span.muted { (note) }
        }
    }
}

fn consent_page(
    signed_in: &SignedIn,
    status: StatusCode,
    project: &Project,
    screen: &ConsentScreen,
    draft: &ConsentForm,
    error: Option<&FieldError>,
    saved: bool,
) -> Reply {
    let testers = textarea_text(&draft.test_users);
    let verification = draft.verification_status.as_deref().unwrap_or_default();
    let body = html! {
        (project_nav(project, Section::Consent))
        div.card {
            h1 { "OAuth consent screen" }
            @if saved { p.flash role="status" { "Saved." } }
            table {
                tbody {
                    tr { th { "Publishing status" } td #current-publishing-status { (publishing_title(screen.publishing_status)) } }
                    tr { th { "User type" } td #current-user-type { (user_type_title(screen.user_type)) } }
                    tr { th { "Verification status" } td #current-verification-status { (verification_title(screen.verification_status)) } }
                }
            }
            @if screen.verification_status == VerificationStatus::Unverified {
                p.muted { "Users see a warning that Google hasn't verified this app before they can continue. An administrator of this server can mark the app verified." }
            }
        }
        div.card {
            h2 { "App information" }
            (error_above(error, &FIELDS))
            form method="post" action=(format!("/console/projects/{}/consent", project.id)) {
                (csrf_input(signed_in))
                label for="app_name" { "App name" }
                input #app_name type="text" name="app_name" value=(draft.app_name) required;
                (error_under(error, "app_name"))
                label for="support_email" { "User support email" }
                input #support_email type="email" name="support_email" value=(draft.support_email);
                (error_under(error, "support_email"))
                label for="logo_url" { "Logo URL" }
                input #logo_url type="url" name="logo_url" value=(draft.logo_url) placeholder="https://app.example.com/logo.png";
                (error_under(error, "logo_url"))
                fieldset {
                    legend { "User type" }
                    (radio("user_type", "internal", "Internal", "Only the project's owners can use the app.", &draft.user_type))
                    (radio("user_type", "external", "External", "Any account on this server can use the app.", &draft.user_type))
                }
                (error_under(error, "user_type"))
                fieldset {
                    legend { "Publishing status" }
                    (radio("publishing_status", "testing", "Testing", "Only test users can authorize; their grants expire after 7 days.", &draft.publishing_status))
                    (radio("publishing_status", "production", "In production", "Any user of the chosen type can authorize.", &draft.publishing_status))
                }
                (error_under(error, "publishing_status"))
                label for="test_users" { "Test users" }
                p.muted { "One email address per line, up to 100." }
                textarea #test_users name="test_users" { (testers) }
                (error_under_lines(error, "test_users", &testers))
                @if signed_in.user.is_admin {
                    label for="verification_status" { "Verification status (administrators only)" }
                    select #verification_status name="verification_status" {
                        @for status in [VerificationStatus::Unverified, VerificationStatus::Verified] {
                            option value=(status.as_str()) selected[verification == status.as_str()] {
                                (verification_title(status))
                            }
                        }
                    }
                    (error_under(error, "verification_status"))
                }
                div.actions { button type="submit" { "Save" } }
            }
        }
    };
    Ok(page(signed_in, status, "OAuth consent screen", body))
}

/// The project and its stored consent screen.
async fn load(
    state: &AppState,
    signed_in: &SignedIn,
    project_id: &str,
) -> Result<(Project, ConsentScreen), Failure> {
    let project = state
        .authority
        .project_for(&signed_in.user, project_id)
        .await
        .map_err(console_failure)?;
    let screen = state
        .authority
        .consent_screen(&project.id)
        .await
        .map_err(store_failure)?;
    Ok((project, screen))
}

async fn get_consent(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(project_id): Path<String>,
    Query(query): Query<SavedQuery>,
) -> Reply {
    let (project, screen) = load(&state, &signed_in, &project_id).await?;
    let draft = ConsentForm::from_screen(&screen);
    consent_page(
        &signed_in,
        StatusCode::OK,
        &project,
        &screen,
        &draft,
        None,
        query.saved.is_some(),
    )
}

async fn post_consent(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(project_id): Path<String>,
    Form(form): Form<ConsentForm>,
) -> Reply {
    if !csrf_ok(&signed_in, form.csrf_token.as_deref()) {
        return Err(csrf::rejected().into());
    }
    let error = match form.settings(signed_in.user.is_admin) {
        Err(error) => error,
        Ok(settings) => {
            let saved = state
                .authority
                .set_consent_screen(&signed_in.user, &project_id, settings)
                .await;
            match saved {
                Ok(screen) => {
                    let to = format!("/console/projects/{}/consent?saved=1", screen.project_id);
                    return Ok(Redirect::to(&to).into_response());
                }
                Err(err) => FieldError::from_console(err)?,
            }
        }
    };
    let (project, screen) = load(&state, &signed_in, &project_id).await?;
    consent_page(
        &signed_in,
        StatusCode::BAD_REQUEST,
        &project,
        &screen,
        &form,
        Some(&error),
        false,
    )
}
