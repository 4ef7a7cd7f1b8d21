//! Identifiers handed to clients: Google-shaped (media item and album ids start with `A`,
//! URL-safe, never `/` or `:`, which the routes use), random and unguessable.

use rand::Rng as _;

const URL_SAFE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `len` random URL-safe characters.
pub(crate) fn random_tail(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| {
            let i = rng.random_range(0..URL_SAFE.len());
            char::from(URL_SAFE.get(i).copied().unwrap_or(b'A'))
        })
        .collect()
}

/// A new media item id (`A…`, 76 characters, like the ids seen from Google).
pub fn new_media_item_id() -> String {
    format!("A{}", random_tail(75))
}

/// A new album id.
pub fn new_album_id() -> String {
    format!("A{}", random_tail(75))
}

/// A new enrichment item id.
pub fn new_enrichment_id() -> String {
    format!("A{}", random_tail(75))
}

/// A new share token for a shared album.
pub fn new_share_token() -> String {
    format!("A{}", random_tail(95))
}

/// Whether `id` could be one of our ids (so a garbled one is refused before any lookup).
pub fn is_well_formed(id: &str) -> bool {
    (1..=200).contains(&id.len()) && id.bytes().all(|b| URL_SAFE.contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_url_safe_distinct_and_well_formed() {
        let a = new_media_item_id();
        assert!(a.starts_with('A') && a.len() == 76 && is_well_formed(&a));
        assert_ne!(a, new_media_item_id());
        assert!(is_well_formed(&new_share_token()));
        assert!(!is_well_formed("a/b"));
        assert!(!is_well_formed("a:b"));
        assert!(!is_well_formed(""));
    }
}
