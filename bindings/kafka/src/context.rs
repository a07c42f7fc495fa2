//! librdkafka's callbacks: its logs and errors into `tracing`, readiness from its
//! statistics (is any broker connection up?), and the source's rebalance hooks,
//! which keep the commit bookkeeping in step with the partitions held.
//!
//! Callbacks run on whichever thread polls the client: the source's task for the
//! consumer (inside `recv`), librdkafka's polling thread for the producer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use ferry_core::ReadyFlag;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance};
use rdkafka::error::{KafkaError, KafkaResult, RDKafkaErrorCode};
use rdkafka::{ClientContext, Offset, TopicPartitionList};
use serde::Deserialize;
use tokio::sync::mpsc::UnboundedSender;
use tracing::{debug, error, info, warn};

use crate::offsets::{Offsets, PartitionId};

/// What every Kafka client of ferry reports: logs, errors, readiness.
pub(crate) struct Health {
    name: Arc<str>,
    ready: ReadyFlag,
    /// The last error logged and when: librdkafka repeats itself (and rdkafka
    /// reports some producer errors twice), so repeats are kept out of the log.
    last_error: Mutex<Option<(String, Instant)>>,
}

/// An identical error within this window is not logged again.
const REPEAT_WINDOW: Duration = Duration::from_secs(10);

impl Health {
    pub fn new(name: Arc<str>, ready: ReadyFlag) -> Self {
        Self {
            name,
            ready,
            last_error: Mutex::new(None),
        }
    }

    fn log(&self, level: RDKafkaLogLevel, facility: &str, message: &str) {
        let name = &*self.name;
        match level {
            RDKafkaLogLevel::Emerg
            | RDKafkaLogLevel::Alert
            | RDKafkaLogLevel::Critical
            | RDKafkaLogLevel::Error => error!(kafka = name, facility, "librdkafka: {message}"),
            RDKafkaLogLevel::Warning => warn!(kafka = name, facility, "librdkafka: {message}"),
            RDKafkaLogLevel::Notice | RDKafkaLogLevel::Info => {
                info!(kafka = name, facility, "librdkafka: {message}")
            }
            RDKafkaLogLevel::Debug => debug!(kafka = name, facility, "librdkafka: {message}"),
        }
    }

    fn stats(&self, raw: &[u8]) {
        if let Some(up) = any_broker_up(raw) {
            self.ready.set(up);
        }
    }

    fn error(&self, error: &KafkaError, reason: &str) {
        if error.rdkafka_error_code() == Some(RDKafkaErrorCode::AllBrokersDown) {
            self.ready.set(false);
        }
        if self.is_repeat(reason) {
            debug!(kafka = &*self.name, %error, "kafka client error: {reason}");
        } else {
            warn!(kafka = &*self.name, %error, "kafka client error: {reason}");
        }
    }

    /// True when `reason` was logged within [`REPEAT_WINDOW`]; records it if not.
    fn is_repeat(&self, reason: &str) -> bool {
        let now = Instant::now();
        let mut last = self
            .last_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let repeat = last
            .as_ref()
            .is_some_and(|(text, at)| text == reason && now.duration_since(*at) < REPEAT_WINDOW);
        if !repeat {
            *last = Some((reason.to_owned(), now));
        }
        repeat
    }
}

/// The part of librdkafka's statistics readiness needs.
#[derive(Deserialize)]
struct Stats {
    #[serde(default)]
    brokers: HashMap<String, BrokerStats>,
}

#[derive(Deserialize)]
struct BrokerStats {
    state: String,
}

/// True when a broker connection is up, false when none is; `None` for
/// statistics that cannot be read.
pub(crate) fn any_broker_up(raw: &[u8]) -> Option<bool> {
    let stats: Stats = serde_json::from_slice(raw).ok()?;
    Some(stats.brokers.values().any(|b| b.state == "UP"))
}

/// The producer's context.
pub(crate) struct SinkContext(pub Health);

impl ClientContext for SinkContext {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, log_message: &str) {
        self.0.log(level, fac, log_message);
    }
    fn stats_raw(&self, statistics: &[u8]) {
        self.0.stats(statistics);
    }
    fn error(&self, error: KafkaError, reason: &str) {
        self.0.error(&error, reason);
    }
}

/// A change of the partitions the consumer holds, for the source's loop.
#[derive(Debug)]
pub(crate) enum Rebalanced {
    Assigned(Vec<PartitionId>),
    Revoked(Vec<PartitionId>),
}

