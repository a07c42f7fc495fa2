//! The CloudEvents 1.0 event: attributes kept as the exact strings they arrived
//! as, extensions in arrival order, and data as bytes.
//!
//! Every decoder builds events through [`EventBuilder`], the one place where the
//! spec's validity rules are applied, so HTTP headers, JSON members and MQTT user
//! properties are all held to the same rules.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use bytes::Bytes;

use crate::error::EventError;
use crate::validate;

/// The only specversion ferry emits; legacy input is upgraded to it on entry.
pub const SPECVERSION: &str = "1.0";

/// Core attribute names.
pub mod attr {
    pub const SPECVERSION: &str = "specversion";
    pub const ID: &str = "id";
    pub const SOURCE: &str = "source";
    pub const TYPE: &str = "type";
    pub const DATACONTENTTYPE: &str = "datacontenttype";
    pub const DATASCHEMA: &str = "dataschema";
    pub const SUBJECT: &str = "subject";
    pub const TIME: &str = "time";
}

/// How the data bytes are to be written in the JSON format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataForm {
    /// The bytes are JSON text: written as the `data` member verbatim.
    Json,
    /// The bytes are UTF-8 text of a non-JSON type: written as a `data` string.
    Text,
    /// Opaque bytes: written as `data_base64`.
    Binary,
}

/// The event payload: the exact bytes a binary-mode message carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Data {
    bytes: Bytes,
    form: DataForm,
}

impl Data {
    /// Data whose form the caller already knows (e.g. the JSON decoder). For
    /// [`DataForm::Json`] the bytes must be JSON text: the JSON encoder writes them
    /// verbatim (empty bytes are written as an empty `data_base64` instead).
    pub fn new(bytes: Bytes, form: DataForm) -> Self {
        Self { bytes, form }
    }

    /// Data from a binary-mode body: JSON form when the content type declares JSON
    /// and the body parses as JSON, text when it is a UTF-8 text type, else binary.
    pub fn from_body(bytes: Bytes, datacontenttype: Option<&str>) -> Self {
        let form = crate::media_type::data_form_for(&bytes, datacontenttype);
        Self { bytes, form }
    }

    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    pub fn form(&self) -> DataForm {
        self.form
    }
}

/// An extension attribute's value. JSON carries Boolean and Integer natively;
/// everything else (and every binary-mode header) is a String.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtensionValue {
    String(String),
    Integer(i32),
    Boolean(bool),
}

impl ExtensionValue {
    /// A borrowed view of the value.
    pub fn as_attr(&self) -> AttrRef<'_> {
        match self {
            ExtensionValue::String(s) => AttrRef::String(s),
            ExtensionValue::Integer(i) => AttrRef::Integer(*i),
            ExtensionValue::Boolean(b) => AttrRef::Boolean(*b),
        }
    }
}

impl From<Validated> for ExtensionValue {
    fn from(value: Validated) -> Self {
        match value {
            Validated::String(s) => ExtensionValue::String(s),
            Validated::Integer(i) => ExtensionValue::Integer(i),
            Validated::Boolean(b) => ExtensionValue::Boolean(b),
        }
    }
}

/// A borrowed view of any attribute's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrRef<'a> {
    String(&'a str),
    Integer(i32),
    Boolean(bool),
}

impl AttrRef<'_> {
    /// The canonical string of the value (spec 1.3), as every binary carrier writes it.
    pub fn to_canonical(&self) -> Cow<'_, str> {
        match self {
            AttrRef::String(s) => Cow::Borrowed(s),
            AttrRef::Integer(i) => Cow::Owned(i.to_string()),
            AttrRef::Boolean(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        }
    }
}

impl fmt::Display for AttrRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_canonical())
    }
}

/// A valid CloudEvents 1.0 event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    id: String,
    source: String,
    ty: String,
    datacontenttype: Option<String>,
    dataschema: Option<String>,
    subject: Option<String>,
    time: Option<String>,
    extensions: Vec<(String, ExtensionValue)>,
    data: Option<Data>,
}

