//! The one place that knows every binding: maps `binding = "..."` to a binding's
//! config type and constructor. Each binding is a Cargo feature.

use std::sync::Arc;

use ferry_core::{Sink, Source};

use crate::config::deserialize::KeyProblem;
use crate::config::suggest::did_you_mean;

/// A source's binding-specific settings.
#[derive(Debug, Clone)]
pub enum SourceSettings {
    #[cfg(feature = "http")]
    Http(ferry_http::HttpSourceConfig),
    #[cfg(feature = "mqtt")]
    Mqtt(ferry_mqtt::MqttSourceConfig),
    #[cfg(feature = "kafka")]
    Kafka(ferry_kafka::KafkaSourceConfig),
}

/// A sink's binding-specific settings.
#[derive(Debug, Clone)]
pub enum SinkSettings {
    #[cfg(feature = "http")]
    Http(ferry_http::HttpSinkConfig),
    #[cfg(feature = "mqtt")]
    Mqtt(ferry_mqtt::MqttSinkConfig),
    #[cfg(feature = "kafka")]
    Kafka(ferry_kafka::KafkaSinkConfig),
    #[cfg(feature = "file")]
    Stdout(ferry_file::StdoutSinkConfig),
    #[cfg(feature = "file")]
    File(ferry_file::FileSinkConfig),
}

/// Source bindings this build knows.
pub const SOURCE_BINDINGS: &[&str] = &[
    #[cfg(feature = "http")]
    "http",
    #[cfg(feature = "mqtt")]
    "mqtt",
    #[cfg(feature = "kafka")]
    "kafka",
];

/// Sink bindings this build knows.
pub const SINK_BINDINGS: &[&str] = &[
    #[cfg(feature = "http")]
    "http",
    #[cfg(feature = "mqtt")]
    "mqtt",
    #[cfg(feature = "kafka")]
    "kafka",
    #[cfg(feature = "file")]
    "stdout",
    #[cfg(feature = "file")]
    "file",
];

/// Parses a source table (without the common keys) for `binding`. Every problem
/// found, one per line as `key: message`; see [`parse_source_detailed`].
pub fn parse_source(binding: &str, table: serde_json::Value) -> Result<SourceSettings, String> {
    parse_source_detailed(binding, table).map_err(join)
}

/// Parses a sink table (without the common keys) for `binding`. Every problem found,
/// one per line as `key: message`; see [`parse_sink_detailed`].
pub fn parse_sink(binding: &str, table: serde_json::Value) -> Result<SinkSettings, String> {
    parse_sink_detailed(binding, table).map_err(join)
}

/// Parses a source table (without the common keys) for `binding`, reporting every
/// unknown key and each bad value separately, then the binding's own checks. An
/// unknown binding is a problem of the `binding` key.
pub fn parse_source_detailed(
    binding: &str,
    table: serde_json::Value,
) -> Result<SourceSettings, Vec<KeyProblem>> {
    let _ = &table; // unused when no source binding is compiled in
    let common = crate::config::SourceCommon::KEYS;
    match binding {
        #[cfg(feature = "http")]
        "http" => parse(table, common, |_| Vec::new()).map(SourceSettings::Http),
        #[cfg(feature = "mqtt")]
        "mqtt" => {
            parse(table, common, ferry_mqtt::MqttSourceConfig::check).map(SourceSettings::Mqtt)
        }
        #[cfg(feature = "kafka")]
        "kafka" => {
            parse(table, common, ferry_kafka::KafkaSourceConfig::check).map(SourceSettings::Kafka)
        }
        other => Err(vec![unknown(other, SOURCE_BINDINGS, ALL_SOURCE_BINDINGS)]),
    }
}

/// Parses a sink table (without the common keys) for `binding`; see
/// [`parse_source_detailed`].
pub fn parse_sink_detailed(
    binding: &str,
    table: serde_json::Value,
) -> Result<SinkSettings, Vec<KeyProblem>> {
    let _ = &table; // unused when no sink binding is compiled in
    let common = crate::config::SinkCommon::KEYS;
    match binding {
        #[cfg(feature = "http")]
        "http" => parse(table, common, |_| Vec::new()).map(SinkSettings::Http),
        #[cfg(feature = "mqtt")]
        "mqtt" => parse(table, common, ferry_mqtt::MqttSinkConfig::check).map(SinkSettings::Mqtt),
        #[cfg(feature = "kafka")]
        "kafka" => {
            parse(table, common, ferry_kafka::KafkaSinkConfig::check).map(SinkSettings::Kafka)
        }
        #[cfg(feature = "file")]
        "stdout" => parse(table, common, |_| Vec::new()).map(SinkSettings::Stdout),
        #[cfg(feature = "file")]
        "file" => parse(table, common, |_| Vec::new()).map(SinkSettings::File),
        other => Err(vec![unknown(other, SINK_BINDINGS, ALL_SINK_BINDINGS)]),
    }
}

