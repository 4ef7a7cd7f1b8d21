//! Authorized JavaScript origins: the console's rules for registering one on a Web client, and
//! the serialization a request's `Origin` header is compared with.

use url::Url;

use super::web_uri::{self, HostClass};

/// Why a JavaScript origin cannot be registered; the message is shown beside the console's
/// form field, worded like Google's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OriginError {
    #[error("Invalid Origin: must be a URI with a scheme and host.")]
    NotAUri,
    #[error("Invalid Origin: URIs must not contain a path or end with \"/\".")]
    Path,
    #[error("Invalid Origin: cannot contain a query.")]
    Query,
    #[error("Invalid Origin: cannot contain a fragment.")]
    Fragment,
    #[error("Invalid Origin: cannot contain a wildcard (*).")]
    Wildcard,
    #[error("Invalid Origin: cannot contain userinfo.")]
    Userinfo,
    #[error("Invalid Origin: cannot contain whitespace or control characters.")]
    WhitespaceOrControl,
    #[error("Invalid Origin: contains an invalid percent-encoding.")]
    InvalidPercentEncoding,
    #[error("Invalid Origin: cannot contain a null character.")]
    NullCharacter,
    #[error("Invalid Origin: must use https:// unless the host is localhost.")]
    InsecureScheme,
    #[error("Invalid Origin: cannot use a raw IP address unless it is a loopback address.")]
    RawIpAddress,
    #[error("Invalid Origin: must end with a public top-level domain (such as .com or .org).")]
    NotPublicTld,
    #[error("Invalid Origin: must use a domain that is a valid top private domain.")]
    NotTopPrivateDomain,
    #[error("Invalid Origin: cannot use a googleusercontent.com domain.")]
    GoogleUserContent,
}

/// Checks an origin a developer registers on a Web client: `scheme://host[:port]` and
/// nothing more. Returns it exactly as given, because the console stores what was typed.
pub fn validate_origin(raw: &str) -> Result<String, OriginError> {
    use OriginError as E;

    if web_uri::has_whitespace_or_control(raw) {
        return Err(E::WhitespaceOrControl);
    }
    if raw.contains('*') {
        return Err(E::Wildcard);
    }
    if web_uri::has_invalid_percent_encoding(raw) {
        return Err(E::InvalidPercentEncoding);
    }
    if web_uri::has_encoded_nul(raw) {
        return Err(E::NullCharacter);
    }
    let parts = web_uri::split(raw).ok_or(E::NotAUri)?;
    if parts.authority.contains('@') {
        return Err(E::Userinfo);
    }
    match parts.rest.chars().next() {
        None => {}
        Some('?') => return Err(E::Query),
        Some('#') => return Err(E::Fragment),
        // `/` or `\`, which browsers read as `/`.
        Some(_) => return Err(E::Path),
    }
    let url = Url::parse(raw).map_err(|_| E::NotAUri)?;
    let secure = match url.scheme() {
        "https" => true,
        "http" => false,
        _ => return Err(E::InsecureScheme),
    };
    let (raw_host, _) = web_uri::host_and_port(parts.authority).ok_or(E::NotAUri)?;
    let host = url.host().ok_or(E::NotAUri)?;
    match web_uri::classify_host(&host, raw_host) {
        HostClass::Loopback => {}
        HostClass::Public if secure => {}
        HostClass::Public => return Err(E::InsecureScheme),
        HostClass::RawIp => return Err(E::RawIpAddress),
        HostClass::NotPublicTld => return Err(E::NotPublicTld),
        HostClass::NotTopPrivateDomain => return Err(E::NotTopPrivateDomain),
        HostClass::GoogleUserContent => return Err(E::GoogleUserContent),
    }
    Ok(raw.to_owned())
}

