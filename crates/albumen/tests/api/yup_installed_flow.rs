//! yup-oauth2, the OAuth client of Google's generated Rust API crates, running its installed
//! flow against the real server: `InstalledFlowReturnMethod::HTTPRedirect` (its own loopback
//! server on `http://localhost:PORT`), a delegate that plays the user with the scripted browser,
//! then the code exchange, a token for the Picker scope, and a refresh, all done by yup.
//!
//! yup is built without a TLS feature and given a plain-http hyper client: the test server
//! listens on http://127.0.0.1 and yup sends every request through the client it is given.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use albumen_testkit::browser::{Browser, location};
use albumen_testkit::seed::{ADMIN_EMAIL, ADMIN_PASSWORD};
use albumen_testkit::spawn_app;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use reqwest::StatusCode;
use serde_json::Value;
use yup_oauth2::authenticator_delegate::InstalledFlowDelegate;
use yup_oauth2::{
    ApplicationSecret, CustomHyperClientBuilder, InstalledFlowAuthenticator,
    InstalledFlowReturnMethod,
};

use crate::oauth_support::PICKER;

/// The person at the browser: signs in, allows, and lets the browser follow the redirect
/// to yup's loopback server. Records the URL yup presented.
struct ScriptedUser {
    browser: Browser,
    presented: Arc<Mutex<Vec<String>>>,
}

impl InstalledFlowDelegate for ScriptedUser {
    fn present_user_url<'a>(
        &'a self,
        url: &'a str,
        need_code: bool,
    ) -> Pin<Box<dyn Future<Output = Result<String, String>> + Send + 'a>> {
        Box::pin(async move {
            self.presented.lock().unwrap().push(url.to_owned());
            // With HTTPRedirect yup ignores this function's result and waits for its loopback
            // server, so failures here must panic (failing the test) rather than return Err.
            assert!(
                !need_code,
                "HTTPRedirect must not ask the user to paste a code"
            );
            self.browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
            let response = self.browser.authorize(url, "allow").await;
            let status = response.status();
            let to = location(&response);
            assert_eq!(
                status,
                StatusCode::FOUND,
                "the authorization ended in HTTP {status}, not a redirect to the app: {}",
                response.text().await.unwrap_or_default()
            );
            assert!(
                to.starts_with("http://localhost:") && to.contains("code="),
                "the server redirected to {to}, not to yup's loopback server with a code"
            );
            // The browser's last hop: yup's loopback server receives the code.
            let delivered = reqwest::get(&to)
                .await
                .expect("yup's loopback server answers");
            assert_eq!(
                delivered.status(),
                StatusCode::OK,
                "yup's loopback server refused {to}"
            );
            Ok(String::new())
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yup_oauth2_installed_flow_gets_and_refreshes_a_picker_token() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let secret = ApplicationSecret {
        client_id: seeded.desktop.client.client_id.clone(),
        client_secret: seeded.desktop.secret.clone(),
        auth_uri: format!("{}/o/oauth2/auth", app.address),
        token_uri: format!("{}/token", app.address),
        redirect_uris: vec!["http://localhost".to_owned()],
        project_id: Some(seeded.project.id.clone()),
        ..ApplicationSecret::default()
    };
    let presented = Arc::new(Mutex::new(Vec::new()));
    let user = ScriptedUser {
        browser: app.browser(),
        presented: presented.clone(),
    };
    let http = Client::builder(TokioExecutor::new()).build_http::<String>();
    let auth = InstalledFlowAuthenticator::with_client(
        secret,
        InstalledFlowReturnMethod::HTTPRedirect,
        CustomHyperClientBuilder::from(http),
    )
    .flow_delegate(Box::new(user))
    .build()
    .await
    .expect("the authenticator builds");

    let scopes = [PICKER];
    // yup waits for its loopback server without a limit; a broken flow must not hang CI.
    let token = tokio::time::timeout(Duration::from_secs(60), auth.token(&scopes))
        .await
        .expect("yup's installed flow finished within 60 s")
        .expect("yup obtained a token");
    let presented = presented.lock().unwrap().clone();
    assert_eq!(presented.len(), 1, "yup presented {presented:?}");
    assert!(
        presented[0].starts_with(&format!("{}/o/oauth2/auth?", app.address)),
        "{}",
        presented[0]
    );
    let access = token.token().expect("an access token").to_owned();
    assert!(access.starts_with("ya29."), "{access}");
    assert!(!token.is_expired());

    // The token is the desktop client's, for the Picker scope.
    let (status, info) = app
        .get_json(&format!("/tokeninfo?access_token={access}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{info}");
    assert_eq!(info["aud"], seeded.desktop.client.client_id);
    assert_eq!(info["scope"], PICKER);
    assert_eq!(info["access_type"], "offline");

    // yup refreshes with the refresh token the code exchange gave it.
    let refreshed = auth
        .force_refreshed_token(&scopes)
        .await
        .expect("yup refreshed the token");
    let second = refreshed
        .token()
        .expect("a refreshed access token")
        .to_owned();
    assert_ne!(second, access, "a refresh must mint a new access token");
    let (status, info): (StatusCode, Value) = app
        .get_json(&format!("/tokeninfo?access_token={second}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{info}");
    assert_eq!(info["scope"], PICKER);
    assert_eq!(info["aud"], seeded.desktop.client.client_id);
}
