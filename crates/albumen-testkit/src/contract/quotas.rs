//! The [`QuotaRepo`] contract: limits per project (a change moves the change epoch), counters
//! to which batches of charges add up exactly under concurrency, and pruning of ended windows.

use albumen_core::ports::MetadataStore;
use albumen_core::quota::{QuotaCounter, QuotaLimits, QuotaMetric};
use time::OffsetDateTime;
use time::macros::datetime;

use super::console::{project, user};

const DAY_START: OffsetDateTime = datetime!(2026-07-08 07:00 UTC);
const DAY_END: OffsetDateTime = datetime!(2026-07-09 07:00 UTC);

async fn setup(store: &dyn MetadataStore) {
    let owner = user(store, "quota-owner@example.com").await;
    project(store, "quota-app", 111_111_111_111, &owner).await;
    project(store, "other-app", 222_222_222_222, &owner).await;
}

fn daily(project_id: &str) -> QuotaCounter {
    QuotaCounter {
        project_id: project_id.to_owned(),
        metric: QuotaMetric::RequestsPerDay,
        subject: String::new(),
        window_start: DAY_START,
        window_end: DAY_END,
    }
}

fn limits(requests: u64, media: u64, writes: u64) -> QuotaLimits {
    QuotaLimits {
        requests_per_day: requests,
        media_bytes_per_day: media,
        writes_per_minute_per_user: writes,
    }
}

pub async fn quota_limits_are_absent_until_put_then_replaced(store: &dyn MetadataStore) {
    setup(store).await;
    assert_eq!(store.get_quota_limits("quota-app").await.unwrap(), None);
    let first = limits(1, 2, 3);
    let epoch = store.changes().current();
    store.put_quota_limits("quota-app", &first).await.unwrap();
    assert_ne!(
        store.changes().current(),
        epoch,
        "cached limits are stale at once"
    );
    assert_eq!(
        store.get_quota_limits("quota-app").await.unwrap(),
        Some(first)
    );
    let second = limits(1_000_000_000, 75_000, 300);
    store.put_quota_limits("quota-app", &second).await.unwrap();
    assert_eq!(
        store.get_quota_limits("quota-app").await.unwrap(),
        Some(second)
    );
    assert_eq!(store.get_quota_limits("other-app").await.unwrap(), None);
}

pub async fn batches_of_charges_add_up(store: &dyn MetadataStore) {
    setup(store).await;
    let counter = daily("quota-app");
    assert_eq!(store.get_quota_count(&counter).await.unwrap(), 0);
    assert_eq!(store.add_quota(&counter, 3).await.unwrap(), 3);
    assert_eq!(store.add_quota(&counter, 1).await.unwrap(), 4);
    assert_eq!(store.add_quota(&counter, 250).await.unwrap(), 254);
    assert_eq!(store.get_quota_count(&counter).await.unwrap(), 254);
}

pub async fn counters_are_kept_apart_by_metric_subject_project_and_window(
    store: &dyn MetadataStore,
) {
    setup(store).await;
    let requests = daily("quota-app");
    let media = QuotaCounter {
        metric: QuotaMetric::MediaBytesPerDay,
        ..requests.clone()
    };
    let writes_of = |subject: &str| QuotaCounter {
        metric: QuotaMetric::WritesPerMinutePerUser,
        subject: subject.to_owned(),
        window_start: datetime!(2026-07-08 12:00 UTC),
        window_end: datetime!(2026-07-08 12:01 UTC),
        ..requests.clone()
    };
    let next_minute = QuotaCounter {
        window_start: datetime!(2026-07-08 12:01 UTC),
        window_end: datetime!(2026-07-08 12:02 UTC),
        ..writes_of("ada")
    };
    let other_project = daily("other-app");
    for counter in [
        &requests,
        &media,
        &writes_of("ada"),
        &writes_of("bob"),
        &next_minute,
        &other_project,
    ] {
        assert_eq!(store.add_quota(counter, 1).await.unwrap(), 1);
    }

    // Counters whose window ended at or before the moment go; the others stay.
    let pruned = store
        .delete_quota_counters_ended(datetime!(2026-07-08 12:01 UTC))
        .await
        .unwrap();
    assert_eq!(pruned, 2);
    assert_eq!(store.get_quota_count(&writes_of("ada")).await.unwrap(), 0);
    assert_eq!(store.get_quota_count(&next_minute).await.unwrap(), 1);
    assert_eq!(store.get_quota_count(&requests).await.unwrap(), 1);
    assert_eq!(store.get_quota_count(&other_project).await.unwrap(), 1);
}

pub async fn concurrent_batches_lose_none(store: &dyn MetadataStore) {
    setup(store).await;
    let counter = daily("quota-app");
    let results = futures::future::join_all((0..40).map(|_| store.add_quota(&counter, 2))).await;
    let mut seen: Vec<u64> = results.into_iter().map(Result::unwrap).collect();
    seen.sort_unstable();
    assert_eq!(
        seen,
        (1..=40).map(|n| n * 2).collect::<Vec<u64>>(),
        "each batch saw its own total"
    );
    assert_eq!(store.get_quota_count(&counter).await.unwrap(), 80);
}
