//! The OAuth 2.0 / OpenID Connect JSON endpoints, at Google's paths and their legacy aliases.
//! The browser-facing authorization endpoint is in `albumen-web`.

mod discovery;
mod error;
mod form;
mod token;
mod userinfo;

use axum::Router;
use axum::routing::{get, post};

pub use error::OAuthErrorResponse;
pub(crate) use form::bearer_token as form_bearer_token;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(discovery::get_openid_configuration),
        )
        .route("/oauth2/v3/certs", get(discovery::get_certs))
        .route("/oauth2/v1/certs", get(discovery::get_x509_certs))
        .route("/token", post(token::post_token))
        .route("/o/oauth2/token", post(token::post_token))
        .route("/oauth2/v4/token", post(token::post_token))
        .route("/device/code", post(token::post_device_code))
        .route("/revoke", post(token::post_revoke))
        .route(
            "/o/oauth2/revoke",
            post(token::post_revoke).get(token::post_revoke),
        )
        .route(
            "/tokeninfo",
            get(userinfo::get_tokeninfo).post(userinfo::get_tokeninfo),
        )
        .route(
            "/oauth2/v3/tokeninfo",
            get(userinfo::get_tokeninfo).post(userinfo::get_tokeninfo),
        )
        .route(
            "/v1/userinfo",
            get(userinfo::get_userinfo_oidc).post(userinfo::get_userinfo_oidc),
        )
        .route(
            "/oauth2/v3/userinfo",
            get(userinfo::get_userinfo_oidc).post(userinfo::get_userinfo_oidc),
        )
        .route(
            "/oauth2/v1/userinfo",
            get(userinfo::get_userinfo_v1).post(userinfo::get_userinfo_v1),
        )
}
