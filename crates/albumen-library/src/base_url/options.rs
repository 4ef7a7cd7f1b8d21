//! The base-URL option grammar: what follows `=` after the token, e.g. `w512-h512-c`.
//!
//! Grammar (library-api.md §7 "Image/Video base URL options";
//! picker-oauth-console.md "Base-URL parameter grammar"): options are separated by
//! `-`; each is one of
//!
//! | Option | Field | Meaning |
//! |---|---|---|
//! | `w<N>` | [`Options::width`] | maximum width in px |
//! | `h<N>` | [`Options::height`] | maximum height in px |
//! | `c` | [`Options::crop`] | crop to exactly `w`×`h` |
//! | `d` | [`Options::download`] | image download with Exif minus location |
//! | `dv` | [`Options::video`] | video bytes (motion photo: the video part) |
//! | `no` | [`Options::no_overlay`] | video thumbnail without the play button |
//!
//! Edge cases the specs leave open, decided here:
//! * Empty options (bare base URL) are valid: the default rendition
//!   (addendum-resolved.md §7: a ~512 px image).
//! * Unknown options are ignored, see [`UNKNOWN_PARAMETER_POLICY`]; empty
//!   segments (`w10--h10`, a trailing `-`) count as unknown and are ignored too.
//! * A segment starting with `w` or `h` is a dimension: it must be followed by
//!   ASCII digits only, and not be 0, else [`OptionsError::InvalidDimension`]
//!   (so `wabc`, `w`, `w-1`, `w+5`, `w0` are errors).
//! * Dimensions above [`MAX_DIMENSION`] (16383, addendum-resolved.md §7 best
//!   guess; library-api.md §7 "community lore") are clamped to it, however many
//!   digits they have.
//! * A repeated option: the last one wins. Options are case-sensitive.

use std::fmt;

/// Largest width or height honoured; larger values are clamped to this.
pub const MAX_DIMENSION: u32 = 16383;

/// What to do with an option that is not in the grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownParameterPolicy {
    /// Skip it, as if it were not there.
    Ignore,
    /// Fail with [`OptionsError::UnknownParameter`].
    Reject,
}

/// The single switch for unknown options. Google's image host is believed to
/// ignore options it does not know (no spec line says otherwise), so we do too.
pub const UNKNOWN_PARAMETER_POLICY: UnknownParameterPolicy = UnknownParameterPolicy::Ignore;

/// Parsed base-URL options. `Default` is the bare base URL (default rendition).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Options {
    /// `w<N>`: maximum width in px, `1..=MAX_DIMENSION`.
    pub width: Option<u32>,
    /// `h<N>`: maximum height in px, `1..=MAX_DIMENSION`.
    pub height: Option<u32>,
    /// `c`: crop to exactly width × height (meaningful with both set).
    pub crop: bool,
    /// `d`: download the image with its metadata except location.
    pub download: bool,
    /// `dv`: download the video bytes.
    pub video: bool,
    /// `no`: video thumbnail without the play-button overlay.
    pub no_overlay: bool,
}

/// Why an option string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionsError {
    /// A `w`/`h` option whose value is not a positive decimal integer.
    #[error("invalid dimension option `{0}`")]
    InvalidDimension(String),
    /// An option outside the grammar, only under [`UnknownParameterPolicy::Reject`].
    #[error("unknown base URL option `{0}`")]
    UnknownParameter(String),
}

/// Parses the option string that follows `=` (without the `=`).
pub fn parse_options(raw: &str) -> Result<Options, OptionsError> {
    parse_options_with(raw, UNKNOWN_PARAMETER_POLICY)
}

