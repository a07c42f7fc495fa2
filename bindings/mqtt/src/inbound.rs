//! The source's connection task: polls the event loop without pause (the
//! socket is read eagerly, so the broker never queues for ferry), reconnects
//! with backoff, subscribes, and forwards what arrives to the source's loop.
//!
//! Acknowledgements go the other way through [`AckLink`], which ties each one to
//! the connection (generation) its message came on: an ack for a connection that
//! is gone is never sent on the next one, where the packet id could name a
//! different message.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use ferry_core::ReadyFlag;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::{debug, error, info, warn};

use crate::acks::Ack;
use crate::client::{Client, QoS};
use crate::connection::{Connection, Inbound, Notice};

/// Reconnect backoff: first pause, doubling up to the cap.
pub(crate) const RECONNECT_INITIAL: Duration = Duration::from_millis(200);
pub(crate) const RECONNECT_MAX: Duration = Duration::from_secs(10);
/// Connect failures in a row logged as warnings: the first, then every tenth.
pub(crate) const WARN_EVERY: u32 = 10;

/// What the connection task tells the source's loop, in arrival order.
#[derive(Debug)]
pub(crate) enum FromBroker {
    Connected {
        generation: u64,
        session_present: bool,
    },
    Disconnected,
    Message(Inbound),
}

/// Whether an acknowledgement went out.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum AckSent {
    Sent,
    /// Its connection is gone; the broker will deliver the message again.
    Stale,
    /// The request channel is full (or closing); try again shortly.
    Later,
}

#[derive(Debug, Default)]
struct LinkState {
    generation: u64,
    connected: bool,
}

/// The request side of the source's client, with the connection generation
/// under one lock, so an ack is queued only on the connection it belongs to.
pub(crate) struct AckLink {
    client: Client,
    state: Mutex<LinkState>,
}

impl AckLink {
    pub fn new(client: Client) -> Self {
        Self {
            client,
            state: Mutex::new(LinkState::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, LinkState> {
        // The state is two plain fields, valid even after a panic elsewhere.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn send(&self, ack: &Ack) -> AckSent {
        let state = self.lock();
        if !state.connected || state.generation != ack.generation {
            return AckSent::Stale;
        }
        match self.client.try_ack(ack.pkid, ack.qos) {
            Ok(()) => AckSent::Sent,
            Err(_) => AckSent::Later,
        }
    }

    /// Queues a DISCONNECT after every ack queued so far.
    pub fn disconnect(&self) {
        let _state = self.lock();
        if self.client.try_disconnect().is_err() {
            debug!("could not queue DISCONNECT; the connection task is stopped instead");
        }
    }

    fn connected(&self) -> u64 {
        let mut state = self.lock();
        state.generation += 1;
        state.connected = true;
        state.generation
    }

    /// Marks the connection lost and, under the same lock, drops every ack queued
    /// for it, so none leaks onto the next connection.
    fn lost(&self, connection: &mut Connection) {
        let mut state = self.lock();
        state.connected = false;
        connection.reset();
    }
}

/// What to subscribe to, once per process and again whenever the broker lost
/// the session (a kept session keeps its subscriptions).
#[derive(Debug, Clone)]
pub(crate) struct Subscription {
    pub filters: Vec<String>,
    pub qos: QoS,
}

/// The connection task's state.
pub(crate) struct Driver {
    pub name: Arc<str>,
    pub broker: String,
    pub connection: Connection,
    pub link: Arc<AckLink>,
    pub client: Client,
    pub tx: mpsc::Sender<FromBroker>,
    pub subscription: Subscription,
    pub ready: ReadyFlag,
    /// Cancelled by the source once it has sent its last ack and DISCONNECT.
    pub closing: CancellationToken,
}

impl Driver {
    /// Runs until the DISCONNECT is written, or `closing` while not connected.
    pub async fn run(mut self) {
        let mut up = false;
        let mut subscribed = false;
        let mut failures = 0u32;
        let mut backoff = RECONNECT_INITIAL;
        loop {
            let polled = tokio::select! {
                biased;
                () = self.closing.cancelled(), if !up => return,
                polled = self.connection.poll() => polled,
            };
            match polled {
                Ok(Notice::Disconnecting) => return,
                Ok(Notice::Connected {
                    session_present, ..
                }) => {
                    (up, failures, backoff) = (true, 0, RECONNECT_INITIAL);
                    self.connected(session_present, &mut subscribed).await;
                }
                Ok(Notice::Subscribed { refused }) => {
                    subscribed = refused.is_empty();
                    self.subscribed(&refused);
                }
                Ok(Notice::Message(inbound)) => {
                    // A closed channel means the source stopped; the message stays
                    // unacknowledged and comes again on the next connection.
                    let _ = self.tx.send(FromBroker::Message(inbound)).await;
                }
                Ok(_) => {}
                Err(reason) => {
                    up = false;
                    failures += 1;
                    self.lost(&reason, failures).await;
                    if self.closing.is_cancelled() {
                        return;
                    }
                    tokio::select! {
                        () = tokio::time::sleep(backoff) => {}
                        () = self.closing.cancelled() => return,
                    }
                    backoff = (backoff * 2).min(RECONNECT_MAX);
                }
            }
        }
    }

    async fn connected(&mut self, session_present: bool, subscribed: &mut bool) {
        let generation = self.link.connected();
        info!(source = %self.name, broker = %self.broker, session_present, "mqtt source connected");
        let _ = self
            .tx
            .send(FromBroker::Connected {
                generation,
                session_present,
            })
            .await;
        if *subscribed && session_present {
            self.ready.set(true);
            return;
        }
        *subscribed = false;
        let filters = &self.subscription.filters;
        if self
            .client
            .try_subscribe(filters, self.subscription.qos)
            .is_err()
        {
            // Only a full request channel gets here; the next connection retries.
            warn!(source = %self.name, "could not queue SUBSCRIBE");
        }
    }

    fn subscribed(&self, refused: &[String]) {
        if refused.is_empty() {
            debug!(source = %self.name, filters = ?self.subscription.filters, "subscribed");
            self.ready.set(true);
        } else {
            error!(
                source = %self.name,
                filters = ?self.subscription.filters,
                refused = %refused.join(", "),
                "the broker refused subscriptions; the source stays not ready"
            );
        }
    }

    async fn lost(&mut self, reason: &str, failures: u32) {
        self.ready.set(false);
        self.link.lost(&mut self.connection);
        let _ = self.tx.send(FromBroker::Disconnected).await;
        if failures == 1 || failures % WARN_EVERY == 0 {
            warn!(source = %self.name, broker = %self.broker, %reason, failures, "mqtt source: no connection to the broker; retrying");
        } else {
            debug!(source = %self.name, %reason, failures, "mqtt source reconnect failed");
        }
    }
}
