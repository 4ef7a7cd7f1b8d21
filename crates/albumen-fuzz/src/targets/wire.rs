//! Targets for the HTTP wire format: the `fields` selector, the system-parameter middleware,
//! and the proto-JSON binding of every Library body and query.

use std::sync::OnceLock;

use albumen_api::library::binding::{BODY_METHODS, QUERY_METHODS, bind_body, bind_query};
use albumen_api::wire::field_mask::{FieldMask, MAX_SELECTOR_BYTES};
use albumen_api::wire::json_response;
use albumen_api::wire::system_params::system_parameters;
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use axum::middleware::from_fn;
use axum::routing::get;
use serde_json::{Value, json};
use tower::ServiceExt;

use super::message_kind;
use crate::engine::{Outcome, Target};

pub(super) const FIELD_MASK: Target = Target {
    name: "field_mask",
    covers: "the `fields` selector parser (`FieldMask::parse`) and pruning a response with it",
    run: field_mask,
    dictionary: &[
        b"(",
        b")",
        b",",
        b"/",
        b"*",
        b" ",
        b"mediaItems",
        b"a(",
        b"a/",
    ],
    max_len: MAX_SELECTOR_BYTES + 64,
};

pub(super) const SYSTEM_PARAMS: Target = Target {
    name: "system_params",
    covers: "the system-parameter middleware (`fields`, `prettyPrint`, `alt`, ...) on a \
             Library path, through a real axum router",
    run: system_params,
    dictionary: &[
        b"fields=",
        b"alt=",
        b"prettyPrint=",
        b"&",
        b"=",
        b"%",
        b"%28",
        b"(",
    ],
    max_len: 16 * 1024,
};

pub(super) const JSON_BODY: Target = Target {
    name: "json_body",
    covers: "`GoogleJson` binding (serde_json, name normalisation, Google's error \
             messages) of every Library method's body; the first byte picks the method",
    run: json_body,
    dictionary: &[
        b"{",
        b"}",
        b"[",
        b"]",
        b"\"",
        b":",
        b",",
        b"null",
        b"true",
        b"1e999",
        b"-0",
        b"\"\\u0000\"",
        b"\"album\"",
        b"\"filters\"",
        b"\"newMediaItems\"",
        b"\"media_item_ids\"",
        b"\"pageSize\"",
    ],
    max_len: 64 * 1024,
};

pub(super) const QUERY_BINDING: Target = Target {
    name: "query_binding",
    covers: "`GoogleQuery` binding of the Library GET and patch queries; the first byte picks \
             the method",
    run: query_binding,
    dictionary: &[
        b"&",
        b"=",
        b"%",
        b"%00",
        b"+",
        b"pageSize=",
        b"page_token=",
        b"mediaItemIds=",
        b"updateMask=",
        b"excludeNonAppCreatedData=",
        b"fields=",
    ],
    max_len: 16 * 1024,
};

/// A response shaped like a Library listing, for the selector to prune.
fn listing() -> Value {
    json!({
        "mediaItems": [{
            "id": "A", "baseUrl": "u", "mimeType": "image/jpeg",
            "mediaMetadata": {"width": "4", "height": "3", "photo": {"cameraMake": "X"}},
        }],
        "nextPageToken": "n",
    })
}

fn leaves(value: &Value) -> usize {
    match value {
        Value::Object(members) => members.values().map(leaves).sum(),
        Value::Array(items) => items.iter().map(leaves).sum(),
        _ => 1,
    }
}

/// How deep the parentheses and slashes of a selector nest (capped), so that the engine
/// rewards inputs that go deeper.
fn nesting(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for c in text.chars() {
        match c {
            '(' | '/' => depth += 1,
            ')' | ',' => depth = depth.saturating_sub(1),
            _ => {}
        }
        deepest = deepest.max(depth);
    }
    deepest.min(64)
}

fn field_mask(input: &[u8]) -> Outcome {
    let text = String::from_utf8_lossy(input);
    let depth = nesting(&text);
    match FieldMask::parse(&text) {
        Ok(mask) => {
            let mut value = listing();
            mask.apply(&mut value);
            Ok(format!("kept {} leaves, nesting {depth}", leaves(&value)))
        }
        Err(_) => Ok(format!("refused, nesting {depth}")),
    }
}

/// One single-threaded runtime per thread, made once: the middleware is async.
fn runtime() -> Option<&'static tokio::runtime::Runtime> {
    static RUNTIME: OnceLock<Option<tokio::runtime::Runtime>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| tokio::runtime::Builder::new_current_thread().build().ok())
        .as_ref()
}

fn system_params(input: &[u8]) -> Outcome {
    let query = String::from_utf8_lossy(input);
    let Ok(request) = Request::get(format!("/v1/albums?{query}")).body(Body::empty()) else {
        return Ok("not a URI".to_owned());
    };
    let app = Router::new()
        .route(
            "/v1/albums",
            get(|| async { json_response(StatusCode::OK, &listing()) }),
        )
        .layer(from_fn(system_parameters));
    let runtime = runtime().ok_or("no runtime")?;
    let (status, body) = runtime.block_on(async {
        let response = app
            .oneshot(request)
            .await
            .map_err(|err| format!("{err:?}"))?;
        let status = response.status();
        let body = to_bytes(response.into_body(), 1 << 20)
            .await
            .map_err(|err| format!("body: {err}"))?;
        Ok::<_, String>((status, body))
    })?;
    if status.is_server_error() {
        return Err(format!("answered {status}"));
    }
    let parsed: Value =
        serde_json::from_slice(&body).map_err(|err| format!("answered non-JSON: {err}"))?;
    let kind = parsed
        .get("error")
        .and_then(|error| error.get("message"))
        .and_then(Value::as_str)
        .map(message_kind)
        .unwrap_or_else(|| format!("{} leaves", leaves(&parsed)));
    Ok(format!("{status} {kind}"))
}

fn client_error(error: &albumen_api::ApiError) -> Outcome {
    let status = error.status();
    if status.is_client_error() {
        Ok(format!("{status} {}", message_kind(error.message())))
    } else {
        Err(format!("answered {status}: {}", error.message()))
    }
}

/// Splits the method choice (first byte) from the rest of the input.
fn pick<'a>(input: &'a [u8], methods: &[&'static str]) -> (&'static str, &'a [u8]) {
    let (choice, rest) = input.split_first().map_or((0, input), |(c, r)| (*c, r));
    let method = methods
        .get(usize::from(choice) % methods.len().max(1))
        .copied()
        .unwrap_or_default();
    (method, rest)
}

fn json_body(input: &[u8]) -> Outcome {
    let (method, body) = pick(input, &BODY_METHODS);
    match bind_body(method, body) {
        Ok(()) => Ok(format!("{method} bound")),
        Err(error) => client_error(&error).map(|kind| format!("{method} {kind}")),
    }
}

fn query_binding(input: &[u8]) -> Outcome {
    let (method, query) = pick(input, &QUERY_METHODS);
    let query = String::from_utf8_lossy(query);
    match bind_query(method, Some(&query)) {
        Ok(()) => Ok(format!("{method} bound")),
        Err(error) => client_error(&error).map(|kind| format!("{method} {kind}")),
    }
}
