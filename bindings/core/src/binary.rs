//! Binary content mode, protocol-neutral: attributes as (name, canonical string)
//! pairs, `datacontenttype` as the protocol's content-type field, data as the body.
//! Each binding adds its own prefix and value encoding around these.
// STUB: to be completed (legacy upgrade of binary attributes).

use std::borrow::Cow;

use bytes::Bytes;

use crate::error::EventError;
use crate::event::{attr, AttrInput, Data, DataForm, Event, EventBuilder};
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
pub fn decode<'a>(
    attributes: impl IntoIterator<Item = (Cow<'a, str>, Cow<'a, str>)>,
    content_type: Option<&str>,
    body: Option<Bytes>,
) -> Result<Event, EventError> {
    let mut builder = EventBuilder::new();
    for (name, value) in attributes {
        builder.attribute(&name, AttrInput::String(value))?;
    }
    if let Some(ct) = content_type {
        builder.attribute(attr::DATACONTENTTYPE, AttrInput::String(Cow::Borrowed(ct)))?;
    }
    if let Some(body) = body {
        builder.data(Data::from_body(body, content_type));
    }
    builder.build()
}
