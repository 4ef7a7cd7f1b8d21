//! EXIF facts through kamadak-exif: orientation, capture time, camera, exposure and GPS.
//! Never fails: a missing or broken EXIF block only means fewer facts.

use std::io::Cursor;

use exif::{Exif, In, Tag, Value};
use time::{Date, Month, PrimitiveDateTime, Time, UtcOffset};

use crate::read::guarded;
use crate::{CaptureTime, GpsPosition, MediaType};

/// Longest camera make or model kept; longer values are junk or an attack.
const MAX_TEXT_CHARS: usize = 255;

/// What the EXIF block says, each fact `None` when absent or out of range.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ExifFacts {
    pub(crate) orientation: Option<u16>,
    pub(crate) capture_time: Option<CaptureTime>,
    pub(crate) camera_make: Option<String>,
    pub(crate) camera_model: Option<String>,
    pub(crate) focal_length_mm: Option<f64>,
    pub(crate) aperture_f_number: Option<f64>,
    pub(crate) iso: Option<u32>,
    pub(crate) exposure_time_s: Option<f64>,
    pub(crate) location: Option<GpsPosition>,
}

/// Reads the EXIF block of a JPEG, PNG, WebP, TIFF or HEIF/AVIF file.
pub(crate) fn read_exif(bytes: &[u8], media_type: MediaType) -> ExifFacts {
    let has_exif_container = matches!(
        media_type,
        MediaType::Jpeg
            | MediaType::Png
            | MediaType::Webp
            | MediaType::Tiff
            | MediaType::Heic
            | MediaType::Heif
            | MediaType::Avif
    );
    if !has_exif_container {
        return ExifFacts::default();
    }
    let parsed = guarded(|| {
        exif::Reader::new()
            .continue_on_error(true)
            .read_from_container(&mut Cursor::new(bytes))
            .or_else(|e| e.distill_partial_result(|_ignored| {}))
            .ok()
    });
    match parsed.flatten() {
        Some(exif) => facts_of(&exif),
        None => ExifFacts::default(),
    }
}

fn facts_of(exif: &Exif) -> ExifFacts {
    ExifFacts {
        orientation: uint(exif, Tag::Orientation)
            .and_then(|o| u16::try_from(o).ok())
            .filter(|o| (1..=8).contains(o)),
        capture_time: capture_time(exif),
        camera_make: text(exif, Tag::Make),
        camera_model: text(exif, Tag::Model),
        focal_length_mm: rational(exif, Tag::FocalLength).filter(|f| *f > 0.0),
        aperture_f_number: rational(exif, Tag::FNumber)
            .or_else(|| apex(exif, Tag::ApertureValue).map(|av| 2f64.powf(av / 2.0)))
            .filter(|f| *f > 0.0 && f.is_finite()),
        iso: iso(exif),
        exposure_time_s: rational(exif, Tag::ExposureTime)
            .or_else(|| apex(exif, Tag::ShutterSpeedValue).map(|tv| 2f64.powf(-tv)))
            .filter(|t| *t > 0.0 && t.is_finite()),
        location: location(exif),
    }
}

fn field(exif: &Exif, tag: Tag) -> Option<&Value> {
    exif.get_field(tag, In::PRIMARY).map(|f| &f.value)
}

fn uint(exif: &Exif, tag: Tag) -> Option<u32> {
    field(exif, tag)?.get_uint(0)
}

fn ascii(exif: &Exif, tag: Tag) -> Option<&[u8]> {
    match field(exif, tag)? {
        Value::Ascii(parts) => parts.first().map(Vec::as_slice),
        _ => None,
    }
}

/// An ASCII field as text, trimmed of NULs and spaces; `None` when empty.
fn text(exif: &Exif, tag: Tag) -> Option<String> {
    let raw = ascii(exif, tag)?;
    let text = String::from_utf8_lossy(raw);
    let trimmed = text.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    if trimmed.is_empty() {
        return None;
    }
    Some(trimmed.chars().take(MAX_TEXT_CHARS).collect())
}

/// The first value of an unsigned rational field; `None` for a zero denominator.
fn rational(exif: &Exif, tag: Tag) -> Option<f64> {
    match field(exif, tag)? {
        Value::Rational(values) => values.first().filter(|r| r.denom != 0).map(|r| r.to_f64()),
        _ => None,
    }
}

