//! Reading OAuth request parameters: a form-urlencoded body (or JSON, which Google also
//! tolerates), the query string, and HTTP Basic client credentials.

use albumen_oauth::OAuthError;
use albumen_oauth::token::BasicCredentials;
use axum::body::Bytes;
use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use percent_encoding::percent_decode_str;
use serde::de::DeserializeOwned;

/// Parses the body by its content type; an empty body is an empty form.
pub(crate) fn parse_body<T: DeserializeOwned + Default>(
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<T, OAuthError> {
    if body.is_empty() {
        return Ok(T::default());
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    if is_json {
        serde_json::from_slice(body)
            .map_err(|_| OAuthError::invalid_request("Invalid JSON payload."))
    } else {
        serde_urlencoded::from_bytes(body)
            .map_err(|_| OAuthError::invalid_request("Invalid request body."))
    }
}

/// `Authorization: Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 section 2.3.1).
pub(crate) fn basic_credentials(
    headers: &HeaderMap,
) -> Result<Option<BasicCredentials>, OAuthError> {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return Ok(None);
    };
    let Some(encoded) = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))
    else {
        return Ok(None);
    };
    let malformed = || OAuthError::invalid_request("Malformed Authorization header.");
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| malformed())?;
    let text = String::from_utf8(decoded).map_err(|_| malformed())?;
    let (id, secret) = text.split_once(':').ok_or_else(malformed)?;
    let unescape = |part: &str| {
        percent_decode_str(&part.replace('+', " "))
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| malformed())
    };
    Ok(Some(BasicCredentials {
        client_id: unescape(id)?,
        client_secret: unescape(secret)?,
    }))
}

/// The bearer token of a request: the `Authorization` header, else `access_token` in the query.
pub(crate) fn bearer_token(headers: &HeaderMap, query: Option<&str>) -> Option<String> {
    let from_header = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    from_header.or_else(|| {
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .find(|(k, _)| k == "access_token")
            .map(|(_, v)| v.into_owned())
            .filter(|t| !t.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn basic_credentials_are_url_decoded() {
        let mut headers = HeaderMap::new();
        let raw = STANDARD.encode("my%20client:s%2Bcret");
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {raw}")).unwrap(),
        );
        let creds = basic_credentials(&headers).unwrap().unwrap();
        assert_eq!(creds.client_id, "my client");
        assert_eq!(creds.client_secret, "s+cret");
    }

    #[test]
    fn a_bearer_token_comes_from_the_header_or_the_query() {
        let mut headers = HeaderMap::new();
        assert_eq!(
            bearer_token(&headers, Some("access_token=ya29.q")).as_deref(),
            Some("ya29.q")
        );
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer ya29.h"),
        );
        assert_eq!(
            bearer_token(&headers, Some("access_token=ya29.q")).as_deref(),
            Some("ya29.h")
        );
        assert_eq!(bearer_token(&HeaderMap::new(), None), None);
    }
}
