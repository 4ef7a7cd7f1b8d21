//! Encoding the finished rendition: JPEG (mozjpeg, quality 85, 4:2:0, libjpeg-turbo's fast
//! settings) for opaque pictures, PNG where transparency must survive (ADR 0011). No metadata
//! is written: renditions carry no EXIF, as Google's do not.

use std::panic::{AssertUnwindSafe, catch_unwind};

use image::ImageEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use mozjpeg::{ColorSpace, Compress};

use crate::error::RenderError;
use crate::pixels::Pixels;

/// JPEG quality of renditions.
pub const JPEG_QUALITY: f32 = 85.0;

/// The encoded bytes and their media type.
pub(crate) fn encode(pixels: Pixels) -> Result<(Vec<u8>, &'static str), RenderError> {
    if pixels.has_transparency() {
        Ok((png(&pixels)?, "image/png"))
    } else {
        Ok((jpeg(&pixels.into_rgb())?, "image/jpeg"))
    }
}

fn jpeg(pixels: &Pixels) -> Result<Vec<u8>, RenderError> {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut compress = Compress::new(ColorSpace::JCS_RGB);
        // libjpeg-turbo's defaults: baseline Huffman, no trellis (mozjpeg's slow extras).
        compress.set_fastest_defaults();
        compress.set_size(pixels.width as usize, pixels.height as usize);
        compress.set_quality(JPEG_QUALITY);
        compress.set_optimize_coding(true);
        let capacity = pixels.data.len() / 8;
        let mut started = compress.start_compress(Vec::with_capacity(capacity))?;
        started.write_scanlines(&pixels.data)?;
        started.finish()
    }));
    match outcome {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => Err(RenderError::Failed(e.to_string())),
        Err(_) => Err(RenderError::Failed("libjpeg encoder error".to_owned())),
    }
}

fn png(pixels: &Pixels) -> Result<Vec<u8>, RenderError> {
    let mut out = Vec::new();
    let color = if pixels.channels == 4 {
        image::ExtendedColorType::Rgba8
    } else {
        image::ExtendedColorType::Rgb8
    };
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive)
        .write_image(&pixels.data, pixels.width, pixels.height, color)
        .map_err(|e| RenderError::Failed(e.to_string()))?;
    Ok(out)
}
