//! The console's JSON admin API, as a script uses it.

use albumen_testkit::seed::{ADMIN_EMAIL, ADMIN_PASSWORD};
use albumen_testkit::{TestApp, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Option<Value>,
    who: Option<(&str, &str)>,
) -> (StatusCode, Value) {
    let mut request = app.client.request(method, app.url(path));
    if let Some((email, password)) = who {
        request = request.basic_auth(email, Some(password));
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

const ADMIN: Option<(&str, &str)> = Some((ADMIN_EMAIL, ADMIN_PASSWORD));

#[tokio::test]
async fn a_script_sets_up_a_project_and_a_client_through_the_json_api() {
    let app = spawn_app().await;
    app.seed().await;
    let (status, project) = call(
        &app,
        Method::POST,
        "/console/api/v1/projects",
        Some(json!({"projectId": "script-made", "name": "Scripted"})),
        ADMIN,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{project}");
    assert_eq!(project["projectId"], "script-made");
    assert_eq!(project["projectNumber"].as_str().unwrap().len(), 12);

    let (status, enabled) = call(
        &app,
        Method::POST,
        "/console/api/v1/projects/script-made/services/photospicker.googleapis.com/enable",
        None,
        ADMIN,
    )
    .await;
    assert_eq!(
        (status, &enabled["enabled"]),
        (StatusCode::OK, &json!(true))
    );
    let (_, services) = call(
        &app,
        Method::GET,
        "/console/api/v1/projects/script-made/services",
        None,
        ADMIN,
    )
    .await;
    assert_eq!(
        services["services"][1],
        json!({"name": "photospicker.googleapis.com", "title": "Google Photos Picker API", "enabled": true})
    );

    let (status, created) = call(
        &app,
        Method::POST,
        "/console/api/v1/projects/script-made/clients",
        Some(json!({"type": "desktop", "name": "CLI app"})),
        ADMIN,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let file = &created["clientSecretJson"]["installed"];
    assert_eq!(file["client_id"], created["clientId"]);
    assert!(
        file["client_secret"]
            .as_str()
            .unwrap()
            .starts_with("GOCSPX-")
    );
    assert_eq!(file["token_uri"], format!("{}/token", app.address));
    let (_, listed) = call(
        &app,
        Method::GET,
        "/console/api/v1/projects/script-made/clients",
        None,
        ADMIN,
    )
    .await;
    assert_eq!(listed["clients"][0]["secrets"][0]["enabled"], true);
    assert!(
        !listed.to_string().contains("GOCSPX-"),
        "secrets are never listed"
    );

    let (status, consent) = call(
        &app,
        Method::PUT,
        "/console/api/v1/projects/script-made/consent",
        Some(json!({"publishingStatus": "production", "testUsers": ["t@example.com"]})),
        ADMIN,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{consent}");
    assert_eq!(consent["publishingStatus"], "production");
    assert_eq!(consent["testUsers"], json!(["t@example.com"]));
}

#[tokio::test]
async fn bad_input_gets_a_field_violation_in_the_envelope() {
    let app = spawn_app().await;
    app.seed().await;
    let (status, body) = call(
        &app,
        Method::POST,
        "/console/api/v1/projects",
        Some(json!({"projectId": "Bad_ID"})),
        ADMIN,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["status"], "INVALID_ARGUMENT");
    assert_eq!(
        body["error"]["details"][0]["fieldViolations"][0]["field"],
        "project_id"
    );
    let (status, body) = call(
        &app,
        Method::POST,
        "/console/api/v1/projects/test-project/clients",
        Some(json!({"type": "web", "redirectUris": ["https://ok.example.com/cb", "http://example.com/cb"]})),
        ADMIN,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        body["error"]["details"][0]["fieldViolations"][0]["field"],
        "redirect_uris[1]"
    );
    let (status, body) = call(
        &app,
        Method::POST,
        "/console/api/v1/projects",
        Some(json!({"name": 3})),
        ADMIN,
    )
    .await;
    assert_eq!(status.as_u16() / 100, 4);
    assert!(body["error"]["status"].is_string(), "{body}");
}

#[tokio::test]
async fn the_json_api_needs_valid_credentials_and_admin_rights_for_users() {
    let app = spawn_app().await;
    app.seed().await;
    let response = app
        .client
        .get(app.url("/console/api/v1/projects"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.headers()["www-authenticate"],
        "Basic realm=\"albumen-console\""
    );
    let (status, _) = call(
        &app,
        Method::GET,
        "/console/api/v1/projects",
        None,
        Some((ADMIN_EMAIL, "wrong password")),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = call(
        &app,
        Method::POST,
        "/console/api/v1/users",
        Some(json!({"email": "dev@example.com", "password": "dev password 1"})),
        ADMIN,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let developer = Some(("dev@example.com", "dev password 1"));
    let (status, body) = call(&app, Method::GET, "/console/api/v1/users", None, developer).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _) = call(
        &app,
        Method::GET,
        "/console/api/v1/projects/test-project",
        None,
        developer,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn owners_are_added_by_email_and_then_manage_the_project() {
    let app = spawn_app().await;
    app.seed().await;
    let (status, _) = call(
        &app,
        Method::POST,
        "/console/api/v1/users",
        Some(json!({"email": "co@example.com", "password": "co-owner pass"})),
        ADMIN,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let co_owner = Some(("co@example.com", "co-owner pass"));
    let (status, _) = call(
        &app,
        Method::GET,
        "/console/api/v1/projects/test-project",
        None,
        co_owner,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = call(
        &app,
        Method::POST,
        "/console/api/v1/projects/test-project/owners",
        Some(json!({"email": "nobody@example.com"})),
        ADMIN,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = call(
        &app,
        Method::POST,
        "/console/api/v1/projects/test-project/owners",
        Some(json!({"email": "co@example.com"})),
        ADMIN,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, owners) = call(
        &app,
        Method::GET,
        "/console/api/v1/projects/test-project/owners",
        None,
        co_owner,
    )
    .await;
    assert_eq!(owners["owners"].as_array().unwrap().len(), 2, "{owners}");
    let (status, _) = call(
        &app,
        Method::GET,
        "/console/api/v1/projects/test-project/clients",
        None,
        co_owner,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_last_administrator_cannot_be_disabled_or_deleted() {
    use albumen_oauth::accounts::AccountError;
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let authority = &app.state.authority;
    let refused = authority.set_user_disabled(&seeded.admin.id, true).await;
    assert!(
        matches!(refused, Err(AccountError::LastAdministrator)),
        "{refused:?}"
    );
    assert!(matches!(
        authority.delete_user(&seeded.admin.id).await,
        Err(AccountError::LastAdministrator)
    ));
    authority
        .create_user(
            "second@example.com",
            "Second",
            Some("second admin pw".into()),
            true,
        )
        .await
        .unwrap();
    authority
        .set_user_disabled(&seeded.admin.id, true)
        .await
        .unwrap();
}