/// The consumer's context: [`Health`] plus the rebalance hooks.
pub(crate) struct SourceContext {
    pub health: Health,
    pub offsets: Arc<Mutex<Offsets>>,
    pub notes: UnboundedSender<Rebalanced>,
}

/// The bookkeeping, even if a thread panicked while holding it: it stays
/// consistent between calls, and losing the source over it would be worse.
pub(crate) fn lock(offsets: &Mutex<Offsets>) -> MutexGuard<'_, Offsets> {
    offsets.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The partitions of a list, as the offset bookkeeping names them.
pub(crate) fn partitions(tpl: &TopicPartitionList) -> Vec<PartitionId> {
    tpl.elements()
        .iter()
        .map(|e| PartitionId {
            topic: Arc::from(e.topic()),
            partition: e.partition(),
        })
        .collect()
}

impl ClientContext for SourceContext {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, log_message: &str) {
        self.health.log(level, fac, log_message);
    }
    fn stats_raw(&self, statistics: &[u8]) {
        self.health.stats(statistics);
    }
    fn error(&self, error: KafkaError, reason: &str) {
        self.health.error(&error, reason);
    }
}

impl ConsumerContext for SourceContext {
    /// Before partitions go, commit what settled on them, so the next owner
    /// starts right after it; outcomes still pending are then ignored and those
    /// records read again by the next owner.
    fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let Rebalance::Revoke(tpl) = rebalance else {
            return;
        };
        let revoked = partitions(tpl);
        let mut commits = TopicPartitionList::new();
        {
            let mut offsets = lock(&self.offsets);
            for id in &revoked {
                if let Some(next) = offsets.revoke(id) {
                    // Adding to a list ferry built cannot fail but for a bad
                    // offset, which `revoke` never returns.
                    let _ =
                        commits.add_partition_offset(&id.topic, id.partition, Offset::Offset(next));
                }
            }
        }
        if commits.count() > 0 {
            if let Err(err) = consumer.commit(&commits, CommitMode::Sync) {
                warn!(kafka = &*self.health.name, %err, "commit before revocation failed; those records will be read again");
            }
        }
        info!(
            kafka = &*self.health.name,
            partitions = revoked.len(),
            "kafka partitions revoked"
        );
        let _ = self.notes.send(Rebalanced::Revoked(revoked));
    }

    fn post_rebalance(&self, _consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Assign(tpl) => {
                let assigned = partitions(tpl);
                {
                    let mut offsets = lock(&self.offsets);
                    for id in &assigned {
                        offsets.assign(id.clone());
                    }
                }
                info!(
                    kafka = &*self.health.name,
                    partitions = assigned.len(),
                    "kafka partitions assigned"
                );
                let _ = self.notes.send(Rebalanced::Assigned(assigned));
            }
            Rebalance::Revoke(_) => {}
            Rebalance::Error(err) => {
                warn!(kafka = &*self.health.name, %err, "kafka rebalance failed")
            }
        }
    }

    fn commit_callback(&self, result: KafkaResult<()>, offsets: &TopicPartitionList) {
        match result {
            Ok(()) => debug!(
                kafka = &*self.health.name,
                partitions = offsets.count(),
                "offsets committed"
            ),
            Err(err) => {
                warn!(kafka = &*self.health.name, %err, "offset commit failed; records after the last commit will be read again")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_errors_are_logged_once_per_window() {
        let health = Health::new(Arc::from("k"), ReadyFlag::new(true));
        assert!(!health.is_repeat("1/1 brokers are down"));
        assert!(health.is_repeat("1/1 brokers are down"));
        assert!(!health.is_repeat("connection refused"));
        assert!(
            !health.is_repeat("1/1 brokers are down"),
            "a different error came between"
        );
        let down = KafkaError::Global(RDKafkaErrorCode::AllBrokersDown);
        health.error(&down, "1/1 brokers are down");
        assert!(!health.ready.get());
    }

    #[test]
    fn readiness_follows_broker_states() {
        let up = br#"{"name":"x","brokers":{"127.0.0.1:9092/bootstrap":{"state":"INIT","nodeid":-1},"localhost:9092/1":{"state":"UP","nodeid":1}}}"#;
        assert_eq!(any_broker_up(up), Some(true));
        let down = br#"{"brokers":{"127.0.0.1:9092/bootstrap":{"state":"TRY_CONNECT"}}}"#;
        assert_eq!(any_broker_up(down), Some(false));
        assert_eq!(any_broker_up(b"{}"), Some(false));
        assert_eq!(any_broker_up(b"not json"), None);
    }
}
