//! The authorization server end to end over HTTP: discovery, the code flow with PKCE and
//! consent, refresh, userinfo, tokeninfo, revocation, ID tokens, the implicit and device
//! flows.

use albumen_testkit::browser::location;
use albumen_testkit::seed::{ADMIN_EMAIL, WEB_REDIRECT};
use albumen_testkit::spawn_app;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::StatusCode;
use serde_json::Value;

use crate::oauth_support::*;

#[tokio::test]
async fn discovery_points_every_endpoint_at_the_public_url() {
    let app = spawn_app().await;
    let (status, doc) = app.get_json("/.well-known/openid-configuration").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["issuer"], app.address);
    assert_eq!(
        doc["authorization_endpoint"],
        format!("{}/o/oauth2/v2/auth", app.address)
    );
    assert_eq!(doc["token_endpoint"], format!("{}/token", app.address));
    assert_eq!(
        doc["device_authorization_endpoint"],
        format!("{}/device/code", app.address)
    );
    assert_eq!(doc["jwks_uri"], format!("{}/oauth2/v3/certs", app.address));
    assert_eq!(
        doc["code_challenge_methods_supported"],
        serde_json::json!(["plain", "S256"])
    );
}

#[tokio::test]
async fn a_desktop_code_flow_with_pkce_yields_tokens_that_refresh_and_revoke() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let (verifier, challenge) = pkce_pair();
    let scope = format!("openid email profile {LIBRARY_APPEND}");
    let (code, params) = desktop_code(&app, &seeded, &scope, &challenge).await;
    assert!(code.starts_with("4/0A"));
    assert_eq!(param(&params, "state").as_deref(), Some("xyz-state"));
    assert_eq!(param(&params, "authuser").as_deref(), Some("0"));
    assert_eq!(param(&params, "prompt").as_deref(), Some("consent"));
    assert_eq!(param(&params, "iss").as_deref(), Some(app.address.as_str()));
    let granted = param(&params, "scope").unwrap();
    assert!(
        granted.contains("https://www.googleapis.com/auth/userinfo.email"),
        "{granted}"
    );
    assert!(granted.contains(LIBRARY_APPEND));

    let (status, tokens) = exchange(&app, &seeded, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    assert!(access.starts_with("ya29."));
    assert_eq!(tokens["expires_in"], 3599);
    assert_eq!(tokens["token_type"], "Bearer");
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    assert!(refresh.starts_with("1//"));
    // Testing-mode grants last 7 days, and the refresh token says so.
    assert_eq!(tokens["refresh_token_expires_in"], 7 * 24 * 3600);
    verify_id_token(
        &app,
        tokens["id_token"].as_str().unwrap(),
        &seeded.desktop.client.client_id,
    )
    .await;

    let userinfo: Value = app
        .client
        .get(app.url("/v1/userinfo"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(userinfo["email"], ADMIN_EMAIL);
    assert_eq!(userinfo["email_verified"], true);
    assert_eq!(userinfo["name"], "Ada Admin");
    let v1: Value = app
        .client
        .get(app.url(&format!("/oauth2/v1/userinfo?access_token={access}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v1["id"], userinfo["sub"]);
    assert_eq!(v1["verified_email"], true);

    let (status, info) = app
        .get_json(&format!("/tokeninfo?access_token={access}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(info["aud"], seeded.desktop.client.client_id);
    assert_eq!(info["expires_in"], "3599");
    assert_eq!(info["email_verified"], "true");
    assert_eq!(info["access_type"], "offline");

    let (status, refreshed) = token(
        &app,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", &seeded.desktop.client.client_id),
            ("client_secret", &seeded.desktop.secret),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{refreshed}");
    assert!(
        refreshed.get("refresh_token").is_none(),
        "no rotation: {refreshed}"
    );
    let second_access = refreshed["access_token"].as_str().unwrap().to_owned();
    assert_ne!(second_access, access);

    let revoked = app
        .client
        .post(app.url("/revoke"))
        .form(&[("token", refresh.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    let (status, body) = token(
        &app,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", &seeded.desktop.client.client_id),
            ("client_secret", &seeded.desktop.secret),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(
        body["error_description"],
        "Token has been expired or revoked."
    );
    let after = app
        .client
        .get(app.url("/v1/userinfo"))
        .bearer_auth(&second_access)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
}

async fn verify_id_token(app: &albumen_testkit::TestApp, id_token: &str, client_id: &str) {
    let header = jsonwebtoken::decode_header(id_token).unwrap();
    let (_, jwks) = app.get_json("/oauth2/v3/certs").await;
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header.kid.clone().unwrap())
        .expect("the signing key is published");
    let decoding =
        DecodingKey::from_rsa_components(key["n"].as_str().unwrap(), key["e"].as_str().unwrap())
            .unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[client_id]);
    validation.set_issuer(&[app.address.as_str()]);
    // The server's clock is fake (2026-01-01); check expiry against it, not the wall clock.
    validation.validate_exp = false;
    let claims = jsonwebtoken::decode::<Value>(id_token, &decoding, &validation)
        .unwrap()
        .claims;
    assert_eq!(claims["email"], ADMIN_EMAIL);
    assert_eq!(claims["azp"], client_id);
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        3600
    );
}

#[tokio::test]
async fn a_returning_user_is_not_asked_again_and_gets_prompt_none() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let (_, challenge) = pkce_pair();
    desktop_code(&app, &seeded, PICKER, &challenge).await;
    let browser = admin_browser(&app).await;
    let url = auth_url(&[
        ("client_id", &seeded.desktop.client.client_id),
        ("redirect_uri", "http://localhost:9999"),
        ("response_type", "code"),
        ("scope", PICKER),
    ]);
    let response = browser.get(&url).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let params = redirect_params(&location(&response));
    assert_eq!(param(&params, "prompt").as_deref(), Some("none"));
    assert!(param(&params, "code").is_some());
}

#[tokio::test]
async fn the_implicit_flow_returns_the_token_in_the_fragment() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let browser = admin_browser(&app).await;
    let url = auth_url(&[
        ("client_id", &seeded.web.client.client_id),
        ("redirect_uri", WEB_REDIRECT),
        ("response_type", "token"),
        ("scope", "openid email"),
        ("state", "s1"),
    ]);
    let response = browser.authorize(&url, "allow").await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = location(&response);
    assert!(
        location.starts_with(&format!("{WEB_REDIRECT}#")),
        "{location}"
    );
    let params = redirect_params(&location);
    assert!(param(&params, "access_token").unwrap().starts_with("ya29."));
    assert_eq!(param(&params, "token_type").as_deref(), Some("Bearer"));
    assert_eq!(param(&params, "expires_in").as_deref(), Some("3599"));
    assert_eq!(param(&params, "state").as_deref(), Some("s1"));
}

#[tokio::test]
async fn the_device_flow_polls_pending_then_slow_down_then_succeeds() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let tv = &seeded.tv.client.client_id;
    let started: Value = app
        .client
        .post(app.url("/device/code"))
        .form(&[("client_id", tv.as_str()), ("scope", "openid email")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        started["verification_url"],
        format!("{}/device", app.address)
    );
    assert_eq!(started["expires_in"], 1800);
    assert_eq!(started["interval"], 5);
    let device_code = started["device_code"].as_str().unwrap().to_owned();
    let user_code = started["user_code"].as_str().unwrap().to_owned();
    let poll = || device_poll(&app, &device_code, tv, &seeded.tv.secret);
    let (status, body) = poll().await;
    assert_eq!(
        (status, body["error"].as_str()),
        (
            StatusCode::PRECONDITION_REQUIRED,
            Some("authorization_pending")
        )
    );
    let (status, body) = poll().await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("slow_down"))
    );

    let browser = admin_browser(&app).await;
    let (_, html) = browser.page("/device").await;
    let form = albumen_testkit::browser::form_posting_to(&html, "/device");
    let entered = browser
        .submit(
            &form,
            &[("user_code", &user_code.to_lowercase().replace('-', " "))],
        )
        .await;
    assert_eq!(entered.status(), StatusCode::OK);
    let html = entered.text().await.unwrap();
    let decide = albumen_testkit::browser::form_posting_to(&html, "/device/decide");
    let done = browser.submit(&decide, &[("decision", "allow")]).await;
    assert_eq!(done.status(), StatusCode::OK);

    app.clock.advance(time::Duration::seconds(6));
    let (status, tokens) = poll().await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert!(
        tokens["access_token"]
            .as_str()
            .unwrap()
            .starts_with("ya29.")
    );
    assert!(tokens["refresh_token"].as_str().is_some());
    let (status, again) = poll().await;
    assert_eq!(
        (status, again["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("expired_token"))
    );
}

#[tokio::test]
async fn access_tokens_expire_after_their_hour() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let (verifier, challenge) = pkce_pair();
    let (code, _) = desktop_code(&app, &seeded, "openid email", &challenge).await;
    let (_, tokens) = exchange(&app, &seeded, &code, &verifier).await;
    let access = tokens["access_token"].as_str().unwrap();
    let userinfo = |token: String| {
        let request = app.client.get(app.url("/v1/userinfo")).bearer_auth(token);
        async move { request.send().await.unwrap().status() }
    };
    app.clock.advance(time::Duration::seconds(3598));
    assert_eq!(userinfo(access.to_owned()).await, StatusCode::OK);
    app.clock.advance(time::Duration::seconds(2));
    assert_eq!(userinfo(access.to_owned()).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn include_granted_scopes_merges_earlier_grants_into_the_new_token() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let (_, challenge) = pkce_pair();
    desktop_code(&app, &seeded, PICKER, &challenge).await;
    let browser = admin_browser(&app).await;
    let ask = |include: &'static str| {
        auth_url(&[
            ("client_id", &seeded.desktop.client.client_id),
            ("redirect_uri", "http://127.0.0.1:8765/"),
            ("response_type", "code"),
            ("scope", "openid email"),
            ("include_granted_scopes", include),
        ])
    };
    let narrow = browser.authorize(&ask("false"), "allow").await;
    let scope = param(&redirect_params(&location(&narrow)), "scope").unwrap();
    assert!(!scope.contains(PICKER), "{scope}");
    let merged = browser.authorize(&ask("true"), "allow").await;
    let scope = param(&redirect_params(&location(&merged)), "scope").unwrap();
    assert!(
        scope.contains(PICKER) && scope.contains("userinfo.email"),
        "{scope}"
    );
}

#[tokio::test]
async fn users_see_the_apps_they_granted_and_can_remove_them() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let (verifier, challenge) = pkce_pair();
    let (code, _) = desktop_code(&app, &seeded, PICKER, &challenge).await;
    let (_, tokens) = exchange(&app, &seeded, &code, &verifier).await;
    let browser = admin_browser(&app).await;
    let (status, page) = browser.page("/account").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&seeded.desktop.client.client_id), "{page}");
    assert!(
        page.contains("View the photos and videos you select"),
        "{page}"
    );
    let remove = albumen_testkit::browser::forms(&page)
        .into_iter()
        .find(|f| f.action.starts_with("/account/apps/"))
        .expect("a remove-access form");
    let removed = browser.submit(&remove, &[]).await;
    assert!(removed.status().is_redirection(), "{}", removed.status());
    let access = tokens["access_token"].as_str().unwrap();
    let after = app
        .client
        .get(app.url("/v1/userinfo"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    let (_, page) = browser.page("/account").await;
    assert!(!page.contains(&seeded.desktop.client.client_id));
}

#[tokio::test]
async fn rotated_keys_sign_new_id_tokens_and_old_keys_stay_published() {
    let app = spawn_app().await;
    let (_, before) = app.get_json("/oauth2/v3/certs").await;
    assert_eq!(before["keys"].as_array().unwrap().len(), 1);
    let old_kid = before["keys"][0]["kid"].as_str().unwrap().to_owned();
    assert_eq!(old_kid.len(), 40);
    app.clock.advance(time::Duration::hours(1));
    let new_kid =
        albumen_oauth::keys::rotate_signing_key(app.state.store.as_ref(), app.state.clock.as_ref())
            .await
            .unwrap();
    let (_, after) = app.get_json("/oauth2/v3/certs").await;
    let kids: Vec<&str> = after["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert_eq!(kids, vec![new_kid.as_str(), old_kid.as_str()]);
    let seeded = app.seed().await;
    let (verifier, challenge) = pkce_pair();
    let (code, _) = desktop_code(&app, &seeded, "openid", &challenge).await;
    let (_, tokens) = exchange(&app, &seeded, &code, &verifier).await;
    let header = jsonwebtoken::decode_header(tokens["id_token"].as_str().unwrap()).unwrap();
    assert_eq!(header.kid.as_deref(), Some(new_kid.as_str()));
    app.clock.advance(time::Duration::days(3));
    let (_, later) = app.get_json("/oauth2/v3/certs").await;
    assert_eq!(
        later["keys"].as_array().unwrap().len(),
        1,
        "retired keys leave after two days"
    );
}

#[tokio::test]
#[ignore = "needs ALBUMEN_TEST_POSTGRES_URL and ALBUMEN_TEST_S3_ENDPOINT; see .ci/run"]
async fn a_code_flow_and_refresh_work_on_postgres_and_s3() {
    let Some(app) = albumen_testkit::spawn_app_with(albumen_testkit::AppOptions {
        db: albumen_testkit::DbKind::Postgres,
        blob: albumen_testkit::BlobKind::S3,
        ..Default::default()
    })
    .await
    else {
        return;
    };
    let seeded = app.seed().await;
    let (verifier, challenge) = pkce_pair();
    let (code, _) =
        desktop_code(&app, &seeded, &format!("openid email {PICKER}"), &challenge).await;
    let (status, tokens) = exchange(&app, &seeded, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let (status, replay) = exchange(&app, &seeded, &code, &verifier).await;
    assert_eq!(
        (status, replay["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let (status, _) = refresh_grant(
        &app,
        refresh,
        &seeded.desktop.client.client_id,
        &seeded.desktop.secret,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the replay revoked the refresh token too"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn the_out_of_band_flow_shows_the_code_for_desktop_apps_in_testing_only() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let browser = admin_browser(&app).await;
    let oob = "urn:ietf:wg:oauth:2.0:oob";
    let url = |client: &str| {
        auth_url(&[
            ("client_id", client),
            ("redirect_uri", oob),
            ("response_type", "code"),
            ("scope", "openid email"),
        ])
    };
    let (status, page) = browser
        .authorize_to_end(&url(&seeded.desktop.client.client_id), "allow")
        .await;
    assert_eq!(status, StatusCode::OK);
    let code = page
        .split("<pre id=\"code\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .expect("the code is shown")
        .to_owned();
    assert!(code.starts_with("4/0A"), "{code}");
    let (status, tokens) = token(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", oob),
            ("client_id", &seeded.desktop.client.client_id),
            ("client_secret", &seeded.desktop.secret),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{tokens}");

    let (status, page) = browser.page(&url(&seeded.web.client.client_id)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("out-of-band"), "{page}");
}
