//! Video probing by seeking, so a multi-gigabyte file is never read whole: MP4/MOV/3GP through
//! our `moov` reader plus nom-exif's metadata atoms, AVI from its main header, Matroska/WebM
//! through nom-exif where it can. Facts a container hides are left `None` for `ffprobe`.

use std::io::{self, Read, Seek, SeekFrom};

use nom_exif::{EntryValue, MediaParser, MediaSource, TrackInfo, TrackInfoTag};
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::isobmff::{self, MovieFacts};
use crate::limits::{MAX_VIDEO_HEADER_BYTES, exceeds};
use crate::read::{guarded, read_up_to, u32_be, u32_le, u64_be};
use crate::{
    CaptureTime, Details, Dimensions, GpsPosition, Limit, Limits, MediaType, Probe, ProbeError,
    VideoFacts,
};

/// Top-level boxes walked at most before giving up on finding `moov`.
const MAX_TOP_LEVEL_BOXES: usize = 4096;
/// The largest `ftyp` read (real ones list a handful of brands).
const MAX_FTYP_BYTES: u64 = 4096;
/// How much of a Matroska file nom-exif may look at (its Info and Tracks come first).
const MATROSKA_HEAD_BYTES: u64 = 16 * 1024 * 1024;
/// Longest camera make or model kept.
const MAX_TEXT_CHARS: usize = 255;
/// The QuickTime key whose presence means the creation date carries the camera's offset.
const APPLE_CREATION_DATE_KEY: &[u8] = b"com.apple.quicktime.creationdate";

/// Probes a video of `len` bytes already sniffed as `media_type`.
pub(crate) fn probe_video<R: Read + Seek>(
    reader: &mut R,
    len: u64,
    media_type: MediaType,
    limits: &Limits,
) -> Result<Probe, ProbeError> {
    match media_type {
        MediaType::Mp4 | MediaType::Mov | MediaType::ThreeGp | MediaType::ThreeG2 => {
            probe_isobmff(reader, len, media_type, limits)
        }
        MediaType::Avi => probe_avi(reader, limits),
        MediaType::Mkv | MediaType::Webm => probe_matroska(reader, len, media_type, limits),
        _ => Err(ProbeError::Unsupported),
    }
}

/// A video with no facts but its type, for the external `ffprobe` to complete.
fn unknown(media_type: MediaType) -> Probe {
    Probe {
        media_type,
        dimensions: None,
        capture_time: None,
        camera_make: None,
        camera_model: None,
        location: None,
        details: Details::Video(VideoFacts::default()),
    }
}

fn probe_isobmff<R: Read + Seek>(
    reader: &mut R,
    len: u64,
    media_type: MediaType,
    limits: &Limits,
) -> Result<Probe, ProbeError> {
    let corrupt = |reason| ProbeError::corrupt(media_type, reason);
    let top = read_top_level(reader, len, media_type)?;
    let moov = top.moov.ok_or_else(|| corrupt("no moov box"))?;
    let MovieFacts {
        duration_s,
        created_unix,
        video,
    } = guarded(|| isobmff::parse_moov(&moov)).ok_or_else(|| corrupt("unreadable moov box"))?;
    // A movie without a video track (audio only, or a timed-text file) is no video.
    let track = video.ok_or(ProbeError::Unsupported)?;
    let metadata = track_metadata(top.ftyp.as_deref(), &moov);

    let mut dimensions = Some(Dimensions {
        width: track.width,
        height: track.height,
    })
    .filter(|d| d.width > 0 && d.height > 0)
    .or_else(|| metadata.as_ref().and_then(metadata_dimensions));
    if matches!(track.rotation_degrees, 90 | 270) {
        dimensions = dimensions.map(Dimensions::transposed);
    }
    if let Some(d) = dimensions {
        limits.check_dimensions(d)?;
    }

    let apple_date = contains(&moov, APPLE_CREATION_DATE_KEY)
        .then(|| metadata.as_ref().and_then(metadata_date))
        .flatten();
    let mvhd_date = created_unix.and_then(utc_capture_time);
    let duration_s = duration_s.or_else(|| {
        metadata
            .as_ref()
            .and_then(|m| m.get(TrackInfoTag::DurationMs)?.as_u64())
            .filter(|ms| *ms > 0)
            .map(|ms| ms as f64 / 1000.0)
    });
    Ok(Probe {
        media_type,
        dimensions,
        capture_time: apple_date.or(mvhd_date),
        camera_make: metadata.as_ref().and_then(|m| text(m, TrackInfoTag::Make)),
        camera_model: metadata.as_ref().and_then(|m| text(m, TrackInfoTag::Model)),
        location: metadata.as_ref().and_then(location),
        details: Details::Video(VideoFacts {
            duration_s,
            fps: track.fps,
            rotation_degrees: track.rotation_degrees,
        }),
    })
}

/// The `ftyp` and `moov` boxes (bodies included) of an ISO-BMFF file.
struct TopLevel {
    ftyp: Option<Vec<u8>>,
    moov: Option<Vec<u8>>,
}

