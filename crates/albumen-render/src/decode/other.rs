//! PNG, GIF (first frame), WebP, TIFF and BMP through the `image` crate, decoded whole under
//! its allocation limits (these formats have no cheap downscaled decode).

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader};

use super::Decoded;
use crate::error::RenderError;
use crate::limits::RenderLimits;
use crate::pixels::Pixels;

pub(crate) fn decode(
    bytes: &[u8],
    format: ImageFormat,
    limits: &RenderLimits,
) -> Result<Decoded, RenderError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut image_limits = image::Limits::default();
    image_limits.max_alloc = Some(limits.max_decoded_bytes);
    reader.limits(image_limits);
    let mut decoder = reader.into_decoder().map_err(classify)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(RenderError::OverLimit("pixels"));
    }
    // A broken profile only costs the colour conversion, never the picture.
    let icc = decoder.icc_profile().ok().flatten();
    // For GIF and animated WebP this is the first frame.
    let image = DynamicImage::from_decoder(decoder).map_err(classify)?;
    let pixels = if image.color().has_alpha() {
        let rgba = image.into_rgba8();
        Pixels {
            width,
            height,
            channels: 4,
            data: rgba.into_raw(),
        }
    } else {
        let rgb = image.into_rgb8();
        Pixels {
            width,
            height,
            channels: 3,
            data: rgb.into_raw(),
        }
    };
    Ok(Decoded { pixels, icc })
}

fn classify(error: ImageError) -> RenderError {
    match error {
        ImageError::Limits(_) => RenderError::OverLimit("decoded bytes"),
        ImageError::Unsupported(e) => RenderError::Corrupt(format!("unsupported variant: {e}")),
        other => RenderError::Corrupt(other.to_string()),
    }
}
