//! The resumable protocol of `POST /v1/uploads` as real clients drive it: start, chunks at
//! offsets, query, resume, finalize and cancel, with Google's status headers and unwrapped
//! error bodies.

use albumen_library::upload::upload_token_digest;
use albumen_oauth::rules::scope::ScopeSet;
use albumen_testkit::contract::blobs::test_bytes;
use albumen_testkit::seed::Seeded;
use albumen_testkit::{Backends, TestApp, spawn_app_on};
use reqwest::{Body, Response, StatusCode};
use serde_json::Value;
use sha2::{Digest, Sha256};

mod refusals;

per_backend!(
    start_answers_with_the_session_url_granularity_and_active_status,
    a_java_style_upload_sends_granular_chunks_then_upload_finalize,
    a_go_style_upload_resumes_after_an_interrupted_chunk_with_the_rest_at_once,
);

const APPEND: &str = "https://www.googleapis.com/auth/photoslibrary.appendonly";
const GRANULE: usize = 262_144;

async fn token_for(app: &TestApp, user: &albumen_core::user::User, seeded: &Seeded) -> String {
    let scopes = ScopeSet::parse(APPEND).unwrap();
    let client = &seeded.desktop.client.client_id;
    let minted = app.state.authority.mint_tokens(user, client, &scopes);
    minted.await.unwrap().access_token
}

async fn setup() -> (TestApp, Seeded, String) {
    setup_on(Backends::SqliteDisk).await
}

async fn setup_on(backends: Backends) -> (TestApp, Seeded, String) {
    let app = spawn_app_on(backends).await;
    let seeded = app.seed().await;
    let access = token_for(&app, &seeded.admin, &seeded).await;
    (app, seeded, access)
}

