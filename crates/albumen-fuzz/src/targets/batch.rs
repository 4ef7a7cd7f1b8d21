//! The target for the `/batch` endpoint's `multipart/mixed` parser (`parse_batch`): the first
//! line of the input is the outer `Content-Type`, the rest the body.

use albumen_api::batch::multipart::{BatchError, parse_batch};

use crate::engine::{Outcome, Target};

pub(super) const BATCH_MULTIPART: Target = Target {
    name: "batch_multipart",
    covers: "the `/batch` endpoint's `multipart/mixed` parser (`parse_batch`): boundaries, \
             part headers, inner request lines and bodies; the first line is the outer \
             Content-Type",
    run: batch_multipart,
    dictionary: &[
        b"--batch_x\r\n",
        b"--batch_x--",
        b"\r\n\r\n",
        b"\n",
        b"Content-Type: application/http\r\n",
        b"Content-ID: <a+1>\r\n",
        b"Content-Length: 9999\r\n",
        b"GET /v1/albums HTTP/1.1\r\n",
        b"POST http://h/v1/mediaItems:search\r\n",
        b"multipart/mixed; boundary=",
        b"\"",
    ],
    max_len: 64 * 1024,
};

/// The most parts `parse_batch` may ever return.
const MAX_PARTS: usize = 1000;

fn batch_multipart(input: &[u8]) -> Outcome {
    let split = input
        .iter()
        .position(|b| *b == b'\n')
        .unwrap_or(input.len());
    let (first, body) = input.split_at(split);
    let content_type = String::from_utf8_lossy(first);
    let body = body.get(1..).unwrap_or_default();
    match parse_batch(content_type.trim(), body) {
        Ok(parts) if parts.is_empty() => Err("an accepted batch without parts".to_owned()),
        Ok(parts) if parts.len() > MAX_PARTS => Err(format!("{} parts accepted", parts.len())),
        Ok(parts) => {
            let bad = parts.iter().filter(|part| part.request.is_err()).count();
            Ok(format!("{} parts, {bad} refused", parts.len().min(10)))
        }
        Err(BatchError::TooManyParts) => Ok("too many parts".to_owned()),
        Err(err) => Ok(format!("refused: {err:?}")),
    }
}
