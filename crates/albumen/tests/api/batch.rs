//! `POST /batch` end to end: good and bad calls mixed in one batch each get their own answer
//! (another user's item, a bad token on one part, a part's own token winning over the outer
//! one, a 51-id batchGet, refused uploads and nested batches), each part is charged to the
//! quotas as one call, and a malformed envelope gets a 400 in Google's envelope.

use albumen_oauth::rules::scope::ScopeSet;
use albumen_testkit::seed::{ADMIN_EMAIL, ADMIN_PASSWORD};
use albumen_testkit::{AppOptions, TestApp, spawn_app, spawn_app_with};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::library::support::{ALL_CURRENT, create_photo, token};

/// One call of a batch: its Content-ID and its `application/http` payload.
struct Part {
    id: &'static str,
    http: String,
}

fn part(id: &'static str, http: impl Into<String>) -> Part {
    Part {
        id,
        http: http.into(),
    }
}

const BOUNDARY: &str = "batch_test_boundary";

fn batch_body(parts: &[Part]) -> String {
    let mut body = String::new();
    for part in parts {
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Type: application/http\r\nContent-ID: <base + {}>\r\n\r\n{}\r\n",
            part.id, part.http
        ));
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    body
}

/// One answered part: its Content-ID, status and JSON body.
#[derive(Debug)]
struct Answer {
    content_id: String,
    status: u16,
    body: Value,
}

/// Splits a batch answer as a client does: on the boundary of the outer Content-Type, then
/// each part's headers, the inner status line, inner headers and body at blank CRLF lines.
fn parse_answer(content_type: &str, body: &str) -> Vec<Answer> {
    let boundary = content_type
        .strip_prefix("multipart/mixed; boundary=")
        .unwrap();
    let closing = format!("\r\n--{boundary}--\r\n");
    assert!(body.ends_with(&closing), "{body}");
    let body = body.strip_suffix(&closing).unwrap();
    let opening = format!("--{boundary}\r\n");
    body.strip_prefix(&opening)
        .unwrap()
        .split(&format!("\r\n{opening}"))
        .map(|part| {
            let (part_headers, http) = part.split_once("\r\n\r\n").unwrap();
            assert!(part_headers.starts_with("Content-Type: application/http\r\n"));
            let content_id = part_headers
                .lines()
                .find_map(|l| l.strip_prefix("Content-ID: "))
                .unwrap()
                .to_owned();
            let (head, inner_body) = http.split_once("\r\n\r\n").unwrap();
            let status_line = head.lines().next().unwrap();
            let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("Content-Length: "))
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(length, inner_body.len(), "{part}");
            Answer {
                content_id,
                status,
                body: serde_json::from_str(inner_body).unwrap_or(Value::Null),
            }
        })
        .collect()
}

async fn send_batch(app: &TestApp, bearer: &str, body: String) -> Vec<Answer> {
    let response = app
        .client
        .post(app.url("/batch"))
        .bearer_auth(bearer)
        .header(
            "content-type",
            format!("multipart/mixed; boundary=\"{BOUNDARY}\""),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("multipart/mixed; boundary=batch_"));
    parse_answer(&content_type, &response.text().await.unwrap())
}

fn assert_part(answer: &Answer, id: &str, status: u16, message: Option<&str>) {
    assert_eq!(answer.content_id, format!("<response-base + {id}>"));
    assert_eq!(answer.status, status, "part {id}: {}", answer.body);
    if let Some(message) = message {
        assert_eq!(answer.body["error"]["code"], status, "part {id}");
        assert_eq!(answer.body["error"]["message"], message, "part {id}");
    }
}

