//! The Photos Library domain, free of HTTP and SQL: media items, albums, uploads, search,
//! app-created scoping and the signed `baseUrl`s that serve media bytes.
#![forbid(unsafe_code)]

pub mod base_url;
pub mod profile;
pub mod quota;
pub mod upload;
