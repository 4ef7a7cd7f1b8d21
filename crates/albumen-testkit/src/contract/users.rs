//! The [`UserRepo`] contract.

use albumen_core::ports::MetadataStore;
use albumen_core::user::{DisplayName, Email, NewUser, PasswordHash, UserId};
use albumen_core::{Page, StoreError};
use time::macros::datetime;

fn new_user(email: &str) -> NewUser {
    NewUser {
        id: UserId::random(),
        email: Email::parse(email).unwrap(),
        display_name: DisplayName::parse("Ada Lovelace").unwrap(),
        password_hash: Some(PasswordHash::from_phc(
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        )),
        is_admin: false,
        created_at: datetime!(2026-03-04 05:06:07.123456 UTC),
    }
}

pub async fn inserted_user_reads_back_identically(store: &dyn MetadataStore) {
    let new = new_user("ada@example.com");
    let inserted = store.insert_user(&new).await.unwrap();
    assert_eq!(inserted.id, new.id);
    assert_eq!(inserted.created_at, new.created_at);
    assert!(!inserted.disabled);
    let by_id = store.get_user(&new.id).await.unwrap();
    assert_eq!(by_id, inserted);
    let by_email = store
        .get_user_by_email(&Email::parse("ADA@example.com").unwrap())
        .await
        .unwrap();
    assert_eq!(by_email, inserted);
}

pub async fn duplicate_email_is_a_conflict(store: &dyn MetadataStore) {
    store
        .insert_user(&new_user("bob@example.com"))
        .await
        .unwrap();
    let err = store
        .insert_user(&new_user("Bob@Example.com"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                what: "users.email"
            }
        ),
        "{err:?}"
    );
    assert_eq!(store.count_users().await.unwrap(), 1);
}

pub async fn missing_user_is_not_found(store: &dyn MetadataStore) {
    let missing = UserId::random();
    assert!(store.get_user(&missing).await.unwrap_err().is_not_found());
    assert!(
        store
            .delete_user(&missing)
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        store
            .set_user_disabled(&missing, true)
            .await
            .unwrap_err()
            .is_not_found()
    );
    let nobody = Email::parse("nobody@example.com").unwrap();
    assert!(
        store
            .get_user_by_email(&nobody)
            .await
            .unwrap_err()
            .is_not_found()
    );
}

pub async fn list_users_pages_through_everyone_once(store: &dyn MetadataStore) {
    let mut expected = Vec::new();
    for i in 0..7 {
        let user = store
            .insert_user(&new_user(&format!("user{i}@example.com")))
            .await
            .unwrap();
        expected.push(user.id);
    }
    expected.sort();
    let mut seen = Vec::new();
    let mut page = Page::first(3);
    loop {
        let result = store.list_users(&page).await.unwrap();
        assert!(result.items.len() <= 3);
        seen.extend(result.items.into_iter().map(|u| u.id));
        match result.next {
            Some(next) => page = Page::after(3, next),
            None => break,
        }
    }
    assert_eq!(seen, expected);
    assert_eq!(store.count_users().await.unwrap(), 7);
}

pub async fn disable_and_delete_change_what_is_stored(store: &dyn MetadataStore) {
    let user = store
        .insert_user(&new_user("eve@example.com"))
        .await
        .unwrap();
    store.set_user_disabled(&user.id, true).await.unwrap();
    assert!(store.get_user(&user.id).await.unwrap().disabled);
    store.set_user_disabled(&user.id, false).await.unwrap();
    assert!(!store.get_user(&user.id).await.unwrap().disabled);
    store.delete_user(&user.id).await.unwrap();
    assert!(store.get_user(&user.id).await.unwrap_err().is_not_found());
    assert_eq!(store.count_users().await.unwrap(), 0);
}

pub async fn ping_answers_on_a_live_store(store: &dyn MetadataStore) {
    store.ping().await.unwrap();
}

pub async fn passwords_are_replaced(store: &dyn MetadataStore) {
    let user = store
        .insert_user(&new_user("pat@example.com"))
        .await
        .unwrap();
    let hash = PasswordHash::from_phc("$argon2id$v=19$m=19456,t=2,p=1$bmV3$bmV3".into());
    store.set_user_password(&user.id, &hash).await.unwrap();
    assert_eq!(
        store.get_user(&user.id).await.unwrap().password_hash,
        Some(hash.clone())
    );
    assert!(
        store
            .set_user_password(&UserId::random(), &hash)
            .await
            .unwrap_err()
            .is_not_found()
    );
}
