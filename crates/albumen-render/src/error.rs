//! `RenderError`: why a rendition could not be made, with stable codes for logs and metrics.

use albumen_media::ProbeError;

/// Every variant is a verdict on the bytes or on a limit; none carries text for clients.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The probe refused the file (not media, corrupt header, over a limit).
    #[error("probe: {0}")]
    Probe(#[from] ProbeError),
    /// A format this build cannot decode in-process (HEIC, AVIF, ICO, videos).
    #[error("{0} cannot be decoded in-process")]
    NotDecodable(&'static str),
    /// Decoding would need more memory or work than the limits allow.
    #[error("over the render limits: {0}")]
    OverLimit(&'static str),
    /// The decoder found the pixel data corrupt.
    #[error("corrupt image data: {0}")]
    Corrupt(String),
    /// Resizing or encoding failed (a bug, or memory exhaustion).
    #[error("rendering failed: {0}")]
    Failed(String),
}

impl RenderError {
    /// A stable code for logs and metrics labels.
    pub fn code(&self) -> &'static str {
        match self {
            RenderError::Probe(e) => e.code(),
            RenderError::NotDecodable(_) => "not_decodable",
            RenderError::OverLimit(_) => "render_over_limit",
            RenderError::Corrupt(_) => "corrupt_image_data",
            RenderError::Failed(_) => "render_failed",
        }
    }
}
