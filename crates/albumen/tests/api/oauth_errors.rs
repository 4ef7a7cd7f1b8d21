//! The exact wire shape of every OAuth error a client can meet: on the token, device,
//! revocation and userinfo endpoints (RFC 6749 JSON) and on the authorization endpoint
//! (Google's own error page, or a redirect back for the errors Google sends back).

use albumen_core::consent::{PublishingStatus, UserType};
use albumen_oauth::console::ConsentSettings;
use albumen_testkit::browser::{form_posting_to, location};
use albumen_testkit::seed::{ADMIN_EMAIL, ADMIN_PASSWORD, Seeded, WEB_REDIRECT};
use albumen_testkit::{TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::oauth_support::*;

fn oauth_error(code: &str, description: &str) -> Value {
    json!({"error": code, "error_description": description})
}

async fn code_and_verifier(app: &TestApp, seeded: &Seeded) -> (String, String) {
    let (verifier, challenge) = pkce_pair();
    let (code, _) = desktop_code(app, seeded, PICKER, &challenge).await;
    (code, verifier)
}

#[tokio::test]
async fn token_endpoint_client_authentication_errors() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let (code, verifier) = code_and_verifier(&app, &seeded).await;
    let desktop = &seeded.desktop.client.client_id;
    let base = |secret: &'static str| {
        vec![
            ("grant_type", "authorization_code".to_owned()),
            ("code", code.clone()),
            ("redirect_uri", "http://127.0.0.1:8765/".to_owned()),
            ("code_verifier", verifier.clone()),
            ("client_secret", secret.to_owned()),
        ]
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let response = app
                .client
                .post(app.url("/token"))
                .form(&fields)
                .send()
                .await
                .unwrap();
            (response.status(), response.json::<Value>().await.unwrap())
        }
    };
    let mut wrong = base("GOCSPX-not-the-secret-at-all-xxxx");
    wrong.push(("client_id", desktop.clone()));
    assert_eq!(
        post(wrong).await,
        (
            StatusCode::UNAUTHORIZED,
            oauth_error("invalid_client", "Unauthorized")
        )
    );
    let mut unknown = base("GOCSPX-x");
    unknown.push((
        "client_id",
        "123-nope.apps.googleusercontent.com".to_owned(),
    ));
    assert_eq!(
        post(unknown).await,
        (
            StatusCode::UNAUTHORIZED,
            oauth_error("invalid_client", "The OAuth client was not found.")
        )
    );
    let missing_secret = vec![
        ("grant_type", "authorization_code".to_owned()),
        ("client_id", desktop.clone()),
    ];
    assert_eq!(
        post(missing_secret).await,
        (
            StatusCode::BAD_REQUEST,
            oauth_error("invalid_request", "client_secret is missing.")
        )
    );
    let no_grant_type = vec![("client_id", desktop.clone())];
    assert_eq!(
        post(no_grant_type).await,
        (
            StatusCode::BAD_REQUEST,
            oauth_error("invalid_request", "Missing required parameter: grant_type")
        )
    );
    let password_grant = vec![
        ("grant_type", "password".to_owned()),
        ("client_id", desktop.clone()),
    ];
    assert_eq!(
        post(password_grant).await,
        (
            StatusCode::BAD_REQUEST,
            oauth_error("unsupported_grant_type", "Invalid grant_type: password")
        )
    );
    // HTTP Basic (client_secret_basic) works as well as the form fields.
    let basic = app
        .client
        .post(app.url("/token"))
        .basic_auth(desktop, Some(&seeded.desktop.secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", "http://127.0.0.1:8765/"),
            ("code_verifier", verifier.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), StatusCode::OK);

    let admin = &seeded.admin;
    app.state
        .authority
        .delete_client(admin, desktop)
        .await
        .unwrap();
    let mut deleted = base("GOCSPX-whatever");
    deleted.push(("client_id", desktop.clone()));
    assert_eq!(
        post(deleted).await,
        (
            StatusCode::UNAUTHORIZED,
            oauth_error("deleted_client", "The OAuth client was deleted.")
        )
    );
}

