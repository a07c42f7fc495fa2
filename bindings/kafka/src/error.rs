//! The binding's errors: why a record is not a CloudEvent (the reason a dead
//! letter carries), why a source or sink cannot be built, and why a delivery
//! failed, mapped into [`ferry_core::SinkError`] with its transient/permanent split.

use ferry_core::{EventError, SinkError};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use thiserror::Error;

/// Why a Kafka record does not carry a valid CloudEvent.
#[derive(Debug, Error)]
pub enum DecodeError {
    /// A CloudEvents format other than JSON (e.g. `application/cloudevents+avro`).
    #[error("unsupported event format `{0}`: ferry reads application/cloudevents+json")]
    UnsupportedFormat(String),
    #[error("structured-mode record has a null value")]
    NullStructuredValue,
    #[error("header key `{0}` is not UTF-8")]
    HeaderKey(String),
    /// No CloudEvents markers and no `wrap` table to make an event of the value.
    #[error(
        "not a CloudEvent: no ce_ headers, no application/cloudevents content-type, and the value is not a structured event (configure `wrap` to accept raw payloads)"
    )]
    NotACloudEvent,
    #[error(transparent)]
    Event(#[from] EventError),
}

/// Why a Kafka source or sink cannot be built from its config.
#[derive(Debug, Error)]
pub enum BuildError {
    /// Problems found by the config's `check`, one `key: message` each.
    #[error("{}", .0.join("; "))]
    Config(Vec<String>),
    #[error("cannot create the Kafka client: {0}")]
    Client(#[from] KafkaError),
}

/// Why one delivery attempt failed.
#[derive(Debug, Error)]
#[error("kafka topic `{topic}`: {error}")]
pub(crate) struct DeliveryError {
    pub topic: String,
    pub error: KafkaError,
}

impl DeliveryError {
    pub fn code(&self) -> Option<RDKafkaErrorCode> {
        self.error.rdkafka_error_code()
    }

    /// True when the producer is unusable and must be rebuilt.
    pub fn is_fatal(&self) -> bool {
        self.code() == Some(RDKafkaErrorCode::Fatal)
    }
}

impl From<DeliveryError> for SinkError {
    fn from(err: DeliveryError) -> Self {
        let reason = err.to_string();
        match err.code() {
            Some(code) if is_permanent(code) => SinkError::permanent(reason),
            _ => SinkError::transient(reason),
        }
    }
}

/// Codes no retry can fix: the record itself, the topic name or the
/// configuration is wrong. Everything else (broker down, unknown topic, leader
/// moves, timeouts, a full queue, a fatal producer that is being rebuilt) is
/// transient, and the runtime's retry budget bounds it.
fn is_permanent(code: RDKafkaErrorCode) -> bool {
    use RDKafkaErrorCode as C;
    matches!(
        code,
        C::MessageSizeTooLarge
            | C::InvalidMessageSize
            | C::MessageBatchTooLarge
            | C::InvalidRecord
            | C::InvalidTopic
            | C::InvalidTimestamp
            | C::InvalidRequiredAcks
            | C::TopicAuthorizationFailed
            | C::ClusterAuthorizationFailed
            | C::UnsupportedForMessageFormat
            | C::UnsupportedCompressionType
            | C::PolicyViolation
            | C::InvalidArgument
            | C::BadMessage
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(code: RDKafkaErrorCode) -> SinkError {
        DeliveryError {
            topic: "t".into(),
            error: KafkaError::MessageProduction(code),
        }
        .into()
    }

    #[test]
    fn too_large_is_permanent_and_the_rest_transient() {
        use RDKafkaErrorCode as C;
        for code in [C::MessageSizeTooLarge, C::InvalidTopic, C::InvalidRecord] {
            assert!(!delivery(code).is_transient(), "{code:?}");
        }
        for code in [
            C::UnknownTopicOrPartition,
            C::UnknownTopic,
            C::AllBrokersDown,
            C::MessageTimedOut,
            C::QueueFull,
            C::NotEnoughReplicas,
            C::Fatal,
        ] {
            assert!(delivery(code).is_transient(), "{code:?}");
        }
        let reason = delivery(C::MessageSizeTooLarge).to_string();
        assert!(reason.contains("kafka topic `t`"), "{reason}");
    }

    #[test]
    fn fatal_is_recognised() {
        let err = DeliveryError {
            topic: "t".into(),
            error: KafkaError::MessageProduction(RDKafkaErrorCode::Fatal),
        };
        assert!(err.is_fatal());
    }
}
