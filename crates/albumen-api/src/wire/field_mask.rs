//! Google's partial-response selector (the `fields` query parameter): parsing
//! `a,b(c,d/e),f/g` into a tree and pruning a JSON value to it. It knows nothing of HTTP.
//!
//! Grammar: a selection list is `selection (',' selection)*`; a selection is a path of names
//! joined by `/`, optionally followed by a parenthesised sub-list that applies below the
//! path's last name; `*` selects every field of its level. A selection on an array applies to
//! every element. Names the value does not have are simply absent from the result.
//!
//! Selectors arrive before authentication, so parsing is bounded: at most
//! [`MAX_SELECTOR_BYTES`] of text and [`MAX_DEPTH`] names from the top to the deepest leaf
//! (counting both `/` and parentheses). The parser recurses once per parenthesis and the tree
//! walks once per level, so the depth bound is also what keeps `apply` and the merging of
//! selections off the end of the stack.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// A parsed selector: which fields to keep at one level, each with what to keep below it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldMask {
    /// An empty map below a name means "the whole field".
    fields: BTreeMap<String, FieldMask>,
}

/// The selector is not in Google's grammar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidFieldMask;

const WILDCARD: &str = "*";

/// The deepest selection accepted; Google's resources nest a handful of levels, so 32 leaves
/// ample room while keeping every recursion over the tree shallow.
pub const MAX_DEPTH: usize = 32;

/// The longest selector accepted; real clients send well under a kilobyte.
pub const MAX_SELECTOR_BYTES: usize = 8 * 1024;

impl FieldMask {
    /// Parses `text`; surrounding whitespace of names is ignored. Selectors longer than
    /// [`MAX_SELECTOR_BYTES`] or deeper than [`MAX_DEPTH`] are refused like malformed ones.
    pub fn parse(text: &str) -> Result<Self, InvalidFieldMask> {
        if text.len() > MAX_SELECTOR_BYTES {
            return Err(InvalidFieldMask);
        }
        let mut parser = Parser {
            rest: text.char_indices().peekable(),
            text,
        };
        let mask = parser.list(0)?;
        parser.skip_spaces();
        match parser.rest.next() {
            None => Ok(mask),
            Some(_) => Err(InvalidFieldMask),
        }
    }

    /// Keeps only the selected parts of `value`. Objects emptied by the selection disappear
    /// from their parent; array elements stay (possibly as `{}`) so positions keep their
    /// meaning.
    pub fn apply(&self, value: &mut Value) {
        if self.selects_everything() {
            return;
        }
        match value {
            Value::Object(object) => self.apply_to_object(object),
            Value::Array(items) => items.iter_mut().for_each(|item| self.apply(item)),
            // A sub-selection of a scalar selects nothing of it.
            _ => *value = Value::Object(Map::new()),
        }
    }

    fn selects_everything(&self) -> bool {
        self.fields.is_empty()
            || self
                .fields
                .get(WILDCARD)
                .is_some_and(FieldMask::selects_everything)
    }

    fn apply_to_object(&self, object: &mut Map<String, Value>) {
        let wildcard = self.fields.get(WILDCARD);
        object.retain(|name, child| {
            let Some(below) = self.fields.get(name).or(wildcard) else {
                return false;
            };
            below.apply(child);
            !matches!(child, Value::Object(fields) if fields.is_empty() && !below.selects_everything())
        });
    }

    /// Adds `path` (with `below` under its last name), merging with what is already selected:
    /// a whole field stays whole.
    fn insert(&mut self, path: &[String], below: FieldMask) {
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        let already_whole = self
            .fields
            .get(first)
            .is_some_and(|existing| existing.fields.is_empty());
        let entry = self.fields.entry(first.clone()).or_default();
        if already_whole {
            return;
        }
        if rest.is_empty() {
            if below.fields.is_empty() {
                entry.fields.clear();
            } else {
                entry.merge(below);
            }
        } else {
            entry.insert(rest, below);
        }
    }

