//! `sniff` tells every supported type from its first bytes alone.

use albumen_media::{MediaType, sniff};
use image::ImageFormat;

use crate::samples::{self, Movie, ftyp};

#[test]
fn encoded_images_are_told_by_their_magic_bytes() {
    let cases = [
        (ImageFormat::Png, MediaType::Png),
        (ImageFormat::Jpeg, MediaType::Jpeg),
        (ImageFormat::Gif, MediaType::Gif),
        (ImageFormat::Bmp, MediaType::Bmp),
        (ImageFormat::Tiff, MediaType::Tiff),
        (ImageFormat::WebP, MediaType::Webp),
    ];
    for (format, expected) in cases {
        let bytes = samples::encoded(format, 8, 8);
        assert_eq!(sniff(&bytes), Some(expected), "{format:?}");
    }
    assert_eq!(sniff(&samples::ico()), Some(MediaType::Ico));
}

#[test]
fn ftyp_brands_tell_heif_avif_mp4_mov_3gp_and_cr3_apart() {
    type Case<'a> = (&'a [u8; 4], &'a [&'a [u8; 4]], MediaType);
    let cases: [Case; 12] = [
        (b"heic", &[b"mif1", b"heic"], MediaType::Heic),
        (b"heix", &[b"mif1"], MediaType::Heic),
        (b"mif1", &[b"mif1"], MediaType::Heif),
        (b"msf1", &[b"msf1", b"hevc"], MediaType::Heic),
        (b"avif", &[b"mif1", b"avif"], MediaType::Avif),
        (b"avis", &[b"msf1"], MediaType::Avif),
        (b"isom", &[b"isom", b"avc1"], MediaType::Mp4),
        (b"mp42", &[b"mp41"], MediaType::Mp4),
        (b"M4V ", &[b"M4V ", b"mp42"], MediaType::Mp4),
        (b"qt  ", &[b"qt  "], MediaType::Mov),
        (b"3gp5", &[b"3gp5"], MediaType::ThreeGp),
        (b"crx ", &[b"crx "], MediaType::Cr3),
    ];
    for (major, compatible, expected) in cases {
        let head = ftyp(major, compatible);
        assert_eq!(
            sniff(&head),
            Some(expected),
            "{}",
            String::from_utf8_lossy(major)
        );
    }
    assert_eq!(sniff(&ftyp(b"3g2a", &[])), Some(MediaType::ThreeG2));
}

#[test]
fn quicktime_files_without_ftyp_are_told_by_their_first_atom() {
    let mov = samples::movie(&Movie {
        ftyp: None,
        ..Movie::default()
    });
    assert_eq!(sniff(&mov), Some(MediaType::Mov));
    let wide_then_mdat = [
        0, 0, 0, 8, b'w', b'i', b'd', b'e', 0, 0, 0, 8, b'm', b'd', b'a', b't',
    ];
    assert_eq!(sniff(&wide_then_mdat), Some(MediaType::Mov));
}

#[test]
fn riff_and_ebml_containers_are_told_by_their_form_and_doc_type() {
    assert_eq!(
        sniff(&samples::avi(40_000, 25, 320, 240)),
        Some(MediaType::Avi)
    );
    assert_eq!(
        sniff(&samples::matroska("webm", 1.0)),
        Some(MediaType::Webm)
    );
    assert_eq!(
        sniff(&samples::matroska("matroska", 1.0)),
        Some(MediaType::Mkv)
    );
    assert_eq!(sniff(&samples::matroska("something", 1.0)), None);
}

#[test]
fn camera_raw_markers_are_recognised() {
    let cases: [(&[u8], MediaType); 7] = [
        (b"II*\0\x10\0\0\0CR\x02\0", MediaType::Cr2),
        (b"FUJIFILMCCD-RAW 0201FF383501", MediaType::Raf),
        (b"IIRO\x08\0\0\0", MediaType::Orf),
        (b"IIRS\x08\0\0\0", MediaType::Orf),
        (b"MMOR\0\0\0\x08", MediaType::Orf),
        (b"IIU\0\x18\0\0\0", MediaType::Rw2),
        (&ftyp(b"crx ", &[b"crx ", b"isom"]), MediaType::Cr3),
    ];
    for (head, expected) in cases {
        let found = sniff(head);
        assert_eq!(found, Some(expected));
        assert!(expected.is_raw());
    }
    // A TIFF without the CR marker is plain TIFF to `sniff` (probe looks deeper).
    assert_eq!(sniff(b"II*\0\x08\0\0\0\0\0"), Some(MediaType::Tiff));
    assert_eq!(sniff(b"MM\0*\0\0\0\x08"), Some(MediaType::Tiff));
}

#[test]
fn unknown_empty_and_truncated_heads_are_not_recognised() {
    for head in [
        &b""[..],
        b"\xFF\xD8",
        b"GIF8",
        b"RIFF\0\0\0\0WAVE",
        b"%PDF-1.7",
        b"\x1A\x45",
    ] {
        assert_eq!(sniff(head), None, "{head:?}");
    }
}

#[test]
fn mime_types_and_extensions_are_googles() {
    let cases = [
        (MediaType::Jpeg, "image/jpeg", "jpg"),
        (MediaType::Heic, "image/heic", "heic"),
        (MediaType::Mov, "video/quicktime", "mov"),
        (MediaType::ThreeGp, "video/3gpp", "3gp"),
        (MediaType::Avi, "video/x-msvideo", "avi"),
        (MediaType::Mkv, "video/x-matroska", "mkv"),
        (MediaType::Cr2, "image/x-canon-cr2", "cr2"),
    ];
    for (media_type, mime, extension) in cases {
        assert_eq!(media_type.mime_type(), mime);
        assert_eq!(media_type.extension(), extension);
    }
    assert!(MediaType::Webm.is_video() && !MediaType::Webm.is_raw());
    assert!(MediaType::Dng.is_raw() && !MediaType::Dng.is_video());
}
