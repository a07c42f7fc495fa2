//! The MQTT source: a connection task ([`crate::inbound`]) reads the broker
//! eagerly; this loop turns each message into a submission, holds it until its
//! outcome is final ([`crate::hold`]), and acknowledges QoS 1/2 messages in
//! arrival order ([`crate::acks`]).
//!
//! Bounded: at most `receive_maximum` messages are held at once; past that the
//! loop stops taking messages, the connection task's channel fills, and it stops
//! reading the socket (on MQTT 5 the broker also stops sending at that many
//! unacknowledged messages). A full runtime channel has the same effect.
//!
//! Shutdown: stop taking messages (later ones stay unacknowledged at the broker),
//! wait for held outcomes, acknowledge the settled ones in order, DISCONNECT.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use ferry_core::wrap::Wrapper;
use ferry_core::{Intake, Source, SourceError};
use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info};

use crate::acks::{Ack, AckQueue, Arrival};
use crate::broker;
use crate::client::{self, QoS, Settings};
use crate::config::{MqttSourceConfig, MqttVersion, CONTEXT_KEYS};
use crate::connection::Inbound;
use crate::error::BuildError;
use crate::hold::{hold, Settled};
use crate::inbound::{AckLink, AckSent, Driver, FromBroker, Subscription};
use crate::input::Decoder;
use crate::names::MQTT_MAX_PACKET;

/// Pause before acks that found the request channel full are tried again.
const ACK_RETRY: Duration = Duration::from_millis(20);
/// After the last ack, how long the DISCONNECT may take before the connection
/// task is stopped anyway.
const DISCONNECT_WAIT: Duration = Duration::from_secs(3);
/// Request-channel room beyond one ack per held message (SUBSCRIBE, DISCONNECT).
const REQUEST_SLACK: usize = 16;

/// Receives CloudEvents from an MQTT broker (`binding = "mqtt"`).
pub struct MqttSource {
    settings: Settings,
    subscription: Subscription,
    decoder: Decoder,
    limit: usize,
}

impl MqttSource {
    /// Checks the config and resolves defaults (the client id); connects in `run`.
    pub fn new(name: &str, cfg: MqttSourceConfig) -> Result<Self, BuildError> {
        if let Some(err) = BuildError::from_problems(cfg.check()) {
            return Err(err);
        }
        let broker = broker::parse(&cfg.url).map_err(BuildError::Config)?;
        let wrapper = match &cfg.wrap {
            Some(wrap) => Some(
                Wrapper::new(wrap, CONTEXT_KEYS)
                    .map_err(|problems| BuildError::Config(problems.join("; ")))?,
            ),
            None => None,
        };
        let limit = usize::from(cfg.receive_maximum);
        let settings = Settings {
            version: cfg.version,
            broker,
            client_id: cfg
                .client_id
                .clone()
                .unwrap_or_else(|| broker::default_client_id(name)),
            clean_start: cfg.clean_start,
            session_expiry_secs: cfg.session_expiry_secs,
            receive_maximum: Some(cfg.receive_maximum),
            // 3.1.1 cannot advertise a limit; larger messages are refused on arrival.
            max_incoming_bytes: match cfg.version {
                MqttVersion::V5 => cfg.max_packet_bytes,
                MqttVersion::V311 => MQTT_MAX_PACKET,
            },
            manual_acks: true,
            request_capacity: limit + REQUEST_SLACK,
            // The source publishes nothing; rumqttc sizes a table by this.
            outgoing_inflight: 1,
        };
        Ok(Self {
            subscription: Subscription {
                filters: cfg.filters(),
                qos: client::qos(cfg.qos),
            },
            decoder: Decoder {
                name: Arc::from(name),
                version: cfg.version,
                max_packet_bytes: cfg.max_packet_bytes,
                wrapper,
            },
            settings,
            limit,
        })
    }
}

#[async_trait]
impl Source for MqttSource {
    async fn run(
        self: Box<Self>,
        intake: Intake,
        shutdown: CancellationToken,
    ) -> Result<(), SourceError> {
        let (client, connection) = client::build(&self.settings);
        let link = Arc::new(AckLink::new(client.clone()));
        let (tx, rx) = mpsc::channel(self.limit);
        let closing = CancellationToken::new();
        let driver = Driver {
            name: intake.source_name().clone(),
            broker: self.settings.broker.to_string(),
            connection,
            link: link.clone(),
            client,
            tx,
            subscription: self.subscription.clone(),
            ready: intake.ready().clone(),
            closing: closing.clone(),
        };
        let mut driver = tokio::spawn(driver.run());
        let pump = Pump::new(
            self.decoder,
            intake.clone(),
            link.clone(),
            self.limit,
            shutdown,
        );
        let result = pump.run(rx).await;
        link.disconnect();
        closing.cancel();
        if tokio::time::timeout(DISCONNECT_WAIT, &mut driver)
            .await
            .is_err()
        {
            debug!(source = %intake.source_name(), "DISCONNECT not written in time; connection dropped");
            driver.abort();
        }
        intake.ready().set(false);
        result
    }
}

