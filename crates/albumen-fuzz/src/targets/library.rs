//! Targets for the Library domain's parsers: search filters, page tokens, base-URL options
//! and signed tokens, and the upload and byte-range headers.

use albumen_api::library::binding::{search_input, served_range, upload_headers};
use albumen_core::media::Visibility;
use albumen_core::user::UserId;
use albumen_library::base_url::options::{
    MAX_DIMENSION, UnknownParameterPolicy, parse_options, parse_options_with,
};
use albumen_library::base_url::signing::BaseUrlSigner;
use albumen_library::base_url::split_path;
use albumen_library::page_token;
use albumen_library::search::build_query;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use time::OffsetDateTime;
use time::macros::datetime;

use super::message_kind;
use crate::engine::{Outcome, Target};

/// The signing key of the base-URL token seeds (`corpus/base_url_token/`).
pub const SEED_SIGNING_KEY: [u8; 32] = [7; 32];
/// The instant the fuzzed tokens are checked at; the seeds expire an hour after it.
pub const FUZZ_NOW: OffsetDateTime = datetime!(2026-01-01 00:00 UTC);

pub(super) const SEARCH_FILTERS: Target = Target {
    name: "search_filters",
    covers: "a `mediaItems.search` body bound and validated into a store query \
             (`build_query`: dates, ranges, categories, media types, features, order)",
    run: search_filters,
    dictionary: &[
        b"{",
        b"}",
        b"[",
        b"]",
        b",",
        b"\"dateFilter\":",
        b"\"dates\":",
        b"\"ranges\":",
        b"\"year\":",
        b"\"month\":",
        b"\"day\":",
        b"\"startDate\":",
        b"\"endDate\":",
        b"\"contentFilter\":",
        b"\"mediaTypeFilter\":",
        b"\"featureFilter\":",
        b"\"orderBy\":",
        b"\"PHOTO\"",
        b"\"FAVORITES\"",
        b"\"LANDSCAPES\"",
        b"-1",
        b"2147483647",
        b"0",
    ],
    max_len: 64 * 1024,
};

pub(super) const PAGE_TOKEN: Target = Target {
    name: "page_token",
    covers: "opaque page tokens: decoding a hostile token, and encode/decode round trips",
    run: page_token_target,
    dictionary: &[b"|", b"p1|", b"=", b"-", b"_", b" "],
    max_len: 8 * 1024,
};

pub(super) const BASE_URL_OPTIONS: Target = Target {
    name: "base_url_options",
    covers: "the base-URL option grammar (`w512-h512-c`, `d`, `dv`, ...) under both policies",
    run: base_url_options,
    dictionary: &[
        b"-",
        b"w",
        b"h",
        b"c",
        b"d",
        b"dv",
        b"no",
        b"0",
        b"16383",
        b"99999999999",
    ],
    max_len: 8 * 1024,
};

pub(super) const BASE_URL_TOKEN: Target = Target {
    name: "base_url_token",
    covers: "the `/lr/` path tail: split into token and options, HMAC-signed token \
             verification and payload decoding, then the options",
    run: base_url_token,
    dictionary: &[b"=", b"-", b"/", b"A", b"_", b"w100-h100"],
    max_len: 8 * 1024,
};

pub(super) const UPLOAD_HEADERS: Target = Target {
    name: "upload_headers",
    covers: "the upload headers (`X-Goog-Upload-Command`, file name, content type) and the \
             byte route's `Range`; input is `name: value` lines",
    run: upload_headers_target,
    dictionary: &[
        b"\n",
        b": ",
        b"x-goog-upload-command: ",
        b"x-goog-upload-file-name: ",
        b"content-type: ",
        b"range: bytes=",
        b"upload, finalize",
        b",",
        b"%",
        b"-",
        b";",
    ],
    max_len: 16 * 1024,
};

