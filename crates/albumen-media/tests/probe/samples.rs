//! Builders for small, real sample files: encoded with the `image` crate where it has an
//! encoder, assembled by hand for containers (TIFF/EXIF, ISO-BMFF, RIFF, EBML).

use std::io::Cursor;

use image::{ImageFormat, RgbImage};

/// A `width`×`height` gradient encoded as `format` by the `image` crate.
pub fn encoded(format: ImageFormat, width: u32, height: u32) -> Vec<u8> {
    let picture = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 7) as u8, (y * 5) as u8, ((x + y) * 3) as u8])
    });
    let mut out = Cursor::new(Vec::new());
    picture.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// A TIFF value, as written by [`tiff`].
#[derive(Debug, Clone)]
pub enum V {
    Short(u16),
    Long(u32),
    Ascii(&'static str),
    Rational(Vec<(u32, u32)>),
    SRational(Vec<(i32, i32)>),
    Undefined(Vec<u8>),
    /// A LONG offset to the IFD with this index in the list given to [`tiff`].
    Ifd(usize),
}

impl V {
    fn kind_count_bytes(&self) -> (u16, u32, Vec<u8>) {
        match self {
            V::Short(v) => (3, 1, v.to_le_bytes().to_vec()),
            V::Long(v) => (4, 1, v.to_le_bytes().to_vec()),
            V::Ascii(s) => {
                let mut bytes = s.as_bytes().to_vec();
                bytes.push(0);
                (2, bytes.len() as u32, bytes)
            }
            V::Rational(parts) => (
                5,
                parts.len() as u32,
                parts
                    .iter()
                    .flat_map(|(n, d)| [n.to_le_bytes(), d.to_le_bytes()].concat())
                    .collect(),
            ),
            V::SRational(parts) => (
                10,
                parts.len() as u32,
                parts
                    .iter()
                    .flat_map(|(n, d)| [n.to_le_bytes(), d.to_le_bytes()].concat())
                    .collect(),
            ),
            V::Undefined(bytes) => (7, bytes.len() as u32, bytes.clone()),
            V::Ifd(_) => (4, 1, vec![0; 4]),
        }
    }
}

/// An IFD: (tag, value) pairs in ascending tag order.
pub type Ifd = Vec<(u16, V)>;

fn ifd_len(ifd: &Ifd) -> usize {
    let data: usize = ifd
        .iter()
        .map(|(_, v)| v.kind_count_bytes().2.len())
        .filter(|len| *len > 4)
        .map(|len| len + len % 2)
        .sum();
    2 + 12 * ifd.len() + 4 + data
}

/// A little-endian TIFF structure: `ifds[0]` is IFD0, the others are reached through
/// [`V::Ifd`] pointers (Exif IFD, GPS IFD, SubIFDs). `prefix` bytes follow the header.
pub fn tiff(ifds: &[Ifd]) -> Vec<u8> {
    let mut offsets = vec![8usize];
    for ifd in ifds {
        let next = offsets.last().unwrap() + ifd_len(ifd);
        offsets.push(next);
    }
    let mut out = b"II*\0".to_vec();
    out.extend_from_slice(&8u32.to_le_bytes());
    for (index, ifd) in ifds.iter().enumerate() {
        assert_eq!(out.len(), offsets[index]);
        let mut data_at = offsets[index] + 2 + 12 * ifd.len() + 4;
        let mut entries = Vec::new();
        let mut data = Vec::new();
        for (tag, value) in ifd {
            let (kind, count, mut bytes) = value.kind_count_bytes();
            if let V::Ifd(target) = value {
                bytes = (offsets[*target] as u32).to_le_bytes().to_vec();
            }
            entries.extend_from_slice(&tag.to_le_bytes());
            entries.extend_from_slice(&kind.to_le_bytes());
            entries.extend_from_slice(&count.to_le_bytes());
            if bytes.len() <= 4 {
                bytes.resize(4, 0);
                entries.extend_from_slice(&bytes);
            } else {
                entries.extend_from_slice(&(data_at as u32).to_le_bytes());
                if bytes.len() % 2 == 1 {
                    bytes.push(0);
                }
                data_at += bytes.len();
                data.extend_from_slice(&bytes);
            }
        }
        out.extend_from_slice(&(ifd.len() as u16).to_le_bytes());
        out.extend_from_slice(&entries);
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&data);
    }
    out
}

