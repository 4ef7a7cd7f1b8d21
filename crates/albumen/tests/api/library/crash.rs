//! A server SIGKILLed in the middle of raw uploads, resumable uploads and batchCreates loses
//! nothing it acknowledged: after a restart on the same data every reported item serves its
//! bytes, every open session resumes from what it reported, every unused upload token still
//! creates its item, and the orphaned-blob collector deletes only what nothing references.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use albumen::server::{open_blobs, open_database};
use albumen_core::FakeClock;
use albumen_core::derivative::Derivative;
use albumen_library::blob_gc::{GRACE, OrphanCollector};
use albumen_library::profile::LibrarySettings;
use albumen_library::service::Library;
use albumen_testkit::Backends;
use bytes::Bytes;
use futures::TryStreamExt as _;
use reqwest::StatusCode;
use time::macros::datetime;

use super::crash_load::{Ledger, Site, Uploader, address, worker};

const WORKERS: usize = 6;

per_backend!(multi_thread: sigkill_mid_load_loses_nothing_acknowledged_and_orphans_are_collected);

async fn sigkill_mid_load_loses_nothing_acknowledged_and_orphans_are_collected(backends: Backends) {
    let site = Site::new(backends.fresh().await.unwrap());
    let token = site.seed();
    let server = site.serve();
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let uploader = Uploader::new(&server.base, &token);
    let workers: Vec<_> = (0..WORKERS)
        .map(|w| tokio::spawn(worker(uploader.clone(), w, ledger.clone())))
        .collect();

    // Kill once every kind of outcome exists, while the workers are still busy.
    let started = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let enough = {
            let l = ledger.lock().unwrap();
            assert!(l.failures.is_empty(), "{:?}", l.failures);
            l.created.len() >= 16 && l.sessions.len() >= 3 && l.unused.len() >= 3
        };
        if enough || started.elapsed() > Duration::from_secs(120) {
            break;
        }
    }
    server.kill();
    for handle in workers {
        handle.await.unwrap();
    }
    let ledger = Arc::try_unwrap(ledger).ok().unwrap().into_inner().unwrap();
    assert!(ledger.failures.is_empty(), "{:?}", ledger.failures);
    assert!(ledger.created.len() >= 16 && ledger.sessions.len() >= 3 && ledger.unused.len() >= 3);

    let server = site.serve();
    let uploader = Uploader::new(&server.base, &token);
    for created in &ledger.created {
        assert_serves(&uploader, &created.id, &created.file).await;
    }
    for session in &ledger.sessions {
        let response = uploader
            .session(&session.path, "query", None, &[])
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, "x-goog-upload-status"), "active");
        let received = header(&response, "x-goog-upload-size-received");
        assert_eq!(received, session.received.to_string());
    }

    collect_orphans(&site, &ledger).await;

    // What the collector kept is still usable: open sessions finish, tokens create items.
    for session in &ledger.sessions {
        let rest = &session.file[session.received..];
        let finished = uploader.session(
            &session.path,
            "upload, finalize",
            Some(session.received),
            rest,
        );
        let response = finished.await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let upload_token = response.text().await.unwrap();
        create_and_check(&uploader, &upload_token, &session.file).await;
    }
    for (upload_token, file) in &ledger.unused {
        create_and_check(&uploader, upload_token, file).await;
    }
    server.kill();
}

/// Opens the data directory in this process (the server still running) and sweeps twice,
/// [`GRACE`] apart, with a planted orphan among the crash's own leftovers.
async fn collect_orphans(site: &Site, ledger: &Ledger) {
    let config = site.config();
    let store = open_database(&config).await.unwrap();
    let blobs = open_blobs(&config).await.unwrap();
    let clock = FakeClock::new(datetime!(2030-01-01 00:00 UTC));
    let library = Library {
        store: Arc::new(store),
        blobs: blobs.clone(),
        clock: Arc::new(clock.clone()),
        settings: LibrarySettings::default(),
        video_jobs: Arc::default(),
        derivative_jobs: Arc::default(),
        renditions: None,
    };
    for created in &ledger.created {
        let item = library.store.get_media_item(&created.id).await.unwrap();
        assert_eq!(item.blob_key, address(&created.file), "{}", created.id);
    }
    let planted = blobs
        .put_bytes(Bytes::from_static(b"bytes nothing points at"))
        .await
        .unwrap();

    let mut collector = OrphanCollector::default();
    let first = collector.sweep(&library).await.unwrap();
    assert_eq!(
        first.deleted, 0,
        "nothing goes before its grace period: {first:?}"
    );
    assert!(first.pending >= 1, "{first:?}");
    clock.advance(GRACE);
    let second = collector.sweep(&library).await.unwrap();
    assert_eq!(second.deleted, first.pending, "{first:?} then {second:?}");

    let present: BTreeSet<String> = blobs
        .list()
        .map_ok(|meta| meta.key.as_hex().to_owned())
        .try_collect()
        .await
        .unwrap();
    assert!(
        !present.contains(planted.key.as_hex()),
        "the planted orphan survived"
    );
    let mut referenced: BTreeSet<String> =
        ledger.created.iter().map(|c| address(&c.file)).collect();
    referenced.extend(ledger.unused.iter().map(|(_, file)| address(file)));
    referenced.extend(
        ledger
            .sessions
            .iter()
            .map(|s| address(&s.file[..s.received])),
    );
    let missing: Vec<_> = referenced.difference(&present).collect();
    assert!(
        missing.is_empty(),
        "referenced blobs were deleted: {missing:?}"
    );
    // Previews built in the background are their originals' too.
    for created in &ledger.created {
        let derived = library.store.get_derivative(&address(&created.file)).await;
        if let Ok(Derivative::Ready { preview, thumb, .. }) = derived {
            referenced.insert(preview.blob_key);
            referenced.insert(thumb.blob_key);
        }
    }
    let maybe: BTreeSet<String> = ledger.uncertain.iter().map(|b| address(b)).collect();
    let kept: Vec<_> = present
        .iter()
        .filter(|key| !referenced.contains(*key) && !maybe.contains(*key))
        .collect();
    assert!(
        kept.is_empty(),
        "unreferenced blobs survived two sweeps: {kept:?}"
    );
}

async fn create_and_check(uploader: &Uploader, upload_token: &str, file: &[u8]) {
    let (status, result) = uploader.batch_create(upload_token).await.unwrap();
    assert_eq!(status, StatusCode::OK, "{result}");
    assert_eq!(result["status"]["message"], "Success", "{result}");
    let id = result["mediaItem"]["id"].as_str().unwrap();
    assert_serves(uploader, id, file).await;
}

/// The item reads back and its `=d` download is the uploaded file (no GPS to strip).
async fn assert_serves(uploader: &Uploader, id: &str, file: &[u8]) {
    let url = format!("{}/v1/mediaItems/{id}", uploader.base);
    let response = uploader
        .http
        .get(url)
        .bearer_auth(&uploader.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "item {id} is lost");
    let item: serde_json::Value = response.json().await.unwrap();
    let base_url = item["baseUrl"].as_str().unwrap();
    let download = uploader
        .http
        .get(format!("{base_url}=d"))
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), StatusCode::OK, "{item}");
    let bytes = download.bytes().await.unwrap();
    assert!(
        bytes == file,
        "item {id} serves other bytes ({} vs {})",
        bytes.len(),
        file.len()
    );
}

fn header(response: &reqwest::Response, name: &str) -> String {
    let value = response.headers().get(name);
    value
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}
