//! Small, real media files for API tests: JPEGs encoded by the `image` crate, optionally with
//! an EXIF block (camera, capture time with offset, exposure, GPS) assembled here, and a
//! minimal MP4.

use std::io::Cursor;

use image::{ImageFormat, RgbImage};

/// A `width`×`height` gradient encoded as `format`; `seed` varies the pixels so that two
/// calls with different seeds give different bytes (and blobs).
pub fn encoded(format: ImageFormat, width: u32, height: u32, seed: u8) -> Vec<u8> {
    let picture = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x as u8).wrapping_mul(7).wrapping_add(seed),
            (y as u8).wrapping_mul(5),
            seed,
        ])
    });
    let mut out = Cursor::new(Vec::new());
    picture
        .write_to(&mut out, format)
        .expect("encoding to memory cannot fail");
    out.into_inner()
}

/// One IFD entry: tag, TIFF type, count, and the value bytes (little-endian).
type Entry = (u16, u16, u32, Vec<u8>);

fn ascii(tag: u16, text: &str) -> Entry {
    let mut bytes = text.as_bytes().to_vec();
    bytes.push(0);
    (tag, 2, bytes.len() as u32, bytes)
}

fn rationals(tag: u16, values: &[(u32, u32)]) -> Entry {
    let bytes = values
        .iter()
        .flat_map(|(n, d)| [n.to_le_bytes(), d.to_le_bytes()].concat())
        .collect();
    (tag, 5, values.len() as u32, bytes)
}

fn short(tag: u16, value: u16) -> Entry {
    (tag, 3, 1, value.to_le_bytes().to_vec())
}

fn long(tag: u16, value: u32) -> Entry {
    (tag, 4, 1, value.to_le_bytes().to_vec())
}

/// Lays out IFDs one after another; `pointers` patch a LONG entry of IFD `from` with the
/// offset of IFD `to`.
fn tiff(ifds: &mut [Vec<Entry>], pointers: &[(usize, u16, usize)]) -> Vec<u8> {
    let sizes: Vec<usize> = ifds
        .iter()
        .map(|ifd| {
            2 + ifd.len() * 12
                + 4
                + ifd
                    .iter()
                    .map(|e| {
                        if e.3.len() > 4 {
                            e.3.len() + e.3.len() % 2
                        } else {
                            0
                        }
                    })
                    .sum::<usize>()
        })
        .collect();
    let mut starts = vec![8usize];
    for size in &sizes {
        let last = *starts.last().expect("non-empty");
        starts.push(last + size);
    }
    for (from, tag, to) in pointers {
        for entry in ifds[*from].iter_mut().filter(|e| e.0 == *tag) {
            entry.3 = (starts[*to] as u32).to_le_bytes().to_vec();
        }
    }
    let mut out = b"II*\0\x08\0\0\0".to_vec();
    for (i, ifd) in ifds.iter().enumerate() {
        let mut data_at = starts[i] + 2 + ifd.len() * 12 + 4;
        let mut data = Vec::new();
        out.extend_from_slice(&(ifd.len() as u16).to_le_bytes());
        for (tag, kind, count, bytes) in ifd {
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(&kind.to_le_bytes());
            out.extend_from_slice(&count.to_le_bytes());
            if bytes.len() <= 4 {
                let mut inline = bytes.clone();
                inline.resize(4, 0);
                out.extend_from_slice(&inline);
            } else {
                out.extend_from_slice(&(data_at as u32).to_le_bytes());
                let mut padded = bytes.clone();
                if padded.len() % 2 == 1 {
                    padded.push(0);
                }
                data_at += padded.len();
                data.extend_from_slice(&padded);
            }
        }
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&data);
    }
    out
}

/// What the EXIF block of [`camera_jpeg`] says.
#[derive(Debug, Clone)]
pub struct Shot {
    /// `YYYY:MM:DD HH:MM:SS` on the camera's clock.
    pub taken: &'static str,
    /// e.g. `+02:00`.
    pub offset: &'static str,
    pub with_gps: bool,
}

