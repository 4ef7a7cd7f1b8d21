//! Location stripping on real and hand-built files: after the patches the probe finds no
//! location, every other fact is unchanged, and only patched bytes differ.

use std::io::Cursor;

use albumen_media::location_strip::{Patch, apply_patches, location_patches};
use albumen_media::{Limits, Probe, probe};
use image::ImageFormat;

use crate::samples::{self, Ifd, Movie, V, bx, full};

/// The EXIF APP1 segment (marker included) of a real Sony NEX-3N photo with GPS: the KDE
/// "ColorfulCups" wallpaper (plasma-workspace-wallpapers), taken in Aarhus.
const SONY_APP1: &[u8] = include_bytes!("fixtures/sony-nex3n-gps-exif.app1");

fn stripped(file: &[u8]) -> (Vec<u8>, Vec<Patch>) {
    crate::fuzz_seeds::keep(file);
    let patches = location_patches(&mut Cursor::new(file)).unwrap();
    let mut out = file.to_vec();
    apply_patches(&mut out, 0, &patches);
    (out, patches)
}

/// Every fact but the location, which must be gone.
fn assert_only_location_removed(before: &[u8], after: &[u8]) {
    let before = probe(before, &Limits::default()).unwrap();
    let after = probe(after, &Limits::default()).unwrap();
    assert!(before.location.is_some(), "the sample has a location");
    assert_eq!(after.location, None);
    assert_eq!(
        Probe {
            location: None,
            ..before
        },
        after
    );
}

/// The GPS fields kamadak-exif still finds in a file (none once stripped).
fn gps_fields(file: &[u8]) -> usize {
    let parsed = exif::Reader::new()
        .continue_on_error(true)
        .read_from_container(&mut Cursor::new(file))
        .or_else(|e| e.distill_partial_result(|_| {}));
    parsed.map_or(0, |exif| {
        exif.fields()
            .filter(|f| f.tag.context() == exif::Context::Gps)
            .count()
    })
}

fn jpeg_with_app1(app1: &[u8]) -> Vec<u8> {
    let jpeg = samples::encoded(ImageFormat::Jpeg, 40, 30);
    [&jpeg[..2], app1, &jpeg[2..]].concat()
}

#[test]
fn a_real_sony_photo_loses_its_gps_and_keeps_camera_time_and_exposure() {
    let file = jpeg_with_app1(SONY_APP1);
    assert!(gps_fields(&file) > 0);
    let (after, patches) = stripped(&file);
    assert_only_location_removed(&file, &after);
    assert_eq!(gps_fields(&after), 0);
    let found = probe(&after, &Limits::default()).unwrap();
    assert_eq!(found.camera_make.as_deref(), Some("SONY"));
    assert_eq!(found.camera_model.as_deref(), Some("NEX-3N"));
    assert!(found.capture_time.is_some());
    // Only the GPS IFD and its values changed: a few hundred bytes of 44 KB.
    let changed: usize = patches.iter().map(|p| p.bytes.len()).sum();
    assert!(changed < 400, "{changed}");
    let differing = file.iter().zip(&after).filter(|(a, b)| a != b).count();
    assert!(differing <= changed);
}

#[test]
fn a_hand_built_jpeg_loses_its_gps_ifd_and_its_values() {
    let file = samples::with_exif_segment(
        &samples::encoded(ImageFormat::Jpeg, 40, 30),
        &samples::camera_exif(),
    );
    let (after, _) = stripped(&file);
    assert_only_location_removed(&file, &after);
    assert_eq!(gps_fields(&after), 0);
    // The degrees were stored out of line: they are gone too.
    let degrees: Vec<u8> = [22u32, 1, 54, 1, 30, 1]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    assert!(file.windows(24).any(|w| w == degrees));
    assert!(!after.windows(24).any(|w| w == degrees));
}

#[test]
fn a_big_endian_tiff_loses_its_gps_ifd() {
    // Flip the hand-built little-endian structure's header only where it matters: build a
    // big-endian one by hand with a GPS IFD holding one inline field.
    let mut tiff = b"MM\0*\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&[0, 1, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0]);
    tiff.extend_from_slice(&[0, 1, 0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0, 0, 0, 0, 0]);
    let (after, patches) = stripped(&tiff);
    assert_eq!(patches.len(), 1);
    assert_eq!(&after[..26], &tiff[..26]);
    assert!(after[26..].iter().all(|b| *b == 0));
}

#[test]
fn xmp_gps_properties_are_blanked_in_a_jpeg() {
    let xmp = "<x:xmpmeta><rdf:RDF><rdf:Description exif:GPSLatitude=\"56,9.49N\" \
               tiff:Make=\"SONY\"><exif:GPSLongitude>10,12.4E</exif:GPSLongitude>\
               </rdf:Description></rdf:RDF></x:xmpmeta>";
    let mut body = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    body.extend_from_slice(xmp.as_bytes());
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
    app1.extend_from_slice(&body);
    let file = jpeg_with_app1(&app1);
    let (after, _) = stripped(&file);
    let text = String::from_utf8_lossy(&after);
    assert!(!text.contains("GPS") && !text.contains("56,9") && !text.contains("10,12"));
    assert!(text.contains("tiff:Make=\"SONY\""));
    assert_eq!(after.len(), file.len());
}

