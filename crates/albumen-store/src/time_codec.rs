//! Timestamps are stored as `BIGINT` microseconds since the Unix epoch on both backends.

use albumen_core::StoreError;
use time::OffsetDateTime;

pub(crate) fn to_micros(at: OffsetDateTime) -> i64 {
    // Microsecond precision covers years far beyond any realistic timestamp in i64.
    i64::try_from(at.unix_timestamp_nanos() / 1_000).unwrap_or(i64::MAX)
}

pub(crate) fn from_micros(micros: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
        .map_err(|e| StoreError::Internal(Box::new(e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn timestamps_round_trip_at_microsecond_precision() {
        let at = datetime!(2026-11-26 12:34:56.123456 UTC);
        assert_eq!(from_micros(to_micros(at)).unwrap(), at);
        assert_eq!(to_micros(OffsetDateTime::UNIX_EPOCH), 0);
    }
}
