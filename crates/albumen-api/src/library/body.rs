//! Interim request-body parsing for the Library handlers, until the shared proto-JSON
//! extractor lands: plain serde with Google's 400 on anything that does not parse.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use crate::error::ApiError;
use crate::state::AppState;

pub(crate) fn parse_google_json<T: DeserializeOwned + Default>(
    body: &Bytes,
) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::invalid_argument(format!("Invalid JSON payload received. {e}")))
}

/// A JSON request body.
#[derive(Debug)]
pub(crate) struct GoogleJson<T>(pub T);

impl<T: DeserializeOwned + Default> FromRequest<AppState> for GoogleJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::invalid_argument("The request body could not be read."))?;
        parse_google_json(&bytes).map(GoogleJson)
    }
}

/// An integer sent as a number or a numeric string.
pub(crate) fn int_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Int {
        Number(i64),
        Text(String),
    }
    match Option::<Int>::deserialize(d)? {
        None => Ok(None),
        Some(Int::Number(n)) => Ok(Some(n)),
        Some(Int::Text(t)) => t.trim().parse().map(Some).map_err(serde::de::Error::custom),
    }
}
