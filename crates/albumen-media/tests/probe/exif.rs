//! EXIF facts: orientation, capture time with offset, camera, exposure and GPS.

use albumen_media::{CaptureTime, Details, Dimensions, Limits, MediaType, probe};
use image::ImageFormat;
use time::macros::{datetime, offset};

use crate::samples::{self, Ifd, V};

fn jpeg_with(tiff: &[u8]) -> Vec<u8> {
    samples::with_exif_segment(&samples::encoded(ImageFormat::Jpeg, 40, 30), tiff)
}

#[test]
fn a_camera_jpeg_reports_every_exif_fact_with_orientation_applied() {
    let found = probe(&jpeg_with(&samples::camera_exif()), &Limits::default()).unwrap();

    assert_eq!(found.media_type, MediaType::Jpeg);
    // Stored 40×30; orientation 6 turns it on its side. The stale PixelXDimension (9999) in
    // the EXIF block is ignored.
    assert_eq!(
        found.dimensions,
        Some(Dimensions {
            width: 30,
            height: 40
        })
    );
    assert_eq!(
        found.capture_time,
        Some(CaptureTime {
            local: datetime!(2024-05-06 07:08:09.25),
            offset: Some(offset!(+2)),
        })
    );
    assert_eq!(
        found.capture_time.unwrap().assume_offset(offset!(UTC)),
        datetime!(2024-05-06 05:08:09.25 UTC)
    );
    assert_eq!(found.camera_make.as_deref(), Some("Canon"));
    assert_eq!(found.camera_model.as_deref(), Some("Canon EOS 5D Mark IV"));

    let Details::Photo(photo) = found.details else {
        panic!("a JPEG is a photo");
    };
    assert_eq!(photo.orientation, 6);
    assert_eq!(photo.focal_length_mm, Some(50.0));
    assert_eq!(photo.aperture_f_number, Some(2.8));
    assert_eq!(photo.iso, Some(400));
    assert_eq!(photo.exposure_time_s, Some(0.008));

    let location = found.location.unwrap();
    assert!(
        (location.latitude - -22.908_333).abs() < 1e-6,
        "{location:?}"
    );
    assert!(
        (location.longitude - -43.179_167).abs() < 1e-6,
        "{location:?}"
    );
}

fn tiff_with(ifd0: Ifd, exif: Ifd) -> Vec<u8> {
    let mut ifd0 = ifd0;
    ifd0.push((0x8769, V::Ifd(1)));
    samples::tiff(&[ifd0, exif])
}

#[test]
fn orientations_one_to_four_keep_width_and_height() {
    for orientation in 1..=4 {
        let tiff = tiff_with(vec![(0x0112, V::Short(orientation))], vec![]);
        let found = probe(&jpeg_with(&tiff), &Limits::default()).unwrap();
        assert_eq!(
            found.dimensions,
            Some(Dimensions {
                width: 40,
                height: 30
            })
        );
    }
    for orientation in 5..=8 {
        let tiff = tiff_with(vec![(0x0112, V::Short(orientation))], vec![]);
        let found = probe(&jpeg_with(&tiff), &Limits::default()).unwrap();
        assert_eq!(
            found.dimensions,
            Some(Dimensions {
                width: 30,
                height: 40
            })
        );
    }
}

#[test]
fn an_out_of_range_orientation_is_ignored() {
    let tiff = tiff_with(vec![(0x0112, V::Short(9))], vec![]);
    let found = probe(&jpeg_with(&tiff), &Limits::default()).unwrap();
    assert_eq!(
        found.dimensions,
        Some(Dimensions {
            width: 40,
            height: 30
        })
    );
    let Details::Photo(photo) = found.details else {
        panic!("a JPEG is a photo");
    };
    assert_eq!(photo.orientation, 1);
}

#[test]
fn capture_time_falls_back_from_original_to_digitized_to_datetime() {
    let digitized = tiff_with(
        vec![(0x0132, V::Ascii("2001:01:01 01:01:01"))],
        vec![
            (0x9004, V::Ascii("2002:02:02 02:02:02")),
            (0x9010, V::Ascii("-05:30")),
        ],
    );
    let found = probe(&jpeg_with(&digitized), &Limits::default()).unwrap();
    assert_eq!(
        found.capture_time,
        Some(CaptureTime {
            local: datetime!(2002-02-02 02:02:02),
            offset: Some(offset!(-5:30)),
        })
    );

    let plain = tiff_with(vec![(0x0132, V::Ascii("2001:01:01 01:01:01"))], vec![]);
    let found = probe(&jpeg_with(&plain), &Limits::default()).unwrap();
    assert_eq!(
        found.capture_time,
        Some(CaptureTime {
            local: datetime!(2001-01-01 01:01:01),
            offset: None,
        })
    );
}

