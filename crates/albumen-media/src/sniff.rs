//! Media type detection from magic bytes alone: no parsing beyond the first 64 bytes, no trust
//! in file names or client-sent MIME types.

use crate::MediaType;
use crate::read::{u8_at, u16_le, u32_be, u32_le};

/// How many leading bytes [`sniff`] looks at; more are ignored.
pub const SNIFF_LEN: usize = 64;

/// Tells the media type from the first bytes of a file (at most [`SNIFF_LEN`] are read).
///
/// Returns `None` for anything not recognised, including truncated magic numbers. TIFF-based
/// RAW formats without a marker in the first bytes (NEF, ARW, DNG, PEF, SRW) come out as
/// [`MediaType::Tiff`]; [`crate::probe`] tells them apart by walking the IFDs.
pub fn sniff(head: &[u8]) -> Option<MediaType> {
    let head = head.get(..SNIFF_LEN).unwrap_or(head);
    fixed_magic(head)
        .or_else(|| tiff_family(head))
        .or_else(|| riff(head))
        .or_else(|| bmp(head))
        .or_else(|| ico(head))
        .or_else(|| ftyp(head))
        .or_else(|| ebml(head))
        .or_else(|| quicktime_atoms(head))
}

fn fixed_magic(head: &[u8]) -> Option<MediaType> {
    const MAGIC: [(&[u8], MediaType); 9] = [
        (b"\xFF\xD8\xFF", MediaType::Jpeg),
        (b"\x89PNG\r\n\x1A\n", MediaType::Png),
        (b"GIF87a", MediaType::Gif),
        (b"GIF89a", MediaType::Gif),
        (b"FUJIFILMCCD-RAW", MediaType::Raf),
        (b"IIRO", MediaType::Orf),
        (b"IIRS", MediaType::Orf),
        (b"MMOR", MediaType::Orf),
        (b"IIU\0", MediaType::Rw2),
    ];
    MAGIC
        .iter()
        .find(|(magic, _)| head.starts_with(magic))
        .map(|(_, t)| *t)
}

/// TIFF (`II*\0`, `MM\0*`) and BigTIFF (`II+\0`, `MM\0+`); CR2 is TIFF with `CR\x02` at 8.
fn tiff_family(head: &[u8]) -> Option<MediaType> {
    let tiff = [b"II*\0", b"MM\0*", b"II+\0", b"MM\0+"]
        .iter()
        .any(|magic| head.starts_with(*magic));
    if !tiff {
        return None;
    }
    if head.get(8..11) == Some(b"CR\x02") {
        return Some(MediaType::Cr2);
    }
    Some(MediaType::Tiff)
}

fn riff(head: &[u8]) -> Option<MediaType> {
    if !head.starts_with(b"RIFF") {
        return None;
    }
    match head.get(8..12)? {
        b"WEBP" => Some(MediaType::Webp),
        b"AVI " => Some(MediaType::Avi),
        _ => None,
    }
}

/// `BM` is too short a magic on its own, so the DIB header size must also be a known one.
fn bmp(head: &[u8]) -> Option<MediaType> {
    if !head.starts_with(b"BM") {
        return None;
    }
    let dib_header_size = u32_le(head, 14)?;
    [12, 16, 40, 52, 56, 64, 108, 124]
        .contains(&dib_header_size)
        .then_some(MediaType::Bmp)
}

/// `00 00 01 00`, at least one image, and a plausible first directory entry.
fn ico(head: &[u8]) -> Option<MediaType> {
    if !head.starts_with(&[0, 0, 1, 0]) {
        return None;
    }
    let count = u16_le(head, 4)?;
    let reserved = u8_at(head, 9)?;
    let planes = u16_le(head, 10)?;
    (count > 0 && reserved == 0 && planes <= 1).then_some(MediaType::Ico)
}

/// ISO base media files: `ftyp` at 4, the major brand at 8, compatible brands from 16.
fn ftyp(head: &[u8]) -> Option<MediaType> {
    if head.get(4..8) != Some(b"ftyp") {
        return None;
    }
    let size = usize::try_from(u32_be(head, 0)?).ok()?;
    let major: [u8; 4] = head.get(8..12)?.try_into().ok()?;
    let end = size.min(head.len());
    let compatible: Vec<[u8; 4]> = head
        .get(16..end)
        .unwrap_or_default()
        .chunks_exact(4)
        .filter_map(|brand| brand.try_into().ok())
        .collect();
    if AUDIO_ONLY_BRANDS.contains(&&major) {
        return None;
    }
    match brand(&major) {
        Some(Brand::Heif) => Some(
            compatible
                .iter()
                .filter_map(brand)
                .find_map(|b| match b {
                    Brand::Specific(MediaType::Avif) => Some(MediaType::Avif),
                    Brand::Specific(MediaType::Heic) => Some(MediaType::Heic),
                    _ => None,
                })
                .unwrap_or(MediaType::Heif),
        ),
        Some(Brand::Specific(t)) => Some(t),
        None => compatible
            .iter()
            .filter_map(brand)
            .map(Brand::media_type)
            .next(),
    }
}