#[tokio::test]
async fn each_part_of_a_mixed_batch_gets_its_own_answer() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let client_id = seeded.desktop.client.client_id.clone();
    let alice = token(&app, &seeded, &client_id, ALL_CURRENT).await;
    let bob_user = app
        .state
        .authority
        .create_user("bob@example.com", "Bob", None, false)
        .await
        .unwrap();
    let bob = app
        .state
        .authority
        .mint_tokens(
            &bob_user,
            &client_id,
            &ScopeSet::parse(ALL_CURRENT).unwrap(),
        )
        .await
        .unwrap()
        .access_token;
    let alices = create_photo(&app, &alice, 1, None).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let bobs = create_photo(&app, &bob, 2, None).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let fifty_one: String = (0..51).map(|i| format!("mediaItemIds=x{i}&")).collect();
    let album = r#"{"album": {"title": "Batched"}}"#;
    let parts = [
        part("1", format!("GET /v1/mediaItems/{alices} HTTP/1.1")),
        part("2", format!("GET /v1/mediaItems/{bobs} HTTP/1.1")),
        part(
            "3",
            format!("GET /v1/mediaItems/{bobs} HTTP/1.1\r\nAuthorization: Bearer {bob}\r\n"),
        ),
        part(
            "4",
            "GET /v1/albums HTTP/1.1\r\nAuthorization: Bearer not-a-token\r\n",
        ),
        part(
            "5",
            format!("GET /v1/mediaItems:batchGet?{fifty_one} HTTP/1.1"),
        ),
        part(
            "6",
            format!(
                "POST /v1/albums HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{album}",
                album.len()
            ),
        ),
        part(
            "7",
            "POST /v1/uploads HTTP/1.1\r\nX-Goog-Upload-Protocol: raw\r\n\r\nbytes",
        ),
        part("8", "POST /batch HTTP/1.1"),
        part("9", "GET /healthz HTTP/1.1"),
        part("10", "GARBAGE"),
        part(
            "11",
            format!(
                "GET {}/v1/mediaItems/{alices}?fields=id HTTP/1.1",
                app.address
            ),
        ),
    ];
    let answers = send_batch(&app, &alice, batch_body(&parts)).await;
    assert_eq!(answers.len(), parts.len());

    assert_part(&answers[0], "1", 200, None);
    assert_eq!(answers[0].body["id"], alices.as_str());
    // Another user's item looks like an unknown one, as on a direct call.
    assert_part(&answers[1], "2", 400, Some("Invalid media item ID."));
    assert_part(&answers[2], "3", 200, None);
    assert_eq!(answers[2].body["id"], bobs.as_str());
    assert_part(&answers[3], "4", 401, None);
    assert_eq!(answers[3].body["error"]["status"], "UNAUTHENTICATED");
    assert_part(
        &answers[4],
        "5",
        400,
        Some("Request must have less than 50 media item ids."),
    );
    assert_part(&answers[5], "6", 200, None);
    assert_eq!(answers[5].body["title"], "Batched");
    assert_part(
        &answers[6],
        "7",
        400,
        Some(
            "Media uploads are not supported in batch requests; send each upload to \
             /v1/uploads on its own.",
        ),
    );
    assert_part(
        &answers[7],
        "8",
        400,
        Some("Nested batch requests are not allowed."),
    );
    assert_part(
        &answers[8],
        "9",
        400,
        Some("Only Photos Library API methods can be sent in a batch request."),
    );
    assert_part(
        &answers[9],
        "10",
        400,
        Some("The batch part must start with a request line such as `GET /v1/albums HTTP/1.1`."),
    );
    // System parameters apply per part, as on a direct call.
    assert_part(&answers[10], "11", 200, None);
    assert_eq!(answers[10].body, json!({"id": alices}));

    // The album the batch created is there.
    let (status, albums) =
        crate::library::support::call(&app, &alice, reqwest::Method::GET, "/v1/albums", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(albums["albums"][0]["title"], "Batched");
}

async fn set_requests_per_day(app: &TestApp, limit: u64) {
    let response = app
        .client
        .put(app.url("/console/api/v1/projects/test-project/quotas"))
        .basic_auth(ADMIN_EMAIL, Some(ADMIN_PASSWORD))
        .json(&json!({"requestsPerDay": limit}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

async fn requests_today(app: &TestApp) -> Value {
    let response = app
        .client
        .get(app.url("/console/api/v1/projects/test-project/quotas"))
        .basic_auth(ADMIN_EMAIL, Some(ADMIN_PASSWORD))
        .send()
        .await
        .unwrap();
    response.json::<Value>().await.unwrap()["usage"]["requestsToday"].clone()
}

#[tokio::test]
async fn each_part_is_charged_as_one_call_and_refused_once_the_quota_is_used_up() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let alice = token(&app, &seeded, &seeded.desktop.client.client_id, ALL_CURRENT).await;
    set_requests_per_day(&app, 3).await;
    let parts: Vec<Part> = ["1", "2", "3", "4"]
        .into_iter()
        .map(|id| part(id, "GET /v1/albums HTTP/1.1"))
        .collect();
    let answers = send_batch(&app, &alice, batch_body(&parts)).await;
    for (answer, id) in answers.iter().zip(["1", "2", "3"]) {
        assert_part(answer, id, 200, None);
    }
    assert_part(&answers[3], "4", 429, None);
    assert_eq!(answers[3].body["error"]["status"], "RESOURCE_EXHAUSTED");
    assert_eq!(requests_today(&app).await, 3);
}

async fn post_raw(app: &TestApp, content_type: &str, body: String) -> (StatusCode, Value) {
    let response = app
        .client
        .post(app.url("/batch/photoslibrary/v1"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn a_malformed_batch_envelope_is_refused_whole_with_a_400_envelope() {
    let app = spawn_app_with(AppOptions {
        max_body_bytes: Some(128 * 1024),
        ..AppOptions::default()
    })
    .await
    .unwrap();
    let one = batch_body(&[part("1", "GET /v1/albums HTTP/1.1")]);
    let mixed = format!("multipart/mixed; boundary={BOUNDARY}");
    let too_many: Vec<Part> = (0..1001).map(|_| part("n", "GET /v1/albums")).collect();
    for (content_type, body, message) in [
        (
            "application/json",
            one.clone(),
            "A batch request must have Content-Type multipart/mixed with a boundary.",
        ),
        (
            mixed.as_str(),
            format!("--{BOUNDARY}--\r\n"),
            "The batch request contains no parts.",
        ),
        (
            mixed.as_str(),
            batch_body(&too_many),
            "A batch request may contain at most 1000 calls.",
        ),
    ] {
        let (status, body) = post_raw(&app, content_type, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["error"]["status"], "INVALID_ARGUMENT");
        assert_eq!(body["error"]["message"], message);
    }

    let oversized = batch_body(&[part(
        "1",
        format!("POST /v1/albums\r\n\r\n{}", "x".repeat(140_000)),
    )]);
    let (status, body) = post_raw(&app, &mixed, oversized).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["error"]["code"], 413);

    let response = app.client.get(app.url("/batch")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