/// Walks the top-level boxes by seeking over them, reading only `ftyp` and `moov`.
fn read_top_level<R: Read + Seek>(
    reader: &mut R,
    len: u64,
    media_type: MediaType,
) -> Result<TopLevel, ProbeError> {
    let corrupt = |reason| ProbeError::corrupt(media_type, reason);
    let mut top = TopLevel {
        ftyp: None,
        moov: None,
    };
    let mut at = 0u64;
    for _ in 0..MAX_TOP_LEVEL_BOXES {
        if top.moov.is_some() || at.saturating_add(8) > len {
            break;
        }
        let mut header = [0u8; 16];
        reader.seek(SeekFrom::Start(at)).map_err(ProbeError::Io)?;
        let got = read_up_to(reader, &mut header)?;
        let header = header.get(..got).unwrap_or_default();
        let size32 = u32_be(header, 0).ok_or_else(|| corrupt("truncated box header"))?;
        let kind = header
            .get(4..8)
            .ok_or_else(|| corrupt("truncated box header"))?;
        let (header_len, size) = match size32 {
            0 => (8, len.saturating_sub(at)),
            1 => (
                16,
                u64_be(header, 8).ok_or_else(|| corrupt("truncated box header"))?,
            ),
            n => (8, u64::from(n)),
        };
        if size < header_len {
            return Err(corrupt("box smaller than its header"));
        }
        let end = at.checked_add(size).ok_or_else(|| corrupt("box size"))?;
        // An oversized `ftyp` is nonsense, but only the brands are lost by skipping it.
        let wanted = kind == b"moov" || (kind == b"ftyp" && size <= MAX_FTYP_BYTES);
        if wanted {
            if end > len {
                return Err(corrupt("truncated metadata box"));
            }
            exceeds(Limit::HeaderBytes, size, MAX_VIDEO_HEADER_BYTES)?;
            let mut whole = vec![0u8; usize::try_from(size).map_err(|_| corrupt("box size"))?];
            reader.seek(SeekFrom::Start(at)).map_err(ProbeError::Io)?;
            reader
                .read_exact(&mut whole)
                .map_err(|e| io_or_corrupt(e, media_type))?;
            if kind == b"moov" {
                // Keep the body only, shifted in place.
                whole.drain(..usize::try_from(header_len).unwrap_or(8).min(whole.len()));
                top.moov = Some(whole);
            } else {
                top.ftyp = Some(whole);
            }
        }
        at = end;
    }
    Ok(top)
}

fn io_or_corrupt(error: io::Error, media_type: MediaType) -> ProbeError {
    if error.kind() == io::ErrorKind::UnexpectedEof {
        ProbeError::corrupt(media_type, "truncated")
    } else {
        ProbeError::Io(error)
    }
}

/// nom-exif's reading of the metadata atoms, given just `ftyp` + `moov` (a QuickTime `ftyp`
/// is made up for old files that have none).
fn track_metadata(ftyp: Option<&[u8]>, moov_body: &[u8]) -> Option<TrackInfo> {
    let mut buffer = ftyp.map(<[u8]>::to_vec).unwrap_or_else(|| {
        let mut qt = 20u32.to_be_bytes().to_vec();
        qt.extend_from_slice(b"ftypqt  \0\0\0\0qt  ");
        qt
    });
    let moov_size = u32::try_from(moov_body.len().checked_add(8)?).ok()?;
    buffer.extend_from_slice(&moov_size.to_be_bytes());
    buffer.extend_from_slice(b"moov");
    buffer.extend_from_slice(moov_body);
    guarded(|| {
        let source = MediaSource::from_memory(buffer).ok()?;
        MediaParser::new().parse_track(source).ok()
    })?
}

fn metadata_dimensions(info: &TrackInfo) -> Option<Dimensions> {
    let side = |tag| {
        info.get(tag)
            .and_then(EntryValue::as_u32)
            .filter(|v| *v > 0)
    };
    Some(Dimensions {
        width: side(TrackInfoTag::Width)?,
        height: side(TrackInfoTag::Height)?,
    })
}

/// The creation date nom-exif found, with its offset as recorded.
fn metadata_date(info: &TrackInfo) -> Option<CaptureTime> {
    let EntryValue::DateTime(stamp) = info.get(TrackInfoTag::CreateDate)? else {
        return None;
    };
    let offset = UtcOffset::from_whole_seconds(stamp.offset().local_minus_utc()).ok()?;
    let at = OffsetDateTime::from_unix_timestamp(stamp.timestamp())
        .ok()?
        .to_offset(offset);
    if at.year() < 1971 {
        return None;
    }
    Some(CaptureTime {
        local: PrimitiveDateTime::new(at.date(), at.time()),
        offset: Some(offset),
    })
}

/// A UTC capture time from Unix seconds.
fn utc_capture_time(unix: i64) -> Option<CaptureTime> {
    let at = OffsetDateTime::from_unix_timestamp(unix).ok()?;
    Some(CaptureTime {
        local: PrimitiveDateTime::new(at.date(), at.time()),
        offset: Some(UtcOffset::UTC),
    })
}