/// The ASCII serialization of a URL's origin, `scheme://host[:port]` with the scheme's default
/// port left out, as a browser writes it in the `Origin` header; `None` for URLs whose origin
/// is opaque (`data:`, `file:`, custom schemes) or text that is not a URL.
pub fn origin_of(url: &str) -> Option<String> {
    let origin = Url::parse(url).ok()?.origin();
    origin.is_tuple().then(|| origin.ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;
    use OriginError as E;

    fn assert_rejected_with(error: OriginError, raws: &[&str]) {
        for raw in raws {
            assert_eq!(
                validate_origin(raw),
                Err(error),
                "{raw:?} should be rejected with {error:?}"
            );
        }
    }

    #[test]
    fn https_origins_are_accepted_unchanged() {
        for raw in [
            "https://example.com",
            "https://app.example.co.uk",
            "https://example.com:8443",
            "https://Example.COM",
            "https://example.com:443",
        ] {
            assert_eq!(validate_origin(raw).as_deref(), Ok(raw));
        }
    }

    #[test]
    fn http_origins_on_loopback_hosts_are_accepted() {
        for raw in [
            "http://localhost",
            "http://localhost:3000",
            "http://127.0.0.1",
            "http://127.0.0.1:8080",
            "http://[::1]",
            "http://[::1]:5173",
            "https://localhost:8443",
        ] {
            assert_eq!(validate_origin(raw).as_deref(), Ok(raw));
        }
    }

    #[test]
    fn an_origin_with_a_path_or_trailing_slash_is_rejected() {
        assert_rejected_with(
            E::Path,
            &[
                "https://example.com/",
                "https://example.com/app",
                "http://localhost:3000/",
                "https://example.com\\",
            ],
        );
    }

    #[test]
    fn an_origin_with_a_query_is_rejected() {
        assert_rejected_with(
            E::Query,
            &["https://example.com?x=1", "https://example.com?"],
        );
    }

    #[test]
    fn an_origin_with_a_fragment_is_rejected() {
        assert_rejected_with(
            E::Fragment,
            &["https://example.com#", "https://example.com#top"],
        );
    }

    #[test]
    fn an_origin_with_a_wildcard_is_rejected() {
        assert_rejected_with(
            E::Wildcard,
            &["https://*.example.com", "*", "https://example.com:*"],
        );
    }

    #[test]
    fn an_origin_with_userinfo_is_rejected() {
        assert_rejected_with(
            E::Userinfo,
            &[
                "https://user@example.com",
                "https://user:pw@example.com",
                "http://localhost@evil.com",
                "https://@example.com",
            ],
        );
    }

    #[test]
    fn http_on_a_public_host_is_rejected() {
        assert_rejected_with(
            E::InsecureScheme,
            &["http://example.com", "http://localhost.example.com:3000"],
        );
    }

    #[test]
    fn schemes_other_than_http_and_https_are_rejected() {
        assert_rejected_with(
            E::InsecureScheme,
            &["ftp://example.com", "chrome-extension://abcdef"],
        );
    }

    #[test]
    fn text_without_a_scheme_and_host_is_rejected() {
        assert_rejected_with(
            E::NotAUri,
            &[
                "",
                "example.com",
                "https:example.com",
                "https://",
                "//example.com",
                "https://:443",
            ],
        );
    }

    #[test]
    fn raw_ip_origins_other_than_loopback_are_rejected() {
        assert_rejected_with(
            E::RawIpAddress,
            &[
                "https://192.168.0.1",
                "http://10.1.2.3:8080",
                "https://[2001:db8::1]",
                "http://127.1",
            ],
        );
    }

    #[test]
    fn localhost_subdomains_and_dotless_hosts_are_rejected() {
        assert_rejected_with(
            E::NotPublicTld,
            &[
                "http://myapp.localhost",
                "https://myapp.localhost:3000",
                "https://intranet",
            ],
        );
    }

    #[test]
    fn hosts_with_empty_labels_are_rejected() {
        assert_rejected_with(E::NotTopPrivateDomain, &["https://example.com."]);
    }

    #[test]
    fn hosts_under_googleusercontent_are_rejected() {
        assert_rejected_with(E::GoogleUserContent, &["https://x.googleusercontent.com"]);
    }

    #[test]
    fn origins_with_bad_characters_are_rejected() {
        assert_rejected_with(
            E::WhitespaceOrControl,
            &["https://example.com ", "https://exa\tmple.com"],
        );
        assert_rejected_with(E::InvalidPercentEncoding, &["https://exa%zzmple.com"]);
        assert_rejected_with(E::NullCharacter, &["https://example.com%00"]);
    }

    #[test]
    fn every_error_is_worded_for_the_console() {
        assert_eq!(
            E::Path.to_string(),
            "Invalid Origin: URIs must not contain a path or end with \"/\"."
        );
        assert_eq!(
            E::InsecureScheme.to_string(),
            "Invalid Origin: must use https:// unless the host is localhost."
        );
        assert_eq!(
            E::Wildcard.to_string(),
            "Invalid Origin: cannot contain a wildcard (*)."
        );
        assert_eq!(
            E::NotPublicTld.to_string(),
            "Invalid Origin: must end with a public top-level domain (such as .com or .org)."
        );
        assert_eq!(
            E::Userinfo.to_string(),
            "Invalid Origin: cannot contain userinfo."
        );
        assert_eq!(
            E::NotAUri.to_string(),
            "Invalid Origin: must be a URI with a scheme and host."
        );
    }

    #[test]
    fn origin_of_keeps_scheme_host_and_port_only() {
        assert_eq!(
            origin_of("https://example.com:8443/app?x=1#y").as_deref(),
            Some("https://example.com:8443")
        );
        assert_eq!(
            origin_of("http://localhost:3000/").as_deref(),
            Some("http://localhost:3000")
        );
        assert_eq!(
            origin_of("http://[::1]:5173/cb").as_deref(),
            Some("http://[::1]:5173")
        );
    }

    #[test]
    fn origin_of_omits_default_ports_and_lowercases_the_host() {
        assert_eq!(
            origin_of("https://EXAMPLE.com:443/").as_deref(),
            Some("https://example.com")
        );
        assert_eq!(
            origin_of("http://example.com:80").as_deref(),
            Some("http://example.com")
        );
    }

    #[test]
    fn origin_of_drops_userinfo() {
        assert_eq!(
            origin_of("https://user:pw@example.com/").as_deref(),
            Some("https://example.com")
        );
    }

    #[test]
    fn origin_of_serializes_international_names_in_ascii() {
        assert_eq!(
            origin_of("https://bücher.example/").as_deref(),
            Some("https://xn--bcher-kva.example")
        );
    }

    #[test]
    fn opaque_origins_and_non_urls_have_no_origin() {
        for raw in [
            "data:text/plain,hi",
            "file:///etc/passwd",
            "com.example.app:/cb",
            "example.com",
            "",
        ] {
            assert_eq!(origin_of(raw), None, "{raw}");
        }
    }

    #[test]
    fn a_validated_origin_equals_its_own_serialization() {
        for raw in [
            "https://example.com",
            "http://localhost:3000",
            "http://[::1]:8080",
        ] {
            let origin = validate_origin(raw).unwrap();
            assert_eq!(origin_of(&origin), Some(origin));
        }
    }
}
