//! Parsing a batch request body (`multipart/mixed`, one `application/http` part per call)
//! into the inner HTTP requests: a pure, bounded, non-recursive function of the outer
//! `Content-Type` and the body bytes, so it can be fuzzed.
//!
//! The format is the one Google's batch endpoints take and its client libraries write:
//! google-api-python-client sends LF line endings, a quoted `boundary`, `Content-ID: <base +
//! n>` and an inner `GET /v1/... HTTP/1.1` line; other clients send CRLF and absolute inner
//! URLs. Both line endings are accepted everywhere. A malformed part becomes a per-part error
//! (the other parts still run); only a malformed envelope (content type, boundary, delimiters,
//! part count) refuses the whole batch.

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::uri::PathAndQuery;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Uri};

/// The most calls one batch may hold, as Google documents for its batch endpoints.
pub const MAX_PARTS: usize = 1000;
/// The most header lines in one header block (a part's own, or its inner request's).
const MAX_HEADERS: usize = 64;
/// The most bytes of one header block, request line included.
const MAX_HEADER_BLOCK_BYTES: usize = 16 * 1024;
/// RFC 2046's limit on a boundary's length.
const MAX_BOUNDARY_BYTES: usize = 70;
const CONTENT_ID: HeaderName = HeaderName::from_static("content-id");

/// One part of a batch: its `Content-ID` and its request, or why it cannot run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchPart {
    /// The part's `Content-ID` as sent; the answer carries it as `response-…`.
    pub content_id: Option<String>,
    pub request: Result<InnerRequest, PartError>,
}

/// An HTTP request carried in a part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InnerRequest {
    pub method: Method,
    /// Path and query (an absolute inner URL keeps only these).
    pub target: PathAndQuery,
    /// The inner request's own headers, `Content-Length` and `Host` left out.
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Why the whole batch was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchError {
    NotMultipartMixed,
    MissingBoundary,
    BadBoundary,
    NoParts,
    Unterminated,
    TooManyParts,
}

impl std::fmt::Display for BatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::NotMultipartMixed => {
                "A batch request must have Content-Type multipart/mixed with a boundary."
            }
            Self::MissingBoundary => "The batch request's Content-Type has no boundary.",
            Self::BadBoundary => {
                "The batch request's boundary must be 1 to 70 characters without line breaks."
            }
            Self::NoParts => "The batch request contains no parts.",
            Self::Unterminated => "The batch request does not end with its closing boundary.",
            Self::TooManyParts => "A batch request may contain at most 1000 calls.",
        })
    }
}

impl std::error::Error for BatchError {}

/// Why one part cannot run; answered in that part with 400.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartError {
    Empty,
    NotApplicationHttp,
    HeadersTooLarge,
    TooManyHeaders,
    MalformedHeader,
    MalformedRequestLine,
    BadTarget,
    BadContentLength,
}

impl std::fmt::Display for PartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Empty => "The batch part is empty.",
            Self::NotApplicationHttp => "A batch part must have Content-Type application/http.",
            Self::HeadersTooLarge => "The batch part's headers exceed 16 KiB.",
            Self::TooManyHeaders => "The batch part has more than 64 headers.",
            Self::MalformedHeader => "The batch part has a malformed header line.",
            Self::MalformedRequestLine => {
                "The batch part must start with a request line such as `GET /v1/albums HTTP/1.1`."
            }
            Self::BadTarget => "The batch part's request URL is not a path or an http(s) URL.",
            Self::BadContentLength => {
                "The batch part's Content-Length is not a number or exceeds its body."
            }
        })
    }
}

impl std::error::Error for PartError {}

/// Parses a batch body sent with `content_type`. See the module documentation.
pub fn parse_batch(content_type: &str, body: &[u8]) -> Result<Vec<BatchPart>, BatchError> {
    let boundary = boundary_of(content_type)?;
    let raw_parts = split_parts(body, boundary.as_bytes())?;
    Ok(raw_parts.into_iter().map(parse_part).collect())
}