#[tokio::test]
async fn a_replayed_code_fails_and_revokes_what_it_issued() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let (code, verifier) = code_and_verifier(&app, &seeded).await;
    let (status, first) = exchange(&app, &seeded, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK);
    let (status, replay) = exchange(&app, &seeded, &code, &verifier).await;
    assert_eq!(
        (status, replay),
        (
            StatusCode::BAD_REQUEST,
            oauth_error("invalid_grant", "Bad Request")
        )
    );
    let access = first["access_token"].as_str().unwrap();
    let userinfo = app
        .client
        .get(app.url("/v1/userinfo"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(userinfo.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn pkce_mismatch_missing_verifier_expired_code_and_redirect_mismatch_are_refused() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let (code, _) = code_and_verifier(&app, &seeded).await;
    let other_verifier = "x".repeat(50);
    assert_eq!(
        exchange(&app, &seeded, &code, &other_verifier).await,
        (
            StatusCode::BAD_REQUEST,
            oauth_error("invalid_grant", "Bad Request")
        )
    );
    let (code, _) = code_and_verifier(&app, &seeded).await;
    let desktop = &seeded.desktop.client;
    let without_verifier = token(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:8765/"),
            ("client_id", &desktop.client_id),
            ("client_secret", &seeded.desktop.secret),
        ],
    )
    .await;
    assert_eq!(
        without_verifier,
        (
            StatusCode::BAD_REQUEST,
            oauth_error("invalid_grant", "Missing code verifier.")
        )
    );

    let (code, verifier) = code_and_verifier(&app, &seeded).await;
    let wrong_redirect = token(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:9999/"),
            ("client_id", &desktop.client_id),
            ("client_secret", &seeded.desktop.secret),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(
        wrong_redirect,
        (
            StatusCode::BAD_REQUEST,
            oauth_error("redirect_uri_mismatch", "Bad Request")
        )
    );

    let (code, verifier) = code_and_verifier(&app, &seeded).await;
    app.clock.advance(time::Duration::minutes(11));
    assert_eq!(
        exchange(&app, &seeded, &code, &verifier).await,
        (
            StatusCode::BAD_REQUEST,
            oauth_error("invalid_grant", "Bad Request")
        )
    );
    assert_eq!(
        exchange(&app, &seeded, "4/0Anonsense", &verifier).await,
        (
            StatusCode::BAD_REQUEST,
            oauth_error("invalid_grant", "Malformed auth code.")
        )
    );
}

#[tokio::test]
async fn testing_mode_refresh_tokens_die_seven_days_after_consent() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let (code, verifier) = code_and_verifier(&app, &seeded).await;
    let (_, tokens) = exchange(&app, &seeded, &code, &verifier).await;
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    let refresh_now = || {
        refresh_grant(
            &app,
            &refresh,
            &seeded.desktop.client.client_id,
            &seeded.desktop.secret,
        )
    };
    app.clock.advance(time::Duration::days(6));
    assert_eq!(refresh_now().await.0, StatusCode::OK);
    app.clock
        .advance(time::Duration::days(1) + time::Duration::seconds(1));
    assert_eq!(
        refresh_now().await,
        (
            StatusCode::BAD_REQUEST,
            oauth_error("invalid_grant", "Token has been expired or revoked.")
        )
    );
}

#[tokio::test]
async fn revocation_tokeninfo_and_userinfo_reject_bad_tokens() {
    let app = spawn_app().await;
    let revoke = app
        .client
        .post(app.url("/revoke"))
        .form(&[("token", "ya29.nothing")])
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        revoke.json::<Value>().await.unwrap(),
        oauth_error("invalid_token", "Token expired or revoked")
    );
    let (status, info) = app.get_json("/tokeninfo?access_token=ya29.nothing").await;
    assert_eq!(
        (status, info),
        (
            StatusCode::BAD_REQUEST,
            oauth_error("invalid_token", "Invalid Value")
        )
    );
    let oidc = app
        .client
        .get(app.url("/v1/userinfo"))
        .bearer_auth("ya29.nothing")
        .send()
        .await
        .unwrap();
    assert_eq!(oidc.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        oidc.headers()["www-authenticate"],
        "Bearer error=\"invalid_token\""
    );
    let v1 = app.get("/oauth2/v1/userinfo").await;
    assert_eq!(v1.status(), StatusCode::UNAUTHORIZED);
    assert!(
        v1.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("error=\"invalid_token\"")
    );
    let body: Value = v1.json().await.unwrap();
    assert_eq!(body["error"]["status"], "UNAUTHENTICATED");
    assert_eq!(body["error"]["code"], 401);
}

