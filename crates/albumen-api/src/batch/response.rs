//! Writing a batch answer: `multipart/mixed; boundary=batch_…`, one `application/http` part
//! per call in the order sent, each carrying `Content-ID: response-<the request's id>` and
//! the call's status line, headers and body, with CRLF line endings throughout (clients such
//! as google-api-python-client split the inner answer's headers from its body at the first
//! blank CRLF line).

use bytes::Bytes;
use http::header::{CONNECTION, CONTENT_LENGTH, TRANSFER_ENCODING};
use http::{HeaderMap, StatusCode};

/// The answer to one call of a batch.
#[derive(Debug, Clone)]
pub(crate) struct PartAnswer {
    /// The request part's `Content-ID`, if it had one.
    pub content_id: Option<String>,
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// A fresh boundary, in the `batch_…` shape Google's answers use.
pub(crate) fn new_boundary() -> String {
    format!("batch_{}", uuid::Uuid::new_v4().simple())
}

/// The outer answer's `Content-Type`.
pub(crate) fn content_type(boundary: &str) -> String {
    format!("multipart/mixed; boundary={boundary}")
}

/// The echoed id: `<base + 1>` becomes `<response-base + 1>`, a bare `x` becomes
/// `response-x`, as Google answers.
fn response_content_id(sent: &str) -> String {
    match sent.strip_prefix('<').and_then(|s| s.strip_suffix('>')) {
        Some(inner) => format!("<response-{inner}>"),
        None => format!("response-{sent}"),
    }
}

/// One part, from its opening delimiter to the line break before the next delimiter.
pub(crate) fn write_part(boundary: &str, answer: &PartAnswer) -> Vec<u8> {
    let mut out = Vec::with_capacity(answer.body.len() + 512);
    out.extend_from_slice(format!("--{boundary}\r\nContent-Type: application/http\r\n").as_bytes());
    if let Some(id) = &answer.content_id {
        out.extend_from_slice(format!("Content-ID: {}\r\n", response_content_id(id)).as_bytes());
    }
    let reason = answer.status.canonical_reason().unwrap_or("Unknown");
    out.extend_from_slice(
        format!("\r\nHTTP/1.1 {} {reason}\r\n", answer.status.as_u16()).as_bytes(),
    );
    for (name, value) in &answer.headers {
        if [CONTENT_LENGTH, TRANSFER_ENCODING, CONNECTION].contains(name) {
            continue;
        }
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", answer.body.len()).as_bytes());
    out.extend_from_slice(&answer.body);
    out.extend_from_slice(b"\r\n");
    out
}

/// The closing delimiter.
pub(crate) fn write_end(boundary: &str) -> Vec<u8> {
    format!("--{boundary}--\r\n").into_bytes()
}

#[cfg(test)]
mod tests {
    use http::{HeaderMap, HeaderValue, StatusCode};

    use super::{PartAnswer, content_type, new_boundary, write_end, write_part};

    #[test]
    fn a_part_carries_the_echoed_id_the_status_line_headers_and_body() {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        headers.insert("content-length", HeaderValue::from_static("999"));
        let answer = PartAnswer {
            content_id: Some("<abc + 1>".to_owned()),
            status: StatusCode::NOT_FOUND,
            headers,
            body: "{}".into(),
        };
        let written = String::from_utf8(write_part("batch_x", &answer)).unwrap();
        assert_eq!(
            written,
            "--batch_x\r\nContent-Type: application/http\r\nContent-ID: <response-abc + 1>\r\n\r\n\
             HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\nContent-Length: 2\r\n\r\n\
             {}\r\n"
        );
        assert_eq!(write_end("batch_x"), b"--batch_x--\r\n");
    }

    #[test]
    fn a_bare_content_id_is_echoed_bare_and_a_missing_one_is_left_out() {
        let mut answer = PartAnswer {
            content_id: Some("item-7".to_owned()),
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: bytes::Bytes::new(),
        };
        let written = String::from_utf8(write_part("b", &answer)).unwrap();
        assert!(written.contains("\r\nContent-ID: response-item-7\r\n"));
        answer.content_id = None;
        let written = String::from_utf8(write_part("b", &answer)).unwrap();
        assert!(!written.contains("Content-ID"));
    }

    #[test]
    fn the_outer_content_type_names_a_fresh_batch_boundary() {
        let boundary = new_boundary();
        assert!(boundary.starts_with("batch_"));
        assert_ne!(boundary, new_boundary());
        assert_eq!(content_type("batch_1"), "multipart/mixed; boundary=batch_1");
    }
}
