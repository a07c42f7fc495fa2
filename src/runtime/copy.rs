//! The unit of delivery: one copy of an event for one sink on one route, and the
//! shared handle on a sink that every copy for it uses.

use std::sync::Arc;

use ferry_core::{Envelope, Sink};
use tokio::sync::Semaphore;
use tokio::time::Instant;

use super::retry::RetryPolicy;
use super::settle::Ticket;
use crate::metrics::SinkMetrics;

/// A configured sink with its delivery bounds.
pub struct SinkHandle {
    pub name: Arc<str>,
    pub sink: Arc<dyn Sink>,
    pub retry: RetryPolicy,
    /// `max_in_flight` permits. Shared by the sink's own worker and by
    /// dead-letter deliveries aimed at this sink, so both obey its bound.
    pub slots: Arc<Semaphore>,
    pub metrics: SinkMetrics,
}

impl std::fmt::Debug for SinkHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SinkHandle")
            .field("name", &self.name)
            .field("retry", &self.retry)
            .field("free_slots", &self.slots.available_permits())
            .finish_non_exhaustive()
    }
}

/// One copy of an event on its way to a sink.
#[derive(Debug)]
pub struct EventCopy {
    /// Shares the event with every other copy of the same message.
    pub envelope: Envelope,
    pub target: Arc<SinkHandle>,
    /// The route it travels on; `None` for a source's invalid-input dead letter.
    pub route: Option<Arc<str>>,
    /// Where the copy goes if `target` fails for good.
    pub dead_letter: Option<Arc<SinkHandle>>,
    /// When the router made the copy: the start of the latency measurement.
    pub created: Instant,
    pub ticket: Ticket,
}
