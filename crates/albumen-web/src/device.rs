//! `/device`: where a user types the code a TV shows, sees what the app asks for, and allows
//! or denies it.

use albumen_api::AppState;
use albumen_oauth::device::PendingDevice;
use albumen_oauth::rules::scope::lookup;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum_extra::extract::Form;
use maud::{Markup, html};
use serde::Deserialize;

use crate::csrf;
use crate::layout::{document, html_response, internal_error_page};
use crate::session::{SignedIn, Viewer};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/device", get(get_device).post(post_device))
        .route("/device/decide", post(post_decide))
}

#[derive(Debug, Default, Deserialize)]
struct CodeQuery {
    user_code: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct CodeForm {
    user_code: Option<String>,
    csrf_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct DecideForm {
    user_code: Option<String>,
    decision: Option<String>,
    csrf_token: Option<String>,
}

fn viewer_of(signed_in: &SignedIn) -> Viewer {
    Viewer {
        jar: signed_in.jar.clone(),
        signed_in: Some((signed_in.user.clone(), signed_in.session.clone())),
        secure: false,
    }
}

fn page(signed_in: &SignedIn, status: StatusCode, inner: Markup) -> Response {
    let body = html! { div.card.narrow { (inner) } };
    html_response(
        status,
        document("Connect a device", signed_in.chrome(), body),
    )
}

fn code_form(token: &str, code: &str, error: Option<&str>) -> Markup {
    html! {
        h1 { "Connect a device" }
        p { "Enter the code displayed on your device." }
        @if let Some(error) = error { p.error role="alert" { (error) } }
        form method="post" action="/device" {
            (csrf::field(token))
            label for="user_code" { "Code" }
            input #user_code type="text" name="user_code" value=(code) placeholder="ABCD-EFGH" autocomplete="off" required autofocus;
            div.actions { button type="submit" { "Next" } }
        }
    }
}

async fn get_device(signed_in: SignedIn, Query(query): Query<CodeQuery>) -> Response {
    let token = signed_in.session.csrf_token.clone();
    let code = query.user_code.unwrap_or_default();
    page(&signed_in, StatusCode::OK, code_form(&token, &code, None))
}

fn consent(token: &str, pending: &PendingDevice) -> Markup {
    html! {
        h1 { (pending.screen.app_name) }
        p { strong { (pending.screen.app_name) } " on your device wants access to your Albumen account:" }
        ul.scopes {
            @for name in pending.scopes.iter() {
                li { (lookup(name).map_or(name, |info| info.description)) br; code.muted { (name) } }
            }
        }
        form method="post" action="/device/decide" {
            (csrf::field(token))
            input type="hidden" name="user_code" value=(pending.device.user_code);
            div.actions {
                button type="submit" name="decision" value="allow" { "Allow" }
                button.secondary type="submit" name="decision" value="deny" { "Deny" }
            }
        }
    }
}

/// The checks both device forms start with: a valid CSRF token and a pending, unexpired
/// code. Otherwise, the response to send (the code form again, with a message).
async fn pending_from_form(
    state: &AppState,
    signed_in: &SignedIn,
    csrf_token: Option<&str>,
    code: &str,
) -> Result<PendingDevice, Response> {
    if !csrf::is_valid(&viewer_of(signed_in), csrf_token) {
        return Err(csrf::rejected());
    }
    match state.authority.pending_device(code).await {
        Ok(Some(pending)) => Ok(pending),
        Ok(None) => {
            let inner = code_form(
                &signed_in.session.csrf_token,
                code,
                Some("That code is not valid or has expired. Check the code on your device."),
            );
            Err(page(signed_in, StatusCode::BAD_REQUEST, inner))
        }
        Err(err) => {
            tracing::error!(error = %err, "device lookup failed");
            Err(internal_error_page())
        }
    }
}

async fn post_device(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<CodeForm>,
) -> Response {
    let code = form.user_code.unwrap_or_default();
    match pending_from_form(&state, &signed_in, form.csrf_token.as_deref(), &code).await {
        Ok(pending) => page(
            &signed_in,
            StatusCode::OK,
            consent(&signed_in.session.csrf_token, &pending),
        ),
        Err(response) => response,
    }
}

async fn post_decide(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<DecideForm>,
) -> Response {
    let code = form.user_code.unwrap_or_default();
    let pending =
        match pending_from_form(&state, &signed_in, form.csrf_token.as_deref(), &code).await {
            Ok(pending) => pending,
            Err(response) => return response,
        };
    let token = signed_in.session.csrf_token.clone();
    let approve = form.decision.as_deref() == Some("allow");
    if approve {
        let request_like = state
            .authority
            .check_device_audience(&pending, &signed_in.user)
            .await;
        if let Err(err) = request_like {
            let inner = html! { h1 { "Access blocked" } p { (err.description) } };
            return page(&signed_in, StatusCode::FORBIDDEN, inner);
        }
    }
    match state
        .authority
        .decide_device(&pending, &signed_in.user, approve)
        .await
    {
        Ok(()) => {
            let inner = if approve {
                html! { h1 { "Success" } p { "You're all set. You can return to your device." } }
            } else {
                html! { h1 { "Access denied" } p { "You denied access. You can close this page." } }
            };
            page(&signed_in, StatusCode::OK, inner)
        }
        Err(err) if err.status < 500 => {
            let inner = code_form(&token, &code, Some(&err.description));
            page(&signed_in, StatusCode::BAD_REQUEST, inner)
        }
        Err(err) => {
            tracing::error!(error = %err, "device decision failed");
            internal_error_page()
        }
    }
}
