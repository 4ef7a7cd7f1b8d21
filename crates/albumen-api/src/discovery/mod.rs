//! The Library API's discovery document (`discovery#restDescription`, `photoslibrary:v1`),
//! from which generated clients build their method tables. The static part lives in
//! `photoslibrary-v1.json`; only the URLs depend on where the server is reached, so they are
//! filled in from `public_url` at serve time. Nothing here routes or answers the API itself.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;

use crate::error::ApiError;
use crate::state::AppState;
use crate::wire::json_response;

/// The document without its URLs, parsed once.
static LIBRARY_DOCUMENT: LazyLock<Result<Value, serde_json::Error>> =
    LazyLock::new(|| serde_json::from_str(include_str!("photoslibrary-v1.json")));

/// The host label that selects the Picker API, whose document is not served yet.
const PICKER_HOST_LABEL: &str = "photospicker";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/$discovery/rest", get(get_api_host_discovery))
        .route(
            "/discovery/v1/apis/photoslibrary/v1/rest",
            get(get_library_discovery),
        )
}

/// `GET /$discovery/rest?version=v1` on an API host: the API is named by the Host header's
/// first label, as on Google's per-API hosts. A missing `version` means the default, v1.
async fn get_api_host_discovery(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let version = url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .find_map(|(name, value)| (name == "version").then_some(value));
    if is_picker_host(&headers) || version.is_some_and(|v| v != "v1") {
        return ApiError::method_not_found().into_response();
    }
    library_document_response(&state.public_url)
}

/// `GET /discovery/v1/apis/photoslibrary/v1/rest`: the Discovery service's own path.
async fn get_library_discovery(State(state): State<AppState>) -> Response {
    library_document_response(&state.public_url)
}

fn is_picker_host(headers: &HeaderMap) -> bool {
    headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .and_then(|host| host.split(['.', ':']).next())
        .is_some_and(|label| label.eq_ignore_ascii_case(PICKER_HOST_LABEL))
}

fn library_document_response(public_url: &str) -> Response {
    match library_document(public_url) {
        Ok(document) => json_response(StatusCode::OK, &document),
        Err(err) => ApiError::internal(err.to_string()).into_response(),
    }
}

/// The discovery document with every URL pointing at `public_url` (no trailing slash).
pub fn library_document(public_url: &str) -> Result<Value, &'static serde_json::Error> {
    let mut document = LIBRARY_DOCUMENT.as_ref()?.clone();
    let root_url = format!("{}/", public_url.trim_end_matches('/'));
    if let Value::Object(fields) = &mut document {
        for key in ["rootUrl", "mtlsRootUrl", "baseUrl"] {
            fields.insert(key.to_owned(), Value::String(root_url.clone()));
        }
    }
    Ok(document)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_parses_and_points_every_url_at_the_server() {
        let document = library_document("https://photos.example").unwrap();
        for key in ["rootUrl", "mtlsRootUrl", "baseUrl"] {
            assert_eq!(document[key], "https://photos.example/", "{key}");
        }
        assert_eq!(document["servicePath"], "");
        assert_eq!(document["batchPath"], "batch");
        assert_eq!(document["id"], "photoslibrary:v1");
    }

    #[test]
    fn every_reference_names_a_schema_of_the_document() {
        let document = library_document("http://x").unwrap();
        let schemas = document["schemas"].as_object().unwrap();
        let mut refs = Vec::new();
        collect_refs(&document, &mut refs);
        assert!(refs.len() > 50);
        for name in refs {
            assert!(schemas.contains_key(&name), "dangling $ref {name}");
        }
    }

    fn collect_refs(value: &Value, refs: &mut Vec<String>) {
        match value {
            Value::Object(fields) => {
                for (key, inner) in fields {
                    match (key.as_str(), inner) {
                        ("$ref", Value::String(name)) => refs.push(name.clone()),
                        _ => collect_refs(inner, refs),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| collect_refs(item, refs)),
            _ => {}
        }
    }

    #[test]
    fn the_document_lists_exactly_the_served_library_routes() {
        let document = library_document("http://x").unwrap();
        let mut listed = Vec::new();
        for resource in document["resources"].as_object().unwrap().values() {
            for method in resource["methods"].as_object().unwrap().values() {
                listed.push((
                    method["id"].as_str().unwrap().to_owned(),
                    method["httpMethod"].as_str().unwrap().to_owned(),
                    method["flatPath"].as_str().unwrap().to_owned(),
                ));
            }
        }
        let mut served: Vec<_> = crate::library::LIBRARY_ROUTES
            .iter()
            .map(|r| {
                (
                    r.id.to_owned(),
                    r.http_method.to_owned(),
                    r.flat_path.to_owned(),
                )
            })
            .collect();
        listed.sort();
        served.sort();
        assert_eq!(listed, served);
    }

    #[test]
    fn only_the_picker_host_label_is_refused() {
        let mut headers = HeaderMap::new();
        for (host, picker) in [
            ("photospicker.googleapis.com", true),
            ("PhotosPicker:8080", true),
            ("photoslibrary.googleapis.com", false),
            ("127.0.0.1:3000", false),
        ] {
            headers.insert(header::HOST, host.parse().unwrap());
            assert_eq!(is_picker_host(&headers), picker, "{host}");
        }
    }
}