impl Event {
    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn source(&self) -> &str {
        &self.source
    }
    pub fn ty(&self) -> &str {
        &self.ty
    }
    pub fn specversion(&self) -> &str {
        SPECVERSION
    }
    pub fn datacontenttype(&self) -> Option<&str> {
        self.datacontenttype.as_deref()
    }
    pub fn dataschema(&self) -> Option<&str> {
        self.dataschema.as_deref()
    }
    pub fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }
    pub fn time(&self) -> Option<&str> {
        self.time.as_deref()
    }
    pub fn data(&self) -> Option<&Data> {
        self.data.as_ref()
    }
    pub fn extensions(&self) -> impl Iterator<Item = (&str, &ExtensionValue)> {
        self.extensions.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Any attribute or extension by name.
    pub fn attribute(&self, name: &str) -> Option<AttrRef<'_>> {
        fn string(s: &Option<String>) -> Option<AttrRef<'_>> {
            s.as_deref().map(AttrRef::String)
        }
        match name {
            attr::SPECVERSION => Some(AttrRef::String(SPECVERSION)),
            attr::ID => Some(AttrRef::String(&self.id)),
            attr::SOURCE => Some(AttrRef::String(&self.source)),
            attr::TYPE => Some(AttrRef::String(&self.ty)),
            attr::DATACONTENTTYPE => string(&self.datacontenttype),
            attr::DATASCHEMA => string(&self.dataschema),
            attr::SUBJECT => string(&self.subject),
            attr::TIME => string(&self.time),
            _ => self.extension(name),
        }
    }

    fn extension(&self, name: &str) -> Option<AttrRef<'_>> {
        self.extensions
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_attr())
    }

    /// Every present attribute, core ones first in spec order, then extensions in
    /// arrival order. `datacontenttype` is included; binary carriers that map it to
    /// their own content-type field skip it themselves.
    pub fn attributes(&self) -> impl Iterator<Item = (&str, AttrRef<'_>)> {
        let core = [
            (attr::SPECVERSION, Some(SPECVERSION)),
            (attr::ID, Some(self.id.as_str())),
            (attr::SOURCE, Some(self.source.as_str())),
            (attr::TYPE, Some(self.ty.as_str())),
            (attr::DATACONTENTTYPE, self.datacontenttype.as_deref()),
            (attr::DATASCHEMA, self.dataschema.as_deref()),
            (attr::SUBJECT, self.subject.as_deref()),
            (attr::TIME, self.time.as_deref()),
        ];
        core.into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, AttrRef::String(v))))
            .chain(
                self.extensions
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_attr())),
            )
    }

    /// Sets (or replaces) an attribute from its canonical string, validated as the
    /// decoders validate it. Extensions set this way are Strings.
    pub fn set_attribute(&mut self, name: &str, value: &str) -> Result<(), EventError> {
        validate::name(name)?;
        let value = validate::attribute_value(name, AttrInput::String(Cow::Borrowed(value)))?;
        self.apply(name, value);
        Ok(())
    }

    /// Sets (or replaces) an extension with a typed value.
    pub fn set_extension(&mut self, name: &str, value: ExtensionValue) -> Result<(), EventError> {
        let input = match value {
            ExtensionValue::String(s) => AttrInput::String(Cow::Owned(s)),
            ExtensionValue::Integer(i) => AttrInput::Integer(i64::from(i)),
            ExtensionValue::Boolean(b) => AttrInput::Boolean(b),
        };
        validate::name(name)?;
        let value = validate::attribute_value(name, input)?;
        self.apply(name, value);
        Ok(())
    }

    /// Removes an optional attribute or extension. Required attributes stay: the
    /// result would not be an event. Returns whether something was removed.
    pub fn remove_attribute(&mut self, name: &str) -> bool {
        let slot = match name {
            attr::DATACONTENTTYPE => &mut self.datacontenttype,
            attr::DATASCHEMA => &mut self.dataschema,
            attr::SUBJECT => &mut self.subject,
            attr::TIME => &mut self.time,
            _ => {
                let before = self.extensions.len();
                self.extensions.retain(|(k, _)| k != name);
                return before != self.extensions.len();
            }
        };
        slot.take().is_some()
    }

    /// Replaces the data.
    pub fn set_data(&mut self, data: Option<Data>) {
        self.data = data;
    }

    fn apply(&mut self, name: &str, value: Validated) {
        match (name, value) {
            (attr::SPECVERSION, _) => {}
            (attr::ID, Validated::String(s)) => self.id = s,
            (attr::SOURCE, Validated::String(s)) => self.source = s,
            (attr::TYPE, Validated::String(s)) => self.ty = s,
            (attr::DATACONTENTTYPE, Validated::String(s)) => self.datacontenttype = Some(s),
            (attr::DATASCHEMA, Validated::String(s)) => self.dataschema = Some(s),
            (attr::SUBJECT, Validated::String(s)) => self.subject = Some(s),
            (attr::TIME, Validated::String(s)) => self.time = Some(s),
            (_, v) => {
                let v = ExtensionValue::from(v);
                match self.extensions.iter_mut().find(|(k, _)| k == name) {
                    Some(slot) => slot.1 = v,
                    None => self.extensions.push((name.to_owned(), v)),
                }
            }
        }
    }
}

