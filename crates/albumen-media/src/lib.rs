//! Albumen's media layer: probing untrusted uploads (type, dimensions, EXIF, video facts).
#![forbid(unsafe_code)]
