//! Tells camera RAW files that wear a plain TIFF header (NEF, ARW, DNG, PEF, SRW...) from real
//! TIFF images, by walking IFD0, its chain and its SubIFDs for RAW-only markers.

use crate::MediaType;
use crate::read::Endian;

const TAG_PHOTOMETRIC: u16 = 0x0106;
const TAG_MAKE: u16 = 0x010F;
const TAG_SUB_IFDS: u16 = 0x014A;
const TAG_DNG_VERSION: u16 = 0xC612;
/// Colour filter array: undemosaiced sensor data.
const PHOTOMETRIC_CFA: u32 = 32_803;
/// Linear raw: demosaiced but unrendered sensor data (DNG).
const PHOTOMETRIC_LINEAR_RAW: u32 = 34_892;
/// IFDs visited at most, so a hostile offset web cannot make the walk long.
const MAX_IFDS: usize = 16;
/// Directory entries read per IFD at most.
const MAX_ENTRIES: usize = 1024;

/// The RAW type of a TIFF-headed file, or `None` for an ordinary TIFF (or one too broken to
/// tell; the dimension reader reports that).
pub(crate) fn raw_type(data: &[u8]) -> Option<MediaType> {
    let endian = match data.get(..4)? {
        b"II*\0" => Endian::Little,
        b"MM\0*" => Endian::Big,
        _ => return None,
    };
    let ifd0 = endian.u32(data, 4)?;
    let mut pending = vec![ifd0];
    let mut visited = Vec::new();
    let mut found = Markers::default();
    while let Some(offset) = pending.pop() {
        if offset == 0 || visited.contains(&offset) || visited.len() >= MAX_IFDS {
            continue;
        }
        visited.push(offset);
        let is_ifd0 = visited.len() == 1;
        let next = scan_ifd(data, endian, offset, is_ifd0, &mut found, &mut pending);
        if let Some(next) = next {
            pending.push(next);
        }
    }
    if found.dng {
        return Some(MediaType::Dng);
    }
    if !found.sensor_data {
        return None;
    }
    let make = found
        .make
        .map(|m| String::from_utf8_lossy(m).trim().to_ascii_uppercase())
        .unwrap_or_default();
    Some(if make.starts_with("NIKON") {
        MediaType::Nef
    } else if make.starts_with("SONY") {
        MediaType::Arw
    } else if make.starts_with("PENTAX") || make.starts_with("RICOH") {
        MediaType::Pef
    } else if make.starts_with("SAMSUNG") {
        MediaType::Srw
    } else {
        MediaType::OtherRaw
    })
}

#[derive(Default)]
struct Markers<'a> {
    dng: bool,
    sensor_data: bool,
    make: Option<&'a [u8]>,
}

/// Reads one IFD, noting markers and queueing SubIFDs; returns the next IFD in the chain.
fn scan_ifd<'a>(
    data: &'a [u8],
    endian: Endian,
    offset: u32,
    is_ifd0: bool,
    found: &mut Markers<'a>,
    pending: &mut Vec<u32>,
) -> Option<u32> {
    let start = usize::try_from(offset).ok()?;
    let count = usize::from(endian.u16(data, start)?).min(MAX_ENTRIES);
    for index in 0..count {
        let entry = start.checked_add(2)?.checked_add(index.checked_mul(12)?)?;
        let Some(tag) = endian.u16(data, entry) else {
            break;
        };
        let kind = endian.u16(data, entry.checked_add(2)?)?;
        let values = endian.u32(data, entry.checked_add(4)?)?;
        let value_at = entry.checked_add(8)?;
        match tag {
            TAG_DNG_VERSION => found.dng = true,
            TAG_PHOTOMETRIC => {
                let photometric = inline_uint(data, endian, kind, value_at);
                if matches!(photometric, Some(PHOTOMETRIC_CFA | PHOTOMETRIC_LINEAR_RAW)) {
                    found.sensor_data = true;
                }
            }
            TAG_MAKE if is_ifd0 => found.make = ascii(data, endian, values, value_at),
            TAG_SUB_IFDS => {
                pending.extend(offsets(data, endian, values, value_at).take(MAX_IFDS));
            }
            _ => {}
        }
    }
    let next_at = start.checked_add(2)?.checked_add(count.checked_mul(12)?)?;
    endian.u32(data, next_at)
}

