//! The developer console from the command line, as an operator's scripts drive it: users,
//! projects and APIs, clients, the consent screen, minted tokens and key rotation, their
//! errors, and what of it reaches the database.

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const PUBLIC_URL: &str = "https://photos.example.com";
const ADMIN: &str = "admin@example.com";
const PASSWORD: &str = "correct horse battery staple";
const PROJECT: &str = "my-photo-frame";

/// A data directory and the `albumen` binary pointed at it.
struct Operator {
    dir: tempfile::TempDir,
}

impl Operator {
    fn new() -> Self {
        Self {
            dir: tempfile::TempDir::new().unwrap(),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_albumen"));
        command
            .current_dir(self.dir.path())
            .env_remove("RUST_LOG")
            .env_remove("ALBUMEN_CONFIG")
            .args(args)
            .args(["--data-dir", "data", "--public-url", PUBLIC_URL]);
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).stdin(Stdio::null()).output().unwrap()
    }

    fn run_with_stdin(&self, args: &[&str], input: &str) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    /// Runs a command that must succeed and returns its stdout.
    fn ok(&self, args: &[&str]) -> String {
        succeeded(self.run(args), args)
    }

    /// Runs a command with `--json` that must succeed and returns what it printed.
    fn json(&self, args: &[&str]) -> Value {
        let args = [args, &["--json"]].concat();
        serde_json::from_str(&self.ok(&args)).unwrap()
    }

    /// Runs a command that must fail with exit 1 and one `error:` line; returns the line.
    fn fails(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{args:?}: {stderr}");
        assert!(lines[0].starts_with("error: "), "{stderr}");
        lines[0].to_owned()
    }

    fn add_admin(&self) {
        let args = ["users", "add", ADMIN, "--admin", "--password-stdin"];
        succeeded(self.run_with_stdin(&args, &format!("{PASSWORD}\n")), &args);
    }

    /// An administrator, a project with the Picker API on, and a client of `kind`; returns
    /// the client's `client_secret.json`.
    fn project_with_client(&self, kind: &str) -> Value {
        self.add_admin();
        self.ok(&["projects", "create", PROJECT, "--name", "Photo Frame"]);
        self.ok(&["projects", "enable-api", PROJECT, "picker"]);
        self.json(&["clients", "create", "--project", PROJECT, "--type", kind])
    }
}

fn succeeded(output: Output, args: &[&str]) -> String {
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// A command line without quoting: arguments separated by spaces.
fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

fn text<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string at {pointer} in {value}"))
}

#[test]
fn users_add_reads_the_password_from_stdin_and_users_list_shows_the_admin() {
    let operator = Operator::new();
    let args = [
        "users",
        "add",
        "Ada@Example.com",
        "--admin",
        "--password-stdin",
    ];
    let added = succeeded(operator.run_with_stdin(&args, "a long password\n"), &args);
    assert_eq!(
        added.trim(),
        "Created administrator ada@example.com (Ada) with a password."
    );
    let users = operator.json(&["users", "list"]);
    let users = users.as_array().unwrap();
    assert_eq!(users.len(), 1, "{users:?}");
    assert_eq!(users[0]["email"], "ada@example.com");
    assert_eq!(users[0]["name"], "Ada");
    assert_eq!(users[0]["admin"], true);
    assert_eq!(users[0]["has_password"], true);
    assert_eq!(users[0]["disabled"], false);
}

#[test]
fn users_are_disabled_enabled_and_deleted_by_email() {
    let operator = Operator::new();
    operator.ok(&["users", "add", "bob@example.com"]);
    assert_eq!(
        operator.json(&["users", "disable", "bob@example.com"])["disabled"],
        true
    );
    assert_eq!(operator.json(&["users", "list"])[0]["disabled"], true);
    operator.ok(&["users", "enable", "bob@example.com"]);
    assert_eq!(operator.json(&["users", "list"])[0]["disabled"], false);
    assert_eq!(
        operator.ok(&["users", "delete", "bob@example.com"]).trim(),
        "Deleted bob@example.com."
    );
    assert_eq!(operator.json(&["users", "list"]), serde_json::json!([]));
    assert_eq!(
        operator.fails(&["users", "delete", "bob@example.com"]),
        "error: no user has the email bob@example.com"
    );
}

