//! The contract of [`GrantRepo`], [`SessionRepo`], [`KeyRepo`], [`SettingRepo`] and
//! [`ThrottleRepo`].

use albumen_core::StoreError;
use albumen_core::client::ClientType;
use albumen_core::grant::{
    AuthCode, DeviceAuthorization, DeviceStatus, Grant, IssuedToken, SigningKey, TokenKind,
    WebSession,
};
use albumen_core::ports::MetadataStore;
use albumen_core::user::UserId;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use super::console::{client, project, user};

const T0: OffsetDateTime = datetime!(2026-05-06 07:08:09 UTC);

/// A user, a project and a web client; returns (user, client id).
async fn setup(store: &dyn MetadataStore) -> (UserId, String) {
    let ada = user(store, "ada@example.com").await;
    project(store, "alpha-project", 100000000001, &ada).await;
    let web = client("alpha-project", "web", ClientType::Web);
    store.insert_client(&web, None).await.unwrap();
    (ada, web.client_id)
}

fn grant(id: &str, user: &UserId, client_id: &str, scopes: &str) -> Grant {
    Grant {
        id: id.to_owned(),
        user_id: user.clone(),
        client_id: client_id.to_owned(),
        project_id: "alpha-project".into(),
        scopes: scopes.into(),
        consented_at: T0,
        expires_at: None,
        revoked_at: None,
    }
}

fn token(digest: &str, kind: TokenKind, grant: &Grant) -> IssuedToken {
    IssuedToken {
        digest: digest.to_owned(),
        kind,
        grant_id: grant.id.clone(),
        client_id: grant.client_id.clone(),
        project_id: grant.project_id.clone(),
        user_id: grant.user_id.clone(),
        scopes: grant.scopes.clone(),
        offline: kind == TokenKind::Refresh,
        created_at: T0,
        expires_at: (kind == TokenKind::Access).then_some(T0 + Duration::seconds(3599)),
        revoked_at: None,
        from_code: None,
        from_refresh: None,
    }
}

fn code(digest: &str, grant: &Grant) -> AuthCode {
    AuthCode {
        digest: digest.to_owned(),
        grant_id: grant.id.clone(),
        client_id: grant.client_id.clone(),
        user_id: grant.user_id.clone(),
        redirect_uri: "https://app.example.com/callback".into(),
        scopes: grant.scopes.clone(),
        code_challenge: Some("c".repeat(43)),
        code_challenge_method: Some("S256".into()),
        nonce: Some("n-0S6_WzA2Mj".into()),
        offline: true,
        created_at: T0,
        expires_at: T0 + Duration::minutes(10),
        used_at: None,
    }
}

pub async fn a_grant_per_user_and_client_is_replaced_in_place(store: &dyn MetadataStore) {
    let (ada, client_id) = setup(store).await;
    assert!(store.find_grant(&ada, &client_id).await.unwrap().is_none());
    let first = grant("g1", &ada, &client_id, "openid");
    store.put_grant(&first).await.unwrap();
    assert_eq!(
        store.find_grant(&ada, &client_id).await.unwrap(),
        Some(first.clone())
    );
    let wider = Grant {
        scopes: "openid https://www.googleapis.com/auth/userinfo.email".into(),
        expires_at: Some(T0 + Duration::days(7)),
        ..grant("g2", &ada, &client_id, "")
    };
    store.put_grant(&wider).await.unwrap();
    let stored = store.get_grant("g1").await.unwrap();
    assert_eq!(stored.scopes, wider.scopes);
    assert_eq!(stored.expires_at, wider.expires_at);
    assert!(store.get_grant("g2").await.unwrap_err().is_not_found());
    assert_eq!(store.list_grants_of(&ada).await.unwrap().len(), 1);
}

pub async fn revoking_a_grant_revokes_its_tokens(store: &dyn MetadataStore) {
    let (ada, client_id) = setup(store).await;
    let g = grant("g1", &ada, &client_id, "openid");
    store.put_grant(&g).await.unwrap();
    store
        .insert_token(&token("access-1", TokenKind::Access, &g))
        .await
        .unwrap();
    store
        .insert_token(&token("refresh-1", TokenKind::Refresh, &g))
        .await
        .unwrap();
    store.revoke_grant("g1", T0).await.unwrap();
    assert_eq!(store.get_grant("g1").await.unwrap().revoked_at, Some(T0));
    for digest in ["access-1", "refresh-1"] {
        assert_eq!(
            store.get_token(digest).await.unwrap().revoked_at,
            Some(T0),
            "{digest}"
        );
    }
    assert!(store.list_grants_of(&ada).await.unwrap().is_empty());
    assert!(
        store
            .revoke_grant("missing", T0)
            .await
            .unwrap_err()
            .is_not_found()
    );
}