/// The EXIF block of the brief: Orientation 6, a Canon with full exposure facts, taken on
/// 2024-05-06 07:08:09.25 at +02:00 in Rio de Janeiro (22°54′30″ S, 43°10′45″ W).
pub fn camera_exif() -> Vec<u8> {
    let ifd0: Ifd = vec![
        (0x010F, V::Ascii("Canon  ")),
        (0x0110, V::Ascii("Canon EOS 5D Mark IV")),
        (0x0112, V::Short(6)),
        (0x0132, V::Ascii("2030:01:01 00:00:00")),
        (0x8769, V::Ifd(1)),
        (0x8825, V::Ifd(2)),
    ];
    let exif: Ifd = vec![
        (0x829A, V::Rational(vec![(1, 125)])),
        (0x829D, V::Rational(vec![(28, 10)])),
        (0x8827, V::Short(400)),
        (0x9003, V::Ascii("2024:05:06 07:08:09")),
        (0x9004, V::Ascii("2024:05:06 07:08:10")),
        (0x9011, V::Ascii("+02:00")),
        (0x920A, V::Rational(vec![(50, 1)])),
        (0x9291, V::Ascii("25")),
        // A stale size, as edited files carry: the probe must ignore it.
        (0xA002, V::Long(9999)),
        (0xA003, V::Long(9999)),
    ];
    let gps: Ifd = vec![
        (0x0001, V::Ascii("S")),
        (0x0002, V::Rational(vec![(22, 1), (54, 1), (30, 1)])),
        (0x0003, V::Ascii("W")),
        (0x0004, V::Rational(vec![(43, 1), (10, 1), (4500, 100)])),
    ];
    tiff(&[ifd0, exif, gps])
}