fn boundary_of(content_type: &str) -> Result<String, BatchError> {
    let mime: mime::Mime = content_type
        .parse()
        .map_err(|_| BatchError::NotMultipartMixed)?;
    if mime.type_() != mime::MULTIPART || mime.subtype() != "mixed" {
        return Err(BatchError::NotMultipartMixed);
    }
    let boundary = mime
        .get_param(mime::BOUNDARY)
        .ok_or(BatchError::MissingBoundary)?
        .as_str();
    let acceptable =
        (1..=MAX_BOUNDARY_BYTES).contains(&boundary.len()) && !boundary.contains(['\r', '\n']);
    if acceptable {
        Ok(boundary.to_owned())
    } else {
        Err(BatchError::BadBoundary)
    }
}

/// What a line starting with `--boundary` turns out to be.
enum Delimiter {
    /// `--boundary--`: the end of the last part.
    Close,
    /// `--boundary` and a line break: a part starts at this offset.
    Open(usize),
}

/// Classifies the line at `start`; `None` if it is not a delimiter line (content that
/// merely starts like one).
fn delimiter_at(body: &[u8], start: usize, dash_boundary: &[u8]) -> Option<Delimiter> {
    let after = body.get(start..)?.strip_prefix(dash_boundary)?;
    if after.starts_with(b"--") {
        return Some(Delimiter::Close);
    }
    // RFC 2046 allows transport padding (whitespace) before the line break.
    let padding = after
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    let rest = after.get(padding..)?;
    let line_break = if rest.starts_with(b"\r\n") {
        2
    } else if rest.starts_with(b"\n") {
        1
    } else {
        return None;
    };
    Some(Delimiter::Open(
        start + dash_boundary.len() + padding + line_break,
    ))
}

/// The raw bytes of each part, between delimiters; the line break before a delimiter
/// belongs to the delimiter. The preamble and epilogue are ignored, as RFC 2046 says.
fn split_parts<'a>(body: &'a [u8], boundary: &[u8]) -> Result<Vec<&'a [u8]>, BatchError> {
    let dash_boundary = [b"--".as_slice(), boundary].concat();
    let line_starts = std::iter::once(0).chain(
        body.iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'\n')
            .map(|(i, _)| i + 1),
    );
    let mut parts = Vec::new();
    let mut open: Option<usize> = None;
    for start in line_starts {
        let Some(delimiter) = delimiter_at(body, start, &dash_boundary) else {
            continue;
        };
        if let Some(content_start) = open {
            if parts.len() == MAX_PARTS {
                return Err(BatchError::TooManyParts);
            }
            let end = content_end(body, start).max(content_start);
            parts.push(body.get(content_start..end).unwrap_or_default());
        }
        match delimiter {
            Delimiter::Close if parts.is_empty() => return Err(BatchError::NoParts),
            Delimiter::Close => return Ok(parts),
            Delimiter::Open(next) => open = Some(next),
        }
    }
    Err(if open.is_none() {
        BatchError::NoParts
    } else {
        BatchError::Unterminated
    })
}

/// Where a part's content ends, given the start of the delimiter line after it.
fn content_end(body: &[u8], delimiter_start: usize) -> usize {
    let before = body.get(..delimiter_start).unwrap_or_default();
    let without_lf = before.strip_suffix(b"\n").unwrap_or(before);
    without_lf.strip_suffix(b"\r").unwrap_or(without_lf).len()
}

fn parse_part(raw: &[u8]) -> BatchPart {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return BatchPart {
            content_id: None,
            request: Err(PartError::Empty),
        };
    }
    let (headers, payload) = match header_block(raw) {
        Ok(parsed) => parsed,
        Err(err) => {
            return BatchPart {
                content_id: None,
                request: Err(err),
            };
        }
    };
    let content_id = headers
        .get(CONTENT_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let is_http = headers.get(CONTENT_TYPE).is_none_or(|value| {
        value.to_str().is_ok_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/http"))
        })
    });
    let request = if is_http {
        inner_request(payload)
    } else {
        Err(PartError::NotApplicationHttp)
    };
    BatchPart {
        content_id,
        request,
    }
}

