//! Where each image container keeps its EXIF (and XMP) block: JPEG APP1 segments, PNG
//! `eXIf`, WebP `EXIF` / `XMP ` chunks and the HEIF `Exif` item.

use std::io::{self, Read, Seek};

use super::source::{Source, Window};
use super::{Patches, tiff, xmp};
use crate::isobmff::{boxes, child};
use crate::read::{u8_at, u16_be, u32_be, u32_le};

/// Segments, chunks or items walked at most in one file.
const MAX_STEPS: usize = 4096;
const EXIF_PREFIX: &[u8] = b"Exif\0";
const XMP_PREFIX: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
/// The largest HEIF `meta` box read (real ones are kilobytes, tiled ones a few hundred).
const MAX_HEIF_META: usize = 4 * 1024 * 1024;
/// The largest PNG `eXIf` chunk patched (its CRC is recomputed over the whole chunk).
const MAX_PNG_EXIF: usize = 8 * 1024 * 1024;

/// JPEG: the APP1 segments before the image data, inside `jpeg`.
pub(crate) fn jpeg<R: Read + Seek>(
    source: &mut Source<'_, R>,
    jpeg: Window,
    out: &mut Patches,
    depth: u8,
) -> io::Result<()> {
    let soi = source.read_at(jpeg.start, 2)?;
    if soi != [0xFF, 0xD8] {
        return Ok(());
    }
    let mut at = jpeg.start + 2;
    for _ in 0..MAX_STEPS {
        let header = source.read_at(at, 4)?;
        let (Some(0xFF), Some(marker)) = (u8_at(&header, 0), u8_at(&header, 1)) else {
            break;
        };
        match marker {
            // Fill byte: the marker follows.
            0xFF => {
                at += 1;
                continue;
            }
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => {
                at += 2;
                continue;
            }
            // Start of scan or end of image: no more metadata segments.
            0xDA | 0xD9 => break,
            _ => {}
        }
        let Some(length) = u16_be(&header, 2).filter(|l| *l >= 2) else {
            break;
        };
        let Some(body) = jpeg.sub(at + 4 - jpeg.start, u64::from(length) - 2) else {
            break;
        };
        if marker == 0xE1 {
            app1(source, body, out, depth)?;
        }
        at = body.end;
    }
    Ok(())
}

/// An APP1 segment body: EXIF (`Exif\0` + a pad byte + TIFF) or XMP.
fn app1<R: Read + Seek>(
    source: &mut Source<'_, R>,
    body: Window,
    out: &mut Patches,
    depth: u8,
) -> io::Result<()> {
    let head = source.read_at(body.start, XMP_PREFIX.len())?;
    if head.starts_with(EXIF_PREFIX) {
        if let Some(tiff) = body.sub(6, body.len().saturating_sub(6)) {
            tiff::strip_gps(source, tiff, out, depth)?;
        }
    } else if head.starts_with(XMP_PREFIX) {
        let prefix = XMP_PREFIX.len() as u64;
        if let Some(packet) = body.sub(prefix, body.len().saturating_sub(prefix)) {
            xmp_block(source, packet, out)?;
        }
    }
    Ok(())
}

/// Blanks the GPS properties of the XMP packet filling `packet`.
fn xmp_block<R: Read + Seek>(
    source: &mut Source<'_, R>,
    packet: Window,
    out: &mut Patches,
) -> io::Result<()> {
    if let Some(text) = source.read_window(packet, usize::MAX)? {
        for span in xmp::gps_spans(&text) {
            let len = span.end.saturating_sub(span.start);
            out.push(packet.start + span.start as u64, vec![b' '; len]);
        }
    }
    Ok(())
}

/// PNG: the `eXIf` chunk, whose CRC is recomputed over the patched data.
pub(crate) fn png<R: Read + Seek>(source: &mut Source<'_, R>, out: &mut Patches) -> io::Result<()> {
    let whole = source.whole();
    let mut at = 8u64;
    for _ in 0..MAX_STEPS {
        let header = source.read_at(at, 8)?;
        let (Some(len), Some(kind)) = (u32_be(&header, 0), header.get(4..8)) else {
            break;
        };
        if kind == b"IEND" {
            break;
        }
        let Some(chunk) = whole.sub(at, 12 + u64::from(len)) else {
            break;
        };
        if kind == b"eXIf" {
            png_exif(source, chunk, out)?;
        }
        at = chunk.end;
    }
    Ok(())
}

