//! Signed base-URL tokens: claims plus an HMAC-SHA256 tag, verified without a database.
//!
//! Token = base64url without padding (alphabet `A–Z a–z 0–9 - _`, so never `=`,
//! which starts the options) of `payload ‖ tag`, where
//!
//! ```text
//! payload = version (1 byte, = 1)
//!         ‖ kind (1 byte: 0 = Library, 1 = Picker)
//!         ‖ expires_at as Unix nanoseconds (i128, big-endian, 16 bytes)
//!         ‖ len(media_item_id) (u32 BE) ‖ media_item_id (UTF-8)
//!         ‖ len(user_id) (u32 BE) ‖ user_id (UTF-8)
//! tag     = HMAC-SHA256(key, "albumen/base-url/v1\0" ‖ payload)   (32 bytes)
//! ```
//!
//! The tag is checked (in constant time) before the payload is parsed.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac as _};
use sha2::Sha256;
use subtle::ConstantTimeEq as _;
use time::{Duration, OffsetDateTime};

type HmacSha256 = Hmac<Sha256>;

/// Library base URLs are valid 60 minutes (library-api.md §7, §10 table).
pub const LIBRARY_BASE_URL_LIFETIME: Duration = Duration::minutes(60);
/// Picker base URLs are valid 60 minutes (picker-oauth-console.md A.10).
pub const PICKER_BASE_URL_LIFETIME: Duration = Duration::minutes(60);

/// Domain separation: the same key can never produce a tag valid elsewhere.
const DOMAIN: &[u8] = b"albumen/base-url/v1\0";
const VERSION: u8 = 1;
const TAG_LEN: usize = 32;
/// Tokens longer than this are refused before decoding.
const MAX_TOKEN_CHARS: usize = 4096;

/// Which API minted the URL (Picker bytes also need a bearer token).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UrlKind {
    /// `photoslibrary` media items, albums' cover photos.
    Library,
    /// Picker session media items.
    Picker,
}

impl UrlKind {
    fn to_byte(self) -> u8 {
        match self {
            Self::Library => 0,
            Self::Picker => 1,
        }
    }

    fn from_byte(b: u8) -> Option<Self> {
        match b {
            0 => Some(Self::Library),
            1 => Some(Self::Picker),
            _ => None,
        }
    }
}

/// What a base URL grants: the bytes of one item to one user until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrlClaims {
    /// The media item whose bytes are served.
    pub media_item_id: String,
    /// The user the URL was minted for.
    pub user_id: String,
    /// Library or Picker.
    pub kind: UrlKind,
    /// The URL is refused from this instant on (`now >= expires_at`).
    pub expires_at: OffsetDateTime,
}

/// Claims for a Library base URL minted at `now`, valid [`LIBRARY_BASE_URL_LIFETIME`].
pub fn library_claims(media_item_id: &str, user_id: &str, now: OffsetDateTime) -> BaseUrlClaims {
    BaseUrlClaims {
        media_item_id: media_item_id.to_owned(),
        user_id: user_id.to_owned(),
        kind: UrlKind::Library,
        expires_at: now + LIBRARY_BASE_URL_LIFETIME,
    }
}

/// Claims for a Picker base URL minted at `now`, valid [`PICKER_BASE_URL_LIFETIME`].
pub fn picker_claims(media_item_id: &str, user_id: &str, now: OffsetDateTime) -> BaseUrlClaims {
    BaseUrlClaims {
        media_item_id: media_item_id.to_owned(),
        user_id: user_id.to_owned(),
        kind: UrlKind::Picker,
        expires_at: now + PICKER_BASE_URL_LIFETIME,
    }
}

/// Why a token was refused. Callers map every variant to HTTP 403
/// (addendum-resolved.md §7: expired base URL → 403).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BaseUrlError {
    /// Not a token we could have minted (bad encoding, length or layout).
    #[error("malformed base URL token")]
    Malformed,
    /// The tag does not match: tampered, or signed with another key.
    #[error("base URL token signature mismatch")]
    BadSignature,
    /// Authentic but past `expires_at`.
    #[error("base URL expired")]
    Expired,
}

