//! `tokeninfo` and `userinfo` (the OIDC shape and the older v1 shape).

use albumen_oauth::OAuthError;
use albumen_oauth::error::OAuthCode;
use albumen_oauth::introspect::{AccessContext, BearerError};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::error::OAuthErrorResponse;
use super::form::{bearer_token, parse_body};
use crate::error::ApiError;
use crate::extract::bearer::{credentials_missing, unauthenticated};
use crate::state::AppState;
use crate::wire::json_response;

#[derive(Debug, Default, Deserialize)]
struct TokenInfoParams {
    access_token: Option<String>,
    id_token: Option<String>,
}

pub(crate) async fn get_tokeninfo(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = async {
        let from_body: TokenInfoParams = parse_body(&headers, &body)?;
        let id_token = from_body
            .id_token
            .clone()
            .filter(|t| !t.is_empty())
            .or_else(|| {
                url::form_urlencoded::parse(query.as_deref().unwrap_or_default().as_bytes())
                    .find(|(k, _)| k == "id_token")
                    .map(|(_, v)| v.into_owned())
            });
        if let Some(id_token) = id_token {
            return state.authority.id_token_info(&id_token).await;
        }
        let token = from_body
            .access_token
            .filter(|t| !t.is_empty())
            .or_else(|| bearer_token(&HeaderMap::new(), query.as_deref()))
            .ok_or_else(|| OAuthError::new(OAuthCode::InvalidRequest, 400, "Invalid Value"))?;
        state.authority.access_token_info(&token).await
    }
    .await;
    match result {
        Ok(info) => json_response(StatusCode::OK, &info),
        Err(err) => OAuthErrorResponse(err).into_response(),
    }
}

async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Result<AccessContext, Result<(), BearerError>> {
    let Some(token) = bearer_token(headers, query) else {
        return Err(Ok(()));
    };
    state
        .authority
        .authenticate_bearer(&token)
        .await
        .map_err(Err)
}

/// The OIDC endpoints answer a bad token the OAuth way, with `WWW-Authenticate`.
pub(crate) async fn get_userinfo_oidc(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    match authenticate(&state, &headers, query.as_deref()).await {
        Ok(context) => json_response(StatusCode::OK, &state.authority.userinfo_oidc(&context)),
        Err(Err(BearerError::Store(err))) => ApiError::from(err).into_response(),
        Err(_) => {
            let mut response = OAuthErrorResponse(OAuthError::new(
                OAuthCode::InvalidRequest,
                401,
                "Invalid Credentials",
            ))
            .into_response();
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
            response
        }
    }
}

/// The v1 endpoint is a Google API: bad tokens get the JSON error envelope.
pub(crate) async fn get_userinfo_v1(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    match authenticate(&state, &headers, query.as_deref()).await {
        Ok(context) => json_response(StatusCode::OK, &state.authority.userinfo_v1(&context)),
        Err(Err(BearerError::Store(err))) => ApiError::from(err).into_response(),
        Err(Ok(())) => credentials_missing(&state.public_url),
        Err(Err(BearerError::Invalid)) => unauthenticated(&state.public_url),
    }
}
