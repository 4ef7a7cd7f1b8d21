//! The size of a rendition: from the picture's displayed size and the `w`/`h`/`c` options to
//! the output size, and the DCT scale a JPEG can be decoded at without losing detail.
//!
//! Pure arithmetic; every rule Google leaves open is decided here, in one place:
//!
//! * No option at all (a bare base URL) fits the picture inside [`DEFAULT_LONG_EDGE`] on
//!   both sides (addendum-resolved.md §7: a 4000×3000 photo came back 512×384).
//! * `wN` alone bounds only the width, `hN` alone only the height (addendum §7 best guess).
//! * `wN-hN` fits inside the box keeping the aspect ratio.
//! * Nothing is ever enlarged beyond the original.
//! * `-c` with both sides crops to exactly `w`×`h` around the centre. When the original is
//!   smaller than the box on some side, it is not enlarged: the largest centred region with
//!   the box's aspect ratio is served at the original's resolution (a guess: Google's answer
//!   is not documented; `crop_never_enlarges_a_small_original` pins it).
//! * `-c` with one side only means nothing more than that side.

/// The long edge of a bare base URL's rendition.
pub const DEFAULT_LONG_EDGE: u32 = 512;

/// What the client asked for, already parsed and clamped (`w`, `h`, `c`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SizeRequest {
    /// `wN`: the largest width.
    pub width: Option<u32>,
    /// `hN`: the largest height.
    pub height: Option<u32>,
    /// `c`: crop to exactly `width` × `height`.
    pub crop: bool,
}

/// The output: its size and whether the source is cropped to that size's aspect ratio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub width: u32,
    pub height: u32,
    /// Crop the source around its centre to `width:height` before scaling.
    pub crop: bool,
}

impl Target {
    /// The same target for pixels stored transposed (EXIF orientations 5 to 8).
    pub fn transposed(self) -> Target {
        Target {
            width: self.height,
            height: self.width,
            crop: self.crop,
        }
    }
}

/// The rendition size for a picture displayed `source_width` × `source_height`.
pub fn plan(source_width: u32, source_height: u32, request: SizeRequest) -> Target {
    let (sw, sh) = (source_width.max(1), source_height.max(1));
    match (request.width, request.height) {
        (Some(w), Some(h)) if request.crop => crop_target(sw, sh, w, h),
        (Some(w), Some(h)) => fit(sw, sh, w, h),
        (Some(w), None) => fit(sw, sh, w, u32::MAX),
        (None, Some(h)) => fit(sw, sh, u32::MAX, h),
        (None, None) => fit(sw, sh, DEFAULT_LONG_EDGE, DEFAULT_LONG_EDGE),
    }
}

/// Fits `sw`×`sh` inside `bw`×`bh`, keeping the aspect ratio and never enlarging.
fn fit(sw: u32, sh: u32, bw: u32, bh: u32) -> Target {
    let scale = (f64::from(bw) / f64::from(sw))
        .min(f64::from(bh) / f64::from(sh))
        .min(1.0);
    Target {
        width: scaled(sw, scale).min(bw),
        height: scaled(sh, scale).min(bh),
        crop: false,
    }
}

/// Exactly `w`×`h` when the original covers the box; else the largest region of that aspect
/// ratio at the original's resolution.
fn crop_target(sw: u32, sh: u32, w: u32, h: u32) -> Target {
    let shrink = (f64::from(sw) / f64::from(w))
        .min(f64::from(sh) / f64::from(h))
        .min(1.0);
    Target {
        width: scaled(w, shrink).min(sw),
        height: scaled(h, shrink).min(sh),
        crop: true,
    }
}

fn scaled(length: u32, scale: f64) -> u32 {
    // Rounded, at least one pixel; `as` saturates, and the value is at most `length`.
    ((f64::from(length) * scale).round() as u32).max(1)
}