/// GET an authorization URL as a signed-in admin; return (status, body or location).
async fn authorize_as_admin(app: &TestApp, params: &[(&str, &str)]) -> (StatusCode, String) {
    let browser = admin_browser(app).await;
    let response = browser.get(&auth_url(params)).await;
    let status = response.status();
    if status == StatusCode::FOUND {
        return (status, location(&response));
    }
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn authorization_errors_are_shown_on_the_error_page_as_google_does() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let web = seeded.web.client.client_id.as_str();
    let desktop = seeded.desktop.client.client_id.as_str();
    let tv = seeded.tv.client.client_id.as_str();
    type Case<'a> = (Vec<(&'a str, &'a str)>, StatusCode, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec![
                ("redirect_uri", WEB_REDIRECT),
                ("response_type", "code"),
                ("scope", "email"),
            ],
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            vec![
                ("client_id", "1-x.apps.googleusercontent.com"),
                ("redirect_uri", WEB_REDIRECT),
                ("response_type", "code"),
                ("scope", "email"),
            ],
            StatusCode::UNAUTHORIZED,
            "invalid_client",
        ),
        (
            vec![
                ("client_id", web),
                ("redirect_uri", "https://app.example.com/other"),
                ("response_type", "code"),
                ("scope", "email"),
            ],
            StatusCode::BAD_REQUEST,
            "redirect_uri_mismatch",
        ),
        (
            vec![
                ("client_id", web),
                ("redirect_uri", "https://app.example.com/callback/"),
                ("response_type", "code"),
                ("scope", "email"),
            ],
            StatusCode::BAD_REQUEST,
            "redirect_uri_mismatch",
        ),
        (
            vec![
                ("client_id", desktop),
                ("redirect_uri", "http://localhost.evil.com:8080/"),
                ("response_type", "code"),
                ("scope", "email"),
            ],
            StatusCode::BAD_REQUEST,
            "redirect_uri_mismatch",
        ),
        (
            vec![
                ("client_id", desktop),
                ("redirect_uri", "http://localhost@evil.com/"),
                ("response_type", "code"),
                ("scope", "email"),
            ],
            StatusCode::BAD_REQUEST,
            "redirect_uri_mismatch",
        ),
        (
            vec![
                ("client_id", tv),
                ("redirect_uri", "http://localhost:8080/"),
                ("response_type", "code"),
                ("scope", "email"),
            ],
            StatusCode::BAD_REQUEST,
            "redirect_uri_mismatch",
        ),
        (
            vec![
                ("client_id", web),
                ("redirect_uri", WEB_REDIRECT),
                ("response_type", "code"),
                ("scope", "email https://www.googleapis.com/auth/nope"),
            ],
            StatusCode::BAD_REQUEST,
            "invalid_scope",
        ),
        (
            vec![
                ("client_id", web),
                ("redirect_uri", WEB_REDIRECT),
                ("response_type", "code"),
            ],
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            vec![
                ("client_id", desktop),
                ("redirect_uri", "http://localhost:1/"),
                ("response_type", "token"),
                ("scope", "email"),
            ],
            StatusCode::UNAUTHORIZED,
            "unauthorized_client",
        ),
        (
            vec![
                ("client_id", web),
                ("redirect_uri", WEB_REDIRECT),
                ("response_type", "code"),
                ("scope", "email"),
                ("prompt", "none consent"),
            ],
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            vec![
                ("client_id", web),
                ("redirect_uri", WEB_REDIRECT),
                ("response_type", "code"),
                ("scope", "email"),
                ("code_challenge", "short"),
                ("code_challenge_method", "S256"),
            ],
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
    ];
    for (params, status, code) in cases {
        let (got_status, page) = authorize_as_admin(&app, &params).await;
        assert_eq!(got_status, status, "{params:?}: {page}");
        assert!(
            page.contains(&format!("Error {}: {code}", status.as_u16())),
            "{params:?}: {page}"
        );
        assert!(
            !page.contains("app.example.com/callback?"),
            "never redirected: {params:?}"
        );
    }
    app.state
        .authority
        .delete_client(&seeded.admin, web)
        .await
        .unwrap();
    let (status, page) = authorize_as_admin(
        &app,
        &[
            ("client_id", web),
            ("redirect_uri", WEB_REDIRECT),
            ("response_type", "code"),
            ("scope", "email"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains("Error 401: deleted_client"), "{page}");
}

#[tokio::test]
async fn cancel_and_prompt_none_redirect_back_with_the_error_and_state() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let web = seeded.web.client.client_id.as_str();
    let params = [
        ("client_id", web),
        ("redirect_uri", WEB_REDIRECT),
        ("response_type", "code"),
        ("scope", "email"),
        ("state", "st8"),
    ];
    let browser = admin_browser(&app).await;
    let cancelled = browser.authorize(&auth_url(&params), "deny").await;
    assert_eq!(cancelled.status(), StatusCode::FOUND);
    assert_eq!(
        location(&cancelled),
        format!("{WEB_REDIRECT}?error=access_denied&state=st8")
    );

    let mut silent = params.to_vec();
    silent.push(("prompt", "none"));
    let anonymous = app.browser().get(&auth_url(&silent)).await;
    assert_eq!(
        location(&anonymous),
        format!("{WEB_REDIRECT}?error=login_required&state=st8")
    );
    let signed_in = browser.get(&auth_url(&silent)).await;
    assert_eq!(
        location(&signed_in),
        format!("{WEB_REDIRECT}?error=consent_required&state=st8")
    );
}

