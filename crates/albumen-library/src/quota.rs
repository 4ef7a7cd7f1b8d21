//! Library API quotas, as Google applies them per Cloud project: requests per day, base-URL
//! media-byte requests per day (both resetting at midnight US Pacific time) and a per-user
//! rate of writes per minute. Each node counts in memory and adds its charges to counters in
//! the metadata store, shared by every node, in batches (`ledger`); this module owns the
//! defaults, the windows, the validation of limits and the usage report.
//!
//! A refused request is not counted against any limit: Google's quota system admits a call
//! only if every quota it consumes has room, so a refused call consumes nothing.

mod ledger;
mod pacific;

use albumen_core::StoreError;
use albumen_core::ports::QuotaRepo;
use albumen_core::quota::{QuotaCounter, QuotaLimits, QuotaMetric};
use time::{Duration, OffsetDateTime};

pub use ledger::{FLUSH_INTERVAL, QuotaLedger};
pub use pacific::pacific_day;

/// Google's published limit on Library API calls per project per day.
pub const DEFAULT_REQUESTS_PER_DAY: u64 = 10_000;
/// Google's published limit on base-URL media-byte requests per project per day.
pub const DEFAULT_MEDIA_BYTES_PER_DAY: u64 = 75_000;
/// Google does not publish its write rate. Its read rate shows up in quota errors as
/// `ReadsPerMinutePerUser` = 300, so writes get the same by default.
pub const DEFAULT_WRITES_PER_MINUTE_PER_USER: u64 = 300;
/// The highest value a limit may be set to: far above anything a real project needs, and
/// well inside the store's signed 64-bit counters.
pub const MAX_LIMIT: u64 = 1_000_000_000;

/// The limits of a project that never set its own.
pub const DEFAULT_LIMITS: QuotaLimits = QuotaLimits {
    requests_per_day: DEFAULT_REQUESTS_PER_DAY,
    media_bytes_per_day: DEFAULT_MEDIA_BYTES_PER_DAY,
    writes_per_minute_per_user: DEFAULT_WRITES_PER_MINUTE_PER_USER,
};

/// A span of time `[start, end)` that one counter covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
}

/// The minute (UTC-aligned) that `now` falls in.
pub fn minute_window(now: OffsetDateTime) -> Window {
    let into_minute = Duration::seconds(now.unix_timestamp().rem_euclid(60))
        + Duration::nanoseconds(i64::from(now.nanosecond()));
    let start = now - into_minute;
    Window {
        start,
        end: start + Duration::minutes(1),
    }
}

/// Why a call was refused or a change rejected.
#[derive(Debug, thiserror::Error)]
pub enum QuotaError {
    #[error("quota {metric:?} of {limit} exhausted")]
    Exceeded { metric: QuotaMetric, limit: u64 },
    /// A limit outside `1..=MAX_LIMIT`; `field` names it as the forms do.
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Form and JSON field names of the three limits, with their metrics.
pub const LIMIT_FIELDS: [(&str, QuotaMetric); 3] = [
    ("requests_per_day", QuotaMetric::RequestsPerDay),
    ("media_bytes_per_day", QuotaMetric::MediaBytesPerDay),
    (
        "writes_per_minute_per_user",
        QuotaMetric::WritesPerMinutePerUser,
    ),
];

/// A limit as typed into a form: a whole number from 1 to [`MAX_LIMIT`].
pub fn parse_limit(field: &'static str, raw: &str) -> Result<u64, QuotaError> {
    let invalid = || QuotaError::Invalid {
        field,
        message: format!("Enter a whole number from 1 to {MAX_LIMIT}."),
    };
    let value: u64 = raw
        .trim()
        .replace(['_', ','], "")
        .parse()
        .map_err(|_| invalid())?;
    check_limit(field, value)
}

fn check_limit(field: &'static str, value: u64) -> Result<u64, QuotaError> {
    if (1..=MAX_LIMIT).contains(&value) {
        Ok(value)
    } else {
        Err(QuotaError::Invalid {
            field,
            message: format!("Enter a whole number from 1 to {MAX_LIMIT}."),
        })
    }
}

/// The project's limits: its own, or the defaults.
pub async fn limits_of<S: QuotaRepo + ?Sized>(
    store: &S,
    project_id: &str,
) -> Result<QuotaLimits, StoreError> {
    Ok(store
        .get_quota_limits(project_id)
        .await?
        .unwrap_or(DEFAULT_LIMITS))
}

/// Checks every limit and stores them.
pub async fn set_limits<S: QuotaRepo + ?Sized>(
    store: &S,
    project_id: &str,
    limits: QuotaLimits,
) -> Result<QuotaLimits, QuotaError> {
    for (field, metric) in LIMIT_FIELDS {
        check_limit(field, metric.limit_in(&limits))?;
    }
    store.put_quota_limits(project_id, &limits).await?;
    Ok(limits)
}

fn counter(project_id: &str, metric: QuotaMetric, subject: &str, window: Window) -> QuotaCounter {
    QuotaCounter {
        project_id: project_id.to_owned(),
        metric,
        subject: subject.to_owned(),
        window_start: window.start,
        window_end: window.end,
    }
}

/// A project's limits and what it used of them today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaUsage {
    pub limits: QuotaLimits,
    /// Whether the project set its own limits (otherwise it runs on the defaults).
    pub custom: bool,
    pub requests_today: u64,
    pub media_bytes_today: u64,
    /// The current Pacific day; the daily counts start again at its end.
    pub day: Window,
}

/// The project's limits and its counts for the Pacific day of `now`.
pub async fn usage<S: QuotaRepo + ?Sized>(
    store: &S,
    now: OffsetDateTime,
    project_id: &str,
) -> Result<QuotaUsage, StoreError> {
    let stored = store.get_quota_limits(project_id).await?;
    let day = pacific_day(now);
    let requests = counter(project_id, QuotaMetric::RequestsPerDay, "", day);
    let media_bytes = counter(project_id, QuotaMetric::MediaBytesPerDay, "", day);
    Ok(QuotaUsage {
        limits: stored.unwrap_or(DEFAULT_LIMITS),
        custom: stored.is_some(),
        requests_today: store.get_quota_count(&requests).await?,
        media_bytes_today: store.get_quota_count(&media_bytes).await?,
        day,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn minutes_start_on_the_minute() {
        let window = minute_window(datetime!(2026-05-01 12:34:56.789 UTC));
        assert_eq!(window.start, datetime!(2026-05-01 12:34:00 UTC));
        assert_eq!(window.end, datetime!(2026-05-01 12:35:00 UTC));
        let exact = minute_window(datetime!(2026-05-01 12:35:00 UTC));
        assert_eq!(exact.start, datetime!(2026-05-01 12:35:00 UTC));
    }

    #[test]
    fn limits_are_whole_numbers_within_bounds() {
        assert_eq!(parse_limit("requests_per_day", " 10,000 ").unwrap(), 10_000);
        assert_eq!(parse_limit("requests_per_day", "1").unwrap(), 1);
        assert_eq!(
            parse_limit("requests_per_day", "1000000000").unwrap(),
            MAX_LIMIT
        );
        for bad in [
            "0",
            "-1",
            "1.5",
            "",
            "ten",
            "1000000001",
            "99999999999999999999999",
        ] {
            let err = parse_limit("writes_per_minute_per_user", bad).unwrap_err();
            assert!(
                matches!(
                    err,
                    QuotaError::Invalid {
                        field: "writes_per_minute_per_user",
                        ..
                    }
                ),
                "{bad}"
            );
        }
    }
}
