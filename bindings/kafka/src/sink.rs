//! The Kafka sink: a [`FutureProducer`] (idempotent, `acks=all` by default) for
//! one topic. `send` returns once the delivery report confirmed the record.
//!
//! A producer that hits a fatal error (with idempotence: a broken sequence the
//! broker will not accept again) is unusable; the sink then builds a fresh one
//! for the next attempts, and the failed attempt counts as transient.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use ferry_core::{ContentMode, Envelope, Event, ReadyFlag, Sink, SinkError};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::ClientConfig;
use tracing::{info, warn};

use crate::codec::{self, Record};
use crate::config::KafkaSinkConfig;
use crate::context::{Health, SinkContext};
use crate::error::{BuildError, DeliveryError};

type KafkaProducer = FutureProducer<SinkContext>;

/// How long `send` waits for room in librdkafka's queue before the attempt
/// fails as transient (the queue is bounded by `queue.buffering.max.*`).
const QUEUE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long `close` waits for records still queued.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(5);

/// Delivers events to a Kafka topic (`binding = "kafka"`).
pub struct KafkaSink {
    name: Arc<str>,
    topic: String,
    mode: ContentMode,
    key: Option<String>,
    config: ClientConfig,
    ready: ReadyFlag,
    /// Replaced when it hits a fatal error; `send` clones the `Arc` and never
    /// holds the lock across an await.
    producer: Mutex<Arc<KafkaProducer>>,
}

impl KafkaSink {
    /// Checks the config and creates the producer (it connects in the background).
    pub fn new(name: &str, cfg: KafkaSinkConfig) -> Result<Self, BuildError> {
        let problems = cfg.check();
        if !problems.is_empty() {
            return Err(BuildError::Config(problems));
        }
        let name: Arc<str> = Arc::from(name);
        let config = cfg.client_config(&name);
        let ready = ReadyFlag::new(false);
        let producer = create(&config, &name, &ready)?;
        Ok(Self {
            name,
            topic: cfg.topic,
            mode: cfg.mode,
            key: cfg.key,
            config,
            ready,
            producer: Mutex::new(Arc::new(producer)),
        })
    }

    fn current(&self) -> Arc<KafkaProducer> {
        self.producer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    async fn deliver(
        &self,
        producer: &KafkaProducer,
        record: &Record,
    ) -> Result<(), DeliveryError> {
        let headers = record.headers.iter().fold(
            OwnedHeaders::new_with_capacity(record.headers.len()),
            |headers, (key, value)| {
                headers.insert(Header {
                    key,
                    value: Some(value),
                })
            },
        );
        let mut future = FutureRecord::<str, [u8]>::to(&self.topic).headers(headers);
        if let Some(key) = &record.key {
            future = future.key(key);
        }
        if let Some(value) = &record.value {
            future = future.payload(value);
        }
        match producer.send(future, QUEUE_TIMEOUT).await {
            Ok(_) => Ok(()),
            Err((error, _)) => Err(DeliveryError {
                topic: self.topic.clone(),
                error,
            }),
        }
    }

    /// Builds a new producer if `failed` is still the current one.
    fn rebuild(&self, failed: &Arc<KafkaProducer>) {
        let mut current = self.producer.lock().unwrap_or_else(PoisonError::into_inner);
        if !Arc::ptr_eq(&current, failed) {
            return; // another send rebuilt it already
        }
        match create(&self.config, &self.name, &self.ready) {
            Ok(producer) => {
                info!(
                    sink = &*self.name,
                    "kafka producer rebuilt after a fatal error"
                );
                *current = Arc::new(producer);
            }
            Err(err) => warn!(sink = &*self.name, %err, "kafka producer could not be rebuilt"),
        }
    }
}

fn create(
    config: &ClientConfig,
    name: &Arc<str>,
    ready: &ReadyFlag,
) -> Result<KafkaProducer, BuildError> {
    let context = SinkContext(Health::new(name.clone(), ready.clone()));
    Ok(config.create_with_context(context)?)
}

#[async_trait]
impl Sink for KafkaSink {
    async fn send(&self, envelope: &Envelope) -> Result<Option<Event>, SinkError> {
        let record = codec::encode(&envelope.event, self.mode, self.key.as_deref());
        let producer = self.current();
        match self.deliver(&producer, &record).await {
            Ok(()) => Ok(None),
            Err(err) => {
                if err.is_fatal() || producer.client().fatal_error().is_some() {
                    warn!(sink = &*self.name, %err, "kafka producer failed fatally; building a new one");
                    self.rebuild(&producer);
                    // The last handle of the old producer may be this one, and
                    // destroying a producer waits on librdkafka's threads.
                    tokio::task::spawn_blocking(move || drop(producer));
                    return Err(SinkError::transient(err.to_string()));
                }
                Err(err.into())
            }
        }
    }

    fn is_ready(&self) -> bool {
        self.ready.get()
    }

    async fn close(&self) {
        let producer = self.current();
        let flushed = tokio::task::spawn_blocking(move || producer.flush(FLUSH_TIMEOUT)).await;
        if let Ok(Err(err)) = flushed {
            warn!(sink = &*self.name, %err, "kafka producer flush at close failed");
        }
    }
}
