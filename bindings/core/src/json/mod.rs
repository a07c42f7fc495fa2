//! The JSON event format (`application/cloudevents+json`) and its batch format.
// STUB: to be completed: zero-copy decode, exact data/data_base64 rules, legacy
// upgrade, batch.

use bytes::Bytes;

use crate::error::EventError;
use crate::event::Event;

/// Decodes one structured-mode JSON event (legacy versions are upgraded to 1.0).
pub fn decode(input: Bytes) -> Result<Event, EventError> {
    let _ = input;
    Err(EventError::Other(
        "JSON decoding not implemented yet".into(),
    ))
}

/// Encodes one event in the JSON format.
pub fn encode(event: &Event) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    encode_into(event, &mut out);
    out
}

/// Appends one event in the JSON format to `out` (no trailing newline).
pub fn encode_into(event: &Event, out: &mut Vec<u8>) {
    let _ = (event, out);
}

/// Decodes a JSON batch (`application/cloudevents-batch+json`); `[]` is valid.
pub fn decode_batch(input: Bytes) -> Result<Vec<Event>, EventError> {
    let _ = input;
    Err(EventError::Other(
        "JSON batch decoding not implemented yet".into(),
    ))
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
