//! The browser side of the authorization endpoint (`/o/oauth2/v2/auth` and the legacy
//! `/o/oauth2/auth`): sign-in, account choice, the unverified-app warning, the consent page
//! with a checkbox per scope, and the final redirect. The original query travels through
//! every step in a hidden field and is validated again at each, so any node can serve any
//! step.

use albumen_api::AppState;
use albumen_core::user::User;
use albumen_oauth::OAuthError;
use albumen_oauth::authorize::{Approval, AuthorizeFailure, AuthorizeParams, AuthorizeRequest};
use albumen_oauth::error::OAuthCode;
use albumen_oauth::rules::scope::{ScopeSet, lookup};
use axum::Router;
use axum::extract::{OriginalUri, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_extra::extract::Form;
use maud::{Markup, html};
use serde::Deserialize;

use crate::csrf;
use crate::layout::{document, error_page, html_response, internal_error_page};
use crate::session::{Viewer, sign_in_redirect};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/o/oauth2/v2/auth", get(get_authorize))
        .route("/o/oauth2/auth", get(get_authorize))
        .route("/o/oauth2/continue", post(post_continue))
}

/// The steps a user has already been through in this request.
#[derive(Debug, Clone, Copy, Default)]
struct Progress {
    account_chosen: bool,
    unverified_acknowledged: bool,
}

#[derive(Debug, Default, Deserialize)]
struct ContinueForm {
    request: Option<String>,
    csrf_token: Option<String>,
    // Vectors: a step may carry the same flag twice (from the progress and the page).
    #[serde(default)]
    account_chosen: Vec<String>,
    #[serde(default)]
    unverified_acknowledged: Vec<String>,
    /// `allow` or `deny` on the consent page; absent on the earlier steps.
    decision: Option<String>,
    #[serde(default)]
    scope: Vec<String>,
}

/// Google's 302 to the app.
fn found(location: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, location.to_owned())]).into_response()
}

/// An error the app hears about: in its redirect, or (out-of-band) on our page.
fn send_back(request: &AuthorizeRequest, code: OAuthCode) -> Response {
    if request.is_out_of_band() {
        return error_page(403, code.as_str(), "The request was not completed.", &[]);
    }
    found(&request.error_redirect(code))
}

/// The end of an approved flow: back to the app, or the code to copy (out-of-band).
fn approved(approval: &Approval) -> Response {
    match approval {
        Approval::Redirect(location) => found(location),
        Approval::ShowCode(code) => {
            let body = html! {
                div.card.narrow {
                    h1 { "Sign in" }
                    p { "Please copy this code, switch to your application and paste it there:" }
                    pre #code { (code) }
                }
            };
            html_response(
                StatusCode::OK,
                document(&format!("Success code={code}"), None, body),
            )
        }
    }
}

fn oauth_error_page(err: &OAuthError, params: &AuthorizeParams) -> Response {
    let mut details = vec![("flowName", "GeneralOAuthFlow".to_owned())];
    if let Some(uri) = &params.redirect_uri {
        details.push(("redirect_uri", uri.clone()));
    }
    if let Some(client_id) = &params.client_id {
        details.push(("client_id", client_id.clone()));
    }
    error_page(err.status, err.code.as_str(), &err.description, &details)
}

fn parse_params(raw: &str) -> Option<AuthorizeParams> {
    serde_urlencoded::from_str(raw).ok()
}

async fn get_authorize(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(query): RawQuery,
    OriginalUri(uri): OriginalUri,
) -> Response {
    let raw = query.unwrap_or_default();
    let Some(params) = parse_params(&raw) else {
        return error_page(
            400,
            "invalid_request",
            "The request could not be read.",
            &[],
        );
    };
    proceed(
        &state,
        &viewer,
        &raw,
        params,
        Progress::default(),
        &uri.to_string(),
    )
    .await
}

