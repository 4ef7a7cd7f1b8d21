//! The on-disk rendition cache of one node: files named by a digest of the content hash,
//! the normalised options and the pipeline version, bounded in total size with
//! least-recently-used eviction. Identical bytes uploaded twice share their renditions.
//!
//! The index lives in memory and is rebuilt at start from the files (oldest modification
//! first), so a restart keeps what was cached. A write goes to a temporary file renamed into
//! place, so a reader never sees half a rendition. The most recently used renditions are also
//! kept in memory (a bounded LRU of its own), so a hot thumbnail costs no file read.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use bytes::Bytes;

/// One cached rendition as served: the media type and the bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedRendition {
    pub content_type: &'static str,
    pub bytes: Bytes,
}

/// Media types a cache file can hold, by the tag byte that starts the file.
const TYPES: [&str; 2] = ["image/jpeg", "image/png"];

/// The bound of the in-memory copies, in bytes.
const HOT_MAX_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug)]
pub struct RenditionCache {
    dir: PathBuf,
    max_bytes: u64,
    index: Mutex<Index>,
    hot: Mutex<Hot>,
}

/// In-memory copies of recently used renditions.
#[derive(Debug, Default)]
struct Hot {
    index: Index,
    renditions: HashMap<String, CachedRendition>,
}

impl Hot {
    fn get(&mut self, key: &str) -> Option<CachedRendition> {
        self.index
            .touch(key)
            .then(|| self.renditions.get(key).cloned())?
    }

    fn insert(&mut self, key: &str, rendition: &CachedRendition, max: u64) {
        self.index
            .insert(key.to_owned(), rendition.bytes.len() as u64);
        self.renditions.insert(key.to_owned(), rendition.clone());
        for evicted in self.index.evict(max) {
            self.renditions.remove(&evicted);
        }
    }
}

#[derive(Debug, Default)]
struct Index {
    entries: HashMap<String, Entry>,
    by_use: BTreeMap<u64, String>,
    total: u64,
    clock: u64,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    size: u64,
    used: u64,
}

impl Index {
    fn touch(&mut self, key: &str) -> bool {
        self.clock += 1;
        let now = self.clock;
        let Some(entry) = self.entries.get_mut(key) else {
            return false;
        };
        self.by_use.remove(&entry.used);
        entry.used = now;
        self.by_use.insert(now, key.to_owned());
        true
    }

    fn insert(&mut self, key: String, size: u64) {
        self.remove(&key);
        self.clock += 1;
        self.by_use.insert(self.clock, key.clone());
        self.entries.insert(
            key,
            Entry {
                size,
                used: self.clock,
            },
        );
        self.total += size;
    }

    fn remove(&mut self, key: &str) {
        if let Some(entry) = self.entries.remove(key) {
            self.by_use.remove(&entry.used);
            self.total -= entry.size;
        }
    }

    /// Takes least recently used keys out until the total fits `max`.
    fn evict(&mut self, max: u64) -> Vec<String> {
        let mut evicted = Vec::new();
        while self.total > max {
            let Some((_, key)) = self.by_use.pop_first() else {
                break;
            };
            if let Some(entry) = self.entries.remove(&key) {
                self.total -= entry.size;
            }
            evicted.push(key);
        }
        evicted
    }
}

impl RenditionCache {
    /// Opens (creating it if needed) the cache in `dir`, indexing what is already there.
    pub async fn open(dir: PathBuf, max_bytes: u64) -> std::io::Result<Self> {
        let scan_dir = dir.clone();
        let files = tokio::task::spawn_blocking(move || scan(&scan_dir))
            .await
            .map_err(std::io::Error::other)??;
        let mut index = Index::default();
        for (key, size, _) in files {
            index.insert(key, size);
        }
        let cache = RenditionCache {
            dir,
            max_bytes,
            index: Mutex::new(index),
            hot: Mutex::default(),
        };
        cache.evict().await;
        Ok(cache)
    }

    /// The cached rendition under `key`, marking it recently used.
    pub async fn get(&self, key: &str) -> Option<CachedRendition> {
        if !self.lock().touch(key) {
            return None;
        }
        if let Some(hot) = self.hot().get(key) {
            return Some(hot);
        }
        let Ok(file) = tokio::fs::read(self.path(key)).await else {
            // Removed behind our back (an operator cleaning up): forget it.
            self.lock().remove(key);
            return None;
        };
        let file = Bytes::from(file);
        let content_type = TYPES.get(usize::from(*file.first()?))?;
        let rendition = (file.len() > 1).then(|| CachedRendition {
            content_type,
            bytes: file.slice(1..),
        })?;
        self.hot().insert(key, &rendition, self.hot_max());
        Some(rendition)
    }

