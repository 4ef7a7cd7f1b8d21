//! Colour: pictures with an embedded ICC profile (Display P3 from phones, Adobe RGB from
//! cameras) are converted to sRGB, which every browser assumes for an untagged JPEG, so they do
//! not look washed out. Runs on the resized picture, where it is cheap.

use moxcms::{ColorProfile, Layout, TransformOptions};

use crate::pixels::Pixels;

/// Converts `pixels` from `icc` to sRGB in place. A profile that cannot be parsed or used
/// leaves the pixels as they are (they are then taken as sRGB, as a browser would).
pub(crate) fn to_srgb(pixels: &mut Pixels, icc: &[u8]) {
    let Ok(source) = ColorProfile::new_from_slice(icc) else {
        return;
    };
    let layout = if pixels.channels == 4 {
        Layout::Rgba
    } else {
        Layout::Rgb
    };
    let Ok(transform) = source.create_transform_8bit(
        layout,
        &ColorProfile::new_srgb(),
        layout,
        TransformOptions::default(),
    ) else {
        return;
    };
    let mut out = vec![0u8; pixels.data.len()];
    if transform.transform(&pixels.data, &mut out).is_ok() {
        pixels.data = out;
    }
}
