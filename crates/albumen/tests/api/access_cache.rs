//! The in-memory caches of the authenticated call path never outlive what they cache: a
//! revoked token, a deleted client, a disabled user, a disabled API or a new quota limit is
//! in force on the very next call on the node that made the change, and within about a
//! second on another node sharing the database; expiry is checked against the clock.

use std::sync::Arc;
use std::time::{Duration, Instant};

use albumen::server::Server;
use albumen_core::project::ApiService;
use albumen_core::quota::QuotaLimits;
use albumen_core::user::User;
use albumen_oauth::rules::scope::ScopeSet;
use albumen_testkit::seed::Seeded;
use albumen_testkit::{Backends, TestApp, spawn_app, spawn_app_on};
use reqwest::StatusCode;

const READ: &str = "https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata";

async fn token_of(app: &TestApp, user: &User, client_id: &str) -> String {
    app.state
        .authority
        .mint_tokens(user, client_id, &ScopeSet::parse(READ).unwrap())
        .await
        .unwrap()
        .access_token
}

/// `GET /v1/albums` on `base` with `token`: the status.
async fn list_albums(app: &TestApp, base: &str, token: &str) -> StatusCode {
    app.client
        .get(format!("{base}/v1/albums"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

async fn seeded_app() -> (TestApp, Seeded) {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    (app, seeded)
}

#[tokio::test]
async fn a_revoked_token_is_refused_on_the_next_call() {
    let (app, seeded) = seeded_app().await;
    let token = token_of(&app, &seeded.admin, &seeded.desktop.client.client_id).await;
    assert_eq!(
        list_albums(&app, &app.address, &token).await,
        StatusCode::OK
    );
    assert_eq!(
        list_albums(&app, &app.address, &token).await,
        StatusCode::OK
    );
    let revoked = app
        .client
        .post(app.url("/revoke"))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    assert_eq!(
        list_albums(&app, &app.address, &token).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_deleted_client_and_a_disabled_user_end_cached_tokens_at_once() {
    let (app, seeded) = seeded_app().await;
    let authority = &app.state.authority;
    let web_token = token_of(&app, &seeded.admin, &seeded.web.client.client_id).await;
    let tester = authority
        .create_user("tester@example.com", "Tess Tester", None, false)
        .await
        .unwrap();
    let tester_token = token_of(&app, &tester, &seeded.desktop.client.client_id).await;
    for token in [&web_token, &tester_token] {
        assert_eq!(list_albums(&app, &app.address, token).await, StatusCode::OK);
    }

    authority
        .delete_client(&seeded.admin, &seeded.web.client.client_id)
        .await
        .unwrap();
    assert_eq!(
        list_albums(&app, &app.address, &web_token).await,
        StatusCode::UNAUTHORIZED
    );
    authority.set_user_disabled(&tester.id, true).await.unwrap();
    assert_eq!(
        list_albums(&app, &app.address, &tester_token).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_disabled_api_is_refused_on_the_next_call_and_an_enabled_one_admitted() {
    let (app, seeded) = seeded_app().await;
    let token = token_of(&app, &seeded.admin, &seeded.desktop.client.client_id).await;
    assert_eq!(
        list_albums(&app, &app.address, &token).await,
        StatusCode::OK
    );
    let toggle = |enabled| {
        app.state.authority.set_api_enabled(
            &seeded.admin,
            &seeded.project.id,
            ApiService::PhotosLibrary,
            enabled,
        )
    };
    toggle(false).await.unwrap();
    assert_eq!(
        list_albums(&app, &app.address, &token).await,
        StatusCode::FORBIDDEN
    );
    toggle(true).await.unwrap();
    assert_eq!(
        list_albums(&app, &app.address, &token).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_cached_token_still_expires_with_the_clock() {
    let (app, seeded) = seeded_app().await;
    let token = token_of(&app, &seeded.admin, &seeded.desktop.client.client_id).await;
    assert_eq!(
        list_albums(&app, &app.address, &token).await,
        StatusCode::OK
    );
    app.clock.advance(time::Duration::seconds(3598));
    assert_eq!(
        list_albums(&app, &app.address, &token).await,
        StatusCode::OK
    );
    app.clock.advance(time::Duration::seconds(2));
    assert_eq!(
        list_albums(&app, &app.address, &token).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_lowered_quota_limit_applies_on_the_next_call() {
    let (app, seeded) = seeded_app().await;
    let token = token_of(&app, &seeded.admin, &seeded.desktop.client.client_id).await;
    for _ in 0..3 {
        assert_eq!(
            list_albums(&app, &app.address, &token).await,
            StatusCode::OK
        );
    }
    let limits = QuotaLimits {
        requests_per_day: 3,
        media_bytes_per_day: 10,
        writes_per_minute_per_user: 10,
    };
    albumen_library::quota::set_limits(app.state.store.as_ref(), &seeded.project.id, limits)
        .await
        .unwrap();
    assert_eq!(
        list_albums(&app, &app.address, &token).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// Polls `check` until it holds or `within` passes; returns how long it took.
async fn eventually<F, Fut>(within: Duration, mut check: F) -> Option<Duration>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let started = Instant::now();
    while started.elapsed() < within {
        if check().await {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

per_backend!(a_revocation_on_one_node_reaches_another_within_a_second);

async fn a_revocation_on_one_node_reaches_another_within_a_second(backends: Backends) {
    let app = spawn_app_on(backends).await;
    let seeded = app.seed().await;
    // A second node on the same database and blob store.
    let other = Server::start(&app.config, Arc::new(app.clock.clone()))
        .await
        .unwrap();
    let other_url = format!("http://{}", other.addr);
    let token = token_of(&app, &seeded.admin, &seeded.desktop.client.client_id).await;
    let tester = app
        .state
        .authority
        .create_user("second@example.com", "Second Node", None, false)
        .await
        .unwrap();
    let tester_token = token_of(&app, &tester, &seeded.desktop.client.client_id).await;
    for token in [&token, &tester_token] {
        assert_eq!(list_albums(&app, &other_url, token).await, StatusCode::OK);
    }

    app.state.authority.revoke(&token).await.unwrap();
    let took = eventually(Duration::from_secs(2), || async {
        list_albums(&app, &other_url, &token).await == StatusCode::UNAUTHORIZED
    })
    .await
    .expect("the other node refuses the revoked token");
    assert!(took < Duration::from_millis(1500), "took {took:?}");

    app.state
        .authority
        .set_user_disabled(&tester.id, true)
        .await
        .unwrap();
    let took = eventually(Duration::from_secs(2), || async {
        list_albums(&app, &other_url, &tester_token).await == StatusCode::UNAUTHORIZED
    })
    .await
    .expect("the other node refuses the disabled user");
    assert!(took < Duration::from_millis(1500), "took {took:?}");
    other.shutdown().await.unwrap();
}
