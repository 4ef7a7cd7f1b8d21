//! `/console/projects/{project_id}/clients/{client_id}`: one OAuth client: its settings, its
//! secrets (add, disable, enable, delete) and deleting the client.

use albumen_api::AppState;
use albumen_core::client::{ClientSecret, ClientType, OAuthClient};
use albumen_core::project::Project;
use albumen_oauth::console::ConsoleError;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::Form;
use maud::html;
use serde::Deserialize;
use serde_json::Value;

use super::clients::{
    SETTINGS_FIELDS, SettingsForm, json_download, secret_reveal, settings_fields,
};
use super::shared::{
    Failure, FieldError, Reply, console_failure, csrf_input, csrf_ok, day, enable_toggle,
    error_above, error_under, line_values, not_found, page, store_failure,
};
use super::{Section, project_nav};
use crate::csrf;
use crate::session::SignedIn;

const PATH: &str = "/console/projects/{project_id}/clients/{client_id}";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(PATH, get(get_client).post(post_client))
        .route(&format!("{PATH}/delete"), post(post_delete))
        .route(&format!("{PATH}/secrets"), post(post_add_secret))
        .route(
            &format!("{PATH}/secrets/{{secret_id}}/{{action}}"),
            post(post_secret),
        )
}

#[derive(Debug, Default, Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct ConfirmForm {
    csrf_token: Option<String>,
    confirm: Option<String>,
}

/// Everything the client page shows.
#[derive(Debug)]
struct Detail {
    project: Project,
    client: OAuthClient,
    secrets: Vec<ClientSecret>,
    /// `client_secret.json` without a secret, for later downloads.
    file: Value,
}

impl Detail {
    async fn load(
        state: &AppState,
        signed_in: &SignedIn,
        project_id: &str,
        client_id: &str,
    ) -> Result<Self, Failure> {
        let authority = &state.authority;
        let project = authority
            .project_for(&signed_in.user, project_id)
            .await
            .map_err(console_failure)?;
        let client = authority
            .client_for(&signed_in.user, client_id)
            .await
            .map_err(console_failure)?;
        // A client is reached only under its own project's path.
        if client.project_id != project.id {
            return Err(not_found().into());
        }
        let secrets = authority
            .client_secrets(&client.client_id)
            .await
            .map_err(store_failure)?;
        let file = authority.client_secret_json(&project, &client, None);
        Ok(Self {
            project,
            client,
            secrets,
            file,
        })
    }

    fn href(&self) -> String {
        format!(
            "/console/projects/{}/clients/{}",
            self.project.id, self.client.client_id
        )
    }

    /// The settings form filled with the stored values.
    fn stored_settings(&self) -> SettingsForm {
        SettingsForm {
            csrf_token: None,
            client_type: self.client.client_type.as_str().to_owned(),
            name: self.client.name.clone(),
            javascript_origins: self.client.javascript_origins.clone(),
            redirect_uris: self.client.redirect_uris.clone(),
        }
    }

    /// The client page again (with its stored settings), showing why an action was refused.
    fn render_refusal(&self, signed_in: &SignedIn, err: ConsoleError) -> Reply {
        let error = FieldError::from_console(err)?;
        let draft = self.stored_settings();
        Ok(self.render(
            signed_in,
            StatusCode::BAD_REQUEST,
            &draft,
            Some(&error),
            false,
        ))
    }

