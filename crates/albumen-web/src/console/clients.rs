//! `/console/projects/{project_id}/clients`: a project's OAuth clients ("Credentials"), the
//! "Create OAuth client ID" form, and the one page that shows a new secret in clear.

use albumen_api::AppState;
use albumen_core::client::{ClientType, OAuthClient};
use albumen_core::project::Project;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum_extra::extract::Form;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use super::shared::{
    FieldError, Reply, console_failure, csrf_input, csrf_ok, day, error_above, error_under,
    error_under_lines, line_values, page, store_failure, textarea_text,
};
use super::{Section, project_nav};
use crate::csrf;
use crate::session::SignedIn;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/console/projects/{project_id}/clients",
        get(get_clients).post(post_client),
    )
}

const TYPES: [ClientType; 3] = [ClientType::Web, ClientType::Desktop, ClientType::Tv];

/// The client settings a form submits; the textareas may also arrive as repeated keys.
#[derive(Debug, Default, Deserialize)]
pub(super) struct SettingsForm {
    pub csrf_token: Option<String>,
    #[serde(default)]
    pub client_type: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub javascript_origins: Vec<String>,
    #[serde(default)]
    pub redirect_uris: Vec<String>,
}

/// The fields of the settings form, as the services name them.
pub(super) const SETTINGS_FIELDS: [&str; 4] =
    ["client_type", "name", "javascript_origins", "redirect_uris"];

/// Name, origins and redirect URIs, filled with `draft` and annotated with `error`.
pub(super) fn settings_fields(
    draft: &SettingsForm,
    error: Option<&FieldError>,
    with_uris: bool,
) -> Markup {
    let origins = textarea_text(&draft.javascript_origins);
    let redirects = textarea_text(&draft.redirect_uris);
    html! {
        label for="name" { "Name" }
        input #name type="text" name="name" value=(draft.name) required;
        (error_under(error, "name"))
        @if with_uris {
            label for="javascript_origins" { "Authorized JavaScript origins" }
            p.muted { "Web applications only. One origin per line, such as https://app.example.com." }
            textarea #javascript_origins name="javascript_origins" { (origins) }
            (error_under_lines(error, "javascript_origins", &origins))
            label for="redirect_uris" { "Authorized redirect URIs" }
            p.muted { "Web applications only. One URI per line, such as https://app.example.com/callback." }
            textarea #redirect_uris name="redirect_uris" { (redirects) }
            (error_under_lines(error, "redirect_uris", &redirects))
        }
    }
}

/// A link that saves `client_secret.json` from the page itself.
pub(super) fn json_download(client_id: &str, file: &Value) -> Markup {
    let href = format!(
        "data:application/json;base64,{}",
        STANDARD.encode(file.to_string())
    );
    html! {
        a.button.secondary #download-json download=(format!("client_secret_{client_id}.json")) href=(href) {
            "Download JSON"
        }
    }
}