/// `start`, with extra headers; returns the whole response.
async fn start(app: &TestApp, access: &str, extra: &[(&str, &str)]) -> Response {
    let mut request = app
        .client
        .post(app.url("/v1/uploads"))
        .bearer_auth(access)
        .header("content-length", "0")
        .header("x-goog-upload-protocol", "resumable")
        .header("x-goog-upload-command", "start");
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

/// Starts a session declaring `raw_size` bytes and returns its URL.
async fn session(app: &TestApp, access: &str, raw_size: usize) -> String {
    let size = raw_size.to_string();
    let response = start(app, access, &[("x-goog-upload-raw-size", &size)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    header(&response, "x-goog-upload-url").unwrap()
}

/// A request to the session URL, without a bearer token unless `extra` carries one.
async fn try_send(
    url: &str,
    extra: &[(&str, &str)],
    body: impl Into<Body>,
) -> reqwest::Result<Response> {
    let mut request = reqwest::Client::new().post(url).body(body);
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    request.send().await
}

async fn send(url: &str, extra: &[(&str, &str)], body: impl Into<Body>) -> Response {
    try_send(url, extra, body).await.unwrap()
}

async fn chunk(url: &str, command: &str, offset: usize, bytes: &[u8]) -> Response {
    let offset = offset.to_string();
    let headers = [
        ("x-goog-upload-command", command),
        ("x-goog-upload-offset", offset.as_str()),
    ];
    send(url, &headers, bytes.to_vec()).await
}

async fn command(url: &str, command: &str) -> Response {
    send(url, &[("x-goog-upload-command", command)], Vec::new()).await
}

fn header(response: &Response, name: &str) -> Option<String> {
    let value = response.headers().get(name)?;
    Some(value.to_str().unwrap().to_owned())
}

/// The status line, `X-Goog-Upload-Status` and `X-Goog-Upload-Size-Received`.
fn progress(response: &Response) -> (StatusCode, String, u64) {
    let status = header(response, "x-goog-upload-status").unwrap_or_default();
    let size = header(response, "x-goog-upload-size-received").map(|s| s.parse().unwrap());
    (response.status(), status, size.unwrap_or(u64::MAX))
}

async fn error_body(response: Response) -> Value {
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], 3, "{body}");
    body
}

/// Checks the token through the store: its blob is the whole file, bound to user and client.
async fn assert_token_holds(app: &TestApp, seeded: &Seeded, token: &str, file: &[u8]) {
    assert!(token.starts_with("CAIS"), "{token}");
    let digest = upload_token_digest(token);
    let stored = app.state.store.get_upload_token(&digest).await.unwrap();
    assert_eq!(stored.blob_key, hex::encode(Sha256::digest(file)));
    assert_eq!(stored.size, file.len() as u64);
    assert_eq!(stored.user_id, seeded.admin.id);
    assert_eq!(stored.client_id, seeded.desktop.client.client_id);
    assert_eq!(
        stored.expires_at - stored.created_at,
        time::Duration::days(1)
    );
    let key = albumen_blob::BlobKey::parse(&stored.blob_key).unwrap();
    assert_eq!(app.state.blobs.get_bytes(&key).await.unwrap(), file);
}

async fn start_answers_with_the_session_url_granularity_and_active_status(backends: Backends) {
    let (app, seeded, access) = setup_on(backends).await;
    let response = start(
        &app,
        &access,
        &[
            ("x-goog-upload-content-type", "image/jpeg"),
            ("x-goog-upload-file-name", "Caf%C3%A9.jpg"),
            ("x-goog-upload-raw-size", "5"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let url = header(&response, "x-goog-upload-url").unwrap();
    let prefix = app.url("/v1/uploads?upload_id=");
    assert!(url.starts_with(&prefix), "{url}");
    assert!(url.ends_with("&upload_protocol=resumable"), "{url}");
    assert_eq!(
        header(&response, "x-goog-upload-chunk-granularity").as_deref(),
        Some("262144")
    );
    assert_eq!(
        header(&response, "x-goog-upload-status").as_deref(),
        Some("active")
    );
    let other = header(&start(&app, &access, &[]).await, "x-goog-upload-url");
    assert_ne!(other.as_deref(), Some(url.as_str()), "every session is new");

    // Single shot, with the owner's token on the session URL.
    let auth = format!("Bearer {access}");
    let headers = [
        ("authorization", auth.as_str()),
        ("x-goog-upload-command", "upload, finalize"),
        ("x-goog-upload-offset", "0"),
    ];
    let response = send(&url, &headers, b"hello".to_vec()).await;
    assert_eq!(progress(&response), (StatusCode::OK, "final".into(), 5));
    assert!(
        header(&response, "content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    let token = response.text().await.unwrap();
    assert_token_holds(&app, &seeded, &token, b"hello").await;
    let digest = upload_token_digest(&token);
    let stored = app.state.store.get_upload_token(&digest).await.unwrap();
    assert_eq!(stored.file_name.as_deref(), Some("Café.jpg"));
    assert_eq!(stored.mime_type.as_deref(), Some("image/jpeg"));
}

async fn a_java_style_upload_sends_granular_chunks_then_upload_finalize(backends: Backends) {
    let (app, seeded, access) = setup_on(backends).await;
    let file = test_bytes(3_039_417, 5);
    let size = file.len().to_string();
    // The Java client names the file and its size, never its type.
    let headers = [
        ("x-goog-upload-file-name", "big.jpg"),
        ("x-goog-upload-raw-size", size.as_str()),
    ];
    let start = start(&app, &access, &headers);
    let url = header(&start.await, "x-goog-upload-url").unwrap();
    let step = 4 * GRANULE;
    let mut offset = 0;
    let token = loop {
        let end = (offset + step).min(file.len());
        let last = end == file.len();
        let command = if last { "upload,finalize" } else { "upload" };
        let (at, len) = (offset.to_string(), (end - offset).to_string());
        let headers = [
            ("x-goog-upload-protocol", "resumable"),
            ("x-goog-upload-command", command),
            ("x-goog-upload-offset", at.as_str()),
            ("x-goog-upload-header-content-length", len.as_str()),
        ];
        let response = send(&url, &headers, file[offset..end].to_vec()).await;
        let expected = if last { "final" } else { "active" };
        assert_eq!(
            progress(&response),
            (StatusCode::OK, expected.into(), end as u64)
        );
        if last {
            break response.text().await.unwrap();
        }
        offset = end;
        let headers = [
            ("x-goog-upload-protocol", "resumable"),
            ("x-goog-upload-command", "query"),
        ];
        let query = send(&url, &headers, Vec::new()).await;
        assert_eq!(
            progress(&query),
            (StatusCode::OK, "active".into(), end as u64)
        );
    };
    assert_token_holds(&app, &seeded, &token, &file).await;
    let query = command(&url, "query").await;
    let expected = (StatusCode::OK, "final".into(), file.len() as u64);
    assert_eq!(progress(&query), expected);
}

async fn a_go_style_upload_resumes_after_an_interrupted_chunk_with_the_rest_at_once(
    backends: Backends,
) {
    let (app, seeded, access) = setup_on(backends).await;
    let file = test_bytes(2 * 1024 * 1024 + 12_345, 6);
    let size = file.len().to_string();
    let headers = [
        ("x-goog-upload-content-type", "application/octet-stream"),
        ("x-goog-upload-raw-size", size.as_str()),
    ];
    let started = start(&app, &access, &headers);
    let url = header(&started.await, "x-goog-upload-url").unwrap();
    // The first chunk arrives with chunked transfer encoding.
    let first: Vec<Result<Vec<u8>, std::io::Error>> = file[..2 * GRANULE]
        .chunks(10_000)
        .map(|c| Ok(c.to_vec()))
        .collect();
    let body = Body::wrap_stream(futures::stream::iter(first));
    let headers = [
        ("x-goog-upload-command", "upload"),
        ("x-goog-upload-offset", "0"),
    ];
    let response = send(&url, &headers, body).await;
    assert_eq!(
        progress(&response),
        (StatusCode::OK, "active".into(), 2 * GRANULE as u64)
    );

    // The next chunk dies halfway: nothing of it is committed.
    let dying = futures::stream::iter(vec![
        Ok(file[2 * GRANULE..3 * GRANULE].to_vec()),
        Err(std::io::Error::other("connection lost")),
    ]);
    let offset = (2 * GRANULE).to_string();
    let headers = [
        ("x-goog-upload-command", "upload"),
        ("x-goog-upload-offset", offset.as_str()),
    ];
    let interrupted = try_send(&url, &headers, Body::wrap_stream(dying)).await;
    assert!(interrupted.is_err() || interrupted.unwrap().status() != StatusCode::OK);

    // Go queries with nothing but the command, then sends everything left.
    let query = send(
        &url,
        &[("content-length", "0"), ("x-goog-upload-command", "query")],
        Vec::new(),
    )
    .await;
    assert_eq!(
        progress(&query),
        (StatusCode::OK, "active".into(), 2 * GRANULE as u64)
    );
    let response = chunk(&url, "upload, finalize", 2 * GRANULE, &file[2 * GRANULE..]).await;
    assert_eq!(
        progress(&response),
        (StatusCode::OK, "final".into(), file.len() as u64)
    );
    let token = response.text().await.unwrap();
    assert_token_holds(&app, &seeded, &token, &file).await;
}
