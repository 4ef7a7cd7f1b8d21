//! The fuzz targets, one per parser of untrusted input, in [`TARGETS`]. Each feeds raw bytes
//! to the parser as the server would meet them, checks what must always hold (no panic, a
//! client error and never a server error, structural invariants of the result) and returns
//! an outcome signature that tells the engine whether the input did something new.

mod batch;
mod library;
mod media;
mod render;
mod wire;

use crate::engine::Target;

pub use library::{FUZZ_NOW, SEED_SIGNING_KEY};

/// Every target, in the order reports list them.
pub const TARGETS: &[Target] = &[
    wire::FIELD_MASK,
    wire::SYSTEM_PARAMS,
    wire::JSON_BODY,
    wire::QUERY_BINDING,
    batch::BATCH_MULTIPART,
    library::SEARCH_FILTERS,
    library::PAGE_TOKEN,
    library::BASE_URL_OPTIONS,
    library::BASE_URL_TOKEN,
    library::UPLOAD_HEADERS,
    media::MEDIA_PROBE,
    media::LOCATION_STRIP,
    render::RENDER,
];

/// The target named `name`.
pub fn by_name(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|target| target.name == name)
}

/// The first words of an error message, enough to tell kinds of refusal apart without
/// making every echoed value (a selector, a name, a number) a new outcome.
fn message_kind(message: &str) -> String {
    message
        .split(|c: char| c == '\'' || c == '"' || c.is_ascii_digit())
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .take(4)
        .collect::<Vec<_>>()
        .join(" ")
}