    /// Stores `rendition` under `key`, then evicts the least recently used beyond the bound.
    /// Failures only cost a later recomputation, so they are logged, not returned.
    pub async fn put(&self, key: &str, rendition: &CachedRendition) {
        let Some(tag) = TYPES.iter().position(|t| *t == rendition.content_type) else {
            return;
        };
        let path = self.path(key);
        let mut file = Vec::with_capacity(rendition.bytes.len() + 1);
        file.push(tag as u8);
        file.extend_from_slice(&rendition.bytes);
        let size = file.len() as u64;
        if let Err(err) = write_atomically(&path, file).await {
            tracing::warn!(error = %err, "cannot write to the rendition cache");
            return;
        }
        self.lock().insert(key.to_owned(), size);
        self.hot().insert(key, rendition, self.hot_max());
        self.evict().await;
    }

    /// Bytes held now.
    pub fn total_bytes(&self) -> u64 {
        self.lock().total
    }

    async fn evict(&self) {
        let evicted = self.lock().evict(self.max_bytes);
        for key in evicted {
            {
                let mut hot = self.hot();
                hot.index.remove(&key);
                hot.renditions.remove(&key);
            }
            if let Err(err) = tokio::fs::remove_file(self.path(&key)).await
                && err.kind() != std::io::ErrorKind::NotFound
            {
                tracing::warn!(error = %err, "cannot evict from the rendition cache");
            }
        }
    }

    /// `dir/ab/abcdef…`: one fan-out level keeps directories small.
    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(key.get(..2).unwrap_or("00")).join(key)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Index> {
        self.index.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn hot(&self) -> std::sync::MutexGuard<'_, Hot> {
        self.hot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Never more in memory than on disk.
    fn hot_max(&self) -> u64 {
        HOT_MAX_BYTES.min(self.max_bytes)
    }
}

async fn write_atomically(path: &Path, bytes: Vec<u8>) -> std::io::Result<()> {
    let Some(parent) = path.parent() else {
        return Err(std::io::Error::other("cache path without a parent"));
    };
    tokio::fs::create_dir_all(parent).await?;
    let temporary = path.with_extension("tmp");
    tokio::fs::write(&temporary, bytes).await?;
    tokio::fs::rename(&temporary, path).await
}

/// Every cache file with its size and modification time, oldest first; leftover temporary
/// files are removed.
fn scan(dir: &Path) -> std::io::Result<Vec<(String, u64, SystemTime)>> {
    std::fs::create_dir_all(dir)?;
    let mut files = Vec::new();
    for fan in std::fs::read_dir(dir)? {
        let fan = fan?;
        if !fan.file_type()?.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(fan.path())? {
            let file = file?;
            let name = file.file_name().to_string_lossy().into_owned();
            if name.ends_with(".tmp") {
                let _ = std::fs::remove_file(file.path());
                continue;
            }
            let meta = file.metadata()?;
            let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            files.push((name, meta.len(), modified));
        }
    }
    files.sort_by_key(|(_, _, modified)| *modified);
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(bytes: &'static [u8]) -> CachedRendition {
        CachedRendition {
            content_type: "image/jpeg",
            bytes: Bytes::from_static(bytes),
        }
    }

    #[tokio::test]
    async fn a_stored_rendition_comes_back_and_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let cache = RenditionCache::open(dir.path().to_owned(), 1000)
            .await
            .unwrap();
        assert_eq!(cache.get("abcd").await, None);
        cache.put("abcd", &jpeg(b"JPEG")).await;
        assert_eq!(cache.get("abcd").await, Some(jpeg(b"JPEG")));
        let reopened = RenditionCache::open(dir.path().to_owned(), 1000)
            .await
            .unwrap();
        assert_eq!(reopened.get("abcd").await, Some(jpeg(b"JPEG")));
        assert_eq!(reopened.total_bytes(), 5);
    }

    #[tokio::test]
    async fn the_least_recently_used_is_evicted_first() {
        let dir = tempfile::tempdir().unwrap();
        // Room for two 11-byte files (a tag byte and ten bytes).
        let cache = RenditionCache::open(dir.path().to_owned(), 22)
            .await
            .unwrap();
        cache.put("aa01", &jpeg(b"0123456789")).await;
        cache.put("aa02", &jpeg(b"0123456789")).await;
        assert!(cache.get("aa01").await.is_some(), "aa01 used again");
        cache.put("aa03", &jpeg(b"0123456789")).await;
        assert!(cache.get("aa01").await.is_some());
        assert!(
            cache.get("aa02").await.is_none(),
            "aa02 was the least recently used"
        );
        assert!(cache.get("aa03").await.is_some());
        assert!(
            !dir.path().join("aa").join("aa02").exists(),
            "its file is gone"
        );
        assert_eq!(cache.total_bytes(), 22);
    }
}
