//! Extractors shared by the API surfaces.

pub mod bearer;
pub mod google_json;
pub mod google_query;
pub mod proto_json;
