//! Hostile input against the real server over real sockets (issue 8): the field-mask nesting
//! attack, and a seeded storm of random requests against every route. Whatever arrives, the
//! server answers with a client error (never a 5xx), never drops the connection, and still
//! answers `/healthz` afterwards.
//!
//! The storm is reproducible: `GARBAGE_SEED` picks the seed (fixed in CI) and
//! `GARBAGE_REQUESTS` how many requests to send, e.g.
//! `GARBAGE_SEED=7 GARBAGE_REQUESTS=20000 cargo test -p albumen --test api -- hostile_input`.

use albumen_api::library::LIBRARY_ROUTES;
use albumen_oauth::rules::scope::ScopeSet;
use albumen_testkit::TestApp;
use albumen_testkit::photos::{Shot, camera_jpeg, mp4};
use albumen_testkit::spawn_app;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SCOPES: &str = "https://www.googleapis.com/auth/photoslibrary.appendonly https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata https://www.googleapis.com/auth/photoslibrary.edit.appcreateddata";

/// The fixed seed and request count of the CI run.
const DEFAULT_SEED: u64 = 0x0a1b_2c3d;
const DEFAULT_REQUESTS: usize = 400;

async fn valid_token(app: &TestApp) -> String {
    let seeded = app.seed().await;
    app.state
        .authority
        .mint_tokens(
            &seeded.admin,
            &seeded.desktop.client.client_id,
            &ScopeSet::parse(SCOPES).unwrap(),
        )
        .await
        .unwrap()
        .access_token
}

/// `a(a(…a…))` nested `levels` deep.
fn nested_selector(levels: usize) -> String {
    format!("{}a{}", "a(".repeat(levels - 1), ")".repeat(levels - 1))
}

async fn assert_healthy(app: &TestApp) {
    let (status, body) = app.get_json("/healthz").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn a_field_mask_nested_five_thousand_deep_is_a_400_with_or_without_a_token() {
    let app = spawn_app().await;
    let token = valid_token(&app).await;
    let path = format!("/v1/mediaItems?fields={}", nested_selector(5_000));
    for bearer in [None, Some(token.as_str())] {
        let mut request = app.client.get(app.url(&path));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], 400);
        assert_eq!(body["error"]["status"], "INVALID_ARGUMENT");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("Invalid field selection "),
            "{body}"
        );
        assert_healthy(&app).await;
    }
    // The same nesting short enough to fit the length limit is refused by the depth limit.
    let path = format!("/v1/albums?fields={}", nested_selector(2_000));
    let response = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_healthy(&app).await;
}

/// Every route the server serves, as templates whose `{…}` segments the storm fills in.
fn route_templates() -> Vec<String> {
    let mut routes: Vec<String> = LIBRARY_ROUTES
        .iter()
        .map(|route| format!("/{}", route.flat_path))
        .collect();
    routes.extend(
        [
            "/v1/uploads",
            "/v1/uploads?upload_id={id}",
            "/batch",
            "/batch/photoslibrary/v1",
            "/lr/{id}",
            "/lr/{id}={options}",
            "/lr/photo/{id}",
            "/lr/album/{id}",
            "/lr/album/{id}/photo/{id}",
            "/lr/share/{id}",
            "/healthz",
            "/readyz",
            "/metrics",
            "/discovery/v1/apis/photoslibrary/v1/rest",
            "/$discovery/rest",
            "/.well-known/openid-configuration",
            "/o/oauth2/auth",
            "/o/oauth2/v2/auth",
            "/o/oauth2/continue",
            "/o/oauth2/token",
            "/o/oauth2/revoke",
            "/oauth2/v4/token",
            "/oauth2/v1/certs",
            "/oauth2/v3/certs",
            "/oauth2/v1/userinfo",
            "/oauth2/v3/userinfo",
            "/oauth2/v3/tokeninfo",
            "/v1/userinfo",
            "/tokeninfo",
            "/token",
            "/revoke",
            "/device",
            "/device/code",
            "/device/decide",
            "/",
            "/setup",
            "/signin",
            "/signout",
            "/account",
            "/account/apps/{id}/remove",
            "/admin/users",
            "/admin/users/{id}/{id}",
            "/console",
            "/console/projects",
            "/console/projects/{id}",
            "/console/projects/{id}/apis",
            "/console/projects/{id}/apis/{id}/{id}",
            "/console/projects/{id}/clients",
            "/console/projects/{id}/consent",
            "/console/projects/{id}/owners",
            "/console/projects/{id}/quotas",
            "/console/api/v1/users",
            "/console/api/v1/projects",
            "/console/api/v1/projects/{id}",
            "/console/api/v1/projects/{id}/clients",
            "/console/api/v1/projects/{id}/consent",
            "/console/api/v1/projects/{id}/owners",
            "/console/api/v1/projects/{id}/quotas",
            "/console/api/v1/projects/{id}/services",
            "/console/api/v1/projects/{id}/services/{id}/enable",
            "/console/api/v1/projects/{id}/services/{id}/disable",
            "/console/api/v1/clients/{id}",
            "/console/api/v1/clients/{id}/secrets",
            "/{id}/{id}",
        ]
        .map(str::to_owned),
    );
    routes
}

