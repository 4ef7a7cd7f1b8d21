//! Content-addressed blob storage on a local directory or S3-compatible object storage,
//! through `object_store`. Bytes are streamed (bounded memory for any size), hashed with
//! SHA-256 while they are written, staged under a temporary name and only then moved to
//! their content address, so a crash never leaves a partial blob where a reader can see it.
#![forbid(unsafe_code)]

mod error;
mod key;
mod local_file;
mod stage;
mod store;

pub use error::BlobError;
pub use key::BlobKey;
pub use local_file::LocalFile;
pub use store::{BlobMeta, BlobRead, BlobStore, PutOutcome, S3Options};
