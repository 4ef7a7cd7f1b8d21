//! `/console`: the user's projects and the form creating one; and a project's overview page.

use albumen_api::AppState;
use albumen_core::project::Project;
use albumen_core::user::User;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum_extra::extract::Form;
use maud::{Markup, html};
use serde::Deserialize;

use super::shared::{
    FieldError, Reply, console_failure, csrf_input, csrf_ok, day, error_above, error_under, page,
    store_failure,
};
use super::{Section, project_nav};
use crate::csrf;
use crate::session::SignedIn;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console", get(get_console))
        .route("/console/projects", post(post_project))
        .route("/console/projects/{project_id}", get(get_project))
        .route("/console/projects/{project_id}/owners", post(post_owner))
}

#[derive(Debug, Default, Deserialize)]
struct ProjectForm {
    csrf_token: Option<String>,
    #[serde(default)]
    project_id: String,
    #[serde(default)]
    name: String,
}

const FIELDS: [&str; 2] = ["project_id", "name"];

fn console_page(
    signed_in: &SignedIn,
    status: StatusCode,
    projects: &[Project],
    draft: &ProjectForm,
    error: Option<&FieldError>,
) -> Reply {
    let body = html! {
        div.card {
            h1 { "Your projects" }
            @if projects.is_empty() {
                p.muted { "You have no projects yet. Create one to register OAuth clients." }
            } @else {
                table {
                    thead { tr { th { "Name" } th { "Project ID" } th { "Number" } th { "Created" } } }
                    tbody {
                        @for project in projects {
                            tr {
                                td { a href=(format!("/console/projects/{}", project.id)) { (project.name) } }
                                td { code { (project.id) } }
                                td { (project.number) }
                                td { (day(project.created_at)) }
                            }
                        }
                    }
                }
            }
        }
        div.card {
            h2 { "Create a project" }
            (error_above(error, &FIELDS))
            form method="post" action="/console/projects" {
                (csrf_input(signed_in))
                label for="project_id" { "Project ID" }
                input #project_id type="text" name="project_id" value=(draft.project_id) required
                    placeholder="my-photo-app" autocomplete="off";
                p.muted { "6 to 30 lowercase letters, digits or hyphens, starting with a letter. It cannot be changed later." }
                (error_under(error, "project_id"))
                label for="name" { "Project name" }
                input #name type="text" name="name" value=(draft.name) required;
                (error_under(error, "name"))
                div.actions { button type="submit" { "Create project" } }
            }
        }
    };
    Ok(page(signed_in, status, "Console", body))
}

async fn get_console(State(state): State<AppState>, signed_in: SignedIn) -> Reply {
    let projects = state
        .authority
        .projects_of(&signed_in.user.id)
        .await
        .map_err(store_failure)?;
    console_page(
        &signed_in,
        StatusCode::OK,
        &projects,
        &ProjectForm::default(),
        None,
    )
}

async fn post_project(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<ProjectForm>,
) -> Reply {
    if !csrf_ok(&signed_in, form.csrf_token.as_deref()) {
        return Err(csrf::rejected().into());
    }
    let created = state
        .authority
        .create_project(&signed_in.user, &form.project_id, &form.name)
        .await;
    match created {
        Ok(project) => {
            Ok(Redirect::to(&format!("/console/projects/{}", project.id)).into_response())
        }
        Err(err) => {
            let error = FieldError::from_console(err)?;
            let projects = state
                .authority
                .projects_of(&signed_in.user.id)
                .await
                .map_err(store_failure)?;
            console_page(
                &signed_in,
                StatusCode::BAD_REQUEST,
                &projects,
                &form,
                Some(&error),
            )
        }
    }
}

fn owners_card(
    signed_in: &SignedIn,
    project: &Project,
    owners: &[User],
    error: Option<&FieldError>,
    email: &str,
) -> Markup {
    html! {
        div.card {
            h2 { "Owners" }
            ul #owners { @for owner in owners { li { (owner.email.as_str()) } } }
            form method="post" action=(format!("/console/projects/{}/owners", project.id)) {
                (csrf_input(signed_in))
                label for="email" { "Add an owner (an existing account's email)" }
                input #email type="email" name="email" value=(email) required;
                (error_under(error, "email"))
                div.actions { button type="submit" { "Add owner" } }
            }
        }
    }
}

fn overview(project: &Project) -> Markup {
    html! {
        div.card {
            h1 { (project.name) }
            table {
                tbody {
                    tr { th { "Project name" } td { (project.name) } }
                    tr { th { "Project ID" } td { code #project-id { (project.id) } } }
                    tr { th { "Project number" } td { code #project-number { (project.number) } } }
                    tr { th { "Created" } td { (day(project.created_at)) } }
                }
            }
        }
        div.card {
            h2 { "Get started" }
            ul {
                li { a href=(Section::Apis.href(&project.id)) { "Enable APIs" } " your app calls." }
                li { a href=(Section::Consent.href(&project.id)) { "Configure the OAuth consent screen" } " users see." }
                li { a href=(Section::Credentials.href(&project.id)) { "Create OAuth client IDs" } " for your app." }
            }
        }
    }
}

async fn get_project(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(project_id): Path<String>,
) -> Reply {
    project_page(&state, &signed_in, &project_id, None, "", StatusCode::OK).await
}

async fn project_page(
    state: &AppState,
    signed_in: &SignedIn,
    project_id: &str,
    error: Option<&FieldError>,
    email: &str,
    status: StatusCode,
) -> Reply {
    let project = state
        .authority
        .project_for(&signed_in.user, project_id)
        .await
        .map_err(console_failure)?;
    let owners = state
        .authority
        .project_owners(project_id)
        .await
        .map_err(store_failure)?;
    let body = html! {
        (project_nav(&project, Section::Overview))
        (overview(&project))
        (owners_card(signed_in, &project, &owners, error, email))
    };
    Ok(page(signed_in, status, &project.name, body))
}

#[derive(Debug, Default, Deserialize)]
struct OwnerForm {
    csrf_token: Option<String>,
    #[serde(default)]
    email: String,
}

async fn post_owner(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(project_id): Path<String>,
    Form(form): Form<OwnerForm>,
) -> Reply {
    if !csrf_ok(&signed_in, form.csrf_token.as_deref()) {
        return Err(csrf::rejected().into());
    }
    match state
        .authority
        .add_project_owner(&signed_in.user, &project_id, &form.email)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/console/projects/{project_id}")).into_response()),
        Err(err) => {
            let field_error = FieldError::from_console(err)?;
            project_page(
                &state,
                &signed_in,
                &project_id,
                Some(&field_error),
                &form.email,
                StatusCode::BAD_REQUEST,
            )
            .await
        }
    }
}
