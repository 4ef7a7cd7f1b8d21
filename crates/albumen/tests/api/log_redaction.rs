//! The real binary at `trace` level, driven through OAuth (authorization code, token,
//! refresh, revoke), uploads (raw and resumable), base-URL downloads, legacy sharing, a batch
//! and a console secret: afterwards its log must hold none of the tokens, codes, secrets,
//! upload ids, base-URL tokens or share tokens it handed out (ADR 0009). Also `/metrics`: on
//! its own listener, and on the main one only behind the bearer token.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use albumen_testkit::browser::{Browser, location};
use albumen_testkit::photos::{Shot, camera_jpeg};
use reqwest::StatusCode;
use serde_json::{Value, json};

const EMAIL: &str = "logs@example.com";
const PASSWORD: &str = "log check password 1";
const PROJECT: &str = "log-check";
const REDIRECT: &str = "https://app.example.com/callback";
const METRICS_TOKEN: &str = "metrics-bearer-token-0123456789";
const SCOPES: &str = "openid email https://www.googleapis.com/auth/photoslibrary \
     https://www.googleapis.com/auth/photoslibrary.appendonly \
     https://www.googleapis.com/auth/photoslibrary.sharing";

fn albumen(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_albumen"));
    command
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .env_remove("ALBUMEN_CONFIG")
        .args(["--config", "albumen.toml"])
        .args(args);
    command
}