#[test]
fn blank_and_impossible_dates_are_no_capture_time() {
    for stamp in [
        "0000:00:00 00:00:00",
        "    :  :     :  :  ",
        "2024:13:01 00:00:00",
        "2024:02:30 10:00:00",
    ] {
        let tiff = tiff_with(vec![], vec![(0x9003, V::Ascii(stamp))]);
        let found = probe(&jpeg_with(&tiff), &Limits::default()).unwrap();
        assert_eq!(found.capture_time, None, "{stamp}");
    }
}

#[test]
fn apex_values_stand_in_for_missing_f_number_and_exposure_time() {
    // ApertureValue 4 → f/4; ShutterSpeedValue 7 → 1/128 s; ISOSpeed when the SHORT saturates.
    let tiff = tiff_with(
        vec![],
        vec![
            (0x8827, V::Short(65_535)),
            (0x8833, V::Long(102_400)),
            (0x9201, V::SRational(vec![(7, 1)])),
            (0x9202, V::Rational(vec![(4, 1)])),
        ],
    );
    let found = probe(&jpeg_with(&tiff), &Limits::default()).unwrap();
    let Details::Photo(photo) = found.details else {
        panic!("a JPEG is a photo");
    };
    assert_eq!(photo.aperture_f_number, Some(4.0));
    assert_eq!(photo.exposure_time_s, Some(1.0 / 128.0));
    assert_eq!(photo.iso, Some(102_400));
}

#[test]
fn zero_denominators_and_empty_strings_are_absent_facts() {
    let tiff = samples::tiff(&[
        vec![
            (0x010F, V::Ascii("  ")),
            (0x0110, V::Ascii("\0\0")),
            (0x8769, V::Ifd(1)),
            (0x8825, V::Ifd(2)),
        ],
        vec![
            (0x829A, V::Rational(vec![(1, 0)])),
            (0x829D, V::Rational(vec![(0, 0)])),
            (0x920A, V::Rational(vec![(0, 1)])),
        ],
        vec![
            (0x0001, V::Ascii("N")),
            (0x0002, V::Rational(vec![(91, 0)])),
        ],
    ]);
    let found = probe(&jpeg_with(&tiff), &Limits::default()).unwrap();
    assert_eq!(found.camera_make, None);
    assert_eq!(found.camera_model, None);
    assert_eq!(found.location, None);
    let Details::Photo(photo) = found.details else {
        panic!("a JPEG is a photo");
    };
    assert_eq!(photo.exposure_time_s, None);
    assert_eq!(photo.aperture_f_number, None);
    assert_eq!(photo.focal_length_mm, None);
}

#[test]
fn a_corrupt_exif_block_costs_the_facts_not_the_photo() {
    let mut tiff = samples::camera_exif();
    tiff.truncate(30);
    let found = probe(&jpeg_with(&tiff), &Limits::default()).unwrap();
    assert_eq!(
        found.dimensions,
        Some(Dimensions {
            width: 40,
            height: 30
        })
    );
    assert_eq!(found.capture_time, None);

    let undefined = tiff_with(vec![(0x0112, V::Undefined(vec![6; 9]))], vec![]);
    let found = probe(&jpeg_with(&undefined), &Limits::default()).unwrap();
    assert_eq!(
        found.dimensions,
        Some(Dimensions {
            width: 40,
            height: 30
        })
    );
}

#[test]
fn heif_ignores_the_exif_orientation_because_irot_already_applies() {
    // Without an Exif item the EXIF facts are absent; the size comes from ispe + irot alone.
    let heic = samples::heif(b"heic", &[b"mif1", b"heic"], 4032, 3024, None);
    let found = probe(&heic, &Limits::default()).unwrap();
    let Details::Photo(photo) = found.details else {
        panic!("a HEIC is a photo");
    };
    assert_eq!(photo.orientation, 1);
    assert_eq!(
        found.dimensions,
        Some(Dimensions {
            width: 4032,
            height: 3024
        })
    );
}

/// A reader that counts what is read from it.
struct Counting<R> {
    inner: R,
    read: u64,
}

impl<R: std::io::Read> std::io::Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

impl<R: std::io::Seek> std::io::Seek for Counting<R> {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

#[test]
fn a_large_photo_is_probed_from_its_leading_bytes_only() {
    // A camera JPEG followed by a long tail (as a huge photo's entropy-coded data would be).
    let mut bytes = jpeg_with(&samples::camera_exif());
    let head = bytes.len() as u64;
    bytes.extend(std::iter::repeat_n(0x55, 1 << 20));
    let limits = Limits {
        max_probe_read: 64 * 1024,
        ..Limits::default()
    };
    let mut reader = Counting {
        inner: std::io::Cursor::new(bytes.clone()),
        read: 0,
    };
    let streamed = albumen_media::probe_reader(&mut reader, &limits).unwrap();
    assert_eq!(streamed, probe(&bytes, &Limits::default()).unwrap());
    assert!(head < 64 * 1024);
    assert!(
        reader.read <= 64 * 1024 + 4096,
        "read {} bytes of {}",
        reader.read,
        bytes.len()
    );
}