fn random_text(rng: &mut StdRng, max_len: usize, alphabet: &[u8]) -> String {
    let len = rng.random_range(0..=max_len);
    (0..len)
        .map(|_| char::from(*alphabet.choose(rng).unwrap()))
        .collect()
}

const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const URL_SAFE: &[u8] = b"abcXYZ019-_.~!$&'()*+,;=:@%/";

/// A path segment: plausible ids, empty, huge, percent-encoded bytes, traversal attempts.
fn random_segment(rng: &mut StdRng) -> String {
    match rng.random_range(0..8) {
        0 => random_text(rng, 40, ALNUM),
        1 => String::new(),
        2 => "A".repeat(rng.random_range(1_000..6_000)),
        3 => (0..rng.random_range(1..20))
            .map(|_| format!("%{:02X}", rng.random::<u8>()))
            .collect(),
        4 => "..%2F..%2Fetc%2Fpasswd".to_owned(),
        5 => random_text(rng, 60, URL_SAFE),
        6 => format!(
            "{}:{}",
            random_text(rng, 20, ALNUM),
            random_text(rng, 12, ALNUM)
        ),
        _ => "%E2%82%AC%F0%9F%93%B7%C3%28".to_owned(),
    }
}

fn random_options(rng: &mut StdRng) -> String {
    let parts = [
        "w100",
        "h64",
        "c",
        "d",
        "dv",
        "no",
        "w0",
        "wabc",
        "h99999999999999",
        "",
        "-",
    ];
    (0..rng.random_range(0..8))
        .map(|_| *parts.choose(rng).unwrap())
        .collect::<Vec<_>>()
        .join("-")
}

fn random_path(rng: &mut StdRng, templates: &[String]) -> String {
    let template = templates.choose(rng).unwrap().clone();
    let mut path = String::new();
    let mut rest = template.as_str();
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
        path.push_str(&rest[..open]);
        if &rest[open..close] == "{options}" {
            path.push_str(&random_options(rng));
        } else {
            path.push_str(&random_segment(rng));
        }
        rest = &rest[close..];
    }
    path.push_str(rest);
    if rng.random_bool(0.1) {
        path.push('/');
        path.push_str(&random_segment(rng));
    }
    path
}

/// A JSON value of random shape, nested at most `depth` deep.
fn random_json(rng: &mut StdRng, depth: u32) -> String {
    let choice = if depth == 0 {
        rng.random_range(0..4)
    } else {
        rng.random_range(0..7)
    };
    match choice {
        0 => rng.random::<i64>().to_string(),
        1 => format!("{:?}", random_text(rng, 20, URL_SAFE)),
        2 => ["null", "true", "1e999", "-0", "\"\\ud800\""]
            .choose(rng)
            .unwrap()
            .to_string(),
        3 => format!("\"{}\"", "9".repeat(rng.random_range(1..40))),
        4 | 5 => {
            let names = [
                "albumId",
                "pageSize",
                "pageToken",
                "filters",
                "dateFilter",
                "dates",
                "ranges",
                "contentFilter",
                "includedContentCategories",
                "mediaTypeFilter",
                "mediaTypes",
                "featureFilter",
                "includeArchivedMedia",
                "excludeNonAppCreatedData",
                "newMediaItems",
                "simpleMediaItem",
                "uploadToken",
                "fileName",
                "album",
                "title",
                "mediaItemIds",
                "newEnrichmentItem",
                "albumPosition",
                "position",
                "year",
                "month",
                "day",
                "orderBy",
                "description",
                "x",
                "media_item_ids",
            ];
            let members: Vec<String> = (0..rng.random_range(0..5))
                .map(|_| {
                    format!(
                        "{:?}:{}",
                        names.choose(rng).unwrap(),
                        random_json(rng, depth - 1)
                    )
                })
                .collect();
            format!("{{{}}}", members.join(","))
        }
        _ => {
            let items: Vec<String> = (0..rng.random_range(0..4))
                .map(|_| random_json(rng, depth - 1))
                .collect();
            format!("[{}]", items.join(","))
        }
    }
}

