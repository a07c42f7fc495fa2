//! ferry-kafka. STUB: the Kafka helper replaces this with the real binding.

use std::collections::BTreeMap;

use async_trait::async_trait;
use ferry_core::wrap::WrapConfig;
use ferry_core::{ContentMode, Envelope, Event, Intake, Sink, SinkError, Source, SourceError};
use serde::Deserialize;
use tokio_util::sync::CancellationToken;

/// `start = "earliest" | "latest"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StartFrom {
    #[default]
    Earliest,
    Latest,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KafkaSourceConfig {
    pub brokers: String,
    pub topics: Vec<String>,
    pub group_id: String,
    #[serde(default)]
    pub start: StartFrom,
    #[serde(default)]
    pub options: BTreeMap<String, String>,
    #[serde(default)]
    pub wrap: Option<WrapConfig>,
}

impl KafkaSourceConfig {
    /// Problems serde cannot see, each as `key: message`.
    pub fn check(&self) -> Vec<String> {
        Vec::new()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KafkaSinkConfig {
    pub brokers: String,
    pub topic: String,
    #[serde(default)]
    pub mode: ContentMode,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub options: BTreeMap<String, String>,
}

impl KafkaSinkConfig {
    /// Problems serde cannot see, each as `key: message`.
    pub fn check(&self) -> Vec<String> {
        Vec::new()
    }
}

pub struct KafkaSource;

impl KafkaSource {
    pub fn new(_name: &str, _cfg: KafkaSourceConfig) -> Result<Self, std::io::Error> {
        Ok(Self)
    }
}

#[async_trait]
impl Source for KafkaSource {
    async fn run(
        self: Box<Self>,
        _intake: Intake,
        shutdown: CancellationToken,
    ) -> Result<(), SourceError> {
        shutdown.cancelled().await;
        Ok(())
    }
}

pub struct KafkaSink;

impl KafkaSink {
    pub fn new(_name: &str, _cfg: KafkaSinkConfig) -> Result<Self, std::io::Error> {
        Ok(Self)
    }
}

#[async_trait]
impl Sink for KafkaSink {
    async fn send(&self, _envelope: &Envelope) -> Result<Option<Event>, SinkError> {
        Err(SinkError::permanent("not implemented"))
    }
}
