//! Delivering one copy: send, retry transient failures with backoff, and hand a
//! copy that failed for good to its route's dead letter.

use ferry_core::{Envelope, Event, Outcome, SinkError};
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::{sleep, Instant};
use tracing::{debug, warn};

use super::copy::{EventCopy, SinkHandle};
use super::dead_letter;

/// Delivers `copy` while holding `slot`, one of its sink's `max_in_flight` permits,
/// then settles the copy's ticket.
pub async fn deliver(copy: EventCopy, slot: OwnedSemaphorePermit) {
    let result = send_with_retry(&copy.target, &copy.envelope, copy.created).await;
    // Free the slot before any dead-letter work: waiting for the dead-letter
    // sink's slot while holding this one could deadlock two sinks that serve as
    // each other's dead letter.
    drop(slot);
    let outcome = match result {
        Ok(reply) => {
            on_reply(&copy, reply);
            Outcome::Delivered
        }
        Err(err) => dead_letter::after_failure(&copy, &err).await,
    };
    copy.ticket.settle(outcome);
}

/// Sends until the sink confirms, retrying transient errors within its policy.
/// Returns the last error once retrying is pointless (permanent) or exhausted.
pub async fn send_with_retry(
    target: &SinkHandle,
    envelope: &Envelope,
    created: Instant,
) -> Result<Option<Event>, SinkError> {
    let mut tries = 0;
    loop {
        tries += 1;
        match target.sink.send(envelope).await {
            Ok(reply) => {
                target.metrics.delivered.inc();
                let latency = created.elapsed().as_secs_f64();
                target.metrics.latency.observe(latency);
                return Ok(reply);
            }
            Err(SinkError::Transient {
                reason,
                retry_after,
            }) if target.retry.may_retry(tries) => {
                target.metrics.retried.inc();
                let delay = target.retry.delay(tries, retry_after);
                debug!(sink = %target.name, tries, ?delay, %reason, "transient failure; retrying");
                sleep(delay).await;
            }
            Err(err) => {
                target.metrics.failed.inc();
                let kind = if err.is_transient() {
                    "retries exhausted"
                } else {
                    "permanent failure"
                };
                warn!(sink = %target.name, event = %envelope.event.id(), tries, %err, "{kind}");
                return Err(err);
            }
        }
    }
}

/// The seam for reply routing. A sink may answer with an event (an HTTP
/// response carrying a CloudEvent); routing it back into the table as coming
/// from a reply source, counting `ferryhops` against `runtime.max_hops`, is a
/// later issue. Until then the reply is logged and dropped: the original copy
/// is delivered either way.
fn on_reply(copy: &EventCopy, reply: Option<Event>) {
    if let Some(reply) = reply {
        debug!(
            sink = %copy.target.name,
            reply_id = %reply.id(),
            reply_type = %reply.ty(),
            "sink replied with an event; reply routing is not enabled, ignoring it"
        );
    }
}
