//! One face for rumqttc's two clients (MQTT 3.1.1 in `rumqttc`, MQTT 5 in
//! `rumqttc::v5`), request side: building them from ferry's settings and the
//! requests ferry sends. The event side is [`crate::connection`].

use std::time::Duration;

use bytes::Bytes;
use rumqttc::v5;
use rumqttc::v5::mqttbytes::v5 as p5;

pub(crate) use rumqttc::QoS;

use crate::broker::Broker;
use crate::codec::Frame;
use crate::config::MqttVersion;
use crate::connection::Connection;
use crate::names::{KEEP_ALIVE_SECS, MQTT_MAX_PACKET};

/// The QoS of a config value already checked to be 0, 1 or 2.
pub(crate) fn qos(level: u8) -> QoS {
    match level {
        0 => QoS::AtMostOnce,
        1 => QoS::AtLeastOnce,
        _ => QoS::ExactlyOnce,
    }
}

/// What one client is built from.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub version: MqttVersion,
    pub broker: Broker,
    pub client_id: String,
    pub clean_start: bool,
    /// MQTT 5 only.
    pub session_expiry_secs: u32,
    /// MQTT 5 only: advertised Receive Maximum.
    pub receive_maximum: Option<u16>,
    /// Largest incoming packet (advertised on MQTT 5).
    pub max_incoming_bytes: u32,
    pub manual_acks: bool,
    /// Capacity of the request channel between the client and its event loop.
    pub request_capacity: usize,
    /// Most QoS 1/2 publishes of ours unacknowledged at once.
    pub outgoing_inflight: u16,
}

/// Builds the client and its (not yet connected) event loop.
pub(crate) fn build(s: &Settings) -> (Client, Connection) {
    let keep_alive = Duration::from_secs(KEEP_ALIVE_SECS);
    match s.version {
        MqttVersion::V311 => {
            let mut o = rumqttc::MqttOptions::new(&s.client_id, &s.broker.host, s.broker.port);
            o.set_keep_alive(keep_alive)
                .set_clean_session(s.clean_start || s.client_id.is_empty())
                .set_manual_acks(s.manual_acks)
                .set_max_packet_size(s.max_incoming_bytes as usize, MQTT_MAX_PACKET as usize)
                .set_inflight(s.outgoing_inflight.max(1));
            if let Some((user, password)) = &s.broker.credentials {
                o.set_credentials(user, password);
            }
            let (client, eventloop) = rumqttc::AsyncClient::new(o, s.request_capacity);
            (Client::V4(client), Connection::V4(Box::new(eventloop)))
        }
        MqttVersion::V5 => {
            let mut o = v5::MqttOptions::new(&s.client_id, &s.broker.host, s.broker.port);
            o.set_keep_alive(keep_alive)
                .set_clean_start(s.clean_start)
                .set_session_expiry_interval(Some(s.session_expiry_secs))
                .set_receive_maximum(s.receive_maximum)
                .set_max_packet_size(Some(s.max_incoming_bytes))
                .set_manual_acks(s.manual_acks)
                .set_outgoing_inflight_upper_limit(s.outgoing_inflight.max(1));
            if let Some((user, password)) = &s.broker.credentials {
                o.set_credentials(user, password);
            }
            let (client, eventloop) = v5::AsyncClient::new(o, s.request_capacity);
            (Client::V5(client), Connection::V5(Box::new(eventloop)))
        }
    }
}

pub(crate) fn qos_v4_to_v5(qos: QoS) -> v5::mqttbytes::QoS {
    match qos {
        QoS::AtMostOnce => v5::mqttbytes::QoS::AtMostOnce,
        QoS::AtLeastOnce => v5::mqttbytes::QoS::AtLeastOnce,
        QoS::ExactlyOnce => v5::mqttbytes::QoS::ExactlyOnce,
    }
}

