//! ferry-mqtt. STUB: the MQTT helper replaces this with the real binding.

use async_trait::async_trait;
use ferry_core::wrap::WrapConfig;
use ferry_core::{ContentMode, Envelope, Event, Intake, Sink, SinkError, Source, SourceError};
use serde::Deserialize;
use tokio_util::sync::CancellationToken;

/// `version = "3.1.1" | "5"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum MqttVersion {
    #[serde(rename = "3.1.1")]
    V311,
    #[serde(rename = "5")]
    V5,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MqttSourceConfig {
    pub url: String,
    pub version: MqttVersion,
    pub topics: Vec<String>,
    #[serde(default)]
    pub qos: Option<u8>,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub clean_start: bool,
    #[serde(default)]
    pub session_expiry_secs: Option<u32>,
    #[serde(default)]
    pub shared_group: Option<String>,
    #[serde(default)]
    pub receive_maximum: Option<u16>,
    #[serde(default)]
    pub max_packet_bytes: Option<usize>,
    #[serde(default)]
    pub wrap: Option<WrapConfig>,
}

impl MqttSourceConfig {
    /// Problems serde cannot see, each as `key: message`.
    pub fn check(&self) -> Vec<String> {
        Vec::new()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MqttSinkConfig {
    pub url: String,
    pub version: MqttVersion,
    pub topic: String,
    #[serde(default)]
    pub qos: Option<u8>,
    #[serde(default)]
    pub retain: bool,
    #[serde(default)]
    pub mode: Option<ContentMode>,
    #[serde(default)]
    pub client_id: Option<String>,
}

impl MqttSinkConfig {
    /// Problems serde cannot see, each as `key: message`.
    pub fn check(&self) -> Vec<String> {
        Vec::new()
    }
}

pub struct MqttSource;

impl MqttSource {
    pub fn new(_name: &str, _cfg: MqttSourceConfig) -> Result<Self, std::io::Error> {
        Ok(Self)
    }
}

#[async_trait]
impl Source for MqttSource {
    async fn run(
        self: Box<Self>,
        _intake: Intake,
        shutdown: CancellationToken,
    ) -> Result<(), SourceError> {
        shutdown.cancelled().await;
        Ok(())
    }
}

pub struct MqttSink;

impl MqttSink {
    pub fn new(_name: &str, _cfg: MqttSinkConfig) -> Result<Self, std::io::Error> {
        Ok(Self)
    }
}

#[async_trait]
impl Sink for MqttSink {
    async fn send(&self, _envelope: &Envelope) -> Result<Option<Event>, SinkError> {
        Err(SinkError::permanent("not implemented"))
    }
}