    fn render(
        &self,
        signed_in: &SignedIn,
        status: StatusCode,
        draft: &SettingsForm,
        error: Option<&FieldError>,
        saved: bool,
    ) -> Response {
        let href = self.href();
        let client = &self.client;
        let mut known: Vec<&str> = SETTINGS_FIELDS.to_vec();
        known.extend(["secrets", "confirm"]);
        let body = html! {
            (project_nav(&self.project, Section::Credentials))
            div.card {
                h1 { (client.name) }
                @if saved { p.flash role="status" { "Saved." } }
                (error_above(error, &known))
                table {
                    tbody {
                        tr { th { "Client ID" } td { code #client_id { (client.client_id) } } }
                        tr { th { "Type" } td { (client.client_type.title()) } }
                        tr { th { "Created" } td { (day(client.created_at)) } }
                    }
                }
                div.actions { (json_download(&client.client_id, &self.file)) }
                p.muted { "The downloaded file has no client secret: secrets are shown only once, when created." }
            }
            div.card {
                h2 { "Settings" }
                form method="post" action=(href) {
                    (csrf_input(signed_in))
                    (settings_fields(draft, error, client.client_type == ClientType::Web))
                    div.actions { button type="submit" { "Save" } }
                }
            }
            div.card #secrets {
                h2 { "Client secrets" }
                table {
                    thead { tr { th { "Created" } th { "Secret" } th { "Status" } th {} } }
                    tbody {
                        @for secret in &self.secrets {
                            @let base = format!("{href}/secrets/{}", secret.id);
                            tr {
                                td { (day(secret.created_at)) }
                                td { code { "****" (secret.last_four) } }
                                td { @if secret.disabled_at.is_some() { "Disabled" } @else { strong { "Enabled" } } }
                                td.actions {
                                    (enable_toggle(signed_in, &base, secret.disabled_at.is_some()))
                                    form method="post" action=(format!("{base}/delete")) {
                                        (csrf_input(signed_in))
                                        button.danger type="submit" { "Delete" }
                                    }
                                }
                            }
                        }
                    }
                }
                (error_under(error, "secrets"))
                p.muted { "A client has at most two secrets. To rotate: add a secret, move your app to it, then disable and delete the old one." }
                form method="post" action=(format!("{href}/secrets")) {
                    (csrf_input(signed_in))
                    div.actions { button type="submit" { "Add secret" } }
                }
            }
            div.card {
                h2 { "Delete client" }
                p { "Apps using this client stop working at once: every token it was issued is refused." }
                form method="post" action=(format!("{href}/delete")) {
                    (csrf_input(signed_in))
                    label for="confirm" {
                        input #confirm type="checkbox" name="confirm" value="yes";
                        " I understand, delete " (client.name)
                    }
                    (error_under(error, "confirm"))
                    div.actions { button.danger type="submit" { "Delete" } }
                }
            }
        };
        page(signed_in, status, &client.name, body)
    }
}

async fn get_client(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((project_id, client_id)): Path<(String, String)>,
    Query(query): Query<SavedQuery>,
) -> Reply {
    let detail = Detail::load(&state, &signed_in, &project_id, &client_id).await?;
    let draft = detail.stored_settings();
    Ok(detail.render(
        &signed_in,
        StatusCode::OK,
        &draft,
        None,
        query.saved.is_some(),
    ))
}

async fn post_client(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((project_id, client_id)): Path<(String, String)>,
    Form(form): Form<SettingsForm>,
) -> Reply {
    if !csrf_ok(&signed_in, form.csrf_token.as_deref()) {
        return Err(csrf::rejected().into());
    }
    let updated = state
        .authority
        .update_client(
            &signed_in.user,
            &client_id,
            &form.name,
            &line_values(&form.redirect_uris),
            &line_values(&form.javascript_origins),
        )
        .await;
    match updated {
        Ok(client) => {
            let to = format!(
                "/console/projects/{}/clients/{}?saved=1",
                client.project_id, client.client_id
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(err) => {
            let error = FieldError::from_console(err)?;
            let detail = Detail::load(&state, &signed_in, &project_id, &client_id).await?;
            Ok(detail.render(
                &signed_in,
                StatusCode::BAD_REQUEST,
                &form,
                Some(&error),
                false,
            ))
        }
    }
}

/// The client page again, 400, with `error` beside its field and the stored settings.
async fn refused(
    state: &AppState,
    signed_in: &SignedIn,
    project_id: &str,
    client_id: &str,
    error: &FieldError,
) -> Reply {
    let detail = Detail::load(state, signed_in, project_id, client_id).await?;
    let draft = detail.stored_settings();
    Ok(detail.render(
        signed_in,
        StatusCode::BAD_REQUEST,
        &draft,
        Some(error),
        false,
    ))
}

async fn post_delete(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((project_id, client_id)): Path<(String, String)>,
    Form(form): Form<ConfirmForm>,
) -> Reply {
    if !csrf_ok(&signed_in, form.csrf_token.as_deref()) {
        return Err(csrf::rejected().into());
    }
    if form.confirm.is_none() {
        let error = FieldError::new("confirm", "Tick the box to confirm the deletion.");
        return refused(&state, &signed_in, &project_id, &client_id, &error).await;
    }
    let detail = Detail::load(&state, &signed_in, &project_id, &client_id).await?;
    state
        .authority
        .delete_client(&signed_in.user, &detail.client.client_id)
        .await
        .map_err(console_failure)?;
    let to = format!("/console/projects/{}/clients", detail.project.id);
    Ok(Redirect::to(&to).into_response())
}

async fn post_add_secret(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((project_id, client_id)): Path<(String, String)>,
    Form(form): Form<ConfirmForm>,
) -> Reply {
    if !csrf_ok(&signed_in, form.csrf_token.as_deref()) {
        return Err(csrf::rejected().into());
    }
    let detail = Detail::load(&state, &signed_in, &project_id, &client_id).await?;
    let added = state
        .authority
        .add_client_secret(&signed_in.user, &detail.client.client_id)
        .await;
    match added {
        Ok(secret) => {
            let file =
                state
                    .authority
                    .client_secret_json(&detail.project, &detail.client, Some(&secret));
            secret_reveal(
                &signed_in,
                &detail.project,
                &detail.client,
                &secret,
                &file,
                "Client secret added",
            )
        }
        Err(err) => detail.render_refusal(&signed_in, err),
    }
}

async fn post_secret(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((project_id, client_id, secret_id, action)): Path<(String, String, String, String)>,
    Form(form): Form<ConfirmForm>,
) -> Reply {
    if !csrf_ok(&signed_in, form.csrf_token.as_deref()) {
        return Err(csrf::rejected().into());
    }
    let detail = Detail::load(&state, &signed_in, &project_id, &client_id).await?;
    let authority = &state.authority;
    let (user, id) = (&signed_in.user, detail.client.client_id.as_str());
    let outcome = match action.as_str() {
        "enable" | "disable" => {
            authority
                .set_client_secret_enabled(user, id, &secret_id, action == "enable")
                .await
        }
        "delete" => authority.delete_client_secret(user, id, &secret_id).await,
        _ => return Err(not_found().into()),
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("{}#secrets", detail.href())).into_response()),
        Err(err) => detail.render_refusal(&signed_in, err),
    }
}
