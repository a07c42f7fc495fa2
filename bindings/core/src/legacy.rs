//! Upgrading legacy events (0.1, 0.2, 0.3) to 1.0 on entry (spec digest 1.8).
//!
//! The specs define no converter; these are ferry's choices, applied identically to
//! JSON members and binary-mode attributes:
//!
//! - `specversion` `0.3`/`0.2`, or a 0.1 `cloudEventsVersion` of `0.1`, becomes
//!   `1.0`. Any other version (`0.9`, `2.0`, empty) is refused.
//! - 0.1 names are matched case-insensitively, so both `eventType` and `eventtype`
//!   spellings work: `eventID`→`id`, `eventType`→`type`, `eventTime`→`time`,
//!   `contentType`→`datacontenttype`, `schemaURL`→`dataschema`. Any other 0.1
//!   top-level member is lowercased and then held to the 1.0 naming rules.
//! - 0.1 `eventTypeVersion` has no 1.0 home and is kept as the String extension
//!   `eventtypeversion` (folding it into `type` would change the type consumers
//!   filter on).
//! - 0.1 `extensions{}` entries become top-level extensions named by their key
//!   lowercased with every character outside `a-z0-9` dropped
//!   (`comExampleExtension`→`comexampleextension`, `x.trace-id`→`xtraceid`). Binary
//!   0.1 extension headers `x-<name>` (bare name, prefix stripped) get the same
//!   treatment without the `x-`.
//! - `schemaurl`/`schemaURL` becomes `dataschema` only when it is an absolute URI;
//!   otherwise it stays as the extension `schemaurl` (what sdk-go does).
//! - 0.2 `contenttype` (JSON) becomes `datacontenttype`.
//! - 0.3 `datacontentencoding: base64` (any case) means `data` is Base64: the JSON
//!   `data` string is read as `data_base64`, a binary body is Base64-decoded. Any
//!   other encoding is refused. The attribute is dropped.
//! - Map (object) and array values of legacy extensions become Strings holding
//!   their compact JSON text; binary 0.2/0.3 Map headers `<attr>-<key>` are
//!   gathered back into one such JSON object of String values.

use std::borrow::Cow;

use serde_json::value::RawValue;

use crate::error::EventError;
use crate::event::{attr, SPECVERSION};
use crate::json::raw::{self, Kind, Member, MemberValue};
use crate::validate;

/// The version an input declared, before any upgrade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecVersion {
    V01,
    V02,
    V03,
    V10,
}

impl SpecVersion {
    /// From a `specversion` value (0.1 used another attribute; see [`V01_NAMES`]).
    pub fn from_specversion(value: &str) -> Result<Self, EventError> {
        match value {
            SPECVERSION => Ok(SpecVersion::V10),
            "0.3" => Ok(SpecVersion::V03),
            "0.2" => Ok(SpecVersion::V02),
            other => Err(EventError::UnsupportedSpecVersion(other.to_owned())),
        }
    }
}

/// The 0.1 spec-version attribute, in both spellings ferry accepts.
pub const V01_NAMES: [&str; 2] = ["cloudEventsVersion", "cloudeventsversion"];

/// The 1.0 name for a lowercased 0.1 attribute name (`None`: keep the name).
fn v01_rename(lower: &str) -> Option<&'static str> {
    Some(match lower {
        "cloudeventsversion" => attr::SPECVERSION,
        "eventid" => attr::ID,
        "eventtype" => attr::TYPE,
        "eventtime" => attr::TIME,
        "contenttype" => attr::DATACONTENTTYPE,
        _ => return None,
    })
}

/// A 0.1 extension key as a 1.0 name: lowercased, only `a-z0-9` kept.
pub fn v01_extension_name(key: &str) -> String {
    key.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Where a `schemaurl` value goes: `dataschema` if it is an absolute URI.
fn schemaurl_target(value: &str) -> &'static str {
    if validate::is_absolute_uri(value) {
        attr::DATASCHEMA
    } else {
        "schemaurl"
    }
}

/// True for a 0.3 `datacontentencoding` meaning Base64; other values are refused.
fn is_base64_encoding(value: &str) -> Result<bool, EventError> {
    if value.eq_ignore_ascii_case("base64") {
        Ok(true)
    } else {
        Err(EventError::UnsupportedLegacyValue {
            name: "datacontentencoding".to_owned(),
            value: value.to_owned(),
        })
    }
}

