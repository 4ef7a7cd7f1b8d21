//! XMP location properties: the spans of every `prefix:GPS…` property in a packet, written
//! as an attribute (`exif:GPSLatitude="…"`) or an element (`<exif:GPSLatitude>…</…>`).
//! Overwriting a span with spaces leaves well-formed XML without the property.

use std::ops::Range;

/// Properties blanked at most in one packet.
const MAX_SPANS: usize = 1000;
/// `:GPS` mentions examined at most in one packet, blanked or not; with
/// [`MAX_PROPERTY_BYTES`] this keeps a hostile packet (thousands of unterminated `<a:GPS`)
/// to a bounded amount of work instead of one scan to the end per mention.
const MAX_MENTIONS: usize = 10 * MAX_SPANS;
/// The longest property blanked, tags included; real GPS properties are tens of bytes.
const MAX_PROPERTY_BYTES: usize = 4096;
const MARKER: &[u8] = b":GPS";

/// The byte ranges of the GPS properties in `xml`, in order, not overlapping.
pub(crate) fn gps_spans(xml: &[u8]) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut from = 0;
    for _ in 0..MAX_MENTIONS {
        if spans.len() >= MAX_SPANS {
            break;
        }
        let Some(found) = find(xml, MARKER, from) else {
            break;
        };
        let prefix_start = name_start(xml, found);
        let name_end = name_end(xml, found + 1);
        let before = prefix_start
            .checked_sub(1)
            .and_then(|i| xml.get(i))
            .copied();
        let span = match before {
            Some(b'<') => element(xml, prefix_start - 1, prefix_start..name_end),
            Some(c) if c.is_ascii_whitespace() => attribute(xml, prefix_start, name_end),
            _ => None,
        };
        match span {
            Some(span) => {
                from = span.end;
                spans.push(span);
            }
            None => from = found + MARKER.len(),
        }
    }
    spans
}

/// `name="value"` (or single quotes) starting at `start`, the name ending at `name_end`.
fn attribute(xml: &[u8], start: usize, name_end: usize) -> Option<Range<usize>> {
    let mut at = skip_space(xml, name_end);
    if xml.get(at) != Some(&b'=') {
        return None;
    }
    at = skip_space(xml, at + 1);
    let quote = *xml.get(at).filter(|q| **q == b'"' || **q == b'\'')?;
    let close = find_near(xml, &[quote], at + 1, start)?;
    Some(start..close + 1)
}

/// `<name …/>` or `<name …>…</name>` starting at `open`.
fn element(xml: &[u8], open: usize, name: Range<usize>) -> Option<Range<usize>> {
    let tag_end = find_near(xml, b">", name.end, open)?;
    if tag_end > 0 && xml.get(tag_end - 1) == Some(&b'/') {
        return Some(open..tag_end + 1);
    }
    let mut closing = b"</".to_vec();
    closing.extend_from_slice(xml.get(name)?);
    let close = find_near(xml, &closing, tag_end, open)?;
    let close_end = find_near(xml, b">", close + closing.len(), open)?;
    Some(open..close_end + 1)
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// Where the namespace prefix ending just before `colon` starts.
fn name_start(xml: &[u8], colon: usize) -> usize {
    let mut at = colon;
    while at > 0 && xml.get(at - 1).is_some_and(|b| is_name_byte(*b)) {
        at -= 1;
    }
    at
}

/// One past the end of the local name starting at `from`.
fn name_end(xml: &[u8], from: usize) -> usize {
    let mut at = from;
    while xml.get(at).is_some_and(|b| is_name_byte(*b)) {
        at += 1;
    }
    at
}

fn skip_space(xml: &[u8], from: usize) -> usize {
    let mut at = from;
    while xml.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

/// The first occurrence of `needle` at or after `from` that ends within
/// [`MAX_PROPERTY_BYTES`] of `property_start`.
fn find_near(xml: &[u8], needle: &[u8], from: usize, property_start: usize) -> Option<usize> {
    let limit = property_start
        .saturating_add(MAX_PROPERTY_BYTES)
        .min(xml.len());
    find(xml.get(..limit)?, needle, from)
}

/// The first occurrence of `needle` at or after `from`.
fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blanked(xml: &str) -> String {
        let mut bytes = xml.as_bytes().to_vec();
        for span in gps_spans(xml.as_bytes()) {
            bytes[span].fill(b' ');
        }
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn gps_attributes_become_spaces_of_the_same_length() {
        let xml = r#"<rdf:Description exif:GPSLatitude="56,9.5N" exif:Make='SONY' exif:GPSLongitude = '10,12E'/>"#;
        let out = blanked(xml);
        assert_eq!(out.len(), xml.len());
        assert!(!out.contains("GPS") && !out.contains("56,9"), "{out}");
        assert!(out.contains("exif:Make='SONY'"), "{out}");
        assert!(out.ends_with("/>"));
    }

    #[test]
    fn gps_elements_are_blanked_whole_and_other_elements_kept() {
        let xml = "<d>\n <exif:GPSLatitudeRef>N</exif:GPSLatitudeRef>\n <exif:Make>SONY</exif:Make>\n <exifEX:GPSAltitude rdf:parseType='x'/>\n</d>";
        let out = blanked(xml);
        assert!(!out.contains("GPS") && !out.contains(">N<"), "{out}");
        assert!(out.contains("<exif:Make>SONY</exif:Make>"), "{out}");
        assert!(out.starts_with("<d>") && out.ends_with("</d>"));
    }

    #[test]
    fn closing_tags_and_text_mentioning_gps_are_left_alone() {
        let xml = "<dc:title>my:GPS trip</dc:title> a:GPSx";
        assert_eq!(blanked(xml), xml);
        assert!(gps_spans(b"<a:GPS").is_empty());
        assert!(gps_spans(b" a:GPS=\"").is_empty());
    }

    #[test]
    fn thousands_of_unterminated_mentions_cost_bounded_work() {
        // Each mention used to scan to the end of the packet for its `>` or quote.
        let mut xml = "<a:GPS x ".repeat(200_000);
        xml.push_str(&" b:GPS=\"".repeat(200_000));
        assert!(gps_spans(xml.as_bytes()).is_empty());
    }

    #[test]
    fn a_property_longer_than_the_limit_is_left_alone() {
        let value = "x".repeat(MAX_PROPERTY_BYTES);
        let xml = format!("<d exif:GPSLatitude=\"{value}\"/>");
        assert!(gps_spans(xml.as_bytes()).is_empty());
    }
}