/// Brands that mark an audio-only MPEG-4 file (`.m4a`, audiobooks, Flash audio).
const AUDIO_ONLY_BRANDS: [&[u8; 4]; 4] = [b"M4A ", b"M4B ", b"M4P ", b"F4A "];

enum Brand {
    /// `mif1`/`msf1`/`miaf`: a HEIF file whose coding the other brands may tell.
    Heif,
    Specific(MediaType),
}

impl Brand {
    fn media_type(self) -> MediaType {
        match self {
            Brand::Heif => MediaType::Heif,
            Brand::Specific(t) => t,
        }
    }
}

fn brand(brand: &[u8; 4]) -> Option<Brand> {
    let specific = match brand {
        b"crx " => MediaType::Cr3,
        b"avif" | b"avis" | b"avio" => MediaType::Avif,
        b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"hevm" | b"hevs" => {
            MediaType::Heic
        }
        b"mif1" | b"msf1" | b"mif2" | b"miaf" => return Some(Brand::Heif),
        b"qt  " | b"mqt " => MediaType::Mov,
        [b'3', b'g', b'2', _] => MediaType::ThreeG2,
        [b'3', b'g', _, _] => MediaType::ThreeGp,
        [b'i', b's', b'o', _]
        | b"mp41"
        | b"mp42"
        | b"mp71"
        | b"avc1"
        | b"dash"
        | b"M4V "
        | b"M4VH"
        | b"M4VP"
        | b"MSNV"
        | b"NDAS"
        | b"XAVC"
        | b"f4v "
        | b"F4V "
        | b"mmp4" => MediaType::Mp4,
        _ => return None,
    };
    Some(Brand::Specific(specific))
}

/// EBML (`1A 45 DF A3`): WebM or Matroska by the `DocType` element (ID `42 82`).
fn ebml(head: &[u8]) -> Option<MediaType> {
    if !head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        return None;
    }
    let doc_type = head
        .windows(2)
        .position(|w| w == [0x42, 0x82])
        .and_then(|at| {
            let size_byte = u8_at(head, at.checked_add(2)?)?;
            // A one-byte EBML size: the top bit set, the rest is the length.
            if size_byte & 0x80 == 0 {
                return None;
            }
            let start = at.checked_add(3)?;
            let len = usize::from(size_byte & 0x7F);
            head.get(start..start.checked_add(len)?)
        });
    match doc_type.map(|d| d.strip_suffix(&[0]).unwrap_or(d)) {
        Some(b"webm") => Some(MediaType::Webm),
        Some(b"matroska") => Some(MediaType::Mkv),
        Some(_) => None,
        // The DocType lies past the sniffed bytes or uses a long size: Matroska is the family.
        None => Some(MediaType::Mkv),
    }
}

/// Old QuickTime files without `ftyp` start straight with a top-level atom.
fn quicktime_atoms(head: &[u8]) -> Option<MediaType> {
    let atom = head.get(4..8)?;
    let size = u32_be(head, 0)?;
    let plausible_size = size == 0 || size == 1 || size >= 8;
    let known = [b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"]
        .iter()
        .any(|a| atom == *a);
    (known && plausible_size).then_some(MediaType::Mov)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp_box(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
        let size = 16 + 4 * compatible.len();
        let mut out = u32::try_from(size).unwrap().to_be_bytes().to_vec();
        out.extend_from_slice(b"ftyp");
        out.extend_from_slice(major);
        out.extend_from_slice(&[0, 0, 0, 0]);
        for b in compatible {
            out.extend_from_slice(*b);
        }
        out
    }

    #[test]
    fn a_generic_heif_major_brand_defers_to_a_specific_compatible_brand() {
        assert_eq!(
            sniff(&ftyp_box(b"mif1", &[b"mif1", b"avif"])),
            Some(MediaType::Avif)
        );
        assert_eq!(
            sniff(&ftyp_box(b"mif1", &[b"mif1", b"heic"])),
            Some(MediaType::Heic)
        );
        assert_eq!(sniff(&ftyp_box(b"msf1", &[b"iso8"])), Some(MediaType::Heif));
    }

    #[test]
    fn an_unknown_major_brand_is_told_by_its_compatible_brands() {
        assert_eq!(
            sniff(&ftyp_box(b"zzzz", &[b"isom", b"mp42"])),
            Some(MediaType::Mp4)
        );
        assert_eq!(sniff(&ftyp_box(b"zzzz", &[b"yyyy"])), None);
    }

    #[test]
    fn audio_only_mpeg4_is_not_a_video() {
        assert_eq!(sniff(&ftyp_box(b"M4A ", &[b"isom", b"mp42"])), None);
    }

    #[test]
    fn a_bare_bm_or_icon_prefix_is_not_enough() {
        assert_eq!(sniff(b"BM"), None);
        assert_eq!(sniff(b"BMxxxxxxxxxxxxxxxxxxxxxxxxx"), None);
        assert_eq!(sniff(&[0, 0, 1, 0, 0, 0]), None);
    }

    #[test]
    fn only_the_first_64_bytes_are_read() {
        let mut head = vec![0u8; 100];
        head.extend_from_slice(b"\xFF\xD8\xFF");
        assert_eq!(sniff(&head), None);
    }
}