pub async fn an_auth_code_is_taken_once(store: &dyn MetadataStore) {
    let (ada, client_id) = setup(store).await;
    let g = grant("g1", &ada, &client_id, "openid");
    store.put_grant(&g).await.unwrap();
    let c = code("code-1", &g);
    store.insert_auth_code(&c).await.unwrap();
    let taken = store
        .take_auth_code("code-1", T0 + Duration::seconds(5))
        .await
        .unwrap();
    assert_eq!(taken.used_at, Some(T0 + Duration::seconds(5)));
    assert_eq!(
        AuthCode {
            used_at: None,
            ..taken
        },
        c
    );
    let replay = store.take_auth_code("code-1", T0).await.unwrap_err();
    assert!(
        matches!(
            replay,
            StoreError::Conflict {
                what: "auth_codes.used"
            }
        ),
        "{replay:?}"
    );
    assert!(
        store
            .take_auth_code("code-x", T0)
            .await
            .unwrap_err()
            .is_not_found()
    );
}

pub async fn concurrent_exchanges_of_one_code_have_one_winner(store: &dyn MetadataStore) {
    let (ada, client_id) = setup(store).await;
    let g = grant("g1", &ada, &client_id, "openid");
    store.put_grant(&g).await.unwrap();
    store.insert_auth_code(&code("code-1", &g)).await.unwrap();
    let attempts =
        futures::future::join_all((0..8).map(|_| store.take_auth_code("code-1", T0))).await;
    assert_eq!(attempts.iter().filter(|r| r.is_ok()).count(), 1);
}

pub async fn tokens_from_a_replayed_code_are_revoked(store: &dyn MetadataStore) {
    let (ada, client_id) = setup(store).await;
    let g = grant("g1", &ada, &client_id, "openid");
    store.put_grant(&g).await.unwrap();
    let from_code = |digest, kind| IssuedToken {
        from_code: Some("code-1".into()),
        ..token(digest, kind, &g)
    };
    store
        .insert_token(&from_code("access-1", TokenKind::Access))
        .await
        .unwrap();
    store
        .insert_token(&from_code("refresh-1", TokenKind::Refresh))
        .await
        .unwrap();
    let minted = IssuedToken {
        from_refresh: Some("refresh-1".into()),
        ..token("access-2", TokenKind::Access, &g)
    };
    store.insert_token(&minted).await.unwrap();
    store
        .insert_token(&token("unrelated", TokenKind::Access, &g))
        .await
        .unwrap();
    store.revoke_tokens_from_code("code-1", T0).await.unwrap();
    for digest in ["access-1", "refresh-1", "access-2"] {
        assert_eq!(
            store.get_token(digest).await.unwrap().revoked_at,
            Some(T0),
            "{digest}"
        );
    }
    assert_eq!(store.get_token("unrelated").await.unwrap().revoked_at, None);
}

pub async fn revoking_a_refresh_token_revokes_what_it_minted(store: &dyn MetadataStore) {
    let (ada, client_id) = setup(store).await;
    let g = grant("g1", &ada, &client_id, "openid");
    store.put_grant(&g).await.unwrap();
    let refresh = token("refresh-1", TokenKind::Refresh, &g);
    store.insert_token(&refresh).await.unwrap();
    assert_eq!(store.get_token("refresh-1").await.unwrap(), refresh);
    let minted = IssuedToken {
        from_refresh: Some("refresh-1".into()),
        ..token("access-1", TokenKind::Access, &g)
    };
    store.insert_token(&minted).await.unwrap();
    store.revoke_token("refresh-1", T0).await.unwrap();
    assert_eq!(
        store.get_token("access-1").await.unwrap().revoked_at,
        Some(T0)
    );
    assert!(
        store
            .revoke_token("nothing", T0)
            .await
            .unwrap_err()
            .is_not_found()
    );
}

pub async fn a_device_authorization_is_decided_then_consumed_once(store: &dyn MetadataStore) {
    let (ada, client_id) = setup(store).await;
    let device = DeviceAuthorization {
        device_digest: "device-1".into(),
        user_code: "ABCD-EFGH".into(),
        client_id: client_id.clone(),
        scopes: "openid".into(),
        created_at: T0,
        expires_at: T0 + Duration::minutes(30),
        interval_seconds: 5,
        last_polled_at: None,
        status: DeviceStatus::Pending,
        user_id: None,
        grant_id: None,
    };
    store.insert_device_authorization(&device).await.unwrap();
    let duplicate = DeviceAuthorization {
        device_digest: "device-2".into(),
        ..device.clone()
    };
    assert!(matches!(
        store
            .insert_device_authorization(&duplicate)
            .await
            .unwrap_err(),
        StoreError::Conflict { .. }
    ));
    assert_eq!(
        store.get_device_by_user_code("ABCD-EFGH").await.unwrap(),
        device
    );
    assert_eq!(
        store.record_device_poll("device-1", T0).await.unwrap(),
        None
    );
    let later = T0 + Duration::seconds(5);
    assert_eq!(
        store.record_device_poll("device-1", later).await.unwrap(),
        Some(T0)
    );
    assert!(matches!(
        store.consume_device("device-1").await.unwrap_err(),
        StoreError::Conflict { .. }
    ));
    store
        .put_grant(&grant("g1", &ada, &client_id, "openid"))
        .await
        .unwrap();
    store
        .decide_device("device-1", Some((&ada, "g1")))
        .await
        .unwrap();
    assert!(matches!(
        store.decide_device("device-1", None).await.unwrap_err(),
        StoreError::Conflict { .. }
    ));
    let consumed = store.consume_device("device-1").await.unwrap();
    assert_eq!(consumed.status, DeviceStatus::Consumed);
    assert_eq!(consumed.user_id, Some(ada));
    assert_eq!(consumed.grant_id.as_deref(), Some("g1"));
    assert_eq!(consumed.last_polled_at, Some(later));
    assert!(matches!(
        store.consume_device("device-1").await.unwrap_err(),
        StoreError::Conflict { .. }
    ));
    assert!(
        store
            .get_device_by_digest("nope")
            .await
            .unwrap_err()
            .is_not_found()
    );
}

