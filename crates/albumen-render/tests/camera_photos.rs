//! Real camera photos (Debian's `mate-backgrounds`, prepared by `tests/photos/run.sh`, which
//! `.ci/run` runs): every in-process format of the same photo renders to the same size and
//! nearly the same picture, and camera JPEGs render at the planned size with no metadata.
//! Ignored without `ALBUMEN_TEST_PHOTOS` (the photos are downloaded, never committed).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;

use albumen_media::{Limits, probe};
use albumen_render::geometry::plan;
use albumen_render::{RenderLimits, RenderRequest, Rendition, SizeRequest, render};

fn photos() -> PathBuf {
    PathBuf::from(std::env::var("ALBUMEN_TEST_PHOTOS").expect("ALBUMEN_TEST_PHOTOS is set"))
}

fn box512() -> RenderRequest {
    RenderRequest {
        size: SizeRequest {
            width: Some(512),
            height: Some(512),
            crop: false,
        },
        ..RenderRequest::default()
    }
}

/// The average colour of a rendition, channel by channel.
fn mean_colour(rendition: &Rendition) -> [f64; 3] {
    let picture = image::load_from_memory(&rendition.bytes)
        .unwrap()
        .into_rgb8();
    let mut sums = [0f64; 3];
    for pixel in picture.pixels() {
        for (sum, value) in sums.iter_mut().zip(pixel.0) {
            *sum += f64::from(value);
        }
    }
    let count = f64::from(picture.width() * picture.height());
    sums.map(|sum| sum / count)
}

#[test]
#[ignore = "needs ALBUMEN_TEST_PHOTOS; run by tests/photos/run.sh from .ci/run"]
fn one_camera_photo_in_every_format_renders_alike() {
    let original = std::fs::read(photos().join("wood.jpg")).unwrap();
    let reference = render(&original, &box512(), &RenderLimits::default()).unwrap();
    let reference_colour = mean_colour(&reference);
    for format in ["png", "webp", "tiff", "bmp", "gif"] {
        let bytes = std::fs::read(photos().join(format!("wood.{format}"))).unwrap();
        let rendition = render(&bytes, &box512(), &RenderLimits::default()).unwrap();
        assert_eq!(
            (rendition.width, rendition.height),
            (reference.width, reference.height),
            "{format}"
        );
        assert_eq!(rendition.content_type, "image/jpeg", "{format}");
        // GIF's 256-colour palette moves the average most; all stay within a few levels.
        let colour = mean_colour(&rendition);
        for (channel, (a, b)) in colour.iter().zip(reference_colour).enumerate() {
            assert!(
                (a - b).abs() < 6.0,
                "{format} channel {channel}: {a} vs {b}"
            );
        }
    }
}

#[test]
#[ignore = "needs ALBUMEN_TEST_PHOTOS; run by tests/photos/run.sh from .ci/run"]
fn camera_jpegs_render_at_the_planned_size_without_metadata() {
    for name in ["wood.jpg", "storm.jpg"] {
        let bytes = std::fs::read(photos().join(name)).unwrap();
        let facts = probe(&bytes, &Limits::default()).unwrap();
        assert!(facts.camera_make.is_some(), "{name} is a camera photo");
        let size = facts.dimensions.unwrap();
        for request in [
            box512(),
            RenderRequest {
                size: SizeRequest {
                    width: Some(256),
                    height: Some(256),
                    crop: true,
                },
                ..RenderRequest::default()
            },
        ] {
            let rendition = render(&bytes, &request, &RenderLimits::default()).unwrap();
            let target = plan(size.width, size.height, request.size);
            assert_eq!(
                (rendition.width, rendition.height),
                (target.width, target.height)
            );
            let served = probe(&rendition.bytes, &Limits::default()).unwrap();
            assert_eq!(served.camera_make, None, "{name}: no EXIF in renditions");
            assert_eq!(served.capture_time, None, "{name}");
        }
    }
}
