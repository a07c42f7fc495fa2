//! The one place that knows every binding: maps `binding = "..."` to a binding's
//! config type and constructor. Each binding is a Cargo feature.
//! OWNER: config helper (parsing); runtime helper (building).

use std::sync::Arc;

use ferry_core::{ReadyFlag, Sink, Source};

/// A source's binding-specific settings.
#[derive(Debug, Clone)]
pub enum SourceSettings {
    #[cfg(feature = "http")]
    Http(ferry_http::HttpSourceConfig),
}

/// A sink's binding-specific settings.
#[derive(Debug, Clone)]
pub enum SinkSettings {
    #[cfg(feature = "http")]
    Http(ferry_http::HttpSinkConfig),
    #[cfg(feature = "file")]
    Stdout(ferry_file::StdoutSinkConfig),
    #[cfg(feature = "file")]
    File(ferry_file::FileSinkConfig),
}

/// Source bindings this build knows.
pub const SOURCE_BINDINGS: &[&str] = &[
    #[cfg(feature = "http")]
    "http",
];

/// Sink bindings this build knows.
pub const SINK_BINDINGS: &[&str] = &[
    #[cfg(feature = "http")]
    "http",
    #[cfg(feature = "file")]
    "stdout",
    #[cfg(feature = "file")]
    "file",
];

/// Parses a source table (without the common keys) for `binding`.
pub fn parse_source(binding: &str, table: serde_json::Value) -> Result<SourceSettings, String> {
    match binding {
        #[cfg(feature = "http")]
        "http" => parse(table).map(SourceSettings::Http),
        other => Err(unknown(other, SOURCE_BINDINGS)),
    }
}

/// Parses a sink table (without the common keys) for `binding`.
pub fn parse_sink(binding: &str, table: serde_json::Value) -> Result<SinkSettings, String> {
    match binding {
        #[cfg(feature = "http")]
        "http" => parse(table).map(SinkSettings::Http),
        #[cfg(feature = "file")]
        "stdout" => parse(table).map(SinkSettings::Stdout),
        #[cfg(feature = "file")]
        "file" => parse(table).map(SinkSettings::File),
        other => Err(unknown(other, SINK_BINDINGS)),
    }
}

/// Builds a source. `ready` is the flag it keeps up to date for `/readyz`.
pub fn build_source(
    name: &str,
    settings: &SourceSettings,
    ready: ReadyFlag,
) -> anyhow::Result<Box<dyn Source>> {
    let _ = (name, ready);
    match settings {
        #[cfg(feature = "http")]
        SourceSettings::Http(cfg) => Ok(Box::new(ferry_http::HttpSource::new(cfg.clone()))),
    }
}

/// Builds a sink.
pub fn build_sink(name: &str, settings: &SinkSettings) -> anyhow::Result<Arc<dyn Sink>> {
    let _ = name;
    match settings {
        #[cfg(feature = "http")]
        SinkSettings::Http(cfg) => Ok(Arc::new(ferry_http::HttpSink::new(cfg.clone())?)),
        #[cfg(feature = "file")]
        SinkSettings::Stdout(cfg) => Ok(Arc::new(ferry_file::StdoutSink::new(cfg.clone()))),
        #[cfg(feature = "file")]
        SinkSettings::File(cfg) => Ok(Arc::new(ferry_file::FileSink::open(cfg.clone())?)),
    }
}

fn parse<T: serde::de::DeserializeOwned>(table: serde_json::Value) -> Result<T, String> {
    serde_path_to_error::deserialize(table).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            e.inner().to_string()
        } else {
            format!("{path}: {}", e.inner())
        }
    })
}

fn unknown(binding: &str, known: &[&str]) -> String {
    format!(
        "unknown binding `{binding}` (this build knows: {})",
        known.join(", ")
    )
}