/// The source's loop: messages in, outcomes back, acks out.
struct Pump {
    decoder: Decoder,
    intake: Intake,
    link: Arc<AckLink>,
    queue: AckQueue,
    held: FuturesUnordered<BoxFuture<'static, Settled>>,
    outbox: VecDeque<Ack>,
    limit: usize,
    stop: CancellationToken,
}

impl Pump {
    fn new(
        decoder: Decoder,
        intake: Intake,
        link: Arc<AckLink>,
        limit: usize,
        stop: CancellationToken,
    ) -> Self {
        Self {
            decoder,
            intake,
            link,
            queue: AckQueue::new(),
            held: FuturesUnordered::new(),
            outbox: VecDeque::new(),
            limit,
            stop,
        }
    }

    async fn run(mut self, mut rx: mpsc::Receiver<FromBroker>) -> Result<(), SourceError> {
        let mut stopping = false;
        let mut open = true;
        while !(stopping && self.held.is_empty()) {
            let room = self.queue.len() < self.limit && self.held.len() < self.limit;
            tokio::select! {
                biased;
                () = self.stop.cancelled(), if !stopping => {
                    stopping = true;
                    info!(source = %self.intake.source_name(), held = self.held.len(), "mqtt source stopping: waiting for held messages");
                }
                Some(settled) = self.held.next(), if !self.held.is_empty() => self.settled(settled),
                () = tokio::time::sleep(ACK_RETRY), if !self.outbox.is_empty() => self.flush(),
                received = rx.recv(), if open && (room || stopping) => match received {
                    Some(from) => self.receive(from, stopping).await,
                    None => open = false,
                },
            }
            if !open && !stopping {
                return Err(SourceError(format!(
                    "mqtt source `{}`: the connection task ended",
                    self.intake.source_name()
                )));
            }
        }
        self.flush();
        Ok(())
    }

    async fn receive(&mut self, from: FromBroker, stopping: bool) {
        match from {
            FromBroker::Connected {
                generation,
                session_present,
            } => {
                self.queue.connected(generation, session_present);
                self.acknowledge();
            }
            FromBroker::Disconnected => {
                self.queue.disconnected();
                for ack in self.outbox.drain(..) {
                    self.queue.unsent(ack);
                }
            }
            // Left unacknowledged: the broker delivers it again next time.
            FromBroker::Message(inbound) if stopping => {
                debug!(source = %self.intake.source_name(), topic = %inbound.topic, "stopping: message left for redelivery");
            }
            FromBroker::Message(inbound) => self.accept(inbound).await,
        }
    }

    async fn accept(&mut self, inbound: Inbound) {
        let seq = match inbound.qos {
            QoS::AtMostOnce => None,
            qos => match self.queue.arrive(inbound.pkid, qos, inbound.dup) {
                Arrival::New(seq) => Some(seq),
                Arrival::Redelivered => {
                    debug!(source = %self.intake.source_name(), pkid = inbound.pkid, "redelivered message already held");
                    self.acknowledge();
                    return;
                }
            },
        };
        let input = self.decoder.input(inbound);
        let pending = input.submit(&self.intake).await;
        let held = hold(seq, input, pending, self.intake.clone(), self.stop.clone());
        self.held.push(Box::pin(held));
    }

    fn settled(&mut self, settled: Settled) {
        // A message still `Retry` here was given up at shutdown: never acknowledged.
        if let (Some(seq), true) = (settled.seq, settled.outcome.is_settled()) {
            self.queue.settle(seq);
            self.acknowledge();
        }
    }

    /// Moves the acks due now to the outbox and sends what it can.
    fn acknowledge(&mut self) {
        self.outbox.extend(self.queue.ready());
        self.flush();
    }

    fn flush(&mut self) {
        while let Some(ack) = self.outbox.front().copied() {
            match self.link.send(&ack) {
                AckSent::Sent => {}
                AckSent::Stale => self.queue.unsent(ack),
                AckSent::Later => return,
            }
            self.outbox.pop_front();
        }
    }
}