fn inner_request(payload: &[u8]) -> Result<InnerRequest, PartError> {
    // Empty lines before the request line are ignored, as RFC 9112 allows.
    let skipped = payload
        .iter()
        .take_while(|b| matches!(b, b'\r' | b'\n'))
        .count();
    let payload = payload.get(skipped..).unwrap_or_default();
    let (line, rest) = split_line(payload);
    if line.len() > MAX_HEADER_BLOCK_BYTES {
        return Err(PartError::HeadersTooLarge);
    }
    let (method, target) = request_line(line)?;
    let (mut headers, body) = header_block(rest)?;
    let body = match headers.remove(CONTENT_LENGTH) {
        Some(length) => {
            let length: usize = length
                .to_str()
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .ok_or(PartError::BadContentLength)?;
            body.get(..length).ok_or(PartError::BadContentLength)?
        }
        None => body,
    };
    headers.remove(http::header::HOST);
    Ok(InnerRequest {
        method,
        target,
        headers,
        body: Bytes::copy_from_slice(body),
    })
}

/// `METHOD target [HTTP/x.y]`; the version may be left out, as Google's own examples do.
fn request_line(line: &[u8]) -> Result<(Method, PathAndQuery), PartError> {
    let line = std::str::from_utf8(line).map_err(|_| PartError::MalformedRequestLine)?;
    let mut words = line.split(' ').filter(|w| !w.is_empty());
    let (Some(method), Some(target)) = (words.next(), words.next()) else {
        return Err(PartError::MalformedRequestLine);
    };
    let version_ok = words.next().is_none_or(|v| v.starts_with("HTTP/"));
    if !version_ok || words.next().is_some() {
        return Err(PartError::MalformedRequestLine);
    }
    let method =
        Method::from_bytes(method.as_bytes()).map_err(|_| PartError::MalformedRequestLine)?;
    Ok((method, target_of(target)?))
}

fn target_of(target: &str) -> Result<PathAndQuery, PartError> {
    let absolute = target.starts_with("http://") || target.starts_with("https://");
    if !absolute && !target.starts_with('/') {
        return Err(PartError::BadTarget);
    }
    let uri: Uri = target.parse().map_err(|_| PartError::BadTarget)?;
    uri.path_and_query().cloned().ok_or(PartError::BadTarget)
}

/// The first line (without its line break) and what follows it.
fn split_line(input: &[u8]) -> (&[u8], &[u8]) {
    match input.iter().position(|&b| b == b'\n') {
        Some(lf) => {
            let line = input.get(..lf).unwrap_or_default();
            let rest = input.get(lf + 1..).unwrap_or_default();
            (line.strip_suffix(b"\r").unwrap_or(line), rest)
        }
        None => (input, &[]),
    }
}

/// A MIME/HTTP header block up to its empty line (or the end of the input), and what
/// follows. Folded continuation lines are joined to their header.
fn header_block(input: &[u8]) -> Result<(HeaderMap, &[u8]), PartError> {
    let mut lines: Vec<(&[u8], Vec<u8>)> = Vec::new();
    let mut rest = input;
    loop {
        if input.len() - rest.len() > MAX_HEADER_BLOCK_BYTES {
            return Err(PartError::HeadersTooLarge);
        }
        if rest.is_empty() {
            break;
        }
        let (line, after) = split_line(rest);
        rest = after;
        if line.is_empty() {
            break;
        }
        if line.starts_with(b" ") || line.starts_with(b"\t") {
            let (_, value) = lines.last_mut().ok_or(PartError::MalformedHeader)?;
            value.push(b' ');
            value.extend_from_slice(line.trim_ascii());
            continue;
        }
        if lines.len() == MAX_HEADERS {
            return Err(PartError::TooManyHeaders);
        }
        let colon = line
            .iter()
            .position(|&b| b == b':')
            .ok_or(PartError::MalformedHeader)?;
        let name = line.get(..colon).unwrap_or_default();
        let value = line.get(colon + 1..).unwrap_or_default().trim_ascii();
        lines.push((name, value.to_vec()));
    }
    if input.len() - rest.len() > MAX_HEADER_BLOCK_BYTES {
        return Err(PartError::HeadersTooLarge);
    }
    let mut headers = HeaderMap::new();
    for (name, value) in lines {
        let name = HeaderName::from_bytes(name).map_err(|_| PartError::MalformedHeader)?;
        let value = HeaderValue::from_bytes(&value).map_err(|_| PartError::MalformedHeader)?;
        headers.append(name, value);
    }
    Ok((headers, rest))
}

#[cfg(test)]
mod tests;
