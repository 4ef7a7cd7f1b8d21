//! `/account`: "Apps with access to your account": the user's live grants, what each holds,
//! and removing an app's access.

use albumen_api::AppState;
use albumen_oauth::introspect::GrantedApp;
use albumen_oauth::rules::scope::lookup;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum_extra::extract::Form;
use maud::{Markup, html};
use serde::Deserialize;

use crate::console::shared::{Reply, csrf_input, csrf_ok, day, moment, page, store_failure};
use crate::csrf;
use crate::session::SignedIn;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(get_account))
        .route("/account/apps/{grant_id}/remove", post(post_remove))
}

#[derive(Debug, Default, Deserialize)]
struct CsrfForm {
    csrf_token: Option<String>,
}

fn app_card(signed_in: &SignedIn, app: &GrantedApp) -> Markup {
    let grant = &app.grant;
    html! {
        div.card id=(format!("grant-{}", grant.id)) {
            h2 { (app.app_name) }
            p.muted { "Client ID " code { (app.client.client_id) } }
            p { "Has access since " (day(grant.consented_at))
                @if let Some(expires_at) = grant.expires_at {
                    ", until " (moment(expires_at))
                }
                "." }
            h3 { "Access granted" }
            ul.scopes {
                @for name in grant.scopes.split_whitespace() {
                    li { (lookup(name).map_or(name, |info| info.description)) br; code.muted { (name) } }
                }
            }
            form method="post" action=(format!("/account/apps/{}/remove", grant.id)) {
                (csrf_input(signed_in))
                div.actions { button.danger type="submit" { "Remove access" } }
            }
        }
    }
}

async fn get_account(State(state): State<AppState>, signed_in: SignedIn) -> Reply {
    let apps = state
        .authority
        .granted_apps(&signed_in.user)
        .await
        .map_err(store_failure)?;
    let user = &signed_in.user;
    let body = html! {
        div.card {
            h1 { "Your account" }
            p { (user.display_name.as_str()) " · " (user.email.as_str()) }
        }
        div.card {
            h2 { "Apps with access to your account" }
            @if apps.is_empty() {
                p.muted { "No apps have access to your account." }
            } @else {
                p.muted { "You gave these apps access to some of your account data. Remove access from apps you no longer use." }
            }
        }
        @for app in &apps { (app_card(&signed_in, app)) }
    };
    Ok(page(&signed_in, StatusCode::OK, "Your account", body))
}

async fn post_remove(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(grant_id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Reply {
    if !csrf_ok(&signed_in, form.csrf_token.as_deref()) {
        return Err(csrf::rejected().into());
    }
    state
        .authority
        .revoke_own_grant(&signed_in.user, &grant_id)
        .await
        .map_err(store_failure)?;
    Ok(Redirect::to("/account").into_response())
}
