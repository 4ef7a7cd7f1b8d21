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

pub(crate) fn opt_to_micros(at: Option<OffsetDateTime>) -> Option<i64> {
    at.map(to_micros)
}

pub(crate) fn opt_from_micros(micros: Option<i64>) -> Result<Option<OffsetDateTime>, StoreError> {
    micros.map(from_micros).transpose()
}

/// A value read back from the database that the domain refuses: a corrupt record.
pub(crate) fn corrupt(what: &'static str) -> StoreError {
    StoreError::Internal(format!("corrupt stored value in {what}").into())
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