/// The numerator `n` (1 to 8, for a scale of `n/8`) of the smallest DCT-domain scale at which
/// a `stored_width` × `stored_height` JPEG still has at least the pixels `target` needs (in
/// the stored orientation), so the final resample only ever shrinks.
pub fn jpeg_scale_numerator(stored_width: u32, stored_height: u32, target: Target) -> u8 {
    let (sw, sh) = (
        f64::from(stored_width.max(1)),
        f64::from(stored_height.max(1)),
    );
    let (tw, th) = (f64::from(target.width), f64::from(target.height));
    // Both sides must be covered: for a fit the two ratios differ only by rounding, for a
    // crop the side that is kept whole decides.
    let needed = (tw / sw).max(th / sh);
    (1..=8u8)
        .find(|n| f64::from(*n) / 8.0 >= needed)
        .unwrap_or(8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn request(width: Option<u32>, height: Option<u32>, crop: bool) -> SizeRequest {
        SizeRequest {
            width,
            height,
            crop,
        }
    }

    fn size(t: Target) -> (u32, u32) {
        (t.width, t.height)
    }

    #[test]
    fn a_bare_url_fits_the_long_edge_in_512() {
        assert_eq!(size(plan(4000, 3000, SizeRequest::default())), (512, 384));
        assert_eq!(size(plan(3000, 4000, SizeRequest::default())), (384, 512));
        assert_eq!(size(plan(300, 200, SizeRequest::default())), (300, 200));
    }

    #[test]
    fn a_box_fits_inside_keeping_the_aspect_ratio() {
        let box512 = request(Some(512), Some(512), false);
        assert_eq!(size(plan(1600, 1200, box512)), (512, 384));
        assert_eq!(size(plan(1200, 1600, box512)), (384, 512));
        let wide = request(Some(2048), Some(1024), false);
        assert_eq!(size(plan(4000, 3000, wide)), (1365, 1024));
    }

    #[test]
    fn one_side_bounds_only_that_side() {
        assert_eq!(
            size(plan(4000, 3000, request(Some(400), None, false))),
            (400, 300)
        );
        assert_eq!(
            size(plan(4000, 3000, request(None, Some(300), false))),
            (400, 300)
        );
        // A lone side with `c` is still only that side.
        assert_eq!(
            size(plan(4000, 3000, request(Some(400), None, true))),
            (400, 300)
        );
    }

    #[test]
    fn nothing_is_enlarged() {
        assert_eq!(
            size(plan(640, 480, request(Some(4096), Some(4096), false))),
            (640, 480)
        );
        assert_eq!(
            size(plan(640, 480, request(Some(4096), None, false))),
            (640, 480)
        );
    }

    #[test]
    fn crop_gives_exactly_the_box() {
        let t = plan(4000, 3000, request(Some(256), Some(256), true));
        assert_eq!((t.width, t.height, t.crop), (256, 256, true));
        assert_eq!(
            size(plan(3000, 4000, request(Some(300), Some(100), true))),
            (300, 100)
        );
    }

    #[test]
    fn crop_never_enlarges_a_small_original() {
        // A 200×100 original asked for 400×400 cropped: the centred 100×100 square.
        assert_eq!(
            size(plan(200, 100, request(Some(400), Some(400), true))),
            (100, 100)
        );
        // Big enough on one side only: 300×150 asked 200×200 gives 150×150.
        assert_eq!(
            size(plan(300, 150, request(Some(200), Some(200), true))),
            (150, 150)
        );
    }

    #[test]
    fn the_jpeg_scale_keeps_enough_pixels() {
        let t = plan(6000, 4000, request(Some(512), Some(512), false));
        assert_eq!(jpeg_scale_numerator(6000, 4000, t), 1);
        let big = plan(6000, 4000, request(Some(2048), Some(2048), false));
        assert_eq!(jpeg_scale_numerator(6000, 4000, big), 3);
        let full = plan(6000, 4000, request(None, None, false));
        assert_eq!(jpeg_scale_numerator(600, 400, full), 7);
    }

    proptest! {
        #[test]
        fn a_fit_stays_in_the_box_and_the_original(
            sw in 1u32..20_000, sh in 1u32..20_000,
            w in proptest::option::of(1u32..=16_383), h in proptest::option::of(1u32..=16_383),
            crop in any::<bool>(),
        ) {
            let t = plan(sw, sh, request(w, h, crop));
            prop_assert!(t.width >= 1 && t.height >= 1);
            prop_assert!(t.width <= sw.max(1) && t.height <= sh.max(1));
            if let Some(w) = w { prop_assert!(t.width <= w); }
            if let Some(h) = h { prop_assert!(t.height <= h); }
            let n = jpeg_scale_numerator(sw, sh, t);
            let scaled_w = (u64::from(sw) * u64::from(n)).div_ceil(8);
            let scaled_h = (u64::from(sh) * u64::from(n)).div_ceil(8);
            // The decoded size covers the target on both sides.
            prop_assert!(scaled_w >= u64::from(t.width) && scaled_h >= u64::from(t.height));
        }
    }
}
