//! Redirect URIs: the console's rules for registering one on a Web client, and how a
//! requested `redirect_uri` is matched at the authorization endpoint.

use url::Url;

use super::web_uri::{self, HostClass};

/// Why a redirect URI cannot be registered; the message is shown beside the console's form
/// field, worded like Google's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RedirectUriError {
    #[error("Invalid Redirect: must be an absolute URI.")]
    NotAbsolute,
    #[error(
        "Invalid Redirect: the out-of-band (OOB) flow has been deprecated and cannot be used by web clients."
    )]
    OutOfBand,
    #[error("Invalid Redirect: cannot contain whitespace or control characters.")]
    WhitespaceOrControl,
    #[error("Invalid Redirect: cannot contain a fragment.")]
    Fragment,
    #[error("Invalid Redirect: cannot contain a wildcard (*).")]
    Wildcard,
    #[error("Invalid Redirect: contains an invalid percent-encoding.")]
    InvalidPercentEncoding,
    #[error("Invalid Redirect: cannot contain a null character.")]
    NullCharacter,
    #[error("Invalid Redirect: cannot contain path traversal.")]
    PathTraversal,
    #[error("Invalid Redirect: cannot contain userinfo.")]
    Userinfo,
    #[error("Invalid Redirect: must use https:// unless the host is localhost.")]
    InsecureScheme,
    #[error("Invalid Redirect: cannot use a raw IP address unless it is a loopback address.")]
    RawIpAddress,
    #[error("Invalid Redirect: must end with a public top-level domain (such as .com or .org).")]
    NotPublicTld,
    #[error("Invalid Redirect: must use a domain that is a valid top private domain.")]
    NotTopPrivateDomain,
    #[error("Invalid Redirect: cannot use a googleusercontent.com domain.")]
    GoogleUserContent,
}

/// Checks a redirect URI a developer registers on a Web client and returns it parsed.
///
/// Requests are later matched against the raw string (see [`redirect_uri_matches_registered`]),
/// so callers store `raw`, not the parsed URL's normalised serialisation.
pub fn validate_registered_redirect_uri(raw: &str) -> Result<Url, RedirectUriError> {
    use RedirectUriError as E;

    // Checked first so the developer learns why, rather than reading "not absolute".
    if looks_out_of_band(raw) {
        return Err(E::OutOfBand);
    }
    if web_uri::has_whitespace_or_control(raw) {
        return Err(E::WhitespaceOrControl);
    }
    if raw.contains('#') {
        return Err(E::Fragment);
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
    if web_uri::has_path_traversal(raw) {
        return Err(E::PathTraversal);
    }
    let parts = web_uri::split(raw).ok_or(E::NotAbsolute)?;
    // An `@` anywhere in the authority is userinfo, even an empty one (`https://@host`).
    if parts.authority.contains('@') {
        return Err(E::Userinfo);
    }
    let url = Url::parse(raw).map_err(|_| E::NotAbsolute)?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(E::Userinfo);
    }
    let secure = match url.scheme() {
        "https" => true,
        "http" => false,
        _ => return Err(E::InsecureScheme),
    };
    let (raw_host, _) = web_uri::host_and_port(parts.authority).ok_or(E::NotAbsolute)?;
    let host = url.host().ok_or(E::NotAbsolute)?;
    match web_uri::classify_host(&host, raw_host) {
        HostClass::Loopback => {}
        HostClass::Public if secure => {}
        HostClass::Public => return Err(E::InsecureScheme),
        HostClass::RawIp => return Err(E::RawIpAddress),
        HostClass::NotPublicTld => return Err(E::NotPublicTld),
        HostClass::NotTopPrivateDomain => return Err(E::NotTopPrivateDomain),
        HostClass::GoogleUserContent => return Err(E::GoogleUserContent),
    }
    Ok(url)
}

/// The out-of-band values and anything shaped like them, so the deprecation message is shown.
fn looks_out_of_band(raw: &str) -> bool {
    const OOB_URN: &str = "urn:ietf:wg:oauth:2.0:oob";
    is_out_of_band(raw)
        || raw
            .get(..OOB_URN.len())
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case(OOB_URN))
}

