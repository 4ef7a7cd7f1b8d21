//! PKCE (RFC 7636) as Google applies it: the challenge method, the challenge and verifier
//! syntax, and checking a verifier against the challenge stored with the code.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// How the client derived `code_challenge` from its verifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeChallengeMethod {
    Plain,
    S256,
}

/// Why a PKCE parameter was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PkceError {
    #[error("Invalid code_challenge_method: must be S256 or plain.")]
    UnsupportedMethod,
    #[error("Invalid code_challenge: must be 43 to 128 characters.")]
    ChallengeLength,
    #[error(
        "Invalid code_challenge: may contain only letters, digits, \"-\", \".\", \"_\" and \"~\"."
    )]
    ChallengeCharacters,
    #[error("Invalid code_verifier: must be 43 to 128 characters.")]
    VerifierLength,
    #[error(
        "Invalid code_verifier: may contain only letters, digits, \"-\", \".\", \"_\" and \"~\"."
    )]
    VerifierCharacters,
}

impl CodeChallengeMethod {
    /// Reads `code_challenge_method`. Absent means plain: Google, like RFC 7636 section 4.3,
    /// defaults to plain when a challenge is sent without a method. The names are
    /// case-sensitive, so `s256` and `PLAIN` are refused.
    pub fn parse(raw: Option<&str>) -> Result<Self, PkceError> {
        match raw {
            None | Some("plain") => Ok(Self::Plain),
            Some("S256") => Ok(Self::S256),
            Some(_) => Err(PkceError::UnsupportedMethod),
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Plain => "plain",
            Self::S256 => "S256",
        }
    }
}

/// RFC 7636 section 4.1: 43 to 128 characters from the unreserved set.
const MIN_LEN: usize = 43;
const MAX_LEN: usize = 128;

fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// Checks `code_challenge` as sent to the authorization endpoint.
pub fn validate_code_challenge(challenge: &str) -> Result<(), PkceError> {
    if !(MIN_LEN..=MAX_LEN).contains(&challenge.len()) {
        return Err(PkceError::ChallengeLength);
    }
    if !challenge.bytes().all(is_unreserved) {
        return Err(PkceError::ChallengeCharacters);
    }
    Ok(())
}

/// Checks `code_verifier` as sent to the token endpoint.
pub fn validate_code_verifier(verifier: &str) -> Result<(), PkceError> {
    if !(MIN_LEN..=MAX_LEN).contains(&verifier.len()) {
        return Err(PkceError::VerifierLength);
    }
    if !verifier.bytes().all(is_unreserved) {
        return Err(PkceError::VerifierCharacters);
    }
    Ok(())
}

