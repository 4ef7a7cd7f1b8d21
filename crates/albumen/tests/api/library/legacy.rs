//! The `legacy` profile: the pre-2025 scopes read the user's whole library, and albums can be
//! shared between users of the same server. Under `google` the same calls are refused.

use albumen_library::profile::Profile;
use albumen_oauth::rules::scope::ScopeSet;
use albumen_testkit::{AppOptions, spawn_app_with};
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::support::*;

const FULL: &str = "https://www.googleapis.com/auth/photoslibrary";
const SHARING: &str = "https://www.googleapis.com/auth/photoslibrary.sharing";

#[tokio::test]
async fn library_wide_scopes_see_every_app_and_sharing_works_between_users() {
    let app = spawn_app_with(AppOptions {
        profile: Profile::Legacy,
        ..AppOptions::default()
    })
    .await
    .unwrap();
    let seeded = app.seed().await;
    let uploader = token(&app, &seeded, &seeded.web.client.client_id, ALL_CURRENT).await;
    let backup = token(
        &app,
        &seeded,
        &seeded.desktop.client.client_id,
        &format!("{FULL} {SHARING}"),
    )
    .await;
    let item = create_photo(&app, &uploader, 1, None).await;
    let id = item["id"].as_str().unwrap();

    // The backup tool sees the other app's item, unless it asks for its own data only.
    let (status, list) = call(&app, &backup, Method::GET, "/v1/mediaItems", None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["mediaItems"][0]["id"], id);
    let (_, own) = call(
        &app,
        &backup,
        Method::POST,
        "/v1/mediaItems:search",
        Some(json!({"filters": {"excludeNonAppCreatedData": true}})),
    )
    .await;
    assert_eq!(own, json!({}));
    let (status, _) = call(
        &app,
        &backup,
        Method::GET,
        &format!("/v1/mediaItems/{id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // The app-data scopes still see only their app's data under legacy.
    let (_, theirs) = call(&app, &uploader, Method::GET, "/v1/mediaItems", None).await;
    assert_eq!(theirs["mediaItems"].as_array().unwrap().len(), 1);

    // Uploads take the library-wide scope under legacy.
    let backup_item = create_photo(&app, &backup, 2, None).await;
    assert!(backup_item["id"].is_string());

    // Share an album with a second user, who joins, lists and leaves it.
    let album_id = create_album(&app, &backup, "Family").await;
    let (status, body) = call(
        &app,
        &backup,
        Method::POST,
        &format!("/v1/albums/{album_id}:batchAddMediaItems"),
        Some(json!({"mediaItemIds": [id]})),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a library-wide token may add any of the user's items: {body}"
    );
    let (status, shared) = call(
        &app,
        &backup,
        Method::POST,
        &format!("/v1/albums/{album_id}:share"),
        Some(json!({"sharedAlbumOptions": {"isCollaborative": true}})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{shared}");
    let info = &shared["shareInfo"];
    assert_eq!(info["sharedAlbumOptions"]["isCollaborative"], true);
    assert_eq!(info["isOwned"], true);
    assert_eq!(info["isJoined"], true);
    assert!(
        info["shareableUrl"]
            .as_str()
            .unwrap()
            .contains("/lr/share/")
    );
    let share_token = info["shareToken"].as_str().unwrap().to_owned();

    let bob = app
        .state
        .authority
        .create_user(
            "bob@example.com",
            "Bob",
            Some("bob's long password".into()),
            false,
        )
        .await
        .unwrap();
    let bob_token = app
        .state
        .authority
        .mint_tokens(
            &bob,
            &seeded.desktop.client.client_id,
            &ScopeSet::parse(&format!("{FULL} {SHARING}")).unwrap(),
        )
        .await
        .unwrap()
        .access_token;
    let (status, mine) = call(&app, &bob_token, Method::GET, "/v1/mediaItems", None).await;
    assert_eq!(
        (status, mine),
        (StatusCode::OK, json!({})),
        "nobody sees another user's library"
    );
    let (status, body) = call(
        &app,
        &bob_token,
        Method::GET,
        &format!("/v1/albums/{album_id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, joined) = call(
        &app,
        &bob_token,
        Method::POST,
        "/v1/sharedAlbums:join",
        Some(json!({"shareToken": share_token})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{joined}");
    assert_eq!(joined["album"]["id"], album_id.as_str());
    assert_eq!(joined["album"]["shareInfo"]["isJoined"], true);
    assert!(joined["album"]["shareInfo"].get("isOwned").is_none());
    let (_, listed) = call(&app, &bob_token, Method::GET, "/v1/sharedAlbums", None).await;
    assert_eq!(listed["sharedAlbums"][0]["id"], album_id.as_str());
    let (status, items) = call(
        &app,
        &bob_token,
        Method::POST,
        "/v1/mediaItems:search",
        Some(json!({"albumId": album_id})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{items}");
    assert_eq!(items["mediaItems"][0]["id"], id);
    let download = app
        .client
        .get(format!(
            "{}=d",
            items["mediaItems"][0]["baseUrl"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        download.status(),
        StatusCode::OK,
        "a member downloads the owner's item"
    );
    let (status, _) = call(
        &app,
        &bob_token,
        Method::POST,
        "/v1/sharedAlbums:leave",
        Some(json!({"shareToken": share_token})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, after) = call(&app, &bob_token, Method::GET, "/v1/sharedAlbums", None).await;
    assert_eq!(after, json!({}));
    let (status, body) = call(
        &app,
        &backup,
        Method::POST,
        "/v1/sharedAlbums:leave",
        Some(json!({"shareToken": share_token})),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the owner cannot leave: {body}"
    );
    let (status, _) = call(
        &app,
        &backup,
        Method::POST,
        &format!("/v1/albums/{album_id}:unshare"),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = call(
        &app,
        &bob_token,
        Method::GET,
        &format!("/v1/sharedAlbums/{share_token}"),
        None,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the token died with the share: {body}"
    );
}