fn text(info: &TrackInfo, tag: TrackInfoTag) -> Option<String> {
    let raw = info.get(tag)?.as_str()?;
    let trimmed = raw.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    (!trimmed.is_empty()).then(|| trimmed.chars().take(MAX_TEXT_CHARS).collect())
}

fn location(info: &TrackInfo) -> Option<GpsPosition> {
    let gps = info.gps_info()?;
    GpsPosition::new(gps.latitude_decimal()?, gps.longitude_decimal()?)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// AVI: the main header (`avih`) that opens the `hdrl` list gives the size, the frame period
/// and count; the first stream header (`strh`), when it describes video, gives the exact
/// rate as a fraction.
fn probe_avi<R: Read + Seek>(reader: &mut R, limits: &Limits) -> Result<Probe, ProbeError> {
    let mut head = [0u8; 256];
    reader.seek(SeekFrom::Start(0)).map_err(ProbeError::Io)?;
    let got = read_up_to(reader, &mut head)?;
    let head = head.get(..got).unwrap_or_default();
    let mut probe = unknown(MediaType::Avi);
    if head.get(12..16) != Some(b"LIST") || head.get(20..28) != Some(b"hdrlavih") {
        return Ok(probe);
    }
    let field = |at| u32_le(head, at).filter(|v| *v > 0);
    if let (Some(width), Some(height)) = (field(64), field(68)) {
        let dimensions = Dimensions { width, height };
        limits.check_dimensions(dimensions)?;
        probe.dimensions = Some(dimensions);
    }
    let from_main_header = field(32).map(|micros_per_frame| {
        let fps = 1_000_000.0 / f64::from(micros_per_frame);
        let duration = field(48).map(|frames| f64::from(frames) / fps);
        (fps, duration)
    });
    let (fps, duration_s) = video_stream_rate(head)
        .or(from_main_header)
        .filter(|(fps, _)| *fps <= 1000.0)
        .map_or((None, None), |(fps, duration)| (Some(fps), duration));
    probe.details = Details::Video(VideoFacts {
        duration_s,
        fps,
        rotation_degrees: 0,
    });
    Ok(probe)
}

/// Rate and duration from the `strh` of the first stream list, if it is a video stream.
fn video_stream_rate(head: &[u8]) -> Option<(f64, Option<f64>)> {
    let avih_len = usize::try_from(u32_le(head, 28)?).ok()?;
    // The stream list follows the (word-aligned) main header: LIST, size, "strl", "strh".
    let list = 32usize.checked_add(avih_len)?.checked_add(avih_len % 2)?;
    if head.get(list..list.checked_add(4)?)? != b"LIST"
        || head.get(list.checked_add(8)?..list.checked_add(16)?)? != b"strlstrh"
    {
        return None;
    }
    let strh = list.checked_add(20)?;
    if head.get(strh..strh.checked_add(4)?)? != b"vids" {
        return None;
    }
    let scale = u32_le(head, strh.checked_add(20)?).filter(|v| *v > 0)?;
    let rate = u32_le(head, strh.checked_add(24)?).filter(|v| *v > 0)?;
    let fps = f64::from(rate) / f64::from(scale);
    let length = u32_le(head, strh.checked_add(32)?).filter(|v| *v > 0);
    Some((fps, length.map(|frames| f64::from(frames) / fps)))
}

/// Matroska / WebM: whatever nom-exif reads from the first 16 MiB; otherwise type only.
fn probe_matroska<R: Read + Seek>(
    reader: &mut R,
    len: u64,
    media_type: MediaType,
    limits: &Limits,
) -> Result<Probe, ProbeError> {
    let mut head = vec![0u8; usize::try_from(len.min(MATROSKA_HEAD_BYTES)).unwrap_or(0)];
    reader.seek(SeekFrom::Start(0)).map_err(ProbeError::Io)?;
    let got = read_up_to(reader, &mut head)?;
    head.truncate(got);
    let info = guarded(|| {
        let source = MediaSource::from_memory(head).ok()?;
        MediaParser::new().parse_track(source).ok()
    })
    .flatten();
    let mut probe = unknown(media_type);
    let Some(info) = info else {
        return Ok(probe);
    };
    if let Some(dimensions) = metadata_dimensions(&info) {
        limits.check_dimensions(dimensions)?;
        probe.dimensions = Some(dimensions);
    }
    probe.capture_time = metadata_date(&info);
    probe.camera_make = text(&info, TrackInfoTag::Make);
    probe.camera_model = text(&info, TrackInfoTag::Model);
    probe.details = Details::Video(VideoFacts {
        duration_s: info
            .get(TrackInfoTag::DurationMs)
            .and_then(EntryValue::as_u64)
            .filter(|ms| *ms > 0)
            .map(|ms| ms as f64 / 1000.0),
        fps: None,
        rotation_degrees: 0,
    });
    Ok(probe)
}
