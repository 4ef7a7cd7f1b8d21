//! The probe's behaviour on real and hand-built files, in one test binary. Add modules here
//! rather than new test binaries.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod exif;
mod fuzz_seeds;
mod images;
mod location_strip;
mod raw;
mod robustness;
mod samples;
mod sniffing;
mod videos;
