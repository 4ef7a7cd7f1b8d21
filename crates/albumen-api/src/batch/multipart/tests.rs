use http::Method;
use proptest::prelude::*;

use super::{BatchError, InnerRequest, MAX_PARTS, PartError, parse_batch};

const PYTHON_CONTENT_TYPE: &str =
    "multipart/mixed; boundary=\"===============7330845974216740156==\"";

/// A batch as google-api-python-client writes it: LF line endings, a quoted boundary,
/// `Content-ID: <base + n>`, MIME headers on the inner request.
const PYTHON_BODY: &str = "--===============7330845974216740156==\n\
Content-Type: application/http\n\
MIME-Version: 1.0\n\
Content-Transfer-Encoding: binary\n\
Content-ID: <5a1e + 1>\n\
\n\
GET /v1/mediaItems/abc?alt=json HTTP/1.1\n\
Content-Type: application/json\n\
MIME-Version: 1.0\n\
accept: application/json\n\
authorization: Bearer part-token\n\
Host: 127.0.0.1:8080\n\
\n\
\n\
--===============7330845974216740156==\n\
Content-Type: application/http\n\
MIME-Version: 1.0\n\
Content-Transfer-Encoding: binary\n\
Content-ID: <5a1e + 2>\n\
\n\
POST /v1/albums?alt=json HTTP/1.1\n\
Content-Type: application/json\n\
MIME-Version: 1.0\n\
Host: 127.0.0.1:8080\n\
content-length: 29\n\
\n\
{\"album\": {\"title\": \"Trips\"}}\n\
--===============7330845974216740156==--\n";

fn ok(part: &super::BatchPart) -> &InnerRequest {
    part.request.as_ref().unwrap()
}

#[test]
fn a_batch_written_by_the_python_client_parses_into_its_calls() {
    let parts = parse_batch(PYTHON_CONTENT_TYPE, PYTHON_BODY.as_bytes()).unwrap();
    assert_eq!(parts.len(), 2);
    let first = &parts[0];
    assert_eq!(first.content_id.as_deref(), Some("<5a1e + 1>"));
    assert_eq!(ok(first).method, Method::GET);
    assert_eq!(ok(first).target.as_str(), "/v1/mediaItems/abc?alt=json");
    assert_eq!(ok(first).headers["authorization"], "Bearer part-token");
    assert!(ok(first).headers.get("host").is_none());
    assert_eq!(ok(first).body, "");
    let second = &parts[1];
    assert_eq!(ok(second).method, Method::POST);
    assert_eq!(ok(second).body, "{\"album\": {\"title\": \"Trips\"}}");
    assert!(ok(second).headers.get("content-length").is_none());
}

#[test]
fn crlf_line_endings_absolute_urls_and_a_missing_version_are_accepted() {
    let body = "preamble\r\n--b\r\nContent-Type: application/http\r\nContent-ID: x1\r\n\r\n\
GET https://photoslibrary.googleapis.com/v1/albums?pageSize=5 HTTP/1.1\r\n\r\n\r\n\
--b\r\nContent-Type: application/http\r\n\r\nGET /v1/sharedAlbums\r\n--b--\r\nepilogue";
    let parts = parse_batch("multipart/mixed; boundary=b", body.as_bytes()).unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0].content_id.as_deref(), Some("x1"));
    assert_eq!(ok(&parts[0]).target.as_str(), "/v1/albums?pageSize=5");
    assert_eq!(ok(&parts[1]).target.as_str(), "/v1/sharedAlbums");
    assert_eq!(parts[1].content_id, None);
}

#[test]
fn a_body_without_content_length_runs_to_the_line_break_before_the_delimiter() {
    let body =
        "--b\r\nContent-Type: application/http\r\n\r\nPOST /v1/albums HTTP/1.1\r\n\r\n{}\r\n--b--";
    let parts = parse_batch("multipart/mixed; boundary=b", body.as_bytes()).unwrap();
    assert_eq!(ok(&parts[0]).body, "{}");
}

