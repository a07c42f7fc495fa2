//! Raw payloads as events (`[sources.X.wrap]`): a payload with no CloudEvents
//! markers becomes an event with configured attributes, `{placeholders}` filled
//! from the protocol context, `time` = receive time, and the payload bytes as data,
//! unchanged.
//!
//! The id comes from the binding: a deterministic one where the protocol gives a
//! position (Kafka topic-partition-offset, JetStream stream sequence, AMQP
//! message-id), so a redelivered message keeps its id; otherwise a UUIDv7.

use std::borrow::Cow;
use std::collections::BTreeMap;

use bytes::Bytes;
use serde::Deserialize;

use crate::clock;
use crate::envelope::ProtocolContext;
use crate::error::EventError;
use crate::event::{attr, AttrInput, Data, Event, EventBuilder, SPECVERSION};

/// `[sources.X.wrap]`. Every key other than the named ones sets that extension.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct WrapConfig {
    /// `type` of every wrapped event.
    #[serde(rename = "type")]
    pub ty: String,
    /// `source` of every wrapped event, e.g. `mqtt://sensors/{topic}`.
    pub source: String,
    /// Optional `subject`, e.g. `{topic}`.
    #[serde(default)]
    pub subject: Option<String>,
    /// Optional `datacontenttype` describing the payload bytes.
    #[serde(default)]
    pub datacontenttype: Option<String>,
    /// Optional `dataschema`.
    #[serde(default)]
    pub dataschema: Option<String>,
    /// Extension attributes, e.g. `partitionkey = "{topic}"`.
    #[serde(flatten)]
    pub extensions: BTreeMap<String, String>,
}

/// One piece of a template: literal text or a context key.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Context(String),
}

/// An attribute value with `{key}` placeholders, parsed once at config load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template(Vec<Piece>);

impl Template {
    /// Parses `{key}` placeholders; `{{` and `}}` are literal braces.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    literal.push('}');
                }
                '{' => {
                    let key: String = chars.by_ref().take_while(|&c| c != '}').collect();
                    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                        return Err(format!("`{text}`: bad placeholder `{{{key}`"));
                    }
                    if !literal.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut literal)));
                    }
                    pieces.push(Piece::Context(key));
                }
                '}' => return Err(format!("`{text}`: unmatched `}}` (write `}}}}`)")),
                c => literal.push(c),
            }
        }
        if !literal.is_empty() {
            pieces.push(Piece::Text(literal));
        }
        Ok(Template(pieces))
    }

    /// The placeholders it reads.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().filter_map(|p| match p {
            Piece::Context(k) => Some(k.as_str()),
            Piece::Text(_) => None,
        })
    }

    /// Fills the placeholders from `context`; a key the context lacks is empty.
    pub fn render<'a>(&'a self, context: &ProtocolContext) -> Cow<'a, str> {
        match self.0.as_slice() {
            [] => Cow::Borrowed(""),
            [Piece::Text(t)] => Cow::Borrowed(t),
            pieces => Cow::Owned(
                pieces
                    .iter()
                    .map(|p| match p {
                        Piece::Text(t) => t.as_str(),
                        Piece::Context(k) => context.get(k).unwrap_or(""),
                    })
                    .collect(),
            ),
        }
    }
}

/// A validated `wrap` table, ready to turn payloads into events.
#[derive(Debug, Clone)]
pub struct Wrapper {
    attributes: Vec<(String, Template)>,
}

impl Wrapper {
    /// Checks the table: attribute names, templates, and that placeholders are
    /// among `context_keys` (what the binding's protocol context provides).
    /// Returns every problem, each naming its key.
    pub fn new(config: &WrapConfig, context_keys: &[&str]) -> Result<Self, Vec<String>> {
        let named = [
            (attr::TYPE, Some(&config.ty)),
            (attr::SOURCE, Some(&config.source)),
            (attr::SUBJECT, config.subject.as_ref()),
            (attr::DATACONTENTTYPE, config.datacontenttype.as_ref()),
            (attr::DATASCHEMA, config.dataschema.as_ref()),
        ];
        let all = named
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .chain(config.extensions.iter().map(|(k, v)| (k.as_str(), v)));
        let mut attributes = Vec::new();
        let mut problems = Vec::new();
        for (name, value) in all {
            match Self::attribute(name, value, context_keys) {
                Ok(template) => attributes.push((name.to_owned(), template)),
                Err(problem) => problems.push(format!("wrap.{name}: {problem}")),
            }
        }
        if problems.is_empty() {
            Ok(Self { attributes })
        } else {
            Err(problems)
        }
    }

