//! Binary content mode, protocol-neutral: attributes as (name, canonical string)
//! pairs, `datacontenttype` as the protocol's content-type field, data as the body.
//! Each binding adds its own prefix and value encoding around these.

use std::borrow::Cow;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;

use crate::error::EventError;
use crate::event::{attr, AttrInput, Data, DataForm, Event, EventBuilder};
use crate::legacy;
use crate::media_type::APPLICATION_JSON;

/// An event's binary-mode parts, borrowed from the event.
#[derive(Debug)]
pub struct BinaryParts<'a> {
    /// Every attribute but `datacontenttype`, as canonical strings, names bare.
    pub attributes: Vec<(&'a str, Cow<'a, str>)>,
    /// The protocol content type: `datacontenttype`, or `application/json` for
    /// JSON data that arrived without one.
    pub content_type: Option<&'a str>,
    /// The data bytes; `None` for an event without data.
    pub body: Option<Bytes>,
}

/// Splits an event into binary-mode parts.
pub fn encode(event: &Event) -> BinaryParts<'_> {
    let attributes = event
        .attributes()
        .filter(|(name, _)| *name != attr::DATACONTENTTYPE)
        .map(|(name, value)| {
            let canonical = match value {
                crate::event::AttrRef::String(s) => Cow::Borrowed(s),
                other => Cow::Owned(other.to_canonical().into_owned()),
            };
            (name, canonical)
        })
        .collect();
    let content_type = match (event.datacontenttype(), event.data()) {
        (Some(ct), _) => Some(ct),
        (None, Some(data)) if data.form() == DataForm::Json => Some(APPLICATION_JSON),
        _ => None,
    };
    BinaryParts {
        attributes,
        content_type,
        body: event.data().map(|d| d.bytes().clone()),
    }
}

/// Builds an event from binary-mode parts. `attributes` have their prefix removed
/// and their names lowercased where the carrier is case-insensitive; values are
/// already decoded from the carrier's encoding.
///
/// Legacy attribute sets are upgraded first ([`crate::legacy`]): `specversion`
/// 0.3/0.2, and 0.1's `cloudeventsversion`, `eventid`, `eventtype`, `eventtime`,
/// `schemaurl`, `eventtypeversion` and `x-<name>` extensions. A `datacontenttype`
/// among the attributes as well as a `content_type` is a duplicate attribute. An
/// empty body is no data (spec 2.2: neither `data` nor `data_base64`).
pub fn decode<'a>(
    attributes: impl IntoIterator<Item = (Cow<'a, str>, Cow<'a, str>)>,
    content_type: Option<&str>,
    body: Option<Bytes>,
) -> Result<Event, EventError> {
    let attributes: Vec<_> = attributes.into_iter().collect();
    let version = legacy::detect_binary(&attributes)?;
    let upgraded = legacy::upgrade_binary(version, attributes)?;
    let mut builder = EventBuilder::new();
    for (name, value) in upgraded.attributes {
        builder.attribute(&name, AttrInput::String(value))?;
    }
    if let Some(ct) = content_type {
        builder.attribute(attr::DATACONTENTTYPE, AttrInput::String(Cow::Borrowed(ct)))?;
    }
    let body = match body {
        Some(body) if upgraded.base64_body => Some(decode_base64_body(&body)?),
        other => other,
    };
    if let Some(body) = body.filter(|b| !b.is_empty()) {
        builder.data(Data::from_body(body, content_type));
    }
    builder.build()
}

/// A 0.3 body declared `datacontentencoding: base64`.
fn decode_base64_body(body: &[u8]) -> Result<Bytes, EventError> {
    STANDARD
        .decode(body)
        .map(Bytes::from)
        .map_err(|e| EventError::InvalidBase64(e.to_string()))
}
