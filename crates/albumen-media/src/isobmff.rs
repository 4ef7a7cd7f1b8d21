//! A small, bounds-checked ISO-BMFF / QuickTime box reader for the video facts nom-exif does
//! not give: version-1 headers, the track matrix (rotation) and the frame rate (`stts`).

use crate::read::{i32_be, u8_at, u16_be, u32_be, u64_be};

/// Seconds between 1904-01-01 (the QuickTime epoch) and 1970-01-01.
const QUICKTIME_EPOCH_OFFSET: i64 = 2_082_844_800;

/// One box: its four-character type and its body (after the header).
#[derive(Debug, Clone, Copy)]
pub(crate) struct BoxRef<'a> {
    pub(crate) kind: [u8; 4],
    pub(crate) body: &'a [u8],
}

/// The boxes laid one after another in `data`, stopping at the first malformed header.
pub(crate) fn boxes(data: &[u8]) -> impl Iterator<Item = BoxRef<'_>> {
    let mut rest = data;
    std::iter::from_fn(move || {
        let size32 = u32_be(rest, 0)?;
        let kind: [u8; 4] = rest.get(4..8)?.try_into().ok()?;
        let (header, size) = match size32 {
            0 => (8, rest.len()),
            1 => (16, usize::try_from(u64_be(rest, 8)?).ok()?),
            n => (8, usize::try_from(n).ok()?),
        };
        if size < header {
            rest = &[];
            return None;
        }
        let body = rest.get(header..size)?;
        rest = rest.get(size..).unwrap_or_default();
        Some(BoxRef { kind, body })
    })
}

/// The body of the first child of type `kind`.
pub(crate) fn child<'a>(data: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    boxes(data).find(|b| &b.kind == kind).map(|b| b.body)
}

/// The body at a path of first children, e.g. `mdia/minf/stbl`.
fn path<'a>(data: &'a [u8], kinds: &[&[u8; 4]]) -> Option<&'a [u8]> {
    kinds
        .iter()
        .try_fold(data, |inner, kind| child(inner, kind))
}

/// What the movie header and the first video track say.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct MovieFacts {
    pub(crate) duration_s: Option<f64>,
    /// Seconds since the Unix epoch (`mvhd` creation time, which QuickTime defines as UTC).
    pub(crate) created_unix: Option<i64>,
    pub(crate) video: Option<TrackFacts>,
}

/// The first video track.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TrackFacts {
    /// Coded width and height (from `tkhd`, else the sample description).
    pub(crate) width: u32,
    pub(crate) height: u32,
    /// Clockwise rotation from the track matrix: 0, 90, 180 or 270.
    pub(crate) rotation_degrees: u16,
    pub(crate) fps: Option<f64>,
}

/// Reads the body of a `moov` box.
pub(crate) fn parse_moov(moov: &[u8]) -> MovieFacts {
    let mvhd = child(moov, b"mvhd");
    let timescale = mvhd.and_then(|m| mvhd_timescale_and_duration(m).map(|(t, _)| t));
    let duration_s = mvhd
        .and_then(mvhd_timescale_and_duration)
        .and_then(|(timescale, duration)| seconds(duration, timescale))
        .or_else(|| {
            let mehd = path(moov, &[b"mvex", b"mehd"])?;
            seconds(versioned_u64(mehd, 4, 4)?, timescale?)
        });
    let created_unix = mvhd
        .and_then(|m| versioned_u64(m, 4, 4))
        .and_then(unix_time);
    let video = boxes(moov)
        .filter(|b| &b.kind == b"trak")
        .find(|trak| handler(trak.body) == Some(*b"vide"))
        .map(|trak| track_facts(moov, trak.body));
    MovieFacts {
        duration_s,
        created_unix,
        video,
    }
}

/// A 32-bit field in a version-0 full box, or the 64-bit one in version 1; `at` is the
/// offset after the version and flags, in version 0 and version 1 layouts.
fn versioned_u64(body: &[u8], at_v0: usize, at_v1: usize) -> Option<u64> {
    match u8_at(body, 0)? {
        0 => u32_be(body, at_v0).map(u64::from),
        1 => u64_be(body, at_v1),
        _ => None,
    }
}

/// `mvhd` and `mdhd` share their layout up to the duration.
fn mvhd_timescale_and_duration(body: &[u8]) -> Option<(u32, u64)> {
    match u8_at(body, 0)? {
        0 => Some((u32_be(body, 12)?, u64::from(u32_be(body, 16)?))),
        1 => Some((u32_be(body, 20)?, u64_be(body, 24)?)),
        _ => None,
    }
}

fn seconds(duration: u64, timescale: u32) -> Option<f64> {
    // All ones means "unknown".
    if timescale == 0 || duration == 0 || duration == u64::from(u32::MAX) || duration == u64::MAX {
        return None;
    }
    Some(duration as f64 / f64::from(timescale))
}

/// QuickTime seconds to Unix seconds; 0 (unset) and dates before 1971 are treated as absent.
fn unix_time(quicktime_seconds: u64) -> Option<i64> {
    let unix = i64::try_from(quicktime_seconds)
        .ok()?
        .checked_sub(QUICKTIME_EPOCH_OFFSET)?;
    // 253402300799 is 9999-12-31T23:59:59Z.
    (31_536_000..=253_402_300_799)
        .contains(&unix)
        .then_some(unix)
}

