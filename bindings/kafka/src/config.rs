//! The `[sources.NAME]` and `[sinks.NAME]` tables with `binding = "kafka"`, and
//! the librdkafka settings ferry derives from them.
//!
//! Field names are the user interface (design.md, config reference): keep them.
//! [`KafkaSourceConfig::check`] and [`KafkaSinkConfig::check`] report what serde
//! cannot see (topic names, the `wrap` table, every librdkafka option checked
//! by librdkafka itself), so `ferry validate` shows it without a broker.

use std::collections::BTreeMap;
use std::fmt;

use ferry_core::envelope::context_key::{OFFSET, PARTITION, TOPIC};
use ferry_core::wrap::{WrapConfig, Wrapper};
use ferry_core::ContentMode;
use rdkafka::ClientConfig;
use serde::Deserialize;

/// What the source's protocol context offers to `wrap` templates.
pub(crate) const CONTEXT_KEYS: &[&str] = &[TOPIC, PARTITION, OFFSET];

/// `start = "earliest" | "latest"`: where a group with no committed offset begins.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StartFrom {
    /// The oldest record still in the topic (the default).
    #[default]
    Earliest,
    /// Only records produced after the group first joined.
    Latest,
}

impl StartFrom {
    fn as_str(self) -> &'static str {
        match self {
            StartFrom::Earliest => "earliest",
            StartFrom::Latest => "latest",
        }
    }
}

/// `[sources.NAME]` with `binding = "kafka"`: a consumer group member. Its
/// `Debug` output shows option names only (values may hold credentials).
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KafkaSourceConfig {
    /// Bootstrap brokers, `host:port[,host:port...]`.
    pub brokers: String,
    /// Topics to subscribe to; a name starting with `^` is a regular expression
    /// (librdkafka's pattern subscription).
    pub topics: Vec<String>,
    /// The consumer group; offsets are committed for it.
    pub group_id: String,
    /// Where a group without committed offsets starts (default `earliest`).
    #[serde(default)]
    pub start: StartFrom,
    /// librdkafka consumer properties, passed as is; they override ferry's
    /// defaults. Keys ferry owns (`bootstrap.servers`, `group.id`,
    /// `enable.auto.commit`, `enable.auto.offset.store`, `auto.offset.reset`) are refused.
    #[serde(default)]
    pub options: BTreeMap<String, String>,
    /// Makes events of records that carry no CloudEvent; without it they are
    /// invalid input. Placeholders: `{topic}`, `{partition}`, `{offset}`.
    #[serde(default)]
    pub wrap: Option<WrapConfig>,
}

/// Options a source refuses, with the key to use instead.
const SOURCE_OWNED: &[(&str, &str)] = &[
    ("bootstrap.servers", "set `brokers` instead"),
    ("metadata.broker.list", "set `brokers` instead"),
    ("group.id", "set `group_id` instead"),
    (
        "enable.auto.commit",
        "ferry commits offsets once events are delivered",
    ),
    (
        "enable.auto.offset.store",
        "ferry commits offsets once events are delivered",
    ),
    ("auto.offset.reset", "set `start` instead"),
];

/// Options a sink refuses, with the reason.
const SINK_OWNED: &[(&str, &str)] = &[
    ("bootstrap.servers", "set `brokers` instead"),
    ("metadata.broker.list", "set `brokers` instead"),
    (
        "delivery.report.only.error",
        "ferry confirms every event on its delivery report",
    ),
    ("transactional.id", "transactions are not supported"),
];

impl KafkaSourceConfig {
    /// Problems serde cannot see, each as `key: message`.
    pub fn check(&self) -> Vec<String> {
        let mut problems = Vec::new();
        check_brokers(&self.brokers, &mut problems);
        if self.topics.is_empty() {
            problems.push("topics: at least one topic is needed".into());
        }
        for topic in &self.topics {
            if !topic.starts_with('^') {
                check_topic("topics", topic, &mut problems);
            }
        }
        if self.group_id.trim().is_empty() {
            problems.push("group_id: must not be empty".into());
        }
        check_options(&self.options, SOURCE_OWNED, &mut problems);
        if let Some(Err(wrap)) = self.wrapper() {
            problems.extend(wrap);
        }
        problems
    }

    /// The checked `wrap` table, if any.
    pub(crate) fn wrapper(&self) -> Option<Result<Wrapper, Vec<String>>> {
        self.wrap.as_ref().map(|w| Wrapper::new(w, CONTEXT_KEYS))
    }

    /// librdkafka settings: ferry's defaults, then `options`.
    pub(crate) fn client_config(&self, name: &str) -> ClientConfig {
        let mut config = ClientConfig::new();
        config
            .set("bootstrap.servers", &self.brokers)
            .set("group.id", &self.group_id)
            .set("client.id", format!("ferry-{name}"))
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .set("auto.offset.reset", self.start.as_str())
            // librdkafka prefetches up to 100000 records and 64 MB; ferry keeps
            // a few MB ahead of the routes instead.
            .set("queued.min.messages", "1000")
            .set("queued.max.messages.kbytes", "4096")
            .set("statistics.interval.ms", STATS_INTERVAL_MS);
        for (key, value) in &self.options {
            config.set(key, value);
        }
        config
    }
}

