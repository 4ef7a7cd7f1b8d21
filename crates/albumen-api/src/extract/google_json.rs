//! [`GoogleJson<T>`]: a JSON request body read the way Google's API front end reads one, with
//! Google's 400 `INVALID_ARGUMENT` messages for everything that does not bind. It parses and
//! binds only; what the values mean is the handler's and the domain's business.
//!
//! What it accepts: an empty body (read as `{}`), with or without a `Content-Type`; proto
//! field names (`upload_token`) as well as JSON names (`uploadToken`) at every depth;
//! explicit `null` for any absent field; integers as numbers or numeric strings (with the
//! [`proto_json`](super::proto_json) helpers).
//!
//! How a request type is declared:
//!
//! ```ignore
//! use crate::extract::proto_json::{self, ProtoEnum};
//!
//! #[derive(Debug, Default, Deserialize)]
//! #[serde(rename_all = "camelCase", deny_unknown_fields)]
//! struct SearchMediaItemsRequest {          // named after the proto message
//!     album_id: Option<String>,
//!     #[serde(default, deserialize_with = "proto_json::opt_int32")]
//!     page_size: Option<i32>,
//!     filters: Option<Filters>,
//! }
//!
//! #[derive(Debug, Default, Deserialize)]
//! #[serde(rename_all = "camelCase", deny_unknown_fields)]
//! struct MediaTypeFilter {
//!     #[serde(default, deserialize_with = "proto_json::enum_list")]
//!     media_types: Vec<MediaType>,
//! }
//!
//! impl ProtoEnum for MediaType {           // MediaType: Deserialize from "PHOTO", …
//!     const TYPE_URL: &'static str =
//!         "type.googleapis.com/google.photos.library.v1.MediaTypeFilter.MediaType";
//! }
//!
//! async fn search_media_items(GoogleJson(request): GoogleJson<SearchMediaItemsRequest>) { … }
//! ```
//!
//! - `rename_all = "camelCase"` because names are normalised to JSON names before binding;
//!   `deny_unknown_fields` so that an unknown key gets Google's `Unknown name` error.
//! - Every field is optional (`Option`, or `#[serde(default)]`): proto3 has no required
//!   fields at parse time; a missing field the type still demands is reported as
//!   `Invalid JSON payload received. Missing required field '…'.` (not a Google text).
//! - Message-typed fields given a scalar are reported with
//!   `type.googleapis.com/google.photos.library.v1.<struct name>` (a `Body` suffix is
//!   dropped), so name structs after the proto message.
//! - Output-only fields that clients echo back (an `Album` in a patch) must be declared
//!   (e.g. as `Option<serde::de::IgnoredAny>`) or they are unknown names.
//! - Enums without [`ProtoEnum`](super::proto_json::ProtoEnum) and its helpers still bind,
//!   but report unknown values as `(TYPE_ENUM)`.
//!
//! Errors (all 400 `INVALID_ARGUMENT`, with a `google.rpc.BadRequest` detail naming the field):
//! - not JSON: `Invalid JSON payload received. Unexpected token.` (or `Unexpected end of
//!   string.`); a non-object root: `Invalid JSON payload received. Unknown name "": Root
//!   element must be a message.`
//! - unknown key: `Invalid JSON payload received. Unknown name "x" at 'album': Cannot find
//!   field.` (no `at` for the root)
//! - wrong type or value: `Invalid value at 'album.title' (TYPE_STRING), 123`, or
//!   `Invalid value at 'filters.media_type_filter.media_types[0]'
//!   (type.googleapis.com/google.photos.library.v1.MediaTypeFilter.MediaType), "FOO"`
//! - a body over the router's limit: 413 `Request payload size exceeds the limit.`

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::proto_json::{Step, bad_request, binding_error, normalize, proto_name, steps};
use crate::error::ApiError;

/// A request body bound as Google binds JSON; see the module documentation.
#[derive(Debug, Clone)]
pub struct GoogleJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for GoogleJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::invalid_argument("Request payload size exceeds the limit.")
                        .with_http_status(StatusCode::PAYLOAD_TOO_LARGE)
                } else {
                    ApiError::invalid_argument("The request body could not be read.")
                }
            })?;
        parse_body(&body).map(GoogleJson)
    }
}

const PAYLOAD_PREFIX: &str = "Invalid JSON payload received.";