/// The handler type of a `trak` (`mdia/hdlr`, after version, flags and pre_defined).
fn handler(trak: &[u8]) -> Option<[u8; 4]> {
    path(trak, &[b"mdia", b"hdlr"])?.get(8..12)?.try_into().ok()
}

fn track_facts(moov: &[u8], trak: &[u8]) -> TrackFacts {
    let tkhd = child(trak, b"tkhd");
    // The matrix and size follow the times, whose width depends on the version.
    let matrix_at = tkhd.and_then(|t| match u8_at(t, 0)? {
        0 => Some(40usize),
        1 => Some(52),
        _ => None,
    });
    let (mut width, mut height) = tkhd
        .zip(matrix_at)
        .and_then(|(t, at)| {
            Some((
                u32_be(t, at.checked_add(36)?)? >> 16,
                u32_be(t, at.checked_add(40)?)? >> 16,
            ))
        })
        .unwrap_or((0, 0));
    if width == 0 || height == 0 {
        (width, height) = sample_entry_size(trak).unwrap_or((0, 0));
    }
    let rotation_degrees = tkhd
        .zip(matrix_at)
        .and_then(|(t, at)| rotation(t, at))
        .unwrap_or(0);
    let track_id = tkhd.and_then(|t| match u8_at(t, 0)? {
        0 => u32_be(t, 12),
        _ => u32_be(t, 20),
    });
    TrackFacts {
        width,
        height,
        rotation_degrees,
        fps: fps(moov, trak, track_id),
    }
}

/// The width and height of the first visual sample entry in `stsd`.
fn sample_entry_size(trak: &[u8]) -> Option<(u32, u32)> {
    let stsd = path(trak, &[b"mdia", b"minf", b"stbl", b"stsd"])?;
    Some((u32::from(u16_be(stsd, 40)?), u32::from(u16_be(stsd, 42)?)))
}

/// The rotation a 90°-multiple matrix `[a b u; c d v; x y w]` describes.
fn rotation(tkhd: &[u8], matrix_at: usize) -> Option<u16> {
    let a = i32_be(tkhd, matrix_at)?;
    let b = i32_be(tkhd, matrix_at.checked_add(4)?)?;
    let c = i32_be(tkhd, matrix_at.checked_add(12)?)?;
    let d = i32_be(tkhd, matrix_at.checked_add(16)?)?;
    Some(match (a.signum(), b.signum(), c.signum(), d.signum()) {
        (0, 1, -1, 0) => 90,
        (-1, 0, 0, -1) => 180,
        (0, -1, 1, 0) => 270,
        _ => 0,
    })
}

/// Average frame rate: samples × timescale ÷ total sample time, from `stts`; for fragmented
/// files without samples in `moov`, the `trex` default sample duration.
fn fps(moov: &[u8], trak: &[u8], track_id: Option<u32>) -> Option<f64> {
    let mdhd = path(trak, &[b"mdia", b"mdhd"])?;
    let (timescale, _) = mvhd_timescale_and_duration(mdhd)?;
    let stts = path(trak, &[b"mdia", b"minf", b"stbl", b"stts"]);
    let from_stts = stts.and_then(|stts| {
        let entries = usize::try_from(u32_be(stts, 4)?).ok()?;
        let (samples, ticks) = stts
            .get(8..)?
            .chunks_exact(8)
            .take(entries)
            .filter_map(|e| Some((u64::from(u32_be(e, 0)?), u64::from(u32_be(e, 4)?))))
            .fold((0u64, 0u128), |(samples, ticks), (count, delta)| {
                (
                    samples.saturating_add(count),
                    ticks.saturating_add(u128::from(count) * u128::from(delta)),
                )
            });
        // One frame has no rate.
        if samples < 2 || ticks == 0 {
            return None;
        }
        Some(samples as f64 * f64::from(timescale) / ticks as f64)
    });
    let from_trex = || {
        let mvex = child(moov, b"mvex")?;
        let trex = boxes(mvex)
            .filter(|b| &b.kind == b"trex")
            .find(|b| u32_be(b.body, 4) == track_id)?;
        let default_duration = u32_be(trex.body, 12).filter(|d| *d > 0)?;
        Some(f64::from(timescale) / f64::from(default_duration))
    };
    from_stts
        .or_else(from_trex)
        .filter(|fps| fps.is_finite() && *fps > 0.0 && *fps <= 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_box_whose_size_runs_past_the_end_ends_the_walk() {
        let data = [0, 0, 0, 99, b'm', b'o', b'o', b'v', 1, 2];
        assert_eq!(boxes(&data).count(), 0);
    }

    #[test]
    fn a_size_below_the_header_ends_the_walk() {
        let data = [
            0, 0, 0, 4, b'f', b'r', b'e', b'e', 0, 0, 0, 8, b'f', b'r', b'e', b'e',
        ];
        assert_eq!(boxes(&data).count(), 0);
    }

    #[test]
    fn an_unset_creation_time_is_absent() {
        assert_eq!(unix_time(0), None);
        assert_eq!(unix_time(3_786_912_000), Some(1_704_067_200));
    }
}