#[test]
fn a_short_password_or_a_taken_email_fails_without_echoing_the_password() {
    let operator = Operator::new();
    let args = ["users", "add", "ada@example.com", "--password-stdin"];
    let output = operator.run_with_stdin(&args, "hunter2\n");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr, "error: the password must be 8 to 200 characters\n",
        "{stderr}"
    );
    operator.ok(&["users", "add", "ada@example.com"]);
    assert_eq!(
        operator.fails(&["users", "add", "ADA@example.com"]),
        "error: an account with this email already exists"
    );
}

#[test]
fn projects_create_without_an_administrator_says_how_to_make_one() {
    let operator = Operator::new();
    assert_eq!(
        operator.fails(&["projects", "create", PROJECT]),
        "error: no administrator exists yet: run \
         `albumen users add EMAIL --admin --password-stdin` first"
    );
}

#[test]
fn projects_create_with_a_bad_id_fails_with_the_project_id_rule_on_one_line() {
    let operator = Operator::new();
    operator.add_admin();
    assert_eq!(
        operator.fails(&["projects", "create", "My_Photos"]),
        "error: project_id: Project ID can have lowercase letters, digits or hyphens only."
    );
    assert_eq!(operator.json(&["projects", "list"]), serde_json::json!([]));
}

#[test]
fn a_desktop_client_gets_a_client_secret_json_pointing_at_this_server() {
    let operator = Operator::new();
    let secret_file = operator.project_with_client("desktop");
    let client_id = text(&secret_file, "/installed/client_id");
    let secret = text(&secret_file, "/installed/client_secret");
    assert!(
        client_id.ends_with(".apps.googleusercontent.com"),
        "{client_id}"
    );
    assert!(secret.starts_with("GOCSPX-"), "{secret}");
    assert_eq!(
        text(&secret_file, "/installed/token_uri"),
        format!("{PUBLIC_URL}/token")
    );
    assert_eq!(text(&secret_file, "/installed/project_id"), PROJECT);

    let projects = operator.json(&["projects", "list"]);
    assert_eq!(projects[0]["id"], PROJECT);
    assert_eq!(projects[0]["name"], "Photo Frame");
    assert_eq!(projects[0]["owners"], serde_json::json!([ADMIN]));
    assert_eq!(
        projects[0]["enabled_apis"],
        serde_json::json!(["photospicker.googleapis.com"])
    );

    // Listing shows the secret's last four characters, never the secret.
    let listed = operator.json(&["clients", "list", "--project", PROJECT]);
    assert_eq!(listed[0]["client_id"], client_id);
    assert_eq!(listed[0]["type"], "desktop");
    assert_eq!(listed[0]["name"], "Desktop client 1");
    assert_eq!(
        listed[0]["secrets"][0]["last_four"],
        secret[secret.len() - 4..]
    );
    let human = operator.ok(&["clients", "list", "--project", PROJECT]);
    assert!(!human.contains(secret) && !listed.to_string().contains(secret));
    assert!(
        human.contains(&format!("****{}", &secret[secret.len() - 4..])),
        "{human}"
    );
}

