//! The content mode a sink writes (`mode = "binary" | "structured"`).

use serde::Deserialize;

/// How a sink lays an event out in its protocol's frame.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContentMode {
    /// Attributes in protocol metadata, data as the body (the default).
    #[default]
    Binary,
    /// The whole event as one JSON document.
    Structured,
}
