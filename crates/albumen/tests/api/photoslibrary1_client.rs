//! google-photoslibrary1, Google's generated Rust client of the Library API, against the real
//! server: its request builders and its response types (int64 strings, google-datetime,
//! google-duration, omitted defaults) must agree with the wire. Every method the crate has is
//! called (albums in `albums`, media items in `media_items`, the shared-album methods here);
//! bytes go up with plain reqwest first, as the crate has no upload method.
//!
//! The hub runs over a plain-http hyper client (no TLS, no yup-oauth2): the token is a string.

mod albums;
mod media_items;

use albumen_oauth::rules::scope::ScopeSet;
use albumen_testkit::photos::{Shot, camera_jpeg};
use albumen_testkit::{TestApp, spawn_app};
use google_photoslibrary1::api::{
    Album, AlbumPosition, BatchCreateMediaItemsRequest, CreateAlbumRequest, JoinSharedAlbumRequest,
    LeaveSharedAlbumRequest, MediaItem, NewMediaItem, ShareAlbumRequest, SimpleMediaItem,
    UnshareAlbumRequest,
};
use google_photoslibrary1::{Error, PhotosLibrary};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use reqwest::StatusCode;

type Hub = PhotosLibrary<HttpConnector>;

const ALL_SCOPES: &str = "https://www.googleapis.com/auth/photoslibrary.appendonly https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata https://www.googleapis.com/auth/photoslibrary.edit.appcreateddata";

/// Capture times of the photos the tests create, in creation order.
const TAKEN: [&str; 6] = [
    "2019:03:14 12:00:00",
    "2019:07:04 12:00:00",
    "2020:12:25 12:00:00",
    "2021:03:14 12:00:00",
    "2022:06:01 12:00:00",
    "2023:01:02 12:00:00",
];

/// The hub pointed at the test server, with the seeded admin's Library token for the desktop
/// client.
async fn hub(app: &TestApp) -> Hub {
    let seeded = app.seed().await;
    let token = app
        .state
        .authority
        .mint_tokens(
            &seeded.admin,
            &seeded.desktop.client.client_id,
            &ScopeSet::parse(ALL_SCOPES).unwrap(),
        )
        .await
        .unwrap()
        .access_token;
    let client = Client::builder(TokioExecutor::new()).build(HttpConnector::new());
    let mut hub = PhotosLibrary::new(client, token);
    hub.base_url(app.url("/"));
    hub.root_url(app.url("/"));
    hub
}

/// Uploads photo `index` (its capture time from TAKEN) with plain reqwest; the upload token.
async fn upload(app: &TestApp, hub: &Hub, index: usize) -> String {
    let shot = Shot {
        taken: TAKEN[index],
        offset: "+00:00",
        with_gps: index == 2,
    };
    let token = hub.auth.get_token(&[]).await.unwrap().unwrap();
    let response = app
        .client
        .post(app.url("/v1/uploads"))
        .bearer_auth(token)
        .header("x-goog-upload-protocol", "raw")
        .header("x-goog-upload-content-type", "image/jpeg")
        .header("x-goog-upload-file-name", format!("photo-{index}.jpg"))
        .body(camera_jpeg(64, 48, 10 + index as u8, &shot))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

/// batchCreate of the given photos, optionally into an album at a position; the items.
async fn create(
    app: &TestApp,
    hub: &Hub,
    photos: &[usize],
    album_id: Option<&str>,
    position: Option<AlbumPosition>,
) -> Vec<MediaItem> {
    let mut new_items = Vec::new();
    let mut tokens = Vec::new();
    for &index in photos {
        let upload_token = upload(app, hub, index).await;
        tokens.push(upload_token.clone());
        new_items.push(NewMediaItem {
            description: Some(format!("photo {index}")),
            simple_media_item: Some(SimpleMediaItem {
                upload_token: Some(upload_token),
                file_name: None,
            }),
        });
    }
    let request = BatchCreateMediaItemsRequest {
        album_id: album_id.map(str::to_owned),
        album_position: position,
        new_media_items: Some(new_items),
    };
    let (_, answer) = hub
        .media_items()
        .batch_create(request)
        .doit()
        .await
        .unwrap();
    let results = answer.new_media_item_results.unwrap();
    assert_eq!(results.len(), photos.len());
    results
        .into_iter()
        .zip(tokens)
        .map(|(result, token)| {
            let status = result.status.unwrap();
            assert_eq!(status.message.as_deref(), Some("Success"));
            assert_eq!(status.code, None, "code 0 is omitted on the wire");
            assert_eq!(result.upload_token, Some(token));
            result.media_item.unwrap()
        })
        .collect()
}

fn position(kind: &str, media: Option<&str>, enrichment: Option<&str>) -> AlbumPosition {
    AlbumPosition {
        position: Some(kind.to_owned()),
        relative_media_item_id: media.map(str::to_owned),
        relative_enrichment_item_id: enrichment.map(str::to_owned),
    }
}

/// The `{"error": {...}}` envelope of a refused call, as the crate surfaces it.
fn refusal<T: std::fmt::Debug>(result: Result<T, Error>) -> (i64, String, String) {
    match result {
        Err(Error::BadRequest(body)) => {
            let error = &body["error"];
            (
                error["code"].as_i64().unwrap(),
                error["status"].as_str().unwrap().to_owned(),
                error["message"].as_str().unwrap().to_owned(),
            )
        }
        other => panic!("expected the error envelope, got {other:?}"),
    }
}

/// The album's items in album order, following nextPageToken two at a time.
#[tokio::test]
async fn shared_album_methods_are_refused_under_the_google_profile() {
    let app = spawn_app().await;
    let hub = hub(&app).await;
    let album = CreateAlbumRequest {
        album: Some(Album {
            title: Some("Mine".into()),
            ..Default::default()
        }),
    };
    let (_, album) = hub.albums().create(album).doit().await.unwrap();
    let album_id = album.id.unwrap();
    let token = || Some("a-share-token".to_owned());
    let refusals = [
        refusal(
            hub.albums()
                .share(ShareAlbumRequest::default(), &album_id)
                .doit()
                .await,
        ),
        refusal(
            hub.albums()
                .unshare(UnshareAlbumRequest::default(), &album_id)
                .doit()
                .await,
        ),
        refusal(hub.shared_albums().get("a-share-token").doit().await),
        refusal(hub.shared_albums().list().doit().await),
        refusal(
            hub.shared_albums()
                .join(JoinSharedAlbumRequest {
                    share_token: token(),
                })
                .doit()
                .await,
        ),
        refusal(
            hub.shared_albums()
                .leave(LeaveSharedAlbumRequest {
                    share_token: token(),
                })
                .doit()
                .await,
        ),
    ];
    for refused in refusals {
        assert_eq!(
            refused,
            (
                403,
                "PERMISSION_DENIED".to_owned(),
                "Request had insufficient authentication scopes.".to_owned()
            )
        );
    }
}
