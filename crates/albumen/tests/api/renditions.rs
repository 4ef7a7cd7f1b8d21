//! Renditions at base URLs through the real API: the size of every option, entity tags, the
//! preview and thumbhash built after `batchCreate`, video stills and files that cannot be
//! decoded. The pictures themselves are checked in `albumen-render`'s own tests.

use albumen_core::Clock as _;
use albumen_core::derivative::Derivative;
use albumen_core::media::MediaKind;
use albumen_media::{Limits, MediaType, probe};
use albumen_testkit::photos::{camera_jpeg, mp4};
use albumen_testkit::{Backends, TestApp, spawn_app, spawn_app_on};
use bytes::Bytes;
use reqwest::StatusCode;
use serde_json::Value;

use crate::library::support::{ALL_CURRENT, SHOT, create_item, ready_video, token};

per_backend!(
    every_size_option_gives_its_rendition,
    heic_and_real_videos_render_through_their_tools_when_installed,
);

async fn fetch(
    app: &TestApp,
    item: &Value,
    options: &str,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let base = item["baseUrl"].as_str().unwrap();
    let url = if options.is_empty() {
        base.to_owned()
    } else {
        format!("{base}={options}")
    };
    let mut request = app.client.get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

/// The type and displayed size of a served picture.
fn picture(bytes: &Bytes) -> (MediaType, u32, u32) {
    let facts = probe(bytes, &Limits::default()).unwrap();
    let size = facts.dimensions.unwrap();
    (facts.media_type, size.width, size.height)
}

async fn signed_in(app: &TestApp) -> String {
    let seeded = app.seed().await;
    token(app, &seeded, &seeded.desktop.client.client_id, ALL_CURRENT).await
}

async fn every_size_option_gives_its_rendition(backends: Backends) {
    let app = spawn_app_on(backends).await;
    let token = signed_in(&app).await;
    let original = camera_jpeg(1600, 1200, 3, &SHOT);
    let item = create_item(&app, &token, original.clone(), "big.jpg").await;
    let cases = [
        ("", (512, 384)),
        ("w512-h512", (512, 384)),
        ("w256-h256-c", (256, 256)),
        ("w100", (100, 75)),
        ("h60", (80, 60)),
        ("w4000-h4000", (1600, 1200)),
        ("w300-h300-no", (300, 225)),
        ("w99999", (1600, 1200)),
    ];
    for (options, (width, height)) in cases {
        let response = fetch(&app, &item, options, &[]).await;
        assert_eq!(response.status(), StatusCode::OK, "={options}");
        assert_eq!(response.headers()["content-type"], "image/jpeg");
        let body = response.bytes().await.unwrap();
        assert_eq!(
            picture(&body),
            (MediaType::Jpeg, width, height),
            "={options}"
        );
        let has_exif = body.windows(6).any(|w| w == b"Exif\0\0");
        assert!(!has_exif, "=${options} carries no EXIF");
    }
    let download = fetch(&app, &item, "d", &[]).await;
    assert_eq!(download.bytes().await.unwrap().len(), original.len());
    for malformed in ["wabc", "w0", "w", "h-5"] {
        let response = fetch(&app, &item, malformed, &[]).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "={malformed}");
    }
}