/// Strips one `eXIf` chunk (`chunk` = length, type, data and CRC).
fn png_exif<R: Read + Seek>(
    source: &mut Source<'_, R>,
    chunk: Window,
    out: &mut Patches,
) -> io::Result<()> {
    let Some(data) = chunk.sub(8, chunk.len().saturating_sub(12)) else {
        return Ok(());
    };
    let mut found = Patches::default();
    tiff::strip_gps(source, data, &mut found, 0)?;
    let found = found.finish();
    if found.is_empty() {
        return Ok(());
    }
    let Some(mut typed) = source.read_window(
        Window {
            start: chunk.start + 4,
            end: data.end,
        },
        MAX_PNG_EXIF,
    )?
    else {
        return Ok(());
    };
    super::apply_patches(&mut typed, chunk.start + 4, &found);
    let crc = crc32fast::hash(&typed);
    for patch in found {
        out.push(patch.offset, patch.bytes);
    }
    out.push(data.end, crc.to_be_bytes().to_vec());
    Ok(())
}

/// WebP: the `EXIF` and `XMP ` chunks of an extended (`VP8X`) file.
pub(crate) fn webp<R: Read + Seek>(
    source: &mut Source<'_, R>,
    out: &mut Patches,
) -> io::Result<()> {
    let whole = source.whole();
    let mut at = 12u64;
    for _ in 0..MAX_STEPS {
        let header = source.read_at(at, 8)?;
        let (Some(kind), Some(len)) = (header.get(..4), u32_le(&header, 4)) else {
            break;
        };
        let Some(data) = whole.sub(at + 8, u64::from(len)) else {
            break;
        };
        match kind {
            b"EXIF" => {
                // Some writers keep the JPEG-style `Exif\0\0` prefix.
                let prefix = source.read_at(data.start, 6)?;
                let skip = if prefix.starts_with(EXIF_PREFIX) {
                    6
                } else {
                    0
                };
                if let Some(tiff) = data.sub(skip, data.len().saturating_sub(skip)) {
                    tiff::strip_gps(source, tiff, out, 0)?;
                }
            }
            b"XMP " => xmp_block(source, data, out)?,
            _ => {}
        }
        // Chunks are padded to an even length.
        at = data.end + u64::from(len % 2);
    }
    Ok(())
}

/// HEIF / AVIF: the item of type `Exif` in the top-level `meta` box, located through `iloc`.
pub(crate) fn heif<R: Read + Seek>(
    source: &mut Source<'_, R>,
    out: &mut Patches,
) -> io::Result<()> {
    let whole = source.whole();
    let mut at = 0u64;
    for _ in 0..MAX_STEPS {
        let header = source.read_at(at, 8)?;
        let (Some(size), Some(kind)) = (u32_be(&header, 0), header.get(4..8)) else {
            break;
        };
        // 64-bit and to-the-end sizes only occur for `mdat`, after `meta`.
        let Some(top) = whole.sub(at, u64::from(size)).filter(|_| size >= 8) else {
            break;
        };
        if kind == b"meta" {
            heif_meta(source, top, out)?;
            break;
        }
        at = top.end;
    }
    Ok(())
}

/// Strips the `Exif` item that the `meta` box (the window `meta`) lists.
fn heif_meta<R: Read + Seek>(
    source: &mut Source<'_, R>,
    meta: Window,
    out: &mut Patches,
) -> io::Result<()> {
    let Some(bytes) = source.read_window(meta, MAX_HEIF_META)? else {
        return Ok(());
    };
    let whole = source.whole();
    let Some(item) = exif_item(&bytes, meta.start).and_then(|(at, len)| whole.sub(at, len)) else {
        return Ok(());
    };
    // The item starts with the offset of the TIFF header past these 4 bytes.
    let skip = source.read_at(item.start, 4)?;
    let tiff = u32_be(&skip, 0)
        .and_then(|skip| item.sub(4 + u64::from(skip), 0))
        .map(|at| Window {
            start: at.start,
            end: item.end,
        });
    match tiff {
        Some(tiff) => tiff::strip_gps(source, tiff, out, 0),
        None => Ok(()),
    }
}

