//! The JSON batch format (`application/cloudevents-batch+json`, spec digest 2.4):
//! an array of JSON events, `[]` included, all of one `specversion`.

use bytes::Bytes;
use serde_json::value::RawValue;

use crate::error::EventError;
use crate::event::Event;
use crate::json::decode::decode_event;
use crate::json::encode::encode_into;
use crate::legacy::SpecVersion;

/// Decodes a JSON batch; `[]` is valid. Any invalid element (including one that is
/// not an object) makes the whole batch invalid, and the error names its index.
/// Elements must all declare the same specversion (compared before the legacy
/// upgrade: a 0.3 event next to a 1.0 one is a mixed batch).
pub fn decode_batch(input: Bytes) -> Result<Vec<Event>, EventError> {
    let first = input.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'[') {
        return Err(
            match serde_json::from_slice::<serde::de::IgnoredAny>(&input) {
                Ok(_) => EventError::NotAnArray,
                Err(e) => EventError::Json(e.to_string()),
            },
        );
    }
    // Element texts are borrowed from `input`, so each event's data still shares
    // the input buffer.
    let elements: Vec<&RawValue> =
        serde_json::from_slice(&input).map_err(|e| EventError::Json(e.to_string()))?;
    let mut events = Vec::with_capacity(elements.len());
    let mut batch_version: Option<SpecVersion> = None;
    for (index, element) in elements.iter().enumerate() {
        let at = |error| EventError::BatchElement {
            index,
            error: Box::new(error),
        };
        let (event, version) = decode_event(&input, element.get().as_bytes()).map_err(at)?;
        match batch_version {
            Some(v) if v != version => return Err(at(EventError::BatchMixedSpecVersion)),
            _ => batch_version = Some(version),
        }
        events.push(event);
    }
    Ok(events)
}

/// Encodes events as a JSON batch.
pub fn encode_batch<'a>(events: impl IntoIterator<Item = &'a Event>) -> Vec<u8> {
    let mut out = vec![b'['];
    for (i, event) in events.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        encode_into(event, &mut out);
    }
    out.push(b']');
    out
}
