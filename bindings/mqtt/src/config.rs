//! The `[sources.NAME]` and `[sinks.NAME]` tables with `binding = "mqtt"`.
//!
//! Field names are the user interface (design.md, config reference): keep them.
//! serde checks types and unknown keys; [`MqttSourceConfig::check`] and
//! [`MqttSinkConfig::check`] find the rest (URL, topic filters, QoS, limits, the
//! `wrap` table), each problem as `key: message`, so `ferry validate` reports
//! them all. `Debug` output hides the password in `url`.

use std::fmt;

use ferry_core::envelope::context_key::TOPIC;
use ferry_core::wrap::{WrapConfig, Wrapper};
use ferry_core::ContentMode;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use crate::broker;
use crate::names::{
    DEFAULT_MAX_PACKET_BYTES, DEFAULT_QOS, DEFAULT_RECEIVE_MAXIMUM, DEFAULT_SESSION_EXPIRY_SECS,
    MQTT_MAX_PACKET,
};

/// The protocol keys a `wrap` template may read (`{topic}`).
pub const CONTEXT_KEYS: &[&str] = &[TOPIC];

/// `version = "3.1.1" | "5"` (the number `5` is accepted too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MqttVersion {
    V311,
    V5,
}

impl MqttVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            MqttVersion::V311 => "3.1.1",
            MqttVersion::V5 => "5",
        }
    }
}

impl<'de> Deserialize<'de> for MqttVersion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Version;
        impl Visitor<'_> for Version {
            type Value = MqttVersion;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"3.1.1\" or \"5\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<MqttVersion, E> {
                match v {
                    "3.1.1" => Ok(MqttVersion::V311),
                    "5" | "5.0" => Ok(MqttVersion::V5),
                    other => Err(E::custom(format!(
                        "unknown MQTT version `{other}` (expected \"3.1.1\" or \"5\")"
                    ))),
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<MqttVersion, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<MqttVersion, E> {
                self.visit_str(&v.to_string())
            }
        }
        d.deserialize_any(Version)
    }
}

/// `[sources.NAME]` with `binding = "mqtt"`: subscribes and routes what arrives.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MqttSourceConfig {
    /// Broker URL, `mqtt://[user[:password]@]host[:port]` (port 1883 by default;
    /// `mqtts://` is on the roadmap).
    pub url: String,
    /// `"3.1.1"` or `"5"`.
    pub version: MqttVersion,
    /// Topic filters, wildcards allowed (`sensors/+/telemetry`, `alerts/#`).
    pub topics: Vec<String>,
    /// Subscription QoS, 0, 1 or 2 (default 1). QoS 1 and 2 messages are
    /// acknowledged only once settled; QoS 0 is at-most-once by nature.
    #[serde(default = "default_qos")]
    pub qos: u8,
    /// Client id; default `ferry-<source name>-<hostname>`, so replicas sharing a
    /// config never share a session.
    #[serde(default)]
    pub client_id: Option<String>,
    /// Start a new session on connect (default false: a persistent session, so
    /// messages published while ferry is away wait at the broker). On 3.1.1 this
    /// is the clean-session flag.
    #[serde(default)]
    pub clean_start: bool,
    /// MQTT 5: how long the broker keeps the session and its queued messages
    /// after a disconnect (default 86400; 0 drops it at disconnect).
    #[serde(default = "default_session_expiry")]
    pub session_expiry_secs: u32,
    /// Subscribe as `$share/<group>/<topic>` so replicas split the messages.
    #[serde(default)]
    pub shared_group: Option<String>,
    /// QoS 1/2 messages in flight to ferry, unacknowledged (default 1024). Sent
    /// to the broker on MQTT 5; on both versions ferry stops reading the socket
    /// while this many messages await their outcome.
    #[serde(default = "default_receive_maximum")]
    pub receive_maximum: u16,
    /// Largest PUBLISH accepted, in bytes (default 1 MiB). Advertised on MQTT 5
    /// (the broker then never sends a larger one); on 3.1.1 a larger message is
    /// invalid input.
    #[serde(default = "default_max_packet_bytes")]
    pub max_packet_bytes: u32,
    /// Turns payloads that are not CloudEvents into events; without it they are
    /// invalid input. Templates may read `{topic}`.
    #[serde(default)]
    pub wrap: Option<WrapConfig>,
}

/// `[sinks.NAME]` with `binding = "mqtt"`: publishes each event to one topic.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MqttSinkConfig {
    /// Broker URL, as for the source.
    pub url: String,
    /// `"3.1.1"` (structured only) or `"5"`.
    pub version: MqttVersion,
    /// The topic every event is published to (no wildcards).
    pub topic: String,
    /// Publish QoS, 0, 1 or 2 (default 1). An event is confirmed by the broker's
    /// PUBACK (1) or PUBCOMP (2); at QoS 0, once written to the socket.
    #[serde(default = "default_qos")]
    pub qos: u8,
    /// Publish with the retain flag.
    #[serde(default)]
    pub retain: bool,
    /// `binary` (the default on MQTT 5: attributes as user properties, data as the
    /// payload) or `structured` (the JSON event as the payload). MQTT 3.1.1 is
    /// always structured; `binary` there is an error.
    #[serde(default)]
    pub mode: Option<ContentMode>,
    /// Client id; default `ferry-sink-<sink name>-<hostname>`.
    #[serde(default)]
    pub client_id: Option<String>,
}

