//! Videos: `PROCESSING` at batchCreate, `READY` once the background worker has probed them,
//! and `=dv` only then.

use albumen_testkit::photos::mp4;
use albumen_testkit::spawn_app;
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::support::*;

#[tokio::test]
async fn a_video_is_processing_then_ready_and_only_then_downloadable() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let token = token(&app, &seeded, &seeded.desktop.client.client_id, ALL_CURRENT).await;
    let bytes = mp4(640, 360, 3);
    let upload_token = upload(&app, &token, bytes.clone()).await;
    let (status, created) = call(&app, &token, Method::POST, "/v1/mediaItems:batchCreate", Some(json!({"newMediaItems": [{"simpleMediaItem": {"uploadToken": upload_token, "fileName": "clip.mp4"}}]}))).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let item = &created["newMediaItemResults"][0]["mediaItem"];
    assert_eq!(item["mimeType"], "video/mp4");
    assert_eq!(item["filename"], "clip.mp4");
    assert_eq!(
        item["mediaMetadata"]["creationTime"],
        "2024-01-02T03:04:05Z"
    );
    assert_eq!(item["mediaMetadata"]["width"], "640");
    let id = item["id"].as_str().unwrap().to_owned();
    let ready = ready_video(&app, &token, &id).await;
    assert_eq!(ready["mediaMetadata"]["video"]["fps"], 29.97002997002997);
    let response = app
        .client
        .get(format!("{}=dv", ready["baseUrl"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.bytes().await.unwrap().as_ref(), bytes.as_slice());
    let (_, videos) = call(
        &app,
        &token,
        Method::POST,
        "/v1/mediaItems:search",
        Some(json!({"filters": {"mediaTypeFilter": {"mediaTypes": ["VIDEO"]}}})),
    )
    .await;
    assert_eq!(videos["mediaItems"][0]["id"], id.as_str());
}

#[tokio::test]
async fn base_url_fetches_count_against_the_creating_projects_daily_quota() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let token = token(&app, &seeded, &seeded.desktop.client.client_id, ALL_CURRENT).await;
    let item = create_photo(&app, &token, 5, None).await;
    app.state
        .store
        .put_quota_limits(
            &seeded.project.id,
            &albumen_core::quota::QuotaLimits {
                requests_per_day: 10_000,
                media_bytes_per_day: 2,
                writes_per_minute_per_user: 300,
            },
        )
        .await
        .unwrap();
    let url = format!("{}=d", item["baseUrl"].as_str().unwrap());
    for _ in 0..2 {
        assert_eq!(
            app.client.get(&url).send().await.unwrap().status(),
            StatusCode::OK
        );
    }
    let refused = app.client.get(&url).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["status"], "RESOURCE_EXHAUSTED");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Quota exceeded for quota metric"),
        "{body}"
    );
}
