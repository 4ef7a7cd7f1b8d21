//! Hostile-input limits (STYLE habit 12): the sizes a probe refuses before anything is stored.

use std::fmt;

use crate::{Dimensions, MediaType, ProbeError};

/// What a probe accepts. Exceeding any one is [`ProbeError::TooLarge`].
///
/// The defaults follow Google's documented upload limits (200 MB photos, 20 GB videos), read
/// as binary units so that nothing Google would accept is refused here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest photo file, in bytes (default 200 MiB).
    pub max_bytes: u64,
    /// Largest video file, in bytes (default 20 GiB). Videos are probed by seeking, so this
    /// bounds the file, not memory.
    pub max_video_bytes: u64,
    /// Widest picture, in pixels after orientation (default 65535).
    pub max_width: u32,
    /// Tallest picture, in pixels after orientation (default 65535).
    pub max_height: u32,
    /// Largest pixel area, width × height (default 200 megapixels).
    pub max_pixels: u64,
    /// How much of a photo [`crate::probe_reader`] reads (default 16 MiB): the headers and
    /// metadata of every photo format but TIFF come first, so a 200 MB JPEG costs its first
    /// MiB or so, not 200 MB. TIFF, whose directories may sit anywhere, is read whole.
    pub max_probe_read: u64,
}

/// The largest video metadata box (`moov`) read into memory; real ones are a few MiB even for
/// hours of video.
pub(crate) const MAX_VIDEO_HEADER_BYTES: u64 = 64 * 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 200 * 1024 * 1024,
            max_video_bytes: 20 * 1024 * 1024 * 1024,
            max_width: 65_535,
            max_height: 65_535,
            max_pixels: 200_000_000,
            max_probe_read: 16 * 1024 * 1024,
        }
    }
}

/// Which limit a file exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    /// The file size ([`Limits::max_bytes`] or [`Limits::max_video_bytes`]).
    Bytes,
    /// [`Limits::max_width`].
    Width,
    /// [`Limits::max_height`].
    Height,
    /// [`Limits::max_pixels`].
    PixelArea,
    /// A video's metadata box, which must be read whole (64 MiB, fixed).
    HeaderBytes,
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Limit::Bytes => "file size",
            Limit::Width => "width",
            Limit::Height => "height",
            Limit::PixelArea => "pixel area",
            Limit::HeaderBytes => "metadata box size",
        })
    }
}

impl Limits {
    /// Refuses a file longer than this type's byte limit.
    pub fn check_bytes(&self, media_type: MediaType, len: u64) -> Result<(), ProbeError> {
        let limit = if media_type.is_video() {
            self.max_video_bytes
        } else {
            self.max_bytes
        };
        exceeds(Limit::Bytes, len, limit)
    }

    /// Refuses a picture wider, taller or larger in area than allowed.
    pub fn check_dimensions(&self, dimensions: Dimensions) -> Result<(), ProbeError> {
        exceeds(
            Limit::Width,
            u64::from(dimensions.width),
            u64::from(self.max_width),
        )?;
        exceeds(
            Limit::Height,
            u64::from(dimensions.height),
            u64::from(self.max_height),
        )?;
        exceeds(Limit::PixelArea, dimensions.pixels(), self.max_pixels)
    }
}

pub(crate) fn exceeds(what: Limit, actual: u64, limit: u64) -> Result<(), ProbeError> {
    if actual > limit {
        Err(ProbeError::TooLarge {
            what,
            actual,
            limit,
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_documented_upload_limits() {
        let limits = Limits::default();
        assert_eq!(limits.max_bytes, 209_715_200);
        assert_eq!(limits.max_pixels, 200_000_000);
        assert!(limits.check_bytes(MediaType::Mp4, 5 << 30).is_ok());
        assert!(limits.check_bytes(MediaType::Jpeg, 5 << 30).is_err());
    }

    #[test]
    fn the_pixel_area_limit_applies_even_when_each_side_fits() {
        let limits = Limits::default();
        let err = limits
            .check_dimensions(Dimensions {
                width: 20_000,
                height: 20_000,
            })
            .unwrap_err();
        assert!(matches!(
            err,
            ProbeError::TooLarge {
                what: Limit::PixelArea,
                actual: 400_000_000,
                ..
            }
        ));
    }
}
