//! Hostile-input limits of the renderer, checked from the header before any pixel is decoded.

/// What one rendition may cost. Exceeding any is [`crate::RenderError::OverLimit`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderLimits {
    /// Largest picture, width × height (default 200 megapixels, the probe's limit).
    pub max_pixels: u64,
    /// Largest buffer a decoder may allocate: the whole decoded picture for PNG, GIF, WebP,
    /// TIFF and BMP, the coefficient buffer of a progressive JPEG (default 256 MiB, a 64 MP
    /// RGBA picture).
    pub max_decoded_bytes: u64,
    /// Most start-of-scan markers in a JPEG (default 256; cameras write 1, encoders about 10).
    pub max_jpeg_scans: usize,
}

impl Default for RenderLimits {
    fn default() -> Self {
        RenderLimits {
            max_pixels: 200_000_000,
            max_decoded_bytes: 256 * 1024 * 1024,
            max_jpeg_scans: 256,
        }
    }
}
