//! Signed `baseUrl`s: the `<token>=<options>` path tail that serves media bytes.
//!
//! A base URL looks like `https://<host>/lr/<token>` and clients append
//! `=<options>` (for example `=w512-h512-c`, `=d`, `=dv`) before fetching it
//! (library-api.md §7, picker-oauth-console.md A.10). This module holds the two
//! pure halves of that: [`options`] parses and normalises the option string, and
//! [`signing`] mints and verifies the token without any database.

pub mod options;
pub mod signing;

pub use options::{
    MAX_DIMENSION, Options, OptionsError, UNKNOWN_PARAMETER_POLICY, UnknownParameterPolicy,
    parse_options, parse_options_with,
};
pub use signing::{
    BaseUrlClaims, BaseUrlError, BaseUrlSigner, LIBRARY_BASE_URL_LIFETIME,
    PICKER_BASE_URL_LIFETIME, UrlKind, library_claims, picker_claims,
};

/// Splits the path tail after `/lr/` into `(token, options)`.
///
/// The options start at the first `=`; tokens never contain `=` (they are
/// base64url without padding). With no `=` the options are `""`, which means the
/// default rendition. Returns `None` when the token part is empty or contains a
/// `/` (a different route).
pub fn split_path(rest: &str) -> Option<(&str, &str)> {
    let (token, options) = rest.split_once('=').unwrap_or((rest, ""));
    if token.is_empty() || token.contains('/') {
        return None;
    }
    Some((token, options))
}

#[cfg(test)]
mod tests {
    use super::split_path;

    #[test]
    fn split_path_separates_the_token_from_the_options_at_the_first_equals_sign() {
        assert_eq!(
            split_path("abc_-9=w512-h512-c"),
            Some(("abc_-9", "w512-h512-c"))
        );
        assert_eq!(split_path("abc=d"), Some(("abc", "d")));
        assert_eq!(split_path("abc=w1=2"), Some(("abc", "w1=2")));
    }

    #[test]
    fn split_path_without_options_returns_empty_options() {
        assert_eq!(split_path("abc"), Some(("abc", "")));
        assert_eq!(split_path("abc="), Some(("abc", "")));
    }

    #[test]
    fn split_path_rejects_an_empty_token_or_one_with_a_slash() {
        assert_eq!(split_path(""), None);
        assert_eq!(split_path("=w10"), None);
        assert_eq!(split_path("a/b=w10"), None);
    }
}
