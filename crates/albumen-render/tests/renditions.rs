//! Renditions against reference pictures built here: sizes for fit and crop, crop geometry,
//! all eight EXIF orientations, no metadata in the output, transparency, colour profiles,
//! every in-process format, and hostile input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Cursor;

use albumen_render::{
    RenderError, RenderLimits, RenderRequest, Rendition, SizeRequest, derive, placeholder, render,
};
use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage, imageops};
use mozjpeg::{ColorSpace, Compress, Marker};

const RED: [u8; 3] = [220, 30, 30];
const GREEN: [u8; 3] = [30, 200, 40];
const BLUE: [u8; 3] = [30, 40, 210];
const WHITE: [u8; 3] = [250, 250, 250];

/// 160×80, upright: red, green / blue, white quadrants.
fn quadrants() -> RgbImage {
    RgbImage::from_fn(160, 80, |x, y| {
        Rgb(match (x < 80, y < 40) {
            (true, true) => RED,
            (false, true) => GREEN,
            (true, false) => BLUE,
            (false, false) => WHITE,
        })
    })
}

/// An APP1 EXIF segment holding only an orientation tag (big-endian TIFF).
fn exif_orientation(value: u16) -> Vec<u8> {
    let mut app1 = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01".to_vec();
    app1.extend_from_slice(&[0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1]);
    app1.extend_from_slice(&value.to_be_bytes());
    app1.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    app1
}

/// A JPEG of `image`, with optional EXIF orientation and ICC profile segments.
fn jpeg(image: &RgbImage, orientation: Option<u16>, icc: Option<&[u8]>) -> Vec<u8> {
    let mut compress = Compress::new(ColorSpace::JCS_RGB);
    compress.set_size(image.width() as usize, image.height() as usize);
    compress.set_quality(95.0);
    let mut started = compress.start_compress(Vec::new()).unwrap();
    if let Some(value) = orientation {
        started.write_marker(Marker::APP(1), &exif_orientation(value));
    }
    if let Some(profile) = icc {
        let mut app2 = b"ICC_PROFILE\0\x01\x01".to_vec();
        app2.extend_from_slice(profile);
        started.write_marker(Marker::APP(2), &app2);
    }
    started.write_scanlines(image.as_raw()).unwrap();
    started.finish().unwrap()
}