#[tokio::test]
async fn testing_apps_admit_only_testers_and_internal_apps_only_their_organisation() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let authority = &app.state.authority;
    authority
        .create_user(
            "stranger@example.com",
            "Stranger",
            Some("stranger password".into()),
            false,
        )
        .await
        .unwrap();
    let stranger = app.browser();
    stranger
        .sign_in("stranger@example.com", "stranger password")
        .await;
    let url = auth_url(&[
        ("client_id", &seeded.web.client.client_id),
        ("redirect_uri", WEB_REDIRECT),
        ("response_type", "code"),
        ("scope", "email"),
    ]);
    let (status, page) = stranger.page(&url).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("Error 403: access_denied"), "{page}");
    assert!(page.contains("developer-approved testers"), "{page}");

    let settings = |user_type, publishing_status| ConsentSettings {
        app_name: "Test App".into(),
        support_email: ADMIN_EMAIL.into(),
        logo_url: None,
        user_type,
        publishing_status,
        test_users: vec![],
        verification_status: None,
    };
    authority
        .set_consent_screen(
            &seeded.admin,
            &seeded.project.id,
            settings(UserType::Internal, PublishingStatus::InProduction),
        )
        .await
        .unwrap();
    let (status, page) = stranger.page(&url).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("Error 403: org_internal"), "{page}");

    authority
        .set_consent_screen(
            &seeded.admin,
            &seeded.project.id,
            settings(UserType::External, PublishingStatus::InProduction),
        )
        .await
        .unwrap();
    let response = stranger.authorize(&url, "allow").await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert!(location(&response).contains("code="));
}

#[tokio::test]
async fn unverified_apps_asking_for_photos_show_the_warning_first() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let browser = admin_browser(&app).await;
    let photos = auth_url(&[
        ("client_id", &seeded.web.client.client_id),
        ("redirect_uri", WEB_REDIRECT),
        ("response_type", "code"),
        ("scope", PICKER),
    ]);
    let (_, page) = browser.page(&photos).await;
    assert!(page.contains("hasn't verified this app"), "{page}");
    assert!(page.contains("(unsafe)"), "{page}");
    let sign_in_only = auth_url(&[
        ("client_id", &seeded.web.client.client_id),
        ("redirect_uri", WEB_REDIRECT),
        ("response_type", "code"),
        ("scope", "openid email"),
    ]);
    let (_, page) = browser.page(&sign_in_only).await;
    assert!(!page.contains("hasn't verified this app"), "{page}");
    assert!(page.contains("name=\"decision\""), "{page}");
}