/// The once-only view of a secret: shown after creating a client or adding a secret.
pub(super) fn secret_reveal(
    signed_in: &SignedIn,
    project: &Project,
    client: &OAuthClient,
    secret: &str,
    file: &Value,
    title: &str,
) -> Reply {
    let pretty = serde_json::to_string_pretty(file).unwrap_or_else(|_| file.to_string());
    let detail = format!(
        "/console/projects/{}/clients/{}",
        project.id, client.client_id
    );
    let body = html! {
        (project_nav(project, Section::Credentials))
        div.card {
            h1 { (title) }
            p.warning {
                strong { "Copy the client secret now. " }
                "It cannot be shown again: only its last four characters are kept. If you lose it, add a new secret."
            }
            table {
                tbody {
                    tr { th { "Client ID" } td { code #client_id { (client.client_id) } } }
                    tr { th { "Client secret" } td { code #client_secret { (secret) } } }
                    tr { th { "Type" } td { (client.client_type.title()) } }
                }
            }
            h2 { "client_secret.json" }
            pre #client_secret_json { (pretty) }
            div.actions {
                (json_download(&client.client_id, file))
                a.button href=(detail) { "OK" }
            }
        }
    };
    Ok(page(signed_in, StatusCode::OK, title, body))
}

fn clients_page(
    signed_in: &SignedIn,
    status: StatusCode,
    project: &Project,
    clients: &[OAuthClient],
    draft: &SettingsForm,
    error: Option<&FieldError>,
) -> Reply {
    let list = format!("/console/projects/{}/clients", project.id);
    let body = html! {
        (project_nav(project, Section::Credentials))
        div.card {
            h1 { "OAuth 2.0 Client IDs" }
            @if clients.is_empty() {
                p.muted { "No OAuth clients yet." }
            } @else {
                table {
                    thead { tr { th { "Name" } th { "Type" } th { "Client ID" } th { "Created" } } }
                    tbody {
                        @for client in clients {
                            tr {
                                td { a href=(format!("{list}/{}", client.client_id)) { (client.name) } }
                                td { (client.client_type.title()) }
                                td { code { (client.client_id) } }
                                td { (day(client.created_at)) }
                            }
                        }
                    }
                }
            }
        }
        div.card {
            h2 { "Create OAuth client ID" }
            (error_above(error, &SETTINGS_FIELDS))
            form method="post" action=(list) {
                (csrf_input(signed_in))
                label for="client_type" { "Application type" }
                select #client_type name="client_type" required {
                    @for client_type in TYPES {
                        option value=(client_type.as_str()) selected[draft.client_type == client_type.as_str()] {
                            (client_type.title())
                        }
                    }
                }
                (error_under(error, "client_type"))
                (settings_fields(draft, error, true))
                div.actions { button type="submit" { "Create" } }
            }
        }
    };
    Ok(page(signed_in, status, "Credentials", body))
}

async fn render_list(
    state: &AppState,
    signed_in: &SignedIn,
    project_id: &str,
    status: StatusCode,
    draft: &SettingsForm,
    error: Option<&FieldError>,
) -> Reply {
    let project = state
        .authority
        .project_for(&signed_in.user, project_id)
        .await
        .map_err(console_failure)?;
    let clients = state
        .authority
        .clients_of(&project.id)
        .await
        .map_err(store_failure)?;
    clients_page(signed_in, status, &project, &clients, draft, error)
}

async fn get_clients(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(project_id): Path<String>,
) -> Reply {
    let draft = SettingsForm {
        client_type: ClientType::Web.as_str().to_owned(),
        ..SettingsForm::default()
    };
    render_list(
        &state,
        &signed_in,
        &project_id,
        StatusCode::OK,
        &draft,
        None,
    )
    .await
}

async fn post_client(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(project_id): Path<String>,
    Form(form): Form<SettingsForm>,
) -> Reply {
    if !csrf_ok(&signed_in, form.csrf_token.as_deref()) {
        return Err(csrf::rejected().into());
    }
    let error = match ClientType::parse(&form.client_type) {
        None => FieldError::new("client_type", "Choose an application type."),
        Some(client_type) => {
            let created = state
                .authority
                .create_client(
                    &signed_in.user,
                    &project_id,
                    client_type,
                    &form.name,
                    &line_values(&form.redirect_uris),
                    &line_values(&form.javascript_origins),
                )
                .await;
            match created {
                Ok(created) => {
                    // client_secret.json names the project, which create_client does not return.
                    let project = state
                        .authority
                        .project_for(&signed_in.user, &project_id)
                        .await
                        .map_err(console_failure)?;
                    let file = state.authority.client_secret_json(
                        &project,
                        &created.client,
                        Some(&created.secret),
                    );
                    return secret_reveal(
                        &signed_in,
                        &project,
                        &created.client,
                        &created.secret,
                        &file,
                        "OAuth client created",
                    );
                }
                Err(err) => FieldError::from_console(err)?,
            }
        }
    };
    render_list(
        &state,
        &signed_in,
        &project_id,
        StatusCode::BAD_REQUEST,
        &form,
        Some(&error),
    )
    .await
}
