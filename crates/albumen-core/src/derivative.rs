//! What is built once per distinct original in the background after `batchCreate`: a preview
//! (about 2048 px on the long edge) and a thumb (512 px) that renditions are cut from, and a
//! thumbhash placeholder that pages show while thumbnails load. Keyed by the original's content address, so
//! identical bytes uploaded twice share them.

use crate::media::MediaKind;

/// A waiting original, as the worker that claimed it sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivativeJob {
    /// The original's blob (hex SHA-256).
    pub blob_key: String,
    pub mime_type: String,
    pub kind: MediaKind,
    /// Claims so far, this one included.
    pub attempts: u32,
}

/// A preview (or the thumb) of an original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// The preview's own blob (JPEG, or PNG when transparent).
    pub blob_key: String,
    pub width: u32,
    pub height: u32,
}

/// Where an original's derivatives stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Derivative {
    /// Not built yet.
    Waiting,
    /// Built: the two previews and the thumbhash.
    Ready {
        preview: Preview,
        thumb: Preview,
        thumbhash: Vec<u8>,
    },
    /// The original could not be decoded; renditions use a placeholder or the original.
    Failed,
}
