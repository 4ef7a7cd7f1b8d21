//! A blocking `Read + Seek` view of one blob, for the synchronous location stripper: reads go
//! to the blob store in 64 KiB ranged gets, one block cached. Only for `spawn_blocking`
//! threads (it blocks on the runtime to fetch).

use std::io::{self, Read, Seek, SeekFrom};

use albumen_blob::{BlobKey, BlobStore};
use futures::TryStreamExt as _;
use tokio::runtime::Handle;

/// Bytes fetched per ranged get.
const BLOCK: u64 = 64 * 1024;

pub(crate) struct BlobReader {
    runtime: Handle,
    blobs: BlobStore,
    key: BlobKey,
    size: u64,
    position: u64,
    /// The cached block and where it starts.
    block: Vec<u8>,
    block_start: u64,
}

impl BlobReader {
    pub(crate) fn new(runtime: Handle, blobs: BlobStore, key: BlobKey, size: u64) -> Self {
        Self {
            runtime,
            blobs,
            key,
            size,
            position: 0,
            block: Vec::new(),
            block_start: 0,
        }
    }

    fn fetch(&mut self, start: u64) -> io::Result<()> {
        let end = start.saturating_add(BLOCK).min(self.size);
        let read = self.runtime.block_on(async {
            let read = self.blobs.get(&self.key, Some(start..end)).await?;
            read.body
                .try_fold(Vec::new(), |mut block, chunk| async move {
                    block.extend_from_slice(&chunk);
                    Ok(block)
                })
                .await
        });
        self.block = read.map_err(io::Error::other)?;
        self.block_start = start;
        Ok(())
    }
}

impl Read for BlobReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.position >= self.size || buf.is_empty() {
            return Ok(0);
        }
        let cached = self.block_start..self.block_start + self.block.len() as u64;
        if !cached.contains(&self.position) {
            self.fetch(self.position)?;
        }
        let at = usize::try_from(self.position - self.block_start).map_err(io::Error::other)?;
        let available = self.block.get(at..).unwrap_or_default();
        let n = available.len().min(buf.len());
        if n == 0 {
            return Ok(0);
        }
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), available.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.position += n as u64;
        Ok(n)
    }
}

impl Seek for BlobReader {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(at) => Some(at),
            SeekFrom::End(delta) => self.size.checked_add_signed(delta),
            SeekFrom::Current(delta) => self.position.checked_add_signed(delta),
        };
        let target = target.ok_or_else(|| io::Error::other("seek before the start"))?;
        self.position = target;
        Ok(target)
    }
}