fn default_qos() -> u8 {
    DEFAULT_QOS
}

fn default_session_expiry() -> u32 {
    DEFAULT_SESSION_EXPIRY_SECS
}

fn default_receive_maximum() -> u16 {
    DEFAULT_RECEIVE_MAXIMUM
}

fn default_max_packet_bytes() -> u32 {
    DEFAULT_MAX_PACKET_BYTES
}

impl MqttSourceConfig {
    /// Problems serde cannot see, each as `key: message`.
    pub fn check(&self) -> Vec<String> {
        let mut problems = common_problems(&self.url, self.qos, self.client_id.as_deref());
        if self.topics.is_empty() {
            problems.push("topics: at least one topic filter is needed".into());
        }
        for (i, topic) in self.topics.iter().enumerate() {
            if let Err(why) = check_filter(topic) {
                problems.push(format!("topics[{i}]: `{topic}`: {why}"));
            }
        }
        if let Some(group) = &self.shared_group {
            if group.is_empty() || group.contains(['/', '+', '#']) {
                problems.push(format!(
                    "shared_group: `{group}` must be non-empty and free of `/`, `+` and `#`"
                ));
            }
        }
        if self.receive_maximum == 0 {
            problems.push("receive_maximum: must be at least 1".into());
        }
        if self.max_packet_bytes == 0 || self.max_packet_bytes > MQTT_MAX_PACKET {
            problems.push(format!(
                "max_packet_bytes: must be between 1 and {MQTT_MAX_PACKET}"
            ));
        }
        if let Some(wrap) = &self.wrap {
            if let Err(wrap_problems) = Wrapper::new(wrap, CONTEXT_KEYS) {
                problems.extend(wrap_problems);
            }
        }
        problems
    }

    /// The subscription filters, `$share/<group>/` prepended when set.
    pub fn filters(&self) -> Vec<String> {
        match &self.shared_group {
            Some(group) => self
                .topics
                .iter()
                .map(|t| format!("$share/{group}/{t}"))
                .collect(),
            None => self.topics.clone(),
        }
    }
}

impl MqttSinkConfig {
    /// Problems serde cannot see, each as `key: message`.
    pub fn check(&self) -> Vec<String> {
        let mut problems = common_problems(&self.url, self.qos, self.client_id.as_deref());
        if self.topic.is_empty() || self.topic.contains(['+', '#', '\0']) {
            problems.push(format!(
                "topic: `{}` must be non-empty, without wildcards (`+`, `#`)",
                self.topic
            ));
        }
        if self.version == MqttVersion::V311 && self.mode == Some(ContentMode::Binary) {
            problems.push("mode: MQTT 3.1.1 sinks are structured only".into());
        }
        problems
    }

    /// The content mode written: `mode`, else binary on MQTT 5 and structured
    /// on 3.1.1 (which has nowhere to put attributes).
    pub fn content_mode(&self) -> ContentMode {
        match (self.version, self.mode) {
            (MqttVersion::V311, _) => ContentMode::Structured,
            (MqttVersion::V5, mode) => mode.unwrap_or_default(),
        }
    }
}

fn common_problems(url: &str, qos: u8, client_id: Option<&str>) -> Vec<String> {
    let mut problems = Vec::new();
    if let Err(why) = broker::parse(url) {
        problems.push(format!("url: {why}"));
    }
    if qos > 2 {
        problems.push(format!("qos: must be 0, 1 or 2 (got {qos})"));
    }
    if client_id == Some("") {
        problems.push(
            "client_id: must not be empty; remove the key for the default ferry-<name>-<hostname>"
                .into(),
        );
    }
    problems
}

/// MQTT topic filter rules: `#` only as the whole last level, `+` only as a
/// whole level, no NUL.
fn check_filter(filter: &str) -> Result<(), &'static str> {
    if filter.is_empty() {
        return Err("a topic filter must not be empty");
    }
    if filter.contains('\0') {
        return Err("a topic filter must not contain NUL");
    }
    let levels: Vec<&str> = filter.split('/').collect();
    for (i, level) in levels.iter().enumerate() {
        if level.contains('#') && (*level != "#" || i + 1 != levels.len()) {
            return Err("`#` must be the whole last level");
        }
        if level.contains('+') && *level != "+" {
            return Err("`+` must be a whole level");
        }
    }
    Ok(())
}

impl fmt::Debug for MqttSourceConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MqttSourceConfig")
            .field("url", &broker::redact(&self.url))
            .field("version", &self.version)
            .field("topics", &self.topics)
            .field("qos", &self.qos)
            .field("client_id", &self.client_id)
            .field("clean_start", &self.clean_start)
            .field("session_expiry_secs", &self.session_expiry_secs)
            .field("shared_group", &self.shared_group)
            .field("receive_maximum", &self.receive_maximum)
            .field("max_packet_bytes", &self.max_packet_bytes)
            .field("wrap", &self.wrap)
            .finish()
    }
}

impl fmt::Debug for MqttSinkConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MqttSinkConfig")
            .field("url", &broker::redact(&self.url))
            .field("version", &self.version)
            .field("topic", &self.topic)
            .field("qos", &self.qos)
            .field("retain", &self.retain)
            .field("mode", &self.mode)
            .field("client_id", &self.client_id)
            .finish()
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
