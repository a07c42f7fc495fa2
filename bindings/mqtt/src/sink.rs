//! The MQTT sink: publishes each event to one topic and returns once the
//! broker confirmed it (PUBACK at QoS 1, PUBCOMP at QoS 2, written at QoS 0).
//! One connection per sink, run by [`crate::outbound`]; the session is clean
//! (a publisher's session would only hold what ferry already retries itself).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use ferry_core::{ContentMode, Envelope, Event, Sink, SinkError};
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tracing::debug;

use crate::broker;
use crate::client::{self, QoS, Settings};
use crate::codec;
use crate::config::{MqttSinkConfig, MqttVersion};
use crate::error::{BuildError, DeliveryError};
use crate::outbound::{self, Publication, Shared};

/// Publishes queued or awaiting confirmation at once; further sends wait.
const MAX_PENDING: usize = 1024;
/// Most QoS 1/2 publishes unacknowledged on the wire (the broker's Receive
/// Maximum may lower it).
const MAX_INFLIGHT: u16 = 256;
/// The sink only receives acknowledgements.
const MAX_INCOMING_BYTES: u32 = 64 * 1024;
/// How long `close` waits for the DISCONNECT to be written.
const CLOSE_WAIT: Duration = Duration::from_secs(3);

/// Delivers events to an MQTT broker (`binding = "mqtt"`).
pub struct MqttSink {
    shared: Arc<Shared>,
    version: MqttVersion,
    mode: ContentMode,
    topic: String,
    qos: QoS,
    retain: bool,
    pending: Semaphore,
    closing: CancellationToken,
    driver: Mutex<Option<JoinHandle<()>>>,
}

impl MqttSink {
    /// Checks the config and starts connecting (in the background: `is_ready`
    /// turns true once connected). Must be called inside the tokio runtime.
    pub fn new(name: &str, cfg: MqttSinkConfig) -> Result<Self, BuildError> {
        if let Some(err) = BuildError::from_problems(cfg.check()) {
            return Err(err);
        }
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| BuildError::NoRuntime)?;
        let broker = broker::parse(&cfg.url).map_err(BuildError::Config)?;
        let settings = Settings {
            version: cfg.version,
            broker,
            // `sink-` keeps a sink's session apart from a source's of the same name.
            client_id: cfg
                .client_id
                .clone()
                .unwrap_or_else(|| broker::default_client_id(&format!("sink-{name}"))),
            clean_start: true,
            session_expiry_secs: 0,
            receive_maximum: None,
            max_incoming_bytes: MAX_INCOMING_BYTES,
            manual_acks: false,
            request_capacity: MAX_PENDING + 8,
            outgoing_inflight: MAX_INFLIGHT,
        };
        let (client, connection) = client::build(&settings);
        let shared = Arc::new(Shared::new(settings.broker.to_string(), client));
        let closing = CancellationToken::new();
        let driver = runtime.spawn(outbound::drive(
            Arc::from(name),
            connection,
            shared.clone(),
            closing.clone(),
        ));
        Ok(Self {
            shared,
            version: cfg.version,
            mode: cfg.content_mode(),
            topic: cfg.topic,
            qos: client::qos(cfg.qos),
            retain: cfg.retain,
            pending: Semaphore::new(MAX_PENDING),
            closing,
            driver: Mutex::new(Some(driver)),
        })
    }

    fn take_driver(&self) -> Option<JoinHandle<()>> {
        self.driver.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

#[async_trait]
impl Sink for MqttSink {
    async fn send(&self, envelope: &Envelope) -> Result<Option<Event>, SinkError> {
        let frame = codec::encode(&envelope.event, self.version, self.mode);
        let size = client::publish_size(self.version, &self.topic, self.qos, &frame);
        let _permit = self
            .pending
            .acquire()
            .await
            .map_err(|_| DeliveryError::Closed)?;
        let confirmation = self.shared.publish(Publication {
            topic: &self.topic,
            qos: self.qos,
            retain: self.retain,
            frame,
            size,
        })?;
        match confirmation.await {
            Ok(result) => result.map(|()| None).map_err(SinkError::from),
            // The connection task ended without answering (it was stopped).
            Err(_) => Err(DeliveryError::Closed.into()),
        }
    }

    fn is_ready(&self) -> bool {
        self.shared.is_up()
    }

    async fn close(&self) {
        self.pending.close();
        self.shared.close();
        self.closing.cancel();
        if let Some(mut driver) = self.take_driver() {
            if tokio::time::timeout(CLOSE_WAIT, &mut driver).await.is_err() {
                debug!(broker = %self.shared.broker, "DISCONNECT not written in time");
                driver.abort();
            }
        }
    }
}

impl Drop for MqttSink {
    fn drop(&mut self) {
        self.closing.cancel();
        if let Some(driver) = self.take_driver() {
            driver.abort();
        }
    }
}
