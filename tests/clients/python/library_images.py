"""Camera-like JPEGs for the Library API check, made with Pillow: a distinct picture per
seed (so no two uploads share bytes), EXIF camera facts and capture time, and optionally a
GPS position, which the server must strip from `baseUrl=d` downloads while keeping the rest.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from PIL import ExifTags, Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational

from albumen_pages import CheckFailed

MAKE = "Albumen Test Optics"
# Rationals, as cameras write them (a float would be stored as a TIFF double).
GPS_LATITUDE = (IFDRational(48, 1), IFDRational(51, 1), IFDRational(295, 10))
GPS_LONGITUDE = (IFDRational(2, 1), IFDRational(17, 1), IFDRational(402, 10))


@dataclass
class TestPhoto:
    name: str
    data: bytes
    width: int
    height: int
    taken: datetime | None
    has_gps: bool


def make_jpeg(name: str, seed: int, taken: datetime | None, gps: bool = False, size: tuple[int, int] = (640, 480)) -> TestPhoto:
    """A JPEG with a seed-dependent picture and EXIF (`taken` None: no capture time at all)."""
    width, height = size
    image = Image.new("RGB", size, ((seed * 53) % 256, (seed * 97) % 256, (seed * 31) % 256))
    draw = ImageDraw.Draw(image)
    for band in range(8):
        shade = ((seed + band) * 37) % 256
        draw.rectangle((band * width // 8, 0, (band + 1) * width // 8 - 1, height // 2), fill=(shade, 255 - shade, band * 30))
    draw.ellipse((width // 4, height // 3, width // 4 + seed * 7 % 200 + 40, height - 10), fill=(250, 250, seed % 256))

    exif = Image.Exif()
    exif[ExifTags.Base.Make] = MAKE
    exif[ExifTags.Base.Model] = f"Model {seed}"
    exif[ExifTags.Base.Software] = "albumen client check"
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.FNumber] = IFDRational(28, 10)
    details[ExifTags.Base.FocalLength] = IFDRational(35, 1)
    details[ExifTags.Base.ISOSpeedRatings] = 200
    details[ExifTags.Base.ExposureTime] = IFDRational(1, 125)
    if taken is not None:
        stamp = taken.strftime("%Y:%m:%d %H:%M:%S")
        details[ExifTags.Base.DateTimeOriginal] = stamp
        details[ExifTags.Base.DateTimeDigitized] = stamp
    if gps:
        position = exif.get_ifd(ExifTags.IFD.GPSInfo)
        position[ExifTags.GPS.GPSVersionID] = b"\x02\x03\x00\x00"
        position[ExifTags.GPS.GPSLatitudeRef] = "N"
        position[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
        position[ExifTags.GPS.GPSLongitudeRef] = "E"
        position[ExifTags.GPS.GPSLongitude] = GPS_LONGITUDE
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=92)
    photo = TestPhoto(name, out.getvalue(), width, height, taken, gps)
    # The fixture itself must carry what the download is later checked for.
    facts = exif_facts(photo.data)
    if gps and not facts["gps"]:
        raise CheckFailed(f"Pillow wrote no GPS into {name}; the location check would prove nothing")
    if taken is not None and facts["taken"] != taken.strftime("%Y:%m:%d %H:%M:%S"):
        raise CheckFailed(f"Pillow wrote no capture time into {name}: {facts}")
    return photo


def exif_facts(data: bytes) -> dict:
    """What the checks compare: size, capture time, camera make and any GPS tags."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        exif = image.getexif()
        details = exif.get_ifd(ExifTags.IFD.Exif)
        position = exif.get_ifd(ExifTags.IFD.GPSInfo)
        location_tags = {
            tag: value
            for tag, value in position.items()
            if tag in (ExifTags.GPS.GPSLatitude, ExifTags.GPS.GPSLongitude, ExifTags.GPS.GPSAltitude)
            and _nonzero(value)
        }
        return {
            "format": image.format,
            "size": image.size,
            "taken": details.get(ExifTags.Base.DateTimeOriginal),
            "make": exif.get(ExifTags.Base.Make),
            "gps": location_tags,
        }


def _nonzero(value) -> bool:
    """A zeroed coordinate is how a same-length strip may leave the tag: that is no location."""
    if isinstance(value, tuple):
        return any(_nonzero(v) for v in value)
    try:
        return float(value) != 0.0
    except (TypeError, ValueError, ZeroDivisionError):
        return bool(value)


def same_pixels(original: bytes, downloaded: bytes) -> bool:
    """Whether both files decode to the same picture (metadata may differ)."""
    with Image.open(io.BytesIO(original)) as a, Image.open(io.BytesIO(downloaded)) as b:
        return a.size == b.size and a.mode == b.mode and a.tobytes() == b.tobytes()
