//! Extractors shared by the API surfaces.

pub mod bearer;
