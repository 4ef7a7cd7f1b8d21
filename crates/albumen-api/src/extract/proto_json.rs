//! Proto3 JSON leniency and Google's parse-error wording, shared by [`GoogleJson`] and
//! [`GoogleQuery`]: snake_case names become lowerCamelCase, explicit `null`s vanish, integers
//! may be numbers or numeric strings, enums carry their proto type in errors, and serde errors
//! are rewritten into Google's `Invalid JSON payload received. Unknown name …` and
//! `Invalid value at '…' (TYPE_…), …` messages with a `google.rpc.BadRequest` detail.
//!
//! Field helpers, for `#[serde(default, deserialize_with = "…")]`:
//!
//! | field type | helper |
//! |---|---|
//! | `i32` / `Option<i32>` | [`int32`] / [`opt_int32`] |
//! | `i64` / `Option<i64>` | [`int64`] / [`opt_int64`] |
//! | `Option<bool>` (query strings) | [`opt_bool`] |
//! | `E` / `Option<E>` / `Vec<E>` / `Option<Vec<E>>` where `E: ProtoEnum` | [`enum_value`] / [`opt_enum`] / [`enum_list`] / [`opt_enum_list`] |
//!
//! [`GoogleJson`]: super::google_json::GoogleJson
//! [`GoogleQuery`]: super::google_query::GoogleQuery

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, Deserializer, Unexpected};
use serde::{Deserialize, de::IntoDeserializer};
use serde_json::{Map, Value, json};

use crate::error::ApiError;

/// An enum of the API: serde-deserializable from its proto value names, and named by its
/// proto type URL in errors (`type.googleapis.com/google.photos.library.v1.…`).
pub trait ProtoEnum: DeserializeOwned {
    const TYPE_URL: &'static str;
}

/// The prefix of the type URLs of this API's messages.
const MESSAGE_TYPE_PREFIX: &str = "type.googleapis.com/google.photos.library.v1.";

/// Rewrites every object key from a proto field name (`media_item_ids`) to its JSON name
/// (`mediaItemIds`) and drops `null` members, at every depth. Both spellings of one field
/// in one object are refused with the field's JSON name.
pub(crate) fn normalize(value: Value) -> Result<Value, String> {
    Ok(match value {
        Value::Object(members) => {
            let mut normalized = Map::with_capacity(members.len());
            for (key, member) in members {
                if member.is_null() {
                    continue;
                }
                let name = json_name(&key);
                let member = normalize(member)?;
                if normalized.insert(name.clone(), member).is_some() {
                    return Err(name);
                }
            }
            Value::Object(normalized)
        }
        Value::Array(items) => {
            Value::Array(items.into_iter().map(normalize).collect::<Result<_, _>>()?)
        }
        other => other,
    })
}

