//! Opaque keys of keyset pages: `micros:id` for listings ordered by a timestamp then id,
//! the bare position for album order. Callers hand them back untouched.

use albumen_core::StoreError;
use albumen_core::page::Paged;

/// A key this store did not make (the caller passed a mangled page token along).
pub(crate) fn bad_key() -> StoreError {
    StoreError::Conflict { what: "page.after" }
}

pub(crate) fn time_key(micros: i64, id: &str) -> String {
    format!("{micros}:{id}")
}

/// The `(micros, id)` of a [`time_key`]; only the first `:` separates, so any id fits.
pub(crate) fn parse_time_key(key: &str) -> Result<(i64, String), StoreError> {
    let (micros, id) = key.split_once(':').ok_or_else(bad_key)?;
    let micros = micros.parse().map_err(|_| bad_key())?;
    if id.is_empty() {
        return Err(bad_key());
    }
    Ok((micros, id.to_owned()))
}

pub(crate) fn position_key(position: i64) -> String {
    position.to_string()
}

pub(crate) fn parse_position_key(key: &str) -> Result<i64, StoreError> {
    key.parse().map_err(|_| bad_key())
}

/// The page out of `size + 1` fetched rows: the extra row only says that more remain, and
/// the key of the last row kept is where the next page starts.
pub(crate) fn into_page<T>(mut rows: Vec<T>, size: u32, key: impl Fn(&T) -> String) -> Paged<T> {
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    let next = if rows.len() > size {
        rows.truncate(size);
        rows.last().map(key)
    } else {
        None
    };
    Paged { items: rows, next }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_keys_round_trip_and_garbage_is_refused() {
        let key = time_key(-5, "AB:c");
        assert_eq!(parse_time_key(&key).unwrap(), (-5, "AB:c".to_owned()));
        assert!(parse_time_key("12").is_err());
        assert!(parse_time_key("x:id").is_err());
        assert!(parse_time_key("12:").is_err());
        assert_eq!(parse_position_key(&position_key(1 << 40)).unwrap(), 1 << 40);
        assert!(parse_position_key("1:2").is_err());
    }

    #[test]
    fn a_page_keeps_size_rows_and_keys_the_last_one() {
        let page = into_page(vec![1, 2, 3], 2, |n| n.to_string());
        assert_eq!(page.items, vec![1, 2]);
        assert_eq!(page.next.as_deref(), Some("2"));
        let last = into_page(vec![1, 2], 2, |n| n.to_string());
        assert_eq!(last.next, None);
    }
}
