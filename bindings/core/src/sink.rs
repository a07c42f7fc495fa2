//! The contract every sink implements.

use std::time::Duration;

use async_trait::async_trait;
use thiserror::Error;

use crate::envelope::Envelope;
use crate::event::Event;

/// Why a delivery failed, split the one way the runtime cares about.
#[derive(Debug, Clone, Error)]
pub enum SinkError {
    /// Worth retrying: a timeout, a lost connection, a 5xx, a broker nack.
    /// `retry_after` is the peer's own hint (e.g. HTTP `Retry-After`).
    #[error("{reason}")]
    Transient {
        reason: String,
        retry_after: Option<Duration>,
    },
    /// Retrying cannot help (e.g. HTTP 400): dead-letter at once.
    #[error("{reason}")]
    Permanent { reason: String },
}

impl SinkError {
    pub fn transient(reason: impl Into<String>) -> Self {
        SinkError::Transient {
            reason: reason.into(),
            retry_after: None,
        }
    }

    pub fn permanent(reason: impl Into<String>) -> Self {
        SinkError::Permanent {
            reason: reason.into(),
        }
    }

    pub fn is_transient(&self) -> bool {
        matches!(self, SinkError::Transient { .. })
    }
}

/// A delivery target. `send` returns only once the peer confirmed the event.
#[async_trait]
pub trait Sink: Send + Sync {
    /// Delivers one event and waits for the peer's confirmation. An `Ok(Some(_))`
    /// carries a reply event (e.g. an HTTP response body holding a CloudEvent).
    async fn send(&self, envelope: &Envelope) -> Result<Option<Event>, SinkError>;

    /// False while the sink cannot reach its peer (drives `/readyz`).
    fn is_ready(&self) -> bool {
        true
    }

    /// Flushes and releases resources; called once at shutdown after the last send.
    async fn close(&self) {}
}
