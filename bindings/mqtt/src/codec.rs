//! Pure functions between an event and the CloudEvents-relevant parts of an MQTT
//! PUBLISH (spec digest 3.6): payload bytes, the MQTT 5 `Content Type` property
//! and the user properties. No broker is needed to test them.
//!
//! - MQTT 3.1.1 has no properties: the payload is the JSON event format.
//! - MQTT 5 binary: `Content Type` = `datacontenttype` (`application/json` for
//!   JSON data that came without one), one user property per other attribute
//!   with its bare name and canonical string, payload = the data bytes.
//! - MQTT 5 structured: `Content Type: application/cloudevents+json;
//!   charset=UTF-8`, payload = the JSON event.
//!
//! Decoding detects the mode per message: a `Content Type` starting with
//! `application/cloudevents` is structured; else a `specversion` (or sdk-go's
//! `ce-specversion`) user property is binary; else a payload that looks like a
//! JSON event is structured (3.1.1 style); else it is not a CloudEvent.

use std::borrow::Cow;

use bytes::Bytes;
use ferry_core::media_type::{is_batch, is_cloudevents, is_structured_json, STRUCTURED_JSON};
use ferry_core::wrap::looks_like_structured_event;
use ferry_core::{binary, json, ContentMode, Event};

use crate::config::MqttVersion;
use crate::error::DecodeError;
use crate::names::{CE_PREFIX, DATACONTENTTYPE, SPECVERSION};

/// The parts of a PUBLISH that carry an event. On 3.1.1 only `payload` is used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frame {
    pub payload: Bytes,
    /// MQTT 5 `Content Type` property.
    pub content_type: Option<String>,
    /// MQTT 5 user properties, in order (names may repeat in MQTT).
    pub user_properties: Vec<(String, String)>,
}

/// Lays an event out for `version` in `mode` (3.1.1 is always structured).
pub fn encode(event: &Event, version: MqttVersion, mode: ContentMode) -> Frame {
    match (version, mode) {
        (MqttVersion::V311, _) => Frame {
            payload: json::encode(event).into(),
            ..Frame::default()
        },
        (MqttVersion::V5, ContentMode::Structured) => Frame {
            payload: json::encode(event).into(),
            content_type: Some(STRUCTURED_JSON.to_owned()),
            user_properties: Vec::new(),
        },
        (MqttVersion::V5, ContentMode::Binary) => {
            let parts = binary::encode(event);
            Frame {
                payload: parts.body.unwrap_or_default(),
                content_type: parts.content_type.map(str::to_owned),
                user_properties: parts
                    .attributes
                    .into_iter()
                    .map(|(name, value)| (name.to_owned(), value.into_owned()))
                    .collect(),
            }
        }
    }
}

/// Reads the event a message carries, detecting its mode as the module doc says.
/// [`DecodeError::NotACloudEvent`] is the one error a `wrap` table may turn into
/// an event; every other error is a broken CloudEvent.
pub fn decode(frame: &Frame) -> Result<Event, DecodeError> {
    if let Some(content_type) = frame.content_type.as_deref() {
        if is_cloudevents(content_type) {
            if is_batch(content_type) || !is_structured_json(content_type) {
                return Err(DecodeError::UnsupportedFormat(content_type.to_owned()));
            }
            return Ok(json::decode(frame.payload.clone())?);
        }
    }
    if let Some(prefix) = binary_prefix(&frame.user_properties) {
        return decode_binary(frame, prefix);
    }
    if looks_like_structured_event(&frame.payload) {
        return Ok(json::decode(frame.payload.clone())?);
    }
    Err(DecodeError::NotACloudEvent)
}

/// The attribute-name prefix of a binary-mode message: `""` when a bare
/// `specversion` user property is present, `"ce-"` for sdk-go's spelling.
fn binary_prefix(properties: &[(String, String)]) -> Option<&'static str> {
    if properties.iter().any(|(name, _)| name == SPECVERSION) {
        return Some("");
    }
    let prefixed = |name: &str| {
        strip_prefix_ignore_case(name, CE_PREFIX).is_some_and(|rest| rest == SPECVERSION)
    };
    properties
        .iter()
        .any(|(name, _)| prefixed(name))
        .then_some(CE_PREFIX)
}

fn decode_binary(frame: &Frame, prefix: &str) -> Result<Event, DecodeError> {
    let mut attributes: Vec<(Cow<'_, str>, Cow<'_, str>)> = Vec::new();
    let mut content_type = frame.content_type.as_deref();
    let mut property_content_type = None;
    for (name, value) in &frame.user_properties {
        let Some(attribute) = attribute_name(name, prefix) else {
            // Application metadata, not an attribute: it stays behind.
            continue;
        };
        if attribute == DATACONTENTTYPE && property_content_type.is_none() {
            // Tolerated (the spec's own example writes it); `Content Type` wins.
            property_content_type = Some(value.as_str());
            continue;
        }
        attributes.push((Cow::Borrowed(attribute), Cow::Borrowed(value.as_str())));
    }
    if content_type.is_none() {
        content_type = property_content_type;
    }
    Ok(binary::decode(
        attributes,
        content_type,
        Some(frame.payload.clone()),
    )?)
}

/// The attribute a user property names, if it names one. Bare names count only
/// when they can be attribute names (a-z, 0-9), so application properties such
/// as `Trace-Id` pass through; with the `ce-` convention, every `ce-` property is
/// an attribute (a bad name after the prefix is then an error, not ignored).
fn attribute_name<'a>(name: &'a str, prefix: &str) -> Option<&'a str> {
    if prefix.is_empty() {
        let valid = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        valid.then_some(name)
    } else {
        strip_prefix_ignore_case(name, prefix)
    }
}

fn strip_prefix_ignore_case<'a>(name: &'a str, prefix: &str) -> Option<&'a str> {
    let head = name.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &name[prefix.len()..])
}

#[cfg(test)]
#[path = "codec_tests.rs"]
mod tests;
