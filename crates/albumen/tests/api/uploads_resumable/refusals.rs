//! What a resumable session refuses: wrong offsets, misaligned chunks, excess bytes, empty
//! payloads, work on final or cancelled sessions, oversized declarations, expired or unknown
//! ids, and strangers.

use albumen_core::project::ApiService;
use serde_json::json;

use super::*;

#[tokio::test]
async fn wrong_offsets_misaligned_chunks_and_excess_bytes_are_refused_without_committing() {
    let (app, _, access) = setup().await;
    let url = session(&app, &access, 3 * GRANULE).await;
    let granule = test_bytes(GRANULE, 1);
    let response = chunk(&url, "upload", 0, &granule).await;
    assert_eq!(progress(&response).0, StatusCode::OK);

    // The same chunk again (a retry that already landed), and a chunk from the future.
    for offset in [0, 2 * GRANULE] {
        let response = chunk(&url, "upload", offset, &granule).await;
        let expected = (StatusCode::BAD_REQUEST, "active".into(), GRANULE as u64);
        assert_eq!(progress(&response), expected);
        error_body(response).await;
    }
    // A non-final chunk that is not a multiple of the granularity.
    let response = chunk(&url, "upload", GRANULE, &granule[..1000]).await;
    assert_eq!(progress(&response).0, StatusCode::BAD_REQUEST);
    let message = error_body(response).await["message"].clone();
    assert!(message.as_str().unwrap().contains("262144"), "{message}");
    // An upload command without an offset, and one with a nonsense offset.
    let response = send(
        &url,
        &[("x-goog-upload-command", "upload")],
        granule.clone(),
    )
    .await;
    assert_eq!(progress(&response).0, StatusCode::BAD_REQUEST);
    let headers = [
        ("x-goog-upload-command", "upload"),
        ("x-goog-upload-offset", "-1"),
    ];
    assert_eq!(
        send(&url, &headers, Vec::new()).await.status(),
        StatusCode::BAD_REQUEST
    );
    // More than the declared raw size.
    let too_much = test_bytes(2 * GRANULE + 1, 2);
    let response = chunk(&url, "upload, finalize", GRANULE, &too_much).await;
    assert_eq!(progress(&response).0, StatusCode::BAD_REQUEST);
    error_body(response).await;
    // An unknown command.
    let response = command(&url, "resume").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    let query = command(&url, "query").await;
    assert_eq!(
        progress(&query),
        (StatusCode::OK, "active".into(), GRANULE as u64)
    );
    let rest = test_bytes(2 * GRANULE, 3);
    let response = chunk(&url, "upload, finalize", GRANULE, &rest).await;
    assert_eq!(progress(&response).1, "final");
}

#[tokio::test]
async fn finalize_alone_and_the_empty_payload() {
    let (app, seeded, access) = setup().await;
    let empty = session(&app, &access, 0).await;
    let response = chunk(&empty, "upload, finalize", 0, &[]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({"code": 3, "message": "Payload must not be empty"})
    );
    let response = command(&empty, "finalize").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    let url = session(&app, &access, GRANULE).await;
    let file = test_bytes(GRANULE, 4);
    assert_eq!(
        chunk(&url, "upload", 0, &file).await.status(),
        StatusCode::OK
    );
    let response = command(&url, "FINALIZE").await;
    assert_eq!(
        progress(&response),
        (StatusCode::OK, "final".into(), GRANULE as u64)
    );
    let token = response.text().await.unwrap();
    assert_token_holds(&app, &seeded, &token, &file).await;

    // After final: no second token, no more bytes, no cancel; query still answers.
    for response in [
        command(&url, "finalize").await,
        chunk(&url, "upload, finalize", GRANULE, b"x").await,
        chunk(&url, "upload", 0, &file).await,
        command(&url, "cancel").await,
    ] {
        assert_eq!(
            progress(&response),
            (StatusCode::BAD_REQUEST, "final".into(), GRANULE as u64)
        );
    }
    let query = command(&url, "query").await;
    assert_eq!(
        progress(&query),
        (StatusCode::OK, "final".into(), GRANULE as u64)
    );
}