    fn attribute(name: &str, value: &str, context_keys: &[&str]) -> Result<Template, String> {
        if matches!(name, attr::ID | attr::TIME | attr::SPECVERSION) {
            return Err(format!("`{name}` is set by ferry for wrapped events"));
        }
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            return Err("attribute names are 1+ characters of a-z and 0-9".into());
        }
        let template = Template::parse(value)?;
        if let Some(unknown) = template.keys().find(|k| !context_keys.contains(k)) {
            return Err(format!(
                "unknown placeholder `{{{unknown}}}` (this binding offers: {})",
                context_keys.join(", ")
            ));
        }
        if template.keys().next().is_none() {
            // A constant value can be checked now rather than on every message.
            let mut probe = EventBuilder::new();
            probe
                .attribute(name, AttrInput::String(Cow::Borrowed(value)))
                .map_err(|e| e.to_string())?;
        }
        Ok(template)
    }

    /// Makes an event of `payload`. `id` is the binding's deterministic id, if its
    /// protocol gives a position; otherwise a UUIDv7 is used. An attribute that is
    /// invalid once filled in (e.g. an empty subject from an empty topic) is an
    /// error: the payload is then invalid input.
    pub fn wrap(
        &self,
        payload: Bytes,
        context: &ProtocolContext,
        id: Option<String>,
    ) -> Result<Event, EventError> {
        let mut builder = EventBuilder::new();
        builder.attribute(attr::SPECVERSION, AttrInput::String(SPECVERSION.into()))?;
        let id = id.unwrap_or_else(clock::new_id);
        builder.attribute(attr::ID, AttrInput::String(id.into()))?;
        builder.attribute(attr::TIME, AttrInput::String(clock::now_rfc3339().into()))?;
        for (name, template) in &self.attributes {
            builder.attribute(name, AttrInput::String(template.render(context)))?;
        }
        if !payload.is_empty() {
            let data = Data::from_body(payload, builder.datacontenttype());
            builder.data(data);
        }
        builder.build()
    }
}

/// True when `payload` is a JSON object with a `specversion` (or 0.1
/// `cloudEventsVersion`) member: a structured event, never to be wrapped. A
/// broken event with that marker is invalid input, not a raw payload.
pub fn looks_like_structured_event(payload: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Markers {
        #[serde(default)]
        specversion: Option<serde::de::IgnoredAny>,
        #[serde(default, alias = "cloudeventsversion")]
        #[serde(rename = "cloudEventsVersion")]
        cloud_events_version: Option<serde::de::IgnoredAny>,
    }
    let first = payload.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return false;
    }
    match serde_json::from_slice::<Markers>(payload) {
        Ok(m) => m.specversion.is_some() || m.cloud_events_version.is_some(),
        // Broken JSON that still names a specversion is a broken event.
        Err(_) => memchr_str(payload, b"\"specversion\""),
    }
}

