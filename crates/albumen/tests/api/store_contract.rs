//! The metadata store contract on SQLite (always) and PostgreSQL (when configured; ignored by
//! default, see `per_backend`).

use albumen_testkit::backends::fresh_store;
use albumen_testkit::{DbKind, contract};

macro_rules! store_contract {
    ($($suite:ident :: $case:ident),* $(,)?) => {
        mod sqlite {
            use super::*;
            $(
                #[tokio::test]
                async fn $case() {
                    let (store, _dir) = fresh_store(DbKind::Sqlite).await.unwrap();
                    contract::$suite::$case(&store).await;
                }
            )*
        }
        mod postgres {
            use super::*;
            $(
                #[tokio::test]
                #[ignore = "needs ALBUMEN_TEST_POSTGRES_URL; see .ci/run"]
                async fn $case() {
                    let Some((store, _dir)) = fresh_store(DbKind::Postgres).await else { return };
                    contract::$suite::$case(&store).await;
                }
            )*
        }
    };
}

store_contract!(
    users::inserted_user_reads_back_identically,
    users::duplicate_email_is_a_conflict,
    users::missing_user_is_not_found,
    users::list_users_pages_through_everyone_once,
    users::disable_and_delete_change_what_is_stored,
    users::passwords_are_replaced,
    users::ping_answers_on_a_live_store,
    console::projects_are_listed_for_their_owners_only,
    console::project_id_and_number_are_unique,
    console::apis_are_enabled_and_disabled_idempotently,
    console::consent_screen_is_replaced_whole,
    console::clients_round_trip_and_deleted_ones_are_hidden_from_lists,
    console::client_secrets_rotate,
    oauth::a_grant_per_user_and_client_is_replaced_in_place,
    oauth::revoking_a_grant_revokes_its_tokens,
    oauth::an_auth_code_is_taken_once,
    oauth::concurrent_exchanges_of_one_code_have_one_winner,
    oauth::tokens_from_a_replayed_code_are_revoked,
    oauth::revoking_a_refresh_token_revokes_what_it_minted,
    oauth::a_device_authorization_is_decided_then_consumed_once,
    oauth::a_denied_device_authorization_stays_denied,
    oauth::sessions_are_stored_by_digest_and_end_with_their_user,
    oauth::signing_keys_are_listed_newest_first_and_retire,
    oauth::a_setting_is_inserted_once,
    oauth::failures_are_counted_in_a_window,
    uploads::upload_tokens_round_trip_by_digest,
    derivatives::an_original_is_queued_once_and_its_result_reads_back,
    derivatives::a_waiting_original_is_leased_to_one_builder,
    derivatives::previews_are_in_use_while_an_item_has_their_original,
    media::an_uploaded_item_reads_back_identically,
    media::the_same_bytes_resolve_to_the_users_existing_item,
    media::an_upload_token_is_spent_once_even_when_raced,
    media::library_pages_visit_every_item_once_in_order,
    media::listings_show_the_users_items_or_one_apps,
    media::filters_select_by_kind_flags_and_time,
    media::date_filters_match_every_shape_and_range,
    media::items_take_descriptions_and_flags,
    media::a_processing_video_is_leased_to_one_prober,
    media::a_blob_is_in_use_while_an_item_or_unused_token_names_it,
    media_albums::albums_list_newest_first_per_user_and_app,
    media_albums::albums_are_retitled_and_take_a_cover,
    media_albums::entries_go_first_last_or_after_an_item_or_enrichment,
    media_albums::many_insertions_at_one_spot_keep_the_order,
    media_albums::concurrent_additions_to_one_album_lose_nothing,
    media_albums::removal_is_all_or_nothing,
    media_albums::shared_albums_are_joined_listed_and_left,
    media_albums::an_album_lists_items_of_every_contributor,
    upload_sessions::upload_sessions_round_trip_by_digest,
    upload_sessions::a_chunk_commits_only_at_the_received_offset,
    upload_sessions::racing_duplicate_chunks_commit_once,
    upload_sessions::finalizing_issues_one_token_and_releases_the_chunks,
    upload_sessions::a_cancelled_session_takes_no_more_chunks,
    upload_sessions::expired_sessions_are_deleted_with_their_chunks,
    quotas::quota_limits_are_absent_until_put_then_replaced,
    quotas::batches_of_charges_add_up,
    changes::access_changes_move_the_epoch_at_once,
    changes::a_sync_moves_the_epoch_only_after_a_change,
    quotas::counters_are_kept_apart_by_metric_subject_project_and_window,
    quotas::concurrent_batches_lose_none,
);

/// The full 20,000-item album on SQLite only: the capacity rule is the same SQL on both
/// backends (and concurrent additions run on both), while filling the album one commit at a
/// time takes minutes on a PostgreSQL that syncs every commit.
#[tokio::test]
async fn sqlite_album_holds_at_most_the_maximum_of_media_items() {
    let (store, _dir) = fresh_store(DbKind::Sqlite).await.unwrap();
    contract::media_albums::an_album_holds_at_most_the_maximum_of_media_items(&store).await;
}
