//! Resampling with fast_image_resize (SIMD convolution, Lanczos3), including the centred crop
//! of `-c`: the source is cut to the target's aspect ratio around its centre, then scaled.

use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};

use crate::error::RenderError;
use crate::geometry::Target;
use crate::pixels::Pixels;

/// `source` scaled (and for a crop, cut) to exactly `target`'s size.
pub(crate) fn resize(source: Pixels, target: Target) -> Result<Pixels, RenderError> {
    if source.width == target.width && source.height == target.height {
        return Ok(source);
    }
    let pixel_type = if source.channels == 4 {
        PixelType::U8x4
    } else {
        PixelType::U8x3
    };
    let channels = source.channels;
    let from = Image::from_vec_u8(source.width, source.height, source.data, pixel_type)
        .map_err(|e| RenderError::Failed(e.to_string()))?;
    let mut to = Image::new(target.width, target.height, pixel_type);
    let mut options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    if target.crop {
        options = options.fit_into_destination(Some((0.5, 0.5)));
    }
    // Straight alpha is premultiplied for the convolution, so transparent pixels do not
    // bleed their (meaningless) colour into the edges.
    options = options.use_alpha(channels == 4);
    Resizer::new()
        .resize(&from, &mut to, &options)
        .map_err(|e| RenderError::Failed(e.to_string()))?;
    Ok(Pixels {
        width: target.width,
        height: target.height,
        channels,
        data: to.into_vec(),
    })
}
