//! The Photos Library domain, free of HTTP and SQL: media items, albums, uploads, search,
//! app-created scoping and the signed `baseUrl`s that serve media bytes.
#![forbid(unsafe_code)]

pub mod access;
pub mod albums;
pub mod base_url;
pub mod batch_create;
pub mod blob_gc;
pub mod blob_reader;
pub mod enrichment;
pub mod error;
pub mod ids;
pub mod items;
pub mod maintenance;
pub mod page_token;
pub mod profile;
pub mod quota;
pub mod renditions;
pub mod resumable;
pub mod search;
pub mod service;
pub mod sharing;
pub mod upload;
pub mod video_worker;