/// A SHORT or LONG value stored in the entry itself.
fn inline_uint(data: &[u8], endian: Endian, kind: u16, value_at: usize) -> Option<u32> {
    match kind {
        3 => endian.u16(data, value_at).map(u32::from),
        4 => endian.u32(data, value_at),
        _ => None,
    }
}

/// The bytes of an ASCII value (inline when at most 4 bytes, else at an offset).
fn ascii(data: &[u8], endian: Endian, count: u32, value_at: usize) -> Option<&[u8]> {
    let len = usize::try_from(count).ok()?.min(256);
    let start = if len <= 4 {
        value_at
    } else {
        usize::try_from(endian.u32(data, value_at)?).ok()?
    };
    data.get(start..start.checked_add(len)?)
}

/// The LONG/IFD offsets a SubIFDs entry lists (inline when there is one).
fn offsets(
    data: &[u8],
    endian: Endian,
    count: u32,
    value_at: usize,
) -> impl Iterator<Item = u32> + '_ {
    let count = usize::try_from(count).unwrap_or(0).min(MAX_IFDS);
    let base = if count <= 1 {
        Some(value_at)
    } else {
        endian
            .u32(data, value_at)
            .and_then(|o| usize::try_from(o).ok())
    };
    (0..count).filter_map(move |i| endian.u32(data, base?.checked_add(i.checked_mul(4)?)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A little-endian TIFF whose IFD0 holds `entries` (tag, type, count, value).
    fn tiff(entries: &[(u16, u16, u32, u32)], extra: &[u8]) -> Vec<u8> {
        let mut out = b"II*\0".to_vec();
        out.extend_from_slice(&8u32.to_le_bytes());
        out.extend_from_slice(&u16::try_from(entries.len()).unwrap().to_le_bytes());
        for (tag, kind, count, value) in entries {
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(&kind.to_le_bytes());
            out.extend_from_slice(&count.to_le_bytes());
            out.extend_from_slice(&value.to_le_bytes());
        }
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(extra);
        out
    }

    #[test]
    fn a_dng_version_tag_marks_a_dng() {
        let data = tiff(&[(TAG_DNG_VERSION, 1, 4, 0x0000_0401)], &[]);
        assert_eq!(raw_type(&data), Some(MediaType::Dng));
    }

    #[test]
    fn sensor_data_in_a_sub_ifd_of_a_nikon_file_marks_a_nef() {
        // IFD0 at 8: 2 entries (8 + 2 + 24 + 4 = 38), "NIKON\0" at 38, SubIFD at 44.
        let sub_ifd = {
            let mut sub = 1u16.to_le_bytes().to_vec();
            sub.extend_from_slice(&TAG_PHOTOMETRIC.to_le_bytes());
            sub.extend_from_slice(&3u16.to_le_bytes());
            sub.extend_from_slice(&1u32.to_le_bytes());
            sub.extend_from_slice(&PHOTOMETRIC_CFA.to_le_bytes());
            sub.extend_from_slice(&0u32.to_le_bytes());
            sub
        };
        let mut extra = b"NIKON\0".to_vec();
        extra.extend_from_slice(&sub_ifd);
        let data = tiff(&[(TAG_MAKE, 2, 6, 38), (TAG_SUB_IFDS, 4, 1, 44)], &extra);
        assert_eq!(raw_type(&data), Some(MediaType::Nef));
    }

    #[test]
    fn an_rgb_tiff_is_not_raw() {
        let data = tiff(&[(TAG_PHOTOMETRIC, 3, 1, 2), (0x100, 3, 1, 4)], &[]);
        assert_eq!(raw_type(&data), None);
    }

    #[test]
    fn an_ifd_that_points_at_itself_ends_the_walk() {
        let mut data = tiff(&[(TAG_SUB_IFDS, 4, 1, 8)], &[]);
        // Make the next-IFD pointer point back at IFD0 too.
        let next_at = 8 + 2 + 12;
        data[next_at..next_at + 4].copy_from_slice(&8u32.to_le_bytes());
        assert_eq!(raw_type(&data), None);
    }
}