/// A JPEG from a "Canon EOS 5D Mark IV" at 1/125 s, f/2.8, ISO 400, 50 mm, taken as `shot`
/// says (optionally with a GPS position in Rio de Janeiro).
pub fn camera_jpeg(width: u32, height: u32, seed: u8, shot: &Shot) -> Vec<u8> {
    let mut ifd0 = vec![
        ascii(0x010F, "Canon"),
        ascii(0x0110, "Canon EOS 5D Mark IV"),
        long(0x8769, 0),
    ];
    if shot.with_gps {
        ifd0.push(long(0x8825, 0));
    }
    let exif = vec![
        rationals(0x829A, &[(1, 125)]),
        rationals(0x829D, &[(28, 10)]),
        short(0x8827, 400),
        ascii(0x9003, shot.taken),
        ascii(0x9011, shot.offset),
        rationals(0x920A, &[(50, 1)]),
    ];
    let gps = vec![
        ascii(0x0001, "S"),
        rationals(0x0002, &[(22, 1), (54, 1), (30, 1)]),
        ascii(0x0003, "W"),
        rationals(0x0004, &[(43, 1), (10, 1), (45, 1)]),
    ];
    let mut ifds = vec![ifd0, exif, gps];
    let block = tiff(&mut ifds, &[(0, 0x8769, 1), (0, 0x8825, 2)]);
    let jpeg = encoded(ImageFormat::Jpeg, width, height, seed);
    let mut out = b"\xFF\xD8\xFF\xE1".to_vec();
    out.extend_from_slice(&((2 + 6 + block.len()) as u16).to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&block);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn mp4_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = ((8 + body.len()) as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

fn full_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    mp4_box(kind, &[&[0u8; 4][..], body].concat())
}

/// A minimal MP4 of a `width`×`height` video track at 30 fps lasting `seconds`, recorded on
/// 2024-01-02 03:04:05 UTC (the header boxes a probe reads; the media data is filler).
pub fn mp4(width: u32, height: u32, seconds: u32) -> Vec<u8> {
    // Seconds from 1904 to 2024-01-02T03:04:05Z.
    const CREATED: u32 = 3_787_009_445;
    let be = |values: &[u32]| {
        values
            .iter()
            .flat_map(|v| v.to_be_bytes())
            .collect::<Vec<u8>>()
    };
    let mut mvhd = be(&[CREATED, CREATED, 1000, seconds * 1000]);
    mvhd.extend_from_slice(&[0; 76]);
    mvhd.extend_from_slice(&2u32.to_be_bytes());
    let mut tkhd = be(&[CREATED, CREATED, 1, 0, seconds * 1000]);
    tkhd.extend_from_slice(&[0; 16]);
    tkhd.extend(be(&[0x1_0000, 0, 0, 0, 0x1_0000, 0, 0, 0, 0x4000_0000]));
    tkhd.extend(be(&[width << 16, height << 16]));
    let mut mdhd = be(&[CREATED, CREATED, 30_000, seconds * 30 * 1001]);
    mdhd.extend_from_slice(&[0x55, 0xC4, 0, 0]);
    let hdlr = full_box(b"hdlr", &[&[0u8; 4][..], b"vide", &[0u8; 13]].concat());
    let mut entry = vec![0u8; 6];
    entry.extend_from_slice(&1u16.to_be_bytes());
    entry.extend_from_slice(&[0; 16]);
    entry.extend_from_slice(&(width as u16).to_be_bytes());
    entry.extend_from_slice(&(height as u16).to_be_bytes());
    entry.extend_from_slice(&[0; 50]);
    let stsd = full_box(b"stsd", &[be(&[1]), mp4_box(b"avc1", &entry)].concat());
    let stts = full_box(b"stts", &be(&[1, seconds * 30, 1001]));
    let stbl = mp4_box(b"stbl", &[stsd, stts].concat());
    let mdia = mp4_box(
        b"mdia",
        &[full_box(b"mdhd", &mdhd), hdlr, mp4_box(b"minf", &stbl)].concat(),
    );
    let trak = mp4_box(b"trak", &[full_box(b"tkhd", &tkhd), mdia].concat());
    let moov = mp4_box(b"moov", &[full_box(b"mvhd", &mvhd), trak].concat());
    [
        mp4_box(b"ftyp", b"isom\0\0\0\0isomiso2mp41"),
        moov,
        mp4_box(b"mdat", &[0xAB; 256]),
    ]
    .concat()
}
