//! `POST /v1/uploads` as clients use it: raw bytes in, an upload token (plain text) out,
//! with Google's unwrapped error bodies.

use albumen_core::project::ApiService;
use albumen_library::upload::upload_token_digest;
use albumen_oauth::rules::scope::ScopeSet;
use albumen_testkit::contract::blobs::test_bytes;
use albumen_testkit::seed::Seeded;
use albumen_testkit::{AppOptions, Backends, TestApp, spawn_app, spawn_app_on, spawn_app_with};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

per_backend!(
    a_raw_upload_returns_a_plain_text_token_bound_to_user_and_client,
    a_chunked_upload_without_headers_is_accepted_and_identical_bytes_are_stored_once,
);

const APPEND: &str = "https://www.googleapis.com/auth/photoslibrary.appendonly";

async fn token_for(app: &TestApp, seeded: &Seeded, scopes: &str) -> String {
    app.state
        .authority
        .mint_tokens(
            &seeded.admin,
            &seeded.desktop.client.client_id,
            &ScopeSet::parse(scopes).unwrap(),
        )
        .await
        .unwrap()
        .access_token
}

async fn upload(
    app: &TestApp,
    token: &str,
    body: Vec<u8>,
    headers: &[(&str, &str)],
) -> (StatusCode, String) {
    let mut request = app
        .client
        .post(app.url("/v1/uploads"))
        .bearer_auth(token)
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

async fn a_raw_upload_returns_a_plain_text_token_bound_to_user_and_client(backends: Backends) {
    let app = spawn_app_on(backends).await;
    let seeded = app.seed().await;
    let access = token_for(&app, &seeded, APPEND).await;
    let bytes = test_bytes(300_000, 9);
    let (status, token) = upload(
        &app,
        &access,
        bytes.clone(),
        &[
            ("content-type", "application/octet-stream"),
            ("x-goog-upload-content-type", "image/jpeg"),
            ("x-goog-upload-protocol", "raw"),
            ("x-goog-upload-file-name", "Caf%C3%A9%20photo.jpg"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert!(token.starts_with("CAIS"), "{token}");
    let stored = app
        .state
        .store
        .get_upload_token(&upload_token_digest(&token))
        .await
        .unwrap();
    assert_eq!(stored.user_id, seeded.admin.id);
    assert_eq!(stored.client_id, seeded.desktop.client.client_id);
    assert_eq!(stored.size, bytes.len() as u64);
    assert_eq!(stored.blob_key, hex::encode(Sha256::digest(&bytes)));
    assert_eq!(stored.mime_type.as_deref(), Some("image/jpeg"));
    assert_eq!(stored.file_name.as_deref(), Some("Café photo.jpg"));
    assert_eq!(
        stored.expires_at - stored.created_at,
        time::Duration::days(1)
    );
}

async fn a_chunked_upload_without_headers_is_accepted_and_identical_bytes_are_stored_once(
    backends: Backends,
) {
    let app = spawn_app_on(backends).await;
    let seeded = app.seed().await;
    let access = token_for(&app, &seeded, APPEND).await;
    let bytes = test_bytes(1_000_000, 3);
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        bytes.chunks(65_536).map(|c| Ok(c.to_vec())).collect();
    let response = app
        .client
        .post(app.url("/v1/uploads"))
        .bearer_auth(&access)
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let first = response.text().await.unwrap();
    let (_, second) = upload(&app, &access, bytes.clone(), &[]).await;
    assert_ne!(first, second, "every upload gets its own token");
    let a = app
        .state
        .store
        .get_upload_token(&upload_token_digest(&first))
        .await
        .unwrap();
    let b = app
        .state
        .store
        .get_upload_token(&upload_token_digest(&second))
        .await
        .unwrap();
    assert_eq!(a.blob_key, b.blob_key);
    assert!(a.mime_type.is_none() && a.file_name.is_none());
}

#[tokio::test]
async fn uploads_need_the_appendonly_scope_and_a_valid_token() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let picker_only = token_for(
        &app,
        &seeded,
        "https://www.googleapis.com/auth/photospicker.mediaitems.readonly",
    )
    .await;
    let expected = json!({"code": 16, "message": "Authentication session is not defined."});
    for token in [picker_only.as_str(), "ya29.nonsense"] {
        let (status, body) = upload(&app, token, b"bytes".to_vec(), &[]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(serde_json::from_str::<Value>(&body).unwrap(), expected);
    }
}

#[tokio::test]
async fn uploads_to_a_project_without_the_library_api_get_service_disabled() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    app.state
        .authority
        .set_api_enabled(
            &seeded.admin,
            &seeded.project.id,
            ApiService::PhotosLibrary,
            false,
        )
        .await
        .unwrap();
    let access = token_for(&app, &seeded, APPEND).await;
    let (status, body) = upload(&app, &access, b"bytes".to_vec(), &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["error"]["details"][0]["reason"], "SERVICE_DISABLED");
}

#[tokio::test]
async fn an_empty_or_oversized_upload_is_refused_and_stores_nothing() {
    let app = spawn_app_with(AppOptions::default()).await.unwrap();
    let seeded = app.seed().await;
    let access = token_for(&app, &seeded, APPEND).await;
    let (status, body) = upload(&app, &access, Vec::new(), &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"code": 3, "message": "Payload must not be empty"})
    );

    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.resize(201 * 1024 * 1024, 7);
    let (status, body) = upload(&app, &access, png, &[]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["code"], 3);
    let stored: Vec<_> = futures::TryStreamExt::try_collect::<Vec<_>>(app.state.blobs.list())
        .await
        .unwrap();
    assert!(
        stored.iter().all(|b| b.size == 0),
        "nothing but the empty blob was stored: {stored:?}"
    );
}

#[tokio::test]
async fn the_multipart_protocol_is_refused_plainly() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let access = token_for(&app, &seeded, APPEND).await;
    let (status, body) = upload(
        &app,
        &access,
        b"--boundary".to_vec(),
        &[("x-goog-upload-protocol", "multipart")],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_IMPLEMENTED);
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["code"], 12);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_in_flight_finishes_when_the_server_shuts_down() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let access = token_for(&app, &seeded, APPEND).await;
    let (started_tx, started_rx) = tokio::sync::oneshot::channel::<()>();
    let mut started_tx = Some(started_tx);
    let slow = futures::StreamExt::then(futures::stream::iter(0..20), move |i| {
        if let Some(tx) = started_tx.take() {
            let _ = tx.send(());
        }
        async move {
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
            Ok::<_, std::io::Error>(vec![i as u8; 4096])
        }
    });
    let request = app
        .client
        .post(app.url("/v1/uploads"))
        .bearer_auth(&access)
        .body(reqwest::Body::wrap_stream(slow))
        .send();
    let in_flight = tokio::spawn(request);
    started_rx.await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let stored = app.state.store.clone();
    let _data_dir = app.shutdown().await;
    let response = in_flight.await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let token = response.text().await.unwrap();
    assert_eq!(
        stored
            .get_upload_token(&upload_token_digest(&token))
            .await
            .unwrap()
            .size,
        20 * 4096
    );
}
