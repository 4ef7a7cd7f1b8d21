//! `/console/projects/{project_id}/quotas`: the project's Library API quotas, what it used
//! of them today, and a form where an owner changes the three limits.

use albumen_api::AppState;
use albumen_core::project::Project;
use albumen_core::quota::QuotaLimits;
use albumen_library::quota::{self, QuotaError, QuotaUsage};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use axum_extra::extract::Form;
use maud::{Markup, html};
use serde::Deserialize;

use super::shared::{
    Failure, FieldError, Reply, console_failure, csrf_input, csrf_ok, error_under, moment, page,
    store_failure,
};
use super::{Section, project_nav};
use crate::csrf;
use crate::layout::internal_error_page;
use crate::session::SignedIn;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/console/projects/{project_id}/quotas",
        get(get_quotas).post(post_quotas),
    )
}

#[derive(Debug, Default, Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct QuotasForm {
    csrf_token: Option<String>,
    #[serde(default)]
    requests_per_day: String,
    #[serde(default)]
    media_bytes_per_day: String,
    #[serde(default)]
    writes_per_minute_per_user: String,
}

impl QuotasForm {
    fn from_limits(limits: &QuotaLimits) -> Self {
        Self {
            csrf_token: None,
            requests_per_day: limits.requests_per_day.to_string(),
            media_bytes_per_day: limits.media_bytes_per_day.to_string(),
            writes_per_minute_per_user: limits.writes_per_minute_per_user.to_string(),
        }
    }

    fn limits(&self) -> Result<QuotaLimits, QuotaError> {
        Ok(QuotaLimits {
            requests_per_day: quota::parse_limit("requests_per_day", &self.requests_per_day)?,
            media_bytes_per_day: quota::parse_limit(
                "media_bytes_per_day",
                &self.media_bytes_per_day,
            )?,
            writes_per_minute_per_user: quota::parse_limit(
                "writes_per_minute_per_user",
                &self.writes_per_minute_per_user,
            )?,
        })
    }
}

/// A field error beside its input, or the failure page for anything else.
fn field_error(err: QuotaError) -> Result<FieldError, Failure> {
    match err {
        QuotaError::Invalid { field, message } => Ok(FieldError::new(field, message)),
        QuotaError::Store(err) => Err(store_failure(err).into()),
        // Saving limits charges no quota; should it ever claim to, that is a bug.
        QuotaError::Exceeded { .. } => {
            tracing::error!(error = %err, "saving quota limits was refused for quota");
            Err(internal_error_page().into())
        }
    }
}

fn limit_input(
    name: &str,
    label: &str,
    note: &str,
    value: &str,
    error: Option<&FieldError>,
) -> Markup {
    html! {
        label for=(name) { (label) }
        p.muted { (note) }
        input id=(name) type="number" name=(name) value=(value) min="1"
            max=(quota::MAX_LIMIT) step="1" required;
        (error_under(error, name))
    }
}

fn quotas_page(
    signed_in: &SignedIn,
    status: StatusCode,
    project: &Project,
    usage: &QuotaUsage,
    draft: &QuotasForm,
    error: Option<&FieldError>,
    saved: bool,
) -> Reply {
    let limits = &usage.limits;
    let body = html! {
        (project_nav(project, Section::Quotas))
        div.card {
            h1 { "Photos Library API quotas" }
            @if saved { p.flash role="status" { "Saved." } }
            p.muted {
                "Daily quotas reset at midnight US Pacific time; the next reset is at "
                (moment(usage.day.end)) ". Calls refused for quota are not counted."
            }
            table {
                thead { tr { th { "Quota" } th { "Used today" } th { "Limit" } } }
                tbody {
                    tr #quota-requests {
                        td { "Requests per day (every API call, uploads included)" }
                        td { (usage.requests_today) }
                        td { (limits.requests_per_day) }
                    }
                    tr #quota-media-bytes {
                        td { "Media-byte requests per day (base URL fetches)" }
                        td { (usage.media_bytes_today) }
                        td { (limits.media_bytes_per_day) }
                    }
                    tr #quota-writes {
                        td { "Write requests per minute per user" }
                        td { "—" }
                        td { (limits.writes_per_minute_per_user) }
                    }
                }
            }
            @if !usage.custom { p.muted { "This project uses the default limits." } }
        }
        div.card {
            h2 { "Change limits" }
            form method="post" action=(format!("/console/projects/{}/quotas", project.id)) {
                (csrf_input(signed_in))
                (limit_input("requests_per_day", "Requests per day", "Google's default is 10,000.", &draft.requests_per_day, error))
                (limit_input("media_bytes_per_day", "Media-byte requests per day", "Google's default is 75,000.", &draft.media_bytes_per_day, error))
                (limit_input("writes_per_minute_per_user", "Write requests per minute per user", "Uploads, creating and changing items and albums, sharing.", &draft.writes_per_minute_per_user, error))
                div.actions { button type="submit" { "Save" } }
            }
        }
    };
    Ok(page(signed_in, status, "Quotas", body))
}

/// The project and its quota usage now.
async fn load(
    state: &AppState,
    signed_in: &SignedIn,
    project_id: &str,
) -> Result<(Project, QuotaUsage), Failure> {
    let project = state
        .authority
        .project_for(&signed_in.user, project_id)
        .await
        .map_err(console_failure)?;
    let usage = state
        .quotas
        .usage(state.clock.now(), &project.id)
        .await
        .map_err(store_failure)?;
    Ok((project, usage))
}

async fn get_quotas(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(project_id): Path<String>,
    Query(query): Query<SavedQuery>,
) -> Reply {
    let (project, usage) = load(&state, &signed_in, &project_id).await?;
    let draft = QuotasForm::from_limits(&usage.limits);
    quotas_page(
        &signed_in,
        StatusCode::OK,
        &project,
        &usage,
        &draft,
        None,
        query.saved.is_some(),
    )
}

async fn post_quotas(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(project_id): Path<String>,
    Form(form): Form<QuotasForm>,
) -> Reply {
    if !csrf_ok(&signed_in, form.csrf_token.as_deref()) {
        return Err(csrf::rejected().into());
    }
    let (project, usage) = load(&state, &signed_in, &project_id).await?;
    let saved = match form.limits() {
        Ok(limits) => quota::set_limits(state.store.as_ref(), &project.id, limits).await,
        Err(err) => Err(err),
    };
    let error = match saved {
        Ok(_) => {
            let to = format!("/console/projects/{}/quotas?saved=1", project.id);
            return Ok(Redirect::to(&to).into_response());
        }
        Err(err) => field_error(err)?,
    };
    quotas_page(
        &signed_in,
        StatusCode::BAD_REQUEST,
        &project,
        &usage,
        &form,
        Some(&error),
        false,
    )
}
