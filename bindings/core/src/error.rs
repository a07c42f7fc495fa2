//! Why an input is not a valid CloudEvent. Every variant names the attribute or
//! member at fault, so the HTTP source can answer 400 with a useful reason and a
//! dead-lettered input carries the same text.

use thiserror::Error;

/// A reason why bytes or metadata do not form a valid CloudEvents 1.0 event.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EventError {
    #[error("missing required attribute `{0}`")]
    MissingAttribute(&'static str),
    #[error("attribute `{0}` must not be empty")]
    EmptyAttribute(String),
    #[error("invalid attribute name `{0}`: names are 1+ characters of a-z and 0-9")]
    InvalidName(String),
    #[error("attribute `{0}` appears more than once")]
    DuplicateAttribute(String),
    #[error("attribute `{name}` must be {expected}")]
    InvalidType {
        name: String,
        expected: &'static str,
    },
    #[error("attribute `{0}` is outside the 32-bit Integer range")]
    IntegerOutOfRange(String),
    #[error("unsupported specversion `{0}`")]
    UnsupportedSpecVersion(String),
    #[error("attribute `{name}` is not an RFC 3339 timestamp: `{value}`")]
    InvalidTimestamp { name: String, value: String },
    #[error("attribute `datacontenttype` is not an RFC 2046 media type: `{0}`")]
    InvalidMediaType(String),
    #[error("attribute `{name}` is not an absolute URI: `{value}`")]
    InvalidUri { name: String, value: String },
    #[error("attribute `{0}` contains a forbidden character (control or noncharacter)")]
    ForbiddenCharacter(String),
    #[error("both `data` and `data_base64` are present")]
    DataConflict,
    #[error("`data_base64` is not valid Base64: {0}")]
    InvalidBase64(String),
    #[error("invalid JSON: {0}")]
    Json(String),
    #[error("a structured event must be a JSON object")]
    NotAnObject,
    #[error("a JSON batch must be a JSON array")]
    NotAnArray,
    #[error("batch events must share one specversion")]
    BatchMixedSpecVersion,
    #[error("batch element {index}: {error}")]
    BatchElement {
        index: usize,
        error: Box<EventError>,
    },
    #[error("invalid value in header `{name}`: {reason}")]
    InvalidHeaderValue { name: String, reason: String },
    #[error("unsupported legacy value for `{name}`: `{value}`")]
    UnsupportedLegacyValue { name: String, value: String },
    #[error("{0}")]
    Other(String),
}
