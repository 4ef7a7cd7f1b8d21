//! The `Range` request header for one byte range (RFC 9110 §14), as a content host serves
//! it: a single range is honoured, anything else (several ranges, another unit, a malformed
//! value) is answered with the whole body, which the RFC allows.

use std::ops::Range;

/// What to send for a request's `Range` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RangeRequest {
    /// The whole body (no header, or one the server chooses to ignore).
    Whole,
    /// These bytes (end exclusive), as a 206.
    Part(Range<u64>),
    /// A 416: the one range asked for starts past the end.
    Unsatisfiable,
}

/// Interprets `header` (the `Range` value, if any) for a body of `size` bytes.
pub(crate) fn parse_range(header: Option<&str>, size: u64) -> RangeRequest {
    let Some(header) = header else {
        return RangeRequest::Whole;
    };
    let Some((unit, set)) = header.trim().split_once('=') else {
        return RangeRequest::Whole;
    };
    if !unit.trim().eq_ignore_ascii_case("bytes") {
        return RangeRequest::Whole;
    }
    let mut specs = set.split(',').map(str::trim).filter(|s| !s.is_empty());
    let (Some(spec), None) = (specs.next(), specs.next()) else {
        return RangeRequest::Whole;
    };
    let Some((first, last)) = spec.split_once('-') else {
        return RangeRequest::Whole;
    };
    match (number(first.trim()), number(last.trim())) {
        // `-n`: the last n bytes.
        (None, Some(suffix)) if first.trim().is_empty() => {
            if suffix == 0 || size == 0 {
                RangeRequest::Unsatisfiable
            } else {
                RangeRequest::Part(size.saturating_sub(suffix)..size)
            }
        }
        // `a-`: from a to the end.
        (Some(start), None) if last.trim().is_empty() => from(start, size, size),
        // `a-b`: inclusive.
        (Some(start), Some(end)) if start <= end => from(start, end.saturating_add(1), size),
        _ => RangeRequest::Whole,
    }
}

fn from(start: u64, end: u64, size: u64) -> RangeRequest {
    if start >= size {
        RangeRequest::Unsatisfiable
    } else {
        RangeRequest::Part(start..end.min(size))
    }
}

/// A decimal position; more digits than fit mean "past any end".
fn number(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(text.parse().unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::RangeRequest::{Part, Unsatisfiable, Whole};
    use super::*;

    #[test]
    fn the_three_single_range_forms_are_honoured() {
        assert_eq!(parse_range(Some("bytes=0-9"), 100), Part(0..10));
        assert_eq!(parse_range(Some("bytes=90-"), 100), Part(90..100));
        assert_eq!(parse_range(Some("bytes=-10"), 100), Part(90..100));
        assert_eq!(parse_range(Some("bytes=-500"), 100), Part(0..100));
        assert_eq!(parse_range(Some("bytes=50-5000"), 100), Part(50..100));
        assert_eq!(parse_range(Some(" Bytes = 1-1 "), 100), Part(1..2));
        assert_eq!(
            parse_range(Some("bytes=0-99999999999999999999999"), 100),
            Part(0..100)
        );
    }

    #[test]
    fn a_range_past_the_end_is_unsatisfiable() {
        assert_eq!(parse_range(Some("bytes=100-"), 100), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=100-200"), 100), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=-0"), 100), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=0-0"), 0), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=-5"), 0), Unsatisfiable);
    }

    #[test]
    fn several_ranges_other_units_and_nonsense_get_the_whole_body() {
        for header in [
            "bytes=0-1,5-6",
            "items=0-1",
            "bytes=5-1",
            "bytes=a-b",
            "bytes=-",
            "bytes=",
            "bytes",
            "bytes=1-2-3",
            "bytes=+1-2",
        ] {
            assert_eq!(parse_range(Some(header), 100), Whole, "{header}");
        }
        assert_eq!(parse_range(None, 100), Whole);
    }
}