/// `jpeg` with an APP1 `Exif` segment holding `tiff` inserted right after SOI.
pub fn with_exif_segment(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
    assert_eq!(&jpeg[..2], b"\xFF\xD8");
    let mut out = b"\xFF\xD8\xFF\xE1".to_vec();
    out.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(tiff);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// An ISO-BMFF box.
pub fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = ((8 + body.len()) as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

/// A full box: version, 24-bit flags, body.
pub fn full(kind: &[u8; 4], version: u8, body: &[u8]) -> Vec<u8> {
    let mut inner = vec![version, 0, 0, 0];
    inner.extend_from_slice(body);
    bx(kind, &inner)
}

pub fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
    let mut body = major.to_vec();
    body.extend_from_slice(&0u32.to_be_bytes());
    for brand in compatible {
        body.extend_from_slice(*brand);
    }
    bx(b"ftyp", &body)
}

fn cat(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.concat()
}

/// A HEIF still: `ispe` width×height and, when given, an `irot` rotation (units of 90°
/// anticlockwise).
pub fn heif(
    major: &[u8; 4],
    compatible: &[&[u8; 4]],
    width: u32,
    height: u32,
    irot: Option<u8>,
) -> Vec<u8> {
    let mut ispe = width.to_be_bytes().to_vec();
    ispe.extend_from_slice(&height.to_be_bytes());
    let mut ipco = full(b"ispe", 0, &ispe);
    if let Some(angle) = irot {
        ipco.extend_from_slice(&bx(b"irot", &[angle]));
    }
    let ipma = full(b"ipma", 0, &[0, 0, 0, 1, 0, 1, 1, 0x81]);
    let iprp = bx(b"iprp", &cat(&[bx(b"ipco", &ipco), ipma]));
    let hdlr = full(
        b"hdlr",
        0,
        &cat(&[vec![0; 4], b"pict".to_vec(), vec![0; 13]]),
    );
    let pitm = full(b"pitm", 0, &[0, 1]);
    let meta = full(b"meta", 0, &cat(&[hdlr, pitm, iprp]));
    cat(&[ftyp(major, compatible), meta, bx(b"mdat", &[0; 16])])
}

/// What [`movie`] builds.
pub struct Movie {
    pub ftyp: Option<Vec<u8>>,
    pub creation_1904: u32,
    pub timescale: u32,
    pub duration: u32,
    pub width: u32,
    pub height: u32,
    /// The track matrix's (a, b, c, d) in 16.16 fixed point.
    pub matrix: (i32, i32, i32, i32),
    pub track_timescale: u32,
    /// stts entries: (sample count, sample delta).
    pub stts: Vec<(u32, u32)>,
    pub handler: [u8; 4],
    /// QuickTime `mdta` keys and their UTF-8 values.
    pub keys: Vec<(&'static str, &'static str)>,
    /// Put `mdat` before `moov`, as cameras that write as they record do.
    pub mdat_first: bool,
}

impl Default for Movie {
    fn default() -> Self {
        Movie {
            ftyp: Some(ftyp(b"isom", &[b"isom", b"iso2", b"mp41"])),
            // 2024-01-02T03:04:05Z
            creation_1904: 3_787_009_445,
            timescale: 1000,
            duration: 2500,
            width: 1920,
            height: 1080,
            matrix: (0x1_0000, 0, 0, 0x1_0000),
            track_timescale: 30_000,
            stts: vec![(75, 1001)],
            handler: *b"vide",
            keys: Vec::new(),
            mdat_first: false,
        }
    }
}

pub fn movie(m: &Movie) -> Vec<u8> {
    let mut mvhd = Vec::new();
    for v in [m.creation_1904, m.creation_1904, m.timescale, m.duration] {
        mvhd.extend_from_slice(&v.to_be_bytes());
    }
    mvhd.extend_from_slice(&[0; 76]);
    mvhd.extend_from_slice(&2u32.to_be_bytes());
    let mut tkhd = Vec::new();
    for v in [m.creation_1904, m.creation_1904, 1, 0, m.duration] {
        tkhd.extend_from_slice(&v.to_be_bytes());
    }
    tkhd.extend_from_slice(&[0; 16]);
    let (a, b, c, d) = m.matrix;
    for v in [a, b, 0, c, d, 0, 0, 0, 0x4000_0000] {
        tkhd.extend_from_slice(&v.to_be_bytes());
    }
    tkhd.extend_from_slice(&(m.width << 16).to_be_bytes());
    tkhd.extend_from_slice(&(m.height << 16).to_be_bytes());
    let mut mdhd = Vec::new();
    let samples: u32 = m.stts.iter().map(|(n, d)| n * d).sum();
    for v in [m.creation_1904, m.creation_1904, m.track_timescale, samples] {
        mdhd.extend_from_slice(&v.to_be_bytes());
    }
    mdhd.extend_from_slice(&[0x55, 0xC4, 0, 0]);
    let hdlr = full(
        b"hdlr",
        0,
        &cat(&[vec![0; 4], m.handler.to_vec(), vec![0; 13]]),
    );
    let mut entry = vec![0; 6];
    entry.extend_from_slice(&1u16.to_be_bytes());
    entry.extend_from_slice(&[0; 16]);
    entry.extend_from_slice(&(m.width as u16).to_be_bytes());
    entry.extend_from_slice(&(m.height as u16).to_be_bytes());
    entry.extend_from_slice(&[0; 50]);
    let stsd = full(
        b"stsd",
        0,
        &cat(&[1u32.to_be_bytes().to_vec(), bx(b"avc1", &entry)]),
    );
    let mut stts = (m.stts.len() as u32).to_be_bytes().to_vec();
    for (count, delta) in &m.stts {
        stts.extend_from_slice(&count.to_be_bytes());
        stts.extend_from_slice(&delta.to_be_bytes());
    }
    let stbl = bx(b"stbl", &cat(&[stsd, full(b"stts", 0, &stts)]));
    let minf = bx(b"minf", &stbl);
    let mdia = bx(b"mdia", &cat(&[full(b"mdhd", 0, &mdhd), hdlr, minf]));
    let trak = bx(b"trak", &cat(&[full(b"tkhd", 0, &tkhd), mdia]));
    let mut moov_parts = vec![full(b"mvhd", 0, &mvhd), trak];
    if !m.keys.is_empty() {
        moov_parts.push(quicktime_meta(&m.keys));
    }
    let moov = bx(b"moov", &cat(&moov_parts));
    let mdat = bx(b"mdat", &[0xAB; 64]);
    let mut parts = Vec::new();
    if let Some(f) = &m.ftyp {
        parts.push(f.clone());
    }
    if m.mdat_first {
        parts.extend([mdat, moov]);
    } else {
        parts.extend([moov, mdat]);
    }
    cat(&parts)
}

/// QuickTime `meta` (no version/flags) with `mdta` keys and an `ilst` of UTF-8 values.
fn quicktime_meta(keys: &[(&str, &str)]) -> Vec<u8> {
    let mut keys_body = (keys.len() as u32).to_be_bytes().to_vec();
    let mut ilst = Vec::new();
    for (index, (key, value)) in keys.iter().enumerate() {
        keys_body.extend_from_slice(&((8 + key.len()) as u32).to_be_bytes());
        keys_body.extend_from_slice(b"mdta");
        keys_body.extend_from_slice(key.as_bytes());
        let mut data = 1u32.to_be_bytes().to_vec();
        data.extend_from_slice(&0u32.to_be_bytes());
        data.extend_from_slice(value.as_bytes());
        let item = bx(b"data", &data);
        ilst.extend_from_slice(&bx(&(index as u32 + 1).to_be_bytes(), &item));
    }
    let hdlr = full(
        b"hdlr",
        0,
        &cat(&[vec![0; 4], b"mdta".to_vec(), vec![0; 13]]),
    );
    bx(
        b"meta",
        &cat(&[hdlr, full(b"keys", 0, &keys_body), bx(b"ilst", &ilst)]),
    )
}

/// An AVI whose main header says `frames` frames of `micros` µs at width×height.
pub fn avi(micros: u32, frames: u32, width: u32, height: u32) -> Vec<u8> {
    avi_with_stream(micros, frames, width, height, None)
}

/// An AVI as [`avi`], plus a first stream header of type `vids` with the rate
/// `rate / scale` and `length` frames, when given.
pub fn avi_with_stream(
    micros: u32,
    frames: u32,
    width: u32,
    height: u32,
    stream: Option<(u32, u32, u32)>,
) -> Vec<u8> {
    let mut avih = Vec::new();
    for v in [
        micros, 0, 0, 0x10, frames, 0, 1, 0, width, height, 0, 0, 0, 0,
    ] {
        avih.extend_from_slice(&v.to_le_bytes());
    }
    let mut hdrl = b"hdrlavih".to_vec();
    hdrl.extend_from_slice(&(avih.len() as u32).to_le_bytes());
    hdrl.extend_from_slice(&avih);
    if let Some((scale, rate, length)) = stream {
        let mut strh = b"vidsH264".to_vec();
        for v in [0u32, 0, 0, scale, rate, 0, length, 0, 0, 0] {
            strh.extend_from_slice(&v.to_le_bytes());
        }
        strh.extend_from_slice(&[0; 8]);
        let mut strl = b"strlstrh".to_vec();
        strl.extend_from_slice(&(strh.len() as u32).to_le_bytes());
        strl.extend_from_slice(&strh);
        hdrl.extend_from_slice(b"LIST");
        hdrl.extend_from_slice(&(strl.len() as u32).to_le_bytes());
        hdrl.extend_from_slice(&strl);
    }
    let mut list = b"LIST".to_vec();
    list.extend_from_slice(&(hdrl.len() as u32).to_le_bytes());
    list.extend_from_slice(&hdrl);
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&((4 + list.len()) as u32).to_le_bytes());
    out.extend_from_slice(b"AVI ");
    out.extend_from_slice(&list);
    out
}

