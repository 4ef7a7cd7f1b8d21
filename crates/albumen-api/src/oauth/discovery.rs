//! OpenID Connect discovery and the JWKS, with every URL built from the public URL.

use albumen_oauth::keys;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::ApiError;
use crate::state::AppState;
use crate::wire::json_response;

pub(crate) async fn get_openid_configuration(State(state): State<AppState>) -> Response {
    let base = &state.public_url;
    let document = json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/o/oauth2/v2/auth"),
        "device_authorization_endpoint": format!("{base}/device/code"),
        "token_endpoint": format!("{base}/token"),
        "userinfo_endpoint": format!("{base}/v1/userinfo"),
        "revocation_endpoint": format!("{base}/revoke"),
        "jwks_uri": format!("{base}/oauth2/v3/certs"),
        "response_types_supported": ["code", "token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "claims_supported": ["aud", "email", "email_verified", "exp", "iat", "iss", "name", "sub"],
        "code_challenge_methods_supported": ["plain", "S256"],
        "grant_types_supported": [
            "authorization_code",
            "refresh_token",
            "urn:ietf:params:oauth:grant-type:device_code"
        ],
    });
    json_response(StatusCode::OK, &document)
}

pub(crate) async fn get_certs(State(state): State<AppState>) -> Response {
    certs_response(keys::jwks(state.store.as_ref(), state.clock.as_ref()).await)
}

/// `/oauth2/v1/certs`: PEM certificates by key id, Google's older format.
pub(crate) async fn get_x509_certs(State(state): State<AppState>) -> Response {
    certs_response(keys::x509_certs(state.store.as_ref(), state.clock.as_ref()).await)
}

fn certs_response(document: Result<serde_json::Value, keys::KeyError>) -> Response {
    match document {
        Ok(document) => {
            let mut response = json_response(StatusCode::OK, &document);
            // Keys rotate; clients should look again within the hour.
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600, must-revalidate"),
            );
            response
        }
        Err(err) => ApiError::internal(err).into_response(),
    }
}