/// The version a JSON event declares.
pub(crate) fn detect_json(members: &[Member<'_>]) -> Result<SpecVersion, EventError> {
    let version_of = |name: &str| -> Result<Option<Cow<'_, str>>, EventError> {
        let Some(m) = members.iter().find(|m| m.name == name) else {
            return Ok(None);
        };
        match &m.value {
            MemberValue::Raw(raw) if raw::kind(raw) == Kind::Null => Ok(None),
            MemberValue::Raw(raw) => raw::string(raw)?.map(Some).ok_or(EventError::InvalidType {
                name: name.to_owned(),
                expected: "a String",
            }),
            MemberValue::Text(s) => Ok(Some(Cow::Borrowed(s))),
        }
    };
    if let Some(v) = version_of(attr::SPECVERSION)? {
        return SpecVersion::from_specversion(&v);
    }
    for name in V01_NAMES {
        match version_of(name)? {
            Some(v) if v == "0.1" => return Ok(SpecVersion::V01),
            Some(v) => return Err(EventError::UnsupportedSpecVersion(v.into_owned())),
            None => {}
        }
    }
    Err(EventError::MissingAttribute(attr::SPECVERSION))
}

/// Rewrites a legacy JSON event's members as a 1.0 event's members.
pub(crate) fn upgrade_json<'de>(
    version: SpecVersion,
    members: Vec<Member<'de>>,
) -> Result<Vec<Member<'de>>, EventError> {
    if version == SpecVersion::V10 {
        return Ok(members);
    }
    let mut out = Vec::with_capacity(members.len() + 4);
    let mut base64_data = false;
    for member in members {
        let value = match member.value {
            MemberValue::Raw(value) => value,
            done @ MemberValue::Text(_) => {
                out.push(Member {
                    name: member.name,
                    value: done,
                });
                continue;
            }
        };
        let name = match version {
            SpecVersion::V01 => lowercase(member.name),
            _ => member.name,
        };
        let renamed: Cow<'de, str> = match (version, &*name) {
            (SpecVersion::V01, "extensions") => {
                flatten_v01_extensions(value, &mut out)?;
                continue;
            }
            (SpecVersion::V01, n) => v01_rename(n).map_or(name, Cow::Borrowed),
            (SpecVersion::V02, "contenttype") => Cow::Borrowed(attr::DATACONTENTTYPE),
            (SpecVersion::V03, "datacontentencoding") => {
                if let Some(enc) = raw::string(value)? {
                    base64_data = is_base64_encoding(&enc)?;
                }
                continue;
            }
            _ => name,
        };
        out.push(upgrade_member(renamed, value)?);
    }
    if base64_data {
        if let Some(data) = out.iter_mut().find(|m| m.name == "data") {
            data.name = Cow::Borrowed("data_base64");
        }
    }
    Ok(out)
}

fn lowercase(name: Cow<'_, str>) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        name
    }
}

/// One member under its 1.0 name, with its value made 1.0-shaped.
fn upgrade_member<'de>(
    name: Cow<'de, str>,
    value: &'de RawValue,
) -> Result<Member<'de>, EventError> {
    if name == attr::SPECVERSION {
        return Ok(text(name, SPECVERSION.to_owned()));
    }
    if name == "schemaurl" {
        if let Some(url) = raw::string(value)? {
            return Ok(Member::raw(Cow::Borrowed(schemaurl_target(&url)), value));
        }
    }
    Ok(match raw::kind(value) {
        Kind::Object | Kind::Array if name != "data" => text(name, raw::minify(value.get())),
        _ => Member::raw(name, value),
    })
}

fn text(name: Cow<'_, str>, value: String) -> Member<'_> {
    Member {
        name,
        value: MemberValue::Text(value),
    }
}

/// 0.1's nested `extensions` object, flattened into top-level members.
fn flatten_v01_extensions<'de>(
    value: &'de RawValue,
    out: &mut Vec<Member<'de>>,
) -> Result<(), EventError> {
    match raw::kind(value) {
        Kind::Null => return Ok(()),
        Kind::Object => {}
        _ => {
            return Err(EventError::InvalidType {
                name: "extensions".to_owned(),
                expected: "an object (0.1 extensions)",
            })
        }
    }
    for ext in raw::parse_object(value.get().as_bytes())? {
        let name = Cow::Owned(v01_extension_name(&ext.name));
        match ext.value {
            MemberValue::Raw(v) => out.push(upgrade_member(name, v)?),
            MemberValue::Text(s) => out.push(text(name, s)),
        }
    }
    Ok(())
}