    fn merge(&mut self, other: FieldMask) {
        for (name, below) in other.fields {
            self.insert(&[name], below);
        }
    }
}

struct Parser<'a> {
    rest: std::iter::Peekable<std::str::CharIndices<'a>>,
    text: &'a str,
}

impl Parser<'_> {
    /// Parses a selection list whose names sit `depth` levels below the top.
    fn list(&mut self, depth: usize) -> Result<FieldMask, InvalidFieldMask> {
        let mut mask = FieldMask::default();
        loop {
            let path = self.path()?;
            let depth_below = depth + path.len();
            if depth_below > MAX_DEPTH {
                return Err(InvalidFieldMask);
            }
            let below = if self.eat('(') {
                let below = self.list(depth_below)?;
                if !self.eat(')') {
                    return Err(InvalidFieldMask);
                }
                below
            } else {
                FieldMask::default()
            };
            mask.insert(&path, below);
            if !self.eat(',') {
                return Ok(mask);
            }
        }
    }

    fn path(&mut self) -> Result<Vec<String>, InvalidFieldMask> {
        let mut names = vec![self.name()?];
        while self.eat('/') {
            if names.len() >= MAX_DEPTH {
                return Err(InvalidFieldMask);
            }
            names.push(self.name()?);
        }
        Ok(names)
    }

    fn name(&mut self) -> Result<String, InvalidFieldMask> {
        let start = self.rest.peek().map_or(self.text.len(), |&(at, _)| at);
        let mut end = start;
        while let Some(&(at, c)) = self.rest.peek() {
            if matches!(c, ',' | '(' | ')' | '/') {
                break;
            }
            end = at + c.len_utf8();
            self.rest.next();
        }
        let name = self.text.get(start..end).unwrap_or_default().trim();
        let valid = !name.is_empty()
            && (name == WILDCARD
                || name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '@' | '$' | '.')));
        if valid {
            Ok(name.to_owned())
        } else {
            Err(InvalidFieldMask)
        }
    }

    fn skip_spaces(&mut self) {
        while self.rest.next_if(|&(_, c)| c.is_whitespace()).is_some() {}
    }

    fn eat(&mut self, expected: char) -> bool {
        self.skip_spaces();
        self.rest.next_if(|&(_, c)| c == expected).is_some()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pruned(mask: &str, mut value: Value) -> Value {
        FieldMask::parse(mask).unwrap().apply(&mut value);
        value
    }

    fn sample() -> Value {
        json!({
            "mediaItems": [
                {"id": "A", "baseUrl": "u1", "mimeType": "image/jpeg", "filename": "a.jpg",
                 "mediaMetadata": {"width": "4", "height": "3", "creationTime": "t",
                                   "photo": {"cameraMake": "X"}}},
                {"id": "B", "baseUrl": "u2", "mimeType": "video/mp4",
                 "mediaMetadata": {"width": "8", "height": "6", "video": {"fps": 30.0}}}
            ],
            "nextPageToken": "next"
        })
    }

    #[test]
    fn a_real_client_selector_keeps_exactly_what_it_names() {
        let mask = "nextPageToken,mediaItems(id,baseUrl,mimeType,filename,\
                    mediaMetadata(width,height,photo,video))";
        assert_eq!(
            pruned(mask, sample()),
            json!({
                "mediaItems": [
                    {"id": "A", "baseUrl": "u1", "mimeType": "image/jpeg", "filename": "a.jpg",
                     "mediaMetadata": {"width": "4", "height": "3", "photo": {"cameraMake": "X"}}},
                    {"id": "B", "baseUrl": "u2", "mimeType": "video/mp4",
                     "mediaMetadata": {"width": "8", "height": "6", "video": {"fps": 30.0}}}
                ],
                "nextPageToken": "next"
            })
        );
    }

    #[test]
    fn slash_paths_reach_into_objects_and_every_array_element() {
        assert_eq!(
            pruned("mediaItems/mediaMetadata/width", sample()),
            json!({"mediaItems": [
                {"mediaMetadata": {"width": "4"}},
                {"mediaMetadata": {"width": "8"}}
            ]})
        );
    }

    #[test]
    fn unknown_names_are_absent_and_emptied_objects_disappear() {
        assert_eq!(
            pruned("nextPageToken,nothing,mediaItems/nothing", sample()),
            json!({"mediaItems": [{}, {}], "nextPageToken": "next"})
        );
        assert_eq!(pruned("id(x)", json!({"id": "A"})), json!({}));
    }

    #[test]
    fn a_whole_field_stays_whole_whatever_else_names_it() {
        let whole = json!({"a": {"b": 1, "c": 2}});
        assert_eq!(pruned("a,a/b", whole.clone()), whole);
        assert_eq!(pruned("a/b,a", whole.clone()), whole);
        assert_eq!(pruned("a/b,a(c)", whole.clone()), whole);
        assert_eq!(pruned("a/b", whole), json!({"a": {"b": 1}}));
    }

    #[test]
    fn the_wildcard_selects_a_whole_level() {
        assert_eq!(pruned("*", sample()), sample());
        assert_eq!(
            pruned(
                "mediaItems/*/photo",
                json!({"mediaItems": [{"x": {"photo": 1, "y": 2}}]})
            ),
            json!({"mediaItems": [{"x": {"photo": 1}}]})
        );
    }

    #[test]
    fn spaces_around_names_are_ignored() {
        assert_eq!(
            pruned(" nextPageToken , mediaItems( id ) ", sample()),
            json!({"mediaItems": [{"id": "A"}, {"id": "B"}], "nextPageToken": "next"})
        );
    }

    #[test]
    fn malformed_selectors_are_refused() {
        for mask in [
            "", "a,", ",a", "a(", "a)", "a()", "a(b", "a/", "/a", "a//b", "a b", "a(b))", "a)(",
            "a,,b", "(a)",
        ] {
            assert_eq!(FieldMask::parse(mask), Err(InvalidFieldMask), "{mask:?}");
        }
    }

    fn nested(levels: usize) -> String {
        format!("{}a{}", "a(".repeat(levels - 1), ")".repeat(levels - 1))
    }

    #[test]
    fn selections_as_deep_as_the_limit_are_accepted() {
        assert!(FieldMask::parse(&nested(MAX_DEPTH)).is_ok());
        assert!(FieldMask::parse(&vec!["a"; MAX_DEPTH].join("/")).is_ok());
        let mixed = format!("a/a({})", nested(MAX_DEPTH - 2));
        assert!(FieldMask::parse(&mixed).is_ok());
    }

    #[test]
    fn selections_deeper_than_the_limit_are_refused_without_recursing_into_them() {
        assert_eq!(
            FieldMask::parse(&nested(MAX_DEPTH + 1)),
            Err(InvalidFieldMask)
        );
        assert_eq!(
            FieldMask::parse(&vec!["a"; MAX_DEPTH + 1].join("/")),
            Err(InvalidFieldMask)
        );
        assert_eq!(
            FieldMask::parse(&format!("a/a({})", nested(MAX_DEPTH - 1))),
            Err(InvalidFieldMask)
        );
        // The attack from issue 8, balanced or not, short enough to reach the depth check.
        assert_eq!(FieldMask::parse(&nested(2_000)), Err(InvalidFieldMask));
        assert_eq!(FieldMask::parse(&"a(".repeat(4_000)), Err(InvalidFieldMask));
    }

    #[test]
    fn selectors_longer_than_the_limit_are_refused() {
        let names = vec!["abc"; MAX_SELECTOR_BYTES / 4 + 1].join(",");
        assert!(names.len() > MAX_SELECTOR_BYTES);
        assert_eq!(FieldMask::parse(&names), Err(InvalidFieldMask));
        let fits = vec!["abc"; MAX_SELECTOR_BYTES / 4].join(",");
        assert!(FieldMask::parse(&fits).is_ok());
    }
}
