//! The URI checks that redirect URIs and JavaScript origins share: the raw text's characters,
//! the `scheme://authority` split, and which hosts Google lets a web client use.
//!
//! The checks read the raw text as well as the parsed URL, because the `url` crate repairs
//! what it parses (it resolves `/../`, turns `\` into `/`, decodes the host, accepts
//! `https:example.com`), and the console judges what the developer typed.

use std::net::Ipv6Addr;

use url::Host;

/// The raw pieces of `scheme://authority rest`, before any parsing repairs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RawParts<'a> {
    pub(super) scheme: &'a str,
    pub(super) authority: &'a str,
    /// Everything after the authority: path, query and fragment, possibly empty.
    pub(super) rest: &'a str,
}

/// Splits `raw` into scheme, authority and the rest; `None` unless it has a valid scheme
/// followed by `://` and a non-empty authority.
pub(super) fn split(raw: &str) -> Option<RawParts<'_>> {
    let (scheme, after) = raw.split_once("://")?;
    let mut chars = scheme.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    // RFC 3986: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
    if !starts_with_letter
        || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return None;
    }
    // A backslash ends the authority too: browsers and the `url` crate read it as `/`.
    let end = after.find(['/', '?', '#', '\\']).unwrap_or(after.len());
    let (authority, rest) = after.split_at(end);
    if authority.is_empty() {
        return None;
    }
    Some(RawParts {
        scheme,
        authority,
        rest,
    })
}

/// Splits an authority without userinfo into its raw host and raw port text (`None` when no
/// `:` follows the host). `None` overall when text other than a port follows an IPv6 literal.
pub(super) fn host_and_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if authority.starts_with('[') {
        let close = authority.find(']')?;
        let (host, tail) = authority.split_at(close + 1);
        if tail.is_empty() {
            return Some((host, None));
        }
        return tail.strip_prefix(':').map(|port| (host, Some(port)));
    }
    Some(match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    })
}

/// Whitespace or control characters anywhere: Google rejects non-printable characters.
pub(super) fn has_whitespace_or_control(raw: &str) -> bool {
    raw.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// A `%` not followed by two hexadecimal digits.
pub(super) fn has_invalid_percent_encoding(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    bytes.iter().enumerate().any(|(i, &byte)| {
        let hex_at = |at: usize| bytes.get(at).is_some_and(u8::is_ascii_hexdigit);
        byte == b'%' && !(hex_at(i + 1) && hex_at(i + 2))
    })
}

/// An encoded NUL: `%00`, or the overlong UTF-8 form `%C0%80` some decoders accept.
pub(super) fn has_encoded_nul(raw: &str) -> bool {
    let lower = raw.to_ascii_lowercase();
    lower.contains("%00") || lower.contains("%c0%80")
}

/// `/..` or `\..`, also when any of those characters is percent-encoded (`%2e%2e`, `%5c..`,
/// `%2F.%2E`). The raw text is read because parsing resolves the traversal away.
pub(super) fn has_path_traversal(raw: &str) -> bool {
    let decoded = raw
        .to_ascii_lowercase()
        .replace("%2e", ".")
        .replace("%2f", "/")
        .replace("%5c", "\\");
    decoded.contains("/..") || decoded.contains("\\..")
}

/// What a host means for a web client's redirect URI or origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HostClass {
    /// `localhost`, `127.x.y.z` or `[::1]`: plain http is allowed.
    Loopback,
    /// A domain name that passes every check: https only.
    Public,
    /// An IP address other than a loopback one, or a loopback IPv4 address spelt in a
    /// non-dotted form (`127.1`, `0x7f.0.0.1`, `2130706433`) that the parser resolved.
    RawIp,
    /// No dot, or a `.localhost` name: not under a public suffix.
    NotPublicTld,
    /// Empty labels (`.example.com`, `example..com`, `example.com.`): not a registrable name.
    NotTopPrivateDomain,
    /// Under `googleusercontent.com`, which hosts content anyone can upload.
    GoogleUserContent,
}

/// Classifies a parsed host; `raw_host` is the host as typed, used to insist on the plain
/// dotted spelling of loopback IPv4 addresses.
pub(super) fn classify_host(host: &Host<&str>, raw_host: &str) -> HostClass {
    match host {
        Host::Ipv4(address) if address.is_loopback() && raw_host == address.to_string() => {
            HostClass::Loopback
        }
        Host::Ipv6(address) if *address == Ipv6Addr::LOCALHOST => HostClass::Loopback,
        Host::Ipv4(_) | Host::Ipv6(_) => HostClass::RawIp,
        Host::Domain(name) => classify_domain(name),
    }
}

