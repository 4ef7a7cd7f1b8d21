//! Albumen's renditions: the pictures behind base-URL options (`=w512-h512-c`, a bare URL, a
//! video's still), previews built at ingest and thumbhash placeholders. Pure and synchronous:
//! callers run it on a bounded blocking pool and cache what it returns.
//!
//! One pipeline serves every case, each stage in its own module:
//!
//! 1. [`albumen_media::probe`] the bytes (type, displayed size, EXIF orientation, limits);
//! 2. [`geometry::plan`] the output size from the options;
//! 3. decode, JPEG at the smallest DCT scale that covers it (`decode`);
//! 4. resize and crop (`resize`), convert an embedded ICC profile to sRGB (`color`), turn
//!    upright (`orientation`), draw a video's play button (`overlay`);
//! 5. encode JPEG, or PNG when transparency matters (`encode`), with no metadata.
//!
//! ```
//! use albumen_render::{RenderLimits, RenderRequest, SizeRequest, placeholder};
//!
//! // A still for a video or HEIC that cannot be decoded here: grey, the picture's shape.
//! let request = RenderRequest { size: SizeRequest { width: Some(256), height: Some(256), crop: true },
//!                               ..RenderRequest::default() };
//! let still = placeholder(4000, 3000, &request).unwrap();
//! assert_eq!((still.width, still.height, still.content_type), (256, 256, "image/jpeg"));
//! ```

mod color;
mod decode;
mod encode;
mod error;
pub mod geometry;
mod limits;
mod orientation;
mod overlay;
mod pixels;
mod placeholder_hash;
mod resize;

use albumen_media::{Details, Limits, probe};

pub use crate::encode::JPEG_QUALITY;
pub use crate::error::RenderError;
pub use crate::geometry::{DEFAULT_LONG_EDGE, SizeRequest, Target};
pub use crate::limits::RenderLimits;
pub use crate::orientation::Orientation;
use crate::pixels::Pixels;
pub use crate::placeholder_hash::THUMBHASH_MAX_SIDE;

/// Bumped whenever the pipeline's output changes, so cached renditions are not reused.
pub const RENDER_VERSION: u32 = 1;

/// The long edge of the preview built at ingest.
pub const PREVIEW_LONG_EDGE: u32 = 2048;
/// The long edge of the small preview built with it, which thumbnails (the sizes pages and
/// pickers ask for most) are cut from.
pub const THUMB_LONG_EDGE: u32 = DEFAULT_LONG_EDGE;

/// What to render.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderRequest {
    /// The `w`/`h`/`c` options.
    pub size: SizeRequest,
    /// Draw the play button (video stills without `-no`).
    pub play_overlay: bool,
    /// The original's displayed size, when the bytes are its preview: the plan is made against
    /// the original, so a rendition is the same size whichever source it came from.
    pub original_size: Option<(u32, u32)>,
}

/// A finished rendition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendition {
    pub bytes: Vec<u8>,
    /// `image/jpeg` or `image/png`.
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
}

/// What ingest stores for an item: its previews and its thumbhash placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derivatives {
    /// About [`PREVIEW_LONG_EDGE`] on the long edge (the original's size when smaller).
    pub preview: Rendition,
    /// About [`THUMB_LONG_EDGE`] on the long edge, made from the preview's pixels.
    pub thumb: Rendition,
    /// The thumbhash of the picture (at most 25 bytes).
    pub thumbhash: Vec<u8>,
}

/// Renders `bytes` (an original or a preview) as `request` asks.
pub fn render(
    bytes: &[u8],
    request: &RenderRequest,
    limits: &RenderLimits,
) -> Result<Rendition, RenderError> {
    let pixels = render_pixels(bytes, request, limits)?;
    finish(pixels)
}

/// The preview and thumbhash of an original, from one decode.
pub fn derive(bytes: &[u8], limits: &RenderLimits) -> Result<Derivatives, RenderError> {
    let request = RenderRequest {
        size: SizeRequest {
            width: Some(PREVIEW_LONG_EDGE),
            height: Some(PREVIEW_LONG_EDGE),
            crop: false,
        },
        ..RenderRequest::default()
    };
    let pixels = render_pixels(bytes, &request, limits)?;
    let thumbhash = placeholder_hash::thumbhash(&pixels)?;
    let small = geometry::plan(
        pixels.width,
        pixels.height,
        SizeRequest {
            width: Some(THUMB_LONG_EDGE),
            height: Some(THUMB_LONG_EDGE),
            crop: false,
        },
    );
    let thumb = finish(resize::resize(pixels.clone(), small)?)?;
    Ok(Derivatives {
        preview: finish(pixels)?,
        thumb,
        thumbhash,
    })
}

/// A grey still the shape of a `width`×`height` picture, for media that cannot be decoded
/// here (a video without ffmpeg, HEIC without its tool).
pub fn placeholder(
    width: u32,
    height: u32,
    request: &RenderRequest,
) -> Result<Rendition, RenderError> {
    let target = geometry::plan(width, height, request.size);
    let mut pixels = Pixels {
        width: target.width,
        height: target.height,
        channels: 3,
        data: vec![0x9e; target.width as usize * target.height as usize * 3],
    };
    if request.play_overlay {
        overlay::draw_play_button(&mut pixels);
    }
    finish(pixels)
}

fn render_pixels(
    bytes: &[u8],
    request: &RenderRequest,
    limits: &RenderLimits,
) -> Result<Pixels, RenderError> {
    let facts = probe(bytes, &Limits::default())?;
    let Some(displayed) = facts.dimensions else {
        return Err(RenderError::NotDecodable(facts.media_type.mime_type()));
    };
    let orientation = match &facts.details {
        Details::Photo(photo) => Orientation::from_exif(photo.orientation),
        Details::Video(_) => return Err(RenderError::NotDecodable(facts.media_type.mime_type())),
    };
    let (plan_width, plan_height) = request
        .original_size
        .unwrap_or((displayed.width, displayed.height));
    let mut target = geometry::plan(plan_width, plan_height, request.size);
    // Never enlarge the source, even when the caller's original size says it could.
    target.width = target.width.min(displayed.width);
    target.height = target.height.min(displayed.height);
    let stored_target = if orientation.transposes() {
        target.transposed()
    } else {
        target
    };
    let decoded = decode::decode(bytes, facts.media_type, stored_target, limits)?;
    let mut pixels = resize::resize(decoded.pixels, stored_target)?;
    if let Some(icc) = &decoded.icc {
        color::to_srgb(&mut pixels, icc);
    }
    let mut upright = orientation.apply(pixels);
    if request.play_overlay {
        overlay::draw_play_button(&mut upright);
    }
    Ok(upright)
}

fn finish(pixels: Pixels) -> Result<Rendition, RenderError> {
    let (width, height) = (pixels.width, pixels.height);
    let (bytes, content_type) = encode::encode(pixels)?;
    Ok(Rendition {
        bytes,
        content_type,
        width,
        height,
    })
}
