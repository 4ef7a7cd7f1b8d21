//! A blocking `Read + Seek` view of a stored blob, fetched in ranged windows, so that the
//! probe (synchronous, on a blocking thread) can seek through a 20 GB video held in S3 with a
//! window of memory.

use std::io::{self, Read, Seek, SeekFrom};

use albumen_blob::{BlobKey, BlobStore};
use bytes::Bytes;
use futures::TryStreamExt as _;
use tokio::runtime::Handle;

/// How much is fetched per ranged read by default.
const WINDOW: u64 = 1024 * 1024;

/// Reads a blob through ranged gets. Use it only off the async runtime (`spawn_blocking`).
#[derive(Debug)]
pub struct BlobReader {
    blobs: BlobStore,
    key: BlobKey,
    size: u64,
    position: u64,
    window_size: u64,
    window_start: u64,
    window: Bytes,
    runtime: Handle,
}

impl BlobReader {
    pub fn new(blobs: BlobStore, key: BlobKey, size: u64, runtime: Handle) -> Self {
        Self {
            blobs,
            key,
            size,
            position: 0,
            window_size: WINDOW,
            window_start: 0,
            window: Bytes::new(),
            runtime,
        }
    }

    /// Fetches `bytes` per ranged read instead (smaller for readers that hop between small
    /// headers, such as the location stripper).
    pub fn with_window(mut self, bytes: u64) -> Self {
        self.window_size = bytes.max(1);
        self
    }

    fn fill(&mut self) -> io::Result<()> {
        let end = (self.position + self.window_size).min(self.size);
        let blobs = self.blobs.clone();
        let key = self.key.clone();
        let range = self.position..end;
        let bytes = self.runtime.block_on(async move {
            let read = blobs
                .get(&key, Some(range))
                .await
                .map_err(io::Error::other)?;
            let chunks: Vec<Bytes> = read.body.try_collect().await.map_err(io::Error::other)?;
            Ok::<_, io::Error>(Bytes::from(chunks.concat()))
        })?;
        self.window_start = self.position;
        self.window = bytes;
        Ok(())
    }
}

impl Read for BlobReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.position >= self.size || buf.is_empty() {
            return Ok(0);
        }
        let window_end = self.window_start + self.window.len() as u64;
        if self.position < self.window_start || self.position >= window_end {
            self.fill()?;
        }
        let offset =
            usize::try_from(self.position - self.window_start).map_err(io::Error::other)?;
        let available = self.window.get(offset..).unwrap_or_default();
        let n = available.len().min(buf.len());
        if n == 0 {
            return Ok(0);
        }
        buf.get_mut(..n)
            .ok_or_else(|| io::Error::other("buffer"))?
            .copy_from_slice(available.get(..n).unwrap_or_default());
        self.position += n as u64;
        Ok(n)
    }
}

impl Seek for BlobReader {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let target = match pos {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.size.checked_add_signed(d),
            SeekFrom::Current(d) => self.position.checked_add_signed(d),
        };
        self.position = target
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before start"))?;
        Ok(self.position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reads_and_seeks_across_windows() {
        let dir = tempfile::TempDir::new().unwrap();
        let blobs = BlobStore::local(dir.path()).unwrap();
        let data: Vec<u8> = (0..(WINDOW * 2 + 10)).map(|i| (i % 251) as u8).collect();
        let stored = blobs.put_bytes(Bytes::from(data.clone())).await.unwrap();
        let handle = Handle::current();
        let out = tokio::task::spawn_blocking(move || {
            let mut reader = BlobReader::new(blobs, stored.key, stored.size, handle);
            let mut all = Vec::new();
            reader.read_to_end(&mut all).unwrap();
            reader.seek(SeekFrom::End(-5)).unwrap();
            let mut tail = Vec::new();
            reader.read_to_end(&mut tail).unwrap();
            reader.seek(SeekFrom::Start(WINDOW - 2)).unwrap();
            let mut middle = [0u8; 4];
            reader.read_exact(&mut middle).unwrap();
            (all, tail, middle)
        })
        .await
        .unwrap();
        assert_eq!(out.0, data);
        assert_eq!(out.1, data[data.len() - 5..]);
        assert_eq!(
            out.2[..],
            data[(WINDOW - 2) as usize..(WINDOW + 2) as usize]
        );
    }
}
