//! `/token`, `/device/code` and `/revoke`.

use albumen_oauth::OAuthError;
use albumen_oauth::token::TokenParams;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::error::OAuthErrorResponse;
use super::form::{basic_credentials, parse_body};
use crate::state::AppState;
use crate::wire::json_response;

fn no_store(mut response: Response) -> Response {
    // Token responses must never be cached (RFC 6749 section 5.1).
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache, no-store, max-age=0, must-revalidate"),
    );
    response
        .headers_mut()
        .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

pub(crate) async fn post_token(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = async {
        let params: TokenParams = parse_body(&headers, &body)?;
        let basic = basic_credentials(&headers)?;
        state.authority.exchange(&params, basic.as_ref()).await
    }
    .await;
    no_store(match result {
        Ok(tokens) => json_response(StatusCode::OK, &tokens),
        Err(err) => OAuthErrorResponse(err).into_response(),
    })
}

#[derive(Debug, Default, Deserialize)]
struct DeviceCodeParams {
    client_id: Option<String>,
    scope: Option<String>,
}

pub(crate) async fn post_device_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = async {
        let params: DeviceCodeParams = parse_body(&headers, &body)?;
        let client_id = match basic_credentials(&headers)? {
            Some(basic) => Some(basic.client_id),
            None => params.client_id,
        };
        state
            .authority
            .start_device_authorization(client_id.as_deref(), params.scope.as_deref())
            .await
    }
    .await;
    no_store(match result {
        Ok(answer) => json_response(StatusCode::OK, &answer),
        Err(err) => OAuthErrorResponse(err).into_response(),
    })
}

#[derive(Debug, Default, Deserialize)]
struct RevokeParams {
    token: Option<String>,
}

/// The token may come in the form body or the query string.
pub(crate) async fn post_revoke(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = async {
        let from_body: RevokeParams = parse_body(&headers, &body)?;
        let token = from_body.token.filter(|t| !t.is_empty()).or_else(|| {
            url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                .find(|(k, _)| k == "token")
                .map(|(_, v)| v.into_owned())
        });
        let token = token
            .filter(|t| !t.is_empty())
            .ok_or_else(|| OAuthError::missing("token"))?;
        state.authority.revoke(&token).await
    }
    .await;
    match result {
        Ok(()) => json_response(StatusCode::OK, &json!({})),
        Err(err) => OAuthErrorResponse(err).into_response(),
    }
}
