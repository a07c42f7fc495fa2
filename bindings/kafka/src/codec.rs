//! Pure functions between an event and the parts of a Kafka record (key, value
//! bytes, headers), per spec digest 3.0 and 3.7. No I/O: the source, the sink
//! and the tests all go through these.
//!
//! Writing: binary mode puts every attribute but `datacontenttype` in a
//! `ce_<name>` header holding its canonical string as UTF-8 (no percent-encoding
//! in Kafka), `datacontenttype` in `content-type` (`application/json` for JSON
//! data that had none; no header when absent) and the data bytes in the value; an
//! event without data is a record with a null value (a tombstone). Structured mode
//! writes `content-type: application/cloudevents+json; charset=UTF-8` and the JSON
//! format as the value. The key is the canonical string of one attribute when the
//! sink names one, else null; the event is never changed by it.
//!
//! Reading: header keys match case-insensitively, the last of duplicate keys wins
//! and a header with a null value counts as absent. A CloudEvents `content-type`
//! means structured; otherwise any `ce_` header means binary, with
//! `ce_datacontenttype` as the fallback for a missing `content-type`. A record
//! with neither is a structured event when its value is a JSON object with a
//! `specversion`, a tombstone when its value is null, and a raw payload otherwise.

use std::borrow::Cow;

use bytes::Bytes;
use ferry_core::media_type::{self, STRUCTURED_JSON};
use ferry_core::{binary, json, ContentMode, Event, EventError};

use crate::error::DecodeError;
use crate::header::{self, CE_PREFIX, CONTENT_TYPE, DATACONTENTTYPE};

/// An event laid out as a Kafka record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The record key: the canonical string of the sink's `key` attribute.
    pub key: Option<String>,
    /// The record value; `None` is a null value (a tombstone).
    pub value: Option<Bytes>,
    /// Header keys and values, in writing order.
    pub headers: Vec<(String, Vec<u8>)>,
}

/// Lays an event out in `mode`, keyed by the attribute `key_attribute` if the
/// event has it (no key otherwise).
pub fn encode(event: &Event, mode: ContentMode, key_attribute: Option<&str>) -> Record {
    let key = key_attribute
        .and_then(|name| event.attribute(name))
        .map(|value| value.to_canonical().into_owned());
    match mode {
        ContentMode::Binary => encode_binary(event, key),
        ContentMode::Structured => Record {
            key,
            value: Some(Bytes::from(json::encode(event))),
            headers: vec![(CONTENT_TYPE.to_owned(), STRUCTURED_JSON.as_bytes().to_vec())],
        },
    }
}

fn encode_binary(event: &Event, key: Option<String>) -> Record {
    let parts = binary::encode(event);
    let mut headers = Vec::with_capacity(parts.attributes.len() + 1);
    for (name, value) in &parts.attributes {
        headers.push((format!("{CE_PREFIX}{name}"), value.as_bytes().to_vec()));
    }
    if let Some(content_type) = parts.content_type {
        headers.push((CONTENT_TYPE.to_owned(), content_type.as_bytes().to_vec()));
    }
    Record {
        key,
        value: parts.body,
        headers,
    }
}

/// What one Kafka record carried.
#[derive(Debug)]
pub enum Decoded {
    /// A valid event (binary or structured).
    Event(Box<Event>),
    /// A null value without CloudEvents headers: nothing to route.
    Tombstone,
    /// A value with no CloudEvents markers at all: `wrap` material.
    Raw(Bytes),
    /// Not a valid event; `value` is the record value (empty when null).
    Invalid { value: Bytes, error: DecodeError },
}

/// One record header as read: key bytes and value (`None`: a null value).
pub type HeaderRef<'a> = (&'a [u8], Option<&'a [u8]>);

