//! A process killed with SIGKILL in the middle of blob writes leaves no partial blob under a
//! content address; the staging leftovers are collected by the sweep.
//!
//! The test re-runs this test binary as a child that writes blobs slowly and forever, kills
//! it mid-write, then checks every stored blob against its address.

use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use albumen_blob::BlobStore;
use albumen_testkit::contract::blobs::test_bytes;
use bytes::Bytes;
use futures::{StreamExt, TryStreamExt, stream};
use sha2::{Digest, Sha256};

const CHILD_DIR_VAR: &str = "ALBUMEN_CRASH_CHILD_DIR";

/// Run only as the child of the crash test: writes blobs in small, slow chunks until killed.
#[tokio::test]
#[ignore = "the child half of sigkill_during_blob_writes_leaves_no_partial_blob"]
async fn crash_child_writes_blobs_until_killed() {
    let Some(dir) = std::env::var_os(CHILD_DIR_VAR) else {
        return;
    };
    let blobs = BlobStore::local(dir).unwrap();
    let writers = (0..4u8).map(|writer| {
        let blobs = blobs.clone();
        tokio::spawn(async move {
            for round in 0u8.. {
                let bytes = test_bytes(512 * 1024, writer.wrapping_mul(61).wrapping_add(round));
                let chunks: Vec<std::io::Result<Bytes>> = bytes
                    .chunks(16 * 1024)
                    .map(|c| Ok(Bytes::copy_from_slice(c)))
                    .collect();
                let slow = stream::iter(chunks).then(|chunk| async {
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    chunk
                });
                blobs.put_stream(slow).await.unwrap();
            }
        })
    });
    futures::future::join_all(writers).await;
}

#[tokio::test]
async fn sigkill_during_blob_writes_leaves_no_partial_blob() {
    let dir = tempfile::TempDir::new().unwrap();
    let root = dir.path().join("blobs");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "blob_crash::crash_child_writes_blobs_until_killed",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env(CHILD_DIR_VAR, &root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    // Let some blobs complete and others be mid-write.
    let staging = root.join("staging");
    let mut waited = Duration::ZERO;
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        waited += Duration::from_millis(100);
        let completed = count_files(&root.join("blobs"));
        let staged = count_files(&staging);
        if (completed >= 4 && staged > 0) || waited > Duration::from_secs(30) {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let blobs = BlobStore::local(&root).unwrap();
    let stored: Vec<_> = blobs.list().try_collect().await.unwrap();
    assert!(stored.len() >= 4, "the child stored {} blobs", stored.len());
    for meta in &stored {
        let bytes = blobs.get_bytes(&meta.key).await.unwrap();
        assert_eq!(bytes.len() as u64, meta.size);
        assert_eq!(
            hex::encode(Sha256::digest(&bytes)),
            meta.key.as_hex(),
            "a blob under its address does not match it"
        );
    }
    let leftovers = count_files(&staging);
    assert!(leftovers > 0, "the kill should have cut off some writes");
    let future = SystemTime::UNIX_EPOCH + Duration::from_secs(10_000_000_000);
    assert_eq!(blobs.sweep_staging(future).await.unwrap(), leftovers as u64);
    assert_eq!(count_files(&staging), 0);
}

fn count_files(dir: &std::path::Path) -> usize {
    walk(dir).len()
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .flat_map(|entry| {
            let path = entry.path();
            if path.is_dir() {
                walk(&path)
            } else {
                vec![path]
            }
        })
        .collect()
}
