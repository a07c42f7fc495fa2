//! An event in transit: the event itself (shared by every routed copy), the name of
//! the source it came from, and what the protocol said about where it came from.

use std::sync::Arc;

use crate::event::Event;

/// Protocol context keys. Templates such as `{topic}` read these by name.
pub mod context_key {
    /// MQTT topic, Kafka topic or NATS subject: what `{topic}` substitutes.
    pub const TOPIC: &str = "topic";
    pub const PARTITION: &str = "partition";
    pub const OFFSET: &str = "offset";
    pub const QUEUE: &str = "queue";
    pub const MESSAGE_ID: &str = "message_id";
    pub const STREAM_SEQUENCE: &str = "stream_sequence";
    /// HTTP request path.
    pub const PATH: &str = "path";
}

/// What the source protocol said about a message, as named string values.
///
/// Kept protocol-agnostic on purpose: the routing table and templates only ever ask
/// for a value by name, so a new binding adds keys without touching core.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProtocolContext {
    entries: Vec<(&'static str, Box<str>)>,
}

impl ProtocolContext {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces `key`.
    pub fn with(mut self, key: &'static str, value: impl Into<Box<str>>) -> Self {
        self.set(key, value);
        self
    }

    pub fn set(&mut self, key: &'static str, value: impl Into<Box<str>>) {
        let value = value.into();
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((key, value)),
        }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| &**v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.entries.iter().map(|(k, v)| (*k, &**v))
    }
}

/// An event with where it came from. Cloning is cheap: fan-out shares the event.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub event: Arc<Event>,
    /// The configured name of the source (or reply source) that produced it.
    pub source: Arc<str>,
    pub context: Arc<ProtocolContext>,
}

impl Envelope {
    pub fn new(event: Event, source: Arc<str>, context: ProtocolContext) -> Self {
        Self {
            event: Arc::new(event),
            source,
            context: Arc::new(context),
        }
    }
}
