//! Per-message settlement: a source message settles once every copy of it has.
//!
//! Each copy carries a [`Ticket`]. A ticket records its copy's outcome when
//! settled explicitly, and `Retry` when it is dropped unsettled (a delivery task
//! aborted at shutdown, a closed queue, a panic), so a bug causes redelivery,
//! never loss. The shared state sends the worst recorded outcome back to the
//! source when the last ticket (and the router's [`Settlement`]) is gone: settling
//! is tied to `Drop`, so no code path can forget it.

use std::sync::{Arc, Mutex};

use ferry_core::Outcome;
use tokio::sync::oneshot;

use crate::metrics::SourceMetrics;

/// The shared state of one source message.
#[derive(Debug)]
struct Shared {
    /// Worst outcome recorded so far (the starting value is the outcome with no
    /// copies at all: `Filtered` for an event no route took).
    worst: Mutex<Outcome>,
    reply: Option<oneshot::Sender<Outcome>>,
    metrics: SourceMetrics,
}

impl Shared {
    fn record(&self, outcome: Outcome) {
        let mut worst = self.worst.lock().unwrap_or_else(|p| p.into_inner());
        *worst = (*worst).max(outcome);
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        let outcome = *self.worst.get_mut().unwrap_or_else(|p| p.into_inner());
        self.metrics.settled(outcome);
        if let Some(reply) = self.reply.take() {
            // The source may have given up waiting (it stopped); the outcome is
            // counted above either way.
            let _ = reply.send(outcome);
        }
    }
}

/// The router's handle on a message while it hands out copies. Dropping it (and
/// every ticket) settles the message.
#[derive(Debug)]
pub struct Settlement {
    shared: Arc<Shared>,
}

impl Settlement {
    /// Starts settling a message that was counted as submitted in `metrics`.
    /// `initial` is its outcome if no copy is ever made.
    pub fn begin(
        metrics: SourceMetrics,
        reply: oneshot::Sender<Outcome>,
        initial: Outcome,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                worst: Mutex::new(initial),
                reply: Some(reply),
                metrics,
            }),
        }
    }

    /// A ticket for one more copy.
    pub fn ticket(&self) -> Ticket {
        Ticket {
            shared: Some(self.shared.clone()),
        }
    }
}

/// One copy's share of a message's settlement.
#[derive(Debug)]
pub struct Ticket {
    shared: Option<Arc<Shared>>,
}

impl Ticket {
    /// Records this copy's outcome.
    pub fn settle(mut self, outcome: Outcome) {
        if let Some(shared) = self.shared.take() {
            shared.record(outcome);
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if let Some(shared) = self.shared.take() {
            shared.record(Outcome::Retry);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Metrics;

    fn begin(initial: Outcome) -> (Settlement, oneshot::Receiver<Outcome>, Metrics) {
        let metrics = Metrics::new();
        let source = metrics.source("s");
        source.submitted();
        let (tx, rx) = oneshot::channel();
        (Settlement::begin(source, tx, initial), rx, metrics)
    }

    #[test]
    fn no_copies_settles_with_the_initial_outcome() {
        let (settlement, mut rx, metrics) = begin(Outcome::Filtered);
        drop(settlement);
        assert_eq!(rx.try_recv(), Ok(Outcome::Filtered));
        let totals = &metrics.source_totals()[0];
        assert_eq!((totals.filtered, totals.in_flight), (1, 0));
    }

    #[test]
    fn worst_copy_wins_and_waits_for_the_last_ticket() {
        let (settlement, mut rx, _metrics) = begin(Outcome::Filtered);
        let a = settlement.ticket();
        let b = settlement.ticket();
        drop(settlement);
        b.settle(Outcome::DeadLettered);
        assert!(rx.try_recv().is_err(), "settled before every copy did");
        a.settle(Outcome::Delivered);
        assert_eq!(rx.try_recv(), Ok(Outcome::DeadLettered));
    }

    #[test]
    fn a_dropped_ticket_counts_as_retry() {
        let (settlement, mut rx, metrics) = begin(Outcome::Filtered);
        let ticket = settlement.ticket();
        drop(settlement);
        drop(ticket);
        assert_eq!(rx.try_recv(), Ok(Outcome::Retry));
        assert_eq!(metrics.source_totals()[0].retry, 1);
    }
}
