//! Authenticating Google API calls: the bearer token (header or `access_token` query
//! parameter) becomes a [`Caller`]; [`authorize_call`] then checks that the token's project
//! enabled the API and that the token carries one of the method's scopes, answering with
//! Google's 401 `UNAUTHENTICATED`, 403 `SERVICE_DISABLED` and 403 insufficient-scopes
//! envelopes.

use albumen_core::project::ApiService;
use albumen_oauth::introspect::{AccessContext, BearerError, ServiceDisabled, ServiceDisabledOr};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::{ApiError, Code};
use crate::oauth::form_bearer_token;
use crate::state::AppState;

/// The authenticated caller of an API method.
#[derive(Debug, Clone)]
pub struct Caller(pub AccessContext);

const UNAUTHENTICATED_MESSAGE: &str = "Request had invalid authentication credentials. \
     Expected OAuth 2 access token, login cookie or other valid authentication credential. \
     See https://developers.google.com/identity/sign-in/web/devconsole-project.";

/// Google's 401 for a missing, invalid, expired or revoked token.
pub fn unauthenticated(public_url: &str) -> Response {
    let mut response = ApiError::new(Code::Unauthenticated, UNAUTHENTICATED_MESSAGE)
        .with_detail(json!({
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "ACCESS_TOKEN_TYPE_UNSUPPORTED",
            "domain": "googleapis.com",
        }))
        .into_response();
    let challenge = format!("Bearer realm=\"{public_url}/\", error=\"invalid_token\"");
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// Google's 403 for a token without any of the method's scopes.
pub fn insufficient_scopes() -> ApiError {
    ApiError::permission_denied("Request had insufficient authentication scopes.").with_detail(
        json!({
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
            "domain": "googleapis.com",
        }),
    )
}

/// Google's 403 `SERVICE_DISABLED`, naming the project number and where to enable the API.
pub fn service_disabled(
    disabled: &ServiceDisabled,
    public_url: &str,
    project_id: &str,
) -> ApiError {
    let service = disabled.api.service_name();
    let number = disabled.project_number;
    let activation_url = format!("{public_url}/console/projects/{project_id}/apis");
    let message = format!(
        "{} has not been used in project {number} before or it is disabled. Enable it by \
         visiting {activation_url} then retry. If you enabled this API recently, wait a few \
         minutes for the action to propagate to our systems and retry.",
        disabled.api.title()
    );
    ApiError::permission_denied(message.clone())
        .with_detail(json!({
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "SERVICE_DISABLED",
            "domain": "googleapis.com",
            "metadata": {
                "service": service,
                "serviceTitle": disabled.api.title(),
                "activationUrl": activation_url,
                "consumer": format!("projects/{number}"),
                "containerInfo": number.to_string(),
            },
        }))
        .with_detail(json!({
            "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
            "locale": "en-US",
            "message": message,
        }))
        .with_detail(json!({
            "@type": "type.googleapis.com/google.rpc.Help",
            "links": [{
                "description": "Google developers console API activation",
                "url": activation_url,
            }],
        }))
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(token) = form_bearer_token(&parts.headers, parts.uri.query()) else {
            return Err(unauthenticated(&state.public_url));
        };
        match state.authority.authenticate_bearer(&token).await {
            Ok(context) => Ok(Caller(context)),
            Err(BearerError::Invalid) => Err(unauthenticated(&state.public_url)),
            Err(BearerError::Store(err)) => Err(ApiError::from(err).into_response()),
        }
    }
}

/// Checks that the caller's project enabled `api` and that the token has one of `any_of`.
pub async fn authorize_call(
    state: &AppState,
    caller: &Caller,
    api: ApiService,
    any_of: &[&str],
) -> Result<(), ApiError> {
    match state.authority.require_api(&caller.0, api).await {
        Ok(()) => {}
        Err(ServiceDisabledOr::Disabled(disabled)) => {
            return Err(service_disabled(
                &disabled,
                &state.public_url,
                &caller.0.project.id,
            ));
        }
        Err(ServiceDisabledOr::Store(err)) => return Err(err.into()),
    }
    if any_of.iter().any(|scope| caller.0.scopes.contains(scope)) {
        Ok(())
    } else {
        Err(insufficient_scopes())
    }
}