/// An APEX value (signed or unsigned rational), as ShutterSpeedValue and ApertureValue are.
fn apex(exif: &Exif, tag: Tag) -> Option<f64> {
    let value = match field(exif, tag)? {
        Value::SRational(values) => values.first().filter(|r| r.denom != 0).map(|r| r.to_f64()),
        Value::Rational(values) => values.first().filter(|r| r.denom != 0).map(|r| r.to_f64()),
        _ => None,
    }?;
    // Outside this range 2^x is no exposure a camera makes.
    (value.abs() <= 64.0).then_some(value)
}

/// PhotographicSensitivity (SHORT, saturating at 65535), else ISOSpeed (LONG).
fn iso(exif: &Exif) -> Option<u32> {
    let sensitivity = uint(exif, Tag::PhotographicSensitivity).filter(|v| *v > 0);
    match sensitivity {
        Some(65_535) | None => uint(exif, Tag::ISOSpeed).filter(|v| *v > 0).or(sensitivity),
        found => found,
    }
}

/// DateTimeOriginal, else DateTimeDigitized, else DateTime, each with its own sub-second and
/// offset fields, falling back to OffsetTime for the offset.
fn capture_time(exif: &Exif) -> Option<CaptureTime> {
    [
        (
            Tag::DateTimeOriginal,
            Tag::SubSecTimeOriginal,
            Tag::OffsetTimeOriginal,
        ),
        (
            Tag::DateTimeDigitized,
            Tag::SubSecTimeDigitized,
            Tag::OffsetTimeDigitized,
        ),
        (Tag::DateTime, Tag::SubSecTime, Tag::OffsetTime),
    ]
    .into_iter()
    .find_map(|(date_tag, subsec_tag, offset_tag)| {
        let mut stamp = exif::DateTime::from_ascii(ascii(exif, date_tag)?).ok()?;
        if let Some(subsec) = ascii(exif, subsec_tag) {
            // A malformed sub-second value only loses the fraction.
            if stamp.parse_subsec(subsec).is_err() {
                stamp.nanosecond = None;
            }
        }
        let local = primitive(&stamp)?;
        let offset = [offset_tag, Tag::OffsetTime]
            .into_iter()
            .find_map(|tag| offset(ascii(exif, tag)?));
        Some(CaptureTime { local, offset })
    })
}

fn primitive(stamp: &exif::DateTime) -> Option<PrimitiveDateTime> {
    // Year 0 ("0000:00:00 00:00:00") is what cameras without a set clock write.
    if stamp.year == 0 {
        return None;
    }
    let month = Month::try_from(stamp.month).ok()?;
    let date = Date::from_calendar_date(i32::from(stamp.year), month, stamp.day).ok()?;
    let time = Time::from_hms_nano(
        stamp.hour,
        stamp.minute,
        stamp.second,
        stamp.nanosecond.unwrap_or(0),
    )
    .ok()?;
    Some(PrimitiveDateTime::new(date, time))
}

/// `+HH:MM` / `-HH:MM`, as OffsetTime* fields hold.
fn offset(raw: &[u8]) -> Option<UtcOffset> {
    let mut stamp = exif::DateTime::from_ascii(b"2000:01:01 00:00:00").ok()?;
    stamp.parse_offset(raw).ok()?;
    let minutes = i32::from(stamp.offset?);
    UtcOffset::from_whole_seconds(minutes.checked_mul(60)?).ok()
}

fn location(exif: &Exif) -> Option<GpsPosition> {
    let latitude = degrees(exif, Tag::GPSLatitude)? * sign(exif, Tag::GPSLatitudeRef, b'S');
    let longitude = degrees(exif, Tag::GPSLongitude)? * sign(exif, Tag::GPSLongitudeRef, b'W');
    GpsPosition::new(latitude, longitude)
}

/// Degrees, minutes and seconds (any trailing ones may be missing) as decimal degrees.
fn degrees(exif: &Exif, tag: Tag) -> Option<f64> {
    let Value::Rational(parts) = field(exif, tag)? else {
        return None;
    };
    if parts.is_empty() || parts.iter().any(|r| r.denom == 0) {
        return None;
    }
    Some(
        parts
            .iter()
            .zip([1.0, 60.0, 3600.0])
            .map(|(r, divisor)| r.to_f64() / divisor)
            .sum(),
    )
}

/// −1 when the reference field holds `negative` (`S` or `W`), else 1.
fn sign(exif: &Exif, tag: Tag, negative: u8) -> f64 {
    let reference = ascii(exif, tag).and_then(|r| r.first().copied());
    if reference.map(|r| r.to_ascii_uppercase()) == Some(negative) {
        -1.0
    } else {
        1.0
    }
}
