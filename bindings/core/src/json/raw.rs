//! The first pass over a JSON event: its top-level members as `(name, raw JSON
//! text)` pairs borrowed from the input, and the typed readings of one raw value.
//!
//! No `serde_json::Value` tree is built: member values stay `&RawValue` slices of
//! the input, so `data` can later be handed out as a zero-copy `Bytes`.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::EventError;
use crate::event::AttrInput;

/// One top-level member of a JSON event.
#[derive(Debug)]
pub(crate) struct Member<'de> {
    pub name: Cow<'de, str>,
    pub value: MemberValue<'de>,
}

/// A member's value: raw JSON text, or a String the legacy upgrade already made
/// (a 0.2/0.3 Map extension serialised to its JSON text).
#[derive(Debug)]
pub(crate) enum MemberValue<'de> {
    Raw(&'de RawValue),
    Text(String),
}

impl<'de> Member<'de> {
    pub fn raw(name: Cow<'de, str>, raw: &'de RawValue) -> Self {
        Member {
            name,
            value: MemberValue::Raw(raw),
        }
    }
}

/// Members of the JSON object `bytes`, in document order. Duplicate names are
/// refused here, before any renaming, as the spec requires (1.1).
pub(crate) fn parse_object(bytes: &[u8]) -> Result<Vec<Member<'_>>, EventError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Err(match serde_json::from_slice::<de::IgnoredAny>(bytes) {
            Ok(_) => EventError::NotAnObject,
            Err(e) => EventError::Json(e.to_string()),
        });
    }
    let Members(members) =
        serde_json::from_slice(bytes).map_err(|e| EventError::Json(e.to_string()))?;
    check_duplicates(&members)?;
    Ok(members)
}

fn check_duplicates(members: &[Member<'_>]) -> Result<(), EventError> {
    // Quadratic search is fastest for the usual dozen members; sort when an input
    // has many, so a hostile body cannot make this quadratic.
    let duplicate = if members.len() <= 32 {
        members
            .iter()
            .enumerate()
            .find(|(i, m)| members[..*i].iter().any(|o| o.name == m.name))
            .map(|(_, m)| &*m.name)
    } else {
        let mut names: Vec<&str> = members.iter().map(|m| &*m.name).collect();
        names.sort_unstable();
        names.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
    };
    match duplicate {
        Some(name) => Err(EventError::DuplicateAttribute(name.to_owned())),
        None => Ok(()),
    }
}

struct Members<'de>(Vec<Member<'de>>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(MembersVisitor)
    }
}

struct MembersVisitor;

impl<'de> Visitor<'de> for MembersVisitor {
    type Value = Members<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(12));
        while let Some(Key(name)) = map.next_key()? {
            let raw: &'de RawValue = map.next_value()?;
            members.push(Member::raw(name, raw));
        }
        Ok(Members(members))
    }
}

/// A member name, borrowed unless it contained escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(CowStrVisitor).map(Key)
    }
}

struct CowStrVisitor;

impl<'de> Visitor<'de> for CowStrVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// The JSON type of a raw value, read from its first byte (serde_json trims
/// surrounding whitespace from raw values and has already validated them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

pub(crate) fn kind(raw: &RawValue) -> Kind {
    match raw.get().as_bytes().first() {
        Some(b'n') => Kind::Null,
        Some(b't' | b'f') => Kind::Bool,
        Some(b'"') => Kind::String,
        Some(b'[') => Kind::Array,
        Some(b'{') => Kind::Object,
        _ => Kind::Number,
    }
}

/// The content of a raw JSON string, borrowed when it has no escapes. `None` for
/// any other JSON type.
pub(crate) fn string<'de>(raw: &'de RawValue) -> Result<Option<Cow<'de, str>>, EventError> {
    if kind(raw) != Kind::String {
        return Ok(None);
    }
    let text = raw.get();
    // A raw string is `"…"`: at least the two quotes.
    let inner = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
    if !inner.contains('\\') {
        return Ok(Some(Cow::Borrowed(inner)));
    }
    serde_json::from_str::<String>(text)
        .map(|s| Some(Cow::Owned(s)))
        .map_err(|e| EventError::Json(e.to_string()))
}

/// An attribute value from a member; `None` for JSON `null` (absent, spec 2.1).
pub(crate) fn attr_input<'a>(
    name: &str,
    value: &'a MemberValue<'a>,
) -> Result<Option<AttrInput<'a>>, EventError> {
    let raw = match value {
        MemberValue::Raw(raw) => *raw,
        MemberValue::Text(s) => return Ok(Some(AttrInput::String(Cow::Borrowed(s)))),
    };
    let text = raw.get();
    let input = match kind(raw) {
        Kind::Null => return Ok(None),
        Kind::Bool => AttrInput::Boolean(text == "true"),
        Kind::String => AttrInput::String(string(raw)?.unwrap_or_default()),
        Kind::Number => AttrInput::Integer(integer(name, text)?),
        Kind::Array | Kind::Object => {
            return Err(EventError::InvalidType {
                name: name.to_owned(),
                expected: "a String, Integer or Boolean, not an array or object",
            })
        }
    };
    Ok(Some(input))
}

/// A JSON number written as an integer (`10`, not `10.0` or `1e3`, spec 2.1).
/// Values beyond i64 are reported as out of the (32-bit) Integer range.
fn integer(name: &str, text: &str) -> Result<i64, EventError> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(EventError::InvalidType {
            name: name.to_owned(),
            expected: "an Integer (no fraction or exponent)",
        });
    }
    text.parse()
        .map_err(|_| EventError::IntegerOutOfRange(name.to_owned()))
}

/// `part` as a `Bytes` sharing `input`'s buffer when it lies inside it (always, for
/// slices of the parsed input), else a copy — never a panic.
pub(crate) fn share(input: &Bytes, part: &[u8]) -> Bytes {
    let start = input.as_ptr() as usize;
    let at = part.as_ptr() as usize;
    if at >= start && at + part.len() <= start + input.len() && !part.is_empty() {
        input.slice_ref(part)
    } else {
        Bytes::copy_from_slice(part)
    }
}

/// Valid JSON text with its insignificant whitespace removed (used for legacy Map
/// values, which become Strings and so must not hold line breaks).
pub(crate) fn minify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            in_string = escaped || c != '"';
            escaped = !escaped && c == '\\';
        } else if c == '"' {
            in_string = true;
        } else if matches!(c, ' ' | '\t' | '\n' | '\r') {
            continue;
        }
        out.push(c);
    }
    out
}