/// `[sinks.NAME]` with `binding = "kafka"`: an idempotent producer for one topic.
/// Its `Debug` output shows option names only.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KafkaSinkConfig {
    /// Bootstrap brokers, `host:port[,host:port...]`.
    pub brokers: String,
    /// The topic every event is written to. ferry does not create it.
    pub topic: String,
    /// `binary` (default): attributes as `ce_` headers, data as the value;
    /// `structured`: the whole event as `application/cloudevents+json`.
    #[serde(default)]
    pub mode: ContentMode,
    /// An attribute (e.g. `partitionkey`) whose value becomes the record key;
    /// the event keeps it. Events without it get no key. Default: no key.
    #[serde(default)]
    pub key: Option<String>,
    /// librdkafka producer properties, passed as is; they override ferry's
    /// defaults (`enable.idempotence = true`, `acks = all`, ...).
    #[serde(default)]
    pub options: BTreeMap<String, String>,
}

impl KafkaSinkConfig {
    /// Problems serde cannot see, each as `key: message`.
    pub fn check(&self) -> Vec<String> {
        let mut problems = Vec::new();
        check_brokers(&self.brokers, &mut problems);
        check_topic("topic", &self.topic, &mut problems);
        if let Some(key) = &self.key {
            let valid = !key.is_empty()
                && key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
            if !valid {
                problems.push(format!(
                    "key: `{key}` is not an attribute name (1+ characters of a-z and 0-9)"
                ));
            }
        }
        check_options(&self.options, SINK_OWNED, &mut problems);
        problems
    }

    /// librdkafka settings: ferry's defaults, then `options`.
    pub(crate) fn client_config(&self, name: &str) -> ClientConfig {
        let mut config = ClientConfig::new();
        config
            .set("bootstrap.servers", &self.brokers)
            .set("client.id", format!("ferry-{name}"))
            .set("enable.idempotence", "true")
            .set("acks", "all")
            // One attempt (librdkafka retries inside it) is bounded well below
            // librdkafka's 5 minutes, so the runtime's retry budget stays meaningful.
            .set("message.timeout.ms", "30000")
            // librdkafka would buffer up to 1 GB; `max_in_flight` bounds what
            // ferry queues anyway.
            .set("queue.buffering.max.kbytes", "16384")
            .set("queue.buffering.max.messages", "10000")
            .set("statistics.interval.ms", STATS_INTERVAL_MS);
        for (key, value) in &self.options {
            config.set(key, value);
        }
        config
    }
}

/// Statistics drive readiness (broker connection states), so they come often.
const STATS_INTERVAL_MS: &str = "1000";

fn check_brokers(brokers: &str, problems: &mut Vec<String>) {
    if brokers.split(',').all(|b| b.trim().is_empty()) {
        problems.push("brokers: must name at least one `host:port`".into());
    }
}

/// Kafka topic names: 1 to 249 characters of `a-zA-Z0-9._-`.
fn check_topic(key: &str, topic: &str, problems: &mut Vec<String>) {
    let valid = (1..=249).contains(&topic.len())
        && topic
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if !valid {
        problems.push(format!(
            "{key}: `{topic}` is not a Kafka topic name (1 to 249 characters of a-z, A-Z, 0-9, `.`, `_`, `-`)"
        ));
    }
}

/// Refuses the keys ferry owns and lets librdkafka check every other one.
fn check_options(
    options: &BTreeMap<String, String>,
    owned: &[(&str, &str)],
    problems: &mut Vec<String>,
) {
    for (key, value) in options {
        if let Some((_, why)) = owned.iter().find(|(k, _)| k == key) {
            problems.push(format!("options: `{key}` cannot be set here ({why})"));
            continue;
        }
        if key == "statistics.interval.ms" && value.trim() == "0" {
            problems.push(format!(
                "options: `{key}` cannot be 0 (ferry reads broker connection states from librdkafka's statistics for readiness)"
            ));
            continue;
        }
        let mut probe = ClientConfig::new();
        probe.set(key, value);
        if let Err(err) = probe.create_native_config() {
            problems.push(format!(
                "options: `{key}` = `{value}`: {}",
                librdkafka_reason(&err)
            ));
        }
    }
}

/// librdkafka's own description of a configuration error.
fn librdkafka_reason(err: &rdkafka::error::KafkaError) -> String {
    match err {
        rdkafka::error::KafkaError::ClientConfig(_, description, _, _) => description.clone(),
        other => other.to_string(),
    }
}

impl fmt::Debug for KafkaSourceConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KafkaSourceConfig")
            .field("brokers", &self.brokers)
            .field("topics", &self.topics)
            .field("group_id", &self.group_id)
            .field("start", &self.start)
            .field("options", &redacted(&self.options))
            .field("wrap", &self.wrap)
            .finish()
    }
}

impl fmt::Debug for KafkaSinkConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KafkaSinkConfig")
            .field("brokers", &self.brokers)
            .field("topic", &self.topic)
            .field("mode", &self.mode)
            .field("key", &self.key)
            .field("options", &redacted(&self.options))
            .finish()
    }
}

/// Option names with their values hidden: logs must not show credentials.
fn redacted(options: &BTreeMap<String, String>) -> BTreeMap<&str, &str> {
    options.keys().map(|k| (k.as_str(), "<redacted>")).collect()
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
