//! Albumen's media layer, probe half: what an uploaded file is and what it says about itself
//! (type, size, capture time, camera, exposure, location, duration), read from untrusted bytes
//! under limits; and [`location_strip`], the same-length patches that take the location out of
//! a download. Pure and synchronous: no HTTP, SQL, async or clock; callers run it on a
//! bounded blocking pool. It never decodes pixels (rendering is a separate concern).
//!
//! Where each fact comes from:
//!
//! | Format | Size | Other facts |
//! |---|---|---|
//! | JPEG, PNG, GIF, TIFF, ICO | codec header (`imagesize`) | EXIF (`kamadak-exif`) where the format carries it |
//! | BMP, WebP | codec header (own reader) | EXIF in WebP |
//! | HEIC, HEIF, AVIF | `ispe` with `irot` applied (`imagesize`) | EXIF item |
//! | MP4, MOV, 3GP, 3G2 | `tkhd` / sample entry, with the track rotation | duration, fps, `mvhd` time (own `moov` reader); make, model, QuickTime creation date with offset, location (nom-exif) |
//! | AVI | `avih` | fps and duration from `strh` |
//! | MKV, WebM | track header (nom-exif) | duration, date |
//! | CR2, CR3, RAF, ORF, RW2; NEF, ARW, DNG, PEF, SRW (by IFD walk) | — | refused: [`ProbeError::RawNotSupported`] |
//!
//! ```
//! use albumen_media::{Limits, MediaType, ProbeError, probe, sniff};
//!
//! // A 1×1 GIF header is enough to learn its type and size.
//! let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00";
//! assert_eq!(sniff(gif), Some(MediaType::Gif));
//! let facts = probe(gif, &Limits::default()).unwrap();
//! assert_eq!(facts.dimensions.map(|d| (d.width, d.height)), Some((1, 1)));
//!
//! assert!(matches!(probe(b"plain text", &Limits::default()), Err(ProbeError::Unsupported)));
//! ```
#![forbid(unsafe_code)]

mod error;
mod exif_facts;
mod facts;
mod image_probe;
mod isobmff;
mod limits;
pub mod location_strip;
mod media_type;
mod raw_tiff;
mod read;
mod sniff;
mod video_probe;

use std::io::{Cursor, Read, Seek, SeekFrom};

pub use error::ProbeError;
pub use facts::{CaptureTime, Details, Dimensions, GpsPosition, PhotoFacts, Probe, VideoFacts};
pub use limits::{Limit, Limits};
pub use media_type::MediaType;
pub use sniff::{SNIFF_LEN, sniff};

/// Probes a whole file held in memory.
///
/// Photos: the type from the magic bytes, the size from the container or codec header with
/// the EXIF orientation applied (5-8 swap width and height), and the EXIF facts. Videos: the
/// size (after the track rotation), duration, frame rate, creation time, camera and location
/// where the container holds them cheaply.
///
/// # Errors
///
/// [`ProbeError::Unsupported`] for unrecognised bytes, [`ProbeError::RawNotSupported`] for
/// camera RAW, [`ProbeError::Corrupt`] for a truncated or malformed header and
/// [`ProbeError::TooLarge`] past `limits`. It never panics, whatever the input.
pub fn probe(bytes: &[u8], limits: &Limits) -> Result<Probe, ProbeError> {
    let media_type = sniff(bytes).ok_or(ProbeError::Unsupported)?;
    let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    limits.check_bytes(media_type, len)?;
    if media_type.is_raw() {
        return Err(ProbeError::RawNotSupported { media_type });
    }
    if media_type.is_video() {
        video_probe::probe_video(&mut Cursor::new(bytes), len, media_type, limits)
    } else {
        image_probe::probe_image(bytes, media_type, limits)
    }
}

/// Probes a file through a seekable reader, e.g. an upload staged on disk.
///
/// Videos are probed by seeking, reading only their metadata boxes, so a 20 GB video costs
/// a few MiB of memory; photos are read up to [`Limits::max_probe_read`] (TIFF whole, at most
/// [`Limits::max_bytes`]), then probed as [`probe`] does.
///
/// # Errors
///
/// As [`probe`], plus [`ProbeError::Io`] when the reader fails.
pub fn probe_reader<R: Read + Seek>(mut reader: R, limits: &Limits) -> Result<Probe, ProbeError> {
    let len = reader.seek(SeekFrom::End(0)).map_err(ProbeError::Io)?;
    reader.seek(SeekFrom::Start(0)).map_err(ProbeError::Io)?;
    let mut head = [0u8; SNIFF_LEN];
    let got = read::read_up_to(&mut reader, &mut head)?;
    let media_type = sniff(head.get(..got).unwrap_or_default()).ok_or(ProbeError::Unsupported)?;
    limits.check_bytes(media_type, len)?;
    if media_type.is_raw() {
        return Err(ProbeError::RawNotSupported { media_type });
    }
    if media_type.is_video() {
        return video_probe::probe_video(&mut reader, len, media_type, limits);
    }
    reader.seek(SeekFrom::Start(0)).map_err(ProbeError::Io)?;
    let wanted = if media_type == MediaType::Tiff {
        len
    } else {
        len.min(limits.max_probe_read)
    };
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(usize::try_from(wanted).unwrap_or(usize::MAX))
        .map_err(|_| ProbeError::Io(std::io::ErrorKind::OutOfMemory.into()))?;
    reader
        .take(wanted)
        .read_to_end(&mut bytes)
        .map_err(ProbeError::Io)?;
    image_probe::probe_image(&bytes, media_type, limits)
}