#[tokio::test]
async fn device_flow_errors() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let start = |client: &str, scope: &str| {
        let request = app
            .client
            .post(app.url("/device/code"))
            .form(&[("client_id", client), ("scope", scope)]);
        async move {
            let response = request.send().await.unwrap();
            (response.status(), response.json::<Value>().await.unwrap())
        }
    };
    assert_eq!(
        start(&seeded.desktop.client.client_id, "email").await,
        (
            StatusCode::UNAUTHORIZED,
            oauth_error("invalid_client", "Invalid client type.")
        )
    );
    let (status, body) = start(&seeded.tv.client.client_id, LIBRARY_APPEND).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_scope"))
    );

    let tv = seeded.tv.client.client_id.as_str();
    let (_, started) = start(tv, "email").await;
    let code = started["device_code"].as_str().unwrap().to_owned();
    let browser = admin_browser(&app).await;
    let user_code = started["user_code"].as_str().unwrap();
    let (_, html) = browser
        .page(&format!("/device?user_code={user_code}"))
        .await;
    assert!(
        html.contains(&format!("value=\"{user_code}\"")),
        "the code is filled in"
    );
    let entered = browser
        .submit(
            &form_posting_to(&html, "/device"),
            &[("user_code", user_code)],
        )
        .await
        .text()
        .await
        .unwrap();
    browser
        .submit(
            &form_posting_to(&entered, "/device/decide"),
            &[("decision", "deny")],
        )
        .await;
    assert_eq!(
        device_poll(&app, &code, tv, &seeded.tv.secret).await,
        (
            StatusCode::FORBIDDEN,
            oauth_error("access_denied", "Forbidden")
        )
    );

    let (_, started) = start(tv, "email").await;
    let code = started["device_code"].as_str().unwrap().to_owned();
    app.clock.advance(time::Duration::minutes(31));
    assert_eq!(
        device_poll(&app, &code, tv, &seeded.tv.secret).await,
        (
            StatusCode::BAD_REQUEST,
            oauth_error("expired_token", "Expired")
        )
    );
}

#[tokio::test]
async fn forms_without_a_valid_csrf_token_are_refused() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let anonymous = app.browser();
    let forged = anonymous
        .client
        .post(app.url("/signin"))
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let browser = admin_browser(&app).await;
    let url = auth_url(&[
        ("client_id", &seeded.web.client.client_id),
        ("redirect_uri", WEB_REDIRECT),
        ("response_type", "code"),
        ("scope", "email"),
    ]);
    let (_, page) = browser.page(&url).await;
    let mut form = form_posting_to(&page, "/o/oauth2/continue");
    for (name, value) in &mut form.hidden {
        if name == "csrf_token" {
            *value = "forged".into();
        }
    }
    let response = browser.submit(&form, &[("decision", "allow")]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_account_for_a_while() {
    let app = spawn_app().await;
    app.seed().await;
    let browser = app.browser();
    for _ in 0..5 {
        let response = browser.try_sign_in(ADMIN_EMAIL, "wrong password!").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("Wrong email or password.")
        );
    }
    let locked = browser.try_sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    app.clock.advance(time::Duration::minutes(16));
    let after = browser.try_sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(after.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_database_holds_no_secret_token_or_password_in_clear() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let (code, verifier) = code_and_verifier(&app, &seeded).await;
    let (_, tokens) = exchange(&app, &seeded, &code, &verifier).await;
    let secrets = [
        seeded.desktop.secret.clone(),
        seeded.web.secret.clone(),
        seeded.tv.secret.clone(),
        ADMIN_PASSWORD.to_owned(),
        code,
        tokens["access_token"].as_str().unwrap().to_owned(),
        tokens["refresh_token"].as_str().unwrap().to_owned(),
    ];
    let dump = crate::db_dump::dump_sqlite(&app.config.default_sqlite_path()).await;
    assert!(dump.len() > 1000, "the dump should hold the seeded rows");
    for secret in &secrets {
        assert!(
            !dump.contains(secret.as_str()),
            "found a secret in clear in the database"
        );
    }
}

#[tokio::test]
async fn a_disabled_users_grants_end_and_refresh_fails() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let authority = &app.state.authority;
    let (code, verifier) = code_and_verifier(&app, &seeded).await;
    let (_, tokens) = exchange(&app, &seeded, &code, &verifier).await;
    // Another administrator, since the last one cannot be disabled.
    authority
        .create_user("other-admin@example.com", "Other", None, true)
        .await
        .unwrap();
    authority
        .set_user_disabled(&seeded.admin.id, true)
        .await
        .unwrap();
    let refresh = tokens["refresh_token"].as_str().unwrap();
    assert_eq!(
        refresh_grant(
            &app,
            refresh,
            &seeded.desktop.client.client_id,
            &seeded.desktop.secret
        )
        .await,
        (
            StatusCode::BAD_REQUEST,
            oauth_error("invalid_grant", "Token has been expired or revoked.")
        )
    );
    authority
        .set_user_disabled(&seeded.admin.id, false)
        .await
        .unwrap();
    assert_eq!(
        refresh_grant(
            &app,
            refresh,
            &seeded.desktop.client.client_id,
            &seeded.desktop.secret
        )
        .await
        .0,
        StatusCode::BAD_REQUEST,
        "re-enabling the account does not bring the old grant back"
    );
}