/// Whether a requested `redirect_uri` is one of the client's registered ones.
///
/// Google compares exact strings: case, trailing slash, port and query all count, and
/// nothing is normalised, so a URI that merely resolves to the same place does not match.
pub fn redirect_uri_matches_registered(requested: &str, registered: &[String]) -> bool {
    registered.iter().any(|entry| entry == requested)
}

/// A loopback redirect a Desktop client may use without registering it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LoopbackRedirect {
    /// `localhost`, `127.0.0.1` or `[::1]`, lower-cased.
    pub host: String,
    /// The port as written, even the default one; `None` when the URI names none.
    pub port: Option<u16>,
}

/// Recognises `http://{localhost|127.0.0.1|[::1]}[:port][path][?query]`, the redirects
/// Desktop (installed) clients use without registering any (RFC 8252 section 7.3).
///
/// The raw authority must be exactly one of the three hosts, and the `url` crate must agree
/// the host is a loopback one, so look-alikes (`localhost.evil.com`, `localhost@evil.com`,
/// `127.0.0.1.nip.io`, `local%68ost`) are refused whichever parser a browser follows.
pub fn is_loopback_redirect(requested: &str) -> Option<LoopbackRedirect> {
    if web_uri::has_whitespace_or_control(requested) || requested.contains('#') {
        return None;
    }
    let parts = web_uri::split(requested)?;
    if !parts.scheme.eq_ignore_ascii_case("http") || parts.authority.contains('@') {
        return None;
    }
    if !(parts.rest.is_empty() || parts.rest.starts_with(['/', '?'])) {
        return None;
    }
    let (raw_host, raw_port) = web_uri::host_and_port(parts.authority)?;
    let host = if raw_host.eq_ignore_ascii_case("localhost") {
        "localhost"
    } else if raw_host == "127.0.0.1" || raw_host == "[::1]" {
        raw_host
    } else {
        return None;
    };
    let port = match raw_port {
        None => None,
        Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            Some(digits.parse::<u16>().ok()?)
        }
        Some(_) => return None,
    };
    // Cross-check with a real URL parser, so no disagreement between our split and the
    // parser a browser uses can send the code anywhere but this machine.
    let url = Url::parse(requested).ok()?;
    let parsed_is_loopback = match url.host()? {
        url::Host::Domain(name) => name == "localhost",
        url::Host::Ipv4(address) => address.is_loopback(),
        url::Host::Ipv6(address) => address.is_loopback(),
    };
    let clean = url.scheme() == "http"
        && url.username().is_empty()
        && url.password().is_none()
        && url.fragment().is_none();
    (parsed_is_loopback && clean).then(|| LoopbackRedirect {
        host: host.to_owned(),
        port,
    })
}

