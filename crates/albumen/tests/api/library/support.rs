//! Helpers for the Library API tests: tokens for a client, uploads, JSON calls.

use albumen_oauth::rules::scope::ScopeSet;
use albumen_testkit::TestApp;
use albumen_testkit::photos::{Shot, camera_jpeg};
use albumen_testkit::seed::Seeded;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub const ALL_CURRENT: &str = "https://www.googleapis.com/auth/photoslibrary.appendonly https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata https://www.googleapis.com/auth/photoslibrary.edit.appcreateddata";

pub const SHOT: Shot = Shot {
    taken: "2024:05:06 07:08:09",
    offset: "+02:00",
    with_gps: true,
};

/// An access token of the seeded admin for `client_id`.
pub async fn token(app: &TestApp, seeded: &Seeded, client_id: &str, scopes: &str) -> String {
    app.state
        .authority
        .mint_tokens(&seeded.admin, client_id, &ScopeSet::parse(scopes).unwrap())
        .await
        .unwrap()
        .access_token
}

/// Uploads bytes raw and returns the upload token.
pub async fn upload(app: &TestApp, token: &str, bytes: Vec<u8>) -> String {
    let response = app
        .client
        .post(app.url("/v1/uploads"))
        .bearer_auth(token)
        .header("x-goog-upload-protocol", "raw")
        .header("x-goog-upload-file-name", "photo.jpg")
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

/// A JSON call; returns the status and the parsed body.
pub async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| json!({"raw": text})),
    )
}

/// Uploads a camera JPEG (varied by `seed`) and creates an item from it; returns the item.
pub async fn create_photo(app: &TestApp, token: &str, seed: u8, album_id: Option<&str>) -> Value {
    let upload_token = upload(app, token, camera_jpeg(64, 48, seed, &SHOT)).await;
    let mut body = json!({"newMediaItems": [{"simpleMediaItem": {"uploadToken": upload_token}}]});
    if let Some(album) = album_id {
        body["albumId"] = json!(album);
    }
    batch_create_one(app, token, body).await
}

/// Uploads `bytes` and creates an item named `file_name` from them; returns the item.
pub async fn create_item(app: &TestApp, token: &str, bytes: Vec<u8>, file_name: &str) -> Value {
    let upload_token = upload(app, token, bytes).await;
    let body = json!({"newMediaItems": [{"simpleMediaItem": {
        "uploadToken": upload_token, "fileName": file_name}}]});
    batch_create_one(app, token, body).await
}

/// `batchCreate` of one item, which must succeed; returns the item.
async fn batch_create_one(app: &TestApp, token: &str, body: Value) -> Value {
    let (status, result) = call(
        app,
        token,
        Method::POST,
        "/v1/mediaItems:batchCreate",
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{result}");
    result["newMediaItemResults"][0]["mediaItem"].clone()
}

/// Waits (real time, bounded) until the video worker, woken by `batchCreate`, has made the
/// video `id` `READY`; returns the item as `mediaItems.get` then shows it.
pub async fn ready_video(app: &TestApp, token: &str, id: &str) -> Value {
    for _ in 0..100 {
        let (_, got) = call(
            app,
            token,
            Method::GET,
            &format!("/v1/mediaItems/{id}"),
            None,
        )
        .await;
        if got["mediaMetadata"]["video"]["status"] == "READY" {
            return got;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the video {id} did not become READY");
}

/// Creates an album and returns its id.
pub async fn create_album(app: &TestApp, token: &str, title: &str) -> String {
    let (status, album) = call(
        app,
        token,
        Method::POST,
        "/v1/albums",
        Some(json!({"album": {"title": title}})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{album}");
    album["id"].as_str().unwrap().to_owned()
}

/// The ids of an album's items, in album order.
pub async fn album_item_ids(app: &TestApp, token: &str, album_id: &str) -> Vec<String> {
    let (status, page) = call(
        app,
        token,
        Method::POST,
        "/v1/mediaItems:search",
        Some(json!({"albumId": album_id, "pageSize": 100})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["mediaItems"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| i["id"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Asserts a Google error envelope.
pub fn assert_error(status: StatusCode, body: &Value, code: u16, state: &str, message: &str) {
    assert_eq!(status.as_u16(), code, "{body}");
    assert_eq!(body["error"]["code"], json!(code), "{body}");
    assert_eq!(body["error"]["status"], json!(state), "{body}");
    assert_eq!(body["error"]["message"], json!(message), "{body}");
}