/// Mints and verifies base-URL tokens with a 32-byte secret key.
#[derive(Clone)]
pub struct BaseUrlSigner {
    key: [u8; 32],
}

impl fmt::Debug for BaseUrlSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BaseUrlSigner")
            .field("key", &"<redacted>")
            .finish()
    }
}

impl BaseUrlSigner {
    /// A signer for `key` (keep it secret; rotate it to revoke every URL).
    pub fn new(key: [u8; 32]) -> Self {
        Self { key }
    }

    /// The URL-safe token for `claims` (never contains `=`, `/` or `+`).
    pub fn sign(&self, claims: &BaseUrlClaims) -> String {
        let mut bytes = encode_payload(claims);
        let tag = self.tag(&bytes);
        bytes.extend_from_slice(&tag);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Checks `token` and returns its claims if it is authentic and `now < expires_at`.
    pub fn verify(&self, token: &str, now: OffsetDateTime) -> Result<BaseUrlClaims, BaseUrlError> {
        if token.is_empty() || token.len() > MAX_TOKEN_CHARS {
            return Err(BaseUrlError::Malformed);
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(token)
            .map_err(|_| BaseUrlError::Malformed)?;
        let payload_len = bytes
            .len()
            .checked_sub(TAG_LEN)
            .ok_or(BaseUrlError::Malformed)?;
        let (payload, tag) = bytes
            .split_at_checked(payload_len)
            .ok_or(BaseUrlError::Malformed)?;
        let expected = self.tag(payload);
        if !bool::from(tag.ct_eq(&expected)) {
            return Err(BaseUrlError::BadSignature);
        }
        let claims = decode_payload(payload).ok_or(BaseUrlError::Malformed)?;
        if now >= claims.expires_at {
            return Err(BaseUrlError::Expired);
        }
        Ok(claims)
    }

    fn tag(&self, payload: &[u8]) -> [u8; TAG_LEN] {
        // HMAC pads keys shorter than the block to the block size with zeros, so
        // this equals HMAC-SHA256 keyed with the 32-byte key, without a fallible
        // `new_from_slice`.
        let mut key = hmac::digest::Key::<HmacSha256>::default();
        for (dst, src) in key.iter_mut().zip(self.key.iter()) {
            *dst = *src;
        }
        let mut mac = <HmacSha256 as hmac::digest::KeyInit>::new(&key);
        mac.update(DOMAIN);
        mac.update(payload);
        mac.finalize().into_bytes().into()
    }
}

fn encode_payload(claims: &BaseUrlClaims) -> Vec<u8> {
    let id = claims.media_item_id.as_bytes();
    let user = claims.user_id.as_bytes();
    let mut out = Vec::with_capacity(2 + 16 + 4 + id.len() + 4 + user.len() + TAG_LEN);
    out.push(VERSION);
    out.push(claims.kind.to_byte());
    out.extend_from_slice(&claims.expires_at.unix_timestamp_nanos().to_be_bytes());
    push_field(&mut out, id);
    push_field(&mut out, user);
    out
}

/// Length-prefixed field. A field over 4 GiB gets a wrong length and so a token
/// that never verifies, rather than a panic.
fn push_field(out: &mut Vec<u8>, field: &[u8]) {
    let len = u32::try_from(field.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(field);
}

fn decode_payload(payload: &[u8]) -> Option<BaseUrlClaims> {
    let (&[version, kind], rest) = payload.split_first_chunk::<2>()?;
    if version != VERSION {
        return None;
    }
    let kind = UrlKind::from_byte(kind)?;
    let (nanos, rest) = rest.split_first_chunk::<16>()?;
    let expires_at = OffsetDateTime::from_unix_timestamp_nanos(i128::from_be_bytes(*nanos)).ok()?;
    let (media_item_id, rest) = take_field(rest)?;
    let (user_id, rest) = take_field(rest)?;
    if !rest.is_empty() {
        return None;
    }
    Some(BaseUrlClaims {
        media_item_id,
        user_id,
        kind,
        expires_at,
    })
}

fn take_field(input: &[u8]) -> Option<(String, &[u8])> {
    let (len, rest) = input.split_first_chunk::<4>()?;
    let len = usize::try_from(u32::from_be_bytes(*len)).ok()?;
    let (field, rest) = rest.split_at_checked(len)?;
    let field = std::str::from_utf8(field).ok()?.to_owned();
    Some((field, rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::datetime;

    const KEY: [u8; 32] = [7; 32];
    const MINTED: OffsetDateTime = datetime!(2025-06-01 12:00:00 UTC);

    fn signer() -> BaseUrlSigner {
        BaseUrlSigner::new(KEY)
    }

    fn claims() -> BaseUrlClaims {
        library_claims("AKmX9-item_1", "user-42", MINTED)
    }

    #[test]
    fn a_signed_token_verifies_back_to_the_same_claims() {
        let token = signer().sign(&claims());
        assert_eq!(signer().verify(&token, MINTED), Ok(claims()));
    }

    #[test]
    fn picker_claims_round_trip_with_their_kind() {
        let c = picker_claims("p1", "u1", MINTED);
        let token = signer().sign(&c);
        let back = signer().verify(&token, MINTED).unwrap();
        assert_eq!(back.kind, UrlKind::Picker);
        assert_eq!(back, c);
    }

    #[test]
    fn sub_second_expiry_survives_the_round_trip() {
        let mut c = claims();
        c.expires_at = datetime!(2025-06-01 13:00:00.123456789 UTC);
        let token = signer().sign(&c);
        assert_eq!(signer().verify(&token, MINTED), Ok(c));
    }

    #[test]
    fn library_base_urls_live_sixty_minutes() {
        assert_eq!(LIBRARY_BASE_URL_LIFETIME, Duration::minutes(60));
        assert_eq!(claims().expires_at, datetime!(2025-06-01 13:00:00 UTC));
    }

    #[test]
    fn a_token_is_valid_at_59_minutes_59_seconds() {
        let token = signer().sign(&claims());
        let now = datetime!(2025-06-01 12:59:59 UTC);
        assert!(signer().verify(&token, now).is_ok());
        let now = datetime!(2025-06-01 12:59:59.999999999 UTC);
        assert!(signer().verify(&token, now).is_ok());
    }

    #[test]
    fn a_token_is_expired_at_exactly_60_minutes_and_after() {
        let token = signer().sign(&claims());
        let now = datetime!(2025-06-01 13:00:00 UTC);
        assert_eq!(signer().verify(&token, now), Err(BaseUrlError::Expired));
        let now = datetime!(2025-06-02 00:00:00 UTC);
        assert_eq!(signer().verify(&token, now), Err(BaseUrlError::Expired));
    }

    #[test]
    fn a_token_signed_with_another_key_is_refused() {
        let token = BaseUrlSigner::new([8; 32]).sign(&claims());
        assert_eq!(
            signer().verify(&token, MINTED),
            Err(BaseUrlError::BadSignature)
        );
    }

    #[test]
    fn flipping_any_byte_of_a_token_is_detected() {
        let token = signer().sign(&claims());
        let bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
        for i in 0..bytes.len() {
            let mut tampered = bytes.clone();
            tampered[i] ^= 0x01;
            let t = URL_SAFE_NO_PAD.encode(&tampered);
            assert_eq!(
                signer().verify(&t, MINTED),
                Err(BaseUrlError::BadSignature),
                "byte {i}"
            );
        }
    }

    #[test]
    fn a_token_with_a_forged_later_expiry_is_refused() {
        let mut forged = claims();
        forged.expires_at = datetime!(2099-01-01 00:00:00 UTC);
        let forged_payload = encode_payload(&forged);
        let genuine = URL_SAFE_NO_PAD.decode(signer().sign(&claims())).unwrap();
        let mut bytes = forged_payload;
        bytes.extend_from_slice(&genuine[genuine.len() - TAG_LEN..]);
        let t = URL_SAFE_NO_PAD.encode(bytes);
        assert_eq!(signer().verify(&t, MINTED), Err(BaseUrlError::BadSignature));
    }

    #[test]
    fn a_truncated_token_is_refused() {
        let token = signer().sign(&claims());
        for cut in 1..token.len() {
            let t = &token[..cut];
            assert!(signer().verify(t, MINTED).is_err(), "cut {cut}");
        }
    }

    #[test]
    fn garbage_and_empty_tokens_are_malformed() {
        for t in ["", "!!!", "abc=", "a b", "é", "A"] {
            assert_eq!(
                signer().verify(t, MINTED),
                Err(BaseUrlError::Malformed),
                "{t:?}"
            );
        }
        let huge = "A".repeat(MAX_TOKEN_CHARS + 4);
        assert_eq!(signer().verify(&huge, MINTED), Err(BaseUrlError::Malformed));
    }

    #[test]
    fn a_correctly_signed_but_unparsable_payload_is_malformed() {
        let s = signer();
        for payload in [vec![], vec![9, 0], vec![VERSION, 5], vec![VERSION, 0, 1, 2]] {
            let mut bytes = payload.clone();
            bytes.extend_from_slice(&s.tag(&payload));
            let t = URL_SAFE_NO_PAD.encode(bytes);
            assert_eq!(s.verify(&t, MINTED), Err(BaseUrlError::Malformed));
        }
        // Trailing bytes after the last field.
        let mut payload = encode_payload(&claims());
        payload.push(0);
        let mut bytes = payload.clone();
        bytes.extend_from_slice(&s.tag(&payload));
        let t = URL_SAFE_NO_PAD.encode(bytes);
        assert_eq!(s.verify(&t, MINTED), Err(BaseUrlError::Malformed));
    }

    #[test]
    fn the_tag_is_standard_hmac_sha256_with_the_32_byte_key() {
        let payload = b"payload";
        let mut mac = HmacSha256::new_from_slice(&KEY).unwrap();
        mac.update(DOMAIN);
        mac.update(payload);
        let expected: [u8; 32] = mac.finalize().into_bytes().into();
        assert_eq!(signer().tag(payload), expected);
    }

    #[test]
    fn debug_output_does_not_reveal_the_key() {
        let shown = format!("{:?}", BaseUrlSigner::new([0xAB; 32]));
        assert!(shown.contains("redacted"));
        assert!(!shown.contains("171"));
        assert!(!shown.to_lowercase().contains("ab, "));
    }

    fn arb_claims() -> impl Strategy<Value = BaseUrlClaims> {
        (
            any::<String>(),
            any::<String>(),
            any::<bool>(),
            -300_000_000_000i64..200_000_000_000i64,
            0u32..1_000_000_000,
        )
            .prop_map(
                |(media_item_id, user_id, picker, secs, nanos)| BaseUrlClaims {
                    media_item_id,
                    user_id,
                    kind: if picker {
                        UrlKind::Picker
                    } else {
                        UrlKind::Library
                    },
                    expires_at: OffsetDateTime::from_unix_timestamp(secs).unwrap()
                        + Duration::nanoseconds(i64::from(nanos)),
                },
            )
    }

    proptest! {
        #[test]
        fn tokens_never_contain_an_equals_sign_and_round_trip(c in arb_claims()) {
            let token = signer().sign(&c);
            prop_assert!(!token.contains('='));
            prop_assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
            let before = c.expires_at - Duration::nanoseconds(1);
            prop_assert_eq!(signer().verify(&token, before), Ok(c.clone()));
            prop_assert_eq!(signer().verify(&token, c.expires_at), Err(BaseUrlError::Expired));
            let path = format!("{token}=w512-h512-c");
            prop_assert_eq!(super::super::split_path(&path), Some((token.as_str(), "w512-h512-c")));
        }

        #[test]
        fn verify_never_panics_on_arbitrary_input(t in any::<String>()) {
            let _ = signer().verify(&t, MINTED);
        }

        #[test]
        fn verify_never_panics_on_arbitrary_base64url(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let t = URL_SAFE_NO_PAD.encode(bytes);
            prop_assert!(signer().verify(&t, MINTED).is_err());
        }
    }
}
