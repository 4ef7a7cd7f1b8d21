//! The contract of [`ProjectRepo`] and [`ClientRepo`]: projects, owners, APIs, consent
//! screens, clients and secrets.

use albumen_core::Page;
use albumen_core::StoreError;
use albumen_core::client::{ClientSecret, ClientSettings, ClientType, OAuthClient};
use albumen_core::consent::{ConsentScreen, PublishingStatus, UserType, VerificationStatus};
use albumen_core::ports::MetadataStore;
use albumen_core::project::{ApiService, NewProject};
use albumen_core::user::{DisplayName, Email, NewUser, UserId};
use time::OffsetDateTime;
use time::macros::datetime;

const T0: OffsetDateTime = datetime!(2026-02-03 04:05:06 UTC);

pub(crate) async fn user(store: &dyn MetadataStore, email: &str) -> UserId {
    let user = NewUser {
        id: UserId::random(),
        email: Email::parse(email).unwrap(),
        display_name: DisplayName::parse("Test User").unwrap(),
        password_hash: None,
        is_admin: false,
        created_at: T0,
    };
    store.insert_user(&user).await.unwrap().id
}

pub(crate) async fn project(store: &dyn MetadataStore, id: &str, number: i64, owner: &UserId) {
    store
        .insert_project(&NewProject {
            id: id.to_owned(),
            number,
            name: format!("Project {id}"),
            owner: owner.clone(),
            created_at: T0,
        })
        .await
        .unwrap();
}

pub(crate) fn client(project: &str, suffix: &str, client_type: ClientType) -> OAuthClient {
    OAuthClient {
        client_id: format!("123456789012-{suffix:0<32}.apps.googleusercontent.com"),
        project_id: project.to_owned(),
        name: format!("Client {suffix}"),
        client_type,
        redirect_uris: vec![
            "https://app.example.com/callback".into(),
            "http://localhost:8080/cb".into(),
        ],
        javascript_origins: vec!["https://app.example.com".into()],
        created_at: T0,
        deleted_at: None,
    }
}

fn secret(id: &str, client_id: &str) -> ClientSecret {
    ClientSecret {
        id: id.to_owned(),
        client_id: client_id.to_owned(),
        digest: "ab".repeat(32),
        last_four: "wxyz".into(),
        created_at: T0,
        disabled_at: None,
    }
}

pub async fn projects_are_listed_for_their_owners_only(store: &dyn MetadataStore) {
    let ada = user(store, "ada@example.com").await;
    let bob = user(store, "bob@example.com").await;
    project(store, "alpha-project", 100000000001, &ada).await;
    project(store, "beta-project", 100000000002, &ada).await;
    project(store, "gamma-project", 100000000003, &bob).await;
    let ada_projects = store.list_projects_of(&ada, &Page::first(1)).await.unwrap();
    assert_eq!(ada_projects.items[0].id, "alpha-project");
    let rest = store
        .list_projects_of(&ada, &Page::after(1, ada_projects.next.unwrap()))
        .await
        .unwrap();
    assert_eq!(rest.items.len(), 1);
    assert_eq!(rest.items[0].id, "beta-project");
    assert!(rest.next.is_none());
    store
        .add_project_owner("gamma-project", &ada)
        .await
        .unwrap();
    store
        .add_project_owner("gamma-project", &ada)
        .await
        .unwrap();
    let owners = store.list_project_owners("gamma-project").await.unwrap();
    assert_eq!(owners.len(), 2);
    let by_number = store.get_project_by_number(100000000003).await.unwrap();
    assert_eq!(by_number.id, "gamma-project");
    assert_eq!(store.get_project("gamma-project").await.unwrap(), by_number);
    assert!(
        store
            .get_project("nope-project")
            .await
            .unwrap_err()
            .is_not_found()
    );
}

pub async fn project_id_and_number_are_unique(store: &dyn MetadataStore) {
    let ada = user(store, "ada@example.com").await;
    project(store, "alpha-project", 100000000001, &ada).await;
    let again = |id: &str, number| NewProject {
        id: id.to_owned(),
        number,
        name: "again".into(),
        owner: ada.clone(),
        created_at: T0,
    };
    let err = store
        .insert_project(&again("alpha-project", 100000000009))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                what: "projects.id"
            }
        ),
        "{err:?}"
    );
    let err = store
        .insert_project(&again("other-project", 100000000001))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                what: "projects.number"
            }
        ),
        "{err:?}"
    );
}

pub async fn apis_are_enabled_and_disabled_idempotently(store: &dyn MetadataStore) {
    let ada = user(store, "ada@example.com").await;
    project(store, "alpha-project", 100000000001, &ada).await;
    assert!(
        store
            .list_enabled_apis("alpha-project")
            .await
            .unwrap()
            .is_empty()
    );
    for _ in 0..2 {
        store
            .set_api_enabled("alpha-project", ApiService::PhotosPicker, true)
            .await
            .unwrap();
    }
    store
        .set_api_enabled("alpha-project", ApiService::PhotosLibrary, true)
        .await
        .unwrap();
    assert_eq!(
        store.list_enabled_apis("alpha-project").await.unwrap(),
        vec![ApiService::PhotosLibrary, ApiService::PhotosPicker]
    );
    store
        .set_api_enabled("alpha-project", ApiService::PhotosLibrary, false)
        .await
        .unwrap();
    store
        .set_api_enabled("alpha-project", ApiService::PhotosLibrary, false)
        .await
        .unwrap();
    assert_eq!(
        store.list_enabled_apis("alpha-project").await.unwrap(),
        vec![ApiService::PhotosPicker]
    );
}