/// Binary-mode attributes after a legacy upgrade.
pub(crate) struct UpgradedBinary<'a> {
    pub attributes: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// 0.3 `datacontentencoding: base64`: the body is Base64 text.
    pub base64_body: bool,
}

/// The version binary-mode attributes declare (names bare and lowercase).
pub(crate) fn detect_binary(
    attrs: &[(Cow<'_, str>, Cow<'_, str>)],
) -> Result<SpecVersion, EventError> {
    let find = |name: &str| attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v);
    if let Some(v) = find(attr::SPECVERSION) {
        return SpecVersion::from_specversion(v);
    }
    match find("cloudeventsversion") {
        Some(v) if v == "0.1" => Ok(SpecVersion::V01),
        Some(v) => Err(EventError::UnsupportedSpecVersion(v.to_string())),
        None => Err(EventError::MissingAttribute(attr::SPECVERSION)),
    }
}

/// Rewrites legacy binary-mode attributes as 1.0 attributes.
pub(crate) fn upgrade_binary<'a>(
    version: SpecVersion,
    attrs: Vec<(Cow<'a, str>, Cow<'a, str>)>,
) -> Result<UpgradedBinary<'a>, EventError> {
    let mut out = UpgradedBinary {
        attributes: Vec::with_capacity(attrs.len()),
        base64_body: false,
    };
    if version == SpecVersion::V10 {
        out.attributes = attrs;
        return Ok(out);
    }
    let mut maps: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for (name, value) in attrs {
        let name = lowercase(name);
        let renamed: Cow<'a, str> = match (version, &*name) {
            (_, "specversion") | (SpecVersion::V01, "cloudeventsversion") => {
                out.attributes
                    .push((Cow::Borrowed(attr::SPECVERSION), Cow::Borrowed(SPECVERSION)));
                continue;
            }
            (_, "schemaurl") => Cow::Borrowed(schemaurl_target(&value)),
            (SpecVersion::V03, "datacontentencoding") => {
                out.base64_body = is_base64_encoding(&value)?;
                continue;
            }
            (SpecVersion::V01, n) => match (v01_rename(n), n.strip_prefix("x-")) {
                (Some(new), _) => Cow::Borrowed(new),
                (None, Some(ext)) => Cow::Owned(v01_extension_name(ext)),
                (None, None) => name,
            },
            (_, n) => match n.split_once('-') {
                Some((map, key)) => {
                    add_map_entry(&mut maps, map, key, &value)?;
                    continue;
                }
                None => name,
            },
        };
        out.attributes.push((renamed, value));
    }
    for (map, entries) in maps {
        out.attributes
            .push((Cow::Owned(map), Cow::Owned(map_json(&entries))));
    }
    Ok(out)
}

/// Collects one flattened 0.2/0.3 Map header (`<attr>-<key>`).
fn add_map_entry(
    maps: &mut Vec<(String, Vec<(String, String)>)>,
    map: &str,
    key: &str,
    value: &str,
) -> Result<(), EventError> {
    let entries = match maps.iter_mut().position(|(m, _)| m == map) {
        Some(i) => &mut maps[i].1,
        None => {
            maps.push((map.to_owned(), Vec::new()));
            let last = maps.len() - 1;
            &mut maps[last].1
        }
    };
    if entries.iter().any(|(k, _)| k == key) {
        return Err(EventError::DuplicateAttribute(format!("{map}-{key}")));
    }
    entries.push((key.to_owned(), value.to_owned()));
    Ok(())
}

/// A Map's entries as a compact JSON object of Strings, in arrival order.
fn map_json(entries: &[(String, String)]) -> String {
    let mut out = vec![b'{'];
    for (i, (key, value)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        crate::json::encode::write_string(&mut out, key);
        out.push(b':');
        crate::json::encode::write_string(&mut out, value);
    }
    out.push(b'}');
    // Built only from `str`s and ASCII punctuation, so always UTF-8.
    String::from_utf8_lossy(&out).into_owned()
}
