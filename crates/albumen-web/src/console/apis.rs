//! `/console/projects/{project_id}/apis`: the API library, where a project enables or
//! disables each API. The API's `SERVICE_DISABLED` error links users here.

use albumen_api::AppState;
use albumen_core::project::ApiService;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum_extra::extract::Form;
use maud::html;
use serde::Deserialize;

use super::shared::{Reply, console_failure, csrf_input, csrf_ok, not_found, page, store_failure};
use super::{Section, project_nav};
use crate::csrf;
use crate::session::SignedIn;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console/projects/{project_id}/apis", get(get_apis))
        .route(
            "/console/projects/{project_id}/apis/{service}/{action}",
            post(post_api),
        )
}

#[derive(Debug, Default, Deserialize)]
struct CsrfForm {
    csrf_token: Option<String>,
}

async fn get_apis(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(project_id): Path<String>,
) -> Reply {
    let project = state
        .authority
        .project_for(&signed_in.user, &project_id)
        .await
        .map_err(console_failure)?;
    let enabled = state
        .authority
        .enabled_apis(&project.id)
        .await
        .map_err(store_failure)?;
    let body = html! {
        (project_nav(&project, Section::Apis))
        div.card {
            h1 { "API library" }
            p.muted { "Apps using this project's OAuth clients can call only the APIs enabled here." }
            table {
                thead { tr { th { "API" } th { "Service name" } th { "Status" } th {} } }
                tbody {
                    @for api in ApiService::ALL {
                        @let on = enabled.contains(&api);
                        @let (action, label) = if on { ("disable", "Disable") } else { ("enable", "Enable") };
                        tr id=(api.service_name()) {
                            td { (api.title()) }
                            td { code { (api.service_name()) } }
                            td { @if on { strong { "Enabled" } } @else { "Disabled" } }
                            td {
                                form method="post"
                                    action=(format!("/console/projects/{}/apis/{}/{action}", project.id, api.service_name())) {
                                    (csrf_input(&signed_in))
                                    @if on {
                                        button.secondary type="submit" { (label) }
                                    } @else {
                                        button type="submit" { (label) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&signed_in, StatusCode::OK, "API library", body))
}

async fn post_api(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((project_id, service, action)): Path<(String, String, String)>,
    Form(form): Form<CsrfForm>,
) -> Reply {
    if !csrf_ok(&signed_in, form.csrf_token.as_deref()) {
        return Err(csrf::rejected().into());
    }
    let Some(api) = ApiService::from_service_name(&service) else {
        return Err(not_found().into());
    };
    let enabled = match action.as_str() {
        "enable" => true,
        "disable" => false,
        _ => return Err(not_found().into()),
    };
    state
        .authority
        .set_api_enabled(&signed_in.user, &project_id, api, enabled)
        .await
        .map_err(console_failure)?;
    let back = format!("/console/projects/{project_id}/apis");
    Ok(Redirect::to(&back).into_response())
}