fn random_query(rng: &mut StdRng) -> String {
    let mut pairs = Vec::new();
    for _ in 0..rng.random_range(0..5) {
        let pair = match rng.random_range(0..10) {
            0 => format!("fields={}", nested_selector(rng.random_range(1..3_000))),
            1 => format!("fields={}", random_text(rng, 200, b"ab*/(),")),
            2 => format!("pageToken={}", random_text(rng, 300, URL_SAFE)),
            3 => format!("pageSize={}", random_text(rng, 12, b"-0123456789e.x")),
            4 => format!("filters={}", random_json(rng, 3)),
            5 => format!(
                "alt={}",
                ["json", "media", "proto", ""].choose(rng).unwrap()
            ),
            6 => format!("prettyPrint={}", random_text(rng, 5, ALNUM)),
            7 => format!("upload_id={}", random_text(rng, 80, URL_SAFE)),
            8 => "mediaItemIds=A&mediaItemIds=%00&media_item_ids=B".to_owned(),
            _ => format!(
                "{}={}",
                random_text(rng, 20, URL_SAFE),
                random_text(rng, 50, URL_SAFE)
            ),
        };
        pairs.push(pair);
    }
    pairs.join("&")
}

fn random_headers(rng: &mut StdRng, token: &str) -> Vec<(&'static str, String)> {
    let number = |rng: &mut StdRng| {
        [
            "0".to_owned(),
            "-1".to_owned(),
            "18446744073709551616".to_owned(),
            rng.random::<u32>().to_string(),
            "12abc".to_owned(),
            String::new(),
        ]
        .choose(rng)
        .unwrap()
        .clone()
    };
    let mut headers = Vec::new();
    for _ in 0..rng.random_range(0..6) {
        let header = match rng.random_range(0..11) {
            0 => (
                "content-type",
                [
                    "application/json",
                    "application/json; charset=latin1",
                    "multipart/mixed; boundary=",
                    "multipart/form-data; boundary=xyz",
                    "application/x-www-form-urlencoded",
                    "application/octet-stream",
                    "text/plain; charset=\"",
                    "image/jpeg",
                    ";;;",
                ]
                .choose(rng)
                .unwrap()
                .to_string(),
            ),
            1 => (
                "x-goog-upload-protocol",
                ["raw", "resumable", "multipart", "RAW", ""]
                    .choose(rng)
                    .unwrap()
                    .to_string(),
            ),
            2 => (
                "x-goog-upload-command",
                [
                    "start",
                    "upload",
                    "upload, finalize",
                    "finalize",
                    "query",
                    "cancel",
                    ",,",
                    "x",
                ]
                .choose(rng)
                .unwrap()
                .to_string(),
            ),
            3 => ("x-goog-upload-raw-size", number(rng)),
            4 => ("x-goog-upload-offset", number(rng)),
            5 => ("x-goog-upload-content-length", number(rng)),
            6 => ("x-goog-upload-file-name", random_text(rng, 300, URL_SAFE)),
            7 => ("x-goog-upload-content-type", random_text(rng, 40, URL_SAFE)),
            8 => (
                "range",
                [
                    "bytes=0-0".to_owned(),
                    "bytes=-1".to_owned(),
                    "bytes=5-2".to_owned(),
                    "bytes=0-18446744073709551615".to_owned(),
                    format!("bytes={}", random_text(rng, 30, b"0123456789-,= ")),
                ]
                .choose(rng)
                .unwrap()
                .clone(),
            ),
            9 => ("authorization", format!("Bearer {token}")),
            _ => (
                "authorization",
                [
                    format!("Bearer {}", random_text(rng, 100, URL_SAFE)),
                    "Bearer".to_owned(),
                    format!("Basic {}", random_text(rng, 40, ALNUM)),
                    "bearer  ".to_owned(),
                ]
                .choose(rng)
                .unwrap()
                .clone(),
            ),
        };
        headers.push(header);
    }
    headers
}