/// An EBML element with a one-byte size (bodies under 127 bytes) or an eight-byte one.
fn el(id: &[u8], body: &[u8]) -> Vec<u8> {
    let mut out = id.to_vec();
    if body.len() < 127 {
        out.push(0x80 | body.len() as u8);
    } else {
        out.push(0x01);
        out.extend_from_slice(&(body.len() as u64).to_be_bytes()[1..]);
    }
    out.extend_from_slice(body);
    out
}

/// A Matroska or WebM file with a 640×480 video track lasting `duration_ms`.
pub fn matroska(doc_type: &str, duration_ms: f64) -> Vec<u8> {
    let header = el(
        &[0x1A, 0x45, 0xDF, 0xA3],
        &cat(&[
            el(&[0x42, 0x86], &[1]),
            el(&[0x42, 0xF7], &[1]),
            el(&[0x42, 0xF2], &[4]),
            el(&[0x42, 0xF3], &[8]),
            el(&[0x42, 0x82], doc_type.as_bytes()),
            el(&[0x42, 0x87], &[4]),
            el(&[0x42, 0x85], &[2]),
        ]),
    );
    let info = el(
        &[0x15, 0x49, 0xA9, 0x66],
        &cat(&[
            el(&[0x2A, 0xD7, 0xB1], &[0x0F, 0x42, 0x40]),
            el(&[0x44, 0x89], &duration_ms.to_be_bytes()),
            el(&[0x4D, 0x80], b"albumen-test"),
        ]),
    );
    let video = el(
        &[0xE0],
        &cat(&[el(&[0xB0], &[0x02, 0x80]), el(&[0xBA], &[0x01, 0xE0])]),
    );
    let track = el(
        &[0xAE],
        &cat(&[
            el(&[0xD7], &[1]),
            el(&[0x73, 0xC5], &[1]),
            el(&[0x83], &[1]),
            el(&[0x86], b"V_VP9"),
            video,
        ]),
    );
    let tracks = el(&[0x16, 0x54, 0xAE, 0x6B], &track);
    let segment = el(&[0x18, 0x53, 0x80, 0x67], &cat(&[info, tracks]));
    cat(&[header, segment])
}

