//! One worker per sink: takes copies from the sink's bounded queue and runs at
//! most `max_in_flight` deliveries at once.
//!
//! A slot (semaphore permit) is acquired *before* the next copy is taken, so the
//! worker never holds more copies than it may deliver: the rest wait in the
//! bounded queue, where they push back on the router and so on the sources.
//!
//! The deliveries are futures polled by the worker itself, not spawned tasks: a
//! new delivery is first polled after every earlier one, so sinks whose `send`
//! hands the event to its client on the first poll (a Kafka produce, an MQTT
//! publish) see copies in queue order. Spawned tasks would start in whatever order
//! the scheduler picks, and per-key order at the broker would be lost.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;

use futures::stream::FuturesUnordered;
use futures::{FutureExt, StreamExt};
use tokio::sync::{mpsc, OwnedSemaphorePermit};
use tokio_util::sync::CancellationToken;
use tracing::error;

use super::copy::{EventCopy, SinkHandle};
use super::deliver::deliver;

type Delivery = Pin<Box<dyn Future<Output = Result<(), Box<dyn Any + Send>>> + Send>>;

/// Runs until the queue is closed and drained and every delivery finished, or
/// until `abort`: then in-flight deliveries are dropped (their copies settle as
/// `Retry`), so nothing touches the sink after this returns.
pub async fn run(
    sink: Arc<SinkHandle>,
    mut queue: mpsc::Receiver<EventCopy>,
    abort: CancellationToken,
) {
    let mut deliveries: FuturesUnordered<Delivery> = FuturesUnordered::new();
    let mut open = true;
    // `abort` never disables its branch, so the end of work is checked here
    // rather than with a `select!` `else`.
    while open || !deliveries.is_empty() {
        tokio::select! {
            biased;
            _ = abort.cancelled() => return,
            Some(result) = deliveries.next(), if !deliveries.is_empty() => report(&sink, result),
            next = next_copy(&sink, &mut queue), if open => match next {
                Some((copy, slot)) => deliveries.push(start(copy, slot)),
                None => open = false,
            },
        }
    }
}

/// Waits for a free slot, then for the next copy. Both waits are cancel-safe: a
/// slot taken without a copy goes back to the semaphore when dropped.
async fn next_copy(
    sink: &SinkHandle,
    queue: &mut mpsc::Receiver<EventCopy>,
) -> Option<(EventCopy, OwnedSemaphorePermit)> {
    // The semaphore is never closed; if it were, no delivery could run.
    let slot = sink.slots.clone().acquire_owned().await.ok()?;
    let copy = queue.recv().await?;
    Some((copy, slot))
}

/// One delivery, with a panic in the sink caught so it cannot take the worker
/// (and every other delivery of this sink) down with it.
fn start(copy: EventCopy, slot: OwnedSemaphorePermit) -> Delivery {
    Box::pin(AssertUnwindSafe(deliver(copy, slot)).catch_unwind())
}

/// A panicking delivery dropped its copy's ticket, so the copy settled as
/// `Retry`; say so loudly.
fn report(sink: &SinkHandle, result: Result<(), Box<dyn Any + Send>>) {
    if result.is_err() {
        error!(sink = %sink.name, "a delivery panicked; its message will be redelivered");
    }
}