pub async fn consent_screen_is_replaced_whole(store: &dyn MetadataStore) {
    let ada = user(store, "ada@example.com").await;
    project(store, "alpha-project", 100000000001, &ada).await;
    assert!(
        store
            .get_consent_screen("alpha-project")
            .await
            .unwrap_err()
            .is_not_found()
    );
    let mut screen = ConsentScreen::default_for("alpha-project", "Alpha", T0);
    screen.test_users = vec![
        Email::parse("t1@example.com").unwrap(),
        Email::parse("t2@example.com").unwrap(),
    ];
    store.put_consent_screen(&screen).await.unwrap();
    assert_eq!(
        store.get_consent_screen("alpha-project").await.unwrap(),
        screen
    );
    screen.app_name = "Alpha Photos".into();
    screen.support_email = "help@example.com".into();
    screen.logo_url = Some("https://example.com/logo.png".into());
    screen.user_type = UserType::Internal;
    screen.publishing_status = PublishingStatus::InProduction;
    screen.verification_status = VerificationStatus::Verified;
    screen.test_users.truncate(1);
    store.put_consent_screen(&screen).await.unwrap();
    assert_eq!(
        store.get_consent_screen("alpha-project").await.unwrap(),
        screen
    );
}

pub async fn clients_round_trip_and_deleted_ones_are_hidden_from_lists(store: &dyn MetadataStore) {
    let ada = user(store, "ada@example.com").await;
    project(store, "alpha-project", 100000000001, &ada).await;
    let web = client("alpha-project", "web", ClientType::Web);
    let desktop = OAuthClient {
        redirect_uris: Vec::new(),
        javascript_origins: Vec::new(),
        ..client("alpha-project", "desk", ClientType::Desktop)
    };
    store
        .insert_client(&web, Some(&secret("s1", &web.client_id)))
        .await
        .unwrap();
    store.insert_client(&desktop, None).await.unwrap();
    assert_eq!(store.get_client(&web.client_id).await.unwrap(), web);
    assert_eq!(store.get_client(&desktop.client_id).await.unwrap(), desktop);
    let err = store.insert_client(&web, None).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");

    let settings = ClientSettings {
        name: "Renamed".into(),
        redirect_uris: vec!["https://other.example.com/cb".into()],
        javascript_origins: Vec::new(),
    };
    store
        .update_client(&web.client_id, &settings)
        .await
        .unwrap();
    let updated = store.get_client(&web.client_id).await.unwrap();
    assert_eq!(updated.name, "Renamed");
    assert_eq!(updated.redirect_uris, settings.redirect_uris);
    assert!(updated.javascript_origins.is_empty());

    store
        .mark_client_deleted(&desktop.client_id, T0)
        .await
        .unwrap();
    let listed = store.list_clients("alpha-project").await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].client_id, web.client_id);
    assert_eq!(
        store
            .get_client(&desktop.client_id)
            .await
            .unwrap()
            .deleted_at,
        Some(T0)
    );
    assert!(
        store
            .mark_client_deleted(&desktop.client_id, T0)
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        store
            .update_client(&desktop.client_id, &settings)
            .await
            .unwrap_err()
            .is_not_found()
    );
}

pub async fn client_secrets_rotate(store: &dyn MetadataStore) {
    let ada = user(store, "ada@example.com").await;
    project(store, "alpha-project", 100000000001, &ada).await;
    let web = client("alpha-project", "web", ClientType::Web);
    store
        .insert_client(&web, Some(&secret("s1", &web.client_id)))
        .await
        .unwrap();
    let mut second = secret("s2", &web.client_id);
    second.created_at = T0 + time::Duration::minutes(1);
    store.insert_client_secret(&second).await.unwrap();
    let ids = |secrets: Vec<ClientSecret>| secrets.into_iter().map(|s| s.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.list_client_secrets(&web.client_id).await.unwrap()),
        ["s1", "s2"]
    );
    store
        .set_client_secret_disabled("s1", Some(T0))
        .await
        .unwrap();
    let secrets = store.list_client_secrets(&web.client_id).await.unwrap();
    assert_eq!(secrets[0].disabled_at, Some(T0));
    assert_eq!(secrets[1].disabled_at, None);
    store.set_client_secret_disabled("s1", None).await.unwrap();
    assert_eq!(
        store.list_client_secrets(&web.client_id).await.unwrap()[0].disabled_at,
        None
    );
    store.delete_client_secret("s1").await.unwrap();
    assert_eq!(
        ids(store.list_client_secrets(&web.client_id).await.unwrap()),
        ["s2"]
    );
    assert!(
        store
            .delete_client_secret("s1")
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        store
            .set_client_secret_disabled("s1", None)
            .await
            .unwrap_err()
            .is_not_found()
    );
}
