//! What a probe reports: the shapes behind Google's `MediaMetadata`, `Photo` and `Video`.

use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::MediaType;

/// The facts [`crate::probe`] learned about one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    /// The format, from the magic bytes.
    pub media_type: MediaType,
    /// Width and height as displayed, i.e. after EXIF orientation (photos) or the track
    /// matrix (videos; display size, pixel aspect included). Always present for photos; `None`
    /// for a video whose header this crate could not read (e.g. an AVI without a main header),
    /// which the server completes with `ffprobe`.
    pub dimensions: Option<Dimensions>,
    /// When the picture was taken or the video recorded (`mediaMetadata.creationTime`).
    /// `None` when the file does not say: Google then does not invent one from the upload.
    /// Videos without an offset-bearing QuickTime `creationdate` report the `mvhd` time as
    /// UTC, as the format defines it (some cameras write local time there regardless).
    pub capture_time: Option<CaptureTime>,
    /// Camera maker, trimmed (`cameraMake`).
    pub camera_make: Option<String>,
    /// Camera model, trimmed (`cameraModel`).
    pub camera_model: Option<String>,
    /// Where it was taken. Reported so that the `=d` download can strip it; never exposed
    /// through `mediaMetadata`.
    pub location: Option<GpsPosition>,
    /// Photo- or video-only facts: exactly one of Google's `photo` / `video`.
    pub details: Details,
}

/// Pixel width and height.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Dimensions {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl Dimensions {
    /// Width × height.
    pub fn pixels(self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }

    /// The same size with width and height exchanged.
    pub fn transposed(self) -> Dimensions {
        Dimensions {
            width: self.height,
            height: self.width,
        }
    }
}

/// A capture time as the file states it: a wall-clock time and, when the file records one,
/// its offset from UTC (EXIF `OffsetTimeOriginal`, QuickTime `creationdate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CaptureTime {
    /// The local date and time on the camera's clock.
    pub local: PrimitiveDateTime,
    /// The camera's offset from UTC, when recorded.
    pub offset: Option<UtcOffset>,
}

impl CaptureTime {
    /// The instant, using `fallback` as the offset when the file recorded none (the server
    /// decides which: UTC, or the user's zone).
    pub fn assume_offset(self, fallback: UtcOffset) -> OffsetDateTime {
        self.local.assume_offset(self.offset.unwrap_or(fallback))
    }
}

/// A position in decimal degrees, south and west negative.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GpsPosition {
    /// Latitude, −90 to 90.
    pub latitude: f64,
    /// Longitude, −180 to 180.
    pub longitude: f64,
}

impl GpsPosition {
    /// A position, if both values are finite and in range.
    pub fn new(latitude: f64, longitude: f64) -> Option<GpsPosition> {
        let valid = latitude.is_finite()
            && longitude.is_finite()
            && latitude.abs() <= 90.0
            && longitude.abs() <= 180.0;
        valid.then_some(GpsPosition {
            latitude,
            longitude,
        })
    }
}

/// The facts only one kind of media has.
#[derive(Debug, Clone, PartialEq)]
pub enum Details {
    /// A still image (`mediaMetadata.photo`).
    Photo(PhotoFacts),
    /// A video (`mediaMetadata.video`).
    Video(VideoFacts),
}

/// Exposure facts from EXIF (`mediaMetadata.photo`); each is `None` when absent or nonsense.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PhotoFacts {
    /// The EXIF orientation (1-8) the decoded pixels still need, for the renderer. It is 1
    /// for HEIF and AVIF, whose decoders apply the container's `irot`/`imir` themselves.
    pub orientation: u16,
    /// Focal length in millimetres (`focalLength`).
    pub focal_length_mm: Option<f64>,
    /// Aperture f-number (`apertureFNumber`).
    pub aperture_f_number: Option<f64>,
    /// ISO sensitivity (`isoEquivalent`).
    pub iso: Option<u32>,
    /// Exposure time in seconds (`exposureTime`, rendered by the API as e.g. `"0.008s"`).
    pub exposure_time_s: Option<f64>,
}

/// Video facts (`mediaMetadata.video`); each is `None` when the container does not say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VideoFacts {
    /// Duration in seconds.
    pub duration_s: Option<f64>,
    /// Average frame rate of the video track (`fps`).
    pub fps: Option<f64>,
    /// Clockwise rotation (0, 90, 180 or 270) the player applies; already folded into
    /// [`Probe::dimensions`].
    pub rotation_degrees: u16,
}