async fn post_continue(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<ContinueForm>,
) -> Response {
    if !csrf::is_valid(&viewer, form.csrf_token.as_deref()) {
        return csrf::rejected();
    }
    let raw = form.request.clone().unwrap_or_default();
    let Some(params) = parse_params(&raw) else {
        return error_page(
            400,
            "invalid_request",
            "The request could not be read.",
            &[],
        );
    };
    let progress = Progress {
        account_chosen: !form.account_chosen.is_empty(),
        unverified_acknowledged: !form.unverified_acknowledged.is_empty(),
    };
    let back_to = format!("/o/oauth2/v2/auth?{raw}");
    let Some(decision) = form.decision.as_deref() else {
        return proceed(&state, &viewer, &raw, params, progress, &back_to).await;
    };
    let request = match state.authority.validate_authorization(params.clone()).await {
        Ok(request) => request,
        Err(failure) => return failure_response(failure, &params),
    };
    let Some(user) = viewer.user() else {
        return sign_in_redirect(&back_to).into_response();
    };
    if let Err(err) = state.authority.check_audience(&request, user).await {
        return oauth_error_page(&err, &params);
    }
    if decision != "allow" {
        return send_back(&request, OAuthCode::AccessDenied);
    }
    // Sign-in scopes are not optional on Google's consent page; the others are ticked.
    let chosen_names = request
        .scopes
        .iter()
        .filter(|name| is_identity(name) || form.scope.iter().any(|s| s == name));
    let chosen = ScopeSet::from_names(chosen_names).unwrap_or_else(|_| ScopeSet::empty());
    match state.authority.approve(&request, user, &chosen, true).await {
        Ok(approval) => approved(&approval),
        Err(err) => oauth_error_page(&err, &params),
    }
}

fn is_identity(name: &str) -> bool {
    ScopeSet::from_names([name]).is_ok_and(|set| set.is_identity_only())
}

fn failure_response(failure: AuthorizeFailure, params: &AuthorizeParams) -> Response {
    match failure {
        AuthorizeFailure::Page(err) => {
            if err.status >= 500 {
                return internal_error_page();
            }
            oauth_error_page(&err, params)
        }
        AuthorizeFailure::Redirect(location) => found(&location),
    }
}

/// Runs the request as far as it can go without the user: to the app with a code, or to
/// the next page the user must see.
async fn proceed(
    state: &AppState,
    viewer: &Viewer,
    raw: &str,
    params: AuthorizeParams,
    progress: Progress,
    here: &str,
) -> Response {
    let request = match state.authority.validate_authorization(params.clone()).await {
        Ok(request) => request,
        Err(failure) => return failure_response(failure, &params),
    };
    let Some(user) = viewer.user() else {
        if request.prompt.none {
            return send_back(&request, OAuthCode::LoginRequired);
        }
        let mut target = sign_in_redirect(here).into_response();
        if let (Some(hint), Some(location)) =
            (&params.login_hint, target.headers().get(header::LOCATION))
        {
            let with_hint = format!(
                "{}&{}",
                location.to_str().unwrap_or("/signin"),
                url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("login_hint", hint)
                    .finish()
            );
            target = axum::response::Redirect::to(&with_hint).into_response();
        }
        return target;
    };
    if request.prompt.select_account && !progress.account_chosen {
        return step_page(
            viewer,
            "Choose an account",
            raw,
            progress,
            account_chooser(&request, user),
        );
    }
    if let Err(err) = state.authority.check_audience(&request, user).await {
        if request.prompt.none {
            return send_back(&request, OAuthCode::AccessDenied);
        }
        return oauth_error_page(&err, &params);
    }
    let needs_consent = match state.authority.needs_consent(&request, user).await {
        Ok(needed) => needed,
        Err(err) => {
            tracing::error!(error = %err, "consent lookup failed");
            return internal_error_page();
        }
    };
    if !needs_consent {
        return match state
            .authority
            .approve(&request, user, &request.scopes, false)
            .await
        {
            Ok(approval) => approved(&approval),
            Err(err) => oauth_error_page(&err, &params),
        };
    }
    if request.prompt.none {
        return send_back(&request, OAuthCode::ConsentRequired);
    }
    if request.needs_unverified_warning() && !progress.unverified_acknowledged {
        return step_page(
            viewer,
            "This app isn't verified",
            raw,
            progress,
            unverified_warning(&request),
        );
    }
    step_page(
        viewer,
        "Consent",
        raw,
        progress,
        consent_form(&request, user),
    )
}