/// Reads the event a record carries. Never fails: what is not an event is
/// [`Decoded::Invalid`], [`Decoded::Tombstone`] or [`Decoded::Raw`].
pub fn decode(headers: &[HeaderRef<'_>], value: Option<Bytes>) -> Decoded {
    match decode_event(headers, value.clone()) {
        Ok(decoded) => decoded,
        Err(error) => Decoded::Invalid {
            value: value.unwrap_or_default(),
            error,
        },
    }
}

fn decode_event(headers: &[HeaderRef<'_>], value: Option<Bytes>) -> Result<Decoded, DecodeError> {
    let found = CeHeaders::collect(headers)?;
    let content_type = found
        .content_type
        .map(|v| utf8(CONTENT_TYPE, v))
        .transpose()?;
    if let Some(ct) = content_type.filter(|ct| media_type::is_cloudevents(ct)) {
        if !media_type::is_structured_json(ct) {
            return Err(DecodeError::UnsupportedFormat(ct.to_owned()));
        }
        let value = value.ok_or(DecodeError::NullStructuredValue)?;
        return Ok(Decoded::Event(Box::new(json::decode(value)?)));
    }
    if !found.attributes.is_empty() {
        return decode_binary(found.attributes, content_type, value);
    }
    match value {
        None => Ok(Decoded::Tombstone),
        Some(value) if ferry_core::wrap::looks_like_structured_event(&value) => {
            Ok(Decoded::Event(Box::new(json::decode(value)?)))
        }
        Some(value) => Ok(Decoded::Raw(value)),
    }
}

/// Binary mode: `ce_` headers as attributes, `content-type` (or, without it,
/// `ce_datacontenttype`) as `datacontenttype`, the value as data.
fn decode_binary(
    attributes: Vec<(String, &[u8])>,
    content_type: Option<&str>,
    value: Option<Bytes>,
) -> Result<Decoded, DecodeError> {
    let mut fallback_content_type = None;
    let mut decoded = Vec::with_capacity(attributes.len());
    for (name, raw) in &attributes {
        let text = utf8(name, raw)?;
        if name == DATACONTENTTYPE {
            // `content-type` wins when both are present (the JS SDK writes both).
            fallback_content_type = Some(text);
        } else {
            decoded.push((Cow::Borrowed(name.as_str()), Cow::Borrowed(text)));
        }
    }
    let content_type = content_type.or(fallback_content_type);
    let event = binary::decode(decoded, content_type, value)?;
    Ok(Decoded::Event(Box::new(event)))
}

/// The headers that matter, after case folding, last-wins and null skipping.
struct CeHeaders<'a> {
    content_type: Option<&'a [u8]>,
    /// Attribute names (lowercased, prefix removed) with their raw values.
    attributes: Vec<(String, &'a [u8])>,
}

impl<'a> CeHeaders<'a> {
    fn collect(headers: &[HeaderRef<'a>]) -> Result<Self, DecodeError> {
        let mut found = CeHeaders {
            content_type: None,
            attributes: Vec::new(),
        };
        for &(key, value) in headers {
            // A null value is an absent header: it neither sets nor clears.
            let Some(value) = value else { continue };
            if header::is_content_type(key) {
                found.content_type = Some(value);
            } else if let Some(name) = header::strip_ce_prefix(key) {
                let name = std::str::from_utf8(name)
                    .map_err(|_| DecodeError::HeaderKey(String::from_utf8_lossy(key).into()))?
                    .to_ascii_lowercase();
                match found.attributes.iter_mut().find(|(n, _)| *n == name) {
                    Some(entry) => entry.1 = value,
                    None => found.attributes.push((name, value)),
                }
            }
        }
        Ok(found)
    }
}

/// A header value as text; Kafka header values in CloudEvents are UTF-8.
fn utf8<'v>(name: &str, value: &'v [u8]) -> Result<&'v str, DecodeError> {
    std::str::from_utf8(value).map_err(|_| {
        let header = if name == CONTENT_TYPE {
            CONTENT_TYPE.to_owned()
        } else {
            format!("{CE_PREFIX}{name}")
        };
        DecodeError::Event(EventError::InvalidHeaderValue {
            name: header,
            reason: "not UTF-8".into(),
        })
    })
}

#[cfg(test)]
#[path = "codec_tests.rs"]
mod tests;
