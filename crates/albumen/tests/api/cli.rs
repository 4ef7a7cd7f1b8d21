//! The `albumen` binary as an operator meets it: defaults, configuration errors, start-up
//! failures, `config`, `migrate`, `healthcheck` and signals.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use albumen_testkit::spawn_app;

fn albumen(cwd: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_albumen"));
    command
        .current_dir(cwd)
        .env_remove("RUST_LOG")
        .env_remove("ALBUMEN_CONFIG");
    command
}

fn run(command: &mut Command) -> Output {
    command.stdin(Stdio::null()).output().unwrap()
}

fn stderr_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn defaults_are_loopback_8080_and_a_local_data_dir() {
    let dir = tempfile::TempDir::new().unwrap();
    let output = run(albumen(dir.path()).arg("config"));
    assert!(output.status.success());
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(printed.contains("listen = \"127.0.0.1:8080\""), "{printed}");
    assert!(
        printed.contains("data_dir = \"./albumen-data\""),
        "{printed}"
    );
    assert!(printed.contains("backend = \"local\""), "{printed}");
}

#[tokio::test]
async fn serve_with_no_config_answers_healthz_within_a_second_and_stops_on_sigterm() {
    let dir = tempfile::TempDir::new().unwrap();
    let started = Instant::now();
    let mut child = albumen(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("Albumen is listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    let response = reqwest::get(format!("{url}/healthz")).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(response.status(), 200);
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
    assert!(dir.path().join("albumen-data/albumen.db").is_file());
    assert!(dir.path().join("albumen-data/blobs").is_dir());

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "still running 10 s after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "{status:?}");
}

#[test]
fn a_bad_value_fails_at_start_with_one_line_naming_the_key() {
    let dir = tempfile::TempDir::new().unwrap();
    let output = run(albumen(dir.path())
        .arg("serve")
        .env("ALBUMEN__SERVER__LISTEN", "not-an-address"));
    assert_eq!(output.status.code(), Some(2));
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("error: config: server.listen:"),
        "{lines:?}"
    );
    assert!(lines[0].contains("ALBUMEN__SERVER__LISTEN"), "{lines:?}");
    assert!(!dir.path().join("albumen-data").exists());
}

#[test]
fn an_unknown_key_in_the_config_file_fails_naming_it() {
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::write(
        dir.path().join("albumen.toml"),
        "version = 1\n[database]\nmax_conections = 3\n",
    )
    .unwrap();
    let output = run(albumen(dir.path()).args(["--config", "albumen.toml", "serve"]));
    assert_eq!(output.status.code(), Some(2));
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("database.max_conections: unknown key"),
        "{lines:?}"
    );
}

#[test]
fn config_prints_the_merged_configuration_with_secrets_redacted() {
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::write(
        dir.path().join("albumen.toml"),
        "version = 1\n[blob]\nbackend = \"s3\"\n[blob.s3]\nbucket = \"photos\"\n\
         secret_access_key = \"file-s3-secret\"\n",
    )
    .unwrap();
    let output = run(albumen(dir.path())
        .args(["config", "--listen", "0.0.0.0:9999"])
        .env("ALBUMEN_CONFIG", "albumen.toml")
        .env(
            "ALBUMEN__DATABASE__URL",
            "postgres://albumen:hunter2@db.internal/photos",
        ));
    assert!(output.status.success(), "{:?}", stderr_lines(&output));
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(printed.contains("listen = \"0.0.0.0:9999\""), "{printed}");
    assert!(printed.contains("bucket = \"photos\""), "{printed}");
    assert!(!printed.contains("hunter2"), "{printed}");
    assert!(!printed.contains("file-s3-secret"), "{printed}");
    assert_eq!(printed.matches("[redacted]").count(), 2, "{printed}");
}

#[test]
fn an_unreachable_database_fails_at_start_with_one_line_naming_it() {
    let dir = tempfile::TempDir::new().unwrap();
    let output = run(albumen(dir.path())
        .arg("serve")
        .env(
            "ALBUMEN__DATABASE__URL",
            "postgres://albumen:pw@127.0.0.1:9/photos",
        )
        .env("ALBUMEN__DATABASE__ACQUIRE_TIMEOUT_SECONDS", "2"));
    assert_eq!(output.status.code(), Some(1));
    let lines = stderr_lines(&output);
    let last = lines.last().unwrap();
    assert!(
        last.starts_with(
            "error: cannot open the database at postgres://albumen:***@127.0.0.1:9/photos"
        ),
        "{lines:?}"
    );
    assert!(!String::from_utf8_lossy(&output.stderr).contains(":pw@"));
}