/// Deserializes a binding's table, then runs the binding's own checks (problems
/// serde cannot see, each as `key: message`).
#[allow(dead_code)] // unused when no binding is compiled in
fn parse<T: serde::de::DeserializeOwned>(
    table: serde_json::Value,
    common: &[&str],
    check: impl Fn(&T) -> Vec<String>,
) -> Result<T, Vec<KeyProblem>> {
    let config: T = crate::config::deserialize::deserialize(table, common)?;
    let problems: Vec<KeyProblem> = check(&config)
        .into_iter()
        .map(|line| match line.split_once(": ") {
            Some((key, message)) => KeyProblem {
                key: Some(key.to_owned()),
                message: message.to_owned(),
            },
            None => KeyProblem {
                key: None,
                message: line,
            },
        })
        .collect();
    if problems.is_empty() {
        Ok(config)
    } else {
        Err(problems)
    }
}

/// Builds a source. It reports readiness through the flag in its `Intake`.
pub fn build_source(name: &str, settings: &SourceSettings) -> anyhow::Result<Box<dyn Source>> {
    let _ = name;
    match *settings {
        #[cfg(feature = "http")]
        SourceSettings::Http(ref cfg) => Ok(Box::new(ferry_http::HttpSource::new(cfg.clone()))),
        #[cfg(feature = "mqtt")]
        SourceSettings::Mqtt(ref cfg) => {
            Ok(Box::new(ferry_mqtt::MqttSource::new(name, cfg.clone())?))
        }
        #[cfg(feature = "kafka")]
        SourceSettings::Kafka(ref cfg) => {
            Ok(Box::new(ferry_kafka::KafkaSource::new(name, cfg.clone())?))
        }
    }
}

/// Builds a sink.
pub fn build_sink(name: &str, settings: &SinkSettings) -> anyhow::Result<Arc<dyn Sink>> {
    let _ = name;
    match *settings {
        #[cfg(feature = "http")]
        SinkSettings::Http(ref cfg) => Ok(Arc::new(ferry_http::HttpSink::new(cfg.clone())?)),
        #[cfg(feature = "mqtt")]
        SinkSettings::Mqtt(ref cfg) => Ok(Arc::new(ferry_mqtt::MqttSink::new(name, cfg.clone())?)),
        #[cfg(feature = "kafka")]
        SinkSettings::Kafka(ref cfg) => {
            Ok(Arc::new(ferry_kafka::KafkaSink::new(name, cfg.clone())?))
        }
        #[cfg(feature = "file")]
        SinkSettings::Stdout(ref cfg) => Ok(Arc::new(ferry_file::StdoutSink::new(cfg.clone()))),
        #[cfg(feature = "file")]
        SinkSettings::File(ref cfg) => Ok(Arc::new(ferry_file::FileSink::open(cfg.clone())?)),
    }
}

fn join(problems: Vec<KeyProblem>) -> String {
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    lines.join("\n")
}

/// Every source binding ferry has, with the Cargo feature that compiles it in.
pub const ALL_SOURCE_BINDINGS: &[(&str, &str)] = &[
    ("http", "http"),
    ("mqtt", "mqtt"),
    ("kafka", "kafka"),
    ("amqp", "amqp"),
    ("nats", "nats"),
];

/// Every sink binding ferry has, with the Cargo feature that compiles it in.
pub const ALL_SINK_BINDINGS: &[(&str, &str)] = &[
    ("http", "http"),
    ("mqtt", "mqtt"),
    ("kafka", "kafka"),
    ("amqp", "amqp"),
    ("nats", "nats"),
    ("stdout", "file"),
    ("file", "file"),
];

fn unknown(binding: &str, known: &[&str], all: &[(&str, &str)]) -> KeyProblem {
    // A real binding left out of this build deserves a different answer than a typo.
    if let Some((_, feature)) = all.iter().find(|(name, _)| *name == binding) {
        return KeyProblem {
            key: Some("binding".into()),
            message: format!(
                "binding `{binding}` is not available here (this build was compiled \
                 without the `{feature}` feature)"
            ),
        };
    }
    let known_list = if known.is_empty() {
        "none".to_owned()
    } else {
        known.join(", ")
    };
    let hint = match did_you_mean(binding, known) {
        Some(close) => format!("did you mean `{close}`? "),
        None => String::new(),
    };
    KeyProblem {
        key: Some("binding".into()),
        message: format!("unknown binding `{binding}` ({hint}this build knows: {known_list})"),
    }
}
