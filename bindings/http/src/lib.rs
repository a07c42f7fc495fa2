//! ferry-http. STUB: to be completed by the HTTP helper.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use async_trait::async_trait;
use ferry_core::{ContentMode, Envelope, Event, Intake, Sink, SinkError, Source, SourceError};
use serde::Deserialize;
use tokio_util::sync::CancellationToken;

/// `[sources.NAME]` with `binding = "http"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSourceConfig {
    pub listen: SocketAddr,
    #[serde(default = "default_path")]
    pub path: String,
    #[serde(default = "default_max_body")]
    pub max_body_bytes: usize,
    #[serde(default)]
    pub auth_token: Option<String>,
    #[serde(default)]
    pub allowed_origins: Option<Vec<String>>,
    #[serde(default = "default_request_timeout")]
    pub request_timeout_ms: u64,
}

fn default_path() -> String {
    "/".into()
}
fn default_max_body() -> usize {
    1 << 20
}
fn default_request_timeout() -> u64 {
    30_000
}

/// `[sinks.NAME]` with `binding = "http"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSinkConfig {
    pub url: String,
    #[serde(default)]
    pub mode: ContentMode,
    #[serde(default = "default_timeout")]
    pub timeout_ms: u64,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

fn default_timeout() -> u64 {
    5_000
}

pub struct HttpSource {
    _cfg: HttpSourceConfig,
}

impl HttpSource {
    pub fn new(cfg: HttpSourceConfig) -> Self {
        Self { _cfg: cfg }
    }
}

#[async_trait]
impl Source for HttpSource {
    async fn run(
        self: Box<Self>,
        _intake: Intake,
        shutdown: CancellationToken,
    ) -> Result<(), SourceError> {
        shutdown.cancelled().await;
        Ok(())
    }
}

pub struct HttpSink {
    _cfg: HttpSinkConfig,
}

impl HttpSink {
    pub fn new(cfg: HttpSinkConfig) -> Result<Self, std::io::Error> {
        Ok(Self { _cfg: cfg })
    }
}

#[async_trait]
impl Sink for HttpSink {
    async fn send(&self, _envelope: &Envelope) -> Result<Option<Event>, SinkError> {
        Err(SinkError::permanent("not implemented"))
    }
}
