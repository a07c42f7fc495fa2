//! The sink's connection task and the state it shares with `send`: polls the
//! event loop, matches written packets and PUBACK/PUBCOMP to waiting sends
//! ([`crate::confirm`]), reconnects with backoff, and fails every waiting send
//! as transient when the connection is lost.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use crate::client::{Client, QoS};
use crate::codec::Frame;
use crate::confirm::Correlator;
use crate::connection::{Connection, Notice};
use crate::error::{DeliveryError, Refusal};
use crate::inbound::{RECONNECT_INITIAL, RECONNECT_MAX, WARN_EVERY};
use crate::names::MQTT_MAX_PACKET;

/// Where a send learns how its publish ended.
pub(crate) type Waiter = oneshot::Sender<Result<(), DeliveryError>>;

#[derive(Default)]
struct State {
    connected: bool,
    closed: bool,
    /// MQTT 5: the broker's Maximum Packet Size.
    max_packet_bytes: Option<u32>,
    correlator: Correlator<Waiter>,
}

/// What `send` and the connection task share. Queuing a publish and recording
/// its waiter happen under one lock, as do the connection task's reactions, so
/// the order of queued waiters is the order rumqttc takes the requests in.
pub(crate) struct Shared {
    pub broker: String,
    client: Client,
    state: Mutex<State>,
    up: AtomicBool,
}

/// A publish about to be queued.
pub(crate) struct Publication<'a> {
    pub topic: &'a str,
    pub qos: QoS,
    pub retain: bool,
    pub frame: Frame,
    pub size: usize,
}

impl Shared {
    pub fn new(broker: String, client: Client) -> Self {
        Self {
            broker,
            client,
            state: Mutex::new(State::default()),
            up: AtomicBool::new(false),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Plain data and waiters; a panic elsewhere leaves them usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn is_up(&self) -> bool {
        self.up.load(Ordering::Relaxed)
    }

    /// Queues a publish; the receiver resolves when the broker confirmed it.
    pub fn publish(
        &self,
        out: Publication<'_>,
    ) -> Result<oneshot::Receiver<Result<(), DeliveryError>>, DeliveryError> {
        let mut state = self.lock();
        if state.closed {
            return Err(DeliveryError::Closed);
        }
        if !state.connected {
            return Err(self.not_connected());
        }
        // MQTT 5 brokers state their limit; MQTT itself cannot frame more.
        let max = state.max_packet_bytes.unwrap_or(MQTT_MAX_PACKET);
        if out.size > max as usize {
            return Err(DeliveryError::TooLarge {
                size: out.size,
                max,
            });
        }
        self.client
            .try_publish(out.topic, out.qos, out.retain, out.frame)
            .map_err(|_| self.not_connected())?;
        let (tx, rx) = oneshot::channel();
        state.correlator.queued(tx, out.qos);
        Ok(rx)
    }

    fn not_connected(&self) -> DeliveryError {
        DeliveryError::NotConnected {
            broker: self.broker.clone(),
        }
    }

    /// Refuses further sends, queues a DISCONNECT, and ends whatever still waits.
    pub fn close(&self) {
        let mut state = self.lock();
        state.closed = true;
        if state.connected && self.client.try_disconnect().is_err() {
            debug!(broker = %self.broker, "could not queue DISCONNECT");
        }
        for waiter in state.correlator.drain() {
            let _ = waiter.send(Err(DeliveryError::Closed));
        }
        self.up.store(false, Ordering::Relaxed);
    }

    /// Reacts to one notice of the event loop.
    fn notice(&self, notice: Notice) {
        let mut state = self.lock();
        let (pkid, result) = match notice {
            Notice::Connected {
                max_packet_bytes, ..
            } => {
                state.connected = true;
                state.max_packet_bytes = max_packet_bytes;
                self.up.store(!state.closed, Ordering::Relaxed);
                return;
            }
            Notice::Sent { pkid } => {
                if let Some(waiter) = state.correlator.sent(pkid) {
                    let _ = waiter.send(Ok(()));
                }
                return;
            }
            Notice::Collided { pkid } => {
                state.correlator.collided(pkid);
                return;
            }
            Notice::Acked { pkid, refusal } | Notice::Completed { pkid, refusal } => {
                (pkid, refusal)
            }
            // A successful PUBREC is half way: PUBCOMP confirms.
            Notice::Received {
                pkid,
                refusal: Some(refusal),
            } => (pkid, Some(refusal)),
            _ => return,
        };
        if let Some(waiter) = state.correlator.confirmed(pkid) {
            let _ = waiter.send(self.result(result));
        }
    }

    fn result(&self, refusal: Option<Refusal>) -> Result<(), DeliveryError> {
        match refusal {
            None => Ok(()),
            Some(refusal) => Err(DeliveryError::Refused {
                broker: self.broker.clone(),
                refusal,
            }),
        }
    }

    /// The connection is gone: every waiting send fails as transient, and
    /// rumqttc's replay of those publishes is dropped (they are sent again by
    /// the runtime's retry, under new packet ids).
    fn lost(&self, connection: &mut Connection, reason: &str) {
        let mut state = self.lock();
        state.connected = false;
        self.up.store(false, Ordering::Relaxed);
        connection.reset();
        for waiter in state.correlator.drain() {
            let _ = waiter.send(Err(DeliveryError::ConnectionLost {
                broker: self.broker.clone(),
                reason: reason.to_owned(),
            }));
        }
    }
}

/// Runs the sink's connection until its DISCONNECT is written, or `closing`
/// while not connected.
pub(crate) async fn drive(
    name: Arc<str>,
    mut connection: Connection,
    shared: Arc<Shared>,
    closing: CancellationToken,
) {
    let mut up = false;
    let mut failures = 0u32;
    let mut backoff = RECONNECT_INITIAL;
    loop {
        let polled = tokio::select! {
            biased;
            () = closing.cancelled(), if !up => return,
            polled = connection.poll() => polled,
        };
        match polled {
            Ok(Notice::Disconnecting) => return,
            Ok(notice @ Notice::Connected { .. }) => {
                (up, failures, backoff) = (true, 0, RECONNECT_INITIAL);
                info!(sink = %name, broker = %shared.broker, "mqtt sink connected");
                shared.notice(notice);
            }
            Ok(notice) => shared.notice(notice),
            Err(reason) => {
                up = false;
                failures += 1;
                shared.lost(&mut connection, &reason);
                if closing.is_cancelled() {
                    return;
                }
                if failures == 1 || failures % WARN_EVERY == 0 {
                    warn!(sink = %name, broker = %shared.broker, %reason, failures, "mqtt sink: no connection to the broker; retrying");
                } else {
                    debug!(sink = %name, %reason, failures, "mqtt sink reconnect failed");
                }
                tokio::select! {
                    () = tokio::time::sleep(backoff) => {}
                    () = closing.cancelled() => return,
                }
                backoff = (backoff * 2).min(RECONNECT_MAX);
            }
        }
    }
}
