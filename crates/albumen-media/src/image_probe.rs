//! Photo probing: dimensions from the container or codec header (never from EXIF
//! `PixelXDimension`, which edits leave stale), EXIF orientation and facts, and the limits.
//! Reads headers only: no pixel is decoded here.

use std::io::Cursor;

use imagesize::ImageType;

use crate::exif_facts::read_exif;
use crate::read::{guarded, i32_le, u8_at, u16_le, u32_le};
use crate::{
    Details, Dimensions, Limits, MediaType, PhotoFacts, Probe, ProbeError, limits, raw_tiff,
};

/// Probes a whole photo file already sniffed as `media_type`.
pub(crate) fn probe_image(
    bytes: &[u8],
    media_type: MediaType,
    limits: &Limits,
) -> Result<Probe, ProbeError> {
    if media_type == MediaType::Tiff
        && let Some(raw) = raw_tiff::raw_type(bytes)
    {
        return Err(ProbeError::RawNotSupported { media_type: raw });
    }
    let coded = coded_dimensions(bytes, media_type)?;
    let exif = read_exif(bytes, media_type);
    // HEIF decoders apply the container's own rotation (`irot`, already folded into the size
    // by the `ispe` reader); the EXIF copy of the orientation must not be applied again.
    let orientation = if matches!(
        media_type,
        MediaType::Heic | MediaType::Heif | MediaType::Avif
    ) {
        1
    } else {
        exif.orientation.unwrap_or(1)
    };
    let dimensions = if orientation >= 5 {
        coded.transposed()
    } else {
        coded
    };
    limits.check_dimensions(dimensions)?;
    Ok(Probe {
        media_type,
        dimensions: Some(dimensions),
        capture_time: exif.capture_time,
        camera_make: exif.camera_make,
        camera_model: exif.camera_model,
        location: exif.location,
        details: Details::Photo(PhotoFacts {
            orientation,
            focal_length_mm: exif.focal_length_mm,
            aperture_f_number: exif.aperture_f_number,
            iso: exif.iso,
            exposure_time_s: exif.exposure_time_s,
        }),
    })
}

/// Width and height as stored, before any orientation.
fn coded_dimensions(bytes: &[u8], media_type: MediaType) -> Result<Dimensions, ProbeError> {
    let corrupt = |reason| ProbeError::corrupt(media_type, reason);
    let (width, height) = match media_type {
        MediaType::Jpeg => header_size(bytes, ImageType::Jpeg),
        MediaType::Png => {
            // The first chunk must be IHDR, which holds the size.
            if bytes.get(12..16) != Some(b"IHDR") {
                return Err(corrupt("PNG does not start with IHDR"));
            }
            header_size(bytes, ImageType::Png)
        }
        MediaType::Gif => header_size(bytes, ImageType::Gif),
        MediaType::Tiff => header_size(bytes, ImageType::Tiff),
        MediaType::Ico => header_size(bytes, ImageType::Ico),
        MediaType::Heic | MediaType::Heif | MediaType::Avif => {
            header_size(bytes, ImageType::Heif(imagesize::Compression::Unknown))
        }
        MediaType::Bmp => bmp_size(bytes),
        MediaType::Webp => webp_size(bytes),
        _ => return Err(ProbeError::Unsupported),
    }
    .ok_or_else(|| corrupt("no readable size in the header"))?;
    if width == 0 || height == 0 {
        return Err(corrupt("zero width or height"));
    }
    let side = |value: u64, what| {
        u32::try_from(value).map_err(|_| ProbeError::TooLarge {
            what,
            actual: value,
            limit: u64::from(u32::MAX),
        })
    };
    Ok(Dimensions {
        width: side(width, limits::Limit::Width)?,
        height: side(height, limits::Limit::Height)?,
    })
}

/// The `imagesize` header reader for a known type.
fn header_size(bytes: &[u8], image_type: ImageType) -> Option<(u64, u64)> {
    let size = guarded(|| image_type.reader_size(&mut Cursor::new(bytes)).ok())??;
    Some((
        u64::try_from(size.width).ok()?,
        u64::try_from(size.height).ok()?,
    ))
}

/// BMP: the DIB header after the 14-byte file header. OS/2 core headers hold 16-bit sizes;
/// later ones hold signed 32-bit sizes, a negative height meaning a top-down bitmap.
fn bmp_size(bytes: &[u8]) -> Option<(u64, u64)> {
    let dib_header_size = u32_le(bytes, 14)?;
    if dib_header_size == 12 {
        return Some((u64::from(u16_le(bytes, 18)?), u64::from(u16_le(bytes, 20)?)));
    }
    let width = i32_le(bytes, 18)?;
    let height = i32_le(bytes, 22)?;
    if width <= 0 {
        return None;
    }
    Some((
        u64::from(width.unsigned_abs()),
        u64::from(height.unsigned_abs()),
    ))
}

/// WebP: the first chunk after `RIFF....WEBP` is `VP8 ` (lossy), `VP8L` (lossless) or `VP8X`
/// (extended, with the canvas size).
fn webp_size(bytes: &[u8]) -> Option<(u64, u64)> {
    match bytes.get(12..16)? {
        b"VP8 " => {
            // A 3-byte frame tag, then the key-frame start code and two 14-bit sizes.
            if bytes.get(23..26)? != [0x9D, 0x01, 0x2A] {
                return None;
            }
            Some((
                u64::from(u16_le(bytes, 26)? & 0x3FFF),
                u64::from(u16_le(bytes, 28)? & 0x3FFF),
            ))
        }
        b"VP8L" => {
            if u8_at(bytes, 20)? != 0x2F {
                return None;
            }
            let bits = u32_le(bytes, 21)?;
            Some((
                u64::from(bits & 0x3FFF) + 1,
                u64::from((bits >> 14) & 0x3FFF) + 1,
            ))
        }
        b"VP8X" => {
            let u24 = |at: usize| -> Option<u64> {
                let low = u64::from(u16_le(bytes, at)?);
                let high = u64::from(u8_at(bytes, at.checked_add(2)?)?);
                Some(low | (high << 16))
            };
            Some((u24(24)? + 1, u24(27)? + 1))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_top_down_bitmap_reports_a_positive_height() {
        let mut bmp = b"BM".to_vec();
        bmp.extend_from_slice(&[0; 12]);
        bmp.extend_from_slice(&40u32.to_le_bytes());
        bmp.extend_from_slice(&3i32.to_le_bytes());
        bmp.extend_from_slice(&(-5i32).to_le_bytes());
        assert_eq!(bmp_size(&bmp), Some((3, 5)));
        // i32::MIN must not overflow.
        bmp[22..26].copy_from_slice(&i32::MIN.to_le_bytes());
        assert_eq!(bmp_size(&bmp), Some((3, 1 << 31)));
    }

    #[test]
    fn lossy_webp_sizes_ignore_the_scaling_bits() {
        let mut webp = b"RIFF\0\0\0\0WEBPVP8 \0\0\0\0".to_vec();
        webp.extend_from_slice(&[0, 0, 0, 0x9D, 0x01, 0x2A]);
        webp.extend_from_slice(&(640u16 | 0x4000).to_le_bytes());
        webp.extend_from_slice(&(480u16 | 0x8000).to_le_bytes());
        assert_eq!(webp_size(&webp), Some((640, 480)));
    }
}
