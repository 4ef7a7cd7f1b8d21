//! Thumbhash placeholders: about 25 bytes that a page turns into a blurred picture of the
//! right colours and aspect ratio while the real thumbnail loads.

use crate::error::RenderError;
use crate::geometry::{SizeRequest, Target, plan};
use crate::pixels::Pixels;
use crate::resize::resize;

/// Thumbhash works on pictures of at most 100×100.
pub const THUMBHASH_MAX_SIDE: u32 = 100;

/// The thumbhash of `pixels` (any size; shrunk first).
pub(crate) fn thumbhash(pixels: &Pixels) -> Result<Vec<u8>, RenderError> {
    let fitted = plan(
        pixels.width,
        pixels.height,
        SizeRequest {
            width: Some(THUMBHASH_MAX_SIDE),
            height: Some(THUMBHASH_MAX_SIDE),
            crop: false,
        },
    );
    let small = resize(
        pixels.clone(),
        Target {
            crop: false,
            ..fitted
        },
    )?
    .into_rgba();
    Ok(thumbhash::rgba_to_thumb_hash(
        small.width as usize,
        small.height as usize,
        &small.data,
    ))
}
