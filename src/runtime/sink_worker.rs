//! One worker per sink: takes copies from the sink's bounded queue and runs at
//! most `max_in_flight` deliveries at once.
//!
//! A slot (semaphore permit) is acquired *before* the next copy is taken, so the
//! worker never holds more copies than it may deliver: the rest wait in the
//! bounded queue, where they push back on the router and so on the sources.

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio::task::{JoinError, JoinSet};
use tokio_util::sync::CancellationToken;
use tracing::error;

use super::copy::{EventCopy, SinkHandle};
use super::deliver::deliver;

/// Runs until the queue is closed and drained and every delivery finished, or
/// until `abort`: then in-flight deliveries are aborted (their copies settle as
/// `Retry`) and awaited, so nothing touches the sink after this returns.
pub async fn run(
    sink: Arc<SinkHandle>,
    mut queue: mpsc::Receiver<EventCopy>,
    abort: CancellationToken,
) {
    let mut deliveries = JoinSet::new();
    let aborted = tokio::select! {
        _ = abort.cancelled() => true,
        _ = take_copies(&sink, &mut queue, &mut deliveries) => false,
    };
    if !aborted {
        tokio::select! {
            _ = abort.cancelled() => {}
            _ = finish(&sink, &mut deliveries) => return,
        }
    }
    deliveries.abort_all();
    finish(&sink, &mut deliveries).await;
}

/// Spawns one delivery per copy, each holding one of the sink's slots.
async fn take_copies(
    sink: &SinkHandle,
    queue: &mut mpsc::Receiver<EventCopy>,
    deliveries: &mut JoinSet<()>,
) {
    loop {
        // The semaphore is never closed; if it were, no delivery could run.
        let Ok(slot) = sink.slots.clone().acquire_owned().await else {
            return;
        };
        let Some(copy) = queue.recv().await else {
            return;
        };
        deliveries.spawn(deliver(copy, slot));
        // Reap finished deliveries so the set only holds live ones.
        while let Some(result) = deliveries.try_join_next() {
            report(sink, result);
        }
    }
}

/// Waits for every delivery still in the set.
async fn finish(sink: &SinkHandle, deliveries: &mut JoinSet<()>) {
    while let Some(result) = deliveries.join_next().await {
        report(sink, result);
    }
}

/// A panicking delivery dropped its copy's ticket, so the copy settled as
/// `Retry`; say so loudly. Cancellation is the expected result of an abort.
fn report(sink: &SinkHandle, result: Result<(), JoinError>) {
    if let Err(err) = result {
        if err.is_panic() {
            error!(sink = %sink.name, "a delivery panicked; its message will be redelivered");
        }
    }
}