/// [`parse_options`] with an explicit policy for unknown options.
pub fn parse_options_with(
    raw: &str,
    unknown: UnknownParameterPolicy,
) -> Result<Options, OptionsError> {
    let mut options = Options::default();
    if raw.is_empty() {
        return Ok(options);
    }
    for segment in raw.split('-') {
        match segment {
            "c" => options.crop = true,
            "d" => options.download = true,
            "dv" => options.video = true,
            "no" => options.no_overlay = true,
            _ => {
                if let Some(digits) = segment.strip_prefix('w') {
                    options.width = Some(parse_dimension(segment, digits)?);
                } else if let Some(digits) = segment.strip_prefix('h') {
                    options.height = Some(parse_dimension(segment, digits)?);
                } else if unknown == UnknownParameterPolicy::Reject {
                    return Err(OptionsError::UnknownParameter(truncated(segment)));
                }
            }
        }
    }
    Ok(options)
}

/// Parses the digits of a `w`/`h` option, clamping to [`MAX_DIMENSION`].
fn parse_dimension(segment: &str, digits: &str) -> Result<u32, OptionsError> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(OptionsError::InvalidDimension(truncated(segment)));
    }
    let significant = digits.trim_start_matches('0');
    if significant.is_empty() {
        return Err(OptionsError::InvalidDimension(truncated(segment)));
    }
    // More than 5 significant digits is above 16383 for sure; avoid overflow.
    let value = if significant.len() > 5 {
        MAX_DIMENSION
    } else {
        significant
            .parse::<u32>()
            .map_or(MAX_DIMENSION, |v| v.min(MAX_DIMENSION))
    };
    Ok(value)
}

/// Keeps error messages short whatever the client sent.
fn truncated(segment: &str) -> String {
    segment.chars().take(32).collect()
}

impl Options {
    /// Canonical form, used as the rendition cache key: options in the fixed
    /// order `w`, `h`, `c`, `d`, `dv`, `no`, joined by `-`; `""` for the default.
    /// Parsing it gives back the same `Options`.
    pub fn normalized(&self) -> String {
        let mut parts: Vec<String> = Vec::with_capacity(6);
        if let Some(w) = self.width {
            parts.push(format!("w{w}"));
        }
        if let Some(h) = self.height {
            parts.push(format!("h{h}"));
        }
        for (flag, name) in [
            (self.crop, "c"),
            (self.download, "d"),
            (self.video, "dv"),
            (self.no_overlay, "no"),
        ] {
            if flag {
                parts.push(name.to_owned());
            }
        }
        parts.join("-")
    }