/// Binds `body` to `T` (exposed for handlers that read the body themselves).
pub fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(serde_json::Map::new())
    } else {
        serde_json::from_slice(body).map_err(|err| {
            let what = if err.is_eof() {
                "Unexpected end of string."
            } else {
                "Unexpected token."
            };
            bad_request("", format!("{PAYLOAD_PREFIX} {what}"))
        })?
    };
    if !value.is_object() {
        return Err(bad_request(
            "",
            format!("{PAYLOAD_PREFIX} Unknown name \"\": Root element must be a message."),
        ));
    }
    let value = normalize(value).map_err(|name| {
        bad_request(
            &proto_name(&name),
            format!("{PAYLOAD_PREFIX} Duplicate name \"{name}\": both spellings were sent."),
        )
    })?;
    serde_path_to_error::deserialize(&value).map_err(|err| {
        let path = steps(err.path());
        binding_error(
            &path,
            &err.inner().to_string(),
            |at| value_at(&value, at).cloned(),
            |_| "Cannot find field.".to_owned(),
        )
    })
}

fn value_at<'a>(value: &'a Value, path: &[Step]) -> Option<&'a Value> {
    path.iter().try_fold(value, |current, step| match step {
        Step::Field(name) => current.get(name),
        Step::Index(index) => current.get(index),
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;
    use crate::extract::proto_json::{self, ProtoEnum};

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct SearchMediaItemsRequest {
        album_id: Option<String>,
        #[serde(default, deserialize_with = "proto_json::opt_int32")]
        page_size: Option<i32>,
        filters: Option<Filters>,
        #[serde(default)]
        new_media_items: Vec<NewMediaItem>,
    }

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Filters {
        media_type_filter: Option<MediaTypeFilter>,
        #[serde(default, deserialize_with = "proto_json::opt_int64")]
        total: Option<i64>,
        include_archived_media: Option<bool>,
        #[serde(default, deserialize_with = "proto_json::opt_enum")]
        order: Option<MediaType>,
    }

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct MediaTypeFilter {
        #[serde(default, deserialize_with = "proto_json::enum_list")]
        media_types: Vec<MediaType>,
    }

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct NewMediaItem {
        description: Option<String>,
        simple_media_item: Option<SimpleMediaItem>,
    }

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct SimpleMediaItem {
        upload_token: Option<String>,
        file_name: Option<String>,
    }

    #[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    enum MediaType {
        AllMedia,
        Video,
        Photo,
    }

    impl ProtoEnum for MediaType {
        const TYPE_URL: &'static str =
            "type.googleapis.com/google.photos.library.v1.MediaTypeFilter.MediaType";
    }

    fn parse(body: &str) -> Result<SearchMediaItemsRequest, ApiError> {
        parse_body(body.as_bytes())
    }

    fn message_of(body: &str) -> String {
        let err = parse(body).unwrap_err();
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
        err.message().to_owned()
    }

    #[test]
    fn an_empty_body_is_an_empty_message() {
        assert_eq!(parse("").unwrap(), SearchMediaItemsRequest::default());
        assert_eq!(parse(" \n").unwrap(), SearchMediaItemsRequest::default());
    }

    #[test]
    fn camel_and_snake_names_bind_alike_at_every_depth_and_nulls_vanish() {
        let camel = parse(
            r#"{"albumId": "A", "pageSize": 10, "newMediaItems": [
                {"description": null, "simpleMediaItem": {"uploadToken": "t", "fileName": "f"}}],
                "filters": {"mediaTypeFilter": {"mediaTypes": ["PHOTO"]}, "includeArchivedMedia": true}}"#,
        )
        .unwrap();
        let snake = parse(
            r#"{"album_id": "A", "page_size": 10, "new_media_items": [
                {"simple_media_item": {"upload_token": "t", "file_name": "f"}}],
                "filters": {"media_type_filter": {"media_types": ["PHOTO"]},
                            "include_archived_media": true, "total": null}}"#,
        )
        .unwrap();
        assert_eq!(camel, snake);
        assert_eq!(camel.new_media_items[0].description, None);
        assert_eq!(
            camel
                .filters
                .unwrap()
                .media_type_filter
                .unwrap()
                .media_types,
            vec![MediaType::Photo]
        );
    }

    #[test]
    fn integers_may_be_numbers_or_numeric_strings() {
        assert_eq!(
            parse(r#"{"pageSize": "100"}"#).unwrap().page_size,
            Some(100)
        );
        assert_eq!(parse(r#"{"pageSize": 1e2}"#).unwrap().page_size, Some(100));
        let filters = parse(r#"{"filters": {"total": "9007199254740993"}}"#)
            .unwrap()
            .filters
            .unwrap();
        assert_eq!(filters.total, Some(9_007_199_254_740_993));
    }

    #[test]
    fn integers_out_of_type_are_invalid_values() {
        assert_eq!(
            message_of(r#"{"pageSize": "abc"}"#),
            r#"Invalid value at 'page_size' (TYPE_INT32), "abc""#
        );
        assert_eq!(
            message_of(r#"{"pageSize": 3000000000}"#),
            "Invalid value at 'page_size' (TYPE_INT32), 3000000000"
        );
        assert_eq!(
            message_of(r#"{"pageSize": 1.5}"#),
            "Invalid value at 'page_size' (TYPE_INT32), 1.5"
        );
        assert_eq!(
            message_of(r#"{"filters": {"total": true}}"#),
            "Invalid value at 'filters.total' (TYPE_INT64), true"
        );
    }

    #[test]
    fn unknown_names_are_reported_where_they_were_found() {
        assert_eq!(
            message_of(r#"{"x": 1}"#),
            r#"Invalid JSON payload received. Unknown name "x": Cannot find field."#
        );
        assert_eq!(
            message_of(r#"{"newMediaItems": [{"simpleMediaItem": {"x": 1}}]}"#),
            "Invalid JSON payload received. Unknown name \"x\" at \
             'new_media_items[0].simple_media_item': Cannot find field."
        );
    }

    #[test]
    fn wrong_types_name_the_proto_type_and_the_value_sent() {
        assert_eq!(
            message_of(r#"{"albumId": 123}"#),
            "Invalid value at 'album_id' (TYPE_STRING), 123"
        );
        assert_eq!(
            message_of(r#"{"filters": {"includeArchivedMedia": "yes"}}"#),
            r#"Invalid value at 'filters.include_archived_media' (TYPE_BOOL), "yes""#
        );
        assert_eq!(
            message_of(r#"{"filters": "x"}"#),
            r#"Invalid value at 'filters' (type.googleapis.com/google.photos.library.v1.Filters), "x""#
        );
        assert_eq!(
            message_of(r#"{"albumId": ["A"]}"#),
            "Invalid JSON payload received. Unknown name \"albumId\": Proto field is not \
             repeating, cannot start list."
        );
        assert_eq!(
            message_of(r#"{"filters": {"total": [1]}}"#),
            "Invalid JSON payload received. Unknown name \"total\" at 'filters': Proto field \
             is not repeating, cannot start list."
        );
    }

    #[test]
    fn unknown_enum_values_name_the_enum_type() {
        assert_eq!(
            message_of(r#"{"filters": {"mediaTypeFilter": {"mediaTypes": ["PHOTO", "FOO"]}}}"#),
            "Invalid value at 'filters.media_type_filter.media_types[1]' \
             (type.googleapis.com/google.photos.library.v1.MediaTypeFilter.MediaType), \"FOO\""
        );
        assert_eq!(
            message_of(r#"{"filters": {"order": 7}}"#),
            "Invalid value at 'filters.order' \
             (type.googleapis.com/google.photos.library.v1.MediaTypeFilter.MediaType), 7"
        );
    }

    #[test]
    fn malformed_json_and_non_message_roots_are_refused() {
        assert_eq!(
            message_of(r#"{"albumId": "#),
            "Invalid JSON payload received. Unexpected end of string."
        );
        assert_eq!(
            message_of(r#"{albumId: 1}"#),
            "Invalid JSON payload received. Unexpected token."
        );
        assert_eq!(
            message_of("[]"),
            r#"Invalid JSON payload received. Unknown name "": Root element must be a message."#
        );
    }

    #[test]
    fn both_spellings_of_one_field_are_refused() {
        assert!(message_of(r#"{"albumId": "A", "album_id": "B"}"#).contains("\"albumId\""));
    }

    #[tokio::test]
    async fn errors_carry_a_bad_request_detail_naming_the_field() {
        use axum::response::IntoResponse;
        let response = parse(r#"{"pageSize": "abc"}"#).unwrap_err().into_response();
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            body["error"]["details"][0],
            json!({
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{
                    "field": "page_size",
                    "description": "Invalid value at 'page_size' (TYPE_INT32), \"abc\"",
                }],
            })
        );
    }

    #[tokio::test]
    async fn the_extractor_reads_the_request_body() {
        let request = Request::post("/")
            .body(axum::body::Body::from(r#"{"album_id": "A"}"#))
            .unwrap();
        let GoogleJson(parsed) = GoogleJson::<SearchMediaItemsRequest>::from_request(request, &())
            .await
            .unwrap();
        assert_eq!(parsed.album_id.as_deref(), Some("A"));
    }
}
