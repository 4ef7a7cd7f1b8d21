//! Helpers shared by the OAuth tests: authorization URLs, PKCE pairs, code exchange and
//! reading a redirect's parameters.

use albumen_testkit::TestApp;
use albumen_testkit::browser::{Browser, location};
use albumen_testkit::seed::{ADMIN_EMAIL, ADMIN_PASSWORD, Seeded};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};

pub const LIBRARY_APPEND: &str = "https://www.googleapis.com/auth/photoslibrary.appendonly";
pub const PICKER: &str = "https://www.googleapis.com/auth/photospicker.mediaitems.readonly";

pub fn pkce_pair() -> (String, String) {
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-and-some-more".to_owned();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// `/o/oauth2/v2/auth?...` with the given parameters.
pub fn auth_url(params: &[(&str, &str)]) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter().copied())
        .finish();
    format!("/o/oauth2/v2/auth?{query}")
}

/// The query (or fragment) parameters of a redirect.
pub fn redirect_params(location: &str) -> Vec<(String, String)> {
    let tail = location
        .split_once('#')
        .map(|(_, f)| f)
        .or_else(|| location.split_once('?').map(|(_, q)| q))
        .unwrap_or_default();
    url::form_urlencoded::parse(tail.as_bytes())
        .into_owned()
        .collect()
}

pub fn param(params: &[(String, String)], name: &str) -> Option<String> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

/// A signed-in admin's browser.
pub async fn admin_browser(app: &TestApp) -> Browser {
    let browser = app.browser();
    browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    browser
}

/// Runs a desktop code flow with PKCE through consent; returns (code, redirect params).
pub async fn desktop_code(
    app: &TestApp,
    seeded: &Seeded,
    scope: &str,
    challenge: &str,
) -> (String, Vec<(String, String)>) {
    let browser = admin_browser(app).await;
    let url = auth_url(&[
        ("client_id", &seeded.desktop.client.client_id),
        ("redirect_uri", "http://127.0.0.1:8765/"),
        ("response_type", "code"),
        ("scope", scope),
        ("state", "xyz-state"),
        ("access_type", "offline"),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ]);
    let response = browser.authorize(&url, "allow").await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = location(&response);
    assert!(
        location.starts_with("http://127.0.0.1:8765/?"),
        "{location}"
    );
    let params = redirect_params(&location);
    (param(&params, "code").expect("a code"), params)
}

/// POST /token with form fields; returns (status, JSON body).
pub async fn token(app: &TestApp, fields: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = app
        .client
        .post(app.url("/token"))
        .form(fields)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

pub async fn exchange(
    app: &TestApp,
    seeded: &Seeded,
    code: &str,
    verifier: &str,
) -> (StatusCode, Value) {
    token(
        app,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", "http://127.0.0.1:8765/"),
            ("client_id", &seeded.desktop.client.client_id),
            ("client_secret", &seeded.desktop.secret),
            ("code_verifier", verifier),
        ],
    )
    .await
}

pub async fn device_poll(
    app: &TestApp,
    device_code: &str,
    client_id: &str,
    secret: &str,
) -> (StatusCode, Value) {
    token(
        app,
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", device_code),
            ("client_id", client_id),
            ("client_secret", secret),
        ],
    )
    .await
}

pub async fn refresh_grant(
    app: &TestApp,
    refresh: &str,
    client_id: &str,
    secret: &str,
) -> (StatusCode, Value) {
    token(
        app,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh),
            ("client_id", client_id),
            ("client_secret", secret),
        ],
    )
    .await
}