fn cli(dir: &Path, args: &[&str], stdin: &str) -> String {
    let mut child = albumen(dir, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "albumen {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The running server: its URL, its metrics listener's URL and the child process.
struct Running {
    child: Child,
    url: String,
    metrics_url: String,
}

fn start(dir: &Path) -> Running {
    std::fs::write(dir.join("metrics-token"), format!("{METRICS_TOKEN}\n")).unwrap();
    std::fs::write(
        dir.join("albumen.toml"),
        "version = 1\ndata_dir = \"data\"\n\
         [library]\nprofile = \"legacy\"\n\
         [log]\nlevel = \"trace\"\n\
         [metrics]\nlisten = \"127.0.0.1:0\"\nbearer_token_file = \"metrics-token\"\n",
    )
    .unwrap();
    let log = std::fs::File::create(dir.join("server.log")).unwrap();
    let mut child = albumen(dir, &["serve", "--listen", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log))
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("Albumen is listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    line.clear();
    stdout.read_line(&mut line).unwrap();
    let metrics_url = line
        .trim()
        .strip_prefix("Metrics are served on ")
        .unwrap_or_else(|| panic!("unexpected second line {line:?}"))
        .to_owned();
    Running {
        child,
        url,
        metrics_url,
    }
}

async fn stop(mut running: Running) {
    let killed = Command::new("kill")
        .args(["-TERM", &running.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    while running.child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the server did not stop");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn text_of(value: &Value, pointer: &str) -> String {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no {pointer} in {value}"))
        .to_owned()
}

/// Everything secret the run saw, with a name for the failure message.
#[derive(Default)]
struct Secrets(Vec<(&'static str, String)>);

impl Secrets {
    fn saw(&mut self, what: &'static str, value: impl Into<String>) {
        let value = value.into();
        assert!(
            value.len() >= 8,
            "{what} is too short to grep for: {value:?}"
        );
        self.0.push((what, value));
    }
}

async fn post_form(client: &reqwest::Client, url: String, form: &[(&str, &str)]) -> Value {
    let response = client.post(url).form(form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn json_call(
    client: &reqwest::Client,
    token: &str,
    method: reqwest::Method,
    url: String,
    body: Value,
) -> Value {
    let response = client
        .request(method, url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// Authorization code, exchange and refresh; returns (access token, refresh token).
async fn oauth(
    running: &Running,
    secrets: &mut Secrets,
    client_id: &str,
    client_secret: &str,
) -> (String, String) {
    let browser = Browser::new(&running.url);
    browser.sign_in(EMAIL, PASSWORD).await;
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("client_id", client_id),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("scope", SCOPES),
            ("access_type", "offline"),
            ("state", "log-state"),
        ])
        .finish();
    let response = browser
        .authorize(&format!("/o/oauth2/v2/auth?{query}"), "allow")
        .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let redirect = url::Url::parse(&location(&response)).unwrap();
    let code = redirect
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    secrets.saw("authorization code", &code);

    let http = reqwest::Client::new();
    let tokens = post_form(
        &http,
        format!("{}/token", running.url),
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("client_id", client_id),
            ("client_secret", client_secret),
        ],
    )
    .await;
    secrets.saw("first access token", text_of(&tokens, "/access_token"));
    secrets.saw("ID token", text_of(&tokens, "/id_token"));
    let refresh = text_of(&tokens, "/refresh_token");
    secrets.saw("refresh token", &refresh);
    let refreshed = post_form(
        &http,
        format!("{}/token", running.url),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", client_id),
            ("client_secret", client_secret),
        ],
    )
    .await;
    let access = text_of(&refreshed, "/access_token");
    secrets.saw("refreshed access token", &access);
    // The query string is never logged, even where it carries a token.
    let info = http
        .get(format!("{}/tokeninfo?access_token={access}", running.url))
        .send()
        .await
        .unwrap();
    assert_eq!(info.status(), StatusCode::OK);
    (access, refresh)
}

/// A raw and a resumable upload, both made items; returns their base URLs.
async fn uploads(running: &Running, secrets: &mut Secrets, access: &str) -> Vec<String> {
    let http = reqwest::Client::new();
    let shot = Shot {
        taken: "2024:05:06 07:08:09",
        offset: "+02:00",
        with_gps: true,
    };
    let raw = http
        .post(format!("{}/v1/uploads", running.url))
        .bearer_auth(access)
        .header("x-goog-upload-protocol", "raw")
        .header("x-goog-upload-file-name", "raw.jpg")
        .body(camera_jpeg(64, 48, 1, &shot))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::OK);
    let raw_token = raw.text().await.unwrap();
    secrets.saw("raw upload token", &raw_token);

    let bytes = camera_jpeg(64, 48, 2, &shot);
    let started = http
        .post(format!("{}/v1/uploads", running.url))
        .bearer_auth(access)
        .header("x-goog-upload-protocol", "resumable")
        .header("x-goog-upload-command", "start")
        .header("x-goog-upload-raw-size", bytes.len().to_string())
        .header("x-goog-upload-file-name", "resumable.jpg")
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), StatusCode::OK);
    let upload_url = started.headers()["x-goog-upload-url"]
        .to_str()
        .unwrap()
        .to_owned();
    let upload_id = url::Url::parse(&upload_url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "upload_id")
        .unwrap()
        .1
        .into_owned();
    secrets.saw("resumable upload id", &upload_id);
    let finished = http
        .post(&upload_url)
        .header("x-goog-upload-command", "upload, finalize")
        .header("x-goog-upload-offset", "0")
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(finished.status(), StatusCode::OK);
    let resumable_token = finished.text().await.unwrap();
    secrets.saw("resumable upload token", &resumable_token);

    let created = json_call(
        &http,
        access,
        reqwest::Method::POST,
        format!("{}/v1/mediaItems:batchCreate", running.url),
        json!({"newMediaItems": [
            {"simpleMediaItem": {"uploadToken": raw_token}},
            {"simpleMediaItem": {"uploadToken": resumable_token}},
        ]}),
    )
    .await;
    let results = created["newMediaItemResults"].as_array().unwrap();
    results
        .iter()
        .map(|r| text_of(r, "/mediaItem/baseUrl"))
        .collect()
}

#[tokio::test]
async fn a_real_run_logs_no_token_code_secret_or_capability() {
    let dir = tempfile::TempDir::new().unwrap();
    let dir = dir.path();
    let running = start(dir);
    let mut secrets = Secrets::default();
    secrets.saw("metrics bearer token", METRICS_TOKEN);
    secrets.saw("password", PASSWORD);

    cli(
        dir,
        &["users", "add", EMAIL, "--admin", "--password-stdin"],
        &format!("{PASSWORD}\n"),
    );
    cli(dir, &["projects", "create", PROJECT], "");
    cli(dir, &["projects", "enable-api", PROJECT, "library"], "");
    cli(
        dir,
        &[
            "consent",
            "set",
            PROJECT,
            "--app-name",
            "Log check",
            "--status",
            "testing",
            "--test-user",
            EMAIL,
        ],
        "",
    );
    let created: Value = serde_json::from_str(&cli(
        dir,
        &[
            "clients",
            "create",
            "--project",
            PROJECT,
            "--type",
            "web",
            "--redirect-uri",
            REDIRECT,
            "--json",
        ],
        "",
    ))
    .unwrap();
    let client_id = text_of(&created, "/web/client_id");
    let client_secret = text_of(&created, "/web/client_secret");
    secrets.saw("client secret", &client_secret);

    let (access, refresh) = oauth(&running, &mut secrets, &client_id, &client_secret).await;
    let base_urls = uploads(&running, &mut secrets, &access).await;
    let http = reqwest::Client::new();
    for base_url in &base_urls {
        let tail = base_url.rsplit('/').next().unwrap().to_owned();
        secrets.saw("base-URL token", tail);
        let response = http.get(format!("{base_url}=d")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }

    // Legacy sharing: the share token travels in paths of both the API and the pages.
    let album = json_call(
        &http,
        &access,
        reqwest::Method::POST,
        format!("{}/v1/albums", running.url),
        json!({"album": {"title": "Shared"}}),
    )
    .await;
    let album_id = text_of(&album, "/id");
    let shared = json_call(
        &http,
        &access,
        reqwest::Method::POST,
        format!("{}/v1/albums/{album_id}:share", running.url),
        json!({}),
    )
    .await;
    let share_token = text_of(&shared, "/shareInfo/shareToken");
    secrets.saw("share token", &share_token);
    let response = http
        .get(format!("{}/v1/sharedAlbums/{share_token}", running.url))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let browser = Browser::new(&running.url);
    browser.sign_in(EMAIL, PASSWORD).await;
    let (status, _) = browser
        .page(&text_of(&shared, "/shareInfo/shareableUrl"))
        .await;
    assert_eq!(status, StatusCode::OK);

    // A batch whose part carries the token itself.
    let batch = format!(
        "--b\r\nContent-Type: application/http\r\n\r\nGET /v1/sharedAlbums/{share_token} HTTP/1.1\r\n\
         Authorization: Bearer {access}\r\n\r\n\r\n--b--\r\n"
    );
    let response = http
        .post(format!("{}/batch", running.url))
        .header("content-type", "multipart/mixed; boundary=b")
        .body(batch)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().contains("HTTP/1.1 200 OK"));

    // A console secret.
    let response = http
        .post(format!(
            "{}/console/api/v1/clients/{client_id}/secrets",
            running.url
        ))
        .basic_auth(EMAIL, Some(PASSWORD))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert!(status.is_success(), "{body}");
    secrets.saw(
        "console-created client secret",
        text_of(&body, "/clientSecret"),
    );

    let response = http
        .post(format!("{}/revoke", running.url))
        .form(&[("token", refresh.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    // /metrics: its own listener; on the main one only with the token.
    let metrics = http.get(&running.metrics_url).send().await.unwrap();
    assert_eq!(metrics.status(), StatusCode::OK);
    let metrics_text = metrics.text().await.unwrap();
    assert!(
        metrics_text.contains("route=\"/lr/{tail}\""),
        "{metrics_text}"
    );
    let main_metrics = format!("{}/metrics", running.url);
    let refused = http.get(&main_metrics).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let wrong = http
        .get(&main_metrics)
        .bearer_auth("not-the-token")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let allowed = http
        .get(&main_metrics)
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.status(), StatusCode::OK);

    stop(running).await;
    let log = std::fs::read_to_string(dir.join("server.log")).unwrap();
    // `trace` lets everything through; the libraries used log at most at debug.
    assert!(log.contains("DEBUG"), "the run did not log at debug level");
    let leaks: Vec<String> = secrets
        .0
        .iter()
        .filter_map(|(what, value)| {
            log.lines()
                .find(|line| line.contains(value.as_str()))
                .map(|line| format!("{what} in: {line}"))
        })
        .collect();
    assert!(
        leaks.is_empty(),
        "secrets in the log:\n{}",
        leaks.join("\n")
    );
    assert!(
        log.contains("/lr/[redacted]"),
        "no redacted base-URL path in the log"
    );
    assert!(log.contains("/v1/sharedAlbums/[redacted]"));
    assert!(log.contains("/lr/share/[redacted]"));
    for (what, value) in &secrets.0 {
        assert!(!metrics_text.contains(value.as_str()), "{what} in /metrics");
    }
}
