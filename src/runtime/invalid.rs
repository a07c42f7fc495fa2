//! Input that is not a valid event, wrapped for a source's dead letter as a
//! `dev.ferry.invalid` event carrying the original bytes and the reason.

use bytes::Bytes;
use ferry_core::event::{attr, AttrInput, SPECVERSION};
use ferry_core::{clock, Data, DataForm, Event, EventBuilder, EventError};

use super::dead_letter::{extension_text, DEADLETTERREASON};

/// The type of the event that carries invalid input.
pub const INVALID_TYPE: &str = "dev.ferry.invalid";
/// Extension naming the source the input arrived on.
pub const DEADLETTERSOURCE: &str = "deadlettersource";
/// The original bytes are opaque: they did not parse as what they claimed to be.
const OCTET_STREAM: &str = "application/octet-stream";

/// Wraps `payload` from source `source` with the reason it was refused.
pub fn invalid_event(source: &str, payload: Bytes, reason: &str) -> Result<Event, EventError> {
    let attributes = [
        (attr::SPECVERSION, SPECVERSION.to_owned()),
        (attr::ID, clock::new_id()),
        (attr::SOURCE, format!("ferry://sources/{source}")),
        (attr::TYPE, INVALID_TYPE.to_owned()),
        (attr::TIME, clock::now_rfc3339()),
        (attr::DATACONTENTTYPE, OCTET_STREAM.to_owned()),
        (DEADLETTERSOURCE, source.to_owned()),
        (DEADLETTERREASON, extension_text(reason)),
    ];
    let mut builder = EventBuilder::new();
    for (name, value) in attributes {
        builder.attribute(name, AttrInput::String(value.into()))?;
    }
    // Binary form: written as `data_base64`, byte-exact whatever the input was.
    builder.data(Data::new(payload, DataForm::Binary));
    builder.build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_core::AttrRef;

    #[test]
    fn wraps_bytes_and_reason() {
        let payload = Bytes::from_static(b"\xffnot json");
        let event = invalid_event("devices", payload.clone(), "invalid JSON").unwrap();
        assert_eq!(event.ty(), INVALID_TYPE);
        assert_eq!(event.source(), "ferry://sources/devices");
        assert_eq!(
            uuid::Uuid::parse_str(event.id()).unwrap().get_version_num(),
            7
        );
        let data = event.data().unwrap();
        assert_eq!((data.bytes(), data.form()), (&payload, DataForm::Binary));
        let ext = |n| event.attribute(n);
        assert_eq!(ext(DEADLETTERSOURCE), Some(AttrRef::String("devices")));
        assert_eq!(ext(DEADLETTERREASON), Some(AttrRef::String("invalid JSON")));
        assert!(event.time().unwrap().ends_with('Z'));
    }
}
