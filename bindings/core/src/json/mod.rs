//! The JSON event format (`application/cloudevents+json`) and its batch format.
//!
//! Decoding is one pass of serde_json over the input into `(name, &RawValue)`
//! members ([`raw`]), then the legacy upgrade ([`crate::legacy`]), then the
//! [`EventBuilder`](crate::event::EventBuilder) rules. No `serde_json::Value`
//! tree is built, and JSON `data` stays a zero-copy slice of the input `Bytes`.
//! Encoding is written by hand ([`encode`]) in a fixed member order.

mod batch;
mod decode;
pub(crate) mod encode;
pub(crate) mod raw;

use bytes::Bytes;

use crate::error::EventError;
use crate::event::Event;

pub use batch::{decode_batch, encode_batch};
pub use encode::{encode_into, encode_line_into};

/// Decodes one structured-mode JSON event (legacy versions are upgraded to 1.0).
pub fn decode(input: Bytes) -> Result<Event, EventError> {
    decode::decode_event(&input, &input).map(|(event, _)| event)
}

/// Encodes one event in the JSON format.
pub fn encode(event: &Event) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + event.data().map_or(0, |d| d.bytes().len()));
    encode_into(event, &mut out);
    out
}