/// A minimal ICO directory with one 48×32 entry (the image data is not needed for the size).
pub fn ico() -> Vec<u8> {
    let mut out = vec![0, 0, 1, 0, 1, 0];
    out.extend_from_slice(&[48, 32, 0, 0, 1, 0, 32, 0]);
    out.extend_from_slice(&40u32.to_le_bytes());
    out.extend_from_slice(&22u32.to_le_bytes());
    out.extend_from_slice(&[0; 40]);
    out
}

/// Every valid sample the suite builds, named, for the robustness tests.
pub fn all() -> Vec<(&'static str, Vec<u8>)> {
    let jpeg = encoded(ImageFormat::Jpeg, 40, 30);
    vec![
        ("png", encoded(ImageFormat::Png, 33, 17)),
        ("jpeg", jpeg.clone()),
        ("jpeg+exif", with_exif_segment(&jpeg, &camera_exif())),
        ("gif", encoded(ImageFormat::Gif, 12, 9)),
        ("bmp", encoded(ImageFormat::Bmp, 7, 5)),
        ("tiff", encoded(ImageFormat::Tiff, 10, 6)),
        ("webp", encoded(ImageFormat::WebP, 21, 13)),
        ("ico", ico()),
        (
            "heic",
            heif(b"heic", &[b"mif1", b"heic"], 4032, 3024, Some(1)),
        ),
        ("avif", heif(b"avif", &[b"mif1", b"avif"], 640, 480, None)),
        ("mp4", movie(&Movie::default())),
        (
            "mov",
            movie(&Movie {
                ftyp: None,
                keys: vec![("com.apple.quicktime.make", "Apple")],
                ..Movie::default()
            }),
        ),
        ("avi", avi(33_367, 300, 640, 480)),
        (
            "avi+strh",
            avi_with_stream(33_366, 90, 640, 360, Some((1001, 30_000, 90))),
        ),
        ("webm", matroska("webm", 4500.0)),
        ("mkv", matroska("matroska", 1000.0)),
        ("exif-tiff", camera_exif()),
    ]
}
