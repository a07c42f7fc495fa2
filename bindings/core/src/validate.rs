//! The spec's validity rules for attribute names and values (spec digest 1.2-1.5, 2.5).
// STUB: to be completed (names, types, Integer range, timestamps, media types, URIs,
// forbidden characters, empty-string rules).

use crate::error::EventError;
use crate::event::{AttrInput, Validated};

/// Attribute names: one or more of `a-z0-9`, and never `data`.
pub(crate) fn name(name: &str) -> Result<(), EventError> {
    if name.is_empty()
        || name == "data"
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return Err(EventError::InvalidName(name.to_owned()));
    }
    Ok(())
}

/// Checks one value against the rules for its attribute name.
pub(crate) fn attribute_value(name: &str, value: AttrInput<'_>) -> Result<Validated, EventError> {
    match value {
        AttrInput::String(s) if s.is_empty() => Err(EventError::EmptyAttribute(name.to_owned())),
        AttrInput::String(s) => Ok(Validated::String(s.into_owned())),
        AttrInput::Integer(i) => i32::try_from(i)
            .map(Validated::Integer)
            .map_err(|_| EventError::IntegerOutOfRange(name.to_owned())),
        AttrInput::Boolean(b) => Ok(Validated::Boolean(b)),
    }
}
