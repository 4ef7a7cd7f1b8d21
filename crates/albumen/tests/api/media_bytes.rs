//! Library base URLs (`/lr/<token>=<options>`) as clients fetch them: `=d` photos without
//! their location, `=dv` videos once ready, byte ranges, `HEAD`, expiry and refusals.

use albumen_core::Clock as _;
use albumen_core::media::{CaptureFacts, MediaItem, MediaKind, VideoStatus};
use albumen_core::upload::UploadToken;
use albumen_core::user::UserId;
use albumen_library::base_url::{BaseUrlClaims, UrlKind, library_claims};
use albumen_media::{Limits, probe};
use albumen_testkit::photos::{Shot, camera_jpeg};
use albumen_testkit::{Backends, TestApp, spawn_app, spawn_app_on};
use bytes::Bytes;
use reqwest::StatusCode;
use time::Duration;

per_backend!(
    d_serves_the_original_without_its_location_and_nothing_else_changed,
    byte_ranges_are_served_patched_and_past_the_end_is_416,
);

const SHOT: Shot = Shot {
    taken: "2024:05:06 07:08:09",
    offset: "+02:00",
    with_gps: true,
};

/// Puts `bytes` in the blob store and makes them a media item of `user`, as `batchCreate`
/// does (through an upload token of their own).
async fn stored_item(
    app: &TestApp,
    user: &UserId,
    id: &str,
    bytes: &[u8],
    kind: MediaKind,
    video_status: Option<VideoStatus>,
) -> MediaItem {
    let put = app
        .state
        .blobs
        .put_bytes(Bytes::copy_from_slice(bytes))
        .await
        .unwrap();
    let now = app.clock.now();
    let mime_type = match kind {
        MediaKind::Photo => "image/jpeg",
        MediaKind::Video => "video/mp4",
    };
    let digest = format!("digest-{id}");
    app.state
        .store
        .insert_upload_token(&UploadToken {
            digest: digest.clone(),
            user_id: user.clone(),
            client_id: "test-client".into(),
            blob_key: put.key.as_hex().to_owned(),
            size: put.size,
            mime_type: Some(mime_type.into()),
            file_name: None,
            created_at: now,
            expires_at: now + Duration::days(1),
            used_at: None,
        })
        .await
        .unwrap();
    let item = MediaItem {
        id: id.to_owned(),
        user_id: user.clone(),
        client_id: Some("test-client".into()),
        blob_key: put.key.as_hex().to_owned(),
        size: put.size,
        mime_type: mime_type.into(),
        filename: format!("{id}.bin"),
        description: String::new(),
        kind,
        width: Some(64),
        height: Some(48),
        creation_time: now,
        capture_date: None,
        facts: CaptureFacts::default(),
        video_status,
        has_location: true,
        is_favorite: false,
        is_archived: false,
        created_at: now,
    };
    app.state
        .store
        .create_media_item_from_upload(&digest, &item, now)
        .await
        .unwrap()
}

/// The path of a base URL for `claims`, with `=options` appended when not empty.
fn path_for(app: &TestApp, claims: &BaseUrlClaims, options: &str) -> String {
    let token = app.state.base_urls.sign(claims);
    if options.is_empty() {
        format!("/lr/{token}")
    } else {
        format!("/lr/{token}={options}")
    }
}

fn library_path(app: &TestApp, item: &MediaItem, options: &str) -> String {
    let claims = library_claims(&item.id, item.user_id.as_str(), app.clock.now());
    path_for(app, &claims, options)
}

async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_default()
}

async fn photo_with_gps(app: &TestApp) -> (MediaItem, Vec<u8>) {
    let seeded = app.seed().await;
    let original = camera_jpeg(64, 48, 1, &SHOT);
    let item = stored_item(
        app,
        &seeded.admin.id,
        "photo-1",
        &original,
        MediaKind::Photo,
        None,
    )
    .await;
    (item, original)
}

async fn d_serves_the_original_without_its_location_and_nothing_else_changed(backends: Backends) {
    let app = spawn_app_on(backends).await;
    let (item, original) = photo_with_gps(&app).await;
    assert!(
        probe(&original, &Limits::default())
            .unwrap()
            .location
            .is_some()
    );

    let response = get_with(&app, &library_path(&app, &item, "d"), &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), "image/jpeg");
    assert_eq!(header(&response, "accept-ranges"), "bytes");
    assert_eq!(
        header(&response, "content-length"),
        original.len().to_string()
    );
    assert_eq!(header(&response, "cache-control"), "private, max-age=3600");
    let etag = header(&response, "etag").to_owned();
    assert!(etag.starts_with(&format!("\"{}", item.blob_key)), "{etag}");
    let served = response.bytes().await.unwrap();
    assert_eq!(served.len(), original.len());

    let before = probe(&original, &Limits::default()).unwrap();
    let after = probe(&served, &Limits::default()).unwrap();
    assert_eq!(after.location, None);
    assert_eq!(after.camera_model.as_deref(), Some("Canon EOS 5D Mark IV"));
    assert_eq!(after.capture_time, before.capture_time);
    assert_eq!(after.details, before.details);
    // Only the GPS IFD and its values differ: a few dozen bytes.
    let differing = original.iter().zip(&served[..]).filter(|(a, b)| a != b);
    assert!((1..200).contains(&differing.count()));
}

