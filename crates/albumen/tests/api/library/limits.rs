//! Limits and validation of spec §11 and the error catalogue of §9.2.

use albumen_testkit::spawn_app;
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::support::*;

#[tokio::test]
async fn batch_limits_titles_descriptions_and_search_rules() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let token = token(&app, &seeded, &seeded.desktop.client.client_id, ALL_CURRENT).await;
    let fifty_one: Vec<_> = (0..51)
        .map(|i| json!({"simpleMediaItem": {"uploadToken": format!("CAIS{i}")}}))
        .collect();
    let (status, body) = call(
        &app,
        &token,
        Method::POST,
        "/v1/mediaItems:batchCreate",
        Some(json!({"newMediaItems": fifty_one})),
    )
    .await;
    assert_error(
        status,
        &body,
        400,
        "INVALID_ARGUMENT",
        "Request must have less than 50 items.",
    );
    let ids: Vec<String> = (0..51).map(|i| format!("Aid{i}")).collect();
    let query: String = ids.iter().map(|id| format!("mediaItemIds={id}&")).collect();
    let (status, body) = call(
        &app,
        &token,
        Method::GET,
        &format!("/v1/mediaItems:batchGet?{query}"),
        None,
    )
    .await;
    assert_error(
        status,
        &body,
        400,
        "INVALID_ARGUMENT",
        "Request must have less than 50 media item ids.",
    );
    let (status, body) = call(
        &app,
        &token,
        Method::GET,
        "/v1/mediaItems:batchGet?mediaItemIds=Aa&mediaItemIds=Aa",
        None,
    )
    .await;
    assert_error(
        status,
        &body,
        400,
        "INVALID_ARGUMENT",
        "Request must not contain duplicate media item ids.",
    );
    let (status, body) = call(
        &app,
        &token,
        Method::POST,
        "/v1/albums",
        Some(json!({"album": {"title": "x".repeat(501)}})),
    )
    .await;
    assert_error(
        status,
        &body,
        400,
        "INVALID_ARGUMENT",
        "Album title must not be longer than 500 characters.",
    );
    let (status, _) = call(
        &app,
        &token,
        Method::POST,
        "/v1/albums",
        Some(json!({"album": {"title": "é".repeat(500)}})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "500 characters, not bytes");
    let up = upload(&app, &token, b"x".to_vec()).await;
    let (status, body) = call(&app, &token, Method::POST, "/v1/mediaItems:batchCreate", Some(json!({"newMediaItems": [{"description": "d".repeat(1000), "simpleMediaItem": {"uploadToken": up}}]}))).await;
    assert_error(
        status,
        &body,
        400,
        "INVALID_ARGUMENT",
        "Description must be shorter than 1000 characters.",
    );
    let (status, body) = call(&app, &token, Method::POST, "/v1/mediaItems:batchCreate", Some(json!({"newMediaItems": [{"simpleMediaItem": {"uploadToken": up, "fileName": "f".repeat(256)}}]}))).await;
    assert_error(
        status,
        &body,
        400,
        "INVALID_ARGUMENT",
        "File name must not be longer than 255 characters.",
    );
    let (status, body) = call(&app, &token, Method::POST, "/v1/mediaItems:batchCreate", Some(json!({"albumPosition": {"position": "FIRST_IN_ALBUM"}, "newMediaItems": [{"simpleMediaItem": {"uploadToken": up}}]}))).await;
    assert_error(
        status,
        &body,
        400,
        "INVALID_ARGUMENT",
        "Album position can only be set together with an album ID.",
    );
    let (status, body) = call(&app, &token, Method::POST, "/v1/mediaItems:batchCreate", Some(json!({"albumId": "Anosuchalbum", "newMediaItems": [{"simpleMediaItem": {"uploadToken": up}}]}))).await;
    assert_error(
        status,
        &body,
        404,
        "NOT_FOUND",
        "The provided ID does not match any albums.",
    );
    let (status, body) = call(&app, &token, Method::GET, "/v1/albums/not%2Fan%2Fid", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = call(
        &app,
        &token,
        Method::POST,
        "/v1/mediaItems:search",
        Some(json!({"albumId": "Aalbum", "filters": {"includeArchivedMedia": true}})),
    )
    .await;
    assert_error(
        status,
        &body,
        400,
        "INVALID_ARGUMENT",
        "Filters cannot be set when searching by album ID.",
    );
    let (status, body) = call(
        &app,
        &token,
        Method::POST,
        "/v1/mediaItems:search",
        Some(json!({"filters": {"mediaTypeFilter": {"mediaTypes": ["PHOTO", "VIDEO"]}}})),
    )
    .await;
    assert_error(
        status,
        &body,
        400,
        "INVALID_ARGUMENT",
        "A media type filter must contain exactly one media type.",
    );
    let (status, body) = call(
        &app,
        &token,
        Method::POST,
        "/v1/mediaItems:search",
        Some(json!({"pageSize": "-1"})),
    )
    .await;
    assert_error(
        status,
        &body,
        400,
        "INVALID_ARGUMENT",
        "Page size must not be negative.",
    );
    let (status, body) = call(
        &app,
        &token,
        Method::POST,
        "/v1/mediaItems:search",
        Some(json!({"pageToken": "forged"})),
    )
    .await;
    assert_error(
        status,
        &body,
        400,
        "INVALID_ARGUMENT",
        "Invalid page token.",
    );
}

#[tokio::test]
async fn search_filters_dates_types_and_pages_newest_first() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let token = token(&app, &seeded, &seeded.desktop.client.client_id, ALL_CURRENT).await;
    let mut ids = Vec::new();
    for seed in 0..5u8 {
        ids.push(
            create_photo(&app, &token, 40 + seed, None).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    // Three pages of two, each item once.
    let mut seen = Vec::new();
    let mut page_token: Option<String> = None;
    loop {
        let mut body = json!({"pageSize": "2"});
        if let Some(t) = &page_token {
            body["pageToken"] = json!(t);
        }
        let (status, page) = call(
            &app,
            &token,
            Method::POST,
            "/v1/mediaItems:search",
            Some(body),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        for item in page["mediaItems"].as_array().unwrap() {
            seen.push(item["id"].as_str().unwrap().to_owned());
        }
        match page.get("nextPageToken") {
            Some(t) => page_token = Some(t.as_str().unwrap().to_owned()),
            None => break,
        }
    }
    seen.sort();
    ids.sort();
    assert_eq!(seen, ids);
    let search = |filters: serde_json::Value| {
        let app = &app;
        let token = token.clone();
        async move {
            let (status, page) = call(
                app,
                &token,
                Method::POST,
                "/v1/mediaItems:search",
                Some(json!({"filters": filters, "pageSize": 100})),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{page}");
            page["mediaItems"].as_array().map_or(0, Vec::len)
        }
    };
    assert_eq!(
        search(json!({"dateFilter": {"dates": [{"year": 2024, "month": 5, "day": 6}]}})).await,
        5
    );
    assert_eq!(
        search(json!({"dateFilter": {"dates": [{"month": 5, "day": 6}]}})).await,
        5
    );
    assert_eq!(
        search(json!({"dateFilter": {"dates": [{"year": 2023}]}})).await,
        0
    );
    assert_eq!(search(json!({"dateFilter": {"ranges": [{"startDate": {"year": 2024, "month": 1}, "endDate": {"year": 2024, "month": 6}}]}})).await, 5);
    assert_eq!(
        search(json!({"mediaTypeFilter": {"mediaTypes": ["VIDEO"]}})).await,
        0
    );
    assert_eq!(
        search(json!({"mediaTypeFilter": {"mediaTypes": ["PHOTO"]}})).await,
        5
    );
    assert_eq!(
        search(json!({"featureFilter": {"includedFeatures": ["FAVORITES"]}})).await,
        0
    );
    assert_eq!(
        search(json!({"contentFilter": {"includedContentCategories": ["LANDSCAPES"]}})).await,
        0
    );
    assert_eq!(
        search(json!({"contentFilter": {"excludedContentCategories": ["LANDSCAPES"]}})).await,
        5
    );
}

#[tokio::test]
async fn raw_files_fail_their_item_and_a_disabled_api_refuses_every_method() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let token = token(&app, &seeded, &seeded.desktop.client.client_id, ALL_CURRENT).await;
    let mut cr2 = b"II*\x00\x10\x00\x00\x00CR\x02\x00".to_vec();
    cr2.resize(4096, 0);
    let upload_token = upload(&app, &token, cr2).await;
    let (status, body) = call(
        &app,
        &token,
        Method::POST,
        "/v1/mediaItems:batchCreate",
        Some(json!({"newMediaItems": [{"simpleMediaItem": {"uploadToken": upload_token}}]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["newMediaItemResults"][0]["status"],
        json!({"code": 3, "message": "BAD_IMAGE: There was an error while trying to create this media item."})
    );
    app.state
        .authority
        .set_api_enabled(
            &seeded.admin,
            &seeded.project.id,
            albumen_core::project::ApiService::PhotosLibrary,
            false,
        )
        .await
        .unwrap();
    let (status, body) = call(&app, &token, Method::GET, "/v1/albums", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["details"][0]["reason"], "SERVICE_DISABLED");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Photos Library API has not been used in project")
    );
}

#[tokio::test]
async fn upload_tokens_are_bound_to_their_client_and_die_after_a_day() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let mine = token(&app, &seeded, &seeded.desktop.client.client_id, ALL_CURRENT).await;
    let other = token(&app, &seeded, &seeded.web.client.client_id, ALL_CURRENT).await;
    let fresh = upload(
        &app,
        &mine,
        albumen_testkit::photos::camera_jpeg(8, 8, 61, &SHOT),
    )
    .await;
    let create = |token: String, upload_token: String| {
        let app = &app;
        async move {
            call(
                app,
                &token,
                Method::POST,
                "/v1/mediaItems:batchCreate",
                Some(
                    json!({"newMediaItems": [{"simpleMediaItem": {"uploadToken": upload_token}}]}),
                ),
            )
            .await
        }
    };
    let (status, body) = create(other.clone(), fresh.clone()).await;
    assert_error(
        status,
        &body,
        400,
        "INVALID_ARGUMENT",
        "Request must contain a valid upload token.",
    );
    let stale = upload(
        &app,
        &mine,
        albumen_testkit::photos::camera_jpeg(8, 8, 62, &SHOT),
    )
    .await;
    app.clock.advance(time::Duration::hours(24));
    // Access tokens last an hour: mint a new one for the same app.
    let mine = token(&app, &seeded, &seeded.desktop.client.client_id, ALL_CURRENT).await;
    let (status, body) = create(mine.clone(), stale).await;
    assert_error(
        status,
        &body,
        400,
        "INVALID_ARGUMENT",
        "Request must contain a valid upload token.",
    );
    let (status, body) = create(mine, String::new()).await;
    assert_error(
        status,
        &body,
        400,
        "INVALID_ARGUMENT",
        "Request must contain a valid upload token.",
    );
}