#[test]
fn a_line_that_only_starts_like_the_boundary_is_content() {
    let body = "--b\nContent-Type: application/http\n\nPOST /v1/albums\n\n--bx\n--b--\n";
    let parts = parse_batch("multipart/mixed; boundary=b", body.as_bytes()).unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!(ok(&parts[0]).body, "--bx");
}

#[test]
fn the_wrong_outer_content_type_refuses_the_batch() {
    for content_type in [
        "application/json",
        "multipart/related; boundary=b",
        "",
        "nonsense",
    ] {
        assert_eq!(
            parse_batch(content_type, b"--b\n\nGET /v1/albums\n--b--"),
            Err(BatchError::NotMultipartMixed),
            "{content_type}"
        );
    }
    assert_eq!(
        parse_batch("multipart/mixed", b"--b--"),
        Err(BatchError::MissingBoundary)
    );
    let long = format!("multipart/mixed; boundary={}", "b".repeat(71));
    assert_eq!(parse_batch(&long, b""), Err(BatchError::BadBoundary));
}

#[test]
fn a_batch_with_no_parts_or_no_closing_delimiter_is_refused() {
    let ct = "multipart/mixed; boundary=b";
    assert_eq!(parse_batch(ct, b""), Err(BatchError::NoParts));
    assert_eq!(parse_batch(ct, b"--b--\r\n"), Err(BatchError::NoParts));
    assert_eq!(
        parse_batch(ct, b"--b\r\n\r\nGET /v1/albums\r\n"),
        Err(BatchError::Unterminated)
    );
}

#[test]
fn a_thousand_parts_are_accepted_and_one_more_is_refused() {
    let part = "--b\nContent-Type: application/http\n\nGET /v1/albums\n";
    let ct = "multipart/mixed; boundary=b";
    let body = format!("{}--b--", part.repeat(MAX_PARTS));
    assert_eq!(parse_batch(ct, body.as_bytes()).unwrap().len(), MAX_PARTS);
    let body = format!("{}--b--", part.repeat(MAX_PARTS + 1));
    assert_eq!(
        parse_batch(ct, body.as_bytes()),
        Err(BatchError::TooManyParts)
    );
}

fn single_part(part: &str) -> Result<InnerRequest, PartError> {
    let body = format!("--b\r\n{part}\r\n--b--");
    let mut parts = parse_batch("multipart/mixed; boundary=b", body.as_bytes()).unwrap();
    assert_eq!(parts.len(), 1);
    parts.remove(0).request
}

#[test]
fn a_malformed_part_is_an_error_of_that_part_alone() {
    let http = "Content-Type: application/http\r\n\r\n";
    assert_eq!(single_part(""), Err(PartError::Empty));
    assert_eq!(
        single_part("Content-Type: text/plain\r\n\r\nGET /v1/albums"),
        Err(PartError::NotApplicationHttp)
    );
    assert_eq!(
        single_part(&format!("{http}GET")),
        Err(PartError::MalformedRequestLine)
    );
    assert_eq!(
        single_part(&format!("{http}GET /v1/albums FTP/1 extra")),
        Err(PartError::MalformedRequestLine)
    );
    assert_eq!(
        single_part(&format!("{http}GET v1/albums")),
        Err(PartError::BadTarget)
    );
    assert_eq!(
        single_part(&format!(
            "{http}POST /v1/albums\r\nContent-Length: 9\r\n\r\n{{}}"
        )),
        Err(PartError::BadContentLength)
    );
    assert_eq!(
        single_part(&format!("{http}POST /v1/albums\r\nno colon here\r\n\r\n")),
        Err(PartError::MalformedHeader)
    );
}

#[test]
fn header_blocks_are_bounded_in_count_and_size() {
    let http = "Content-Type: application/http\r\n\r\n";
    let many = "X-A: 1\r\n".repeat(65);
    assert_eq!(
        single_part(&format!("{http}GET /v1/albums\r\n{many}\r\n")),
        Err(PartError::TooManyHeaders)
    );
    let big = format!("X-A: {}\r\n", "a".repeat(17 * 1024));
    assert_eq!(
        single_part(&format!("{http}GET /v1/albums\r\n{big}\r\n")),
        Err(PartError::HeadersTooLarge)
    );
    let long_line = format!("{http}GET /{} HTTP/1.1", "a".repeat(17 * 1024));
    assert_eq!(single_part(&long_line), Err(PartError::HeadersTooLarge));
}

