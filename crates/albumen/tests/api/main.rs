//! The one integration test binary: black-box tests of the real server and binary, and the
//! storage contract suites on every backend. Add modules here rather than new test binaries.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

// First, so that every module below can use `per_backend!`.
#[macro_use]
mod per_backend;

mod access_cache;
mod batch;
mod blob_contract;
mod blob_crash;
mod cli;
mod cli_console;
mod console_api;
mod db_dump;
mod discovery;
mod docs;
mod hostile_input;
mod http_foundation;
mod library;
mod log_redaction;
mod media_bytes;
mod oauth_errors;
mod oauth_flow;
mod oauth_support;
mod photoslibrary1_client;
mod quotas;
mod renditions;
mod store_contract;
mod uploads;
mod uploads_resumable;
mod yup_installed_flow;
