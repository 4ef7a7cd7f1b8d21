//! A blob as a file on local disk, for external tools (ffmpeg, heif-convert) that need a
//! seekable path: the blob's own file on a local store, a temporary download from S3.

use std::path::{Path, PathBuf};

use futures::StreamExt as _;
use tokio::io::AsyncWriteExt as _;

use crate::store::Backend;
use crate::{BlobError, BlobKey, BlobStore};

/// A path holding a blob's bytes; a temporary copy is deleted when this is dropped.
#[derive(Debug)]
pub enum LocalFile {
    /// The blob's file in a local store.
    InPlace(PathBuf),
    /// A download, removed on drop.
    Temporary(tempfile::TempPath),
}

impl LocalFile {
    pub fn path(&self) -> &Path {
        match self {
            LocalFile::InPlace(path) => path,
            LocalFile::Temporary(path) => path,
        }
    }
}

impl BlobStore {
    /// The blob as a local file, downloading it into `scratch` when the store is remote.
    pub async fn local_file(&self, key: &BlobKey, scratch: &Path) -> Result<LocalFile, BlobError> {
        if let Backend::Local(root) = &self.backend {
            let path = root.join(key.object_path().as_ref());
            tokio::fs::metadata(&path).await.map_err(BlobError::io)?;
            return Ok(LocalFile::InPlace(path));
        }
        tokio::fs::create_dir_all(scratch)
            .await
            .map_err(BlobError::io)?;
        let temporary = tempfile::Builder::new()
            .prefix("blob-")
            .tempfile_in(scratch)
            .map_err(BlobError::io)?
            .into_temp_path();
        let mut file = tokio::fs::File::create(&temporary)
            .await
            .map_err(BlobError::io)?;
        let mut body = self.get(key, None).await?.body;
        while let Some(chunk) = body.next().await {
            file.write_all(&chunk?).await.map_err(BlobError::io)?;
        }
        file.flush().await.map_err(BlobError::io)?;
        Ok(LocalFile::Temporary(temporary))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[tokio::test]
    async fn a_local_store_hands_out_the_blob_file_itself() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::local(dir.path().join("blobs")).unwrap();
        let put = store.put_bytes(Bytes::from_static(b"video")).await.unwrap();
        let file = store.local_file(&put.key, dir.path()).await.unwrap();
        assert!(matches!(file, LocalFile::InPlace(_)));
        assert_eq!(std::fs::read(file.path()).unwrap(), b"video");
    }
}
