//! The real `albumen serve` as a child process on a data directory seeded through the CLI,
//! and the load the crash test kills it under: raw uploads, resumable uploads (some left
//! open) and batchCreates, with a ledger of what the server reported committed.

use std::io::{BufRead, BufReader, Write as _};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use albumen::config::Config;
use albumen_testkit::backends::FreshBackends;
use albumen_testkit::photos::{Shot, camera_jpeg, encoded};
use image::ImageFormat;
use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::{Value, json};

pub const GRANULE: usize = 262_144;
const PROJECT: &str = "crash-test-project";
const ADMIN: &str = "admin@example.com";
const SCOPES: &str = "https://www.googleapis.com/auth/photoslibrary.appendonly https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata https://www.googleapis.com/auth/photoslibrary.edit.appcreateddata";
const NO_GPS: Shot = Shot {
    taken: "2024:05:06 07:08:09",
    offset: "+02:00",
    with_gps: false,
};

/// A temp directory with the server's data under `data/`, or its metadata and blobs in the
/// PostgreSQL database and S3 bucket of `backends`.
pub struct Site {
    pub root: tempfile::TempDir,
    backends: FreshBackends,
}

impl Site {
    pub fn new(backends: FreshBackends) -> Self {
        Self {
            root: tempfile::TempDir::new().unwrap(),
            backends,
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.root.path().join("data")
    }

    /// The configuration the server runs with, to open its stores in this process.
    pub fn config(&self) -> Config {
        let mut config = Config {
            data_dir: self.data_dir(),
            ..Config::default()
        };
        self.backends.configure(&mut config);
        config
    }

    fn albumen(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_albumen"));
        command
            .current_dir(self.root.path())
            .env_remove("RUST_LOG")
            .env_remove("ALBUMEN_CONFIG")
            .envs(self.backends.env())
            .args(args)
            .args(["--data-dir", "data"]);
        command
    }

    fn cli(&self, args: &[&str], stdin: &str) -> String {
        let mut child = self
            .albumen(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.as_bytes()).unwrap();
        drop(input);
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{args:?}: {stderr}");
        String::from_utf8(output.stdout).unwrap()
    }

    /// An administrator, a project with the Library API (and room in its quotas), a Desktop
    /// client, and an access token with the three current Library scopes.
    pub fn seed(&self) -> String {
        let password = "correct horse battery\n";
        self.cli(
            &["users", "add", ADMIN, "--admin", "--password-stdin"],
            password,
        );
        self.cli(&["projects", "create", PROJECT], "");
        self.cli(&["projects", "enable-api", PROJECT, "library"], "");
        let quota = "projects quota crash-test-project --requests-per-day 1000000 --writes-per-minute 1000000";
        self.cli(&quota.split(' ').collect::<Vec<_>>(), "");
        let client = self.cli(
            &[
                "clients",
                "create",
                "--project",
                PROJECT,
                "--type",
                "desktop",
                "--json",
            ],
            "",
        );
        let client: Value = serde_json::from_str(&client).unwrap();
        let client_id = client["installed"]["client_id"].as_str().unwrap();
        let args = ["tokens", "mint", "--user", ADMIN, "--client", client_id];
        let minted = self.cli(&[&args[..], &["--scope", SCOPES, "--json"]].concat(), "");
        let minted: Value = serde_json::from_str(&minted).unwrap();
        minted["access_token"].as_str().unwrap().to_owned()
    }

    /// Starts `albumen serve` on a free port and waits until it listens.
    pub fn serve(&self) -> ServerProcess {
        let mut child = self
            .albumen(&["serve", "--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(self.root.path().join("server.log")).unwrap())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let base = first
            .strip_prefix("Albumen is listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .to_owned();
        // Keep reading, so that the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        ServerProcess { child, base }
    }
}

/// A running `albumen serve`; SIGKILLed when dropped.
pub struct ServerProcess {
    child: Child,
    pub base: String,
}

impl ServerProcess {
    /// SIGKILL, no chance to finish anything.
    pub fn kill(mut self) {
        let exited = self.child.try_wait().unwrap();
        assert!(exited.is_none(), "the server died on its own: {exited:?}");
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An item batchCreate reported created, and the bytes it was made from.
pub struct Created {
    pub id: String,
    pub file: Vec<u8>,
}

/// A resumable session left open: its URL's path and query, the file, bytes acknowledged.
pub struct OpenSession {
    pub path: String,
    pub file: Vec<u8>,
    pub received: usize,
}

/// What the server acknowledged before it died, and what was in flight when it did.
#[derive(Default)]
pub struct Ledger {
    pub created: Vec<Created>,
    /// Upload tokens never given to batchCreate, with their files.
    pub unused: Vec<(String, Vec<u8>)>,
    pub sessions: Vec<OpenSession>,
    /// Files and chunks whose request got no answer: they may or may not be stored.
    pub uncertain: Vec<Vec<u8>>,
    /// Answers that are wrong even for a server about to die.
    pub failures: Vec<String>,
}

/// One uploader: the HTTP client, the server's base URL and the bearer token.
#[derive(Clone)]
pub struct Uploader {
    pub http: Client,
    pub base: String,
    pub token: String,
}

impl Uploader {
    pub fn new(base: &str, token: &str) -> Self {
        let http = Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        Self {
            http,
            base: base.to_owned(),
            token: token.to_owned(),
        }
    }

    fn post(&self, path: &str) -> RequestBuilder {
        self.http.post(format!("{}{path}", self.base))
    }

    /// A raw upload; the upload token on success.
    pub async fn raw_upload(&self, file: &[u8]) -> Result<(StatusCode, String), reqwest::Error> {
        let response = self
            .post("/v1/uploads")
            .bearer_auth(&self.token)
            .header("x-goog-upload-protocol", "raw")
            .body(file.to_vec())
            .send()
            .await?;
        Ok((response.status(), response.text().await?))
    }

    /// Starts a resumable session; the path and query of its URL.
    pub async fn start_session(&self, size: usize) -> Result<(StatusCode, String), reqwest::Error> {
        let response = self
            .post("/v1/uploads")
            .bearer_auth(&self.token)
            .header("content-length", "0")
            .header("x-goog-upload-protocol", "resumable")
            .header("x-goog-upload-command", "start")
            .header("x-goog-upload-content-type", "image/bmp")
            .header("x-goog-upload-raw-size", size.to_string())
            .send()
            .await?;
        let url = response.headers().get("x-goog-upload-url");
        let url = url::Url::parse(url.map_or("http://x/", |v| v.to_str().unwrap())).unwrap();
        let path = format!("{}?{}", url.path(), url.query().unwrap_or_default());
        Ok((response.status(), path))
    }

    /// A command to a session; the response.
    pub async fn session(
        &self,
        path: &str,
        command: &str,
        offset: Option<usize>,
        bytes: &[u8],
    ) -> Result<reqwest::Response, reqwest::Error> {
        let mut request = self
            .post(path)
            .header("x-goog-upload-command", command)
            .body(bytes.to_vec());
        if let Some(offset) = offset {
            request = request.header("x-goog-upload-offset", offset.to_string());
        }
        request.send().await
    }

    /// batchCreate of one upload token; the per-item result.
    pub async fn batch_create(
        &self,
        upload_token: &str,
    ) -> Result<(StatusCode, Value), reqwest::Error> {
        let body = json!({"newMediaItems": [{"simpleMediaItem": {"uploadToken": upload_token}}]});
        let response = self
            .post("/v1/mediaItems:batchCreate")
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await?;
        let status = response.status();
        let text = response.text().await?;
        let parsed: Value = serde_json::from_str(&text).unwrap_or_else(|_| json!({"raw": text}));
        Ok((status, parsed["newMediaItemResults"][0].clone()))
    }
}

/// A small JPEG for raw uploads, or a BMP of two chunks for resumable ones; `n` makes the
/// bytes unique.
fn file_for(n: usize, resumable: bool) -> Vec<u8> {
    if resumable {
        encoded(ImageFormat::Bmp, 300 + (n % 200) as u32, 300, n as u8)
    } else {
        let (w, h) = (24 + (n % 40) as u32, 24 + (n / 40 % 40) as u32);
        camera_jpeg(w, h, (n / 1600) as u8, &NO_GPS)
    }
}

/// Uploads until the server stops answering; records everything in `ledger`.
pub async fn worker(uploader: Uploader, worker: usize, ledger: Arc<Mutex<Ledger>>) {
    for round in 0usize.. {
        let n = worker * 1000 + round;
        let outcome = match (worker + round) % 4 {
            0 | 1 => create(&uploader, file_for(n, false), &ledger).await,
            2 => upload_only(&uploader, file_for(n, false), &ledger).await,
            _ => resumable(&uploader, file_for(n, true), round % 8 < 4, &ledger).await,
        };
        if outcome.is_err() {
            return;
        }
    }
}

type Step = Result<(), ()>;

/// Records a request that got no answer (the server died): its bytes may be stored.
fn lost(ledger: &Mutex<Ledger>, bytes: &[&[u8]]) -> Step {
    let mut ledger = ledger.lock().unwrap();
    ledger.uncertain.extend(bytes.iter().map(|b| b.to_vec()));
    Err(())
}

fn wrong(ledger: &Mutex<Ledger>, what: String) -> Step {
    ledger.lock().unwrap().failures.push(what);
    Err(())
}

async fn upload_token(
    uploader: &Uploader,
    file: &[u8],
    ledger: &Mutex<Ledger>,
) -> Result<String, ()> {
    match uploader.raw_upload(file).await {
        Ok((StatusCode::OK, token)) => Ok(token),
        Ok((status, body)) => {
            wrong(ledger, format!("raw upload: {status} {body}")).map(|()| String::new())
        }
        Err(_) => lost(ledger, &[file]).map(|()| String::new()),
    }
}

async fn create(uploader: &Uploader, file: Vec<u8>, ledger: &Mutex<Ledger>) -> Step {
    let token = upload_token(uploader, &file, ledger).await?;
    finish_create(uploader, &token, file, ledger).await
}

async fn finish_create(
    uploader: &Uploader,
    token: &str,
    file: Vec<u8>,
    ledger: &Mutex<Ledger>,
) -> Step {
    match uploader.batch_create(token).await {
        Ok((StatusCode::OK, result)) if result["status"]["message"] == "Success" => {
            let id = result["mediaItem"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            ledger.lock().unwrap().created.push(Created { id, file });
            Ok(())
        }
        Ok((status, result)) => wrong(ledger, format!("batchCreate: {status} {result}")),
        Err(_) => lost(ledger, &[&file]),
    }
}

async fn upload_only(uploader: &Uploader, file: Vec<u8>, ledger: &Mutex<Ledger>) -> Step {
    let token = upload_token(uploader, &file, ledger).await?;
    ledger.lock().unwrap().unused.push((token, file));
    Ok(())
}

/// Starts a session and sends the first chunk; then either leaves it open or finishes it
/// and creates the item.
async fn resumable(
    uploader: &Uploader,
    file: Vec<u8>,
    leave_open: bool,
    ledger: &Mutex<Ledger>,
) -> Step {
    let (first, rest) = file.split_at(GRANULE);
    let path = match uploader.start_session(file.len()).await {
        Ok((StatusCode::OK, path)) => path,
        Ok((status, _)) => return wrong(ledger, format!("start: {status}")),
        Err(_) => return Err(()),
    };
    match uploader.session(&path, "upload", Some(0), first).await {
        Ok(r) if r.status() == StatusCode::OK => {}
        Ok(r) => return wrong(ledger, format!("first chunk: {}", r.status())),
        Err(_) => return lost(ledger, &[first]),
    }
    if leave_open {
        let session = OpenSession {
            path,
            received: first.len(),
            file,
        };
        ledger.lock().unwrap().sessions.push(session);
        return Ok(());
    }
    // Unanswered, the session may still be active (holding the first chunk) or final
    // (holding the whole file).
    let token = match uploader
        .session(&path, "upload, finalize", Some(GRANULE), rest)
        .await
    {
        Ok(r) if r.status() == StatusCode::OK => match r.text().await {
            Ok(token) => token,
            Err(_) => return lost(ledger, &[first, rest, &file]),
        },
        Ok(r) => return wrong(ledger, format!("last chunk: {}", r.status())),
        Err(_) => return lost(ledger, &[first, rest, &file]),
    };
    finish_create(uploader, &token, file, ledger).await
}

/// The hex SHA-256 of `bytes`: its blob address.
pub fn address(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}
