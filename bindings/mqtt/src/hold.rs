//! One received message from input until its outcome is final.
//!
//! MQTT has no negative acknowledgement: a QoS 1/2 message that comes back as
//! `Retry` (a sink failed past its retries, with no dead letter) stays with
//! ferry, which submits it again after a capped backoff until it settles. Its
//! PUBACK, and every later one (they go in order), waits meanwhile; on MQTT 5 the
//! broker stops sending once Receive Maximum messages are unacknowledged. At
//! shutdown the retrying stops and the message is left unacknowledged for the
//! broker to deliver again. A QoS 0 message has nothing to wait for: `Retry`
//! means it is lost, which is logged.

use std::time::Duration;

use ferry_core::{Intake, Outcome, PendingOutcome};
use tokio_util::sync::CancellationToken;
use tracing::{debug, warn};

use crate::acks::Seq;
use crate::input::Input;

/// First pause before a held message is submitted again; doubles up to the cap.
const RETRY_INITIAL: Duration = Duration::from_millis(500);
const RETRY_MAX: Duration = Duration::from_secs(30);
/// Failed attempts of one held message logged as warnings: the first, then every tenth.
const WARN_EVERY: u32 = 10;

/// The final outcome of one message; `seq` is its ack-queue place (QoS 1/2).
#[derive(Debug)]
pub(crate) struct Settled {
    pub seq: Option<Seq>,
    pub outcome: Outcome,
}

/// Waits for `pending`, resubmitting a QoS 1/2 message while it comes back as
/// `Retry`, until `stop`.
pub(crate) async fn hold(
    seq: Option<Seq>,
    input: Input,
    pending: PendingOutcome,
    intake: Intake,
    stop: CancellationToken,
) -> Settled {
    let mut outcome = pending.await;
    let Some(seq) = seq else {
        if outcome == Outcome::Retry {
            warn!(source = %intake.source_name(), "QoS 0 {} was not delivered and is lost (QoS 0 cannot be redelivered)", input.describe());
        }
        return Settled { seq, outcome };
    };
    let mut backoff = RETRY_INITIAL;
    let mut attempt = 0u32;
    while outcome == Outcome::Retry {
        attempt += 1;
        if attempt == 1 || attempt % WARN_EVERY == 0 {
            warn!(
                source = %intake.source_name(), attempt,
                "{} not delivered; ferry holds it (its PUBACK and later ones wait) and tries again in {backoff:?}",
                input.describe()
            );
        } else {
            debug!(source = %intake.source_name(), attempt, "{} still not delivered", input.describe());
        }
        tokio::select! {
            () = tokio::time::sleep(backoff) => {}
            () = stop.cancelled() => {
                debug!(source = %intake.source_name(), "shutdown: held message left for redelivery");
                break;
            }
        }
        outcome = input.submit(&intake).await.await;
        backoff = (backoff * 2).min(RETRY_MAX);
    }
    Settled {
        seq: Some(seq),
        outcome,
    }
}