#[tokio::test]
async fn a_cancelled_session_reports_cancelled_and_takes_nothing_more() {
    let (app, _, access) = setup().await;
    let url = session(&app, &access, 2 * GRANULE).await;
    let granule = test_bytes(GRANULE, 7);
    assert_eq!(
        chunk(&url, "upload", 0, &granule).await.status(),
        StatusCode::OK
    );
    let cancel = command(&url, "cancel").await;
    assert_eq!(
        progress(&cancel),
        (StatusCode::OK, "cancelled".into(), GRANULE as u64)
    );
    let query = command(&url, "query").await;
    assert_eq!(
        progress(&query),
        (StatusCode::OK, "cancelled".into(), GRANULE as u64)
    );
    let response = chunk(&url, "upload, finalize", GRANULE, &granule).await;
    assert_eq!(progress(&response).0, StatusCode::BAD_REQUEST);
    error_body(response).await;
    assert_eq!(
        command(&url, "finalize").await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn a_declared_size_over_the_type_limit_is_refused_at_start() {
    let (app, _, access) = setup().await;
    let photo_limit = app.state.library.upload_limits.max_photo_bytes;
    let video_limit = app.state.library.upload_limits.max_video_bytes;
    let over_photo = (photo_limit + 1).to_string();
    let over_video = (video_limit + 1).to_string();
    for (mime, size, expected) in [
        (
            "image/jpeg",
            over_photo.as_str(),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "application/octet-stream",
            over_photo.as_str(),
            StatusCode::OK,
        ),
        (
            "video/mp4",
            over_video.as_str(),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ] {
        let headers = [
            ("x-goog-upload-content-type", mime),
            ("x-goog-upload-raw-size", size),
        ];
        let response = start(&app, &access, &headers).await;
        assert_eq!(response.status(), expected, "{mime} {size}");
    }
    let response = start(&app, &access, &[("x-goog-upload-raw-size", &over_video)]).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_body(response).await["code"], 3);
    let response = start(&app, &access, &[("x-goog-upload-raw-size", "many")]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn sessions_expire_after_seven_days_and_unknown_ids_are_not_found() {
    let (app, _, access) = setup().await;
    let url = session(&app, &access, 10).await;
    app.clock
        .advance(time::Duration::days(7) - time::Duration::seconds(1));
    assert_eq!(command(&url, "query").await.status(), StatusCode::OK);
    app.clock.advance(time::Duration::seconds(1));
    let response = chunk(&url, "upload, finalize", 0, b"0123456789").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(command(&url, "query").await.status(), StatusCode::NOT_FOUND);

    let unknown = app.url("/v1/uploads?upload_id=AEnB2Unknown&upload_protocol=resumable");
    for name in ["query", "cancel", "finalize"] {
        let response = command(&unknown, name).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(response.json::<Value>().await.unwrap()["code"], 5);
    }
}

#[tokio::test]
async fn start_is_authorized_like_a_raw_upload_and_sessions_belong_to_their_user() {
    let (app, seeded, access) = setup().await;
    let unscoped = app
        .state
        .authority
        .mint_tokens(
            &seeded.admin,
            &seeded.desktop.client.client_id,
            &ScopeSet::parse("https://www.googleapis.com/auth/photospicker.mediaitems.readonly")
                .unwrap(),
        )
        .await
        .unwrap()
        .access_token;
    let expected = json!({"code": 16, "message": "Authentication session is not defined."});
    for token in [unscoped.as_str(), "ya29.nonsense"] {
        let response = start(&app, token, &[]).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.json::<Value>().await.unwrap(), expected);
    }

    let url = session(&app, &access, 10).await;
    let other = app
        .state
        .authority
        .create_user("other@example.com", "Other", None, false)
        .await
        .unwrap();
    let other_access = token_for(&app, &other, &seeded).await;
    for token in [other_access.as_str(), "ya29.nonsense"] {
        let auth = format!("Bearer {token}");
        let headers = [
            ("authorization", auth.as_str()),
            ("x-goog-upload-command", "query"),
        ];
        let response = send(&url, &headers, Vec::new()).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
    // Someone else's token cannot cancel it either; the session is untouched.
    let auth = format!("Bearer {other_access}");
    let headers = [
        ("authorization", auth.as_str()),
        ("x-goog-upload-command", "cancel"),
    ];
    assert_eq!(
        send(&url, &headers, Vec::new()).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(progress(&command(&url, "query").await).1, "active");

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
    let response = start(&app, &access, &[]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["details"][0]["reason"], "SERVICE_DISABLED");
}