/// A page whose form continues the flow, carrying the request and the progress so far.
fn step_page(
    viewer: &Viewer,
    title: &str,
    raw: &str,
    progress: Progress,
    inner: Markup,
) -> Response {
    let (jar, token) = csrf::token_for(viewer);
    let body = html! {
        div.card.narrow {
            form method="post" action="/o/oauth2/continue" {
                (csrf::field(&token))
                input type="hidden" name="request" value=(raw);
                @if progress.account_chosen { input type="hidden" name="account_chosen" value="1"; }
                @if progress.unverified_acknowledged { input type="hidden" name="unverified_acknowledged" value="1"; }
                (inner)
            }
        }
    };
    (
        jar,
        html_response(StatusCode::OK, document(title, viewer.chrome(), body)),
    )
        .into_response()
}

fn app_heading(request: &AuthorizeRequest) -> Markup {
    html! {
        @if let Some(logo) = &request.screen.logo_url {
            img src=(logo) alt="" width="48" height="48";
        }
        h1 { (request.screen.app_name) }
    }
}

fn account_chooser(request: &AuthorizeRequest, user: &User) -> Markup {
    html! {
        (app_heading(request))
        h2 { "Choose an account" }
        p { "to continue to " strong { (request.screen.app_name) } }
        input type="hidden" name="account_chosen" value="1";
        div.actions {
            button type="submit" { "Continue as " (user.email.as_str()) }
        }
        p.muted { "To use another account, sign out first." }
    }
}

fn unverified_warning(request: &AuthorizeRequest) -> Markup {
    html! {
        h1 { "Albumen hasn't verified this app" }
        div.warning {
            p { "The app is requesting access to sensitive info in your Albumen account. Until the developer ("
                (request.screen.support_email) ") verifies this app with Albumen, you shouldn't use it." }
        }
        details {
            summary { "Advanced" }
            p { "Continue only if you understand the risks and trust the developer." }
            input type="hidden" name="unverified_acknowledged" value="1";
            button.secondary type="submit" name="go" value="unsafe" { "Go to " (request.screen.app_name) " (unsafe)" }
        }
        div.actions {
            @if request.is_out_of_band() {
                a.button href="/" { "Back to safety" }
            } @else {
                a.button href=(request.error_redirect(OAuthCode::AccessDenied)) { "Back to safety" }
            }
        }
    }
}

fn consent_form(request: &AuthorizeRequest, user: &User) -> Markup {
    html! {
        (app_heading(request))
        p { strong { (request.screen.app_name) } " wants access to your Albumen account" }
        p.muted { (user.email.as_str()) }
        @if request.screen.verification_status == albumen_core::consent::VerificationStatus::Unverified {
            p.warning { "This app is not verified." }
        }
        p { "Select what " (request.screen.app_name) " can access:" }
        ul.scopes {
            @for name in request.scopes.iter() {
                @let description = lookup(name).map_or(name, |info| info.description);
                li {
                    @if is_identity(name) {
                        span { (description) }
                    } @else {
                        label {
                            input type="checkbox" name="scope" value=(name) checked;
                            " " (description)
                        }
                    }
                    br;
                    code.muted { (name) }
                }
            }
        }
        p.muted { "Make sure you trust " (request.screen.app_name) ". You can remove its access any time in your account." }
        div.actions {
            button type="submit" name="decision" value="allow" { "Allow" }
            button.secondary type="submit" name="decision" value="deny" { "Cancel" }
        }
    }
}