/// The file offset and length of the `Exif` item, from the bytes of the whole `meta` box
/// (found at `meta_at`).
fn exif_item(meta: &[u8], meta_at: u64) -> Option<(u64, u64)> {
    // `meta` is a full box: 8 bytes of header, 4 of version and flags.
    let children = meta.get(12..)?;
    let item_id = exif_item_id(child(children, b"iinf")?)?;
    let (method, offset, len) = item_location(child(children, b"iloc")?, item_id)?;
    let offset = match method {
        0 => offset,
        // Offsets into the `idat` box's body.
        1 => {
            let idat_at = boxes(children).take(MAX_STEPS).try_fold(12u64, |at, b| {
                if &b.kind == b"idat" {
                    Err(at + 8)
                } else {
                    Ok(at + 8 + b.body.len() as u64)
                }
            });
            meta_at.checked_add(idat_at.err()?)?.checked_add(offset)?
        }
        _ => return None,
    };
    Some((offset, len))
}

/// The id of the first item of type `Exif` in an `iinf` body.
fn exif_item_id(iinf: &[u8]) -> Option<u32> {
    let entries_at = if u8_at(iinf, 0)? == 0 { 6 } else { 8 };
    boxes(iinf.get(entries_at..)?)
        .take(MAX_STEPS)
        .filter(|b| &b.kind == b"infe")
        .find_map(|infe| {
            let body = infe.body;
            let (id, kind_at) = match u8_at(body, 0)? {
                2 => (u32::from(u16_be(body, 4)?), 8),
                3 => (u32_be(body, 4)?, 10),
                _ => return None,
            };
            (body.get(kind_at..kind_at + 4)? == b"Exif").then_some(id)
        })
}

/// `(construction_method, offset, length)` of `item_id`'s only extent in an `iloc` body.
fn item_location(iloc: &[u8], item_id: u32) -> Option<(u8, u64, u64)> {
    let version = u8_at(iloc, 0)?;
    let sizes = u8_at(iloc, 4)?;
    let (offset_size, length_size) = (sizes >> 4, sizes & 0x0F);
    let more = u8_at(iloc, 5)?;
    let (base_size, index_size) = (more >> 4, if version == 0 { 0 } else { more & 0x0F });
    let mut reader = Fields { data: iloc, at: 6 };
    let count = if version < 2 {
        reader.uint(2)?
    } else {
        reader.uint(4)?
    };
    for _ in 0..count.min(MAX_STEPS as u64) {
        let id = if version < 2 {
            reader.uint(2)?
        } else {
            reader.uint(4)?
        };
        let method = if version == 0 {
            0
        } else {
            reader.uint(2)? & 0x0F
        };
        reader.uint(2)?; // data_reference_index
        let base = reader.uint(base_size)?;
        let extents = reader.uint(2)?;
        let mut first = None;
        for _ in 0..extents {
            reader.uint(index_size)?;
            let offset = reader.uint(offset_size)?;
            let length = reader.uint(length_size)?;
            first.get_or_insert((offset, length));
        }
        if id == u64::from(item_id) {
            let (offset, length) = first.filter(|_| extents == 1)?;
            return Some((
                u8::try_from(method).ok()?,
                base.checked_add(offset)?,
                length,
            ));
        }
    }
    None
}

/// Big-endian fields of 0, 4 or 8 bytes (and 2 for counts), read one after another.
struct Fields<'a> {
    data: &'a [u8],
    at: usize,
}

impl Fields<'_> {
    fn uint(&mut self, size: u8) -> Option<u64> {
        let value = match size {
            0 => 0,
            2 => u64::from(u16_be(self.data, self.at)?),
            4 => u64::from(u32_be(self.data, self.at)?),
            8 => crate::read::u64_be(self.data, self.at)?,
            _ => return None,
        };
        self.at = self.at.checked_add(usize::from(size))?;
        Some(value)
    }
}