/// The out-of-band values Google used to accept; the flow is deprecated.
pub fn is_out_of_band(requested: &str) -> bool {
    matches!(
        requested,
        "urn:ietf:wg:oauth:2.0:oob" | "urn:ietf:wg:oauth:2.0:oob:auto" | "oob"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use RedirectUriError as E;
    use proptest::prelude::*;

    fn rejected(raw: &str) -> RedirectUriError {
        validate_registered_redirect_uri(raw).unwrap_err()
    }

    fn assert_rejected_with(error: RedirectUriError, raws: &[&str]) {
        for raw in raws {
            assert_eq!(
                validate_registered_redirect_uri(raw),
                Err(error),
                "{raw:?} should be rejected with {error:?}"
            );
        }
    }

    // --- registration ---

    #[test]
    fn https_redirects_on_public_domains_are_accepted() {
        for raw in [
            "https://example.com/callback",
            "https://app.example.co.uk/oauth2/callback?tenant=a",
            "https://example.com",
            "https://example.com/",
            "https://example.com:8443/cb",
            "https://EXAMPLE.com/Callback",
            "https://example.com/cb%20x",
            "https://bücher.example/cb",
        ] {
            assert!(
                validate_registered_redirect_uri(raw).is_ok(),
                "{raw:?} should be accepted"
            );
        }
    }

    #[test]
    fn the_parsed_url_is_returned() {
        let url = validate_registered_redirect_uri("https://example.com:8443/cb?x=1").unwrap();
        assert_eq!(url.host_str(), Some("example.com"));
        assert_eq!(url.port(), Some(8443));
        assert_eq!(url.path(), "/cb");
        assert_eq!(url.query(), Some("x=1"));
    }

    #[test]
    fn http_is_accepted_on_loopback_hosts() {
        for raw in [
            "http://localhost",
            "http://localhost:8080/callback",
            "http://127.0.0.1:3000/cb",
            "http://127.10.20.30/cb",
            "http://[::1]:8080/cb",
            "https://localhost/cb",
        ] {
            assert!(
                validate_registered_redirect_uri(raw).is_ok(),
                "{raw:?} should be accepted"
            );
        }
    }

    #[test]
    fn http_on_a_public_host_is_rejected() {
        assert_rejected_with(
            E::InsecureScheme,
            &["http://example.com/cb", "http://localhost.example.com/cb"],
        );
    }

    #[test]
    fn schemes_other_than_http_and_https_are_rejected() {
        assert_rejected_with(
            E::InsecureScheme,
            &[
                "ftp://example.com/cb",
                "com.example.app://callback",
                "wss://example.com",
            ],
        );
    }

    #[test]
    fn relative_and_authority_less_uris_are_rejected() {
        assert_rejected_with(
            E::NotAbsolute,
            &[
                "",
                "/callback",
                "example.com/callback",
                "https:example.com/cb",
                "https:/example.com/cb",
                "https:///cb",
                "https:\\\\example.com\\cb",
                "javascript:alert(1)",
                "com.example.app:/callback",
                "https://:443/cb",
            ],
        );
    }

    #[test]
    fn out_of_band_values_are_rejected_with_a_deprecation_message() {
        assert_rejected_with(
            E::OutOfBand,
            &[
                "urn:ietf:wg:oauth:2.0:oob",
                "urn:ietf:wg:oauth:2.0:oob:auto",
                "oob",
                "URN:IETF:WG:OAUTH:2.0:OOB",
            ],
        );
        assert!(E::OutOfBand.to_string().contains("deprecated"));
    }

    #[test]
    fn redirect_uri_with_a_fragment_is_rejected() {
        assert_rejected_with(
            E::Fragment,
            &[
                "https://example.com/cb#",
                "https://example.com/cb#x",
                "https://example.com#/cb",
            ],
        );
    }

    #[test]
    fn redirect_uri_with_a_wildcard_is_rejected() {
        assert_rejected_with(
            E::Wildcard,
            &[
                "https://*.example.com/cb",
                "https://example.com/*",
                "https://example.com/cb?x=*",
            ],
        );
    }

    #[test]
    fn redirect_uri_with_userinfo_is_rejected() {
        assert_rejected_with(
            E::Userinfo,
            &[
                "https://user@example.com/cb",
                "https://user:secret@example.com/cb",
                "https://:secret@example.com/cb",
                "https://@example.com/cb",
                "http://localhost@evil.com/cb",
            ],
        );
    }

    #[test]
    fn redirect_uri_with_path_traversal_is_rejected() {
        assert_rejected_with(
            E::PathTraversal,
            &[
                "https://example.com/a/../cb",
                "https://example.com/a/..",
                "https://example.com/a\\..\\cb",
                "https://example.com/a/%2e%2e/cb",
                "https://example.com/a/%2E%2E/cb",
                "https://example.com/a/.%2e/cb",
                "https://example.com/a%2f..%2fcb",
                "https://example.com/a%5c..%5ccb",
                "https://example.com/a%5C%2E%2E",
            ],
        );
    }

    #[test]
    fn single_dots_and_dotted_names_are_not_traversal() {
        for raw in [
            "https://example.com/a/./cb",
            "https://example.com/v1.2/cb.php",
        ] {
            assert!(validate_registered_redirect_uri(raw).is_ok(), "{raw:?}");
        }
    }

    #[test]
    fn redirect_uri_with_whitespace_or_control_characters_is_rejected() {
        assert_rejected_with(
            E::WhitespaceOrControl,
            &[
                "https://example.com/c b",
                " https://example.com/cb",
                "https://example.com/cb\n",
                "https://example.com/\tcb",
                "https://example.com/\u{0}cb",
                "https://example.com/\u{7f}cb",
                "https://example.com/\u{85}cb",
                "https://example.com/\u{a0}cb",
            ],
        );
    }

    #[test]
    fn redirect_uri_with_an_encoded_null_is_rejected() {
        assert_rejected_with(
            E::NullCharacter,
            &[
                "https://example.com/cb%00",
                "https://example.com/cb?x=%00",
                "https://example.com/%C0%80",
                "https://example.com/%c0%80",
            ],
        );
    }

    #[test]
    fn redirect_uri_with_an_invalid_percent_encoding_is_rejected() {
        assert_rejected_with(
            E::InvalidPercentEncoding,
            &[
                "https://example.com/cb%",
                "https://example.com/cb%2",
                "https://example.com/cb%zz",
                "https://example.com/100%/cb",
                "https://example.com/cb?x=%g1",
            ],
        );
    }

    #[test]
    fn raw_ip_addresses_other_than_loopback_are_rejected() {
        assert_rejected_with(
            E::RawIpAddress,
            &[
                "https://192.168.1.10/cb",
                "https://8.8.8.8/cb",
                "http://10.0.0.1/cb",
                "https://[2001:db8::1]/cb",
                "http://[::ffff:127.0.0.1]/cb",
                "http://0.0.0.0/cb",
            ],
        );
    }

    #[test]
    fn loopback_addresses_in_unusual_spellings_are_rejected() {
        assert_rejected_with(
            E::RawIpAddress,
            &[
                "http://127.1/cb",
                "http://2130706433/cb",
                "http://0x7f.0.0.1/cb",
            ],
        );
    }

    #[test]
    fn hosts_under_googleusercontent_are_rejected() {
        assert_rejected_with(
            E::GoogleUserContent,
            &[
                "https://googleusercontent.com/cb",
                "https://abc.googleusercontent.com/cb",
                "https://A.GoogleUserContent.COM/cb",
            ],
        );
        assert!(validate_registered_redirect_uri("https://mygoogleusercontent.com/cb").is_ok());
    }

    #[test]
    fn hosts_without_a_public_top_level_domain_are_rejected() {
        assert_rejected_with(
            E::NotPublicTld,
            &[
                "https://intranet/cb",
                "https://myapp.localhost/cb",
                "http://myapp.localhost:3000/cb",
                "https://a.b.localhost/cb",
            ],
        );
    }

    #[test]
    fn hosts_with_empty_labels_are_rejected() {
        assert_rejected_with(
            E::NotTopPrivateDomain,
            &[
                "https://example.com./cb",
                "https://localhost./cb",
                "https://example..com/cb",
                "https://.example.com/cb",
            ],
        );
    }

    #[test]
    fn every_error_is_worded_for_the_console() {
        assert_eq!(
            E::NotPublicTld.to_string(),
            "Invalid Redirect: must end with a public top-level domain (such as .com or .org)."
        );
        assert_eq!(
            E::NotTopPrivateDomain.to_string(),
            "Invalid Redirect: must use a domain that is a valid top private domain."
        );
        assert_eq!(
            E::Fragment.to_string(),
            "Invalid Redirect: cannot contain a fragment."
        );
        assert_eq!(
            E::Wildcard.to_string(),
            "Invalid Redirect: cannot contain a wildcard (*)."
        );
        assert_eq!(
            E::Userinfo.to_string(),
            "Invalid Redirect: cannot contain userinfo."
        );
        assert_eq!(
            E::InsecureScheme.to_string(),
            "Invalid Redirect: must use https:// unless the host is localhost."
        );
        assert_eq!(
            E::WhitespaceOrControl.to_string(),
            "Invalid Redirect: cannot contain whitespace or control characters."
        );
        assert_eq!(
            E::PathTraversal.to_string(),
            "Invalid Redirect: cannot contain path traversal."
        );
        assert_eq!(
            E::InvalidPercentEncoding.to_string(),
            "Invalid Redirect: contains an invalid percent-encoding."
        );
        assert_eq!(
            E::NotAbsolute.to_string(),
            "Invalid Redirect: must be an absolute URI."
        );
        assert!(
            rejected("https://x.googleusercontent.com")
                .to_string()
                .starts_with("Invalid Redirect: ")
        );
    }

    // --- matching ---

    fn registered() -> Vec<String> {
        vec![
            "https://example.com/callback".to_owned(),
            "https://example.com/other?x=1".to_owned(),
        ]
    }

    #[test]
    fn an_exactly_registered_uri_matches() {
        assert!(redirect_uri_matches_registered(
            "https://example.com/callback",
            &registered()
        ));
        assert!(redirect_uri_matches_registered(
            "https://example.com/other?x=1",
            &registered()
        ));
    }

    #[test]
    fn matching_is_case_sensitive() {
        assert!(!redirect_uri_matches_registered(
            "https://example.com/Callback",
            &registered()
        ));
        assert!(!redirect_uri_matches_registered(
            "HTTPS://example.com/callback",
            &registered()
        ));
        assert!(!redirect_uri_matches_registered(
            "https://EXAMPLE.com/callback",
            &registered()
        ));
    }

    #[test]
    fn a_trailing_slash_is_significant() {
        assert!(!redirect_uri_matches_registered(
            "https://example.com/callback/",
            &registered()
        ));
    }

    #[test]
    fn the_query_is_significant() {
        assert!(!redirect_uri_matches_registered(
            "https://example.com/callback?x=1",
            &registered()
        ));
        assert!(!redirect_uri_matches_registered(
            "https://example.com/other",
            &registered()
        ));
        assert!(!redirect_uri_matches_registered(
            "https://example.com/other?x=2",
            &registered()
        ));
    }

    #[test]
    fn equivalent_but_differently_written_uris_do_not_match() {
        for requested in [
            "https://example.com:443/callback",
            "https://example.com/%63allback",
            "https://example.com/./callback",
            "https://example.com/callback#",
        ] {
            assert!(
                !redirect_uri_matches_registered(requested, &registered()),
                "{requested}"
            );
        }
    }

    #[test]
    fn nothing_matches_an_empty_registration() {
        assert!(!redirect_uri_matches_registered(
            "https://example.com/callback",
            &[]
        ));
    }

    // --- loopback ---

    fn loopback(host: &str, port: Option<u16>) -> Option<LoopbackRedirect> {
        Some(LoopbackRedirect {
            host: host.to_owned(),
            port,
        })
    }

    #[test]
    fn loopback_redirects_on_the_three_hosts_are_recognised() {
        assert_eq!(
            is_loopback_redirect("http://127.0.0.1:8080/cb"),
            loopback("127.0.0.1", Some(8080))
        );
        assert_eq!(
            is_loopback_redirect("http://[::1]:53682/"),
            loopback("[::1]", Some(53682))
        );
        assert_eq!(
            is_loopback_redirect("http://localhost:3000/oauth2callback?x=1"),
            loopback("localhost", Some(3000))
        );
    }

    #[test]
    fn loopback_redirects_need_no_port_or_path() {
        assert_eq!(
            is_loopback_redirect("http://localhost"),
            loopback("localhost", None)
        );
        assert_eq!(
            is_loopback_redirect("http://127.0.0.1/"),
            loopback("127.0.0.1", None)
        );
        assert_eq!(
            is_loopback_redirect("http://[::1]?code=x"),
            loopback("[::1]", None)
        );
        assert_eq!(
            is_loopback_redirect("http://localhost:80"),
            loopback("localhost", Some(80))
        );
    }

    #[test]
    fn a_loopback_host_is_reported_in_lower_case() {
        assert_eq!(
            is_loopback_redirect("HTTP://LocalHost:1/"),
            loopback("localhost", Some(1))
        );
    }

    #[test]
    fn https_and_other_schemes_are_not_loopback_redirects() {
        for raw in [
            "https://localhost:8080/",
            "ws://localhost/",
            "localhost:8080",
        ] {
            assert_eq!(is_loopback_redirect(raw), None, "{raw}");
        }
    }

    #[test]
    fn look_alike_hosts_are_not_loopback_redirects() {
        for raw in [
            "http://localhost.evil.com:8080/",
            "http://127.0.0.1.nip.io/",
            "http://localhost@evil.com/",
            "http://user@localhost/",
            "http://localhost:pass@evil.com/",
            "http://evil.com/?x=http://localhost",
            "http://evil.com#http://localhost",
            "http://evil.com\\@localhost/",
            "http://localhost\\@evil.com/",
            "http://local%68ost/",
            "http://localhost./",
            "http://127.1/",
            "http://2130706433/",
            "http://127.0.0.2/",
            "http://[::ffff:127.0.0.1]/",
            "http://0.0.0.0/",
            "http://myapp.localhost/",
            "http:localhost/",
            "http:///localhost/",
        ] {
            assert_eq!(is_loopback_redirect(raw), None, "{raw}");
        }
    }

    #[test]
    fn loopback_redirects_with_a_fragment_or_bad_port_are_refused() {
        for raw in [
            "http://localhost:8080/#",
            "http://localhost:8080/cb#x",
            "http://localhost:/",
            "http://localhost:65536/",
            "http://localhost:80a/",
            "http://localhost:-1/",
            "http://localhost: 80/",
            "http://localhost/c b",
        ] {
            assert_eq!(is_loopback_redirect(raw), None, "{raw}");
        }
    }

    #[test]
    fn out_of_band_values_are_recognised_exactly() {
        assert!(is_out_of_band("urn:ietf:wg:oauth:2.0:oob"));
        assert!(is_out_of_band("urn:ietf:wg:oauth:2.0:oob:auto"));
        assert!(is_out_of_band("oob"));
        assert!(!is_out_of_band("urn:ietf:wg:oauth:2.0:oob:other"));
        assert!(!is_out_of_band("OOB"));
        assert!(!is_out_of_band("http://localhost/"));
    }

    proptest! {
        #[test]
        fn a_uri_differing_from_every_registered_one_never_matches(
            registered in proptest::collection::vec("https://[a-zA-Z./?=]{0,12}", 0..4),
            requested in "https://[a-zA-Z./?=]{0,12}",
        ) {
            prop_assume!(!registered.contains(&requested));
            prop_assert!(!redirect_uri_matches_registered(&requested, &registered));
        }

        #[test]
        fn a_near_miss_of_a_registered_uri_never_matches(
            registered in proptest::collection::vec("https://[a-z]{1,8}\\.com/[a-zA-Z]{0,6}", 1..4),
            pick in 0usize..4,
            edit in 0u8..4,
        ) {
            let base = &registered[pick % registered.len()];
            let requested = match edit {
                0 => format!("{base}/"),
                1 => base.to_uppercase(),
                2 => format!("{base}?"),
                _ => base.trim_end_matches(|c: char| c.is_ascii_alphabetic()).to_owned(),
            };
            prop_assume!(!registered.contains(&requested));
            prop_assert!(!redirect_uri_matches_registered(&requested, &registered));
        }

        #[test]
        fn a_loopback_redirect_always_parses_to_a_loopback_host(
            raw in "(http|HTTP|https)://(localhost|LOCALHOST|127\\.0\\.0\\.1|127\\.1|\\[::1\\]|evil\\.com|[a-z0-9.%@:\\[\\]]{0,12})[a-z0-9.:@/\\\\?#%]{0,16}",
        ) {
            if let Some(found) = is_loopback_redirect(&raw) {
                let url = Url::parse(&raw).unwrap();
                let host_is_loopback = match url.host().unwrap() {
                    url::Host::Domain(name) => name == "localhost",
                    url::Host::Ipv4(address) => address.is_loopback(),
                    url::Host::Ipv6(address) => address.is_loopback(),
                };
                prop_assert!(host_is_loopback, "{raw} parsed to host {:?}", url.host());
                prop_assert!(url.username().is_empty() && url.password().is_none());
                prop_assert_eq!(url.scheme(), "http");
                prop_assert_eq!(url.host_str(), Some(found.host.as_str()));
            }
        }

        #[test]
        fn any_port_and_path_on_a_loopback_host_is_recognised(
            host in "localhost|127\\.0\\.0\\.1|\\[::1\\]",
            port in proptest::option::of(any::<u16>()),
            path in "(/[a-zA-Z0-9._~-]{0,8}){0,3}(\\?[a-z=&]{0,8})?",
        ) {
            let port_text = port.map(|p| format!(":{p}")).unwrap_or_default();
            let raw = format!("http://{host}{port_text}{path}");
            prop_assert_eq!(is_loopback_redirect(&raw), Some(LoopbackRedirect { host, port }));
        }
    }
}