#[test]
fn folded_header_lines_join_their_header() {
    let request = single_part(
        "Content-Type: application/http\r\n\r\nGET /v1/albums\r\nX-A: one\r\n  two\r\n\r\n",
    )
    .unwrap();
    assert_eq!(request.headers["x-a"], "one two");
}

/// One call as a generator writes it.
#[derive(Debug, Clone)]
struct Call {
    method: Method,
    path: String,
    content_id: String,
    authorization: Option<String>,
    body: String,
}

fn call() -> impl Strategy<Value = Call> {
    (
        prop::sample::select(vec![Method::GET, Method::POST, Method::PATCH]),
        "(/v1/[a-zA-Z0-9]{1,12}){1,3}(\\?[a-z]{1,5}=[a-z0-9]{0,8})?",
        "[a-z0-9]{1,8} \\+ [0-9]{1,4}",
        proptest::option::of("Bearer [A-Za-z0-9._-]{1,40}"),
        "[ -~\n]{0,200}",
    )
        .prop_map(|(method, path, content_id, authorization, body)| Call {
            method,
            path,
            content_id,
            authorization,
            body,
        })
}

fn write_batch(calls: &[Call], boundary: &str, newline: &str) -> String {
    let mut out = String::new();
    for call in calls {
        out.push_str(&format!(
            "--{boundary}{newline}Content-Type: application/http{newline}\
             Content-ID: <{}>{newline}{newline}{} {} HTTP/1.1{newline}",
            call.content_id, call.method, call.path
        ));
        if let Some(authorization) = &call.authorization {
            out.push_str(&format!("Authorization: {authorization}{newline}"));
        }
        out.push_str(&format!(
            "Content-Length: {}{newline}{newline}{}{newline}",
            call.body.len(),
            call.body
        ));
    }
    out.push_str(&format!("--{boundary}--{newline}"));
    out
}

proptest! {
    #[test]
    fn any_written_batch_parses_back_to_its_calls(
        calls in prop::collection::vec(call(), 1..8),
        crlf in any::<bool>(),
    ) {
        let boundary = "batch_Zq0-x=";
        let newline = if crlf { "\r\n" } else { "\n" };
        let body = write_batch(&calls, boundary, newline);
        let content_type = format!("multipart/mixed; boundary=\"{boundary}\"");
        let parts = parse_batch(&content_type, body.as_bytes()).unwrap();
        prop_assert_eq!(parts.len(), calls.len());
        for (part, call) in parts.iter().zip(&calls) {
            let expected_id = format!("<{}>", call.content_id);
            prop_assert_eq!(part.content_id.as_deref(), Some(expected_id.as_str()));
            let request = part.request.as_ref().unwrap();
            prop_assert_eq!(&request.method, &call.method);
            prop_assert_eq!(request.target.as_str(), call.path.as_str());
            prop_assert_eq!(&request.body[..], call.body.as_bytes());
            prop_assert_eq!(
                request.headers.get("authorization").map(|v| v.to_str().unwrap()),
                call.authorization.as_deref()
            );
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(
        content_type in "(multipart/mixed; boundary=b|[ -~]{0,40})",
        body in prop::collection::vec(any::<u8>(), 0..600),
    ) {
        let _ = parse_batch(&content_type, &body);
    }

    #[test]
    fn mangled_batches_never_panic(
        calls in prop::collection::vec(call(), 1..4),
        cut in any::<prop::sample::Index>(),
        junk in "[-\r\n :a-z]{0,12}",
    ) {
        let body = write_batch(&calls, "b", "\r\n");
        let at = cut.index(body.len() + 1);
        let mangled = [&body.as_bytes()[..at], junk.as_bytes(), &body.as_bytes()[at..]].concat();
        let _ = parse_batch("multipart/mixed; boundary=b", &mangled);
    }
}
