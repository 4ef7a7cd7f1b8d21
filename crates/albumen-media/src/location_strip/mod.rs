//! Location stripping for the `=d` / `=dv` downloads: finds where a file records where it was
//! taken and answers with same-length, in-place [`Patch`]es that remove it, leaving every other
//! byte (and so all other metadata, the size and byte ranges) as it was. The server streams the
//! original with the patches applied on the fly.
//!
//! What is removed, by container:
//!
//! | Container | Location removed |
//! |---|---|
//! | JPEG | the EXIF GPS IFD (APP1 `Exif`, and the EXIF thumbnail's own); XMP `*:GPS*` properties |
//! | PNG | the GPS IFD of `eXIf` (chunk CRC recomputed) |
//! | WebP | the GPS IFD of `EXIF`; XMP `*:GPS*` properties of `XMP ` |
//! | TIFF | the GPS IFD |
//! | HEIC, HEIF, AVIF | the GPS IFD of the `Exif` item (one extent, found through `iinf` and `iloc`) |
//! | MP4, MOV, 3GP | `©xyz` and `loci` atoms (made `free` and zeroed); `com.apple.quicktime.location.*` keys (renamed, values blanked) |
//!
//! A GPS IFD is blanked by zeroing its entry count, its entries, its next-IFD link and every
//! value it points to; the pointer from IFD0 then leads to an empty IFD. XMP properties are
//! overwritten with spaces, which XML reads as whitespace between attributes or elements.
//! Not covered (yet): XMP in PNG, HEIF and MP4, place names in IPTC, maker notes.
//!
//! The input is hostile: every read is bounded, every walk counted, and malformed structure
//! only means fewer patches, never a panic.

mod containers;
mod quicktime;
mod source;
mod tiff;
mod xmp;

use std::io::{self, Read, Seek};

use crate::{MediaType, sniff};
use source::Source;

/// Bump when the patches computed for the same bytes change, so caches keyed on it (ETags)
/// stop matching.
pub const LOCATION_STRIP_VERSION: u32 = 1;

/// At most this many patches are kept; a file needing more is crafted, not photographed.
const MAX_PATCHES: usize = 10_000;

/// Replace the bytes at `offset` with `bytes` (same length: the file keeps its size).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patch {
    /// Byte offset in the file.
    pub offset: u64,
    /// The replacement bytes.
    pub bytes: Vec<u8>,
}

impl Patch {
    /// One past the last byte this patch replaces.
    pub fn end(&self) -> u64 {
        self.offset
            .saturating_add(u64::try_from(self.bytes.len()).unwrap_or(u64::MAX))
    }
}

/// The patches that remove location metadata from the file `reader` holds, sorted by offset
/// and not overlapping. Formats without location metadata (GIF, BMP, AVI, ...) get none.
///
/// # Errors
///
/// Only when `reader` fails; malformed structure yields fewer patches, never an error.
pub fn location_patches<R: Read + Seek>(reader: &mut R) -> io::Result<Vec<Patch>> {
    let mut source = Source::new(reader)?;
    let head = source.read_at(0, crate::SNIFF_LEN)?;
    let mut out = Patches::default();
    let whole = source.whole();
    match sniff(&head) {
        Some(MediaType::Jpeg) => containers::jpeg(&mut source, whole, &mut out, 0)?,
        Some(MediaType::Png) => containers::png(&mut source, &mut out)?,
        Some(MediaType::Webp) => containers::webp(&mut source, &mut out)?,
        Some(MediaType::Tiff) => tiff::strip_gps(&mut source, whole, &mut out, 0)?,
        Some(MediaType::Heic | MediaType::Heif | MediaType::Avif) => {
            containers::heif(&mut source, &mut out)?;
        }
        Some(MediaType::Mp4 | MediaType::Mov | MediaType::ThreeGp | MediaType::ThreeG2) => {
            quicktime::strip(&mut source, &mut out)?;
        }
        _ => {}
    }
    Ok(out.finish())
}

/// Overwrites the parts of `chunk` (the file's bytes from `chunk_start` on) that `patches`
/// (sorted, as [`location_patches`] returns them) replace.
pub fn apply_patches(chunk: &mut [u8], chunk_start: u64, patches: &[Patch]) {
    let chunk_len = u64::try_from(chunk.len()).unwrap_or(u64::MAX);
    let chunk_end = chunk_start.saturating_add(chunk_len);
    let first = patches.partition_point(|p| p.end() <= chunk_start);
    for patch in patches.iter().skip(first) {
        if patch.offset >= chunk_end {
            break;
        }
        let from = patch.offset.max(chunk_start);
        let to = patch.end().min(chunk_end);
        let (Ok(dst_at), Ok(src_at), Ok(len)) = (
            usize::try_from(from - chunk_start),
            usize::try_from(from - patch.offset),
            usize::try_from(to.saturating_sub(from)),
        ) else {
            continue;
        };
        let dst = chunk.get_mut(dst_at..dst_at.saturating_add(len));
        let src = patch.bytes.get(src_at..src_at.saturating_add(len));
        if let (Some(dst), Some(src)) = (dst, src) {
            dst.copy_from_slice(src);
        }
    }
}

/// Whether any of `patches` touches the bytes `start..end`.
pub fn patches_touch(patches: &[Patch], start: u64, end: u64) -> bool {
    let first = patches.partition_point(|p| p.end() <= start);
    patches.get(first).is_some_and(|p| p.offset < end)
}

/// Patches being collected.
#[derive(Debug, Default)]
pub(crate) struct Patches(Vec<Patch>);

impl Patches {
    /// Adds a patch (ignored past [`MAX_PATCHES`] or when empty).
    pub(crate) fn push(&mut self, offset: u64, bytes: Vec<u8>) {
        if !bytes.is_empty() && self.0.len() < MAX_PATCHES {
            self.0.push(Patch { offset, bytes });
        }
    }

    /// `len` zero bytes at `offset`.
    pub(crate) fn zero(&mut self, offset: u64, len: usize) {
        self.push(offset, vec![0; len]);
    }

    /// Sorted by offset, overlaps merged: where two overlap, the one starting later wins (the
    /// one pushed later, when both start at the same byte).
    fn finish(self) -> Vec<Patch> {
        let mut patches = self.0;
        patches.sort_by_key(|p| p.offset);
        let mut merged: Vec<Patch> = Vec::with_capacity(patches.len());
        for patch in patches {
            match merged.last_mut() {
                Some(last) if patch.offset <= last.end() => {
                    let mut file_bytes = last.bytes.clone();
                    let new_end = last.end().max(patch.end());
                    let new_len = usize::try_from(new_end - last.offset).unwrap_or(0);
                    file_bytes.resize(new_len, 0);
                    apply_patches(&mut file_bytes, last.offset, std::slice::from_ref(&patch));
                    last.bytes = file_bytes;
                }
                _ => merged.push(patch),
            }
        }
        merged
    }
}

#[cfg(test)]
mod tests;