/// The lowerCamelCase JSON name of a proto field name; names without `_` are unchanged.
pub(crate) fn json_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper_next = false;
    for c in name.chars() {
        match c {
            '_' if !out.is_empty() => upper_next = true,
            c if upper_next => {
                out.extend(c.to_uppercase());
                upper_next = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// The proto field name of a JSON name, as Google's messages spell paths.
pub(crate) fn proto_name(json_name: &str) -> String {
    let mut out = String::with_capacity(json_name.len() + 4);
    for c in json_name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A step of a path into a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    Field(String),
    Index(usize),
}

pub(crate) fn steps(path: &serde_path_to_error::Path) -> Vec<Step> {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(Step::Index(*index)),
            Segment::Map { key } => Some(Step::Field(key.clone())),
            Segment::Enum { variant } => Some(Step::Field(variant.clone())),
            Segment::Unknown => None,
        })
        .collect()
}

/// `filters.media_type_filter.media_types[0]`.
pub(crate) fn render_path(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Field(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&proto_name(name));
            }
            Step::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

/// Google's 400 for a request that cannot be bound, with the `BadRequest` detail naming
/// the field.
pub(crate) fn bad_request(field: &str, message: String) -> ApiError {
    ApiError::invalid_argument(message.clone()).with_detail(json!({
        "@type": "type.googleapis.com/google.rpc.BadRequest",
        "fieldViolations": [{"field": field, "description": message}],
    }))
}

/// Turns a serde error at `path` into Google's message. `raw` finds what the client sent
/// at a path, for the `Invalid value` message. `suffix` follows the unknown-name message
/// (`Cannot find field.` for bodies, the binding sentence for query strings).
pub(crate) fn binding_error(
    path: &[Step],
    serde_message: &str,
    raw: impl Fn(&[Step]) -> Option<Value>,
    unknown_suffix: impl Fn(&str) -> String,
) -> ApiError {
    if let Some(name) = between(serde_message, "unknown field `", "`") {
        // The path may or may not end at the unknown key itself.
        let parent = match path.split_last() {
            Some((Step::Field(last), parent)) if last == name => parent,
            _ => path,
        };
        let at = render_path(parent);
        let message = format!(
            "Invalid JSON payload received. Unknown name \"{name}\"{}: {}",
            location(&at),
            unknown_suffix(name)
        );
        return bad_request(&at, message);
    }
    let at = render_path(path);
    if let Some(name) = between(serde_message, "missing field `", "`") {
        let field = render_path(&[path, &[Step::Field(name.to_owned())]].concat());
        return bad_request(
            &field,
            format!("Invalid JSON payload received. Missing required field '{field}'."),
        );
    }
    let sent = raw(path).unwrap_or(Value::Null);
    let expected = serde_message
        .rsplit_once(", expected ")
        .map(|(_, expected)| expected);
    let is_unknown_variant = serde_message.starts_with("unknown variant");
    if sent.is_array() && expected != Some("a sequence") {
        let (name, parent) = match path.split_last() {
            Some((Step::Field(name), parent)) => (name.as_str(), render_path(parent)),
            _ => ("", String::new()),
        };
        return bad_request(
            &at,
            format!(
                "Invalid JSON payload received. Unknown name \"{name}\"{}: \
                 Proto field is not repeating, cannot start list.",
                location(&parent)
            ),
        );
    }
    let proto_type = if is_unknown_variant {
        Some("TYPE_ENUM".to_owned())
    } else {
        expected.and_then(proto_type_of)
    };
    let message = match proto_type {
        Some(proto_type) => format!("Invalid value at '{at}' ({proto_type}), {sent}"),
        None => format!("Invalid value at '{at}', {sent}"),
    };
    bad_request(&at, message)
}

/// ` at 'path'`, or nothing at the root.
fn location(at: &str) -> String {
    if at.is_empty() {
        String::new()
    } else {
        format!(" at '{at}'")
    }
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = text.strip_prefix(start)?;
    rest.split_once(end).map(|(inside, _)| inside)
}

/// The proto type serde's "expected …" phrase stands for.
fn proto_type_of(expected: &str) -> Option<String> {
    if expected.starts_with("TYPE_") || expected.starts_with("type.googleapis.com/") {
        return Some(expected.to_owned());
    }
    if let Some(name) = expected.strip_prefix("struct ") {
        let message = name.strip_suffix("Body").unwrap_or(name);
        return Some(format!("{MESSAGE_TYPE_PREFIX}{message}"));
    }
    let scalar = match expected {
        "a string" => "TYPE_STRING",
        "a boolean" => "TYPE_BOOL",
        "i32" => "TYPE_INT32",
        "i64" => "TYPE_INT64",
        "u32" => "TYPE_UINT32",
        "u64" => "TYPE_UINT64",
        "f32" => "TYPE_FLOAT",
        "f64" => "TYPE_DOUBLE",
        _ => return None,
    };
    Some(scalar.to_owned())
}

/// A number or a numeric string, as proto3 JSON allows for every integer type.
#[derive(Deserialize)]
#[serde(untagged)]
enum IntegerInput {
    Integer(i64),
    Float(f64),
    Text(String),
}

fn integer<'de, D: Deserializer<'de>, T: TryFrom<i64>>(
    deserializer: D,
    proto_type: &'static str,
) -> Result<T, D::Error> {
    let input = IntegerInput::deserialize(deserializer)
        .map_err(|_| de::Error::invalid_type(Unexpected::Other("value"), &proto_type))?;
    let (wide, unexpected) = match &input {
        IntegerInput::Integer(n) => (Some(*n), Unexpected::Signed(*n)),
        // Integral floats (`100.0`, `1e2`) are integers in proto3 JSON.
        IntegerInput::Float(f) => (exact_integer(*f), Unexpected::Float(*f)),
        IntegerInput::Text(text) => (text.parse().ok(), Unexpected::Str(text)),
    };
    wide.and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| de::Error::invalid_value(unexpected, &proto_type))
}