#[tokio::test]
async fn an_entity_tag_revalidates_and_the_url_lifetime_bounds_caching() {
    let app = spawn_app().await;
    let token = signed_in(&app).await;
    let item = create_item(&app, &token, camera_jpeg(640, 480, 4, &SHOT), "tag.jpg").await;
    let first = fetch(&app, &item, "w200-h200", &[]).await;
    assert_eq!(first.status(), StatusCode::OK);
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "strong: {etag}"
    );
    let cache_control = first.headers()["cache-control"]
        .to_str()
        .unwrap()
        .to_owned();
    let max_age: i64 = cache_control
        .strip_prefix("private, max-age=")
        .unwrap()
        .parse()
        .unwrap();
    assert!((3500..=3600).contains(&max_age), "{cache_control}");
    let again = fetch(&app, &item, "w200-h200", &[("if-none-match", &etag)]).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await.unwrap().is_empty());
    // The same picture asked another way is the same rendition; another size is not.
    let same = fetch(&app, &item, "h200-w200", &[]).await;
    assert_eq!(same.headers()["etag"].to_str().unwrap(), etag);
    let other = fetch(&app, &item, "w201-h200", &[]).await;
    assert_ne!(other.headers()["etag"].to_str().unwrap(), etag);
    let head = app
        .client
        .head(format!("{}=w200-h200", item["baseUrl"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    let length: usize = head.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(length, first.bytes().await.unwrap().len());
}

/// Waits (real time, bounded) until the builder woken by `batchCreate` has finished.
async fn built(app: &TestApp, item: &Value) -> Derivative {
    let id = item["id"].as_str().unwrap();
    let blob_key = app.state.store.get_media_item(id).await.unwrap().blob_key;
    for _ in 0..200 {
        match app.state.store.get_derivative(&blob_key).await {
            Ok(Derivative::Waiting) | Err(_) => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Ok(done) => return done,
        }
    }
    panic!("no preview was built for {id}");
}

#[tokio::test]
async fn batch_create_queues_a_preview_and_a_thumbhash_that_renditions_use() {
    let app = spawn_app().await;
    let token = signed_in(&app).await;
    let item = create_item(&app, &token, camera_jpeg(3000, 2000, 5, &SHOT), "wide.jpg").await;
    let Derivative::Ready {
        preview,
        thumb,
        thumbhash,
    } = built(&app, &item).await
    else {
        panic!("the preview failed");
    };
    assert_eq!((preview.width, preview.height), (2048, 1365));
    assert_eq!((thumb.width, thumb.height), (512, 341));
    assert!((5..=25).contains(&thumbhash.len()));
    // A thumbnail comes from the thumb, a size inside the preview from it, a larger one from
    // the original.
    for (options, size) in [
        ("w256-h256-c", (256, 256)),
        ("w1024", (1024, 683)),
        ("w2500", (2500, 1667)),
    ] {
        let response = fetch(&app, &item, options, &[]).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body = response.bytes().await.unwrap();
        assert_eq!(
            picture(&body),
            (MediaType::Jpeg, size.0, size.1),
            "={options}"
        );
    }
    // The same bytes uploaded again share the preview.
    let again = create_item(&app, &token, camera_jpeg(3000, 2000, 5, &SHOT), "copy.jpg").await;
    assert!(matches!(
        built(&app, &again).await,
        Derivative::Ready { .. }
    ));
}

#[tokio::test]
async fn a_video_gets_a_still_with_a_play_button_unless_no() {
    let app = spawn_app().await;
    let token = signed_in(&app).await;
    let item = create_item(&app, &token, mp4(640, 360, 3), "clip.mp4").await;
    let with_button = fetch(&app, &item, "w320-h320", &[]).await;
    assert_eq!(with_button.status(), StatusCode::OK);
    let with_button = with_button.bytes().await.unwrap();
    assert_eq!(picture(&with_button), (MediaType::Jpeg, 320, 180));
    let bare = fetch(&app, &item, "w320-h320-no", &[]).await;
    let bare = bare.bytes().await.unwrap();
    assert_eq!(picture(&bare), (MediaType::Jpeg, 320, 180));
    assert_ne!(
        with_button, bare,
        "the play button is drawn only without -no"
    );
}

#[tokio::test]
async fn a_photo_that_cannot_be_decoded_is_refused_per_request() {
    let app = spawn_app().await;
    let token = signed_in(&app).await;
    // A JPEG whose header is sound but that ends before its first scan.
    let whole = camera_jpeg(320, 240, 6, &SHOT);
    let scan = whole.windows(2).position(|w| w == b"\xFF\xDA").unwrap();
    let mut broken = whole[..scan].to_vec();
    broken.extend_from_slice(b"\xFF\xD9");
    let item = create_item(&app, &token, broken, "broken.jpg").await;
    let response = fetch(&app, &item, "w100-h100", &[]).await;
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // The server is unharmed and the original is still downloadable.
    assert_eq!(fetch(&app, &item, "d", &[]).await.status(), StatusCode::OK);
    let healthy = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(healthy.status(), StatusCode::OK);
}

/// Runs `tool` with `args`; false when it is not installed.
fn run_tool(tool: &str, args: &[&str]) -> bool {
    match std::process::Command::new(tool).args(args).output() {
        Ok(output) => {
            assert!(output.status.success(), "{tool} failed: {output:?}");
            true
        }
        Err(_) => false,
    }
}

/// Renders ffmpeg's `lavfi` test `source` to `output` with `extra` options; false when
/// ffmpeg is not installed.
fn ffmpeg_test_source(source: &str, extra: &[&str], output: &str) -> bool {
    let mut args = vec!["-v", "error", "-f", "lavfi", "-i", source];
    args.extend_from_slice(extra);
    args.push(output);
    run_tool("ffmpeg", &args)
}

/// Whether a served still varies (a real picture) or is flat grey (the placeholder).
fn varies(bytes: &Bytes) -> bool {
    let samples: Vec<u8> = image_of(bytes).into_iter().step_by(97).collect();
    samples.iter().max().unwrap() - samples.iter().min().unwrap() > 60
}

fn image_of(bytes: &Bytes) -> Vec<u8> {
    let mut decompress = mozjpeg::Decompress::new_mem(bytes).unwrap().rgb().unwrap();
    decompress.read_scanlines::<u8>().unwrap()
}

/// On S3 the tools read a temporary download of the blob; on disk, the blob's own file.
async fn heic_and_real_videos_render_through_their_tools_when_installed(backends: Backends) {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let made_video = ffmpeg_test_source(
        "testsrc2=s=640x360:d=2",
        &["-pix_fmt", "yuv420p"],
        &path("clip.mp4"),
    );
    let made_heic = ffmpeg_test_source(
        "testsrc2=s=600x400",
        &["-frames:v", "1"],
        &path("still.png"),
    ) && run_tool("heif-enc", &[&path("still.png"), "-o", &path("still.heic")]);
    let app = spawn_app_on(backends).await;
    let token = signed_in(&app).await;
    if made_video {
        let bytes = std::fs::read(path("clip.mp4")).unwrap();
        let item = create_item(&app, &token, bytes, "clip.mp4").await;
        let still = fetch(&app, &item, "w320-h320-no", &[])
            .await
            .bytes()
            .await
            .unwrap();
        assert_eq!(picture(&still), (MediaType::Jpeg, 320, 180));
        assert!(varies(&still), "a frame of the video, not the placeholder");
    } else {
        eprintln!("ffmpeg not installed: the video still path is not exercised");
    }
    if made_heic {
        let bytes = std::fs::read(path("still.heic")).unwrap();
        let item = create_item(&app, &token, bytes, "still.heic").await;
        let shown = fetch(&app, &item, "w300", &[]).await.bytes().await.unwrap();
        assert_eq!(picture(&shown), (MediaType::Jpeg, 300, 200));
        assert!(varies(&shown), "the decoded picture, not the placeholder");
    } else {
        eprintln!("heif-enc not installed: the HEIC path is not exercised");
    }
}

#[tokio::test]
async fn a_lapsed_lease_is_taken_over_when_the_clock_passes_it() {
    let app = spawn_app().await;
    let put = app
        .state
        .blobs
        .put_bytes(Bytes::from(camera_jpeg(800, 600, 9, &SHOT)))
        .await
        .unwrap();
    let blob_key = put.key.as_hex().to_owned();
    let store = &app.state.store;
    let now = app.clock.now();
    let original = [(blob_key.clone(), "image/jpeg".to_owned(), MediaKind::Photo)];
    store.enqueue_derivatives(&original, now).await.unwrap();
    // A node took the job and died: nobody else may build it until its lease lapses.
    let lease = albumen_library::renditions::ingest::LEASE;
    assert!(
        store
            .claim_derivative(now, now + lease)
            .await
            .unwrap()
            .is_some()
    );
    app.state.renditions.jobs().notify_one();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        store.get_derivative(&blob_key).await.unwrap(),
        Derivative::Waiting
    );
    // Moving the injected clock past the lease wakes the idle builder's timer: no real wait.
    // (It moves on a minute a round too, in case the builder was busy when it first moved and
    // set its next timer from the new time.)
    app.clock.advance(lease + time::Duration::minutes(1));
    for _ in 0..100 {
        if let Ok(Derivative::Ready { .. }) = store.get_derivative(&blob_key).await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        app.clock.advance(time::Duration::minutes(1));
    }
    let stands = store.get_derivative(&blob_key).await;
    panic!("the lapsed job was not taken over: {stands:?}");
}

#[tokio::test]
async fn ffprobe_completes_the_facts_of_a_video_the_probe_reads_only_in_part() {
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("clip.mkv").to_string_lossy().into_owned();
    // Matroska from ffmpeg: the in-process probe reads its size and length, not its rate.
    let made = ffmpeg_test_source("testsrc2=s=320x240:r=25:d=2", &["-c:v", "mpeg4"], &clip);
    if !made || !run_tool("ffprobe", &["-v", "error", &clip]) {
        eprintln!("ffmpeg/ffprobe not installed: the ffprobe path is not exercised");
        return;
    }
    let app = spawn_app().await;
    let token = signed_in(&app).await;
    let item = create_item(&app, &token, std::fs::read(&clip).unwrap(), "clip.mkv").await;
    let ready = ready_video(&app, &token, item["id"].as_str().unwrap()).await;
    assert_eq!(ready["mediaMetadata"]["width"], "320");
    assert_eq!(ready["mediaMetadata"]["video"]["fps"], 25.0, "{ready}");
}
