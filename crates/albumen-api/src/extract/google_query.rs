//! [`GoogleQuery<T>`]: the query string of a Library GET method bound the way Google binds
//! query parameters onto the request message, with Google's 400 messages. It binds only.
//!
//! Declare `T` like a [`GoogleJson`](super::google_json) body (`rename_all = "camelCase"`,
//! `deny_unknown_fields`, every field optional). Repeated parameters
//! (`mediaItemIds=A&mediaItemIds=B`) bind to a `Vec<String>` field (with
//! `#[serde(default)]`); integers use [`proto_json::opt_int32`](super::proto_json::opt_int32),
//! booleans [`proto_json::opt_bool`](super::proto_json::opt_bool). Parameter names may be
//! JSON names or proto names (`page_size`). The system parameters (`alt`, `fields`, `key`,
//! `access_token`, …) are removed before binding.
//!
//! Errors (400 `INVALID_ARGUMENT`): `Invalid value at 'page_size' (TYPE_INT32), "abc"`; an
//! unknown parameter: `Invalid JSON payload received. Unknown name "foo": Cannot bind query
//! parameter. Field 'foo' could not be found in request message.`

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::proto_json::{Step, binding_error, json_name, steps};
use crate::error::ApiError;

/// The query parameters every method accepts, answered by the system-parameter middleware
/// and the bearer extractor rather than bound to the request message.
const SYSTEM_PARAMETERS: [&str; 11] = [
    "$.xgafv",
    "access_token",
    "alt",
    "callback",
    "fields",
    "key",
    "oauth_token",
    "prettyPrint",
    "quotaUser",
    "uploadType",
    "upload_protocol",
];

/// A method's query parameters; see the module documentation.
#[derive(Debug, Clone)]
pub struct GoogleQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for GoogleQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parse_query(parts.uri.query()).map(GoogleQuery)
    }
}

/// Binds a raw query string to `T`.
pub fn parse_query<T: DeserializeOwned>(query: Option<&str>) -> Result<T, ApiError> {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .filter(|(name, _)| !SYSTEM_PARAMETERS.contains(&name.as_ref()))
            .map(|(name, value)| (json_name(&name), value.into_owned()))
            .collect();
    let encoded = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&pairs)
        .finish();
    let deserializer = serde_html_form::Deserializer::from_bytes(encoded.as_bytes());
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        binding_error(
            &steps(err.path()),
            &err.inner().to_string(),
            |at| sent_value(&pairs, at),
            |name| {
                format!(
                    "Cannot bind query parameter. Field '{name}' could not be found in \
                     request message."
                )
            },
        )
    })
}

/// What was sent for the parameter at `path` (the n-th value of a repeated one).
fn sent_value(pairs: &[(String, String)], path: &[Step]) -> Option<Value> {
    let (name, index) = match path {
        [Step::Field(name)] => (name, 0),
        [Step::Field(name), Step::Index(index)] => (name, *index),
        _ => return None,
    };
    pairs
        .iter()
        .filter(|(key, _)| key == name)
        .nth(index)
        .map(|(_, value)| Value::String(value.clone()))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;
    use crate::extract::proto_json;

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct ListParams {
        #[serde(default, deserialize_with = "proto_json::opt_int32")]
        page_size: Option<i32>,
        page_token: Option<String>,
        #[serde(default, deserialize_with = "proto_json::opt_bool")]
        exclude_non_app_created_data: Option<bool>,
        #[serde(default)]
        media_item_ids: Vec<String>,
    }

    fn parse(query: &str) -> Result<ListParams, ApiError> {
        parse_query(Some(query))
    }

    #[test]
    fn repeated_parameters_bind_in_order_and_integers_come_as_text() {
        let params = parse("mediaItemIds=A&mediaItemIds=B&pageSize=50&pageToken=t%2Bu").unwrap();
        assert_eq!(params.media_item_ids, ["A", "B"]);
        assert_eq!(params.page_size, Some(50));
        assert_eq!(params.page_token.as_deref(), Some("t+u"));
        assert_eq!(parse("mediaItemIds=A").unwrap().media_item_ids, ["A"]);
    }

    #[test]
    fn proto_names_and_system_parameters_are_accepted() {
        let params = parse(
            "page_size=5&exclude_non_app_created_data=true&alt=json&fields=x&key=k\
             &%24.xgafv=2&prettyPrint=false&quotaUser=q&access_token=t&callback=c\
             &oauth_token=o&uploadType=u&upload_protocol=p",
        )
        .unwrap();
        assert_eq!(params.page_size, Some(5));
        assert_eq!(params.exclude_non_app_created_data, Some(true));
        assert_eq!(
            parse_query::<ListParams>(None).unwrap(),
            ListParams::default()
        );
    }

    #[test]
    fn bad_values_get_googles_invalid_value_messages() {
        let err = parse("pageSize=abc").unwrap_err();
        assert_eq!(err.status(), axum::http::StatusCode::BAD_REQUEST);
        assert_eq!(
            err.message(),
            r#"Invalid value at 'page_size' (TYPE_INT32), "abc""#
        );
        assert_eq!(
            parse("excludeNonAppCreatedData=maybe")
                .unwrap_err()
                .message(),
            r#"Invalid value at 'exclude_non_app_created_data' (TYPE_BOOL), "maybe""#
        );
    }

    #[test]
    fn unknown_parameters_cannot_be_bound() {
        assert_eq!(
            parse("foo=1").unwrap_err().message(),
            "Invalid JSON payload received. Unknown name \"foo\": Cannot bind query \
             parameter. Field 'foo' could not be found in request message."
        );
    }
}