async fn byte_ranges_are_served_patched_and_past_the_end_is_416(backends: Backends) {
    let app = spawn_app_on(backends).await;
    let (item, original) = photo_with_gps(&app).await;
    let path = library_path(&app, &item, "d");
    let whole = get_with(&app, &path, &[]).await.bytes().await.unwrap();
    let size = original.len();

    for (range, expected) in [
        ("bytes=0-99", 0..100),
        (&format!("bytes={}-", size - 10) as &str, size - 10..size),
        ("bytes=-25", size - 25..size),
        ("bytes=20-300", 20..301),
    ] {
        let response = get_with(&app, &path, &[("range", range)]).await;
        assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(
            header(&response, "content-range"),
            format!("bytes {}-{}/{size}", expected.start, expected.end - 1)
        );
        assert_eq!(response.bytes().await.unwrap(), whole[expected], "{range}");
    }
    // That last range holds the GPS IFD: it was served patched.
    assert_ne!(whole[20..301], original[20..301]);

    let response = get_with(&app, &path, &[("range", &format!("bytes={size}-"))]).await;
    assert_eq!(response.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        header(&response, "content-range"),
        format!("bytes */{size}")
    );

    let response = get_with(&app, &path, &[("range", "bytes=0-1,5-6")]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.bytes().await.unwrap(), whole);
}

#[tokio::test]
async fn head_gives_the_headers_without_a_body_and_bearer_tokens_are_ignored() {
    let app = spawn_app().await;
    let (item, original) = photo_with_gps(&app).await;
    let path = library_path(&app, &item, "d");
    let response = app
        .client
        .head(app.url(&path))
        .bearer_auth("not-a-real-token")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header(&response, "content-length"),
        original.len().to_string()
    );
    assert_eq!(header(&response, "content-type"), "image/jpeg");
    assert!(response.bytes().await.unwrap().is_empty());

    let etag = header(&get_with(&app, &path, &[]).await, "etag").to_owned();
    let response = get_with(&app, &path, &[("if-none-match", &etag)]).await;
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn an_expired_or_tampered_url_is_403_and_a_wrong_user_404() {
    let app = spawn_app().await;
    let (item, _) = photo_with_gps(&app).await;
    let path = library_path(&app, &item, "d");

    let mut tampered = path.clone().into_bytes();
    let at = "/lr/".len() + 3;
    tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
    let response = get_with(&app, &String::from_utf8(tampered).unwrap(), &[]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(header(&response, "content-type").starts_with("text/html"));
    let response = get_with(&app, "/lr/not-a-token=d", &[]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let stranger = library_claims(&item.id, "someone-else", app.clock.now());
    let response = get_with(&app, &path_for(&app, &stranger, "d"), &[]).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let picker = BaseUrlClaims {
        kind: UrlKind::Picker,
        ..library_claims(&item.id, item.user_id.as_str(), app.clock.now())
    };
    let response = get_with(&app, &path_for(&app, &picker, "d"), &[]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    app.clock.advance(Duration::minutes(59));
    let response = get_with(&app, &path, &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "cache-control"), "private, max-age=60");
    app.clock.advance(Duration::minutes(1));
    assert_eq!(
        get_with(&app, &path, &[]).await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn dv_serves_a_ready_video_but_not_a_processing_one_or_a_photo() {
    let app = spawn_app().await;
    let (photo, _) = photo_with_gps(&app).await;
    let user = photo.user_id.clone();
    let video_bytes = movie_with_location();
    let ready = stored_item(
        &app,
        &user,
        "video-ready",
        &video_bytes,
        MediaKind::Video,
        Some(VideoStatus::Ready),
    )
    .await;
    let response = get_with(&app, &library_path(&app, &ready, "dv"), &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), "video/mp4");
    let served = response.bytes().await.unwrap();
    assert_eq!(served.len(), video_bytes.len());
    let text = String::from_utf8_lossy(&served);
    assert!(!text.contains("+48.8577"), "the location atom is blanked");
    assert!(String::from_utf8_lossy(&video_bytes).contains("+48.8577"));

    // Anything but `dv` is the video's still (tests/api/renditions.rs).
    let response = get_with(&app, &library_path(&app, &ready, "w200-h200"), &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), "image/jpeg");

    let mut other = video_bytes.clone();
    other.push(0);
    let processing = stored_item(
        &app,
        &user,
        "video-processing",
        &other,
        MediaKind::Video,
        Some(VideoStatus::Processing),
    )
    .await;
    let response = get_with(&app, &library_path(&app, &processing, "dv"), &[]).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    let response = get_with(&app, &library_path(&app, &photo, "dv"), &[]).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

/// A minimal MP4 (`ftyp`, `moov` with user data holding a `©xyz` location, `mdat`).
fn movie_with_location() -> Vec<u8> {
    fn bx(kind: &[u8], body: &[u8]) -> Vec<u8> {
        let mut out = ((8 + body.len()) as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        out
    }
    let mut xyz = 18u16.to_be_bytes().to_vec();
    xyz.extend_from_slice(&0x15C7u16.to_be_bytes());
    xyz.extend_from_slice(b"+48.8577+002.2950/");
    let moov = bx(b"moov", &bx(b"udta", &bx(b"\xA9xyz", &xyz)));
    [
        bx(b"ftyp", b"isom\0\0\0\0isomiso2mp41"),
        moov,
        bx(b"mdat", &[0xAB; 4096]),
    ]
    .concat()
}
