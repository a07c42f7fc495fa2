//! Partition handling for the source's loop: the consumer's assignment as
//! [`PartitionId`]s, pausing and resuming them, and the backoff before a
//! partition is read again after `Retry`.

use std::time::Duration;

use rdkafka::consumer::Consumer;
use rdkafka::TopicPartitionList;
use tracing::warn;

use crate::offsets::PartitionId;
use crate::pump::KafkaConsumer;

/// A partition whose record got `Retry` waits this long before it is read again,
/// doubling with each consecutive `Retry` up to [`RETRY_MAX`].
const RETRY_INITIAL: Duration = Duration::from_secs(1);
const RETRY_MAX: Duration = Duration::from_secs(30);

/// `RETRY_INITIAL` doubled per consecutive failure, capped at `RETRY_MAX`.
pub(crate) fn backoff(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(16);
    RETRY_INITIAL.saturating_mul(1 << doublings).min(RETRY_MAX)
}

pub(crate) fn assignment(consumer: &KafkaConsumer) -> Vec<PartitionId> {
    consumer
        .assignment()
        .map(|tpl| crate::context::partitions(&tpl))
        .unwrap_or_default()
}

pub(crate) fn list<'a>(ids: impl IntoIterator<Item = &'a PartitionId>) -> TopicPartitionList {
    let mut tpl = TopicPartitionList::new();
    for id in ids {
        tpl.add_partition(&id.topic, id.partition);
    }
    tpl
}

pub(crate) fn pause(consumer: &KafkaConsumer, tpl: &TopicPartitionList) {
    if tpl.count() > 0 {
        if let Err(err) = consumer.pause(tpl) {
            warn!(%err, "kafka pause failed");
        }
    }
}

pub(crate) fn resume(consumer: &KafkaConsumer, tpl: &TopicPartitionList) {
    if tpl.count() > 0 {
        if let Err(err) = consumer.resume(tpl) {
            warn!(%err, "kafka resume failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff(1), Duration::from_secs(1));
        assert_eq!(backoff(2), Duration::from_secs(2));
        assert_eq!(backoff(5), Duration::from_secs(16));
        assert_eq!(backoff(6), RETRY_MAX);
        assert_eq!(backoff(u32::MAX), RETRY_MAX);
        assert_eq!(backoff(0), Duration::from_secs(1));
    }
}
