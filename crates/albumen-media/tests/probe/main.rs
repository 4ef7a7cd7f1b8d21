//! The probe's behaviour on real and hand-built files, in one test binary.

mod exif;
mod images;
mod raw;
mod robustness;
mod samples;
mod sniffing;
mod videos;
