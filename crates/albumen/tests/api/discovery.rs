//! The Library API's discovery document against the router: every method it lists is served
//! (an invalid token gets 401, not the 404 of an unknown path) and every served method is
//! listed; plus the system query parameters on a real method.

use albumen_api::library::LIBRARY_ROUTES;
use albumen_oauth::rules::scope::ScopeSet;
use albumen_testkit::{TestApp, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const LIBRARY_PATHS: [&str; 2] = [
    "/$discovery/rest?version=v1",
    "/discovery/v1/apis/photoslibrary/v1/rest",
];

async fn document(app: &TestApp, path: &str) -> Value {
    let (status, body) = app.get_json(path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

/// `(id, httpMethod, flatPath)` of every method of the document, sorted.
fn listed_methods(document: &Value) -> Vec<(String, String, String)> {
    let mut methods = Vec::new();
    for resource in document["resources"].as_object().unwrap().values() {
        for method in resource["methods"].as_object().unwrap().values() {
            methods.push((
                method["id"].as_str().unwrap().to_owned(),
                method["httpMethod"].as_str().unwrap().to_owned(),
                method["flatPath"].as_str().unwrap().to_owned(),
            ));
        }
    }
    methods.sort();
    methods
}

/// A flat path with every `{…}` variable replaced by a dummy id.
fn concrete_path(flat_path: &str) -> String {
    let mut path = String::from("/");
    let mut rest = flat_path;
    while let Some((before, after)) = rest.split_once('{') {
        let (_, tail) = after.split_once('}').unwrap();
        path.push_str(before);
        path.push_str("AFakeId123");
        rest = tail;
    }
    path.push_str(rest);
    path
}

#[tokio::test]
async fn both_discovery_urls_serve_the_document_pointing_at_this_server() {
    let app = spawn_app().await;
    for path in LIBRARY_PATHS {
        let document = document(&app, path).await;
        let root = format!("{}/", app.state.public_url);
        assert_eq!(document["rootUrl"], root.as_str(), "{path}");
        assert_eq!(document["mtlsRootUrl"], root.as_str(), "{path}");
        assert_eq!(document["servicePath"], "", "{path}");
        assert_eq!(document["batchPath"], "batch", "{path}");
        assert_eq!(document["id"], "photoslibrary:v1", "{path}");
        assert_eq!(
            document["auth"]["oauth2"]["scopes"]
                .as_object()
                .unwrap()
                .len(),
            6
        );
    }
}

#[tokio::test]
async fn the_document_and_the_route_table_list_the_same_methods() {
    let app = spawn_app().await;
    let mut served: Vec<_> = LIBRARY_ROUTES
        .iter()
        .map(|r| {
            (
                r.id.to_owned(),
                r.http_method.to_owned(),
                r.flat_path.to_owned(),
            )
        })
        .collect();
    served.sort();
    for path in LIBRARY_PATHS {
        assert_eq!(
            listed_methods(&document(&app, path).await),
            served,
            "{path}"
        );
    }
}

#[tokio::test]
async fn every_listed_method_is_routed_and_refuses_an_invalid_token() {
    let app = spawn_app().await;
    let document = document(&app, LIBRARY_PATHS[0]).await;
    let mut unrouted = Vec::new();
    for (id, http_method, flat_path) in listed_methods(&document) {
        let method = Method::from_bytes(http_method.as_bytes()).unwrap();
        let mut request = app
            .client
            .request(method.clone(), app.url(&concrete_path(&flat_path)))
            .bearer_auth("ya29.not-a-real-token");
        if method != Method::GET {
            request = request.json(&json!({}));
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        if status != StatusCode::UNAUTHORIZED || body["error"]["status"] != "UNAUTHENTICATED" {
            unrouted.push(format!("{id} ({http_method} {flat_path}): {status} {body}"));
        }
    }
    assert!(unrouted.is_empty(), "not served: {unrouted:#?}");
}

#[tokio::test]
async fn other_versions_and_the_picker_host_have_no_library_document() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/$discovery/rest?version=v2").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["status"], "NOT_FOUND");
    let response = app
        .client
        .get(app.url("/$discovery/rest?version=v1"))
        .header("host", "photospicker.googleapis.com")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["status"], "NOT_FOUND");
}

const CREATE_AND_READ: &str = "https://www.googleapis.com/auth/photoslibrary.appendonly \
     https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata";

#[tokio::test]
async fn library_methods_honour_fields_pretty_print_and_alt() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let token = app
        .state
        .authority
        .mint_tokens(
            &seeded.admin,
            &seeded.desktop.client.client_id,
            &ScopeSet::parse(CREATE_AND_READ).unwrap(),
        )
        .await
        .unwrap()
        .access_token;
    let created = app
        .client
        .post(app.url("/v1/albums?alt=json&fields=id,title"))
        .bearer_auth(&token)
        .json(&json!({"album": {"title": "Trip"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::OK);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created.as_object().unwrap().len(), 2, "{created}");
    assert_eq!(created["title"], "Trip");

    let listed = app
        .client
        .get(app.url("/v1/albums?fields=albums(title)&prettyPrint=false&%24.xgafv=2&key=k"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), StatusCode::OK);
    assert_eq!(
        listed.text().await.unwrap(),
        r#"{"albums":[{"title":"Trip"}]}"#
    );

    let refused = app
        .client
        .get(app.url("/v1/albums?alt=proto"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
}
