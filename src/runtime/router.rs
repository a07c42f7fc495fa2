//! The router: takes submissions from every source's intake, evaluates the
//! routing table, and pushes one copy per (route, sink) into that sink's bounded
//! queue. Invalid input goes to its source's dead letter the same way.

use std::collections::HashMap;
use std::sync::Arc;

use ferry_core::{Envelope, Outcome, ProtocolContext, Submission, Submitted};
use prometheus_client::metrics::counter::Counter;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tracing::{debug, error, warn};

use super::copy::{EventCopy, SinkHandle};
use super::invalid::invalid_event;
use super::settle::Settlement;
use crate::metrics::SourceMetrics;
use crate::route::RoutingTable;

/// A source as the router sees it.
#[derive(Debug)]
pub struct SourceEntry {
    pub metrics: SourceMetrics,
    /// Sink for invalid input.
    pub dead_letter: Option<Arc<str>>,
}

/// A sink as the router sees it: its handle and the entry of its queue.
#[derive(Debug)]
pub struct SinkEntry {
    pub handle: Arc<SinkHandle>,
    pub queue: mpsc::Sender<EventCopy>,
}

/// Everything the router needs, resolved by name at start.
#[derive(Debug)]
pub struct Router {
    pub table: RoutingTable,
    pub sources: HashMap<Arc<str>, SourceEntry>,
    pub sinks: HashMap<Arc<str>, SinkEntry>,
    /// Events-taken counters by route name.
    pub routes: HashMap<Arc<str>, Counter>,
}

impl Router {
    /// Routes until every intake is gone, or until `close` (then the intake stops
    /// taking submissions and what is queued is still routed), or until `abort`.
    pub async fn run(
        self,
        mut intake: mpsc::Receiver<Submitted>,
        close: CancellationToken,
        abort: CancellationToken,
    ) {
        tokio::select! {
            _ = abort.cancelled() => {}
            _ = self.route_all(&mut intake, &close) => {}
        }
        // Dropping `self` closes every sink queue, letting the workers finish.
    }

    async fn route_all(&self, intake: &mut mpsc::Receiver<Submitted>, close: &CancellationToken) {
        let mut closing = false;
        loop {
            let next = tokio::select! {
                biased;
                next = intake.recv() => next,
                _ = close.cancelled(), if !closing => {
                    intake.close();
                    closing = true;
                    continue;
                }
            };
            match next {
                Some(submitted) => self.route(submitted).await,
                None => return,
            }
        }
    }

    async fn route(&self, submitted: Submitted) {
        let Some(source) = self.sources.get(&submitted.source) else {
            // Cannot happen with intakes built at start; dropping the outcome
            // sender makes the source redeliver rather than lose the message.
            error!(source = %submitted.source, "submission from an unknown source");
            return;
        };
        source.metrics.submitted();
        match submitted.submission {
            Submission::Event(envelope) => {
                self.route_event(&submitted.source, source, envelope, submitted.outcome)
                    .await
            }
            Submission::Invalid {
                payload,
                reason,
                context,
            } => {
                let input = InvalidInput {
                    payload,
                    reason,
                    context,
                };
                let source_name = &submitted.source;
                self.route_invalid(source_name, source, input, submitted.outcome)
                    .await
            }
        }
    }

    async fn route_event(
        &self,
        source_name: &str,
        source: &SourceEntry,
        envelope: Envelope,
        reply: oneshot::Sender<Outcome>,
    ) {
        // No copy at all (no route took it) leaves the message Filtered.
        let settlement = Settlement::begin(source.metrics.clone(), reply, Outcome::Filtered);
        let created = Instant::now();
        let event = envelope.event.clone();
        for route in self.table.routes_for(source_name, &event) {
            if let Some(counter) = self.routes.get(&route.name) {
                counter.inc();
            }
            let dead_letter = route.dead_letter.as_ref().and_then(|n| self.handle(n));
            for sink in &route.to {
                // The ticket exists before the lookup: an unknown sink (ruled out
                // at start) then settles as Retry, never as Filtered.
                let ticket = settlement.ticket();
                let Some(entry) = self.sink(sink) else {
                    continue;
                };
                let copy = EventCopy {
                    envelope: envelope.clone(),
                    target: entry.handle.clone(),
                    route: Some(route.name.clone()),
                    dead_letter: dead_letter.clone(),
                    created,
                    ticket,
                };
                push(entry, copy).await;
            }
        }
    }

    async fn route_invalid(
        &self,
        source_name: &str,
        source: &SourceEntry,
        input: InvalidInput,
        reply: oneshot::Sender<Outcome>,
    ) {
        // Invalid stays the outcome once the dead letter confirmed (or when there
        // is none); a failing dead letter makes it Retry.
        let settlement = Settlement::begin(source.metrics.clone(), reply, Outcome::Invalid);
        let Some(dead_letter) = &source.dead_letter else {
            warn!(source = source_name, reason = %input.reason, "invalid input (no dead_letter set)");
            return;
        };
        debug!(source = source_name, reason = %input.reason, "invalid input; dead-lettering it");
        let event = match invalid_event(source_name, input.payload, &input.reason) {
            Ok(event) => event,
            Err(err) => {
                error!(source = source_name, %err, "could not wrap invalid input");
                // An unsettled ticket: the source redelivers instead of losing it.
                drop(settlement.ticket());
                return;
            }
        };
        let ticket = settlement.ticket();
        let Some(entry) = self.sink(dead_letter) else {
            return;
        };
        let copy = EventCopy {
            envelope: Envelope::new(event, source_name.into(), input.context),
            target: entry.handle.clone(),
            route: None,
            dead_letter: None,
            created: Instant::now(),
            ticket,
        };
        push(entry, copy).await;
    }

    fn sink(&self, name: &str) -> Option<&SinkEntry> {
        let entry = self.sinks.get(name);
        if entry.is_none() {
            error!(sink = name, "unknown sink; the message will be redelivered");
        }
        entry
    }

    fn handle(&self, sink: &str) -> Option<Arc<SinkHandle>> {
        self.sink(sink).map(|entry| entry.handle.clone())
    }
}

/// Queues a copy, waiting while the sink's queue is full. A copy that cannot be
/// queued (the worker is gone) is dropped, and its ticket settles as `Retry`.
async fn push(entry: &SinkEntry, copy: EventCopy) {
    if entry.queue.send(copy).await.is_err() {
        debug!(sink = %entry.handle.name, "sink worker gone; the copy settles as retry");
    }
}

/// The parts of a `Submission::Invalid`.
struct InvalidInput {
    payload: bytes::Bytes,
    reason: String,
    context: ProtocolContext,
}