/// An attribute value as a decoder found it, before validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttrInput<'a> {
    String(Cow<'a, str>),
    /// A JSON integer, not yet range-checked.
    Integer(i64),
    Boolean(bool),
}

/// An attribute value that passed the rules for its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Validated {
    String(String),
    Integer(i32),
    Boolean(bool),
}

/// Collects attributes from any carrier and checks the whole event once.
///
/// `specversion` must be added like any attribute (and must be `1.0`: legacy input
/// is upgraded before it gets here). Duplicates, bad names, wrong types and empty
/// values are refused as they are added; missing required attributes at `build`.
#[derive(Debug, Default)]
pub struct EventBuilder {
    specversion: bool,
    id: Option<String>,
    source: Option<String>,
    ty: Option<String>,
    /// Names added so far: a short list searched linearly (the usual dozen), then
    /// a hash set, so an input with thousands of members stays linear.
    seen: Vec<String>,
    seen_many: HashSet<String>,
    datacontenttype: Option<String>,
    dataschema: Option<String>,
    subject: Option<String>,
    time: Option<String>,
    extensions: Vec<(String, ExtensionValue)>,
    data: Option<Data>,
}

impl EventBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one attribute; `name` must already be lowercase where the carrier is
    /// case-insensitive.
    pub fn attribute(&mut self, name: &str, value: AttrInput<'_>) -> Result<(), EventError> {
        validate::name(name)?;
        if !self.note_seen(name) {
            return Err(EventError::DuplicateAttribute(name.to_owned()));
        }
        if name == attr::SPECVERSION {
            return match value {
                AttrInput::String(s) if s == SPECVERSION => {
                    self.specversion = true;
                    Ok(())
                }
                AttrInput::String(s) => Err(EventError::UnsupportedSpecVersion(s.into_owned())),
                _ => Err(EventError::InvalidType {
                    name: name.to_owned(),
                    expected: "a String",
                }),
            };
        }
        let value = validate::attribute_value(name, value)?;
        let slot = match name {
            attr::ID => &mut self.id,
            attr::SOURCE => &mut self.source,
            attr::TYPE => &mut self.ty,
            attr::DATACONTENTTYPE => &mut self.datacontenttype,
            attr::DATASCHEMA => &mut self.dataschema,
            attr::SUBJECT => &mut self.subject,
            attr::TIME => &mut self.time,
            _ => {
                self.extensions.push((name.to_owned(), value.into()));
                return Ok(());
            }
        };
        if let Validated::String(s) = value {
            *slot = Some(s);
        }
        Ok(())
    }

    /// True once an attribute of this name was added.
    pub fn has(&self, name: &str) -> bool {
        self.seen.iter().any(|n| n == name) || self.seen_many.contains(name)
    }

    /// Records `name`; false when it was already there.
    fn note_seen(&mut self, name: &str) -> bool {
        const LINEAR: usize = 16;
        if self.has(name) {
            return false;
        }
        if self.seen.len() < LINEAR {
            self.seen.push(name.to_owned());
        } else {
            self.seen_many.insert(name.to_owned());
        }
        true
    }

    /// The datacontenttype added so far (decoders need it to classify data).
    pub fn datacontenttype(&self) -> Option<&str> {
        self.datacontenttype.as_deref()
    }

    pub fn data(&mut self, data: Data) {
        self.data = Some(data);
    }

    /// Checks the required attributes and returns the event.
    pub fn build(self) -> Result<Event, EventError> {
        if !self.specversion {
            return Err(EventError::MissingAttribute(attr::SPECVERSION));
        }
        Ok(Event {
            id: self.id.ok_or(EventError::MissingAttribute(attr::ID))?,
            source: self
                .source
                .ok_or(EventError::MissingAttribute(attr::SOURCE))?,
            ty: self.ty.ok_or(EventError::MissingAttribute(attr::TYPE))?,
            datacontenttype: self.datacontenttype,
            dataschema: self.dataschema,
            subject: self.subject,
            time: self.time,
            extensions: self.extensions,
            data: self.data,
        })
    }
}
