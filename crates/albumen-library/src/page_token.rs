//! Opaque page tokens: the store's keyset position, bound to the query that produced it so
//! that a token replayed with other filters is refused instead of returning a wrong page.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};

use albumen_core::StoreError;

use crate::error::{INVALID_PAGE_TOKEN, LibraryError, LibraryResult, invalid};

const VERSION: &str = "p1";

/// A short digest of whatever identifies the listing (its canonical description).
pub fn fingerprint(query_description: &str) -> String {
    hex::encode(
        Sha256::digest(query_description.as_bytes())
            .get(..8)
            .unwrap_or_default(),
    )
}

/// The token for the page after the store key `key` of the listing `fingerprint`.
pub fn encode(fingerprint: &str, key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{VERSION}|{fingerprint}|{key}"))
}

/// The store key in `token`, if it was issued for the listing `fingerprint`.
pub fn decode(fingerprint: &str, token: &str) -> LibraryResult<String> {
    let bad = || invalid(INVALID_PAGE_TOKEN);
    let raw = URL_SAFE_NO_PAD.decode(token.trim()).map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let mut parts = text.splitn(3, '|');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(VERSION), Some(fp), Some(key)) if fp == fingerprint && !key.is_empty() => {
            Ok(key.to_owned())
        }
        _ => Err(bad()),
    }
}

/// A store error of a paged listing: a page key the store cannot read (only a forged
/// token carries one) is the client's bad token.
pub(crate) fn listing_error(err: StoreError) -> LibraryError {
    match err {
        StoreError::Conflict { what: "page.after" } => invalid(INVALID_PAGE_TOKEN),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_round_trips_for_its_listing_only() {
        let fp = fingerprint("user u1, newest first");
        let token = encode(&fp, "1700000000:Aabc");
        assert!(!token.contains('|'));
        assert_eq!(decode(&fp, &token).unwrap(), "1700000000:Aabc");
        assert!(decode(&fingerprint("other listing"), &token).is_err());
        assert!(decode(&fp, "garbage!").is_err());
        assert!(decode(&fp, "").is_err());
    }
}