pub async fn a_denied_device_authorization_stays_denied(store: &dyn MetadataStore) {
    let (_, client_id) = setup(store).await;
    let device = DeviceAuthorization {
        device_digest: "device-1".into(),
        user_code: "WXYZ-BCDF".into(),
        client_id,
        scopes: "openid".into(),
        created_at: T0,
        expires_at: T0 + Duration::minutes(30),
        interval_seconds: 5,
        last_polled_at: None,
        status: DeviceStatus::Pending,
        user_id: None,
        grant_id: None,
    };
    store.insert_device_authorization(&device).await.unwrap();
    store.decide_device("device-1", None).await.unwrap();
    assert_eq!(
        store.get_device_by_digest("device-1").await.unwrap().status,
        DeviceStatus::Denied
    );
    assert!(store.consume_device("device-1").await.is_err());
}

pub async fn sessions_are_stored_by_digest_and_end_with_their_user(store: &dyn MetadataStore) {
    let (ada, _) = setup(store).await;
    let session = WebSession {
        digest: "session-1".into(),
        user_id: ada.clone(),
        csrf_token: "csrf".into(),
        created_at: T0,
        expires_at: T0 + Duration::days(14),
    };
    store.insert_session(&session).await.unwrap();
    store
        .insert_session(&WebSession {
            digest: "session-2".into(),
            ..session.clone()
        })
        .await
        .unwrap();
    assert_eq!(store.get_session("session-1").await.unwrap(), session);
    store.delete_session("session-1").await.unwrap();
    assert!(
        store
            .get_session("session-1")
            .await
            .unwrap_err()
            .is_not_found()
    );
    store.delete_sessions_of_user(&ada).await.unwrap();
    assert!(
        store
            .get_session("session-2")
            .await
            .unwrap_err()
            .is_not_found()
    );
}

pub async fn signing_keys_are_listed_newest_first_and_retire(store: &dyn MetadataStore) {
    let key = |kid: &str, at| SigningKey {
        kid: kid.to_owned(),
        pkcs8_der: vec![0, 1, 2, 254, 255, kid.len() as u8],
        created_at: at,
        retired_at: None,
    };
    store.insert_signing_key(&key("old", T0)).await.unwrap();
    store
        .insert_signing_key(&key("new", T0 + Duration::days(1)))
        .await
        .unwrap();
    let keys = store.list_signing_keys().await.unwrap();
    assert_eq!(
        keys,
        vec![key("new", T0 + Duration::days(1)), key("old", T0)]
    );
    store
        .retire_signing_key("old", T0 + Duration::days(2))
        .await
        .unwrap();
    assert_eq!(
        store.list_signing_keys().await.unwrap()[1].retired_at,
        Some(T0 + Duration::days(2))
    );
    assert!(
        store
            .retire_signing_key("old", T0)
            .await
            .unwrap_err()
            .is_not_found()
    );
}

pub async fn a_setting_is_inserted_once(store: &dyn MetadataStore) {
    assert_eq!(
        store
            .get_or_insert_setting("cookie_key", "first")
            .await
            .unwrap(),
        "first"
    );
    assert_eq!(
        store
            .get_or_insert_setting("cookie_key", "second")
            .await
            .unwrap(),
        "first"
    );
}

pub async fn failures_are_counted_in_a_window(store: &dyn MetadataStore) {
    let window = Duration::minutes(15);
    assert_eq!(
        store.count_failures("acct:ada", T0, window).await.unwrap(),
        0
    );
    for expected in 1..=3 {
        let at = T0 + Duration::minutes(expected.into());
        assert_eq!(
            store.record_failure("acct:ada", at, window).await.unwrap(),
            expected
        );
    }
    assert_eq!(
        store
            .count_failures("acct:ada", T0 + Duration::minutes(5), window)
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        store
            .count_failures("ip:1.2.3.4", T0, window)
            .await
            .unwrap(),
        0
    );
    // The window started with the first failure; once it has passed the count restarts.
    let later = T0 + Duration::minutes(20);
    assert_eq!(
        store
            .count_failures("acct:ada", later, window)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .record_failure("acct:ada", later, window)
            .await
            .unwrap(),
        1
    );
    store.clear_failures("acct:ada").await.unwrap();
    assert_eq!(
        store
            .count_failures("acct:ada", later, window)
            .await
            .unwrap(),
        0
    );
}