#[test]
fn an_unreachable_object_store_fails_at_start_with_one_line_naming_it() {
    let dir = tempfile::TempDir::new().unwrap();
    let output = run(albumen(dir.path())
        .arg("serve")
        .env("ALBUMEN__BLOB__BACKEND", "s3")
        .env("ALBUMEN__BLOB__S3__ENDPOINT", "http://127.0.0.1:9")
        .env("ALBUMEN__BLOB__S3__BUCKET", "photos")
        .env("ALBUMEN__BLOB__S3__ACCESS_KEY_ID", "id")
        .env("ALBUMEN__BLOB__S3__SECRET_ACCESS_KEY", "very-secret"));
    assert_eq!(output.status.code(), Some(1));
    let lines = stderr_lines(&output);
    let last = lines.last().unwrap();
    assert!(
        last.starts_with(
            "error: cannot reach the blob store (S3 bucket photos at http://127.0.0.1:9)"
        ),
        "{lines:?}"
    );
    assert!(!String::from_utf8_lossy(&output.stderr).contains("very-secret"));
}

#[test]
fn migrate_creates_the_schema_and_is_idempotent() {
    let dir = tempfile::TempDir::new().unwrap();
    for _ in 0..2 {
        let output = run(albumen(dir.path()).args(["migrate", "--data-dir", "state"]));
        assert!(output.status.success(), "{:?}", stderr_lines(&output));
        let printed = String::from_utf8(output.stdout).unwrap();
        assert!(printed.contains("is up to date"), "{printed}");
    }
    assert!(dir.path().join("state/albumen.db").is_file());
}

// Multi-threaded: the in-process server must keep serving while this thread waits on the
// child process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthcheck_exits_zero_for_a_live_server_and_one_otherwise() {
    let app = spawn_app().await;
    let dir = tempfile::TempDir::new().unwrap();
    let live = run(albumen(dir.path()).args(["healthcheck", "--url", &app.address]));
    assert_eq!(live.status.code(), Some(0));
    app.shutdown().await;
    let dead = run(albumen(dir.path()).args(["healthcheck", "--listen", "127.0.0.1:9"]));
    assert_eq!(dead.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&dead.stderr).starts_with("unhealthy:"));
}

/// Starts `serve --dev` in `dir`, reads its summary, then stops it.
async fn serve_dev_once(dir: &Path) -> String {
    let mut child = albumen(dir)
        .args([
            "serve",
            "--dev",
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            "state",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut summary = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        summary.push_str(&line);
        if line
            .trim_start()
            .starts_with("state/dev/client_secret_tv.json")
            || line.contains("client_secret_tv.json")
        {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    summary
}

#[tokio::test]
async fn serve_dev_seeds_a_console_once_and_writes_client_secret_files() {
    let dir = tempfile::TempDir::new().unwrap();
    let first = serve_dev_once(dir.path()).await;
    assert!(
        first.contains("dev@albumen.test / albumen-dev-password"),
        "{first}"
    );
    assert!(first.contains("albumen-dev (number "), "{first}");
    for kind in ["desktop", "web", "tv"] {
        let file = dir
            .path()
            .join(format!("state/dev/client_secret_{kind}.json"));
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let body = json.get("installed").or_else(|| json.get("web")).unwrap();
        assert!(
            body["client_secret"]
                .as_str()
                .unwrap()
                .starts_with("GOCSPX-"),
            "{kind}"
        );
        assert!(
            body["token_uri"].as_str().unwrap().ends_with("/token"),
            "{kind}"
        );
    }
    let desktop_before =
        std::fs::read_to_string(dir.path().join("state/dev/client_secret_desktop.json")).unwrap();
    let second = serve_dev_once(dir.path()).await;
    let ids = |summary: &str| {
        summary
            .lines()
            .filter(|l| l.contains(".apps.googleusercontent.com"))
            .map(|l| l.split_whitespace().last().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&first), ids(&second), "the same clients on every start");
    assert_eq!(ids(&first).len(), 3);
    let desktop_after =
        std::fs::read_to_string(dir.path().join("state/dev/client_secret_desktop.json")).unwrap();
    assert_eq!(
        desktop_before, desktop_after,
        "a kept file keeps its secret"
    );
}
