//! The media types Albumen recognises, with the MIME types and extensions Google reports for them.

use std::fmt;

/// A recognised media format, as told by [`crate::sniff`] from magic bytes.
///
/// Photos Google accepts (JPEG, PNG, GIF, WebP, HEIC/HEIF, AVIF, TIFF, BMP, ICO), videos
/// (MP4, MOV, 3GP, 3G2, AVI, MKV, WebM) and camera RAW formats, which are recognised only so
/// that they can be refused precisely (`BAD_IMAGE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaType {
    /// JPEG / JFIF / EXIF (`image/jpeg`).
    Jpeg,
    /// PNG (`image/png`).
    Png,
    /// GIF 87a/89a (`image/gif`).
    Gif,
    /// WebP, lossy, lossless or extended (`image/webp`).
    Webp,
    /// HEIF holding HEVC-coded images (`image/heic`), e.g. iPhone photos.
    Heic,
    /// HEIF with only the generic `mif1`/`msf1` brands (`image/heif`).
    Heif,
    /// AVIF, HEIF holding AV1-coded images (`image/avif`).
    Avif,
    /// TIFF and BigTIFF (`image/tiff`).
    Tiff,
    /// Windows bitmap (`image/bmp`).
    Bmp,
    /// Windows icon (`image/x-icon`).
    Ico,
    /// MPEG-4 video, including M4V and DASH (`video/mp4`).
    Mp4,
    /// QuickTime movie (`video/quicktime`).
    Mov,
    /// 3GPP video (`video/3gpp`).
    ThreeGp,
    /// 3GPP2 video (`video/3gpp2`).
    ThreeG2,
    /// AVI (`video/x-msvideo`).
    Avi,
    /// Matroska video (`video/x-matroska`).
    Mkv,
    /// WebM video (`video/webm`).
    Webm,
    /// Canon RAW 2 (TIFF-based).
    Cr2,
    /// Canon RAW 3 (ISO-BMFF-based).
    Cr3,
    /// Nikon RAW (TIFF-based; recognised by [`crate::probe`], not by `sniff`).
    Nef,
    /// Sony RAW (TIFF-based; recognised by [`crate::probe`], not by `sniff`).
    Arw,
    /// Adobe Digital Negative (TIFF-based; recognised by [`crate::probe`], not by `sniff`).
    Dng,
    /// Fujifilm RAW.
    Raf,
    /// Olympus RAW.
    Orf,
    /// Panasonic RAW.
    Rw2,
    /// Pentax RAW (TIFF-based; recognised by [`crate::probe`], not by `sniff`).
    Pef,
    /// Samsung RAW (TIFF-based; recognised by [`crate::probe`], not by `sniff`).
    Srw,
    /// Another camera's TIFF-based RAW (sensor data in a TIFF container).
    OtherRaw,
}

impl MediaType {
    /// Every variant, in declaration order.
    pub const ALL: [MediaType; 28] = [
        MediaType::Jpeg,
        MediaType::Png,
        MediaType::Gif,
        MediaType::Webp,
        MediaType::Heic,
        MediaType::Heif,
        MediaType::Avif,
        MediaType::Tiff,
        MediaType::Bmp,
        MediaType::Ico,
        MediaType::Mp4,
        MediaType::Mov,
        MediaType::ThreeGp,
        MediaType::ThreeG2,
        MediaType::Avi,
        MediaType::Mkv,
        MediaType::Webm,
        MediaType::Cr2,
        MediaType::Cr3,
        MediaType::Nef,
        MediaType::Arw,
        MediaType::Dng,
        MediaType::Raf,
        MediaType::Orf,
        MediaType::Rw2,
        MediaType::Pef,
        MediaType::Srw,
        MediaType::OtherRaw,
    ];