fn search_filters(input: &[u8]) -> Outcome {
    let search = match search_input(input) {
        Ok(search) => search,
        Err(error) if error.status().is_client_error() => {
            return Ok(format!("unbound {}", message_kind(error.message())));
        }
        Err(error) => return Err(format!("answered {}: {}", error.status(), error.message())),
    };
    let visibility = |_| Visibility {
        user_id: UserId::from_stored("u".to_owned()),
        client_id: None,
    };
    match build_query(&search, visibility, FUZZ_NOW) {
        Ok(query) => Ok(format!(
            "query date:{} kind:{:?} favorites:{} archived:{}",
            query.date.is_some(),
            query.kind,
            query.favorites_only,
            query.include_archived
        )),
        Err(error) => Ok(format!("invalid {}", message_kind(&error.to_string()))),
    }
}

fn page_token_target(input: &[u8]) -> Outcome {
    let text = String::from_utf8_lossy(input);
    let fingerprint = page_token::fingerprint("fuzzed listing");
    let decoded = page_token::decode(&fingerprint, &text);
    if !text.is_empty() {
        let token = page_token::encode(&fingerprint, &text);
        match page_token::decode(&fingerprint, &token) {
            Ok(key) if key == text => {}
            other => return Err(format!("round trip of {text:?} gave {other:?}")),
        }
    }
    Ok(if decoded.is_ok() {
        "decoded"
    } else {
        "refused"
    }
    .to_owned())
}

fn base_url_options(input: &[u8]) -> Outcome {
    let text = String::from_utf8_lossy(input);
    let lenient = parse_options(&text);
    let strict = parse_options_with(&text, UnknownParameterPolicy::Reject);
    if let Ok(options) = &lenient {
        let in_range = |d: Option<u32>| d.is_none_or(|d| (1..=MAX_DIMENSION).contains(&d));
        if !in_range(options.width) || !in_range(options.height) {
            return Err(format!("dimension out of range: {options:?}"));
        }
    }
    if let Ok(strict) = &strict
        && lenient.as_ref() != Ok(strict)
    {
        return Err(format!("strict {strict:?} but lenient {lenient:?}"));
    }
    Ok(match (&lenient, &strict) {
        (Ok(options), Ok(_)) => format!(
            "known w:{} h:{} c:{} d:{} dv:{} no:{}",
            options.width.is_some(),
            options.height.is_some(),
            options.crop,
            options.download,
            options.video,
            options.no_overlay
        ),
        (Ok(_), Err(_)) => "unknown options".to_owned(),
        (Err(error), _) => format!("refused {}", message_kind(&error.to_string())),
    })
}

fn base_url_token(input: &[u8]) -> Outcome {
    let tail = String::from_utf8_lossy(input);
    let Some((token, options)) = split_path(&tail) else {
        return Ok("not a base URL path".to_owned());
    };
    if token.contains('=') || token.contains('/') {
        return Err(format!("split_path left a separator in {token:?}"));
    }
    let signer = BaseUrlSigner::new(SEED_SIGNING_KEY);
    let verdict = match signer.verify(token, FUZZ_NOW) {
        Ok(claims) => {
            if signer.verify(&signer.sign(&claims), FUZZ_NOW).as_ref() != Ok(&claims) {
                return Err(format!("re-signed claims do not verify: {claims:?}"));
            }
            "valid".to_owned()
        }
        Err(error) => format!("{error:?}"),
    };
    let options = parse_options(options).map_or("bad options", |_| "options");
    Ok(format!("{verdict} {options}"))
}

fn upload_headers_target(input: &[u8]) -> Outcome {
    let mut headers = HeaderMap::new();
    let mut ranges = Vec::new();
    for line in input.split(|b| *b == b'\n') {
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            continue;
        };
        let (name, value) = line.split_at(colon);
        let value = value.get(1..).unwrap_or_default().trim_ascii();
        let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name), HeaderValue::from_bytes(value))
        else {
            continue;
        };
        if name == "range" {
            ranges.push(value.clone());
        }
        headers.append(name, value);
    }
    let read = upload_headers(&headers);
    for range in ranges.iter().filter_map(|v| v.to_str().ok()) {
        for size in [0, 1, 100, u64::MAX] {
            if let Some((start, end)) = served_range(range, size)
                && (start >= end || end > size)
            {
                return Err(format!("range {range:?} over {size} served {start}..{end}"));
            }
        }
    }
    Ok(format!(
        "command:{:?} name:{} type:{}",
        read.command,
        read.file_name.is_some(),
        read.mime_type.is_some()
    ))
}
