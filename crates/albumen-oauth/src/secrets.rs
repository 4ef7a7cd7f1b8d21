//! Making and checking secrets: random tokens in Google's shapes, SHA-256 digests for storage
//! and constant-time comparison. Every bearer secret is stored only as its digest.

use rand::Rng;
use rand::distr::{Alphanumeric, SampleString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

const URL_SAFE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// Letters users cannot confuse when typing a device code (no vowels, no look-alikes).
const USER_CODE_LETTERS: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";

fn from_alphabet(alphabet: &[u8], len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| {
            let i = rng.random_range(0..alphabet.len());
            char::from(alphabet.get(i).copied().unwrap_or(b'A'))
        })
        .collect()
}

/// Lowercase hex SHA-256, the at-rest form of every token and secret.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two secrets (or digests) in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// `ya29.` access tokens, as Google's start.
pub fn new_access_token() -> String {
    format!("ya29.a0{}", from_alphabet(URL_SAFE, 120))
}

/// `1//` refresh tokens, as Google's start.
pub fn new_refresh_token() -> String {
    format!("1//0{}", from_alphabet(URL_SAFE, 96))
}

/// `4/0A` authorization codes, as Google's start.
pub fn new_authorization_code() -> String {
    format!("4/0A{}", from_alphabet(URL_SAFE, 72))
}

pub fn new_device_code() -> String {
    format!("AH-1Ng{}", from_alphabet(URL_SAFE, 80))
}

/// `ABCD-EFGH`: eight letters a person can read off a TV and type.
pub fn new_user_code() -> String {
    let letters = from_alphabet(USER_CODE_LETTERS, 8);
    format!(
        "{}-{}",
        letters.get(..4).unwrap_or(""),
        letters.get(4..).unwrap_or("")
    )
}

/// `GOCSPX-` and 28 URL-safe characters.
pub fn new_client_secret() -> String {
    format!("GOCSPX-{}", from_alphabet(URL_SAFE, 28))
}

/// `{projectNumber}-{32 lowercase alphanumerics}.apps.googleusercontent.com`
pub fn new_client_id(project_number: i64) -> String {
    let lower = b"abcdefghijklmnopqrstuvwxyz0123456789";
    format!(
        "{project_number}-{}.apps.googleusercontent.com",
        from_alphabet(lower, 32)
    )
}

/// A 12-digit project number that does not start with 0.
pub fn new_project_number() -> i64 {
    rand::rng().random_range(100_000_000_000..1_000_000_000_000)
}

/// An opaque secret for cookies, CSRF and ids.
pub fn new_opaque(len: usize) -> String {
    Alphanumeric.sample_string(&mut rand::rng(), len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_googles_shapes() {
        assert!(new_access_token().starts_with("ya29."));
        assert!(new_refresh_token().starts_with("1//"));
        assert!(new_authorization_code().starts_with("4/0A"));
        let secret = new_client_secret();
        assert_eq!(secret.len(), "GOCSPX-".len() + 28);
        let id = new_client_id(123456789012);
        let (number, rest) = id.split_once('-').unwrap();
        assert_eq!(number, "123456789012");
        let (random, domain) = rest.split_once('.').unwrap();
        assert_eq!(random.len(), 32);
        assert!(
            random
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );
        assert_eq!(domain, "apps.googleusercontent.com");
        let code = new_user_code();
        assert_eq!(code.len(), 9);
        assert_eq!(&code[4..5], "-");
        let number = new_project_number();
        assert_eq!(number.to_string().len(), 12);
    }

    #[test]
    fn fresh_secrets_differ_and_digests_are_stable() {
        assert_ne!(new_access_token(), new_access_token());
        assert_eq!(digest("abc"), digest("abc"));
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(constant_time_eq("same", "same"));
        assert!(!constant_time_eq("same", "diff"));
        assert!(!constant_time_eq("same", "samesame"));
    }
}