#[tokio::test]
async fn a_verifier_without_a_challenge_is_refused() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let browser = admin_browser(&app).await;
    let url = auth_url(&[
        ("client_id", &seeded.desktop.client.client_id),
        ("redirect_uri", "http://127.0.0.1:8765/"),
        ("response_type", "code"),
        ("scope", PICKER),
    ]);
    let response = browser.authorize(&url, "allow").await;
    let code = param(&redirect_params(&location(&response)), "code").unwrap();
    assert_eq!(
        exchange(&app, &seeded, &code, &"v".repeat(43)).await,
        (
            StatusCode::BAD_REQUEST,
            oauth_error(
                "invalid_request",
                "code_verifier or verifier is not needed."
            )
        )
    );
}

#[tokio::test]
async fn consenting_again_after_a_grant_expired_does_not_revive_its_tokens() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let (code, verifier) = code_and_verifier(&app, &seeded).await;
    let (_, tokens) = exchange(&app, &seeded, &code, &verifier).await;
    let old_refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    app.clock.advance(time::Duration::days(8));
    let (code, verifier) = code_and_verifier(&app, &seeded).await;
    let (status, _) = exchange(&app, &seeded, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        refresh_grant(
            &app,
            &old_refresh,
            &seeded.desktop.client.client_id,
            &seeded.desktop.secret
        )
        .await
        .0,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn parallel_wrong_passwords_cannot_outrun_the_throttle() {
    let app = spawn_app().await;
    app.seed().await;
    let attempts = futures::future::join_all((0..10).map(|_| {
        app.client
            .get(app.url("/console/api/v1/projects"))
            .basic_auth(ADMIN_EMAIL, Some("wrong password!"))
            .send()
    }))
    .await;
    let statuses: Vec<u16> = attempts
        .into_iter()
        .map(|r| r.unwrap().status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        5,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_second_answer_on_the_device_page_is_not_a_server_error() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let started: Value = app
        .client
        .post(app.url("/device/code"))
        .form(&[
            ("client_id", seeded.tv.client.client_id.as_str()),
            ("scope", "email"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let user_code = started["user_code"].as_str().unwrap();
    let browser = admin_browser(&app).await;
    let (_, html) = browser.page("/device").await;
    let entered = browser
        .submit(
            &form_posting_to(&html, "/device"),
            &[("user_code", user_code)],
        )
        .await
        .text()
        .await
        .unwrap();
    let decide = form_posting_to(&entered, "/device/decide");
    let answers = futures::future::join_all(
        (0..4).map(|_| browser.submit(&decide, &[("decision", "allow")])),
    )
    .await;
    for answer in answers {
        assert!(answer.status().as_u16() < 500, "{}", answer.status());
    }
}

#[tokio::test]
async fn an_oversized_token_request_gets_an_oauth_error() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'a'; 17 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
}