fn encoded(image: DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn sized(width: Option<u32>, height: Option<u32>, crop: bool) -> RenderRequest {
    RenderRequest {
        size: SizeRequest {
            width,
            height,
            crop,
        },
        ..RenderRequest::default()
    }
}

fn rendered(bytes: &[u8], request: RenderRequest) -> Rendition {
    render(bytes, &request, &RenderLimits::default()).unwrap()
}

fn decoded(rendition: &Rendition) -> RgbaImage {
    image::load_from_memory(&rendition.bytes)
        .unwrap()
        .into_rgba8()
}

fn close(actual: Rgba<u8>, expected: [u8; 3]) -> bool {
    actual.0[..3]
        .iter()
        .zip(expected)
        .all(|(a, e)| a.abs_diff(e) <= 40)
}

/// The colours at the centres of the four quadrants, clockwise from the top left.
fn quadrant_colours(image: &RgbaImage) -> [Rgba<u8>; 4] {
    let (w, h) = (image.width(), image.height());
    [
        *image.get_pixel(w / 4, h / 4),
        *image.get_pixel(3 * w / 4, h / 4),
        *image.get_pixel(3 * w / 4, 3 * h / 4),
        *image.get_pixel(w / 4, 3 * h / 4),
    ]
}

#[test]
fn fit_and_crop_give_the_planned_sizes() {
    let original = jpeg(&quadrants(), None, None);
    let cases = [
        (sized(Some(80), Some(80), false), (80, 40)),
        (sized(Some(40), None, false), (40, 20)),
        (sized(None, Some(20), false), (40, 20)),
        (sized(Some(50), Some(50), true), (50, 50)),
        (sized(Some(1000), Some(1000), false), (160, 80)),
        (RenderRequest::default(), (160, 80)),
    ];
    for (request, (width, height)) in cases {
        let out = rendered(&original, request);
        assert_eq!((out.width, out.height), (width, height), "{request:?}");
        let image = decoded(&out);
        assert_eq!((image.width(), image.height()), (width, height));
        assert_eq!(out.content_type, "image/jpeg");
    }
}

#[test]
fn a_crop_keeps_the_centre() {
    // 300×100: a green centre square between red side bands.
    let image = RgbImage::from_fn(300, 100, |x, _| {
        Rgb(if (100..200).contains(&x) { GREEN } else { RED })
    });
    let out = rendered(&jpeg(&image, None, None), sized(Some(64), Some(64), true));
    let picture = decoded(&out);
    for (x, y) in [(2, 2), (61, 2), (32, 32), (2, 61), (61, 61)] {
        assert!(
            close(*picture.get_pixel(x, y), GREEN),
            "({x},{y}) is {:?}",
            picture.get_pixel(x, y)
        );
    }
}

#[test]
fn every_exif_orientation_comes_out_upright() {
    let upright = quadrants();
    let flipped = imageops::flip_horizontal(&upright);
    let stored_for = |value: u16| -> RgbImage {
        match value {
            2 => flipped.clone(),
            3 => imageops::rotate180(&upright),
            4 => imageops::flip_vertical(&upright),
            5 => imageops::rotate270(&flipped),
            6 => imageops::rotate270(&upright),
            7 => imageops::rotate90(&flipped),
            8 => imageops::rotate90(&upright),
            _ => upright.clone(),
        }
    };
    for value in 1..=8u16 {
        let bytes = jpeg(&stored_for(value), Some(value), None);
        let out = rendered(&bytes, sized(Some(80), Some(80), false));
        assert_eq!((out.width, out.height), (80, 40), "orientation {value}");
        let colours = quadrant_colours(&decoded(&out));
        for (colour, expected) in colours.into_iter().zip([RED, GREEN, WHITE, BLUE]) {
            assert!(close(colour, expected), "orientation {value}: {colours:?}");
        }
    }
}

#[test]
fn renditions_carry_no_metadata() {
    let original = jpeg(&quadrants(), Some(6), Some(&p3_profile()));
    let out = rendered(&original, sized(Some(64), Some(64), false));
    assert!(out.bytes.starts_with(b"\xFF\xD8"));
    let has = |needle: &[u8]| out.bytes.windows(needle.len()).any(|w| w == needle);
    assert!(!has(b"Exif\0\0"), "EXIF copied");
    assert!(!has(b"ICC_PROFILE"), "profile copied after conversion");
}

fn p3_profile() -> Vec<u8> {
    moxcms::ColorProfile::new_display_p3().encode().unwrap()
}

#[test]
fn a_display_p3_photo_is_converted_to_srgb() {
    let colour = [200, 90, 60];
    let flat = RgbImage::from_pixel(64, 64, Rgb(colour));
    let tagged = rendered(
        &jpeg(&flat, None, Some(&p3_profile())),
        sized(Some(32), None, false),
    );
    let untagged = rendered(&jpeg(&flat, None, None), sized(Some(32), None, false));
    let [r, g, b, _] = decoded(&tagged).get_pixel(16, 16).0;
    let [ur, ug, ub, _] = decoded(&untagged).get_pixel(16, 16).0;
    // Untagged pixels are taken as sRGB and kept; P3's wider red needs more sRGB red.
    assert!(ur.abs_diff(200) <= 3 && ug.abs_diff(90) <= 3 && ub.abs_diff(60) <= 3);
    assert!(r >= 210, "red {r} should grow when leaving P3");
    assert!(g <= 90 && b <= 60, "{r},{g},{b}");
}

#[test]
fn transparency_is_kept_as_png() {
    let image = RgbaImage::from_fn(120, 60, |x, _| {
        Rgba(if x < 60 {
            [255, 0, 0, 255]
        } else {
            [0, 0, 255, 0]
        })
    });
    let png = encoded(DynamicImage::ImageRgba8(image), ImageFormat::Png);
    let out = rendered(&png, sized(Some(60), Some(60), false));
    assert_eq!(out.content_type, "image/png");
    let picture = decoded(&out);
    assert_eq!(picture.get_pixel(5, 15).0[3], 255);
    assert_eq!(picture.get_pixel(55, 15).0[3], 0);
}

#[test]
fn an_opaque_png_becomes_a_jpeg() {
    let png = encoded(DynamicImage::ImageRgb8(quadrants()), ImageFormat::Png);
    let out = rendered(&png, sized(Some(80), None, false));
    assert_eq!(out.content_type, "image/jpeg");
    assert_eq!((out.width, out.height), (80, 40));
}

#[test]
fn every_in_process_format_renders() {
    let picture = DynamicImage::ImageRgb8(quadrants());
    for format in [
        ImageFormat::Png,
        ImageFormat::Gif,
        ImageFormat::WebP,
        ImageFormat::Tiff,
        ImageFormat::Bmp,
    ] {
        let source = if format == ImageFormat::WebP {
            DynamicImage::ImageRgba8(picture.to_rgba8())
        } else {
            picture.clone()
        };
        let out = rendered(&encoded(source, format), sized(Some(80), Some(80), false));
        assert_eq!((out.width, out.height), (80, 40), "{format:?}");
        let colours = quadrant_colours(&decoded(&out));
        for (colour, expected) in colours.into_iter().zip([RED, GREEN, WHITE, BLUE]) {
            assert!(close(colour, expected), "{format:?}: {colours:?}");
        }
    }
}

#[test]
fn a_large_jpeg_is_decoded_scaled() {
    // 4000×3000 asked at 512: the rendition is right and quick even in a debug build.
    let big = RgbImage::from_pixel(4000, 3000, Rgb(GREEN));
    let out = rendered(&jpeg(&big, None, None), RenderRequest::default());
    assert_eq!((out.width, out.height), (512, 384));
}

#[test]
fn derive_builds_a_preview_and_a_thumbhash() {
    let big = RgbImage::from_fn(3000, 1500, |x, _| Rgb(if x < 1500 { RED } else { BLUE }));
    let derived = derive(&jpeg(&big, None, None), &RenderLimits::default()).unwrap();
    assert_eq!(
        (derived.preview.width, derived.preview.height),
        (2048, 1024)
    );
    assert!(!derived.thumbhash.is_empty() && derived.thumbhash.len() <= 25);
    let ratio = thumbhash::thumb_hash_to_approximate_aspect_ratio(&derived.thumbhash).unwrap();
    assert!((ratio - 2.0).abs() < 0.3, "aspect {ratio}");
}

#[test]
fn a_rendition_from_the_preview_matches_one_from_the_original_in_size() {
    let big = RgbImage::from_pixel(3000, 2000, Rgb(BLUE));
    let original = jpeg(&big, None, None);
    let preview = derive(&original, &RenderLimits::default()).unwrap().preview;
    let request = RenderRequest {
        original_size: Some((3000, 2000)),
        ..sized(Some(1000), None, false)
    };
    let from_preview = rendered(&preview.bytes, request);
    let from_original = rendered(&original, sized(Some(1000), None, false));
    assert_eq!(
        (from_preview.width, from_preview.height),
        (from_original.width, from_original.height)
    );
}

#[test]
fn placeholders_have_the_shape_and_the_play_button() {
    let request = RenderRequest {
        play_overlay: true,
        ..sized(Some(320), Some(320), false)
    };
    let still = placeholder(1920, 1080, &request).unwrap();
    assert_eq!((still.width, still.height), (320, 180));
    let picture = decoded(&still);
    assert!(
        picture.get_pixel(160, 90).0[0] > 230,
        "white triangle in the middle"
    );
    assert!(picture.get_pixel(5, 5).0[0] < 200, "grey corner");
}

#[test]
fn corrupt_and_hostile_files_are_errors_not_crashes() {
    let good = jpeg(&quadrants(), None, None);
    let truncated = &good[..good.len() / 2];
    // A truncated JPEG still decodes (libjpeg fills the rest grey) or is refused; never a crash.
    let _ = render(
        truncated,
        &RenderRequest::default(),
        &RenderLimits::default(),
    );
    let mut garbage = good[..200].to_vec();
    garbage.extend(std::iter::repeat_n(0xAB, 5000));
    let _ = render(
        &garbage,
        &RenderRequest::default(),
        &RenderLimits::default(),
    );
    assert!(matches!(
        render(
            b"not an image",
            &RenderRequest::default(),
            &RenderLimits::default()
        ),
        Err(RenderError::Probe(_))
    ));
    let tight = RenderLimits {
        max_pixels: 1000,
        ..RenderLimits::default()
    };
    assert!(matches!(
        render(&good, &RenderRequest::default(), &tight),
        Err(RenderError::OverLimit(_))
    ));
}