#[test]
fn a_png_loses_the_gps_of_its_exif_chunk_and_still_decodes() {
    let png = samples::encoded(ImageFormat::Png, 20, 10);
    let tiff = samples::camera_exif();
    let mut chunk = (tiff.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(b"eXIf");
    chunk.extend_from_slice(&tiff);
    chunk.extend_from_slice(&crc32fast::hash(&chunk[4..]).to_be_bytes());
    // After the signature and the 25-byte IHDR chunk.
    let file = [&png[..33], &chunk, &png[33..]].concat();
    let (after, _) = stripped(&file);
    assert_only_location_removed(&file, &after);
    assert_eq!(gps_fields(&after), 0);
    let image = image::load_from_memory_with_format(&after, ImageFormat::Png).unwrap();
    assert_eq!((image.width(), image.height()), (20, 10));
}

#[test]
fn a_webp_loses_the_gps_of_its_exif_chunk() {
    let simple = samples::encoded(ImageFormat::WebP, 20, 10);
    let image_chunk = &simple[12..];
    let mut vp8x = vec![0x08, 0, 0, 0];
    vp8x.extend_from_slice(&[19, 0, 0, 9, 0, 0]);
    let tiff = samples::camera_exif();
    let mut chunks = riff_chunk(b"VP8X", &vp8x);
    chunks.extend_from_slice(image_chunk);
    chunks.extend_from_slice(&riff_chunk(b"EXIF", &tiff));
    let mut file = b"RIFF".to_vec();
    file.extend_from_slice(&((4 + chunks.len()) as u32).to_le_bytes());
    file.extend_from_slice(b"WEBP");
    file.extend_from_slice(&chunks);
    let (after, _) = stripped(&file);
    assert_only_location_removed(&file, &after);
}

fn riff_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = kind.to_vec();
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
    out
}

#[test]
fn a_heic_loses_the_gps_of_its_exif_item() {
    let tiff = samples::camera_exif();
    let payload = [&[0u8, 0, 0, 0][..], &tiff].concat();
    let build = |offset: u32| {
        let mut infe = 1u16.to_be_bytes().to_vec();
        infe.extend_from_slice(&[0, 0]);
        infe.extend_from_slice(b"Exif\0");
        let iinf = full(
            b"iinf",
            0,
            &[&[0u8, 1][..], &full(b"infe", 2, &infe)].concat(),
        );
        let mut iloc = vec![0x44, 0x00, 0, 1, 0, 1, 0, 0, 0, 1];
        iloc.extend_from_slice(&offset.to_be_bytes());
        iloc.extend_from_slice(&(payload.len() as u32).to_be_bytes());
        let heif = samples::heif(b"heic", &[b"mif1", b"heic"], 64, 48, None);
        // Replace the sample's `meta` with one that also lists the Exif item.
        let ftyp_len = u32::from_be_bytes(heif[..4].try_into().unwrap()) as usize;
        let meta_len = u32::from_be_bytes(heif[ftyp_len..ftyp_len + 4].try_into().unwrap());
        let meta_end = ftyp_len + meta_len as usize;
        let old_children = &heif[ftyp_len + 12..meta_end];
        let children = [old_children, &iinf, &full(b"iloc", 0, &iloc)].concat();
        let meta = full(b"meta", 0, &children);
        [&heif[..ftyp_len], &meta, &bx(b"mdat", &payload)].concat()
    };
    let probe_len = build(0).len();
    let file = build((probe_len - payload.len()) as u32);
    let (after, _) = stripped(&file);
    assert_only_location_removed(&file, &after);
}

#[test]
fn a_movie_loses_its_apple_location_key_and_keeps_the_others() {
    let movie = samples::movie(&Movie {
        keys: vec![
            ("com.apple.quicktime.make", "Apple"),
            (
                "com.apple.quicktime.location.ISO6709",
                "+48.8577+002.2950+035.000/",
            ),
            ("com.apple.quicktime.model", "iPhone 15 Pro"),
        ],
        ..Movie::default()
    });
    let (after, _) = stripped(&movie);
    assert_only_location_removed(&movie, &after);
    let text = String::from_utf8_lossy(&after);
    assert!(!text.contains("+48.8577") && !text.contains("location.ISO6709"));
}

#[test]
fn a_movie_loses_its_user_data_location_atom() {
    let movie = samples::movie(&Movie::default());
    let mut xyz = 18u16.to_be_bytes().to_vec();
    xyz.extend_from_slice(&0x15C7u16.to_be_bytes());
    xyz.extend_from_slice(b"+48.8577+002.2950/");
    let udta = bx(b"udta", &bx(b"\xA9xyz", &xyz));
    // Grow `moov` (right after `ftyp`) by the user data box.
    let ftyp_len = u32::from_be_bytes(movie[..4].try_into().unwrap()) as usize;
    let moov_len = u32::from_be_bytes(movie[ftyp_len..ftyp_len + 4].try_into().unwrap());
    let moov_end = ftyp_len + moov_len as usize;
    let mut file = movie[..moov_end].to_vec();
    file[ftyp_len..ftyp_len + 4].copy_from_slice(&(moov_len + udta.len() as u32).to_be_bytes());
    file.extend_from_slice(&udta);
    file.extend_from_slice(&movie[moov_end..]);
    let (after, _) = stripped(&file);
    assert_only_location_removed(&file, &after);
    assert!(!String::from_utf8_lossy(&after).contains("+48.8577"));
}

#[test]
fn an_ifd_pointing_at_itself_or_past_the_end_is_harmless() {
    let mut gps_loop: Ifd = vec![(0x8825, V::Long(8))];
    gps_loop.push((0x8826, V::Long(u32::MAX)));
    let tiff = samples::tiff(&[gps_loop]);
    let file = samples::with_exif_segment(&samples::encoded(ImageFormat::Jpeg, 8, 8), &tiff);
    let (after, _) = stripped(&file);
    assert_eq!(after.len(), file.len());
}
