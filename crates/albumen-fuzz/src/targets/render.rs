//! The renderer as a target: every in-process decoder (mozjpeg's, with its scaled decode and
//! unwinding errors; PNG, GIF, WebP, TIFF and BMP through `image`), the resize, colour,
//! orientation and encoders, on whatever the probe lets through.

use albumen_render::{RenderLimits, RenderRequest, SizeRequest, render};

use super::media::MEDIA_TOKENS;
use crate::engine::{Outcome, Target};

pub(super) const RENDER: Target = Target {
    name: "render",
    covers: "`albumen_render::render`: JPEG (DCT-scaled, progressive, CMYK, ICC), PNG, GIF, \
             WebP, TIFF and BMP decoding under limits, resize and crop, encoding",
    run: render_target,
    dictionary: MEDIA_TOKENS,
    max_len: 64 * 1024,
};

fn render_target(input: &[u8]) -> Outcome {
    // Small limits keep each run quick; the limits themselves are part of what is tested.
    let limits = RenderLimits {
        max_pixels: 1 << 20,
        max_decoded_bytes: 16 << 20,
        max_jpeg_scans: 64,
    };
    let request = RenderRequest {
        size: SizeRequest {
            width: Some(32),
            height: Some(32),
            crop: input.len().is_multiple_of(2),
        },
        play_overlay: input.len().is_multiple_of(3),
        original_size: None,
    };
    match render(input, &request, &limits) {
        Ok(rendition) => {
            if rendition.width == 0 || rendition.height == 0 || rendition.width > 32 {
                return Err(format!(
                    "a {}x{} rendition for a 32x32 box",
                    rendition.width, rendition.height
                ));
            }
            Ok(format!("ok {}", rendition.content_type))
        }
        Err(error) => Ok(format!("refused {}", error.code())),
    }
}
