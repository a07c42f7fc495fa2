//! What a received message is submitted to the runtime as: the event it
//! carries (detected per message by [`crate::codec`]), a `wrap`ped event for a
//! payload with no CloudEvents markers, or invalid input with the reason.

use std::sync::Arc;

use bytes::Bytes;
use ferry_core::envelope::context_key::TOPIC;
use ferry_core::wrap::Wrapper;
use ferry_core::{Envelope, Intake, PendingOutcome, ProtocolContext};

use crate::codec;
use crate::config::MqttVersion;
use crate::connection::Inbound;
use crate::error::DecodeError;

/// What a message is submitted as; cloned for each new attempt.
#[derive(Debug, Clone)]
pub(crate) enum Input {
    Event(Envelope),
    Invalid {
        payload: Bytes,
        reason: String,
        context: ProtocolContext,
    },
}

impl Input {
    /// Queues it (waiting while the runtime's channel is full).
    pub async fn submit(&self, intake: &Intake) -> PendingOutcome {
        match self {
            Input::Event(envelope) => intake.submit(envelope.clone()).await,
            Input::Invalid {
                payload,
                reason,
                context,
            } => {
                intake
                    .submit_invalid(payload.clone(), reason.clone(), context.clone())
                    .await
            }
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Input::Event(envelope) => format!("event `{}`", envelope.event.id()),
            Input::Invalid { .. } => "invalid message".to_owned(),
        }
    }
}

/// Turns a message into what is submitted for it.
pub(crate) struct Decoder {
    /// The source's name, stamped on every envelope.
    pub name: Arc<str>,
    pub version: MqttVersion,
    /// Enforced here on 3.1.1 only (MQTT 5 advertises it).
    pub max_packet_bytes: u32,
    pub wrapper: Option<Wrapper>,
}

impl Decoder {
    /// Decodes, or wraps, or refuses with a reason: never fails.
    pub fn input(&self, inbound: Inbound) -> Input {
        let context = ProtocolContext::new().with(TOPIC, inbound.topic);
        let payload = inbound.frame.payload.clone();
        let decoded = match self.version {
            MqttVersion::V311 if payload.len() > self.max_packet_bytes as usize => {
                Err(DecodeError::TooLarge {
                    size: payload.len(),
                    max: self.max_packet_bytes,
                })
            }
            _ => codec::decode(&inbound.frame),
        };
        let event = match (decoded, &self.wrapper) {
            (Ok(event), _) => Ok(event),
            (Err(DecodeError::NotACloudEvent), Some(wrapper)) => wrapper
                .wrap(payload.clone(), &context, None)
                .map_err(|e| format!("cannot wrap the payload: {e}")),
            (Err(err), _) => Err(err.to_string()),
        };
        match event {
            Ok(event) => Input::Event(Envelope::new(event, self.name.clone(), context)),
            Err(reason) => Input::Invalid {
                payload,
                reason,
                context,
            },
        }
    }
}

#[cfg(test)]
#[path = "input_tests.rs"]
mod tests;
