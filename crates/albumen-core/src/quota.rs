//! Library API quota records: a project's limits and the counters that are charged against
//! them. The rules (defaults, windows, which calls count) live in `albumen-library`.

use time::OffsetDateTime;

/// A project's quota limits, each a positive count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaLimits {
    /// Library API calls per project per Pacific day, uploads included.
    pub requests_per_day: u64,
    /// Media-byte requests through base URLs per project per Pacific day.
    pub media_bytes_per_day: u64,
    /// Calls that create or change something, per user of the project per minute.
    pub writes_per_minute_per_user: u64,
}

/// Which limit a counter is charged against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuotaMetric {
    RequestsPerDay,
    MediaBytesPerDay,
    WritesPerMinutePerUser,
}

impl QuotaMetric {
    /// The name stored with each counter.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RequestsPerDay => "requests_per_day",
            Self::MediaBytesPerDay => "media_bytes_per_day",
            Self::WritesPerMinutePerUser => "writes_per_minute_per_user",
        }
    }

    /// This metric's value among `limits`.
    pub fn limit_in(self, limits: &QuotaLimits) -> u64 {
        match self {
            Self::RequestsPerDay => limits.requests_per_day,
            Self::MediaBytesPerDay => limits.media_bytes_per_day,
            Self::WritesPerMinutePerUser => limits.writes_per_minute_per_user,
        }
    }
}

/// One counter: a metric of a project, for one subject (a user id, or empty for the whole
/// project), over the window `[window_start, window_end)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QuotaCounter {
    pub project_id: String,
    pub metric: QuotaMetric,
    pub subject: String,
    pub window_start: OffsetDateTime,
    pub window_end: OffsetDateTime,
}