fn random_body(rng: &mut StdRng, samples: &[Vec<u8>]) -> Vec<u8> {
    match rng.random_range(0..6) {
        0 => Vec::new(),
        1 => random_json(rng, 4).into_bytes(),
        2 => {
            let json = random_json(rng, 4);
            let cut = rng.random_range(0..=json.len());
            json.as_bytes()[..cut].to_vec()
        }
        3 => (0..rng.random_range(0..4_096))
            .map(|_| rng.random())
            .collect(),
        4 => {
            let sample = samples.choose(rng).unwrap();
            let cut = rng.random_range(0..=sample.len());
            let mut bytes = sample[..cut].to_vec();
            for _ in 0..rng.random_range(0..8) {
                if !bytes.is_empty() {
                    let at = rng.random_range(0..bytes.len());
                    bytes[at] = rng.random();
                }
            }
            bytes
        }
        _ => format!(
            "{}{}",
            "[".repeat(200),
            "]".repeat(rng.random_range(0..200))
        )
        .into_bytes(),
    }
}

const METHODS: [Method; 7] = [
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
    Method::HEAD,
    Method::OPTIONS,
];

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

#[tokio::test]
async fn hundreds_of_random_requests_get_no_5xx_and_leave_the_server_healthy() {
    let seed = env_or("GARBAGE_SEED", DEFAULT_SEED);
    let count = env_or("GARBAGE_REQUESTS", DEFAULT_REQUESTS);
    let app = spawn_app().await;
    let token = valid_token(&app).await;
    let samples = [
        camera_jpeg(
            16,
            12,
            1,
            &Shot {
                taken: "2024:05:06 07:08:09",
                offset: "+02:00",
                with_gps: true,
            },
        ),
        mp4(16, 16, 1),
    ];
    let templates = route_templates();
    let mut rng = StdRng::seed_from_u64(seed);
    for index in 0..count {
        let method = METHODS.choose(&mut rng).unwrap().clone();
        let mut path = random_path(&mut rng, &templates);
        let query = random_query(&mut rng);
        if !query.is_empty() {
            path.push(if path.contains('?') { '&' } else { '?' });
            path.push_str(&query);
        }
        let mut request = app.client.request(method.clone(), app.url(&path));
        for (name, value) in random_headers(&mut rng, &token) {
            request = request.header(name, value);
        }
        let request = request.body(random_body(&mut rng, &samples));
        let what = format!("request {index} of seed {seed}: {method} {path}");
        let response = request
            .send()
            .await
            .unwrap_or_else(|err| panic!("{what}: connection failed: {err}"));
        let status = response.status();
        let body = response
            .bytes()
            .await
            .unwrap_or_else(|err| panic!("{what}: body cut off: {err}"));
        assert!(
            !status.is_server_error(),
            "{what}: {status} {}",
            String::from_utf8_lossy(&body)
        );
    }
    assert_healthy(&app).await;
}

#[tokio::test]
async fn bytes_that_are_not_http_do_not_take_the_server_down() {
    let app = spawn_app().await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let garbage: [&[u8]; 5] = [
        b"\x00\x01\x02\xff\xfe\r\n\r\n",
        b"GET /healthz HTTP/9.9\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        b"POST /v1/albums HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"GET /v1/albums?fields=a((((((((( HTTP/1.1\r\nHost: x\r\nX: \x7f\r\n\r\n",
    ];
    for bytes in garbage {
        let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
        stream.write_all(bytes).await.unwrap();
        stream.shutdown().await.unwrap();
        let mut answer = Vec::new();
        // The server may answer 400 or just close; either way it must not hang or die.
        let _ = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            stream.read_to_end(&mut answer),
        )
        .await
        .expect("the server closes the connection");
        if let Some(status) = String::from_utf8_lossy(&answer).get(9..12) {
            assert!(!status.starts_with('5'), "{answer:?}");
        }
    }
    assert_healthy(&app).await;
}
