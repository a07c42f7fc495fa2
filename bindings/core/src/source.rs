//! The contract every source implements, and the intake it pushes events into.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use async_trait::async_trait;
use bytes::Bytes;
use thiserror::Error;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use crate::envelope::{Envelope, ProtocolContext};
use crate::outcome::Outcome;

/// A fatal source failure (bad listen address, lost broker that will not return).
#[derive(Debug, Error)]
#[error("{0}")]
pub struct SourceError(pub String);

/// A protocol receiver. `run` pushes every message into `intake` and acknowledges
/// it to its protocol once the returned outcome is known.
#[async_trait]
pub trait Source: Send {
    /// Runs until `shutdown` is cancelled, then stops taking new messages, waits
    /// for the outcomes of those in flight, acknowledges them, and returns.
    async fn run(
        self: Box<Self>,
        intake: Intake,
        shutdown: CancellationToken,
    ) -> Result<(), SourceError>;
}

/// What a source hands to the runtime.
#[derive(Debug)]
pub enum Submission {
    /// A valid event to route.
    Event(Envelope),
    /// Input that is not a valid event: sent to the source's dead letter (as
    /// `dev.ferry.invalid`) when it has one, else logged; counted as invalid.
    Invalid {
        payload: Bytes,
        reason: String,
        context: ProtocolContext,
    },
}

/// One submission on its way to the router, with the channel its outcome returns on.
#[derive(Debug)]
pub struct Submitted {
    pub source: Arc<str>,
    pub submission: Submission,
    pub outcome: oneshot::Sender<Outcome>,
}

/// The bounded entry into the routing table for one source.
#[derive(Debug, Clone)]
pub struct Intake {
    source: Arc<str>,
    tx: mpsc::Sender<Submitted>,
    ready: ReadyFlag,
}

impl Intake {
    pub fn new(source: Arc<str>, tx: mpsc::Sender<Submitted>, ready: ReadyFlag) -> Self {
        Self { source, tx, ready }
    }

    /// The configured name of this source.
    pub fn source_name(&self) -> &Arc<str> {
        &self.source
    }

    /// The flag this source sets while its protocol connection is up.
    pub fn ready(&self) -> &ReadyFlag {
        &self.ready
    }

    /// Queues a valid event, waiting while the runtime's channel is full (this is
    /// the backpressure a source turns into protocol flow control).
    pub async fn submit(&self, envelope: Envelope) -> PendingOutcome {
        self.push(Submission::Event(envelope)).await
    }

    /// Queues input that is not a valid event.
    pub async fn submit_invalid(
        &self,
        payload: Bytes,
        reason: String,
        context: ProtocolContext,
    ) -> PendingOutcome {
        self.push(Submission::Invalid {
            payload,
            reason,
            context,
        })
        .await
    }

    /// Queues a submission of either kind (for sources that decide the kind
    /// before they submit, e.g. after decoding on another thread).
    pub async fn push(&self, submission: Submission) -> PendingOutcome {
        let (outcome, rx) = oneshot::channel();
        let submitted = Submitted {
            source: self.source.clone(),
            submission,
            outcome,
        };
        // A closed channel means the runtime is gone: the receiver below then
        // resolves to Retry, so the message is never acknowledged.
        let _ = self.tx.send(submitted).await;
        PendingOutcome(rx)
    }
}

/// Resolves to the message's outcome; `Retry` if the runtime dropped it unsettled.
#[derive(Debug)]
pub struct PendingOutcome(oneshot::Receiver<Outcome>);

impl Future for PendingOutcome {
    type Output = Outcome;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Outcome> {
        Pin::new(&mut self.0)
            .poll(cx)
            .map(|r| r.unwrap_or(Outcome::Retry))
    }
}

/// A shared up/down flag for `/readyz`.
#[derive(Debug, Clone, Default)]
pub struct ReadyFlag(Arc<AtomicBool>);

impl ReadyFlag {
    pub fn new(ready: bool) -> Self {
        Self(Arc::new(AtomicBool::new(ready)))
    }

    pub fn set(&self, ready: bool) {
        self.0.store(ready, Ordering::Relaxed);
    }

    pub fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}
