//! The happy paths: upload → batchCreate (into an album) → read back, with media facts,
//! album positions, enrichments, patch, dedup and app-created scoping.

use albumen_testkit::photos::camera_jpeg;
use albumen_testkit::{Backends, spawn_app, spawn_app_on};
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::support::*;

per_backend!(
    an_upload_becomes_an_item_with_its_camera_facts_and_reads_back,
    identical_bytes_resolve_to_the_existing_item_and_bad_files_fail_alone,
    positions_enrichments_removal_and_album_patch,
);

async fn an_upload_becomes_an_item_with_its_camera_facts_and_reads_back(backends: Backends) {
    let app = spawn_app_on(backends).await;
    let seeded = app.seed().await;
    let client = seeded.desktop.client.client_id.clone();
    let token = token(&app, &seeded, &client, ALL_CURRENT).await;
    let album_id = create_album(&app, &token, "Trip").await;
    let item = create_photo(&app, &token, 1, Some(&album_id)).await;
    let id = item["id"].as_str().unwrap();
    assert!(id.starts_with('A'));
    assert_eq!(item["mimeType"], "image/jpeg");
    assert_eq!(item["filename"], "photo.jpg");
    let meta = &item["mediaMetadata"];
    assert_eq!(
        meta["creationTime"], "2024-05-06T05:08:09Z",
        "EXIF time with its offset"
    );
    assert_eq!(meta["width"], "64");
    assert_eq!(meta["height"], "48");
    assert_eq!(meta["photo"]["cameraMake"], "Canon");
    assert_eq!(meta["photo"]["cameraModel"], "Canon EOS 5D Mark IV");
    assert_eq!(meta["photo"]["exposureTime"], "0.008s");
    assert_eq!(meta["photo"]["isoEquivalent"], 400);
    assert_eq!(meta["photo"]["apertureFNumber"], 2.8);
    assert_eq!(meta["photo"]["focalLength"], 50.0);
    assert!(
        item["productUrl"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/lr/album/{album_id}/photo/{id}"))
    );
    assert!(item["baseUrl"].as_str().unwrap().contains("/lr/"));
    let keys: Vec<&String> = item.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "id",
            "productUrl",
            "baseUrl",
            "mimeType",
            "mediaMetadata",
            "filename"
        ],
        "Google's field order, empty description omitted"
    );

    let (status, got) = call(
        &app,
        &token,
        Method::GET,
        &format!("/v1/mediaItems/{id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got["id"], id);
    let response = app
        .client
        .get(app.url(&format!("/v1/mediaItems/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["cache-control"], "private");
    assert_eq!(
        response.headers()["content-type"],
        "application/json; charset=UTF-8"
    );
    let (_, list) = call(
        &app,
        &token,
        Method::GET,
        "/v1/mediaItems?pageSize=10",
        None,
    )
    .await;
    assert_eq!(list["mediaItems"].as_array().unwrap().len(), 1);
    assert!(list.get("nextPageToken").is_none());
    let (_, album) = call(
        &app,
        &token,
        Method::GET,
        &format!("/v1/albums/{album_id}"),
        None,
    )
    .await;
    assert_eq!(album["mediaItemsCount"], "1");
    assert_eq!(album["coverPhotoMediaItemId"], id);
    assert_eq!(album["isWriteable"], true);
    let (_, batch) = call(
        &app,
        &token,
        Method::GET,
        &format!("/v1/mediaItems:batchGet?mediaItemIds={id}&mediaItemIds=Aunknown"),
        None,
    )
    .await;
    assert_eq!(batch["mediaItemResults"][0]["mediaItem"]["id"], id);
    assert_eq!(
        batch["mediaItemResults"][1],
        json!({"status": {"code": 3, "message": "Invalid media item ID."}})
    );

    let (status, patched) = call(
        &app,
        &token,
        Method::PATCH,
        &format!("/v1/mediaItems/{id}?updateMask=description"),
        Some(json!({"id": id, "description": "Sunset"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["description"], "Sunset");
    let (_, again) = call(
        &app,
        &token,
        Method::GET,
        &format!("/v1/mediaItems/{id}"),
        None,
    )
    .await;
    assert_eq!(again["description"], "Sunset");
}

async fn identical_bytes_resolve_to_the_existing_item_and_bad_files_fail_alone(backends: Backends) {
    let app = spawn_app_on(backends).await;
    let seeded = app.seed().await;
    let token = token(&app, &seeded, &seeded.desktop.client.client_id, ALL_CURRENT).await;
    let bytes = camera_jpeg(40, 30, 7, &SHOT);
    let first = upload(&app, &token, bytes.clone()).await;
    let second = upload(&app, &token, bytes).await;
    let garbage = upload(&app, &token, b"this is not a photo at all".to_vec()).await;
    let body = json!({"newMediaItems": [
        {"simpleMediaItem": {"uploadToken": first}},
        {"simple_media_item": {"upload_token": second, "file_name": null}},
        {"simpleMediaItem": {"uploadToken": garbage}},
    ]});
    let (status, result) = call(
        &app,
        &token,
        Method::POST,
        "/v1/mediaItems:batchCreate?alt=json",
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{result}");
    let results = result["newMediaItemResults"].as_array().unwrap();
    assert_eq!(results[0]["status"], json!({"message": "Success"}));
    assert_eq!(
        results[0]["mediaItem"]["id"], results[1]["mediaItem"]["id"],
        "same bytes, same item"
    );
    assert_eq!(
        results[2]["status"],
        json!({"code": 3, "message": "NOT_IMAGE: There was an error while trying to create this media item."})
    );
    assert!(results[2].get("mediaItem").is_none());
    // A used token is refused for the whole request.
    let (status, body) = call(
        &app,
        &token,
        Method::POST,
        "/v1/mediaItems:batchCreate",
        Some(json!({"newMediaItems": [{"simpleMediaItem": {"uploadToken": first}}]})),
    )
    .await;
    assert_error(
        status,
        &body,
        400,
        "INVALID_ARGUMENT",
        "Request must contain a valid upload token.",
    );
}

#[tokio::test]
async fn another_app_of_the_same_user_sees_nothing_and_cannot_add() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let mine = token(&app, &seeded, &seeded.desktop.client.client_id, ALL_CURRENT).await;
    let other = token(&app, &seeded, &seeded.web.client.client_id, ALL_CURRENT).await;
    let album_id = create_album(&app, &mine, "Mine").await;
    let item = create_photo(&app, &mine, 3, Some(&album_id)).await;
    let id = item["id"].as_str().unwrap();
    let (status, body) = call(
        &app,
        &other,
        Method::GET,
        &format!("/v1/mediaItems/{id}"),
        None,
    )
    .await;
    assert_error(
        status,
        &body,
        400,
        "INVALID_ARGUMENT",
        "Invalid media item ID.",
    );
    let (status, body) = call(&app, &other, Method::GET, "/v1/mediaItems", None).await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({})),
        "an empty list is {{}}"
    );
    let (status, body) = call(
        &app,
        &other,
        Method::GET,
        &format!("/v1/albums/{album_id}"),
        None,
    )
    .await;
    assert_error(
        status,
        &body,
        403,
        "PERMISSION_DENIED",
        "The caller does not have permission",
    );
    let other_album = create_album(&app, &other, "Theirs").await;
    let (status, body) = call(
        &app,
        &other,
        Method::POST,
        &format!("/v1/albums/{other_album}:batchAddMediaItems"),
        Some(json!({"mediaItemIds": [id]})),
    )
    .await;
    assert_error(
        status,
        &body,
        400,
        "INVALID_ARGUMENT",
        "Request contains an invalid media item id.",
    );
    let (status, body) = call(
        &app,
        &other,
        Method::POST,
        &format!("/v1/albums/{album_id}:batchAddMediaItems"),
        Some(json!({"mediaItemIds": []})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = call(&app, &other, Method::POST, "/v1/mediaItems:batchCreate", Some(json!({"albumId": album_id, "newMediaItems": [{"simpleMediaItem": {"uploadToken": upload(&app, &other, camera_jpeg(8, 8, 99, &SHOT)).await}}]}))).await;
    assert_error(
        status,
        &body,
        400,
        "INVALID_ARGUMENT",
        "No permission to add media items to this album.",
    );
    // The removed scopes are refused under the google profile.
    let legacy = token(
        &app,
        &seeded,
        &seeded.desktop.client.client_id,
        "https://www.googleapis.com/auth/photoslibrary",
    )
    .await;
    let (status, body) = call(&app, &legacy, Method::GET, "/v1/mediaItems", None).await;
    assert_error(
        status,
        &body,
        403,
        "PERMISSION_DENIED",
        "Request had insufficient authentication scopes.",
    );
    let (status, body) = call(&app, &mine, Method::GET, "/v1/sharedAlbums", None).await;
    assert_error(
        status,
        &body,
        403,
        "PERMISSION_DENIED",
        "Request had insufficient authentication scopes.",
    );
}

async fn positions_enrichments_removal_and_album_patch(backends: Backends) {
    let app = spawn_app_on(backends).await;
    let seeded = app.seed().await;
    let token = token(&app, &seeded, &seeded.desktop.client.client_id, ALL_CURRENT).await;
    let album_id = create_album(&app, &token, "Order").await;
    let a = create_photo(&app, &token, 10, Some(&album_id)).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let b = create_photo(&app, &token, 11, None).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = call(
        &app,
        &token,
        Method::POST,
        &format!("/v1/albums/{album_id}:batchAddMediaItems"),
        Some(json!({"mediaItemIds": [b]})),
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    // FIRST_IN_ALBUM and AFTER_MEDIA_ITEM through batchCreate.
    let up = upload(&app, &token, camera_jpeg(9, 9, 12, &SHOT)).await;
    let (_, first) = call(&app, &token, Method::POST, "/v1/mediaItems:batchCreate", Some(json!({"albumId": album_id, "albumPosition": {"position": "FIRST_IN_ALBUM"}, "newMediaItems": [{"simpleMediaItem": {"uploadToken": up}}]}))).await;
    let c = first["newMediaItemResults"][0]["mediaItem"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let up = upload(&app, &token, camera_jpeg(9, 9, 13, &SHOT)).await;
    let (_, after) = call(&app, &token, Method::POST, "/v1/mediaItems:batchCreate", Some(json!({"albumId": album_id, "albumPosition": {"position": "AFTER_MEDIA_ITEM", "relativeMediaItemId": a}, "newMediaItems": [{"simpleMediaItem": {"uploadToken": up}}]}))).await;
    let d = after["newMediaItemResults"][0]["mediaItem"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        album_item_ids(&app, &token, &album_id).await,
        vec![c.clone(), a.clone(), d.clone(), b.clone()]
    );
    // Enrichments take a position, and items can go after them; they are never listed.
    let (status, enrichment) = call(&app, &token, Method::POST, &format!("/v1/albums/{album_id}:addEnrichment"), Some(json!({"newEnrichmentItem": {"textEnrichment": {"text": "Day 2"}}, "albumPosition": {"position": "AFTER_MEDIA_ITEM", "relativeMediaItemId": a}}))).await;
    assert_eq!(status, StatusCode::OK, "{enrichment}");
    let enrichment_id = enrichment["enrichmentItem"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let up = upload(&app, &token, camera_jpeg(9, 9, 14, &SHOT)).await;
    let (_, after_e) = call(&app, &token, Method::POST, "/v1/mediaItems:batchCreate", Some(json!({"albumId": album_id, "albumPosition": {"position": "AFTER_ENRICHMENT_ITEM", "relativeEnrichmentItemId": enrichment_id}, "newMediaItems": [{"simpleMediaItem": {"uploadToken": up}}]}))).await;
    let e = after_e["newMediaItemResults"][0]["mediaItem"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        album_item_ids(&app, &token, &album_id).await,
        vec![c.clone(), a.clone(), e.clone(), d.clone(), b.clone()]
    );
    let (status, body) = call(
        &app,
        &token,
        Method::POST,
        &format!("/v1/albums/{album_id}:addEnrichment"),
        Some(json!({"newEnrichmentItem": {"textEnrichment": {"text": "x"}}})),
    )
    .await;
    assert_error(
        status,
        &body,
        400,
        "INVALID_ARGUMENT",
        "An album position must be specified.",
    );
    // Removal is all or nothing.
    let (status, body) = call(
        &app,
        &token,
        Method::POST,
        &format!("/v1/albums/{album_id}:batchRemoveMediaItems"),
        Some(json!({"mediaItemIds": [a, "Anotthere"]})),
    )
    .await;
    assert_error(
        status,
        &body,
        400,
        "INVALID_ARGUMENT",
        "Request contains an invalid media item id.",
    );
    assert_eq!(album_item_ids(&app, &token, &album_id).await.len(), 5);
    let (status, _) = call(
        &app,
        &token,
        Method::POST,
        &format!("/v1/albums/{album_id}:batchRemoveMediaItems"),
        Some(json!({"mediaItemIds": [a]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        album_item_ids(&app, &token, &album_id).await,
        vec![c.clone(), e, d.clone(), b]
    );
    // Patch with either spelling of the cover field.
    let (status, patched) = call(
        &app,
        &token,
        Method::PATCH,
        &format!("/v1/albums/{album_id}?updateMask=title,cover_photo_media_item_id"),
        Some(json!({"title": "Renamed", "coverPhotoMediaItemId": d})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["title"], "Renamed");
    assert_eq!(patched["coverPhotoMediaItemId"], d);
    let (status, body) = call(
        &app,
        &token,
        Method::PATCH,
        &format!("/v1/albums/{album_id}"),
        Some(json!({"title": "x"})),
    )
    .await;
    assert_error(
        status,
        &body,
        400,
        "INVALID_ARGUMENT",
        "Update mask must be specified.",
    );
    let (status, body) = call(
        &app,
        &token,
        Method::PATCH,
        &format!("/v1/albums/{album_id}?updateMask=isWriteable"),
        Some(json!({"title": "x"})),
    )
    .await;
    assert_error(
        status,
        &body,
        400,
        "INVALID_ARGUMENT",
        "Invalid update mask: isWriteable.",
    );
}
