//! The HTTP foundation as a client meets it: health, readiness, the error envelope, request
//! ids, security headers, body limits and metrics.

use albumen_testkit::{AppOptions, BlobKind, DbKind, spawn_app, spawn_app_with};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn healthz_answers_ok() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"status": "ok"}));
}

#[tokio::test]
async fn readyz_checks_the_database_and_the_blob_store() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/readyz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["checks"], json!({"database": "ok", "blobs": "ok"}));
}

#[tokio::test]
async fn readyz_fails_with_a_503_envelope_when_the_database_is_gone() {
    let app = spawn_app().await;
    // Closing the pool is what a lost database looks like to the server.
    app.sql.close().await;
    let (status, body) = app.get_json("/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["error"]["code"], 503);
    assert_eq!(body["error"]["status"], "UNAVAILABLE");
    assert_eq!(
        body["error"]["message"],
        "The service is not ready: database unreachable."
    );
}

#[tokio::test]
async fn readyz_fails_when_the_blob_directory_is_gone() {
    let app = spawn_app().await;
    std::fs::remove_dir_all(app.config.local_blob_path()).unwrap();
    let (status, body) = app.get_json("/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        body["error"]["message"],
        "The service is not ready: blob store unreachable."
    );
}

#[tokio::test]
async fn an_unknown_route_is_a_404_in_the_google_envelope() {
    let app = spawn_app().await;
    let response = app.get("/v1/noSuchThing/abc").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        response.headers()["content-type"],
        "application/json; charset=UTF-8"
    );
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({"error": {"code": 404, "message": "Method not found.", "status": "NOT_FOUND"}})
    );
}

#[tokio::test]
async fn a_wrong_http_method_is_a_404_in_the_envelope() {
    let app = spawn_app().await;
    let response = app.client.delete(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["status"], "NOT_FOUND");
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_an_incoming_one_is_kept() {
    let app = spawn_app().await;
    let fresh = app.get("/healthz").await;
    let id = fresh.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 32);
    let again = app.get("/healthz").await;
    assert_ne!(again.headers()["x-request-id"].to_str().unwrap(), id);
    let kept = app
        .client
        .get(app.url("/nowhere"))
        .header("x-request-id", "trace-abc.123")
        .send()
        .await
        .unwrap();
    assert_eq!(kept.headers()["x-request-id"], "trace-abc.123");
    let replaced = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "bad id with spaces")
        .send()
        .await
        .unwrap();
    assert_ne!(replaced.headers()["x-request-id"], "bad id with spaces");
}

#[tokio::test]
async fn responses_carry_security_headers() {
    let app = spawn_app().await;
    for path in ["/healthz", "/does/not/exist"] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "SAMEORIGIN", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert!(headers.contains_key("content-security-policy"), "{path}");
    }
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_a_413_envelope() {
    let app = spawn_app_with(AppOptions {
        max_body_bytes: Some(1024),
        ..AppOptions::default()
    })
    .await
    .unwrap();
    let response = app
        .client
        .post(app.url("/healthz"))
        .body(vec![b'x'; 4096])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], 413);
    assert_eq!(body["error"]["status"], "INVALID_ARGUMENT");
    assert_eq!(
        body["error"]["message"],
        "Request payload size exceeds the limit."
    );
}

#[tokio::test]
async fn metrics_are_labelled_by_route_pattern_not_raw_path() {
    let app = spawn_app().await;
    app.get("/healthz").await;
    app.get("/v1/mediaItems/secret-looking-id-123").await;
    app.get("/v1/nothingHere/secret-looking-id-456").await;
    // Not served on the main listener by default (ADR 0009); read the registry itself.
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let text = app.state.metrics.encode().unwrap();
    assert!(
        text.contains(
            r#"albumen_http_requests_total{method="GET",route="/healthz",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"route="/v1/mediaItems/{id}",status="401"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"route="unmatched",status="404"} 2"#),
        "{text}"
    );
    assert!(!text.contains("secret-looking-id"));
    assert!(text.contains("albumen_http_request_duration_seconds_bucket"));
}

#[tokio::test]
#[ignore = "needs ALBUMEN_TEST_POSTGRES_URL and ALBUMEN_TEST_S3_ENDPOINT; see .ci/run"]
async fn the_server_runs_on_postgres_and_s3_when_configured() {
    let Some(app) = spawn_app_with(AppOptions {
        db: DbKind::Postgres,
        blob: BlobKind::S3,
        ..AppOptions::default()
    })
    .await
    else {
        return;
    };
    let (status, body) = app.get_json("/readyz").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    app.shutdown().await;
}
