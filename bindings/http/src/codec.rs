//! Pure functions between an event and the parts of an HTTP message (a header
//! list and body bytes), per spec digest 3.0 and 3.2. No I/O: the source, the sink
//! and the tests all go through these.
//!
//! Writing: binary mode puts every attribute but `datacontenttype` in a `ce-<name>`
//! header (value percent-encoded by core's `header_value`), `datacontenttype` in
//! `Content-Type` (none when absent; `application/json` for JSON data that had
//! none) and the data bytes in the body. Structured mode writes the JSON format.
//!
//! Reading: the content type picks the mode (batch prefix tested first); binary
//! mode needs a `ce-specversion` header (or the 0.1 `ce-cloudeventsversion`).

use std::borrow::Cow;

use bytes::Bytes;
use ferry_core::{binary, header_value, json, media_type, ContentMode, Event, EventError};
use http::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE};

use crate::error::{DecodeError, EncodeError};
use crate::header::{
    BATCH_JSON_ESSENCE, CE_CLOUDEVENTSVERSION, CE_DATACONTENTTYPE, CE_PREFIX, CE_SPECVERSION,
    STRUCTURED, STRUCTURED_JSON_ESSENCE,
};

/// An event laid out as HTTP: headers to add to the request, and the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpMessage {
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Bytes,
}

/// What one HTTP message carried.
#[derive(Debug)]
pub enum Decoded {
    /// Boxed: an event is large next to a batch's `Vec`.
    Single(Box<Event>),
    /// A JSON batch; may be empty.
    Batch(Vec<Event>),
}

/// Lays an event out in `mode`. An event without data (or with zero bytes of
/// data) goes structured even in binary mode: a webhook delivery must carry a
/// body (spec 4.1), and an empty binary body would read back as "no data".
pub fn encode(event: &Event, mode: ContentMode) -> Result<HttpMessage, EncodeError> {
    let has_body = event.data().is_some_and(|d| !d.bytes().is_empty());
    match mode {
        ContentMode::Binary if has_body => encode_binary(event),
        _ => Ok(encode_structured(event)),
    }
}

/// Binary mode, whatever the data: `ce-*` headers, `Content-Type`, data as body.
pub fn encode_binary(event: &Event) -> Result<HttpMessage, EncodeError> {
    let parts = binary::encode(event);
    let mut headers = Vec::with_capacity(parts.attributes.len() + 1);
    for (name, value) in &parts.attributes {
        // Attribute names are a-z0-9 (checked when the event was built), so the
        // header name is always valid; the value is percent-encoded to visible
        // ASCII. Either failing means a core bug, reported rather than panicking.
        let header = HeaderName::try_from(format!("{CE_PREFIX}{name}"))
            .map_err(|_| EncodeError::HeaderValue(name.to_string()))?;
        let value = HeaderValue::from_str(&header_value::encode(value))
            .map_err(|_| EncodeError::HeaderValue(name.to_string()))?;
        headers.push((header, value));
    }
    if let Some(content_type) = parts.content_type {
        // The plain media type, not percent-encoded (spec 3.2, last bullet).
        let value = HeaderValue::from_str(content_type)
            .map_err(|_| EncodeError::HeaderValue("datacontenttype".into()))?;
        headers.push((CONTENT_TYPE, value));
    }
    Ok(HttpMessage {
        headers,
        body: parts.body.unwrap_or_default(),
    })
}

/// Structured mode: `Content-Type: application/cloudevents+json; charset=UTF-8`.
pub fn encode_structured(event: &Event) -> HttpMessage {
    HttpMessage {
        headers: vec![(CONTENT_TYPE, STRUCTURED)],
        body: Bytes::from(json::encode(event)),
    }
}

/// True when a message claims to carry an event: a CloudEvents content type or
/// a `ce-specversion` header. The sink uses it on responses; a message without
/// these is [`DecodeError::NotACloudEvent`].
pub fn carries_event(headers: &HeaderMap) -> bool {
    let ce_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(media_type::is_cloudevents);
    ce_type || headers.contains_key(CE_SPECVERSION) || headers.contains_key(CE_CLOUDEVENTSVERSION)
}

/// Reads the event or batch an HTTP message carries.
pub fn decode(headers: &HeaderMap, body: Bytes) -> Result<Decoded, DecodeError> {
    let content_type = single_text(headers, &CONTENT_TYPE)?;
    match content_type {
        // Batch first: the structured prefix also matches the batch type.
        Some(ct) if media_type::is_batch(ct) => {
            require_essence(ct, BATCH_JSON_ESSENCE)?;
            Ok(Decoded::Batch(json::decode_batch(body)?))
        }
        Some(ct) if media_type::is_cloudevents(ct) => {
            require_essence(ct, STRUCTURED_JSON_ESSENCE)?;
            Ok(Decoded::Single(Box::new(json::decode(body)?)))
        }
        _ => decode_binary(headers, content_type, body).map(|e| Decoded::Single(Box::new(e))),
    }
}

/// Binary mode: `ce-*` headers (names lowercase, values percent-decoded),
/// `Content-Type` as `datacontenttype`, body as data (empty body: no data).
fn decode_binary(
    headers: &HeaderMap,
    content_type: Option<&str>,
    body: Bytes,
) -> Result<Event, DecodeError> {
    if !headers.contains_key(CE_SPECVERSION) && !headers.contains_key(CE_CLOUDEVENTSVERSION) {
        return Err(DecodeError::NotACloudEvent);
    }
    let mut attributes = Vec::new();
    // `keys` yields each distinct name once, already lowercase.
    for name in headers.keys() {
        let Some(attribute) = name.as_str().strip_prefix(CE_PREFIX) else {
            continue;
        };
        if name == CE_DATACONTENTTYPE {
            return Err(DecodeError::DataContentTypeHeader);
        }
        let mut values = headers.get_all(name).iter();
        let (Some(raw), None) = (values.next(), values.next()) else {
            return Err(DecodeError::RepeatedHeader(name.to_string()));
        };
        let value = header_value::decode(raw.as_bytes()).map_err(|reason| {
            EventError::InvalidHeaderValue {
                name: name.to_string(),
                reason: reason.to_owned(),
            }
        })?;
        attributes.push((Cow::Borrowed(attribute), value));
    }
    let body = (!body.is_empty()).then_some(body);
    Ok(binary::decode(attributes, content_type, body)?)
}

/// A header that may appear at most once, as text.
fn single_text<'a>(
    headers: &'a HeaderMap,
    name: &HeaderName,
) -> Result<Option<&'a str>, DecodeError> {
    let mut values = headers.get_all(name).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(DecodeError::RepeatedHeader(name.to_string()));
    }
    value
        .to_str()
        .map(Some)
        .map_err(|_| DecodeError::NonTextHeader(name.to_string()))
}

/// Only the JSON format is readable; another format (e.g. `+avro`) is a 415.
fn require_essence(content_type: &str, expected: &str) -> Result<(), DecodeError> {
    let essence = content_type
        .split_once(';')
        .map_or(content_type, |(essence, _)| essence);
    if essence.trim().eq_ignore_ascii_case(expected) {
        Ok(())
    } else {
        Err(DecodeError::UnsupportedMediaType(content_type.to_owned()))
    }
}
