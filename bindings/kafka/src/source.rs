//! The Kafka source: a consumer group member on a [`StreamConsumer`], driven by
//! [`crate::pump::Pump`]. Building checks the config; the consumer itself is
//! created in `run`, where the intake's ready flag is known.
//!
//! Shutdown: stop reading, wait for the outcomes in flight, commit what settled,
//! then close the consumer (which leaves the group) on a thread of its own, since
//! librdkafka's close blocks; see [`close`] for why that wait is bounded.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use ferry_core::wrap::Wrapper;
use ferry_core::{Intake, Source, SourceError};
use rdkafka::consumer::Consumer;
use rdkafka::ClientConfig;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use crate::config::KafkaSourceConfig;
use crate::context::{Health, SourceContext};
use crate::error::BuildError;
use crate::offsets::Offsets;
use crate::pump::{KafkaConsumer, Pump};

/// Consumes CloudEvents from Kafka topics (`binding = "kafka"`).
pub struct KafkaSource {
    name: Arc<str>,
    topics: Vec<String>,
    config: ClientConfig,
    wrapper: Option<Wrapper>,
}

impl KafkaSource {
    /// Checks the config, librdkafka options included; connects nothing yet.
    pub fn new(name: &str, cfg: KafkaSourceConfig) -> Result<Self, BuildError> {
        let problems = cfg.check();
        if !problems.is_empty() {
            return Err(BuildError::Config(problems));
        }
        let wrapper = cfg.wrapper().transpose().map_err(BuildError::Config)?;
        let config = cfg.client_config(name);
        // Every property on its own passed `check`; together they must too.
        config.create_native_config()?;
        Ok(Self {
            name: Arc::from(name),
            topics: cfg.topics,
            config,
            wrapper,
        })
    }

    fn consumer(&self, intake: &Intake) -> Result<(KafkaConsumer, Pump), SourceError> {
        let offsets = Arc::new(Mutex::new(Offsets::new()));
        let (notes_tx, notes_rx) = tokio::sync::mpsc::unbounded_channel();
        let context = SourceContext {
            health: Health::new(self.name.clone(), intake.ready().clone()),
            offsets: offsets.clone(),
            notes: notes_tx,
        };
        let consumer: KafkaConsumer = self
            .config
            .create_with_context(context)
            .map_err(|err| self.error("cannot create the consumer", &err))?;
        let topics: Vec<&str> = self.topics.iter().map(String::as_str).collect();
        consumer
            .subscribe(&topics)
            .map_err(|err| self.error("cannot subscribe", &err))?;
        let pump = Pump::new(
            self.name.clone(),
            intake.clone(),
            self.wrapper.clone(),
            offsets,
            notes_rx,
        );
        Ok((consumer, pump))
    }

    fn error(&self, what: &str, err: &dyn std::fmt::Display) -> SourceError {
        SourceError(format!("kafka source `{}`: {what}: {err}", self.name))
    }
}

#[async_trait]
impl Source for KafkaSource {
    async fn run(
        self: Box<Self>,
        intake: Intake,
        shutdown: CancellationToken,
    ) -> Result<(), SourceError> {
        intake.ready().set(false);
        let (consumer, mut pump) = self.consumer(&intake)?;
        info!(source = &*self.name, topics = ?self.topics, "kafka source consuming");
        let result = pump.run(&consumer, &shutdown).await;
        pump.finish(&consumer).await;
        close(consumer, &self.name).await;
        // After the close: its last statistics may have set the flag again.
        intake.ready().set(false);
        info!(source = &*self.name, "kafka source stopped");
        result
    }
}

/// How long ferry waits for librdkafka to close a consumer.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// Drops (closes) the consumer: revocation, LeaveGroup, then librdkafka's
/// teardown. On a detached thread with a bounded wait, not `spawn_blocking`:
/// librdkafka 2.x can hang for good in that teardown, after the group was left,
/// once a partition was paused and resumed (librdkafka issues #4362 and #4674,
/// seen here against tansu), and the runtime waits for blocking tasks at exit.
async fn close(consumer: KafkaConsumer, name: &str) {
    let (done, closed) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("ferry-kafka-close".into())
        .spawn(move || {
            drop(consumer);
            let _ = done.send(());
        });
    if let Err(err) = spawned {
        warn!(source = name, %err, "no thread to close the kafka consumer on");
        return;
    }
    if tokio::time::timeout(CLOSE_TIMEOUT, closed).await.is_err() {
        warn!(
            source = name,
            "librdkafka did not finish closing the consumer within {CLOSE_TIMEOUT:?} (a known librdkafka hang after pause/resume); going on without it"
        );
    }
}
