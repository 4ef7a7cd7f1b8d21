//! JPEG through mozjpeg (libjpeg-turbo's decoder) with DCT-domain scaling: a 24 MP photo
//! asked for at 512 px is decoded at 1/8 size, never whole (shrink-on-load).
//!
//! libjpeg reports fatal errors by unwinding out of its C code; every call is inside
//! `catch_unwind`, so corrupt data is a [`RenderError::Corrupt`], never a crash.

use std::panic::{AssertUnwindSafe, catch_unwind};

use mozjpeg::{ColorSpace, Decompress, Marker};

use super::Decoded;
use crate::error::RenderError;
use crate::geometry::{Target, jpeg_scale_numerator};
use crate::limits::RenderLimits;
use crate::pixels::Pixels;

/// `ICC_PROFILE\0`, then a sequence number and a chunk count (ICC.1 Annex B.4).
const ICC_SIGNATURE: &[u8] = b"ICC_PROFILE\0";

/// Decodes `bytes` at the smallest DCT scale that still covers `target` (stored orientation).
pub(crate) fn decode(
    bytes: &[u8],
    target: Target,
    limits: &RenderLimits,
) -> Result<Decoded, RenderError> {
    check_scans(bytes, limits)?;
    let outcome = catch_unwind(AssertUnwindSafe(|| decode_unguarded(bytes, target, limits)));
    match outcome {
        Ok(result) => result,
        Err(panic) => Err(RenderError::Corrupt(panic_text(panic))),
    }
}

fn decode_unguarded(
    bytes: &[u8],
    target: Target,
    limits: &RenderLimits,
) -> Result<Decoded, RenderError> {
    let mut decompress = Decompress::with_markers(&[Marker::APP(2)])
        .from_mem(bytes)
        .map_err(|e| RenderError::Corrupt(e.to_string()))?;
    let (width, height) = (decompress.width() as u64, decompress.height() as u64);
    if width * height > limits.max_pixels {
        return Err(RenderError::OverLimit("pixels"));
    }
    // A progressive file keeps every DCT coefficient of the whole picture in memory (two
    // bytes each, for all components) until its last scan: refuse what would not fit.
    let components = decompress.components().len().max(1) as u64;
    if width * height * 2 * components > limits.max_decoded_bytes {
        return Err(RenderError::OverLimit("coefficient memory"));
    }
    let icc = icc_profile(&decompress);
    decompress.scale(jpeg_scale_numerator(width as u32, height as u32, target));
    let cmyk = matches!(
        decompress.color_space(),
        ColorSpace::JCS_CMYK | ColorSpace::JCS_YCCK
    );
    // CMYK cannot be converted to RGB by libjpeg itself: read it as it is, convert here.
    let out_space = if cmyk {
        ColorSpace::JCS_CMYK
    } else {
        ColorSpace::JCS_RGB
    };
    let mut started = decompress
        .to_colorspace(out_space)
        .map_err(|e| RenderError::Corrupt(e.to_string()))?;
    let (width, height) = (started.width() as u32, started.height() as u32);
    let samples: Vec<u8> = started
        .read_scanlines()
        .map_err(|e| RenderError::Corrupt(e.to_string()))?;
    let pixels = Pixels {
        width,
        height,
        channels: 3,
        data: if cmyk {
            inverted_cmyk_to_rgb(&samples)
        } else {
            samples
        },
    };
    if pixels.data.len() != pixels.width as usize * pixels.height as usize * 3 {
        return Err(RenderError::Corrupt("truncated scanlines".to_owned()));
    }
    // A CMYK profile cannot describe the RGB produced above; only RGB profiles are kept.
    let icc = icc.filter(|_| !cmyk);
    Ok(Decoded { pixels, icc })
}

/// The ICC profile split over `APP2` markers, reassembled in sequence order.
fn icc_profile<R>(decompress: &Decompress<R>) -> Option<Vec<u8>> {
    let mut chunks: Vec<(u8, &[u8])> = decompress
        .markers()
        .filter(|m| m.marker == Marker::APP(2))
        .filter_map(|m| m.data.strip_prefix(ICC_SIGNATURE))
        .filter_map(|rest| match rest {
            [sequence, _count, data @ ..] => Some((*sequence, data)),
            _ => None,
        })
        .collect();
    if chunks.is_empty() {
        return None;
    }
    chunks.sort_by_key(|(sequence, _)| *sequence);
    Some(
        chunks
            .iter()
            .flat_map(|(_, data)| data.iter().copied())
            .collect(),
    )
}

/// Adobe writes CMYK JPEGs inverted (0 is full ink); a plain conversion without a profile,
/// good enough for a thumbnail of the rare CMYK photo.
fn inverted_cmyk_to_rgb(cmyk: &[u8]) -> Vec<u8> {
    cmyk.chunks_exact(4)
        .flat_map(|pixel| match pixel {
            [c, m, y, k] => [*c, *m, *y].map(|ink| (u16::from(ink) * u16::from(*k) / 255) as u8),
            _ => [0; 3],
        })
        .collect()
}

/// Refuses files with more start-of-scan markers than the limit: each progressive scan is a
/// pass over the whole coefficient buffer, so thousands of tiny scans make a small file cost
/// minutes. Counting `FF DA` pairs over-counts only by markers inside metadata, which is safe.
fn check_scans(bytes: &[u8], limits: &RenderLimits) -> Result<(), RenderError> {
    let scans = memchr::memmem::find_iter(bytes, b"\xFF\xDA").count();
    if scans > limits.max_jpeg_scans {
        return Err(RenderError::OverLimit("progressive scans"));
    }
    Ok(())
}

fn panic_text(panic: Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "libjpeg error".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverted_cmyk_with_no_ink_is_white() {
        assert_eq!(
            inverted_cmyk_to_rgb(&[255, 255, 255, 255]),
            vec![255, 255, 255]
        );
        assert_eq!(inverted_cmyk_to_rgb(&[255, 0, 255, 255]), vec![255, 0, 255]);
        assert_eq!(inverted_cmyk_to_rgb(&[255, 255, 255, 0]), vec![0, 0, 0]);
    }

    #[test]
    fn too_many_scans_are_refused_before_decoding() {
        let limits = RenderLimits {
            max_jpeg_scans: 2,
            ..RenderLimits::default()
        };
        let hostile = b"\xFF\xD8\xFF\xDA\xFF\xDA\xFF\xDA".to_vec();
        assert!(matches!(
            check_scans(&hostile, &limits),
            Err(RenderError::OverLimit(_))
        ));
    }
}
