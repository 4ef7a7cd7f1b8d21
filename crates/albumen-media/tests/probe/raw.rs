//! Camera RAW files are recognised and refused, so the server can answer `BAD_IMAGE`.

use albumen_media::{Limits, MediaType, ProbeError, probe, probe_reader};

use crate::samples::{self, V};

fn refused_as(bytes: &[u8]) -> MediaType {
    match probe(bytes, &Limits::default()) {
        Err(ProbeError::RawNotSupported { media_type }) => media_type,
        other => panic!("expected RawNotSupported, got {other:?}"),
    }
}

#[test]
fn raw_formats_with_magic_bytes_are_refused_as_raw() {
    let mut cr2 = b"II*\0\x10\0\0\0CR\x02\0".to_vec();
    cr2.resize(64, 0);
    assert_eq!(refused_as(&cr2), MediaType::Cr2);
    assert_eq!(refused_as(b"FUJIFILMCCD-RAW 0201FF383501"), MediaType::Raf);
    assert_eq!(refused_as(b"IIRO\x08\0\0\0\0\0"), MediaType::Orf);
    assert_eq!(refused_as(b"IIU\0\x18\0\0\0"), MediaType::Rw2);
    let cr3 = samples::ftyp(b"crx ", &[b"crx ", b"isom"]);
    assert_eq!(refused_as(&cr3), MediaType::Cr3);
    let err = probe(&cr3, &Limits::default()).unwrap_err();
    assert_eq!(err.code(), "raw_not_supported");
    assert!(err.is_bad_media());
}

#[test]
fn a_tiff_with_a_dng_version_is_refused_as_dng() {
    let dng = samples::tiff(&[vec![
        (0x0100, V::Long(256)),
        (0x0101, V::Long(171)),
        (0xC612, V::Undefined(vec![1, 4, 0, 0])),
    ]]);
    assert_eq!(refused_as(&dng), MediaType::Dng);
}

#[test]
fn a_nikon_tiff_with_sensor_data_in_a_sub_ifd_is_refused_as_nef() {
    let nef = samples::tiff(&[
        vec![
            (0x00FE, V::Long(1)),
            (0x0100, V::Long(160)),
            (0x0101, V::Long(120)),
            (0x010F, V::Ascii("NIKON CORPORATION")),
            (0x014A, V::Ifd(1)),
        ],
        vec![
            (0x0100, V::Long(6048)),
            (0x0101, V::Long(4024)),
            (0x0106, V::Short(32_803)),
        ],
    ]);
    assert_eq!(refused_as(&nef), MediaType::Nef);
    assert!(matches!(
        probe_reader(std::io::Cursor::new(&nef), &Limits::default()),
        Err(ProbeError::RawNotSupported {
            media_type: MediaType::Nef
        })
    ));
}

#[test]
fn sensor_data_from_an_unknown_maker_is_refused_as_other_raw() {
    let raw = samples::tiff(&[vec![
        (0x0100, V::Long(100)),
        (0x0101, V::Long(100)),
        (0x0106, V::Short(32_803)),
        (0x010F, V::Ascii("Hasselblad")),
    ]]);
    assert_eq!(refused_as(&raw), MediaType::OtherRaw);
}

#[test]
fn an_ordinary_rgb_tiff_is_a_photo_not_raw() {
    let tiff = samples::tiff(&[vec![
        (0x0100, V::Long(64)),
        (0x0101, V::Long(48)),
        (0x0106, V::Short(2)),
        (0x010F, V::Ascii("NIKON CORPORATION")),
    ]]);
    let found = probe(&tiff, &Limits::default()).unwrap();
    assert_eq!(found.media_type, MediaType::Tiff);
    assert_eq!(found.camera_make.as_deref(), Some("NIKON CORPORATION"));
}
