//! JSON → event (spec digest 2.1, 2.3, 2.5), with the legacy upgrade in between.
//!
//! `data` is never parsed into a value: JSON data is the raw member text, shared
//! with the input buffer; text data is the string content, shared too unless it
//! held escapes; `data_base64` is decoded to fresh bytes.

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::{alphabet, Engine};
use bytes::Bytes;
use serde_json::value::RawValue;

use crate::error::EventError;
use crate::event::{Data, DataForm, Event, EventBuilder};
use crate::json::raw::{self, Kind, Member, MemberValue};
use crate::legacy::{self, SpecVersion};
use crate::media_type;

/// Standard alphabet; padding written by ferry, but tolerated missing on input
/// (the bytes are the same either way).
const BASE64_IN: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes the event whose JSON text is `bytes`, a slice of `input` (the whole
/// input for one event, an element's text for a batch). Returns the version the
/// input declared, before the upgrade to 1.0.
pub(crate) fn decode_event(
    input: &Bytes,
    bytes: &[u8],
) -> Result<(Event, SpecVersion), EventError> {
    let members = raw::parse_object(bytes)?;
    let version = legacy::detect_json(&members)?;
    let members = legacy::upgrade_json(version, members)?;
    assemble(input, &members).map(|event| (event, version))
}

/// Builds the event from 1.0-shaped members.
fn assemble(input: &Bytes, members: &[Member<'_>]) -> Result<Event, EventError> {
    let mut builder = EventBuilder::new();
    let mut data = None;
    let mut data_base64 = None;
    for member in members {
        let slot = match &*member.name {
            "data" => &mut data,
            "data_base64" => &mut data_base64,
            name => {
                if let Some(value) = raw::attr_input(name, &member.value)? {
                    builder.attribute(name, value)?;
                }
                continue;
            }
        };
        // Duplicates were refused on the original names; a legacy rename can
        // still collide (0.3 base64 `data` next to a stray `data_base64`).
        if slot.is_some() {
            return Err(EventError::DuplicateAttribute(member.name.to_string()));
        }
        *slot = Some(data_raw(&member.name, &member.value)?);
    }
    if let Some(data) = read_data(input, &builder, data, data_base64)? {
        builder.data(data);
    }
    builder.build()
}

fn data_raw<'a>(name: &str, value: &'a MemberValue<'a>) -> Result<&'a RawValue, EventError> {
    match value {
        MemberValue::Raw(raw) => Ok(raw),
        MemberValue::Text(_) => Err(EventError::Other(format!(
            "`{name}` was rewritten by the legacy upgrade"
        ))),
    }
}

/// The exact `data` / `data_base64` rules.
fn read_data(
    input: &Bytes,
    builder: &EventBuilder,
    data: Option<&RawValue>,
    data_base64: Option<&RawValue>,
) -> Result<Option<Data>, EventError> {
    // `null` means absent for data_base64 (it is never a payload of its own);
    // `"data": null` is a JSON null payload and stays.
    let data_base64 = data_base64.filter(|raw| raw::kind(raw) != Kind::Null);
    match (data, data_base64) {
        (Some(_), Some(_)) => Err(EventError::DataConflict),
        (None, Some(b64)) => base64_data(b64).map(Some),
        (Some(data), None) => inline_data(input, builder.datacontenttype(), data),
        (None, None) => Ok(None),
    }
}

fn base64_data(raw: &RawValue) -> Result<Data, EventError> {
    let text = raw::string(raw)?.ok_or(EventError::InvalidType {
        name: "data_base64".to_owned(),
        expected: "a Base64 string",
    })?;
    let bytes = BASE64_IN
        .decode(text.as_bytes())
        .map_err(|e| EventError::InvalidBase64(e.to_string()))?;
    Ok(Data::new(Bytes::from(bytes), DataForm::Binary))
}

/// `data` as JSON (content type absent or JSON) or as text (any other type).
fn inline_data(
    input: &Bytes,
    datacontenttype: Option<&str>,
    raw: &RawValue,
) -> Result<Option<Data>, EventError> {
    if datacontenttype.is_none_or(media_type::declares_json) {
        let bytes = raw::share(input, raw.get().as_bytes());
        return Ok(Some(Data::new(bytes, DataForm::Json)));
    }
    match raw::kind(raw) {
        // A non-JSON type cannot carry a JSON null payload: no data.
        Kind::Null => Ok(None),
        Kind::String => {
            let text = raw.get();
            let inner = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
            let bytes = if inner.contains('\\') {
                Bytes::from(raw::string(raw)?.unwrap_or_default().into_owned())
            } else {
                raw::share(input, inner.as_bytes())
            };
            Ok(Some(Data::new(bytes, DataForm::Text)))
        }
        _ => Err(EventError::InvalidType {
            name: "data".to_owned(),
            expected: "a string when datacontenttype is not JSON",
        }),
    }
}