/// The request side of either client. Every call is non-blocking: the request
/// channel is sized so that it has room (see the callers).
#[derive(Clone)]
pub(crate) enum Client {
    V4(rumqttc::AsyncClient),
    V5(v5::AsyncClient),
}

/// The request channel is full, or the event loop is gone.
#[derive(Debug)]
pub(crate) struct NotQueued;

impl Client {
    pub fn try_publish(
        &self,
        topic: &str,
        qos: QoS,
        retain: bool,
        frame: Frame,
    ) -> Result<(), NotQueued> {
        let queued = match self {
            Client::V4(c) => c.try_publish(topic, qos, retain, Vec::from(frame.payload)),
            Client::V5(c) => {
                let properties = p5::PublishProperties {
                    content_type: frame.content_type,
                    user_properties: frame.user_properties,
                    ..Default::default()
                };
                return c
                    .try_publish_with_properties(
                        topic,
                        qos_v4_to_v5(qos),
                        retain,
                        frame.payload,
                        properties,
                    )
                    .map_err(|_| NotQueued);
            }
        };
        queued.map_err(|_| NotQueued)
    }

    /// PUBACK (QoS 1) or PUBREC (QoS 2) for a received message.
    pub fn try_ack(&self, pkid: u16, qos: QoS) -> Result<(), NotQueued> {
        match self {
            Client::V4(c) => {
                let publish = rumqttc::Publish {
                    dup: false,
                    qos,
                    retain: false,
                    topic: String::new(),
                    pkid,
                    payload: Bytes::new(),
                };
                c.try_ack(&publish).map_err(|_| NotQueued)
            }
            Client::V5(c) => {
                let mut publish = p5::Publish::new("", qos_v4_to_v5(qos), Bytes::new(), None);
                publish.pkid = pkid;
                c.try_ack(&publish).map_err(|_| NotQueued)
            }
        }
    }

    /// Subscribes to every filter. On MQTT 5, retained messages are sent only for
    /// a subscription the session did not have yet, so a restart does not replay
    /// them (3.1.1 has no such option).
    pub fn try_subscribe(&self, filters: &[String], qos: QoS) -> Result<(), NotQueued> {
        match self {
            Client::V4(c) => c
                .try_subscribe_many(
                    filters
                        .iter()
                        .map(|f| rumqttc::SubscribeFilter::new(f.clone(), qos)),
                )
                .map_err(|_| NotQueued),
            Client::V5(c) => c
                .try_subscribe_many(filters.iter().map(|f| {
                    let mut filter = p5::Filter::new(f.clone(), qos_v4_to_v5(qos));
                    filter.retain_forward_rule = p5::RetainForwardRule::OnNewSubscribe;
                    filter
                }))
                .map_err(|_| NotQueued),
        }
    }

    pub fn try_disconnect(&self) -> Result<(), NotQueued> {
        match self {
            Client::V4(c) => c.try_disconnect().map_err(|_| NotQueued),
            Client::V5(c) => c.try_disconnect().map_err(|_| NotQueued),
        }
    }
}

/// The size of the PUBLISH packet `frame` makes, to refuse one the broker would
/// not take before it reaches rumqttc (which would drop the connection over it).
pub(crate) fn publish_size(version: MqttVersion, topic: &str, qos: QoS, frame: &Frame) -> usize {
    match version {
        MqttVersion::V311 => rumqttc::Publish {
            dup: false,
            qos,
            retain: false,
            topic: topic.to_owned(),
            pkid: 1,
            payload: frame.payload.clone(),
        }
        .size(),
        MqttVersion::V5 => {
            let properties = p5::PublishProperties {
                content_type: frame.content_type.clone(),
                user_properties: frame.user_properties.clone(),
                ..Default::default()
            };
            let mut publish = p5::Publish::new(
                topic,
                qos_v4_to_v5(qos),
                frame.payload.clone(),
                Some(properties),
            );
            publish.pkid = 1;
            publish.size()
        }
    }
}
