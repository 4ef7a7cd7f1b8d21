//! First-run setup (create the first administrator), sign-in and sign-out.

use std::net::SocketAddr;

use albumen_api::AppState;
use albumen_oauth::accounts::{AccountError, SignInError};
use axum::Router;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{Extensions, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::Form;
use maud::{Markup, html};
use serde::Deserialize;

use crate::csrf;
use crate::layout::{document, html_response, internal_error_page};
use crate::session::{SESSION_COOKIE, Viewer, removal_cookie, safe_continue, session_cookie};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signin", get(get_signin).post(post_signin))
        .route("/signout", post(post_signout))
        .route("/setup", get(get_setup).post(post_setup))
}

#[derive(Debug, Default, Deserialize)]
struct SignInQuery {
    #[serde(rename = "continue")]
    continue_to: Option<String>,
    login_hint: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct SignInForm {
    email: Option<String>,
    password: Option<String>,
    #[serde(rename = "continue")]
    continue_to: Option<String>,
    csrf_token: Option<String>,
}

fn signin_form(token: &str, email: &str, continue_to: &str, error: Option<&str>) -> Markup {
    html! {
        div.card.narrow {
            h1 { "Sign in" }
            p.muted { "to continue to Albumen" }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            form method="post" action="/signin" {
                (csrf::field(token))
                input type="hidden" name="continue" value=(continue_to);
                label for="email" { "Email" }
                input #email type="email" name="email" value=(email) autocomplete="username" required autofocus;
                label for="password" { "Password" }
                input #password type="password" name="password" autocomplete="current-password" required;
                div.actions { button type="submit" { "Sign in" } }
            }
        }
    }
}

async fn needs_setup(state: &AppState) -> Result<bool, Response> {
    state.authority.needs_first_admin().await.map_err(|err| {
        tracing::error!(error = %err, "user count failed");
        internal_error_page()
    })
}

async fn get_signin(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<SignInQuery>,
) -> Response {
    match needs_setup(&state).await {
        Ok(true) => return Redirect::to("/setup").into_response(),
        Ok(false) => {}
        Err(page) => return page,
    }
    let continue_to = safe_continue(query.continue_to.as_deref());
    if viewer.user().is_some() {
        return Redirect::to(&continue_to).into_response();
    }
    let (jar, token) = csrf::token_for(&viewer);
    let email = query.login_hint.unwrap_or_default();
    let page = document(
        "Sign in",
        None,
        signin_form(&token, &email, &continue_to, None),
    );
    (jar, html_response(StatusCode::OK, page)).into_response()
}

/// The peer address, for per-address throttling.
fn client_address(extensions: &Extensions) -> String {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |info| info.0.ip().to_string())
}

async fn post_signin(
    State(state): State<AppState>,
    viewer: Viewer,
    extensions: Extensions,
    Form(form): Form<SignInForm>,
) -> Response {
    if !csrf::is_valid(&viewer, form.csrf_token.as_deref()) {
        return csrf::rejected();
    }
    let continue_to = safe_continue(form.continue_to.as_deref());
    let email = form.email.unwrap_or_default();
    let password = form.password.unwrap_or_default();
    match state
        .authority
        .sign_in(&email, password, &client_address(&extensions))
        .await
    {
        Ok(started) => {
            // A fresh session id at every sign-in (no fixation).
            let jar = viewer
                .jar
                .remove(removal_cookie(SESSION_COOKIE))
                .add(session_cookie(started.secret, viewer.secure));
            (jar, Redirect::to(&continue_to)).into_response()
        }
        Err(SignInError::Store(err)) => {
            tracing::error!(error = %err, "sign-in failed");
            internal_error_page()
        }
        Err(err) => {
            let status = match err {
                SignInError::Throttled => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::UNAUTHORIZED,
            };
            let (jar, token) = csrf::token_for(&viewer);
            let message = err.to_string();
            let page = document(
                "Sign in",
                None,
                signin_form(&token, &email, &continue_to, Some(&message)),
            );
            (jar, html_response(status, page)).into_response()
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct CsrfOnly {
    csrf_token: Option<String>,
}

async fn post_signout(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if !csrf::is_valid(&viewer, form.csrf_token.as_deref()) && viewer.user().is_some() {
        return csrf::rejected();
    }
    if let Some(cookie) = viewer.jar.get(SESSION_COOKIE)
        && let Err(err) = state.authority.sign_out(cookie.value()).await
    {
        tracing::error!(error = %err, "sign-out failed");
    }
    let jar = viewer.jar.remove(removal_cookie(SESSION_COOKIE));
    (jar, Redirect::to("/signin")).into_response()
}

#[derive(Debug, Default, Deserialize)]
struct SetupForm {
    email: Option<String>,
    display_name: Option<String>,
    password: Option<String>,
    csrf_token: Option<String>,
}

fn setup_form(token: &str, email: &str, name: &str, error: Option<&str>) -> Markup {
    html! {
        div.card.narrow {
            h1 { "Welcome to Albumen" }
            p { "Create the first administrator account. You can add more users later." }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            form method="post" action="/setup" {
                (csrf::field(token))
                label for="email" { "Email" }
                input #email type="email" name="email" value=(email) required autofocus;
                label for="display_name" { "Name" }
                input #display_name type="text" name="display_name" value=(name) required;
                label for="password" { "Password (at least 8 characters)" }
                input #password type="password" name="password" autocomplete="new-password" required minlength="8";
                div.actions { button type="submit" { "Create administrator" } }
            }
        }
    }
}

async fn get_setup(State(state): State<AppState>, viewer: Viewer) -> Response {
    match needs_setup(&state).await {
        Ok(false) => return Redirect::to("/signin").into_response(),
        Ok(true) => {}
        Err(page) => return page,
    }
    let (jar, token) = csrf::token_for(&viewer);
    let page = document("Set up", None, setup_form(&token, "", "", None));
    (jar, html_response(StatusCode::OK, page)).into_response()
}

async fn post_setup(
    State(state): State<AppState>,
    viewer: Viewer,
    extensions: Extensions,
    Form(form): Form<SetupForm>,
) -> Response {
    if !csrf::is_valid(&viewer, form.csrf_token.as_deref()) {
        return csrf::rejected();
    }
    let email = form.email.unwrap_or_default();
    let name = form.display_name.unwrap_or_default();
    let password = form.password.unwrap_or_default();
    match state
        .authority
        .create_first_admin(&email, &name, password.clone())
        .await
    {
        Ok(_) => {}
        Err(AccountError::AlreadySetUp) => return Redirect::to("/signin").into_response(),
        Err(AccountError::Store(err)) => {
            tracing::error!(error = %err, "setup failed");
            return internal_error_page();
        }
        Err(err) => {
            let (jar, token) = csrf::token_for(&viewer);
            let message = err.to_string();
            let page = document(
                "Set up",
                None,
                setup_form(&token, &email, &name, Some(&message)),
            );
            return (jar, html_response(StatusCode::BAD_REQUEST, page)).into_response();
        }
    }
    match state
        .authority
        .sign_in(&email, password, &client_address(&extensions))
        .await
    {
        Ok(started) => {
            let jar = viewer
                .jar
                .add(session_cookie(started.secret, viewer.secure));
            (jar, Redirect::to("/console")).into_response()
        }
        Err(_) => Redirect::to("/signin").into_response(),
    }
}