fn exact_integer(f: f64) -> Option<i64> {
    let in_range = f.fract() == 0.0 && f.abs() < 9.0e15;
    in_range.then_some(f as i64)
}

pub fn int32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i32, D::Error> {
    integer(deserializer, "TYPE_INT32")
}

pub fn opt_int32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i32>, D::Error> {
    int32(deserializer).map(Some)
}

pub fn int64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    integer(deserializer, "TYPE_INT64")
}

pub fn opt_int64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    int64(deserializer).map(Some)
}

/// `true`/`false`, as JSON booleans or as the strings a query string carries.
pub fn opt_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum BoolInput {
        Bool(bool),
        Text(String),
    }
    match BoolInput::deserialize(deserializer) {
        Ok(BoolInput::Bool(b)) => Ok(Some(b)),
        Ok(BoolInput::Text(text)) => match text.as_str() {
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            _ => Err(de::Error::invalid_value(
                Unexpected::Str(&text),
                &"TYPE_BOOL",
            )),
        },
        Err(_) => Err(de::Error::invalid_type(
            Unexpected::Other("value"),
            &"TYPE_BOOL",
        )),
    }
}

/// One enum value, whose unknown names are reported with `E::TYPE_URL`.
struct EnumOf<E>(E);

impl<'de, E: ProtoEnum> Deserialize<'de> for EnumOf<E> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)
            .map_err(|_| de::Error::invalid_type(Unexpected::Other("value"), &E::TYPE_URL))?;
        let parsed: Result<E, de::value::Error> = E::deserialize(name.as_str().into_deserializer());
        parsed
            .map(EnumOf)
            .map_err(|_| de::Error::invalid_value(Unexpected::Str(&name), &E::TYPE_URL))
    }
}

pub fn enum_value<'de, D: Deserializer<'de>, E: ProtoEnum>(deserializer: D) -> Result<E, D::Error> {
    EnumOf::<E>::deserialize(deserializer).map(|v| v.0)
}

pub fn opt_enum<'de, D: Deserializer<'de>, E: ProtoEnum>(
    deserializer: D,
) -> Result<Option<E>, D::Error> {
    enum_value(deserializer).map(Some)
}

pub fn enum_list<'de, D: Deserializer<'de>, E: ProtoEnum>(
    deserializer: D,
) -> Result<Vec<E>, D::Error> {
    struct ListVisitor<E>(PhantomData<E>);
    impl<'de, E: ProtoEnum> de::Visitor<'de> for ListVisitor<E> {
        type Value = Vec<E>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a sequence")
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<E>, A::Error> {
            let mut values = Vec::new();
            while let Some(EnumOf(value)) = seq.next_element::<EnumOf<E>>()? {
                values.push(value);
            }
            Ok(values)
        }
    }
    deserializer.deserialize_seq(ListVisitor(PhantomData))
}

pub fn opt_enum_list<'de, D: Deserializer<'de>, E: ProtoEnum>(
    deserializer: D,
) -> Result<Option<Vec<E>>, D::Error> {
    enum_list(deserializer).map(Some)
}
