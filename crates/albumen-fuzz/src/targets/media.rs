//! Targets for the media layer: the probe (sniffing, every container and EXIF reader behind
//! it) and location stripping.

use std::io::Cursor;

use albumen_media::location_strip::{apply_patches, location_patches};
use albumen_media::{Limits, ProbeError, probe, probe_reader, sniff};

use crate::engine::{Outcome, Target};

/// Container and metadata markers the media parsers look for.
pub(super) const MEDIA_TOKENS: &[&[u8]] = &[
    b"\xff\xd8",
    b"\xff\xe1",
    b"Exif\0\0",
    b"II*\0",
    b"MM\0*",
    b"\x89PNG\r\n\x1a\n",
    b"eXIf",
    b"IEND",
    b"RIFF",
    b"WEBPVP8X",
    b"XMP ",
    b"ftyp",
    b"heic",
    b"moov",
    b"mvhd",
    b"trak",
    b"tkhd",
    b"mdia",
    b"udta",
    b"meta",
    b"iinf",
    b"iloc",
    b"\xa9xyz",
    b"loci",
    b"keys",
    b"<a:GPS",
    b" exif:GPSLatitude=\"",
    b"\x88\x25",
    b"\x01\x4a",
];

pub(super) const MEDIA_PROBE: Target = Target {
    name: "media_probe",
    covers: "`probe` and `probe_reader`: sniffing, JPEG/PNG/GIF/WebP/BMP/TIFF/HEIF headers, \
             EXIF, RAW-in-TIFF detection (IFD walk), MP4/MOV boxes, AVI, Matroska",
    run: media_probe,
    dictionary: MEDIA_TOKENS,
    max_len: 256 * 1024,
};

pub(super) const LOCATION_STRIP: Target = Target {
    name: "location_strip",
    covers: "`location_patches` on every container it strips (JPEG APP1 EXIF/XMP, PNG eXIf, \
             WebP EXIF/XMP, TIFF, HEIF Exif item, QuickTime atoms and keys) and patch \
             application",
    run: location_strip,
    dictionary: MEDIA_TOKENS,
    max_len: 256 * 1024,
};

fn error_kind(error: &ProbeError) -> String {
    let debug = format!("{error:?}");
    debug
        .split([' ', '{', '('])
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn media_probe(input: &[u8]) -> Outcome {
    let limits = Limits::default();
    let whole = probe(input, &limits);
    let streamed = probe_reader(Cursor::new(input), &limits);
    match (&whole, &streamed) {
        (Ok(a), Ok(b)) if a != b => {
            return Err(format!("probe and probe_reader disagree: {a:?} vs {b:?}"));
        }
        (Ok(_), Err(e)) | (Err(e), Ok(_)) => {
            return Err(format!("only one of probe and probe_reader failed: {e}"));
        }
        _ => {}
    }
    Ok(match whole {
        Ok(facts) => format!(
            "{:?} size:{} time:{} camera:{} location:{}",
            facts.media_type,
            facts.dimensions.is_some(),
            facts.capture_time.is_some(),
            facts.camera_make.is_some(),
            facts.location.is_some()
        ),
        Err(error) => format!("{:?} {}", sniff(input), error_kind(&error)),
    })
}

fn location_strip(input: &[u8]) -> Outcome {
    let patches =
        location_patches(&mut Cursor::new(input)).map_err(|err| format!("I/O error: {err}"))?;
    let len = u64::try_from(input.len()).unwrap_or(u64::MAX);
    let mut previous_end = 0;
    for patch in &patches {
        if patch.bytes.is_empty() || patch.offset < previous_end || patch.end() > len {
            return Err(format!(
                "patch at {} of {} bytes: out of order, empty or past the end ({len})",
                patch.offset,
                patch.bytes.len()
            ));
        }
        previous_end = patch.end();
    }
    let mut patched = input.to_vec();
    apply_patches(&mut patched, 0, &patches);
    if patched.len() != input.len() {
        return Err("patching changed the length".to_owned());
    }
    let bucket = match patches.len() {
        0 => "none",
        1 => "one",
        2..=5 => "a few",
        _ => "many",
    };
    Ok(format!("{:?} {bucket}", sniff(input)))
}
