//! The binding's errors: why a message is not a CloudEvent (the reason an
//! invalid message is dead-lettered with), why a source or sink cannot be built,
//! and why a delivery failed, mapped into [`ferry_core::SinkError`] with its
//! transient/permanent split.

use ferry_core::{EventError, SinkError};
use thiserror::Error;

/// Why an MQTT message does not carry a valid CloudEvent.
#[derive(Debug, Error)]
pub enum DecodeError {
    #[error(
        "not a CloudEvent: no application/cloudevents Content Type, no specversion user property, and the payload is not a JSON event"
    )]
    NotACloudEvent,
    /// A structured format other than JSON, or a batch (MQTT has no batch mode).
    #[error("unsupported event format `{0}`: ferry reads application/cloudevents+json")]
    UnsupportedFormat(String),
    /// 3.1.1 cannot advertise a packet limit, so the check happens on arrival.
    #[error("message of {size} bytes is larger than max_packet_bytes ({max})")]
    TooLarge { size: usize, max: u32 },
    #[error(transparent)]
    Event(#[from] EventError),
}

/// Why a source or sink cannot be built from its config (`check` finds these
/// first; this is the last line of defence for configs built in code).
#[derive(Debug, Error)]
pub enum BuildError {
    #[error("{0}")]
    Config(String),
    #[error("an MQTT sink must be built inside the tokio runtime")]
    NoRuntime,
}

impl BuildError {
    pub(crate) fn from_problems(problems: Vec<String>) -> Option<Self> {
        (!problems.is_empty()).then(|| BuildError::Config(problems.join("; ")))
    }
}

/// How a broker refused one PUBLISH (an MQTT 5 reason code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The reason code's name, e.g. `QuotaExceeded`.
    pub code: String,
    /// Retrying cannot help (bad payload format or topic, not authorized).
    pub permanent: bool,
}

/// Why one delivery failed.
#[derive(Debug, Clone, Error)]
pub(crate) enum DeliveryError {
    #[error("not connected to the MQTT broker {broker}")]
    NotConnected { broker: String },
    #[error("connection to the MQTT broker {broker} lost before it confirmed: {reason}")]
    ConnectionLost { broker: String, reason: String },
    #[error("the MQTT broker {broker} refused the message: {}", refusal.code)]
    Refused { broker: String, refusal: Refusal },
    #[error("a PUBLISH of {size} bytes is larger than the broker's maximum packet size ({max})")]
    TooLarge { size: usize, max: u32 },
    #[error("the MQTT sink is closed")]
    Closed,
}

impl From<DeliveryError> for SinkError {
    fn from(err: DeliveryError) -> Self {
        let permanent = match &err {
            DeliveryError::Refused { refusal, .. } => refusal.permanent,
            DeliveryError::TooLarge { .. } => true,
            DeliveryError::NotConnected { .. }
            | DeliveryError::ConnectionLost { .. }
            | DeliveryError::Closed => false,
        };
        if permanent {
            SinkError::permanent(err.to_string())
        } else {
            SinkError::transient(err.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_keep_their_split() {
        let refused = |permanent| DeliveryError::Refused {
            broker: "h:1883".into(),
            refusal: Refusal {
                code: "QuotaExceeded".into(),
                permanent,
            },
        };
        let transient = SinkError::from(refused(false));
        assert!(transient.is_transient());
        assert_eq!(
            transient.to_string(),
            "the MQTT broker h:1883 refused the message: QuotaExceeded"
        );
        assert!(!SinkError::from(refused(true)).is_transient());
        let lost = DeliveryError::ConnectionLost {
            broker: "h:1883".into(),
            reason: "I/O".into(),
        };
        assert!(SinkError::from(lost).is_transient());
        assert!(!SinkError::from(DeliveryError::TooLarge { size: 9, max: 8 }).is_transient());
    }
}