fn classify_domain(name: &str) -> HostClass {
    const GOOGLE_USER_CONTENT: &str = "googleusercontent.com";
    if name == "localhost" {
        return HostClass::Loopback;
    }
    // `.localhost` is reserved for loopback but is not a public suffix, so Google refuses it.
    if name.ends_with(".localhost") {
        return HostClass::NotPublicTld;
    }
    if name.split('.').any(str::is_empty) {
        return HostClass::NotTopPrivateDomain;
    }
    if !name.contains('.') {
        return HostClass::NotPublicTld;
    }
    let under_google_user_content = name
        .strip_suffix(GOOGLE_USER_CONTENT)
        .is_some_and(|prefix| prefix.is_empty() || prefix.ends_with('.'));
    if under_google_user_content {
        return HostClass::GoogleUserContent;
    }
    HostClass::Public
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class_of(raw: &str) -> HostClass {
        let url = url::Url::parse(raw).unwrap();
        let parts = split(raw).unwrap();
        let (raw_host, _) = host_and_port(parts.authority).unwrap();
        classify_host(&url.host().unwrap(), raw_host)
    }

    #[test]
    fn split_separates_scheme_authority_and_rest() {
        let parts = split("https://example.com:8443/cb?x=1").unwrap();
        assert_eq!(parts.scheme, "https");
        assert_eq!(parts.authority, "example.com:8443");
        assert_eq!(parts.rest, "/cb?x=1");
    }

    #[test]
    fn split_refuses_text_without_scheme_and_authority() {
        for raw in [
            "example.com/cb",
            "https:example.com",
            "https:///cb",
            "1http://a.com",
            "",
        ] {
            assert_eq!(split(raw), None, "{raw}");
        }
    }

    #[test]
    fn a_backslash_ends_the_authority() {
        assert_eq!(
            split("http://localhost\\@evil.com").unwrap().authority,
            "localhost"
        );
    }

    #[test]
    fn host_and_port_handles_ipv6_literals() {
        assert_eq!(host_and_port("[::1]:80"), Some(("[::1]", Some("80"))));
        assert_eq!(host_and_port("[::1]"), Some(("[::1]", None)));
        assert_eq!(host_and_port("[::1]x"), None);
        assert_eq!(host_and_port("a.com:"), Some(("a.com", Some(""))));
    }

    #[test]
    fn percent_signs_need_two_hex_digits() {
        assert!(!has_invalid_percent_encoding("https://a.com/%41%7e"));
        assert!(has_invalid_percent_encoding("https://a.com/%4"));
        assert!(has_invalid_percent_encoding("https://a.com/%zz"));
        assert!(has_invalid_percent_encoding("https://a.com/100%"));
    }

    #[test]
    fn traversal_is_found_through_percent_encoding() {
        for raw in [
            "/a/..", "/%2e%2e", "/%2E%2E", "%2f..", "\\..", "%5c..", "%5C%2e.", "/.%2e",
        ] {
            assert!(has_path_traversal(raw), "{raw}");
        }
        assert!(!has_path_traversal("/a/.b/c.d/%252e%252e"));
    }

    #[test]
    fn hosts_are_classified_like_the_console() {
        assert_eq!(class_of("http://localhost"), HostClass::Loopback);
        assert_eq!(class_of("http://127.0.0.1"), HostClass::Loopback);
        assert_eq!(class_of("http://127.8.9.10"), HostClass::Loopback);
        assert_eq!(class_of("http://[::1]"), HostClass::Loopback);
        assert_eq!(class_of("http://127.1"), HostClass::RawIp);
        assert_eq!(class_of("http://2130706433"), HostClass::RawIp);
        assert_eq!(class_of("http://10.0.0.1"), HostClass::RawIp);
        assert_eq!(class_of("http://[::2]"), HostClass::RawIp);
        assert_eq!(class_of("http://myapp.localhost"), HostClass::NotPublicTld);
        assert_eq!(class_of("http://intranet"), HostClass::NotPublicTld);
        assert_eq!(
            class_of("http://example.com."),
            HostClass::NotTopPrivateDomain
        );
        assert_eq!(
            class_of("http://googleusercontent.com"),
            HostClass::GoogleUserContent
        );
        assert_eq!(
            class_of("http://x.GoogleUserContent.com"),
            HostClass::GoogleUserContent
        );
        assert_eq!(
            class_of("http://notgoogleusercontent.com"),
            HostClass::Public
        );
        assert_eq!(class_of("http://example.com"), HostClass::Public);
    }
}