fn memchr_str(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::context_key::TOPIC;
    use crate::event::{AttrRef, DataForm};

    fn config(toml_like: &[(&str, &str)]) -> WrapConfig {
        let map: serde_json::Map<String, serde_json::Value> = toml_like
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
            .collect();
        serde_json::from_value(serde_json::Value::Object(map)).unwrap()
    }

    #[test]
    fn wraps_a_payload_with_templates_and_keeps_the_bytes() {
        let cfg = config(&[
            ("type", "com.example.telemetry"),
            ("source", "mqtt://sensors/{topic}"),
            ("subject", "{topic}"),
            ("datacontenttype", "application/json"),
            ("partitionkey", "{topic}"),
        ]);
        let wrapper = Wrapper::new(&cfg, &[TOPIC]).unwrap();
        let context = ProtocolContext::new().with(TOPIC, "sensors/d1/telemetry");
        let payload = Bytes::from_static(br#"{"t": 21.5}"#);
        let event = wrapper
            .wrap(payload.clone(), &context, Some("orders-0-42".into()))
            .unwrap();
        assert_eq!(event.id(), "orders-0-42");
        assert_eq!(event.ty(), "com.example.telemetry");
        assert_eq!(event.source(), "mqtt://sensors/sensors/d1/telemetry");
        assert_eq!(event.subject(), Some("sensors/d1/telemetry"));
        assert_eq!(
            event.attribute("partitionkey"),
            Some(AttrRef::String("sensors/d1/telemetry"))
        );
        let data = event.data().unwrap();
        assert_eq!(data.bytes(), &payload);
        assert_eq!(data.form(), DataForm::Json);
        assert!(event.time().unwrap().ends_with('Z'));
    }

    #[test]
    fn without_a_position_the_id_is_a_uuid_v7() {
        let wrapper = Wrapper::new(&config(&[("type", "t"), ("source", "/s")]), &[]).unwrap();
        let event = wrapper
            .wrap(Bytes::from_static(b"x"), &ProtocolContext::new(), None)
            .unwrap();
        assert_eq!(&event.id()[14..15], "7");
        assert_eq!(event.data().unwrap().form(), DataForm::Binary);
    }

    #[test]
    fn reports_every_problem_with_its_key() {
        let cfg = config(&[
            ("type", ""),
            ("source", "/s/{nope}"),
            ("id", "x"),
            ("Bad", "x"),
            ("subject", "a}b"),
        ]);
        let problems = Wrapper::new(&cfg, &[TOPIC]).unwrap_err();
        let text = problems.join("\n");
        assert_eq!(problems.len(), 5, "{text}");
        assert!(
            text.contains("wrap.type: attribute `type` must not be empty"),
            "{text}"
        );
        assert!(
            text.contains("wrap.source: unknown placeholder `{nope}`"),
            "{text}"
        );
        assert!(text.contains("wrap.id: `id` is set by ferry"), "{text}");
        assert!(text.contains("wrap.Bad: attribute names"), "{text}");
        assert!(text.contains("wrap.subject: `a}b`: unmatched"), "{text}");
    }

    #[test]
    fn an_empty_filled_in_value_is_invalid_input() {
        let wrapper = Wrapper::new(
            &config(&[("type", "t"), ("source", "/s"), ("subject", "{topic}")]),
            &[TOPIC],
        )
        .unwrap();
        let err = wrapper
            .wrap(Bytes::from_static(b"x"), &ProtocolContext::new(), None)
            .unwrap_err();
        assert_eq!(err, EventError::EmptyAttribute("subject".into()));
    }

    #[test]
    fn braces_escape_and_literal_templates_borrow() {
        let t = Template::parse("{{x}}-{topic}").unwrap();
        let ctx = ProtocolContext::new().with(TOPIC, "a");
        assert_eq!(t.render(&ctx), "{x}-a");
        assert!(matches!(
            Template::parse("plain").unwrap().render(&ctx),
            Cow::Borrowed("plain")
        ));
    }

    #[test]
    fn detects_structured_events_but_not_raw_json() {
        assert!(looks_like_structured_event(
            br#"{"specversion":"1.0","id":"1"}"#
        ));
        assert!(looks_like_structured_event(
            br#" {"cloudEventsVersion":"0.1"}"#
        ));
        assert!(looks_like_structured_event(
            br#"{"cloudeventsversion":"0.1"}"#
        ));
        assert!(looks_like_structured_event(
            br#"{"specversion":"1.0", broken"#
        ));
        assert!(!looks_like_structured_event(br#"{"temp": 21.5}"#));
        assert!(!looks_like_structured_event(br#"[1,2]"#));
        assert!(!looks_like_structured_event(b"\xff\x00binary"));
        assert!(!looks_like_structured_event(b""));
    }
}