/// Whether `verifier` answers `challenge`. S256 compares BASE64URL(SHA-256(verifier)) without
/// padding; plain compares the verifier itself. The comparison takes the same time wherever
/// the strings differ, so timing does not reveal how much of a guess was right. Callers check
/// the verifier's syntax with [`validate_code_verifier`] first.
pub fn verify(method: CodeChallengeMethod, challenge: &str, verifier: &str) -> bool {
    let expected = match method {
        CodeChallengeMethod::Plain => verifier.to_owned(),
        CodeChallengeMethod::S256 => URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
    };
    expected.as_bytes().ct_eq(challenge.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// RFC 7636 Appendix B.
    const RFC_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const RFC_CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn a_missing_method_means_plain() {
        assert_eq!(
            CodeChallengeMethod::parse(None),
            Ok(CodeChallengeMethod::Plain)
        );
    }

    #[test]
    fn s256_and_plain_are_parsed_exactly() {
        assert_eq!(
            CodeChallengeMethod::parse(Some("S256")),
            Ok(CodeChallengeMethod::S256)
        );
        assert_eq!(
            CodeChallengeMethod::parse(Some("plain")),
            Ok(CodeChallengeMethod::Plain)
        );
    }

    #[test]
    fn methods_in_another_case_or_unknown_are_rejected() {
        for raw in ["s256", "PLAIN", "Plain", "S512", "", " S256", "S256 "] {
            assert_eq!(
                CodeChallengeMethod::parse(Some(raw)),
                Err(PkceError::UnsupportedMethod),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn a_method_round_trips_through_its_name() {
        for method in [CodeChallengeMethod::Plain, CodeChallengeMethod::S256] {
            assert_eq!(
                CodeChallengeMethod::parse(Some(method.as_str())),
                Ok(method)
            );
        }
    }

    #[test]
    fn the_rfc_7636_example_verifies_with_s256() {
        assert!(verify(
            CodeChallengeMethod::S256,
            RFC_CHALLENGE,
            RFC_VERIFIER
        ));
    }

    #[test]
    fn a_wrong_verifier_fails_s256() {
        let wrong = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXK";
        assert!(!verify(CodeChallengeMethod::S256, RFC_CHALLENGE, wrong));
    }

    #[test]
    fn an_s256_challenge_is_not_accepted_as_a_plain_one() {
        assert!(!verify(
            CodeChallengeMethod::Plain,
            RFC_CHALLENGE,
            RFC_VERIFIER
        ));
        assert!(!verify(
            CodeChallengeMethod::S256,
            RFC_VERIFIER,
            RFC_VERIFIER
        ));
    }

    #[test]
    fn plain_compares_the_verifier_with_the_challenge() {
        assert!(verify(
            CodeChallengeMethod::Plain,
            RFC_VERIFIER,
            RFC_VERIFIER
        ));
        assert!(!verify(
            CodeChallengeMethod::Plain,
            RFC_VERIFIER,
            &RFC_VERIFIER[1..]
        ));
        assert!(!verify(CodeChallengeMethod::Plain, RFC_VERIFIER, ""));
    }

    #[test]
    fn the_rfc_example_values_are_well_formed() {
        assert_eq!(validate_code_verifier(RFC_VERIFIER), Ok(()));
        assert_eq!(validate_code_challenge(RFC_CHALLENGE), Ok(()));
    }

    #[test]
    fn lengths_of_43_and_128_are_accepted() {
        assert_eq!(validate_code_challenge(&"a".repeat(43)), Ok(()));
        assert_eq!(validate_code_challenge(&"a".repeat(128)), Ok(()));
        assert_eq!(validate_code_verifier(&"~".repeat(43)), Ok(()));
        assert_eq!(validate_code_verifier(&"Z".repeat(128)), Ok(()));
    }

    #[test]
    fn lengths_of_42_and_129_are_rejected() {
        assert_eq!(
            validate_code_challenge(&"a".repeat(42)),
            Err(PkceError::ChallengeLength)
        );
        assert_eq!(
            validate_code_challenge(&"a".repeat(129)),
            Err(PkceError::ChallengeLength)
        );
        assert_eq!(
            validate_code_verifier(&"a".repeat(42)),
            Err(PkceError::VerifierLength)
        );
        assert_eq!(
            validate_code_verifier(&"a".repeat(129)),
            Err(PkceError::VerifierLength)
        );
        assert_eq!(validate_code_verifier(""), Err(PkceError::VerifierLength));
    }

    #[test]
    fn characters_outside_the_unreserved_set_are_rejected() {
        for bad in ['+', '/', '=', ' ', '%', 'é'] {
            let value = format!("{}{bad}", "a".repeat(43));
            assert_eq!(
                validate_code_challenge(&value),
                Err(PkceError::ChallengeCharacters),
                "{bad:?}"
            );
            assert_eq!(
                validate_code_verifier(&value),
                Err(PkceError::VerifierCharacters),
                "{bad:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn every_s256_challenge_of_a_valid_verifier_is_itself_valid(
            verifier in "[A-Za-z0-9._~-]{43,128}",
        ) {
            prop_assert_eq!(validate_code_verifier(&verifier), Ok(()));
            let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            prop_assert_eq!(validate_code_challenge(&challenge), Ok(()));
            prop_assert!(verify(CodeChallengeMethod::S256, &challenge, &verifier));
        }
    }
}