    /// True for the bare base URL (no options at all).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

impl fmt::Display for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.normalized())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parsed(raw: &str) -> Options {
        match parse_options(raw) {
            Ok(o) => o,
            Err(e) => unreachable!("{raw:?} should parse: {e}"),
        }
    }

    #[test]
    fn empty_options_mean_the_default_rendition() {
        assert_eq!(parsed(""), Options::default());
        assert!(parsed("").is_default());
        assert_eq!(parsed("").normalized(), "");
    }

    #[test]
    fn width_sets_the_maximum_width() {
        assert_eq!(parsed("w512").width, Some(512));
        assert_eq!(parsed("w512").height, None);
    }

    #[test]
    fn height_sets_the_maximum_height() {
        assert_eq!(parsed("h300").height, Some(300));
        assert_eq!(parsed("h300").width, None);
    }

    #[test]
    fn c_sets_crop() {
        assert!(parsed("c").crop);
    }

    #[test]
    fn d_sets_download_and_nothing_else() {
        let o = parsed("d");
        assert!(o.download);
        assert_eq!(
            o,
            Options {
                download: true,
                ..Options::default()
            }
        );
    }

    #[test]
    fn dv_sets_video_and_not_download() {
        let o = parsed("dv");
        assert!(o.video);
        assert!(!o.download);
    }

    #[test]
    fn no_removes_the_play_button_overlay() {
        assert!(parsed("w256-h256-no").no_overlay);
    }

    #[test]
    fn width_height_and_crop_combine() {
        assert_eq!(
            parsed("w512-h512-c"),
            Options {
                width: Some(512),
                height: Some(512),
                crop: true,
                ..Options::default()
            }
        );
        assert_eq!(parsed("w2048-h1024").width, Some(2048));
        assert_eq!(parsed("w2048-h1024").height, Some(1024));
    }

    #[test]
    fn unknown_parameters_are_ignored_by_the_chosen_policy() {
        assert_eq!(UNKNOWN_PARAMETER_POLICY, UnknownParameterPolicy::Ignore);
        assert_eq!(parsed("s0"), Options::default());
        assert_eq!(parsed("w10-k-rj-h20"), parsed("w10-h20"));
        assert_eq!(parsed("W10"), Options::default());
    }

    #[test]
    fn empty_segments_are_ignored_like_unknown_parameters() {
        assert_eq!(parsed("w10--h20-"), parsed("w10-h20"));
    }

    #[test]
    fn the_reject_policy_refuses_unknown_parameters() {
        assert_eq!(
            parse_options_with("w10-s0", UnknownParameterPolicy::Reject),
            Err(OptionsError::UnknownParameter("s0".to_owned()))
        );
        assert!(parse_options_with("w10-h5-c-d-dv-no", UnknownParameterPolicy::Reject).is_ok());
    }

    #[test]
    fn non_numeric_dimensions_are_errors() {
        assert_eq!(
            parse_options("wabc"),
            Err(OptionsError::InvalidDimension("wabc".to_owned()))
        );
        assert!(parse_options("h12x").is_err());
        assert!(parse_options("w+5").is_err());
        assert!(parse_options("w").is_err());
    }

    #[test]
    fn a_negative_width_is_an_error_because_the_minus_splits_it() {
        assert_eq!(
            parse_options("w-1"),
            Err(OptionsError::InvalidDimension("w".to_owned()))
        );
    }

    #[test]
    fn zero_dimensions_are_errors() {
        assert!(parse_options("w0").is_err());
        assert!(parse_options("h000").is_err());
    }

    #[test]
    fn huge_dimensions_are_clamped_to_the_maximum() {
        assert_eq!(parsed("w99999999999").width, Some(MAX_DIMENSION));
        assert_eq!(parsed("h16384").height, Some(MAX_DIMENSION));
        assert_eq!(parsed("w16383").width, Some(16383));
        assert_eq!(parsed("w00000000000000012").width, Some(12));
    }

    #[test]
    fn the_last_repeated_option_wins() {
        assert_eq!(parsed("w10-w20").width, Some(20));
    }

    #[test]
    fn normalized_puts_options_in_canonical_order() {
        assert_eq!(parsed("c-h512-w512").normalized(), "w512-h512-c");
        assert_eq!(parsed("no-dv-d-c-h2-w1").normalized(), "w1-h2-c-d-dv-no");
        assert_eq!(parsed("w010-x-c").normalized(), "w10-c");
        assert_eq!(parsed("dv").to_string(), "dv");
    }

    proptest! {
        #[test]
        fn parse_never_panics_on_arbitrary_strings(raw in any::<String>()) {
            let _ = parse_options(&raw);
            let _ = parse_options_with(&raw, UnknownParameterPolicy::Reject);
        }

        #[test]
        fn parse_never_panics_on_option_like_strings(raw in "[whcdvnosk0-9x+-]{0,40}") {
            let _ = parse_options(&raw);
        }

        #[test]
        fn normalized_options_parse_back_to_the_same_options(
            width in proptest::option::of(1u32..=MAX_DIMENSION),
            height in proptest::option::of(1u32..=MAX_DIMENSION),
            crop in any::<bool>(),
            download in any::<bool>(),
            video in any::<bool>(),
            no_overlay in any::<bool>(),
        ) {
            let o = Options { width, height, crop, download, video, no_overlay };
            prop_assert_eq!(parse_options(&o.normalized()), Ok(o));
        }
    }
}
