//! Photo dimensions from headers, for every format with an encoder or a hand-built header.

use albumen_media::{
    Details, Dimensions, Limit, Limits, MediaType, ProbeError, probe, probe_reader,
};
use image::ImageFormat;

use crate::samples;

fn size(bytes: &[u8]) -> (MediaType, u32, u32) {
    let found = probe(bytes, &Limits::default()).unwrap();
    let d = found.dimensions.unwrap();
    (found.media_type, d.width, d.height)
}

#[test]
fn encoded_images_report_their_header_dimensions() {
    let cases = [
        (ImageFormat::Png, MediaType::Png),
        (ImageFormat::Jpeg, MediaType::Jpeg),
        (ImageFormat::Gif, MediaType::Gif),
        (ImageFormat::Bmp, MediaType::Bmp),
        (ImageFormat::Tiff, MediaType::Tiff),
        (ImageFormat::WebP, MediaType::Webp),
    ];
    for (format, expected) in cases {
        let bytes = samples::encoded(format, 37, 23);
        assert_eq!(size(&bytes), (expected, 37, 23), "{format:?}");
    }
}

#[test]
fn a_photo_without_exif_has_no_facts_but_its_size() {
    let found = probe(
        &samples::encoded(ImageFormat::Png, 5, 4),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(found.capture_time, None);
    assert_eq!(found.camera_make, None);
    assert_eq!(found.location, None);
    let Details::Photo(photo) = found.details else {
        panic!("a PNG is a photo");
    };
    assert_eq!(photo.orientation, 1);
    assert_eq!(photo.iso, None);
}

#[test]
fn an_icon_reports_its_largest_entry() {
    assert_eq!(size(&samples::ico()), (MediaType::Ico, 48, 32));
}

#[test]
fn heic_dimensions_come_from_ispe_with_irot_applied() {
    let heic = samples::heif(b"heic", &[b"mif1", b"heic"], 4032, 3024, Some(1));
    assert_eq!(size(&heic), (MediaType::Heic, 3024, 4032));
    let upright = samples::heif(b"heic", &[b"mif1", b"heic"], 4032, 3024, None);
    assert_eq!(size(&upright), (MediaType::Heic, 4032, 3024));
}

#[test]
fn avif_and_generic_heif_dimensions_come_from_ispe() {
    let avif = samples::heif(b"avif", &[b"mif1", b"avif"], 640, 480, None);
    assert_eq!(size(&avif), (MediaType::Avif, 640, 480));
    let heif = samples::heif(b"mif1", &[b"mif1"], 100, 50, Some(2));
    assert_eq!(size(&heif), (MediaType::Heif, 100, 50));
}

#[test]
fn a_heif_without_ispe_is_corrupt() {
    let mut no_ispe = samples::ftyp(b"heic", &[b"mif1", b"heic"]);
    no_ispe.extend_from_slice(&samples::full(
        b"meta",
        0,
        &samples::bx(b"iprp", &samples::bx(b"ipco", &[])),
    ));
    let err = probe(&no_ispe, &Limits::default()).unwrap_err();
    assert!(
        matches!(
            err,
            ProbeError::Corrupt {
                media_type: MediaType::Heic,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_truncated_header_is_corrupt_not_unsupported() {
    let png = samples::encoded(ImageFormat::Png, 9, 9);
    let err = probe(&png[..20], &Limits::default()).unwrap_err();
    assert!(
        matches!(
            err,
            ProbeError::Corrupt {
                media_type: MediaType::Png,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.code(), "corrupt_media");
    assert!(err.is_bad_media());
}

#[test]
fn a_zero_sized_image_is_corrupt() {
    let mut gif = b"GIF89a".to_vec();
    gif.extend_from_slice(&[0, 0, 5, 0, 0, 0, 0]);
    assert!(matches!(
        probe(&gif, &Limits::default()),
        Err(ProbeError::Corrupt { .. })
    ));
}

#[test]
fn unrecognised_bytes_are_unsupported() {
    let err = probe(b"%PDF-1.7\n", &Limits::default()).unwrap_err();
    assert!(matches!(err, ProbeError::Unsupported));
    assert_eq!(err.code(), "unsupported_media");
}

#[test]
fn images_past_the_size_limits_are_too_large() {
    let png = samples::encoded(ImageFormat::Png, 300, 200);
    let narrow = Limits {
        max_width: 299,
        ..Limits::default()
    };
    assert!(matches!(
        probe(&png, &narrow),
        Err(ProbeError::TooLarge {
            what: Limit::Width,
            actual: 300,
            limit: 299
        })
    ));
    let short = Limits {
        max_height: 199,
        ..Limits::default()
    };
    assert!(matches!(
        probe(&png, &short),
        Err(ProbeError::TooLarge {
            what: Limit::Height,
            ..
        })
    ));
    let small_area = Limits {
        max_pixels: 59_999,
        ..Limits::default()
    };
    assert!(matches!(
        probe(&png, &small_area),
        Err(ProbeError::TooLarge {
            what: Limit::PixelArea,
            actual: 60_000,
            ..
        })
    ));
    let few_bytes = Limits {
        max_bytes: 10,
        ..Limits::default()
    };
    let err = probe(&png, &few_bytes).unwrap_err();
    assert!(matches!(
        err,
        ProbeError::TooLarge {
            what: Limit::Bytes,
            ..
        }
    ));
    assert_eq!(err.code(), "media_too_large");
}

#[test]
fn a_header_claiming_a_gigapixel_is_refused_before_any_decoding() {
    // An IHDR claiming 100000 × 100000 pixels, with no pixel data at all.
    let mut png = b"\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR".to_vec();
    png.extend_from_slice(&100_000u32.to_be_bytes());
    png.extend_from_slice(&100_000u32.to_be_bytes());
    png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    assert!(matches!(
        probe(&png, &Limits::default()),
        Err(ProbeError::TooLarge {
            what: Limit::Width,
            ..
        })
    ));
}

#[test]
fn probing_through_a_reader_matches_probing_bytes() {
    let jpeg = samples::with_exif_segment(
        &samples::encoded(ImageFormat::Jpeg, 40, 30),
        &samples::camera_exif(),
    );
    let limits = Limits::default();
    let from_reader = probe_reader(std::io::Cursor::new(&jpeg), &limits).unwrap();
    assert_eq!(from_reader, probe(&jpeg, &limits).unwrap());
    assert_eq!(
        from_reader.dimensions,
        Some(Dimensions {
            width: 30,
            height: 40
        })
    );
}

#[test]
fn a_failing_reader_is_an_io_error_not_bad_media() {
    struct Broken;
    impl std::io::Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk on fire"))
        }
    }
    impl std::io::Seek for Broken {
        fn seek(&mut self, _: std::io::SeekFrom) -> std::io::Result<u64> {
            Ok(100)
        }
    }
    let err = probe_reader(Broken, &Limits::default()).unwrap_err();
    assert!(matches!(err, ProbeError::Io(_)), "{err:?}");
    assert!(!err.is_bad_media());
}
