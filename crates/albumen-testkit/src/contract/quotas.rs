//! The [`QuotaRepo`] contract: limits per project, counters that count every charge once
//! up to the limit, refusals that change nothing, and pruning of ended windows.

use albumen_core::ports::MetadataStore;
use albumen_core::quota::{Charged, QuotaCounter, QuotaLimits, QuotaMetric};
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
    store.put_quota_limits("quota-app", &first).await.unwrap();
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

pub async fn a_counter_stops_at_the_limit_and_refusals_change_nothing(store: &dyn MetadataStore) {
    setup(store).await;
    let counter = daily("quota-app");
    assert_eq!(store.get_quota_count(&counter).await.unwrap(), 0);
    // Without stored limits the caller's default applies.
    for expected in 1..=2 {
        assert_eq!(
            store.charge_quota(&counter, 2).await.unwrap(),
            Charged::Counted(expected)
        );
    }
    assert_eq!(
        store.charge_quota(&counter, 2).await.unwrap(),
        Charged::Refused
    );
    assert_eq!(store.get_quota_count(&counter).await.unwrap(), 2);
    // A stored limit wins over the default, at once.
    store
        .put_quota_limits("quota-app", &limits(3, 1, 1))
        .await
        .unwrap();
    assert_eq!(
        store.charge_quota(&counter, 2).await.unwrap(),
        Charged::Counted(3)
    );
    assert_eq!(
        store.charge_quota(&counter, 100).await.unwrap(),
        Charged::Refused
    );
    store.refund_quota(&counter).await.unwrap();
    assert_eq!(store.get_quota_count(&counter).await.unwrap(), 2);
    assert_eq!(
        store.charge_quota(&counter, 2).await.unwrap(),
        Charged::Counted(3)
    );
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
        assert_eq!(
            store.charge_quota(counter, 1).await.unwrap(),
            Charged::Counted(1)
        );
    }
    assert_eq!(
        store.charge_quota(&requests, 1).await.unwrap(),
        Charged::Refused
    );

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

pub async fn concurrent_charges_lose_none_and_never_pass_the_limit(store: &dyn MetadataStore) {
    setup(store).await;
    let counter = daily("quota-app");
    let results =
        futures::future::join_all((0..40).map(|_| store.charge_quota(&counter, 1_000))).await;
    let mut seen: Vec<u64> = results
        .into_iter()
        .map(|r| match r.unwrap() {
            Charged::Counted(n) => n,
            Charged::Refused => 0,
        })
        .collect();
    seen.sort_unstable();
    assert_eq!(
        seen,
        (1..=40).collect::<Vec<u64>>(),
        "each charge saw its own count"
    );
    assert_eq!(store.get_quota_count(&counter).await.unwrap(), 40);

    let capped = daily("other-app");
    let results = futures::future::join_all((0..40).map(|_| store.charge_quota(&capped, 15))).await;
    let counted = results
        .iter()
        .filter(|r| matches!(r, Ok(Charged::Counted(_))))
        .count();
    let refused = results
        .iter()
        .filter(|r| matches!(r, Ok(Charged::Refused)))
        .count();
    assert_eq!((counted, refused), (15, 25));
    assert_eq!(store.get_quota_count(&capped).await.unwrap(), 15);
}
