//! Decoding: from a file's bytes to [`Pixels`] in the stored orientation, plus the embedded
//! colour profile. JPEG takes the shrink-on-load path ([`jpeg`]); PNG, GIF (first frame),
//! WebP, TIFF and BMP go through the `image` crate ([`other`]) under allocation limits.

mod jpeg;
mod other;

use albumen_media::MediaType;

use crate::error::RenderError;
use crate::geometry::Target;
use crate::limits::RenderLimits;
use crate::pixels::Pixels;

/// A decoded picture, not yet resized, coloured or turned upright.
#[derive(Debug)]
pub(crate) struct Decoded {
    pub pixels: Pixels,
    /// The embedded ICC profile, if any.
    pub icc: Option<Vec<u8>>,
}

/// Decodes `bytes` of `media_type`; `target` (stored orientation) lets JPEG decode smaller.
pub(crate) fn decode(
    bytes: &[u8],
    media_type: MediaType,
    target: Target,
    limits: &RenderLimits,
) -> Result<Decoded, RenderError> {
    match media_type {
        MediaType::Jpeg => jpeg::decode(bytes, target, limits),
        MediaType::Png => other::decode(bytes, image::ImageFormat::Png, limits),
        MediaType::Gif => other::decode(bytes, image::ImageFormat::Gif, limits),
        MediaType::Webp => other::decode(bytes, image::ImageFormat::WebP, limits),
        MediaType::Tiff => other::decode(bytes, image::ImageFormat::Tiff, limits),
        MediaType::Bmp => other::decode(bytes, image::ImageFormat::Bmp, limits),
        other => Err(RenderError::NotDecodable(other.mime_type())),
    }
}
