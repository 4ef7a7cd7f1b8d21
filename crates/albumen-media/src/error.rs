//! `ProbeError`: why a file was refused, with stable codes for logs and metrics.

use crate::{Limit, MediaType};

/// Why [`crate::probe`] refused a file. Every variant but `Io` is a verdict on the bytes.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// Not a format Albumen recognises (or an audio-only or track-less container).
    #[error("unsupported or unrecognised media")]
    Unsupported,
    /// A camera RAW file; Google answers these with the `BAD_IMAGE` item status.
    #[error("camera RAW ({media_type}) is not supported")]
    RawNotSupported {
        /// Which RAW format it is.
        media_type: MediaType,
    },
    /// The header that holds the dimensions is truncated or malformed.
    #[error("corrupt or truncated {media_type}: {reason}")]
    Corrupt {
        /// The format the magic bytes claimed.
        media_type: MediaType,
        /// What was wrong, for logs (never for clients).
        reason: &'static str,
    },
    /// A limit from [`crate::Limits`] was exceeded.
    #[error("{what} {actual} exceeds the limit of {limit}")]
    TooLarge {
        /// Which limit.
        what: Limit,
        /// The file's value.
        actual: u64,
        /// The limit.
        limit: u64,
    },
    /// Reading from the caller's reader failed ([`crate::probe_reader`] only).
    #[error("reading the media failed")]
    Io(#[source] std::io::Error),
}

impl ProbeError {
    /// A stable code for logs and metrics labels.
    pub fn code(&self) -> &'static str {
        match self {
            ProbeError::Unsupported => "unsupported_media",
            ProbeError::RawNotSupported { .. } => "raw_not_supported",
            ProbeError::Corrupt { .. } => "corrupt_media",
            ProbeError::TooLarge { .. } => "media_too_large",
            ProbeError::Io(_) => "media_read_failed",
        }
    }

    /// Whether the bytes themselves are at fault (as opposed to an I/O failure), so that the
    /// item is refused rather than retried: Google's `BAD_IMAGE` rather than a transient error.
    pub fn is_bad_media(&self) -> bool {
        !matches!(self, ProbeError::Io(_))
    }

    pub(crate) fn corrupt(media_type: MediaType, reason: &'static str) -> Self {
        ProbeError::Corrupt { media_type, reason }
    }
}
