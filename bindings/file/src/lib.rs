//! ferry-file. STUB: to be completed by the file helper.

use std::path::PathBuf;

use async_trait::async_trait;
use ferry_core::{Envelope, Event, Sink, SinkError};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StdoutSinkConfig {}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSinkConfig {
    pub path: PathBuf,
}

pub struct StdoutSink;

impl StdoutSink {
    pub fn new(_cfg: StdoutSinkConfig) -> Self {
        Self
    }
}

#[async_trait]
impl Sink for StdoutSink {
    async fn send(&self, _envelope: &Envelope) -> Result<Option<Event>, SinkError> {
        Err(SinkError::permanent("not implemented"))
    }
}

pub struct FileSink;

impl FileSink {
    pub fn open(_cfg: FileSinkConfig) -> Result<Self, std::io::Error> {
        Ok(Self)
    }
}

#[async_trait]
impl Sink for FileSink {
    async fn send(&self, _envelope: &Envelope) -> Result<Option<Event>, SinkError> {
        Err(SinkError::permanent("not implemented"))
    }
}
