//! The TIFF structure inside every EXIF block: finds the GPS IFD that IFD0 (or IFD1) points to
//! and blanks it, and follows the EXIF thumbnail, a JPEG that may carry EXIF of its own.

use std::io::{self, Read, Seek};

use super::source::{Source, Window};
use super::{Patches, containers};
use crate::read::Endian;

/// The GPSInfo pointer tag.
const GPS_IFD_TAG: u16 = 0x8825;
/// The EXIF thumbnail's offset and length tags (IFD1).
const THUMBNAIL_OFFSET_TAG: u16 = 0x0201;
const THUMBNAIL_LENGTH_TAG: u16 = 0x0202;
/// IFDs in the main chain looked at (IFD0, IFD1 and a few more some writers add).
const MAX_CHAIN: usize = 8;
/// More entries than this in one IFD is a crafted file; the IFD is skipped.
const MAX_ENTRIES: u16 = 1000;
/// The largest out-of-line GPS value zeroed (real ones are a few dozen bytes).
const MAX_VALUE_BYTES: u64 = 64 * 1024;
/// Thumbnails nested deeper than this are not followed.
const MAX_DEPTH: u8 = 2;

/// One 12-byte IFD entry.
struct Entry {
    tag: u16,
    kind: u16,
    count: u32,
    /// The raw 4-byte value field (a value or an offset).
    value: u32,
}

/// An IFD read from the file: its entries and the link to the next one.
struct Ifd {
    entries: Vec<Entry>,
    next: u32,
}

/// Blanks the GPS IFD of the TIFF structure that fills `tiff` (offsets are relative to its
/// start); `depth` counts the thumbnails followed to get here.
pub(crate) fn strip_gps<R: Read + Seek>(
    source: &mut Source<'_, R>,
    tiff: Window,
    out: &mut Patches,
    depth: u8,
) -> io::Result<()> {
    let header = source.read_at(tiff.start, 8)?;
    let endian = match header.get(..4) {
        Some(b"II*\0") => Endian::Little,
        Some(b"MM\0*") => Endian::Big,
        _ => return Ok(()),
    };
    let Some(mut at) = endian.u32(&header, 4) else {
        return Ok(());
    };
    let mut seen = Vec::new();
    for _ in 0..MAX_CHAIN {
        if at == 0 || seen.contains(&at) {
            break;
        }
        seen.push(at);
        let Some(ifd) = read_ifd(source, tiff, endian, at)? else {
            break;
        };
        for entry in &ifd.entries {
            if entry.tag == GPS_IFD_TAG && entry.value != 0 && !seen.contains(&entry.value) {
                blank_ifd(source, tiff, endian, entry.value, out)?;
            }
        }
        if depth < MAX_DEPTH {
            follow_thumbnail(source, tiff, &ifd, out, depth)?;
        }
        at = ifd.next;
    }
    Ok(())
}

/// Reads the IFD at `offset` (relative to `tiff`), or `None` if it does not fit.
fn read_ifd<R: Read + Seek>(
    source: &mut Source<'_, R>,
    tiff: Window,
    endian: Endian,
    offset: u32,
) -> io::Result<Option<Ifd>> {
    let Some(count_at) = tiff.sub(u64::from(offset), 2) else {
        return Ok(None);
    };
    let count_bytes = source.read_at(count_at.start, 2)?;
    let Some(count) = endian.u16(&count_bytes, 0).filter(|c| *c <= MAX_ENTRIES) else {
        return Ok(None);
    };
    let body_len = usize::from(count) * 12 + 4;
    let Some(body) = tiff.sub(u64::from(offset) + 2, body_len as u64) else {
        return Ok(None);
    };
    let Some(bytes) = source.read_window(body, body_len)? else {
        return Ok(None);
    };
    let entries = bytes
        .chunks_exact(12)
        .take(usize::from(count))
        .filter_map(|e| {
            Some(Entry {
                tag: endian.u16(e, 0)?,
                kind: endian.u16(e, 2)?,
                count: endian.u32(e, 4)?,
                value: endian.u32(e, 8)?,
            })
        })
        .collect();
    let next = endian.u32(&bytes, usize::from(count) * 12).unwrap_or(0);
    Ok(Some(Ifd { entries, next }))
}

/// Zeroes the IFD at `offset`: its count, entries and next link, and the values it points to.
fn blank_ifd<R: Read + Seek>(
    source: &mut Source<'_, R>,
    tiff: Window,
    endian: Endian,
    offset: u32,
    out: &mut Patches,
) -> io::Result<()> {
    let Some(ifd) = read_ifd(source, tiff, endian, offset)? else {
        return Ok(());
    };
    for entry in &ifd.entries {
        let Some(size) = type_size(entry.kind).and_then(|s| s.checked_mul(u64::from(entry.count)))
        else {
            continue;
        };
        if size > 4
            && size <= MAX_VALUE_BYTES
            && let Some(value) = tiff.sub(u64::from(entry.value), size)
        {
            out.zero(value.start, usize::try_from(size).unwrap_or(0));
        }
    }
    let ifd_len = 2 + 12 * ifd.entries.len() + 4;
    out.zero(tiff.start + u64::from(offset), ifd_len);
    Ok(())
}

/// Looks inside the EXIF thumbnail (a JPEG in IFD1) for EXIF of its own.
fn follow_thumbnail<R: Read + Seek>(
    source: &mut Source<'_, R>,
    tiff: Window,
    ifd: &Ifd,
    out: &mut Patches,
    depth: u8,
) -> io::Result<()> {
    let value_of = |tag| ifd.entries.iter().find(|e| e.tag == tag).map(|e| e.value);
    let (Some(offset), Some(len)) = (
        value_of(THUMBNAIL_OFFSET_TAG),
        value_of(THUMBNAIL_LENGTH_TAG),
    ) else {
        return Ok(());
    };
    match tiff.sub(u64::from(offset), u64::from(len)) {
        Some(thumbnail) => containers::jpeg(source, thumbnail, out, depth + 1),
        None => Ok(()),
    }
}

/// Bytes per value of a TIFF field type; `None` for unknown types.
fn type_size(kind: u16) -> Option<u64> {
    match kind {
        1 | 2 | 6 | 7 => Some(1),
        3 | 8 => Some(2),
        4 | 9 | 11 | 13 => Some(4),
        5 | 10 | 12 => Some(8),
        _ => None,
    }
}
