//! Contract suites: the behaviour every implementation of a storage port must show. Each
//! function is one test case; the test binary runs it once per backend.

pub mod blobs;
pub mod changes;
pub mod console;
pub mod derivatives;
pub mod media;
pub mod media_albums;
pub mod oauth;
pub mod quotas;
pub mod upload_sessions;
pub mod uploads;
pub mod users;
