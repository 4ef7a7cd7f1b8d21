//! The metadata store contract on SQLite (always) and PostgreSQL (when configured).

use albumen_testkit::backends::fresh_store;
use albumen_testkit::{DbKind, contract};

macro_rules! store_contract {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            use super::*;
            $(
                #[tokio::test]
                async fn $case() {
                    let (store, _dir) = fresh_store(DbKind::Sqlite).await.unwrap();
                    contract::users::$case(&store).await;
                }
            )*
        }
        mod postgres {
            use super::*;
            $(
                #[tokio::test]
                async fn $case() {
                    let Some((store, _dir)) = fresh_store(DbKind::Postgres).await else { return };
                    contract::users::$case(&store).await;
                }
            )*
        }
    };
}

store_contract!(
    inserted_user_reads_back_identically,
    duplicate_email_is_a_conflict,
    missing_user_is_not_found,
    list_users_pages_through_everyone_once,
    disable_and_delete_change_what_is_stored,
    ping_answers_on_a_live_store,
);