    /// The MIME type reported in `MediaItem.mimeType`.
    ///
    /// RAW types use the freedesktop.org shared-mime-info names (`image/x-canon-cr2`, ...);
    /// an unidentified camera's RAW is `image/x-dcraw`, that database's parent type.
    pub const fn mime_type(self) -> &'static str {
        match self {
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Gif => "image/gif",
            MediaType::Webp => "image/webp",
            MediaType::Heic => "image/heic",
            MediaType::Heif => "image/heif",
            MediaType::Avif => "image/avif",
            MediaType::Tiff => "image/tiff",
            MediaType::Bmp => "image/bmp",
            MediaType::Ico => "image/x-icon",
            MediaType::Mp4 => "video/mp4",
            MediaType::Mov => "video/quicktime",
            MediaType::ThreeGp => "video/3gpp",
            MediaType::ThreeG2 => "video/3gpp2",
            MediaType::Avi => "video/x-msvideo",
            MediaType::Mkv => "video/x-matroska",
            MediaType::Webm => "video/webm",
            MediaType::Cr2 => "image/x-canon-cr2",
            MediaType::Cr3 => "image/x-canon-cr3",
            MediaType::Nef => "image/x-nikon-nef",
            MediaType::Arw => "image/x-sony-arw",
            MediaType::Dng => "image/x-adobe-dng",
            MediaType::Raf => "image/x-fuji-raf",
            MediaType::Orf => "image/x-olympus-orf",
            MediaType::Rw2 => "image/x-panasonic-rw2",
            MediaType::Pef => "image/x-pentax-pef",
            MediaType::Srw => "image/x-samsung-srw",
            MediaType::OtherRaw => "image/x-dcraw",
        }
    }

    /// The usual file extension, lower case and without the dot.
    pub const fn extension(self) -> &'static str {
        match self {
            MediaType::Jpeg => "jpg",
            MediaType::Png => "png",
            MediaType::Gif => "gif",
            MediaType::Webp => "webp",
            MediaType::Heic => "heic",
            MediaType::Heif => "heif",
            MediaType::Avif => "avif",
            MediaType::Tiff => "tif",
            MediaType::Bmp => "bmp",
            MediaType::Ico => "ico",
            MediaType::Mp4 => "mp4",
            MediaType::Mov => "mov",
            MediaType::ThreeGp => "3gp",
            MediaType::ThreeG2 => "3g2",
            MediaType::Avi => "avi",
            MediaType::Mkv => "mkv",
            MediaType::Webm => "webm",
            MediaType::Cr2 => "cr2",
            MediaType::Cr3 => "cr3",
            MediaType::Nef => "nef",
            MediaType::Arw => "arw",
            MediaType::Dng => "dng",
            MediaType::Raf => "raf",
            MediaType::Orf => "orf",
            MediaType::Rw2 => "rw2",
            MediaType::Pef => "pef",
            MediaType::Srw => "srw",
            MediaType::OtherRaw => "raw",
        }
    }

    /// Whether this is a video (`mediaMetadata.video`) rather than a photo.
    pub const fn is_video(self) -> bool {
        matches!(
            self,
            MediaType::Mp4
                | MediaType::Mov
                | MediaType::ThreeGp
                | MediaType::ThreeG2
                | MediaType::Avi
                | MediaType::Mkv
                | MediaType::Webm
        )
    }

    /// Whether this is a camera RAW format, which the probe refuses with
    /// [`crate::ProbeError::RawNotSupported`].
    pub const fn is_raw(self) -> bool {
        matches!(
            self,
            MediaType::Cr2
                | MediaType::Cr3
                | MediaType::Nef
                | MediaType::Arw
                | MediaType::Dng
                | MediaType::Raf
                | MediaType::Orf
                | MediaType::Rw2
                | MediaType::Pef
                | MediaType::Srw
                | MediaType::OtherRaw
        )
    }

    /// Whether this is a still image (including RAW).
    pub const fn is_image(self) -> bool {
        !self.is_video()
    }

    /// The type whose [`mime_type`](Self::mime_type) is `mime` (ASCII case-insensitive,
    /// parameters after `;` ignored), plus the common aliases `image/jpg` and `video/avi`.
    pub fn from_mime_type(mime: &str) -> Option<MediaType> {
        let essence = mime.split(';').next().unwrap_or(mime).trim();
        let aliases = [
            ("image/jpg", MediaType::Jpeg),
            ("image/pjpeg", MediaType::Jpeg),
            ("image/vnd.microsoft.icon", MediaType::Ico),
            ("video/avi", MediaType::Avi),
            ("video/x-m4v", MediaType::Mp4),
        ];
        MediaType::ALL
            .iter()
            .map(|t| (t.mime_type(), *t))
            .chain(aliases)
            .find(|(name, _)| name.eq_ignore_ascii_case(essence))
            .map(|(_, t)| t)
    }
}

impl fmt::Display for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.mime_type())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mime_type_maps_back_to_its_media_type() {
        for t in MediaType::ALL {
            assert_eq!(MediaType::from_mime_type(t.mime_type()), Some(t));
        }
        assert_eq!(
            MediaType::from_mime_type("IMAGE/JPG; q=1"),
            Some(MediaType::Jpeg)
        );
        assert_eq!(MediaType::from_mime_type("application/octet-stream"), None);
    }

    #[test]
    fn raw_types_are_images_and_never_videos() {
        for t in MediaType::ALL {
            assert!(!(t.is_raw() && t.is_video()), "{t:?}");
            assert_eq!(t.is_image(), !t.is_video());
        }
    }
}