#[test]
fn clients_create_out_writes_the_same_json_readable_by_the_owner_only() {
    let operator = Operator::new();
    operator.project_with_client("tv");
    let printed: Value = serde_json::from_str(&operator.ok(&words(&format!(
        "clients create --project {PROJECT} --type web --redirect-uri https://app.example.com/cb \
         --out client_secret.json"
    ))))
    .unwrap();
    let path = operator.dir.path().join("client_secret.json");
    let written: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(written, printed);
    assert_eq!(
        printed["web"]["redirect_uris"],
        serde_json::json!(["https://app.example.com/cb"])
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn a_web_client_with_a_plain_http_redirect_fails_naming_the_rule() {
    let operator = Operator::new();
    operator.project_with_client("desktop");
    let args = format!(
        "clients create --project {PROJECT} --type web --redirect-uri http://example.com/cb"
    );
    assert_eq!(
        operator.fails(&words(&args)),
        "error: redirect_uris[0]: Invalid Redirect: must use https:// unless the host is localhost."
    );
    let listed = operator.json(&["clients", "list", "--project", PROJECT]);
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
}

#[test]
fn a_bad_client_type_fails_on_one_line() {
    let operator = Operator::new();
    let line = operator.fails(&["clients", "create", "--project", PROJECT, "--type", "ios"]);
    assert!(
        line.contains("'ios'") && line.contains("web, desktop, tv"),
        "{line}"
    );
}

#[test]
fn consent_set_production_with_a_test_user_is_what_consent_show_reports() {
    let operator = Operator::new();
    operator.project_with_client("desktop");
    let args = format!("consent set {PROJECT} --status production --test-user a@b.c");
    let summary = operator.ok(&words(&args));
    assert!(summary.contains("production"), "{summary}");
    let screen = operator.json(&["consent", "show", PROJECT]);
    assert_eq!(screen["publishing_status"], "production");
    assert_eq!(screen["test_users"], serde_json::json!(["a@b.c"]));
    // Fields not given keep their values.
    assert_eq!(screen["app_name"], "Photo Frame");
    assert_eq!(screen["support_email"], ADMIN);
    assert_eq!(screen["user_type"], "external");
    assert_eq!(screen["verification_status"], "unverified");

    let args = format!("consent set {PROJECT} --app-name Frame --verified true");
    let renamed = operator.json(&words(&args));
    assert_eq!(renamed["app_name"], "Frame");
    assert_eq!(renamed["verification_status"], "verified");
    assert_eq!(renamed["publishing_status"], "production");
    assert_eq!(renamed["test_users"], serde_json::json!(["a@b.c"]));
}

#[test]
fn tokens_mint_prints_the_token_endpoint_json_with_an_id_token_for_openid() {
    let operator = Operator::new();
    let secret_file = operator.project_with_client("desktop");
    let client_id = text(&secret_file, "/installed/client_id");
    let picker = "https://www.googleapis.com/auth/photospicker.mediaitems.readonly";
    let scopes = format!("email {picker}");
    let minted = operator.json(&[
        "tokens", "mint", "--user", ADMIN, "--client", client_id, "--scope", "openid", &scopes,
    ]);
    assert!(
        text(&minted, "/access_token").starts_with("ya29."),
        "{minted}"
    );
    assert!(
        text(&minted, "/refresh_token").starts_with("1//"),
        "{minted}"
    );
    assert_eq!(minted["expires_in"], 3599);
    assert_eq!(minted["token_type"], "Bearer");
    assert_eq!(text(&minted, "/id_token").split('.').count(), 3);
    assert_eq!(
        minted["scope"],
        format!("openid https://www.googleapis.com/auth/userinfo.email {picker}")
    );

    let mint = format!("tokens mint --user {ADMIN} --client {client_id} --scope");
    let without_openid = operator.json(&words(&format!("{mint} email")));
    assert!(without_openid.get("id_token").is_none(), "{without_openid}");
    assert_eq!(
        operator.fails(&words(&format!("{mint} photos"))),
        "error: Some requested scopes were invalid. {invalid=[photos]}"
    );
}

#[test]
fn keys_rotate_prints_a_new_key_id_each_time() {
    let operator = Operator::new();
    let first = operator.json(&["keys", "rotate"]);
    let second = operator.ok(&["keys", "rotate"]);
    let kid = text(&first, "/kid");
    assert_eq!(kid.len(), 40);
    assert!(kid.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(
        second.starts_with("ID tokens are now signed with the key "),
        "{second}"
    );
    assert!(!second.contains(kid), "{second}");
}

#[tokio::test]
async fn no_password_client_secret_or_token_is_stored_in_clear() {
    let operator = Operator::new();
    let secret_file = operator.project_with_client("desktop");
    let client_id = text(&secret_file, "/installed/client_id");
    let second_secret = operator.ok(&["clients", "add-secret", client_id]);
    let minted = operator.json(&words(&format!(
        "tokens mint --user {ADMIN} --client {client_id} --scope openid email"
    )));
    let secrets = [
        PASSWORD,
        text(&secret_file, "/installed/client_secret"),
        second_secret.trim(),
        text(&minted, "/access_token"),
        text(&minted, "/refresh_token"),
    ];

    let dump = crate::db_dump::dump_sqlite(&operator.dir.path().join("data/albumen.db")).await;
    assert!(dump.contains(client_id), "the dump should hold the client");
    for secret in secrets {
        assert!(secret.len() > 8, "{secret:?}");
        assert!(!dump.contains(secret), "a secret is stored in clear");
    }
}
